"""Hugging Face ``datasets``: score (and clean) a text column with ``Dataset.map``.

    from datasets import load_dataset
    from detector.pipelines.hf import detect

    ds = load_dataset("json", data_files="docs.jsonl", split="train")
    ds = detect(ds, text_column="text", clean=True, num_proc=4)
    kept = ds.filter(lambda row: row["detector_label"] != "sponsored")

:func:`detect` adds ``detector_score``, ``detector_label``, ``detector_spans`` (``{start, end, label,
score}``, offsets into the original text) and ``detector_error``, and with ``clean=True``
``detector_text``: the text without the blocks labelled ``cut``. It works on a ``Dataset`` (in
``num_proc`` processes) and on a streamed ``IterableDataset`` alike. :class:`DetectorMap` is the
function it maps, for a ``map`` call of your own (``batched=True``); pass ``features=`` from
:meth:`DetectorMap.features` so that the columns keep their types whatever the first batch holds.
"""

from __future__ import annotations

from typing import Any

from ..clean import CUT_LABELS, LazyDetector, clean_document

__all__ = ["DetectorMap", "detect"]


class DetectorMap:
    """``batch -> columns`` for ``Dataset.map(batched=True)``: the detector's columns of each row."""

    def __init__(self, text_column: str = "text", *, kind: str | None = None, clean: bool = False,
                 cut: tuple[str, ...] | list[str] = CUT_LABELS, model: str | None = None,
                 trust: bool = False) -> None:
        self.text_column, self.kind, self.clean, self.cut = text_column, kind, clean, tuple(cut)
        self._lazy = LazyDetector(model, trust)

    @property
    def detector(self) -> Any:
        return self._lazy.get()

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        if self.text_column not in batch:
            raise KeyError(f"no column {self.text_column!r} (columns: {', '.join(batch)})")
        out: dict[str, list] = {"detector_score": [], "detector_label": [], "detector_spans": [],
                                "detector_error": []}
        if self.clean:
            out["detector_text"] = []
        for value in batch[self.text_column]:
            c = clean_document(self.detector, value, kind=self.kind, cut=self.cut)
            out["detector_score"].append(c.score)
            out["detector_label"].append(c.label)
            out["detector_spans"].append(c.spans_json())
            out["detector_error"].append(c.error)
            if self.clean:
                out["detector_text"].append(c.text if c.error is None else None)
        return out

    def features(self, base: Any = None) -> Any:
        """``datasets.Features`` of ``base`` (the dataset's own; may be None) plus the detector's columns."""
        from datasets import Features, List, Value

        span = {"start": Value("int64"), "end": Value("int64"), "label": Value("string"), "score": Value("float64")}
        added = {"detector_score": Value("float64"), "detector_label": Value("string"),
                 "detector_spans": List(span), "detector_error": Value("string")}
        if self.clean:
            added["detector_text"] = Value("string")
        return Features({**(dict(base) if base else {}), **added})


def detect(dataset: Any, text_column: str = "text", *, clean: bool = False, kind: str | None = None,
           cut: tuple[str, ...] | list[str] = CUT_LABELS, model: str | None = None, trust: bool = False,
           batch_size: int = 64, num_proc: int | None = None) -> Any:
    """``dataset`` with the detector's columns added (see the module's docstring)."""
    fn = DetectorMap(text_column, kind=kind, clean=clean, cut=cut, model=model, trust=trust)
    base = getattr(dataset, "features", None)
    kw: dict[str, Any] = {"batched": True, "batch_size": batch_size}
    if base is not None:
        kw["features"] = fn.features(base)
    if num_proc is not None:
        kw["num_proc"] = num_proc  # Dataset only: an IterableDataset is mapped as it is read
    return dataset.map(fn, **kw)
