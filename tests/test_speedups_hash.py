"""The compiled features (detector/_fasthash.pyx) give exactly the matrices of the Python path.

Every check compares ``BlockFeatures._transform_fast`` with ``BlockFeatures._transform_python`` bit for
bit: the same shape, the same CSR data (compared as bits: NaN too), indices and indptr, with the same dtypes. Skipped where the
extension is not built, except with DETECTOR_REQUIRE_SPEEDUPS=1 (CI), where a missing extension fails.
"""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import features as F
from detector.features import BlockFeatures, BlockRow, row_cues, rows_for_page

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "data" / "pages"

_why = ""
try:
    from detector import _fasthash
except ImportError as err:  # not built
    _fasthash = None
    _why = str(err)

if _fasthash is None and os.environ.get("DETECTOR_REQUIRE_SPEEDUPS") != "1":
    pytest.skip(f"detector._fasthash is not built here ({_why})", allow_module_level=True)

SETTINGS = [
    pytest.param({}, id="default"),
    pytest.param(dict(binary_words=True, layout_weight=0.3, char_ngrams=(3, 5)), id="shipped"),
    pytest.param(dict(char_ngrams=(2, 4), word_bits=10, char_bits=12, context_bits=6, layout_bits=4,
                      context_weight=np.float64(0.3), text_weight=2), id="small-2-4-float64"),
    pytest.param(dict(char_ngrams=(1, 1), binary_words=True, word_bits=3, char_bits=2, context_bits=1,
                      layout_bits=0, layout_weight=np.float32(0.7), char_weight=0.1), id="tiny-collisions"),
    pytest.param(dict(char_ngrams=(4, 9), word_bits=22, char_bits=20, context_bits=20, layout_bits=16,
                      text_weight=1.7, context_weight=1 / 3), id="wide-4-9"),
]
PARAMS = [p.values[0] for p in SETTINGS]


def assert_same(feats: BlockFeatures, rows: list[BlockRow], cues: np.ndarray | None = None) -> sp.csr_matrix:
    """The kernel's matrix (which must not decline the rows) equals the Python path's, bit for bit."""
    got = feats._transform_fast(rows, cues)
    assert got is not None, "the kernel left the rows to the Python path"
    want = feats._transform_python(rows, cues)
    assert got.shape == want.shape == (len(rows), feats.n_features_out_)
    assert got.dtype == want.dtype == np.float32
    for name in ("indptr", "indices", "data"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        if not np.array_equal(a.view(np.int32) if name == "data" else a, b.view(np.int32) if name == "data" else b):
            row = next(i for i in range(len(rows)) if not (
                np.array_equal(got[i].indices, want[i].indices) and np.array_equal(got[i].data, want[i].data)))
            raise AssertionError(f"{name} differ, first in row {row}: {rows[row]!r}\n"
                                 f"C:      {got[row].indices} {got[row].data}\n"
                                 f"Python: {want[row].indices} {want[row].data}")
    return got


@pytest.fixture(autouse=True)
def _kernel(monkeypatch):
    """The kernel in features even under DETECTOR_PURE_PYTHON=1: these tests compare it with Python."""
    if not os.environ.get("DETECTOR_PURE_PYTHON"):
        assert F._fasthash is _fasthash
    monkeypatch.setattr(F, "_fasthash", _fasthash)


def test_the_extension_is_built_and_used():
    assert _fasthash is not None, f"DETECTOR_REQUIRE_SPEEDUPS=1 but detector._fasthash does not import: {_why}"
    rows = [row("Sponsored by Brand. Read more"), row("")]
    feats = BlockFeatures().fit([])
    assert feats._transform_fast(rows) is not None
    assert np.array_equal(feats.transform(rows).data, feats._transform_fast(rows).data)


# ---- the character classes, over all of Unicode -----------------------------------------------


def test_character_classes_are_those_of_re_and_str_split():
    import re

    word, digit, letter = re.compile(r"\w"), re.compile(r"\d"), re.compile(r"[^\W\d_]")
    every = "".join(map(chr, range(0x110000)))
    got = _fasthash._char_classes(every)
    want = [(bool(word.match(c)), bool(digit.match(c)), bool(letter.match(c)), c.isspace()) for c in every]
    bad = [hex(ord(c)) for c, g, w in zip(every, got, want) if tuple(map(bool, g)) != w]
    assert not bad, bad[:20]


# ---- random Unicode rows (hypothesis) -------------------------------------------------------------

SPECIAL = [
    "İ", "ß", "ẞ", "Σ", "ΣΑΣ", "ﬁ", "ŉ", "ǅ", "K", "Å", "\u0301", "e\u0301", "\u0345",  # lower() quirks
    "٣", "१२", "０", "𝟘", "߀", "²", "½", "Ⅻ", "〇", "12", "2024",  # digits and numbers of other scripts
    "\U0001f600", "\U0001f44d\U0001f3fd", "\u200d", "\ufe0f", "\U00010348", "漢字", "한국어",  # wide characters
    "_", "__init__", "a_b", "-", ".", "(c)", "(C)", "©", "(c", "c)", "ABC", "ÀÖØÞ×ß", "THE END",  # tokens, layout
    " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2003", "\u2028",
    "\u3000", "\u200b", "\u180e", "\ufeff",  # white space, and look-alikes that are not
    "Sponsored", "Anzeige", "Werbung", "Read more", "Disclaimer:", "affiliate links", "x", "",
]
pieces = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
    st.text("abcXYZ019 _-", max_size=8),
)
texts = st.builds("".join, st.lists(pieces, max_size=40))
long_texts = st.one_of(texts, st.builds(lambda t, k: t * k, texts, st.integers(1, 30)))  # past 40, 200, 300 chars


@st.composite
def block_rows(draw) -> list[BlockRow]:
    pool = draw(st.lists(long_texts, min_size=1, max_size=8))  # rows share texts, as a page's rows do
    text = st.one_of(st.sampled_from(pool), long_texts)
    floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from([0.0, -0.0, 0.15, 0.85, 0.2, 0.6, 1.0, 0.1, 0.5, 5e-324]))
    out = []
    for _ in range(draw(st.integers(1, 12))):
        out.append(BlockRow(
            draw(text), draw(text), draw(text), draw(text),
            draw(st.sampled_from(["p", "div", "li", "h2", "a b", "", " x", "tag\u00a0y", "漢"])),
            draw(st.sampled_from([(), ("nav",), ("footer", "footer", "copyright"), ("a b", "c"), ("",)])),
            draw(floats), draw(floats),
            draw(st.integers(0, 10**6)),
            draw(st.booleans()),
            draw(st.sampled_from(["", "head", "tail"])),
        ))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=block_rows(), which=st.integers(0, len(PARAMS) - 1))
def test_random_unicode_rows_give_the_same_matrix(rows, which):
    assert_same(BlockFeatures(**PARAMS[which]).fit([]), rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=block_rows(), cues=st.lists(st.tuples(*[st.integers(0, 9)] * 3), min_size=12, max_size=12))
def test_given_cues_give_the_same_matrix(rows, cues):
    feats = BlockFeatures(binary_words=True, layout_weight=0.3).fit([])
    assert_same(feats, rows, np.array(cues[: len(rows)], dtype=np.int64))


def row(text: str, prev: str = "", nxt: str = "", heading_above: str = "", **kw) -> BlockRow:
    fields = dict(tag="p", path=("article",), position=0.5, link_density=0.0, n_words=len(text.split()),
                  heading=False, unit="")
    fields.update(kw)
    return BlockRow(text, prev, nxt, heading_above, **fields)


# ---- hand-written cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("params", SETTINGS)
def test_edge_texts(params):
    feats = BlockFeatures(**params).fit([])
    cases = [
        "", " ", "a", "ab", "abc", "abcd", "abcde", "abcdef", "a b", "  x  y  ",  # words around n
        "İstanbul İİ", "STRASSE ß ẞ", "ΣΟΦΟΣ ΣΑΣ.", "x" * 299 + " yz", "x" * 298 + " yz", "y" * 1000,
        "٣٤ ١٢٣ 12 ０１ 𝟘 ² ½", "a_b __ _", "e\u0301\u0301", "\U0001f600\U0001f600 \U0001f600",
        "tab\tsep\x1cfs\x85nel\u2028ls\xa0nb\u200bzw", "©2024", "(C) Brand", "(c)", "ALL CAPS HERE", "ABC",
        "ÀÖØÞ ×", " \n  Disclaimer: we earn from links", "1 2 3 4 5 6", "a" * 40 + " b", "7" * 45 + "x",
    ]
    rows = [row(t, cases[i - 1], cases[(i + 1) % len(cases)], cases[i // 2]) for i, t in enumerate(cases)]
    assert_same(feats, rows)
    assert_same(feats, rows[:1])
    assert_same(feats, [row("")])


def test_layout_values():
    feats = BlockFeatures(layout_weight=0.3).fit([])
    rows = [
        row("x", position=p, link_density=d, heading=h, tag=t, unit=u, path=path)
        for p in (0.0, 0.15, 0.5, 0.85, 0.9, math.nan, -1.0, 2.0)
        for d in (0.0, 0.2, 0.21, 0.6, 0.61, math.nan)
        for h, t, u, path in ((False, "p", "", ()), (True, "h2", "head", ("a", "a", "b")), (False, "a b", "tail", (" c",)))
    ]
    assert_same(feats, rows)
    # positions that are not floats take the Python bucket (and dense columns)
    assert_same(feats, [row("x", position=0, link_density=1), row("y", position=1, link_density=0)])


def test_n_words_and_cues_in_the_dense_columns():
    feats = BlockFeatures().fit([])
    rows = [row("w", n_words=n) for n in (0, 1, 2, 100, 4095, 4096, 65535, 10**6, 2**40, 2**63, 2**70)]
    assert_same(feats, rows)
    assert_same(feats, rows, np.array([[i, 2 * i, 3 * i] for i in range(len(rows))], dtype=np.int64))
    assert_same(feats, rows, np.array([[-(2**63), 2**63 - 1, 7]] * len(rows), dtype=np.int64))
    for cues in ([[1, 2, 3]] * len(rows), np.ones((len(rows), 3), dtype=np.int32)):  # not int64: Python's
        assert_same(feats, rows, cues)
    with pytest.raises(ValueError):  # math.log1p(-1), both ways
        feats.transform([row("w", n_words=-1)])
    with pytest.raises(ValueError):
        feats._transform_python([row("w", n_words=-1)])


def test_a_lone_surrogate_where_python_encodes_it_goes_to_the_python_path():
    feats = BlockFeatures().fit([])
    bad = [row("ok \ud800 there")]
    assert feats._transform_fast(bad) is None
    with pytest.raises(UnicodeEncodeError):
        feats._transform_python(bad)
    with pytest.raises(UnicodeEncodeError):
        feats.transform(bad)
    # where the Python path never encodes it (context, past the character n-grams' 300), both agree
    assert_same(feats, [row("fine", "\ud800 prev", "next \udfff", "\ud83d"), row("x" * 300 + " \ud800")])


def test_rows_that_are_not_strs_go_to_the_python_path():
    feats = BlockFeatures().fit([])
    assert feats._transform_fast([row("x", prev=None)]) is None
    with pytest.raises((TypeError, AttributeError)):
        feats.transform([row("x", prev=None)])


def test_parameters_the_kernel_does_not_take_go_to_the_python_path():
    rows = [row("Sponsored content here")]
    for params in (dict(word_bits=31), dict(char_ngrams=(0, 2)), dict(text_weight=True)):
        feats = BlockFeatures(**params).fit([])
        assert feats._transform_fast(rows) is None, params


def test_place_memo_stays_bounded(monkeypatch):
    feats = BlockFeatures().fit([])
    rows = [row(f"t{i}", tag=f"tag{i}", path=(f"p{i % 7}",)) for i in range(50)]
    monkeypatch.setattr(F, "_MEMO_ITEMS", 8)
    for _ in range(3):
        assert_same(feats, rows)
        assert len(F._PLACE_MEMO) <= 8 + len(rows)


def test_transform_takes_the_kernel_and_pure_python_the_other_path(monkeypatch):
    feats = BlockFeatures().fit([])
    rows = [row("Sponsored content", "prev", "next")]
    fast = feats.transform(rows)
    monkeypatch.setattr(F, "_fasthash", None)
    assert feats._transform_fast(rows) is None
    slow = feats.transform(rows)
    assert np.array_equal(fast.data, slow.data) and np.array_equal(fast.indices, slow.indices)


# ---- our own corpus, end to end -------------------------------------------------------------------


def _corpus_rows(n: int) -> list[list[BlockRow]]:
    from detector import InputError
    from detector.io import read_input
    from detector.segment import segment

    files = sorted(p for p in PAGES.iterdir() if p.is_file())
    assert len(files) > 100
    pages = []
    for f in random.Random(0).sample(files, n):
        try:
            page = segment(read_input(str(f)))
        except InputError:  # a page the detector refuses has no rows
            continue
        if page.blocks:
            pages.append(rows_for_page(page))
    return pages


def test_data_pages_give_the_same_matrices():
    from detector.model import DetectorModel

    pages = _corpus_rows(160)
    assert len(pages) > 100
    shipped = DetectorModel.load().blocks.features_.get_params()
    n_rows = 0
    for params in (shipped, PARAMS[0], PARAMS[2]):
        feats = BlockFeatures(**params).fit([])
        for rows in pages:
            assert_same(feats, rows, row_cues(rows))
            n_rows += len(rows)
    assert n_rows > 3000


# ---- the fused product (features and weights in one kernel call) ----------------------------------


def _classifier(feats: BlockFeatures, coef, intercept):
    """A BlockClassifier over ``feats`` with these weights (``coef``: n_classes x n_features)."""
    from detector.estimator import Linear
    from detector.model import BlockClassifier

    clf = BlockClassifier(features=feats)
    clf.features_ = feats
    clf.clf_ = Linear(coef, np.asarray(intercept, dtype=np.float32), np.arange(len(intercept)))
    clf.classes_ = np.arange(len(intercept))
    return clf


_RANDOM_CLASSIFIERS: dict[tuple[int, int], object] = {}
FUSED_PARAMS = [PARAMS[0], PARAMS[2], PARAMS[3]]  # (the widest one's dense weights would take 100 MB)


def random_classifier(which: int, classes: int = 5):
    """Random dense weights over FUSED_PARAMS[which], with random columns (and one class) all zero. Five
    classes take the kernel's general product, six its unrolled one (fh_rows6, the shipped model's)."""
    got = _RANDOM_CLASSIFIERS.get((which, classes))
    if got is None:
        feats = BlockFeatures(**FUSED_PARAMS[which]).fit([])
        rng = np.random.default_rng(which)
        coef = rng.normal(0, 0.7, size=(classes, feats.n_features_out_)).astype(np.float32)
        coef[:, rng.random(feats.n_features_out_) < 0.6] = 0.0
        coef[3] = 0.0
        coef[:, -3:] = rng.normal(0, 1e6, size=(classes, 3))  # large products on the dense columns
        got = _RANDOM_CLASSIFIERS[(which, classes)] = _classifier(feats, coef, rng.normal(0, 0.5, size=classes))
    return got


def csr_scores(clf, M: sp.csr_matrix) -> np.ndarray:
    """predict_proba_matrix's z before its softmax: the CSR product."""
    W, col_map = clf._weights()
    M = sp.csr_matrix((M.data, col_map[M.indices], M.indptr), shape=(M.shape[0], W.shape[0]))
    return np.asarray(M @ W) + clf.clf_.intercept_


def assert_same_scores(clf, rows: list[BlockRow], cues: np.ndarray | None = None) -> None:
    """The kernel's fused z equals the CSR product's, bit for bit, on the Python path's matrix."""
    cues = row_cues(rows) if cues is None else cues
    W, col_map = clf._weights()
    got = clf.features_._scores_fast(rows, cues, W, col_map, clf.clf_.intercept_)
    assert got is not None, "the kernel left the rows to the CSR path"
    want = csr_scores(clf, clf.features_._transform_python(rows, cues))
    assert got.dtype == want.dtype == np.float32 and got.shape == want.shape
    # bit for bit, but a NaN is a NaN: its sign and payload depend on the order of the additions that made it
    # (a row of NaN or overflowing layout values, which only fuzzing makes)
    nan = np.isnan(got) & np.isnan(want)
    differs = (got.view(np.int32) != want.view(np.int32)) & ~nan
    if differs.any():
        bad = np.flatnonzero(differs.any(axis=1))[0]
        raise AssertionError(f"z differs in row {bad}: {rows[bad]!r}\nfused: {got[bad]}\nCSR:   {want[bad]}")
    # and predict_proba's probabilities (which take the fused path) are predict_proba_matrix's
    proba = clf._raw_proba(rows, cues)
    ref = clf.predict_proba_matrix(clf.features_._transform_python(rows, cues))
    assert np.array_equal(proba.view(np.int32), ref.view(np.int32))


@pytest.fixture(scope="module")
def shipped():
    from detector.model import DetectorModel

    return DetectorModel.load().blocks


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                    HealthCheck.function_scoped_fixture])
@given(rows=block_rows(), which=st.integers(-1, len(FUSED_PARAMS) - 1), classes=st.sampled_from([5, 6]))
def test_random_rows_give_the_same_scores(shipped, rows, which, classes):
    assert_same_scores(shipped if which < 0 else random_classifier(which, classes), rows)


def test_data_pages_give_the_same_scores(shipped):
    pages = _corpus_rows(120)
    for clf in (shipped, random_classifier(0), random_classifier(1), random_classifier(0, 6), random_classifier(2, 6)):
        for rows in pages:
            assert_same_scores(clf, rows, row_cues(rows))


def test_predict_proba_takes_the_fused_path_and_the_matrix_without_it(shipped, monkeypatch):
    rows = _corpus_rows(3)[0]
    calls = []
    real = BlockFeatures._scores_fast
    monkeypatch.setattr(BlockFeatures, "_scores_fast", lambda *a: calls.append(1) or real(*a))
    fused = shipped.predict_proba(rows)
    assert calls
    monkeypatch.setattr(F, "_fasthash", None)
    assert np.array_equal(fused, shipped.predict_proba(rows))


def test_weights_the_kernel_does_not_take_go_to_the_csr_path(shipped):
    rows = [row("Sponsored content here", "prev", "next")]
    feats, cues = shipped.features_, row_cues(rows)
    W, col_map = shipped._weights()
    b = shipped.clf_.intercept_
    for args in ((W.astype(np.float64), col_map, b), (W, col_map.astype(np.int64), b), (W, col_map, b.astype(np.float64)),
                 (np.asfortranarray(W), col_map, b), (W, col_map[:10], b), (W[:, :2], col_map, b)):
        assert feats._scores_fast(rows, cues, *args) is None
    bad_map = col_map.copy()
    bad_map[:] = W.shape[0]  # a row of W that is not there
    assert feats._scores_fast(rows, cues, W, bad_map, b) is None


def _numpy_weights(clf):
    kept, weights, n_features = clf.column_weights()
    W = np.zeros((len(kept) + 1, weights.shape[1]), dtype=np.float32)
    W[:-1] = weights
    col_map = np.full(n_features, len(kept), dtype=np.int32)
    col_map[kept] = np.arange(len(kept))
    return W, col_map


def test_the_kernels_dense_weights_are_numpys(shipped):
    """dense_weights (model._weights in C): the shipped model's, and random CSR weights with explicit zeros,
    empty classes, NaN and a column listed twice (the last weight wins, as in numpy's assignment)."""
    from detector.estimator import Linear
    from detector.model import _dense_weights_fast

    got = _dense_weights_fast(shipped.clf_)
    assert got is not None  # the shipped model's weights are float32 CSR arrays
    want = _numpy_weights(shipped.clf_)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape and g.flags.c_contiguous and np.array_equal(g, w)
    rng = np.random.default_rng(7)
    for n_classes, n_features, nnz in [(1, 1, 0), (1, 5, 5), (3, 50, 40), (6, 1000, 900), (2, 7, 0)]:
        rows = np.sort(rng.integers(0, n_classes, nnz))
        indices = rng.integers(0, n_features, nnz).astype(np.int32)
        data = rng.normal(size=nnz).astype(np.float32)
        data[rng.random(nnz) < 0.2] = 0  # explicit zeros: not weighted
        if nnz:
            data[0] = np.nan
        indptr = np.searchsorted(rows, np.arange(n_classes + 1)).astype(np.int32)
        clf = Linear((data, indices, indptr, (n_classes, n_features)), np.zeros(n_classes), np.arange(n_classes))
        got = _fasthash.dense_weights(data, indices, indptr, n_features)
        # the rule by hand: the columns with a non-zero weight in order, each duplicate's last weight
        weighted = sorted({int(c) for c, v in zip(indices, data) if v != 0})
        W = np.zeros((len(weighted) + 1, n_classes), dtype=np.float32)
        at = {c: i for i, c in enumerate(weighted)}
        for r in range(n_classes):
            for j in range(indptr[r], indptr[r + 1]):
                if data[j] != 0:
                    W[at[int(indices[j])], r] = data[j]
        col_map = np.array([at.get(c, len(weighted)) for c in range(n_features)], dtype=np.int32)
        assert np.array_equal(got[0], W, equal_nan=True) and np.array_equal(got[1], col_map)
        if len(set(indices.tolist())) == nnz:  # no duplicates: numpy's own path gives the same
            w2, c2 = _numpy_weights(clf)
            assert np.array_equal(got[0], w2, equal_nan=True) and np.array_equal(got[1], c2)
    # what it does not take: the caller then runs numpy
    d, i, p = np.ones(2, np.float32), np.array([0, 1], np.int32), np.array([0, 2], np.int32)
    assert _fasthash.dense_weights(d.astype(np.float64), i, p, 2) is None
    assert _fasthash.dense_weights(d, i.astype(np.int64), p, 2) is None
    assert _fasthash.dense_weights(d, i, np.array([0, 1], np.int32), 2) is None  # indptr does not end at nnz
    assert _fasthash.dense_weights(d, i, np.array([0, 2, 1, 2], np.int32), 2) is None  # indptr goes down
    assert _fasthash.dense_weights(d, np.array([0, 2], np.int32), p, 2) is None  # a column past n_features
    assert _fasthash.dense_weights(d, np.array([-1, 0], np.int32), p, 2) is None
    assert _fasthash.dense_weights(list(d), i, p, 2) is None


def test_the_kernels_lower_is_str_lower_over_the_whole_bmp():
    """fh_lower (a table for ASCII, the simple case mapping elsewhere) gives str.lower() for every character
    of the BMP, surrogates included, alone and beside ASCII, Latin-1 and two-byte text, and always a str of
    the narrowest kind (a wider one would compare unequal). The characters it hands to str.lower() (U+0130,
    final sigma) and four-byte strs too."""
    bad = []
    for c in range(0x10000):
        ch = chr(c)
        for t in (ch, "Ab" + ch + "Z", ch + "\u2019x", "\xe9" + ch, ch * 3):
            got = _fasthash.lower(t)
            if got != t.lower() or type(got) is not str:
                bad.append(hex(c))
    assert not bad, bad[:20]
    for t in ["ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ", "İSTANBUL", "\u0178", "\u212a", "𝐀BC \U0001041c", "", "ABC", "ÀÉÎ"]:
        assert _fasthash.lower(t) == t.lower()


# ---- the kernel's cross-page memo of short texts --------------------------------------------------


@pytest.fixture
def fresh_memo():
    _fasthash.clear_memo()
    yield
    _fasthash.clear_memo()


def test_the_memo_gives_the_same_matrices_and_scores_twice_cleared_and_interleaved(shipped, fresh_memo):
    pages = _corpus_rows(40)
    a = BlockFeatures(**PARAMS[0]).fit([])
    b = BlockFeatures(**PARAMS[2]).fit([])
    c = BlockFeatures(**dict(PARAMS[0], layout_weight=-0.0, char_weight=-1.0)).fit([])  # 0.0 == -0.0, not the same
    for rows in pages:
        for feats in (a, b, c, a, shipped.features_):  # a page twice, parameter sets interleaved
            assert_same(feats, rows)
        assert_same_scores(shipped, rows)
        assert_same_scores(shipped, rows)
        assert_same_scores(random_classifier(1), rows)
    assert len(_fasthash.memo_info()) >= 4
    assert sum(n for n, _ in _fasthash.memo_info().values()) > 100
    _fasthash.clear_memo()
    assert not _fasthash.memo_info()
    for rows in pages[:5]:
        assert_same_scores(shipped, rows)
        assert_same(b, rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                   HealthCheck.function_scoped_fixture])
@given(pages=st.lists(block_rows(), min_size=2, max_size=4), which=st.lists(st.integers(0, len(PARAMS) - 2), min_size=4,
                                                                          max_size=4))
def test_random_pages_in_a_row_give_the_same_matrices(pages, which):
    """Pages that share texts, transformed one after another with varying parameters (the memo warm)."""
    shared = [r.text for rows in pages for r in rows]
    for k, rows in enumerate(pages):
        rows = rows + [r._replace(text=shared[(i * 7 + k) % len(shared)]) for i, r in enumerate(rows)]
        assert_same(BlockFeatures(**PARAMS[which[k]]).fit([]), rows)
        assert_same(BlockFeatures(**PARAMS[which[(k + 1) % 4]]).fit([]), rows)


def test_the_memo_stays_bounded(fresh_memo):
    feats = BlockFeatures().fit([])
    old = _fasthash.set_memo_limits(10, 1 << 30)
    try:
        for k in range(5):
            rows = [row(f"text {k} {i} here", f"p{i}", f"n{i}") for i in range(30)]
            assert_same(feats, rows)
            assert_same(feats, rows)
            assert all(n <= 10 for n, _ in _fasthash.memo_info().values())
        _fasthash.set_memo_limits(1 << 14, 5000)
        for _ in range(5):
            rows = [row(("x%d " % i) * 40, "p", "n") for i in range(30)]
            assert_same(feats, rows)
            assert all(size <= 5000 for _, size in _fasthash.memo_info().values())
        # long texts are not remembered
        _fasthash.clear_memo()
        assert_same(feats, [row("y" * 257), row("z" * 300)])
        assert sum(n for n, _ in _fasthash.memo_info().values()) == 0
        assert_same(feats, [row("y" * 256)])
        assert sum(n for n, _ in _fasthash.memo_info().values()) == 1
    finally:
        _fasthash.set_memo_limits(*old)
    for _ in range(12):  # parameter sets: a bounded number of memos
        BlockFeatures(context_weight=float("nan")).fit([])._transform_fast([row("a b")])
    assert len(_fasthash.memo_info()) <= 8


def test_a_text_remembered_then_seen_with_a_lone_surrogate_page_goes_to_python(fresh_memo):
    feats = BlockFeatures().fit([])
    assert_same(feats, [row("menu item"), row("Home")])
    bad = [row("menu item"), row("ok \ud800 there")]
    assert feats._transform_fast(bad) is None
    assert_same(feats, [row("Home"), row("menu item", "Home", "menu item")])


# ---- the weights as the model stores them ----------------------------------------------------------


def test_linear_pickles_sparse_weights_as_arrays_and_reads_them_without_scipy() -> None:
    """A sparse ``coef_`` is pickled as its CSR arrays; ``column_weights`` reads them as the densified
    matrix's non-zero columns; ``coef_`` is the same matrix again; a Linear pickled the old way loads."""
    import pickle

    import scipy.sparse as sp

    from detector.estimator import Linear

    rng = np.random.default_rng(7)
    dense = rng.normal(size=(4, 300)).astype(np.float32)
    dense[:, rng.random(300) < 0.7] = 0.0
    dense[2, 5] = 0.0
    coef = sp.csr_matrix(dense)
    coef.data[0] = 0.0  # an explicit zero: not a weighted column on its own
    lin = Linear(coef, np.zeros(4, dtype=np.float32), np.arange(4))
    state = lin.__getstate__()
    assert set(state) == {"coef_csr", "intercept_", "classes_"}
    assert all(isinstance(a, np.ndarray) for a in state["coef_csr"][:3]) and state["coef_csr"][3] == (4, 300)
    back = pickle.loads(pickle.dumps(lin))
    full = coef.toarray()
    for got in (lin, back, Linear(full, lin.intercept_, lin.classes_)):
        cols, w, n = got.column_weights()
        assert n == 300
        assert np.array_equal(cols, np.flatnonzero(np.any(full.T != 0, axis=1)))
        assert np.array_equal(w, full.T[cols])
    assert (back.coef_ != coef).nnz == 0 and sp.issparse(back.coef_)
    old = Linear.__new__(Linear)
    old.__setstate__({"coef_": coef, "intercept_": lin.intercept_, "classes_": lin.classes_})
    assert old.coef_ is coef and np.array_equal(old.column_weights()[1], w)


def test_lay_out_sets_the_offsets_and_word_counts_segment_sets_in_python() -> None:
    import re

    from detector.segment import Block

    rnd = random.Random(17)
    pool = "ab _1\u00e9\u0660\u00a0\u2028\u0301.\U0001f600"
    for n in [0, 1, 2, 7, 300]:
        texts = ["".join(rnd.choice(pool) for _ in range(rnd.randrange(0, 40))) for _ in range(n)]
        blocks = [Block(index=i, text=t) for i, t in enumerate(texts)]
        _fasthash.lay_out(blocks, texts)
        total = (sum(map(len, texts)) + len(texts)) or 1
        pos = 0
        for b, t in zip(blocks, texts):
            assert (b.start, b.end, b.words) == (pos, pos + len(t), len(re.findall(r"\w+", t)))
            assert b.position == pos / total and type(b.position) is float
            pos += len(t) + 1
    with pytest.raises(ValueError):
        _fasthash.lay_out([Block(index=0, text="x")], [])


def test_block_rows_are_rows_for_page_made_in_python(monkeypatch) -> None:
    """_fasthash.block_rows gives rows_for_page's rows exactly, on every data/ page (blocks and units),
    and leaves a page it cannot read (a block out of place, a unit longer than its block) to Python."""
    from detector.io import read_input
    from detector.segment import Block, Page, segment

    pages = [segment(read_input(str(f))) for f in sorted(PAGES.glob("*"))[:300]]
    made = [_fasthash.block_rows(p.blocks, p.units, BlockRow, F.CONTEXT_MAX) for p in pages]
    monkeypatch.setattr(F, "_fasthash", None)
    n_units = 0
    for p, rows in zip(pages, made):
        want = rows_for_page(p)
        assert rows is not None and rows == want and all(type(r) is BlockRow for r in rows)
        assert [type(v) for r in rows for v in r] == [type(v) for r in want for v in r]
        n_units += len(p.units)
    assert n_units > 100
    a, b = Block(index=0, text="One two three."), Block(index=1, text="x")
    assert _fasthash.block_rows([b, a], [], BlockRow, 200) is None  # indices out of place
    long_unit = Block(index=-1, text="a much longer text than its block", parent=1, unit="tail")
    assert _fasthash.block_rows([a, b], [long_unit], BlockRow, 200) is None
    assert _fasthash.block_rows([a, b], [], BlockRow, 200) == rows_for_page(Page("", [a, b], "text"))


def test_block_fields_through_their_slots_only_for_the_registered_class(monkeypatch) -> None:
    """segment.Block registers itself with the kernel, which then reads and writes its fields at their slots'
    offsets. Another class (a subclass, a class without slots, a frozen one) is refused or read through
    getattr: the same rows and units, and a missing field still raises AttributeError."""
    import dataclasses

    from detector import segment as S
    from detector.segment import Block, Page

    assert _fasthash.use_block_type(Block)
    try:
        sub = dataclasses.make_dataclass("Sub", [], bases=(Block,), slots=True)
        plain = dataclasses.make_dataclass("Plain", [(f.name, f.type, dataclasses.field(default=f.default))
                                                     for f in dataclasses.fields(Block)])
        frozen = dataclasses.make_dataclass("Frozen", [(f.name, f.type, dataclasses.field(default=f.default))
                                                       for f in dataclasses.fields(Block)], slots=True, frozen=True)
        for cls in (plain, frozen, int, "Block"):
            assert not _fasthash.use_block_type(cls)
        assert _fasthash.use_block_type(Block)
        text = ("Sponsored. This article was paid for by a company that sells the things it is about, at length. "
                "Read more about the company on its own site today.")
        for cls in (Block, sub):
            blocks = [cls(index=0, text="A heading"), cls(index=1, text=text, tag="p", path=("main",), link_chars=5),
                      cls(index=2, text="Share this")]
            pieces = [b.text for b in blocks]
            _fasthash.lay_out(blocks, pieces)
            total = len(text) + 22  # the texts' lengths, each plus its newline (9 + 1, len(text) + 1, 10 + 1)
            assert [(b.start, b.end, b.position, b.words) for b in blocks] == [
                (0, 9, 0.0, 2), (10, 10 + len(text), 10 / total, len(text.split())),
                (11 + len(text), 21 + len(text), (11 + len(text)) / total, 2)]
            units = _fasthash.sentence_units(blocks, cls, S.UNIT_MIN_CHARS, S.MIN_UNIT_WORDS)
            fields_of = lambda us: [{**dataclasses.asdict(u), "words": u.n_words} for u in us]  # noqa: E731
            assert fields_of(units) == fields_of(S_units(blocks))
            assert len(units) == 2 and all(type(u) is cls for u in units)
            rows = _fasthash.block_rows(blocks, units, BlockRow, F.CONTEXT_MAX)
            monkeypatch.setattr(F, "_fasthash", None)
            assert rows == rows_for_page(Page("\n".join(pieces), blocks, "text", units=units))
            monkeypatch.undo()
        empty = Block.__new__(Block)  # no field set: getattr's AttributeError, not a crash
        with pytest.raises(AttributeError):
            _fasthash.block_rows([empty], [], BlockRow, 200)
    finally:
        assert _fasthash.use_block_type(Block)


def S_units(blocks):
    from detector import segment as S

    return [u for b in blocks if not b.heading and len(b.text) >= S.UNIT_MIN_CHARS for u in S.sentence_units(b)]


def test_sentence_units_in_c_are_segments_units() -> None:
    """_fasthash.sentence_units cuts the same units as segment.sentence_units (fields and word counts),
    on random blocks made of the characters its two patterns look at."""
    from detector import segment as S

    rnd = random.Random(23)
    pieces = ["Word", "word", "x", "É", "Ā", "7", ".", "!", "?", "\u2026", '"', "'", "\u201d", "\u2019", ")", "(",
              "\u201c", "\u201e", "[", "]", "*", ":", " ", "  ", "\n", "\u00a0", "\u2028", "a b c d e f g h i j",
              "(Sponsored note here.)", "[Werbung]", "*Anzeige*", "Ends here. Next one", "q"]
    blocks = []
    for i in range(6000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 60)))
        blocks.append(S.Block(index=i, text=text, start=rnd.randrange(0, 99), tag="p", path=("div",), depth=3,
                              link_chars=2, heading=rnd.random() < 0.1, position=rnd.random()))
    for b in blocks:
        b.words = b.n_words
    want = [u for b in blocks if not b.heading and len(b.text) >= S.UNIT_MIN_CHARS for u in S.sentence_units(b)]
    got = _fasthash.sentence_units(blocks, S.Block, S.UNIT_MIN_CHARS, S.MIN_UNIT_WORDS)
    assert got == want and len(want) > 1000
    assert [u.words for u in got] == [u.n_words for u in want]
    assert {u.unit for u in got} == {"head", "tail"}


@pytest.mark.parametrize("bits", [1, 6, 14, 16, 18])
def test_the_kernels_column_sort_sorts_any_input_even_one_made_to_collide(bits):
    """fh_sort_cols (one bucket pass and an insertion sort, or a radix sort where a bucket is crowded)."""
    from detector.compiled import fasthash

    if fasthash is None:
        pytest.skip("the C kernel is not built")
    rng = random.Random(bits)
    top = 1 << bits
    for n in [0, 1, 2, 40, 41, 100, 255, 256, 900, 5000]:
        for values in ([rng.randrange(top) for _ in range(n)], [top - 1] * n, list(range(min(n, top)))[::-1],
                       [rng.randrange(min(top, 8)) for _ in range(n)]):
            assert fasthash.sort_cols(values, bits) == sorted(values)
    # 200,000 columns in one bucket of the top bits, in random order (a page crafted against the hash): an
    # insertion sort would take ~10**10 steps; the radix sort takes over
    if bits >= 18:
        crowded = [rng.randrange(128) for _ in range(200_000)]
        assert fasthash.sort_cols(crowded, bits) == sorted(crowded)
