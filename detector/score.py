"""Score a page: the page's probability of being sponsored, and its labelled blocks.

``Detector.analyze`` gives the full picture (every block with its label and score);
``Detector.score`` gives the JSON record of the output contract in LABELS.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .article import mark_chrome
from .blocks import BlockTable, LabelledBlock, _lstrip, _rstrip, round4
from .budget import page_budget
from .compiled import fasthash as _fasthash
from .features import BlockRow, rows_for_page
from .io import DEFAULT_LIMITS, InputError, RawPage, ReadLimits, guess_kind, is_path_like, read_input, source_name
from .labels import NOTICE_LABELS, OUTPUT_LABEL, OUTPUT_LABELS
from .model import DetectorModel
from .pagefeatures import page_features
from .revise import declared, labelled_headline, revise
from .segment import Page, segment

__all__ = ["Detector", "Analysis", "LabelledBlock", "OUTPUT_LABELS"]

# json.dumps(v, ensure_ascii=False), without the new JSONEncoder json.dumps makes for each call that passes
# an option (a few us each, several a record)
_DUMPS = json.JSONEncoder(ensure_ascii=False).encode

# columns of the five output labels' probabilities
_SPONSORED, _AFFILIATE = OUTPUT_LABELS.index("sponsored"), OUTPUT_LABELS.index("affiliate")
_BOILERPLATE = OUTPUT_LABELS.index("boilerplate")

# A block of prose (this many words or more, mostly not links) is boilerplate only with at least this
# probability, else it takes its runner-up label: a page's own paragraphs are rarely site chrome, and
# cutting one loses text the reader came for.
PROSE_MIN_WORDS = 25
PROSE_MAX_LINK_DENSITY = 0.3
PROSE_BOILERPLATE_MIN = 0.9


def is_prose(row: BlockRow) -> bool:
    """A block of prose: PROSE_MIN_WORDS words or more, at most PROSE_MAX_LINK_DENSITY of its text in links."""
    return row.n_words >= PROSE_MIN_WORDS and row.link_density <= PROSE_MAX_LINK_DENSITY


class Analysis:
    """A scored page: its score and label, and every block with its label and score.

    ``blocks`` are made on first use: :meth:`Detector.analyze` keeps them as a table (:class:`BlockTable`),
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
        table: BlockTable | None = None,
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
        revise(table, page.text, score, self.model.threshold)
        paid = declared(table)  # the page's own content says it is paid for
        if labelled_headline(table, page) or paid:
            score = max(score, self.model.threshold)
        mark_chrome(table, page.blocks)
        label = "sponsored" if score >= self.model.threshold else "editorial"
        return Analysis(path=page.path, score=score, label=label, table=table, text=page.text)


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

    def _assemble(self, page: Page, labels: list[str], scores: np.ndarray, merged: np.ndarray, n: int) -> BlockTable:
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
        t = BlockTable(labels[:n], scores_[:n], [b.text for b in blocks], [b.start for b in blocks],
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
        return BlockTable(labels_, scores_, texts, starts, ends, probs[rows], units, headings, cued[rows])


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


