"""Cross-validation grouped by site: how the detector does on sites it never saw.

Every page of the corpora is scored by a model trained without any page of its site (the registered
domain of its URL, see :func:`detector.lab.train.site_groups`), its page threshold and page scorer chosen
without them too. That is the figure that predicts a new crawl; scores on pages a model was trained or
tuned on are not. The keyword list of :mod:`detector.lab.baselines` is measured on the same pages.

Results come per row (one row per corpus, and per source for a corpus of a few sources) and pooled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold

from .baselines import KEYWORD_THRESHOLD
from .corpus import LabelledPage, load_corpus
from .evaluate import PageOutcome, compute_metrics
from .train import TrainOptions, fit_model, page_evidence, prepare_pages, site_groups, training_set

__all__ = ["CVResult", "cross_validate", "format_cv"]

log = logging.getLogger(__name__)

MAX_SOURCES_PER_ROW = 20  # a corpus of more sources than this (our own data/) is one row

@dataclass
class CVResult:
    """Held-out outcomes of every page, under the detector and the keyword list."""

    detector: list[PageOutcome]
    keyword: list[PageOutcome]
    rows: list[str]  # each page's row (corpus, or corpus/source)
    folds: int
    thresholds: list[float]
    seconds: float = 0.0
    # per fold: the page features of its training pages (out of fold) and of its held-out pages, the
    # held-out pages (indices) and the fold's model
    evidence: list[dict] = field(default_factory=list)

    def metrics(self, which: str = "detector", row: str | None = None) -> dict[str, Any]:
        outcomes = self.detector if which == "detector" else self.keyword
        pick = [o for o, r in zip(outcomes, self.rows) if row is None or r == row]
        return compute_metrics(pick, threshold=None)

    def summary(self) -> dict[str, Any]:
        rows = sorted(set(self.rows), key=lambda r: (-self.rows.count(r), r))
        return {
            "folds": self.folds,
            "thresholds": self.thresholds,
            "seconds": round(self.seconds, 1),
            "pooled": {"detector": self.metrics(), "keyword": self.metrics("keyword")},
            "rows": {r: {"detector": self.metrics(row=r), "keyword": self.metrics("keyword", row=r)} for r in rows},
        }


def _rows(pages: Sequence[LabelledPage], corpus_of: Sequence[str]) -> list[str]:
    sources: dict[str, set[str]] = {}
    for p, c in zip(pages, corpus_of):
        sources.setdefault(c, set()).add(p.source)
    return [c if len(sources[c]) > MAX_SOURCES_PER_ROW else f"{c}/{p.source}" for p, c in zip(pages, corpus_of)]


def _score_fold(model: Any, pages: Sequence[LabelledPage]) -> list[tuple[PageOutcome, PageOutcome]]:
    from ..score import Detector
    from .report import _record

    det = Detector(model)
    out = []
    for lp in pages:
        rec = _record(det, lp, True, False)
        assert rec.keyword is not None  # asked for (baselines=True)
        out.append((rec.outcome, rec.keyword))
    return out


def cross_validate(
    corpora: Sequence[str | Path], *, folds: int = 5, options: TrainOptions = TrainOptions(), n_jobs: int = 1,
    limit: int | None = None,
) -> CVResult:
    """Score every page of ``corpora`` with a model that never saw its site (``folds`` folds by site)."""
    t0 = time.time()
    pages: list[LabelledPage] = []
    corpus_of: list[str] = []
    for c in corpora:
        got = load_corpus(c)
        pages += got
        corpus_of += [Path(c).name] * len(got)
    if limit:
        step = max(1, len(pages) // limit)
        keep = list(range(0, len(pages), step))[:limit]
        pages, corpus_of = [pages[i] for i in keep], [corpus_of[i] for i in keep]
    rows = _rows(pages, corpus_of)
    prepared = prepare_pages(pages, n_jobs)
    ts = training_set(prepared, options)
    log.info("%d pages prepared, %d training rows (%.0fs)", len(prepared), ts.M.shape[0], time.time() - t0)
    groups = np.array(site_groups(pages))  # of every page, prepared or not (a fold's held-out sites)
    index_of = {str(p.page.path): k for k, p in enumerate(prepared)}
    prep_of_page = np.array([index_of.get(str(p.path), -1) for p in pages])
    detector: list[PageOutcome | None] = [None] * len(pages)
    keyword: list[PageOutcome | None] = [None] * len(pages)
    thresholds = []
    evidence: list[dict] = []
    n_folds = min(folds, len(set(groups.tolist())))
    for f, (tr, te) in enumerate(GroupKFold(n_splits=n_folds).split(np.zeros(len(pages)), groups=groups)):
        train_k = prep_of_page[tr]
        ev: dict = {}
        model = fit_model(ts, train_k[train_k >= 0], options, evidence=ev)
        thresholds.append(model.threshold)
        test_k = prep_of_page[te]
        ev["test"] = te[test_k >= 0]
        ev["X_test"] = page_evidence(ts, model.blocks, test_k[test_k >= 0])
        ev["held_out"], ev["model"] = te, model  # to score the held-out pages again (revisions of the score)
        evidence.append(ev)
        chunks = np.array_split(te, max(1, min(n_jobs, len(te))))
        got = Parallel(n_jobs=n_jobs)(delayed(_score_fold)(model, [pages[i] for i in ch]) for ch in chunks)
        for ch, res in zip(chunks, got):
            for i, (d, k) in zip(ch, res):
                detector[i], keyword[i] = d, k
        log.info("fold %d/%d: %d held-out pages of %d sites, threshold %.3f (%.0fs)", f + 1, n_folds, len(te),
                 len(set(groups[te].tolist())), model.threshold, time.time() - t0)
    for o, k in zip(detector, keyword):
        assert o is not None and k is not None
        k.label = "sponsored" if (k.score or 0) >= KEYWORD_THRESHOLD else "editorial"
    return CVResult(detector=detector, keyword=keyword, rows=rows, folds=n_folds,  # type: ignore[arg-type]
                    thresholds=thresholds, seconds=time.time() - t0, evidence=evidence)


def _pick(m: Any, path: str) -> Any:
    for k in path.split("."):
        if m is None:
            return None
        m = m.get(k)
    return m


def _fmt(v: Any) -> str:
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def format_cv(result: CVResult | dict[str, Any]) -> str:
    """The per-row table (detector vs keyword list) and the pooled row, as Markdown (of a result or its summary)."""
    s = result.summary() if isinstance(result, CVResult) else result
    cols = [("pages", "page.pages"), ("sponsored", "page.positives"), ("AP", "page.average_precision"),
            ("ROC AUC", "page.roc_auc"), ("precision", "page.precision"), ("recall", "page.recall"),
            ("FPR", "page.false_positive_rate"), ("sponsored notices", "spans.sponsored.share"),
            ("affiliate", "spans.affiliate.share"), ("disclaimers", "spans.disclaimer.share"),
            ("false sponsored blocks", "false_sponsored_blocks.share")]
    head = "| row | " + " | ".join(c for c, _ in cols) + " |"
    lines = [head, "|" + "---|" * (len(cols) + 1)]
    items = list(s["rows"].items()) + [("**pooled**", s["pooled"])]
    for name, m in items:
        cells = []
        for label, path in cols:
            d, k = _pick(m["detector"], path), _pick(m["keyword"], path)
            if label in ("pages", "sponsored"):
                cells.append(_fmt(d))
            else:
                cells.append(f"{_fmt(d)} ({_fmt(k)})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Each cell: detector (keyword list). {s['folds']} folds by site; page thresholds chosen inside "
                 f"each fold: {', '.join(f'{t:.3f}' for t in s['thresholds'])}. {s['seconds']:.0f} s.")
    return "\n".join(lines)
