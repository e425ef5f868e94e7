"""HashingVectorizer's columns, computed fast and exactly.

sklearn's ``HashingVectorizer`` runs its analyzer in Python for every document and hashes every token
with murmurhash3. Blocks repeat the same words, on a page and across pages, so here a token's hash (and
a word's character n-gram hashes) is computed once and kept in a bounded cache, as packed int32 bytes:
a row's tokens join into one ``bytes`` and a page's rows into one numpy array, with no Python loop per
n-gram. The hashes, and so the columns, are the vectorizer's own (``tests/test_hashing.py`` checks them
on random Unicode text); :func:`hashed_matrix` turns them into the vectorizer's sparse matrix.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scipy.sparse is imported where a matrix is made: scoring never needs it
    import scipy.sparse as sp

__all__ = ["TokenHashes", "WordCharHashes", "word_ngrams", "word_pairs", "columns", "Section", "hashed_matrix"]

_PACK = struct.Struct("=i").pack
_INT32_MIN = -(2**31)
DEFAULT_MAX_ITEMS = 1 << 17  # strings per cache


def _murmur(token: str) -> int:
    """sklearn's ``murmurhash3_32(token, 0)``, bound on first use.

    The C kernel's copy where it is built (tests/test_speedups_hash.py checks it against sklearn's),
    so that scoring never imports scikit-learn; else, or with DETECTOR_PURE_PYTHON=1, sklearn's own.
    """
    global _murmur
    from .compiled import fasthash

    fast = None if fasthash is None else fasthash.murmurhash3_32
    if fast is None:
        from sklearn.utils import murmurhash3_32

        def fast(token: str) -> int:
            return murmurhash3_32(token, 0)

    _murmur = fast
    return fast(token)


def _hash(token: str) -> bytes:
    # The hash FeatureHasher gives a token: signed murmurhash3_32 of its UTF-8 bytes, seed 0.
    return _PACK(_murmur(token))


class TokenHashes:
    """token -> its packed hash; ``packed(tokens)`` gives the hashes of a list of tokens, in order.

    Holds at most ``max_items`` tokens: when full, it starts again empty (simple, and faster than an
    LRU here: common words come straight back, and most of what drops out is one-off word pairs).
    """

    def __init__(self, max_items: int = DEFAULT_MAX_ITEMS) -> None:
        self.max_items = max_items
        self._d: dict[str, bytes] = {}

    def packed(self, tokens: Sequence[str]) -> bytes:
        try:
            return b"".join(map(self._d.__getitem__, tokens))
        except KeyError:
            return self._miss(tokens)

    def _make(self, token: str) -> bytes:
        return _hash(token)

    def _miss(self, tokens: Sequence[str]) -> bytes:
        d = self._d
        if len(d) >= self.max_items:
            d.clear()
        out = []
        for t in tokens:
            v = d.get(t)
            if v is None:
                v = d[t] = self._make(t)
            out.append(v)
        return b"".join(out)


class WordCharHashes(TokenHashes):
    """word -> the packed hashes of its ``char_wb`` n-grams, made by the vectorizer's own analyzer.

    ``char_wb`` splits a text on white space and takes each word's n-grams on its own, so a text's
    n-grams are its words' n-grams one after the other: ``packed(text.split())``.
    """

    def __init__(self, analyzer: Callable[[str], list[str]], max_items: int = DEFAULT_MAX_ITEMS // 2) -> None:
        super().__init__(max_items)
        self.analyzer = analyzer

    def _make(self, word: str) -> bytes:
        return b"".join(map(_hash, self.analyzer(word)))


def word_ngrams(tokens: list[str]) -> list[str]:
    """Words and word pairs, as ``_word_ngrams`` makes them for ``ngram_range=(1, 2)``."""
    return tokens + word_pairs(tokens)


def word_pairs(tokens: list[str]) -> list[str]:
    """The word pairs of ``word_ngrams``, which follow the words."""
    return list(map(" ".join, zip(tokens, tokens[1:])))


def columns(hashes: np.ndarray, n_features: int) -> np.ndarray:
    """Column of each signed hash, as ``_hashing_transform`` computes it (int64)."""
    col = np.abs(hashes.astype(np.int64)) % n_features
    low = hashes == _INT32_MIN
    if low.any():
        col[low] = (2147483647 - (n_features - 1)) % n_features
    return col


class Section:
    """One vectorizer's block of columns: its rows' packed hashes and how the vectorizer scales them."""

    __slots__ = ("rows", "n_features", "binary", "l2", "weight")

    def __init__(self, rows: list[bytes], n_features: int, *, binary: bool, l2: bool, weight: Any) -> None:
        self.rows = rows
        self.n_features = n_features
        self.binary = binary
        self.l2 = l2
        self.weight = weight


def hashed_matrix(sections: Sequence[Section], dense: np.ndarray) -> sp.csr_matrix:
    """The sections side by side, then ``dense``: a CSR matrix of float32.

    The same matrix as ``hstack([vectorizer.transform(docs) * weight, ..., csr_matrix(dense)])``:
    duplicates summed, ``binary`` values set to 1, rows scaled to unit l2 norm (in float64, rounded to
    float32, as sklearn's ``normalize`` does), multiplied by ``weight``; indices sorted within each row.
    Each section is sorted on its own (rows come in order, so a stable sort only sorts within rows),
    then its entries are put in their places among the other sections' entries of the same row.
    """
    n = dense.shape[0]
    row_ids = np.arange(n, dtype=np.int64)
    parts = []  # per section: rows, columns, values, entries per row
    offset = 0
    for s in sections:
        nk = s.n_features
        h = np.frombuffer(b"".join(s.rows), dtype=np.int32)
        keys = np.repeat(row_ids, np.fromiter(map(len, s.rows), dtype=np.int64, count=n) >> 2) * nk
        keys += columns(h, nk)
        if n * nk < 2**31:
            keys = keys.astype(np.int32)
        keys.sort(kind="stable")
        first = np.empty(len(keys), dtype=bool)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        uniq = keys[starts]
        count = np.diff(np.append(starts, len(keys))).astype(np.float32)
        row = uniq // nk
        col = uniq - row * nk
        v = np.ones(len(uniq), dtype=np.float32) if s.binary else count
        if s.l2:
            norm = np.sqrt(np.bincount(row, weights=np.square(v).astype(np.float64), minlength=n))[row]
            v = (v.astype(np.float64) / norm).astype(np.float32)
        parts.append((row, col + offset, v * s.weight, np.bincount(row, minlength=n)))
        offset += nk
    dr, dc = np.nonzero(dense)
    parts.append((dr, dc + offset, dense[dr, dc], np.bincount(dr, minlength=n)))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.sum([p[3] for p in parts], axis=0), out=indptr[1:])
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    at = indptr[:-1].copy()  # where the next section's entries of each row go
    for row, col, v, per_row in parts:
        first_of_row = np.zeros(n, dtype=np.int64)
        np.cumsum(per_row[:-1], out=first_of_row[1:])
        dest = (at - first_of_row)[row] + np.arange(len(row))
        data[dest] = v
        indices[dest] = col
        at += per_row
    import scipy.sparse as sp

    return sp.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(n, offset + dense.shape[1]))
