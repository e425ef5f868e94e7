"""Scoring through the Python API with the shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detector import Detector, revise
from detector.features import BlockRow

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sponsored-crypto-news.txt"


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


def test_path_bytes_and_text_give_the_same_record(det):
    by_path = det.score(EXAMPLE)
    by_bytes = det.score(EXAMPLE.read_bytes(), name=str(EXAMPLE), kind="text")
    by_text = det.score(EXAMPLE.read_text(encoding="utf-8"), name=str(EXAMPLE), kind="text")
    assert by_path == by_bytes == by_text


def test_bare_ad_slot_label_on_an_editorial_page_is_boilerplate(det):
    html = (
        "<html><body><article><h1>Council approves new cycle lanes</h1>"
        "<p>The city council voted on Tuesday to build four new protected cycle lanes across the centre, "
        "after a two-year consultation with residents and shop owners.</p>"
        "<div class='slot'>ANZEIGE</div>"
        "<p>Work on the first lane starts in May and should be finished before the school holidays, "
        "the transport department said.</p></article></body></html>"
    )
    a = det.analyze(html, name="news.html")
    assert a.label == "editorial"
    (slot,) = [b for b in a.blocks if b.text == "ANZEIGE"]
    assert slot.label == "boilerplate"


def test_notice_sentence_opening_a_paragraph_is_cut_out(det):
    md = (
        "# Building faster forms\n\n"
        "(This is a sponsored article.) Forms are where most sign-ups fail, and the reasons are rarely "
        "technical: labels that vanish, errors that arrive too late and buttons that say nothing.\n\n"
        "Start with the labels. Every field needs one that stays visible while people type.\n"
    )
    a = det.analyze(md, name="forms.md")
    labels = {b.text: b.label for b in a.blocks}
    assert labels["(This is a sponsored article.)"] == "sponsored"
    assert any(t.startswith("Forms are where most sign-ups fail") and lab == "editorial" for t, lab in labels.items())


def test_an_empty_page_is_an_error_record_not_an_exception(det):
    rec = det.score(b"   \n ", name="blank.html")
    assert rec["error"] == "input holds only white space"
    assert rec["score"] is None and rec["label"] is None and rec["blocks"] == []


def _lb(i, label, text, heading=False, from_unit=False):
    from detector.blocks import LabelledBlock

    return LabelledBlock(index=i, label=label, score=0.9, text=text, start=0, end=len(text), heading=heading,
                         from_unit=from_unit)


def test_a_bare_label_takes_the_headline_under_it():
    blocks = [_lb(0, "boilerplate", "Home"), _lb(1, "sponsored", "Advertorial"),
              _lb(2, "editorial", "Build your own greenhouse", heading=True), _lb(3, "editorial", "Text of the story.")]
    revise.on_blocks(revise.label_titles, blocks)
    assert [b.label for b in blocks] == ["boilerplate", "sponsored", "sponsored", "editorial"]


def test_a_label_does_not_take_prose_or_a_statement_takes_nothing():
    prose = [_lb(0, "sponsored", "Anzeige"), _lb(1, "editorial", "A long paragraph of the story goes here.")]
    revise.on_blocks(revise.label_titles, prose)
    assert prose[1].label == "editorial"  # not a heading
    statement = [_lb(0, "sponsored", "This article is sponsored by Example Bank."),
                 _lb(1, "editorial", "Next section", heading=True)]
    revise.on_blocks(revise.label_titles, statement)
    assert statement[1].label == "editorial"  # only bare labels head a title


def test_labelled_headline_end_to_end(det):
    page = ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            "<p class='label'>Advertorial</p><h1>Five ways to insulate an old house before winter</h1>"
            "<p>This article is sponsored content paid for by Example Insulation Ltd.</p>"
            + "".join(f"<p>Paragraph {i} of the story about insulating houses, with enough words to read as prose.</p>"
                      for i in range(6)) + "</body></html>")
    a = det.analyze(page.encode(), name="x.html")
    labels = {b.text: b.label for b in a.blocks}
    assert a.score >= 0.75 and labels["Advertorial"] == "sponsored"
    assert labels["Five ways to insulate an old house before winter"] == "sponsored"
    assert labels["Home News"] != "sponsored"  # the navigation above the label is no heading of a notice
    assert labels[next(t for t in labels if t.startswith("Paragraph 0"))] == "editorial"


def _story_heading_table(middle: str, chrome: float, heading: bool = False):
    from detector.blocks import BlockTable, LabelledBlock

    para = " ".join(["The committee met again on Tuesday to weigh the new budget for the harbour works."] * 2)
    blocks = [LabelledBlock(0, "editorial", 0.99, para, 0, 0),
              LabelledBlock(1, "boilerplate", chrome, middle, 0, 0, heading=heading,
                            probs={"boilerplate": chrome, "editorial": 1 - chrome}),
              LabelledBlock(2, "editorial", 0.99, para, 0, 0)]
    return BlockTable.of(blocks)


@pytest.mark.parametrize("middle, chrome, want", [
    ("Harbour Works Put Budget Under Strain", 0.6, "editorial"),  # a subheading of the story
    ("Harbour Works Put Budget Under Strain", 0.95, "boilerplate"),  # the model is sure it is chrome
    ("Read more: Harbour works put budget under strain", 0.6, "boilerplate"),  # a link label
    ("The harbour works put the budget under strain.", 0.6, "boilerplate"),  # a sentence, not a heading
])
def test_a_subheading_between_story_paragraphs_is_editorial(middle, chrome, want):
    t = _story_heading_table(middle, chrome)
    revise.story_headings(t)
    assert t.labels[1] == want


def test_a_heading_element_with_a_colon_between_story_paragraphs_is_editorial():
    t = _story_heading_table("The lightest: the Vuelo Pack", 0.6, heading=True)
    revise.story_headings(t)
    assert t.labels[1] == "editorial"


@pytest.mark.parametrize("line, want", [
    ("Recommended Article: Two Harbours Deepen Their Strategic Partnership", "boilerplate"),
    ("Lesen Sie auch: Warum Verlage wieder auf Werbung setzen", "boilerplate"),
    ("Next post: How two harbours built a partnership", "boilerplate"),
    ("Article suivant : Le partenariat des deux ports", "boilerplate"),
    ("This article is sponsored content paid for by Example Bank.", "sponsored"),
])
def test_a_read_more_line_is_a_link_not_a_notice(line, want):
    from detector.blocks import BlockTable, LabelledBlock

    t = BlockTable.of([LabelledBlock(0, "sponsored", 0.99, line, 0, len(line))])
    revise.read_more(t)
    assert t.labels == [want]


def test_round4_is_pythons_round_including_near_ties():
    from detector.blocks import round4

    rng = np.random.default_rng(4)
    k = rng.integers(0, 10000, 50000)
    ties = (k + 0.5) / 1e4  # as close to a half as doubles get, and the doubles around them
    x = np.concatenate([rng.random(200000), rng.random(20000) ** 8, ties, np.nextafter(ties, 0),
                        np.nextafter(ties, 1), [0.0, 1.0, 5e-5, 1.5e-4, 0.12345, 0.99995, 1e-300]])
    got = round4(x)
    assert got.tolist() == [round(float(v), 4) for v in x]
    assert round4(x[:6].reshape(2, 3)).shape == (2, 3)


def test_record_line_is_json_dumps_of_the_record():
    """Analysis.record_line writes what json.dumps(record, ensure_ascii=False) writes, whoever writes
    the blocks (the kernel, or json): on random texts full of characters JSON escapes."""
    import json
    import random

    from detector.blocks import BlockTable
    from detector.score import OUTPUT_LABELS, Analysis

    rnd = random.Random(4)
    chars = ['"', "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "é", "\u2028", "\ud800", "😀", "a", " "]
    for case in range(300):
        n = rnd.randrange(0, 12)
        texts = ["".join(rnd.choice(chars) for _ in range(rnd.randrange(0, 9))) for _ in range(n)]
        labels = [rnd.choice(OUTPUT_LABELS) for _ in range(n)]
        scores = [rnd.choice([0.0, 1.0, rnd.random(), 0.12345, 1e-05, 0.99995]) for _ in range(n)]
        starts = [rnd.randrange(0, 10**6) for _ in range(n)]
        t = BlockTable(labels, scores, texts, starts, [s + len(x) for s, x in zip(starts, texts)],
                   np.full((n, 5), 0.2), [False] * n, [False] * n)
        a = Analysis(path=rnd.choice(["p.html", 'we"ird\\path\n']), score=rnd.choice([None, rnd.random()]),
                     label=rnd.choice([None, "sponsored"]), table=t, text="", error=rnd.choice([None, "bad\tinput"]))
        head = rnd.choice([None, {"path": "id-" + str(case), "url": "http://x/?q=\"1\""}])
        for kw in ({}, {"all_blocks": True, "editorial": True}):
            rec = a.record(**kw)
            if head is not None:
                del rec["path"]
                rec = {**head, **rec}
            assert a.record_line(head, **kw) == json.dumps(rec, ensure_ascii=False) + "\n"


def test_the_kernels_block_json_writes_every_rounded_score_and_any_other_float_as_json_does():
    """_fasthash.json_blocks writes a score rounded to 4 decimals from its integer digits, any other
    float through float.__repr__, and integers without printf: all as json.dumps."""
    import json
    import random

    from detector.compiled import fasthash

    if fasthash is None:
        pytest.skip("the C kernel is not built")

    def one(score: float, index: int = 3, start: int = 0, end: int = 5) -> None:
        rec = [{"index": index, "label": "sponsored", "score": score, "text": "a \"b\"", "start": start, "end": end}]
        got = fasthash.json_blocks([index], ["editorial"] * index + ["sponsored"], [score], ["x"] * index + ['a "b"'],
                                   [0] * index + [start], [0] * index + [end])
        assert got == json.dumps(rec, ensure_ascii=False), (score, index, start, end)

    for k in range(0, 20001):  # every score round(v, 4) gives in [0, 2]
        one(round(k / 10000, 4))
    rnd = random.Random(8)
    odd = [-0.0, 1e-05, 2.5e-07, 0.99995, 0.12345, 123456.7, 1e9, 1e16, 3.0000000000000004, 0.30000000000000004,
           5e-324, 1.7976931348623157e308, -0.5, -1.0]
    for x in odd + [rnd.random() for _ in range(2000)] + [rnd.uniform(-1e6, 1e6) for _ in range(500)]:
        one(x)
    for v in (0, 9, 10, 99, 100, 2**31, 2**62, -1, -10, -(2**62)):
        one(0.5, index=abs(v) % 7, start=v, end=-v)


def _revise_headings_reference(t) -> None:
    """revise.notice_headings by its plain reference rule: every block, bottom up."""
    from detector.labels import NOTICE_LABELS
    from detector.revise import _END_PUNCT, BARE_LABEL_MAX_WORDS, HEADING_MAX_WORDS, HEADING_MIN_SHARE

    labels, texts = t.labels, t.texts
    revised: set[int] = set()
    for i in range(len(labels) - 2, -1, -1):
        h, nxt = labels[i], labels[i + 1]
        if nxt not in NOTICE_LABELS or h == nxt:
            continue
        if i + 1 in revised or len(texts[i + 1].split()) <= BARE_LABEL_MAX_WORDS:
            continue
        words = texts[i].split()
        if len(words) > HEADING_MAX_WORDS or _END_PUNCT.search(texts[i]):
            continue
        if t.units[i]:
            continue
        chrome_heading = h == "boilerplate" and (t.headings[i] or len(words) <= 3)
        if h in NOTICE_LABELS or chrome_heading or t.prob(i, nxt) >= HEADING_MIN_SHARE:
            t.relabel(i, nxt, t.scores[i + 1])
            revised.add(i)


def test_heading_revisions_match_the_block_by_block_reference_on_random_pages():
    import random

    from detector.blocks import BlockTable
    from detector.score import OUTPUT_LABELS

    rnd = random.Random(12)
    texts_pool = ["Sponsored", "Partner content", "About the author", "Read more", "A long notice that this "
                  "article was paid for by a brand and written by our studio.", "Ads", "Disclaimer",
                  "This post contains affiliate links and we may earn a commission.", "Share", "News."]
    changed = 0
    for _ in range(2000):
        n = rnd.randrange(1, 14)
        labels = [rnd.choice(OUTPUT_LABELS) for _ in range(n)]
        args = (list(labels), [rnd.random() for _ in range(n)], [rnd.choice(texts_pool) for _ in range(n)],
                list(range(n)), list(range(1, n + 1)), np.array([[rnd.random() for _ in range(5)] for _ in range(n)]),
                [rnd.random() < 0.2 for _ in range(n)], [rnd.random() < 0.4 for _ in range(n)])
        a, b = BlockTable(*[list(x) if isinstance(x, list) else x.copy() for x in args]), BlockTable(*args)
        revise.notice_headings(a)
        _revise_headings_reference(b)
        assert (a.labels, a.scores) == (b.labels, b.scores)
        changed += a.labels != labels
    assert changed > 100  # revisions happened, in many pages


STORY = "".join(f"<p>Paragraph {i} of a review of a genomics platform: we ran three pipelines on it and compared "
                f"the results and the run times with those of our own cluster.</p>" for i in range(8))


@pytest.mark.parametrize("notice", [
    "<p><strong>Disclaimer:</strong> This post is sponsored by Harbour Omics. I have personally tested the platform.</p>",
    "<p>Dieser Beitrag wurde von den Stadtwerken Rheinauen bezahlt.</p>",
    "<p>Northwind Cloud sponsors this article and the series it belongs to.</p>",
])
def test_a_page_whose_notice_declares_it_paid_for_is_sponsored_whatever_the_model_calls_the_notice(det, notice):
    page = f"<html><body><h1>Three pipelines, one week</h1>{notice}{STORY}</body></html>"
    a = det.analyze(page)
    assert a.label == "sponsored" and a.score >= det.threshold
    declared = [b for b in a.record()["blocks"] if b["text"].strip() in notice.replace("<strong>", "").replace("</strong>", "")
                .replace("<p>", "").replace("</p>", "")]
    assert declared and all(b["label"] == "sponsored" for b in declared)


def test_a_denial_of_sponsorship_leaves_the_page_editorial(det):
    page = f"<html><body><h1>Three pipelines, one week</h1><p>No company paid for this article.</p>{STORY}</body></html>"
    a = det.analyze(page)
    assert a.label == "editorial"
    assert all(b["label"] != "sponsored" for b in a.record()["blocks"])


def test_a_long_paragraph_that_quotes_a_notice_is_not_one():
    from detector.blocks import BlockTable
    from detector.revise import DECLARED_MAX_WORDS

    quote = ("It would be easy to end by saying this post was sponsored by a mattress maker. " * 12).strip()
    assert len(quote.split()) > DECLARED_MAX_WORDS
    blocks = [_lb(0, "editorial", quote), _lb(1, "boilerplate", "This article is sponsored by Example Bank.")]
    t = BlockTable.of(blocks)
    assert not revise.declared(t)
    assert t.labels == ["editorial", "boilerplate"]


def test_a_label_of_paid_content_above_the_headline_labels_the_page(det):
    page = ("<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a> <a href='/t'>Tech</a></nav>"
            "<p class='kicker'>Sponsored Content</p><h1>How cold rooms help us sleep</h1>" + STORY + "</body></html>")
    a = det.analyze(page)
    assert a.label == "sponsored"
    labels = {b["text"]: b["label"] for b in a.record()["blocks"]}
    assert labels.get("Sponsored Content") == "sponsored" and labels.get("How cold rooms help us sleep") == "sponsored"


@pytest.mark.parametrize("headline, label", [
    ("Sponsored content | Why cold rooms help us sleep", "Sponsored content"),
    ("Anzeige: Drei Tage im Illertal zwischen Käse und Kühen", "Anzeige"),
    ("Pourquoi les chambres fraîches aident à dormir (Publi-rédactionnel)", "(Publi-rédactionnel)"),
    ("Tres días en el valle, entre quesos y vacas | Publicidad", "Publicidad"),
    ("[Gesponsorde inhoud] Drie dagen in het dal", "[Gesponsorde inhoud]"),
])
def test_a_label_of_paid_content_in_the_headline_is_cut_out_as_the_pages_notice(det, headline, label):
    page = ("<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a> <a href='/t'>Tech</a></nav>"
            f"<h1>{headline}</h1>{STORY}</body></html>")
    a = det.analyze(page)
    assert a.label == "sponsored" and a.score >= det.threshold
    sponsored = [b["text"] for b in a.record()["blocks"] if b["label"] == "sponsored"]
    assert label in sponsored or headline in sponsored
    title = headline.replace(label, "").strip(" |:")
    assert title in a.editorial_text or headline in sponsored


@pytest.mark.parametrize("kicker, sponsored", [
    ("- Advertorial Nordlicht -", True),  # a label and the brand's name above the headline
    ("Paid Post", True),
    ("Verlags-Sonderveröffentlichung", True),
    ("Partnerinhalt | Nordlicht Energie", True),
    ("Publicación patrocinada", True),
    ("Contenuti promozionali", True),
    ("partnercontent", True),
    ("Advertisement feature", True),
    ("Anzeige", True),  # an ad-slot word right above the page's first heading, over the story
    ("Ad Feedback", False),  # under a banner, not a label of the story
    ("Sponsored By", False),  # the start of a credit whose sponsor is a logo
    ("Sponsored content is booming", False),  # a headline of its own
])
def test_a_kicker_of_paid_content_above_the_headline_labels_the_page(kicker, sponsored):
    from detector.blocks import BlockTable, LabelledBlock

    texts = [kicker, "How cold rooms help us sleep", "A long story about sleep. " * 30]
    starts = [0, len(texts[0]) + 1, len(texts[0]) + len(texts[1]) + 2]
    blocks = [LabelledBlock(i, "editorial", 0.9, x, a, a + len(x), {"sponsored": 0.3 if i == 0 else 0.0},
                            heading=i < 2) for i, (x, a) in enumerate(zip(texts, starts))]
    t = BlockTable.of(blocks)
    assert revise.declared(t) is sponsored
    assert (t.labels[:2] == ["sponsored", "sponsored"]) is sponsored


def _kicker_table(texts, headings):
    from detector.blocks import BlockTable, LabelledBlock

    starts = [sum(len(x) + 1 for x in texts[:i]) for i in range(len(texts))]
    return BlockTable.of([LabelledBlock(i, "editorial", 0.9, x, a, a + len(x), {"sponsored": 0.3 if "Werbung" in x else 0.0},
                                        heading=h) for i, (x, a, h) in enumerate(zip(texts, starts, headings))])


STORY_PARAGRAPH = "A long story about sleep, the rooms we keep cold and the nights we spend in them. " * 3


@pytest.mark.parametrize("texts, headings, sponsored", [
    # an ad-slot word right above the first heading, which heads the story: the story's label
    (["Werbung", "Drei Nächte im kalten Zimmer", STORY_PARAGRAPH, STORY_PARAGRAPH], [False, True, False, False], True),
    # above a menu's heading ("Folgen Sie uns"), or below a heading of the page: an ad slot
    (["Werbung", "Folgen Sie uns", STORY_PARAGRAPH], [False, True, False], False),
    (["Nachrichten", "Werbung", "Drei Nächte im kalten Zimmer", STORY_PARAGRAPH], [True, False, True, False], False),
    # inside the story (a paragraph of it above): an ad slot, whatever follows
    ([STORY_PARAGRAPH, "Werbung", "Was ein Hitzeschutzplan regelt", STORY_PARAGRAPH], [False, False, False, False], False),
    # plain text, no headings: a short line without end punctuation under the label is the headline
    (["Werbung", "Drei Nächte im kalten Zimmer", STORY_PARAGRAPH], [False, False, False], True),
    (["Werbung", "Drei Nächte im kalten Zimmer.", STORY_PARAGRAPH], [False, False, False], False),
])
def test_an_ad_slot_word_labels_the_page_only_right_above_the_headline_of_its_story(texts, headings, sponsored):
    t = _kicker_table(texts, headings)
    assert revise.declared(t) is sponsored


@pytest.mark.parametrize("headline, label", [
    ("Advertorial Ein Gartenhaus aus Lärchenholz, selbst gebaut", "Advertorial"),  # no separator
    ("SPONSOR: Winter gifts for your garden from Greenleaf", "SPONSOR"),
])
def test_a_label_word_opening_the_headline_labels_the_page(det, headline, label):
    page = f"<html><body><h1>{headline}</h1>{STORY}</body></html>"
    a = det.analyze(page)
    assert a.label == "sponsored"
    assert label in [b["text"] for b in a.record()["blocks"] if b["label"] == "sponsored"]


@pytest.mark.parametrize("credit", [
    "In partnership with the Harbour Credit Union",
    "En partenariat avec la Région Occitanie",
    "Paid for by Coastline Mutual",
])
def test_a_partners_credit_near_the_top_labels_the_page(det, credit):
    page = (f"<html><body><h1>How cold rooms help us sleep</h1><div class='credit'>{credit}</div>{STORY}"
            "</body></html>")
    a = det.analyze(page)
    assert a.label == "sponsored" and a.score >= det.threshold
    assert credit in [b["text"] for b in a.record()["blocks"] if b["label"] == "sponsored"]


def test_a_sentence_that_opens_with_a_partnership_labels_nothing(det):
    text = "In partnership with the city council, the museum opens a new wing for local schools next spring."
    a = det.analyze(f"<html><body><h1>Museum to open new wing</h1><p>{text}</p>{STORY}</body></html>")
    assert a.label == "editorial"
    assert all(b["label"] != "sponsored" for b in a.record()["blocks"])


@pytest.mark.parametrize("headline", [
    "Advertorials are booming, say media researchers",
    "Werbung – Zielgruppe und Bedürfnisse",  # a topic, not a label
    "Die Zukunft der Werbung",
    "How sponsored content changed the news business",
    "Publicidad | Tecnología | Salud | Motor",  # a menu
])
def test_a_headline_about_advertising_is_no_label(det, headline):
    page = f"<html><body><h1>{headline}</h1>{STORY}</body></html>"
    a = det.analyze(page)
    assert a.label == "editorial"
    assert all(b["label"] != "sponsored" for b in a.record()["blocks"])


def test_a_labelled_headline_low_on_the_page_or_in_a_teaser_list_labels_nothing(det):
    teasers = "".join(f"<h3><a href='/t{i}'>Anzeige: Sparen Sie heute bei Kestrel Energie {i}</a></h3>" for i in range(3))
    page = f"<html><body>{teasers}<h1>Three pipelines, one week</h1>{STORY}<h2>Anzeige | Mehr Ruhe im Urlaub, jetzt</h2></body></html>"
    assert det.analyze(page).label == "editorial"


def test_a_label_of_paid_content_low_on_the_page_is_a_teaser_not_the_pages_label():
    from detector.blocks import BlockTable

    story = "A paragraph of the story, long enough to be prose on any page of any site. " * 3
    blocks = [_lb(0, "editorial", "Council approves the plan", heading=True)]
    blocks += [_lb(i, "editorial", story) for i in range(1, 9)]
    blocks += [_lb(9, "boilerplate", "Sponsored Content"), _lb(10, "editorial", "Five ways to cut your bills", heading=True)]
    start = 0
    for b in blocks:
        b.start, b.end = start, start + len(b.text)
        start = b.end + 1
    t = BlockTable.of(blocks)
    assert not revise.declared(t)
    assert t.labels[9:] == ["boilerplate", "editorial"]


@pytest.mark.parametrize("paragraph, marker", [
    ("The network will add 400 rapid chargers by the end of next year, under new plans. (affiliate link)",
     "(affiliate link)"),
    ("Für Kunden, die nicht anreisen können, gibt es eine telefonische Beratung. *Werbelink", "*Werbelink"),
    ("Des milliards de bactéries vivent dans un gramme de sol (lien partenaire) et nourrissent les plantes.",
     "(lien partenaire)"),
])
def test_an_affiliate_marker_inside_a_paragraph_is_cut_out_as_affiliate(det, paragraph, marker):
    page = f"<html><body><h1>Chargers</h1>{STORY}<p>{paragraph}</p></body></html>"
    a = det.analyze(page)
    blocks = a.record(all_blocks=True)["blocks"]
    assert [b["label"] for b in blocks if b["text"] == marker] == ["affiliate"]
    assert marker not in a.editorial_text
    assert paragraph.replace(marker, "").split()[0] in a.editorial_text  # the rest of the paragraph stays
    for b in blocks:
        assert a.text[b["start"]:b["end"]] == b["text"]


def test_a_paragraph_about_affiliate_links_keeps_its_words():
    from detector.lexicon import AFFILIATE_MARKER

    for text in ("The affiliate link program pays well.", "We earn from affiliate links (see our policy).",
                 "Version 2*affiliate is out."):
        assert AFFILIATE_MARKER.search(text) is None, text


def test_a_cut_keeps_offsets_and_probabilities():
    from detector.blocks import BlockTable

    text = "Prices fell again this week. (affiliate link) More below."
    t = BlockTable.of([_lb(0, "editorial", "Title", heading=True), _lb(1, "editorial", text)])
    t.starts[1], t.ends[1] = 6, 6 + len(text)
    a = text.index("(")
    t.cut(1, a, a + len("(affiliate link)"), "affiliate", 0.9)
    assert t.labels == ["editorial", "editorial", "affiliate", "editorial"]
    assert t.texts[1:] == ["Prices fell again this week.", "(affiliate link)", "More below."]
    assert [e - s for s, e in zip(t.starts, t.ends)] == [len(x) for x in t.texts]
    assert t.starts[2] == 6 + a and t.units[1:] == [True, True, True] and t.probs.shape == (4, t.probs.shape[1])


def _row(words: int, link_density: float) -> BlockRow:
    text = " ".join(["word"] * words)
    return BlockRow(text, "", "", "", "p", (), 0.5, link_density, words, False, "")


@pytest.mark.parametrize("words, links, p_chrome, want", [
    (40, 0.0, 0.7, "editorial"),     # a paragraph the model doubts is chrome stays in the text
    (40, 0.0, 0.95, "boilerplate"),  # ... unless it is sure
    (40, 0.8, 0.7, "boilerplate"),   # a list of links is not prose
    (8, 0.0, 0.7, "boilerplate"),    # nor is a short line
], ids=["doubtful-prose", "sure-prose", "links", "short"])
def test_a_paragraph_of_prose_is_boilerplate_only_when_the_model_is_sure(det, words, links, p_chrome, want):
    from detector.score import OUTPUT_LABELS

    p = dict.fromkeys(OUTPUT_LABELS, 0.0)
    p["boilerplate"], p["editorial"], p["disclaimer"] = p_chrome, (1 - p_chrome) * 0.6, (1 - p_chrome) * 0.4
    merged = np.array([[p[lab] for lab in OUTPUT_LABELS]])
    labels, scores = det._decide(merged, [_row(words, links)])
    assert labels == [want]
    assert scores[0] == p[want]


def test_a_doubtful_prose_block_never_falls_back_to_a_weak_sponsored_label(det):
    from detector.score import OUTPUT_LABELS

    p = dict.fromkeys(OUTPUT_LABELS, 0.0)
    p["boilerplate"], p["sponsored"], p["editorial"] = 0.6, 0.3, 0.1  # runner-up: sponsored, far under 0.8
    merged = np.array([[p[lab] for lab in OUTPUT_LABELS]])
    labels, _ = det._decide(merged, [_row(40, 0.0)])
    assert labels == ["editorial"]


CREDIT_STORY = (
    "<html><body><article><h1>Harbour towns brace for a busy summer</h1>"
    "<p>Hotels along the coast report bookings well above last year, and the ferry company has added two "
    "sailings a day between the islands to cope with the crowds expected in July and August.</p>"
    "<p>{inline}</p>"
    "<p>Local councils are hiring extra lifeguards and have asked visitors to use the park-and-ride sites "
    "outside the old towns, where parking is scarce even in the quiet months of the year.</p>"
    "</article><aside><h3>Five ways to save on your next ferry trip</h3><p>Sponsored by Gullwing</p>"
    "<ul><li><a href='/a'>Cheap flights to the islands</a></li><li><a href='/b'>Ten beaches to visit</a></li></ul>"
    "</aside><footer><p>The Coastline Weekly is proudly sponsored by Gull Ferries.</p></footer></body></html>"
)


def test_a_sponsor_credit_is_a_sponsored_notice_and_the_page_stays_editorial():
    a = Detector.load().analyze(CREDIT_STORY.format(inline="Tourism officials expect record numbers.").encode())
    labels = {b.text: b.label for b in a.blocks}
    # a sponsored teaser's credit: a sponsor's name, not a bare ad-slot label (which is chrome on such a page)
    assert labels["Sponsored by Gullwing"] == "sponsored"
    assert labels["The Coastline Weekly is proudly sponsored by Gull Ferries."] == "sponsored"  # the site's sponsor
    assert a.label == "editorial"


def test_sponsored_by_inside_a_sentence_is_no_credit():
    line = "The lifeboat crew's charity swim was sponsored by friends and neighbours."
    a = Detector.load().analyze(CREDIT_STORY.format(inline=line).encode())
    assert {b.text: b.label for b in a.blocks}[line] != "sponsored"


def test_the_first_heading_over_the_story_is_its_title_not_chrome():
    from detector.blocks import BlockTable, LabelledBlock

    texts = ["Short afternoon naps may help memory, a small study finds", STORY_PARAGRAPH, "Menu"]
    starts = [sum(len(x) + 1 for x in texts[:i]) for i in range(len(texts))]
    probs = [{"editorial": 0.35, "boilerplate": 0.65}, {"editorial": 1.0}, {"editorial": 0.3, "boilerplate": 0.7}]
    labels = ["boilerplate", "editorial", "boilerplate"]
    t = BlockTable.of([LabelledBlock(i, lab, max(p.values()), x, a, a + len(x), p, heading=i != 1)
                       for i, (x, a, lab, p) in enumerate(zip(texts, starts, labels, probs))])
    revise.story_title(t)
    assert t.labels == ["editorial", "editorial", "boilerplate"]  # the title; a heading after the story is not
    sure = BlockTable.of([LabelledBlock(0, "boilerplate", 0.95, texts[0], 0, len(texts[0]),
                                        {"editorial": 0.05, "boilerplate": 0.95}, heading=True),
                          LabelledBlock(1, "editorial", 1.0, texts[1], starts[1], starts[1] + len(texts[1]), {"editorial": 1.0})])
    revise.story_title(sure)
    assert sure.labels[0] == "boilerplate"  # where the model is sure it is chrome, it stays chrome


@pytest.mark.parametrize("text, label", [
    ("Sociedad | Deportes | Inicio | Motor | Publicidad", "boilerplate"),  # a menu: one item is the ad sales page
    ("Con el apoyo del ayuntamiento", "editorial"),  # a public body named by its kind alone
    ("EN PARTENARIAT AVEC LA VILLE", "editorial"),
    ("En partenariat avec la Région Occitanie", "sponsored"),  # a body named: a paying partner like any other
    ("Sponsored | Acme Insurance", "sponsored"),  # two items: a label and its sponsor, not a menu
])
def test_a_menu_or_a_public_bodys_credit_is_not_a_notice(text, label):
    from detector.blocks import BlockTable, LabelledBlock

    probs = {"sponsored": 0.6, "editorial": 0.3, "boilerplate": 0.1}
    t = BlockTable.of([LabelledBlock(0, "sponsored", 0.6, text, 0, len(text), probs)])
    revise.not_notices(t)
    assert t.labels == [label]
