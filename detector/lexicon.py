"""Disclosure cue words in six languages: a gate and a feature for the block classifier.

A block may only be labelled ``sponsored`` when it holds a sponsorship cue, and ``affiliate`` when it
holds a commission cue. The model decides among the candidates; the cues keep it from calling a date,
a code line or a short heading "sponsored" just because it looks like nothing it has seen.

Beside the cues, a few stricter patterns that the score's revisions read: a block that declares the page's
own content paid for (:data:`DECLARED_SPONSORED`), a tag line that files the page as paid content
(:data:`TAGGED_SPONSORED`), a label of paid content alone on its line (:data:`CONTENT_LABEL`) and an
affiliate marker inside a paragraph (:data:`AFFILIATE_MARKER`).

Provenance: written by hand from the examples in LABELS.md and from our own notice pools
(data/source/notices/*.json), in en, de, fr, es, it, nl. Generous on purpose: a cue only makes a block
a candidate. Pages in other languages get no sponsored or affiliate blocks (a stated limit).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from itertools import accumulate
from typing import Any

__all__ = ["SELF_REFERENCE", "has_self_reference", "DECLARED_SPONSORED", "declares_sponsored", "SPONSOR_CREDIT", "credits_sponsor", "CONTENT_LABEL", "is_content_label", "TAGGED_SPONSORED", "tagged_sponsored", "AFFILIATE_MARKER", "SPONSORED_CUES", "AFFILIATE_CUES", "DISCLAIMER_CUES", "has_sponsored_cue", "has_affiliate_cue", "cue_counts", "cue_counts_many", "cue_candidates"]

SPONSORED_CUES = re.compile(
    r"""sponsor|advertorial|advertis|\bads?\b|paid|\bpay(?:ing|s)?\b|partner|supported\sby|presented\sby|
    brought\sto\s(?:you|us)|in\sassociation\swith|in\scollaboration|collaborat|commissioned|promot|
    branded|compensat|produced\s(?:for|by|in)|on\sbehalf\sof|courtesy\sof|funded\sby|
    made\spossible\sby|fee-based|presented\scontent|brand\s?(?:story|studio|voice|content)|
    # de ("gesponsert" holds no "sponsor")
    anzeige|werbung|werbe|kooperation|zusammenarbeit|bezahl|geld\svon|zur\sverfügung\sgestellt|präsentiert|unterstützt|mit\s(?:freundlicher\s|finanzieller\s)?unterstützung|gefördert|
    gesponser|sonderveröffentlichung|verlagsbeilage|entgeltlich|
    # fr
    partenariat|partenaire|publireportage|publi-?rédactionnel|publi-?communiqué|publicit|contenu\sde\smarque|
    présenté\spar|proposé\spar|soutenue?s?\spar|annonce\s?:|avec\sle\ssoutien|mécène|mécénat|parrain|offert\spar|en\scollaboration|en\sassociation|rémunér|
    contenu\spayant|communication\scommerciale|pour\sle\scompte\sde|
    # es
    patrocin|publicidad|publirreportaje|colaboraci[oó]n|presentado\spor|ofrecido\spor|pagado|remunerad|
    contenido\sde\smarca|promoci|con\sel\sapoyo|estudio\sde\smarca|en\salianza|aliad[oa]s?\scon|anuncio\s?:|socio\s?:|de\sun\ssocio|compensaci|
    comunicaci[oó]n\scomercial|financiad[oa]\spor|mecenas|contenido\selaborado|un\scontenido\sde|
    # it
    sponsorizzat|collaborazione|pubbliredazionale|pubblicit|offerto\sda|presentato\sda|
    a\spagamento|promoss|promozion|sostenut[oa]\sda|con\sil\ssostegno|sostenitor|pagat[oa]\sda|compenso|retribuit|
    con\sil\ssupporto|annuncio\s?:|comunicazione\scommerciale|presentat[ao]\sda|realizzato\sper|
    # nl
    gesponsord|samenwerking|advertentie|betaald|mogelijk\sgemaakt|aangeboden\sdoor|gepresenteerd|reclame|
    een\sproductie\svan|met\sdank\saan|in\sopdracht\svan|ondersteund\sdoor|gemaakt\svoor""",
    re.I | re.X,
)

AFFILIATE_CUES = re.compile(
    r"""affil|commission|\bearn|provision|provisie|associate|qualifying\spurchase|no\sextra\scost|
    at\sno\s(?:additional\s)?cost|kickback|referral|comisi[oó]n|commissione|vergoeding|we\smay\sreceive|
    partner-?links?|werbelink|\*-?links?|small\sfee|percentage|erhalten\swir|verdienen|gagner|guadagn|
    ganamos|ontvangen\swij|verdienen\swij|revenu|ricev|afili|compensa|remunera|rémunér|share\sof\s(?:the\s)?sale|
    financial\srelationships?|monetiz|liens?\s(?:commerciaux|partenaires?|sponsoris)|enlaces?\scomerciales|
    lien\spartenaire|if\syou\s(?:click|buy)|when\syou\s(?:click|buy)|commerci[eë]le\slinks|links?\scommercial[ie]|(?:via|through|use)\s(?:onze|our|my)\slinks?|
    signs?\sup\swith\s(?:the|my|our)\slink|obtiene\singresos|als\spartner\svan""",
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


# The page's own content declares that it is paid for: "this post is sponsored by …", "AWS sponsors this
# article", "Dieser Beitrag wurde von … bezahlt", "cet article est sponsorisé", "[Werbung]" heading a title.
# A block that says so is a sponsored notice, whatever else it holds ("Disclaimer: this post is sponsored
# by …"), and its page is sponsored (see score.Detector._revise_declared_t). Only texts that hold a
# SPONSORED_CUES word are read.
_CONTENT = r"""(?:article|post|blog\s?post|story|content|feature|piece|page|video|episode|newsletter|review|guide|series|
    special|report|beitrag|artikel|text|inhalt|blogpost|bericht|serie|reihe|dossier|spezial|billet|contenu|
    publication|reportage|série|spécial|art[ií]culo|contenido|publicaci[oó]n|entrada|texto|especial|reportaje|
    articolo|contenuto|pubblicazione|servizio|speciale|inserto|inhoud|stuk|blog|reeks|rubriek)"""
DECLARED_SPONSORED = re.compile(
    r"""
    # en: this post is/was (kindly) sponsored by; this article is a paid partnership / an advertorial
    \b(?:this|the\sfollowing)\s(?:\w+\s){0,2}""" + _CONTENT + r"""\s(?:is|was|has\sbeen|is\sbeing)\s(?:(?:\w+ly|also|in\spart)\s)?
      (?:sponsored|paid\sfor|funded|commissioned|underwritten|brought\sto\syou|presented|supported\sby|
         (?:an?\s)?(?:paid|sponsored|promoted)\s(?:post|partnership|collaboration|placement|promotion|article|content|feature)|
         an?\s(?:advertorial|advertisement|advert|ad)\b|advertising\b|in\s(?:paid\s)?partnership|created\sin\spartnership|produced\sin\spartnership)
    |\b(?:sponsors|sponsored|sponsoring|paid\sfor|funded)\sthis\s(?:\w+\s)?""" + _CONTENT + r"""
    # en, the author speaking: "compensation was provided by …", "I was compensated by …", "in exchange
    # for this review", "a sponsored conversation"
    |\bcompensation\s(?:was|has\sbeen|is)\sprovided\sby|\b(?:i|we)\s(?:was|were|have\sbeen|am|are)\s(?:\w+ly\s)?compensated\s(?:by|for)\b|
    \bin\sexchange\sfor\s(?:this|my|our)\s(?:\w+\s)?(?:post|review|article|video|mention)|\bsponsored\sconversation\b
    # de: dieser Beitrag ist/wurde/entstand … gesponsert / bezahlt / in (bezahlter) Kooperation / Werbung
    |\b(?:dieser|diese|dieses|der\sfolgende)\s(?:\w+\s){0,1}""" + _CONTENT + r"""\s(?:ist|wurde|wird|entstand|enthält)\s(?:(?!nicht\b|kein|unbezahlt)\w+\s){0,6}?
      (?:gesponsert|bezahlt|finanziert|beauftragt|werbung\b|anzeige\b|in\s(?:\w+\s)?(?:kooperation|zusammenarbeit))
    # fr: cet article est sponsorisé / a été financé / est un contenu sponsorisé / réalisé en partenariat
    |\b(?:cet|ce|cette)\s(?:\w+\s){0,1}""" + _CONTENT + r"""\s(?:est|a\sété)\s(?:(?!pas\b|ne\b|no\b|non\b|niet\b|geen\b|nicht\b)\w+\s){0,3}?
      (?:sponsoris|financ|rémunér|publicit|payant|réalisé\sen\spartenariat|en\spartenariat|publi-?rédactionnel|publireportage)
    # es
    |\b(?:este|esta)\s(?:\w+\s){0,1}""" + _CONTENT + r"""\s(?:es|ha\ssido|está|fue)\s(?:(?!pas\b|ne\b|no\b|non\b|niet\b|geen\b|nicht\b)\w+\s){0,3}?
      (?:patrocinad|pagad|financiad|publicidad|publirreportaje|una\scolaboraci[oó]n\spagada|en\scolaboraci[oó]n\scon)
    # it
    |\b(?:questo|questa)\s(?:\w+\s){0,1}""" + _CONTENT + r"""\s(?:è|e'|è\sstato|è\sstata)\s(?:(?!pas\b|ne\b|no\b|non\b|niet\b|geen\b|nicht\b)\w+\s){0,3}?
      (?:sponsorizzat|pagat|finanziat|realizzat[oa]\sin\scollaborazione|pubbliredazionale|a\spagamento)
    # nl
    |\b(?:dit|deze)\s(?:\w+\s){0,1}""" + _CONTENT + r"""\s(?:is|werd|wordt)\s(?:(?!pas\b|ne\b|no\b|non\b|niet\b|geen\b|nicht\b)\w+\s){0,3}?
      (?:gesponsord|betaald|gefinancierd|in\s(?:betaalde\s)?samenwerking|een\sadvertentie|mogelijk\sgemaakt)
    # a label in brackets heading a title or standing alone: "[Werbung] Drei Tage …", "(Anzeige)",
    # "[Sponsored]", "(Paid Content)", "[Contenido patrocinado]", "(Enthält Werbung)"
    |^\W{0,2}[\[(]\s*(?:enthält\s|contains\s|contiene\s|contient\s|bevat\s)?(?:werbung|anzeige|sponsored|gesponsert|
      (?:paid|sponsored|promoted|partner|branded)\s(?:post|content|story|article|feature)|advertisement|advertorial|
      publicité|publicidad|pubblicità|advertentie|gesponsord|sponsorisé|patrocinado|sponsorizzato|publi-?reportage|
      publirreportaje|pubbliredazionale|contenido\spatrocinado|contenu\s(?:sponsoris[ée]|partenaire|de\smarque)|
      contenuto\s(?:sponsorizzato|a\spagamento)|gesponsorde\s(?:inhoud|content)|gesponserter?\s(?:beitrag|artikel|inhalt)|
      sonderveröffentlichung|bezahlte\s(?:partnerschaft|kooperation))\s*[.!]?\s*[\])]
    # a paid press release, labelled as such: "Dit is een betaald persbericht", "Communiqué sponsorisé"
    |\b(?:paid|sponsored)\spress\srelease|\bbezahlte\spressemitteilung|\bcommuniqué\s(?:sponsorisé|payant|rémunéré)|
      \bcomunicado\s(?:patrocinado|pagado)|\bcomunicato\s(?:sponsorizzato|a\spagamento)|\bbetaald\spersbericht
    """,
    re.I | re.X,
)


# A disclaimer in the wordings sites use for it, whatever the block around it: the author's views as their
# own ("The opinions expressed here are my own and do not necessarily reflect …"), a trademark or
# endorsement denial ("… is not endorsed, sponsored or affiliated with …", "I'm in no way affiliated
# with …"), information that is not advice ("for informational purposes only", "not investment advice",
# "stellt keine Anlageberatung dar", "ne constitue pas un conseil en investissement"), a liability
# disclaimer ("Haftungsausschluss") or a block headed "Disclosure:" (a relationship: "Disclosure: I advise
# both companies"; "Disclaimer:" heads an author's caveats as often as a disclaimer). Read in the blocks
# that hold one of DISCLAIMER_ANCHORS (score.Detector._revise_disclaimers_t): a match makes its block, if
# short and not otherwise a notice, a disclaimer.
DISCLAIMER_FORMULA = re.compile(
    r"""
    # en
    \b(?:opinions?|views?|postings?|thoughts)\s(?:\w+\s){0,6}?(?:are|is)\s(?:solely\s|strictly\s|entirely\s|purely\s)?
      (?:(?:my|our|his|her|their)\sown|the\sauthor'?s?\sown|those\sof\sthe\s(?:author|writer|contributor)s?)\b
    |\bdo(?:es)?\snot\snecessarily\s(?:reflect|represent)\b|\bdo(?:es)?\snot\s(?:reflect|represent)\s(?:those\sof|the\s(?:\w+\s)?(?:views|opinions|positions))
    |\bnot\s(?:endorsed|sponsored),?\s(?:\w+,?\s){0,3}(?:affiliated|associated)\swith
    |\b(?:i|we)(?:'m|’m|\sam|'re|’re|\sare)\s(?:in\sno\sway|not|by\sno\smeans)\s(?:\w+\s)?(?:affiliated|associated)\swith
    |\bfor\s(?:general\s)?(?:educational|informational|information|entertainment)\spurposes\sonly\b
    |\b(?:not|no|nor)\s(?:(?:be\s)?(?:constitute|construed\sas|considered|intended\sas|intended\sto\sbe|contain)\s)?(?:an?\s)?(?:\w+\s)?
      (?:financial|investment|legal|medical|professional|tax)\sadvice\b
    |^\W{0,2}(?:full\s)?disclosures?\s*[:–—-]
    # de
    |^\W{0,2}haftungsausschluss\b|\bkeine\s(?:anlage|rechts|steuer|finanz)?beratung\b|
      \bstellt\skeine\s(?:\w+\s)?(?:anlage|rechts|steuer|finanz)?(?:beratung|empfehlung)\b|
      \bspiegel[nt]\snicht\s(?:\w+\s)?(?:die\s)?(?:meinung|ansicht)
    # fr
    |\bne\sconstitue(?:nt)?\s(?:en\saucun\scas\s)?(?:pas\s)?(?:un\s)?(?:conseil|recommandation)\b|\bn['’]engage(?:nt)?\sque\s(?:leur|son|ses|mon|l['’])
      |\bavertissement\s*:|\bclause\sde\snon-responsabilit
    # es
    |\bno\sconstituye(?:n)?\s(?:una\s)?(?:recomendaci[oó]n|asesoramiento|consejo)\b|\bno\s(?:necesariamente\s)?refleja(?:n)?\s(?:la|las)\s(?:opini|posici)
      |\bexclusiva\sresponsabilidad\sde|\baviso\slegal\s*:
    # it
    |\bnon\scostituisce(?:no)?\s(?:in\salcun\smodo\s)?(?:una?\s)?(?:consulenza|sollecitazione|raccomandazione)\b|\besclusione\sdi\sresponsabilit
    # nl
    |\bgeen\s(?:financieel\s|beleggings|juridisch\s)?advies\b|\bvrijwaring\b
    """,
    re.I | re.X,
)
# Words that every DISCLAIMER_FORMULA or INLINE_DISCLOSURE match holds (lower case): the blocks that hold
# none are not read with those patterns (a page's text is searched for these with str.find, which takes a
# tenth of the time of one Python regex scan over it).
DISCLAIMER_ANCHORS = (
    " own", "those of the", "not necessarily", "not reflect", "not represent", "affiliated with", "associated with",
    "purposes only", "advice", "disclaimer", "disclosure", "haftungsausschluss", "beratung", "empfehlung",
    "meinung", "ansicht", "conseil", "recommandation", "engage", "avertissement", "non-responsabilit",
    "recomendaci", "asesoramiento", "consejo", "refleja", "exclusiva responsabilidad", "aviso legal", "consulenza",
    "sollecitazione", "raccomandazione", "esclusione di responsabilit", "advies", "vrijwaring",
)

# A disclosure in brackets inside a paragraph: "(Full disclosure: I work at Cars.com.)", "(disclaimer: I'm
# the co-founder)", "(As a friendly disclaimer, I actually work there.)": cut out of it as a disclaimer.
INLINE_DISCLOSURE = re.compile(
    r"[(\[]\s*(?:as\sa\s)?(?:(?:full|friendly|quick|small)\s)?(?:disclosure|disclaimer)\b[^()\[\]]{3,240}[)\]]", re.I)

# An affiliate marker inside a paragraph, after the link it marks: "(affiliate link)", "*Werbelink",
# "(lien partenaire)", "(commission earned)". Each holds an AFFILIATE_CUES word (score reads only those blocks).
AFFILIATE_MARKER = re.compile(
    r"""(?:[(\[]\s*\*?|(?<![\w*])\*\s?)(?:affiliate[\s-]?links?|affiliate|commission\searned|werbe-?links?|affiliate-links?|
    provisions-?links?|partner-?links?|lien\s(?:affilié|partenaire|commercial|sponsorisé)|liens\saffiliés|
    enlaces?\s(?:de\s)?afiliad[oa]s?|link\s(?:di\s)?affiliazione|link\saffiliat[oi]|affiliatelinks?|
    partnerlinks?)(?:\s*[)\]]|(?=\s*(?:$|[.:]\s)))""",
    re.I | re.X,
)


# The page's own tag or category line files it as paid content: "Tags: Podcasts SPONSORED Video",
# "Labels: Dairy, Sponsored Recipe", "Sujets : Collaboration commerciale, Sport", "Filed under Sponsored".
# A "Tags:" line may close a block of other post details ("8:30 AM … Labels: …"); "filed under" only opens one.
TAGGED_SPONSORED = re.compile(
    r"""(?:(?:^\W{0,2}|(?<=\s))(?:tags?|labels?|categor(?:y|ies|ie|ía|ia|ías)|schlagw[öo]rter|stichw[öo]rter|
    kategorien?|themen|étiquettes?|catégories?|rubriques?|sujets|mots-clés|etiquetas|temas|parole\schiave|argomenti|
    trefwoorden|onderwerpen|rubrieken)\s?:|^\W{0,2}(?:filed\sunder|posted\sin|publié\sdans|publicado\sen|pubblicato\sin|
    veröffentlicht\sin|geplaatst\sin)\s?:?)[^.!?]{0,200}?
    \b(?:sponsored|paid\s(?:content|post)|partner\s(?:content|post)|advertorial|gesponsert\w*|sponsoris\w+|patrocinad\w+|
    sponsorizzat\w+|gesponsord\w*|betaalde\s\w+|collaboration\scommerciale|publireportage|publirreportaje|pubbliredazionale)\b""",
    re.I | re.X,
)


def tagged_sponsored(text: str) -> bool:
    """Whether ``text`` is a tag or category line that files the page as paid content (:data:`TAGGED_SPONSORED`)."""
    return TAGGED_SPONSORED.search(text) is not None


# A label that names the content under it as paid for, alone on its line ("Paid Post", "Sponsored Content",
# "Advertorial", "Contenu sponsorisé"). Not the ad-slot words ("Advertisement", "Anzeige", "Werbung"): those
# also head banners.
CONTENT_LABEL = re.compile(
    r"""(?:paid|sponsored|promoted|partner|brand(?:ed)?)\s(?:post|content|story|article|feature)s?|sponsored|advertorial|
    (?:billet|article|post)\ssponsoris[ée]|art[ií]culo\spatrocinado|articolo\ssponsorizzato|gesponsord\s(?:bericht|artikel)|
    paid\spartnership|publi-?reportage|publirreportaje|pubbliredazionale|contenido\spatrocinado|
    contenu\s(?:sponsoris[ée]|partenaire|de\smarque)|contenuto\s(?:sponsorizzato|sponsorizzata|a\spagamento)|
    gesponsorde\s(?:inhoud|content|post)|gesponserte[rs]?\s(?:beitrag|artikel|inhalt)|sonderveröffentlichung""",
    re.I | re.X,
)


def is_content_label(text: str) -> bool:
    """Whether ``text`` is only a label of paid content (:data:`CONTENT_LABEL`), brackets and marks aside."""
    return CONTENT_LABEL.fullmatch(text.strip(" \t\n[](){}|*:·•–—-_.!")) is not None


# A label of paid content in the page's headline, before or after its title: "[Anzeige] Drei Tage im
# Illertal", "Sponsored content | Das Ende des Passworts?", "Sponsorisé : Livret A …", "Besser schlafen
# (Werbung)", "… | Promozione". German law asks for "Anzeige" or "Werbung", often in the headline itself.
_HEADLINE_LABEL = r"""(?:(?:paid|sponsored|promoted|partner|brand(?:ed)?)\s(?:post|content|story|article|feature|guide)s?|
    sponsored|advertorial|paid\spartnership|publi-?reportage|publirreportaje|pubbliredazionale|publi-?rédactionnel|
    contenido\spatrocinado|art[ií]culo\spatrocinado|contenu\s(?:sponsoris[ée]|partenaire|de\smarque)|
    contenuto\s(?:sponsorizzato|sponsorizzata|a\spagamento)|gesponsorde\s(?:inhoud|content|post)|
    gesponserte[rs]?\s(?:beitrag|artikel|inhalt)|sonderveröffentlichung|werbung|anzeige|publicidad|publicité|
    pubblicità|promozione|promotie|advertentie|sponsoris[ée]|patrocinado|sponsorizzato|gesponsord|gesponsert|
    (?:billet|article|post)\ssponsoris[ée]|art[ií]culo\spatrocinado|articolo\ssponsorizzato|gesponsord\s(?:bericht|artikel))"""
# ... and, only in brackets (a blog's "{Partenariat}", "[Kooperation]"), the words of a paid collaboration
_BRACKETED_LABEL = r"(?:" + _HEADLINE_LABEL + r"""|partenariat|partnership|collaboration|kooperation|werbekooperation|
    samenwerking|colaboraci[oó]n|collaborazione)"""
HEADLINE_LABEL = re.compile(
    r"^\W{0,2}(?P<a>[\[({]\s*" + _BRACKETED_LABEL + r"\s*[.!]?\s*[\])}]|" + _HEADLINE_LABEL + r"(?=\s*[:|]\s))"
    r"|(?:\s[|–—-]\s*(?P<b>" + _HEADLINE_LABEL + r")|\s(?P<c>[\[({]\s*" + _BRACKETED_LABEL
    + r"\s*[.!]?\s*[\])}]))\W{0,2}$",
    re.I | re.X,
)
_SEPARATORS = " \t|:–—-·"


def headline_label(text: str) -> tuple[int, int] | None:
    """Where a headline's label of paid content lies in it (:data:`HEADLINE_LABEL`), when the rest is a
    title of two words or more and not a list ("Publicidad | Tecnología | Salud" is a menu); else None. A
    label opens the headline in brackets or before a colon or a bar ("Werbung – Zielgruppe …" is a topic)."""
    m = HEADLINE_LABEL.search(text)
    if m is None:
        return None
    a, e = m.span(next(g for g in "abc" if m.group(g)))
    rest = (text[:a] + " " + text[e:]).strip(_SEPARATORS + "[](){}")
    if len(rest.split()) < 2 or "|" in rest:
        return None
    return a, e


# A sponsor's credit, opening its block: "Sponsored by State Farm", "Gesponsert von …", "Sponsorisé par …",
# a site's "Letters of Note is proudly sponsored by TinyLetter", or closing a native-ad teaser's title
# ("How this app teaches you a language in 3 weeks! Sponsored by Babbel"). It discloses paid content wherever it
# stands, on an editorial page too (a sponsored teaser, a site's sponsor), so its block is a sponsored
# notice; unlike DECLARED_SPONSORED it does not say that the page's own content is paid for. The sponsor is
# a name (capitalised, or in a script without case), not "a government"; and not "sponsored by" inside a
# sentence ("The family had been sponsored by friends", "hackers patrocinados por un Estado"), nor
# partnership credits ("In collaboration with Roel Wouters"), which name co-authors as often.
_SPONSOR_NAME = r"""\s+\W{0,2}(?:(?:the|der|die|das|den|dem|le|la|les|el|los|las|il|lo|de|het)\s+)?(?-i:(?![a-z]))[^\W_]"""
SPONSOR_CREDIT = re.compile(
    r"""^\W{0,2}(?:sponsored|gesponsert|sponsoris[ée]e?s?|patrocinad[oa]s?|sponsorizzat[oaie]|gesponsord)
      \s(?:by|von|par|por|da|door)""" + _SPONSOR_NAME + r"""
    |^[^.!?]{0,60}?\b(?:is|are)\s(?:proudly|kindly|generously)\ssponsored\sby""" + _SPONSOR_NAME + r"""
    # closing a native-ad teaser's title, capitalised: "Crazy Cheap Flashlight - Selling Like Hotcakes! Sponsored by Lumify"
    |(?-i:Sponsored|Gesponsert|Sponsoris[ée]|Patrocinado|Sponsorizzato|Gesponsord)\s(?:by|von|par|por|da|door)
      """ + _SPONSOR_NAME + r"""[^\s.!?]*(?:\s+[^\s.!?]+){0,3}\W{0,2}$""",
    re.I | re.X,
)


def credits_sponsor(text: str) -> bool:
    """Whether ``text`` credits a named sponsor (:data:`SPONSOR_CREDIT`), not that it is not ("not
    sponsored by anyone")."""
    m = SPONSOR_CREDIT.search(text)
    return m is not None and not _NEGATED.search(text, max(0, m.start() - 60), m.start())


_NEGATED = re.compile(r"\b(?:no|not|nobody|never|none|kein\w*|nicht|niemand|pas|personne|ni|ningún|ninguna|nadie|non|nessun\w*|niet|geen|niemand)\b[^.!?]{0,40}$", re.I)


def declares_sponsored(text: str) -> bool:
    """Whether ``text`` says that the page's own content is sponsored (:data:`DECLARED_SPONSORED`), not
    that it is not ("No company paid for this article")."""
    m = DECLARED_SPONSORED.search(text)
    while m is not None:
        if not _NEGATED.search(text, max(0, m.start() - 60), m.start()):
            return True
        m = DECLARED_SPONSORED.search(text, m.end())
    return False


def has_sponsored_cue(text: str) -> bool:
    pats, text = _twins(text)
    return pats[0].search(text) is not None


def has_affiliate_cue(text: str) -> bool:
    pats, text = _twins(text)
    return pats[1].search(text) is not None


def cue_counts(text: str) -> tuple[int, int, int]:
    """How many sponsorship, commission and disclaimer cues a text holds (capped at 3 each).

    ``cue_counts(t)[0] > 0`` is ``has_sponsored_cue(t)`` and ``[1] > 0`` is ``has_affiliate_cue(t)``.
    """
    (sponsored, affiliate, disclaimer, any_cue), text = _twins(text)
    if any_cue is not None and any_cue.search(text) is None:  # most texts hold no cue: one scan tells
        return (0, 0, 0)
    return (
        min(3, len(sponsored.findall(text))),
        min(3, len(affiliate.findall(text))),
        min(3, len(disclaimer.findall(text))),
    )


# -- the same patterns, made fast ----------------------------------------------------------------------
# Python's regex engine tries every alternative of an IGNORECASE alternation at every position of the
# text, one call deeper each. The cue patterns' twins run on the lower-cased text instead, written in
# lower case without IGNORECASE, their top-level alternatives grouped under their first character
# (keeping their order), so that at a position the engine compares one character per group and enters
# one group at most. A fourth twin matches wherever any of the three does.
#
# On lower-cased text the twins match exactly what the originals match on the text, because str.lower()
# keeps every character's length (but "İ") and word and space classes, and every character that
# IGNORECASE pairs with a cue letter lower-cases to that letter, but a few "exotic" ones ("ſ", "ı"): a
# text holding those runs the original patterns. tests/test_lexicon.py checks all this over Unicode.

# Characters that IGNORECASE matches with a letter but that are not its upper or lower case.
_CASE_EXTRA = {"i": "İı", "k": "\u212a", "s": "ſ", "å": "\u212b", "ß": "ẞ", "µ": "μΜ"}


class _Unsupported(Exception):
    pass


@cache  # each cue pattern is read by three derivations (and the union of all three by a fourth)
def _parsed(regex: re.Pattern[str]) -> Any:
    """The items of a compiled pattern as ``re._parser`` parses it (read, never changed, by the callers)."""
    from re import _parser

    return _parser.parse(regex.pattern, regex.flags).data


@cache  # the patterns' derivations ask 1,245 times, of 34 characters
def case_variants(ch: str) -> str:
    """The characters that ``ch`` matches under IGNORECASE, sorted."""
    cands = {ch, ch.lower(), ch.upper(), ch.title(), ch.swapcase(), ch.casefold()}
    cands |= set(_CASE_EXTRA.get(ch.lower(), ""))
    one = re.compile(re.escape(ch), re.I)
    return "".join(sorted(c for c in cands if len(c) == 1 and one.fullmatch(c)))


@cache
def lower_variants(ch: str) -> str:
    """The characters ``ch`` matches under IGNORECASE in lower-cased text (leaving out exotic ones)."""
    low = ch.lower()
    return low if len(low) == 1 else case_variants(ch)


def _fast_twin(
    regex: re.Pattern[str], *more: re.Pattern[str], variants: Callable[[str], str] = lower_variants
) -> re.Pattern[str]:
    """An equivalent pattern compiled without IGNORECASE (``regex`` itself when that is not possible).

    With ``more`` patterns (same flags): one pattern that matches where any of them matches, for
    telling whether a text holds a match at all. ``variants``: the characters a letter stands for.
    """
    if not regex.flags & re.I or not isinstance(regex.pattern, str) or any(m.flags != regex.flags for m in more):
        return regex
    try:
        from re import _constants, _parser  # noqa: F401 - _parsed reads patterns with it
    except ImportError:  # pragma: no cover - other Pythons
        return regex
    try:
        em = _Emitter(_constants, variants)
        alts = []
        for r in (regex, *more):
            data = _parsed(r)
            alts += data[0][1][1] if len(data) == 1 and data[0][0] is _constants.BRANCH else [data]
        return re.compile(em.top(alts), regex.flags & ~(re.I | re.X))
    except (_Unsupported, re.error, KeyError, TypeError, ValueError, AttributeError):
        return regex


class _Emitter:
    """Writes a parsed pattern back as pattern text, each letter as its class of ``variants``."""

    def __init__(self, constants: Any, variants: Callable[[str], str]) -> None:
        self.C = C = constants
        self.variants = variants
        self.cats = {C.CATEGORY_SPACE: r"\s", C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w",
                     C.CATEGORY_NOT_WORD: r"\W", C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D"}
        self.ats = {C.AT_BOUNDARY: r"\b", C.AT_NON_BOUNDARY: r"\B"}

    @staticmethod
    def cls(chars: str) -> str:
        return re.escape(chars) if len(chars) == 1 else "[" + "".join(re.escape(c) for c in chars) + "]"

    def seq(self, items: list) -> str:
        return "".join(self.item(op, av) for op, av in items)

    def item(self, op: Any, av: Any) -> str:
        C = self.C
        if op is C.LITERAL:
            return self.cls(self.variants(chr(av)))
        if op is C.IN:
            out, neg = [], ""
            for iop, iav in av:
                if iop is C.NEGATE:
                    neg = "^"
                elif iop is C.LITERAL:
                    out += [re.escape(c) for c in self.variants(chr(iav))]
                elif iop is C.CATEGORY:
                    out.append(self.cats[iav])
                else:
                    raise _Unsupported(iop)
            return "[" + neg + "".join(out) + "]"
        if op is C.AT:
            return self.ats[av]
        if op is C.BRANCH:
            return "(?:" + "|".join(self.seq(a) for a in av[1]) + ")"
        if op is C.SUBPATTERN:
            group, add, dele, p = av
            if group is not None or add or dele:
                raise _Unsupported("group")
            return "(?:" + self.seq(p) + ")"
        if op is C.MAX_REPEAT or op is C.MIN_REPEAT:
            lo, hi, p = av
            rep = "{%d,%s}" % (lo, "" if hi == C.MAXREPEAT else hi)
            return "(?:" + self.seq(p) + ")" + rep + ("?" if op is C.MIN_REPEAT else "")
        raise _Unsupported(op)

    def top(self, alts: list) -> str:
        """Alternatives, grouped by the character each begins with (in their order within a group)."""
        C = self.C
        groups: dict[str, list[str]] = {}
        for alt in alts:
            if alt and alt[0][0] is C.LITERAL:
                lead, rest = self.variants(chr(alt[0][1])), self.seq(alt[1:])
            elif len(alt) > 1 and alt[0] == (C.AT, C.AT_BOUNDARY) and alt[1][0] is C.LITERAL:
                lead = self.variants(chr(alt[1][1]))
                if not all(c.isalnum() or c == "_" for c in lead):
                    return self.plain(alts)
                # \b before a word character: the character before it is no word character
                rest = r"(?<!\w[\s\S])" + self.seq(alt[2:])
            else:
                return self.plain(alts)
            groups.setdefault(lead, []).append(rest)
        leads = list(groups)
        if len(set("".join(leads))) != sum(map(len, leads)):
            return self.plain(alts)  # groups whose first characters overlap could change the order of trial
        return "|".join(self.cls(lead) + "(?:" + "|".join(rests) + ")" for lead, rests in groups.items())

    def plain(self, alts: list) -> str:
        return "|".join(self.seq(a) for a in alts)


CUES = (SPONSORED_CUES, AFFILIATE_CUES, DISCLAIMER_CUES)
_ORIGINALS: tuple[re.Pattern[str] | None, ...] = (*CUES, None)
_TWINS: tuple[re.Pattern[str] | None, ...] | None = None  # built on first use (compiling takes ~30 ms)
_EXOTIC: re.Pattern[str] | None = None
_EXOTIC_CHARS: tuple[str, ...] = ()  # the same characters (three today: "İ", "ı", "ſ")


def _exotic_in(text: str) -> bool:
    """Whether ``text`` holds an exotic character: ``_EXOTIC.search(text)``, but each looked for with
    ``str.__contains__`` (a few exotic characters: 20 times as fast as re's character class)."""
    return any(c in text for c in _EXOTIC_CHARS)


def _build_twins() -> None:
    global _TWINS, _EXOTIC, _EXOTIC_CHARS
    twins = (*(_fast_twin(p) for p in CUES), _fast_twin(*CUES))
    letters = {c for p in CUES for c in p.pattern if c.isalpha()}
    exotic = {"\u0130"} | {v for c in letters for v in case_variants(c) if v.lower() != c.lower()}
    _EXOTIC = re.compile("[" + "".join(re.escape(c) for c in sorted(exotic)) + "]")
    _EXOTIC_CHARS = tuple(sorted(exotic))
    if any(t is p for t, p in zip(twins, CUES)) or twins[3] is SPONSORED_CUES:
        twins = _ORIGINALS  # no twins on this Python
    _TWINS = twins


def _twins(text: str) -> tuple[tuple[re.Pattern[str] | None, ...], str]:
    """The patterns to run and the text to run them on."""
    if _TWINS is None:
        _build_twins()
    if _TWINS is not _ORIGINALS and (text.isascii() or not _exotic_in(text)):
        return _TWINS, text.lower()  # type: ignore[return-value]
    return _ORIGINALS, text


# -- a prefilter for whole pages ------------------------------------------------------------------------
# Python's regex engine spends ~40 ns per character on the cue alternation, and only one block in twenty
# holds a cue. RE2 (google-re2) scans a page's text as one UTF-8 string with an automaton in a few ns per
# character, with a pattern that matches wherever the twins match (on the lower-cased text), and more:
#   * each letter stands for every character whose lower case is one of its lower-case variants (so the
#     page is not lower-cased first: 0.06 ms a page); texts with exotic characters are not scanned;
#   * \s is Python's white space, written out; \w is every letter, number and mark, and "_";
#     a negated class (none today) would become "any character";
#   * \b stays only next to a letter or digit of the pattern that stands for ASCII characters alone
#     (not "k", which stands for the Kelvin sign too): there Python's boundary (a non-word character
#     outside, or the edge) implies RE2's ASCII one; any other \b is dropped.
# So a text outside every RE2 match holds no cue, and cue_counts() runs on the others only.
# tests/test_lexicon.py checks the superset on real and random text.

# str.isspace(), which is \s in Python's re: checked against all of Unicode in tests/test_lexicon.py
_PY_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_RE2 = None  # the compiled prefilter; False when RE2 is not installed or cannot take the pattern


def _re2_pattern() -> str:
    """The prefilter, for a page's text as it is (not lower-cased; texts with exotic characters are left
    out of the scan): each letter of a cue pattern stands for every character whose lower case is one of
    the letter's lower-case variants, exotic ones aside (tests/test_lexicon.py checks this on all of
    Unicode)."""
    from re import _constants as C

    if _TWINS is None:
        _build_twins()
    exotic = set(_EXOTIC_CHARS)

    def esc(chars: str) -> str:
        return "".join(c if c.isascii() and c.isalnum() else "\\x{%x}" % ord(c) for c in chars)

    def one_of(chars: str) -> str:
        return esc(chars) if len(chars) == 1 else "[" + esc(chars) + "]"

    space = "[" + esc(_PY_SPACE) + "]"
    anything = r"(?s:.)"
    cats = {C.CATEGORY_SPACE: space, C.CATEGORY_WORD: r"[\p{L}\p{N}\p{M}_]", C.CATEGORY_DIGIT: r"\p{N}",
            C.CATEGORY_NOT_SPACE: anything, C.CATEGORY_NOT_WORD: anything, C.CATEGORY_NOT_DIGIT: anything}

    def ascii_word_literal(item: Any) -> bool:  # a literal whose every character is an ASCII word one
        op, av = item
        return op is C.LITERAL and all(c.isascii() and (c.isalnum() or c == "_") for c in letters(chr(av)))

    def seq(items: list) -> str:
        out = []
        for k, (op, av) in enumerate(items):
            if op is C.AT:
                inside = [items[j] for j in (k - 1, k + 1) if 0 <= j < len(items)]
                keep = av is C.AT_BOUNDARY and any(ascii_word_literal(i) for i in inside)
                out.append(r"\b" if keep else "")
            else:
                out.append(item(op, av))
        return "".join(out)

    def letters(ch: str) -> str:
        return "".join(sorted((set(lower_variants(ch)) | set(case_variants(ch))) - exotic))

    def item(op: Any, av: Any) -> str:
        if op is C.LITERAL:
            return one_of(letters(chr(av)))
        if op is C.IN:
            parts, neg = [], False
            for iop, iav in av:
                if iop is C.NEGATE:
                    neg = True
                elif iop is C.LITERAL:
                    parts.append(one_of(letters(chr(iav))))
                elif iop is C.CATEGORY:
                    parts.append(cats[iav])
                else:
                    raise _Unsupported(iop)
            return anything if neg else "(?:" + "|".join(parts) + ")"
        if op is C.BRANCH:
            return "(?:" + "|".join(seq(a) for a in av[1]) + ")"
        if op is C.SUBPATTERN:
            return "(?:" + seq(av[3]) + ")"
        if op is C.MAX_REPEAT or op is C.MIN_REPEAT:
            lo, hi, p = av
            return "(?:" + seq(p) + "){%d,%s}" % (lo, "" if hi == C.MAXREPEAT else hi)
        raise _Unsupported(op)

    alts = []
    for r in CUES:
        data = _parsed(r)
        alts += data[0][1][1] if len(data) == 1 and data[0][0] is C.BRANCH else [data]
    return "|".join(seq(a) for a in alts)


# -- exact cue counts with RE2 ----------------------------------------------------------------------------
# On a lower-cased text without exotic characters, each cue pattern has an exact RE2 twin: letters as
# their lower case, \s as Python's white space, groups, classes and repeats as they are (RE2 picks the
# same leftmost-first matches as Python's backtracking for patterns without look-arounds or back
# references). Only \b differs: RE2's is ASCII. The twin is made only where every \b opens or closes a
# top-level alternative next to ASCII letters of the pattern; there the two agree unless the character
# just outside the match is a non-ASCII one, and RE2 then finds a match Python may not: a text with a
# match next to a non-ASCII character is counted by the Python twins instead.
# tests/test_lexicon.py compares the counts on real, planted and random text.

_RE2_EXACT: Any = None  # ((pattern, has \b), ...) per cue pattern; False where RE2 cannot do it


def _re2_exact_pattern(pattern: re.Pattern[str]) -> tuple[str, bool] | None:
    """The RE2 twin of a cue pattern for lower-cased text, and whether it holds a \b (None: no twin)."""
    from re import _constants as C

    space = "[" + "".join("\\x{%x}" % ord(c) for c in _PY_SPACE) + "]"
    found_b = False

    def lit(c: str) -> str:
        low = c.lower() if c.lower() and len(c.lower()) == 1 else None
        if low is None:
            raise _Unsupported(c)
        return low if low.isascii() and low.isalnum() else "\\x{%x}" % ord(low)

    def ascii_word(c: int) -> bool:
        ch = chr(c).lower()
        return ch.isascii() and (ch.isalnum() or ch == "_")

    def edge(items: list, last: bool) -> str:
        """'ok': every character at this edge of a match is an ASCII word character; 'maybe': the same,
        or the match may be empty there; 'bad': otherwise."""
        for op, av in (reversed(items) if last else items):
            r = one(op, av, last)
            if r != "maybe":
                return r
        return "maybe"

    def one(op: Any, av: Any, last: bool) -> str:
        if op is C.LITERAL:
            return "ok" if ascii_word(av) else "bad"
        if op is C.IN:
            return "ok" if all(iop is C.LITERAL and ascii_word(iav) for iop, iav in av) else "bad"
        if op is C.SUBPATTERN:
            return edge(av[3], last)
        if op is C.BRANCH:
            rs = {edge(a, last) for a in av[1]}
            return "bad" if "bad" in rs else "ok" if rs == {"ok"} else "maybe"
        if op is C.MAX_REPEAT or op is C.MIN_REPEAT:
            r = edge(av[2], last)
            return "bad" if r == "bad" else "maybe" if av[0] == 0 else r
        return "bad"

    def seq(items: list, top: bool) -> str:
        nonlocal found_b
        out = []
        for k, (op, av) in enumerate(items):
            if op is C.AT:
                if av is not C.AT_BOUNDARY or not top or k not in (0, len(items) - 1):
                    raise _Unsupported(av)
                rest = items[1:] if k == 0 else items[:-1]
                if edge(rest, last=k != 0) != "ok":
                    raise _Unsupported(av)
                found_b = True
                out.append(r"\b")
            else:
                out.append(item(op, av))
        return "".join(out)

    def item(op: Any, av: Any) -> str:
        if op is C.LITERAL:
            return lit(chr(av))
        if op is C.IN:
            parts = []
            for iop, iav in av:
                if iop is C.LITERAL:
                    parts.append(lit(chr(iav)))
                elif iop is C.CATEGORY and iav is C.CATEGORY_SPACE:
                    parts.append(space)
                else:
                    raise _Unsupported(iop)
            return "(?:" + "|".join(parts) + ")"
        if op is C.CATEGORY and av is C.CATEGORY_SPACE:
            return space
        if op is C.BRANCH:
            return "(?:" + "|".join(seq(a, False) for a in av[1]) + ")"
        if op is C.SUBPATTERN:
            return "(?:" + seq(av[3], False) + ")"
        if op is C.MAX_REPEAT or op is C.MIN_REPEAT:
            lo, hi, p = av
            lazy = "?" if op is C.MIN_REPEAT else ""
            return "(?:" + seq(p, False) + "){%d,%s}%s" % (lo, "" if hi == C.MAXREPEAT else hi, lazy)
        raise _Unsupported(op)

    try:
        data = _parsed(pattern)
        alts = data[0][1][1] if len(data) == 1 and data[0][0] is C.BRANCH else [data]
        return "|".join(seq(list(a), True) for a in alts), found_b
    except _Unsupported:
        return None


def _re2_exact() -> Any:
    global _RE2_EXACT
    if _RE2_EXACT is None:
        _RE2_EXACT = False
        if _prefilter():  # RE2 is there
            import re2

            made = [_re2_exact_pattern(p) for p in CUES]
            if all(m is not None for m in made):
                opts = re2.Options()
                opts.max_mem = 32 << 20
                _RE2_EXACT = tuple((re2.compile(pat.encode("ascii"), opts), has_b) for pat, has_b in made)
    return _RE2_EXACT


def cue_counts_many(texts: Sequence[str]) -> list[tuple[int, int, int]]:
    """:func:`cue_counts` of each text: the three RE2 twins run once over all the texts (joined by NUL,
    which no pattern matches across), the Python twins only on texts RE2 cannot tell about."""
    exact = _re2_exact() if len(texts) > 1 else False
    if not exact:
        return [cue_counts(t) for t in texts]
    if _TWINS is None:
        _build_twins()
    out: list[tuple[int, int, int] | None] = [None] * len(texts)
    idx, lows = [], []
    for i, t in enumerate(texts):
        if _TWINS is not _ORIGINALS and (t.isascii() or not _exotic_in(t)):
            idx.append(i)
            lows.append(t.lower())
        else:
            out[i] = cue_counts(t)
    if idx:
        try:
            data = "\x00".join(lows).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            data = b""
        if not data or data.count(b"\x00") != len(lows) - 1:  # a NUL in a text, or no UTF-8
            for i in idx:
                out[i] = cue_counts(texts[i])
            return out  # type: ignore[return-value]
        starts, pos = [0], -1
        for _ in range(len(lows) - 1):
            pos = data.find(b"\x00", pos + 1)
            starts.append(pos + 1)
        counts = [[0, 0, 0] for _ in idx]
        unsure = set()
        end = len(data)
        for j, (pat, has_b) in enumerate(exact):
            for a, e in _spans(pat, data):
                k = bisect_right(starts, a) - 1
                if has_b and ((a > 0 and data[a - 1] >= 0x80) or (e < end and data[e] >= 0x80)):
                    unsure.add(k)
                counts[k][j] += 1
        for k, i in enumerate(idx):
            c = counts[k]
            out[i] = cue_counts(texts[i]) if k in unsure else (min(3, c[0]), min(3, c[1]), min(3, c[2]))
    return out  # type: ignore[return-value]


def _spans(pattern: Any, data: bytes) -> Iterator[tuple[int, int]]:
    """``m.span() for m in pattern.finditer(data)`` for a compiled RE2 pattern and bytes, without making a
    Match object per match (google-re2's finditer makes each in Python): its own loop, over the
    ``Match`` call that finditer makes, where this google-re2 has it."""
    got = _match_call(pattern)
    if got is None:
        for m in pattern.finditer(data):
            yield m.span()
        return
    match, anchor = got
    pos, end = 0, len(data)
    while True:
        a, e = match(anchor, data, pos, end)[0]
        if a < 0:
            return
        yield a, e
        if e == pos:  # an empty match (none of the cue patterns has one): step over a byte, as finditer does
            if pos == end:
                return
            pos += 1
        else:
            pos = e


def _flags_in_c(pattern: Any, texts: Sequence[str], data: bytes) -> list[bool] | None:
    """``_fasthash.cue_flags`` of the texts, or None where it cannot run (no compiled kernel, another RE2)."""
    global _CUE_FLAGS
    if _CUE_FLAGS is None:
        from .compiled import fasthash

        _CUE_FLAGS = getattr(fasthash, "cue_flags", False) if fasthash is not None else False
    got = _match_call(pattern) if _CUE_FLAGS else None
    if got is None:
        return None
    return _CUE_FLAGS(texts if type(texts) is list else list(texts), data, *got)


def _match_call(pattern: Any) -> tuple[Any, Any] | None:
    """``(match, anchor)``: google-re2's own ``Match`` of a compiled pattern, ``match(anchor, data, pos, end)``
    giving the next match's span (what its finditer calls), with the unanchored mode; None where this
    google-re2 has no such call."""
    regexp = getattr(pattern, "_regexp", None)
    anchor = getattr(getattr(_re2_module(), "_Anchor", None), "UNANCHORED", None)
    if regexp is None or anchor is None or not hasattr(regexp, "Match"):
        return None
    return regexp.Match, anchor


_CUE_FLAGS: Any = None  # _fasthash.cue_flags, False without it; looked up at the first page


def _re2_module() -> Any:
    import re2

    return re2


def _prefilter() -> Any:
    global _RE2
    if _RE2 is None:
        try:
            import re2

            opts = re2.Options()
            opts.max_mem = 32 << 20  # the automaton's budget; the pattern takes about 1 MB
            _RE2 = re2.compile(_re2_pattern().encode("ascii"), opts)
        except Exception:  # not installed, or it refuses the pattern: cue_counts() runs on every text
            _RE2 = False
    return _RE2


def cue_candidates(texts: Sequence[str]) -> list[bool] | None:
    """For each text, False when it certainly holds no cue (``cue_counts`` would be (0, 0, 0)).

    True means "maybe": run :func:`cue_counts`. None when the prefilter is not available (no RE2).
    One RE2 scan over the texts joined by newlines: a text overlapping no match holds no cue. Texts
    with characters whose case the twins leave to the original patterns are always candidates.
    """
    pre = _prefilter()
    if not pre:
        return None
    if _TWINS is None:
        _build_twins()
    out = [False] * len(texts)
    joined = "\n".join(texts)
    if joined.isascii() or not _exotic_in(joined):  # (most pages)
        plain: Sequence[str] = texts
        index: Sequence[int] = range(len(texts))  # plain text k is text index[k]
    else:
        plain, index = [], []
        for i, t in enumerate(texts):
            if t.isascii() or not _exotic_in(t):
                plain.append(t)
                index.append(i)
            else:
                out[i] = True
        if not plain:
            return out
        joined = "\n".join(plain)
    try:
        data = joined.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: leave every text to cue_counts()
        return [True] * len(texts)
    fast = _flags_in_c(pre, plain, data)  # the same, without a Python step per match (detector/_fasthash.pyx)
    if fast is not None:
        if plain is texts:
            return fast
        for k, f in enumerate(fast):
            if f:
                out[index[k]] = True
        return out
    ascii_only = len(data) == len(joined)
    bounds = list(accumulate([len(t) + 1 for t in plain], initial=0))  # where each plain text starts in joined
    n = len(plain)
    at_byte = at_char = 0  # byte offsets -> character offsets, decoding only what lies between matches
    for a, e in _spans(pre, data):
        if not ascii_only:
            at_char += len(data[at_byte:a].decode("utf-8"))
            a, at_byte = at_char, a
            at_char += len(data[at_byte:e].decode("utf-8"))
            e, at_byte = at_char, e
        k = bisect_right(bounds, a, 0, n) - 1
        stop = max(e, a + 1)
        while k < n and bounds[k] < stop:
            out[index[k]] = True
            k += 1
    return out
