"""scikit-learn's estimator conventions, without importing scikit-learn on the scoring path.

Importing ``sklearn.base`` pulls in scipy.stats and pandas: about 0.8 s, most of a cold
``detector score`` and of every batch worker's start. Scoring needs none of it (the weights are numpy
arrays), so :class:`Params` gives our estimators what ``BaseEstimator`` gave them that we use:
``get_params`` / ``set_params`` over the ``__init__`` parameters (so ``sklearn.base.clone`` works on
them), and a repr of the parameters that differ from their defaults. scikit-learn itself is imported
only to fit a model.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

__all__ = ["Params", "Linear"]


class Params:
    """``get_params``, ``set_params`` and ``__repr__`` as ``sklearn.base.BaseEstimator`` has them."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(
            p.name for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params(deep=True).items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Params:
        valid = set(self._get_param_names())
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}")
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        changed = []
        for name in self._get_param_names():
            default = sig.parameters[name].default
            value = getattr(self, name, default)
            if value is not default and not _same(value, default):
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays and the like
        return False


class Linear:
    """A fitted linear model's arrays: what scoring reads of a ``LogisticRegression``.

    A model stores this instead of the ``LogisticRegression`` it was fitted with, so that loading it
    unpickles numpy arrays only, never a scikit-learn object. A sparse ``coef_`` is pickled as its CSR
    arrays and made a scipy matrix again only when read: scoring reads :meth:`column_weights`, which
    needs no scipy, so a scoring process never imports it (0.13 s of each worker's start).
    """

    __slots__ = ("_coef", "intercept_", "classes_")

    def __init__(self, coef: Any, intercept: Any, classes: Any) -> None:
        self._coef = coef
        self.intercept_ = np.asarray(intercept)
        self.classes_ = np.asarray(classes)

    @property
    def coef_(self) -> Any:
        """The weights, (classes, features): a scipy CSR matrix or a dense array, as fitted."""
        c = self._coef
        if type(c) is tuple:  # CSR arrays from a pickle
            import scipy.sparse as sp

            data, indices, indptr, shape = c
            c = self._coef = sp.csr_matrix((data, indices, indptr), shape=shape)
        return c

    @coef_.setter
    def coef_(self, value: Any) -> None:
        self._coef = value

    def column_weights(self) -> tuple[np.ndarray, np.ndarray, int]:
        """``(columns, weights, n_features)``: the feature columns with a non-zero weight, ascending, and
        their weights, shape (columns, classes): ``coef_.toarray().T`` at those rows, without scipy."""
        c = self._coef
        if type(c) is not tuple and not hasattr(c, "tocsr"):  # dense
            full = np.asarray(c).T
            cols = np.flatnonzero(np.any(full != 0, axis=1))
            return cols, full[cols], full.shape[0]
        data, indices, indptr, shape = c if type(c) is tuple else _csr_arrays(c)
        rows = np.repeat(np.arange(shape[0], dtype=np.int64), np.diff(indptr))
        nz = data != 0
        if not nz.all():  # (a saved model has no explicit zeros: sparsify() dropped them)
            data, indices, rows = data[nz], indices[nz], rows[nz]
        weighted = np.zeros(int(shape[1]), dtype=bool)
        weighted[indices] = True
        cols = np.flatnonzero(weighted)
        out = np.zeros((len(cols), shape[0]), dtype=data.dtype)
        at = np.empty(int(shape[1]), dtype=np.int64)  # each weighted column's row of out (only those are read)
        at[cols] = np.arange(len(cols))
        out.reshape(-1)[at[indices] * shape[0] + rows] = data  # duplicates: a canonical CSR has none
        return cols, out, int(shape[1])

    @classmethod
    def of(cls, fitted: Any) -> Linear:
        """The arrays of a fitted scikit-learn linear classifier (or of a Linear)."""
        return cls(fitted.coef_, fitted.intercept_, fitted.classes_)

    def __getstate__(self) -> dict[str, Any]:
        c = self._coef
        if type(c) is not tuple and hasattr(c, "tocsr"):
            c = _csr_arrays(c)
        return {"coef_csr" if type(c) is tuple else "coef_": c, "intercept_": self.intercept_,
                "classes_": self.classes_}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._coef = tuple(state["coef_csr"]) if "coef_csr" in state else state["coef_"]
        self.intercept_ = state["intercept_"]
        self.classes_ = state["classes_"]


def _csr_arrays(m: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """A scipy sparse matrix as canonical CSR arrays (sorted, no duplicate entries)."""
    m = m.tocsr()
    if not m.has_canonical_format:
        m = m.copy()
        m.sum_duplicates()
    return m.data, m.indices, m.indptr, (int(m.shape[0]), int(m.shape[1]))
