"""The cached hashing of detector.hashing gives HashingVectorizer's columns and matrices exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from detector.hashing import Section, TokenHashes, WordCharHashes, columns, hashed_matrix, word_ngrams

ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,;:!?'\"()[]&*/#@")
    + list("äöüßéèçñøåœÄÖÜÉ")
    + list("漢字仮名交じり文中文한국어ひらがなカタカナ")
    + list("ДобрыйденьΑλφαβητοשלוםمرحبا")
    + ["\U0001f600", "\U0001f44d\U0001f3fd", "\u200d", "\u0301", "\ufe0f", "\U00010348", "٣", "１２"]
    + [" ", " ", " ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\r\n"]
)


def random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = ["", " ", "a", "1", "ab", "abc", "\U0001f600", "  x  y  "]
    while len(out) < n:
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))))
    return out


def _vectorizers(bits: int, binary: bool):
    common = dict(alternate_sign=False, dtype=np.float32, lowercase=False)
    words = HashingVectorizer(n_features=2**bits, ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                              binary=binary, norm=None if binary else "l2", **common)
    chars = HashingVectorizer(n_features=2**bits, analyzer="char_wb", ngram_range=(3, 5), **common)
    layout = HashingVectorizer(n_features=2**bits, token_pattern=r"\S+", norm=None, **common)
    return words, chars, layout


@pytest.mark.parametrize("seed", [0, 1])
def test_token_hashes_give_the_vectorizer_columns(seed):
    texts = random_texts(300, seed)
    words, chars, layout = _vectorizers(18, binary=False)
    analyze_words, analyze_chars = words.build_analyzer(), chars.build_analyzer()
    tokens, char_words = TokenHashes(max_items=50), WordCharHashes(analyze_chars, max_items=50)  # small: refills
    for text in texts:
        for vec, packed, n in (
            (words, tokens.packed(analyze_words(text)), 2**18),
            (chars, char_words.packed(text.split()), 2**18),
            (layout, tokens.packed(text.split()), 2**18),
        ):
            want = vec.transform([text])
            h = np.frombuffer(packed, dtype=np.int32)
            got = np.unique(columns(h, n))
            assert np.array_equal(got, want.indices if want.has_sorted_indices else np.sort(want.indices)), text


def test_word_ngrams_are_the_vectorizers():
    words = _vectorizers(18, binary=False)[0]
    tokenize = words.build_tokenizer()
    for text in random_texts(200, 2):
        assert word_ngrams(tokenize(text)) == words._word_ngrams(tokenize(text))


def test_char_ngrams_of_a_text_are_its_words_ngrams():
    chars = _vectorizers(18, binary=False)[1]
    analyze = chars.build_analyzer()
    for text in random_texts(200, 3):
        assert analyze(text) == [g for w in text.split() for g in analyze(w)], text


def test_layout_split_is_the_token_pattern():
    layout = _vectorizers(18, binary=False)[2]
    analyze = layout.build_analyzer()
    for text in random_texts(200, 4):
        assert analyze(text) == text.split()


def test_columns_of_the_lowest_hash():
    # abs(-2**31) overflows int32: _hashing_transform maps it to (2**31 - 1 - (n - 1)) % n
    h = np.array([-(2**31), -5, 0, 7, 2**31 - 1], dtype=np.int32)
    for n in (16, 2**18, 1000):
        assert columns(h, n).tolist() == [(2**31 - 1 - (n - 1)) % n, 5 % n, 0, 7 % n, (2**31 - 1) % n]


@pytest.mark.parametrize("bits", [3, 18], ids=["collisions", "wide"])
@pytest.mark.parametrize("binary", [False, True])
def test_hashed_matrix_is_hstack_of_the_vectorizers(bits, binary):
    texts = random_texts(120, 5 + bits)
    words, chars, layout = _vectorizers(bits, binary)
    analyze_words, analyze_chars = words.build_analyzer(), chars.build_analyzer()
    tokens, char_words = TokenHashes(), WordCharHashes(analyze_chars)
    dense = np.random.default_rng(bits).random((len(texts), 3)).astype(np.float32)
    dense[dense < 0.5] = 0.0
    weights = (1.0, np.float64(0.3), 0.5)  # a numpy float64 weight promotes as in scipy
    want = sp.hstack(
        [
            words.transform(texts) * weights[0],
            chars.transform(texts) * weights[1],
            layout.transform(texts) * weights[2],
            sp.csr_matrix(dense),
        ],
        format="csr",
        dtype=np.float32,
    )
    got = hashed_matrix(
        [
            Section([tokens.packed(analyze_words(t)) for t in texts], 2**bits, binary=binary, l2=not binary,
                    weight=weights[0]),
            Section([char_words.packed(t.split()) for t in texts], 2**bits, binary=False, l2=True, weight=weights[1]),
            Section([tokens.packed(t.split()) for t in texts], 2**bits, binary=False, l2=False, weight=weights[2]),
        ],
        dense,
    )
    assert got.shape == want.shape and got.dtype == want.dtype == np.float32
    assert got.has_canonical_format
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)  # bit for bit


def test_hashed_matrix_of_rows_without_tokens():
    dense = np.zeros((3, 2), dtype=np.float32)
    got = hashed_matrix([Section([b"", b"", b""], 16, binary=False, l2=True, weight=1.0)], dense)
    assert got.shape == (3, 18) and got.nnz == 0
