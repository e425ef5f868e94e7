"""The command line: a thin client over the library. Data on stdout; messages on stderr."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from .clean import CUT_LABELS
from .modelfiles import ModelError

_MODEL = click.option(
    "--model", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Model folder (default: the model shipped with the package). One from elsewhere needs --trust.",
)
_TRUST = click.option(
    "--trust", is_flag=True, envvar="DETECTOR_TRUST_MODELS",
    help="Load the --model folder although it is not shipped with the package. Loading a model unpickles it, "
         "which can run any code: trust only folders you made or got from a source you trust "
         "(env DETECTOR_TRUST_MODELS=1).",
)


def MODEL_OPTION(f: Any) -> Any:  # noqa: N802 - a decorator, named like the click options it stands for
    """--model and --trust."""
    return _MODEL(_TRUST(f))


class ByteSize(click.ParamType):
    """A number of bytes: 1048576, 512K, 32M, 1G (K, M, G are powers of 1024; a trailing B or iB is fine)."""

    name = "SIZE"
    _UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        unit = text[-1:] if text[-1:] in self._UNITS and text[-1:] else ""
        number = text[: len(text) - len(unit)].strip()
        try:
            size = int(float(number) * self._UNITS[unit])
        except ValueError:
            self.fail(f"{value!r} is not a size (e.g. 33554432, 32M, 1G)", param, ctx)
        if size < 1:
            self.fail(f"{value!r}: a size must be at least 1 byte", param, ctx)
        return size


def LIMIT_OPTIONS(f: Any) -> Any:  # noqa: N802
    """--max-bytes, --max-decompressed, --max-depth and --max-seconds (what one input may cost), handed to
    the command as one ``limits`` argument (a :class:`~detector.io.ReadLimits`)."""
    import functools

    from .io import DEFAULT_LIMITS as d

    @functools.wraps(f)
    def with_limits(*args: Any, max_bytes: int, max_decompressed: int, max_depth: int, max_seconds: float,
                    **kwargs: Any) -> Any:
        from .io import ReadLimits

        limits = ReadLimits(max_bytes=max_bytes, max_decompressed=max_decompressed, max_depth=max_depth,
                            max_seconds=max_seconds or None)
        return f(*args, limits=limits, **kwargs)

    g: Any = with_limits
    g = click.option("--max-seconds", type=click.FloatRange(min=0, max=1e5), default=d.max_seconds,
                     show_default=True,
                     help="Time to score one page; beyond, the page gets an error record and the batch goes "
                          "on (a worker stuck inside the parser is stopped and replaced). 0: no limit.")(g)
    g = click.option("--max-depth", type=click.IntRange(min=1), default=d.max_depth, show_default=True,
                     help="HTML nesting deeper than this is read as flat text.")(g)
    g = click.option("--max-decompressed", type=ByteSize(), default=d.max_decompressed, show_default=True,
                     help="Bytes a gzipped input may expand to; beyond, it is an error (a gzip bomb stops here).")(g)
    g = click.option("--max-bytes", type=ByteSize(), default=d.max_bytes, show_default=True,
                     help="Bytes read from one input (compressed or not); a larger input is an error, "
                          "found without reading it.")(g)
    return g


def _detector(model_dir: Path | None, trust: bool = False, limits: Any = None) -> Any:
    from .io import DEFAULT_LIMITS
    from .score import Detector

    try:
        return Detector.load(model_dir, limits or DEFAULT_LIMITS, trust=trust)
    except ModelError as err:
        raise click.ClickException(str(err)) from None


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the version, which compiled speed-ups run and which HTML parser (looked up only when asked)."""
    if not value or ctx.resilient_parsing:
        return
    from . import __version__, speedups

    got = speedups()
    parser = got.pop("parser")
    on = [k for k, v in got.items() if v]
    off = [k for k, v in got.items() if not v]
    note = f"compiled speed-ups: {', '.join(on)}" if not off else f"pure Python: {', '.join(off)}; see README, Speed"
    click.echo(f"detector {__version__} ({note}; HTML parser: {parser})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version, which compiled speed-ups run and which HTML parser, and exit.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def main(verbose: bool) -> None:
    """Find sponsored-content, affiliate and disclaimer notices in web pages.

    Example: detector score page.html
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


def _source(arg: str) -> str | Path:
    """A command-line argument is always a path (or - for stdin), never page text."""
    return arg if arg == "-" else Path(arg)


def _table(records: list[dict]) -> str:
    out = io.StringIO()
    for r in records:
        if r["error"]:
            out.write(f"{r['path']}\tERROR\t{r['error']}\n")
            continue
        out.write(f"{r['path']}\t{r['label']}\t{r['score']:.3f}\t{len(r['blocks'])} non-editorial blocks\n")
        for b in r["blocks"]:
            text = b["text"] if len(b["text"]) <= 100 else b["text"][:97] + "..."
            out.write(f"  #{b['index']:<4} {b['label']:<12} {b['score']:.2f}  [{b['start']}:{b['end']}]  {text}\n")
    return out.getvalue()


@main.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(allow_dash=True, readable=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.option("--all-blocks", is_flag=True, help="Include editorial blocks too.")
@click.option("--editorial", is_flag=True, help="Add the editorial text to each record.")
@MODEL_OPTION
@LIMIT_OPTIONS
def score(pages: tuple[str, ...], fmt: str, all_blocks: bool, editorial: bool, model_dir: Path | None, trust: bool,
          limits: Any) -> None:
    """Score pages: probability that the main content is sponsored, and every non-editorial block.

    PAGES are .html/.htm/.txt/.md files (optionally .gz), or - for stdin.
    Exits 1 when a page could not be read (its record carries the error).

    Example: detector score page.html --format jsonl
    """
    det = _detector(model_dir, trust, limits)
    records = []
    for p in pages:
        a = det.analyze(_source(p))
        records.append(a.record(all_blocks=all_blocks, editorial=editorial))
        if fmt == "jsonl":
            click.echo(json.dumps(records[-1], ensure_ascii=False))
    if fmt == "json":
        click.echo(json.dumps(records if len(records) > 1 else records[0], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from .batch.sinks import csv_text

        click.echo(csv_text(records, editorial=editorial), nl=False)
    elif fmt == "table":
        click.echo(_table(records), nl=False)
    failed = [r for r in records if r["error"]]
    for r in failed:
        click.echo(f"error: {r['path']}: {r['error']}", err=True)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("page", type=click.Path(allow_dash=True))
@click.option("--show", is_flag=True, help="Print every block with its label and score instead.")
@MODEL_OPTION
@LIMIT_OPTIONS
def split(page: str, show: bool, model_dir: Path | None, trust: bool, limits: Any) -> None:
    """Print the page's editorial text alone (or, with --show, every block and why it was cut).

    Example: detector split page.html --show
    """
    det = _detector(model_dir, trust, limits)
    a = det.analyze(_source(page))
    if a.error:
        raise click.ClickException(f"{page}: {a.error}")
    if not show:
        click.echo(a.editorial_text)
        return
    click.echo(f"# {a.path}: page {a.label} ({a.score:.3f})")
    for b in a.blocks:
        mark = " " if b.label == "editorial" else "x"
        click.echo(f"{mark} {b.index:>4} {b.label:<12} {b.score:.2f}  {b.text}")


@main.command()
@click.argument("page", type=click.Path(allow_dash=True))
@click.option("--all", "all_blocks", is_flag=True, help="Explain every block, editorial ones too.")
@click.option("--top", default=8, show_default=True, type=click.IntRange(min=1),
              help="Reasons listed for (and against) each block.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a self-contained HTML view of the page: every block in its label's colour.")
@MODEL_OPTION
@LIMIT_OPTIONS
def explain(page: str, all_blocks: bool, top: int, fmt: str, html_out: Path | None, model_dir: Path | None,
            trust: bool, limits: Any) -> None:
    """Why each non-editorial block got its label, and why the page got its score.

    A block's reasons are the words, word pairs, character n-grams, neighbours' words and layout features
    that pushed its label. Contribution = feature value x (weight of the block's class - weight of the
    reference class), in log-odds; the reference is editorial for a notice or boilerplate block and the
    runner-up class for an editorial one; positive pushes towards the label, and a block's contributions
    plus the intercepts' gap add up to log(p class / p reference) before the cue-word gate. The page's
    reasons are coefficient x value of each page feature, in log-odds of "sponsored".

    Example: detector explain page.html --html page.explained.html
    """
    from .explain import explain as do_explain
    from .explain import render_html, render_table

    det = _detector(model_dir, trust, limits)
    ex = do_explain(_source(page), det, all_blocks=all_blocks, top=top)
    if ex.error:
        raise click.ClickException(f"{page}: {ex.error}")
    if html_out is not None:
        html_out.write_text(render_html(ex), encoding="utf-8")
        click.echo(f"HTML view written to {html_out}", err=True)
    if fmt == "json":
        click.echo(json.dumps(ex.record(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_table(ex), nl=False)


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
    from .lab.card import write_model_card

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
    from .lab.report import collect, write_report

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
    from .lab.train import TrainOptions
    from .lab.train import train as do_train
    from .modelfiles import ModelError

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
    from .lab.card import write_model_card

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
    from .lab.corpus import load_corpus
    from .lab.evaluate import evaluate_pages

    det = _detector(model_dir, trust)
    pages = load_corpus(corpus)
    if which == "test":
        from .lab.train import held_out

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
    from .lab.crossval import cross_validate, format_cv, rescore_folds
    from .lab.crossval import save_folds as write_folds
    from .modelfiles import ModelError

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


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True, readable=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file: .jsonl, .csv or .parquet, by its extension (default: JSON lines on stdout).")
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: one per core).")
@click.option("--glob", "pattern", default=None, metavar="PATTERN",
              help="Files to take inside folders, e.g. '*.html.gz' (default: .html .htm .txt .md, each "
                   "optionally .gz, and .warc(.gz) .wet(.gz) .jsonl(.gz) .csv(.gz) .parquet).")
@click.option("--html-column", default=None, help="Table column holding HTML (default: html, raw_html, content_html).")
@click.option("--text-column", default=None, help="Table column holding plain text (default: text, content, markdown).")
@click.option("--id-column", default=None, help="Table column whose value names each row (default: the row number).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Pages per task (default 16; 64 per partition on Dask).")
@click.option("--editorial", is_flag=True, help="Add the editorial text to each record.")
@click.option("--all-blocks", is_flag=True, help="Include editorial blocks too.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Write only pages scoring at least this (the summary still counts every page).")
@click.option("--resume", is_flag=True, help="Skip the inputs whose id is already in the output, and append.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Run on this Dask scheduler, e.g. tcp://host:8786 (env DASK_SCHEDULER_ADDRESS; "
                   "needs detector[dask]).")
@MODEL_OPTION
@LIMIT_OPTIONS
def batch_command(inputs: tuple[str, ...], output: Path | None, jobs: int, pattern: str | None,
                  html_column: str | None, text_column: str | None, id_column: str | None, chunk_size: int | None,
                  editorial: bool, all_blocks: bool, min_score: float | None, resume: bool, force: bool,
                  quiet: bool, scheduler: str | None, model_dir: Path | None, trust: bool, limits: Any) -> None:
    """Score many pages: folders, WARC files, JSONL/CSV/Parquet tables, or a list of paths on stdin (-).

    One record per page, as `detector score --format jsonl`, with `path` holding the page's id (a WARC
    record: FILE#<WARC-Record-ID>, plus `url`; a table row: FILE#<id or row number>). A summary goes to
    stderr; a progress bar too when it is a terminal. An input that cannot be read (missing, not a regular
    file, binary, too large, a broken archive or table) gets a record with a one-line `error`, and the
    batch goes on.

    \b
    Exit codes: 0 every input was read; 1 some inputs failed (their records carry the error);
    2 usage error (bad option, output exists without --resume/--force, a --model refused, scheduler
    unreachable);
    3 nearly all inputs failed (at least 90 % of this run's pages, and at least one);
    130 interrupted (Ctrl-C), 143 terminated (SIGTERM): the records written are whole, and
    --resume finishes the run.

    \b
    Examples:
      detector batch crawl/ -o scores.jsonl -j 8
      detector batch CC-MAIN-*.warc.gz -o scores.parquet --min-score 0.5
      find pages -name '*.html' | detector batch - -o scores.csv --resume
      detector batch pages.parquet --html-column body --id-column url -o scores.jsonl
    """
    from .batch import EXIT_INTERRUPTED, EXIT_TERMINATED, BatchOptions, ClusterError, run_batch
    from .batch.items import SourceOptions
    from .batch.sinks import SinkError

    if html_column and text_column:
        raise click.BadParameter("give --html-column or --text-column, not both", param_hint="--text-column")
    options = BatchOptions(n_jobs=jobs, chunk_size=chunk_size, editorial=editorial, all_blocks=all_blocks,
                           min_score=min_score, model_dir=model_dir, trust=trust, scheduler=scheduler or None,
                           progress=False if quiet else None, own_process=True)
    sources = SourceOptions(glob=pattern, html_column=html_column, text_column=text_column, id_column=id_column,
                            limits=limits)
    terminate = _stop_on_sigterm()
    try:
        summary = run_batch(inputs, output, options=options, sources=sources, resume=resume, force=force,
                            stdin=sys.stdin)
    except (SinkError, ClusterError, ModelError) as err:  # a refused --model is a bad option too
        raise click.UsageError(str(err)) from None
    except KeyboardInterrupt as stop:  # the output is closed and the workers stopped (run_batch's finally)
        where = f"; run it again with --resume to finish {output}" if output is not None else ""
        how = "terminated (SIGTERM)" if isinstance(stop, _Terminated) else "interrupted"
        click.echo(f"{how}: the records written so far are whole{where}", err=True)
        _leave(EXIT_TERMINATED if isinstance(stop, _Terminated) else EXIT_INTERRUPTED)
    finally:
        terminate()
    if not quiet:
        click.echo(summary.line(), err=True)
    _leave(summary.exit_code)


@main.command("clean")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The cleaned table: .jsonl (.jsonl.gz) for a JSONL or WET input, .parquet for a Parquet or "
                   "WET input.")
@click.option("--text-column", default=None, help="Column holding the text (default: text, content, markdown).")
@click.option("--html-column", default=None, help="Column holding raw HTML instead (cleaned into visible text).")
@click.option("--cut", default=",".join(CUT_LABELS), show_default=True, metavar="LABELS",
              help="Block labels cut out of the text, comma-separated (any of sponsored, affiliate, disclaimer, "
                   "boilerplate; '' cuts nothing and only adds the columns).")
@click.option("--keep-text", is_flag=True,
              help="Leave the text column as it is; put the cleaned text in detector_text.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@MODEL_OPTION
@LIMIT_OPTIONS
def clean_command(source: Path, output: Path, text_column: str | None, html_column: str | None, cut: str,
                  keep_text: bool, jobs: int, force: bool, quiet: bool, model_dir: Path | None, trust: bool,
                  limits: Any) -> None:
    """Cut sponsored, affiliate, disclaimer and boilerplate blocks out of the texts of a table.

    SOURCE is a JSONL or Parquet table with a text column (text extracted from pages, paragraphs on
    their own lines, or raw HTML with --html-column), or a Common Crawl WET file. Every row comes out in
    its place with all its columns, the text column holding the text without the cut blocks, and four
    columns added: detector_score, detector_label, detector_spans (start, end, label, score: offsets into
    the original text) and detector_error (the row is kept, its text unchanged). The output is written
    whole or not at all.

    \b
    Exit codes: 0 every row was scored; 1 some rows carry an error; 2 usage error; 3 nearly all failed.

    \b
    Examples:
      detector clean docs.jsonl -o docs.clean.jsonl -j 4
      detector clean shard.parquet -o shard.clean.parquet --cut sponsored,affiliate,disclaimer
      detector clean CC-MAIN-...-00000.warc.wet.gz -o wet.clean.parquet
    """
    from .batch import EXIT_MOSTLY_FAILED, EXIT_OK, EXIT_SOME_FAILED
    from .pipelines.tables import CleanError, CleanOptions, clean_file

    labels = tuple(x.strip() for x in cut.split(",") if x.strip())
    unknown = [x for x in labels if x not in CUT_LABELS]
    if unknown:
        raise click.BadParameter(f"unknown label(s) {', '.join(unknown)}; choose from {', '.join(CUT_LABELS)}",
                                 param_hint="--cut")
    options = CleanOptions(text_column=text_column, html_column=html_column, cut=labels, keep_text=keep_text,
                           jobs=jobs, model_dir=model_dir, trust=trust, limits=limits)
    from .modelfiles import verify_model_dir

    try:
        verify_model_dir(model_dir, trust=trust)  # a refused --model is a usage error, before any work
        summary = clean_file(source, output, options, force=force)
    except (CleanError, ModelError) as err:
        raise click.UsageError(str(err)) from None
    if not quiet:
        for line in summary.first_errors:
            click.echo(f"error: {line}", err=True)
        click.echo(summary.line(), err=True)
    code = EXIT_OK
    if summary.errors:
        code = EXIT_MOSTLY_FAILED if summary.errors >= 0.9 * summary.rows else EXIT_SOME_FAILED
    _leave(code)


@main.command("audit")
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for records.jsonl, pages.parquet, sites.csv and audit.html.")
@click.option("--records", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Audit the records of a `detector batch --all-blocks` run (JSONL or Parquet) instead of scoring.")
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: one per core).")
@click.option("--glob", "pattern", default=None, metavar="PATTERN", help="Files to take inside folders (as batch).")
@click.option("--html-column", default=None, help="Table column holding HTML.")
@click.option("--text-column", default=None, help="Table column holding plain text.")
@click.option("--id-column", default=None, help="Table column whose value names each row.")
@click.option("--resume", is_flag=True, help="Score only the inputs not yet in OUT/records.jsonl, then audit all.")
@click.option("--force", is_flag=True, help="Overwrite an existing OUT/records.jsonl.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None, metavar="ADDRESS",
              help="Score on this Dask scheduler (as batch).")
@MODEL_OPTION
@LIMIT_OPTIONS
def audit_command(inputs: tuple[str, ...], out_dir: Path, records: Path | None, jobs: int, pattern: str | None,
                  html_column: str | None, text_column: str | None, id_column: str | None, resume: bool,
                  force: bool, quiet: bool, scheduler: str | None, model_dir: Path | None, trust: bool,
                  limits: Any) -> None:
    """Which sites publish paid content, whether they label it, how clearly, and where.

    Scores INPUTS as `detector batch` does, with every block of the sponsored pages (into
    OUT/records.jsonl; --resume finishes an interrupted run), or reads a `batch --all-blocks` output
    (--records), then writes per page (pages.parquet: site,
    score, the notice's wording, its placement before, inside or after the main text, its clarity) and
    per site (sites.csv), and audit.html, a report to open in a browser. Clarity classes follow the
    per-language tables of detector/clarity/ (FTC, German press law, ...). Pages that cannot be read
    appear as error rows.

    \b
    Examples:
      detector audit crawl/ -o audit/ -j 8
      detector audit CC-MAIN-*.warc.gz -o audit/ --resume
      detector audit -o audit/ --records scores.jsonl
    """
    from .audit import read_records, write_audit

    if bool(inputs) == bool(records):
        raise click.UsageError("give INPUTS to score, or --records FILE of a batch, not both and not neither")
    if records is None:
        from .batch import SPONSORED_PAGES, BatchOptions, ClusterError, run_batch
        from .batch.items import SourceOptions
        from .batch.sinks import SinkError

        out_dir.mkdir(parents=True, exist_ok=True)
        records = out_dir / "records.jsonl"
        options = BatchOptions(n_jobs=jobs, all_blocks=SPONSORED_PAGES, model_dir=model_dir, trust=trust,
                               scheduler=scheduler or None, progress=False if quiet else None, own_process=True)
        sources = SourceOptions(glob=pattern, html_column=html_column, text_column=text_column,
                                id_column=id_column, limits=limits)
        try:
            run_batch(inputs, records, options=options, sources=sources, resume=resume, force=force,
                      stdin=sys.stdin)
        except (SinkError, ClusterError, ModelError) as err:
            raise click.UsageError(str(err)) from None
    pages, sites = write_audit(read_records(records), out_dir)
    if not quiet:
        sponsored = [p for p in pages if p.label == "sponsored"]
        after = sum(p.placement == "after" for p in sponsored)
        click.echo(f"{len(pages)} pages of {len(sites)} sites: {len(sponsored)} sponsored on "
                   f"{sum(1 for s in sites if s['sponsored'])} sites, {after} with the notice only after the "
                   f"content, {sum(p.error is not None for p in pages)} errors; open {out_dir / 'audit.html'}",
                   err=True)


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


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler, ``timeout``, ``kill``) in a batch: stopped as Ctrl-C stops it, output closed whole."""


def _stop_on_sigterm() -> Any:
    """While a batch runs in the command's own main thread, SIGTERM raises :class:`_Terminated` there (the
    batch then closes its output and stops its workers, as on Ctrl-C). Returns what puts the old handler back."""
    import signal
    import threading

    if not _COMMAND_LINE or threading.current_thread() is not threading.main_thread():
        return lambda: None

    def terminated(signum: int, frame: Any) -> None:
        raise _Terminated()

    old = signal.signal(signal.SIGTERM, terminated)
    return lambda: signal.signal(signal.SIGTERM, old)


_COMMAND_LINE = False  # this process is the ``detector`` command itself (run), not a program calling main


def run() -> None:
    """The ``detector`` command: the console script, and ``python -m detector.cli``."""
    global _COMMAND_LINE
    _COMMAND_LINE = True
    main()


def _leave(code: int) -> None:
    """Exit with ``code``. The command's own process, its work written and closed, skips the interpreter's
    teardown (clearing every module and object: ~20 ms, 1% of a 1,000-page batch): output flushed, then
    os._exit. Elsewhere (a test's CliRunner, a program calling ``main``) the usual SystemExit."""
    if _COMMAND_LINE:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (| head) or a closed stream: nothing more to say
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
