"""Score a page: the page's probability of being sponsored, and its labelled blocks.

``Detector.analyze`` gives the full picture (every block with its label and score);
``Detector.score`` gives the JSON record of the output contract in LABELS.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .corpus import OUTPUT_LABEL
from .features import page_features, rows_for_page
from .io import DEFAULT_LIMITS, InputError, RawPage, ReadLimits, guess_kind, is_path_like, read_input
from .model import DetectorModel
from .segment import Page, segment

__all__ = ["Detector", "Analysis", "LabelledBlock", "OUTPUT_LABELS"]

OUTPUT_LABELS = ("editorial", "sponsored", "affiliate", "disclaimer", "boilerplate")
NOTICE_LABELS = ("sponsored", "affiliate", "disclaimer")
HEADING_MAX_WORDS = 6  # a block this short without end punctuation may be a notice's heading
BARE_LABEL_MAX_WORDS = 3  # "Anzeige", "Paid Post", "In association with": labels, not statements
# Below this page score a bare label is an ad slot. Lower than the page threshold on purpose: pages whose
# only disclosure is a label score between 0.75 and 0.94 (data/'s test split), and keep their label.
BARE_LABEL_PAGE_MAX = 0.75
TITLE_MAX_WORDS = 25  # a labelled headline is at most this long
HEADING_MIN_SHARE = 0.05  # the heading's own probability of its notice's label must reach this
_END_PUNCT = re.compile(r"[.!?…)\]]$")


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


@dataclass
class Analysis:
    path: str
    score: float | None
    label: str | None
    blocks: list[LabelledBlock] = field(default_factory=list)
    text: str = ""
    error: str | None = None

    @property
    def editorial_text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.label == "editorial")

    def record(self, *, all_blocks: bool = False, editorial: bool = False) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "path": self.path,
            "score": None if self.score is None else round(float(self.score), 4),
            "label": self.label,
            "blocks": [b.record() for b in self.blocks if all_blocks or b.label != "editorial"],
            "error": self.error,
        }
        if editorial:
            rec["editorial"] = self.editorial_text if self.error is None else None
        return rec


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
    ) -> "Detector":
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
        label = name or (os.fspath(source) if is_path_like(source) else "<bytes>" if isinstance(source, bytes) else "<text>")
        try:
            raw = self.read(source, name=name, kind=kind)
            page = segment(raw, self.limits)
        except InputError as err:
            return Analysis(path=label, score=None, label=None, error=str(err))
        except RecursionError:
            return Analysis(path=label, score=None, label=None, error="document nested too deeply")
        return self.analyze_page(page)

    def analyze_page(self, page: Page) -> Analysis:
        if not page.blocks:
            return Analysis(path=page.path, score=None, label=None, error="no visible text")
        rows = rows_for_page(page)
        proba = self.model.blocks.predict_proba(rows)
        feats = page_features(proba, rows, self._classes)
        score = float(self.model.page.predict_proba(feats.reshape(1, -1))[0, 1])
        merged = _merge(proba, self._classes)
        labels, scores = self._decide(merged)
        n = len(page.blocks)
        out = self._assemble(page, labels, scores, merged, n)
        self._revise_headings(out)
        label = "sponsored" if score >= self.model.threshold else "editorial"
        if score < BARE_LABEL_PAGE_MAX:
            self._revise_bare_labels(out)
        else:
            self._revise_label_titles(out)
        for i, b in enumerate(out):
            b.index = i
        return Analysis(path=page.path, score=score, label=label, blocks=out, text=page.text)

    @staticmethod
    def _revise_bare_labels(blocks: list[LabelledBlock]) -> None:
        """On a page that is clearly editorial, a bare "Anzeige" / "Paid" / "In association with" is an ad-slot label.

        A label of a few words is a notice only when it heads sponsored content; on an editorial page it
        marks an ad slot or a partner strip, which is site chrome.
        """
        for b in blocks:
            if b.label == "sponsored" and len(b.text.split()) <= BARE_LABEL_MAX_WORDS and not b.from_unit:
                b.label, b.score = "boilerplate", b.probs.get("boilerplate", 0.0)

    @staticmethod
    def _revise_label_titles(blocks: list[LabelledBlock]) -> None:
        """On a page that may be sponsored, a bare label ("Advertorial", "Anzeige") heads the title it labels.

        The headline right under the label takes the label's verdict: together they are the disclosure.
        """
        for i in range(len(blocks) - 1):
            lab, title = blocks[i], blocks[i + 1]
            if lab.label != "sponsored" or lab.from_unit or len(lab.text.split()) > BARE_LABEL_MAX_WORDS:
                continue
            words = title.text.split()
            if title.label == "editorial" and title.heading and not title.from_unit and len(words) <= TITLE_MAX_WORDS:
                title.label, title.score = "sponsored", lab.score

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
    def _decide(self, merged: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Each block's label (its likeliest, but sponsored only above the block threshold) and score."""
        order = np.argsort(-merged, axis=1)
        rows = np.arange(len(merged))
        j = order[:, 0].copy()
        weak = (j == OUTPUT_LABELS.index("sponsored")) & (merged[rows, j] < self.model.sponsored_block_threshold)
        j[weak] = order[weak, 1]
        return [OUTPUT_LABELS[k] for k in j.tolist()], merged[rows, j]

    def _assemble(self, page: Page, labels: list[str], scores: np.ndarray, merged: np.ndarray, n: int) -> list[LabelledBlock]:
        """Blocks in order; an editorial block whose head or tail unit is a notice is split there."""
        units_of: dict[int, list[int]] = {}
        for k, u in enumerate(page.units):
            units_of.setdefault(u.parent, []).append(n + k)
        text = page.text
        out: list[LabelledBlock] = []
        merged = round4(merged).tolist()  # the probabilities each block shows, rounded once for all
        scores = scores.tolist()

        def lb(start: int, end: int, label: str, score: float, probs: list[float], unit: bool, heading: bool = False) -> LabelledBlock:
            return LabelledBlock(
                -1, label, score, text[start:end], start, end, dict(zip(OUTPUT_LABELS, probs)), unit, heading
            )

        labels_ = OUTPUT_LABELS
        for i, b in enumerate(page.blocks):
            if i not in units_of:  # most blocks: no unit to cut out (b.text is text[b.start:b.end])
                out.append(LabelledBlock(-1, labels[i], scores[i], b.text, b.start, b.end,
                                         dict(zip(labels_, merged[i])), False, b.heading))
                continue
            pieces = [(b.start, b.end, labels[i], scores[i], merged[i], False)]
            for k in units_of[i]:
                if labels[k] not in NOTICE_LABELS:
                    continue
                u = page.units[k - n]
                new = []
                for a, e, lab, sc, pr, cut in pieces:
                    if not _splits(lab, sc, labels[k], scores[k]) or u.start < a or u.end > e:
                        new.append((a, e, lab, sc, pr, cut))
                        continue
                    if u.start > a:
                        new.append((a, _rstrip(text, a, u.start), lab, sc, pr, True))
                    new.append((u.start, u.end, labels[k], scores[k], merged[k], True))
                    if u.end < e:
                        new.append((_lstrip(text, u.end, e), e, lab, sc, pr, True))
                pieces = [p for p in new if p[1] > p[0]]
            out.extend(lb(*piece) for piece in pieces)
            if len(pieces) == 1:
                out[-1].heading = b.heading
        return out

    @staticmethod
    def _revise_headings(blocks: list[LabelledBlock]) -> None:
        """A short heading right above a notice takes the notice's label and score (jusText-style revision).

        The heading qualifies when the model already calls it a notice, or chrome, or gives the notice's
        label some weight; a sentence cut out of a paragraph never does.
        """
        revised: set[int] = set()
        for i in range(len(blocks) - 2, -1, -1):
            h, nxt = blocks[i], blocks[i + 1]
            if nxt.label not in NOTICE_LABELS or h.label == nxt.label:
                continue
            if i + 1 in revised or len(nxt.text.split()) <= BARE_LABEL_MAX_WORDS:
                continue  # a heading passes nothing on, and a bare label has no heading of its own
            words = h.text.split()
            if len(words) > HEADING_MAX_WORDS or _END_PUNCT.search(h.text):
                continue
            if h.from_unit:
                continue  # a sentence cut out of a paragraph is no heading
            chrome_heading = h.label == "boilerplate" and (h.heading or len(words) <= 3)
            if h.label in NOTICE_LABELS or chrome_heading or h.probs.get(nxt.label, 0.0) >= HEADING_MIN_SHARE:
                h.label, h.score = nxt.label, nxt.score  # the heading belongs to its notice
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
