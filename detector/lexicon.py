"""Disclosure cue words in six languages: a gate and a feature for the block classifier.

A block may only be labelled ``sponsored`` when it holds a sponsorship cue, and ``affiliate`` when it
holds a commission cue. The model decides among the candidates; the cues keep it from calling a date,
a code line or a short heading "sponsored" just because it looks like nothing it has seen.

Beside the cues, a few stricter patterns that the score's revisions read: a block that declares the page's
own content paid for (:data:`DECLARED_SPONSORED`), a tag line that files the page as paid content
(:data:`TAGGED_SPONSORED`), a label of paid content alone on its line (:data:`CONTENT_LABEL`) and an
affiliate marker inside a paragraph (:data:`AFFILIATE_MARKER`).

This module holds the words and patterns only (the data most often edited); :mod:`detector.cuematch` matches
the cue patterns fast (one RE2 scan of a page, exact twins of the patterns).

Provenance: written by hand from the examples in LABELS.md and from our own notice pools
(data/source/notices/*.json), in en, de, fr, es, it, nl. Generous on purpose: a cue only makes a block
a candidate. Pages in other languages get no sponsored or affiliate blocks (a stated limit).
"""

from __future__ import annotations

import re

__all__ = [
    "SPONSORED_CUES", "AFFILIATE_CUES", "DISCLAIMER_CUES", "SELF_REFERENCE", "has_self_reference", "DECLARED_SPONSORED",
    "declares_sponsored", "DISCLAIMER_FORMULA", "DISCLAIMER_ANCHORS", "INLINE_DISCLOSURE", "AFFILIATE_MARKER",
    "DECLARED_AFFILIATE", "declares_affiliate", "TAGGED_SPONSORED", "tagged_sponsored", "CONTENT_LABEL", "is_content_label", "is_content_kicker", "AD_WORD", "is_ad_word", "HEADLINE_LABEL", "headline_label",
    "SPONSOR_CREDIT", "PARTNER_CREDIT", "credits_sponsor", "credits_partner", "PUBLIC_PARTNER", "public_partner", "DENIES_SPONSORED", "denies_sponsored",
]

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
    contenu\spayant|communication\scommerciale|pour\sle\scompte\sd|annonceur|
    # es
    patrocin|publicidad|publirreportaje|colaboraci[oó]n|presentado\spor|ofrecido\spor|pagado|remunerad|
    contenido\sde\smarca|promoci|con\sel\sapoyo|estudio\sde\smarca|en\salianza|aliad[oa]s?\scon|anuncio\s?:|socio\s?:|de\sun\ssocio|compensaci|
    comunicaci[oó]n\scomercial|financiad[oa]\spor|mecenas|contenido\selaborado|un\scontenido\sde|para\s(?:el\s|un\s)?anunciante|por\sencargo\sde|
    # it
    sponsorizzat|collaborazione|pubbliredazionale|pubblicit|offerto\sda|presentato\sda|
    a\spagamento|promoss|promozion|sostenut[oa]\sda|con\sil\ssostegno|sostenitor|pagat[oa]\sda|compenso|retribuit|
    con\sil\ssupporto|annuncio\s?:|comunicazione\scommerciale|presentat[ao]\sda|realizzato\sper|inserzionist|
    # nl
    gesponsord|samenwerking|advertentie|betaald|mogelijk\sgemaakt|aangeboden\sdoor|gepresenteerd|reclame|
    een\sproductie\svan|met\sdank\saan|in\sopdracht\svan|ondersteund\sdoor|gemaakt\svoor|adverteerder|
    # the newsroom had no part in the content: said only of paid content
    (?:newsroom|editorial\s(?:staff|team|department)|rédaction|redacci[oó]n|redazione|redactie|redaktion)[^.!?]{0,60}?
      (?:not\s(?:involved|participate)|no\s(?:role|part)|n['’]a\spas\s(?:participé|été)|nicht\s(?:beteiligt|mitgewirkt)|
      niet\sbetrokken|non\sha\s(?:partecipato|collaborato)|no\s(?:ha\s)?particip)|
    beteiligung\sder\sredaktion|im\sauftrag\s(?:des|eines|von)\s(?:werbekunden|kunden|auftraggeber)""",
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
# by …"), and its page is sponsored (see revise.declared). Only texts that hold a
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
    # "Samsung paid me to write this article", "LambdaTest is a friendly sponsor of this article"
    |\b(?:paid|compensated|hired|commissioned)\s(?:me|us)\sto\s(?:write|create|produce|make)\s(?:this|the\sfollowing)\s(?:\w+\s)?""" + _CONTENT + r"""
    |\b(?:is|are)\s(?:a|the|our)\s(?:\w+\s)?sponsors?\sof\sthis\s(?:\w+\s)?""" + _CONTENT + r"""
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
    # the newsroom had no part in it: "The … newsroom was not involved in the creation of this content", "La
    # rédaction n'a pas participé à la réalisation de cet article", "Die Redaktion war daran nicht beteiligt"
    |(?:newsroom|editorial\s(?:staff|team|department)s?|news\sand\seditorial\sdepartments|rédaction|redacci[oó]n|redazione|
      redactie|redaktion)\b[^.!?]{0,60}?\b(?:not\s(?:involved|participate)|no\s(?:role|part)|n['’]a\spas\s(?:participé|été\s(?:associée|impliquée))|
      nicht\s(?:beteiligt|mitgewirkt)|niet\sbetrokken|non\sha\s(?:partecipato|collaborato)|no\s(?:ha\s)?particip)
    |\bohne\s(?:\w+\s)?beteiligung\sder\sredaktion
    # made by or for the advertiser: "produced by the Advertising Department … with the advertiser", "paid for and
    # controlled by an advertiser", "réalisé … pour le compte du partenaire", "im Auftrag des Werbekunden"
    |\b(?:this|the\sfollowing)\s(?:\w+\s){0,2}""" + _CONTENT + r"""\s(?:is|was|has\sbeen)\s(?:produced|created|written|prepared|paid\sfor)\s
      (?:and\s\w+\s)?(?:by|for|on\sbehalf\sof)\s(?:the\s|an\s|our\s)?(?:advertis(?:er|ing\s(?:department|team))|sponsor\b)
    |\bpour\sle\scompte\s(?:du|de\sl['’]|d['’]un)\s?(?:partenaire|annonceur)
    |\bim\sauftrag\s(?:des|eines|von)\s(?:\w+\s)?(?:werbekunden|kunden|auftraggebers)
    |\bfür\sden\sinhalt\s(?:\w+\s){0,2}(?:ist|sind)\s(?:\w+\s)?(?:der|die)\s(?:auftraggeber|werbetreibende|werbekunde)
    |\bpor\sencargo\sde\s(?:la\smarca|el\sanunciante|un\sanunciante)|\b(?:realizado|elaborado|producido)\spara\s(?:el\s|un\s)?anunciante
    |\bper\sconto\s(?:di\sun|dell['’])\s?inserzionista|\ba\scura\s(?:dell['’]|di\sun)\s?inserzionista
    |\bin\sopdracht\svan\s(?:de\s|een\s)?adverteerder
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
# that hold one of DISCLAIMER_ANCHORS (revise.disclaimers): a match makes its block, if
# short and not otherwise a notice, a disclaimer.
DISCLAIMER_FORMULA = re.compile(
    r"""
    # en
    \b(?:opinions?|views?|postings?|thoughts)\s(?:\w+\s){0,6}?(?:are|is)\s(?:solely\s|strictly\s|entirely\s|purely\s)?
      (?:(?:my|our|his|her|their)\sown|the\sauthor'?s?\sown|those\sof\sthe\s(?:author|writer|contributor)s?)\b
    |\bdo(?:es)?\snot\snecessarily\s(?:reflect|represent)\b|\bdo(?:es)?\snot\s(?:reflect|represent)\s(?:those\sof|the\s(?:\w+\s)?(?:views|opinions|positions))
    |\bnot\s(?:endorsed|sponsored),?\s(?:\w+,?\s){0,3}(?:affiliated|associated)\swith
    |\b(?:i|we)(?:'m|’m|\sam|'re|’re|\sare)\s(?:in\sno\sway|not|by\sno\smeans)\s(?:\w+\s)?(?:affiliated|associated)\swith
    |\b(?:this|the|our)\s(?:web\s?)?(?:site|blog|page|podcast|channel|newsletter|publication)\s(?:\w+,?\s){0,8}?(?:is|are)\s
      (?:in\sno\sway|not|by\sno\smeans)\s(?:\w+\s)?(?:affiliated|associated|endorsed)\s(?:with|by)
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


# The site or its writer says it earns from the links: "We may earn a commission when you buy through links
# on our site", "As an Amazon Associate I earn from qualifying purchases", "… may earn a portion of sales",
# "Kaufst du darüber ein, erhalten wir eine kleine Provision", "nous percevons une commission", "recibimos
# una comisión", "riceviamo una commissione", "ontvangen wij een kleine vergoeding". An affiliate notice
# wherever it stands, in a site's footer too (revise.affiliate_notes).
DECLARED_AFFILIATE = re.compile(
    r"""\b(?:we|i|us|[a-z]+\s(?:may|might|will|could))\s(?:\w+\s){0,2}?(?:earn|receive|get|make|collect)s?\s(?:us\s)?(?:a\s|an\s)?
      (?:small\s|tiny\s)?(?:affiliate\s|referral\s)?(?:commission|portion\sof\s(?:the\s)?sales?|share\sof\s(?:the\s)?(?:sales?|revenue)|referral\sfee)
    |\bas\san\samazon\sassociate,?\s(?:i|we)\searn\b
    |\b(?:erhalten|bekommen|verdienen)\s(?:wir|ich)\s(?:\w+\s){0,3}?(?:eine\s)?(?:kleine\s)?(?:provision|vergütung|kommission)
      |\bals\samazon-partner\sverdiene\s(?:ich|wir)\b
    |\b(?:nous|je)\s(?:pouvons\s|pourrions\s|peux\s)?(?:percevoir|percevons|perçois|toucher|touchons|touche|recevoir|recevons|reçois)\s
      (?:une\s)?(?:petite\s)?(?:commission|rémunération)
    |\b(?:recibimos|recibo|ganamos|gano|cobramos|(?:podemos|puedo|podríamos)\s(?:recibir|ganar|cobrar))\s(?:una\s)?(?:pequeña\s)?comisi[oó]n
    |\b(?:riceviamo|ricevo|guadagniamo|guadagno|(?:potremmo|possiamo|potrei)\s(?:ricevere|guadagnare))\s(?:una\s)?(?:piccola\s)?
      (?:commissione|provvigione)
    |\b(?:ontvangen|krijgen|verdienen)\s(?:wij|we|ik)\s(?:\w+\s){0,3}?(?:een\s)?(?:kleine\s)?(?:commissie|vergoeding|provisie)""",
    re.I | re.X,
)


# ... and speaks of links or of buying ("The firm will earn a commission on every sale" is news).
_LINKS_OR_BUYING = re.compile(
    r"""\b(?:links?|linked|purchas\w*|buy\w*|bought|shop\w*|click\w*|qualifying|amazon|kauf\w*|bestell\w*|einkauf\w*|liens?|achat\w*|
    achet\w*|enlaces?|compra\w*|acquist\w*|koop\w*|bestel\w*|aankoop\w*)\b""",
    re.I | re.X,
)


def declares_affiliate(text: str) -> bool:
    """Whether ``text`` says that its site or writer earns from the links (:data:`DECLARED_AFFILIATE`) and
    speaks of links or of buying, not that it does not earn ("We do not earn a commission")."""
    m = DECLARED_AFFILIATE.search(text)
    return (m is not None and not _NEGATED.search(text, max(0, m.start() - 60), m.end())
            and _LINKS_OR_BUYING.search(text) is not None)


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
    advertis(?:ement|ing|er)\s(?:feature|content|promotion)|(?:promotional|commercial)\s(?:feature|content)|
    (?:includes\s)?paid\spromotion|partnercontent|
    (?:billet|article|post)\ssponsoris[ée]|art[ií]culo\spatrocinado|articolo\ssponsorizzato|gesponsord\s(?:bericht|artikel)|
    paid\spartnership|publi-?reportage|publirreportaje|pubb?liredazionale|publi-?rédactionnel|contenido\spatrocinado|
    contenu\s(?:sponsoris[ée]|partenaire|de\smarque|promotionnel)|contenuto\s(?:sponsorizzato|sponsorizzata|a\spagamento)|
    partenariat\s(?:rémunéré|commercial)|collaboration\scommerciale|
    publicaci[oó]n\spatrocinada|contenido\s(?:promocionado|de\smarca|pagado)|patrocinado|
    contenut[oi]\s(?:sponsorizzat[oi]|promozional[ei]|pubblicitari[oi])|articolo\s(?:pubblicitario|a\spagamento)|
    post\ssponsorizzato|informazione\spubblicitaria|messaggio\spromozionale|
    gesponsorde\s(?:inhoud|content|post|bijdrage)|gesponsord|betaalde\s(?:samenwerking|bijdrage|content)|
    gesponserte[rs]?\s(?:beitrag|artikel|inhalt)|gesponsert|(?:verlags-?)?sonderveröffentlichung|verlagsbeilage|
    partnerinhalte?|werbebeitrag|bezahlte\s(?:partnerschaft|kooperation)""",
    re.I | re.X,
)

# An ad-slot word ("Anzeige", "Werbung", "Advertisement", "Publicité"): it heads banners as often as paid
# articles, so it is a kicker only right above the page's headline, the first heading of the page.
AD_WORD = re.compile(
    r"""anzeige|werbung|advertisement|advert|adv|ad|publicité|publicidad|pubblicità|annuncio\spubblicitario|
    advertentie|reclame""",
    re.I | re.X,
)


_LABEL_MARKS = " \t\n[](){}|*:·•–—-_.!"  # around a label: "[Werbung]", "- Advertorial -", "*Anzeige*"


def is_content_label(text: str) -> bool:
    """Whether ``text`` is only a label of paid content (:data:`CONTENT_LABEL`), brackets and marks aside."""
    return CONTENT_LABEL.fullmatch(text.strip(_LABEL_MARKS)) is not None


KICKER_MAX_NAME_WORDS = 3  # "Advertorial Dalbello": a label of paid content and the brand's name, this long


def is_ad_word(text: str) -> bool:
    """Whether ``text`` is only an ad-slot word (:data:`AD_WORD`), brackets and marks aside."""
    return AD_WORD.fullmatch(text.strip(_LABEL_MARKS)) is not None


def is_content_kicker(text: str) -> bool:
    """Whether ``text`` is a label of paid content alone or with a brand's name after it ("- Advertorial
    Dalbello-", "Partnerinhalt | Nordlicht Energie"): the kicker a site sets above a paid article's headline."""
    text = text.strip(_LABEL_MARKS)
    m = CONTENT_LABEL.match(text)
    if m is None:
        return False
    rest = text[m.end():]
    if not rest:
        return True
    name = rest.strip(" \t:|–—-·").split()
    # a name: a few words, none of them a lower-case word ("Sponsored content is booming" is a headline)
    return (rest[0] in " \t:|–—-·" and 0 < len(name) <= KICKER_MAX_NAME_WORDS
            and not any(w[0].islower() for w in name) and name[0].lower() not in _CREDIT_WORDS)


# "Sponsored By", "Präsentiert von": the start of a credit whose sponsor is a logo, not a label and a name
_CREDIT_WORDS = frozenset("by von par por da door from with mit avec con met and und et y e en".split())


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
    r"^\W{0,2}(?P<a>[\[({]\s*" + _BRACKETED_LABEL + r"\s*[.!]?\s*[\])}]|" + _HEADLINE_LABEL + r"(?=\s*[:|]\s)|sponsor(?=\s*:\s)"
    r"|(?:advertorial|publi-?reportage|publirreportaje|pubbliredazionale)(?=\s+\w))"
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
# collaboration credits ("In collaboration with Roel Wouters"), which name co-authors as often (partnership
# credits, alone on their line, are PARTNER_CREDIT's).
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


# A partner's credit alone on its line: "In partnership with The Harbour Trust", "Paid for by Acme", "En
# partenariat avec …". Not in capitals alone ("EN PARTENARIAT AVEC LA VILLE": no name to tell a brand from a
# town hall), and not opening a sentence ("In partnership with the council, the museum …").
PARTNER_CREDIT = re.compile(
    r"""^\W{0,2}(?:(?:produced|created|made|presented|written)\s)?(?:in\spartnership\swith|paid\sfor\sby|brought\sto\syou\sby|
      en\spartenariat\savec|in\spartnerschaft\smit|in\s(?:werbe)?kooperation\smit|in\spartnership\scon|en\sasociaci[oó]n\scon)""" + _SPONSOR_NAME
    + r"""[^\s.!?]*(?:\s+[^\s.!?]+){0,5}\W{0,2}$""",
    re.I | re.X,
)


# Support or partnership from a public body named by its kind alone: "Con el apoyo del ayuntamiento", "En
# partenariat avec la ville", "In Zusammenarbeit mit der Stadt", "In samenwerking met de gemeente": public
# funding or a partnership between institutions, not a brand paying for content. A body named ("… la Région
# Occitanie") may be a paying partner like any other: its credit is SPONSOR_CREDIT's or PARTNER_CREDIT's.
PUBLIC_PARTNER = re.compile(
    r"""^\W{0,2}(?:with\s(?:the\s)?support|supported\sby|in\s(?:partnership|collaboration|association)\swith|
    con\sel\sapoyo|con\sla\scolaboraci[oó]n|en\scolaboraci[oó]n\scon|avec\sle\ssoutien|en\spartenariat\savec|
    en\scollaboration\savec|mit\s(?:freundlicher\s)?unterstützung|in\s(?:zusammenarbeit|kooperation|partnerschaft)\smit|
    con\sil\s(?:sostegno|supporto|contributo)|in\scollaborazione\scon|met\s(?:de\s)?steun|in\ssamenwerking\smet)\s
    (?:(?:of|de|del|du|des|della|dell['’]|van)\s?)?(?:(?:the|el|la|los|las|le|les|l['’]|der|dem|den|des|il|lo|gli|i|de|het)\s?)?
    (?:city|town|council|city\scouncil|county|state|region|ministry|government|university|
      ayuntamiento|municipio|gobierno|ministerio|universidad|comunidad|diputaci[oó]n|
      ville|mairie|région|département|ministère|université|commune|
      stadt|gemeinde|landkreis|land|bundesland|ministerium|universität|hochschule|
      comune|regione|provincia|ministero|università|
      gemeente|provincie|ministerie|universiteit|overheid)\W{0,2}$""",
    re.I | re.X,
)


def public_partner(text: str) -> bool:
    """Whether ``text`` credits the support of a public body named by its kind alone (:data:`PUBLIC_PARTNER`)."""
    return PUBLIC_PARTNER.search(text.strip()) is not None


def credits_sponsor(text: str) -> bool:
    """Whether ``text`` credits a named sponsor (:data:`SPONSOR_CREDIT`) or partner (:data:`PARTNER_CREDIT`),
    not that it is not ("not sponsored by anyone")."""
    m = SPONSOR_CREDIT.search(text)
    if m is None:
        return credits_partner(text)
    return not _NEGATED.search(text, max(0, m.start() - 60), m.start())


def credits_partner(text: str) -> bool:
    """Whether ``text`` is a partner's credit alone on its line (:data:`PARTNER_CREDIT`), not in capitals
    alone and not negated."""
    m = None if text.isupper() else PARTNER_CREDIT.search(text)
    return m is not None and not _NEGATED.search(text, max(0, m.start() - 60), m.start())


_NEGATED = re.compile(r"\b(?:no|not|nobody|never|none|kein\w*|nicht|niemand|pas|personne|ni|ningún|ninguna|nadie|non|nessun\w*|niet|geen|niemand)\b[^.!?]{0,40}$", re.I)


# A statement that the content is not paid for: "This post is not sponsored", "Keine Werbung – dieser
# Beitrag wurde nicht bezahlt", "unbezahlte Werbung", "Ce billet n'est pas sponsorisé", "Questo articolo non è
# una collaborazione", "Dit artikel is niet gesponsord". No notice of paid content (revise.denials).
DENIES_SPONSORED = re.compile(
    r"""\b(?:is|was|are|were)\s(?:not|never)\s(?:a\s|an\s)?(?:sponsored|paid(?:\sfor)?|an?\sad(?:vert(?:isement)?)?|advertorial|
      (?:a\s)?(?:paid\s)?(?:partnership|collaboration))\b|\b(?:unsponsored|not\ssponsored|non-sponsored)\b|
      \bno\s(?:one|company|brand|sponsor)\s(?:has\s)?paid\b|\bno\ssponsorship\b|
    \bkeine\s(?:bezahlte\s)?(?:werbung|kooperation|anzeige)\b|\bnicht\s(?:bezahlt|gesponsert)\b|\bunbezahlt|
    \bn['’](?:est|était)\spas\s(?:sponsoris|rémunér|un\spartenariat|une\scollaboration|de\sla\spublicit)|
      \baucun\s(?:contenu\s)?(?:sponsoris|partenariat)|\bnon\s(?:sponsoris|rémunér)|
    \bno\s(?:es|está|fue)\s(?:publicidad|patrocinad|una\scolaboraci)|\bsin\spatrocinio\b|
    \bnon\s(?:è|e'|era)\s(?:una?\s)?(?:collaborazione|sponsorizzat|pubblicit|a\spagamento)|\bnon\ssponsorizzat|
    \bniet\s(?:gesponsord|betaald)\b|\bgeen\s(?:advertentie|reclame|samenwerking|betaalde)\b|\bonbetaald|
    # none of it on this site: "no sponsored content", "I do not write sponsored posts", "Cero contenido
    # patrocinado", "Nessuna affiliazione né sponsorizzazione", "geen gesponsorde inhoud"
    \b(?:no|zero)\s(?:sponsored|paid)\s(?:content|posts?|articles?|stories)\b|
      \b(?:do|does|did|will)\s(?:not|n['’]t)\s(?:write|publish|accept|run|do|take)\s(?:any\s)?(?:sponsored|paid)\s(?:posts?|content|articles?)|
    \bkeine\s(?:gesponserten?|bezahlten?)\s(?:beitr[aä]ge?|inhalte?|artikel|posts?)\b|
    \b(?:aucun|pas\sde)\s(?:contenu|article|billet)s?\s(?:sponsoris|rémunér|payant)|
    \b(?:sin|cero|ningún|ningun)\s(?:contenido|art[ií]culo|post)s?\s(?:patrocinad|pagad)|\bninguna\srelaci[oó]n\sde\s(?:afiliaci[oó]n|patrocinio)|
    \bnessun[oa]?\s(?:contenuto\ssponsorizzato|articolo\ssponsorizzato|sponsorizzazione|affiliazione)|
    \bgeen\s(?:gesponsorde|betaalde)\s(?:inhoud|content|artikelen|berichten)""",
    re.I | re.X,
)


def denies_sponsored(text: str) -> bool:
    """Whether ``text`` says that the content is not paid for (:data:`DENIES_SPONSORED`) and nothing that
    declares it paid for (:func:`declares_sponsored`)."""
    return DENIES_SPONSORED.search(text) is not None and not declares_sponsored(text)


def declares_sponsored(text: str) -> bool:
    """Whether ``text`` says that the page's own content is sponsored (:data:`DECLARED_SPONSORED`), not
    that it is not ("No company paid for this article")."""
    m = DECLARED_SPONSORED.search(text)
    while m is not None:
        if not _NEGATED.search(text, max(0, m.start() - 60), m.start()):
            return True
        m = DECLARED_SPONSORED.search(text, m.end())
    return False
