"""A segmented page: its :class:`Block` objects and the :class:`Page` that holds them.

Every segmenter (``htmlblocks`` for HTML, ``textblocks`` for Markdown and plain text) makes these; the
compiled kernels fill their slots directly (detector/_fasthash.pyx registers the class).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from .compiled import fasthash as _fasthash

__all__ = ["Block", "Page", "MAX_BLOCKS"]

_WORD = re.compile(r"\w+", re.U)

# Blocks of one page at most (real pages hold up to ~3,000): past MAX_BLOCKS - 1, the rest of the page's
# text goes into its last block, so that memory stays bounded by the page's size (300,000 one-word
# paragraphs would cost ~1 KB each through the features and the model). The compiled walks read it too.
MAX_BLOCKS = 10_000


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
    # = re.sub(r"\s+", " ", s).strip(): str.split() and str.strip() know the same white space as \s
    return " ".join(s.split())
