"""Cut what is not editorial out of a document's own text: the one step every pipeline adapter shares.

Corpus pipelines (datatrove, Dolma, Hugging Face ``datasets``, Scrapy, ``detector clean``) hold a page as
a text field, most often text an extractor already made (paragraphs split by single newlines), sometimes
the raw HTML. :func:`clean_document` scores it with :class:`detector.Detector` exactly as ``detector
score`` does, and returns:

- ``score`` and ``label``: the page's probability of being sponsored, and its label by the model's
  threshold;
- ``spans``: every block labelled sponsored, affiliate, disclaimer or boilerplate, as ``Span(start, end,
  label, score)``. For a text document the offsets index the document's own text (the string the
  caller passed), so that a pipeline can cut or replace them in place; for HTML and Markdown they index
  the page's visible text (the analysis's ``text``: tags and Markdown syntax gone);
- ``text``: the document with the spans named in ``cut`` removed (every non-editorial label by default),
  each with the white space that follows it; the rest of the text is kept as it was, line breaks and
  all. For HTML and Markdown, the visible text with those blocks removed;
- ``error``: a one-line reason where the document cannot be scored (empty, binary, over the size limit);
  then ``score``, ``label`` are None, ``spans`` empty and ``text`` the input unchanged.

A block's text is the document's text with its white space collapsed; it is found again in the document
by its words, in order (a block that cannot be found is left in the text and listed with ``start`` and
``end`` of -1 — this does not happen for text the segmenter reads, it guards the contract).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .labels import NON_EDITORIAL

if TYPE_CHECKING:
    from .score import Analysis, Detector

__all__ = ["CUT_LABELS", "Span", "Cleaned", "LazyDetector", "clean_document", "clean_analysis", "cut_spans",
           "document_kind"]

CUT_LABELS = NON_EDITORIAL  # cut by default: every label but editorial


class Span(NamedTuple):
    start: int
    end: int
    label: str
    score: float


@dataclass
class Cleaned:
    """One document, scored and cleaned (see the module's docstring)."""

    text: str
    score: float | None = None
    label: str | None = None
    spans: list[Span] = field(default_factory=list)
    error: str | None = None
    in_text: bool = True  # the spans index the document's own text (False: the visible text of HTML or Markdown)

    def spans_json(self) -> list[dict]:
        return [s._asdict() for s in self.spans]


class LazyDetector:
    """The detector of a pipeline step: loaded on first use in each process, and left out when the step is
    pickled to its workers (datatrove tasks, ``Dataset.map`` processes), each of which loads its own."""

    def __init__(self, model: str | None = None, trust: bool = False) -> None:
        self.model, self.trust = model, trust
        self._detector: Detector | None = None

    def get(self) -> Detector:
        if self._detector is None:
            from .score import Detector

            self._detector = Detector.load(self.model, trust=self.trust)
        return self._detector

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_detector": None}


def document_kind(text: str) -> str:
    """"html" for a document that starts as an HTML page does (the sniffing of :func:`detector.io.guess_kind`,
    which ``detector score`` applies to page text), else "text" (what a text field holds)."""
    from .io import guess_kind

    return "html" if guess_kind("", text) == "html" else "text"


def clean_document(detector: Detector, text: str | bytes | None, *, kind: str | None = None,
                   name: str = "<document>", cut: Iterable[str] = CUT_LABELS) -> Cleaned:
    """Score one document (``kind``: "text", "markdown" or "html"; None: :func:`document_kind`) and cut
    the blocks whose label is in ``cut``. Never raises on bad input: ``error`` says what was wrong."""
    if text is None:
        return Cleaned(text="", error="no text (the field is missing or null)")
    if isinstance(text, (bytes, bytearray, memoryview)):
        data = bytes(text)
        original = data.decode("utf-8", errors="replace")
    elif isinstance(text, str):
        original = text
        data = text.encode("utf-8", errors="surrogatepass")
    else:
        return Cleaned(text="", error=f"the text field holds a {type(text).__name__}, not a string")
    if kind is None:
        kind = document_kind(original)
    analysis = detector.analyze(data, name=name, kind=kind)
    return clean_analysis(analysis, original if kind == "text" else None, cut=cut)


def clean_analysis(analysis: Analysis, original: str | None = None, *, cut: Iterable[str] = CUT_LABELS) -> Cleaned:
    """:class:`Cleaned` of a scored page: its spans in ``original`` (the document's text) where given,
    else in the analysis's visible text."""
    if analysis.error is not None:
        return Cleaned(text=original or "", error=analysis.error)
    base = analysis.text if original is None else original
    cut = frozenset(cut)
    spans: list[Span] = []
    cursor = 0
    for label, score, text, start, end in zip(*analysis.columns()):
        if original is not None:  # every block is found, editorial ones too, so that the next is looked for after it
            start, end = _locate(original, text, cursor)
            if start >= 0:
                cursor = end
        if label != "editorial":
            spans.append(Span(start, end, label, round(float(score), 4)))
    removed = [(s.start, s.end) for s in spans if s.label in cut and s.start >= 0]
    assert analysis.score is not None  # an analysis without error has a score
    return Cleaned(text=cut_spans(base, removed), score=round(float(analysis.score), 4), label=analysis.label,
                   spans=spans, in_text=original is not None)


def _locate(text: str, block: str, cursor: int) -> tuple[int, int]:
    """Where a block's text (white space collapsed) is in ``text``, at or after ``cursor``; (-1, -1)
    where it is not found."""
    at = text.find(block, cursor)
    if at >= 0:  # as written: a line whose white space the segmenter left alone
        return at, at + len(block)
    words = block.split()
    if not words:
        return -1, -1
    m = re.compile(r"\s+".join(re.escape(w) for w in words)).search(text, cursor)
    return (m.start(), m.end()) if m else (-1, -1)


def cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the spans, each with the white space after it (at the end: the white space before)."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:  # overlapping or repeated: the earlier span already took it
            start = pos
            if end <= start:
                continue
        out.append(text[pos:start])
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    out.append(text[pos:])
    result = "".join(out)
    return result.rstrip() if pos >= len(text) else result
