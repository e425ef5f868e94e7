"""The article on a page and the chrome around it (detector/article.py, detector/chromewords.py): our own text."""

from __future__ import annotations

import numpy as np
import pytest

from detector import Detector
from detector.article import article_span, chrome_lines, mark_chrome, outside_article
from detector.blocks import BlockTable
from detector.chromewords import calls_to_action, is_call_to_action, is_chrome_line
from detector.labels import OUTPUT_LABELS
from detector.page import Block

PARA = ("The council approved the new budget on Tuesday after a debate that ran late into the evening, and the "
        "mayor said the vote would let the city repair three bridges before the winter.")


def table(rows: list[tuple[str, str]], headings: set[int] = frozenset(), links: set[int] = frozenset()
          ) -> tuple[BlockTable, list[Block]]:
    """A page's labelled blocks from (label, text) rows; ``links``: the blocks made of links."""
    texts = [t for _, t in rows]
    starts, ends, at = [], [], 0
    for t in texts:
        starts.append(at)
        ends.append(at + len(t))
        at += len(t) + 2
    probs = np.zeros((len(rows), len(OUTPUT_LABELS)))
    for i, (lab, _) in enumerate(rows):
        probs[i, OUTPUT_LABELS.index(lab)] = 0.8
        probs[i, OUTPUT_LABELS.index("boilerplate" if lab == "editorial" else "editorial")] = 0.2
    t = BlockTable([lab for lab, _ in rows], [0.8] * len(rows), texts, starts, ends, probs, [False] * len(rows),
                   [i in headings for i in range(len(rows))])
    blocks = [Block(index=i, text=x, start=a, end=e, link_chars=len(x) if i in links else 0)
              for i, (x, a, e) in enumerate(zip(texts, starts, ends))]
    return t, blocks


@pytest.mark.parametrize("text", [
    "Related posts", "Ähnliche Beiträge", "Das könnte Sie auch interessieren:", "Vous aimerez aussi",
    "Artículos relacionados", "Articoli correlati", "Gerelateerde artikelen", "Most read", "Leave a reply",
    "Schreibe einen Kommentar", "12 Kommentare", "Share this article", "Tags: budget, bridges, council",
    "Schlagworte: Haushalt, Brücken", "Foto: Anna Beispiel", "Photograph by Jo Example", "© Example Media",
    "(Bild: Beispiel GmbH)", "Harbour at dawn / Shutterstock", "15. Mai 2024, 08:30 Uhr", "March 3, 2024 at 9:15 AM",
    "Publié le 12/03/2024", "Skip to content", "Back to top",
])
def test_chrome_lines_are_known_by_their_words(text):
    assert is_chrome_line(text)


@pytest.mark.parametrize("text", [
    "The dispute", "Passenger rights", "Image processing in Python", "Why the bridges matter",
    "Die Brücken der Stadt", "Sharing the cost of repairs", "Comments from residents were mixed at first.",
    "The bridge opened on 12 March 2024 after two years of works and a long dispute.", PARA,
    "Sponsored by Example Bank", "Anzeige",
])
def test_text_and_notices_are_not_chrome_lines(text):
    assert not is_chrome_line(text)


@pytest.mark.parametrize("text", [
    "Sign up for our newsletter and get the week's stories every Friday.",
    "Abonnieren Sie unseren Newsletter: jeden Freitag die Woche in fünf Minuten.",
    "Abonnez-vous à notre lettre d'information.", "Suscríbete a nuestro boletín semanal.",
    "Iscriviti alla newsletter", "Schrijf je in voor de nieuwsbrief", "If you liked this story, consider supporting our work.",
    "We use cookies to give you the best experience on our website.", "Diese Website verwendet Cookies.",
    "Nous utilisons des cookies pour mesurer l'audience.", "© Example Media 2024. Tous droits réservés.",
    "You are using an outdated browser. Please enable JavaScript.",
])
def test_calls_to_action(text):
    assert is_call_to_action(text)


def test_a_call_to_action_is_short_and_in_the_second_person():
    assert not is_call_to_action("The newsletter reached ten thousand subscribers in its first year, the editor said.")
    assert not is_call_to_action("Sign up for our newsletter " + "and more " * 30)


def test_the_article_is_the_stretch_with_most_editorial_words():
    assert article_span([-11, -12, 3, 30, -15, 40, -20, -12, 5]) == (2, 5)
    assert article_span([-5, 30, -100, 20]) == (1, 1)


def test_chrome_around_the_article_is_cut_and_the_article_stays_whole():
    rows = [
        ("boilerplate", "Home"), ("editorial", "Local news"), ("editorial", "Sport"),  # a menu let through
        ("editorial", "Bridges to be repaired before winter"),  # the title
        ("boilerplate", "By Jo Example"),
        ("editorial", "The city will spend two million on its three oldest bridges this year."),  # the lead
        ("editorial", PARA), ("editorial", "Why now"), ("editorial", PARA),
        ("boilerplate", "Read more: Parking fees rise in the old town"),  # inside the article: stays as it is
        ("editorial", PARA),
        ("sponsored", "This newsletter is supported by Example Bank."),
        ("boilerplate", "Share"),
        ("editorial", "Post navigation"), ("editorial", "Parking fees rise in the old town"),
        ("boilerplate", "3 comments"), ("boilerplate", "kat_m wrote on 3 March 2024"),
        ("editorial", "Finally! The north bridge has been closed for far too long, glad to see this."),
        ("boilerplate", "Reply"),
        ("editorial", "Example News is the independent voice of the valley since 1921, read by everyone."),
        ("editorial", "© 2024 Example News"),
    ]
    t, blocks = table(rows, headings={3, 7}, links={1, 2, 14})
    mark_chrome(t, blocks)
    got = dict(zip(t.texts, t.labels))
    for text in ("Bridges to be repaired before winter", PARA, "Why now",
                 "The city will spend two million on its three oldest bridges this year.",
                 "Finally! The north bridge has been closed for far too long, glad to see this."):
        assert got[text] == "editorial", text
    for text in ("Local news", "Sport", "Post navigation", "Parking fees rise in the old town",
                 "Example News is the independent voice of the valley since 1921, read by everyone.",
                 "© 2024 Example News"):
        assert got[text] == "boilerplate", text
    assert got["This newsletter is supported by Example Bank."] == "sponsored"  # notices keep their labels


def test_a_page_without_a_paragraph_is_left_as_it_is():
    rows = [("editorial", "Opening hours"), ("boilerplate", "Menu"), ("editorial", "Monday to Friday, 9 to 5")]
    t, blocks = table(rows)
    outside_article(t, blocks)
    assert t.labels == ["editorial", "boilerplate", "editorial"]


def test_a_credit_is_cut_out_of_its_caption():
    t, _ = table([("editorial", "The north bridge at dawn. Foto: Anna Beispiel")])
    chrome_lines(t)
    assert list(zip(t.labels, t.texts)) == [("editorial", "The north bridge at dawn."),
                                            ("boilerplate", "Foto: Anna Beispiel")]


def test_a_page_read_by_the_model_keeps_its_story_and_drops_the_lines_around_it():
    story = [PARA, "The works start in April and the bridges stay open to walkers, the engineer said, while cars "
                   "will use the ring road for about six weeks at each site.",
             "Residents asked for the footbridge by the school to be repaired first, and the council agreed to "
             "look at the order again at its next meeting in March."]
    html = ("<html><body><header><a href='/'>Example News</a></header>"
            "<main><article><h1>Bridges to be repaired before winter</h1>"
            + "".join(f"<p>{p}</p>" for p in story)
            + "<p>Tags: bridges, council, budget</p></article>"
            "<div><h3>Ähnliche Beiträge</h3><p>Parking fees rise in the old town</p>"
            "<p>New bus line for the valley</p></div>"
            "<h3>Schreibe einen Kommentar</h3><p>Deine E-Mail-Adresse wird nicht veröffentlicht.</p></main>"
            "<footer><p>Example News is the independent voice of the valley since 1921.</p></footer></body></html>")
    editorial = Detector.load().analyze(html, kind="html").editorial_text
    for p in story + ["Bridges to be repaired before winter"]:
        assert p in editorial
    for chrome in ("Tags: bridges", "Ähnliche Beiträge", "Schreibe einen Kommentar", "Parking fees rise"):
        assert chrome not in editorial, chrome


def test_calls_to_action_on_a_page_are_those_of_its_blocks_one_by_one():
    texts = ["Get our", "newsletter every week", "Sign up for our newsletter.", PARA, "Abonnez-vous",
             "İstanbul: sign up today", "The committee will get our weekly report.", "Folgen Sie uns auf Mastodon",
             "We use cookies to count visits.", "Google will phase out third-party cookies, the company said.",
             "© 2024 Example Media. Alle Rechte vorbehalten."]
    assert calls_to_action(texts) == {i for i, x in enumerate(texts) if is_call_to_action(x)} == {2, 4, 5, 7, 8, 10}
    assert calls_to_action([]) == set()


def test_the_last_paragraph_past_an_aside_and_short_comments_stay():
    rows = [("editorial", "Bridges to be repaired before winter"), ("editorial", PARA), ("editorial", PARA),
            ("boilerplate", "Read also: Parking fees rise in the old town and in the new town this spring"),
            ("editorial", "The first works start in April, the city engineer said, and they should last until the end of June."),
            ("boilerplate", "Share"), ("boilerplate", "Tags"), ("boilerplate", "Follow"), ("boilerplate", "Print"),
            ("editorial", "Example News is a cooperative of readers since 1921, now read across the valley."),
            ("boilerplate", "kat_m wrote 3 days ago"), ("editorial", "Finally, good news!"),
            ("boilerplate", "Reply")]
    t, blocks = table(rows, headings={0})
    outside_article(t, blocks)
    got = dict(zip(t.texts, t.labels))
    assert got["The first works start in April, the city engineer said, and they should last until the end of June."] == "editorial"
    assert got["Finally, good news!"] == "editorial"  # a comment in a thread
    assert got["Example News is a cooperative of readers since 1921, now read across the valley."] == "boilerplate"
