"""Baselines to measure the detector against: a keyword list (prior art) and a main-text extractor.

Keyword list: the way disclosures are usually found — a fixed list of phrases ("sponsored", "paid
post", "advertorial", "Anzeige", "in partnership with", "affiliate links", "we may earn a commission")
matched block by block. Written for this comparison from the disclosure wordings common in the six
languages; it is deliberately *not* :mod:`detector.lexicon`, whose cue patterns are generous on purpose
(they only make a block a candidate for the model). Every list applies to every page, whatever its
language. A block holding a sponsored phrase is ``sponsored``; else one holding an affiliate phrase is
``affiliate``; else one holding a disclaimer phrase is ``disclaimer``. The page score is
``n / (n + 1)`` for ``n`` sponsored blocks, so a page with any sponsored block is called sponsored
(threshold 0.5) and more blocks rank higher.

Main-text extractor: trafilatura (optional; ``pip install detector[report]``). A cleaner that keeps an
extractor's main text keeps whatever disclosures that text still holds, unflagged, and loses the ones it
drops; :func:`main_text` and :func:`extractor_kept` measure which.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from ..blocks import LabelledBlock
from ..io import RawPage
from ..labels import SPAN_LABELS
from ..score import Analysis
from ..segment import Page
from .corpus import _norm

__all__ = [
    "KEYWORDS",
    "KEYWORD_THRESHOLD",
    "extractor_kept",
    "have_trafilatura",
    "keyword_analysis",
    "keyword_label",
    "main_text",
]

KEYWORDS: dict[str, dict[str, list[str]]] = {
    "sponsored": {
        "en": ["sponsored", "paid post", "paid content", "paid partnership", "advertorial", "advertisement feature",
               "promoted content", "partner content", "in partnership with", "brought to you by", "paid for by"],
        "de": ["anzeige", "gesponsert", "gesponserter beitrag", "werbung", "in kooperation mit",
               "bezahlte partnerschaft", "sponsored post"],
        "fr": ["sponsorisé", "contenu sponsorisé", "publireportage", "publi-rédactionnel", "en partenariat avec",
               "contenu de marque"],
        "es": ["patrocinado", "contenido patrocinado", "publirreportaje", "en colaboración con",
               "contenido de marca", "publicidad"],
        "it": ["sponsorizzato", "contenuto sponsorizzato", "pubbliredazionale", "in collaborazione con",
               "a pagamento"],
        "nl": ["gesponsord", "gesponsorde", "in samenwerking met", "betaalde samenwerking", "advertentie"],
    },
    "affiliate": {
        "en": ["affiliate link", "affiliate links", "we may earn a commission", "we earn a commission",
               "may earn a small commission", "as an amazon associate"],
        "de": ["affiliate-link", "affiliate-links", "werbelink", "partnerlink", "erhalten wir eine provision"],
        "fr": ["lien affilié", "liens affiliés", "lien d'affiliation", "liens d'affiliation"],
        "es": ["enlace de afiliado", "enlaces de afiliado", "enlaces de afiliados", "recibimos una comisión"],
        "it": ["link di affiliazione", "link affiliati", "riceviamo una commissione"],
        "nl": ["affiliate link", "affiliatelinks", "ontvangen wij een commissie", "ontvangen we een commissie"],
    },
    "disclaimer": {
        "en": ["disclaimer", "not financial advice", "not investment advice", "views are my own",
               "for informational purposes only"],
        "de": ["haftungsausschluss", "keine anlageberatung"],
        "fr": ["avertissement", "ne constitue pas un conseil"],
        "es": ["aviso legal", "no constituye asesoramiento"],
        "it": ["esclusione di responsabilità", "non costituisce consulenza"],
        "nl": ["geen beleggingsadvies", "vrijwaring"],
    },
}
KEYWORD_THRESHOLD = 0.5  # the keyword page score n / (n + 1) reaches it with one sponsored block


def _pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    alts = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


_PATTERNS = {lab: _pattern([p for ps in by_lang.values() for p in ps]) for lab, by_lang in KEYWORDS.items()}


def keyword_label(text: str) -> str:
    """The keyword list's label for one block: sponsored, affiliate, disclaimer or editorial."""
    for lab in SPAN_LABELS:
        if _PATTERNS[lab].search(text):
            return lab
    return "editorial"


def keyword_analysis(page: Page) -> Analysis:
    """The keyword list applied to each block of a segmented page, as an :class:`Analysis`."""
    blocks = []
    for i, b in enumerate(page.blocks):
        lab = keyword_label(b.text)
        blocks.append(LabelledBlock(index=i, label=lab, score=1.0, text=b.text, start=b.start, end=b.end,
                                    probs={lab: 1.0}))
    n = sum(b.label == "sponsored" for b in blocks)
    score = n / (n + 1)
    return Analysis(path=page.path, score=score, label="sponsored" if score >= KEYWORD_THRESHOLD else "editorial",
                    blocks=blocks, text=page.text)


def have_trafilatura() -> bool:
    try:
        import trafilatura  # noqa: F401
    except ImportError:  # absent, or broken (jusText without lxml_html_clean)
        return False
    return True


def main_text(raw: RawPage, page: Page) -> str:
    """trafilatura's main text of a page. HTML goes in as it is; plain text and Markdown as one ``<p>`` per
    block of our segmentation (trafilatura reads HTML only)."""
    import trafilatura

    doc = raw.text
    if raw.kind != "html":
        paragraphs = "".join(f"<p>{html.escape(b.text)}</p>" for b in page.blocks)
        doc = f"<html><body><article>{paragraphs}</article></body></html>"
    return trafilatura.extract(doc, include_comments=False, include_tables=True) or ""


def extractor_kept(main: str, spans: Sequence[dict]) -> list[dict]:
    """For each labelled disclosure: whether the extractor's main text still holds it."""
    stream = _norm(main)
    out = []
    for s in spans:
        lab = s.get("label")
        if lab not in SPAN_LABELS:
            continue
        key = _norm(s.get("text", ""))
        out.append({"label": lab, "kept": bool(key) and key in stream})
    return out
