"""Evaluate a detector on a labelled corpus: page-level and span-level metrics, and its mistakes.

Page level: ROC AUC, average precision, and precision / recall / F1 / false-positive rate at the
model's threshold (pages labelled ``excluded`` left out). Span level: a labelled span is *found* when
most of its characters fall inside blocks given the span's label. False blocks: pages with no sponsored
notice (and not teaser-only) that got a sponsored block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import average_precision_score, roc_auc_score

from ..labels import SPAN_LABELS
from ..score import Analysis, Detector
from .corpus import MOST, Aligner, LabelledPage, load_corpus

__all__ = ["EvalResult", "evaluate", "evaluate_pages", "compute_metrics", "group_metrics"]

TEASER_KINDS = ("sponsored_teaser_only",)
GROUP_MIN_PAGES = 1  # groups with fewer scored pages are left out of the per-group tables


@dataclass
class PageOutcome:
    id: str
    lang: str
    source: str
    truth: str
    kind: str
    score: float | None
    label: str | None
    error: str | None
    spans: list[dict] = field(default_factory=list)  # each labelled span with "found" and "got"
    sponsored_blocks: list[str] = field(default_factory=list)
    sponsored_scores: list[float] = field(default_factory=list)  # the score of each sponsored block


@dataclass
class EvalResult:
    metrics: dict[str, Any]
    pages: list[PageOutcome]

    def mistakes(self, threshold: float) -> dict[str, list[PageOutcome]]:
        fn = [p for p in self.pages if p.truth == "sponsored" and (p.score or 0) < threshold]
        fp = [p for p in self.pages if p.truth == "editorial" and (p.score or 0) >= threshold]
        missed = [p for p in self.pages if any(not s["found"] for s in p.spans if s["label"] == "sponsored")]
        false_blocks = [p for p in self.pages if _no_sponsored_notice(p) and p.sponsored_blocks]
        return {
            "false_negatives": sorted(fn, key=lambda p: p.score or 0),
            "false_positives": sorted(fp, key=lambda p: -(p.score or 0)),
            "missed_sponsored_spans": missed,
            "false_sponsored_blocks": false_blocks,
        }


def _no_sponsored_notice(p: PageOutcome) -> bool:
    return (
        p.truth != "sponsored"
        and p.kind not in TEASER_KINDS
        and not any(s["label"] == "sponsored" for s in p.spans)
    )


def _outcome(lp: LabelledPage, a: Analysis) -> PageOutcome:
    out = PageOutcome(
        id=lp.id, lang=lp.lang, source=lp.source, truth=lp.page, kind=lp.kind,
        score=a.score, label=a.label, error=a.error,
    )
    al = Aligner(a.blocks)
    for s in lp.spans:
        lab = s.get("label")
        if lab not in SPAN_LABELS:
            continue
        hits = al.find(s.get("text", ""))
        total = sum(e - b for b, e in hits)
        got_by: dict[str, int] = {}
        for b, e in hits:
            for blk in al.owner[b:e]:
                got_by[a.blocks[blk].label] = got_by.get(a.blocks[blk].label, 0) + 1
        found = total > 0 and got_by.get(lab, 0) / total > MOST
        got = max(got_by, key=lambda k: got_by[k]) if got_by else "not located"
        # the lowest score among the blocks that give the span its label (how sure the finding is)
        scores = [a.blocks[blk].score for b, e in hits for blk in set(al.owner[b:e].tolist())
                  if a.blocks[blk].label == lab]
        out.spans.append({"label": lab, "text": s.get("text", ""), "found": bool(found), "got": got,
                          "score": min(scores) if found and scores else None})
    out.sponsored_blocks = [b.text for b in a.blocks if b.label == "sponsored"]
    out.sponsored_scores = [float(b.score) for b in a.blocks if b.label == "sponsored"]
    return out


def _run(detector: Detector, lp: LabelledPage) -> PageOutcome:
    return _outcome(lp, detector.analyze(lp.path, name=lp.file))


def evaluate_pages(detector: Detector, pages: Sequence[LabelledPage], *, n_jobs: int = 1) -> EvalResult:
    if n_jobs == 1 or len(pages) < 50:
        outcomes = [_run(detector, lp) for lp in pages]
    else:
        outcomes = Parallel(n_jobs=n_jobs, batch_size=32)(delayed(_run)(detector, lp) for lp in pages)
    return EvalResult(metrics=compute_metrics(outcomes, detector.threshold), pages=outcomes)


def evaluate(corpus: str | Path, detector: Detector | None = None, *, n_jobs: int = 1) -> EvalResult:
    """Evaluate ``detector`` (the shipped default when None) on a corpus folder."""
    detector = detector or Detector.load()
    return evaluate_pages(detector, load_corpus(corpus), n_jobs=n_jobs)


def page_metrics(y: np.ndarray, s: np.ndarray, threshold: float | None,
                 pred: np.ndarray | None = None) -> dict[str, Any]:
    """Page metrics of scores ``s`` against truth ``y``: flagged where ``s >= threshold``, or where ``pred``
    says (``threshold`` None: each page's own label, as in cross-validation, where each fold has its own)."""
    if pred is None:
        pred = s >= threshold
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    tn = int((~pred & (y == 0)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    both = 0 < y.sum() < len(y)
    return {
        "pages": int(len(y)),
        "positives": int(y.sum()),
        "roc_auc": round(float(roc_auc_score(y, s)), 4) if both else None,
        "average_precision": round(float(average_precision_score(y, s)), 4) if both else None,
        "threshold": threshold,
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
        "false_positive_rate": round(fp / (fp + tn), 4) if fp + tn else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }


def compute_metrics(outcomes: Sequence[PageOutcome], threshold: float | None) -> dict[str, Any]:
    """The metrics of the module docstring; ``threshold`` None takes each page's own label as its verdict."""
    ok = [p for p in outcomes if p.error is None]
    scored = [p for p in ok if p.truth in ("sponsored", "editorial")]
    y = np.array([1 if p.truth == "sponsored" else 0 for p in scored], dtype=int)
    s = np.array([p.score for p in scored], dtype=float)
    pred = None if threshold is not None else np.array([p.label == "sponsored" for p in scored], dtype=bool)
    metrics: dict[str, Any] = {"pages_read": len(outcomes), "errors": len(outcomes) - len(ok)}
    metrics["page"] = page_metrics(y, s, threshold, pred)
    spans: dict[str, dict[str, Any]] = {}
    for lab in SPAN_LABELS:
        items = [sp for p in ok for sp in p.spans if sp["label"] == lab]
        found = sum(sp["found"] for sp in items)
        spans[lab] = {"spans": len(items), "found": found, "share": round(found / len(items), 4) if items else None}
    metrics["spans"] = spans
    clean = [p for p in ok if _no_sponsored_notice(p)]
    flagged = sum(1 for p in clean if p.sponsored_blocks)
    metrics["false_sponsored_blocks"] = {
        "pages_without_sponsored_notice": len(clean),
        "pages_with_sponsored_block": flagged,
        "share": round(flagged / len(clean), 4) if clean else None,
    }
    return metrics


def group_metrics(outcomes: Sequence[PageOutcome], threshold: float, key: Callable[[PageOutcome], str]) -> list[dict]:
    """One flat row of metrics per group (language, source, …), largest group first."""
    groups: dict[str, list[PageOutcome]] = {}
    for p in outcomes:
        groups.setdefault(key(p) or "?", []).append(p)
    rows = []
    for name, items in groups.items():
        m = compute_metrics(items, threshold)
        pg, sp = m["page"], m["spans"]
        if pg["pages"] < GROUP_MIN_PAGES:
            continue
        row = {"group": name, "pages": pg["pages"], "sponsored": pg["positives"], "roc_auc": pg["roc_auc"],
               "precision": pg["precision"] if pg["tp"] + pg["fp"] else None,
               "recall": pg["recall"] if pg["positives"] else None, "f1": pg["f1"] if pg["positives"] else None,
               "fpr": pg["false_positive_rate"]}
        for lab in SPAN_LABELS:
            row[f"{lab}_found"] = f"{sp[lab]['found']}/{sp[lab]['spans']}"
            row[f"{lab}_share"] = sp[lab]["share"]
        row["false_sponsored_blocks"] = m["false_sponsored_blocks"]["share"]
        rows.append(row)
    return sorted(rows, key=lambda r: (-r["pages"], r["group"]))
