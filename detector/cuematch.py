"""The cue patterns of :mod:`detector.lexicon`, matched fast: whether a block holds a sponsorship or a
commission cue (the classifier's gate), how many cues of each kind it holds (a feature), for one text or
for all of a page's blocks at once.

Python's ``re`` runs case-insensitive patterns slowly; each cue pattern gets a case-sensitive twin for
lower-cased text (:func:`_twins`), and, where google-re2 is installed, one RE2 scan of the whole page
rules out the blocks that hold no cue (:func:`cue_candidates`) and exact RE2 twins count the cues of the
others (:func:`cue_counts_many`). Every path gives the same counts as the patterns themselves
(tests/test_lexicon.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from itertools import accumulate
from typing import Any

from .lexicon import AFFILIATE_CUES, DISCLAIMER_CUES, SPONSORED_CUES

__all__ = ["CUES", "has_sponsored_cue", "has_affiliate_cue", "cue_counts", "cue_counts_many", "cue_candidates",
           "compile_re2"]


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
_PY_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
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
            if av and av[0][0] is C.NEGATE:  # [^.!?]: punctuation only (no case to fold), and never the NUL
                if not all(iop is C.LITERAL and not chr(iav).isalnum() for iop, iav in av[1:]):  # between texts
                    raise _Unsupported(av)
                return "[^\\x{0}" + "".join("\\x{%x}" % iav for _, iav in av[1:]) + "]"
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


@cache
def compile_re2(pattern: str | bytes) -> Any | None:
    """``pattern`` compiled by google-re2 (an automaton: one scan of a page's text for all its branches),
    once; None where google-re2 is not installed or refuses the pattern (the caller then uses ``re``)."""
    try:
        import re2

        opts = re2.Options()
        opts.max_mem = 32 << 20  # the automaton's budget; the cue prefilter takes about 1 MB
        return re2.compile(pattern, opts)
    except Exception:  # noqa: BLE001 - not installed, or it refuses the pattern
        return None


def _prefilter() -> Any:
    global _RE2
    if _RE2 is None:
        _RE2 = compile_re2(_re2_pattern().encode("ascii")) or False
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
