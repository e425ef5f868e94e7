"""The cue patterns' fast twins match exactly what the IGNORECASE originals match."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from detector import cuematch as L
from detector import lexicon as LX
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
    assert LX.has_self_reference(text) == (LX.SELF_REFERENCE.search(text) is not None)
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


# -- the RE2 prefilter ------------------------------------------------------------------------------
def _cue_words() -> list[str]:
    """Literal pieces of the cue patterns ("sponsor", "ads", "in association with"), to plant in text."""
    words = []
    for pat in ORIGINALS:
        for alt in re.sub(r"#[^\n]*", "", pat.pattern).split("|"):
            w = re.sub(r"\\b|\(\?:|[()?]|\[[^\]]*\]|\\\*|-\?", "", alt.strip()).replace(r"\s", " ")
            if w.strip():
                words.append(w.strip())
    return words


def _planted(rng: random.Random, words: list[str], glue: list[str], n: int, *, most_parts: int, p_word: float,
             glue_before: bool = False) -> list[str]:
    """``n`` texts of a few parts each: a cue word (in random case, its spaces any white space) or three
    random characters, each followed (and with ``glue_before`` also preceded) by a piece of glue."""
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, most_parts + 1)):
            w = rng.choice(words) if rng.random() < p_word else "".join(rng.choice(ALL_CHARS) for _ in range(3))
            w = "".join(c.upper() if rng.random() < 0.3 else c for c in w)
            w = w.replace(" ", rng.choice([" ", "\u00a0", "\u3000", "\t", "  "]))
            parts.append(w)
        texts.append("".join((rng.choice(glue) if glue_before else "") + p + rng.choice(glue) for p in parts))
    return texts


def _never_misses(texts: list[str]) -> None:
    flags = L.cue_candidates(texts)
    assert flags is not None and len(flags) == len(texts)
    missed = [t for t, f in zip(texts, flags) if not f and L.cue_counts(t) != (0, 0, 0)]
    assert not missed, missed[:5]


needs_re2 = pytest.mark.skipif(L._prefilter() is False, reason="google-re2 is not installed")


@needs_re2
def test_prefilter_never_misses_a_cue_in_planted_and_random_text():
    rng = random.Random(11)
    words = _cue_words()
    assert len(words) > 100
    glue = [" ", "\u00a0", "\u2009", "\n", "", "-", "_", "é", "x", "1", "’", "İ", "ſ", "\u212a", "ß", "\ud7ff"]
    texts = list(TRICKY) + _planted(rng, words, glue, 6000, most_parts=5, p_word=0.6)
    _never_misses(texts)
    assert sum(L.cue_candidates(texts)) < len(texts)  # it does rule texts out


@needs_re2
def test_prefilter_runs_on_text_as_it_is_any_character_of_each_letters_lower_case_included():
    """The page is not lower-cased for the scan: every character whose lower case is a cue letter's (all of
    Unicode: "K" the Kelvin sign, "ẞ"...) must be matched there as that letter."""
    rng = random.Random(5)
    words = _cue_words()
    letters = {c.lower() for w in words for c in w if c.isalpha()}
    inverse: dict[str, list[str]] = {}
    for x in map(chr, range(0x110000)):
        low = x.lower()
        if low in letters and not L._exotic_in(x):
            inverse.setdefault(low, []).append(x)
    assert "\u212a" in inverse["k"] and "\u1e9e" in inverse.get("ß", ["\u1e9e"])
    texts = []
    for _ in range(4000):
        w = rng.choice(words)
        w = "".join(rng.choice(inverse.get(c.lower(), [c])) if c.isalpha() else c for c in w)
        texts.append(rng.choice(["", " ", "x ", "é "]) + w + rng.choice(["", " ", ".", " y"]))
    _never_misses(texts)


@needs_re2
def test_prefilter_on_each_text_alone_and_on_a_page_of_them():
    texts = ["Sponsored by Acme", "nothing here", "road trip", "downtown", "we EARN a fee", "café ads",
             "ads", "Anzeige", "unknown views", "learn more", "İmza sponsorluğu", "pay", "payday"]
    together = L.cue_candidates(texts)
    alone = [L.cue_candidates([t])[0] for t in texts]
    truth = [L.cue_counts(t) != (0, 0, 0) for t in texts]
    assert together == alone
    assert all(f or not t for f, t in zip(together, truth))
    assert together[1] is False and together[2] is False  # "road trip": no \bads?\b in "road"
    assert L.cue_candidates([]) == [] and L.cue_candidates(["\ud800 sponsor"]) == [True]


@needs_re2
def test_row_cues_are_the_same_with_and_without_the_prefilter(monkeypatch):
    from pathlib import Path

    from detector.features import rows_for_page
    from detector.io import read_input
    from detector.segment import segment

    pages = sorted((Path(__file__).resolve().parents[1] / "data" / "pages").glob("*"))[::20]
    rows = [r for p in pages for r in rows_for_page(segment(read_input(str(p))))]
    fast = row_cues(rows)
    monkeypatch.setattr(L, "_RE2", False)
    assert np.array_equal(fast, row_cues(rows))
    assert fast.any()


def test_prefilter_white_space_is_pythons():
    assert "".join(c for c in ALL_CHARS if c.isspace()) == L._PY_SPACE
    assert all(re.fullmatch(r"\s", c) for c in L._PY_SPACE)


def test_exotic_in_is_the_exotic_pattern_search():
    _twins()
    import random

    rnd = random.Random(2)
    pool = list(L._EXOTIC_CHARS) + ["a", "I", "i", "s", "S", "\u0307", " ", "\u00e9"]
    assert L._EXOTIC_CHARS and set(L._EXOTIC_CHARS) == {c for c in map(chr, range(0x110000)) if L._EXOTIC.match(c)}
    for _ in range(5000):
        t = "".join(rnd.choice(pool) for _ in range(rnd.randrange(0, 12)))
        assert L._exotic_in(t) == (L._EXOTIC.search(t) is not None), repr(t)


# -- exact counts with RE2 --------------------------------------------------------------------------
@needs_re2
def test_re2_counts_are_cue_counts_on_planted_and_random_text():
    """cue_counts_many gives cue_counts of each text: planted cue words in every case, glued to ASCII
    and non-ASCII word and non-word characters (where RE2's ASCII \\b and Python's differ), exotic
    letters, NULs and lone surrogates."""
    assert L._re2_exact(), "RE2 twins of the cue patterns"
    rng = random.Random(13)
    words = _cue_words()
    glue = [" ", "\u00a0", "\u2009", "\n", "", "-", "_", "é", "x", "1", "’", "İ", "ſ", "\u212a", "ß", "\ud7ff",
            "ü", "\u0301", "٣", "ǅ", "\x00", "s", "ing", "\ud800"]
    texts = list(TRICKY) + _planted(rng, words, glue, 8000, most_parts=6, p_word=0.7, glue_before=True)
    want = [L.cue_counts(t) for t in texts]
    assert sum(1 for w in want if w != (0, 0, 0)) > 4000
    for k in range(0, len(texts), 97):  # pages of 97 texts (a NUL or a surrogate sends a page to Python)
        page = texts[k: k + 97]
        assert L.cue_counts_many(page) == want[k: k + 97], page
    clean = [t for t in texts if "\x00" not in t and "\ud800" not in t]
    assert L.cue_counts_many(clean) == [L.cue_counts(t) for t in clean]


@needs_re2
def test_re2_counts_on_real_rows(monkeypatch):
    from pathlib import Path

    from detector.features import rows_for_page
    from detector.io import read_input
    from detector.segment import segment

    pages = sorted((Path(__file__).resolve().parents[1] / "data" / "pages").glob("*"))[::7]
    texts = [r.text for p in pages for r in rows_for_page(segment(read_input(str(p))))]
    got = L.cue_counts_many(texts)
    assert got == [L.cue_counts(t) for t in texts]
    assert sum(1 for g in got if g != (0, 0, 0)) > 200


def test_re2_twins_are_refused_where_b_is_not_at_an_ascii_edge():
    assert L._re2_exact_pattern(re.compile(r"ab\bc", re.I)) is None  # inside an alternative
    assert L._re2_exact_pattern(re.compile(r"caf[eé]\b", re.I)) is None  # next to a non-ASCII letter
    assert L._re2_exact_pattern(re.compile(r"(?!x)ad", re.I)) is None  # a look-ahead
    assert L._re2_exact_pattern(re.compile(r"\bads?\b|own", re.I)) == (r"\bad(?:s){0,1}\b|own", True)


@needs_re2
def test_spans_are_finditers():
    import re2

    rng = random.Random(3)
    pats = [L._prefilter()] + [p for p, _ in L._re2_exact()] + [re2.compile(b"a*"), re2.compile(b"\\bx")]
    words = [w.lower().encode() for w in _cue_words()] + [b" ", b"\xc3\xa9", b"x", b"", b"\n", b"aa"]
    for _ in range(300):
        data = b"".join(rng.choice(words) for _ in range(rng.randrange(0, 30)))
        for p in pats:
            assert list(L._spans(p, data)) == [m.span() for m in p.finditer(data)]


@needs_re2
def test_the_compiled_candidate_loop_marks_the_texts_the_python_loop_marks(monkeypatch):
    from detector.compiled import fasthash

    if fasthash is None:
        pytest.skip("the C kernel is not built")
    rng = random.Random(23)
    words = _cue_words()
    glue = [" ", "\n", "", "é", "日本", "𝄞", "x", "\u00a0", "ſ", "İ"]
    pages = [_planted(rng, words, glue, rng.randrange(1, 40), most_parts=4, p_word=0.5) for _ in range(300)]
    pages += [["brought to", "you by Acme"], ["", "paid", ""], ["sponsored\nby", "", "x"], ["日本 sponsor é", "ads"]]
    L.cue_candidates(["warm"])  # the twins and the compiled loop looked up
    assert L._CUE_FLAGS  # the compiled loop runs by default
    fast = [L.cue_candidates(texts) for texts in pages]
    monkeypatch.setattr(L, "_CUE_FLAGS", False)
    slow = [L.cue_candidates(texts) for texts in pages]
    assert fast == slow
    assert sum(map(sum, fast)) > 100 and sum(len(f) - sum(f) for f in fast) > 100  # both answers, many times


DECLARED = [
    "Full disclosure: Gull Ferries paid me to write this review.",
    "Reminder: Harbour Credit Union is a kind sponsor of this newsletter.",
    "Disclosure: this post is sponsored by Harbour Analytics. I tested the tool for a month.",
    "Northwind Cloud sponsors this article and the series it belongs to.",
    "Thanks to Northwind Cloud for sponsoring this post.",
    "This guide is kindly supported by our friends at Lumen Tools.",
    "This story was created in partnership with Kestrel Tea, who paid for its production.",
    "Dieser Beitrag wurde von der Sparkasse Altmühl bezahlt.",
    "Anzeige: Dieser Artikel ist in Kooperation mit Bergwerk Outdoor entstanden.",
    "[Werbung] Vier Tage im Allgäu mit dem E-Bike",
    "Cet article est sponsorisé par la Maison Vérel.",
    "Este artículo ha sido patrocinado por Bodegas Almenara.",
    "Questo articolo è sponsorizzato da Caseificio Val Tanaro.",
    "Dit artikel is gesponsord door Veldhuis Bank.",
    "Disclosure: compensation was provided by Harbour Skincare. The opinions are my own.",
    "I was compensated by Lumen Tools for my time writing this review.",
    "The Harbour Ledger newsroom was not involved in the creation of this content.",
    "La rédaction de L'Écho du Lac n'a pas participé à la réalisation de cet article.",
    "Die Redaktion war an der Erstellung dieses Beitrags nicht beteiligt.",
    "De redactie van Het Polderblad was niet betrokken bij dit artikel.",
    "This content was produced by the advertising department of the Valley Courier for the advertiser.",
    "Ce contenu a été réalisé par notre studio pour le compte du partenaire.",
    "Für den Inhalt dieses Beitrags ist allein der Auftraggeber verantwortlich.",
]
NOT_DECLARED = [
    "Nobody paid me to write this review.",
    "The bank is a sponsor of the league and of the stadium.",
    "The senator sponsored the bill that expanded rural broadband.",
    "This story is about sponsored content and why readers miss the label.",
    "This article is not sponsored.",
    "No company paid for this article.",
    "Nobody sponsored this review, and the maker did not see it before publication.",
    "Dieser Beitrag enthält unbezahlte Werbung durch Verlinkung.",
    "Dieser Artikel ist nicht gesponsert.",
    "Cet article n'est pas sponsorisé.",
    "Dit artikel is niet gesponsord.",
    "Werbung: Wie Marken um junge Leser werben",
    "We were paid by the council for the land, the farmers said.",
    "We may receive compensation when you click on links to products.",
    "Die Redaktion konnte die Angaben des Ministeriums nicht bestätigen.",
    "The advertising department was moved to the third floor in March.",
]


@pytest.mark.parametrize("text", DECLARED)
def test_a_notice_that_declares_the_content_paid_for_is_recognised(text):
    assert LX.declares_sponsored(text)


@pytest.mark.parametrize("text", NOT_DECLARED)
def test_a_mention_or_a_denial_of_sponsorship_declares_nothing(text):
    assert not LX.declares_sponsored(text)


@pytest.mark.parametrize("text, want", [
    ("Tags: Podcasts SPONSORED Video Health", True),
    ("Labels: Dairy and Eggs, Sponsored Recipe, Vegetables", True),
    ("Sujets : Collaboration commerciale, Sport, Auto", True),
    ("Categorie: Economie Betaalde partnerbijdrage Wonen", True),
    ("Tags: sponsorship, football, Premier League", False),
    ("Tags: advertising, media, regulation", False),
    ("The senator sponsored the bill. Tags: politics", False),
])
def test_a_tag_line_that_files_the_page_as_paid_content(text, want):
    assert LX.tagged_sponsored(text) is want


@pytest.mark.parametrize("text, credit", [
    ("Sponsored by State Farm", True),
    ("Gesponsert von den Stadtwerken Kiel", True),
    ("Sponsorisé par la Banque du Littoral", True),
    ("The Coastline Weekly is proudly sponsored by Gull Ferries.", True),
    ("The family had been sponsored by friends and neighbours.", False),  # inside a sentence
    ("Un grupo de hackers patrocinados por un Estado espió a empresas", False),
    ("state-sponsored by all accounts", False),
    ("Sponsored", False),  # a bare label: no sponsor named
    ("Sponsored by a government, say researchers", False),  # no name
    ("Sponsored by the Coast Tourism Board", True),
    ("Sponsored by 株式会社LIXIL", True),
    ("Crazy Cheap Flashlight - Selling Like Hotcakes!Sponsored by Lumify X9", True),  # a native-ad teaser's title
    ("The concert, which was sponsored by Acme Corp", False),
    ("Read more about the Sponsored by Acme programme and its results this year", False),
    # a partner's credit alone on its line
    ("In partnership with the Harbour Credit Union", True),
    ("Produced in partnership with Nordlicht Energie", True),
    ("Paid for by Coastline Mutual", True),
    ("Brought to you by Gull Ferries", True),
    ("En partenariat avec la Région Occitanie", True),
    ("In Partnerschaft mit den Stadtwerken Kiel", True),
    ("In partnership with the city council, the museum opens a new wing next spring.", False),  # a sentence
    ("In partnership with", False),  # no partner named
    ("EN PARTENARIAT AVEC LA VILLE", False),  # capitals alone: no name to tell a brand from a town hall
    ("In Kooperation mit der Nordsee Touristik GmbH", True),
    ("in partnership with local schools and clubs", False),  # no name
])
def test_a_sponsor_credit_opens_its_block_and_names_the_sponsor(text, credit):
    assert LX.credits_sponsor(text) is credit


@pytest.mark.parametrize("text, label", [
    ("[Anzeige] Drei Tage im Illertal", "[Anzeige]"),
    ("Sponsored content | Das Ende des Passworts?", "Sponsored content"),
    ("Advertorial Gartenhaus aus Lärchenholz selbst gebaut", "Advertorial"),  # the label word opens the title
    ("Publireportage Les nouvelles cuisines de la vallée", "Publireportage"),
    ("SPONSOR: Winter gifts for your garden from Greenleaf", "SPONSOR"),
    ("Advertorials are booming, say media researchers", None),  # a topic, not a label
    ("Sponsorship deals rise across the league", None),
    ("Advertorial", None),  # no title
])
def test_a_label_of_paid_content_in_a_headline(text, label):
    at = LX.headline_label(text)
    assert (text[at[0]:at[1]] if at else None) == label
