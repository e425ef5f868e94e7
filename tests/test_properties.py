"""Properties of scoring, over random and mutated HTML, Markdown and text (hypothesis).

For every input: ``analyze`` never raises; a page that cannot be read has a one-line error and no score;
otherwise the score lies in [0, 1], every block's text is the visible text at its offsets (in the record
too), blocks come in page order without overlapping, and the same input gives the same output.

The number of examples is fixed (120 a test; DETECTOR_HYPOTHESIS_EXAMPLES=5000 for a deeper run) and there
is no deadline, so the run takes a bounded few seconds; under CI (env CI set) the examples are
derandomized, so a run is the same every time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import Detector

ROOT = Path(__file__).resolve().parents[1]

settings.register_profile(
    "detector",
    max_examples=int(os.environ.get("DETECTOR_HYPOTHESIS_EXAMPLES", "120")),  # more for a deeper local run
    deadline=None,
    database=None,  # nothing written into the working tree
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("detector")

# -- strategies -----------------------------------------------------------------------------------
WORDS = [
    "Sponsored",
    "sponsored content",
    "This article is sponsored by",
    "Anzeige",
    "Werbung",
    "Paid Post",
    "Advertorial",
    "In Kooperation mit",
    "Contenu sponsorisé",
    "Publicidad",
    "affiliate",
    "We may earn a commission",
    "not investment advice",
    "Disclaimer:",
    "Share",
    "Subscribe",
    "Cookies",
    "©",
    "Home",
    "Read more",
    "the",
    "garden",
    "weather",
    "Café",
    "naïve",
    "漢字",
    "Ελληνικά",
    "עברית",
    "\u200b",
    "\u00a0",
    "&amp;",
    "&nbsp;",
    "&#x1F600;",
    "<",
    ">",
    "&",
    "\n",
    "\t",
    "  ",
    ".",
    "!",
    "?",
    "(",
    ")",
    "[",
    "]",
    "*",
    "#",
    "-",
    "1.",
]
TAGS = [
    "p",
    "div",
    "span",
    "a",
    "b",
    "i",
    "em",
    "h1",
    "h2",
    "h3",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "br",
    "hr",
    "section",
    "article",
    "aside",
    "nav",
    "header",
    "footer",
    "main",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "form",
    "button",
    "details",
    "summary",
    "iframe",
    "textarea",
    "html",
    "body",
    "head",
    "title",
    "meta",
    "font",
    "center",
    "x-custom",
]
ATTRS = [
    "",
    ' class="sponsored-note"',
    ' class="footer nav"',
    ' id="content"',
    " hidden",
    ' style="display:none"',
    ' style="color:red"',
    ' role="navigation"',
    ' href="https://example.org/?a=1&b=2"',
    " class=unquoted",
    ' data-x="<p>"',
    " aria-hidden=true",
]

words = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=12).map(" ".join)


@st.composite
def html_nodes(draw, depth: int = 0) -> str:
    """A random fragment: text, and elements with random attributes, closed or not."""
    parts = []
    for _ in range(draw(st.integers(0, 5 if depth < 4 else 1))):
        if depth >= 6 or draw(st.booleans()):
            parts.append(draw(words))
            continue
        tag = draw(st.sampled_from(TAGS))
        inner = draw(html_nodes(depth + 1))
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>", f"</{tag.upper()}>"]))
        parts.append(f"<{tag}{draw(st.sampled_from(ATTRS))}>{inner}{close}")
    return "".join(parts)


@st.composite
def html_pages(draw) -> str:
    body = draw(html_nodes())
    shell = draw(
        st.sampled_from(
            [
                "{}",
                "<html><body>{}</body></html>",
                "<!DOCTYPE html><html><head><title>t</title></head><body>{}</body></html>",
                '<?xml version="1.0" encoding="utf-8"?><html><body>{}</body></html>',
                "<html><head><meta charset=iso-8859-1></head><body>{}",
            ]
        )
    )
    return shell.format(body)


def _seeds() -> list[str]:
    return [
        (ROOT / "examples" / "editorial-blog.html").read_text(encoding="utf-8"),
        (ROOT / "examples" / "sponsored-crypto-news.txt").read_text(encoding="utf-8"),
        "# Title\n\nSome *text* with a [link](http://x.org).\n\n> Sponsored by Example.\n\n- item\n",
    ]


@st.composite
def mutated(draw, seeds: list[str]) -> str:
    """A seed page with a few random edits: cuts, insertions, duplications and swaps."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 6))):
        n = len(text)
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, min(n, a + 400)))
        op = draw(st.sampled_from(["cut", "insert", "duplicate", "swap", "truncate"]))
        if op == "cut":
            text = text[:a] + text[b:]
        elif op == "insert":
            text = text[:a] + draw(st.one_of(words, html_nodes(4), st.text(max_size=20))) + text[a:]
        elif op == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        elif op == "swap":
            text = text[a:b] + text[:a] + text[b:]
        else:
            text = text[:a]
    return text


SEEDS = _seeds()
pages = st.one_of(html_pages(), mutated(SEEDS), st.text(max_size=600), words)
kinds = st.sampled_from([None, "html", "text", "markdown"])


# -- the properties -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


def check(a, rec: dict) -> None:
    if a.error is not None:
        assert a.score is None and a.label is None and not a.blocks
        assert a.error and "\n" not in a.error and "Traceback" not in a.error
        assert rec["error"] == a.error and rec["score"] is None and rec["blocks"] == []
        return
    assert 0.0 <= a.score <= 1.0 and 0.0 <= rec["score"] <= 1.0
    assert a.label in ("sponsored", "editorial") and rec["label"] == a.label
    previous_end = 0
    for b in a.blocks:
        assert 0 <= b.start <= b.end <= len(a.text)
        assert a.text[b.start : b.end] == b.text and b.text.strip() == b.text and b.text
        assert b.start >= previous_end  # in page order, no overlap
        previous_end = b.end
        assert 0.0 <= b.score <= 1.0
    for r in rec["blocks"]:
        assert a.text[r["start"] : r["end"]] == r["text"]
        assert 0.0 <= r["score"] <= 1.0 and r["label"] in (
            "editorial",
            "sponsored",
            "affiliate",
            "disclaimer",
            "boilerplate",
        )
    assert [r["index"] for r in rec["blocks"]] == sorted({r["index"] for r in rec["blocks"]})


@PROFILE
@given(page=pages, kind=kinds)
def test_text_input_never_raises_and_keeps_its_promises(det, page, kind):
    a = det.analyze(page, kind=kind)
    rec = a.record(all_blocks=True)
    check(a, rec)
    assert det.analyze(page, kind=kind).record(all_blocks=True) == rec  # the same input, the same output
    assert det.score(page, kind=kind) == a.record()


@PROFILE
@given(
    page=pages,
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "latin-1"]),
    name=st.sampled_from(["page.html", "page.txt", "page.md", "page", "page.htm"]),
)
def test_bytes_input_never_raises_and_keeps_its_promises(det, page, encoding, name):
    data = page.encode(encoding, errors="replace")
    a = det.analyze(data, name=name)
    check(a, a.record(all_blocks=True))
    assert det.analyze(data, name=name).record(all_blocks=True) == a.record(all_blocks=True)


@PROFILE
@given(data=st.binary(max_size=2000), name=st.sampled_from(["page.html", "page.txt", "page.md", "page"]))
def test_random_bytes_never_raise(det, data, name):
    a = det.analyze(data, name=name)
    check(a, a.record(all_blocks=True))
