"""Turn a decoded page into an ordered list of blocks.

HTML: the visible text of block-level elements (script, style, template and hidden elements dropped),
each with its tag path, depth, link characters and offsets; a page with almost no visible text is read
again with its hidden wrappers, ``<noscript>`` and SVG text shown (segment_html). Text and Markdown:
headings, paragraphs, list items and lines. The page's *visible text* is the blocks' texts joined by
newlines; every block's ``start``/``end`` are offsets into it.

The readers are ``htmlblocks`` (HTML) and ``textblocks`` (Markdown, plain text); ``page`` holds the
:class:`Block` and :class:`Page` they make. This module lays the blocks out on the page's text and cuts
the units.

A block whose first or last sentence might be a notice of its own (Smashing-style "(This is a sponsored
article.) Time-to-market …") also yields *units*: that sentence and the rest, which the scorer may split
apart when the model says they differ.
"""

from __future__ import annotations

import re

from .compiled import fasthash as _fasthash
from .htmlblocks import segment_html
from .io import DEFAULT_LIMITS, RawPage, ReadLimits
from .page import _BLOCK_FIELDS, _FAST_UNIT_FIELDS, Block, Page
from .textblocks import segment_markdown, segment_text

__all__ = ["Block", "Page", "segment", "segment_html", "segment_text", "segment_markdown", "sentence_units"]

# Sentence ends: . ! ? … followed by space and an upper-case letter, quote or bracket.
# Where one sentence ends and the next begins: the end mark, then the white space (the match's span but
# its first character). The mark is matched, not looked behind for, so that re scans for it directly
# (twice as fast); tests/test_segment.py checks the spans against the look-behind form.
_SENT_SPLIT = re.compile(r"[.!?…][\"'”’)]?\s+(?=[\"'“„(\[*]?[A-ZÀ-ÖØ-ÞĀ-Ž0-9])")
# A leading parenthetical or bracketed note: "(This is a sponsored article.) Text…", "[Werbung] Text…"
_LEAD_PAREN = re.compile(r"^\s*(\([^()]{3,240}\)|\[[^\[\]]{3,240}\]|\*[^*]{3,120}\*)[.:]?\s+(?=\S)")
MIN_UNIT_WORDS = 12  # blocks shorter than this are never split into units
UNIT_MIN_CHARS = 60  # nor blocks of fewer characters


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
