"""Cross-validation grouped by site: how the detector does on sites it never saw.

Every page of the corpora is scored by a model trained without any page of its site (the registered
domain of its URL, see :func:`detector.lab.train.site_groups`), its page threshold and page scorer chosen
without them too. That is the figure that predicts a new crawl; scores on pages a model was trained or
tuned on are not. The keyword list of :mod:`detector.lab.baselines` is measured on the same pages.

Results come per row (one row per corpus, and per source for a corpus of a few sources) and pooled.
"""

from __future__ import annotations

import json
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

__all__ = ["CVResult", "cross_validate", "format_cv", "rescore_folds", "save_folds"]

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
    corpora: list[str] = field(default_factory=list)  # the corpora's folders
    page_paths: list[str] = field(default_factory=list)  # each page's file, in the order of the outcomes

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


def _load(corpora: Sequence[str | Path], limit: int | None) -> tuple[list[LabelledPage], list[str]]:
    """The pages of ``corpora`` in order (every k-th, ``limit`` in all, when given) and each one's row."""
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
    return pages, _rows(pages, corpus_of)


def _score_held_out(folds: Sequence[tuple[Any, Sequence[int]]], pages: Sequence[LabelledPage], n_jobs: int
                    ) -> tuple[list[PageOutcome], list[PageOutcome]]:
    """Every page scored by the model of the fold that holds it out (pairs of a model and page indices),
    and by the keyword list."""
    detector: list[PageOutcome | None] = [None] * len(pages)
    keyword: list[PageOutcome | None] = [None] * len(pages)
    for model, held_out in folds:
        te = np.asarray(held_out, dtype=np.int64)
        chunks = np.array_split(te, max(1, min(n_jobs, len(te))))
        got = Parallel(n_jobs=n_jobs)(delayed(_score_fold)(model, [pages[i] for i in ch]) for ch in chunks)
        for ch, res in zip(chunks, got):
            for i, (d, k) in zip(ch, res):
                detector[i], keyword[i] = d, k
    if any(o is None for o in detector):
        raise ValueError(f"{sum(o is None for o in detector)} pages are held out by no fold")
    for k in keyword:
        assert k is not None
        k.label = "sponsored" if (k.score or 0) >= KEYWORD_THRESHOLD else "editorial"
    return detector, keyword  # type: ignore[return-value]


def cross_validate(
    corpora: Sequence[str | Path], *, folds: int = 5, options: TrainOptions = TrainOptions(), n_jobs: int = 1,
    limit: int | None = None,
) -> CVResult:
    """Score every page of ``corpora`` with a model that never saw its site (``folds`` folds by site)."""
    t0 = time.time()
    pages, rows = _load(corpora, limit)
    prepared = prepare_pages(pages, n_jobs)
    ts = training_set(prepared, options)
    log.info("%d pages prepared, %d training rows (%.0fs)", len(prepared), ts.M.shape[0], time.time() - t0)
    groups = np.array(site_groups(pages))  # of every page, prepared or not (a fold's held-out sites)
    index_of = {str(p.page.path): k for k, p in enumerate(prepared)}
    prep_of_page = np.array([index_of.get(str(p.path), -1) for p in pages])
    evidence: list[dict] = []
    n_folds = min(folds, len(set(groups.tolist())))
    for f, (tr, te) in enumerate(GroupKFold(n_splits=n_folds).split(np.zeros(len(pages)), groups=groups)):
        train_k = prep_of_page[tr]
        ev: dict = {}
        model = fit_model(ts, train_k[train_k >= 0], options, evidence=ev)
        test_k = prep_of_page[te]
        ev["test"] = te[test_k >= 0]
        ev["X_test"] = page_evidence(ts, model.blocks, test_k[test_k >= 0])
        ev["held_out"], ev["model"] = te, model  # to score the held-out pages again (see save_folds)
        evidence.append(ev)
        log.info("fold %d/%d: %d held-out pages of %d sites, threshold %.3f (%.0fs)", f + 1, n_folds, len(te),
                 len(set(groups[te].tolist())), model.threshold, time.time() - t0)
    detector, keyword = _score_held_out([(ev["model"], ev["held_out"]) for ev in evidence], pages, n_jobs)
    return CVResult(detector=detector, keyword=keyword, rows=rows, folds=n_folds,
                    thresholds=[ev["model"].threshold for ev in evidence], seconds=time.time() - t0,
                    evidence=evidence, corpora=[str(Path(c).resolve()) for c in corpora],
                    page_paths=[str(p.path) for p in pages])


FOLDS_FILE = "folds.json"
FOLDS_FORMAT = "detector-crossval-folds/1"


def save_folds(result: CVResult, folder: str | Path) -> Path:
    """Write the fold models of ``result`` (a model folder each) and the pages each one held out.

    :func:`rescore_folds` then scores the held-out pages again with the code as it is now, in a minute
    instead of the hour that training takes: how a change to segmenting, to the cue words or to the
    revisions made after the model does on sites never seen. A change to the features or to training
    needs a new cross-validation.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folds = []
    for f, ev in enumerate(result.evidence, 1):
        name = f"fold-{f}"
        ev["model"].metadata.update(crossval_fold=f, crossval_corpora=result.corpora)
        ev["model"].save(folder / name, force=True)
        # absolute, as the corpora are: the folder is read again from any working directory
        folds.append({"model": name, "held_out": [str(Path(result.page_paths[i]).resolve()) for i in ev["held_out"]]})
    index = {"format": FOLDS_FORMAT, "corpora": result.corpora, "folds": folds}
    tmp = folder / (FOLDS_FILE + ".tmp")
    tmp.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    tmp.replace(folder / FOLDS_FILE)
    return folder


def rescore_folds(folder: str | Path, *, n_jobs: int = 1, trust: bool = False) -> CVResult:
    """Score again, with the code as it is now, the pages each fold model in ``folder`` held out.

    ``folder`` was written by :func:`save_folds`. Its models are unpickled: ``trust=True`` says it is a
    folder you made. Pages are found by path in the corpora the cross-validation read; a page added to
    them since is left out (no fold model is blind to its site), a page gone from them is an error.
    """
    from ..model import DetectorModel

    t0 = time.time()
    folder = Path(folder)
    try:
        index = json.loads((folder / FOLDS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{folder}: no fold models ({err})") from None
    if not isinstance(index, dict) or index.get("format") != FOLDS_FORMAT:
        raise ValueError(f"{folder / FOLDS_FILE} was not written by detector crossval --save-folds")
    pages, rows = _load(index["corpora"], None)
    where = {str(Path(p.path).resolve()): i for i, p in enumerate(pages)}
    held: list[tuple[str, list[int]]] = []
    for fold in index["folds"]:
        held_out = [str(Path(p).resolve()) for p in fold["held_out"]]
        gone = [p for p in held_out if p not in where]
        if gone:
            raise ValueError(f"{folder / fold['model']}: {len(gone)} of its held-out pages are no longer in the "
                             f"corpora (first: {gone[0]})")
        held.append((fold["model"], [where[p] for p in held_out]))
    keep = sorted(i for _, te in held for i in te)
    if len(keep) < len(pages):
        log.warning("%d pages added to the corpora since the cross-validation are left out", len(pages) - len(keep))
    renumber = {old: new for new, old in enumerate(keep)}
    folds = [(DetectorModel.load(folder / name, trust=trust), [renumber[i] for i in te]) for name, te in held]
    pages, rows = [pages[i] for i in keep], [rows[i] for i in keep]
    detector, keyword = _score_held_out(folds, pages, n_jobs)
    return CVResult(detector=detector, keyword=keyword, rows=rows, folds=len(folds),
                    thresholds=[float(m.threshold) for m, _ in folds], seconds=time.time() - t0,
                    corpora=list(index["corpora"]), page_paths=[str(p.path) for p in pages])


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
