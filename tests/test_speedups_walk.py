"""The compiled walk (detector/_fastwalk.pyx) gives exactly the blocks of the Python walk.

Skipped where the extension is not built (or was built against another lxml), except with
DETECTOR_REQUIRE_SPEEDUPS=1 (CI), where a missing extension fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import htmlblocks as S

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "data" / "pages"

_why = ""
try:
    from detector import _fastwalk
except ImportError as err:  # not built, or built against another lxml
    _fastwalk = None
    _why = str(err)

if _fastwalk is None and os.environ.get("DETECTOR_REQUIRE_SPEEDUPS") != "1":
    pytest.skip(f"detector._fastwalk is not usable here ({_why})", allow_module_level=True)


def test_the_extension_is_built_and_used():
    assert _fastwalk is not None, f"DETECTOR_REQUIRE_SPEEDUPS=1 but detector._fastwalk does not import: {_why}"
    # segment.py uses it, unless DETECTOR_PURE_PYTHON=1 asked for the Python walk
    assert S._fastwalk is (None if os.environ.get("DETECTOR_PURE_PYTHON") else _fastwalk)


def fields(blocks) -> list[tuple]:
    return [(b.index, b.text, b.tag, b.path, b.depth, b.link_chars, b.heading) for b in blocks]


def check(html: str, max_depths=(2000, 3, 1), *, must_read: bool = True) -> list[tuple]:
    """Both walks on the tree of ``html``; returns the Python walk's blocks at the first max_depth."""
    root = S._parse_html(html)
    first = None
    for md in max_depths:
        want = fields(S._walk_python(root, md))
        got = _fastwalk.walk(root, md)
        if must_read:
            assert got is not None, "the compiled walk fell back to Python"
        if got is not None:
            assert [(i, *t) for i, t in enumerate(got)] == want, f"max_depth={md}"
        blocks, reference = S._walk(root, md), S._walk_python(root, md)
        if must_read:
            assert all(type(b) is S.Block for b in blocks)
        assert blocks == reference  # every field of the dataclass, the defaults of the rest too
        assert [S.Block.__repr__(b) + repr(b.words) for b in blocks] == [
            S.Block.__repr__(b) + repr(b.words) for b in reference
        ]
        first = want if first is None else first
    return first


# ---- every page of our own corpus --------------------------------------------------------------


def test_every_data_page_gives_the_same_blocks():
    files = sorted(PAGES.glob("*.html"))
    assert len(files) > 100
    n_blocks = 0
    for f in files:
        try:
            root = S._parse_html(f.read_text(encoding="utf-8", errors="replace"))
        except (S.InputError, S._TooDeep):
            continue
        for md in (2000, 5):
            want = fields(S._walk_python(root, md))
            got = _fastwalk.walk(root, md)
            assert got is not None, f.name
            assert [(i, *t) for i, t in enumerate(got)] == want, f"{f.name} max_depth={md}"
            assert _fastwalk.walk_blocks(root, md) == S._walk_python(root, md), f"{f.name} max_depth={md}"
            n_blocks += len(want)
    assert n_blocks > 1000


# ---- hand-written cases ------------------------------------------------------------------------

CASES = {
    "hidden-and-tails": "<p>One <span hidden>SECRET</span>two <b style='display:none'>x</b>three"
    "<i style='color:red;VISIBILITY : Hidden'>y</i> four <u style='display: block'>shown</u></p>",
    "hidden-block": "<div>Before<div hidden><p>SECRET</p></div>after the hidden div<p>next</p></div>",
    "hidden-empty-attr": '<div><span hidden="">gone</span>tail<span hidden="false">also gone</span>end</div>',
    "style-long-s": "<div><p style='diſplay:none'>case-folded s</p><p style='DISPLAY:NONE'>upper</p>kept</div>",
    "style-no-colon": "<div><p style='display none'>shown</p></div>",
    "skip-in-block": "<div>a<script>var x = '<p>not</p>';</script>b<style>p{}</style>c<p>d<noscript>n</noscript>e</p>"
    "<select><option>o</option></select>f<textarea>t</textarea>g<svg><text>s</text></svg>h</div>",
    "skip-tail-in-link": "<p><a href=x>link <script>x</script> tail in link</a> after</p>",
    "nested-a": "<div><a href=1>outer <a href=2>inner</a> rest</a> out <a>  spaced  link  </a></div>",
    "a-in-a-in-p": "<p>x <a><span><a>deep</a> mid</span> end</a> z</p>",
    "heading-in-link": "<div><a href=/><h2>Heading in a link</h2> more</a><h3>h3 <a>in</a> x</h3></div>",
    "link-in-heading": "<h1>Big <a href=#>anchor</a> title</h1><p>body</p>",
    "entities": "<p>a &amp; b &lt;c&gt; &nbsp;&nbsp; &copy; &#x1F600; &#128512; &unknown; &amp x</p>",
    "cdata": "<div><![CDATA[ in cdata ]]> after cdata <p>p</p></div>",
    "br": "<p>one<br>two<br/>three<br><br>four</p><div>x<br>y</div>",
    "after-html": "<html><body><p>in body</p></body></html>  text after html <p>p after</p> more",
    "before-html": "text before <html><body><p>in</p></body></html>",
    "tables": "<table class='Data'><caption>cap</caption><thead><tr><th>h1<th>h2</thead><tbody><tr><td>a<td>b"
    "<tr><td colspan=2>c</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>tail",
    "table-stray-text": "<table>stray<tr>also stray<td>cell</td></tr></table>",
    "unclosed": "<div><p>one<p>two<li>three<div>four<span>five<b>six",
    "stray-end-tags": "</p></div>text</span><p>x</a></li>y</td></tr></table>z",
    "misnested": "<b><i>bi</b>i?</i><p><b>p<div>d</b>q</div></p>",
    "non-ascii": "<div class='Navigation'><p>Grüße aus Köln — „Zitat“ ½ ﬁ</p><p>日本語のテキスト</p></div>",
    "astral": "<p>emoji 😀🎉 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 𠀀</p><a>𝓁𝒾𝓃𝓀</a>",
    "unicode-space": "<p>\u00a0lead\u2003em\u3000ideo\u202fnarrow\u205fmath\u1680ogham\u2028ls\u2029ps"
    "\x85nel\x1cfs\x1dgs\x1ers\x1fus\u200bzwsp\ufeffbom\u00a0</p><a>\u2002 link \u00a0</a>",
    "nul-bytes": "<p>a\x00b</p><div>\x00</div><p class='a\x00ds'>c</p>",
    "control-chars": "<p>a\x01b\x0bc\x0cd\re\x7ff</p>",
    "struct-words": "<div class='site-Header NAV_bar' id='main-content' role='navigation'><ul class='menu list'>"
    "<li class='post-entry'>item</li></ul></div><footer id='Footer'><p class='copyright'>c</p></footer>",
    # str.lower(): KELVIN SIGN -> "k"; U+0130 -> "i" + U+0307, which ends the word
    "kelvin-and-dotted-i": "<p class='\u212aicker'>a</p><p class='tag\u212a'>b</p><p class='\u0130tem list'>c</p>"
    "<p class='sidebar\u0130'>d</p><p class='\u0130sidebar'>e</p><p class='side\u0130bar'>f</p>",
    "landmarks": "<main><article><header><h1>T</h1></header><section><figure><figcaption>cap</figcaption>"
    "</figure><blockquote>q</blockquote><form><button>b</button></form></section><aside>s</aside>"
    "<nav>n</nav></article></main>",
    "deep-path": "".join(f"<div class='c{i} content'>" for i in range(30)) + "deep text" + "</div>" * 30 + "out",
    "uppercase-tags": "<DIV><P>upper</P><H2>Head</H2><A HREF=x>Link</A><SCRIPT>x</SCRIPT>after</DIV>",
    "unknown-tags": "<custom-el><my:tag>ns-like</my:tag><x-p>x</x-p></custom-el><foo:bar class=nav>fb</foo:bar>",
    "attrs-dup": "<div class='nav' class='footer' hidden hidden><p>gone</p></div><p class=menu class=ad>x</p>",
    "whitespace-only": "<div>   <p> \n\t </p>  <span>  </span> </div>",
    "empty-body": "<html><head><title>t</title></head><body></body></html>",
    "head-content": "<html><head><title>Title</title><meta name=x></head><body><p>b</p></body></html>",
    "frames": "<html><frameset><frame src=x></frameset><noframes><p>no frames</p></noframes></html>",
    "comments-pis": "<div>a<!-- c -->b<?pi x?>c<p>d<!---->e</p></div>",
    "xml-decl": "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
    "doctype": "<!DOCTYPE html><html><body><p>x</p></body></html>",
    "pre": "<pre>  line 1\n    line 2\n</pre><p>after</p>",
    "details": "<details><summary>Sum</summary><p>body</p></details><dialog>dlg</dialog>",
    "hr-br-block-void": "<div>a<hr>b<br>c<img src=x alt=img>d<input value=v>e</div>",
    "root-hidden": "<html hidden><body><p>x</p></body></html>tail",
    "root-skip": "<svg><p>inside svg?</p></svg>",
    "math-and-svg": "<p>a<math><mi>x</mi></math>b<svg><title>t</title></svg>c</p>",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_written_case(name):
    check(CASES[name], max_depths=(2000, 1, 2, 3, 4, 6))


def test_cases_say_what_they_should():
    # a few direct checks, so that the cases above are not just "both walks agree on nothing"
    assert [b[1] for b in check(CASES["hidden-and-tails"])] == ["One two three four shown"]
    assert [b[1] for b in check(CASES["nested-a"])] == ["outer inner rest out spaced link"]
    # the parser closes the outer <a> at the inner one, so " rest" is no link text
    assert check(CASES["nested-a"])[0][5] == len("outer") + len("inner") + len("spaced  link")
    blocks = check(CASES["heading-in-link"])
    assert [(b[1], b[2], b[5], b[6]) for b in blocks] == [
        ("Heading in a link", "h2", 17, True), ("more", "a", 4, False), ("h3 in x", "h3", 2, True)
    ]
    blocks = check(CASES["struct-words"])
    assert blocks[0][3] == ("header", "nav", "main", "content", "navigation", "menu", "list", "li", "post", "entry")
    assert blocks[1][3] == ("footer", "footer", "copyright")
    assert [b[3] for b in check(CASES["kelvin-and-dotted-i"])] == [
        ("kicker",), (), ("list",), (), ("sidebar",), ()
    ]


def test_deep_nesting_beyond_max_depth():
    for depth in (10, 300, 2030):
        html = "<html><body>" + "".join(f"<div>d{i} " for i in range(depth)) + "</div>" * depth + "<p>after</p>"
        check(html, max_depths=(2000, 50, 3))


def test_very_deep_input_does_not_reach_the_walk():
    html = "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>"
    with pytest.raises(S._TooDeep):
        S._parse_html(html)
    assert S.segment_html(html)[0].text == "x"


def test_an_entity_reference_node_makes_it_fall_back():
    # libxml2's HTML parser never makes one; a tree built by hand can hold one, and iterwalk yields it
    from lxml import etree

    root = etree.fromstring("<html><body><p>a<b>b</b>c</p></body></html>", etree.HTMLParser())
    p = root.find(".//p")
    p.insert(1, etree.Entity("foo"))
    p[0].tail = "after entity"
    assert _fastwalk.walk(root, 2000) is None
    assert fields(S._walk(root, 2000)) == fields(S._walk_python(root, 2000))


def test_a_namespaced_element_makes_it_fall_back():
    from lxml import etree

    root = etree.fromstring("<html><body><p>a</p></body></html>", etree.HTMLParser())
    etree.SubElement(root.find("body"), "{urn:x}p").text = "namespaced"
    assert _fastwalk.walk(root, 2000) is None
    assert fields(S._walk(root, 2000))[-1][1] == "namespaced"


def test_comments_and_pis_in_a_tree_are_passed_over_as_iterwalk_does():
    # the parser drops them; a tree built without remove_comments/remove_pis holds them
    from lxml import etree

    html = "<div>a<!-- c -->lost after comment<p>b<b>x</b>c</p>d<!--x--></div>"
    root = etree.fromstring(html, etree.HTMLParser())
    pi = etree.PI("pi", "x")  # the HTML parser reads <?pi?> as a comment: put one in by hand
    pi.tail = "lost after pi"
    root.find(".//p").insert(0, pi)
    assert root.xpath("//comment()") and root.xpath("//processing-instruction()")
    got = _fastwalk.walk(root, 2000)
    assert got is not None
    assert [(i, *t) for i, t in enumerate(got)] == fields(S._walk_python(root, 2000))


# ---- random HTML -------------------------------------------------------------------------------

TAGS = [
    "div", "p", "span", "a", "b", "i", "h1", "h2", "h4", "li", "ul", "ol", "table", "tr", "td", "th",
    "tbody", "br", "hr", "section", "article", "nav", "header", "footer", "aside", "main", "form",
    "blockquote", "figure", "figcaption", "pre", "script", "style", "noscript", "template", "svg",
    "select", "option", "textarea", "button", "details", "summary", "em", "strong", "img", "label",
    "DIV", "P", "A", "x-foo", "font", "center", "dl", "dt", "dd", "html", "body", "head", "title",
]
WORDS = ["nav", "menu", "Footer", "content", "post-entry", "ad", "ads", "card", "x", "sidebar", "\u212aicker",
         "\u0130tem", "list", "MAIN", "promo_teaser", "comment", ""]
TEXT = st.lists(
    st.sampled_from(list("ab xyZ.,;!?&<>'\"\t\n\r") + ["\u00a0", "\u2003", "\u3000", "\x85", "\x1c", "\x00",
                    "é", "ß", "日", "😀", "𝔘", "&amp;", "&nbsp;", "&#128512;", "&bogus;", "  "]),
    max_size=12,
).map("".join)


@st.composite
def attrs(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["class", "id", "role", "hidden", "style", "CLASS", "href", "title"]))
        if kind == "hidden":
            out.append("hidden")
        elif kind == "style":
            out.append("style='%s'" % draw(st.sampled_from(
                ["display:none", "Display : NONE", "visibility:hidden", "color:red", "display:block",
                 "visibility: visible", "diſplay:none"])))
        else:
            out.append("%s='%s'" % (kind, " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3)))))
    return (" " + " ".join(out)) if out else ""


@st.composite
def html_fragment(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 6 else 1))):
        kind = draw(st.sampled_from(["text", "text", "el", "el", "el", "void", "stray", "comment", "cdata"]))
        if kind == "text":
            parts.append(draw(TEXT))
        elif kind == "el" and depth < 8:
            tag = draw(st.sampled_from(TAGS))
            inner = draw(html_fragment(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
            parts.append(f"<{tag}{draw(attrs())}>{inner}{close}")
        elif kind == "void":
            parts.append(draw(st.sampled_from(["<br>", "<hr>", "<img src=x>", "<br/>", "<wbr>"])))
        elif kind == "stray":
            parts.append(draw(st.sampled_from(["</p>", "</div>", "</a>", "</li>", "</table>", "</html>"])))
        elif kind == "comment":
            parts.append("<!-- c -->")
        elif kind == "cdata":
            parts.append("<![CDATA[cd]]>")
    return "".join(parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_fragment(), st.sampled_from([2000, 1, 2, 3, 5]), st.booleans())
def test_random_html_gives_the_same_blocks(fragment, max_depth, wrap):
    html = f"<html><body>{fragment}</body></html>" if wrap else fragment
    try:
        S._parse_html(html)
    except S.InputError:
        return
    check(html, max_depths=(max_depth, 2000))


# ---- switching it off --------------------------------------------------------------------------


def _run(code: str, **env) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_pure_python_environment_variable_turns_it_off():
    code = "import detector.htmlblocks as S; print(S._fastwalk is None)"
    assert _run(code, DETECTOR_PURE_PYTHON="1") == "True"
    assert _run(code, DETECTOR_PURE_PYTHON="") == "False"


def test_it_refuses_to_load_beside_another_lxml():
    code = (
        "import lxml; lxml.__version__ = '0.0.1'\n"
        "try:\n    import detector._fastwalk\nexcept ImportError as e:\n    print('refused', e)\n"
        "import detector.htmlblocks as S; print(S._fastwalk is None)\n"
        "print(S.segment_html('<p>still works</p>')[0].text)\n"
    )
    out = _run(code).splitlines()
    assert out[0].startswith("refused") and out[1:] == ["True", "still works"]
