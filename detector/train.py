"""Train a model on a labelled corpus: blocks first, then the page scorer on out-of-fold evidence.

The corpus is split by ``source`` so that no site is in both train and test; the test split gives the
metrics written into the model's metadata.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold

from .corpus import LabelledPage, block_targets, corpus_hash, load_corpus, split_by_source
from .features import BlockFeatures, BlockRow, page_features, rows_for_page
from .io import InputError, read_input
from .model import BlockClassifier, DetectorModel, PageScorer

__all__ = ["TrainOptions", "train", "prepare_page"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainOptions:
    seed: int = 0
    test_share: float = 0.2  # share of sources held out for the test split
    C: float = 4.0
    class_weight_power: float = 0.5
    folds: int = 3  # folds (by source) for the out-of-fold block evidence the page scorer learns from
    max_iter: int = 300
    sponsored_block_threshold: float = 0.5
    n_jobs: int = 1
    limit: int | None = None  # use only the first N pages (quick runs and tests)


@dataclass
class Prepared:
    page: LabelledPage
    rows: list[BlockRow] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    error: str | None = None


def prepare_page(lp: LabelledPage) -> Prepared:
    """Read, segment and label the blocks (and units) of one labelled page."""
    from .segment import segment

    try:
        page = segment(read_input(lp.path))
    except InputError as err:
        return Prepared(lp, error=str(err))
    items = list(page.blocks) + list(page.units)
    return Prepared(lp, rows=rows_for_page(page), targets=block_targets(lp, items))


def _choose_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The page threshold with the best F1 on out-of-fold scores (0.5 when there is nothing to learn)."""
    if y.sum() == 0 or y.sum() == len(y):
        return 0.5
    best_t, best_f = 0.5, -1.0
    for t in np.unique(np.round(p, 3)):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        if tp == 0:
            continue
        prec, rec = tp / pred.sum(), tp / (y == 1).sum()
        f = 2 * prec * rec / (prec + rec)
        if f > best_f or (f == best_f and t > best_t):
            best_t, best_f = float(t), f
    return round(best_t, 3)


def train(corpus: str | Path, options: TrainOptions = TrainOptions()) -> tuple[DetectorModel, dict]:
    """Train on ``corpus``; returns the model (not yet saved) and a report with test metrics."""
    from .evaluate import evaluate_pages
    from .score import Detector

    t0 = time.time()
    pages = load_corpus(corpus)
    if options.limit:
        pages = pages[: options.limit]
    train_idx, test_idx = split_by_source(pages, options.test_share, options.seed)
    prepared = Parallel(n_jobs=options.n_jobs)(delayed(prepare_page)(pages[i]) for i in train_idx)
    bad = [p for p in prepared if p.error]
    for p in bad:
        log.warning("skipping %s: %s", p.page.id, p.error)
    prepared = [p for p in prepared if not p.error and p.rows]
    if not prepared:
        raise ValueError(f"{corpus}: no readable training pages")

    feats = BlockFeatures().fit([])
    rows = [r for p in prepared for r in p.rows]
    y = np.array([t for p in prepared for t in p.targets])
    owner = np.concatenate([np.full(len(p.rows), k) for k, p in enumerate(prepared)])
    M = feats.transform(rows)
    log.info("features: %d rows x %d columns (%.1fs)", M.shape[0], M.shape[1], time.time() - t0)

    def new_clf() -> BlockClassifier:
        return BlockClassifier(C=options.C, class_weight_power=options.class_weight_power, max_iter=options.max_iter)

    # Out-of-fold block probabilities, by source, for the page scorer.
    groups = np.array([p.page.source for p in prepared])
    page_y = np.array([1 if p.page.page == "sponsored" else 0 for p in prepared])
    n_groups = len(set(groups))
    X_page = np.zeros((len(prepared), len(page_features(np.zeros((0, 6)), [], []))))
    if n_groups >= 2:
        folds = GroupKFold(n_splits=min(options.folds, n_groups))
        for fold_train, fold_test in folds.split(np.zeros(len(prepared)), page_y, groups):
            rmask = np.isin(owner, fold_train)
            clf = new_clf().fit_matrix(M[rmask], y[rmask], feats)
            for k in fold_test:
                sel = owner == k
                proba = _align_proba(clf, M[sel], clf.classes_)
                X_page[k] = page_features(proba, prepared[k].rows, list(_ALL))
    blocks = new_clf().fit_matrix(M, y, feats)
    if n_groups < 2:
        for k, p in enumerate(prepared):
            X_page[k] = page_features(_align_proba(blocks, M[owner == k], blocks.classes_), p.rows, list(_ALL))
    keep = np.array([p.page.page != "excluded" for p in prepared])
    page_model = PageScorer().fit(X_page[keep], page_y[keep])
    oof = page_model.predict_proba(X_page[keep])[:, 1]
    threshold = _choose_threshold(page_y[keep], oof)
    log.info("trained in %.1fs; threshold %.3f", time.time() - t0, threshold)

    model = DetectorModel(
        blocks=blocks, page=page_model, threshold=threshold,
        sponsored_block_threshold=options.sponsored_block_threshold,
    )
    report: dict = {
        "train_pages": len(prepared),
        "train_blocks": int(M.shape[0]),
        "skipped_pages": len(bad),
        "test_pages": len(test_idx),
        "train_sources": sorted(set(groups.tolist())),
        "test_sources": sorted({pages[i].source for i in test_idx}),
        "seconds": round(time.time() - t0, 1),
    }
    if test_idx:
        result = evaluate_pages(Detector(model), [pages[i] for i in test_idx], n_jobs=options.n_jobs)
        report["test_metrics"] = result.metrics
    model.metadata = {
        "training_data": {
            "corpus": Path(corpus).name,
            "sha256": corpus_hash(corpus),
            "pages": len(pages),
            "split": "by source",
            "test_share": options.test_share,
        },
        "seed": options.seed,
        "options": {k: v for k, v in options.__dict__.items() if k != "n_jobs"},
        "metrics": {"data_test": report.get("test_metrics", {})},
        "report": {k: v for k, v in report.items() if k != "test_metrics"},
    }
    return model, report


_ALL = ("affiliate", "boilerplate", "disclaimer", "editorial", "sponsored", "sponsored_other")


def _align_proba(clf: BlockClassifier, M: sp.csr_matrix, classes: Sequence[str]) -> np.ndarray:
    """Probabilities in the fixed class order ``_ALL`` (a fold may lack a class)."""
    p = clf.predict_proba_matrix(M)
    out = np.zeros((M.shape[0], len(_ALL)))
    for j, c in enumerate(classes):
        out[:, _ALL.index(str(c))] = p[:, j]
    return out
