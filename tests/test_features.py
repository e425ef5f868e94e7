"""Block and page features: detector.features."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from detector.features import BlockFeatures, BlockRow, rows_for_page
from detector.io import RawPage
from detector.labels import CLASSES
from detector.pagefeatures import PAGE_FEATURE_NAMES, page_features
from detector.segment import Page, segment

HTML = (
    "<nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
    "<h2>Our partner</h2>"
    "<p>(This is a sponsored article.) Time to market matters for every team that ships software, "
    "and this long editorial sentence keeps going for a while. Thanks to Brand for supporting us.</p>"
    "<p>The second paragraph is plain prose with 2 numbers like 42 in it.</p>"
    "<footer>© 2024 Example</footer>"
)
SMALL = dict(word_bits=8, char_bits=8, context_bits=6, layout_bits=6)


@pytest.fixture
def page() -> Page:
    return segment(RawPage(text=HTML, kind="html", path="p.html", encoding="utf-8"))


def test_rows_for_page_gives_one_row_per_block_then_units(page):
    rows = rows_for_page(page)
    assert len(page.units) == 2
    assert len(rows) == len(page.blocks) + len(page.units)
    assert [r.text for r in rows] == [b.text for b in page.blocks] + [u.text for u in page.units]
    assert [r.unit for r in rows[-2:]] == ["head", "tail"]


def test_rows_for_page_gives_neighbours_as_context(page):
    rows = rows_for_page(page)
    assert rows[0].prev == "" and rows[0].next == "Our partner"
    assert rows[2].prev == "Our partner"
    assert rows[2].next.startswith("The second paragraph")
    assert rows[-1 - len(page.units)].next == ""  # last block has no next


def test_paragraph_under_a_heading_has_it_as_heading_above(page):
    rows = rows_for_page(page)
    para = rows[2]
    assert page.blocks[1].heading
    assert para.heading_above == "Our partner"
    assert rows[1].heading_above != "Our partner"  # the heading itself is not under itself


def test_heading_above_is_forgotten_after_four_blocks():
    paras = "".join(f"<p>Paragraph number {i} is a complete sentence.</p>" for i in range(6))
    page = segment(RawPage(text="<h2>Section</h2>" + paras, kind="html", path="p", encoding="utf-8"))
    above = [r.heading_above for r in rows_for_page(page)[1:]]
    assert above[:4] == ["Section"] * 4
    assert above[4:] == ["", ""]


def test_unit_rows_take_context_from_their_own_block(page):
    rows = rows_for_page(page)
    head, tail = rows[-2], rows[-1]
    assert head.text == "(This is a sponsored article.)"
    assert head.next.startswith(" Time to market")
    assert head.heading_above == "Our partner"
    assert tail.prev.endswith("keeps going for a while. ")
    assert head.link_density == 0.0 and tail.link_density == 0.0


@pytest.mark.parametrize(
    "params", [pytest.param({}, id="default-bits"), pytest.param(SMALL, id="small-bits")]
)
def test_transform_shape_matches_n_features_out(page, params):
    rows = rows_for_page(page)
    feats = BlockFeatures(**params).fit([])
    X = feats.transform(rows)
    assert sp.issparse(X)
    assert X.shape == (len(rows), feats.n_features_out_)
    assert X.dtype == np.float32
    assert X.nnz > 0


def test_transform_is_deterministic_and_stateless(page):
    rows = rows_for_page(page)
    a = BlockFeatures(**SMALL).fit(rows).transform(rows)
    b = BlockFeatures(**SMALL).fit([]).transform(rows)
    assert (a != b).nnz == 0
    single = BlockFeatures(**SMALL).fit([]).transform(rows[2:3])
    assert (single != a[2:3]).nnz == 0  # a row's features do not depend on the other rows


def test_different_blocks_get_different_features(page):
    X = BlockFeatures(**SMALL).fit([]).transform(rows_for_page(page)).toarray()
    assert not np.array_equal(X[0], X[3])


def test_digits_are_normalised_so_numbers_hash_alike():
    def row(text: str) -> BlockRow:
        return BlockRow(text, "", "", "", "p", (), 0.5, 0.0, 3, False, "")

    X = BlockFeatures(**SMALL).fit([]).transform([row("Offer ends 2024"), row("Offer ends 1999")])
    assert (X[0] != X[1]).nnz == 0


def test_transform_of_no_rows_is_an_empty_matrix():
    feats = BlockFeatures(**SMALL).fit([])
    assert feats.transform([]).shape == (0, feats.n_features_out_)


def test_block_features_get_params_round_trip():
    feats = BlockFeatures(word_bits=10, context_weight=0.25)
    params = feats.get_params()
    assert params["word_bits"] == 10 and params["context_weight"] == 0.25
    assert not hasattr(feats, "n_features_out_")  # fitted attribute appears only after fit


def _proba(n: int, rng: np.random.Generator) -> np.ndarray:
    p = rng.random((n, len(CLASSES)))
    return p / p.sum(axis=1, keepdims=True)


def test_page_features_are_finite_and_named(page):
    rows = rows_for_page(page)
    proba = _proba(len(rows), np.random.default_rng(0))
    out = page_features(proba, rows, CLASSES)
    assert out.shape == (len(PAGE_FEATURE_NAMES),)
    assert np.all(np.isfinite(out))
    assert out[0] == pytest.approx(proba[:, CLASSES.index("sponsored")].max())
    assert out[0] >= out[1]


@pytest.mark.parametrize(
    "p_sponsored", [pytest.param(0.0, id="zero"), pytest.param(1.0, id="one")]
)
def test_page_features_stay_finite_at_extreme_probabilities(page, p_sponsored):
    rows = rows_for_page(page)
    proba = np.zeros((len(rows), len(CLASSES)))
    proba[:, CLASSES.index("sponsored")] = p_sponsored
    proba[:, CLASSES.index("editorial")] = 1 - p_sponsored
    out = page_features(proba, rows, CLASSES)
    assert np.all(np.isfinite(out))
    assert np.sign(out[PAGE_FEATURE_NAMES.index("bias_logit_max")]) == (1 if p_sponsored else -1)


def test_page_features_of_an_empty_page_are_finite_zeros():
    empty = Page(text="", blocks=[], kind="html")
    rows = rows_for_page(empty)
    assert rows == []
    out = page_features(np.zeros((0, len(CLASSES))), rows, CLASSES)
    assert out.shape == (len(PAGE_FEATURE_NAMES),)
    assert np.all(np.isfinite(out)) and not out.any()


def test_page_features_tolerate_missing_classes(page):
    rows = rows_for_page(page)
    proba = np.full((len(rows), 2), 0.5)
    out = page_features(proba, rows, ["editorial", "sponsored"])
    assert np.all(np.isfinite(out))
    assert out[PAGE_FEATURE_NAMES.index("max_affiliate")] == 0.0


# -- the fast transform is the vectorizers' transform -------------------------------------------------
def _reference_layout_tokens(r: BlockRow) -> str:
    """The layout tokens by the reference rule (one function, lower-casing the whole text)."""
    from detector.features import _HEAD_WORDS, _LETTER, _UPPER, _norm

    toks = ["tag_" + r.tag, "unit_" + (r.unit or "block")]
    toks += ["in_" + t for t in set(r.path)]
    if r.path:
        toks.append("last_" + r.path[-1])
    pos = "top" if r.position < 0.15 else "end" if r.position > 0.85 else "mid"
    toks.append("pos_" + pos)
    if r.heading:
        toks.append("heading")
    if r.link_density > 0.6:
        toks.append("links_high")
    elif r.link_density > 0.2:
        toks.append("links_some")
    t = r.text.lstrip()
    head = _HEAD_WORDS.findall(_norm(t[:40]))[:2]
    if head:
        toks.append("first_" + head[0])
        if len(head) > 1:
            toks.append("first2_" + "_".join(head))
    if "©" in t or "(c)" in t.lower():
        toks.append("has_copyright_sign")
    letters = len(_LETTER.findall(t[:200])) or 1
    caps = len(_UPPER.findall(t[:200])) / letters
    if caps > 0.7 and letters > 3:
        toks.append("all_caps")
    return " ".join(toks)


def _reference_transform(feats: BlockFeatures, X: list[BlockRow]) -> sp.csr_matrix:
    """BlockFeatures.transform by reference: each of _vectorizers() on its texts, stacked."""
    from detector.features import CHAR_MAX, _dense, _norm

    words, chars, context, layout = feats._vectorizers()
    texts = [_norm(r.text) for r in X]
    w = feats.context_weight
    mats = [
        words.transform(texts) * feats.text_weight,
        chars.transform([t[:CHAR_MAX] for t in texts]) * feats.char_weight,
        context.transform([_norm(r.prev) + " " + _norm(r.heading_above) for r in X]) * w,
        context.transform([_norm(r.next) for r in X]) * w,
        layout.transform([_reference_layout_tokens(r) for r in X]) * feats.layout_weight,
        _dense(X),
    ]
    return sp.hstack(mats, format="csr", dtype=np.float32)


_PIECES = [
    "Sponsored", "content", "Anzeige", "Ad", "(c) 2024", "© Example", "(C)", "ADVERTISEMENT", "Paid Post",
    "in Zusammenarbeit mit", "42", "٣٤", "１２", "漢字", "\U0001f600", "ſ", "İstanbul", "ΣΟΦΟΣ", "Σ'Α", "à la",
    " ", "  ", "\n", "\u00a0", "-", ".", "Read more", "THE END", "x", "",
]


def _random_rows(n: int, seed: int) -> list[BlockRow]:
    import random

    rng = random.Random(seed)

    def text(k: int) -> str:
        return "".join(rng.choice(_PIECES) + rng.choice([" ", "", " "]) for _ in range(rng.randint(0, k)))

    tags = ["p", "div", "li", "h2", "td", "a b"]
    paths = [(), ("nav",), ("footer", "footer", "copyright"), ("article", "content", "ad")]
    return [
        BlockRow(
            text(rng.choice([3, 12, 120])), text(30), text(30), text(4), rng.choice(tags), rng.choice(paths),
            rng.random(), rng.choice([0.0, 0.1, 0.3, 0.7, 1.0]), rng.randint(0, 40), rng.random() < 0.2,
            rng.choice(["", "", "head", "tail"]),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="default"),
        pytest.param(dict(SMALL, binary_words=True), id="small-binary"),
        pytest.param(dict(word_bits=3, char_bits=3, context_bits=2, layout_bits=2), id="tiny-collisions"),
        pytest.param(dict(binary_words=True, layout_weight=0.3, context_weight=np.float64(0.25),
                          char_ngrams=(2, 4), text_weight=2.0), id="shipped-like"),
    ],
)
def test_transform_equals_the_vectorizers_bit_for_bit(page, params):
    feats = BlockFeatures(**params).fit([])
    for X in (rows_for_page(page), _random_rows(150, 0), _random_rows(40, 1)[:1]):
        got, want = feats.transform(X), _reference_transform(feats, X)
        assert got.shape == want.shape and got.dtype == want.dtype
        assert np.array_equal(got.indptr, want.indptr)
        assert np.array_equal(got.indices, want.indices)
        assert np.array_equal(got.data, want.data)


def test_layout_tokens_are_the_same_tokens_as_first_written():
    from detector.features import _layout_tokens

    for r in _random_rows(400, 2):
        assert sorted(_layout_tokens(r).split()) == sorted(_reference_layout_tokens(r).split())


def test_only_c_lower_cases_to_c_and_brackets_come_from_themselves():
    # _layout_text tests "(c)" / "(C)" in place of "(c)" in text.lower()
    for ch in map(chr, range(0x110000)):
        low = ch.lower()
        if "c" in low:
            assert ch in "cC"
        if "(" in low or ")" in low:
            assert ch in "()"


def test_transform_is_the_same_with_warm_cold_and_overflowing_memos(page, monkeypatch):
    import detector.features as F

    feats = BlockFeatures(**SMALL).fit([])
    rows = rows_for_page(page) + _random_rows(200, 3)
    want = _reference_transform(feats, rows)
    for memo in (F._CUE_MEMO, F._LOOKS_MEMO, F._PLACE_MEMO):
        memo.clear()
    F._OWN_MEMO.clear()
    cold, warm = feats.transform(rows), feats.transform(rows)
    monkeypatch.setattr(F, "_MEMO_ITEMS", 5)  # the memos fill and start again many times per page
    monkeypatch.setattr(F, "SHORT_TEXT", 40)
    small = feats.transform(rows)
    for got in (cold, warm, small):
        assert np.array_equal(got.indices, want.indices) and np.array_equal(got.data, want.data)
    assert np.array_equal(F.row_cues(rows), F.row_cues(list(reversed(rows)))[::-1])
