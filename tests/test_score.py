"""Scoring through the Python API with the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector import Detector

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sponsored-crypto-news.txt"


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


def test_path_bytes_and_text_give_the_same_record(det):
    by_path = det.score(EXAMPLE)
    by_bytes = det.score(EXAMPLE.read_bytes(), name=str(EXAMPLE), kind="text")
    by_text = det.score(EXAMPLE.read_text(encoding="utf-8"), name=str(EXAMPLE), kind="text")
    assert by_path == by_bytes == by_text


def test_bare_ad_slot_label_on_an_editorial_page_is_boilerplate(det):
    html = (
        "<html><body><article><h1>Council approves new cycle lanes</h1>"
        "<p>The city council voted on Tuesday to build four new protected cycle lanes across the centre, "
        "after a two-year consultation with residents and shop owners.</p>"
        "<div class='slot'>ANZEIGE</div>"
        "<p>Work on the first lane starts in May and should be finished before the school holidays, "
        "the transport department said.</p></article></body></html>"
    )
    a = det.analyze(html, name="news.html")
    assert a.label == "editorial"
    (slot,) = [b for b in a.blocks if b.text == "ANZEIGE"]
    assert slot.label == "boilerplate"


def test_notice_sentence_opening_a_paragraph_is_cut_out(det):
    md = (
        "# Building faster forms\n\n"
        "(This is a sponsored article.) Forms are where most sign-ups fail, and the reasons are rarely "
        "technical: labels that vanish, errors that arrive too late and buttons that say nothing.\n\n"
        "Start with the labels. Every field needs one that stays visible while people type.\n"
    )
    a = det.analyze(md, name="forms.md")
    labels = {b.text: b.label for b in a.blocks}
    assert labels["(This is a sponsored article.)"] == "sponsored"
    assert any(t.startswith("Forms are where most sign-ups fail") and lab == "editorial" for t, lab in labels.items())


def test_an_empty_page_is_an_error_record_not_an_exception(det):
    rec = det.score(b"   \n ", name="blank.html")
    assert rec["error"] == "input holds only white space"
    assert rec["score"] is None and rec["label"] is None and rec["blocks"] == []
