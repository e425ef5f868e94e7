"""The rows a training page gives the block classifier, beyond its own labelled blocks: which unlabelled
blocks of a page without boilerplate labels are kept (prose, cue blocks, and chrome found against a
reference extractor's main text), and the augmented rows (junk lines, noisy copies of notices, short
editorial fragments) that teach the classifier what a crawl holds and our corpora do not."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..features import BlockRow
from ..io import RawPage
from ..segment import Page
from .corpus import IGNORE

log = logging.getLogger(__name__)


CHROME_MAX_WORDS = 12  # on a page whose boilerplate is not labelled, a shorter block may be chrome
CHROME_LINK_DENSITY = 0.3  # ... and so may a block with more of its text in links
CUE_MIN_WORDS = 4  # ... but a block of this many words that holds a cue word is kept (a bare label is not)
PROSE_PER_PAGE = 40  # editorial blocks without a cue word kept per such page (the rest say nothing new)


def unlabelled_chrome_kept(rows: Sequence[BlockRow], targets: Sequence[str], keep: list[int], seed: int) -> list[int]:
    """The training rows of a page that labels its disclosures but not its boilerplate (realdev).

    Its unlabelled blocks are "editorial" by default, menus and share buttons included: teaching that
    would undo what data/'s boilerplate labels teach. So short or link-heavy unlabelled blocks are left
    out; long unlabelled blocks are prose, and up to PROSE_PER_PAGE of them are kept, with every labelled
    block and every unlabelled one of CUE_MIN_WORDS words or more that holds a cue word (a disclosure word
    in another sense: "State-sponsored hackers …").
    """
    from ..cuematch import cue_counts

    rng = np.random.default_rng(seed + 3)
    out, prose = [], []
    for k in keep:
        r = rows[k]
        if targets[k] != "editorial":
            out.append(k)
        elif r.link_density > CHROME_LINK_DENSITY:
            continue
        elif r.n_words >= CUE_MIN_WORDS and any(cue_counts(r.text)):
            out.append(k)  # "State-sponsored hackers …": a disclosure word in another sense, headlines too
        elif r.n_words >= CHROME_MAX_WORDS:
            prose.append(k)
    if len(prose) > PROSE_PER_PAGE:
        prose = sorted(rng.choice(prose, PROSE_PER_PAGE, replace=False).tolist())
    return sorted(out + prose)


REFERENCE_MIN_CHARS = 200  # a reference main text shorter than this is an extractor's failure: not used
CHROME_PATH = frozenset(
    """nav navbar navigation menu menubar submenu dropdown header footer aside sidebar widget breadcrumb
    breadcrumbs share sharing social follow related recommended trending popular comment comments cookie
    cookies consent newsletter subscribe signup login account search sitemap skip logo copyright legal tags
    tag toolbar pagination masthead banner contentinfo complementary dialog modal popup""".split()
)  # the structural words of segment.STRUCT_WORDS that place a block in site chrome
CHROME_PER_PAGE = 60  # reference-chrome rows kept per page (a mega-menu of 300 links says nothing new)
CHROME_NEAREST = 3  # a long block is chrome by its markup when one of its 3 nearest structural words says so
BARE_LABEL_WORDS = 3  # "Advertisement", "Paid Post": an ad-slot label, chrome even with its cue word


def chrome_reference() -> str | None:
    """What labels the chrome of pages without boilerplate labels: "trafilatura VERSION", or None."""
    from .baselines import have_trafilatura

    if not have_trafilatura():
        return None
    import trafilatura

    return f"trafilatura {trafilatura.__version__}"


def reference_main_text(raw: RawPage, page: Page) -> str | None:
    """trafilatura's main text of a page (:func:`detector.lab.baselines.main_text`), the reference that labels
    the chrome of a corpus which labels only its disclosures (realdev); None without trafilatura or where
    it finds next to nothing."""
    from .baselines import have_trafilatura, main_text

    if not have_trafilatura():
        return None
    try:
        main = main_text(raw, page)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot read keeps the rule without a reference
        return None
    return main if len(main) >= REFERENCE_MIN_CHARS else None


def reference_chrome(rows: Sequence[BlockRow], targets: Sequence[str], keep: list[int], main: str,
                      seed: int) -> tuple[list[int], list[str]]:
    """The training rows and targets of an HTML page whose boilerplate is not labelled, given a reference
    main text (trafilatura's).

    A block the reference keeps is editorial (short ones too: subheadings, captions it keeps), unless it
    is mostly links (a "Follow us" line an extractor lets through: left out). A block the reference drops
    is boilerplate when it is short (under CHROME_MAX_WORDS words) or mostly links, or when it is longer
    but its nearest ancestors' class, id or role words place it in chrome (navigation, footer, sidebar,
    share, comments, related lists…); other blocks it drops are left out (long prose the reference missed,
    or a page whose whole body sits in a "has-sidebar" wrapper). A dropped block of more than
    BARE_LABEL_WORDS words that holds a disclosure cue word is left out too: it may be a notice the labels
    call by another name, and teaching it as chrome would hide notices. The page's title heading (an
    ``h1`` above the middle of the page, which the reference lists as metadata, not text) stays
    editorial. Labelled blocks (disclosures) keep their labels. Up to PROSE_PER_PAGE long editorial
    blocks and CHROME_PER_PAGE boilerplate blocks are kept per page.
    """
    from ..cuematch import cue_counts
    from .corpus import _norm

    stream = _norm(main)
    lines = {_norm(ln) for ln in main.splitlines()}
    rng = np.random.default_rng(seed + 5)
    targets = list(targets)
    out: list[int] = []
    prose: list[int] = []
    chrome: list[int] = []
    for k in keep:
        r = rows[k]
        if targets[k] != "editorial":
            out.append(k)
            continue
        key = _norm(r.text)
        if not key:
            continue
        links = r.link_density > 0.5
        if key in lines or (len(key) >= 20 and key in stream):
            if not links:
                (prose if r.n_words >= CHROME_MAX_WORDS else out).append(k)
        elif r.tag == "h1" and r.position < 0.5 and r.link_density <= CHROME_LINK_DENSITY:
            out.append(k)
        elif r.n_words > BARE_LABEL_WORDS and any(cue_counts(r.text)):
            continue
        elif links or r.n_words < CHROME_MAX_WORDS or not CHROME_PATH.isdisjoint(r.path[-CHROME_NEAREST:]):
            targets[k] = "boilerplate"
            chrome.append(k)
    if len(prose) > PROSE_PER_PAGE:
        prose = rng.choice(prose, PROSE_PER_PAGE, replace=False).tolist()
    if len(chrome) > CHROME_PER_PAGE:
        chrome = rng.choice(chrome, CHROME_PER_PAGE, replace=False).tolist()
    return sorted(out + prose + chrome), targets


JUNK_PER_PAGE = 10  # number-, date-, code- and comment-like blocks added per training page
_JUNK_WORDS = "admin user guest posted reply at on am pm by via re log in out min read views likes".split()


def _junk_text(rng: np.random.Generator, words: Sequence[str]) -> str:
    """One short block of the kind real pages are full of: numbers, dates, code, comment headers."""
    r = lambda n: int(rng.integers(n))  # noqa: E731
    name = words[r(len(words))] if words else "Alex"
    kind = r(10)
    if kind == 0:
        return str(r(1000))
    if kind == 1:
        return f"{r(100)}%" if r(2) else f"{r(100)},{r(100):02d}"
    if kind == 2:
        sep = "./-"[r(3)]
        return f"{1 + r(28):02d}{sep}{1 + r(12):02d}{sep}{1995 + r(35)}" + (f" {r(24)}:{r(60):02d}" if r(2) else "")
    if kind == 3:
        return f"{r(24)}:{r(60):02d}" + (" pm" if r(2) else "")
    if kind == 4:
        cur = "$€£"[r(3)]
        return f"{cur}{r(500)}.{r(100):02d}" if r(2) else f"{r(500)},{r(100):02d} {cur}"
    if kind == 5:
        ident = "".join(chr(97 + r(26)) for _ in range(3 + r(6)))
        return rng.choice([f"{ident}({name.lower()});", f"$ {ident} --{name.lower()}", f"var {ident} = {r(99)};",
                           f"<{ident}>", f"{ident}.{name.lower()}()", f"import {ident}"])
    if kind == 6:
        return f"https://www.{name.lower()}.com/{r(9999)}"
    if kind == 7:
        junk = _JUNK_WORDS[r(len(_JUNK_WORDS))]
        return f"{junk} #{r(200)} - {name} {1 + r(28)}.{1 + r(12)}.{r(30):02d} {r(12)}:{r(60):02d}"
    if kind == 8:
        return f"{name} {r(12) + 1}.{r(12) + 1}.{r(30):02d} at {r(12)}:{r(60):02d} {'ap'[r(2)]}m"
    return f"{r(10)}-{r(10)}" if r(2) else f"{r(5)}/{r(5)}"


def junk_rows(rows: Sequence[BlockRow], *, seed: int) -> list[BlockRow]:
    """Editorial examples of number, date, code and comment-header blocks, placed anywhere on the page."""
    if not rows:
        return []
    rng = np.random.default_rng(seed + 2)
    words = [w for r in rows[:50] for w in r.text.split() if w[:1].isupper() and w.isalpha()]
    out = []
    for _ in range(JUNK_PER_PAGE):
        base = rows[int(rng.integers(len(rows)))]
        text = _junk_text(rng, words)
        out.append(base._replace(text=text, n_words=len(text.split()), heading=False, unit="", heading_above=""))
    return out


NOISY_COPIES = 3  # noisy copies of each notice block
NOISE_DROP = 0.3  # share of a notice's words dropped in a noisy copy
NOISE_INSERT = 0.1  # share of words inserted from the page's own prose


def noisy_notice_rows(rows: Sequence[BlockRow], targets: Sequence[str], *,
                      seed: int) -> tuple[list[BlockRow], list[str]]:
    """Copies of a page's notices with words dropped and foreign words inserted.

    Our notices come from a few hundred hand-written sentences; real ones are worded in endless ways.
    The copies keep the model from learning our exact phrasings and make it rely on the words that
    carry the meaning ("sponsored", "views … my own", "commission").
    """
    rng = np.random.default_rng(seed + 1)
    prose_words = [w for r, t in zip(rows, targets) if t == "editorial" for w in r.text.split()[:40]]
    out_rows, out_targets = [], []
    for r, t in zip(rows, targets):
        if t in ("editorial", IGNORE):
            continue
        words = r.text.split()
        if len(words) < 3:
            continue
        for _ in range(NOISY_COPIES if t != "boilerplate" else 1):
            kept = [w for w in words if rng.random() >= NOISE_DROP] or words[:1]
            if prose_words:
                for _ in range(int(len(kept) * NOISE_INSERT)):
                    kept.insert(int(rng.integers(len(kept) + 1)), prose_words[int(rng.integers(len(prose_words)))])
            out_rows.append(r._replace(text=" ".join(kept), n_words=len(kept)))
            out_targets.append(t)
    return out_rows, out_targets


FRAGMENTS_PER_PAGE = 12  # short editorial fragments added per training page
_FRAGMENT_TAGS = ("div", "p", "li", "td", "h3", "span", "figcaption", "dt")


def fragment_rows(rows: Sequence[BlockRow], targets: Sequence[str], *, seed: int) -> list[BlockRow]:
    """Short pieces of a page's editorial prose, placed anywhere, as extra editorial examples.

    Real pages are full of short blocks our corpus has few of (captions, dates, titles, table cells).
    Without these, any unfamiliar short block looks like a label ("Sponsored", "Paid Post").
    """
    rng = np.random.default_rng(seed)
    prose = [r for r, t in zip(rows, targets) if t == "editorial" and r.n_words >= 8 and not r.unit]
    out: list[BlockRow] = []
    for _ in range(min(FRAGMENTS_PER_PAGE, len(prose))):
        r = prose[int(rng.integers(len(prose)))]
        words = r.text.split()
        n = int(rng.integers(1, 7))
        a = int(rng.integers(0, max(1, len(words) - n)))
        text = " ".join(words[a : a + n]).strip(" ,;:")
        if not text:
            continue
        other = rows[int(rng.integers(len(rows)))]
        out.append(
            r._replace(
                text=text,
                prev=other.prev if rng.random() < 0.5 else "",
                next=other.next if rng.random() < 0.5 else "",
                heading_above="",
                tag=_FRAGMENT_TAGS[int(rng.integers(len(_FRAGMENT_TAGS)))],
                path=other.path,
                position=float(rng.random()),
                link_density=float(rng.random() < 0.3),
                n_words=len(text.split()),
                heading=bool(rng.random() < 0.2),
            )
        )
    return out
