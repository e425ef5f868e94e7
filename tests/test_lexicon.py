"""The cue patterns' fast twins match exactly what the IGNORECASE originals match."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from detector import lexicon as L
from detector.features import BlockRow, gate_proba, row_cues

ORIGINALS = L.CUES
ALL_CHARS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def _twins():
    L._twins("")  # built on first use
    return L._TWINS


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
    twins = _twins()
    assert twins is not L._ORIGINALS
    for twin, original in zip(twins, ORIGINALS + (None,)):
        assert twin is not original and not twin.flags & re.IGNORECASE


def _spans(p: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in p.finditer(text)]


def _check(text: str) -> None:
    pats, run_on = L._twins(text)
    assert len(run_on) == len(text)
    for original, twin in zip(ORIGINALS, pats):
        assert _spans(twin, run_on) == _spans(original, text), (twin.pattern[:40], text)
    if pats[3] is not None:
        assert (pats[3].search(run_on) is None) == all(p.search(text) is None for p in ORIGINALS), text


LETTERS = sorted({c for p in ORIGINALS for c in p.pattern if c.isalpha()})


def test_case_variants_are_exactly_what_ignorecase_matches():
    # one pass over Unicode: which cue letter, if any, IGNORECASE pairs each character with
    any_letter = re.compile("|".join(f"(?P<g{i}>{re.escape(c)})" for i, c in enumerate(LETTERS)), re.IGNORECASE)
    found: dict[str, set[str]] = {c: set() for c in LETTERS}
    for m in any_letter.finditer(ALL_CHARS):
        found[LETTERS[int(m.lastgroup[1:])]].add(m.group())
    for letter in LETTERS:
        assert L.case_variants(letter) == "".join(sorted(found[letter])), letter


def test_what_ignorecase_pairs_with_a_cue_letter_lower_cases_to_it_or_is_exotic():
    _twins()
    for letter in LETTERS:
        for c in L.case_variants(letter):
            assert c.lower() == letter.lower() or L._EXOTIC.match(c), (letter, c)


def test_lower_keeps_every_characters_length_and_classes_but_dotted_capital_i():
    _twins()
    assert L._EXOTIC.match("\u0130")
    rest = ALL_CHARS.replace("\u0130", "")
    low = rest.lower()
    assert len(low) == len(rest)  # no other character lower-cases to more than one
    for cls in (r"\w", r"\s", r"\b"):
        p = re.compile(cls)
        assert [m.start() for m in p.finditer(rest)] == [m.start() for m in p.finditer(low)], cls


@pytest.mark.parametrize("text", TRICKY + [t.upper() for t in TRICKY] + [t.title() for t in TRICKY])
def test_fast_twins_find_what_the_originals_find(text):
    _check(text)


def _words() -> list[str]:
    words = re.findall(r"[^\W\d_]+", " ".join(p.pattern for p in ORIGINALS))
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
    want = tuple(min(3, len(p.findall(text))) for p in ORIGINALS)
    assert L.cue_counts(text) == want
    assert L.has_sponsored_cue(text) == (L.SPONSORED_CUES.search(text) is not None) == (want[0] > 0)
    assert L.has_self_reference(text) == (L.SELF_REFERENCE.search(text) is not None)
    assert L.has_affiliate_cue(text) == (L.AFFILIATE_CUES.search(text) is not None) == (want[1] > 0)


def test_a_pattern_that_cannot_be_twinned_is_kept():
    odd = re.compile(r"(a)\1", re.IGNORECASE)  # a back reference
    assert L._fast_twin(odd) is odd
    plain = re.compile("abc")
    assert L._fast_twin(plain) is plain
    mixed = L._fast_twin(re.compile("a", re.IGNORECASE), re.compile("b", re.IGNORECASE | re.MULTILINE))
    assert mixed.flags & re.IGNORECASE


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
