"""A Scrapy item pipeline (``pip install 'detector[scrapy]'``): score each scraped page as it is crawled.

In the project's ``settings.py``::

    ITEM_PIPELINES = {"detector.pipelines.scrapy.DetectorPipeline": 300}
    DETECTOR_FIELD = "html"          # the item field holding the page (default: html)
    DETECTOR_KIND = "html"           # "html", "text" or "markdown" (default: guessed from the content)
    DETECTOR_ACTION = "tag"          # "tag": add the fields below; "drop": also drop sponsored items
    DETECTOR_THRESHOLD = None        # page score from which an item is sponsored (default: the model's)
    DETECTOR_CLEAN_FIELD = None      # e.g. "clean_text": the page's text without notices and boilerplate
    DETECTOR_CUT = ["sponsored", "affiliate", "disclaimer", "boilerplate"]   # what the clean text leaves out
    DETECTOR_MODEL = None            # a model folder of your own (trusted: you name it in your settings)

Each item gets ``detector_score``, ``detector_label``, ``detector_spans`` (``{start, end, label,
score}``) and ``detector_error`` (an item without the field, an empty or binary page: the item goes on).
Items may be dicts, or any item type ``itemadapter`` knows whose fields include these names. With
``DETECTOR_ACTION = "drop"``, an item whose page is sponsored is dropped (``DropItem``, counted in
Scrapy's stats as ``detector/dropped``).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from ..clean import CUT_LABELS, LazyDetector, clean_document

__all__ = ["DetectorPipeline"]

ACTIONS = ("tag", "drop")


class DetectorPipeline:
    def __init__(self, field: str = "html", *, kind: str | None = None, action: str = "tag",
                 threshold: float | None = None, clean_field: str | None = None,
                 cut: tuple[str, ...] | list[str] = CUT_LABELS, model: str | None = None, stats: Any = None) -> None:
        if action not in ACTIONS:
            raise NotConfigured(f"DETECTOR_ACTION must be one of {', '.join(ACTIONS)}, not {action!r}")
        bad = [c for c in cut if c not in CUT_LABELS]
        if bad:
            raise NotConfigured(f"DETECTOR_CUT: unknown label(s) {', '.join(bad)}")
        self.field, self.kind, self.action, self.threshold = field, kind, action, threshold
        self.clean_field, self.cut, self.stats = clean_field, tuple(cut), stats
        self._lazy = LazyDetector(model, trust=model is not None)

    @property
    def detector(self) -> Any:
        return self._lazy.get()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DetectorPipeline:
        s = crawler.settings
        threshold = s.get("DETECTOR_THRESHOLD")
        return cls(s.get("DETECTOR_FIELD", "html"), kind=s.get("DETECTOR_KIND"), action=s.get("DETECTOR_ACTION", "tag"),
                   threshold=None if threshold is None else float(threshold), clean_field=s.get("DETECTOR_CLEAN_FIELD"),
                   cut=s.getlist("DETECTOR_CUT") or CUT_LABELS, model=s.get("DETECTOR_MODEL"), stats=crawler.stats)

    def open_spider(self, spider: Any = None) -> None:
        self._lazy.get()  # a model that cannot load stops the crawl at its start, not at its first item

    def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        if self.field in adapter:
            c = clean_document(self.detector, adapter.get(self.field), kind=self.kind, name=str(adapter.get("url", "")),
                               cut=self.cut)
        else:
            c = clean_document(self.detector, None)
            c.error = f"the item has no field {self.field!r}"
        values = {"detector_score": c.score, "detector_label": c.label, "detector_spans": c.spans_json(),
                  "detector_error": c.error}
        if self.clean_field:
            values[self.clean_field] = c.text if c.error is None else None
        for key, value in values.items():
            try:
                adapter[key] = value
            except KeyError:
                raise KeyError(f"the item type {type(item).__name__} has no field {key!r}: declare it, or "
                               "yield dicts") from None
        self._count("scored" if c.error is None else "errors")
        if c.error is None and self.action == "drop":
            threshold = self.detector.threshold if self.threshold is None else self.threshold
            if c.score is not None and c.score >= threshold:
                self._count("dropped")
                raise DropItem(f"sponsored page (detector score {c.score:.3f} >= {threshold:.3f})")
        return item

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"detector/{key}")
