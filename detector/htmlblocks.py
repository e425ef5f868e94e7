"""HTML -> blocks: the visible text of block-level elements, each with its tag path, depth, link
characters and heading flag, in document order (offsets are set by :func:`detector.segment.segment`).

lexbor (the HTML5 parser inside selectolax, parsed and walked in C by detector/_lexwalk.pyx) reads the
page unless DETECTOR_PARSER=lxml; lxml (libxml2, walked by detector/_fastwalk.pyx or :func:`_walk_python`,
the reference both compiled walks follow) where lexbor cannot. The compiled walks read this module's tag
sets and structural words (detector/_walkcommon.pxi).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import compiled as _compiled
from .io import DEFAULT_LIMITS, InputError, ReadLimits
from .page import _WORD, MAX_BLOCKS, Block, _collapse
from .textblocks import _HTML_SKIP, _HTML_TAG, _unescape, segment_text

if TYPE_CHECKING:  # lxml is imported where a page is parsed with it (it is not the default parser)
    from lxml import etree

__all__ = ["segment_html", "svg_text", "cap_attributes", "PARSER"]

# Which HTML parser segment_html uses: "lexbor" (the default: the HTML5 parser that selectolax ships,
# parsed and walked in C by detector/_lexwalk.pyx) or "lxml" (libxml2, walked by detector/_fastwalk.pyx
# or _walk_python), set by DETECTOR_PARSER (detector/compiled.py). lxml runs where lexbor cannot: where
# _lexwalk is not built or refuses to load, under DETECTOR_PURE_PYTHON=1, and for text with lone
# surrogates. The two build different trees for broken HTML: see detector/_lexwalk.pyx.
PARSER = _compiled.PARSER

BLOCK_TAGS = frozenset(
    """address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section table tbody
    thead tfoot tr td th ul summary caption legend button br html noframes""".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
SKIP_TAGS = frozenset(
    "script style noscript template head svg math iframe object embed select textarea canvas audio video".split()
)
# Ancestor tags that say where on the page a block sits.
LANDMARK_TAGS = frozenset("header footer nav aside article main form blockquote figure table li".split())
# Class/id/role words that say where a block sits. Structural words only: nothing that names a notice,
# so the model learns notices from their words and places, not from our corpus's class names. The ARIA
# landmark roles are among them (navigation, banner, contentinfo, complementary, search, dialog).
STRUCT_WORDS = frozenset(
    """header footer nav navbar navigation menu menubar submenu dropdown sidebar aside widget comment
    comments share sharing social follow related recommended trending popular cookie cookies consent
    newsletter subscribe signup login account search sitemap skip logo byline author meta breadcrumb
    breadcrumbs tags tag copyright legal masthead banner contentinfo complementary dialog modal popup
    hero title headline kicker lead standfirst teaser promo ad ads advert card list content article post
    entry body main caption footnote toolbar pagination""".split()
)
_CLASS_SPLIT = re.compile(r"[^a-z]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _struct_tokens(el: etree._Element) -> tuple[str, ...]:
    toks: list[str] = []
    tag = el.tag
    if tag in LANDMARK_TAGS:
        toks.append(tag)
    get = el.get
    names = (get("class") or "") + " " + (get("id") or "") + " " + (get("role") or "")
    if names.strip():
        for w in _CLASS_SPLIT.split(names.lower()):
            if w in STRUCT_WORDS:
                toks.append(w)
    return tuple(toks)


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


_UTF8_PARSE_MAX = 16 << 20  # longer texts are parsed as a str, without a second copy in memory


def _parse_html(text: str, utf8: bytes | None = None) -> etree._Element:
    from lxml import etree

    # An XML declaration with an encoding makes lxml refuse a str; drop it.
    if text.lstrip().startswith("<?xml"):
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
        utf8 = None  # (the bytes of the text as it was)
    # lxml hands a non-ASCII str to libxml2 as Latin-1, UCS-2 or UCS-4 to be converted; as UTF-8 bytes it
    # parses into the same tree, 3-6% faster (30% for UCS-4). An ASCII str already goes as UTF-8; a str
    # that still starts with an XML declaration stays a str (lxml refuses one with an encoding).
    data: str | bytes = text
    encoding = None
    if not text.isascii() and len(text) <= _UTF8_PARSE_MAX and not text.startswith("<?xml"):
        try:
            data, encoding = (utf8 if utf8 is not None else text.encode("utf-8")), "utf-8"
        except UnicodeEncodeError:  # lone surrogates: as a str
            pass
    # A plain etree parser builds the same tree as lxml.html's, without a Python class lookup per element;
    # collect_ids=False skips the table of id attributes, which nothing here looks up (10% of the parse).
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, collect_ids=False,
                              encoding=encoding)
    try:
        root = etree.fromstring(data, parser)
        if root is None:
            raise etree.ParserError("Document is empty")  # as lxml.html.document_fromstring says it
    except (etree.ParserError, ValueError) as err:
        raise InputError(f"cannot parse HTML ({err})") from None
    if root is None:
        raise InputError("cannot parse HTML (no document)")
    if any("depth" in e.message.lower() for e in parser.error_log):
        raise _TooDeep()
    return root


class _TooDeep(Exception):
    """libxml2 stops at its nesting limit and drops the rest of the page: we read it flat instead."""


_FLAT_BLOCK_TAG = re.compile(
    r"<(?:p|div|h[1-6]|li|tr|td|th|br|section|article|header|footer|aside|nav|blockquote|table|ul|ol)\b[^>]*>|"
    r"</(?:p|div|h[1-6]|li|tr|td|th|section|article|header|footer|aside|nav|blockquote|table|ul|ol)\s*>", re.I)


def _flat_html_blocks(text: str) -> list[Block]:
    """Blocks of an HTML page read without a tree: block tags end paragraphs, other tags vanish."""
    text = _HTML_SKIP.sub(" ", text)
    text = _FLAT_BLOCK_TAG.sub("\n\n", text)
    # A newline in HTML source is white space: each chunk between block tags is one paragraph.
    chunks = re.split(r"\n\s*\n", _unescape(_HTML_TAG.sub("", text)))
    return segment_text("\n\n".join(" ".join(c.split()) for c in chunks))


# A page whose visible text holds fewer words than this outside links is read a second time with its
# hidden content shown (segment_html): its text may sit in wrappers that scripts reveal.
MIN_VISIBLE_WORDS = 30
LINK_TEXT = 0.5  # a block with more of its text in links than this is navigation: its words do not count
_START_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_HIDDEN_ATTR = re.compile(r"(?<=\s)hidden(?=[\s=/>])", re.I)  # the attribute, not aria-hidden nor a value's end
_REVEAL_TAGS = re.compile(r"<(/?)(noscript|svg|text)(?=[\s/>])", re.I)
_REVEALED_AS = {"noscript": "div", "svg": "div", "text": "p"}


def _reveal_hidden(text: str) -> str:
    """The HTML with what a script would reveal shown: in every start tag the ``hidden`` attribute and a
    style's display:none / visibility:hidden neutralised; ``<noscript>`` and inline ``<svg>`` turned into
    ``<div>`` and SVG ``<text>`` into ``<p>``. Scripts, styles and templates stay dropped."""
    text = _START_TAG.sub(lambda m: _HIDDEN_STYLE.sub("", _HIDDEN_ATTR.sub("data-shown", m.group(0))), text)
    return _REVEAL_TAGS.sub(lambda m: "<" + m.group(1) + _REVEALED_AS[m.group(2).lower()], text)


def _count_words(blocks: list[Block], cap: int) -> int:
    """The words of the blocks' texts outside navigation (blocks mostly made of links), counted until
    ``cap`` is reached."""
    n = 0
    for b in blocks:
        if b.link_chars > LINK_TEXT * len(b.text):
            continue
        n += len(_WORD.findall(b.text))
        if n >= cap:
            break
    return n


def segment_html(text: str, limits: ReadLimits = DEFAULT_LIMITS, utf8: bytes | None = None) -> list[Block]:
    """Blocks of an HTML page, in document order (``utf8``: the text's UTF-8 bytes, where at hand).

    Hidden elements and ``<noscript>`` are not visible text; an inline SVG's ``<text>`` is (:func:`svg_text`).
    But when a page's visible text holds fewer than MIN_VISIBLE_WORDS (30) words outside navigation
    (blocks mostly made of links), its content may sit in wrappers that scripts reveal (a streamed React
    page's ``<div hidden id="S:0">``, a display:none wrapper, a forum archive readable only in
    ``<noscript>`` under a menu): the page is then read a second time with that content shown
    (``_reveal_hidden``), by the same parser and walk, and the second reading is used when it holds more
    such words. Pages with more visible text are read once.
    """
    blocks = _segment_html(text, limits, utf8)
    seen = _count_words(blocks, MIN_VISIBLE_WORDS)
    if seen < MIN_VISIBLE_WORDS:
        shown = _reveal_hidden(text)
        if shown != text:
            try:
                more = _segment_html(shown, limits)
            except InputError:
                return blocks
            if _count_words(more, seen + 1) > seen:
                return more
    return blocks


# Attributes of one element that the parsers read; the rest are dropped before parsing. lexbor and libxml2
# check each new attribute against the element's others, so one element with 200,000 attributes (a 2.5 MB
# page) costs minutes; attributes carry no visible text, and no real element holds this many.
MAX_ATTRIBUTES = 1000
LONG_TAG = 8192  # characters: a start tag of more attributes is longer than this
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>`]+))?""")


def _in_raw_text(text: str, at: int) -> bool:
    """Whether ``at`` lies inside a ``<script>`` or ``<style>`` element (where "<" opens no tag)."""
    return any(max(text.rfind(f"<{t}", 0, at) for t in (name, name.upper())) >
               max(text.rfind(f"</{t}", 0, at) for t in (name, name.upper())) for name in ("script", "style"))


def cap_attributes(text: str, limit: int = MAX_ATTRIBUTES) -> str:
    """``text`` with each start tag of more than ``limit`` attributes cut to its name and its first
    ``limit`` ones; ``text`` itself where none has more.

    A page is read by a few ``str.find`` calls, one per LONG_TAG characters: a start tag of 2 * LONG_TAG
    characters or more covers a whole stretch of LONG_TAG characters without ">". A tag shorter than that
    holds at most ~8,000 attributes, which the parsers read in a tenth of a second.
    """
    out: list[str] = []
    done = 0  # text[:done] is in out
    i = LONG_TAG
    while i < len(text) - LONG_TAG:
        if text.find(">", i, i + LONG_TAG) >= 0:
            i += LONG_TAG
            continue
        start = text.rfind("<", done, i + LONG_TAG)
        end = text.find(">", max(start, 0))  # the end of the tag that "<" opens
        end = len(text) if end < 0 else end + 1
        if (start >= 0 and end - start >= LONG_TAG and text[start + 1:start + 2].isalpha()
                and text.find("<", start + 1, end) < 0 and not _in_raw_text(text, start)):
            tag = text[start:end]
            name_end = 2
            while name_end < len(tag) and not tag[name_end].isspace() and tag[name_end] not in "/>":
                name_end += 1
            attrs = _ATTRIBUTE.finditer(tag, name_end)
            kept = [m.group(0) for _, m in zip(range(limit + 1), attrs)]
            if len(kept) > limit:
                out += [text[done:start], tag[:name_end], " ", " ".join(kept[:limit]), ">" if tag.endswith(">") else ""]
                done = end
        i = max(end, i + LONG_TAG)
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


_SVG_ANY = re.compile("<svg", re.I)
_SVG_OPEN = re.compile(r"<svg(?=[\s/>])", re.I)
_SVG_CLOSE = re.compile(r"</svg\s*>", re.I)
_SVG_TEXT_OPEN = re.compile(r"<text(?=[\s/>])[^<>]*>", re.I)
_SVG_TEXT_CLOSE = re.compile(r"</text\s*>", re.I)
_RAW_TAG = re.compile(r"<(/?)(?:script|style)(?=[\s/>])", re.I)
_TAG = re.compile(r"<[^<>]*>")


def _svg_texts(body: str) -> list[str]:
    """The texts of the ``<text>`` elements of an SVG's ``body``, their inner tags dropped."""
    got, j = [], 0
    while (t := _SVG_TEXT_OPEN.search(body, j)) is not None:
        end = _SVG_TEXT_CLOSE.search(body, t.end())
        if end is None:
            break
        got.append(" ".join(_TAG.sub(" ", body[t.end():end.start()]).split()))
        j = end.end()
    return got


def svg_text(text: str) -> str:
    """``text`` with each inline ``<svg>`` that draws text (``<text>``, with its ``<tspan>``s) replaced by
    that text in a ``<span>``, one line per ``<text>``, as a browser shows it; ``text`` itself where no SVG
    draws any. The rest of
    an SVG (shapes, ``<title>``, ``<desc>``, its styles) shows no text and is dropped with it.

    One pass: each ``<svg`` is read to the next ``</svg>``, and the search goes on from there.
    """
    if _SVG_ANY.search(text) is None:  # one case-blind scan: faster than two str searches
        return text
    out: list[str] = []
    done = i = 0
    while (m := _SVG_OPEN.search(text, i)) is not None:
        close = _SVG_CLOSE.search(text, m.end())
        if close is None:
            break
        body = text[m.end():close.start()]
        i = close.end()
        if "<text" not in body and "<TEXT" not in body:
            continue
        raw = [t.group(1) for t in _RAW_TAG.finditer(body)]
        if raw.count("/") > len(raw) - raw.count("/"):  # the "<svg" lies inside a script or style: left alone
            continue
        out += [text[done:m.start()], "<span>", "<br>".join(_svg_texts(body)), "</span>"]
        done = close.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _segment_html(text: str, limits: ReadLimits, utf8: bytes | None = None) -> list[Block]:
    """The blocks of an HTML page read once: by lexbor, else lxml, else flat when too deep for lxml."""
    capped = svg_text(cap_attributes(text))
    if capped is not text:
        text, utf8 = capped, None
    if PARSER == "lexbor":
        blocks = _lexbor_blocks(text, limits.max_depth, utf8)
        if blocks is not None:
            return blocks
    try:
        root = _parse_html(text, utf8)
    except _TooDeep:
        return _flat_html_blocks(text)
    return _walk(root, limits.max_depth)


def _lexbor_blocks(text: str, max_depth: int, utf8: bytes | None = None) -> list[Block] | None:
    """The blocks of an HTML page parsed and walked by lexbor (from ``utf8``, the text's UTF-8 bytes, where
    at hand); None where it cannot read the page."""
    lex = _compiled.lexwalk()
    if lex is None:
        return None
    if utf8 is None:
        try:
            utf8 = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: lxml reads the str
            return None
    return lex.blocks(utf8, max_depth)


def _walk(root: etree._Element, max_depth: int) -> list[Block]:
    """The blocks of a parsed page: the compiled walk where it can read this tree, else the Python one."""
    fastwalk = _compiled.fastwalk()
    if fastwalk is not None:
        blocks = fastwalk.walk_blocks(root, max_depth)
        if blocks is not None:  # None: a node it does not read (an entity reference, a namespace)
            return blocks
    return _walk_python(root, max_depth)


def _walk_python(root: etree._Element, max_depth: int) -> list[Block]:
    """The blocks of a parsed page, walked in Python: the reference for detector/_fastwalk.pyx."""
    blocks: list[Block] = []
    buf: list[str] = []
    link_chars = 0
    a_depth = 0
    # Open elements: [tag, element, structural tokens]; the tokens are read when a block's path needs them.
    stack: list[list] = []
    heading_depth = 0
    cur_tag = "body"

    def flush() -> None:  # only called with text in buf
        nonlocal buf, link_chars
        txt = _collapse("".join(buf))
        if txt:
            path: tuple[str, ...] = ()
            for entry in stack[-12:]:
                toks = entry[2]
                if toks is None:
                    toks = entry[2] = _struct_tokens(entry[1])
                if toks:
                    path += toks
            blocks.append(
                Block(
                    index=len(blocks),
                    text=txt,
                    tag=cur_tag,
                    path=path,
                    depth=len(stack),
                    link_chars=min(link_chars, len(txt)),
                    heading=heading_depth > 0,
                )
            )
        buf = []
        link_chars = 0

    def end_block() -> None:  # a block tag ends the text in buf; past MAX_BLOCKS - 1 blocks, the last one goes on
        if len(blocks) < MAX_BLOCKS - 1:
            flush()
        else:
            buf.append(" ")

    from lxml import etree

    walker = etree.iterwalk(root, events=("start", "end"))
    depth = 0
    skipped = False  # the element just skipped: iterwalk gives its end event next
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if event == "start":
            depth += 1
            if tag in SKIP_TAGS or _is_hidden(el):
                walker.skip_subtree()
                skipped = True
                continue
            if tag in BLOCK_TAGS and depth <= max_depth:
                if buf:
                    end_block()
                cur_tag = tag
            stack.append([tag, el, None])
            if tag in HEADING_TAGS:
                heading_depth += 1
            elif tag == "a":
                a_depth += 1
            t = el.text
            if t:
                buf.append(t)
                if a_depth:
                    link_chars += len(t.strip())
        else:  # end
            depth -= 1
            if skipped:
                skipped = False
            else:
                if tag in BLOCK_TAGS and depth + 1 <= max_depth:
                    if buf:
                        end_block()
                    cur_tag = stack[-2][0] if len(stack) > 1 else "body"
                if tag in HEADING_TAGS:
                    heading_depth -= 1
                elif tag == "a":
                    a_depth -= 1
                if stack:
                    stack.pop()
            t = el.tail
            if t:
                buf.append(t)
                if a_depth:
                    link_chars += len(t.strip())
    if buf:
        flush()
    return blocks


def __getattr__(name: str):
    if name == "_fastwalk":  # the compiled lxml walk, loaded (with lxml) when first asked for
        return _compiled.fastwalk()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
