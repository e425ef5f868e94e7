"""The article on a page, and the site chrome around it.

The model reads each block with its neighbours only; on sites it never saw, it lets through as editorial
some of the short lines around an article (a related list's heading, "Post navigation", a tag line, a
photo credit) and some of the site's own paragraphs far from it (an author box, a newsletter prompt, a
site blurb in the footer). These revisions read the page as a whole:

- :func:`chrome_lines`: a short editorial block worded as site chrome (:mod:`detector.chromewords`: share
  and comment prompts, related-list headings, tag lines, photo credits, date lines, calls to subscribe or
  follow) is boilerplate, and a credit closing a caption is cut out of it.
- :func:`outside_article`: the article is the stretch of blocks with the most editorial words, chrome
  blocks counting against it (the largest-sum stretch; a paragraph of 25 words or more must be in it).
  A paragraph of AFTER_ASIDE_MIN_WORDS words or more right after it, past a short aside (a "Read also"
  line, an ad label: at most ASIDE_REACH blocks), is the article's too. Every editorial block outside it is
  boilerplate, but the page's title (the nearest heading above it), a sentence above it (a lead, a
  standfirst) and a comment in a thread below it (a block right after the line naming its writer or right
  before a "Reply" link).

Notices (sponsored, affiliate, disclaimer) keep their labels wherever they sit: only blocks labelled
editorial become boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import attrgetter, methodcaller

import numpy as np

from .blocks import BlockTable
from .chromewords import (
    calls_to_action,
    credit_tail,
    is_chrome_line,
    is_reply_link,
    names_writer,
)
from .htmlblocks import LINK_TEXT
from .page import Block

__all__ = ["mark_chrome", "chrome_lines", "outside_article", "article_span"]

# a page has an article when it has an editorial paragraph this long, not a list of links (more than
# htmlblocks.LINK_TEXT of its text in links)
ARTICLE_MIN_WORDS = 25
CHROME_COST = 10  # what a chrome block costs the stretch, on top of its words (up to CHROME_WORDS_MAX)
CHROME_WORDS_MAX = 50
TITLE_REACH = 8  # the page's title: the nearest editorial heading this many blocks above the article at most
SENTENCE_MIN_WORDS = 10  # a sentence: this many words or more, ending as a sentence ends
COMMENT_MIN_WORDS = 3  # a comment in a thread: this many words or more, ending as a sentence ends
ASIDE_REACH = 3  # a paragraph this many blocks at most after the article's last one (an aside between) ...
AFTER_ASIDE_MIN_WORDS = 15  # ... of this many words or more, is the article's too
_SPACES = methodcaller("count", " ")
_WORDS = attrgetter("words")
_LINK_CHARS = attrgetter("link_chars")
_SENTENCE_END = re.compile(r"""[.!?;"»”“')\]]\s*$""")


def mark_chrome(t: BlockTable, blocks: Sequence[Block]) -> None:
    """Both revisions, in order (``blocks``: the page's blocks, for the link density of ``t``'s blocks)."""
    chrome_lines(t)
    outside_article(t, blocks)


def chrome_lines(t: BlockTable) -> None:
    """A short block the model called editorial that is worded as site chrome (:func:`is_chrome_line`,
    :func:`is_call_to_action`) is boilerplate; a photo credit closing a caption (:func:`credit_tail`) is cut
    out of it as boilerplate."""
    editorial = [i for i, lab in enumerate(t.labels) if lab == "editorial" and not t.units[i]]
    calls = {editorial[k] for k in calls_to_action([t.texts[i] for i in editorial])}
    for i in reversed(editorial):  # from the last, so that a cut leaves the blocks before it in place
        text = t.texts[i]
        if i in calls or is_chrome_line(text):
            t.relabel(i, "boilerplate", t.prob(i, "boilerplate"))
        elif (at := credit_tail(text)) is not None:
            t.cut(i, at, len(text), "boilerplate", t.prob(i, "boilerplate"))


def _values(t: BlockTable, blocks: Sequence[Block]) -> tuple[np.ndarray, np.ndarray] | None:
    """Each block's worth to the article: an editorial block's words, less a list of links' words and a
    chrome block's words and CHROME_COST; notices count nothing. None where no editorial paragraph of
    ARTICLE_MIN_WORDS words is found (no article to find); with them, which blocks are editorial."""
    labels = np.array(t.labels)
    aligned = len(blocks) == len(t.labels)  # no block was cut: t's blocks are the page's
    # a block's words: those the features counted (Block.words), else those of its text, whose white
    # space is collapsed
    words = np.fromiter(map(_WORDS, blocks), np.float64, len(blocks)) if aligned else None
    if words is None or (words < 0).any():
        words = np.fromiter(map(_SPACES, t.texts), np.float64, len(t.texts)) + 1
    editorial = labels == "editorial"
    values = np.where(editorial, words, 0.0)
    chrome = labels == "boilerplate"
    values[chrome] = -(np.minimum(words[chrome], CHROME_WORDS_MAX) + CHROME_COST)
    # lists of links: each block's link characters are its page block's (a piece cut out of a block, which
    # t holds where a block was cut, has no links known)
    if aligned:
        links = np.fromiter(map(_LINK_CHARS, blocks), np.float64, len(blocks))
    else:
        by_start = {b.start: b for b in blocks}
        links = np.array([b.link_chars if (b := by_start.get(a)) is not None and b.end == e else 0
                          for a, e in zip(t.starts, t.ends)], dtype=np.float64)
    linked = editorial & (links > LINK_TEXT * np.fromiter(map(len, t.texts), np.float64, len(t.texts)))
    values[linked] = -values[linked]
    return (values, editorial) if bool((values >= ARTICLE_MIN_WORDS).any()) else None


def article_span(values: Sequence[float] | np.ndarray) -> tuple[int, int]:
    """The first and last index of the stretch of ``values`` with the largest sum (of the stretches with
    that sum ending first, the one that starts first)."""
    sums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    gains = sums[1:] - np.minimum.accumulate(sums[:-1])  # the best stretch ending at each index
    b = int(np.argmax(gains))
    return int(np.argmin(sums[:b + 1])), b


def _is_sentence(text: str, min_words: int = SENTENCE_MIN_WORDS) -> bool:
    """Whether ``text`` ends as a sentence ends and holds ``min_words`` words or more."""
    return text.count(" ") + 1 >= min_words and _SENTENCE_END.search(text) is not None


def _in_thread(t: BlockTable, i: int) -> bool:
    """Whether block ``i`` is a comment or a post in a thread: right after the line that names its writer
    ("kat_m wrote on …", "Tom B. · 8. Oktober 2016"), or right before a "Reply" link."""
    for j in (i - 1, i - 2):
        if j >= 0 and t.labels[j] != "editorial":
            if len(t.texts[j].split()) <= 12 and names_writer(t.texts[j]):
                return True
            break
    for j in (i + 1, i + 2):
        if j < len(t.labels) and t.labels[j] != "editorial":
            return is_reply_link(t.texts[j])
    return False


def outside_article(t: BlockTable, blocks: Sequence[Block]) -> None:
    """The editorial blocks outside the page's article are boilerplate (see the module's docstring)."""
    got = _values(t, blocks)
    if got is None:
        return
    values, editorial = got
    a, b = article_span(values)
    labels, texts = t.labels, t.texts
    # a paragraph right after a short aside (a "Read also" line, an ad label) still belongs to the article
    while (j := next((k for k in range(b + 1, min(len(labels), b + 2 + ASIDE_REACH)) if labels[k] == "editorial"),
                     None)) is not None and values[j] >= AFTER_ASIDE_MIN_WORDS and _is_sentence(texts[j]):
        b = j
    title = next((i for i in range(a - 1, max(-1, a - 1 - TITLE_REACH), -1)
                  if labels[i] == "editorial" and t.headings[i]), -1)
    editorial[a:b + 1] = False
    for i in np.flatnonzero(editorial).tolist():  # the editorial blocks outside the article
        if i == title or (i < a and _is_sentence(texts[i])):
            continue  # the title, a lead
        if i > b and _in_thread(t, i) and _is_sentence(texts[i], COMMENT_MIN_WORDS):
            continue  # a comment
        t.relabel(i, "boilerplate", t.prob(i, "boilerplate"))
