"""Commands that make and measure models: ``train``, ``evaluate``, ``crossval``, ``card``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..modelfiles import ModelError
from .main import _TRUST, MODEL_OPTION, _detector, main


@main.command()
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The training corpus: metrics per language and per source are measured on its test split "
                   "when the model's metadata lacks them (only if its hash matches the model's).")
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes.")
@_TRUST
def card(model_dir: Path, corpus: Path | None, jobs: int, trust: bool) -> None:
    """Write MODEL_CARD.md into a model folder (the weights file and metadata.json are left as they are).

    Example: detector card detector/models/default --corpus data -j 2
    """
    from ..lab.card import write_model_card

    try:
        path = write_model_card(model_dir, corpus=corpus, n_jobs=jobs, trust=trust)
    except (ModelError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"model card written to {path}", err=True)


def _evaluate_with_report(det: Any, pages: list, corpus: Path, out: Path, *, jobs: int, baselines: bool,
                          which: str) -> Any:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise click.ClickException("--report needs matplotlib: pip install 'detector[report]'") from None
    from ..lab.report import collect, write_report

    name = corpus.name + (" (test split)" if which == "test" else "")
    data = collect(det, pages, n_jobs=jobs, baselines=baselines, corpus=name)
    paths = write_report(data, out)
    click.echo(f"report written to {paths['html']}", err=True)
    return data.result


@main.command()
@click.argument("corpora", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Model folder to write.")
@click.option("--seed", default=0, show_default=True, help="Random seed (split and training).")
@click.option("--test-share", default=0.2, show_default=True,
              help="Share of sites held out for testing (0: train on every page; measure with `detector crossval`).")
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes.")
@click.option("--limit", type=int, default=None, help="Train on the first N pages only.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Page threshold (default: chosen on out-of-fold scores of the corpus).")
@click.option("--crossval", "crossval_folds", type=click.IntRange(min=0), default=0, metavar="FOLDS",
              help="Also cross-validate by site in FOLDS folds on the same corpora; the figures go into the "
                   "metadata and the model card.")
@click.option("--force", is_flag=True, help="Overwrite an existing model folder.")
def train(corpora: tuple[Path, ...], output: Path, seed: int, test_share: float, jobs: int, limit: int | None,
          threshold: float | None, crossval_folds: int, force: bool) -> None:
    """Train a model on labelled corpora (LABELS.md format), split by site; write a model folder.

    Example: detector train data ../shared/realdev -o models/mine -j 2
    """
    from ..lab.train import TrainOptions
    from ..lab.train import train as do_train
    from ..modelfiles import ModelError

    if output.exists() and any(output.iterdir()) and not force:
        raise click.ClickException(f"{output} exists and is not empty (use --force to overwrite)")
    opts = TrainOptions(seed=seed, test_share=test_share, n_jobs=jobs, limit=limit, threshold=threshold,
                        crossval_folds=crossval_folds)
    model, report = do_train(list(corpora), opts)
    model.metadata["command"] = " ".join(["detector", "train", *map(str, corpora), "-o", str(output), "-j", str(jobs),
                                          "--test-share", str(test_share), "--seed", str(seed)]
                                         + (["--threshold", str(threshold)] if threshold is not None else [])
                                         + (["--crossval", str(crossval_folds)] if crossval_folds else [])
                                         + (["--limit", str(limit)] if limit else []) + (["--force"] if force else []))
    try:
        model.save(output, force=force)
    except ModelError as err:
        raise click.ClickException(str(err)) from None
    from ..lab.card import write_model_card

    write_model_card(output)
    m = report.get("test_metrics", {})
    click.echo(f"model written to {output} ({report['train_pages']} train pages, {report['test_pages']} test pages, "
               f"{report['seconds']}s)", err=True)
    if m:
        click.echo(json.dumps(m, indent=2))


@main.command()
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@MODEL_OPTION
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes.")
@click.option("--split", "which", type=click.Choice(["all", "test"]), default="all", show_default=True,
              help="'test': only the sources the model's training held out (for data/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--mistakes", default=10, show_default=True, help="How many wrong pages of each kind to list.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write a report folder: report.html (self-contained), PNG plots, metrics.json "
                   "(needs matplotlib: pip install 'detector[report]').")
@click.option("--baselines/--no-baselines", default=True, show_default=True,
              help="With --report: measure the keyword list and trafilatura on the same pages.")
def evaluate(corpus: Path, model_dir: Path | None, trust: bool, jobs: int, which: str, fmt: str, mistakes: int,
             report_dir: Path | None, baselines: bool) -> None:
    """Evaluate a model on a labelled corpus: page and span metrics, false blocks, mistakes.

    With --report DIR, also precision-recall and reliability curves, the confusion matrix of block
    labels, metrics per language and per source, the mistakes with their text, and the baselines.

    Example: detector evaluate ../shared/realdev -j 2 --report reports/realdev
    """
    from ..lab.corpus import load_corpus
    from ..lab.evaluate import evaluate_pages

    det = _detector(model_dir, trust)
    pages = load_corpus(corpus)
    if which == "test":
        from ..lab.train import held_out

        pages = held_out(pages, det.model.metadata.get("report", {}))
    if report_dir is None:
        result = evaluate_pages(det, pages, n_jobs=jobs)
    else:
        result = _evaluate_with_report(det, pages, corpus, report_dir, jobs=jobs, baselines=baselines, which=which)
    if fmt == "json":
        click.echo(json.dumps(result.metrics, indent=2))
        return
    click.echo(format_metrics(result.metrics))
    if mistakes:
        for name, items in result.mistakes(det.threshold).items():
            click.echo(f"\n{name.replace('_', ' ')}: {len(items)}")
            for p in items[:mistakes]:
                detail = "; ".join(s["text"][:70] + f" -> {s['got']}" for s in p.spans if not s["found"])
                extra = detail or "; ".join(t[:70] for t in p.sponsored_blocks[:2])
                score = p.score if p.score is None else round(p.score, 3)
                click.echo(f"  {p.id:<32} {p.kind:<22} score {score}  {extra}")


@main.command()
@click.argument("corpora", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True, help="Folds, by site.")
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes (reading and scoring).")
@click.option("--limit", type=int, default=None, help="Every k-th page only, N in all (quick runs).")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True,
              help="A Markdown table per row, or every metric as JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the JSON metrics to this file.")
@click.option("--save-folds", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Also write each fold's model and the pages it held out to DIR, for --rescore.")
@click.option("--rescore", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Train nothing: score the pages held out by the fold models that --save-folds "
                                  "wrote to DIR again, with the code as it is now (needs --trust).")
@click.option("--trust", is_flag=True, envvar="DETECTOR_TRUST_MODELS",
              help="With --rescore: load the fold models of DIR (loading unpickles them).")
def crossval(corpora: tuple[Path, ...], folds: int, jobs: int, limit: int | None, fmt: str,
             output: Path | None, save_folds: Path | None, rescore: Path | None, trust: bool) -> None:
    """Cross-validate by site: every page scored by a model that never saw its site.

    Trains FOLDS models on the corpora with the shipped training options, each with the pages of a
    fifth of the sites held out (page scorer and threshold chosen inside the fold), and reports page
    and notice metrics per corpus (per source for a corpus of few sources) and pooled, beside the
    keyword list on the same pages. This is the measure that predicts pages of sites never seen.

    With --save-folds DIR the fold models are kept; `--rescore DIR` then measures, in a minute, a change
    made after them to segmenting, cue words or the revisions of the model's labels (a change to features
    or training needs a new run).

    \b
    Example: detector crossval data ../shared/realdev -j 2 --save-folds cv-folds
             detector crossval --rescore cv-folds --trust -j 2
    """
    from ..lab.crossval import cross_validate, format_cv, rescore_folds
    from ..lab.crossval import save_folds as write_folds
    from ..modelfiles import ModelError

    if rescore is not None:
        if corpora or save_folds or limit:
            raise click.UsageError("--rescore reads its corpora from DIR: give no CORPORA, --save-folds or --limit")
        try:
            result = rescore_folds(rescore, n_jobs=jobs, trust=trust)
        except (ValueError, ModelError) as err:
            raise click.ClickException(str(err)) from None
    elif not corpora:
        raise click.UsageError("give the corpora to cross-validate, or --rescore DIR")
    else:
        result = cross_validate(list(corpora), folds=folds, n_jobs=jobs, limit=limit)
        if save_folds is not None:
            write_folds(result, save_folds)
    summary = result.summary()
    if output is not None:
        output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    click.echo(json.dumps(summary, indent=2) if fmt == "json" else format_cv(result))


def format_metrics(m: dict) -> str:
    pg = m["page"]
    lines = [
        f"pages read: {m['pages_read']} (errors: {m['errors']})",
        f"page level ({pg['pages']} pages, {pg['positives']} sponsored): ROC AUC {pg['roc_auc']}  "
        f"AP {pg['average_precision']}",
        f"  at threshold {pg['threshold']}: precision {pg['precision']}  recall {pg['recall']}  F1 {pg['f1']}  "
        f"FPR {pg['false_positive_rate']}  (tp {pg['tp']} fp {pg['fp']} fn {pg['fn']})",
        "spans found with the right label:",
    ]
    for lab, s in m["spans"].items():
        lines.append(f"  {lab:<11} {s['found']}/{s['spans']}  ({s['share']})")
    fb = m["false_sponsored_blocks"]
    lines.append(
        f"pages without a sponsored notice that got a sponsored block: {fb['pages_with_sponsored_block']}/"
        f"{fb['pages_without_sponsored_notice']}  ({fb['share']})"
    )
    return "\n".join(lines)
