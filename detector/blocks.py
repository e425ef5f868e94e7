"""A page's labelled blocks: :class:`LabelledBlock` (one block, as the API shows it) and
:class:`BlockTable` (the same blocks as columns, the form scoring and the revisions work on and the output
record is written from)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .compiled import fasthash as _fasthash
from .labels import OUTPUT_LABELS

__all__ = ["LabelledBlock", "BlockTable", "round4"]

# columns of the output labels' probabilities that say whether a block holds a cue word
_SPONSORED, _AFFILIATE = OUTPUT_LABELS.index("sponsored"), OUTPUT_LABELS.index("affiliate")


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



class BlockTable:
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
    def of(cls, blocks: Sequence[LabelledBlock]) -> BlockTable:
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




def _rstrip(text: str, a: int, e: int) -> int:
    while e > a and text[e - 1].isspace():
        e -= 1
    return e


def _lstrip(text: str, a: int, e: int) -> int:
    while a < e and text[a].isspace():
        a += 1
    return a
