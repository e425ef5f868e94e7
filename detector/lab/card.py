"""The model card: ``MODEL_CARD.md`` beside a model's weights file (``model.pickle.zlib``) and ``metadata.json``.

Everything in it is read from the metadata (training data and its hash, options, thresholds, the test
split's metrics); the metrics per language and per source come from the metadata too when training
recorded them, or are measured on the training corpus's test split when that corpus is given and its
hash matches. Writing a card never touches the weights file or ``metadata.json``.
"""

from __future__ import annotations

import json
import logging
import operator
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..labels import SPAN_LABELS
from ..modelfiles import META_FILE, ModelError, model_file

__all__ = ["CARD_FILE", "write_model_card", "model_card", "grouped_metrics"]

log = logging.getLogger(__name__)

CARD_FILE = "MODEL_CARD.md"
GROUP_KEYS = {"by_language": "lang", "by_source": "source"}


def grouped_metrics(outcomes: Sequence[Any], threshold: float) -> dict[str, list[dict]]:
    """Metrics per language and per source of evaluated pages (``EvalResult.pages``)."""
    from .evaluate import group_metrics

    return {name: group_metrics(outcomes, threshold, operator.attrgetter(attr)) for name, attr in GROUP_KEYS.items()}


def _measure_groups(
    folder: Path, meta: dict, corpus: Path, n_jobs: int, trust: bool = False
) -> dict[str, list[dict]] | None:
    from ..score import Detector
    from .corpus import corpus_hash, load_corpus
    from .evaluate import evaluate_pages

    want = meta.get("training_data", {}).get("sha256")
    if corpus_hash(corpus) != want:
        log.warning("%s is not the corpus this model was trained on (hash differs): no per-group metrics", corpus)
        return None
    from .train import held_out

    pages = held_out(load_corpus(corpus), meta.get("report", {}))
    if not pages:
        return None
    det = Detector.load(folder, trust=trust)
    result = evaluate_pages(det, pages, n_jobs=n_jobs)
    return grouped_metrics(result.pages, det.threshold)


def write_model_card(
    folder: str | Path, *, corpus: str | Path | None = None, n_jobs: int = 1, trust: bool = False
) -> Path:
    """Write ``MODEL_CARD.md`` into a model folder; returns its path.

    The model is loaded (which needs ``trust=True`` for a folder not shipped with the package) only to
    measure metrics per group on ``corpus`` when the metadata lacks them.
    """
    folder = Path(folder)
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise ModelError(f"{folder} is not a detector model: no {META_FILE}")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    metrics = meta.get("metrics", {})
    groups = {k: metrics[f"data_test_{k}"] for k in GROUP_KEYS if f"data_test_{k}" in metrics} or None
    if groups is None and corpus is not None:
        groups = _measure_groups(folder, meta, Path(corpus), n_jobs, trust)
    text = model_card(meta, groups, name=folder.name)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder / CARD_FILE)
    return folder / CARD_FILE


def _f(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _group_table(rows: Sequence[dict], head: str) -> list[str]:
    out = [f"| {head} | pages | sponsored | ROC AUC | precision | recall | F1 | sponsored notices found | "
           "affiliate found | disclaimers found |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['group']} | {r['pages']} | {r['sponsored']} | {_f(r['roc_auc'])} | {_f(r['precision'])} | "
                   f"{_f(r['recall'])} | {_f(r['f1'])} | {r['sponsored_found']} | {r['affiliate_found']} | "
                   f"{r['disclaimer_found']} |")
    return out


def _metrics_section(name: str, m: dict) -> list[str]:
    pg, sp, fb = m["page"], m["spans"], m["false_sponsored_blocks"]
    out = [
        f"### {name}", "",
        f"{pg['pages']} pages scored ({pg['positives']} sponsored), {m.get('errors', 0)} unreadable.", "",
        "| measure | value |", "|---|---:|",
        f"| page ROC AUC | {_f(pg['roc_auc'])} |",
        f"| page average precision | {_f(pg['average_precision'])} |",
        f"| precision / recall at threshold {pg['threshold']} | {_f(pg['precision'])} / {_f(pg['recall'])} |",
        f"| F1 | {_f(pg['f1'])} |",
        f"| false-positive rate (pages) | {_f(pg['false_positive_rate'])} ({pg['fp']} of {pg['fp'] + pg['tn']}) |",
    ]
    for lab in SPAN_LABELS:
        if lab in sp:
            out.append(f"| {lab} spans found with the right label | {sp[lab]['found']} / {sp[lab]['spans']} "
                       f"({_f(sp[lab]['share'])}) |")
    out.append(f"| pages without a sponsored notice given a sponsored block | {fb['pages_with_sponsored_block']} / "
               f"{fb['pages_without_sponsored_notice']} ({_f(fb['share'])}) |")
    return out + [""]


def model_card(meta: dict, groups: dict[str, list[dict]] | None = None, *, name: str = "model") -> str:
    """The card's Markdown text, from a model's metadata (and metrics per group when known)."""
    td = meta.get("training_data", {})
    rep = meta.get("report", {})
    opts = meta.get("options", {})
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items()))
    lines = [
        f"# Model card: detector model `{name}`", "",
        "Written by `detector card` from this folder's `metadata.json`; regenerate it rather than edit it.", "",
        "## Model", "",
        "- **What it does**: finds the notices that say a web page is paid for (sponsored, advertorial, partner "
        "content), affiliate notes, disclaimers and site boilerplate, block by block, and scores the page: the "
        "probability that its main content is sponsored.",
        f"- **Block classifier**: multinomial logistic regression over hashed word and character n-grams of a "
        f"block, its neighbours' words and the heading above it, and its layout; internal classes "
        f"{', '.join(meta.get('classes', []))}. A cue-word gate (detector/lexicon.py) allows `sponsored` and "
        "`affiliate` only on blocks holding a cue word of six languages.",
        "- **Page scorer**: logistic regression over the blocks' evidence (the strongest sponsored block, where it "
        "sits, whether it speaks of the page itself), trained on out-of-fold block probabilities.",
        f"- **Files**: `{model_file(meta)}` (sha256 `{meta.get('model_sha256', '?')}`, checked before unpickling), "
        f"`metadata.json`, format version {meta.get('format_version')}.",
        f"- **Written with**: {versions}. Another scikit-learn minor version refuses to load it.", "",
        "## Training data", "",
        f"- **Corpus**: `{td.get('corpus', '?')}`, {td.get('pages', '?')} pages, sha256 `{td.get('sha256', '?')}` "
        "(labels.jsonl and every page, in order: `detector.lab.corpus.corpus_hash`; for several corpora, the sha256 of "
        "their hashes in order).",
        *[f"  - `{c['name']}`: {c['pages']} pages, sha256 `{c['sha256']}`" for c in td.get("corpora", [])],
        f"- **Split**: {td.get('split', '?')}, {_f(td.get('test_share'))} of the sites held out, seed "
        f"{meta.get('seed', '?')}: {rep.get('train_pages', '?')} training pages ({rep.get('train_blocks', '?')} "
        f"blocks with the augmented ones) from {len(rep.get('train_sources', []))} sources; "
        f"{rep.get('test_pages', '?')} test pages from {len(rep.get('test_sites', rep.get('test_sources', [])))} "
        "sites never trained on.",
        *(["- `data/` is generated from our own writing in six languages (en, de, fr, es, it, nl): fictional sites, "
           "layouts and brands (see data/README.md)."] if any(c.get("name") == "data" for c in td.get("corpora", []))
          or td.get("corpus") == "data" else []),
        *(["- `realdev` holds real public pages (see its README): the weights hold hashed features of their "
           "words, never their text; the pages themselves are not part of the project."]
          if any(c.get("name") == "realdev" for c in td.get("corpora", [])) else []),
        *([f"- **Chrome of pages without boilerplate labels** (realdev): labelled by {td['chrome_reference']}'s "
           "main text: a block it keeps is editorial, a short, link-heavy or navigation-placed block it drops is "
           "boilerplate, other blocks are left out."] if td.get("chrome_reference") else []),
        *([f"- **Rebuild**: `{meta['command']}`"] if meta.get("command") else []),
        "- Training adds noisy copies of notices, short prose fragments and number, date and code blocks.",
        f"- **Options**: {', '.join(f'{k}={v}' for k, v in sorted(opts.items()))}.", "",
        "## Intended use", "",
        "- Cleaning web corpora: find and cut sponsored, affiliate and disclaimer notices and boilerplate; drop or "
        "flag pages whose main content is paid for.",
        "- Research on native advertising and disclosure practice; a first pass for compliance reviews of whether "
        "paid content is disclosed, with a person checking what it flags.",
        "- Whole pages (HTML, plain text, Markdown) in English, German, French, Spanish, Italian or Dutch.", "",
        "## Out-of-scope use", "",
        "- Deciding on its own that a publisher broke disclosure rules, or any decision about a person: the score "
        "says a page *reads* like paid content, not that it is.",
        "- Finding paid content that carries no disclosure at all (a \"Sponsored\" category only, undisclosed "
        "influencer posts): the model reads disclosures, it does not judge intent.",
        "- Pages in other languages (no cue words: they never get a sponsored or affiliate block), ads and ad slots "
        "themselves, product pages, social-media posts, and an extractor's main text (notices in bylines, headers "
        "and footers are lost there).", "",
        "## Thresholds", "",
        f"- **Page threshold**: {meta.get('threshold')} — a page is `sponsored` when its score reaches it. "
        + ("Set at training time (`--threshold`)." if opts.get("threshold") is not None else
           "Chosen on out-of-fold scores at a crawl's prevalence of sponsored pages (1.4 %)."),
        f"- **Sponsored block threshold**: {meta.get('sponsored_block_threshold')} — a block is labelled "
        "`sponsored` only at this probability; below it takes its runner-up label.",
        "- On a page scoring below 0.75 and below the page threshold, a bare label of up to three words "
        "(\"Anzeige\", \"Paid Post\") is an ad slot: boilerplate.", "",
        "## Metrics", "",
    ]
    cv = meta.get("crossval")
    if cv:
        from .crossval import format_cv

        lines += ["### Cross-validation by site (every page scored by a model that never saw its site)", "",
                  "The figures that predict pages of sites the model never saw. One row per corpus, per source "
                  "for a corpus of few sources; `realdev/…` rows are real pages.", "", format_cv(cv), ""]
    metrics = meta.get("metrics", {})
    shown = bool(cv)
    for key, m in metrics.items():
        if isinstance(m, dict) and "page" in m:
            title = "Test split of the training corpus (sources never trained on)" if key == "data_test" else key
            lines += _metrics_section(title, m)
            shown = True
    if not shown:
        lines += ["No test metrics were recorded (trained without a test split).", ""]
    if groups:
        lines += ["### Per language (test split)", "", *_group_table(groups.get("by_language", []), "language"), "",
                  "### Per source (test split)", "", *_group_table(groups.get("by_source", []), "source"), ""]
    else:
        lines += ["Metrics per language and per source were not recorded: `detector card MODEL_DIR --corpus CORPUS` "
                  "measures them on the training corpus's test split.", ""]
    lines += [
        "## Known limits", "",
        *(["- Trained on generated pages only: real pages word notices in endless ways, and sites unlike the "
           "generated layouts are scored less well."] if td.get("corpus") == "data" else []),
        "- Real sponsored pages in the training corpora are few and most come from one magazine: read the "
        "cross-validation rows per source, not only the pooled one.",
        "- Measure on your own pages (`detector evaluate CORPUS --report DIR`) before relying on it.",
        "- Notices without any cue word (\"part of the web development series from …\") are missed; sentences "
        "about advertising (\"Why do advertisers pay for ads?\") can be taken for notices.",
        "- Label-only disclosures (\"Paid Post\", \"Presented by X\") score between about 0.75 and 0.94: below "
        "the shipped threshold. Lower it where they matter more than precision.",
        "- A notice that shares a paragraph with product copy, or spans longer than the block holding it, can be "
        "labelled only in part.",
        "- `detector explain PAGE` shows which words and layout features pushed each label.", "",
    ]
    return "\n".join(lines)
