"""An evaluation report: curves, block confusion, metrics per language and source, mistakes, baselines.

``detector evaluate CORPUS --report DIR`` writes into DIR:

- ``report.html`` — one self-contained page (CSS inline, the plots embedded as base64 PNGs);
- ``pr_curve.png``, ``reliability.png``, ``confusion.png``, ``by_language.png``, ``by_source.png``;
- ``metrics.json`` — every number of the page, for machines.

The comparison is on the same pages: the keyword list of :mod:`detector.lab.baselines` (page AUC,
precision, recall, spans found, false sponsored blocks), and how many labelled disclosures trafilatura's
main text still holds (skipped with a note when trafilatura is not installed). Plots need matplotlib
(``pip install detector[report]``); they are drawn on the Agg canvas, never through pyplot's global state.
"""

from __future__ import annotations

import base64
import html
import io
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from joblib import Parallel, delayed

from ..io import InputError
from ..labels import OUTPUT_LABEL, OUTPUT_LABELS, SPAN_LABELS
from ..score import Analysis, Detector
from ..segment import segment
from .baselines import KEYWORD_THRESHOLD, extractor_kept, have_trafilatura, keyword_analysis, main_text
from .corpus import IGNORE, LabelledPage, block_targets
from .evaluate import EvalResult, PageOutcome, _outcome, compute_metrics, group_metrics

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "ReportData",
    "ahead",
    "collect",
    "comparison",
    "confusion",
    "confusion_figure",
    "figure_png",
    "group_figure",
    "group_metrics",
    "pr_figure",
    "reliability_figure",
    "write_report",
]

log = logging.getLogger(__name__)

MISTAKES_SHOWN = 25  # pages of each kind of mistake listed in the HTML report
COLOURS = {"detector": "#c0392b", "keyword": "#7f8c8d", "block": "#2c7fb8"}


@dataclass
class PageRecord:
    """What one page contributes to the report."""

    outcome: PageOutcome
    blocks: list[tuple[str, str, float]] = field(default_factory=list)  # (label, true label, p sponsored)
    keyword: PageOutcome | None = None
    extractor: list[dict] | None = None  # one {"label", "kept"} per labelled span; None: not measured


@dataclass
class ReportData:
    """The pages' outcomes under the detector and the baselines, with per-block truth."""

    records: list[PageRecord]
    threshold: float
    model: dict[str, Any] = field(default_factory=dict)  # the model's training data and options
    corpus: str = ""
    extractor_note: str | None = None  # why the extractor baseline was skipped

    @property
    def result(self) -> EvalResult:
        outcomes = [r.outcome for r in self.records]
        return EvalResult(metrics=compute_metrics(outcomes, self.threshold), pages=outcomes)

    @property
    def keyword(self) -> EvalResult | None:
        kw = [r.keyword for r in self.records if r.keyword is not None]
        if len(kw) != len(self.records):
            return None
        return EvalResult(metrics=compute_metrics(kw, KEYWORD_THRESHOLD), pages=kw)


def _record(det: Detector, lp: LabelledPage, baselines: bool, extractor: bool) -> PageRecord:
    try:
        raw = det.read(lp.path, name=lp.file)
        page = segment(raw, det.limits)
    except (InputError, RecursionError) as err:
        msg = "document nested too deeply" if isinstance(err, RecursionError) else str(err)
        a = Analysis(path=lp.file, score=None, label=None, error=msg)
        return PageRecord(_outcome(lp, a), keyword=_outcome(lp, a) if baselines else None)
    a = det.analyze_page(page)
    rec = PageRecord(_outcome(lp, a))
    if a.error is None:
        truth = block_targets(lp, a.blocks)
        rec.blocks = [
            (b.label, "editorial" if t == IGNORE else OUTPUT_LABEL[t], float(b.probs.get("sponsored", 0.0)))
            for b, t in zip(a.blocks, truth)
        ]
    if baselines:
        kw = (keyword_analysis(page) if a.error is None
              else Analysis(path=lp.file, score=None, label=None, error=a.error))
        rec.keyword = _outcome(lp, kw)
        if extractor and a.error is None:
            try:
                rec.extractor = extractor_kept(main_text(raw, page), lp.spans)
            except Exception as err:  # noqa: BLE001 - an extractor failure on one page is that page's, not the report's
                log.warning("trafilatura failed on %s: %s", lp.id, err)
    return rec


def collect(
    detector: Detector, pages: Sequence[LabelledPage], *, n_jobs: int = 1, baselines: bool = True, corpus: str = ""
) -> ReportData:
    """Score every page once, with per-block truth and (``baselines``) the keyword list and trafilatura."""
    extractor = baselines and have_trafilatura()
    note = None
    if baselines and not extractor:
        note = "trafilatura is not installed (pip install 'detector[report]'): the extractor baseline was skipped"
    elif not baselines:
        note = "baselines were not asked for"
    if n_jobs == 1 or len(pages) < 50:
        records = [_record(detector, lp, baselines, extractor) for lp in pages]
    else:
        records = Parallel(n_jobs=n_jobs, batch_size=16)(
            delayed(_record)(detector, lp, baselines, extractor) for lp in pages
        )
    meta = detector.model.metadata
    model = {
        "training_data": meta.get("training_data", {}), "threshold": detector.threshold,
        "model_sha256": meta.get("model_sha256"),
    }
    return ReportData(records=records, threshold=detector.threshold, model=model, corpus=corpus, extractor_note=note)


# -- numbers ---------------------------------------------------------------------------------------

def confusion(data: ReportData) -> np.ndarray:
    """Block counts: rows the true label, columns the detector's, both in ``OUTPUT_LABELS`` order."""
    idx = {lab: i for i, lab in enumerate(OUTPUT_LABELS)}
    m = np.zeros((len(OUTPUT_LABELS), len(OUTPUT_LABELS)), dtype=np.int64)
    for r in data.records:
        for got, truth, _ in r.blocks:
            m[idx[truth], idx[got]] += 1
    return m


def extractor_summary(data: ReportData) -> dict[str, Any] | None:
    """Per span label: labelled disclosures, how many trafilatura's main text keeps, how many detector finds."""
    recs = [r for r in data.records if r.extractor is not None]
    if not recs:
        return None
    out: dict[str, Any] = {"pages": len(recs)}
    for lab in SPAN_LABELS:
        kept = total = found = 0
        for r in recs:
            spans = [s for s in r.outcome.spans if s["label"] == lab]
            ext = [e for e in r.extractor or [] if e["label"] == lab]
            for s, e in zip(spans, ext):  # both follow the page's span order
                total += 1
                kept += e["kept"]
                found += s["found"]
        out[lab] = {"spans": total, "kept_in_main_text": kept, "dropped": total - kept, "detector_found": found,
                    "kept_share": round(kept / total, 4) if total else None,
                    "detector_share": round(found / total, 4) if total else None}
    sp_pages = [r for r in recs if r.outcome.truth == "sponsored"]
    with_notice = [r for r in sp_pages if any(e["label"] == "sponsored" for e in r.extractor or [])]
    out["sponsored_pages_with_notice"] = len(with_notice)
    out["sponsored_pages_notice_kept"] = sum(
        1 for r in with_notice if any(e["label"] == "sponsored" and e["kept"] for e in r.extractor or []))
    return out


def comparison(data: ReportData) -> list[dict[str, Any]]:
    """Rows of (measure, detector, keyword list): the same pages, the same metric code."""
    det = data.result.metrics
    kw = data.keyword.metrics if data.keyword is not None else None

    def pick(m: dict | None, path: str) -> Any:
        if m is None:
            return None
        for k in path.split("."):
            m = m[k]
        return m

    rows = []
    for name, path in [
        ("page ROC AUC", "page.roc_auc"), ("page average precision", "page.average_precision"),
        ("page precision", "page.precision"), ("page recall", "page.recall"), ("page F1", "page.f1"),
        ("page false-positive rate", "page.false_positive_rate"),
        ("sponsored notices found", "spans.sponsored.share"), ("affiliate notes found", "spans.affiliate.share"),
        ("disclaimers found", "spans.disclaimer.share"),
        ("pages without a sponsored notice given a sponsored block", "false_sponsored_blocks.share"),
    ]:
        rows.append({"measure": name, "key": path, "detector": pick(det, path), "keyword": pick(kw, path)})
    return rows


_LOWER_IS_BETTER = ("page.false_positive_rate", "false_sponsored_blocks.share")


def ahead(data: ReportData) -> list[str]:
    """Sentences that say how far detector is ahead of (or behind) each baseline."""
    lines = []
    for row in comparison(data):
        d, k = row["detector"], row["keyword"]
        if d is None or k is None:
            continue
        better = d < k if row["key"] in _LOWER_IS_BETTER else d > k
        word = "ahead" if better else "level" if d == k else "behind"
        lines.append(f"{row['measure']}: {d:.3g} vs {k:.3g} for the keyword list ({word})")
    ext = extractor_summary(data)
    if ext is None:
        lines.append(data.extractor_note or "trafilatura baseline not measured")
    else:
        for lab in SPAN_LABELS:
            e = ext[lab]
            if e["spans"]:
                lines.append(
                    f"{lab} disclosures: trafilatura's main text keeps {e['kept_in_main_text']} of {e['spans']} "
                    f"unflagged and drops {e['dropped']}; detector labels {e['detector_found']} of {e['spans']}"
                )
    return lines


# -- figures ---------------------------------------------------------------------------------------

def _figure(w: float = 6.4, h: float = 4.2) -> Figure:
    from matplotlib.figure import Figure  # Agg canvas; no pyplot, no global state

    return Figure(figsize=(w, h), dpi=100, layout="constrained")


def figure_png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _page_arrays(outcomes: Sequence[PageOutcome]) -> tuple[np.ndarray, np.ndarray]:
    scored = [p for p in outcomes if p.error is None and p.truth in ("sponsored", "editorial")]
    return (np.array([p.truth == "sponsored" for p in scored], dtype=int),
            np.array([p.score for p in scored], dtype=float))


def pr_figure(data: ReportData) -> Figure:
    """Precision-recall of the page score (with the threshold's and the keyword list's points) and of
    sponsored blocks."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    fig = _figure(10, 4.2)
    ax, bx = fig.subplots(1, 2)
    y, s = _page_arrays(data.result.pages)
    if 0 < y.sum() < len(y):
        p, r, _ = precision_recall_curve(y, s)
        ax.plot(r, p, color=COLOURS["detector"], label=f"detector (AP {average_precision_score(y, s):.3f})")
        m = data.result.metrics["page"]
        ax.plot([m["recall"]], [m["precision"]], "o", color=COLOURS["detector"],
                label=f"threshold {data.threshold}: P {m['precision']:.2f} R {m['recall']:.2f}")
        if data.keyword is not None:
            k = data.keyword.metrics["page"]
            ax.plot([k["recall"]], [k["precision"]], "s", color=COLOURS["keyword"],
                    label=f"keyword list: P {k['precision']:.2f} R {k['recall']:.2f}")
    ax.set(title="pages: is the main content sponsored?", xlabel="recall", ylabel="precision", xlim=(0, 1.02),
           ylim=(0, 1.02))
    ax.legend(loc="lower left", fontsize=8)
    yb = np.array([t == "sponsored" for r in data.records for _, t, _ in r.blocks], dtype=int)
    sb = np.array([p for r in data.records for _, _, p in r.blocks], dtype=float)
    if 0 < yb.sum() < len(yb):
        p, r, _ = precision_recall_curve(yb, sb)
        ap = average_precision_score(yb, sb)
        bx.plot(r, p, color=COLOURS["block"], label=f"p(sponsored) per block (AP {ap:.3f})")
        bx.legend(loc="lower left", fontsize=8)
    bx.set(title="blocks: is this block a sponsored notice?", xlabel="recall", ylabel="precision", xlim=(0, 1.02),
           ylim=(0, 1.02))
    return fig


def reliability_figure(data: ReportData, bins: int = 10) -> Figure:
    """Reliability (calibration) of the page score, with how many pages fall in each bin."""
    from sklearn.calibration import calibration_curve

    fig = _figure(6.4, 5.6)
    ax, hx = fig.subplots(2, 1, height_ratios=[3, 1], sharex=True)
    y, s = _page_arrays(data.result.pages)
    ax.plot([0, 1], [0, 1], ":", color="#888", label="perfectly calibrated")
    if len(y) and 0 < y.sum() < len(y):
        true, pred = calibration_curve(y, s, n_bins=bins, strategy="uniform")
        ax.plot(pred, true, "o-", color=COLOURS["detector"], label="detector page score")
    ax.axvline(data.threshold, color="#555", lw=0.8, ls="--", label=f"threshold {data.threshold}")
    ax.set(title="reliability of the page score", ylabel="share of pages truly sponsored", ylim=(-0.02, 1.02))
    ax.legend(loc="upper left", fontsize=8)
    if len(s):
        hx.hist(s, bins=np.linspace(0, 1, bins + 1), color=COLOURS["detector"], alpha=0.7)
        hx.set_yscale("log")
    hx.set(xlabel="page score", ylabel="pages", xlim=(0, 1))
    return fig


def confusion_figure(data: ReportData) -> Figure:
    """Block labels: true (rows) against the detector's (columns); colour = share of the row."""
    m = confusion(data)
    fig = _figure(6.6, 5.4)
    ax = fig.subplots()
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    n = len(OUTPUT_LABELS)
    ax.set_xticks(range(n), OUTPUT_LABELS, rotation=30, ha="right")
    ax.set_yticks(range(n), OUTPUT_LABELS)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{m[i, j]:,}", ha="center", va="center", fontsize=8,
                    color="white" if share[i, j] > 0.6 else "black")
    ax.set(title=f"block labels ({int(m.sum()):,} blocks)", xlabel="detector", ylabel="truth (from the spans)")
    return fig


def group_figure(rows: Sequence[dict], title: str, max_groups: int = 30) -> Figure:
    """Horizontal bars per group: page precision, page recall, sponsored notices found."""
    rows = list(rows)[:max_groups]
    fig = _figure(7.5, 1.2 + 0.42 * max(1, len(rows)))
    ax = fig.subplots()
    measures = [("precision", "#c0392b"), ("recall", "#e67e22"), ("sponsored_share", "#2c7fb8")]
    h = 0.8 / len(measures)
    yy = np.arange(len(rows))
    for k, (key, col) in enumerate(measures):
        vals = [r.get(key) for r in rows]
        ax.barh(yy + k * h, [v if v is not None else 0 for v in vals], height=h, color=col,
                label=key.replace("_share", " notices found"))
    ax.set_yticks(yy + h, [f"{r['group']} ({r['pages']})" for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1.0), title=title, xlabel="share (no bar: 0, or no such pages)")
    fig.legend(loc="outside lower center", ncol=len(measures), fontsize=8)
    return fig


# -- writing ---------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:72em;
color:#222;padding:0 1em}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}td,th{padding:.15em .6em;border-bottom:1px solid #eee;
text-align:right;vertical-align:top}td:first-child,th:first-child{text-align:left}td.text{text-align:left;
max-width:50em}img{max-width:100%;display:block;margin:.5em 0}.note{color:#555}ul.ahead li{margin:.2em 0}
"""


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return html.escape(str(v))


def _table(rows: Sequence[dict], cols: Sequence[str], heads: Sequence[str] | None = None) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in (heads or cols)) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{_fmt(r.get(c))}</td>" for c in cols) + "</tr>")
    return "".join(out) + "</table>"


def _mistake_rows(items: Sequence[PageOutcome], kind: str, n: int) -> str:
    out = ['<table><tr><th>page</th><th>kind</th><th>lang</th><th>score</th><th>text</th></tr>']
    for p in items[:n]:
        if kind == "spans":
            text = "<br>".join(f"{html.escape(s['text'][:300])} <b>→ {html.escape(s['got'])}</b>"
                               for s in p.spans if s["label"] == "sponsored" and not s["found"])
        elif kind == "blocks":
            text = "<br>".join(html.escape(t[:300]) for t in p.sponsored_blocks[:3])
        else:
            text = "<br>".join(f"[{html.escape(s['label'])} → {html.escape(s['got'])}] {html.escape(s['text'][:300])}"
                               for s in p.spans) or "<i>no labelled disclosure</i>"
            if kind == "fp":
                text = "<br>".join(html.escape(t[:300]) for t in p.sponsored_blocks[:3]) or text
        score = "–" if p.score is None else f"{p.score:.3f}"
        out.append(f"<tr><td>{html.escape(p.id)}</td><td>{html.escape(p.kind)}</td><td>{html.escape(p.lang)}</td>"
                   f"<td>{score}</td><td class=\"text\">{text}</td></tr>")
    return "".join(out) + "</table>"


def write_report(data: ReportData, out_dir: str | Path, *, mistakes: int = MISTAKES_SHOWN) -> dict[str, Path]:
    """Write the PNGs, ``metrics.json`` and the self-contained ``report.html``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = data.result
    m = result.metrics
    by_lang = group_metrics(result.pages, data.threshold, lambda p: p.lang)
    by_source = group_metrics(result.pages, data.threshold, lambda p: p.source)
    cm = confusion(data)
    figures = {
        "pr_curve": pr_figure(data),
        "reliability": reliability_figure(data),
        "confusion": confusion_figure(data),
        "by_language": group_figure(by_lang, "by language"),
        "by_source": group_figure(by_source, "by source"),
    }
    paths: dict[str, Path] = {}
    pngs: dict[str, bytes] = {}
    for name, fig in figures.items():
        pngs[name] = figure_png(fig)
        paths[name] = out / f"{name}.png"
        paths[name].write_bytes(pngs[name])
    ext = extractor_summary(data)
    summary = {
        "corpus": data.corpus, "model": data.model, "threshold": data.threshold, "metrics": m,
        "keyword_baseline": data.keyword.metrics if data.keyword is not None else None,
        "extractor_baseline": ext, "extractor_note": data.extractor_note if ext is None else None,
        "comparison": comparison(data), "ahead": ahead(data),
        "confusion": {"labels": list(OUTPUT_LABELS), "rows_truth_cols_detector": cm.tolist()},
        "by_language": by_lang, "by_source": by_source,
    }
    paths["metrics"] = out / "metrics.json"
    paths["metrics"].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(_html(data, summary, pngs, mistakes), encoding="utf-8")
    return paths


def _img(pngs: dict[str, bytes], name: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(pngs[name]).decode()}">'


def _html(data: ReportData, s: dict, pngs: dict[str, bytes], n: int) -> str:
    m = s["metrics"]
    pg = m["page"]
    esc = html.escape
    td = data.model.get("training_data", {})
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>detector evaluation: {esc(data.corpus)}</title><style>{_CSS}</style></head><body>",
        f"<h1>detector evaluation on {esc(data.corpus or 'a corpus')}</h1>",
        (f"<p class=\"note\">{m['pages_read']:,} pages read ({m['errors']} unreadable), {pg['pages']:,} scored "
        f"({pg['positives']:,} sponsored). Model trained on {esc(str(td.get('corpus', '?')))} "
        f"(sha256 {esc(str(td.get('sha256', '?'))[:12])}…), page threshold {data.threshold}. "
        f"Written {time.strftime('%Y-%m-%d %H:%M')}.</p>"),
        "<h2>How far ahead of the baselines</h2><ul class=\"ahead\">",
    ]
    parts += [f"<li>{esc(line)}</li>" for line in s["ahead"]]
    parts.append("</ul>")
    parts.append(_table(s["comparison"], ["measure", "detector", "keyword"], ["measure", "detector", "keyword list"]))
    parts.append("<p class=\"note\">Keyword list: a fixed list of disclosure phrases in six languages matched block by "
                 "block (detector/lab/baselines.py); the page counts as sponsored when any block holds a sponsored "
                 "phrase. Same pages, same segmentation, same metric code.</p>")
    ext = s["extractor_baseline"]
    if ext:
        rows = [{"label": lab, **ext[lab]} for lab in SPAN_LABELS]
        parts.append("<h3>trafilatura's main text</h3>")
        parts.append(_table(rows, ["label", "spans", "kept_in_main_text", "dropped", "detector_found"],
                            ["disclosure", "labelled", "kept in main text (unflagged)", "dropped",
                             "labelled by detector"]))
        parts.append(f"<p class=\"note\">Of {ext['sponsored_pages_with_notice']} sponsored pages with a labelled "
                     f"notice, trafilatura's main text keeps the notice on {ext['sponsored_pages_notice_kept']}: a "
                     "cleaner that keeps main text either keeps the paid content with its notice unflagged, or drops "
                     "the one sentence that says it is paid.</p>")
    else:
        parts.append(f"<p class=\"note\">{esc(s['extractor_note'] or '')}</p>")
    parts.append("<h2>Curves</h2>" + _img(pngs, "pr_curve", "precision-recall curves")
                 + _img(pngs, "reliability", "reliability curve"))
    spans = [{"label": lab, **v} for lab, v in m["spans"].items()]
    parts.append("<h2>Metrics</h2>")
    parts.append(_table([pg], ["pages", "positives", "roc_auc", "average_precision", "precision", "recall", "f1",
                               "false_positive_rate", "tp", "fp", "fn", "tn"]))
    parts.append(_table(spans, ["label", "spans", "found", "share"],
                        ["labelled disclosures", "spans", "found", "share"]))
    fb = m["false_sponsored_blocks"]
    parts.append("<p>Pages without a sponsored notice that got a sponsored block: "
                 f"{fb['pages_with_sponsored_block']:,} of {fb['pages_without_sponsored_notice']:,} "
                 f"({_fmt(fb['share'])}).</p>")
    cm = s["confusion"]["rows_truth_cols_detector"]
    parts.append("<h2>Block labels</h2>" + _img(pngs, "confusion", "confusion matrix of block labels"))
    parts.append(_table([{"truth": lab, **dict(zip(OUTPUT_LABELS, row))} for lab, row in zip(OUTPUT_LABELS, cm)],
                        ["truth", *OUTPUT_LABELS], ["truth \\ detector", *OUTPUT_LABELS]))
    parts.append("<p class=\"note\">A block's true label is the label of the span covering most of it (boilerplate "
                 "and teaser marks included); a block mostly outside every span is editorial.</p>")
    if not any(cm[OUTPUT_LABELS.index("boilerplate")]):
        parts.append("<p class=\"note\">This corpus marks no boilerplate: every block outside a labelled disclosure "
                     "counts as editorial, so editorial → boilerplate is not an error here, and editorial → "
                     "disclaimer may be a disclaimer the labels leave out.</p>")
    cols = ["group", "pages", "sponsored", "roc_auc", "precision", "recall", "f1", "fpr", "sponsored_found",
            "affiliate_found", "disclaimer_found", "false_sponsored_blocks"]
    heads = ["group", "pages", "sponsored", "ROC AUC", "precision", "recall", "F1", "FPR", "sponsored found",
             "affiliate found", "disclaimers found", "false sponsored blocks"]
    for key, title in (("by_language", "By language"), ("by_source", "By source")):
        parts.append(f"<h2>{title}</h2>" + _img(pngs, key, f"metrics {title.lower()}") + _table(s[key], cols, heads))
    mk = data.result.mistakes(data.threshold)
    parts.append("<h2>Mistakes</h2>")
    for key, kind, title in [
        ("false_negatives", "fn", "Sponsored pages scored below the threshold (misses)"),
        ("false_positives", "fp", "Editorial pages scored above the threshold (false alarms)"),
        ("missed_sponsored_spans", "spans", "Sponsored notices not labelled sponsored"),
        ("false_sponsored_blocks", "blocks", "Sponsored blocks on pages without a sponsored notice"),
    ]:
        items = mk[key]
        parts.append(f"<h3>{esc(title)}: {len(items):,}</h3>")
        if items:
            parts.append(_mistake_rows(items, kind, n))
            if len(items) > n:
                parts.append(f"<p class=\"note\">… and {len(items) - n:,} more.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
