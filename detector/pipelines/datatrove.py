"""datatrove steps (``pip install 'detector[datatrove]'``): drop sponsored pages, cut notices and boilerplate.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from detector.pipelines.datatrove import SponsoredFilter, DisclosureCutter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("docs/"),
        SponsoredFilter(exclusion_writer=JsonlWriter("removed/sponsored")),
        DisclosureCutter(),
        JsonlWriter("clean/"),
    ], tasks=4).run()

:class:`SponsoredFilter` drops a document whose page score reaches the model's threshold (or
``threshold``), with the reason "sponsored" (datatrove's ``exclusion_writer`` keeps the dropped ones).
:class:`DisclosureCutter` replaces ``doc.text`` by the text without the blocks labelled in ``cut``. Both
write into ``doc.metadata``: ``detector_score``, ``detector_label``, ``detector_spans`` (a list of
``{start, end, label, score}``, offsets into the text as it was scored) and ``detector_error`` where the
document could not be scored (empty, binary, over the size limit): such a document is kept, unchanged.
After the filter, the cutter reuses its scores instead of scoring the text again. A document is read
as plain text, one paragraph a line (what datatrove's extractors write), unless it starts as an HTML
page does (or ``kind`` says otherwise); the cutter turns an HTML document into its visible text.

On a cluster, the same steps run under datatrove's ``SlurmPipelineExecutor``: each task loads the
model once (the steps pickle without it).
"""

from __future__ import annotations

from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter

from ..clean import CUT_LABELS, Cleaned, LazyDetector, Span, clean_document, cut_spans

__all__ = ["SponsoredFilter", "DisclosureCutter"]


class _Scores:
    """What both steps share: the detector, loaded on first use in each process, and the scoring of a doc."""

    def _setup(self, model: str | None, trust: bool, kind: str | None) -> None:
        self.kind = kind
        self._lazy = LazyDetector(model, trust)

    @property
    def detector(self) -> Any:
        return self._lazy.get()

    def scored(self, doc: Document) -> Cleaned:
        """The doc's scores (``in_text`` False: the spans index the visible text of an HTML or Markdown
        document, which ``text`` then holds). Taken from the metadata when an earlier step scored this
        same text, else computed."""
        meta = doc.metadata
        if meta.get("detector_scored_chars") == len(doc.text or "") and "detector_spans" in meta:
            spans = [Span(s["start"], s["end"], s["label"], s["score"]) for s in meta["detector_spans"]]
            return Cleaned(text=doc.text, score=meta.get("detector_score"), label=meta.get("detector_label"),
                           spans=spans, error=meta.get("detector_error"))
        c = clean_document(self.detector, doc.text, kind=self.kind, name=str(doc.id), cut=())
        meta["detector_score"] = c.score
        meta["detector_label"] = c.label
        meta["detector_spans"] = c.spans_json()
        meta["detector_error"] = c.error
        if c.in_text:  # its spans index doc.text: a later step may reuse them while the text is unchanged
            meta["detector_scored_chars"] = len(doc.text or "")
        return c


class SponsoredFilter(_Scores, BaseFilter):
    """Drop documents whose main content is sponsored (page score ≥ ``threshold``, by default the model's)."""

    name = "💸 detector: sponsored pages"

    def __init__(self, threshold: float | None = None, *, model: str | None = None, trust: bool = False,
                 kind: str | None = None, exclusion_writer: Any = None) -> None:
        super().__init__(exclusion_writer=exclusion_writer)
        self._setup(model, trust, kind)
        self.threshold = threshold

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        c = self.scored(doc)
        if c.error is not None or c.score is None:
            self.stat_update("detector_error")
            return True
        threshold = self.detector.threshold if self.threshold is None else self.threshold
        return (False, "sponsored") if c.score >= threshold else True


class DisclosureCutter(_Scores, PipelineStep):
    """Cut the blocks labelled ``cut`` (sponsored, affiliate, disclaimer and boilerplate by default) out of
    ``doc.text``; a document whose text would become empty is dropped (counted as ``emptied``)."""

    name = "✂️ detector: cut notices and boilerplate"
    type = "✂️ - FORMAT"

    def __init__(self, cut: tuple[str, ...] | list[str] = CUT_LABELS, *, model: str | None = None,
                 trust: bool = False, kind: str | None = None, keep_empty: bool = False) -> None:
        super().__init__()
        self._setup(model, trust, kind)
        self.cut = tuple(cut)
        self.keep_empty = keep_empty

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                c = self.scored(doc)
                if c.error is None:
                    spans = [(s.start, s.end) for s in c.spans if s.label in self.cut and s.start >= 0]
                    if spans or not c.in_text:  # HTML or Markdown: its visible text, cut
                        doc.text = cut_spans(doc.text if c.in_text else c.text, spans)
                        doc.metadata.pop("detector_scored_chars", None)  # the spans index the text as it was
                        self.stat_update("cut", value=len(spans))
            if not doc.text.strip() and not self.keep_empty:
                self.stat_update("emptied")
                continue
            yield doc
