"""The cue patterns' fast twins match exactly what the IGNORECASE originals match."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from detector import lexicon as L
from detector.features import BlockRow, gate_proba, row_cues

ORIGINALS = (L.SPONSORED_CUES, L.AFFILIATE_CUES, L.DISCLAIMER_CUES)
PAIRS = list(zip(ORIGINALS, L._UNICODE_TWINS))
ASCII_PAIRS = list(zip(ORIGINALS, L._ASCII_TWINS))
ALL_CHARS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)

TRICKY = [
    "",
    " ",
    "ads",
    "ADS",
    "Ads!",
    "bads",
    "_ads",
    "ads_",
    "1ads",
    "ad",
    "ad-free",
    "Paying",
    "paysage",
    "pay",
    "repay",
    "ſponſored",  # long s
    "SPONSORED CONTENT",
    "\u212aickback",  # Kelvin sign
    "COMMİSSİON",  # dotted capital I
    "commıssıon",  # dotless i
    "partner-links",
    "partnerlinks and *-links and *links",
    "earn earning yearn learn",
    "own owner disown OWN",
    "views viewset review",
    "Unterstützt von",
    "UNTERSTÜTZT VON",
    "colaboración COLABORACIÓN colaboracion",
    "présenté par PRÉSENTÉ PAR",
    "publi-rédactionnel PUBLIRÉDACTIONNEL",
    "a pagamento\na\tpagamento",
    "in association with",
    "in\u00a0association\u2003with",  # other white space
    "sponsorsponsorsponsorsponsor",
    "advertorial advertising advertisement",
    "paid\npaid\rpaid",
    "risk risico rischi riesgo",
    "brought to you brought to us",
    "\U0001f600 sponsored \U0001f600",
    "広告 sponsored 赞助",
]


def test_the_fast_twins_were_built():
    for slow, fast in PAIRS + ASCII_PAIRS:
        assert fast is not slow
        assert not fast.flags & re.I
    for twins in (L._UNICODE_TWINS, L._ASCII_TWINS):
        assert not twins[3].flags & re.I


def _spans(p: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in p.finditer(text)]


def _check(text: str) -> None:
    for slow, fast in PAIRS:
        assert _spans(fast, text) == _spans(slow, text), (fast.pattern[:40], text)
    if text.isascii():
        for slow, fast in ASCII_PAIRS:
            assert _spans(fast, text.lower()) == _spans(slow, text), (fast.pattern[:40], text)
    for twins in (L._UNICODE_TWINS,) + ((L._ASCII_TWINS,) if text.isascii() else ()):
        t = text.lower() if twins is L._ASCII_TWINS else text
        assert (twins[3].search(t) is None) == all(p.search(text) is None for p in ORIGINALS), text


@pytest.mark.parametrize("letter", sorted({c for p, _ in PAIRS for c in p.pattern.lower() if c.isalpha()}))
def test_case_variants_are_exactly_what_ignorecase_matches(letter):
    want = "".join(sorted(set(re.findall(re.escape(letter), ALL_CHARS, re.I))))
    assert L.case_variants(letter) == want


@pytest.mark.parametrize("text", TRICKY + [t.upper() for t in TRICKY] + [t.title() for t in TRICKY])
def test_fast_twins_find_what_the_originals_find(text):
    _check(text)


def _words() -> list[str]:
    words = re.findall(r"[^\W\d_]+", " ".join(p.pattern for p, _ in PAIRS))
    return words + [w.upper() for w in words] + [w.title() for w in words]


def test_fast_twins_agree_on_random_texts():
    rng = random.Random(0)
    pool = _words() + [" ", "  ", "-", "*", "_", ".", "\n", "x", "1", "é", "ſ", "\u212a", "İ", "ı", "漢", "\U0001f600"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) + rng.choice(["", " ", ""]) for _ in range(rng.randint(0, 12)))
        _check(text)
        _check(text.encode("ascii", "ignore").decode())


@pytest.mark.parametrize("text", TRICKY)
def test_cue_counts_and_gates_agree_with_the_original_patterns(text):
    want = tuple(min(3, len(p.findall(text))) for p, _ in PAIRS)
    assert L.cue_counts(text) == want
    assert L.has_sponsored_cue(text) == (L.SPONSORED_CUES.search(text) is not None) == (want[0] > 0)
    assert L.has_affiliate_cue(text) == (L.AFFILIATE_CUES.search(text) is not None) == (want[1] > 0)


def test_a_pattern_that_cannot_be_twinned_is_kept():
    odd = re.compile(r"(a)\1", re.I)  # a back reference
    assert L._fast_twin(odd) is odd
    plain = re.compile("abc")
    assert L._fast_twin(plain) is plain
    assert L._fast_twin(re.compile("a", re.I), re.compile("b", re.I | re.M)).flags & re.I  # mixed flags


def _row(text: str) -> BlockRow:
    return BlockRow(text, "", "", "", "p", (), 0.5, 0.0, len(text.split()), False, "")


def test_gate_reads_the_cue_counts_it_is_given():
    rows = [_row(t) for t in TRICKY]
    classes = ["affiliate", "boilerplate", "disclaimer", "editorial", "sponsored", "sponsored_other"]
    proba = np.random.default_rng(0).random((len(rows), len(classes)))
    cues = row_cues(rows)
    assert cues.shape == (len(rows), 3)
    assert [tuple(c) for c in cues.tolist()] == [L.cue_counts(t) for t in TRICKY]
    np.testing.assert_array_equal(gate_proba(proba, rows, classes, cues=cues), gate_proba(proba, rows, classes))
