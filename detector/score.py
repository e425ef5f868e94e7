"""Score a page: the page's probability of being sponsored, and its labelled blocks.

``Detector.analyze`` gives the full picture (every block with its label and score);
``Detector.score`` gives the JSON record of the output contract in LABELS.md.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .budget import page_budget
from .compiled import fasthash as _fasthash
from .cuematch import has_affiliate_cue
from .features import BlockRow, page_features, rows_for_page
from .io import DEFAULT_LIMITS, InputError, RawPage, ReadLimits, guess_kind, is_path_like, read_input, source_name
from .labels import NOTICE_LABELS, OUTPUT_LABEL, OUTPUT_LABELS
from .lexicon import (
    AFFILIATE_MARKER,
    DISCLAIMER_ANCHORS,
    DISCLAIMER_FORMULA,
    INLINE_DISCLOSURE,
    credits_sponsor,
    declares_sponsored,
    headline_label,
    is_content_label,
    tagged_sponsored,
)
from .model import DetectorModel
from .segment import Page, segment

__all__ = ["Detector", "Analysis", "LabelledBlock", "OUTPUT_LABELS"]

# json.dumps(v, ensure_ascii=False), without the new JSONEncoder json.dumps makes for each call that passes
# an option (a few us each, several a record)
_DUMPS = json.JSONEncoder(ensure_ascii=False).encode

# columns of the five output labels' probabilities
_SPONSORED, _AFFILIATE = OUTPUT_LABELS.index("sponsored"), OUTPUT_LABELS.index("affiliate")
_BOILERPLATE = OUTPUT_LABELS.index("boilerplate")
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
LABEL_TOP = 0.3  # a label of paid content above a headline in this share of the page's text labels the page
# A line between two story paragraphs of at least this many words, no longer than STORY_HEADING_MAX_WORDS
# and called chrome with less than STORY_HEADING_MAX_CHROME, is a subheading of the story.
STORY_PARAGRAPH_MIN_WORDS = 20
STORY_HEADING_MAX_WORDS = 15
STORY_HEADING_MAX_CHROME = 0.8
STORY_HEADING_MIN_EDITORIAL = 0.2  # ... and called editorial with at least this
# A block of prose (this many words or more, mostly not links) is boilerplate only with at least this
# probability, else it takes its runner-up label: a page's own paragraphs are rarely site chrome, and
# cutting one loses text the reader came for.
PROSE_MIN_WORDS = 25
PROSE_MAX_LINK_DENSITY = 0.3
PROSE_BOILERPLATE_MIN = 0.9
HEADING_MIN_SHARE = 0.05  # the heading's own probability of its notice's label must reach this


def is_prose(row: BlockRow) -> bool:
    """A block of prose: PROSE_MIN_WORDS words or more, at most PROSE_MAX_LINK_DENSITY of its text in links."""
    return row.n_words >= PROSE_MIN_WORDS and row.link_density <= PROSE_MAX_LINK_DENSITY


READ_MORE_MAX_WORDS = 30  # a read-more line, not a paragraph that happens to open with "Related:"
_END_PUNCT = re.compile(r"[.!?…)\]]$")
# A line that opens with a read-more label links to another article: chrome, whatever words its title holds.
_READ_MORE = re.compile(
    r"^\s*(?:recommended(?:\s+(?:article|story|reading))?|read\s+(?:more|also|next)|related(?:\s+(?:article|story))?|"
    r"see\s+also|lesen\s+sie\s+(?:auch|mehr)|auch\s+interessant|mehr\s+zum\s+thema|(?:à\s+)?lire\s+aussi|"
    r"lee\s+(?:también|más)|leggi\s+anche|lees\s+ook)\s*[:|»>–-]", re.I)


@dataclass(slots=True)
class LabelledBlock:
    index: int
    label: str
    score: float
    text: str
    start: int
    end: int
    probs: dict[str, float] = field(default_factory=dict)
    from_unit: bool = False  # cut out of a longer block
    heading: bool = False  # a heading element or heading-like line

    def record(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "label": self.label,
            "score": round(float(self.score), 4),
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


class Analysis:
    """A scored page: its score and label, and every block with its label and score.

    ``blocks`` are made on first use: :meth:`Detector.analyze` keeps them as a table (:class:`_Table`),
    from which :meth:`record` writes the output record directly.
    """

    __slots__ = ("path", "score", "label", "_blocks", "_table", "text", "error")

    def __init__(
        self,
        path: str,
        score: float | None,
        label: str | None,
        blocks: list[LabelledBlock] | None = None,
        text: str = "",
        error: str | None = None,
        *,
        table: _Table | None = None,
    ) -> None:
        self.path = path
        self.score = score
        self.label = label
        self._blocks = blocks if blocks is not None or table is not None else []
        self._table = table
        self.text = text
        self.error = error

    @property
    def blocks(self) -> list[LabelledBlock]:
        if self._blocks is None:
            self._blocks = self._table.labelled_blocks()  # type: ignore[union-attr]
            self._table = None  # the blocks are what counts from now on (they may be changed)
        return self._blocks

    @blocks.setter
    def blocks(self, value: list[LabelledBlock]) -> None:
        self._blocks, self._table = value, None

    def __repr__(self) -> str:
        return (f"Analysis(path={self.path!r}, score={self.score!r}, label={self.label!r}, "
                f"blocks=[{len(self.blocks)} blocks], error={self.error!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Analysis):
            return NotImplemented
        return (self.path, self.score, self.label, self.blocks, self.text, self.error) == (
            other.path, other.score, other.label, other.blocks, other.text, other.error)

    __hash__ = None  # type: ignore[assignment]

    def columns(self) -> tuple[Sequence[str], Sequence[float], Sequence[str], Sequence[int], Sequence[int]]:
        """The blocks' labels, scores, texts, starts and ends, in page order (without making block objects)."""
        t = self._table
        if t is not None:
            return t.labels, t.scores, t.texts, t.starts, t.ends
        bl = self.blocks
        return ([b.label for b in bl], [b.score for b in bl], [b.text for b in bl], [b.start for b in bl],
                [b.end for b in bl])

    @property
    def editorial_text(self) -> str:
        t = self._table
        if t is not None:
            return "\n\n".join(x for x, lab in zip(t.texts, t.labels) if lab == "editorial")
        return "\n\n".join(b.text for b in self.blocks if b.label == "editorial")

    def record(self, *, all_blocks: bool = False, editorial: bool = False) -> dict[str, Any]:
        t = self._table
        rec: dict[str, Any] = {
            "path": self.path,
            "score": None if self.score is None else round(float(self.score), 4),
            "label": self.label,
            "blocks": t.records(all_blocks) if t is not None else [
                b.record() for b in self.blocks if all_blocks or b.label != "editorial"],
            "error": self.error,
        }
        if editorial:
            rec["editorial"] = self.editorial_text if self.error is None else None
        return rec

    def record_line(self, head: dict[str, Any] | None = None, *, all_blocks: bool = False,
                    editorial: bool = False) -> str:
        """The record's JSONL line: ``json.dumps(rec, ensure_ascii=False) + "\\n"`` of :meth:`record`, with
        the items of ``head`` (a batch's input id and URL) in place of ``"path"``.

        The blocks are written by the compiled kernel where it is built (the same text, in a fifth of
        the time); the rest by json.
        """
        t = self._table
        blocks = t.blocks_json(all_blocks) if t is not None and _fasthash is not None else None
        if blocks is None:
            rec = self.record(all_blocks=all_blocks, editorial=editorial)
            if head is not None:
                del rec["path"]
                rec = {**head, **rec}
            return json.dumps(rec, ensure_ascii=False) + "\n"
        dumps = _DUMPS
        parts = [f"{dumps(k)}: {dumps(v)}" for k, v in (head.items() if head is not None else (("path", self.path),))]
        score = None if self.score is None else round(float(self.score), 4)
        parts += [f'"score": {dumps(score)}', f'"label": {dumps(self.label)}', f'"blocks": {blocks}',
                  f'"error": {dumps(self.error)}']
        if editorial:
            parts.append(f'"editorial": {dumps(self.editorial_text if self.error is None else None)}')
        return "{" + ", ".join(parts) + "}\n"


class _Table:
    """A page's output blocks as columns, in order: what :class:`LabelledBlock` objects would hold.

    Scoring a page keeps its blocks in this form; the revisions work on it, the output record is
    written from it, and the LabelledBlocks are made only when someone reads ``Analysis.blocks``.
    """

    __slots__ = ("labels", "scores", "texts", "starts", "ends", "probs", "units", "headings", "cued")

    def __init__(self, labels: list[str], scores: list[float], texts: list[str], starts: list[int],
                 ends: list[int], probs: np.ndarray, units: list[bool], headings: list[bool],
                 cued: np.ndarray | None = None) -> None:
        # probs: (blocks, 5) float64, each row the block's OUTPUT_LABELS probabilities as it shows them
        self.labels, self.scores, self.texts, self.starts, self.ends = labels, scores, texts, starts, ends
        self.probs, self.units, self.headings = probs, units, headings
        # cued: (blocks, 2) bool, whether each block holds a sponsorship and a commission cue word (the
        # gate left p > 0 unrounded); by default read from the rounded probabilities
        self.cued = cued if cued is not None else self.probs[:, [_SPONSORED, _AFFILIATE]] > 0

    @classmethod
    def of(cls, blocks: Sequence[LabelledBlock]) -> _Table:
        return cls([b.label for b in blocks], [b.score for b in blocks], [b.text for b in blocks],
                   [b.start for b in blocks], [b.end for b in blocks],
                   np.array([[b.probs.get(k, 0.0) for k in OUTPUT_LABELS] for b in blocks],
                            dtype=np.float64).reshape(len(blocks), len(OUTPUT_LABELS)),
                   [b.from_unit for b in blocks], [b.heading for b in blocks])

    def prob(self, i: int, label: str) -> float:
        return float(self.probs[i, OUTPUT_LABELS.index(label)])

    def promoted(self, i: int, label: str) -> float:
        """The score of block ``i`` relabelled ``label`` by a revision: that label's probability, and at
        least the block's own score."""
        return max(self.prob(i, label), self.scores[i])

    def labelled_blocks(self) -> list[LabelledBlock]:
        labels_ = OUTPUT_LABELS
        return [LabelledBlock(i, lab, sc, t, a, e, dict(zip(labels_, p)), u, h) for i, (lab, sc, t, a, e, p, u, h)
                in enumerate(zip(self.labels, self.scores, self.texts, self.starts, self.ends, self.probs.tolist(),
                                 self.units, self.headings))]

    def _kept(self, all_blocks: bool) -> tuple[list[int], list[float]]:
        """The blocks a record shows (all of them, or those that are not editorial) and their rounded scores."""
        labels = self.labels
        keep = list(range(len(labels))) if all_blocks else [i for i, lab in enumerate(labels) if lab != "editorial"]
        if not keep:
            return keep, []
        return keep, round4(np.array([self.scores[i] for i in keep], dtype=np.float64)).tolist()

    def records(self, all_blocks: bool = False) -> list[dict[str, Any]]:
        """The output records of the blocks (all of them, or those that are not editorial)."""
        keep, scores = self._kept(all_blocks)
        labels, texts, starts, ends = self.labels, self.texts, self.starts, self.ends
        return [{"index": i, "label": labels[i], "score": sc, "text": texts[i], "start": starts[i], "end": ends[i]}
                for i, sc in zip(keep, scores)]

    def blocks_json(self, all_blocks: bool = False) -> str | None:
        """``json.dumps(self.records(all_blocks), ensure_ascii=False)``, written by the kernel (None: by json)."""
        keep, scores = self._kept(all_blocks)
        assert _fasthash is not None  # record_line calls it only where the kernel is built
        return _fasthash.json_blocks(keep, self.labels, scores, self.texts, self.starts, self.ends)

    def relabel(self, i: int, label: str, score: float) -> None:
        self.labels[i], self.scores[i] = label, score

    def cut(self, i: int, a: int, e: int, label: str, score: float, rest: tuple[str, float] | None = None) -> None:
        """Cut characters ``a:e`` of block ``i``'s text out as a block of its own with ``label``; the text
        before and after (white space trimmed) keeps the block's label and score, or takes ``rest``'s. Each
        piece keeps the block's probabilities."""
        text, start = self.texts[i], self.starts[i]
        rest_label, rest_score = rest or (self.labels[i], self.scores[i])
        pieces = [(0, _rstrip(text, 0, a), rest_label, rest_score), (a, e, label, score),
                  (_lstrip(text, e, len(text)), len(text), rest_label, rest_score)]
        pieces = [p for p in pieces if p[1] > p[0]]
        row = self.probs[i]
        self.labels[i:i + 1] = [p[2] for p in pieces]
        self.scores[i:i + 1] = [p[3] for p in pieces]
        self.texts[i:i + 1] = [text[p[0]:p[1]] for p in pieces]
        self.starts[i:i + 1] = [start + p[0] for p in pieces]
        self.ends[i:i + 1] = [start + p[1] for p in pieces]
        self.units[i:i + 1] = [len(pieces) > 1] * len(pieces)
        self.headings[i:i + 1] = [self.headings[i] and len(pieces) == 1] * len(pieces)
        self.probs = np.concatenate([self.probs[:i], np.repeat(row[None, :], len(pieces), axis=0), self.probs[i + 1:]])
        self.cued = np.concatenate([self.cued[:i], np.repeat(self.cued[i:i + 1], len(pieces), axis=0),
                                    self.cued[i + 1:]])

    def apply(self, blocks: Sequence[LabelledBlock]) -> None:
        """Labels and scores back onto the blocks the table was made ``of``."""
        for b, lab, sc in zip(blocks, self.labels, self.scores):
            b.label, b.score = lab, sc


def _merge(proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Internal class probabilities -> the five output labels' probabilities."""
    out = np.zeros((proba.shape[0], len(OUTPUT_LABELS)))
    for j, c in enumerate(classes):
        out[:, OUTPUT_LABELS.index(OUTPUT_LABEL[c])] += proba[:, j]
    return out


class Detector:
    """A loaded model that scores pages. ``Detector.load()`` gives the shipped default."""

    def __init__(self, model: DetectorModel, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self.model = model
        self.limits = limits
        self._classes = model.classes

    @classmethod
    def load(
        cls, path: str | Path | None = None, limits: ReadLimits = DEFAULT_LIMITS, *, trust: bool = False
    ) -> Detector:
        """The shipped model (``path`` None), or the model folder at ``path``.

        A folder outside the package's ``models/`` is refused unless ``trust=True``: loading a model
        unpickles it, which can run any code. ``limits`` bound what one input may cost.
        """
        return cls(DetectorModel.load(path, trust=trust), limits)

    @property
    def threshold(self) -> float:
        return self.model.threshold

    # -- input --------------------------------------------------------------------------------
    def read(self, source: Any, *, name: str | None = None, kind: str | None = None) -> RawPage:
        """A path, ``-``, bytes, or page text (str) -> a decoded page."""
        if isinstance(source, RawPage):
            return source
        if isinstance(source, (bytes, bytearray, memoryview)):
            return read_input(bytes(source), name=name, kind=kind, limits=self.limits)
        if is_path_like(source):
            return read_input(os.fspath(source), name=name, kind=kind, limits=self.limits)
        if isinstance(source, str):
            if not source.strip():
                raise InputError("empty input" if not source else "input holds only white space")
            label = name or "<text>"
            return RawPage(text=source, kind=kind or guess_kind(label, source), path=label, encoding="str")
        raise TypeError(f"cannot score a {type(source).__name__}")

    # -- scoring ------------------------------------------------------------------------------
    def analyze(self, source: Any, *, name: str | None = None, kind: str | None = None) -> Analysis:
        """Every block of the page with its label and score, and the page's score. Never raises on bad input."""
        label = name or source_name(source)
        try:
            with page_budget(self.limits.max_seconds):  # a page over budget: PageTimeout, an InputError
                raw = self.read(source, name=name, kind=kind)
                page = segment(raw, self.limits)
                return self.analyze_page(page)
        except InputError as err:
            return Analysis(path=label, score=None, label=None, error=str(err))
        except RecursionError:
            return Analysis(path=label, score=None, label=None, error="document nested too deeply")

    def analyze_page(self, page: Page) -> Analysis:
        if not page.blocks:
            return Analysis(path=page.path, score=None, label=None, error="no visible text")
        rows = rows_for_page(page)
        proba = self.model.blocks.predict_proba(rows)
        feats = page_features(proba, rows, self._classes)
        score = float(self.model.page.predict_proba(feats.reshape(1, -1))[0, 1])
        merged = _merge(proba, self._classes)
        labels, scores = self._decide(merged, rows)
        table = self._assemble(page, labels, scores, merged, len(page.blocks))
        self._revise(table, page.text, score, self.model.threshold)
        declared = self._revise_declared_t(table)  # the page's own content says it is paid for
        if self._revise_headline_label_t(table, page) or declared:
            score = max(score, self.model.threshold)
        label = "sponsored" if score >= self.model.threshold else "editorial"
        return Analysis(path=page.path, score=score, label=label, table=table, text=page.text)

    @classmethod
    def _revise(cls, t: _Table, text: str, score: float, threshold: float = 1.0) -> None:
        """The revisions of a page's labelled blocks (``text``: the page's text), by its score.

        A bare label is an ad slot on a page below ``BARE_LABEL_PAGE_MAX`` that the model does not flag
        (``threshold``: its page threshold); on any other page it heads the title under it.
        """
        cls._revise_read_more_t(t)
        cls._revise_affiliate_markers_t(t)
        cls._revise_story_headings_t(t)
        cls._revise_headings_t(t)
        if score < min(BARE_LABEL_PAGE_MAX, threshold):
            cls._revise_bare_labels_t(t)
        else:
            cls._revise_label_titles_t(t)
        cls._revise_sponsor_credits_t(t)
        cls._revise_disclaimers_t(t, text)

    @staticmethod
    def _revise_disclaimers_t(t: _Table, text: str) -> None:
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
            found = set()
            for word in DISCLAIMER_ANCHORS:
                k = low.find(word)
                while k >= 0:
                    found.add(bisect_right(t.starts, k) - 1)
                    k = low.find(word, k + 1)
            candidates = sorted(i for i in found if i >= 0)
        else:  # lower-casing moved the offsets (a rare character): every block
            candidates = list(range(len(t.texts)))
        found_at: list[tuple[int, tuple[int, int] | None]] = []  # (block, the bracket to cut out, or None: all)
        for i in candidates:
            if t.cued[i].any() or t.headings[i] or t.labels[i] not in ("editorial", "boilerplate"):
                continue
            block = t.texts[i]
            if DISCLAIMER_MIN_WORDS <= len(block.split()) <= DISCLAIMER_MAX_WORDS and DISCLAIMER_FORMULA.search(block):
                found_at.append((i, None))
            elif t.labels[i] == "editorial" and not t.units[i] and (m := INLINE_DISCLOSURE.search(block)):
                found_at.append((i, (m.start(), m.end()) if (m.start(), m.end()) != (0, len(block)) else None))
        for i, bracket in reversed(found_at):  # from the last: a cut leaves the blocks before it where they were
            score = t.promoted(i, "disclaimer")
            if bracket is None:
                t.relabel(i, "disclaimer", score)
            else:
                t.cut(i, *bracket, "disclaimer", score, rest=("editorial", t.scores[i]))

    @staticmethod
    def _revise_sponsor_credits_t(t: _Table) -> None:
        """A short block, not a heading, that credits a sponsor ("Sponsored by State Farm", "… is proudly
        sponsored by …", "Gesponsert von …", :func:`lexicon.credits_sponsor`) is a sponsored notice, on any
        page: a disclosure of paid content, if not always of the page's own (the page's score is left as it is)."""
        for i in np.flatnonzero(t.cued[:, 0]).tolist():  # only blocks with a sponsorship cue word
            text = t.texts[i]
            if t.labels[i] == "sponsored" or t.headings[i] or len(text.split()) > CREDIT_MAX_WORDS:
                continue  # a heading is a title ("Sponsored by a government, say researchers"), not a credit
            if credits_sponsor(text):
                t.relabel(i, "sponsored", t.promoted(i, "sponsored"))

    @staticmethod
    def _revise_declared_t(t: _Table) -> bool:
        """A block that declares the page's content paid for is a sponsored notice; True if the page has one.

        "Disclaimer: this post is sponsored by …", "AWS sponsors this article", "Dieser Beitrag wurde von …
        bezahlt", "[Werbung] Drei Tage im Illertal" (:func:`lexicon.declares_sponsored`): whatever label the
        model gave it but boilerplate (site chrome quoting a notice; a heading in the top ``LABEL_TOP`` of
        the page is the page's title, not chrome), and whatever the page looks like, its
        page is sponsored. A long paragraph is prose that may quote such a sentence, not a notice. So is a
        label of paid content ("Paid Post", :func:`lexicon.is_content_label`) right above a headline in the
        top ``LABEL_TOP`` of the page, with the headline, and the page's own tag or category line when it
        files the page as paid content ("Tags: Podcasts SPONSORED Video", :func:`lexicon.tagged_sponsored`).
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
        # "Paid Post" / "Sponsored Content" alone, right above the page's headline near its top
        for i in cued:
            j = i + 1
            if (j >= len(t.labels) or t.units[i] or t.units[j] or t.starts[i] > LABEL_TOP * end or not t.headings[j]
                    or len(t.texts[j].split()) > TITLE_MAX_WORDS or not is_content_label(t.texts[i])):
                continue
            for k in (i, j):
                if t.labels[k] != "sponsored":
                    t.relabel(k, "sponsored", t.promoted(k, "sponsored"))
            found = True
        return found

    @staticmethod
    def _revise_headline_label_t(t: _Table, page: Page) -> bool:
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

    @staticmethod
    def _revise_affiliate_markers_t(t: _Table) -> None:
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

    @staticmethod
    def _revise_read_more_t(t: _Table) -> None:
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

    @staticmethod
    def _revise_story_headings_t(t: _Table) -> None:
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

    @classmethod
    def _revise_bare_labels(cls, blocks: list[LabelledBlock]) -> None:
        t = _Table.of(blocks)
        cls._revise_bare_labels_t(t)
        t.apply(blocks)

    @staticmethod
    def _revise_bare_labels_t(t: _Table) -> None:
        """On a page that is clearly editorial, a bare "Anzeige" / "Paid" / "In association with" is an ad-slot label.

        A label of a few words is a notice only when it heads sponsored content; on an editorial page it
        marks an ad slot or a partner strip, which is site chrome.
        """
        texts, units = t.texts, t.units
        for i, lab in enumerate(t.labels):
            if lab == "sponsored" and len(texts[i].split()) <= BARE_LABEL_MAX_WORDS and not units[i]:
                t.relabel(i, "boilerplate", t.prob(i, "boilerplate"))

    @classmethod
    def _revise_label_titles(cls, blocks: list[LabelledBlock]) -> None:
        t = _Table.of(blocks)
        cls._revise_label_titles_t(t)
        t.apply(blocks)

    @staticmethod
    def _revise_label_titles_t(t: _Table) -> None:
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

    def score(self, source: Any, *, name: str | None = None, kind: str | None = None, editorial: bool = False) -> dict:
        """The output-contract record for one page (``error`` set when it cannot be read)."""
        return self.analyze(source, name=name, kind=kind).record(editorial=editorial)

    def split(self, source: Any, **kw: Any) -> str:
        """The page's editorial text alone."""
        a = self.analyze(source, **kw)
        if a.error:
            raise InputError(a.error)
        return a.editorial_text

    # -- decisions ----------------------------------------------------------------------------
    def _decide(self, merged: np.ndarray, page_rows: Sequence[BlockRow] | None = None) -> tuple[list[str], np.ndarray]:
        """Each block's label (its likeliest, but sponsored only above the block threshold, and boilerplate
        for a block of prose only above PROSE_BOILERPLATE_MIN) and score."""
        order = np.argsort(-merged, axis=1)
        rows = np.arange(len(merged))
        j = order[:, 0].copy()
        weak = (j == _SPONSORED) & (merged[rows, j] < self.model.sponsored_block_threshold)
        j[weak] = order[weak, 1]
        if page_rows is not None:
            chrome = (j == _BOILERPLATE) & (merged[rows, j] < PROSE_BOILERPLATE_MIN)
            for k in np.flatnonzero(chrome).tolist():
                if is_prose(page_rows[k]):
                    # the likeliest other label that may stand (a weak sponsored one may not)
                    sponsored_ok = merged[k, _SPONSORED] >= self.model.sponsored_block_threshold
                    j[k] = next(c for c in order[k].tolist()
                                if c != _BOILERPLATE and (c != _SPONSORED or sponsored_ok))
        return [OUTPUT_LABELS[k] for k in j.tolist()], merged[rows, j]

    def _assemble(self, page: Page, labels: list[str], scores: np.ndarray, merged: np.ndarray, n: int) -> _Table:
        """Blocks in order; an editorial block whose head or tail unit is a notice is split there."""
        units_of: dict[int, list[int]] = {}
        for k, u in enumerate(page.units):
            if labels[n + k] in NOTICE_LABELS:  # only a notice unit may cut its block
                units_of.setdefault(u.parent, []).append(n + k)
        text = page.text
        blocks = page.blocks
        probs = round4(merged)  # the probabilities each block shows, rounded once for all
        scores_ = scores.tolist()
        # most blocks are not cut: their columns are the blocks' own (b.text is text[b.start:b.end])
        cued = merged[:, [_SPONSORED, _AFFILIATE]] > 0
        t = _Table(labels[:n], scores_[:n], [b.text for b in blocks], [b.start for b in blocks],
                   [b.end for b in blocks], probs[:n], [False] * n, [b.heading for b in blocks], cued[:n])
        if not units_of:
            return t
        # the pieces' probabilities as rows of ``probs`` (a block's own, or its unit's)
        cols: tuple[Any, ...] = (t.labels, t.scores, t.texts, t.starts, t.ends, range(n), t.units, t.headings)
        out: tuple[list, ...] = tuple([] for _ in cols)
        done = 0
        for i in sorted(units_of):
            for col, o in zip(cols, out):
                o.extend(col[done:i])
            done = i + 1
            b = blocks[i]
            pieces = [(b.start, b.end, labels[i], scores_[i], i, False)]
            for k in units_of[i]:
                u = page.units[k - n]
                new = []
                for a, e, lab, sc, pr, cut in pieces:
                    if not _splits(lab, sc, labels[k], scores_[k]) or u.start < a or u.end > e:
                        new.append((a, e, lab, sc, pr, cut))
                        continue
                    if u.start > a:
                        new.append((a, _rstrip(text, a, u.start), lab, sc, pr, True))
                    new.append((u.start, u.end, labels[k], scores_[k], k, True))
                    if u.end < e:
                        new.append((_lstrip(text, u.end, e), e, lab, sc, pr, True))
                pieces = [p for p in new if p[1] > p[0]]
            for a, e, lab, sc, pr, cut in pieces:
                for o, v in zip(out, (lab, sc, text[a:e], a, e, pr, cut, b.heading if len(pieces) == 1 else False)):
                    o.append(v)
        for col, o in zip(cols, out):
            o.extend(col[done:])
        labels_, scores_, texts, starts, ends, rows, units, headings = out
        return _Table(labels_, scores_, texts, starts, ends, probs[rows], units, headings, cued[rows])

    @classmethod
    def _revise_headings(cls, blocks: list[LabelledBlock]) -> None:
        t = _Table.of(blocks)
        cls._revise_headings_t(t)
        t.apply(blocks)

    @staticmethod
    def _revise_headings_t(t: _Table) -> None:
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


def round4(x: np.ndarray) -> np.ndarray:
    """``round(v, 4)`` of every element, exactly as Python rounds (tests/test_score.py checks it).

    Python rounds the exact binary value to 4 decimals, half to even, and returns the double nearest
    that decimal. ``rint(x * 1e4) / 1e4`` is the same double unless ``x * 1e4`` lies within rounding
    error of a half (its error is under 1e-11 here): those few elements are rounded by Python.
    """
    x = np.asarray(x, dtype=np.float64)
    y = x * 1e4
    out = np.rint(y) / 1e4
    near = ~(np.abs(y - np.floor(y) - 0.5) > 1e-6)  # a tie, or NaN/inf
    if near.any():
        out[near] = [round(float(v), 4) for v in x[near]]
    return out


def _splits(block_label: str, block_score: float, unit_label: str, unit_score: float) -> bool:
    """Whether a notice unit is cut out of its block.

    Out of prose or chrome, always; a sponsorship or commission sentence out of a disclaimer when the
    model is surer of it; never out of a sponsored notice (its risk or liability sentences belong to it).
    """
    if unit_label == block_label or block_label == "sponsored":
        return False
    if block_label in ("editorial", "boilerplate"):
        return True
    return unit_label in ("sponsored", "affiliate") and unit_score > block_score


def _rstrip(text: str, a: int, e: int) -> int:
    while e > a and text[e - 1].isspace():
        e -= 1
    return e


def _lstrip(text: str, a: int, e: int) -> int:
    while a < e and text[a].isspace():
        a += 1
    return a
