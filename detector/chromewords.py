"""Site chrome in words: the lines that sites write the same way whatever the site, in six languages.

Share and comment prompts, the headings of related and most-read lists, tag and category lines, photo
credits, date lines (:func:`is_chrome_line`), calls to subscribe, sign up, follow or give
(:func:`is_call_to_action`), a credit closing a caption (:data:`CREDIT_TAIL`), and the lines around a
comment that name its writer or offer a reply (:func:`names_writer`, :func:`is_reply_link`).
:mod:`detector.article` reads them; they hold no word that names a notice, so a disclosure is never
taken for chrome by its words.

Provenance: written by hand from the chrome of common publishing systems (WordPress, Blogger, news
sites' templates) in en, de, fr, es, it, nl, and checked against the chrome labels of data/.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from .cuematch import compile_re2

__all__ = ["CHROME_LINE", "TAG_LINE", "CALL_TO_ACTION", "CREDIT_TAIL", "DATE", "is_chrome_line",
           "is_call_to_action", "calls_to_action", "credit_tail", "names_writer", "is_reply_link"]

CHROME_LINE_MAX_WORDS = 8
_HEADINGS = r"""
  # en
  (?:related|similar)(?:\s(?:posts?|articles?|stories|coverage|content|links|reading|topics|news|videos?))?|
  you\s(?:may|might|will)\s(?:also\s)?(?:like|enjoy|be\sinterested\sin)|(?:more|other)\s(?:stories|articles|news|posts)\b.*|
  recommended(?:\sfor\syou|\sstories|\sreading|\sarticles)?|(?:most\s)?(?:popular|read|viewed|shared|commented)(?:\s(?:articles|stories|posts|now|today))?|
  trending(?:\snow|\sstories)?|latest\s(?:news|posts|articles|stories)|editor'?s?\s?picks|don'?t\smiss|
  share(?:\s(?:this|on|via|the))?(?:\s(?:article|story|post|page))?|sharing\sis\scaring|(?:leave|post|add|write)\s(?:a|your)\s(?:comment|reply)|
  comments?|(?:no\s)?(?:comments|responses|replies)(?:\syet|\sso\sfar)?|\d+\s(?:comments?|responses?|replies)|join\sthe\sdiscussion|
  tags?|tagged(?:\s(?:with|as))?|filed\sunder|categor(?:y|ies)|posted\sin|topics?|
  subscribe(?:\sto\s.*|\sfor\s.*|\snow)?|sign\sup\sfor\s.*|follow\sus(?:\son\s.*)?|about\sthe\sauthor|more\s(?:from|by)\s.*|
  print(?:\sthis(?:\sarticle|\spage|\sstory)?)?|back\sto\stop|skip\sto\s(?:main\s)?content|view\s(?:all|more)\b.*|see\sall\b.*|
  # de
  (?:ähnliche|verwandte|passende)\s(?:beiträge|artikel|nachrichten|themen|links|news)|
  weitere\s(?:artikel|beiträge|informationen|infos|nachrichten|themen|links|news|meldungen)\b.*|weiterführende\slinks|
  mehr\s(?:zum\sthema|dazu|zu\sdiesem\sthema|aus\s.*|von\s.*|infos?\b.*|artikel\b.*)|das\skönnte\s(?:dich|sie|ihnen|dir|euch)\s(?:auch\s)?interessieren|
  auch\sinteressant|empfohlen(?:e[nr]?)?\s.*|empfehlungen(?:\s.*)?|(?:die\s)?meist(?:\s)?gelesen(?:e|en)?(?:\s.*)?|
  aktuelle\s(?:artikel|beiträge|nachrichten|news|themen|meldungen)|schon\sgelesen|weiterlesen|
  (?:jetzt\s)?teilen|(?:diesen\s|den\s)?(?:artikel|beitrag|seite)\s(?:mit\sanderen\s)?teilen\b.*|mit\sanderen\steilen|
  (?:schreibe|hinterlasse|verfasse)(?:\sjetzt)?\s(?:einen|deinen|ihren)\skommentar|kommentar(?:e)?\s(?:verfassen|schreiben|abgeben|lesen)|
  kommentieren(?:\ssie\shier)?|\d+\skommentare?|keine\skommentare|kommentare|schlagw(?:orte|örter)|getaggt\smit|kategorien?|themen|
  newsletter(?:\s(?:abonnieren|bestellen|anmelden))?|folgen\ssie\suns\b.*|folge\suns\b.*|über\sden\sautor|zur\sperson\b.*|drucken|
  nach\soben|zum\sinhalt\sspringen|gefällt\smir|
  # fr
  articles?\s(?:similaires|liés|connexes)|(?:vous\s)?aimerez\saussi|vous\spourriez\s(?:aussi\s)?aimer|sur\sle\smême\s(?:sujet|thème)|
  (?:les\s)?plus\slus|partager(?:\scet\sarticle|\ssur\s.*)?|partagez(?:\scet\sarticle)?|laisser\sun\scommentaire|commentaires?|
  \d+\scommentaires?|étiquettes|mots[\s-]clés|s'abonner\b.*|abonnez-vous\b.*|suivez-nous\b.*|à\spropos\sde\sl'auteur|
  # es
  (?:artículos|noticias|entradas)\s(?:relacionad[ao]s|similares)|(?:también\s)?te\spuede\sinteresar|lo\smás\s(?:leído|visto)|
  compart(?:ir|e)(?:\sen\s.*|\seste\sartículo)?|deja\sun\scomentario|comentarios|etiquetas|categorías?|suscríbete\b.*|síguenos\b.*|
  sobre\sel\sautor|
  # it
  articoli\scorrelati|(?:ti\s)?potrebbe(?:ro)?\s(?:anche\s)?interessar(?:e|ti)|(?:i\s)?più\sletti|condividi(?:\ssu\s.*|\squesto\sarticolo)?|
  lascia\sun\scommento|commenti|iscriviti\b.*|seguici\b.*|
  # nl
  gerelateerde\s(?:artikelen|berichten)|meest\sgelezen|delen|deel\s(?:dit|via)\b.*|laat\seen\sreactie\sachter|reacties|\d+\sreacties|
  categorieën|schrijf\sje\sin\b.*|volg\sons\b.*|over\sde\sauteur
"""
# a credit line: "Foto: Christof Stache", "Photograph by …", "(Bild: Stefan Müller)", "Fot. …", "© Stefan Wermuth"
_CREDITS = r"""(?:\(?(?:foto|fotos|photo|photos|photograph|picture|image|images|bild|bilder|beitragsbild|titelbild|
  bildquelle|quelle|source|credit|credits|crédits?(?:\sphotos?)?|imagen|immagine|afbeelding|beeld|źródło)
  (?:\s?:|\s(?:by|von|de|di|door|via)\b).*|fot\.\s.*|©.*)"""
CHROME_LINE = re.compile(r"^\W*(?:" + _HEADINGS + r"|" + _CREDITS + r")\W*$", re.X)  # on lower-cased text
# a picture agency closing a short line: "praca / ShutterStock", "© Matthias Hangst/Getty Images"
_AGENCY = re.compile(r"\b(?:getty\simages|shutterstock|istock(?:photo)?|fotolia|adobe\sstock|unsplash|pixabay|imago|"
                     r"picture\salliance|dpa|afp|reuters|keystone|epa)\W*$", re.X)
_AGENCIES = ("images", "shutterstock", "istock", "istockphoto", "fotolia", "stock", "unsplash", "pixabay", "imago",
             "alliance", "dpa", "afp", "reuters", "keystone", "epa")  # how _AGENCY's names end: a quick test first
_DIGIT = re.compile(r"\d")
_MONTHS = (r"jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|févr(?:ier)?|mar(?:ch)?|märz|mars|apr(?:il)?|avril|may|mai|"
           r"jun(?:e|i)?|juin|jul(?:y|i)?|juil(?:let)?|aug(?:ust)?|août|sep(?:tember|t)?|oct(?:ober)?|okt(?:ober)?|"
           r"nov(?:ember)?|dec(?:ember)?|dez(?:ember)?|déc(?:embre)?")
DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|"
                  r"\b\d{1,2}\.?\s(?:" + _MONTHS + r")\.?\s\d{4}\b|"
                  r"\b(?:" + _MONTHS + r")\.?\s\d{1,2},?\s\d{4}\b", re.I)
# "Tags: Barbour, Elbe, Travel": a tag or category label and its list, up to TAG_LINE_MAX_WORDS words
TAG_LINE = re.compile(
    r"""^\W*(?:tags?|tagged(?:\s(?:with|as))?|filed\sunder|posted\sin|categor(?:y|ies)|topics|keywords|schlagw(?:orte|örter)|
    stichw(?:orte|örter)|getaggt\smit|kategorien?|themen|étiquettes|mots[\s-]clés|catégories?|etiquetas|categorías?|
    categorie|argomenti|trefwoorden|categorieën)\s?:""", re.X)  # on lower-cased text
TAG_LINE_MAX_WORDS = 20
DATE_LINE_MAX_OTHER_WORDS = 3  # a date line: a date or a time and at most this many other words


def is_chrome_line(text: str) -> bool:
    """Whether a short block is a line of site chrome by its words alone: a share or comment prompt, the
    heading of a related or most-read list, a tag or category line, a photo credit, a date line."""
    n = text.count(" ") + 1  # a block's text has its white space collapsed
    if n > TAG_LINE_MAX_WORDS or not text:
        return False
    low = text.lower()
    if TAG_LINE.match(low):
        return True
    if n > CHROME_LINE_MAX_WORDS:
        return False
    if CHROME_LINE.match(low) or low.rstrip(" .)]").endswith(_AGENCIES) and _AGENCY.search(low):
        return True
    if _DIGIT.search(low) and DATE.search(low):
        rest = DATE.sub(" ", low)
        return len(re.findall(r"[^\W\d_]{2,}", rest)) <= DATE_LINE_MAX_OTHER_WORDS
    return False


# A call to action: the site asking the reader to subscribe, sign up, follow, share or give, in the second
# person or the imperative ("Sign up for our newsletter", "Abonnieren Sie unseren Newsletter", "Abonnez-vous"),
# or a notice of the site's own to its reader ("We use cookies …", "All rights reserved", "You are using an
# outdated browser").
CALL_TO_ACTION = re.compile(
    r"""\b(?:sign\sup\s(?:for|to|now|here|today)|subscribe\s(?:to|now|today|for|here)|enter\syour\s(?:e-?mail|email)|
    (?:get|receive)\s(?:our|the\slatest|regular|weekly|daily|free)\b[^.!?]{0,40}\b(?:newsletter|updates|news|tips|articles)|
    (?:support|donate\sto)\s(?:us|our\s(?:work|journalism|reporting))|consider\s(?:supporting|subscribing|donating)|
    (?:never|don'?t)\smiss\s(?:a|an|out|another)|follow\sus\son|click\sto\s(?:share|print|email|tweet)|
    (?:abonnieren|bestellen)\ssie|melden\ssie\ssich\b[^.!?]{0,40}\ban|jetzt\s(?:anmelden|abonnieren|registrieren|kostenlos\s\w+)|
    newsletter\s(?:abonnieren|bestellen)|verpass(?:e|en\ssie)\s(?:keine|nichts)|unterstütze?n?\s(?:sie\s)?(?:uns|unsere\sarbeit|unseren)|
    folgen\ssie\suns|abonnez-vous|inscrivez-vous|(?:ne\s)?manquez\srien|suivez-nous|soutenez(?:-nous)?|
    suscríbete|suscribirse\sa|síguenos|no\ste\spierdas|iscriviti|seguici|non\sperdere|
    schrijf\sje\sin|abonneer\sje|mis\sniets|volg\sons|
    (?:we|this\s(?:site|website))\suses?\scookies|cookie\s(?:settings|policy|preferences|einstellungen|richtlinie)|
    (?:accept|akzeptieren|accepter|aceptar|accetta|accepteer)\s(?:all\s|alle\s|tous\s|todas\s|tutti\s)?(?:the\s)?cookies?|
    wir\s(?:verwenden|nutzen)\scookies|diese\s(?:webseite|website|seite)\s(?:verwendet|nutzt)\scookies|
    nous\sutilisons\sdes\scookies|ce\ssite\sutilise\sdes\scookies|utilizamos\scookies|este\s(?:sitio|sitio\sweb)\sutiliza\scookies|
    utilizziamo\s(?:i\s)?cookie|questo\ssito\sutilizza\s(?:i\s)?cookie|wij\sgebruiken\scookies|deze\swebsite\sgebruikt\scookies|
    all\srights\sreserved|alle\srechte\svorbehalten|tous\sdroits\sréservés|todos\slos\sderechos\sreservados|
    tutti\si\sdiritti\sriservati|alle\srechten\svoorbehouden|
    you\sare\susing\san?\s(?:\w+\s)?browser|browser\sversion\swith\slimited\ssupport|(?:please\s)?enable\sjavascript|
    aktivieren\ssie\sjavascript|activez\sjavascript)\b""", re.X)  # on lower-cased text
CALL_TO_ACTION_MAX_WORDS = 60


def is_call_to_action(text: str) -> bool:
    """Whether a block is a call to action of the site's (:data:`CALL_TO_ACTION`), short enough to be one."""
    return text.count(" ") < CALL_TO_ACTION_MAX_WORDS and CALL_TO_ACTION.search(text.lower()) is not None


_SEP = "\x1f"  # between the blocks of a page scanned at once: no white space, no word character
# CALL_TO_ACTION for RE2 (it has no comments): verbose white space dropped, no class running over from one
# text to the next
_CALL_TO_ACTION_RE2 = re.sub(r"\s+", "", CALL_TO_ACTION.pattern).replace("[^.!?]", "[^.!?" + _SEP + "]")


def calls_to_action(texts: Sequence[str]) -> set[int]:
    """The indices of the ``texts`` that are calls to action (:func:`is_call_to_action`), found by one RE2
    scan of them all (google-re2; text by text without it)."""
    short = [i for i, x in enumerate(texts) if x.count(" ") < CALL_TO_ACTION_MAX_WORDS]
    scan = compile_re2(_CALL_TO_ACTION_RE2) if short else None
    if scan is None:
        return {i for i in short if is_call_to_action(texts[i])}
    lows = [texts[i].lower() for i in short]
    starts = list(accumulate((len(x) + 1 for x in lows[:-1]), initial=0))
    return {short[bisect_right(starts, m.start()) - 1] for m in scan.finditer(_SEP.join(lows))}


# A photo credit closing a caption: "… Schneider. Foto: GdP/Hagen Immel", "… (Quelle: Unsplash)", "… | © Getty"
CREDIT_TAIL = re.compile(
    r"""(?:(?<=[.!?)])\s+|\s*[|(]\s*)(?:foto|fotos|photo|photos|bild|image|picture|quelle|source|credit|credits|
    crédits?(?:\sphotos?)?|fot\.|imagen|immagine|beeld|źródło)\s?:\s?[^!?]{1,80}$|\s*[|(]?\s*©\s?[^!?]{1,80}$""",
    re.I | re.X)
CREDIT_TAIL_MAX_WORDS = 10  # the credit: at most this many words
CAPTION_MAX_WORDS = 40  # a caption: a block at most this long


def credit_tail(text: str) -> int | None:
    """Where a photo credit closing a caption starts in ``text`` (:data:`CREDIT_TAIL`; a caption of at most
    CAPTION_MAX_WORDS words, a credit of at most CREDIT_TAIL_MAX_WORDS), or None."""
    at = max(0, len(text) - 100)  # the credit is at the end: 80 characters at most
    marks = [k for k in (text.find(":", at), text.find("©", at)) if k >= 0]  # its colon or its ©
    if not marks or text.count(" ") >= CAPTION_MAX_WORDS:
        return None
    m = CREDIT_TAIL.search(text, max(at, min(marks) - 25))  # the credit's word ends right before its colon
    if m is None or m.start() == 0 or len(m.group(0).split()) > CREDIT_TAIL_MAX_WORDS:
        return None
    start = m.end() - len(m.group(0).lstrip(" \t|"))
    return start if start > 0 else None


_WRITER = re.compile(r"\b(?:wrote|says|said|replied|schrieb|sagt|antwortete|a\sécrit|dit|escribió|dice|ha\sscritto|"
                     r"scrive|schreef|zegt)\b|\b(?:ago|vor\s\d+|il\sy\sa|hace)\b", re.I)
_REPLY = re.compile(r"^\W*(?:reply|antworten|répondre|responder|rispondi|reageer|beantworten|log\sin\sto\sreply|"
                    r"melden|report|like|gefällt\smir|permalink)\b", re.I)


def names_writer(text: str) -> bool:
    """Whether a line names a comment's writer or its time ("kat_m wrote on …", "Tom B. · 8. Oktober 2016",
    "3 days ago")."""
    return _WRITER.search(text) is not None or DATE.search(text) is not None


def is_reply_link(text: str) -> bool:
    """Whether a line is a comment's reply or report link ("Reply", "Antworten", "Log in to reply")."""
    return _REPLY.match(text) is not None
