"""Markdown and plain text -> blocks: headings, paragraphs, list items and lines (a line of plain text is
a block of its own unless it is a hard-wrapped line of prose), each with its tag and heading flag."""

from __future__ import annotations

import re

from .page import MAX_BLOCKS, Block, _collapse

__all__ = ["segment_markdown", "segment_text", "front_matter"]

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
