"""The page that started it all: a news story whose trailing notice declares it sponsored.

Run on the seed page of ../shared/examples where it is here, and always on examples/sponsored-crypto-news.txt,
our own page of the same shape (a story with section headings and a teaser line, then the notice, then share
and subscribe lines), so that the checks run for anyone who clones the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector import Detector

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "kryptonary-rubio-munich.txt"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sponsored-crypto-news.txt"
# each page, the least number of long story paragraphs and of section headings it has, and its chrome lines
PAGES = {
    "seed": (SEED, 15, 5, ["Recommended Article:", "Share this article", "Subscribe",
                           "By pressing the Subscribe button"]),
    "example": (EXAMPLE, 5, 3, ["Recommended Article:", "Share this article", "Subscribe", "By clicking Subscribe"]),
}


@pytest.fixture(scope="module", params=list(PAGES))
def page(request):
    path, paragraphs, headings, chrome = PAGES[request.param]
    if not path.is_file():
        pytest.skip("../shared/examples is not here")
    return path, paragraphs, headings, chrome


@pytest.fixture(scope="module")
def analysis(page):
    return Detector.load().analyze(page[0])


def test_seed_page_scores_as_sponsored(analysis):
    assert analysis.score >= 0.9
    assert analysis.label == "sponsored"


def test_only_the_notice_heading_and_paragraph_are_sponsored(analysis):
    sponsored = [b.text for b in analysis.blocks if b.label == "sponsored"]
    assert len(sponsored) == 2
    assert sponsored[0] == "IMPORTANT NOTICE"
    assert sponsored[1].startswith("This article is sponsored content")


def test_share_and_subscribe_lines_are_boilerplate(analysis, page):
    for start in page[3]:
        (block,) = [b for b in analysis.blocks if b.text.startswith(start) and len(b.text) < 120]
        assert block.label == "boilerplate", start


def test_every_paragraph_of_the_story_is_in_the_editorial_text(analysis, page):
    raw = page[0].read_text(encoding="utf-8")
    story = raw.split("IMPORTANT NOTICE")[0]
    paragraphs = [p.strip() for p in story.split("\n\n") if len(p.strip()) > 120]
    assert len(paragraphs) >= page[1]
    editorial = analysis.editorial_text
    for p in paragraphs:
        assert p in editorial


def test_every_section_heading_of_the_story_stays_editorial(analysis, page):
    raw = page[0].read_text(encoding="utf-8")
    story = raw.split("IMPORTANT NOTICE")[0]
    lines = [ln.strip() for ln in story.split("\n") if ln.strip()]
    headings = [ln for ln in lines[1:] if len(ln.split()) <= 12 and not ln.endswith((".", ":", "…", "?", "!"))
                and not ln.startswith("Recommended")]
    assert len(headings) >= page[2]
    labels = {b.text: b.label for b in analysis.blocks}
    assert {h: labels.get(h) for h in headings} == {h: "editorial" for h in headings}


def test_the_editorial_text_is_the_story_alone(analysis, page):
    # Every editorial line is a line of the story (above the notice), and every story line but the
    # "Recommended Article" teaser is in it: title, standfirst, headings, paragraphs.
    raw = page[0].read_text(encoding="utf-8")
    story = [ln.strip() for ln in raw.split("IMPORTANT NOTICE")[0].split("\n") if ln.strip()]
    editorial = [ln for ln in analysis.editorial_text.split("\n") if ln.strip()]
    assert editorial == [ln for ln in story if not ln.startswith("Recommended Article")]
