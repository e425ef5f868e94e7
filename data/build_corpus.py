#!/usr/bin/env python3
"""Build the generated training corpus of `detector` from the hand-written pools.

    python data/build_corpus.py [--seed 20240611] [--pages 2800]

Reads  data/source/articles/<lang>.jsonl and data/source/notices/<lang>.json
(a language is skipped when either file is missing) and writes

    data/pages/        the pages (.html / .txt / .md, some gzipped)
    data/labels.jsonl  one line per page, in the format of ../shared/LABELS.md
    data/README.md     the data card

Every page is our own writing wrapped in generated site chrome. The build is
deterministic for a given seed and set of pool files. Standard library + lxml.
Every span, boilerplate and teaser text is checked to be an exact substring of
the page's visible text (computed as in ../shared/realdev/README.md); the build
fails loudly otherwise.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import html
import io
import json
import random
import re
import shutil
import sys
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
SRC = HERE / "source"
LANGS = ["en", "de", "fr", "es", "it", "nl"]
LANG_SHARE = {"en": 0.40, "de": 0.16, "fr": 0.11, "es": 0.11, "it": 0.11, "nl": 0.11}

# kind -> weight (percent of pages)
KIND_WEIGHTS = [
    ("sponsored", 27.0),
    ("sponsored_block", 5.0),
    ("sponsored_teaser_only", 6.0),
    ("sponsored_sitewide", 3.0),
    ("affiliate", 8.0),
    ("affiliate_sitewide", 3.0),
    ("editorial_disclaimer", 14.0),
    ("none_lexical_trap", 8.0),
    ("press_release", 1.5),
    ("none", 24.5),
]
PAGE_OF_KIND = {"sponsored": "sponsored", "press_release": "excluded"}

# layout family -> (format, weight)
LAYOUTS = [
    ("news", "html", 16), ("wordpress", "html", 13), ("magazine", "html", 10),
    ("wire", "html", 4), ("minimal", "html", 9), ("divsoup", "html", 10),
    ("table", "html", 8), ("text", "txt", 15), ("markdown", "md", 15),
]
LAYOUT_FORMAT = {name: fmt for name, fmt, _ in LAYOUTS}

TLD = {"en": ["com", "co.uk", "net", "org"], "de": ["de", "at", "ch"], "fr": ["fr", "be"],
       "es": ["es", "com.mx"], "it": ["it"], "nl": ["nl", "be"]}

LOC = {
    "en": {"by": "By", "updated": "Updated", "min": "min read", "about": "About {brand}",
           "contact": "Media contact", "contact_line": "press@{domain}",
           "about_line": "{brand} is a company headquartered in Bristol. More information is available on its website.",
           "product": "the annual plan", "months": ["January", "February", "March", "April", "May", "June", "July",
                                                     "August", "September", "October", "November", "December"]},
    "de": {"by": "Von", "updated": "Aktualisiert", "min": "Min. Lesezeit", "about": "Über {brand}",
           "contact": "Pressekontakt", "contact_line": "presse@{domain}",
           "about_line": "{brand} ist ein Unternehmen mit Sitz in Köln. Weitere Informationen finden Sie auf der Website des Unternehmens.",
           "product": "das Jahresabo"},
    "fr": {"by": "Par", "updated": "Mis à jour", "min": "min de lecture", "about": "À propos de {brand}",
           "contact": "Contact presse", "contact_line": "presse@{domain}",
           "about_line": "{brand} est une entreprise basée à Lyon. Plus d'informations sur son site.",
           "product": "l'abonnement annuel"},
    "es": {"by": "Por", "updated": "Actualizado", "min": "min de lectura", "about": "Acerca de {brand}",
           "contact": "Contacto de prensa", "contact_line": "prensa@{domain}",
           "about_line": "{brand} es una empresa con sede en Valencia. Más información en su web.",
           "product": "la suscripción anual"},
    "it": {"by": "Di", "updated": "Aggiornato", "min": "min di lettura", "about": "Chi è {brand}",
           "contact": "Contatti stampa", "contact_line": "stampa@{domain}",
           "about_line": "{brand} è un'azienda con sede a Bologna. Maggiori informazioni sul suo sito.",
           "product": "l'abbonamento annuale"},
    "nl": {"by": "Door", "updated": "Bijgewerkt", "min": "min leestijd", "about": "Over {brand}",
           "contact": "Perscontact", "contact_line": "pers@{domain}",
           "about_line": "{brand} is een bedrijf gevestigd in Utrecht. Meer informatie staat op de website.",
           "product": "het jaarabonnement"},
}

CITY = {"en": ["LONDON", "NEW YORK", "MANCHESTER", "SAN FRANCISCO", "DUBLIN"],
        "de": ["BERLIN", "MÜNCHEN", "HAMBURG", "KÖLN", "WIEN"], "fr": ["PARIS", "LYON", "BORDEAUX"],
        "es": ["MADRID", "BARCELONA", "SEVILLA"], "it": ["MILANO", "ROMA", "TORINO"],
        "nl": ["AMSTERDAM", "ROTTERDAM", "UTRECHT"]}

RISKY = re.compile(r"crypt|krypt|cripto|token|bitcoin|capital|kapital|invest|belegg|inversi|verlust|perte|pérdida|perdit|verlies|lose|loss",
                   re.I)
FALLBACK_BP = {}
AD_RE = re.compile(r"advert|anzeige|werbung|publicit|pubblicit|reclame|advertentie|annonce|anuncio", re.I)
FIN_TOPICS = {"crypto", "finance", "business", "property", "money", "markets"}
# share of sponsored pages with another placement that also carry a label inside the headline
HEADLINE_LABEL_SHARE = {"en": 0.06, "de": 0.18, "fr": 0.1, "es": 0.08, "it": 0.08, "nl": 0.08}
# sites whose every page repeats one disclaimer in its footer (finance and crypto publications)
FOOTER_DISCLAIMER_SITES = {"en": 2, "de": 2}   # at most this many such sites per language (else 1)
FOOTER_DISCLAIMER_SITE = re.compile(r"coin|token|chain|krypto|crypto|cripto|geld|financ|finanz|finanza", re.I)
# share of .txt pages written with single newlines between paragraphs (as Common Crawl WET, JSONL, FineWeb)
SINGLE_NEWLINE_SHARE = 0.33

JUNK = ["ad-slot-7f3a loading", "px-track 0x19ac", "__lazy__ 4411", "widget-init pending", "slot:rhs-2 empty",
        "beacon ok", "cmp-frame", "data-load 88"]

# code blocks and inline code lines of webdev articles (editorial text)
CODE_SNIPPETS = [
    ".card {\n  display: grid;\n  grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));\n  gap: 1.5rem;\n}\n",
    "const items = document.querySelectorAll('.menu li');\nitems.forEach((el) => el.classList.add('is-ready'));\n",
    "npm install --save-dev postcss autoprefixer",
    "@media (prefers-reduced-motion: reduce) {\n  * { animation: none !important; }\n}\n",
    "<img src=\"hero-800.jpg\" srcset=\"hero-800.jpg 800w, hero-1600.jpg 1600w\" sizes=\"100vw\" alt=\"\">",
    "function debounce(fn, ms) {\n  let t;\n  return (...args) => {\n    clearTimeout(t);\n    t = setTimeout(() => fn(...args), ms);\n  };\n}\n",
    ":root {\n  --accent: #c0392b;\n  --gap: clamp(1rem, 2vw, 2rem);\n}\n",
    "git checkout -b fix/focus-outline",
    "const res = await fetch('/api/articles?page=2');\nconst data = await res.json();\n",
    "button:focus-visible {\n  outline: 3px solid var(--accent);\n  outline-offset: 2px;\n}\n",
    "export default function Header({ heading }) {\n  return <h1 className=\"title\">{heading}</h1>;\n}\n",
    "font-display: swap;",
    "<link rel=\"preload\" href=\"/fonts/inter.woff2\" as=\"font\" crossorigin>",
    "document.documentElement.dataset.theme = 'dark';",
    ".stack > * + * {\n  margin-block-start: var(--space, 1em);\n}\n",
]
BROWSERS = ["Firefox", "Safari", "Chrome", "Edge", "Opera", "Gecko", "WebKit", "Blink", "Samsung Internet", "iOS Safari"]

# disclosure-like words that live only in non-visible markup (scripts, templates, noscript, comments)
HIDDEN_WORDS = [
    "Sponsored content", "This article is sponsored", "Paid Post", "advertorial", "affiliate link",
    "We may earn a commission", "Anzeige", "Werbung", "Contenu sponsorisé", "Publicidad",
    "Contenuto sponsorizzato", "Gesponsord", "not investment advice", "Partner content",
]


# ----------------------------------------------------------------------------------------------
# visible text, exactly as in ../shared/realdev/README.md

def visible_text_of(raw: bytes, name: str) -> str:
    if ".html" not in name and ".htm" not in name:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
        return re.sub(r"\s+", " ", text).strip()
    src = raw.decode("utf-8")
    src = re.sub(r"^\s*<\?xml[^>]*\?>", "", src, count=1)
    doc = lxml.html.fromstring(src)
    for el in doc.xpath("//script|//style|//noscript|//template"):
        el.drop_tree()
    return re.sub(r"\s+", " ", doc.text_content()).strip()


def can_head(heading: str, text: str) -> bool:
    """False when the statement already opens with a heading-like lead-in ("Disclosure: …", "Anzeige. …")."""
    h = heading.lower().strip(" :.")
    head = text[:45]
    if h and h in text.lower()[:60]:
        return False
    return not re.match(r"^[^.:!?]{2,30}[:]\s", head) and not re.match(r"^\W*[\w*]+[.:]\s", head)


def brand_url(name: str) -> str:
    return f"https://www.{slug(name)}.com/?utm_source=partner&utm_medium=referral"


def ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def slug(s: str) -> str:
    s = s.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e"), ("è", "e"), ("ê", "e"),
                 ("à", "a"), ("á", "a"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("ñ", "n"), ("ç", "c"),
                 ("ì", "i"), ("ò", "o"), ("ù", "u"), ("ë", "e"), ("ï", "i")):
        s = s.replace(a, b)
    s = re.sub(r"^the ", "", s)
    s = re.sub(r"^(de|het|le|la|il|el|der|die|das) ", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "site"


# ----------------------------------------------------------------------------------------------
# pools

def load_pools():
    global FALLBACK_BP
    pools = {}
    enp = SRC / "notices" / "en.json"
    try:
        FALLBACK_BP = json.loads(enp.read_text(encoding="utf-8")).get("boilerplate", {}) if enp.exists() else {}
    except json.JSONDecodeError:
        FALLBACK_BP = {}
    for lang in LANGS:
        a, n = SRC / "articles" / f"{lang}.jsonl", SRC / "notices" / f"{lang}.json"
        if not a.exists() or not n.exists():
            print(f"[build] skip {lang}: missing {'articles' if not a.exists() else 'notices'} pool", file=sys.stderr)
            continue
        arts = []
        for i, line in enumerate(a.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            try:
                art = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"[build] {a}:{i + 1}: bad JSON line skipped ({e})", file=sys.stderr)
                continue
            if not art.get("title") or not art.get("sections"):
                continue
            arts.append(art)
        try:
            notes = json.loads(n.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            print(f"[build] skip {lang}: notices pool is not valid JSON ({e})", file=sys.stderr)
            continue
        if len(arts) < 3:
            print(f"[build] skip {lang}: only {len(arts)} articles", file=sys.stderr)
            continue
        bp = notes.setdefault("boilerplate", {})
        for key in ["share", "subscribe", "subscribe_consent", "cookie", "newsletter", "related_heading",
                    "recommended_inline", "copyright", "nav", "comments", "tags", "author_bio", "misc"]:
            bp[key] = [x for x in bp.get(key) or [] if isinstance(x, str) and x.strip()]
            if not bp[key]:
                bp[key] = list(FALLBACK_BP.get(key) or ["Home"])
        for key in ["sponsored_notice", "sponsored_heading", "sponsored_label", "sponsored_byline", "sponsored_intro",
                    "sponsored_series", "sponsored_inline", "deal_box", "teaser_label", "sitewide_sponsor", "affiliate",
                    "disclaimer_advice", "disclaimer_views", "disclaimer_conflict", "disclaimer_risk",
                    "disclaimer_not_sponsored", "disclaimer_heading", "disclaimer_sitewide", "headline_label",
                    "brands", "sites", "authors"]:
            notes[key] = [x for x in notes.get(key) or [] if isinstance(x, str) and x.strip()]
        missing = [k for k in ("sponsored_notice", "brands", "sites", "authors") if not notes[k]]
        if missing:
            print(f"[build] skip {lang}: notices lack {missing}", file=sys.stderr)
            continue
        pools[lang] = {"articles": arts, "notes": notes, "traps": [], "chrome": {}}
        for sub in ("traps", "chrome"):
            f = SRC / sub / f"{lang}.json"
            if f.exists():
                try:
                    pools[lang][sub] = json.loads(f.read_text(encoding="utf-8"))
                except json.JSONDecodeError as e:
                    print(f"[build] {f}: not valid JSON, ignored ({e})", file=sys.stderr)
        pools[lang]["traps"] = [ws(x) for x in pools[lang]["traps"] if isinstance(x, str) and x.strip()]
    return pools


# ----------------------------------------------------------------------------------------------
# page model

class Note:
    """A disclosure statement: label (span label or None for none), optional heading, text."""

    def __init__(self, label, text, heading=None, inline=False, style="p"):
        self.label, self.text, self.heading, self.inline, self.style = label, text, heading, inline, style

    @property
    def span(self):
        if self.heading:
            return f"{self.heading} {self.text}"
        return self.text


class Page:
    def __init__(self):
        self.top_label = None        # sponsored label above the title (a span)
        self.sponsored_tags = False  # a sponsored label among the tags: the tag line is a span
        self.kicker = None
        self.byline = None           # full byline text
        self.byline_sponsor = None   # the sponsored part of the byline, rendered after "|" or alone
        self.date = ""
        self.top_notes = []
        self.body = []               # ('h', text) ('p', segs) ('rec', text) ('deal', Note) ('quote', text) ('ad', text)
        self.bottom_notes = []
        self.series = None
        self.share, self.subscribe, self.consent, self.newsletter = [], None, None, None
        self.related = None
        self.teasers = []
        self.side_notes, self.footer_notes = [], []
        self.copyright = self.cookie = self.comments = self.bio = None
        self.nav = []
        self.tags = None
        self.ad_label = None
        self.extra_blocks = []       # (heading, text) pairs after the body (press-release "About")
        self.spans = []
        self.boiler = []
        self.teaser_texts = []


class Builder:
    def __init__(self, pools, seed, total):
        self.pools, self.seed, self.total = pools, seed, total
        self.rng = random.Random(seed)
        self.site_layouts = {}
        self.xstats = collections.Counter()   # pages carrying each kind of extra (trap sentences, chrome)
        self.layout_sites = {}
        for lang in sorted(pools):
            sites = list(pools[lang]["notes"]["sites"])
            r = random.Random(f"{seed}-sites-{lang}")
            r.shuffle(sites)
            ls = {}
            i = 0
            for name, _, _ in LAYOUTS:
                k = 2 if len(sites) >= 9 else 1
                ls[name] = []
                for _ in range(k):
                    ls[name].append(sites[i % len(sites)])
                    i += 1
            self.layout_sites[lang] = ls
            self.site_domain = getattr(self, "site_domain", {})
            for s in sites:
                self.site_domain[(lang, s)] = f"{slug(s)}.{r.choice(TLD[lang])}"
        # finance and crypto sites repeat one disclaimer at the foot of every page
        self.footer_disclaimer = {}
        self.single_newline_pages = 0
        self.headline_label_pages = 0
        for lang in sorted(pools):
            notes = pools[lang]["notes"]
            used = sorted({s for ss in self.layout_sites[lang].values() for s in ss})
            fin_sites = ([s for s in used if FOOTER_DISCLAIMER_SITE.search(s)] or used[:1])[:FOOTER_DISCLAIMER_SITES.get(lang, 1)]
            for s in fin_sites:
                r = random.Random(f"{seed}-footdisc-{lang}-{s}")
                pool = notes["disclaimer_sitewide"]
                if pool:
                    t = r.choice(pool)
                else:
                    t = " ".join(x for x in (r.choice(notes["disclaimer_advice"] or [""]), r.choice(notes["disclaimer_risk"] or [""])) if x)
                if t and "{brand}" not in t:
                    self.footer_disclaimer[(lang, s)] = (t, r.choice(["small", "p", "div.disclosure"]))

    # -- placeholder filling ------------------------------------------------------------------
    def fill(self, tmpl, ctx):
        def rep(m):
            key = m.group(1)
            if key in ctx:
                return ctx[key]
            return ctx["brand"]
        out = re.sub(r"\{(\w+)\}", rep, tmpl)
        out = re.sub(r"\b([Tt]he) The\b", r"\1", out)
        return ws(out)

    def ctx_for(self, lang, site, author, art, r):
        notes = self.pools[lang]["notes"]
        others = [a["title"] for a in self.pools[lang]["articles"] if a["title"] != art["title"]]
        products = notes.get("products") or [LOC[lang]["product"]]
        nav = notes["boilerplate"]["nav"]
        topic = art.get("topic", "news")
        if lang != "en":
            cands = nav[1:] if len(nav) > 2 else nav
            topic = r.choice(cands)
        else:
            topic = topic.replace("_", " ")
            topic = r.choice([topic, topic.capitalize()])
        return {"brand": r.choice(notes["brands"]), "site": site, "author": author,
                "product": r.choice(products), "year": str(r.randint(2019, 2025)),
                "title": ws(r.choice(others)) if others else ws(art["title"]), "topic": topic}

    # -- text variants ------------------------------------------------------------------------
    @staticmethod
    def vary_heading(h, r):
        x = r.random()
        if x < 0.3:
            h = h.upper()
        elif x < 0.38:
            h = h.capitalize() if not h.isupper() else h
        if r.random() < 0.25 and not h.endswith((":", ".", "!")):
            h += ":"
        return h

    @staticmethod
    def vary_notice(t, r):
        x = r.random()
        if x < 0.05:
            t = t.upper()
        elif x < 0.12 and t.endswith(".") and not t.endswith("..."):
            t = t[:-1]
        return t

    @staticmethod
    def vary_label(t, r):
        x = r.random()
        if x < 0.2:
            return t.upper()
        if x < 0.28:
            return f"[{t}]"
        if x < 0.33:
            return t.lower()
        return t

    @staticmethod
    def headline_with_label(title, notes, F, r):
        """The title with a sponsored label inside it ("[Werbung] <title>", "<title> (Anzeige)", "Sponsored: <title>"),
        and the label as it stands there: the span is the label, not the headline's own words."""
        labs = notes.get("headline_label") or notes["sponsored_label"]
        lab = F(r.choice(labs)).strip("[]() ")
        x = r.random()
        if x < 0.12:
            lab = lab.upper()
        elif x < 0.18:
            lab = lab.lower()
        forms = [(f"[{lab}]", "{} " + title), (f"({lab})", title + " {}"), (f"{lab}:", "{} " + title),
                 (f"({lab})", "{} " + title), (f"[{lab}]", title + " {}"), (lab, "{} – " + title),
                 (lab, "{} | " + title), (lab, title + " | {}"), (f"*{lab}*", "{} " + title), (f"*{lab}", title + " {}")]
        label, form = r.choices(forms, weights=[5, 4, 4, 2, 2, 2, 2, 1, 1, 1])[0]
        return form.format(label), label

    # -- main loop ----------------------------------------------------------------------------
    def plan(self):
        langs = sorted(self.pools, key=LANGS.index)
        counts = {lang: max(30, round(self.total * LANG_SHARE[lang])) for lang in langs}
        plan = []
        for lang in langs:
            n = counts[lang]
            kinds = []
            for k, w in KIND_WEIGHTS:
                kinds += [k] * round(n * w / 100)
            while len(kinds) < n:
                kinds.append("none")
            kinds = kinds[:n]
            self.rng.shuffle(kinds)
            plan += [(lang, k) for k in kinds]
        return plan

    def build(self, out_dir):
        pages_dir = out_dir / "pages"
        if pages_dir.exists():
            shutil.rmtree(pages_dir)
        pages_dir.mkdir(parents=True)
        labels = []
        plan = self.plan()
        # article cycles per (lang, kind group) so every body gets reused under many wrappers
        cycles = {}
        n_by_lang = collections.Counter()
        for idx, (lang, kind) in enumerate(plan):
            r = random.Random(f"{self.seed}-{idx}")
            n_by_lang[lang] += 1
            art = self.pick_article(lang, kind, r, cycles)
            rec = self.make_page(idx, lang, kind, art, r, pages_dir)
            labels.append(rec)
        with open(out_dir / "labels.jsonl", "w", encoding="utf-8") as f:
            for rec in labels:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return labels

    def pick_article(self, lang, kind, r, cycles):
        arts = self.pools[lang]["articles"]
        pr = [a for a in arts if a.get("style") == "press_release"]
        normal = [a for a in arts if a.get("style") != "press_release"] or arts
        traps = [a for a in normal if a.get("trap")]
        clean = [a for a in normal if not a.get("trap")] or normal
        promo = [a for a in normal if a.get("promo")]
        if kind == "press_release":
            pool = pr or [a for a in normal if a.get("promo")] or [a for a in normal if a.get("topic") in ("business", "tech")] or normal
        elif kind == "none_lexical_trap":
            pool = traps or clean
        elif kind == "none":
            pool = clean
        elif kind == "sponsored":
            pool = normal + promo + pr  # promo articles twice as likely; paid press releases too
        else:
            pool = normal
        key = (lang, kind if kind in ("press_release", "none_lexical_trap", "none", "sponsored") else "other")
        cyc = cycles.get(key)
        if not cyc:
            cyc = list(range(len(pool)))
            self.rng.shuffle(cyc)
            cycles[key] = cyc
        return pool[cyc.pop() % len(pool)]

    # ------------------------------------------------------------------------------------------
    def make_page(self, idx, lang, kind, art, r, pages_dir):
        notes = self.pools[lang]["notes"]
        bp = notes["boilerplate"]
        if kind == "press_release":
            layout = r.choice(["wire", "wire", "wire", "text", "minimal"])
        else:
            layout = r.choices([l for l, _, _ in LAYOUTS], weights=[w for _, _, w in LAYOUTS])[0]
        site = r.choice(self.layout_sites[lang][layout])
        domain = self.site_domain[(lang, site)]
        author = r.choice(notes["authors"])
        ctx = self.ctx_for(lang, site, author, art, r)
        F = lambda t: self.fill(t, ctx)  # noqa: E731
        fmt = LAYOUT_FORMAT[layout]
        topic = art.get("topic", "")
        fin = topic in FIN_TOPICS or bool(RISKY.search(art.get("title", "")))

        p = Page()
        p.layout, p.fmt, p.lang, p.site, p.domain, p.author = layout, fmt, lang, site, domain, author
        p.title = ws(art["title"])
        p.standfirst = ws(art.get("standfirst") or "")
        y, mo, d = r.randint(2019, 2025), r.randint(1, 12), r.randint(1, 28)
        if lang == "en":
            p.date = f"{d} {LOC['en']['months'][mo - 1]} {y}" if r.random() < 0.6 else f"{LOC['en']['months'][mo - 1]} {d}, {y}"
        elif lang in ("de", "nl"):
            p.date = f"{d:02d}.{mo:02d}.{y}" if lang == "de" else f"{d}-{mo}-{y}"
        else:
            p.date = f"{d:02d}/{mo:02d}/{y}"
        p.kicker = r.choice(bp["nav"][1:] or bp["nav"]) if r.random() < 0.6 else None
        by = LOC[lang]["by"]
        p.byline = f"{by} {author}"
        if kind == "press_release":
            p.byline = None

        # body
        sections = art["sections"]
        all_titles = [a["title"] for a in self.pools[lang]["articles"] if a["title"] != art["title"]]
        heading_upper = r.random() < 0.15
        for sec in sections:
            h = sec.get("heading")
            if h:
                p.body.append(("h", ws(h.upper() if heading_upper else h)))
            for para in sec.get("paragraphs") or []:
                if para and para.strip():
                    p.body.append(("p", [(ws(para), None)]))
        pidx = [i for i, b in enumerate(p.body) if b[0] == "p"]
        if not pidx:
            p.body.append(("p", [(p.standfirst or p.title, None)]))
            pidx = [len(p.body) - 1]
        # inline recommended lines (boilerplate)
        if kind != "press_release" and r.random() < 0.6 and len(pidx) > 3:
            for _ in range(r.choice([1, 1, 2])):
                t = F(r.choice(bp["recommended_inline"]).replace("{title}", ws(r.choice(all_titles)) if all_titles else p.title))
                pos = r.choice(pidx[1:-1])
                p.body.insert(pos + 1, ("rec", t))
                p.boiler.append(t)
                pidx = [i for i, b in enumerate(p.body) if b[0] == "p"]
        if layout == "magazine" and len(pidx) > 2:
            segs = p.body[pidx[1]][1]
            sent = re.split(r"(?<=[.!?])\s+", segs[0][0])[0]
            p.body.insert(pidx[2], ("quote", sent))
            pidx = [i for i, b in enumerate(p.body) if b[0] == "p"]
        lab = None
        if r.random() < 0.35 and len(pidx) > 3 and fmt == "html":
            ads = [x for x in bp["misc"] if AD_RE.search(x) and len(x) < 25]
            lab = r.choice(ads) if ads else None
        if lab:
            p.body.insert(pidx[len(pidx) // 2] + 1, ("ad", lab))
            p.boiler.append(lab)
            pidx = [i for i, b in enumerate(p.body) if b[0] == "p"]

        def add_span(label, text):
            text = ws(text)
            if text and {"label": label, "text": text} not in p.spans:
                p.spans.append({"label": label, "text": text})

        def note_style():
            return r.choice(["p", "p", "div.disclosure", "aside", "em", "small", "blockquote", "span.label"])

        def sponsored_notice(short=False):
            pool = notes["sponsored_notice"]
            risky = [t for t in pool if RISKY.search(t)]
            plain = [t for t in pool if not RISKY.search(t)] or pool
            if short:
                sp = [t for t in plain if len(t) < 140] or plain
                return F(r.choice(sp))
            if fin and risky and r.random() < 0.7:
                return F(r.choice(risky))
            return F(r.choice(plain if r.random() < 0.85 else pool))

        def disclaimer_notes(n):
            if fin:
                cats = ["disclaimer_risk", "disclaimer_advice", "disclaimer_conflict", "disclaimer_views"]
                wts = [4, 4, 1, 1]
            elif art.get("style") in ("opinion", "blog"):
                cats = ["disclaimer_views", "disclaimer_conflict", "disclaimer_advice"]
                wts = [5, 3, 1]
            elif art.get("style") in ("review", "howto") or topic in ("travel", "food", "tech", "gaming"):
                cats = ["disclaimer_not_sponsored", "disclaimer_conflict", "disclaimer_views", "disclaimer_advice"]
                wts = [4, 3, 1, 1]
            elif topic in ("health",):
                cats = ["disclaimer_advice", "disclaimer_views"]
                wts = [4, 1]
            else:
                cats = ["disclaimer_views", "disclaimer_conflict", "disclaimer_advice"]
                wts = [3, 3, 1]
            out = []
            chosen = []
            for _ in range(n):
                for _try in range(5):
                    c = r.choices(cats, weights=wts)[0]
                    if notes.get(c) and c not in chosen:
                        break
                if not notes.get(c):
                    continue
                chosen.append(c)
                out.append(Note("disclaimer", self.vary_notice(F(r.choice(notes[c])), r), style=note_style()))
            if out and notes["disclaimer_heading"] and r.random() < 0.5:
                hh = self.vary_heading(F(r.choice(notes["disclaimer_heading"])), r)
                if can_head(hh, out[0].text):
                    out[0].heading = hh
                    out[0].inline = r.random() < 0.5
            return out

        def teasers(n):
            labs = notes["teaser_label"] or ["Sponsored"]
            bare = [x for x in labs if "{" not in x] or labs
            for _ in range(n):
                tmpl = r.choice(labs if r.random() < 0.25 else bare)
                lab = F(tmpl)
                t = ws(r.choice(all_titles)) if all_titles else p.title
                p.teasers.append((lab, t))
                if "{" in tmpl:
                    add_span("sponsored", lab)  # a named sponsor ("Offered by X") is a statement, not a bare label
                    p.teaser_texts.append(t)
                else:
                    p.teaser_texts += [lab, t]

        # ---- the kind -------------------------------------------------------------------------
        if kind == "sponsored":
            placement = r.choices(["trail_head", "trail", "label", "byline", "intro", "series", "top_notice", "combo", "inline"],
                                  weights=[28, 17, 11, 11, 10, 6, 7, 10, 8])[0]
            if topic == "webdev" and r.random() < 0.4:
                placement = r.choice(["intro", "intro", "series", "byline"])
            if not notes["sponsored_series"] and placement == "series":
                placement = "trail"
            if not notes["sponsored_intro"] and placement == "intro":
                placement = "trail_head"
            if not notes["sponsored_inline"] and placement == "inline":
                placement = "trail"
            p.placement = placement
            if placement in ("trail_head", "trail") or (placement == "combo" and r.random() < 0.8):
                n = Note("sponsored", self.vary_notice(sponsored_notice(), r), style=note_style())
                if (placement == "trail_head" or (placement == "combo" and r.random() < 0.5)) and notes["sponsored_heading"]:
                    for _ in range(4):
                        if can_head(n.heading or "", n.text) and n.heading:
                            break
                        n.text = self.vary_notice(sponsored_notice(), r)
                        n.heading = self.vary_heading(F(r.choice(notes["sponsored_heading"])), r)
                    if not can_head(n.heading, n.text):
                        n.heading = None
                    n.inline = r.random() < 0.3
                p.bottom_notes.append(n)
                add_span("sponsored", n.span)
            if placement == "label" or (placement == "combo" and r.random() < 0.5):
                lab = self.vary_label(F(r.choice(notes["sponsored_label"])), r)
                p.kicker = None
                if placement == "label" and r.random() < 0.45:
                    # the label is part of the headline ("[Werbung] <title>", "<title> (Anzeige)", "Sponsored: <title>")
                    p.title, label = self.headline_with_label(p.title, notes, F, r)
                    self.headline_label_pages += 1
                    add_span("sponsored", label)
                else:
                    p.top_label = lab
                    add_span("sponsored", lab)
            elif placement == "byline" or placement == "combo":
                bl = F(r.choice(notes["sponsored_byline"] or ["Sponsored by {brand}"]))
                x = r.random()
                if x < 0.45:
                    p.byline, p.byline_sponsor = bl, bl
                elif x < 0.85:
                    p.byline, p.byline_sponsor = f"{by} {author} | {bl}", bl
                else:
                    p.byline, p.byline_sponsor = f"{by} {bl}", bl
                add_span("sponsored", bl)
            if placement not in ("label", "combo") and r.random() < HEADLINE_LABEL_SHARE.get(lang, 0.1):
                # a label inside the headline on top of the page's other notice (blogs label both)
                p.title, label = self.headline_with_label(p.title, notes, F, r)
                self.headline_label_pages += 1
                p.kicker = None
                add_span("sponsored", label)
            if placement == "intro":
                t = F(r.choice(notes["sponsored_intro"]))
                first = pidx[0]
                segs = p.body[first][1]
                if t.startswith("(") and t.endswith(".)") and r.random() < 0.4:
                    inner = t[1:-2]
                    p.body[first] = ("p", [("(", None), (inner, "em"), (".) ", None)] + segs)
                    add_span("sponsored", inner)
                elif ctx["brand"] in t and r.random() < 0.35:
                    # the sponsor's name is a link inside the statement (kept as markup in Markdown spans)
                    pre, _, post = t.partition(ctx["brand"])
                    p.body[first] = ("p", [(pre, None), (ctx["brand"], "a"), (post + " ", None)] + segs)
                    if fmt == "md":
                        add_span("sponsored", f"{pre}[{ctx['brand']}]({brand_url(ctx['brand'])}){post}")
                    else:
                        add_span("sponsored", t)
                else:
                    st = r.choice(["em", "em", "strong", None])
                    p.body[first] = ("p", [(t, st), (" ", None)] + segs)
                    add_span("sponsored", t)
            if placement == "inline":
                # a disclosure sentence at the end of a body paragraph, often in parentheses
                t = F(r.choice(notes["sponsored_inline"]))
                pi = r.choice(pidx[1:] or pidx)
                segs = p.body[pi][1]
                if r.random() < 0.5:
                    p.body[pi] = ("p", segs + [(" (", None), (t, None), (")", None)])
                else:
                    p.body[pi] = ("p", segs + [(" " + t, r.choice([None, None, "em", "strong"]))])
                add_span("sponsored", t)
            if placement == "series":
                t = F(r.choice(notes["sponsored_series"]))
                p.series = Note("sponsored", t, style=r.choice(["blockquote", "em", "blockquote", "p"]))
                add_span("sponsored", t)
            if placement == "top_notice":
                n = Note("sponsored", sponsored_notice(short=True), style=note_style())
                if notes["sponsored_heading"] and r.random() < 0.3:
                    n.heading = self.vary_heading(F(r.choice(notes["sponsored_heading"])), r)
                    n.inline = True
                    if not can_head(n.heading, n.text):
                        n.heading = None
                p.top_notes.append(n)
                add_span("sponsored", n.span)
            if placement == "combo" and not p.bottom_notes and not p.top_notes:
                n = Note("sponsored", sponsored_notice(short=True), style=note_style())
                p.bottom_notes.append(n)
                add_span("sponsored", n.span)
            if fin and r.random() < 0.3:
                for n in disclaimer_notes(1):
                    p.bottom_notes.append(n)
                    add_span("disclaimer", n.span)
        elif kind == "sponsored_block":
            deal = F(r.choice(notes["deal_box"] or notes["sponsored_notice"]))
            n = Note("sponsored", deal, style=r.choice(["div.deal", "aside", "div.disclosure", "blockquote"]))
            if r.random() < 0.4 and notes["teaser_label"]:
                hh = F(r.choice(notes["teaser_label"]))
                if can_head(hh, n.text):
                    n.heading = hh
            pos = r.choice(pidx[1:] or pidx)
            p.body.insert(pos + 1, ("deal", n))
            add_span("sponsored", n.span)
        elif kind == "sponsored_teaser_only":
            if r.random() < 0.3 and len(pidx) > 2:
                # an in-body native-ad link box ("Anzeige" + title), main content stays editorial
                tmpl = r.choice([x for x in notes["teaser_label"] if "{" not in x] or notes["teaser_label"] or ["Sponsored"])
                lab = F(tmpl)
                t = ws(r.choice(all_titles)) if all_titles else p.title
                p.body.insert(r.choice(pidx[1:-1] or pidx) + 1, ("teaser", lab, t))
                if "{" in tmpl:
                    add_span("sponsored", lab)
                    p.teaser_texts.append(t)
                else:
                    p.teaser_texts += [lab, t]
                if r.random() < 0.5:
                    teasers(r.randint(1, 3))
            else:
                teasers(r.randint(2, 4))
        elif kind == "sponsored_sitewide":
            t = F(r.choice(notes["sitewide_sponsor"] or ["{site} / {brand}"]))
            n = Note("sponsored", t, style=r.choice(["p", "small", "div.disclosure"]))
            (p.side_notes if r.random() < 0.35 else p.footer_notes).append(n)
            add_span("sponsored", t)
        elif kind == "affiliate":
            aff = [F(t) for t in notes["affiliate"]]
            short = [t for t in aff if len(t) < 30]
            longn = [t for t in aff if len(t) >= 30] or aff
            where = r.choices(["top", "bottom", "inline"], weights=[4, 3, 3 if short else 0])[0]
            if where == "inline":
                m = r.choice(short)
                for pi in r.sample(pidx, k=min(len(pidx), r.choice([1, 2, 2, 3]))):
                    segs = p.body[pi][1]
                    p.body[pi] = ("p", segs + [(" " + m, None)])
                add_span("affiliate", m)
                if r.random() < 0.5:
                    n = Note("affiliate", r.choice(longn), style=note_style())
                    (p.top_notes if r.random() < 0.5 else p.bottom_notes).append(n)
                    add_span("affiliate", n.span)
            else:
                n = Note("affiliate", self.vary_notice(r.choice(longn), r), style=note_style())
                if r.random() < 0.2 and notes["disclaimer_heading"]:
                    hh = self.vary_heading(F(r.choice(notes["disclaimer_heading"])), r)
                    if can_head(hh, n.text):
                        n.heading, n.inline = hh, True
                (p.top_notes if where == "top" else p.bottom_notes).append(n)
                add_span("affiliate", n.span)
            if r.random() < 0.15:
                for n in disclaimer_notes(1):
                    p.bottom_notes.append(n)
                    add_span("disclaimer", n.span)
        elif kind == "affiliate_sitewide":
            aff = [F(t) for t in notes["affiliate"] if len(t) >= 30] or [F(t) for t in notes["affiliate"]]
            n = Note("affiliate", r.choice(aff), style=r.choice(["p", "small", "div.disclosure"]))
            (p.footer_notes if r.random() < 0.8 else p.side_notes).append(n)
            add_span("affiliate", n.text)
        elif kind == "editorial_disclaimer":
            ns = disclaimer_notes(r.choice([1, 1, 2]))
            top = r.random() < 0.3
            for n in ns:
                (p.top_notes if top else p.bottom_notes).append(n)
                add_span("disclaimer", n.span)
            if not ns:
                kind = "none"
        elif kind == "press_release":
            if art.get("style") == "press_release":
                p.extra_blocks.append((F(LOC[lang]["about"]), F(LOC[lang]["about_line"])))
            p.extra_blocks.append((LOC[lang]["contact"], LOC[lang]["contact_line"].replace("{domain}", domain)))
            p.dateline = f"{r.choice(CITY[lang])}, {p.date} /{site}/ --"
        if kind == "none_lexical_trap" and not art.get("trap"):
            kind = "none"
        if kind in ("none",) and art.get("trap"):
            kind = "none_lexical_trap"
        # the site's own disclaimer repeated in the footer of every page (finance and crypto publications)
        fd = self.footer_disclaimer.get((lang, site))
        if fd and kind != "press_release":
            n = Note("disclaimer", F(fd[0]), style=fd[1])
            p.footer_notes.append(n)
            add_span("disclaimer", n.span)
            if kind == "none":
                kind = "disclaimer_sitewide"
        # occasional extra teasers on sponsored pages without a leading label (kind unchanged)
        if kind == "sponsored" and p.top_label is None and r.random() < 0.1:
            teasers(r.randint(1, 2))

        # ---- boilerplate ----------------------------------------------------------------------
        p.nav = r.sample(bp["nav"], k=min(len(bp["nav"]), r.randint(4, 8)))
        misc = [x for x in bp["misc"] if not AD_RE.search(x)]
        if misc and r.random() < 0.5:
            p.nav.insert(r.choice([0, len(p.nav)]), r.choice(misc))
        p.share = r.sample(bp["share"], k=min(len(bp["share"]), r.randint(1, 3)))
        p.subscribe = F(r.choice(bp["subscribe"]))
        p.consent = F(r.choice(bp["subscribe_consent"])) if r.random() < 0.6 else None
        p.newsletter = F(r.choice(bp["newsletter"])) if r.random() < 0.5 else None
        p.cookie = F(r.choice(bp["cookie"])) if r.random() < 0.55 else None
        p.copyright = F(r.choice(bp["copyright"]))
        if all_titles and r.random() < 0.75:
            p.related = (F(r.choice(bp["related_heading"])), [ws(t) for t in r.sample(all_titles, k=min(len(all_titles), r.randint(2, 5)))])
        p.comments = F(r.choice(bp["comments"])) if layout in ("wordpress", "markdown", "table") and r.random() < 0.7 else None
        if r.random() < 0.5:
            p.tags = (F(r.choice(bp["tags"])), r.sample(bp["nav"][1:] or bp["nav"], k=min(3, len(bp["nav"]) - 1 or 1)))
        p.bio = F(r.choice(bp["author_bio"])) if r.random() < 0.35 and p.byline and not p.byline_sponsor else None
        for t in p.nav + p.share + [p.subscribe, p.consent, p.newsletter, p.cookie, p.copyright, p.comments, p.bio]:
            if t:
                p.boiler.append(t)
        if p.related:
            p.boiler += [p.related[0]] + p.related[1]
        if kind == "sponsored" and r.random() < 0.12:
            # a "Sponsored" tag among the post's tags: the tag line is a disclosure
            labs = [x for x in notes["sponsored_label"] if "{" not in x and len(x.split()) <= 3] or ["Sponsored"]
            if not p.tags:
                p.tags = (F(r.choice(bp["tags"])), r.sample(bp["nav"][1:] or bp["nav"], k=min(3, len(bp["nav"]) - 1 or 1)))
            tags = list(p.tags[1])
            tags.insert(r.randint(0, len(tags)), r.choice(labs))
            p.tags = (p.tags[0], tags)
            p.sponsored_tags = True  # its span is added once the page is rendered
        elif p.tags:
            p.boiler += [p.tags[0]] + p.tags[1]
        if kind == "press_release":
            p.boiler.append(p.extra_blocks[-1][1])
        self.add_extras(p, idx, lang, kind, art, F, all_titles)

        # ---- render -----------------------------------------------------------------------
        renderer = getattr(self, f"render_{layout}")
        text = renderer(p, r)
        ext = {"html": "html", "txt": "txt", "md": "md"}[fmt]
        pid = f"gen-{lang}-{idx:05d}"
        name = f"{pid}.{ext}"
        raw = text.encode("utf-8")
        gz = r.random() < 0.15
        if gz:
            name += ".gz"
            buf = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as g:
                g.write(raw)
            data = buf.getvalue()
        else:
            data = raw
        (pages_dir / name).write_bytes(data)
        vis = visible_text_of(raw, name)
        if p.byline and not p.byline_sponsor:  # the byline is site chrome: "By <a>Name</a>" and the like
            for t in (p.byline, f"{p.byline.split(' ', 1)[0].lower()} {p.author}", p.author):
                if ws(t) in vis:
                    p.boiler.append(t)
                    break
        if p.sponsored_tags:
            # the tag line's text as this layout renders it (separators and link markup vary)
            head, tags = p.tags
            pat = re.escape(ws(head)) + r"\s*" + r"[\s,|]*".join(
                r"\[?" + re.escape(ws(t)) + r"(?:\]\([^)]*\))?" for t in tags)
            m = re.search(pat, vis)
            if not m:
                raise AssertionError(f"{name}: sponsored tag line not found in visible text")
            p.spans.append({"label": "sponsored", "text": m.group(0)})
        boiler = []
        for t in p.boiler:
            t = ws(t)
            if t and t not in boiler:
                boiler.append(t)
        teas = []
        for t in p.teaser_texts:
            t = ws(t)
            if t and t not in teas:
                teas.append(t)
        for what, items in (("span", [s["text"] for s in p.spans]), ("boilerplate", boiler), ("teaser", teas)):
            for t in items:
                if t not in vis:
                    raise AssertionError(f"{name} ({layout}/{kind}): {what} not in visible text: {t!r}")
        m = re.search(r"\{(brand|site|author|product|year|title|topic)\}", vis)
        if m:
            raise AssertionError(f"{name}: unfilled placeholder {m.group(0)} in visible text")
        for s in p.spans:
            if re.search(r"\{\w+\}", s["text"]):
                raise AssertionError(f"{name}: unfilled placeholder in span {s['text']!r}")
        if kind == "sponsored":
            assert any(s["label"] == "sponsored" for s in p.spans), name
        section = slug(topic or "news")
        url = f"https://www.{domain}/{section}/{y}/{mo:02d}/{slug(p.title)[:70]}-{idx}"
        rec = {"id": pid, "file": f"pages/{name}", "lang": lang, "source": f"{slug(site)}-{layout}", "url": url,
               "page": PAGE_OF_KIND.get(kind, "editorial"), "kind": kind, "spans": p.spans,
               "boilerplate": boiler, "teasers": teas,
               "layout": layout, "format": fmt, "article": art.get("id", "")}
        if kind == "sponsored":
            rec["placement"] = getattr(p, "placement", "")
        return rec

    # ==========================================================================================
    # trap sentences and extra chrome (pools data/source/traps/<lang>.json, data/source/chrome/<lang>.json)
    #
    # Drawn from a page-local random stream of its own (seed-idx-extras), so the rest of each page,
    # its kind, layout, spans and notices are exactly what they would be without these additions.

    def add_extras(self, p, idx, lang, kind, art, F, all_titles):
        rx = p.rx = random.Random(f"{self.seed}-{idx}-extras")
        ch = self.pools[lang].get("chrome") or {}
        traps = self.pools[lang].get("traps") or []
        topic = art.get("topic", "")
        editorial = PAGE_OF_KIND.get(kind, "editorial") == "editorial"
        fmt = p.fmt
        p.xtop, p.xmeta, p.xpost, p.xside, p.xfoot = [], [], [], [], []

        def pick(key, default=None):
            v = ch.get(key) or (default or [])
            return rx.choice(v) if v else None

        def bp(*ts):
            for t in ts:
                if t and ws(t):
                    p.boiler.append(ws(t))

        def num_fill(t):
            return re.sub(r"\{n\}", lambda m: str(rx.randint(2, 59)), t).replace("{m}", str(rx.randint(6, 12)))

        def para_positions():
            return [i for i, b in enumerate(p.body) if b[0] == "p"]

        # 1. trap sentences inside paragraphs (editorial text, no span), about 30 % of all pages
        if traps and rx.random() < 0.30:
            for s in rx.sample(traps, k=min(len(traps), rx.choice([1, 1, 2]))):
                s = F(s)
                pi = para_positions()
                if not pi:
                    break
                pos = rx.choice(pi)
                if rx.random() < 0.55:
                    segs = p.body[pos][1]
                    p.body[pos] = ("p", segs + [(" " + s, None)]) + tuple(p.body[pos][2:])
                else:
                    p.body.insert(pos + 1, ("p", [(s, None)], "extra"))  # marked: rendered from the page's extras stream
            p.trap_sentences = True
            self.xstats["trap sentences (" + ("sponsored page" if kind == "sponsored" else "other page") + ")"] += 1

        # 2. meta row under the byline: date and time formats, "Updated 3 hours ago", reading time
        if rx.random() < 0.65:
            items = []
            x = rx.random()
            if x < 0.4:
                items.append(self.xdate(lang, ch, rx))
            elif x < 0.7:
                items.append(num_fill(pick("updated_ago", ["Updated {n} hours ago"])))
            else:
                items.append(F(pick("published", ["Published {date}"]).replace("{date}", self.xdate(lang, ch, rx))))
            if rx.random() < 0.6:
                items.append(num_fill(pick("reading_time", ["{n} min read"])))
            if rx.random() < 0.3:
                items.append(num_fill(pick("counters", ["{n} comments"])))
            p.xmeta.append(("meta", items))
            bp(*items)
        # breadcrumbs
        if rx.random() < 0.35:
            home = pick("breadcrumb_home", ["Home"])
            nav = self.pools[lang]["notes"]["boilerplate"]["nav"]
            crumbs = [home] + rx.sample(nav[1:] or nav, k=min(len(nav) - 1 or 1, rx.choice([1, 1, 2])))
            if rx.random() < 0.3:
                crumbs.append(p.title if len(p.title) < 70 else p.title[:60].rsplit(" ", 1)[0] + "…")
            p.xtop.append(("crumbs", crumbs, rx.choice([" › ", " / ", " > ", " » "])))
            bp(*crumbs)
        # search / login form labels
        if fmt == "html" and rx.random() < 0.3:
            labs = rx.sample(ch.get("form_labels") or ["Search"], k=min(len(ch.get("form_labels") or [1]), rx.randint(1, 3)))
            p.xtop.append(("form", labs))
            bp(*labs)
        # single uppercase section labels, with a "most read" list under some
        if rx.random() < 0.4:
            lab = pick("section_labels", ["NEWS"])
            titles = [ws(t) for t in rx.sample(all_titles, k=min(len(all_titles), rx.randint(0, 3)))] if all_titles else []
            (p.xside if rx.random() < 0.6 else p.xtop).append(("section", lab, titles))
            bp(lab, *titles)
        # social counters
        if rx.random() < 0.3:
            cs = [num_fill(t) for t in rx.sample(ch.get("counters") or ["{n} shares"], k=min(2, len(ch.get("counters") or [1])))]
            p.xpost.append(("counters", cs))
            bp(*cs)

        # 3. body: figures with captions and credits, tables, code (editorial, not listed)
        pi = para_positions()
        if pi and rx.random() < 0.45:
            for k in range(rx.choice([1, 1, 2])):
                cap = F(pick("captions", ["A view of the street."]))
                credit = F(pick("credits", ["Photo: {author}"]).replace("{author}", rx.choice(self.pools[lang]["notes"]["authors"])))
                fig = F(pick("figure", ["Figure {n}"]).replace("{n}", str(k + 1))) if rx.random() < 0.3 else None
                larger = pick("view_larger") if rx.random() < 0.2 else None
                pos = rx.choice(para_positions())
                p.body.insert(pos + (0 if rx.random() < 0.3 else 1), ("x", ("fig", cap, credit, fig, larger)))
        if pi and ch.get("tables") and (rx.random() < (0.45 if topic in ("tech", "finance", "motoring", "crypto", "gaming", "property", "webdev", "sport") else 0.12)):
            spec = rx.choice(ch["tables"])
            rows = []
            for lab in spec["labels"][: rx.randint(3, len(spec["labels"]))]:
                row = [lab]
                for u in spec["units"]:
                    v = rx.choice([rx.randint(2, 999), round(rx.uniform(0.5, 99), 1)])
                    vs = str(v)
                    if lang != "en":
                        vs = vs.replace(".", ",")
                    row.append(f"{u}{vs}" if u in ("€", "$", "£") else (f"{vs} {u}" if u else vs))
                rows.append(row)
            pos = rx.choice(para_positions())
            p.body.insert(pos + 1, ("x", ("table", F(spec.get("caption", "")), spec["head"], rows)))
        if pi and (topic == "webdev" and rx.random() < 0.8 or topic in ("tech", "gaming") and rx.random() < 0.15):
            for _ in range(rx.choice([1, 2])):
                pos = rx.choice(para_positions())
                p.body.insert(pos + 1, ("x", ("code", rx.choice(CODE_SNIPPETS))))
        # "Supported by:" rows of a browser-support table (webdev), boilerplate
        if topic == "webdev" and ch.get("support_feature") and rx.random() < 0.5 or topic == "tech" and rx.random() < 0.08:
            head = pick("support_head", ["Browser support"])
            sup = pick("supported_by", ["Supported by:"])
            rows = []
            for feat in rx.sample(ch.get("support_feature") or ["Feature"], k=min(3, len(ch.get("support_feature") or [1]))):
                engines = ", ".join(rx.sample(BROWSERS, k=rx.randint(1, 4)))
                rows.append((feat, f"{sup} {engines}{rx.choice(['.', ''])}"))
            pos = rx.choice(para_positions())
            p.body.insert(pos + 1, ("x", ("support", head, rows)))
            bp(head, *[c for _, c in rows])
        # ad-slot labels between paragraphs on editorial pages, boilerplate
        if editorial and rx.random() < 0.45:
            for _ in range(rx.choice([1, 1, 2])):
                pi = para_positions()
                if len(pi) < 3:
                    break
                lab = pick("ad_labels", ["Advertisement"])
                p.body.insert(rx.choice(pi[1:-1]) + 1, ("x", ("adslot", lab)))
                bp(lab)

        # 4. after the body: comment threads, pagination, author card, podcast/event box, partner strips
        if rx.random() < (0.4 if p.layout in ("wordpress", "markdown", "table", "news", "divsoup") else 0.15):
            thread = []
            for _ in range(rx.randint(1, 4)):
                name = pick("commenters", ["Sam"])
                date = self.xdate(lang, ch, rx) if rx.random() < 0.6 else num_fill(pick("ago", ["{n} hours ago"]))
                body = " ".join(rx.sample(ch.get("comments") or ["Thanks."], k=min(rx.randint(1, 3), len(ch.get("comments") or [1]))))
                hdr = F(pick("comment_header", ["{name} on {date}"]).replace("{name}", name).replace("{date}", date))
                reply = pick("reply", ["Reply"])
                thread.append((hdr, body, reply))
                bp(hdr, reply)
            head = num_fill(pick("comments_head", ["{n} comments"]))
            p.xpost.append(("thread", head, thread))
            bp(head)
        if rx.random() < 0.2:
            n_pages = rx.randint(2, 9)
            cur = rx.randint(1, n_pages)
            items = [pick("page_of", ["Page {n} of {m}"]).replace("{n}", str(cur)).replace("{m}", str(n_pages))]
            if rx.random() < 0.6:
                items.append(pick("next", ["Next »"]))
            if cur > 1 and rx.random() < 0.5:
                items.insert(0, pick("prev", ["« Previous"]))
            p.xpost.append(("pager", items))
            bp(*items)
        if p.byline and not p.byline_sponsor and fmt == "html" and rx.random() < 0.2:
            by = LOC[lang]["by"]
            p.xpost.append(("authorcard", by, p.author))
            bp(f"{by} {p.author}")
        if rx.random() < 0.06:
            box = pick("podcast_label", ["Podcast"])
            ep = num_fill(pick("episode", ["Episode {n}"]))
            pres = F(pick("presented_by", ["Presented by {author}"]).replace("{author}", rx.choice(self.pools[lang]["notes"]["authors"])))
            p.xside.append(("podcast", box, ep, pres))
            bp(box, ep, pres)
        if editorial and rx.random() < 0.07:
            head = pick("in_association", ["In association with"])
            orgs = rx.sample(ch.get("partner_orgs") or ["City Library"], k=min(3, len(ch.get("partner_orgs") or [1])))
            p.xpost.append(("strip", head, orgs))
            bp(head, *orgs)
        if rx.random() < 0.1:
            head = pick("partners_heading", ["Partners"])
            orgs = rx.sample(ch.get("partner_orgs") or ["City Library"], k=min(rx.randint(2, 4), len(ch.get("partner_orgs") or [1])))
            p.xfoot.append(("strip", head, orgs))
            bp(head, *orgs)

        for slot in ("xtop", "xmeta", "xpost", "xside", "xfoot"):
            for it in getattr(p, slot):
                self.xstats[it[0]] += 1
        for b in p.body:
            if b[0] == "x":
                self.xstats[b[1][0]] += 1

    def xdate(self, lang, ch, rx):
        y, mo, d = rx.randint(2016, 2025), rx.randint(1, 12), rx.randint(1, 28)
        hh, mm = rx.randint(0, 23), rx.randint(0, 59)
        months = ch.get("months") or LOC["en"]["months"]
        days = ch.get("days") or ["Monday"]
        mon = months[mo - 1]
        f = rx.choice(ch.get("date_formats") or ["{d} {month} {y}"])
        return f.format(d=d, dd=f"{d:02d}", mo=mo, mm2=f"{mo:02d}", month=mon, mon3=mon[:3], y=y, hh=f"{hh:02d}",
                        h12=(hh % 12 or 12), ampm="AM" if hh < 12 else "PM", mi=f"{mm:02d}", day=rx.choice(days))

    # -- rendering of the extras ---------------------------------------------------------------

    def x_html(self, it, p):
        rx, lay = p.rx, p.layout
        kind = it[0]

        def cls(name):
            if lay == "divsoup":
                return "".join(rx.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rx.randint(4, 7)))
            return {"news": "c-", "wordpress": "wp-", "magazine": "mag__", "wire": "wire-", "minimal": "", "table": "t"}.get(lay, "") + name

        def box(inner, name, tag="div"):
            if lay == "divsoup":
                return f'<div class="{cls(name)}"><div class="{cls(name)}">{inner}</div></div>'
            return f'<{tag} class="{cls(name)}">{inner}</{tag}>'

        if kind == "para":
            return f'<div class="{cls("p")}"><div class="{cls("p")}">{self.segs_html(it[1])}</div></div>'
        if kind == "fig":
            _, cap, credit, fig, larger = it
            if lay == "table":
                out = f'<table align="center"><tr><td><img src="/img/p{rx.randint(1, 99)}.jpg"></td></tr><tr><td><font size="1">{esc(cap)} {esc(credit)}</font></td></tr></table>'
            elif lay == "divsoup":
                out = box(f'<img src="/i/{rx.randint(100, 999)}.webp">\n<div class="{cls("c")}">{esc(cap)}</div>\n<div class="{cls("c")}">{esc(credit)}</div>', "fig")
            else:
                figno = f"<b>{esc(fig)}</b> " if fig else ""
                credit_html = rx.choice([f'<span class="credit">{esc(credit)}</span>', f"<small>{esc(credit)}</small>", f"<em>{esc(credit)}</em>"])
                out = f'<figure class="{cls("figure")}"><img src="/images/{rx.randint(1000, 9999)}.jpg" alt="">\n<figcaption>{figno}{esc(cap)} {credit_html}</figcaption></figure>'
            if larger:
                out += f'\n<p><a href="#">{esc(larger)}</a></p>'
            return out
        if kind == "table":
            _, cap, head, rows = it
            border = ' border="1" cellpadding="3"' if lay in ("table", "minimal") else ""
            th = "".join(f"<th>{esc(h)}</th>" for h in head)
            trs = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
            capt = f"<caption>{esc(cap)}</caption>" if cap else ""
            return f'<table class="{cls("specs")}"{border}>{capt}\n<thead><tr>{th}</tr></thead>\n<tbody>\n{trs}\n</tbody></table>'
        if kind == "code":
            code = it[1]
            lang_cls = "language-css" if "{" in code and ":" in code and "function" not in code and "=>" not in code else "language-js"
            if rx.random() < 0.3 and "\n" not in code.strip():
                return f"<p><code>{esc(code.strip())}</code></p>"
            return f'<pre class="{cls("code")}"><code class="{lang_cls}">{esc(code)}</code></pre>'
        if kind == "support":
            _, head, rows = it
            trs = "\n".join(f"<tr><td>{esc(f)}</td><td>{esc(s)}</td></tr>" for f, s in rows)
            return f'<table class="{cls("support")}"><tr><th colspan="2">{esc(head)}</th></tr>\n{trs}\n</table>'
        if kind == "adslot":
            lab = it[1]
            if lay == "table":
                return f'<center><font size="1" color="#999999">{esc(lab)}</font></center>'
            return box(f'<p class="{cls("ad-label")}">{esc(lab)}</p><div class="{cls("ad-unit")}"></div>', "ad-wrapper")
        if kind == "meta":
            items = it[1]
            if lay == "table":
                return "<p><font size=\"1\">" + " | ".join(esc(x) for x in items) + "</font></p>"
            return box("\n".join(f'<span class="{cls("meta-item")}">{esc(x)}</span>' for x in items), "meta-extra")
        if kind == "crumbs":
            crumbs, sep = it[1], it[2]
            if lay in ("news", "wordpress", "magazine"):
                lis = "\n".join(f'<li><a href="#">{esc(c)}</a></li>' for c in crumbs)
                return f'<nav aria-label="breadcrumb"><ol class="{cls("breadcrumb")}">\n{lis}\n</ol></nav>'
            return box(esc(sep).join(f'<a href="#">{esc(c)}</a>' for c in crumbs), "crumbs")
        if kind == "form":
            labs = it[1]
            inner = "\n".join(f'<label>{esc(l)}</label> <input type="text">' if i % 2 == 0 else f"<button>{esc(l)}</button>"
                              for i, l in enumerate(labs))
            return f'<form class="{cls("form")}">\n{inner}\n</form>'
        if kind == "section":
            _, lab, titles = it
            lis = "\n".join(f'<li><a href="#">{esc(t)}</a></li>' for t in titles)
            if lay == "table":
                return f"<p><b>{esc(lab)}</b></p>" + ("<br>\n".join(f'<a href="#">{esc(t)}</a>' for t in titles))
            head = rx.choice([f"<h4>{esc(lab)}</h4>", f'<div class="{cls("label")}">{esc(lab)}</div>', f"<span>{esc(lab)}</span>"])
            return box(head + (f"\n<ul>\n{lis}\n</ul>" if titles else ""), "block")
        if kind == "counters":
            return box("\n".join(f'<a href="#" class="{cls("count")}">{esc(c)}</a>' for c in it[1]), "social")
        if kind == "thread":
            _, head, thread = it
            lis = []
            for hdr, body, reply in thread:
                if lay == "table":
                    lis.append(f'<tr><td><font size="1"><b>{esc(hdr)}</b></font><br>\n{esc(body)}<br>\n<a href="#"><font size="1">{esc(reply)}</font></a></td></tr>')
                else:
                    lis.append(f'<li class="{cls("comment")}"><div class="{cls("comment-meta")}">{esc(hdr)}</div>\n'
                               f'<div class="{cls("comment-body")}"><p>{esc(body)}</p></div>\n<a class="{cls("reply")}" href="#">{esc(reply)}</a></li>')
            if lay == "table":
                return f"<p><b>{esc(head)}</b></p>\n<table border=\"0\">\n" + "\n".join(lis) + "\n</table>"
            return box(f"<h3>{esc(head)}</h3>\n<ol>\n" + "\n".join(lis) + "\n</ol>", "comments-thread", "section" if lay != "divsoup" else "div")
        if kind == "pager":
            return box("\n".join(f'<a href="#">{esc(x)}</a>' if i else f"<span>{esc(x)}</span>" for i, x in enumerate(it[1])), "pagination")
        if kind == "authorcard":
            _, by, name = it
            return box(f'<span class="{cls("by")}">{esc(by)}</span>\n<a href="#" rel="author">{esc(name)}</a>', "author-card")
        if kind == "podcast":
            _, lab, ep, pres = it
            return box(f'<div class="{cls("pod-label")}">{esc(lab)}</div>\n<div>{esc(ep)}</div>\n<p>{esc(pres)}</p>\n<audio controls></audio>', "podcast", "aside" if lay != "divsoup" else "div")
        if kind == "strip":
            _, head, orgs = it
            logos = "\n".join(f'<a href="#"><img src="/logos/{slug(o)}.svg" alt=""> {esc(o)}</a>' for o in orgs)
            return box(f'<div class="{cls("strip-title")}">{esc(head)}</div>\n{logos}', "partner-strip")
        return ""

    def x_lines(self, it, p, md):
        rx = p.rx
        kind = it[0]
        if kind == "fig":
            _, cap, credit, fig, larger = it
            if md:
                out = [f"![]({'/images/%d.jpg' % rx.randint(1000, 9999)})", (f"*{fig}* " if fig else "") + f"{cap} {credit}"]
                out = ["\n".join(out)]
            else:
                out = [(f"{fig}: " if fig else "") + f"{cap} {credit}"]
            if larger:
                out.append(f"[{larger}](#)" if md else larger)
            return out
        if kind == "table":
            _, cap, head, rows = it
            if md:
                t = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r_) + " |" for r_ in rows]
                return ([f"*{cap}*"] if cap else []) + ["\n".join(t)]
            return ([cap] if cap else []) + ["\n".join("\t".join(r_) for r_ in [head] + rows)]
        if kind == "code":
            code = it[1].rstrip("\n")
            if md:
                if "\n" not in code and rx.random() < 0.3:
                    return [f"`{code}`"]
                return [f"```{rx.choice(['', 'css', 'js', 'html'])}\n{code}\n```"]
            return ["\n".join("    " + ln for ln in code.split("\n"))]
        if kind == "support":
            _, head, rows = it
            if md:
                return [f"**{head}**", "\n".join(f"- {f}: {s}" if rx.random() < 0.5 else f"- {s}" for f, s in rows)]
            return [head] + [f"{f} — {s}" for f, s in rows]
        if kind == "adslot":
            return [it[1]]
        if kind == "meta":
            return [" · ".join(it[1])]
        if kind == "crumbs":
            crumbs, sep = it[1], it[2]
            return [sep.join(f"[{c}](#)" for c in crumbs) if md else sep.join(crumbs)]
        if kind == "form":
            return list(it[1])
        if kind == "section":
            _, lab, titles = it
            return [f"**{lab}**" if md else lab] + ([("\n".join(f"- [{t}](#)" for t in titles)) if md else "\n".join(titles)] if titles else [])
        if kind == "counters":
            return [" · ".join(it[1])]
        if kind == "thread":
            _, head, thread = it
            out = [f"### {head}" if md else head]
            for hdr, body, reply in thread:
                out += [f"**{hdr}**" if md else hdr, body, f"[{reply}](#)" if md else reply]
            return out
        if kind == "pager":
            return [" ".join(it[1])]
        if kind == "authorcard":
            return [f"{it[1]} {it[2]}"]
        if kind == "podcast":
            _, lab, ep, pres = it
            return [f"**{lab}** · {ep}" if md else f"{lab} · {ep}", pres]
        if kind == "strip":
            _, head, orgs = it
            return [head, (" · " if md else " | ").join(orgs)]
        return []

    def xs(self, p, slot):
        return "\n".join(self.x_html(it, p) for it in getattr(p, slot, []))

    def xl(self, p, slot, md=False):
        out = []
        for it in getattr(p, slot, []):
            out += self.x_lines(it, p, md)
        return out

    # ==========================================================================================
    # HTML helpers

    def segs_html(self, segs):
        out = []
        for t, st in segs:
            if st == "em":
                out.append(f"<em>{esc(t)}</em>")
            elif st == "strong":
                out.append(f"<strong>{esc(t)}</strong>")
            elif st == "a":
                out.append(f'<a href="{brand_url(t)}" rel="sponsored">{esc(t)}</a>')
            else:
                out.append(esc(t))
        return "".join(out)

    def note_html(self, n, r, htag=None, cls="note"):
        """Render a Note; heading and text are separated by a newline so they never run together."""
        st = n.style
        body = esc(n.text)
        if n.heading and n.inline:
            hb = r.choice(["strong", "b", "span"])
            body = f"<{hb}>{esc(n.heading)}</{hb}> {body}"
        if st == "em":
            inner = f"<p><em>{body}</em></p>"
        elif st == "small":
            inner = f"<p><small>{body}</small></p>"
        elif st == "blockquote":
            inner = f"<blockquote><p>{body}</p></blockquote>"
        elif st == "aside":
            inner = f'<aside class="{cls}-aside"><p>{body}</p></aside>'
        elif st == "span.label":
            inner = f'<p><span class="label {cls}-label">{body}</span></p>'
        elif st.startswith("div."):
            inner = f'<div class="{st[4:]}">{body}</div>'
        else:
            inner = f"<p class=\"{cls}\">{body}</p>"
        if n.heading and not n.inline:
            ht = htag or r.choice(["h2", "h3", "h4", "strong", "div.title", "p.b"])
            if ht == "strong":
                h = f"<p><strong>{esc(n.heading)}</strong></p>"
            elif ht == "div.title":
                h = f'<div class="title">{esc(n.heading)}</div>'
            elif ht == "p.b":
                h = f"<p><b>{esc(n.heading)}</b></p>"
            else:
                h = f"<{ht}>{esc(n.heading)}</{ht}>"
            return f"{h}\n{inner}"
        return inner

    def scripts_html(self, p, r, head=True):
        parts = []
        if head:
            ld = {"@context": "https://schema.org", "@type": r.choice(["NewsArticle", "BlogPosting", "Article"]),
                  "headline": p.title, "author": {"@type": "Person", "name": p.author},
                  "publisher": {"@type": "Organization", "name": p.site}, "inLanguage": p.lang}
            if r.random() < 0.3:
                ld["genre"] = r.choice(HIDDEN_WORDS)
            parts.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
            parts.append("<style>body{font-family:Georgia,serif;margin:0}.sponsored-label{color:#b00}"
                         ".disclosure{font-size:.9em;border-top:1px solid #ccc}.hidden{display:none}</style>")
        if r.random() < 0.5:
            parts.append("<script>window.dataLayer=window.dataLayer||[];dataLayer.push({'section':'%s','adLabel':'%s',"
                         "'disclosure':'%s'});</script>" % (slug(p.kicker or "news"), r.choice(HIDDEN_WORDS), r.choice(HIDDEN_WORDS)))
        if r.random() < 0.35:
            parts.append(f'<noscript><p>{esc(r.choice(HIDDEN_WORDS))}: please enable JavaScript.</p></noscript>')
        if r.random() < 0.3:
            parts.append(f'<template id="tpl-card"><div class="card"><span class="card-label">{esc(r.choice(HIDDEN_WORDS))}</span><h3></h3></div></template>')
        if r.random() < 0.3:
            parts.append(f"<!-- {esc(r.choice(HIDDEN_WORDS))} slot -->")
        return "\n".join(parts)

    def hidden_div(self, r):
        if r.random() < 0.35:
            return f'<div style="display:none" class="trk">{r.choice(JUNK)}</div>'
        return ""

    def head(self, p, r, extra=""):
        return (f'<!DOCTYPE html>\n<html lang="{p.lang}">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{esc(p.title)} | {esc(p.site)}</title>\n{self.scripts_html(p, r)}\n{extra}</head>\n")

    def body_html(self, p, r, htag="h2", pcls=None, deal_cls="partner-box", quote_cls="pullquote", ad_cls="ad-slot",
                  rec_cls="recommended"):
        out = []
        pc = f' class="{pcls}"' if pcls else ""
        for b in p.body:
            if b[0] == "h":
                if htag == "strong":
                    out.append(f"<p><strong>{esc(b[1])}</strong></p>")
                elif htag.startswith("div."):
                    out.append(f'<div class="{htag[4:]}">{esc(b[1])}</div>')
                else:
                    out.append(f"<{htag}>{esc(b[1])}</{htag}>")
            elif b[0] == "p":
                out.append(f"<p{pc}>{self.segs_html(b[1])}</p>")
            elif b[0] == "rec":
                t = b[1]
                m = re.match(r"^(.*?:)\s*(.*)$", t)
                if m and r.random() < 0.6:
                    out.append(f'<p class="{rec_cls}"><strong>{esc(m.group(1))}</strong> <a href="#">{esc(m.group(2))}</a></p>')
                else:
                    out.append(f'<p class="{rec_cls}"><a href="#">{esc(t)}</a></p>')
            elif b[0] == "deal":
                n = b[1]
                st = n.style
                hb = f"<strong>{esc(n.heading)}</strong>\n" if n.heading else ""
                tag = "aside" if st == "aside" else ("blockquote" if st == "blockquote" else "div")
                out.append(f'<{tag} class="{deal_cls}">{hb}<p>{esc(n.text)}</p></{tag}>')
            elif b[0] == "quote":
                out.append(f'<blockquote class="{quote_cls}"><p>{esc(b[1])}</p></blockquote>')
            elif b[0] == "ad":
                out.append(f'<div class="{ad_cls}"><span>{esc(b[1])}</span><div class="ad-frame"></div></div>')
            elif b[0] == "x":
                out.append(self.x_html(b[1], p))
            elif b[0] == "teaser":
                out.append(f'<div class="{ad_cls} native"><span class="native-label">{esc(b[1])}</span>\n<a href="#">{esc(b[2])}</a></div>')
        if p.series:
            n = p.series
            if n.style == "blockquote":
                out.append(f"<blockquote><p>{esc(n.text)}</p></blockquote>")
            elif n.style == "em":
                out.append(f"<p><em>{esc(n.text)}</em></p>")
            else:
                out.append(f'<p class="series-note">{esc(n.text)}</p>')
        return "\n".join(out)

    def notes_html(self, notes, r, cls="note", htag=None):
        return "\n".join(self.note_html(n, r, htag=htag, cls=cls) for n in notes)

    def byline_html(self, p, r, cls="byline"):
        if not p.byline:
            return ""
        if p.byline_sponsor and p.byline != p.byline_sponsor:
            pre = p.byline[: -len(p.byline_sponsor)]
            return f'<div class="{cls}">{esc(pre)}<span class="sponsor">{esc(p.byline_sponsor)}</span></div>'
        if p.byline_sponsor:
            return f'<div class="{cls} {cls}--sponsor">{esc(p.byline)}</div>'
        by, _, name = p.byline.partition(" ")
        return f'<div class="{cls}">{esc(by)} <a href="#" rel="author">{esc(name)}</a></div>'

    def teasers_html(self, p, r, wrap_cls="promo", label_cls="promo-label"):
        if not p.teasers:
            return ""
        items = "\n".join(f'<div class="{wrap_cls}-item"><span class="{label_cls}">{esc(l)}</span>\n<a href="#">{esc(t)}</a></div>'
                          for l, t in p.teasers)
        return f'<div class="{wrap_cls}">\n{items}\n</div>'

    def related_html(self, p, r, htag="h3", cls="related"):
        if not p.related:
            return ""
        h, titles = p.related
        lis = "\n".join(f'<li><a href="#">{esc(t)}</a></li>' for t in titles)
        return f'<div class="{cls}"><{htag}>{esc(h)}</{htag}>\n<ul>\n{lis}\n</ul></div>'

    def share_html(self, p, cls="share"):
        return f'<div class="{cls}">' + "\n".join(f'<a href="#">{esc(s)}</a>' for s in p.share) + "</div>"

    def subscribe_html(self, p, cls="newsletter"):
        parts = []
        if p.newsletter:
            parts.append(f"<p>{esc(p.newsletter)}</p>")
        parts.append(f'<form><input type="email" placeholder="email"> <button>{esc(p.subscribe)}</button></form>')
        if p.consent:
            parts.append(f"<p><small>{esc(p.consent)}</small></p>")
        return f'<div class="{cls}">\n' + "\n".join(parts) + "\n</div>"

    def tags_html(self, p, cls="tags"):
        if not p.tags:
            return ""
        return f'<div class="{cls}"><span>{esc(p.tags[0])}</span> ' + " ".join(f'<a href="#">{esc(t)}</a>' for t in p.tags[1]) + "</div>"

    def cookie_html(self, p, cls="cookie-banner"):
        if not p.cookie:
            return ""
        return f'<div class="{cls}" role="dialog"><p>{esc(p.cookie)}</p><button>OK</button></div>'

    def extra_html(self, p, htag="h3"):
        return "\n".join(f"<{htag}>{esc(h)}</{htag}>\n<p>{esc(t)}</p>" for h, t in p.extra_blocks)

    def nav_html(self, p, cls="nav", ul=True):
        if ul:
            return f'<nav class="{cls}"><ul>' + "".join(f'<li><a href="#">{esc(x)}</a></li>\n' for x in p.nav) + "</ul></nav>"
        return f'<div class="{cls}">' + " | ".join(f'<a href="#">{esc(x)}</a>' for x in p.nav) + "</div>"

    def label_html(self, p, r, cls="sponsored-label"):
        if not p.top_label:
            return ""
        return r.choice([f'<div class="{cls}">{esc(p.top_label)}</div>', f'<span class="{cls}">{esc(p.top_label)}</span>',
                         f'<p class="{cls}"><strong>{esc(p.top_label)}</strong></p>'])

    # ==========================================================================================
    # layouts

    def render_news(self, p, r):
        htag = r.choice(["h2", "h2", "h3", "strong"])
        kicker = f'<div class="kicker"><a href="#">{esc(p.kicker)}</a></div>' if p.kicker else ""
        dateline = f'<time datetime="">{esc(p.date)}</time>'
        nav_top = r.random() < 0.85
        side = "\n".join(x for x in [self.related_html(p, r, cls="most-read"), self.teasers_html(p, r, "native-ads", "native-label"),
                                     self.notes_html(p.side_notes, r, cls="sidebar-note"), self.xs(p, "xside")] if x)
        foot = "\n".join(x for x in [self.subscribe_html(p), self.notes_html(p.footer_notes, r, cls="footer-note"), self.xs(p, "xfoot"),
                                     f'<p class="copyright">{esc(p.copyright)}</p>'] if x)
        cookie_top = r.random() < 0.5
        h = [self.head(p, r), "<body>", self.hidden_div(r), self.cookie_html(p) if cookie_top else "",
             '<header class="site-header">', f'<a class="logo" href="/">{esc(p.site)}</a>',
             self.nav_html(p, "main-nav") if nav_top else "", "</header>", self.xs(p, "xtop"), '<main class="content">',
             '<article class="story">', self.label_html(p, r), kicker, f'<h1 class="headline">{esc(p.title)}</h1>',
             f'<p class="standfirst">{esc(p.standfirst)}</p>' if p.standfirst else "",
             '<div class="meta">', self.byline_html(p, r), dateline, "</div>", self.xs(p, "xmeta"),
             self.notes_html(p.top_notes, r, cls="disclosure-top"),
             '<div class="story-body">', self.body_html(p, r, htag=htag), "</div>",
             self.notes_html(p.bottom_notes, r, cls="disclosure", htag=r.choice(["h3", "h4", "strong", "p.b"])),
             self.extra_html(p), self.tags_html(p), self.share_html(p, "share-tools"), self.xs(p, "xpost"),
             f'<p class="author-bio">{esc(p.bio)}</p>' if p.bio else "",
             "</article>", f'<aside class="sidebar">{side}</aside>' if side else "", "</main>",
             '<footer class="site-footer">', self.nav_html(p, "footer-nav", ul=False) if not nav_top else "", foot, "</footer>",
             "" if cookie_top else self.cookie_html(p, "cookie-notice"),
             self.scripts_html(p, r, head=False), "</body></html>"]
        return "\n".join(x for x in h if x)

    def render_wordpress(self, p, r):
        htag = r.choice(["h2", "h3", "h4"])
        meta = f'<div class="entry-meta"><span class="posted-on"><a href="#"><time class="entry-date published">{esc(p.date)}</time></a></span> '
        if p.byline:
            if p.byline_sponsor:
                meta += f'<span class="byline">{esc(p.byline)}</span>'
            else:
                by, _, name = p.byline.partition(" ")
                meta += f'<span class="byline"> {esc(by.lower())} <span class="author vcard"><a class="url fn n" href="#">{esc(name)}</a></span></span>'
        meta += "</div>"
        widgets = []
        if p.related:
            widgets.append('<section class="widget widget_recent_entries">' + self.related_html(p, r, htag="h2", cls="widget-inner") + "</section>")
        if p.teasers:
            widgets.append('<section class="widget widget_text">' + self.teasers_html(p, r, "textwidget", "widget-label") + "</section>")
        for n in p.side_notes:
            widgets.append('<section class="widget widget_sponsor">' + self.note_html(n, r, cls="widget-note") + "</section>")
        widgets.append('<section class="widget widget_search"><form><label>Search</label><input type="search"></form></section>')
        widgets.append(f'<section class="widget widget_newsletter">{self.subscribe_html(p, "mc4wp-form")}</section>')
        comments = ""
        if p.comments:
            comments = (f'<div id="comments" class="comments-area"><h2 class="comments-title">{esc(p.comments)}</h2>'
                        f'<ol class="comment-list"></ol>\n<div id="respond" class="comment-respond"><form><textarea></textarea></form></div></div>')
        top = self.label_html(p, r, "cat-links sponsored")
        if not top and p.kicker:
            top = f'<span class="cat-links"><a href="#" rel="category tag">{esc(p.kicker)}</a></span>'
        h = [self.head(p, r, '<link rel="stylesheet" href="/wp-content/themes/twentyx/style.css">\n'),
             '<body class="post-template-default single single-post">', self.cookie_html(p, "cookie-law-info-bar"),
             '<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip</a>',
             '<header id="masthead" class="site-header">', f'<p class="site-title"><a href="/" rel="home">{esc(p.site)}</a></p>',
             '<div id="site-navigation" class="main-navigation">', self.nav_html(p, "menu-primary-container"), "</div></header>",
             '<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">', self.xs(p, "xtop"),
             '<article class="post type-post status-publish format-standard hentry">', '<header class="entry-header">', top,
             f'<h1 class="entry-title">{esc(p.title)}</h1>', meta, self.xs(p, "xmeta"), "</header>",
             '<div class="entry-content">', self.notes_html(p.top_notes, r, cls="wp-disclosure"),
             f"<p><em>{esc(p.standfirst)}</em></p>" if p.standfirst and r.random() < 0.5 else "",
             self.body_html(p, r, htag=htag, deal_cls="wp-block-group sponsor-box"),
             self.notes_html(p.bottom_notes, r, cls="wp-disclosure", htag=r.choice(["h3", "h4", "p.b"])), self.extra_html(p, "h4"),
             self.share_html(p, "sharedaddy sd-sharing-enabled"), "</div>",
             f'<footer class="entry-footer">{self.tags_html(p, "tags-links")}</footer>', "</article>",
             f'<div class="author-info"><p class="author-description">{esc(p.bio)}</p></div>' if p.bio else "",
             comments, self.xs(p, "xpost"), '</main></div>', '<aside id="secondary" class="widget-area">', "\n".join(widgets), self.xs(p, "xside"), "</aside></div>",
             '<footer id="colophon" class="site-footer"><div class="site-info">', self.notes_html(p.footer_notes, r, cls="footer-disclosure"), self.xs(p, "xfoot"),
             f"<span>{esc(p.copyright)}</span>", "</div></footer></div>", self.hidden_div(r), self.scripts_html(p, r, head=False),
             "</body>\n</html>"]
        return "\n".join(x for x in h if x)

    def render_magazine(self, p, r):
        htag = r.choice(["h3", "h2", "div.section-title"])
        h = [self.head(p, r), '<body class="mag">', '<div class="topbar">', f'<a class="brand" href="/">{esc(p.site)}</a>',
             self.nav_html(p, "topbar__menu", ul=r.random() < 0.5), "</div>", self.xs(p, "xtop"), self.cookie_html(p, "gdpr"),
             '<section class="hero">', self.label_html(p, r, "hero__label"),
             f'<div class="hero__section">{esc(p.kicker)}</div>' if p.kicker else "",
             f'<h1 class="hero__title">{esc(p.title)}</h1>',
             f'<p class="hero__dek">{esc(p.standfirst)}</p>' if p.standfirst else "",
             f'<div class="hero__credits">{self.byline_html(p, r, "credit")}<span class="hero__date">{esc(p.date)}</span></div>',
             self.xs(p, "xmeta"), '<figure class="hero__image"><img src="/img/hero.jpg" alt=""><figcaption></figcaption></figure>', "</section>",
             '<div class="feature">', self.notes_html(p.top_notes, r, cls="feature__note"),
             self.body_html(p, r, htag=htag, quote_cls="pull-quote", deal_cls="feature__offer"),
             self.notes_html(p.bottom_notes, r, cls="feature__disclosure"), self.extra_html(p),
             f'<div class="contributor">{esc(p.bio)}</div>' if p.bio else "", self.tags_html(p, "feature__tags"),
             self.share_html(p, "feature__share"), self.xs(p, "xpost"), "</div>",
             '<section class="more">', self.related_html(p, r, "h2", "more__list"), self.teasers_html(p, r, "partner-rail", "partner-rail__tag"),
             self.notes_html(p.side_notes, r, cls="more__sponsor"), self.xs(p, "xside"), "</section>",
             '<footer class="mag-footer">', self.subscribe_html(p, "mag-footer__signup"),
             self.notes_html(p.footer_notes, r, cls="mag-footer__note"), self.xs(p, "xfoot"), f"<small>{esc(p.copyright)}</small>", "</footer>",
             self.hidden_div(r), self.scripts_html(p, r, head=False), "</body></html>"]
        return "\n".join(x for x in h if x)

    def render_wire(self, p, r):
        dl = getattr(p, "dateline", None) or f"{r.choice(CITY[p.lang])}, {p.date} --"
        body = list(p.body)
        # dateline opens the first paragraph
        for i, b in enumerate(body):
            if b[0] == "p":
                body[i] = ("p", [(dl, "strong"), (" ", None)] + b[1])
                break
        saved = p.body
        p.body = body
        bhtml = self.body_html(p, r, htag="h3", pcls="release-text", deal_cls="release-offer")
        p.body = saved
        h = [self.head(p, r), "<body>", '<div class="wire-header">', f'<span class="wire-name">{esc(p.site)}</span>',
             self.nav_html(p, "wire-nav", ul=False), "</div>", self.xs(p, "xtop"), self.cookie_html(p, "wire-cookies"),
             '<div class="release">', self.label_html(p, r, "release-label"),
             f'<h1 class="release-title">{esc(p.title)}</h1>',
             f'<h2 class="release-subhead">{esc(p.standfirst)}</h2>' if p.standfirst else "",
             self.byline_html(p, r, "release-byline") if p.byline else "", self.xs(p, "xmeta"),
             self.notes_html(p.top_notes, r, cls="release-note"), bhtml,
             self.notes_html(p.bottom_notes, r, cls="release-disclaimer"), self.extra_html(p, "h4"),
             '<p class="release-end">###</p>', f'<p class="release-author">{esc(p.bio)}</p>' if p.bio else "", self.tags_html(p, "release-tags"), self.share_html(p, "release-share"), self.xs(p, "xpost"), "</div>",
             '<div class="wire-side">', self.related_html(p, r, "h4", "wire-latest"), self.teasers_html(p, r, "wire-promos", "wire-promo-label"),
             self.notes_html(p.side_notes, r, cls="wire-sponsor"), self.xs(p, "xside"), "</div>",
             '<div class="wire-footer">', self.subscribe_html(p, "wire-alerts"), self.notes_html(p.footer_notes, r, cls="wire-footnote"), self.xs(p, "xfoot"),
             f"<p>{esc(p.copyright)}</p>", "</div>", self.hidden_div(r), self.scripts_html(p, r, head=False), "</body></html>"]
        return "\n".join(x for x in h if x)

    def render_minimal(self, p, r):
        htag = r.choice(["h2", "h3", "h4", "strong"])
        h = ["<html>", f"<head><meta charset=\"utf-8\"><title>{esc(p.title)}</title>",
             self.scripts_html(p, r) if r.random() < 0.5 else "", "</head>", "<body>",
             f'<p><a href="/">{esc(p.site)}</a> — ' + " · ".join(f'<a href="#">{esc(x)}</a>' for x in p.nav) + "</p>",
             self.cookie_html(p, "cookies"), self.xs(p, "xtop"), "<hr>",
             f"<p><small>{esc(p.top_label)}</small></p>" if p.top_label else "",
             f"<h1>{esc(p.title)}</h1>", f"<p><i>{esc(p.byline)}</i> — {esc(p.date)}</p>" if p.byline else f"<p>{esc(p.date)}</p>",
             self.xs(p, "xmeta"), self.notes_html(p.top_notes, r), self.body_html(p, r, htag=htag), self.notes_html(p.bottom_notes, r),
             self.extra_html(p, "h4"), f"<p>{esc(p.bio)}</p>" if p.bio else "", self.xs(p, "xpost"),
             "<p>" + " | ".join(f'<a href="#">{esc(s)}</a>' for s in p.share) + "</p>",
             self.tags_html(p, "t"), self.related_html(p, r, "h4", "more"), self.teasers_html(p, r, "links", "lbl"),
             self.notes_html(p.side_notes, r), self.xs(p, "xside"), "<hr>", self.subscribe_html(p, "nl"), self.notes_html(p.footer_notes, r), self.xs(p, "xfoot"),
             f"<p><small>{esc(p.copyright)}</small></p>", self.hidden_div(r), "</body></html>"]
        return "\n".join(x for x in h if x)

    def render_divsoup(self, p, r):
        def c():
            return " ".join("".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(r.randint(4, 7))) for _ in range(r.randint(1, 3)))

        def d(inner, depth=None):
            depth = depth or r.randint(1, 3)
            out = inner
            for _ in range(depth):
                out = f'<div class="{c()}">{out}</div>'
            return out

        def heading(t):
            return r.choice([d(f'<div class="title">{esc(t)}</div>'), d(f'<span class="{c()}">{esc(t)}</span>'),
                             d(f'<div class="{c()}"><b>{esc(t)}</b></div>')])

        parts = []
        for b in p.body:
            if b[0] == "h":
                parts.append(heading(b[1]))
            elif b[0] == "p" and len(b) > 2:
                parts.append(self.x_html(("para", b[1]), p))
            elif b[0] == "p":
                parts.append(d(self.segs_html(b[1]), 1))
            elif b[0] == "rec":
                parts.append(d(f'<a href="#">{esc(b[1])}</a>'))
            elif b[0] == "deal":
                n = b[1]
                hb = f'<div class="{c()}">{esc(n.heading)}</div>\n' if n.heading else ""
                parts.append(d(f'{hb}<div class="{c()}">{esc(n.text)}</div>', 2))
            elif b[0] == "quote":
                parts.append(d(esc(b[1])))
            elif b[0] == "ad":
                parts.append(d(f'<div class="{c()}">{esc(b[1])}</div><div class="{c()}"></div>'))
            elif b[0] == "x":
                parts.append(self.x_html(b[1], p))
            elif b[0] == "teaser":
                parts.append(d(f'<div class="{c()}">{esc(b[1])}</div>\n<div class="{c()}"><a href="#">{esc(b[2])}</a></div>'))
        if p.series:
            parts.append(d(f"<i>{esc(p.series.text)}</i>"))

        def notes(ns):
            out = []
            for n in ns:
                if n.heading and not n.inline:
                    out.append(d(f'<div class="{c()}">{esc(n.heading)}</div>\n<div class="{c()}">{esc(n.text)}</div>'))
                elif n.heading:
                    out.append(d(f'<span class="{c()}">{esc(n.heading)}</span> {esc(n.text)}'))
                else:
                    out.append(d(esc(n.text)))
            return "\n".join(out)

        byl = ""
        if p.byline:
            byl = d(esc(p.byline)) if p.byline_sponsor else d(f'{esc(p.byline.split(" ", 1)[0])} <a href="#">{esc(p.byline.split(" ", 1)[1])}</a>')
        h = [self.head(p, r), "<body>", f'<div id="root" class="{c()}">',
             d(f'<div class="{c()}">{esc(p.site)}</div>\n' + "\n".join(f'<div class="{c()}"><a href="#">{esc(x)}</a></div>' for x in p.nav)),
             d(f'<div class="{c()}">{esc(p.cookie)}</div><div class="{c()}">OK</div>') if p.cookie else "",
             d(esc(p.top_label)) if p.top_label else "", d(esc(p.kicker)) if p.kicker else "",
             self.xs(p, "xtop"), d(f'<div class="{c()}" role="heading" aria-level="1">{esc(p.title)}</div>'),
             d(esc(p.standfirst)) if p.standfirst else "", byl, d(esc(p.date)), self.xs(p, "xmeta"), notes(p.top_notes),
             f'<div class="{c()}">' + "\n".join(parts) + "</div>", notes(p.bottom_notes),
             "\n".join(d(f'<div class="{c()}">{esc(hh)}</div>\n<div class="{c()}">{esc(t)}</div>') for hh, t in p.extra_blocks),
             d(esc(p.bio)) if p.bio else "",
             d("\n".join(f'<div class="{c()}">{esc(s)}</div>' for s in p.share)), self.xs(p, "xpost"),
             d(f'<div class="{c()}">{esc(p.tags[0])}</div>\n' + "\n".join(f'<a href="#">{esc(t)}</a>' for t in p.tags[1])) if p.tags else "",
             d(f'<div class="{c()}">{esc(p.related[0])}</div>\n' + "\n".join(f'<div class="{c()}"><a href="#">{esc(t)}</a></div>' for t in p.related[1])) if p.related else "",
             "\n".join(d(f'<div class="{c()}">{esc(l)}</div>\n<div class="{c()}"><a href="#">{esc(t)}</a></div>') for l, t in p.teasers),
             notes(p.side_notes), self.xs(p, "xside"),
             d((f'<div class="{c()}">{esc(p.newsletter)}</div>\n' if p.newsletter else "") + f'<div class="{c()}">{esc(p.subscribe)}</div>'
               + (f'\n<div class="{c()}">{esc(p.consent)}</div>' if p.consent else "")),
             notes(p.footer_notes), self.xs(p, "xfoot"), d(esc(p.copyright)), "</div>", self.hidden_div(r), self.scripts_html(p, r, head=False), "</body></html>"]
        return "\n".join(x for x in h if x)

    def render_table(self, p, r):
        htag = r.choice(["b", "h3", "font"])

        def hd(t):
            if htag == "b":
                return f"<p><b>{esc(t)}</b></p>"
            if htag == "font":
                return f'<p><font size="+1"><b>{esc(t)}</b></font></p>'
            return f"<h3>{esc(t)}</h3>"

        parts = []
        for b in p.body:
            if b[0] == "h":
                parts.append(hd(b[1]))
            elif b[0] == "p":
                parts.append(f"<p>{self.segs_html(b[1])}</p>")
            elif b[0] == "rec":
                parts.append(f'<p><a href="#"><b>{esc(b[1])}</b></a></p>')
            elif b[0] == "deal":
                n = b[1]
                hb = f"<b>{esc(n.heading)}</b><br>\n" if n.heading else ""
                parts.append(f'<table border="1" cellpadding="6" bgcolor="#ffffe0"><tr><td>{hb}{esc(n.text)}</td></tr></table>')
            elif b[0] == "quote":
                parts.append(f"<blockquote>{esc(b[1])}</blockquote>")
            elif b[0] == "ad":
                parts.append(f'<center><font size="1">{esc(b[1])}</font><br><img src="/ads/468x60.gif"></center>')
            elif b[0] == "x":
                parts.append(self.x_html(b[1], p))
            elif b[0] == "teaser":
                parts.append(f'<p><font size="1">{esc(b[1])}</font><br>\n<a href="#">{esc(b[2])}</a></p>')
        if p.series:
            parts.append(f"<p><i>{esc(p.series.text)}</i></p>")

        def notes(ns):
            out = []
            for n in ns:
                if n.heading and not n.inline:
                    out.append(f"{hd(n.heading)}\n<p><font size=\"2\">{esc(n.text)}</font></p>")
                elif n.heading:
                    out.append(f"<p><font size=\"2\"><b>{esc(n.heading)}</b> {esc(n.text)}</font></p>")
                else:
                    out.append(f"<p><font size=\"2\">{esc(n.text)}</font></p>")
            return "\n".join(out)

        left = "<br>\n".join(f'<a href="#">{esc(x)}</a>' for x in p.nav)
        right = "\n".join(x for x in [self.related_html(p, r, "b", "r"), self.teasers_html(p, r, "sp", "splabel"), notes(p.side_notes), self.xs(p, "xside")] if x)
        com = f"<p><b>{esc(p.comments)}</b></p>" if p.comments else ""
        h = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">', f"<title>{esc(p.title)}</title>",
             self.scripts_html(p, r), "</head>", '<body bgcolor="#ffffff">', self.hidden_div(r),
             '<table width="100%" border="0" cellspacing="0" cellpadding="4">',
             f'<tr><td colspan="3" bgcolor="#003366"><font color="#ffffff" size="+2"><b>{esc(p.site)}</b></font></td></tr>',
             f'<tr><td colspan="3">{esc(p.cookie)}</td></tr>' if p.cookie else "",
             f'<tr><td valign="top" width="140">{left}</td>', '<td valign="top">', self.xs(p, "xtop"),
             f"<p><font color=\"#990000\">{esc(p.top_label)}</font></p>" if p.top_label else "",
             f'<p><font size="+2"><b>{esc(p.title)}</b></font></p>',
             f"<p><i>{esc(p.standfirst)}</i></p>" if p.standfirst else "",
             f"<p><font size=\"2\">{esc(p.byline)}</font><br>\n{esc(p.date)}</p>" if p.byline else f"<p>{esc(p.date)}</p>",
             self.xs(p, "xmeta"), notes(p.top_notes), "\n".join(parts), notes(p.bottom_notes),
             "\n".join(f"{hd(hh)}\n<p>{esc(t)}</p>" for hh, t in p.extra_blocks),
             f"<p><i>{esc(p.bio)}</i></p>" if p.bio else "",
             "<p>" + " - ".join(f'<a href="#">{esc(s)}</a>' for s in p.share) + "</p>",
             f"<p>{esc(p.tags[0])} " + ", ".join(esc(t) for t in p.tags[1]) + "</p>" if p.tags else "", com, self.xs(p, "xpost"),
             "</td>", f'<td valign="top" width="200">{right}</td></tr>',
             '<tr><td colspan="3" align="center">', f"<p>{esc(p.newsletter)}</p>" if p.newsletter else "",
             f"<p>{esc(p.subscribe)}</p>", f"<p><font size=\"1\">{esc(p.consent)}</font></p>" if p.consent else "",
             notes(p.footer_notes), self.xs(p, "xfoot"), f"<p><font size=\"1\">{esc(p.copyright)}</font></p>", "</td></tr></table>",
             self.scripts_html(p, r, head=False), "</body></html>"]
        return "\n".join(x for x in h if x)

    # ---- plain text and markdown ------------------------------------------------------------

    def render_text(self, p, r):
        L = []
        top_nav = r.random() < 0.3
        if top_nav:
            L.append(" | ".join(p.nav))
        if p.cookie and r.random() < 0.5:
            L.append(p.cookie)
        L += self.xl(p, "xtop")
        if p.top_label:
            L.append(p.top_label)
        L.append(p.title)
        if p.standfirst and r.random() < 0.7:
            L.append(p.standfirst)
        if p.byline:
            L.append(p.byline + (f" · {p.date}" if r.random() < 0.5 else ""))
        L += self.xl(p, "xmeta")
        for n in p.top_notes:
            L += self.note_lines(n)
        dl = getattr(p, "dateline", None)
        for b in p.body:
            if b[0] == "h":
                L.append(b[1])
            elif b[0] == "p":
                t = "".join(s for s, _ in b[1])
                if dl:
                    t = f"{dl} {t}"
                    dl = None
                L.append(t)
            elif b[0] in ("rec", "quote", "ad"):
                L.append(b[1])
            elif b[0] == "x":
                L += self.x_lines(b[1], p, False)
            elif b[0] == "teaser":
                L += [b[1], b[2]]
            elif b[0] == "deal":
                L += self.note_lines(b[1], sep_heading=True)
        if p.series:
            L.append(p.series.text)
        for n in p.bottom_notes:
            L += self.note_lines(n)
        for hh, t in p.extra_blocks:
            L += [hh, t]
        if p.bio:
            L.append(p.bio)
        if p.tags:
            L.append(p.tags[0] + " " + ", ".join(p.tags[1]))
        L += p.share
        L += self.xl(p, "xpost")
        if p.newsletter:
            L.append(p.newsletter)
        L.append(p.subscribe)
        if p.consent:
            L.append(p.consent)
        if p.related:
            L.append(p.related[0])
            L += p.related[1]
        for lab, t in p.teasers:
            L += [lab, t]
        for n in p.side_notes + p.footer_notes:
            L += self.note_lines(n)
        L += self.xl(p, "xside") + self.xl(p, "xfoot")
        if p.cookie and p.cookie not in L:
            L.append(p.cookie)
        if not top_nav and r.random() < 0.4:
            L.append(" | ".join(p.nav))
        elif not top_nav:
            L += p.nav
        L.append(p.copyright)
        if r.random() < SINGLE_NEWLINE_SHARE:
            # one paragraph per line, no blank lines (Common Crawl WET records, JSONL `text` fields, FineWeb)
            self.single_newline_pages += 1
            return "\n".join(L) + ("\n" if r.random() < 0.3 else "")
        return "\n\n".join(L) + ("\n" if r.random() < 0.5 else "")

    @staticmethod
    def note_lines(n, sep_heading=True):
        if n.heading and not n.inline:
            return [n.heading, n.text]
        if n.heading:
            return [f"{n.heading} {n.text}"]
        return [n.text]

    def render_markdown(self, p, r):
        L = []
        front = r.random() < 0.4
        if front:
            L.append(f"---\ntitle: \"{p.title.replace(chr(34), '')}\"\ndate: {p.date}\nlayout: post\n---")
        if p.top_label:
            L.append(r.choice([f"**{p.top_label}**", f'<span class="label">{p.top_label}</span>', p.top_label]))
        L += self.xl(p, "xtop", True)
        L.append(f"# {p.title}")
        if p.standfirst:
            L.append(f"_{p.standfirst}_" if r.random() < 0.5 else p.standfirst)
        if p.byline:
            L.append(f"*{p.byline}* · {p.date}" if r.random() < 0.6 else p.byline)
        L += self.xl(p, "xmeta", True)
        for n in p.top_notes:
            L += self.md_note(n, r)
        hl = r.choice(["##", "###"])
        dl = getattr(p, "dateline", None)
        for b in p.body:
            if b[0] == "h":
                L.append(f"{hl} {b[1]}")
            elif b[0] == "p":
                out = []
                for t, st in b[1]:
                    out.append(f"*{t}*" if st == "em" else f"**{t}**" if st == "strong" else
                               f"[{t}]({brand_url(t)})" if st == "a" else t)
                t = "".join(out)
                if dl:
                    t = f"**{dl}** {t}"
                    dl = None
                L.append(t)
            elif b[0] == "rec":
                L.append(r.choice([f"[{b[1]}](/{slug(b[1])[:40]})", f"**{b[1]}**", b[1]]))
            elif b[0] == "quote":
                L.append(f"> {b[1]}")
            elif b[0] == "x":
                L += self.x_lines(b[1], p, True)
            elif b[0] == "teaser":
                L.append(r.choice([f"<small>{b[1]}</small>\n[{b[2]}](/{slug(b[2])[:40]})", f"{b[1]}\n\n[{b[2]}](/{slug(b[2])[:40]})"]))
            elif b[0] == "deal":
                n = b[1]
                if r.random() < 0.5:
                    L.append(f'<div class="partner-offer">\n{(n.heading + chr(10)) if n.heading else ""}{n.text}\n</div>')
                else:
                    L.append(f"> {n.span}")
        if p.series:
            L.append(r.choice([f"*{p.series.text}*", f"> {p.series.text}", f"<em>{p.series.text}</em>"]))
        for n in p.bottom_notes:
            L += self.md_note(n, r)
        for hh, t in p.extra_blocks:
            L += [f"{hl} {hh}", t]
        if p.bio:
            L.append(f"---\n\n{p.bio}")
        if p.tags:
            L.append(f"{p.tags[0]} " + ", ".join(f"[{t}](/tag/{slug(t)})" for t in p.tags[1]))
        L.append(" · ".join(f"[{s}](#)" for s in p.share))
        L += self.xl(p, "xpost", True)
        if p.related:
            L.append(f"{hl} {p.related[0]}")
            L.append("\n".join(f"- [{t}](/{slug(t)[:40]})" for t in p.related[1]))
        if p.teasers:
            L.append('<aside class="promoted">\n' + "\n".join(f"<p><small>{lab}</small><br>\n<a href=\"#\">{t}</a></p>" for lab, t in p.teasers) + "\n</aside>")
        for n in p.side_notes:
            L += self.md_note(n, r)
        L += self.xl(p, "xside", True)
        if p.comments:
            L.append(f"{hl} {p.comments}")
        if p.newsletter:
            L.append(p.newsletter)
        L.append(f"**{p.subscribe}**" if r.random() < 0.5 else f"[{p.subscribe}](/subscribe)")
        if p.consent:
            L.append(f"<small>{p.consent}</small>")
        for n in p.footer_notes:
            L += self.md_note(n, r)
        L += self.xl(p, "xfoot", True)
        if p.cookie:
            L.append(f"<!-- cookie bar -->\n{p.cookie}" if r.random() < 0.5 else p.cookie)
        L.append(" | ".join(f"[{x}](/{slug(x)})" for x in p.nav))
        L.append(p.copyright)
        # bare hidden-word comments are visible in raw Markdown text, so none are added here
        return "\n\n".join(L) + "\n"

    @staticmethod
    def md_note(n, r):
        if n.heading and not n.inline:
            return [r.choice(["##", "###", "####"]) + " " + n.heading, n.text]
        t = f"{n.heading} {n.text}" if n.heading else n.text
        x = r.random()
        if x < 0.4:
            return [f"*{t}*"]
        if x < 0.55:
            return [f'<div class="disclosure">{t}</div>']
        if x < 0.65:
            return [f"<small>{t}</small>"]
        if x < 0.75:
            return [f"> {t}"]
        return [t]


# ----------------------------------------------------------------------------------------------

def write_readme(out_dir, labels, seed, langs_used, langs_missing, xstats=None, pools=None, builder=None):
    c_lang = collections.Counter(x["lang"] for x in labels)
    c_page = collections.Counter(x["page"] for x in labels)
    c_kind = collections.Counter(x["kind"] for x in labels)
    c_layout = collections.Counter(x["layout"] for x in labels)
    c_fmt = collections.Counter(x["format"] + (".gz" if x["file"].endswith(".gz") else "") for x in labels)
    c_span = collections.Counter(s["label"] for x in labels for s in x["spans"])
    c_place = collections.Counter(x.get("placement") for x in labels if x["kind"] == "sponsored")
    sources = sorted({x["source"] for x in labels})
    size = sum((out_dir / x["file"]).stat().st_size for x in labels)
    usize = 0
    for x in labels:
        b = (out_dir / x["file"]).read_bytes()
        usize += len(gzip.decompress(b)) if x["file"].endswith(".gz") else len(b)

    def table(cnt, head, unit="pages"):
        rows = [f"| {head} | {unit} |", "|---|---|"]
        for k, v in sorted(cnt.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            rows.append(f"| {k} | {v} |")
        return "\n".join(rows)

    xs = xstats or {}
    xrows = "\n".join(f"| {k} | {v} |" for k, v in sorted(xs.items(), key=lambda kv: (-kv[1], kv[0])))
    npool = ", ".join(f"{l} {len(pools[l]['traps'])}" for l in langs_used) if pools else ""
    pool_keys = ["sponsored_notice", "sponsored_heading", "sponsored_label", "headline_label", "sponsored_byline",
                 "sponsored_intro", "sponsored_series", "sponsored_inline", "deal_box", "teaser_label", "sitewide_sponsor",
                 "affiliate", "disclaimer_advice", "disclaimer_views", "disclaimer_conflict", "disclaimer_risk",
                 "disclaimer_not_sponsored", "disclaimer_heading", "disclaimer_sitewide"]
    prow = ["| pool key | " + " | ".join(langs_used) + " |", "|---|" + "---|" * len(langs_used)]
    for k in pool_keys:
        prow.append(f"| `{k}` | " + " | ".join(str(len(pools[l]["notes"].get(k) or [])) for l in langs_used) + " |")
    pool_table = "\n".join(prow) if pools else ""
    n_txt = sum(1 for x in labels if x["format"] == "txt")
    n_single = getattr(builder, "single_newline_pages", 0)
    n_head = getattr(builder, "headline_label_pages", 0)
    fsites = sorted(getattr(builder, "footer_disclaimer", {}) or {})
    fsite_list = ", ".join(f"{s} ({l})" for l, s in fsites)
    n_fpages = sum(1 for x in labels if any(x["source"] == f"{slug(s)}-{x['layout']}" and x["lang"] == l for l, s in fsites)
                   and x["kind"] != "press_release")
    text = f"""# Generated training corpus of `detector`

This folder is the labelled training corpus of the sponsored-content disclaimer detector, in the
labelled-page format of `../shared/LABELS.md` (`labels.jsonl` + `pages/`).

**Everything here is our own writing.** The article bodies (`source/articles/<lang>.jsonl`) and the
disclosure and boilerplate wording (`source/notices/<lang>.json`) were written for this project; brands,
sites and people in them are fictional. No text was copied from any real site or from
`../shared/realdev/`. The pages are *built* from those pools by `build_corpus.py`, which wraps each
article in generated site chrome (navigation, share and subscribe prompts, cookie banners, related lists,
footers, scripts) and places disclosure statements in it.

## Rebuild

    python data/build_corpus.py            # seed {seed}, ~2,800 pages when all six languages exist
    python data/build_corpus.py --seed 7 --pages 4000

Deterministic for a given seed and set of pool files (standard library + lxml). A language is skipped
when its articles or notices pool is missing. The script checks that every span, boilerplate and teaser
text is an exact substring of the page's visible text (computed as in `../shared/realdev/README.md`:
lxml, script/style/noscript/template dropped, `text_content()`, whitespace collapsed; raw text for .txt/.md)
and fails otherwise.

This build: {len(labels)} pages, languages {', '.join(langs_used)}{'; missing pools: ' + ', '.join(langs_missing) if langs_missing else ''}.
{len(sources)} distinct `source` values (one per fictional site and layout family: split train/test by
`source`). Size of `pages/`: {size / 1e6:.1f} MB on disk, {usize / 1e6:.1f} MB uncompressed.

## Fields

`id`, `file`, `lang`, `source`, `url` (made up, on the fictional site's domain), `page`, `kind`, `spans`
as in LABELS.md, plus fields of ours:

- `boilerplate`: texts of the page's boilerplate blocks (navigation items, share / subscribe prompts and
  consent lines, cookie banners, newsletter blurbs, related / recommended lists and inline
  "Recommended Article: …" lines, copyright, comments, tags, author bio, "Advertisement" slot labels);
- `teasers`: bare sponsored-teaser labels and teaser titles (no span, as in realdev);
- `layout`, `format`, `article` (the source article id; the SAME body appears under several wrappers,
  sponsored and editorial, so the notice decides, not the topic), and `placement` for sponsored pages.

Labelling follows realdev: a heading above a notice is part of the span ("IMPORTANT NOTICE This
article is …"); a leading label above the title of a sponsored page ("Paid Post") is a sponsored span;
a label inside the headline ("[Werbung] <title>", "<title> (Anzeige)", "Sponsored: <title>",
"<title> | Publicidad") makes the label as it stands in the headline the sponsored span ({n_head} pages: most of them carry a
second notice too, as blogs label both the title and the text); deal boxes and site-wide sponsor credits
are sponsored spans on editorial pages; bare teaser labels get no span (a teaser label that names its
sponsor, "Offered by X", does). Languages are drawn in the shares
en 40 %, de 16 %, fr / es / it / nl 11 % each of `--pages`; each article is reused under many wrappers. Disclosure-like words also appear inside scripts, JSON-LD, `<noscript>`, `<template>` and HTML
comments, which are not visible text and carry no span. Hidden `display:none` divs hold junk only.

Finance and crypto publications repeat one disclaimer of their own (not investment advice, risk
warning) at the foot of every page: {fsite_list} — {n_fpages} pages, each with a `disclaimer` span;
such a page with no other notice has kind `disclaimer_sitewide`.

Plain text: {n_single} of the {n_txt} `.txt` pages hold one paragraph per line with no blank lines between
paragraphs (as Common Crawl WET records, JSONL `text` fields and FineWeb hold text), each notice on a line
of its own; the others separate paragraphs with a blank line.

## Notice pools

`source/notices/<lang>.json` hold, per language, these numbers of wordings (our own; the patterns follow
how real sites word their notices: German "Werbung", "Anzeige", "[Werbung]" / "(Anzeige)" in a headline,
"In freundlicher Kooperation mit", "Unterstützt von", English labels such as "Sponsored Post", "Paid
Content", "Advertorial" on non-English pages, labels combined with affiliate notes ("Werbung/Affiliate-Links:
…", "*Affiliate-Link / Werbelink"), "Partnerlinks"; French "Article sponsorisé", "Publi-rédactionnel",
"Contenu proposé par"; Spanish "Contenido patrocinado", "Publirreportaje", "En colaboración con"; Italian
"Contenuto sponsorizzato", "Articolo a pagamento", "Contenuto offerto da"; Dutch "Gesponsorde inhoud",
"Dit artikel kwam tot stand in samenwerking met"; and the disclaimers of finance and crypto news: not
investment advice, do your own research, volatility and total-loss warnings, "Risikohinweis", "Keine
Anlageberatung"). `headline_label` holds the labels put inside headlines and `disclaimer_sitewide` the
footer disclaimers of finance and crypto sites.

{pool_table}

## Counts

{table(c_lang, "lang")}

{table(c_page, "page")}

{table(c_kind, "kind")}

`page` follows the kind: `sponsored` pages are `sponsored`, `press_release` pages (an organisation's release
on a wire, no paid notice) are `excluded`, every other kind is `editorial`.

{table(c_place, "sponsored placement")}

{table(c_layout, "layout")}

{table(c_fmt, "format")}

{table(c_span, "span label", "spans")}

## Trap sentences and extra chrome

`source/traps/<lang>.json` ({npool} sentences, our own writing) hold editorial sentences that use
disclosure vocabulary in another sense: the advertising business and ad tech, marketing and promotion as a
topic, collaboration and partnerships between people, teams, cities and universities, sports sponsorship,
sponsored bills and visas, "state-sponsored", "supported by" browsers or evidence, "presented by" a host,
paid plans and paid-off loans, the European Commission and commissioned studies, affiliated hospitals,
disclosure of data breaches ("Anzeige erstatten", "partenariat entre villes", …), news about the
advertising industry and its regulators, clubs signing shirt sponsors, festivals and their sponsors,
state-sponsored hackers, and outlets saying they accept no paid content. One or two are put into
paragraphs (inside an existing paragraph or as their own) of about 30 % of ALL pages, sponsored and
editorial alike, so they carry no page-level signal; they get no span and are editorial text.

`source/chrome/<lang>.json` hold the wording of short chrome blocks that real pages carry. The builder
adds them from a page-local random stream of its own, so kinds, spans, layouts and notices are the same
as without them. Editorial (in no list): image captions with credits ("Photo: …", "(Image: …)",
figure numbers, "(View larger image)"), tables of prices, results and specs, code blocks and inline code
lines in webdev articles, comment bodies. Boilerplate (in `boilerplate`): the byline ("By" + the name in
a link, and an author card at the end), dates and times in many formats, "Updated 3 hours ago", reading
time, breadcrumbs, search / login form labels, single section labels ("MOST READ") with their lists,
social counters, pagination, comment-thread headings, comment headers and "Reply" links, ad-slot labels
("Advertisement", "Anzeige", "Publicité") between paragraphs of editorial pages, and trap-like labels
with no span: "In association with" partner strips on editorial pages, "Partners" footer strips,
"Supported by: Firefox, Safari" rows of browser-support tables in webdev articles, and podcast / event
boxes "Presented by {{author}}". Markup varies per layout family. Blocks added in this build:

| extra | blocks |
|---|---|
{xrows}

Layout families: `news` (header + nav, kicker, headline, byline, standfirst, sidebar, footer, cookie
banner), `wordpress` (entry-meta, widgets, comments), `magazine` (hero, dek, pull quotes), `wire`
(press-release wire with dateline and "###"), `minimal` (bare HTML), `divsoup` (nested divs with random
class names, no semantic tags), `table` (old table layout with `<font>`), `text` (plain text like a copied
article) and `markdown` (Markdown with some inline HTML).

## Licence

CC BY 4.0 — our own work (the pools and this generated corpus).
"""
    (out_dir / "README.md").write_text(text, encoding="utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--pages", type=int, default=2800, help="total pages when all six languages exist")
    ap.add_argument("--out", default=str(HERE))
    args = ap.parse_args(argv)
    out = Path(args.out)
    pools = load_pools()
    if not pools:
        sys.exit("no language has both an articles and a notices pool")
    b = Builder(pools, args.seed, args.pages)
    labels = b.build(out)
    used = [l for l in LANGS if l in pools]
    missing = [l for l in LANGS if l not in pools]
    write_readme(out, labels, args.seed, used, missing, b.xstats, pools, b)
    c = collections.Counter(x["page"] for x in labels)
    print(f"[build] {len(labels)} pages ({', '.join(f'{k} {v}' for k, v in sorted(c.items()))}); "
          f"languages {used}; missing {missing}", file=sys.stderr)


if __name__ == "__main__":
    main()
