"""The lexbor walk (detector/_lexwalk.pyx) gives exactly the blocks of a Python walk over selectolax's tree.

The reference below walks the tree that selectolax's LexborHTMLParser builds, through selectolax's
Python API, by the rules of detector.htmlblocks._walk_python (comments dropped, as lxml's parser drops
them), parsed with scripting on as _lexwalk parses (<noscript> is raw text). Skipped where selectolax is not installed, or the extension is not built (then it fails with
DETECTOR_REQUIRE_SPEEDUPS=1).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from detector import htmlblocks as S

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "data" / "pages"

REQUIRED = os.environ.get("DETECTOR_REQUIRE_SPEEDUPS") == "1"
# selectolax is a dependency, but segment.py parses with lxml without it: no selectolax, nothing to test
# (except under DETECTOR_REQUIRE_SPEEDUPS=1, where lexbor, the default parser, must run)
if REQUIRED:
    from selectolax.lexbor import LexborHTMLParser
else:
    LexborHTMLParser = pytest.importorskip("selectolax.lexbor").LexborHTMLParser

_why = ""
try:
    from detector import _lexwalk
except ImportError as err:  # not built, or built against another selectolax
    _lexwalk = None
    _why = str(err)

if _lexwalk is None and not REQUIRED:
    pytest.skip(f"detector._lexwalk is not usable here ({_why})", allow_module_level=True)


def test_the_extension_is_built() -> None:
    assert _lexwalk is not None, f"DETECTOR_REQUIRE_SPEEDUPS=1 but detector._lexwalk does not import: {_why}"


def reference(data: bytes, max_depth: int) -> list[tuple]:
    """(text, tag, path, depth, link_chars, heading) of each block, walking selectolax's nodes in Python."""
    root = LexborHTMLParser(data, scripting=True).root  # as _lexwalk parses
    blocks: list[tuple] = []
    buf: list[str] = []
    run: list[str] = []
    st = {"links": 0, "a": 0, "h": 0, "depth": 0, "cur": "body"}
    stack: list[list] = []  # [tag, attributes, tokens]

    def end_run() -> None:
        if run:
            t = "".join(run)
            buf.append(t)
            if st["a"]:
                st["links"] += len(t.strip())
            run.clear()

    def tokens(tag: str, attrs: dict) -> tuple[str, ...]:
        toks = [tag] if tag in S.LANDMARK_TAGS else []
        names = " ".join((attrs.get(k) or "") for k in ("class", "id", "role"))
        toks += [w for w in S._CLASS_SPLIT.split(names.lower()) if w in S.STRUCT_WORDS]
        return tuple(toks)

    def flush() -> None:
        txt = S._collapse("".join(buf))
        if txt:
            path: tuple[str, ...] = ()
            for e in stack[-12:]:
                path += tokens(e[0], e[1])
            blocks.append((txt, st["cur"], path, len(stack), min(st["links"], len(txt)), st["h"] > 0))
        buf.clear()
        st["links"] = 0

    def start(node) -> bool:
        end_run()
        tag = node.tag.lower()
        st["depth"] += 1
        attrs = node.attributes
        if tag in S.SKIP_TAGS or "hidden" in attrs or S._HIDDEN_STYLE.search(attrs.get("style") or ""):
            return False
        if tag in S.BLOCK_TAGS and st["depth"] <= max_depth:
            if buf:
                flush()
            st["cur"] = tag
        stack.append([tag, attrs])
        if tag in S.HEADING_TAGS:
            st["h"] += 1
        elif tag == "a":
            st["a"] += 1
        return True

    def end(node, entered: bool) -> None:
        end_run()
        st["depth"] -= 1
        if entered:
            tag = stack[-1][0]
            if tag in S.BLOCK_TAGS and st["depth"] + 1 <= max_depth:
                if buf:
                    flush()
                st["cur"] = stack[-2][0] if len(stack) > 1 else "body"
            if tag in S.HEADING_TAGS:
                st["h"] -= 1
            elif tag == "a":
                st["a"] -= 1
            stack.pop()

    todo: list[tuple] = [("el", root)]
    while todo:
        kind, x = todo.pop()
        if kind == "text":
            run.append(x)
        elif kind == "end":
            end(*x)
        else:
            entered = start(x)
            todo.append(("end", (x, entered)))
            if entered:
                kids = []
                c = x.child
                while c is not None:
                    if c.is_text_node:
                        kids.append(("text", c.text_content or ""))
                    elif c.is_element_node:
                        kids.append(("el", c))
                    c = c.next
                todo.extend(reversed(kids))
    end_run()
    if buf:
        flush()
    return blocks


CASES = {
    "hidden-and-tails": "<p>One <span hidden>SECRET</span>two <b style='display:none'>x</b>three"
    "<i style='color:red;VISIBILITY : Hidden'>y</i> four <u style='display: block'>shown</u></p>",
    "hidden-block": "<div>Before<div hidden><p>SECRET</p></div>after the hidden div<p>next</p></div>",
    "hidden-empty-attr": '<div><span hidden="">gone</span>tail<span HIDDEN="false">also gone</span>end</div>',
    "skip-in-block": "<div>a<script>var x = '<p>not</p>';</script>b<style>p{}</style>c<p>d<noscript>n</noscript>e</p>"
    "<select><option>o</option></select>f<textarea>t</textarea>g<svg><text>s</text></svg>h</div>",
    "nested-a": "<div><a href=1>outer <a href=2>inner</a> rest</a> out <a>  spaced  link  </a></div>",
    "link-runs-across-comments": "<p><a>  a <!-- c --> b  </a> x</p>",
    "heading-in-link": "<div><a href=/><h2>Heading in a link</h2> more</a><h3>h3 <a>in</a> x</h3></div>",
    "entities": "<p>a &amp; b &lt;c&gt; &nbsp;&nbsp; &copy; &#x1F600; &#128512; &unknown; &amp x</p>",
    "tables": "<table class='Data'><caption>cap</caption><thead><tr><th>h1<th>h2</thead><tbody><tr><td>a<td>b"
    "<tr><td colspan=2>c</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>tail",
    "table-stray-text": "<table>stray<tr>also stray<td>cell</td></tr></table>",
    "misnested": "<b><i>bi</b>i?</i><p><b>p<div>d</b>q</div></p>",
    "non-ascii": "<div class='Navigation'><p>Grüße aus Köln — „Zitat“ ½ ﬁ</p><p>日本語のテキスト</p></div>",
    "unicode-space": "<p>\u00a0lead\u2003em\u3000ideo\u202fnarrow\u205fmath\u1680ogham\u2028ls\u2029ps"
    "\x85nel\x1cfs\x1dgs\x1ers\x1fus\u200bzwsp\ufeffbom\u00a0</p><a>\u2002 link \u00a0</a>",
    "struct-words": "<div class='site-Header NAV_bar' id='main-content' role='navigation'><ul class='menu list'>"
    "<li class='post-entry'>item</li></ul></div><footer id='Footer'><p class='copyright'>c</p></footer>",
    "kelvin-and-dotted-i": "<p class='\u212aicker'>a</p><p class='tag\u212a'>b</p><p class='\u0130tem list'>c</p>"
    "<p class='sidebar\u0130'>d</p><p class='\u0130sidebar'>e</p><p class='side\u0130bar'>f</p>",
    "deep-path": "".join(f"<div class='c{i} content'>" for i in range(30)) + "deep text" + "</div>" * 30 + "out",
    "uppercase-tags": "<DIV><P>upper</P><H2>Head</H2><A HREF=x>Link</A><SCRIPT>x</SCRIPT>after</DIV>",
    "unknown-tags": "<custom-el><my:tag>ns-like</my:tag><x-p>x<p>in</p>tail of p</x-p></custom-el>"
    "<foo:bar class=nav>fb</foo:bar><Custom-EL role=menu>c</Custom-EL>",
    "attrs-dup": "<div class='nav' class='footer' hidden hidden><p>gone</p></div><p class=menu class=ad>x</p>",
    "comments-pis": "<div>a<!-- c -->b<?pi x?>c<p>d<!---->e</p></div>",
    "after-html": "<html><body><p>in body</p></body></html>  text after html <p>p after</p> more",
    "template": "<div>a<template><p>t</p></template>b</div>",
    "noscript-in-head": "<html><head><noscript><p>n</p></noscript></head><body>b</body></html>",
    "noscript-table-in-p": "<!DOCTYPE html><p>x<noscript><table><tr><td>ns</td></tr></table></noscript>y</p>",
    "end-br": "<p>one</br>two</p>",
    "unclosed-a-reopened": "<!DOCTYPE html><p><a href=x>link<p>next para<div>div</div></p>",
    "head-closed-by-unknown": "<html><head><x-unknown/><title>T</title></head><body><p>b</p></body></html>",
    "frames": "<html><frameset><frame src=x></frameset><noframes><p>no frames</p></noframes></html>",
}


def _check(data: bytes, max_depths=(2000, 5, 3, 1)) -> None:
    for md in max_depths:
        want = reference(data, md)
        assert _lexwalk.walk(data, md) == want, f"max_depth={md}"
        blocks = _lexwalk.blocks(data, md)
        assert [(b.text, b.tag, b.path, b.depth, b.link_chars, b.heading) for b in blocks] == want
        assert [b.index for b in blocks] == list(range(len(blocks)))
        assert all(type(b) is S.Block for b in blocks)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cases(name: str) -> None:
    _check(CASES[name].encode("utf-8"))


def test_every_data_page() -> None:
    files = sorted(PAGES.glob("*.html"))
    assert len(files) > 100
    for f in files:
        _check(f.read_text(encoding="utf-8", errors="replace").encode("utf-8"), (2000, 5))


def test_a_kept_document_carries_nothing_over() -> None:
    # a page without a doctype (quirks mode: a <table> does not close a <p>), then one with
    quirks = b"<p>x<table><tr><td>t</td></tr></table>y</p>"
    for data in (quirks, b"<!DOCTYPE html>" + quirks, quirks):
        assert _lexwalk.walk(data, 2000) == _lexwalk.walk_fresh(data, 2000) == reference(data, 2000)


def test_deep_nesting_is_walked_without_recursion() -> None:
    data = ("<div>" * 20000 + "deep" + "</div>" * 20000).encode()  # (quadratic in lexbor: 1 s)
    assert [b[0] for b in _lexwalk.walk(data, 2000)] == ["deep"]


def test_segment_html_switch(monkeypatch) -> None:
    html = "<p>one <a href=x>two</a></p><table><tr><td>cell</td></tr>stray</table>"
    monkeypatch.setattr(S, "PARSER", "lexbor")
    got = S.segment_html(html)
    assert [b.text for b in got] == ["one two", "stray", "cell"]
    monkeypatch.setattr(S, "PARSER", "lxml")
    assert [b.text for b in S.segment_html(html)] == ["one two", "cell", "stray"]


def test_our_corpus_segments_alike_with_both_parsers(monkeypatch) -> None:
    # data/pages is well-formed HTML: the two parsers' blocks differ only in depth (lexbor adds <tbody>)
    for f in sorted(PAGES.glob("*.html")):
        text = f.read_text(encoding="utf-8", errors="replace")
        monkeypatch.setattr(S, "PARSER", "lxml")
        want = [(b.text, b.tag, b.path, b.link_chars, b.heading) for b in S.segment_html(text)]
        monkeypatch.setattr(S, "PARSER", "lexbor")
        got = [(b.text, b.tag, b.path, b.link_chars, b.heading) for b in S.segment_html(text)]
        assert got == want, f.name


def test_the_cost_guard_sends_pathological_nesting_to_lxml() -> None:
    # lexbor's scope checks walk the stack of open elements: 100,000 nested <div> take it 23 s (libxml2
    # stops at its nesting limit and the page is read flat). blocks() refuses such a page; lxml reads it.
    deep = "<div>" * 100_000 + "<p>Deep inside</p>" + "</div>" * 100_000 + "<p>after</p>"
    stray = "<div></span>" * 50_000 + "x"  # end tags that close nothing do not lower the estimate
    formatting = "".join(f"<b id={i}>" for i in range(20_000)) + "<p>x</p>" * 2000  # re-opened in every <p>
    lists = "<ul>" + "<li><ul>" * 10_000 + "x"
    for html in (deep, stray, formatting, lists):
        data = html.encode()
        assert _lexwalk.cost(data) > _lexwalk.GUARD
        assert _lexwalk.blocks(data, 2000) is None
    assert [b.text for b in S.segment_html(deep)] == ["Deep inside", "after"]  # by lxml


def test_a_page_with_few_tags_skips_the_guard_and_could_not_have_failed_it() -> None:
    """blocks() skips cost()'s scan where the page has at most GUARD_TAGS "<": cost() adds the stack's
    depth at each start tag, so it stays under T(T-1)/2 <= GUARD. The worst case for T "<" (each one a
    start tag that nests) costs exactly that, just under GUARD at GUARD_TAGS; one more "<" and the scan
    runs."""
    worst = "<div>" * 6325
    assert _lexwalk.few_tags(worst.encode())
    assert _lexwalk.cost(worst.encode()) == 6325 * 6324 // 2 <= _lexwalk.GUARD
    assert not _lexwalk.few_tags((worst + "<").encode())
    assert _lexwalk.few_tags(b"") and _lexwalk.few_tags(b"no tags at all")
    rng = __import__("random").Random(5)
    parts = ["<div>", "</div>", "<p>", "<b>", "</span>", "<li>", "<!-- <x> -->", "<br>", "text", "<script>x<y</script>"]
    for _ in range(300):
        data = "".join(rng.choice(parts) for _ in range(rng.randrange(1, 4000))).encode()
        if _lexwalk.few_tags(data):
            t = data.count(b"<")
            assert _lexwalk.cost(data) <= t * (t - 1) // 2
    # a pathological page with more "<" than GUARD_TAGS is still scanned and refused
    assert _lexwalk.blocks(("<div>" * 100_000).encode(), 2000) is None


def test_the_cost_guard_passes_real_pages() -> None:
    # realdev's 1,882 HTML pages cost 4,600 (median) to 141,000 (the most): GUARD is 20,000,000
    for f in sorted(PAGES.glob("*.html")):
        data = f.read_text(encoding="utf-8", errors="replace").encode("utf-8")
        assert _lexwalk.cost(data) < _lexwalk.GUARD // 100, f.name
    for html in ("<p>a<p>b<p>c" * 5000, "<ul>" + "<li>item <a>x</a>" * 20000, "<table>" + "<tr><td>a<td>b" * 10000,
                 "<script>" + "'<div>' + " * 50000 + "</script><p>x", "<!-- <div> -->" * 50000, "<br><img>" * 50000):
        assert _lexwalk.cost(html.encode()) < _lexwalk.GUARD // 100, html[:40]
