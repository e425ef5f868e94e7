"""Features of blocks: words, characters, layout, context (a page's features are in :mod:`.pagefeatures`).

A block is described by a :class:`BlockRow`: its own text, its neighbours' texts, the heading above
it and its layout. :class:`BlockFeatures` hashes all of that into one sparse matrix, so nothing has
to be fitted or stored but the classifier's weights.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import compress
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:  # scipy.sparse is imported where a matrix is made: scoring never needs it
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import HashingVectorizer

from .cuematch import cue_candidates, cue_counts_many, has_affiliate_cue, has_sponsored_cue
from .estimator import Params
from .hashing import Section, TokenHashes, WordCharHashes, hashed_matrix, word_pairs
from .segment import Block, Page

__all__ = ["BlockRow", "BlockFeatures", "rows_for_page", "gate_proba", "row_cues"]

_DIGITS = re.compile(r"\d")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LETTER = re.compile(r"[^\W\d_]")
_HEAD_WORDS = re.compile(r"[^\W\d_]+")
CHAR_MAX = 300  # characters of a block used for character n-grams: notices are short, the rest is prose
CONTEXT_MAX = 200  # characters of each neighbour used as context


class BlockRow(NamedTuple):
    """What the block classifier sees of one block."""

    text: str
    prev: str
    next: str
    heading_above: str
    tag: str
    path: tuple[str, ...]
    position: float
    link_density: float
    n_words: int
    heading: bool
    unit: str


def _norm(s: str) -> str:
    return _DIGITS.sub("0", s.lower())


def rows_for_page(page: Page, blocks: Sequence[Block] | None = None) -> list[BlockRow]:
    """BlockRows for a page's blocks followed by its units (or for ``blocks`` of that page)."""
    base = page.blocks
    if blocks is None and _fasthash is not None:  # the same rows, made in C
        rows = _fasthash.block_rows(base, page.units, BlockRow, CONTEXT_MAX)
        if rows is not None:
            return rows
    n = len(base)
    base_words = [b.n_words for b in base]  # segment() counted them (Block.words)
    # nearest heading above each block (within the 4 previous blocks)
    heading_above: list[str] = []
    last_heading, last_idx = "", -10
    for i, b in enumerate(base):
        heading_above.append(last_heading if i - last_idx <= 4 else "")
        if b.heading or (base_words[i] <= 6 and not b.text.endswith((".", "!", "?"))):
            last_heading, last_idx = b.text, i
    rows = []
    if blocks is not None:
        items = list(blocks)
    elif any(b.index != i for i, b in enumerate(base)):
        items = list(base) + list(page.units)
    else:
        # The page's own blocks, in order (as segment() makes them): their rows without index lookups,
        # then the units'.
        texts = [b.text for b in base]
        prevs = [""] + [t[-CONTEXT_MAX:] for t in texts[:-1]]
        nexts = [t[:CONTEXT_MAX] for t in texts[1:]] + [""]
        rows = [
            BlockRow(t, pv, nx, ha, b.tag, b.path, b.position, min(1.0, b.link_chars / max(1, len(t))), w,
                     b.heading, b.unit)
            for b, t, pv, nx, ha, w in zip(base, texts, prevs, nexts, heading_above, base_words)
        ]
        items = list(page.units)
    for b in items:
        i = b.index if b.parent < 0 else b.parent
        prev = base[i - 1].text[-CONTEXT_MAX:] if i > 0 else ""
        nxt = base[i + 1].text[:CONTEXT_MAX] if i + 1 < n else ""
        if b.unit == "head":
            nxt = base[i].text[len(b.text) : len(b.text) + CONTEXT_MAX]
        elif b.unit == "tail":
            prev = base[i].text[: len(base[i].text) - len(b.text)][-CONTEXT_MAX:]
        is_block = b.parent < 0 and 0 <= i < n and base[i] is b
        rows.append(
            BlockRow(
                b.text,
                prev,
                nxt,
                heading_above[i] if 0 <= i < n else "",
                b.tag,
                b.path,
                b.position,
                b.link_density if not b.unit else 0.0,
                base_words[i] if is_block else b.n_words,
                b.heading,
                b.unit,
            )
        )
    return rows


def _layout_tokens(r: BlockRow) -> str:
    return " ".join(_layout_place(r.tag, r.unit, r.path, _bucket(r.position, r.link_density), r.heading)
                    + _layout_text(r.text))


def _bucket(position: float, link_density: float) -> tuple[str, str]:
    pos = "top" if position < 0.15 else "end" if position > 0.85 else "mid"
    links = "links_high" if link_density > 0.6 else "links_some" if link_density > 0.2 else ""
    return pos, links


def _layout_place(tag: str, unit: str, path: tuple[str, ...], bucket: tuple[str, str], heading: bool) -> list[str]:
    """Layout tokens of where a block sits."""
    toks = ["tag_" + tag, "unit_" + (unit or "block")]
    toks += ["in_" + t for t in set(path)]
    if path:
        toks.append("last_" + path[-1])
    toks.append("pos_" + bucket[0])
    if heading:
        toks.append("heading")
    if bucket[1]:
        toks.append(bucket[1])
    return toks


def _layout_text(text: str) -> list[str]:
    """Layout tokens of how a block's text looks."""
    toks = []
    t = text.lstrip()
    # The first words of a block carry labels like "Recommended Article:", "Read also:", "Disclaimer:".
    head = _HEAD_WORDS.findall(_norm(t[:40]))[:2]
    if head:
        toks.append("first_" + head[0])
        if len(head) > 1:
            toks.append("first2_" + "_".join(head))
    # "(c)" in t.lower(), without lower-casing a long text: only "C" lower-cases to "c", and "(" and ")"
    # come from themselves alone (tests/test_features.py checks this over all of Unicode).
    if "©" in t or "(c)" in t or "(C)" in t:
        toks.append("has_copyright_sign")
    letters = len(_LETTER.findall(t[:200])) or 1
    caps = len(_UPPER.findall(t[:200])) / letters
    if caps > 0.7 and letters > 3:
        toks.append("all_caps")
    return toks


def _layout_rows(X: Sequence[BlockRow], tokens: TokenHashes) -> list[bytes]:
    """Packed hashes of each row's layout tokens (``_layout_tokens(r).split()``), each part hashed once."""
    place = _PLACE_MEMO
    if len(place) >= _MEMO_ITEMS:
        place.clear()
    looks = _LOOKS_MEMO
    local: dict = {}
    out = []
    for r in X:
        key = (r.tag, r.unit, r.path, _bucket(r.position, r.link_density), r.heading)
        p = place.get(key)
        if p is None:
            p = _place_packed(key, tokens)
        t = looks.get(r.text)
        if t is None:
            t = local.get(r.text)
        if t is None:
            t = _memo(looks, r.text, local)[r.text] = tokens.packed(" ".join(_layout_text(r.text)).split())
        out.append(p + t)
    return out


_PLACE_MEMO: dict[tuple, bytes] = {}
_LOOKS_MEMO: dict[str, bytes] = {}


N_DENSE = 9


SHORT_TEXT = 256  # texts up to this long are remembered across pages (menus, buttons, bylines repeat)
_MEMO_ITEMS = 1 << 14  # texts per memo; a full memo starts again empty


def _memo(shared: dict, text: str, local: dict) -> dict:
    """Where to remember something about ``text``: the shared memo for a short text, else ``local``."""
    if len(text) > SHORT_TEXT:
        return local
    if len(shared) >= _MEMO_ITEMS:
        shared.clear()
    return shared


_CUE_MEMO: dict[str, tuple[int, int, int]] = {}


def row_cues(rows: Sequence[BlockRow]) -> np.ndarray:
    """:func:`cuematch.cue_counts` of each row's text, shape (n, 3): computed once, for the features and the gate."""
    n = len(rows)
    out = np.zeros((n, 3), dtype=np.int64)
    texts = [r.text for r in rows]
    maybe = cue_candidates(texts)  # one RE2 scan rules out most texts (None without RE2)
    # the candidate rows (a few a page) alone are looked at one by one; every other row holds no cue
    idx = list(range(n)) if maybe is None else list(compress(range(n), maybe))
    if not idx:
        return out
    local: dict[str, tuple[int, int, int]] = {}
    shared = _CUE_MEMO
    got: list[Any] = [shared.get(texts[i]) or local.get(texts[i]) for i in idx]
    todo = list(dict.fromkeys(texts[i] for i, c in zip(idx, got) if c is None))  # each once, in order
    if todo:  # counted together: one RE2 scan per pattern where it can tell (cuematch.cue_counts_many)
        counted = dict(zip(todo, cue_counts_many(todo)))
        for t, c in counted.items():
            _memo(shared, t, local)[t] = c
        got = [c if c is not None else counted[texts[i]] for i, c in zip(idx, got)]
    out[idx] = got
    return out


def _dense(rows: Sequence[BlockRow], cues: np.ndarray | None = None) -> sp.csr_matrix:
    import scipy.sparse as sp

    return sp.csr_matrix(_dense_array(rows, cues))


def _dense_array(rows: Sequence[BlockRow], cues: np.ndarray | None = None) -> np.ndarray:
    if cues is None:
        cues = row_cues(rows)
    out = np.zeros((len(rows), N_DENSE), dtype=np.float32)
    for i, (r, (s, a, d)) in enumerate(zip(rows, np.asarray(cues).tolist())):
        out[i] = (
            r.position,
            r.position * r.position,
            math.log1p(r.n_words) / 6.0,
            r.link_density,
            1.0 if r.heading else 0.0,
            0.0,  # (reserved)
            s / 3.0,
            a / 3.0,
            d / 3.0,
        )
    return out


GATED = {"sponsored": has_sponsored_cue, "sponsored_other": has_sponsored_cue, "affiliate": has_affiliate_cue}
# The column of row_cues() that answers a gate: a text has the cue iff it holds at least one.
_GATE_CUE_COLUMN = {has_sponsored_cue: 0, has_affiliate_cue: 1}


def gate_proba(
    proba: np.ndarray, rows: Sequence[BlockRow], classes: Sequence[str], cues: np.ndarray | None = None
) -> np.ndarray:
    """Zero the probability of a gated class for blocks without its cue words; renormalise.

    ``cues``: the rows' :func:`row_cues`, when already computed (the gate then reads them).
    """
    out = np.array(proba, dtype=np.float64, copy=True)
    if not len(rows):
        return out
    cache: dict[object, np.ndarray] = {}
    for j, c in enumerate(classes):
        test = GATED.get(str(c))
        if test is None:
            continue
        if test not in cache:
            col = _GATE_CUE_COLUMN.get(test)
            if cues is not None and col is not None:
                cache[test] = np.asarray(cues)[:, col] > 0
            else:
                cache[test] = np.array([test(r.text) for r in rows], dtype=bool)
        out[~cache[test], j] = 0.0
    total = out.sum(axis=1, keepdims=True)
    ed = list(map(str, classes)).index("editorial") if "editorial" in map(str, classes) else 0
    empty = total[:, 0] <= 0
    out[empty, ed] = 1.0
    total[empty] = 1.0
    return out / total


class BlockFeatures(Params):
    """Hashed word and character n-grams of a block, its neighbours' words and its layout.

    Stateless: ``fit`` only records the input width, so the same object transforms at any time.
    """

    def __init__(
        self,
        word_bits: int = 18,
        char_bits: int = 18,
        context_bits: int = 16,
        layout_bits: int = 14,
        char_ngrams: tuple[int, int] = (3, 5),
        context_weight: float = 0.5,
        text_weight: float = 1.0,
        layout_weight: float = 0.5,
        char_weight: float = 1.0,
        binary_words: bool = False,
    ) -> None:
        self.word_bits = word_bits
        self.char_bits = char_bits
        self.context_bits = context_bits
        self.layout_bits = layout_bits
        self.char_ngrams = char_ngrams
        self.context_weight = context_weight
        self.text_weight = text_weight
        self.layout_weight = layout_weight
        self.char_weight = char_weight
        self.binary_words = binary_words

    def _ngram_range(self) -> tuple[int, int]:
        """``char_ngrams`` as a tuple (a saved model may hold it as a list): the key of the hash memos."""
        lo, hi = self.char_ngrams
        return lo, hi

    def _vectorizers(self) -> tuple[HashingVectorizer, ...]:
        from sklearn.feature_extraction.text import HashingVectorizer  # not on the scoring path

        common = dict(alternate_sign=False, dtype=np.float32, lowercase=False)
        words = HashingVectorizer(
            n_features=2**self.word_bits, ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
            binary=self.binary_words, norm=None if self.binary_words else "l2", **common
        )
        chars = HashingVectorizer(
            n_features=2**self.char_bits, analyzer="char_wb", ngram_range=self.char_ngrams, **common
        )
        context = HashingVectorizer(
            n_features=2**self.context_bits, ngram_range=(1, 1), token_pattern=r"(?u)\b\w+\b", **common
        )
        layout = HashingVectorizer(
            n_features=2**self.layout_bits, token_pattern=r"\S+", norm=None, **common
        )
        return words, chars, context, layout

    def fit(self, X: Sequence[BlockRow], y: object = None) -> BlockFeatures:
        self.n_features_out_ = (
            2**self.word_bits + 2**self.char_bits + 2 * 2**self.context_bits + 2**self.layout_bits + N_DENSE
        )
        return self

    def transform(self, X: Sequence[BlockRow]) -> sp.csr_matrix:
        return self._transform(X)

    def fit_transform(self, X: Sequence[BlockRow], y: object = None) -> sp.csr_matrix:
        return self.fit(X, y).transform(X)

    def _transform(self, X: Sequence[BlockRow], cues: np.ndarray | None = None) -> sp.csr_matrix:
        """``transform``, given the rows' :func:`row_cues` when they are already known.

        The matrix of ``hstack([words, chars, context before, context after, layout, dense])`` over
        :meth:`_vectorizers`: from the compiled kernel where it is built (:meth:`_transform_fast`),
        else (or where the kernel declines a page) from :meth:`_transform_python`, bit for bit the same.
        """
        if _fasthash is not None and len(X):
            got = self._transform_fast(X, cues)
            if got is not None:
                return got
        return self._transform_python(X, cues)

    def _transform_fast(self, X: Sequence[BlockRow], cues: np.ndarray | None = None) -> sp.csr_matrix | None:
        """The matrix made by detector/_fasthash.pyx, or None where it leaves the rows to the Python path."""
        args = self._fast_args(X, cues)
        if args is None:
            return None
        assert _fasthash is not None  # checked by the caller
        got = _fasthash.page_matrix(*args)
        if got is None:
            return None
        data, indices, indptr, width = got
        import scipy.sparse as sp

        return sp.csr_matrix((data, indices, indptr), shape=(len(args[0]), width))

    def _scores_fast(
        self, X: Sequence[BlockRow], cues: np.ndarray | None, W: np.ndarray, col_map: np.ndarray,
        intercept: np.ndarray,
    ) -> np.ndarray | None:
        """``z = (M @ W[col_map]) + intercept`` for the rows' matrix ``M``, made and multiplied by the kernel.

        Bit for bit what the CSR product in :meth:`BlockClassifier.predict_proba_matrix` gives before its
        softmax (``_fasthash.page_scores``); None where the kernel leaves the rows (or the weights) to that
        path.
        """
        args = self._fast_args(X, cues)
        if args is None:
            return None
        assert _fasthash is not None  # checked by the caller
        return _fasthash.page_scores(*args, W, col_map, intercept)

    def _fast_args(self, X: Sequence[BlockRow], cues: np.ndarray | None) -> tuple | None:
        """The arguments of ``_fasthash.page_matrix`` for the rows, or None: the kernel cannot take them."""
        if _fasthash is None or not _FAST_ROWS or not len(X):
            return None
        try:
            nmin, nmax = self.char_ngrams
        except (TypeError, ValueError):
            return None
        if type(nmin) is not int or type(nmax) is not int or not 1 <= nmin <= nmax:
            return None
        binary = bool(self.binary_words)
        w = self.context_weight
        sections = (
            _fast_section(self.word_bits, binary, not binary, self.text_weight),
            _fast_section(self.char_bits, False, True, self.char_weight),
            _fast_section(self.context_bits, False, True, w),
            _fast_section(self.context_bits, False, True, w),
            _fast_section(self.layout_bits, False, False, self.layout_weight),
        )
        if None in sections:
            return None
        if len(_PLACE_MEMO) >= _MEMO_ITEMS:
            _PLACE_MEMO.clear()
        rows = X if type(X) is list else list(X)
        cues = row_cues(rows) if cues is None else np.asarray(cues)
        dense = None  # the kernel makes _dense_array's columns from the rows and the cues
        if N_DENSE != 9 or cues.dtype != np.int64 or cues.shape != (len(rows), 3):
            dense = _dense_array(rows, cues)
        return (rows, sections, nmin, nmax, dense, np.ascontiguousarray(cues), _PLACE_MEMO, _place_packed, _bucket,
                _dense_array)

    def _transform_python(self, X: Sequence[BlockRow], cues: np.ndarray | None = None) -> sp.csr_matrix:
        """The matrix computed in Python from cached token hashes (:mod:`detector.hashing`)."""
        if len(X) == 0:
            import scipy.sparse as sp

            return sp.csr_matrix((0, self.n_features_out_), dtype=np.float32)
        tokens, chars = _TOKEN_HASHES, _char_hashes(self._ngram_range())
        find = _TOKEN.findall
        # Rows repeat texts (menus, units of a block) and neighbours: each distinct string is normalised
        # and hashed once. A short block's text is also its neighbours' context; find(a + " " + b) is
        # find(a) + find(b), and a text's word n-grams are its words, then its word pairs.
        normed: dict[str, str] = {}

        def norm(s: str) -> str:
            v = normed.get(s)
            if v is None:
                v = normed[s] = _norm(s)
            return v

        own = _OWN_MEMO.setdefault(self._ngram_range(), {})
        own_local: dict[str, tuple[bytes, bytes, bytes]] = {}
        uni: dict[str, bytes] = {}

        def unigrams(s: str) -> bytes:  # packed hashes of find(_norm(s))
            v = uni.get(s)
            if v is None:
                o = own.get(s)
                v = uni[s] = o[2] if o is not None else tokens.packed(find(norm(s)))
            return v

        words_rows, char_rows, before_rows, after_rows = [], [], [], []
        for r in X:
            got = own.get(r.text) or own_local.get(r.text)
            if got is None:
                t = norm(r.text)
                toks = find(t)
                one = tokens.packed(toks)
                pairs = tokens.packed(word_pairs(toks))
                got = (one + pairs, chars.packed(t[:CHAR_MAX].split()), one)
                _memo(own, r.text, own_local)[r.text] = got
                uni[r.text] = one
            words_rows.append(got[0])
            char_rows.append(got[1])
            before_rows.append(unigrams(r.prev) + unigrams(r.heading_above))
            after_rows.append(unigrams(r.next))
        layout_rows = _layout_rows(X, tokens)
        binary = bool(self.binary_words)
        w = self.context_weight
        sections = [
            Section(words_rows, 2**self.word_bits, binary=binary, l2=not binary, weight=self.text_weight),
            Section(char_rows, 2**self.char_bits, binary=False, l2=True, weight=self.char_weight),
            Section(before_rows, 2**self.context_bits, binary=False, l2=True, weight=w),
            Section(after_rows, 2**self.context_bits, binary=False, l2=True, weight=w),
            Section(layout_rows, 2**self.layout_bits, binary=False, l2=False, weight=self.layout_weight),
        ]
        return hashed_matrix(sections, _dense_array(X, cues))


_TOKEN = re.compile(r"(?u)\b\w+\b")  # the token_pattern of the word and context vectorizers
_TOKEN_HASHES = TokenHashes()
_OWN_MEMO: dict[tuple[int, int], dict[str, tuple[bytes, bytes, bytes]]] = {}  # per char_ngrams: text -> hashes
_CHAR_HASHES: dict[tuple[int, int], WordCharHashes] = {}


# The compiled kernel (detector/_fasthash.pyx): the same matrix as the Python path, faster; None
# without it or with DETECTOR_PURE_PYTHON=1 (detector/compiled.py).
from .compiled import fasthash as _fasthash  # noqa: E402

# The kernel reads BlockRow's fields by position.
_FAST_ROWS = BlockRow._fields == (
    "text", "prev", "next", "heading_above", "tag", "path", "position", "link_density", "n_words", "heading", "unit"
)


def _fast_section(bits: object, binary: bool, l2: bool, weight: object) -> tuple | None:
    """A section's parameters for ``_fasthash.page_matrix`` (None: ones it leaves to the Python path).

    ``hashed_matrix`` multiplies float32 values by ``weight``: numpy does it in float32 for a Python
    float or a float32 (mode 0) and in float64 for a float64 (mode 1), then stores float32.
    Remembered per parameters (five numpy calls a section, 35 us a page otherwise): the weight by its
    type and exact value (``float.hex``: 0.0 and -0.0 are two keys).
    """
    try:
        key = (type(bits), bits, binary, l2, type(weight), float(weight).hex())  # type: ignore[arg-type]
        got: Any = _SECTIONS.get(key, _SECTIONS)
    except (TypeError, ValueError, OverflowError):  # no float value, or unhashable
        return _section(bits, binary, l2, weight)
    if got is _SECTIONS:
        if len(_SECTIONS) >= 64:
            _SECTIONS.clear()
        got = _SECTIONS[key] = _section(bits, binary, l2, weight)
    return got


_SECTIONS: dict[tuple, tuple | None] = {}


def _section(bits: object, binary: bool, l2: bool, weight: Any) -> tuple | None:
    if type(bits) is not int or not 0 <= bits <= 30:
        return None
    if type(weight) not in (float, int, np.float32, np.float64) or (type(weight) is int and abs(weight) > 2**24):
        return None
    dtype = (np.ones(1, dtype=np.float32) * weight).dtype
    if dtype not in (np.float32, np.float64):
        return None
    nk = 2**bits
    return nk, (2147483647 - (nk - 1)) % nk, binary, l2, 0 if dtype == np.float32 else 1, float(weight)


def _place_packed(key: tuple, tokens: TokenHashes | None = None) -> bytes:
    """Packed hashes of ``_layout_place(*key)``'s tokens (``" ".join(...).split()``), memoised in _PLACE_MEMO.

    In another order than _layout_place's (the layout section counts its columns, whatever their order):
    the path's tokens, most of the work, are hashed once per path (_PATH_MEMO) for the places that share it.
    """
    tokens = tokens or _TOKEN_HASHES
    tag, unit, path, bucket, heading = key
    in_path = _PATH_MEMO.get(path)
    if in_path is None:
        if len(_PATH_MEMO) >= _MEMO_ITEMS:
            _PATH_MEMO.clear()
        toks = ["in_" + t for t in set(path)]
        if path:
            toks.append("last_" + path[-1])
        in_path = _PATH_MEMO[path] = tokens.packed(" ".join(toks).split())
    toks = ["tag_" + tag, "unit_" + (unit or "block"), "pos_" + bucket[0]]
    if heading:
        toks.append("heading")
    if bucket[1]:
        toks.append(bucket[1])
    got = _PLACE_MEMO[key] = tokens.packed(" ".join(toks).split()) + in_path
    return got


_PATH_MEMO: dict[tuple[str, ...], bytes] = {}


def _char_hashes(ngrams: tuple[int, int]) -> WordCharHashes:
    got = _CHAR_HASHES.get(ngrams)
    if got is None:
        analyzer = BlockFeatures(char_ngrams=ngrams)._vectorizers()[1].build_analyzer()
        got = _CHAR_HASHES[ngrams] = WordCharHashes(analyzer)
    return got
