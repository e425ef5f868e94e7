"""Disclaimers in the wordings sites use for them (revise.disclaimers)."""

from __future__ import annotations

import pytest

from detector import Detector
from detector.lexicon import DISCLAIMER_FORMULA, INLINE_DISCLOSURE

STORY = ("<p>The harbour board met on Tuesday to weigh three offers for the old ferry terminal, and its chair "
         "said a decision would follow before the summer season begins in earnest.</p>")


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


def labelled(det: Detector, body: str) -> dict[str, str]:
    a = det.analyze(f"<html><body><h1>Ferry terminal offers weighed</h1>{STORY}{body}</body></html>", kind="html")
    assert a.error is None
    return {b.text: b.label for b in a.blocks}


@pytest.mark.parametrize("text", [
    "The opinions expressed in this column are the author's own and do not necessarily reflect those of the paper.",
    "This newsletter is for informational purposes only and should not be taken as investment advice of any kind.",
    "Harbour Watch is not endorsed, sponsored or affiliated with the Port Authority or any of its operators.",
    "Haftungsausschluss: Alle Inhalte dieser Seite stellen keine Anlageberatung dar und ersetzen sie nicht.",
    "Les informations publiées ici ne constituent pas un conseil en investissement ni une recommandation.",
    "This site is for entertainment only and is in no way affiliated with the Northern Football League.",
    "This podcast is not endorsed by, sponsored by or affiliated with any of the ferry operators it discusses.",
])
def test_a_block_in_a_disclaimers_wording_is_a_disclaimer(det: Detector, text: str) -> None:
    assert DISCLAIMER_FORMULA.search(text)
    assert labelled(det, f"<p>{text}</p>")[text] == "disclaimer"


def test_a_disclosure_in_brackets_is_cut_out_of_its_paragraph(det: Detector) -> None:
    head = ("The new timetable adds two early sailings on weekdays and a late return on Fridays, which commuters "
            "had asked for since the winter. Ticket prices stay the same until autumn, the operator said, and "
            "season passes can be bought at the terminal")
    note, tail = "(disclosure: the author rides this ferry to work)", "or online. The first sailing leaves at six."
    got = labelled(det, f"<p>{head} {note} {tail}</p>")
    assert (got[head], got[note], got[tail]) == ("editorial", "disclaimer", "editorial")


@pytest.mark.parametrize("text", [
    "This check sees whether the current view controller is our instance of the timetable controller class.",
    "The specification was made available for discussion and not endorsed by the standards body at the time.",
])
def test_prose_that_only_shares_words_is_not_a_disclaimer(det: Detector, text: str) -> None:
    assert DISCLAIMER_FORMULA.search(text) is None
    assert labelled(det, f"<p>{text}</p>")[text] != "disclaimer"


def test_a_legal_link_in_a_menu_is_no_disclaimer_wording() -> None:
    assert DISCLAIMER_FORMULA.search("Impressum | Datenschutz | Haftungsausschluss | Sitemap | Kontakt") is None
    assert DISCLAIMER_FORMULA.search("Haftungsausschluss (Disclaimer) Haftung für Inhalte")


def test_a_pointer_to_a_disclaimer_is_not_one() -> None:
    assert INLINE_DISCLOSURE.search("Prices change often (see disclaimer below) so check them.") is None
    assert INLINE_DISCLOSURE.search("(As a friendly disclaimer, I actually work there.)")



def test_a_legal_section_that_opens_as_a_disclaimer_is_one_at_its_full_length(det: Detector) -> None:
    section = ("Haftungsausschluss Die Inhalte dieser Seiten wurden mit größter Sorgfalt erstellt. Für die "
               "Richtigkeit, Vollständigkeit und Aktualität der Inhalte können wir jedoch keine Gewähr übernehmen. "
               * 8).strip()
    assert len(section.split()) > 80
    assert labelled(det, f"<p>{section}</p>")[section] == "disclaimer"


def test_a_notice_that_only_mentions_an_affiliation_is_not_made_a_disclaimer(det: Detector) -> None:
    # the cue word lies outside the denial: a notice of paid content, not a disclaimer
    text = "This post is sponsored by Gull Ferries. The author is not affiliated with any other ferry operator."
    assert labelled(det, f"<p>{text}</p>").get(text) != "disclaimer"


@pytest.mark.parametrize("text, denies", [
    ("This post is not sponsored; I bought the tent myself.", True),
    ("Keine Werbung – dieser Beitrag wurde nicht bezahlt.", True),
    ("Dieser Beitrag enthält unbezahlte Werbung durch Verlinkung.", True),
    ("Ce billet n'est pas sponsorisé.", True),
    ("Questo articolo non è una collaborazione a pagamento.", True),
    ("Dit artikel is niet gesponsord.", True),
    ("The Lantern Review publishes no sponsored content.", True),
    ("We do not accept paid posts of any kind.", True),
    ("Bei uns gibt es keine gesponserten Beiträge.", True),
    ("Sin contenido patrocinado y sin publicidad: lo pagan nuestros lectores.", True),
    ("Nessuna affiliazione né sponsorizzazione con i marchi citati.", True),
    ("Op deze site staat geen gesponsorde inhoud.", True),
    ("This post is sponsored by Gull Ferries.", False),
    ("Dieser Beitrag wurde von Gull Ferries bezahlt.", False),
])
def test_a_statement_that_the_content_is_not_paid_for(text: str, denies: bool) -> None:
    from detector.lexicon import denies_sponsored

    assert denies_sponsored(text) is denies


def test_a_denial_the_model_calls_sponsored_becomes_a_disclaimer() -> None:
    from detector import revise
    from detector.blocks import BlockTable, LabelledBlock

    denial, notice = "Keine Werbung – dieser Beitrag wurde nicht bezahlt.", "Dieser Beitrag wurde von Gull Ferries bezahlt."
    t = BlockTable.of([LabelledBlock(0, "sponsored", 0.9, denial, 0, 50), LabelledBlock(1, "sponsored", 0.9, notice, 51, 99)])
    revise.denials(t)
    assert t.labels == ["disclaimer", "sponsored"]


def test_anchor_words_are_found_alike_with_and_without_re2(monkeypatch):
    from detector import revise
    low = ("the views expressed are my own. not investment advice. haftungsausschluss: keine beratung. "
           "ceci n'engage que moi — avertissement. the opinions do not reflect those of the company.")
    with_re2 = sorted(revise._anchors_at(low))
    monkeypatch.setattr(revise, "compile_re2", lambda pattern: None)
    assert sorted(revise._anchors_at(low)) == with_re2
    assert len(with_re2) == 8  # own, advice, haftungsausschluss, beratung, engage, avertissement, not reflect, those of the


@pytest.mark.parametrize("text, declares", [
    ("When you buy through links on our site, we may earn an affiliate commission.", True),
    ("Buying through our links may earn us a commission, which pays for our testing.", True),
    ("The Lantern Review may earn a portion of sales from products bought through this page.", True),
    ("Kaufst du über einen dieser Links ein, erhalten wir eine kleine Provision.", True),
    ("Si vous achetez via ces liens, nous percevons une commission.", True),
    ("Si compras a través de estos enlaces, recibimos una comisión.", True),
    ("Se acquisti tramite questi link, riceviamo una piccola commissione.", True),
    ("Koop je via deze links, dan ontvangen wij een kleine vergoeding.", True),
    ("We do not earn a commission on anything we link to.", False),
    ("The broker will earn a commission of 2 % on every sale, analysts said.", False),  # news, no links
])
def test_a_statement_that_the_site_earns_from_its_links(text: str, declares: bool) -> None:
    from detector.lexicon import declares_affiliate

    assert declares_affiliate(text) is declares


def test_a_sitewide_affiliate_note_the_model_calls_chrome_is_an_affiliate_notice() -> None:
    from detector import revise
    from detector.blocks import BlockTable, LabelledBlock

    note = "When you buy through links on our site, we may earn an affiliate commission. Here is how it works."
    menu = "Home | Reviews | Deals"
    blocks = [LabelledBlock(0, "boilerplate", 0.9, note, 0, len(note), {"boilerplate": 0.9, "affiliate": 0.05}),
              LabelledBlock(1, "boilerplate", 0.9, menu, len(note) + 1, len(note) + 1 + len(menu), {"boilerplate": 0.9})]
    t = BlockTable.of(blocks)
    revise.affiliate_notes(t)
    assert t.labels == ["affiliate", "boilerplate"]
