"""A Dolma tagger (``pip install 'detector[dolma]'``): spans per label, so the mixer can drop pages or cut spans.

    dolma tag --documents 'corpus/documents/*.jsonl.gz' --experiment ads \\
        --taggers detector_v1 --tagger_modules detector.pipelines.dolma --processes 8

writes, for each document, attributes named ``ads__detector_v1__<type>``, each a list of ``[start, end,
score]``:

  page          one span over the whole text, scored with the page's probability of being sponsored
  sponsored     each sponsored notice
  affiliate     each affiliate note
  disclaimer    each disclaimer
  boilerplate   each block of site chrome (navigation, share and subscribe lines, related lists…)
  error         a document that could not be scored (empty, binary): one span, score 1

Offsets index the document's own ``text`` (read one paragraph a line; a text that starts as an HTML page
is read as HTML and then gets only its ``page`` span, since its spans index the visible text). A mixer
config that drops sponsored pages and cuts the notices and boilerplate out of the rest::

    streams:
      - name: clean
        documents: [corpus/documents/*.jsonl.gz]
        attributes: [ads]
        output: {path: corpus/clean, max_size_in_bytes: 1000000000}
        filter:
          exclude: ["$.attributes[?(@.ads__detector_v1__page && @.ads__detector_v1__page[0][2] >= THRESHOLD)]"]
        span_replacement:
          - {span: "$.attributes.ads__detector_v1__sponsored", min_score: 0.5, replacement: ""}
          - {span: "$.attributes.ads__detector_v1__affiliate", min_score: 0.5, replacement: ""}
          - {span: "$.attributes.ads__detector_v1__disclaimer", min_score: 0.5, replacement: ""}
          - {span: "$.attributes.ads__detector_v1__boilerplate", min_score: 0.5, replacement: ""}

(THRESHOLD: the shipped model's page threshold, ``python -c "from detector import Detector;
print(Detector.load().threshold)"``; every span the tagger writes is a block the model labelled, so
``min_score`` 0.5 keeps them all.)
"""

from __future__ import annotations

from typing import Any

from dolma import BaseTagger, add_tagger
from dolma.core.data_types import DocResult, Document, Span

from ..clean import CUT_LABELS, LazyDetector, clean_document

__all__ = ["DetectorTagger"]

TYPES = ("page",) + CUT_LABELS


@add_tagger("detector_v1")
class DetectorTagger(BaseTagger):
    def __init__(self) -> None:
        self._lazy = LazyDetector()

    @property
    def detector(self) -> Any:
        return self._lazy.get()

    @property
    def defaults(self) -> list[str]:
        return list(TYPES)

    def predict(self, doc: Document) -> DocResult:
        c = clean_document(self.detector, doc.text, name=str(doc.id), cut=())
        if c.error is not None:
            return DocResult(doc=doc, spans=[Span(0, len(doc.text or ""), "error", 1.0)])
        spans = [Span(0, len(doc.text), "page", float(c.score or 0.0))]
        if c.in_text:  # a text document: its spans index doc.text
            spans += [Span(s.start, s.end, s.label, s.score) for s in c.spans if s.start >= 0]
        return DocResult(doc=doc, spans=spans)
