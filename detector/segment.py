"""Turn a decoded page into an ordered list of blocks.

HTML: the visible text of block-level elements (script, style, template and hidden elements dropped),
each with its tag path, depth, link characters and offsets; a page with almost no visible text is read
again with its hidden wrappers, ``<noscript>`` and SVG text shown (segment_html). Text and Markdown:
headings, paragraphs, list items and lines. The page's *visible text* is the blocks' texts joined by
newlines; every block's ``start``/``end`` are offsets into it.

A block whose first or last sentence might be a notice of its own (Smashing-style "(This is a sponsored
article.) Time-to-market …") also yields *units*: that sentence and the rest, which the scorer may split
apart when the model says they differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from .io import DEFAULT_LIMITS, InputError, RawPage, ReadLimits

if TYPE_CHECKING:  # lxml is imported where a page is parsed with it (it is not the default parser)
    from lxml import etree

# The kernel's word count (detector/_fasthash.pyx); None without it (detector/compiled.py). The compiled
# walk over lxml's tree (detector/_fastwalk.pyx, the same blocks as _walk_python, faster) is
# _compiled.fastwalk(), loaded with lxml; this module's ``_fastwalk`` reads it.
from . import compiled as _compiled  # noqa: E402
from .compiled import fasthash as _fasthash  # noqa: E402

# Which HTML parser segment_html uses: "lexbor" (the default: the HTML5 parser that selectolax ships,
# parsed and walked in C by detector/_lexwalk.pyx) or "lxml" (libxml2, walked by detector/_fastwalk.pyx
# or _walk_python), set by DETECTOR_PARSER (detector/compiled.py). lxml runs where lexbor cannot: where
# _lexwalk is not built or refuses to load, under DETECTOR_PURE_PYTHON=1, and for text with lone
# surrogates. The two build different trees for broken HTML: see detector/_lexwalk.pyx.
PARSER = _compiled.PARSER

__all__ = ["Block", "Page", "segment", "segment_html", "segment_text", "segment_markdown", "sentence_units"]

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
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.U)

# Sentence ends: . ! ? … followed by space and an upper-case letter, quote or bracket.
# Where one sentence ends and the next begins: the end mark, then the white space (the match's span but
# its first character). The mark is matched, not looked behind for, so that re scans for it directly
# (twice as fast); tests/test_segment.py checks the spans against the look-behind form.
_SENT_SPLIT = re.compile(r"[.!?…][\"'”’)]?\s+(?=[\"'“„(\[*]?[A-ZÀ-ÖØ-ÞĀ-Ž0-9])")
# A leading parenthetical or bracketed note: "(This is a sponsored article.) Text…", "[Werbung] Text…"
_LEAD_PAREN = re.compile(r"^\s*(\([^()]{3,240}\)|\[[^\[\]]{3,240}\]|\*[^*]{3,120}\*)[.:]?\s+(?=\S)")
MIN_UNIT_WORDS = 12  # blocks shorter than this are never split into units
# Blocks of one page at most (real pages hold up to ~3,000): past MAX_BLOCKS - 1, the rest of the page's
# text goes into its last block, so that memory stays bounded by the page's size (300,000 one-word
# paragraphs would cost ~1 KB each through the features and the model). The compiled walks read it too.
MAX_BLOCKS = 10_000
UNIT_MIN_CHARS = 60  # nor blocks of fewer characters


@dataclass(slots=True)
class Block:
    """One block of a page: its text and where it sits."""

    index: int
    text: str
    start: int = 0
    end: int = 0
    tag: str = "p"
    path: tuple[str, ...] = ()
    depth: int = 0
    link_chars: int = 0
    heading: bool = False
    position: float = 0.0  # relative position of the block's start in the page, 0..1
    parent: int = -1  # for a unit: the index of the block it comes from
    unit: str = ""  # "" for a block; "head" / "rest" / "tail" for units
    words: int = field(default=-1, repr=False, compare=False)  # n_words, once counted

    @property
    def link_density(self) -> float:
        return min(1.0, self.link_chars / max(1, len(self.text)))

    @property
    def n_words(self) -> int:
        n = self.words
        if n < 0:
            n = self.words = len(_WORD.findall(self.text))
        return n


if _fasthash is not None:  # the kernel reads and writes Block fields through their slots
    _fasthash.use_block_type(Block)

_BLOCK_FIELDS = tuple(f.name for f in fields(Block))
# The fields _fasthash.sentence_units sets on the units it makes (all of Block's, or it does not run)
_FAST_UNIT_FIELDS = ("index", "text", "start", "end", "tag", "path", "depth", "link_chars", "heading", "position",
                     "parent", "unit", "words")


@dataclass
class Page:
    """A segmented page: visible text plus its blocks in order."""

    text: str
    blocks: list[Block]
    kind: str
    path: str = ""
    encoding: str = ""
    units: list[Block] = field(default_factory=list)


def _collapse(s: str) -> str:
    # = _WS.sub(" ", s).strip(): str.split() and str.strip() know the same white space as \s
    return " ".join(s.split())


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
    if "<svg" not in text and "<SVG" not in text:
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


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_MD_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_MD_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_MD_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_EMPH = re.compile(r"(\*\*|\*|`|~~)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
_HTML_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|blockquote|li|ul|ol|table|tr|td|th|section|aside|figure|figcaption|pre|br|hr|"
    r"header|footer|nav|details|summary|dl|dt|dd)\b[^>]*>",
    re.I,
)
_HTML_TAG = re.compile(r"<[^>]{0,500}>")
_HTML_SKIP = re.compile(r"<(script|style|template|noscript)\b.*?</\1\s*>", re.I | re.S)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def _unescape(s: str) -> str:
    if "&" not in s:
        return s
    import html as _html

    return _html.unescape(s)


def _md_inline(s: str) -> tuple[str, int]:
    """Strip Markdown inline markup; returns (text, characters that were link text)."""
    s = _MD_IMAGE.sub(lambda m: m.group(1), s)
    link_chars = 0

    def _link(m: re.Match[str]) -> str:
        nonlocal link_chars
        link_chars += len(m.group(1))
        return m.group(1)

    s = _MD_LINK.sub(_link, s)
    s = _MD_REFLINK.sub(_link, s)
    for _ in range(2):
        s = _MD_EMPH.sub(lambda m: m.group(2) if m.group(1) else m.group(4), s)
    s = _HTML_TAG.sub("", s)
    return _unescape(s), link_chars


class _CappedBlocks:
    """The blocks of a page as they are made, at most MAX_BLOCKS: the texts past MAX_BLOCKS - 1 go into
    one last block."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.rest: list[tuple[str, str, bool, int]] = []

    def add(self, text: str, tag: str, heading: bool = False, link_chars: int = 0) -> None:
        if len(self.blocks) < MAX_BLOCKS - 1:
            self.blocks.append(Block(index=len(self.blocks), text=text, tag=tag, heading=heading,
                                     link_chars=link_chars))
        else:
            self.rest.append((text, tag, heading, link_chars))

    def done(self) -> list[Block]:
        if len(self.rest) == 1:
            self.blocks.append(Block(index=len(self.blocks), text=self.rest[0][0], tag=self.rest[0][1],
                                     heading=self.rest[0][2], link_chars=self.rest[0][3]))
        elif self.rest:
            txt = " ".join(r[0] for r in self.rest)
            links = min(sum(r[3] for r in self.rest), len(txt))
            self.blocks.append(Block(index=len(self.blocks), text=txt, tag="p", link_chars=links))
        self.rest = []
        return self.blocks


_FRONT_MATTER = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n(.{0,16384}?)\r?\n(?:\1|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FRONT_FIELD = re.compile(r"""^(\w+)[ \t]*[:=][ \t]*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(.*?))[ \t]*$""")
_FRONT_ITEM = re.compile(r"""^[ \t]+-[ \t]+["']?(.*?)["']?[ \t]*$""")
_FRONT_LISTS = {"categories": "Categories", "tags": "Tags"}


def front_matter(text: str) -> tuple[list[tuple[str, str, bool]], str]:
    """A Markdown page's front matter (YAML between ``---`` lines, or TOML between ``+++``, as Hugo and
    Jekyll write it) as the blocks a rendered page shows: its ``title`` as the headline, then a line of its
    categories and tags ("Categories: Lifestyle · Tags: Shopping"). Returns those blocks (text, tag,
    heading) and the page after its front matter; other fields (dates, slugs, image paths) show nothing."""
    m = _FRONT_MATTER.match(text)
    if m is None:
        return [], text
    lines = [ln for ln in m.group(2).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines or not all(ln[:1] in " \t" or _FRONT_FIELD.match(ln) for ln in lines):
        return [], text  # not fields: a Markdown rule, text, and another rule
    title, key = "", ""
    lists: dict[str, list[str]] = {}
    for line in lines:
        item = _FRONT_ITEM.match(line)
        if item and key in _FRONT_LISTS:
            lists.setdefault(key, []).append(item.group(1))
            continue
        f = _FRONT_FIELD.match(line)
        if f is None:
            continue
        key = f.group(1).lower()
        value = next((g for g in f.group(2, 3, 4) if g is not None), "")
        if key == "title":
            title = value.replace('\\"', '"')
        elif key in _FRONT_LISTS and value.strip("[] "):
            lists[key] = [v.strip(" \"'") for v in value.strip("[]").split(",") if v.strip(" \"'")]
    blocks = [(title, "h1", True)] if title.strip() else []
    shown = " · ".join(f"{_FRONT_LISTS[k]}: {', '.join(v)}" for k, v in lists.items() if v)
    if shown:
        blocks.append((shown, "p", False))
    return blocks, text[m.end():]


def segment_markdown(text: str) -> list[Block]:
    """Blocks of a Markdown page (inline HTML reduced to its text).

    The lines of a paragraph are joined, as Markdown reads a single newline, except after a line that
    ends a sentence (. ! ? … : or ;, before closing quotes or brackets) when the next line does not
    start in lower case: text written one paragraph (or sentence) a line gives a block a line, so that
    a notice line is not glued to the paragraph above it. A hard-wrapped paragraph is cut only where a
    sentence happens to end at a line's end. A front matter shows its title and tags (:func:`front_matter`).
    """
    shown, text = front_matter(text)
    text = _HTML_SKIP.sub("", text)
    text = _SHORTCODE.sub("\n\n", text)
    # Block-level HTML tags end paragraphs.
    text = _HTML_BLOCK_TAG.sub("\n\n", text)
    blocks = _CappedBlocks()
    for txt, tag, heading in shown:
        if (txt := _collapse(_md_inline(txt)[0])):
            blocks.add(txt, tag, heading)
    para: list[str] = []
    in_fence = False

    def add(raw: str, tag: str, heading: bool = False) -> None:
        txt, links = _md_inline(raw)
        txt = _collapse(txt)
        if txt:
            blocks.add(txt, tag, heading, min(links, len(txt)))

    def end_para() -> None:
        if para:
            add(" ".join(para), "p")
            para.clear()

    lines = text.splitlines()
    for _i, line in enumerate(lines):
        if _MD_FENCE.match(line):
            end_para()
            in_fence = not in_fence
            continue
        if in_fence:
            add(line, "pre")
            continue
        if not line.strip():
            end_para()
            continue
        m = _MD_HEADING.match(line)
        if m:
            end_para()
            add(m.group(2), "h%d" % len(m.group(1)), heading=True)
            continue
        if _MD_SETEXT.match(line) and len(para) == 1:
            add(para.pop(), "h2", heading=True)
            continue
        if _MD_RULE.match(line):
            end_para()
            continue
        m = _MD_LIST.match(line)
        if m:
            end_para()
            add(m.group(1), "li")
            continue
        m = _MD_QUOTE.match(line)
        if m:
            end_para()
            add(m.group(1), "blockquote")
            continue
        line = line.strip()
        if para and _ends_sentence(para[-1]) and not line[:1].islower():
            end_para()  # a line that ends a sentence, then one that starts another: two paragraphs
        para.append(line)
    end_para()
    return blocks.done()


# Plain text: where a line break ends a block (segment_text's docstring has the rule).
WRAP_MIN = 50  # a line shorter than this is never a hard-wrapped line of a longer paragraph
WRAP_MAX = 120  # a chunk holding a longer line is not hard-wrapped: each of its lines is a paragraph
WRAP_SLACK = 10  # how far short of the chunk's width a filled line may stop (fill algorithms, indents)
SHORT_LINE = 70  # a chunk whose lines are all shorter than this is a list of lines: tag "line"
HEADING_MAX = 90  # a heading-like line is shorter than this and has no end punctuation
_NOT_HEADING_ENDS = (".", ",", ";", ":", "?", "!", "…", "{", "}")
# The last character of a line that ends a sentence, once closing quotes and brackets are set aside.
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


def _ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence: with . ! ? … : or ; (before closing quotes or brackets)."""
    return _SENTENCE_END.search(line) is not None


def _heading_like(line: str) -> bool:
    """A short line that does not end in punctuation (nor in a brace, as code does)."""
    return len(line) < HEADING_MAX and not line.endswith(_NOT_HEADING_ENDS)


def _wrapped_breaks(lines: list[str]) -> list[bool]:
    """For each break between two lines of a chunk (``lines`` stripped, none blank): whether it is a hard
    wrap inside one paragraph (see segment_text)."""
    n = len(lines)
    if n < 2:
        return []
    width = max(map(len, lines))
    if width > WRAP_MAX:
        return [False] * (n - 1)
    joins = []
    evidence = False
    for a, b in zip(lines, lines[1:]):
        first = b.split(None, 1)[0]
        ok = (len(a) >= WRAP_MIN and not _ends_sentence(a)
              and len(a) + 1 + len(first) + WRAP_SLACK > width)
        joins.append(ok)
        if ok and b[:1].islower():
            evidence = True
    return joins if evidence else [False] * (n - 1)


def segment_text(text: str) -> list[Block]:
    """Blocks of a plain-text page: each line is a block, except the lines of hard-wrapped prose.

    Blank lines end blocks. Inside a chunk between blank lines every line is a block of its own (text
    from CSV/JSONL fields, WET records and FineWeb-like corpora holds one paragraph a line), but a line
    break is a hard wrap, and the two lines one paragraph, when the chunk is hard-wrapped prose (an
    e-mail, a README wrapped at 72-80 columns):

    - no line of the chunk is longer than WRAP_MAX (120) characters (leading and trailing white space
      not counted), and the chunk's width is its longest line;
    - the line before the break is at least WRAP_MIN (50) characters, does not end a sentence (. ! ? … :
      or ; before closing quotes or brackets), and is filled to the width: the next line's first word
      would not have fit on it (give or take WRAP_SLACK, 10 characters);
    - and somewhere in the chunk such a break is followed by a line starting in lower case (prose that
      runs on mid-sentence: a list of headlines, each capitalised, is not wrapped).

    A block of joined lines is a ``p``; a single line is a ``line`` when all the lines of its chunk are
    shorter than SHORT_LINE (70) characters, else a ``p``. A single line is a heading when it is shorter
    than HEADING_MAX (90) characters, does not end in punctuation (. , ; : ? ! …) nor in a brace (code),
    and neither line next to it in its chunk looks the same (a run of such lines is a menu or a list
    of links, not headings).
    """
    blocks = _CappedBlocks()
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        joins = _wrapped_breaks(lines)
        short = len(lines) > 1 and max(map(len, lines)) < SHORT_LINE
        like = [_heading_like(_collapse(ln)) for ln in lines]
        i = 0
        while i < len(lines):
            j = i
            while j < len(joins) and joins[j]:
                j += 1
            txt = _collapse(" ".join(lines[i : j + 1]))
            if txt:
                if j > i:
                    tag, heading = "p", False
                else:
                    tag = "line" if short else "p"
                    heading = like[i] and not (i > 0 and like[i - 1]) and not (i + 1 < len(lines) and like[i + 1])
                blocks.add(txt, tag, heading)
            i = j + 1
    return blocks.done()


def sentence_units(block: Block) -> list[Block]:
    """Candidate units of a long block: its leading note or first sentence, and its last sentence."""
    text = block.text
    if len(text) < UNIT_MIN_CHARS:
        return []
    n_words = block.n_words
    if n_words < MIN_UNIT_WORDS:
        return []
    cuts: list[tuple[int, int, str]] = []
    splits = [(mm.start() + 1, mm.end()) for mm in _SENT_SPLIT.finditer(text)]  # between two sentences
    m = _LEAD_PAREN.match(text)
    if m:
        head_end = m.end(1) + (1 if text[m.end(1) : m.end(1) + 1] in ".:" else 0)
        cuts.append((0, head_end, "head"))
    elif splits and splits[0][0] < len(text) - 20:  # the first sentence
        cuts.append((0, splits[0][0], "head"))
    # the last sentence
    if splits:
        last = splits[-1][1]
        if last > (cuts[0][1] if cuts else 0) + 20 and len(text) - last >= 15:
            cuts.append((last, len(text), "tail"))
    units = []
    for a, b, name in cuts:
        piece = text[a:b].strip()
        if not piece:
            continue
        off = text.find(piece, a)
        units.append(
            Block(
                index=-1,
                text=piece,
                start=block.start + off,
                end=block.start + off + len(piece),
                tag=block.tag,
                path=block.path,
                depth=block.depth,
                link_chars=0,
                heading=False,
                position=block.position,
                parent=block.index,
                unit=name,
            )
        )
    return units


def segment(raw: RawPage, limits: ReadLimits = DEFAULT_LIMITS, *, units: bool = True) -> Page:
    """Segment a decoded page into blocks with offsets into its visible text."""
    if raw.kind == "html":
        blocks = segment_html(raw.text, limits, raw.utf8)
    elif raw.kind == "markdown":
        blocks = segment_markdown(raw.text)
    else:
        blocks = segment_text(raw.text)
    pieces = [b.text for b in blocks]
    if _fasthash is not None:  # the same, and every block's n_words, in C in one call
        _fasthash.lay_out(blocks, pieces)
    else:
        pos = 0
        total = (sum(map(len, pieces)) + len(pieces)) or 1
        for b, t in zip(blocks, pieces):
            end = pos + len(t)
            b.start, b.end, b.position = pos, end, pos / total
            pos = end + 1
    page = Page(text="\n".join(pieces), blocks=blocks, kind=raw.kind, path=raw.path, encoding=raw.encoding)
    if units:
        got = None
        if _fasthash is not None and _BLOCK_FIELDS == _FAST_UNIT_FIELDS:  # the same units, made in C
            got = _fasthash.sentence_units(blocks, Block, UNIT_MIN_CHARS, MIN_UNIT_WORDS)
        if got is None:  # sentence_units(b) is [] for a block under UNIT_MIN_CHARS: no call for those
            got = [u for b in blocks if not b.heading and len(b.text) >= UNIT_MIN_CHARS for u in sentence_units(b)]
        page.units = got
    return page


def __getattr__(name: str):
    if name == "_fastwalk":  # the compiled lxml walk, loaded (with lxml) when first asked for
        return _compiled.fastwalk()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
