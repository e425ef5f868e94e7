"""Disclosure cue words in six languages: a gate and a feature for the block classifier.

A block may only be labelled ``sponsored`` when it holds a sponsorship cue, and ``affiliate`` when it
holds a commission cue. The model decides among the candidates; the cues keep it from calling a date,
a code line or a short heading "sponsored" just because it looks like nothing it has seen.

Provenance: written by hand from the examples in LABELS.md and from our own notice pools
(data/source/notices/*.json), in en, de, fr, es, it, nl. Generous on purpose: a cue only makes a block
a candidate. Pages in other languages get no sponsored or affiliate blocks (a stated limit).
"""

from __future__ import annotations

import re

__all__ = ["SELF_REFERENCE", "has_self_reference", "SPONSORED_CUES", "AFFILIATE_CUES", "DISCLAIMER_CUES", "has_sponsored_cue", "has_affiliate_cue", "cue_counts"]

SPONSORED_CUES = re.compile(
    r"""sponsor|advertorial|advertis|\bads?\b|paid|\bpay(?:ing|s)?\b|partner|supported\sby|presented\sby|
    brought\sto\s(?:you|us)|in\sassociation\swith|in\scollaboration|collaborat|commissioned|promot|
    branded|compensat|produced\s(?:for|by|in)|on\sbehalf\sof|courtesy\sof|funded\sby|
    # de
    anzeige|werbung|werbe|kooperation|zusammenarbeit|bezahlt|präsentiert|unterstützt|gefördert|
    # fr
    partenariat|publireportage|publi-?rédactionnel|publicit|contenu\sde\smarque|présenté\spar|
    soutenu\spar|offert\spar|en\scollaboration|rémunér|
    # es
    patrocin|publicidad|publirreportaje|colaboraci[oó]n|presentado\spor|ofrecido\spor|pagado|remunerad|
    contenido\sde\smarca|
    # it
    sponsorizzat|collaborazione|pubbliredazionale|pubblicità|offerto\sda|presentato\sda|
    a\spagamento|promoss|
    # nl
    gesponsord|samenwerking|advertentie|betaald|mogelijk\sgemaakt|aangeboden\sdoor|gepresenteerd|reclame""",
    re.I | re.X,
)

AFFILIATE_CUES = re.compile(
    r"""affil|commission|\bearn|provision|provisie|associate|qualifying\spurchase|no\sextra\scost|
    at\sno\s(?:additional\s)?cost|kickback|referral|comisi[oó]n|commissione|vergoeding|we\smay\sreceive|
    partner-?links?|werbelink|\*-?links?|small\sfee|percentage|erhalten\swir|verdienen|gagner|guadagn|
    ganamos|ontvangen\swij|verdienen\swij|revenu|ricev""",
    re.I | re.X,
)

DISCLAIMER_CUES = re.compile(
    r"""disclaim|disclos|views?\b|opinion|\bown\b|advice|advisory|not\sintended|informational|
    no\sliability|not\sresponsible|risk|conflict|affiliated|employ|haftung|meinung|beratung|
    risiko|avis|conseil|responsabilit|opini[oó]n|asesoramiento|riesgo|parere|consulenza|rischi|
    mening|advies|risico|aansprakelijk""",
    re.I | re.X,
)


# A notice about the page itself: "this article / post / content …" in six languages.
SELF_REFERENCE = re.compile(
    r"""\b(?:this|the\sfollowing|the\sabove)\s(?:\w+\s)?(?:article|post|story|content|feature|piece|page|series|review|
    guide|video|episode|newsletter|report)s?\b|\bsponsored\s(?:post|article|content|story|feature)|
    \b(?:dieser|diesen|dieses|folgende[rn]?)\s(?:\w+\s)?(?:beitrag|artikel|text|inhalt|post|bericht)|
    \b(?:cet|ce|cette)\s(?:\w+\s)?(?:article|contenu|billet|publication|reportage|dossier)|
    \b(?:este|esta)\s(?:\w+\s)?(?:art[ií]culo|contenido|publicaci[oó]n|reportaje|post)|
    \b(?:questo|questa|quest')\s?(?:\w+\s)?(?:articolo|contenuto|post|pubblicazione|servizio)|
    \b(?:dit|deze)\s(?:\w+\s)?(?:artikel|bericht|stuk|inhoud|blog|post)""",
    re.I | re.X,
)


def has_self_reference(text: str) -> bool:
    return SELF_REFERENCE.search(text) is not None


def has_sponsored_cue(text: str) -> bool:
    return SPONSORED_CUES.search(text) is not None


def has_affiliate_cue(text: str) -> bool:
    return AFFILIATE_CUES.search(text) is not None


def cue_counts(text: str) -> tuple[int, int, int]:
    """How many sponsorship, commission and disclaimer cues a text holds (capped at 3 each)."""
    return (
        min(3, len(SPONSORED_CUES.findall(text))),
        min(3, len(AFFILIATE_CUES.findall(text))),
        min(3, len(DISCLAIMER_CUES.findall(text))),
    )
