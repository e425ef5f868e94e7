"""The page that started it all: a news story whose trailing notice declares it sponsored."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector import Detector

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "kryptonary-rubio-munich.txt"
pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared/examples is not here")


@pytest.fixture(scope="module")
def analysis():
    return Detector.load().analyze(SEED)


def test_seed_page_scores_as_sponsored(analysis):
    assert analysis.score >= 0.9
    assert analysis.label == "sponsored"


def test_only_the_notice_heading_and_paragraph_are_sponsored(analysis):
    sponsored = [b.text for b in analysis.blocks if b.label == "sponsored"]
    assert len(sponsored) == 2
    assert sponsored[0] == "IMPORTANT NOTICE"
    assert sponsored[1].startswith("This article is sponsored content.")


@pytest.mark.parametrize(
    "start",
    ["Recommended Article:", "Share this article", "Subscribe", "By pressing the Subscribe button"],
)
def test_share_and_subscribe_lines_are_boilerplate(analysis, start):
    (block,) = [b for b in analysis.blocks if b.text.startswith(start) and len(b.text) < 120]
    assert block.label == "boilerplate"


def test_every_paragraph_of_the_story_is_in_the_editorial_text(analysis):
    raw = SEED.read_text(encoding="utf-8")
    story = raw.split("IMPORTANT NOTICE")[0]
    paragraphs = [p.strip() for p in story.split("\n\n") if len(p.strip()) > 120]
    assert len(paragraphs) > 15
    editorial = analysis.editorial_text
    for p in paragraphs:
        assert p in editorial


def test_every_section_heading_of_the_story_stays_editorial(analysis):
    raw = SEED.read_text(encoding="utf-8")
    story = raw.split("IMPORTANT NOTICE")[0]
    lines = [ln.strip() for ln in story.split("\n") if ln.strip()]
    headings = [ln for ln in lines[1:] if len(ln.split()) <= 12 and not ln.endswith((".", ":", "…", "?", "!"))
                and not ln.startswith("Recommended")]
    assert len(headings) >= 5
    labels = {b.text: b.label for b in analysis.blocks}
    assert {h: labels.get(h) for h in headings} == {h: "editorial" for h in headings}


def test_the_editorial_text_is_the_story_alone(analysis):
    # Every editorial line is a line of the story (above the notice), and every story line but the
    # "Recommended Article" teaser is in it: title, standfirst, headings, paragraphs.
    raw = SEED.read_text(encoding="utf-8")
    story = [ln.strip() for ln in raw.split("IMPORTANT NOTICE")[0].split("\n") if ln.strip()]
    editorial = [ln for ln in analysis.editorial_text.split("\n") if ln.strip()]
    assert editorial == [ln for ln in story if not ln.startswith("Recommended Article")]
