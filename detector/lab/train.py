"""Train a model on a labelled corpus: blocks first, then the page scorer on out-of-fold evidence.

The corpus is split by ``source`` so that no site is in both train and test; the test split gives the
metrics written into the model's metadata.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold

from ..features import BlockFeatures, BlockRow, gate_proba, row_cues, rows_for_page
from ..io import InputError, read_input
from ..labels import CLASSES
from ..model import BlockClassifier, DetectorModel, PageScorer
from ..pagefeatures import PAGE_FEATURE_NAMES, page_features
from .corpus import IGNORE, LabelledPage, block_targets, corpus_hash, load_corpora
from .trainrows import (
    chrome_reference,
    fragment_rows,
    junk_rows,
    noisy_notice_rows,
    reference_chrome,
    reference_main_text,
    unlabelled_chrome_kept,
)

__all__ = ["TrainOptions", "train", "prepare_page", "prepare_pages", "training_set", "fit_model", "site_groups",
           "split_by_site", "held_out", "page_evidence"]

log = logging.getLogger(__name__)

# The internal classes in scikit-learn's order (sorted), whatever classes a fold happens to hold.
_ALL = tuple(sorted(CLASSES))


@dataclass(frozen=True)
class TrainOptions:
    seed: int = 0
    test_share: float = 0.2  # share of sources held out for the test split
    # Chosen on ../shared/realdev (development pages, never trained on): see the README's model notes.
    C: float = 1.0
    text_weight: float = 1.0
    layout_weight: float = 0.3
    context_weight: float = 0.5
    char_weight: float = 1.0
    binary_words: bool = True
    class_weight_power: float = 1.0
    # folds (by site) for the out-of-fold block evidence the page scorer learns from. Five, so that the
    # block classifiers that make it see 80 % of the pages, as the shipped one sees all: with three (67 %)
    # the evidence was weaker than at scoring time, and on cross-validation by site the page recall was
    # 0.790 (0.849 with five, the precision 0.972 and 0.973).
    folds: int = 5
    max_iter: int = 300
    # A block is sponsored only when p(sponsored) reaches this (else its runner-up label). Chosen with
    # cue_negative_weight on cross-validation by site (detector crossval): at 0.8, 0.4 % of the pages
    # without a notice get a sponsored block and 80 % of the notices are found (0.9: 0.3 % and 78 %;
    # 0.75: 0.5 % and 81 %; without the weight, 0.85: 1.9 % and 81 %).
    sponsored_block_threshold: float = 0.8
    cue_negative_weight: float = 5.0  # weight of a training row that holds a sponsorship cue but is no notice
    threshold: float | None = None  # page threshold; None: chosen on out-of-fold scores (see _choose_threshold)
    n_jobs: int = 1
    limit: int | None = None  # use only the first N pages (quick runs and tests)
    crossval_folds: int = 0  # > 0: also cross-validate by site on the same corpora; the result goes into the metadata


@dataclass
class Prepared:
    page: LabelledPage
    rows: list[BlockRow] = field(default_factory=list)  # training rows (ignored blocks out, fragments in)
    targets: list[str] = field(default_factory=list)
    page_rows: list[BlockRow] = field(default_factory=list)  # the page's own blocks and units, as scored
    error: str | None = None


def prepare_page(lp: LabelledPage) -> Prepared:
    """Read, segment and label the blocks (and units) of one labelled page."""
    from ..segment import segment

    try:
        raw = read_input(lp.path)
        page = segment(raw)
    except InputError as err:
        return Prepared(lp, error=str(err))
    items = list(page.blocks) + list(page.units)
    rows, targets = rows_for_page(page), block_targets(lp, items)
    seed = zlib.crc32(lp.id.encode())
    extra = fragment_rows(rows, targets, seed=seed) + junk_rows(rows, seed=seed)
    noisy, noisy_targets = noisy_notice_rows(rows, targets, seed=seed)
    keep = [k for k, t in enumerate(targets) if t != IGNORE]
    if not lp.chrome_labelled:
        main = reference_main_text(raw, page) if page.kind == "html" else None
        if main is not None:
            keep, targets = reference_chrome(rows, targets, keep, main, seed)
        else:
            keep = unlabelled_chrome_kept(rows, targets, keep, seed)
    return Prepared(
        lp,
        rows=[rows[k] for k in keep] + extra + noisy,
        targets=[targets[k] for k in keep] + ["editorial"] * len(extra) + noisy_targets,
        page_rows=rows,
    )


# Share of sponsored pages expected in a crawl: 1.4 %, as measured on ../shared/realdev (115 of 8,488
# pages); data/ holds about 27 %.
DEPLOYMENT_PREVALENCE = 0.014


def _choose_threshold(y: np.ndarray, p: np.ndarray, prevalence: float = DEPLOYMENT_PREVALENCE) -> float:
    """The page threshold with the best F1 on out-of-fold scores, at the prevalence of a real crawl.

    Our corpus holds far more sponsored pages than a crawl does; negatives are weighted up so that
    precision is what it would be at ``prevalence``. Probabilities are left as they are.
    """
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if n_pos == 0 or n_neg == 0:
        return 0.5
    w_neg = (1 - prevalence) / prevalence * n_pos / n_neg
    best_t, best_f = 0.5, -1.0
    for t in np.unique(np.round(p, 3)):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        if tp == 0:
            continue
        fp = float((pred & (y == 0)).sum()) * w_neg
        prec, rec = tp / (tp + fp), tp / n_pos
        f = 2 * prec * rec / (prec + rec)
        if f > best_f or (f == best_f and t > best_t):
            best_t, best_f = float(t), f
    return round(best_t, 3)


@dataclass
class TrainingSet:
    """Prepared pages and their feature matrices, made once and sliced by page for each model fitted."""

    prepared: list[Prepared]
    feats: BlockFeatures
    M: sp.csr_matrix  # training rows (ignored blocks out, fragments and noisy copies in)
    y: np.ndarray
    owner: np.ndarray  # the page (index into ``prepared``) of each training row
    M_page: sp.csr_matrix  # every block and unit each page is scored on
    page_owner: np.ndarray
    sites: np.ndarray  # each prepared page's site (:func:`site_groups`)
    cued: np.ndarray  # whether each training row holds a sponsorship cue (a candidate for "sponsored")


def site_groups(pages: Sequence[LabelledPage]) -> list[str]:
    """Each page's site, the unit kept whole on one side of every split.

    The registered domain of the page's URL; a page without one takes its source's site when the
    source's other pages nearly all share one (a magazine's archive), else its ``source``.
    """
    by_source: dict[str, dict[str, int]] = {}
    for p in pages:
        if p.url:
            c = by_source.setdefault(p.source, {})
            c[p.site] = c.get(p.site, 0) + 1
    main: dict[str, str] = {}
    for src, counts in by_source.items():
        site, n = max(counts.items(), key=lambda kv: kv[1])
        if n >= 0.9 * sum(counts.values()):
            main[src] = site
    return [p.site if p.url else main.get(p.source, p.source) for p in pages]


def prepare_pages(pages: Sequence[LabelledPage], n_jobs: int = 1) -> list[Prepared]:
    """Every readable page prepared for training (unreadable ones logged and left out)."""
    prepared = Parallel(n_jobs=n_jobs, batch_size=16)(delayed(prepare_page)(p) for p in pages)
    for p in prepared:
        if p.error:
            log.warning("skipping %s: %s", p.page.id, p.error)
    return [p for p in prepared if not p.error and p.rows]


def training_set(prepared: list[Prepared], options: TrainOptions) -> TrainingSet:
    feats = BlockFeatures(
        text_weight=options.text_weight, layout_weight=options.layout_weight, context_weight=options.context_weight,
        char_weight=options.char_weight, binary_words=options.binary_words,
    ).fit([])
    rows = [r for p in prepared for r in p.rows]
    y = np.array([t for p in prepared for t in p.targets])
    owner = np.concatenate([np.full(len(p.rows), k) for k, p in enumerate(prepared)])
    page_owner = np.concatenate([np.full(len(p.page_rows), k) for k, p in enumerate(prepared)])
    return TrainingSet(prepared, feats, feats.transform(rows), y, owner,
                       feats.transform([r for p in prepared for r in p.page_rows]), page_owner,
                       np.array(site_groups([p.page for p in prepared])), row_cues(rows)[:, 0] > 0)


def page_evidence(ts: TrainingSet, clf: BlockClassifier, ks: np.ndarray) -> np.ndarray:
    """The page features (:func:`pagefeatures.page_features`) of pages ``ks`` under block classifier ``clf``."""
    ks = np.asarray(ks, dtype=np.int64)
    out = np.zeros((len(ks), len(PAGE_FEATURE_NAMES)))
    if not len(ks):
        return out
    prepared = ts.prepared
    pmask = np.isin(ts.page_owner, ks)
    proba = _align_proba(clf, ts.M_page[pmask], [r for k in np.unique(ks) for r in prepared[k].page_rows])
    owners = ts.page_owner[pmask]
    for j, k in enumerate(ks):
        out[j] = page_features(proba[owners == k], prepared[k].page_rows, list(_ALL))
    return out


def cue_negative_weights(ts: TrainingSet, rmask: np.ndarray, weight: float) -> np.ndarray | None:
    """Sample weights of the rows ``rmask``: ``weight`` for a row that holds a sponsorship cue but is no
    sponsored notice ("the senator sponsored the bill", a menu's "Advertise"), 1 for the rest.

    Only rows with a cue can be called sponsored (the gate), so these are the negatives that matter, and
    the class weights alone let the rare notices outweigh them many times over.
    """
    if weight == 1.0:
        return None
    y, cued = ts.y[rmask], ts.cued[rmask]
    w = np.ones(len(y))
    w[cued & (y != "sponsored") & (y != "sponsored_other")] = weight
    return w


def fit_model(ts: TrainingSet, pages: Sequence[int] | None, options: TrainOptions,
              evidence: dict | None = None) -> DetectorModel:
    """A model fitted on the pages ``pages`` (indices into ``ts.prepared``; None: all of them).

    The block classifier is fitted on their blocks; the page scorer on their page features, computed
    from out-of-fold block probabilities (folds by site), so that it learns from evidence as it looks
    on sites the block classifier never saw. The page threshold is chosen on the same out-of-fold scores.
    """
    idx = np.arange(len(ts.prepared)) if pages is None else np.asarray(pages, dtype=np.int64)
    prepared, feats = ts.prepared, ts.feats

    def new_clf() -> BlockClassifier:
        return BlockClassifier(C=options.C, class_weight_power=options.class_weight_power, max_iter=options.max_iter)

    def fit_blocks(on: np.ndarray) -> BlockClassifier:
        rmask = np.isin(ts.owner, on)
        return new_clf().fit_matrix(ts.M[rmask], ts.y[rmask], feats,
                                    sample_weight=cue_negative_weights(ts, rmask, options.cue_negative_weight))

    groups = ts.sites[idx]
    page_y = np.array([1 if prepared[k].page.page == "sponsored" else 0 for k in idx])
    X_page = np.zeros((len(idx), len(PAGE_FEATURE_NAMES)))
    n_groups = len(set(groups.tolist()))
    if n_groups >= 2:
        for fold_train, fold_test in GroupKFold(n_splits=min(options.folds, n_groups)).split(idx, page_y, groups):
            X_page[fold_test] = page_evidence(ts, fit_blocks(idx[fold_train]), idx[fold_test])
    blocks = fit_blocks(idx)
    if n_groups < 2:
        X_page[:] = page_evidence(ts, blocks, idx)
    keep = np.array([prepared[k].page.page != "excluded" for k in idx])
    page_model = PageScorer().fit(X_page[keep], page_y[keep])
    if evidence is not None:  # the out-of-fold page features, for experiments with the page scorer
        evidence.update(X=X_page[keep], y=page_y[keep], groups=groups[keep])
    oof = page_model.predict_proba(X_page[keep])[:, 1]
    threshold = options.threshold if options.threshold is not None else _choose_threshold(page_y[keep], oof)
    log.info("%d pages, %d sites: threshold %.3f", len(idx), n_groups, threshold)
    return DetectorModel(blocks=blocks, page=page_model, threshold=threshold,
                         sponsored_block_threshold=options.sponsored_block_threshold)


def _corpus_list(corpus: str | Path | Sequence[str | Path]) -> list[Path]:
    return [Path(corpus)] if isinstance(corpus, (str, Path)) else [Path(c) for c in corpus]


def train(corpus: str | Path | Sequence[str | Path],
          options: TrainOptions = TrainOptions()) -> tuple[DetectorModel, dict]:
    """Train on one corpus folder or several; returns the model (not yet saved) and a report with test metrics.

    With ``options.test_share`` above 0, that share of the sites is held out and measured; with 0 every
    page is trained on (measure such a model by :func:`detector.lab.crossval.cross_validate`).
    """
    from ..score import Detector
    from .card import grouped_metrics
    from .evaluate import evaluate_pages

    t0 = time.time()
    folders = _corpus_list(corpus)
    pages = load_corpora(folders)
    if options.limit:
        pages = pages[: options.limit]
    train_idx, test_idx = split_by_site(pages, options.test_share, options.seed)
    reference = chrome_reference()
    if reference is None and not all(p.chrome_labelled for p in pages):
        log.warning("trafilatura is not installed (pip install 'detector[train]'): the chrome of pages without "
                    "boilerplate labels is left out of training instead of labelled")
    prepared = prepare_pages([pages[i] for i in train_idx], options.n_jobs)
    if not prepared:
        raise ValueError(f"{', '.join(map(str, folders))}: no readable training pages")
    ts = training_set(prepared, options)
    log.info("features: %d rows x %d columns (%.1fs)", ts.M.shape[0], ts.M.shape[1], time.time() - t0)
    model = fit_model(ts, None, options)
    log.info("trained in %.1fs; threshold %.3f", time.time() - t0, model.threshold)

    report: dict = {
        "train_pages": len(prepared),
        "train_blocks": int(ts.M.shape[0]),
        "skipped_pages": len(train_idx) - len(prepared),
        "test_pages": len(test_idx),
        "train_sources": sorted({p.page.source for p in prepared}),
        "test_sources": sorted({pages[i].source for i in test_idx}),
        "test_sites": sorted(set(site_groups([pages[i] for i in test_idx]))),
        "seconds": round(time.time() - t0, 1),
    }
    if test_idx:
        result = evaluate_pages(Detector(model), [pages[i] for i in test_idx], n_jobs=options.n_jobs)
        report["test_metrics"] = result.metrics
        report["test_metrics_by"] = grouped_metrics(result.pages, model.threshold)  # for MODEL_CARD.md
    hashes = [corpus_hash(f) for f in folders]  # each corpus read once (realdev: 9,000 files)
    model.metadata = {
        "training_data": {
            "corpus": " + ".join(f.name for f in folders),
            "corpora": [{"name": f.name, "sha256": h, "pages": sum(p.path.is_relative_to(f) for p in pages)}
                        for f, h in zip(folders, hashes)],
            "sha256": hashes[0] if len(hashes) == 1 else hashlib.sha256("".join(hashes).encode()).hexdigest(),
            "pages": len(pages),
            "split": "by site",
            "test_share": options.test_share,
            "chrome_reference": reference,
        },
        "seed": options.seed,
        "options": {k: v for k, v in options.__dict__.items() if k not in ("n_jobs", "crossval_folds")},
        "metrics": {
            "data_test": report.get("test_metrics", {}),
            **{f"data_test_{k}": v for k, v in report.get("test_metrics_by", {}).items()},
        },
        "report": {k: v for k, v in report.items() if k not in ("test_metrics", "test_metrics_by")},
    }
    if options.crossval_folds:
        from .crossval import cross_validate

        cv = cross_validate(folders, folds=options.crossval_folds, options=options, n_jobs=options.n_jobs,
                            limit=options.limit)
        model.metadata["crossval"] = report["crossval"] = cv.summary()
    return model, report


def held_out(pages: Sequence[LabelledPage], report: dict) -> list[LabelledPage]:
    """The pages of a training report's test split (its held-out sites; its sources for older models)."""
    if "test_sites" in report:
        sites = set(report["test_sites"])
        return [p for p, g in zip(pages, site_groups(pages)) if g in sites]
    sources = set(report.get("test_sources", []))
    return [p for p in pages if p.source in sources]


def split_by_site(pages: Sequence[LabelledPage], test_share: float = 0.2, seed: int = 0) -> tuple[list[int], list[int]]:
    """Indices of train and test pages; every site (:func:`site_groups`) lies wholly on one side."""
    if test_share <= 0:
        return list(range(len(pages))), []
    groups = site_groups(pages)
    sites = sorted(set(groups))
    rng = np.random.default_rng(seed)
    rng.shuffle(sites)
    n_test = max(1, round(len(sites) * test_share)) if len(sites) > 1 else 0
    test_sites = set(sites[:n_test])
    kept = [i for i, g in enumerate(groups) if g not in test_sites]
    return kept, [i for i, g in enumerate(groups) if g in test_sites]


def _align_proba(clf: BlockClassifier, M: sp.csr_matrix, rows: Sequence[BlockRow]) -> np.ndarray:
    """Gated probabilities in the fixed class order ``_ALL`` (a fold may lack a class)."""
    p = gate_proba(clf.predict_proba_matrix(M), rows, clf.classes_)
    out = np.zeros((M.shape[0], len(_ALL)))
    for j, c in enumerate(clf.classes_):
        out[:, _ALL.index(str(c))] = p[:, j]
    return out
