"""detector explain: the reasons behind each block's label and the page score, and the HTML view."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from detector import Detector
from detector.cli import main
from detector.explain import LABEL_COLOURS, _row_of, _Weights, explain, render_html
from detector.features import rows_for_page
from detector.segment import segment

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sponsored-crypto-news.txt"
SEED = ROOT.parent / "shared" / "examples" / "kryptonary-rubio-munich.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RECORD_KEYS = {"path", "score", "label", "threshold", "definition", "page", "blocks", "error"}
BLOCK_KEYS = {"index", "label", "score", "text", "start", "end", "class", "versus", "log_odds", "intercept_gap",
              "probs", "groups", "for", "against", "notes"}
REASON_KEYS = {"group", "name", "value", "weight", "contribution"}
GROUPS = {"word", "bigram", "char", "before", "after", "layout", "numeric"}


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


@pytest.fixture(scope="module")
def example(det):
    return explain(EXAMPLE, det, top=10)


def _names(block, group=None) -> list[str]:
    return [r.name for r in block.reasons_for if group is None or r.group == group]


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/examples is not here")
def test_the_seed_pages_notice_is_explained_by_the_word_sponsored(det):
    ex = explain(SEED, det, top=10)
    (notice,) = [b for b in ex.blocks if b.text.startswith("This article is sponsored content")]
    assert notice.label == "sponsored" and notice.versus == "editorial"
    assert "sponsored" in _names(notice, "word")
    assert notice.log_odds > 5


def test_the_examples_notice_is_explained_by_its_cue_words(example):
    (notice,) = [b for b in example.blocks if b.text.startswith("This article is sponsored content")]
    assert notice.label == "sponsored"
    top = _names(notice)
    assert "sponsorship_cues" in top[:3]
    assert {"sponsored", "paid", "sponsor", "sponsored content"} & set(_names(notice, "word"))  # a cue word, by name
    assert all(r.contribution > 0 for r in notice.reasons_for)
    assert all(r.contribution < 0 for r in notice.reasons_against)


def test_the_heading_above_the_notice_mentions_the_gate_and_the_heading_rule(example):
    (heading,) = [b for b in example.blocks if b.text == "IMPORTANT NOTICE"]
    assert heading.label == "sponsored"
    assert any(n.startswith("cue-word gate: no sponsorship cue word") for n in heading.notes)
    assert any("short heading above a sponsored notice" in n for n in heading.notes)


def test_block_contributions_add_up_to_the_models_log_odds(det, example):
    page = segment(det.read(EXAMPLE))
    rows = rows_for_page(page)
    raw = det.model.blocks.predict_proba_matrix(det.model.blocks.features_.transform(rows))
    classes = [str(c) for c in det.model.blocks.classes_]
    for b in example.blocks:
        k = _row_of(next(x for x in example.analysis.blocks if x.index == b.index), page)
        want = math.log(raw[k, classes.index(b.klass)] / raw[k, classes.index(b.versus)])
        assert sum(b.groups.values()) + b.intercept_gap == pytest.approx(want, abs=1e-3)
        assert b.log_odds == pytest.approx(want, abs=1e-3)


def test_page_reasons_reproduce_the_page_score(example):
    total = sum(r.contribution for r in example.page_reasons) + example.page_intercept
    assert total == pytest.approx(example.page_log_odds)
    assert 1 / (1 + math.exp(-total)) == pytest.approx(example.score, abs=1e-6)


def test_every_column_a_block_sets_has_a_readable_name(det):
    page = segment(det.read(EXAMPLE))
    rows = rows_for_page(page)
    wts = _Weights(det)
    M = det.model.blocks.features_.transform(rows).tocsr()
    for k in range(0, len(rows), 3):
        names = wts.names(rows[k])
        missing = [int(c) for c in M[k].indices if int(c) not in names]
        assert not missing, f"row {k}: unnamed columns {missing[:5]}"


def test_all_explains_every_block(det):
    ex = explain(EXAMPLE, det, all_blocks=True, top=3)
    assert len(ex.blocks) == len(ex.analysis.blocks)
    editorial = [b for b in ex.blocks if b.label == "editorial"]
    assert editorial and all(b.versus != "editorial" for b in editorial)


def test_an_unreadable_page_gives_an_error_not_an_exception(det, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    ex = explain(empty, det)
    assert ex.error and ex.score is None and ex.record()["error"] == ex.error


def test_explain_json_follows_its_schema(tmp_path):
    result = CliRunner().invoke(main, ["explain", str(EXAMPLE), "--format", "json", "--top", "4"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert set(rec) == RECORD_KEYS
    assert rec["error"] is None and rec["label"] == "sponsored" and 0 <= rec["score"] <= 1
    assert {f["name"] for f in rec["page"]["features"]} >= {"max_sponsored", "top_position"}
    assert rec["blocks"] and all(b["label"] != "editorial" for b in rec["blocks"])
    for b in rec["blocks"]:
        assert set(b) == BLOCK_KEYS
        assert set(b["groups"]) <= GROUPS
        assert 0 < len(b["for"]) <= 4 and len(b["against"]) <= 4
        for r in b["for"] + b["against"]:
            assert set(r) == REASON_KEYS and r["group"] in GROUPS
        assert [r["contribution"] for r in b["for"]] == sorted((r["contribution"] for r in b["for"]), reverse=True)


def test_explain_table_and_error_exit(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["explain", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "IMPORTANT NOTICE" in result.stdout and "note: cue-word gate" in result.stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(main, ["explain", str(empty)])
    assert result.exit_code == 1 and "Error:" in result.stderr


TRICKY = """Our <b>review</b> of the Acme & Co toaster

This article is sponsored content paid for by Acme & Co. <script>alert(1)</script>

The toaster heats evenly and the crumb tray slides out for cleaning. We used it every morning for a month
and it never burnt a slice, though the dial is hard to read.

Share this article
"""


@pytest.fixture(scope="module")
def tricky_html(det, tmp_path_factory) -> Path:
    page = tmp_path_factory.mktemp("explain") / "tricky.txt"
    page.write_text(TRICKY, encoding="utf-8")
    out = page.with_suffix(".html")
    result = CliRunner().invoke(main, ["explain", str(page), "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_html_view_is_self_contained_and_escaped(tricky_html):
    doc = tricky_html.read_text(encoding="utf-8")
    assert "<script" not in doc.lower()  # the page's own "<script>" text is escaped, and we add none
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc and "Acme &amp; Co" in doc
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", doc)
    assert "@import" not in doc and "url(" not in doc
    assert 'class="legend"' in doc and 'id="verdict"' in doc


PROBE = """<script>
window.addEventListener("load", () => {
  const out = [...document.querySelectorAll(".blk")].map(el => ({
    label: el.dataset.label, bg: getComputedStyle(el).backgroundColor,
    text: el.childNodes[1] ? el.childNodes[1].textContent : "", title: el.title}));
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


def _rgb(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_chromium_renders_the_sponsored_notice_in_the_sponsored_colour(tricky_html, tmp_path):
    probed = tmp_path / "probed.html"  # our copy with a probe script; the view itself has none
    probed.write_text(tricky_html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _chromium("--virtual-time-budget=3000", "--dump-dom", probed.as_uri(), profile=tmp_path / "profile")
    m = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert m, done.stderr[-2000:]
    blocks = json.loads(m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'))
    by_label: dict[str, list[dict]] = {}
    for b in blocks:
        by_label.setdefault(b["label"], []).append(b)
    (notice,) = [b for b in by_label["sponsored"] if b["text"].startswith("This article is sponsored content")]
    assert notice["bg"] == _rgb(LABEL_COLOURS["sponsored"])
    assert "<script>alert(1)</script>" in notice["text"]  # shown as text, not run
    assert notice["title"].startswith("sponsored ")
    assert all(b["bg"] == _rgb(LABEL_COLOURS["editorial"]) for b in by_label["editorial"])
    assert any(b["text"].startswith("The toaster heats evenly") for b in by_label["editorial"])


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_chromium_screenshot_shows_the_sponsored_colour(tricky_html, tmp_path):
    image = pytest.importorskip("matplotlib.image")
    shot = tmp_path / "shot.png"
    _chromium(f"--screenshot={shot}", "--window-size=900,700", tricky_html.as_uri(), profile=tmp_path / "profile")
    assert shot.is_file()
    px = np.round(image.imread(str(shot))[:, :, :3] * 255).astype(int)
    want = np.array([int(LABEL_COLOURS["sponsored"][i : i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(px - want).sum(axis=2) <= 6).sum() > 2000  # a filled band, not a stray pixel


def test_render_html_of_an_error_is_still_a_page(det, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    doc = render_html(explain(empty, det))
    assert doc.startswith("<!DOCTYPE html>") and "error" in doc
