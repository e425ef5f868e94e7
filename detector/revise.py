"""The revisions: rules, run after the model, for what the model alone gets wrong on a page's labelled blocks.

Each rule reads and changes a page's :class:`~detector.blocks.BlockTable` (its blocks' labels, scores,
texts and probabilities). :func:`revise` runs those that hold on every page, in order; :func:`declared` and
:func:`labelled_headline` also say whether the page's own content declares it paid for (the page is then
sponsored whatever its score). The cue words and wordings they read are in :mod:`detector.lexicon`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

import numpy as np

from .blocks import BlockTable, LabelledBlock
from .cuematch import compile_re2, has_affiliate_cue, has_sponsored_cue
from .labels import NOTICE_LABELS
from .lexicon import (
    AFFILIATE_MARKER,
    DISCLAIMER_ANCHORS,
    DISCLAIMER_FORMULA,
    INLINE_DISCLOSURE,
    credits_partner,
    credits_sponsor,
    declares_affiliate,
    declares_sponsored,
    denies_sponsored,
    headline_label,
    is_ad_word,
    is_content_kicker,
    public_partner,
    tagged_sponsored,
)
from .segment import Page

__all__ = ["revise", "declared", "labelled_headline", "on_blocks"]

HEADING_MAX_WORDS = 6  # a block this short without end punctuation may be a notice's heading
BARE_LABEL_MAX_WORDS = 3  # "Anzeige", "Paid Post", "In association with": labels, not statements
# Below this page score a bare label is an ad slot. Lower than the page threshold on purpose: pages whose
# only disclosure is a label score between 0.75 and 0.94 (data/'s test split), and keep their label.
BARE_LABEL_PAGE_MAX = 0.75
TITLE_MAX_WORDS = 25  # a labelled headline is at most this long
CREDIT_MAX_WORDS = 20  # a sponsor's credit is a notice up to this long (a longer block is prose that names one)
DECLARED_MAX_WORDS = 80  # a block that declares the page sponsored is a notice up to this long (else prose)
DISCLAIMER_MAX_WORDS = 80  # a block in a disclaimer's wording is a disclaimer up to this long (else prose)
DISCLAIMER_MIN_WORDS = 6  # and from this long: "Haftungsausschluss" alone is a link to the site's legal page
DENIAL_MAX_WORDS = 25  # a block that denies being paid for is a statement up to this long
DISCLAIMER_SECTION_MAX_WORDS = 400  # a block that opens as a disclaimer is one up to this long (a legal section)
AD_HEADLINE_MIN_WORDS = 4  # a headline under a bare ad-slot word, or not set as a heading, is this long at least
AFFILIATE_NOTE_MAX_WORDS = 80  # a block in an affiliate notice's wording is one up to this long (else prose)
MENU_MIN_ITEMS = 4  # "Sociedad | Deportes | Publicidad | Motor": a menu, not a label and a title
MENU_ITEM_MAX_WORDS = 3
LABEL_TOP = 0.3  # a label of paid content above a headline in this share of the page's text labels the page
# A line between two story paragraphs of at least this many words, no longer than STORY_HEADING_MAX_WORDS
# and called chrome with less than STORY_HEADING_MAX_CHROME, is a subheading of the story.
STORY_PARAGRAPH_MIN_WORDS = 20
STORY_HEADING_MAX_WORDS = 15
STORY_HEADING_MAX_CHROME = 0.8
STORY_HEADING_MIN_EDITORIAL = 0.2  # ... and called editorial with at least this
HEADING_MIN_SHARE = 0.05  # the heading's own probability of its notice's label must reach this

READ_MORE_MAX_WORDS = 30  # a read-more line, not a paragraph that happens to open with "Related:"
_END_PUNCT = re.compile(r"[.!?…)\]]$")
# A line that opens with a read-more label links to another article: chrome, whatever words its title holds.
_READ_MORE = re.compile(
    r"^\s*(?:recommended(?:\s+(?:article|story|reading))?|read\s+(?:more|also|next)|related(?:\s+(?:article|story))?|"
    r"see\s+also|lesen\s+sie\s+(?:auch|mehr)|auch\s+interessant|mehr\s+zum\s+thema|(?:à\s+)?lire\s+aussi|"
    r"lee\s+(?:también|más)|leggi\s+anche|lees\s+ook|(?:next|previous|prev|older|newer)\s+(?:post|article|story|entry)|"
    r"(?:nächster|vorheriger)\s+(?:beitrag|artikel)|article\s+(?:suivant|précédent)|art[ií]culo\s+(?:siguiente|anterior)|"
    r"articolo\s+(?:successivo|precedente)|(?:volgend|vorig)\s+artikel)\s*[:|»>–-]", re.I)


def on_blocks(rule: Callable[[BlockTable], object], blocks: list[LabelledBlock]) -> None:
    """Run a rule on a list of :class:`LabelledBlock` (their labels and scores change in place)."""
    t = BlockTable.of(blocks)
    rule(t)
    t.apply(blocks)


def revise(t: BlockTable, text: str, score: float, threshold: float = 1.0) -> None:
    """The revisions of a page's labelled blocks (``text``: the page's text), by its score.

    A bare label is an ad slot on a page below ``BARE_LABEL_PAGE_MAX`` that the model does not flag
    (``threshold``: its page threshold); on any other page it heads the title under it.
    """
    read_more(t)
    affiliate_markers(t)
    story_headings(t)
    story_title(t)
    notice_headings(t)
    if score < min(BARE_LABEL_PAGE_MAX, threshold):
        bare_labels(t)
    else:
        label_titles(t)
    sponsor_credits(t)
    affiliate_notes(t)
    not_notices(t)
    disclaimers(t, text)
    denials(t)


def read_more(t: BlockTable) -> None:
    """A "Recommended Article: …" / "Lesen Sie auch: …" line is a link to another page: boilerplate
    (a notice or a line of up to READ_MORE_MAX_WORDS words the model called editorial).

    The title after the label may hold any word ("… Strategic Partnership …"); it is no notice about
    this page.
    """
    for i, lab in enumerate(t.labels):
        if lab == "boilerplate" or t.units[i] or not _READ_MORE.match(t.texts[i]):
            continue
        if lab in NOTICE_LABELS or len(t.texts[i].split()) <= READ_MORE_MAX_WORDS:
            t.relabel(i, "boilerplate", t.prob(i, "boilerplate"))


def affiliate_markers(t: BlockTable) -> None:
    """An affiliate marker in a paragraph ("… on Wednesday. (affiliate link)", "*Werbelink") is an
    affiliate notice: cut out of the paragraph, or the whole block when it opens with the marker (a
    footnote: "* Affiliatelink. Prices were …"). What is left of a paragraph that the model called
    affiliate for its marker alone (no commission cue word left in it) is editorial."""
    # only a block with a commission cue word can hold a marker (the gate left the others p = 0); from
    # the last, so that a cut leaves the blocks before it where they were
    for i in reversed(np.flatnonzero(t.cued[:, 1]).tolist()):
        text = t.texts[i]
        m = AFFILIATE_MARKER.search(text) if t.labels[i] in ("editorial", "affiliate") else None
        if m is None or t.units[i]:
            continue
        score = max(t.prob(i, "affiliate"), t.scores[i] if t.labels[i] == "affiliate" else 0.0)
        rest = text[:m.start()] + " " + text[m.end():]
        if m.start() == 0 or not rest.strip():
            if t.labels[i] == "editorial":
                t.relabel(i, "affiliate", score)
        elif t.labels[i] == "editorial" or not has_affiliate_cue(rest):
            t.cut(i, m.start(), m.end(), "affiliate", score, rest=("editorial", t.prob(i, "editorial")))


def story_headings(t: BlockTable) -> None:
    """A section heading between two paragraphs of the story is part of the story.

    A short line without end punctuation, set between two editorial paragraphs, is a subheading
    of the text around it, not site chrome, when the model was not sure it is chrome. A line with
    a colon ("Read more: …", "Recommended Article: …") is left as it is, unless it is a heading element.
    """
    labels, texts = t.labels, t.texts
    for i in range(1, len(labels) - 1):
        if labels[i] != "boilerplate" or t.scores[i] >= STORY_HEADING_MAX_CHROME or t.units[i]:
            continue
        if t.prob(i, "editorial") < STORY_HEADING_MIN_EDITORIAL:
            continue  # chrome or a label ("ANZEIGE") the model never took for text
        if labels[i - 1] != "editorial" or labels[i + 1] != "editorial":
            continue
        words = texts[i].split()
        if (len(words) > STORY_HEADING_MAX_WORDS or _END_PUNCT.search(texts[i])
                or (":" in texts[i] and not t.headings[i])):
            continue
        if min(len(texts[i - 1].split()), len(texts[i + 1].split())) < STORY_PARAGRAPH_MIN_WORDS:
            continue
        t.relabel(i, "editorial", t.prob(i, "editorial"))


def story_title(t: BlockTable) -> None:
    """The page's first heading, right above the story's first paragraph, is the story's title.

    The model may take a headline for site chrome, where no markup sets it apart (plain text) or where
    sites style it as they style their menus. When it was not sure (as in :func:`story_headings`), the
    first heading of the page's top ``LABEL_TOP`` with a paragraph of the story right under it, or under
    a short lead, is editorial.
    """
    end = t.ends[-1] if t.ends else 0
    for i, h in enumerate(t.headings):
        if t.starts[i] > LABEL_TOP * end:
            return
        if not h:
            continue
        if (t.labels[i] == "boilerplate" and t.scores[i] < STORY_HEADING_MAX_CHROME and not t.units[i]
                and t.prob(i, "editorial") >= STORY_HEADING_MIN_EDITORIAL
                and len(t.texts[i].split()) <= TITLE_MAX_WORDS
                and any(_story_paragraph(t, k) for k in range(i + 1, min(i + 3, len(t.labels))))):
            t.relabel(i, "editorial", t.prob(i, "editorial"))
        return


def notice_headings(t: BlockTable) -> None:
    """A short heading right above a notice takes the notice's label and score (jusText-style revision).

    The heading qualifies when the model already calls it a notice, or chrome, or gives the notice's
    label some weight; a sentence cut out of a paragraph never does.
    """
    labels, texts = t.labels, t.texts
    revised: set[int] = set()
    # The blocks right above a notice, bottom up. Those whose notice below is itself a revised
    # heading are passed over (a heading passes nothing on), so the notices found first are all
    # there are.
    above = [i for i, lab in enumerate(labels[1:]) if lab in NOTICE_LABELS]
    for i in reversed(above):
        h, nxt = labels[i], labels[i + 1]
        if h == nxt:
            continue
        if i + 1 in revised or len(texts[i + 1].split()) <= BARE_LABEL_MAX_WORDS:
            continue  # a heading passes nothing on, and a bare label has no heading of its own
        words = texts[i].split()
        if len(words) > HEADING_MAX_WORDS or _END_PUNCT.search(texts[i]):
            continue
        if t.units[i]:
            continue  # a sentence cut out of a paragraph is no heading
        chrome_heading = h == "boilerplate" and (t.headings[i] or len(words) <= 3)
        if h in NOTICE_LABELS or chrome_heading or t.prob(i, nxt) >= HEADING_MIN_SHARE:
            t.relabel(i, nxt, t.scores[i + 1])  # the heading belongs to its notice
            revised.add(i)


def bare_labels(t: BlockTable) -> None:
    """On a page that is clearly editorial, a bare "Anzeige" / "Paid" / "In association with" is an ad-slot label.

    A label of a few words is a notice only when it heads sponsored content; on an editorial page it
    marks an ad slot or a partner strip, which is site chrome.
    """
    texts, units = t.texts, t.units
    for i, lab in enumerate(t.labels):
        if lab == "sponsored" and len(texts[i].split()) <= BARE_LABEL_MAX_WORDS and not units[i]:
            t.relabel(i, "boilerplate", t.prob(i, "boilerplate"))


def label_titles(t: BlockTable) -> None:
    """On a page that may be sponsored, a bare label ("Advertorial", "Anzeige") heads the title it labels.

    The headline right under the label takes the label's verdict: together they are the disclosure.
    """
    labels, texts, units = t.labels, t.texts, t.units
    for i in range(len(labels) - 1):
        if labels[i] != "sponsored" or units[i] or len(texts[i].split()) > BARE_LABEL_MAX_WORDS:
            continue
        j = i + 1
        if (labels[j] == "editorial" and t.headings[j] and not units[j]
                and len(texts[j].split()) <= TITLE_MAX_WORDS):
            t.relabel(j, "sponsored", t.scores[i])


def denials(t: BlockTable) -> None:
    """A short block the model called sponsored that says the content is not paid for ("This post is not
    sponsored", "Keine Werbung – dieser Beitrag wurde nicht bezahlt", "unbezahlte Werbung",
    :func:`lexicon.denies_sponsored`) is a disclaimer: a statement about the content's independence, not a
    notice of paid content."""
    for i, lab in enumerate(t.labels):
        if lab == "sponsored" and len(t.texts[i].split()) <= DENIAL_MAX_WORDS and denies_sponsored(t.texts[i]):
            t.relabel(i, "disclaimer", t.promoted(i, "disclaimer"))


def affiliate_notes(t: BlockTable) -> None:
    """A block of up to ``AFFILIATE_NOTE_MAX_WORDS`` words that says its site or writer earns from the links
    ("We may earn a commission when you buy through links on our site", :func:`lexicon.declares_affiliate`)
    is an affiliate notice, in the article or in the site's footer; a notice of paid content that says so
    too stays sponsored."""
    for i in np.flatnonzero(t.cued[:, 1]).tolist():  # only blocks with a commission cue word
        if (t.labels[i] in ("affiliate", "sponsored") or t.units[i] or t.headings[i]
                or len(t.texts[i].split()) > AFFILIATE_NOTE_MAX_WORDS):
            continue
        if declares_affiliate(t.texts[i]):
            t.relabel(i, "affiliate", t.promoted(i, "affiliate"))


def not_notices(t: BlockTable) -> None:
    """Blocks the model called sponsored that cannot be a notice of paid content: a menu ("Sociedad |
    Deportes | Publicidad": one of its items is the ad sales page) is site chrome; a credit to a public body
    named by its kind alone ("Con el apoyo del ayuntamiento", :func:`lexicon.public_partner`) takes the
    model's better guess of editorial text or chrome."""
    for i, lab in enumerate(t.labels):
        if lab != "sponsored":
            continue
        text = t.texts[i]
        if _menu(text):
            t.relabel(i, "boilerplate", t.prob(i, "boilerplate"))
        elif public_partner(text):
            best = max(("editorial", "boilerplate"), key=lambda label: t.prob(i, label))
            t.relabel(i, best, t.prob(i, best))


def _menu(text: str) -> bool:
    """A line of ``MENU_MIN_ITEMS`` items or more between bars, none longer than ``MENU_ITEM_MAX_WORDS`` words."""
    items = [x.strip() for x in text.split("|")]
    return len(items) >= MENU_MIN_ITEMS and all(0 < len(x.split()) <= MENU_ITEM_MAX_WORDS for x in items)


def sponsor_credits(t: BlockTable) -> None:
    """A short block, not a heading, that credits a sponsor or a partner ("Sponsored by State Farm", "… is
    proudly sponsored by …", "Gesponsert von …", "In partnership with …", :func:`lexicon.credits_sponsor`) is a
    sponsored notice, on any page: a disclosure of paid content, if not always of the page's own (the page's
    score is left as it is; :func:`declared` reads a partner's credit near the top as the page's own)."""
    for i in np.flatnonzero(t.cued[:, 0]).tolist():  # only blocks with a sponsorship cue word
        text = t.texts[i]
        if t.labels[i] == "sponsored" or t.headings[i] or len(text.split()) > CREDIT_MAX_WORDS:
            continue  # a heading is a title ("Sponsored by a government, say researchers"), not a credit
        if credits_sponsor(text):
            t.relabel(i, "sponsored", t.promoted(i, "sponsored"))


def disclaimers(t: BlockTable, text: str) -> None:
    """Disclaimers in the wordings sites use for them, in the blocks where an anchor word of their patterns
    occurs (:data:`lexicon.DISCLAIMER_ANCHORS`, found in the page's ``text``, which the blocks' offsets
    point into) that hold no sponsorship or commission cue word (those are read as sponsored or affiliate
    notices) and are no heading:

    - a block the model called editorial or boilerplate, of ``DISCLAIMER_MIN_WORDS`` to
      ``DISCLAIMER_MAX_WORDS`` words, in a disclaimer's wording (:data:`lexicon.DISCLAIMER_FORMULA`: "The
      opinions expressed here are my own…", "… is not endorsed or affiliated with …", "not investment
      advice", "Haftungsausschluss (Disclaimer) …", a block headed "Disclosure:") is a disclaimer;
    - a disclosure in brackets inside an editorial paragraph ("(Full disclosure: I work at Cars.com.)",
      :data:`lexicon.INLINE_DISCLOSURE`) is cut out of it as a disclaimer.
    """
    low = text.lower()
    if len(low) == len(text):  # the blocks where an anchor word of the patterns occurs
        starts = t.starts
        candidates = sorted({i for k in _anchors_at(low) if (i := bisect_right(starts, k) - 1) >= 0})
    else:  # lower-casing moved the offsets (a rare character): every block
        candidates = list(range(len(t.texts)))
    found_at: list[tuple[int, tuple[int, int] | None]] = []  # (block, the bracket to cut out, or None: all)
    for i in candidates:
        if t.headings[i] or t.labels[i] not in ("editorial", "boilerplate"):
            continue
        block = t.texts[i]
        cued = bool(t.cued[i].any())
        if _in_disclaimer_wording(block, cued):
            found_at.append((i, None))
        elif t.labels[i] == "editorial" and not t.units[i] and not cued and (m := INLINE_DISCLOSURE.search(block)):
            found_at.append((i, (m.start(), m.end()) if (m.start(), m.end()) != (0, len(block)) else None))
    for i, bracket in reversed(found_at):  # from the last: a cut leaves the blocks before it where they were
        score = t.promoted(i, "disclaimer")
        if bracket is None:
            t.relabel(i, "disclaimer", score)
        else:
            t.cut(i, *bracket, "disclaimer", score, rest=("editorial", t.scores[i]))


def _anchors_at(low: str) -> list[int]:
    """Where an anchor word of the disclaimer patterns (:data:`lexicon.DISCLAIMER_ANCHORS`) occurs in the
    lower-cased page text ``low``: one RE2 scan for them all (google-re2), else a ``str.find`` per word."""
    scan = compile_re2(_ANCHORS)
    if scan is not None:
        return [m.start() for m in scan.finditer(low)]
    at = []
    for word in DISCLAIMER_ANCHORS:
        k = low.find(word)
        while k >= 0:
            at.append(k)
            k = low.find(word, k + 1)
    return at


_ANCHORS = "|".join(re.escape(w) for w in DISCLAIMER_ANCHORS)


def _in_disclaimer_wording(block: str, cued: bool) -> bool:
    """Whether ``block`` is a disclaimer by its wording (:data:`lexicon.DISCLAIMER_FORMULA`): a block of
    ``DISCLAIMER_MIN_WORDS`` to ``DISCLAIMER_MAX_WORDS`` words that holds it, or one that opens with it
    ("Haftungsausschluss …", "Disclosure: …") up to the ``DISCLAIMER_SECTION_MAX_WORDS`` of a legal section.
    A block with a cue word of paid content or commissions (``cued``) is one only when its cue words lie in
    the wording itself, a denial ("… is not endorsed, sponsored or affiliated with …")."""
    words = len(block.split())
    if not DISCLAIMER_MIN_WORDS <= words <= DISCLAIMER_SECTION_MAX_WORDS:
        return False
    # a long block only where it opens with the wording (a match at its start, not a search through it)
    m = DISCLAIMER_FORMULA.search(block) if words <= DISCLAIMER_MAX_WORDS else DISCLAIMER_FORMULA.match(block)
    return m is not None and not (cued and _cue_outside(block, m.start(), m.end()))

def _cue_outside(block: str, a: int, e: int) -> bool:
    """Whether ``block`` holds a cue word of paid content or commissions outside characters ``a:e``."""
    rest = block[:a] + " " + block[e:]
    return bool(has_sponsored_cue(rest) or has_affiliate_cue(rest))

def declared(t: BlockTable) -> bool:
    """A block that declares the page's content paid for is a sponsored notice; True if the page has one.

    "Disclaimer: this post is sponsored by …", "AWS sponsors this article", "Dieser Beitrag wurde von …
    bezahlt", "[Werbung] Drei Tage im Illertal" (:func:`lexicon.declares_sponsored`): whatever label the
    model gave it but boilerplate (site chrome quoting a notice; a heading in the top ``LABEL_TOP`` of
    the page is the page's title, not chrome), and whatever the page looks like, its
    page is sponsored. A long paragraph is prose that may quote such a sentence, not a notice. So is a
    label of paid content ("Paid Post", :func:`lexicon.is_content_label`) right above a headline in the
    top ``LABEL_TOP`` of the page, with the headline, and the page's own tag or category line when it
    files the page as paid content ("Tags: Podcasts SPONSORED Video", :func:`lexicon.tagged_sponsored`).
    A partner's credit alone on its line in the top ``LABEL_TOP`` of the page ("In partnership with Acme",
    "Paid for by …", :func:`lexicon.credits_partner`), which :func:`sponsor_credits` labelled, says the
    page's content is made with a partner: its page is sponsored too.
    """
    found = False
    end = t.ends[-1] if t.ends else 0
    # only a block with a sponsorship cue word can declare anything: the gate left the others p = 0
    cued = np.flatnonzero(t.cued[:, 0]).tolist()
    for i in cued:
        text, lab = t.texts[i], t.labels[i]
        if len(text.split()) > DECLARED_MAX_WORDS:
            continue
        top_heading = t.headings[i] and t.starts[i] <= LABEL_TOP * end  # "[Werbung] …" as the page's title
        if not ((lab != "boilerplate" or top_heading) and declares_sponsored(text)) and not tagged_sponsored(text):
            continue
        if lab != "sponsored":
            t.relabel(i, "sponsored", t.promoted(i, "sponsored"))
        found = True
    # "Paid Post" / "Sponsored Content" / "Advertorial Dalbello" right above the page's headline near its top;
    # an ad-slot word ("Anzeige", "Publicité") only right above the page's first heading. With no
    # heading above it (plain text): the headline may be a short line without end punctuation.
    for i in cued:
        j = i + 1
        if (j >= len(t.labels) or t.units[i] or t.units[j] or t.starts[i] > LABEL_TOP * end
                or not (t.headings[j] or (not any(t.headings[:j]) and _title_like(t.texts[j]) and _over_story(t, i, j)))
                or len(t.texts[j].split()) > TITLE_MAX_WORDS):
            continue
        if not (is_content_kicker(t.texts[i]) or (is_ad_word(t.texts[i]) and _headline_of_story(t, i, j))):
            continue
        for k in (i, j):
            if t.labels[k] != "sponsored":
                t.relabel(k, "sponsored", t.promoted(k, "sponsored"))
        found = True
    # "In partnership with Acme" near the top: the article is made with a partner
    for i in cued:
        if (t.labels[i] == "sponsored" and not t.headings[i] and t.starts[i] <= LABEL_TOP * end
                and credits_partner(t.texts[i])):
            found = True
    return found


def _headline_of_story(t: BlockTable, i: int, j: int) -> bool:
    """Whether block ``j``, under block ``i``, is the page's headline over its story: the first heading of the
    page, of ``AD_HEADLINE_MIN_WORDS`` words or more, with a paragraph of the story right under it (a menu's
    heading under an ad slot, "Folgen Sie uns", is not)."""
    return not any(t.headings[:i]) and _over_story(t, i, j)


def _over_story(t: BlockTable, i: int, j: int) -> bool:
    """Whether block ``j``, under the label ``i``, heads the story: ``AD_HEADLINE_MIN_WORDS`` words or more, a
    paragraph of the story right under it and none above the label (an ad slot inside the story is not)."""
    k = j + 1
    return (len(t.texts[j].split()) >= AD_HEADLINE_MIN_WORDS and k < len(t.labels) and _story_paragraph(t, k)
            and not any(_story_paragraph(t, m) for m in range(i)))


def _story_paragraph(t: BlockTable, k: int) -> bool:
    return t.labels[k] == "editorial" and len(t.texts[k].split()) >= STORY_PARAGRAPH_MIN_WORDS


def _title_like(text: str) -> bool:
    """A line of plain text that may be a headline: two words or more, without end punctuation."""
    return len(text.split()) >= 2 and _END_PUNCT.search(text) is None and not text.rstrip().endswith((",", ";", ":"))


def labelled_headline(t: BlockTable, page: Page) -> bool:
    """The page's headline carries a label of paid content ("[Anzeige] Drei Tage im Illertal",
    "Sponsored content | …", "… (Werbung)", :func:`lexicon.headline_label`): the label is cut out as a
    sponsored notice, the title stays editorial, and the page is sponsored; True if so.

    The headline is the first heading in the top ``LABEL_TOP`` of the page, of at most
    ``TITLE_MAX_WORDS`` words and not mostly links (a menu or a teaser list is not a headline).
    """
    end = len(page.text)
    for b in page.blocks:
        if b.start > LABEL_TOP * end:
            return False
        if (not b.heading or 2 * b.link_chars > len(b.text) or len(b.text.split()) > TITLE_MAX_WORDS
                or (at := headline_label(b.text)) is None):
            continue
        i = next((k for k, a in enumerate(t.starts) if a == b.start), None)
        if i is None or t.ends[i] != b.end or t.labels[i] == "sponsored":
            return i is not None  # cut already, or found sponsored by the model
        t.cut(i, at[0], at[1], "sponsored", t.promoted(i, "sponsored"),
              rest=("editorial", t.prob(i, "editorial")))
        return True
    return False
