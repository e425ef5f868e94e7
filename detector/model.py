"""The model: a block classifier, a page scorer on the blocks' evidence, and how they are saved.

A saved model is a folder: ``model.pickle.zlib`` plus ``metadata.json``. What is in the folder and the
checks made before anything in it is unpickled (trust, format and library versions, sha256) are in
:mod:`detector.modelfiles`; loading and saving are here.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scipy.sparse is imported where a matrix is made: scoring never needs it
    import scipy.sparse as sp

from .compiled import fasthash as _fasthash
from .estimator import Linear, Params
from .features import BlockFeatures, BlockRow, gate_proba, row_cues
from .labels import NON_EDITORIAL
from .modelfiles import (  # the folder's files and checks: re-exported, they were defined here
    FORMAT_VERSION,
    JOBLIB_MODEL_FILE,  # noqa: F401 (re-exported)
    META_FILE,
    MODEL_FILE,
    ModelError,
    _sha256,
    _sklearn_version,
    _verified,
    check_metadata,  # noqa: F401 (re-exported)
    default_model_dir,
    is_packaged,  # noqa: F401 (re-exported)
    model_file,
    verify_model_dir,
)

__all__ = [
    "BlockClassifier",
    "PageScorer",
    "DetectorModel",
    "ModelError",
    "default_model_dir",
    "verify_model_dir",
    "FORMAT_VERSION",
]

MAX_NONZERO_WEIGHTS = 400_000  # keeps the shipped model at a few MB
DEFAULT_PAGE_THRESHOLD = 0.5
DEFAULT_SPONSORED_BLOCK_THRESHOLD = 0.5


class _FittedState:
    """Pickling of a fitted estimator whose ``clf_`` is a :class:`Linear` (arrays, no scikit-learn object).

    A model saved before that held the ``LogisticRegression`` itself; such a one still loads (its
    unpickling imports scikit-learn) and is turned into arrays here.
    """

    def __setstate__(self, state: dict) -> None:
        state.pop("_sklearn_version", None)  # BaseEstimator's, in models saved before
        clf = state.get("clf_")
        if clf is not None and not isinstance(clf, Linear):
            state["clf_"] = Linear.of(clf)
        self.__dict__.update(state)


class BlockClassifier(_FittedState, Params):
    """Multinomial logistic regression over :class:`BlockFeatures`, with pruned sparse weights."""

    def __init__(
        self,
        C: float = 4.0,
        class_weight_power: float = 0.5,
        max_iter: int = 300,
        max_nonzero: int = MAX_NONZERO_WEIGHTS,
        features: BlockFeatures | None = None,
    ) -> None:
        self.C = C
        self.class_weight_power = class_weight_power
        self.max_iter = max_iter
        self.max_nonzero = max_nonzero
        self.features = features

    def _features(self) -> BlockFeatures:
        return self.features if self.features is not None else BlockFeatures()

    def fit(self, X: Sequence[BlockRow], y: Sequence[str]) -> BlockClassifier:
        feats = self._features().fit(X)
        M = feats.transform(X)
        return self.fit_matrix(M, y, feats)

    def fit_matrix(self, M: sp.csr_matrix, y: Sequence[str] | np.ndarray, feats: BlockFeatures,
                   sample_weight: np.ndarray | None = None) -> BlockClassifier:
        y_arr = np.asarray(y)
        classes, counts = np.unique(y_arr, return_counts=True)
        # Rare classes weigh more, but only by the square root of their rarity: full balancing
        # makes sponsored blocks appear on pages that have none.
        weights = (counts.max() / counts) ** self.class_weight_power
        cw = dict(zip(classes, weights))
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=cw, tol=1e-3)
        clf.fit(M, y_arr, sample_weight=sample_weight)
        coef = clf.coef_
        if self.max_nonzero and coef.size > self.max_nonzero:
            cut = np.partition(np.abs(coef).ravel(), coef.size - self.max_nonzero)[coef.size - self.max_nonzero]
            coef[np.abs(coef) < cut] = 0.0
        clf.coef_ = coef.astype(np.float32)
        clf.intercept_ = clf.intercept_.astype(np.float32)
        clf.sparsify()
        self.features_ = feats
        self.clf_ = Linear.of(clf)  # the arrays alone: a saved model then unpickles no scikit-learn object
        self.classes_ = clf.classes_
        return self

    def predict_proba(self, X: Sequence[BlockRow]) -> np.ndarray:
        """Class probabilities, with the cue-word gate applied (see :mod:`detector.lexicon`)."""
        if len(X) == 0:
            return np.zeros((0, len(self.classes_)))
        cues = row_cues(X)  # the cue counts feed both the features and the gate
        return gate_proba(self._raw_proba(X, cues), X, self.classes_, cues=cues)

    def _raw_proba(self, X: Sequence[BlockRow], cues: np.ndarray) -> np.ndarray:
        """``predict_proba_matrix`` of the rows' matrix (no gate): made and multiplied in one go by the
        compiled kernel where it is built (``BlockFeatures._scores_fast``, bit for bit the same), else
        through the matrix."""
        feats = self.features_
        if type(feats) is BlockFeatures:
            W, col_map = self._weights()
            z = feats._scores_fast(X, cues, W, col_map, self.clf_.intercept_)
            if z is not None:
                return _softmax(z)
        return self.predict_proba_matrix(feats._transform(X, cues))

    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        """The dense weights of the columns that have any (last row: zeros) and each column's row of them."""
        # Only the columns with a weight keep their row of W (a fifth of them: 3 MB instead of 16, which
        # stays in cache); every other column maps to one row of zeros, so each product is the same.
        W = getattr(self, "_dense_coef", None)
        if W is None:
            got = _dense_weights_fast(self.clf_)
            if got is None:
                kept, weights, n_features = self.clf_.column_weights()
                W = np.zeros((len(kept) + 1, weights.shape[1]), dtype=np.float32)
                W[:-1] = weights
                col_map = np.full(n_features, len(kept), dtype=np.int32)  # what the kernel reads
                col_map[kept] = np.arange(len(kept))
                got = W, col_map
            self._dense_coef: np.ndarray
            self._col_map: np.ndarray
            self._dense_coef, self._col_map = got
        return self._dense_coef, self._col_map

    def predict_proba_matrix(self, M: sp.csr_matrix) -> np.ndarray:
        # Softmax over X @ W.T + b with the weights densified once (sparse-by-sparse products are slow).
        import scipy.sparse as sp

        W, col_map = self._weights()
        M = sp.csr_matrix((M.data, col_map[M.indices], M.indptr), shape=(M.shape[0], W.shape[0]))
        return _softmax(np.asarray(M @ W) + self.clf_.intercept_)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_dense_coef", None)  # rebuilt on first use; keeps the saved model small
        state.pop("_col_map", None)
        return state

    def predict(self, X: Sequence[BlockRow]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _dense_weights_fast(clf: Linear) -> tuple[np.ndarray, np.ndarray] | None:
    """``BlockClassifier._weights`` in one pass of the compiled kernel over the saved CSR weights (4-6 ms of
    each start instead of 8-12), or None where the kernel is not built or the weights are not float32 CSR
    arrays (numpy then makes the same arrays)."""
    c = clf._coef
    if _fasthash is None or type(c) is not tuple:
        return None
    data, indices, indptr, shape = c
    if len(shape) != 2 or len(indptr) != shape[0] + 1:
        return None
    return _fasthash.dense_weights(data, indices, indptr, int(shape[1]))


def _softmax(z: np.ndarray) -> np.ndarray:
    """Softmax of each row of ``z``, in place."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class PageScorer(_FittedState, Params):
    """Logistic regression over the page features of :func:`pagefeatures.page_features`.

    Fitted without class re-weighting, so its probabilities stay calibrated to the training pages;
    scoring is one dot product.
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, X: np.ndarray, y: Sequence[int]) -> PageScorer:
        from sklearn.linear_model import LogisticRegression

        self.clf_ = Linear.of(LogisticRegression(C=self.C, max_iter=1000).fit(X, np.asarray(y)))
        self.coef_ = self.clf_.coef_.ravel().astype(np.float64)
        self.intercept_ = float(self.clf_.intercept_[0])
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-(np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_)))
        return np.column_stack([1 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


@dataclass
class DetectorModel:
    """Everything a :class:`~detector.score.Detector` needs, plus its metadata."""

    blocks: BlockClassifier
    page: PageScorer
    threshold: float = DEFAULT_PAGE_THRESHOLD
    sponsored_block_threshold: float = DEFAULT_SPONSORED_BLOCK_THRESHOLD
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.blocks.classes_]

    # -- saving -----------------------------------------------------------------------------
    def save(self, folder: str | Path, *, force: bool = False) -> Path:
        folder = Path(folder)
        if folder.exists() and any(folder.iterdir()) and not force:
            raise ModelError(f"{folder} exists and is not empty (use --force to overwrite)")
        folder.mkdir(parents=True, exist_ok=True)
        payload = {"blocks": self.blocks, "page": self.page}
        import tempfile  # (saving only: not imported by a process that scores, 3.5 ms with shutil, bz2, lzma)

        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(fd)
        try:
            with open(tmp, "wb") as fh:
                fh.write(zlib.compress(pickle.dumps(payload, protocol=5), 6))
            digest = _sha256(Path(tmp))
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / MODEL_FILE)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        meta = dict(self.metadata)
        meta.update(
            format_version=FORMAT_VERSION,
            model_file=MODEL_FILE,
            model_sha256=digest,
            classes=self.classes,
            labels=list(NON_EDITORIAL),
            threshold=self.threshold,
            sponsored_block_threshold=self.sponsored_block_threshold,
            versions=library_versions(),
        )
        _atomic_write(folder / META_FILE, json.dumps(meta, indent=2, sort_keys=True) + "\n")
        self.metadata = meta
        return folder

    @classmethod
    def load(cls, folder: str | Path | None = None, *, trust: bool = False) -> DetectorModel:
        """Load a model folder (the packaged default when ``folder`` is None), checking it first.

        A folder outside the package's ``models/`` needs ``trust=True``: unpickling can run any code.
        Raises :class:`ModelError` with a one-line reason before anything is unpickled.
        """
        folder, meta, data = _verified(folder, trust)
        payload = _unpickle(data, meta)  # the very bytes whose sha256 was checked
        if not isinstance(payload, dict) or not {"blocks", "page"} <= payload.keys():
            raise ModelError(f"{folder}: {model_file(meta)} does not hold a detector model")
        return cls(
            blocks=payload["blocks"],
            page=payload["page"],
            threshold=float(meta.get("threshold", DEFAULT_PAGE_THRESHOLD)),
            sponsored_block_threshold=float(meta.get("sponsored_block_threshold", DEFAULT_SPONSORED_BLOCK_THRESHOLD)),
            metadata=meta,
        )


def _unpickle(data: bytes, meta: dict[str, Any]) -> Any:
    """A model file's payload: format 2 is a zlib-compressed pickle (inflated with ISA-L where installed,
    the same bytes, faster), format 1 a joblib file. Loading format 2 needs no joblib, whose import (with
    its parallel and caching modules) took 40 ms of every scoring process's start."""
    if meta.get("format_version") == 1:
        import joblib

        return joblib.load(io.BytesIO(data))
    from .io import _isal_zlib

    try:
        raw = (_isal_zlib or zlib).decompress(data)
    except Exception as err:  # noqa: BLE001 - isal's error is not zlib's
        raise ModelError(f"cannot inflate the model file ({err})") from None
    return pickle.loads(raw)


def library_versions() -> dict[str, str]:
    import platform

    import joblib
    import pandas
    import scipy

    from . import __version__

    return {
        "detector": __version__,
        "python": platform.python_version(),
        "scikit-learn": _sklearn_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "pandas": pandas.__version__,
    }


def _atomic_write(path: Path, text: str) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)

