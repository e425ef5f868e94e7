"""Why a block got its label and why the page got its score, read off the linear models' weights.

Both models are linear, so their decisions split exactly into one term per feature.

Block contribution: a block's label comes from one internal class ``c`` of the block classifier (for
``sponsored``, whichever of sponsored / sponsored_other is likelier). It is compared with a *reference*
class ``r``: ``editorial`` for a notice or boilerplate block, and the likeliest other class for an
editorial block. A feature's contribution is its value times ``w[c] - w[r]``; the contributions plus
``b[c] - b[r]`` add up to ``log(p_c / p_r)`` before the cue-word gate. Positive pushes towards the label.

Page contribution: the page score is ``sigmoid(intercept + sum(coef * value))`` over the page features;
each feature's contribution is ``coef * value``, in log-odds.

Hashed columns are named by running each vectorizer's analyzer over the block's own texts and hashing
every token on its own (column = the vectorizer's offset + the token's hash column).
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher

from .blocks import LabelledBlock
from .features import (
    CHAR_MAX,
    GATED,
    N_DENSE,
    BlockRow,
    _layout_tokens,
    _norm,
    gate_proba,
    rows_for_page,
)
from .io import InputError, source_name
from .labels import COLOURS, OUTPUT_LABEL
from .pagefeatures import PAGE_FEATURE_NAMES, page_features
from .revise import BARE_LABEL_PAGE_MAX
from .score import PROSE_BOILERPLATE_MIN, Analysis, Detector, is_prose
from .segment import Page, segment

__all__ = ["DEFINITION", "BlockExplanation", "Explanation", "Reason", "explain", "render_html", "render_table"]

DEFAULT_TOP = 8  # reasons listed for and against each block
GATE_NOTE_MIN = 0.05  # a gated class is mentioned when it had at least this probability before the gate
DENSE_NAMES = (
    "position", "position_squared", "log_words", "link_density", "heading", "reserved",
    "sponsorship_cues", "commission_cues", "disclaimer_cues",
)
GROUPS = ("word", "bigram", "char", "before", "after", "layout", "numeric")
GROUP_HELP = {
    "word": "a word of the block",
    "bigram": "two words of the block",
    "char": "a character n-gram of the block's first 300 characters",
    "before": "a word of the block before it or of the heading above",
    "after": "a word of the block after it",
    "layout": "tag, path, position, first words",
    "numeric": "position, length, link density, cue-word counts",
}
DEFINITION = (
    "contribution = feature value x (weight of the block's class - weight of the reference class), in "
    "log-odds; the reference is editorial for non-editorial blocks and the runner-up class for editorial "
    "ones; positive pushes towards the label. Page: coefficient x value, in log-odds of 'sponsored'."
)
LABEL_COLOURS = COLOURS  # background of each label in the HTML view
assert len(DENSE_NAMES) == N_DENSE, "features._dense changed: name its columns here"


@dataclass
class Reason:
    """One feature's share of a decision."""

    group: str
    name: str
    value: float
    weight: float
    contribution: float

    def record(self) -> dict[str, Any]:
        return {
            "group": self.group, "name": self.name, "value": round(self.value, 4),
            "weight": round(self.weight, 4), "contribution": round(self.contribution, 4),
        }


@dataclass(kw_only=True)
class BlockExplanation(LabelledBlock):
    """A labelled block (index, label, score, text, offsets, probs) with the reasons for its label."""

    klass: str  # the internal class behind the label
    versus: str  # the reference class
    log_odds: float  # log(p_klass / p_versus) before the gate = sum of contributions + intercept_gap
    intercept_gap: float
    groups: dict[str, float] = field(default_factory=dict)  # summed contribution per feature group
    reasons_for: list[Reason] = field(default_factory=list)
    reasons_against: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return super().record() | {
            "class": self.klass, "versus": self.versus,
            "log_odds": round(self.log_odds, 4), "intercept_gap": round(self.intercept_gap, 4),
            "probs": self.probs, "groups": {k: round(v, 4) for k, v in self.groups.items()},
            "for": [r.record() for r in self.reasons_for],
            "against": [r.record() for r in self.reasons_against],
            "notes": self.notes,
        }

    def summary(self, n: int = 3) -> str:
        """The top reasons on one line (the HTML view's tooltip)."""
        top = ", ".join(f"{r.group} {r.name} {r.contribution:+.2f}" for r in self.reasons_for[:n])
        return f"{self.label} {self.score:.2f} ({self.klass} vs {self.versus}): {top}" + (
            "; " + "; ".join(self.notes) if self.notes else ""
        )


@dataclass
class Explanation:
    """A page's labelled blocks with the reasons for each, and the page score's reasons."""

    path: str
    score: float | None
    label: str | None
    threshold: float | None = None
    page_log_odds: float | None = None
    page_intercept: float | None = None
    page_reasons: list[Reason] = field(default_factory=list)
    blocks: list[BlockExplanation] = field(default_factory=list)  # the explained blocks
    analysis: Analysis | None = None  # every block of the page, for the HTML view
    error: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "score": None if self.score is None else round(self.score, 4),
            "label": self.label,
            "threshold": self.threshold,
            "definition": DEFINITION,
            "page": None if self.error else {
                "log_odds": round(self.page_log_odds or 0.0, 4),
                "intercept": round(self.page_intercept or 0.0, 4),
                "features": [r.record() for r in self.page_reasons],
            },
            "blocks": [b.record() for b in self.blocks],
            "error": self.error,
        }


class _Weights:
    """The block classifier's weights as dense rows, and the column offsets of each feature group."""

    def __init__(self, det: Detector) -> None:
        clf = det.model.blocks
        coef = clf.clf_.coef_
        self.W = np.asarray(coef.toarray() if sp.issparse(coef) else coef, dtype=np.float64)
        self.b = np.asarray(clf.clf_.intercept_, dtype=np.float64)
        self.classes = [str(c) for c in clf.classes_]
        self.features = clf.features_
        words, chars, context, layout = self.features._vectorizers()
        self.analyzers = {
            "words": words.build_analyzer(), "chars": chars.build_analyzer(),
            "context": context.build_analyzer(), "layout": layout.build_analyzer(),
        }
        self.hashers = {
            name: FeatureHasher(n_features=v.n_features, input_type="string", alternate_sign=False)
            for name, v in zip(("words", "chars", "context", "layout"), (words, chars, context, layout))
        }
        nw, nc, nx, nl = (v.n_features for v in (words, chars, context, layout))
        self.offsets = {"words": 0, "chars": nw, "before": nw + nc, "after": nw + nc + nx, "layout": nw + nc + 2 * nx}
        self.dense_offset = nw + nc + 2 * nx + nl
        if self.dense_offset + N_DENSE != self.W.shape[1]:
            raise ValueError("the model's width does not match BlockFeatures' vectorizers")

    def _hash(self, hasher: str, tokens: Sequence[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(0, dtype=np.int64)
        m = self.hashers[hasher].transform([[t] for t in tokens])
        return m.indices.astype(np.int64)  # one column per token, in token order

    def names(self, row: BlockRow) -> dict[int, tuple[str, str]]:
        """Column -> (group, readable token) for every column the row can set."""
        out: dict[int, tuple[str, list[str]]] = {}

        def add(tokens: Sequence[str], hasher: str, offset: int, group_of) -> None:
            uniq = list(dict.fromkeys(tokens))
            for tok, col in zip(uniq, self._hash(hasher, uniq)):
                _g, names = out.setdefault(offset + int(col), (group_of(tok), []))
                names.append(tok)

        text = _norm(row.text)
        add(self.analyzers["words"](text), "words", self.offsets["words"], lambda t: "bigram" if " " in t else "word")
        add(self.analyzers["chars"](text[:CHAR_MAX]), "chars", self.offsets["chars"], lambda t: "char")
        before = _norm(row.prev) + " " + _norm(row.heading_above)
        add(self.analyzers["context"](before), "context", self.offsets["before"], lambda t: "before")
        add(self.analyzers["context"](_norm(row.next)), "context", self.offsets["after"], lambda t: "after")
        add(self.analyzers["layout"](_layout_tokens(row)), "layout", self.offsets["layout"], lambda t: "layout")
        named = {c: (g, " | ".join(repr(t) if g == "char" else t for t in toks)) for c, (g, toks) in out.items()}
        for j, name in enumerate(DENSE_NAMES):
            named[self.dense_offset + j] = ("numeric", name)
        return named


def _row_of(b: LabelledBlock, page: Page) -> int:
    """The index (blocks, then units) of the model row behind a labelled block."""
    n = len(page.blocks)
    if b.from_unit:
        for k, u in enumerate(page.units):
            if u.start == b.start and u.end == b.end:
                return n + k
    for i, blk in enumerate(page.blocks):
        if blk.start <= b.start and b.end <= blk.end:
            return i
    raise ValueError(f"block [{b.start}:{b.end}] lies in no block of the page")


def _notes(
    det: Detector, b: LabelledBlock, raw: np.ndarray, gated: np.ndarray, row: BlockRow, classes: list[str],
    page_score: float,
) -> list[str]:
    notes = []
    for j, c in enumerate(classes):
        test = GATED.get(c)
        if test is not None and gated[j] == 0.0 and raw[j] >= GATE_NOTE_MIN:
            kind = "commission" if c == "affiliate" else "sponsorship"
            notes.append(f"cue-word gate: no {kind} cue word, so {c} (p {raw[j]:.2f} before the gate) was zeroed")
    p_sp = sum(gated[j] for j, c in enumerate(classes) if OUTPUT_LABEL[c] == "sponsored")
    others = max((gated[j] for j, c in enumerate(classes) if OUTPUT_LABEL[c] != "sponsored"), default=0.0)
    need = det.model.sponsored_block_threshold
    if b.label != "sponsored" and p_sp > others and p_sp < need:
        notes.append(f"sponsored p {p_sp:.2f} is below the {need} a sponsored block needs: took the runner-up")
    own = max(((gated[j], OUTPUT_LABEL[c]) for j, c in enumerate(classes)))[1]
    if own == "sponsored" and p_sp < need:
        own = max((gated[j], OUTPUT_LABEL[c]) for j, c in enumerate(classes) if OUTPUT_LABEL[c] != "sponsored")[1]
    if b.label != own:
        bar = min(BARE_LABEL_PAGE_MAX, det.model.threshold)
        p_chrome = max((gated[j] for j, c in enumerate(classes) if OUTPUT_LABEL[c] == "boilerplate"), default=0.0)
        if b.label == "boilerplate" and own == "sponsored" and page_score < bar:
            notes.append(f"a bare label on a page scoring below {bar:g}: an ad slot, so boilerplate")
        elif own == "boilerplate" and p_chrome < PROSE_BOILERPLATE_MIN and is_prose(row):
            notes.append(f"a paragraph of prose: boilerplate p {p_chrome:.2f} is below the {PROSE_BOILERPLATE_MIN} "
                         "it needs, so it took the runner-up")
        elif b.label == "editorial" and own == "boilerplate":
            notes.append("a short heading between two story paragraphs: part of the story")
        elif not b.from_unit:
            notes.append(f"a short heading above a {b.label} notice: takes the notice's label (its own: {own})")
    if b.from_unit and row.unit:
        notes.append(f"a sentence cut out of a longer block ({row.unit} unit)")
    return notes


def explain(
    source: Any, detector: Detector | None = None, *, all_blocks: bool = False, top: int = DEFAULT_TOP,
    name: str | None = None, kind: str | None = None,
) -> Explanation:
    """Explain a page (a path, bytes or text): the reasons for each non-editorial block (every block with
    ``all_blocks``) and for the page score. Never raises on bad input: ``error`` says what went wrong."""
    det = detector or Detector.load()
    label = name or source_name(source)
    try:
        page = segment(det.read(source, name=name, kind=kind), det.limits)
    except InputError as err:
        return Explanation(path=label, score=None, label=None, error=str(err))
    except RecursionError:
        return Explanation(path=label, score=None, label=None, error="document nested too deeply")
    analysis = det.analyze_page(page)
    if analysis.error or analysis.score is None:
        return Explanation(path=page.path or label, score=None, label=None, analysis=analysis, error=analysis.error)
    return _explain_page(det, page, analysis, all_blocks=all_blocks, top=top)


def _explain_page(det: Detector, page: Page, analysis: Analysis, *, all_blocks: bool, top: int) -> Explanation:
    assert analysis.score is not None  # explain_page returns pages without a score before
    wts = _Weights(det)
    classes = wts.classes
    rows = rows_for_page(page)
    M = wts.features.transform(rows).tocsr()
    raw = det.model.blocks.predict_proba_matrix(M)
    gated = gate_proba(raw, rows, classes)

    feats = page_features(gated, rows, classes)
    scorer = det.model.page
    contrib = np.asarray(scorer.coef_, dtype=np.float64) * feats
    page_reasons = sorted(
        (Reason("page", n, float(v), float(w), float(c))
         for n, v, w, c in zip(PAGE_FEATURE_NAMES, feats, scorer.coef_, contrib)),
        key=lambda r: -abs(r.contribution),
    )
    out = Explanation(
        path=analysis.path, score=analysis.score, label=analysis.label, threshold=det.threshold,
        page_log_odds=float(contrib.sum() + scorer.intercept_), page_intercept=float(scorer.intercept_),
        page_reasons=page_reasons, analysis=analysis,
    )
    for b in analysis.blocks:
        if b.label == "editorial" and not all_blocks:
            continue
        k = _row_of(b, page)
        out.blocks.append(_explain_block(det, wts, b, rows[k], M[k], raw[k], gated[k], analysis.score, top))
    return out


def _explain_block(
    det: Detector, wts: _Weights, b: LabelledBlock, row: BlockRow, x: sp.csr_matrix, raw: np.ndarray,
    gated: np.ndarray, page_score: float, top: int,
) -> BlockExplanation:
    classes = wts.classes
    mine = [j for j, c in enumerate(classes) if OUTPUT_LABEL[c] == b.label]
    c = max(mine, key=lambda j: (gated[j], raw[j]))
    if b.label == "editorial":
        r = max((j for j in range(len(classes)) if j != c), key=lambda j: gated[j] if gated.sum() else raw[j])
    else:
        r = classes.index("editorial")
    cols, vals = x.indices, x.data.astype(np.float64)
    delta = wts.W[c, cols] - wts.W[r, cols]
    contrib = vals * delta
    names = wts.names(row)
    reasons = []
    groups = dict.fromkeys(GROUPS, 0.0)
    for col, v, d, cc in zip(cols, vals, delta, contrib):
        g, nm = names.get(int(col), ("unknown", f"column {int(col)}"))
        groups[g] = groups.get(g, 0.0) + float(cc)
        if cc != 0.0:
            reasons.append(Reason(g, nm, float(v), float(d), float(cc)))
    reasons.sort(key=lambda q: -q.contribution)
    gap = float(wts.b[c] - wts.b[r])
    return BlockExplanation(
        index=b.index, label=b.label, score=float(b.score), text=b.text, start=b.start, end=b.end,
        klass=classes[c], versus=classes[r], log_odds=float(contrib.sum()) + gap, intercept_gap=gap,
        probs=dict(b.probs), groups=groups,
        reasons_for=[q for q in reasons if q.contribution > 0][:top],
        reasons_against=[q for q in reversed(reasons) if q.contribution < 0][:top],
        notes=_notes(det, b, raw, gated, row, classes, page_score),
    )


# -- rendering -----------------------------------------------------------------------------------

def _short(text: str, n: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def render_table(ex: Explanation, *, against: int = 3) -> str:
    """A readable explanation for people."""
    if ex.error:
        return f"{ex.path}\tERROR\t{ex.error}\n"
    lines = [
        f"{ex.path}: {ex.label}, score {ex.score:.3f} (threshold {ex.threshold})",
        f"page score: log-odds {ex.page_log_odds:+.2f} = intercept {ex.page_intercept:+.2f} + these features:",
        f"  {'page feature':<30} {'value':>7} {'coef':>7} {'contrib':>8}",
    ]
    for r in ex.page_reasons[:8]:
        lines.append(f"  {r.name:<30} {r.value:>7.3f} {r.weight:>7.2f} {r.contribution:>+8.2f}")
    lines.append("")
    lines.append("blocks: contribution = value x (weight of its class - weight of the reference class), in log-odds")
    for b in ex.blocks:
        lines.append(f"#{b.index:<4} {b.label:<11} {b.score:.2f}  [{b.start}:{b.end}]  {_short(b.text)}")
        lines.append(f"      {b.klass} vs {b.versus}: log-odds {b.log_odds:+.2f} (intercepts {b.intercept_gap:+.2f}); "
                     + "  ".join(f"{g} {v:+.2f}" for g, v in b.groups.items() if abs(v) >= 0.005))
        for note in b.notes:
            lines.append(f"      note: {note}")
        for title, items in (("for", b.reasons_for), ("against", b.reasons_against[:against])):
            for i, r in enumerate(items):
                head = f"{title}:" if i == 0 else ""
                lines.append(f"      {head:<9}{r.contribution:>+7.2f}  {r.group:<8} {_short(r.name, 60)}")
        lines.append("")
    return "\n".join(lines) + "\n"


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:60em;
color:#222;padding:0 1em}
header{border-bottom:1px solid #ccc;margin-bottom:1em;padding-bottom:.5em}
.verdict{font-size:1.3em;font-weight:600}
.legend span{display:inline-block;padding:.1em .6em;margin:0 .4em .3em 0;border-radius:3px;border:1px solid #bbb}
.blk{padding:.3em .5em;margin:.25em 0;border-radius:3px;white-space:pre-wrap;border-left:4px solid transparent}
.blk .badge{float:right;font-size:.75em;color:#444;margin-left:1em;font-family:monospace}
.reasons{font-size:.8em;color:#333;margin:.2em 0 0 0;font-family:monospace;white-space:normal}
table.pf{border-collapse:collapse;font-size:.85em}table.pf td,table.pf th{padding:.1em .6em;text-align:right}
table.pf td:first-child,table.pf th:first-child{text-align:left}
"""


def render_html(ex: Explanation, *, reasons: int = 3) -> str:
    """One self-contained HTML page: every block in page order, coloured by label (no script, no network)."""
    esc = html.escape
    css = _CSS + "".join(
        f".label-{lab}{{background:{col};border-left-color:{col if lab == 'editorial' else '#555'}}}\n"
        for lab, col in LABEL_COLOURS.items()
    )
    title = esc(os.path.basename(ex.path) or ex.path)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>detector: {title}</title>", f"<style>{css}</style></head><body>", "<header>",
    ]
    if ex.error:
        parts.append(f'<p class="verdict">{esc(ex.path)}: error: {esc(ex.error)}</p></header></body></html>')
        return "\n".join(parts)
    parts.append(
        f'<p class="verdict" id="verdict" data-label="{esc(str(ex.label))}" data-score="{ex.score:.4f}">'
        f"{esc(ex.path)}: <span class=\"label-{esc(str(ex.label))}\">{esc(str(ex.label))}</span>, "
        f"score {ex.score:.3f} (threshold {ex.threshold})</p>"
    )
    parts.append('<p class="legend">' + "".join(
        f'<span class="label-{lab}">{lab}</span>' for lab in LABEL_COLOURS) + "</p>")
    parts.append('<details><summary>why this page score</summary><table class="pf">'
                 "<tr><th>page feature</th><th>value</th><th>coef</th><th>contribution</th></tr>")
    for r in ex.page_reasons[:8]:
        parts.append(f"<tr><td>{esc(r.name)}</td><td>{r.value:.3f}</td><td>{r.weight:.2f}</td>"
                     f"<td>{r.contribution:+.2f}</td></tr>")
    parts.append(f"<tr><td>intercept</td><td></td><td></td><td>{ex.page_intercept:+.2f}</td></tr></table>"
                 f"<p>{esc(DEFINITION)}</p></details></header><main>")
    explained = {b.start: b for b in ex.blocks}
    blocks = ex.analysis.blocks if ex.analysis is not None else []
    for b in blocks:
        e = explained.get(b.start) if explained.get(b.start) is not None and explained[b.start].end == b.end else None
        tip = e.summary(reasons) if e is not None else f"{b.label} {b.score:.2f}"
        lab = esc(b.label)
        why = ""
        if e is not None and b.label != "editorial":
            top = "; ".join(f"{esc(r.group)} {esc(_short(r.name, 40))} {r.contribution:+.2f}"
                            for r in e.reasons_for[:reasons])
            why = f'<p class="reasons">why: {top}</p>'
        parts.append(  # one line: the blocks keep their white space (pre-wrap)
            f'<div class="blk label-{lab}" data-label="{lab}" data-score="{b.score:.4f}" data-index="{b.index}" '
            f'title="{esc(tip)}"><span class="badge">{lab} {b.score:.2f}</span>{esc(b.text)}{why}</div>'
        )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"

