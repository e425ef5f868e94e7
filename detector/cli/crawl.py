"""Commands over many pages: ``batch`` (score a crawl), ``clean`` (cut the notices out of a corpus's
documents), ``audit`` (where and how clearly sites disclose)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..clean import CUT_LABELS
from ..modelfiles import ModelError
from .main import LIMIT_OPTIONS, MODEL_OPTION, _leave, _stop_on_sigterm, _Terminated, main


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
    from ..batch import EXIT_INTERRUPTED, EXIT_TERMINATED, BatchOptions, ClusterError, run_batch
    from ..batch.items import SourceOptions
    from ..batch.sinks import SinkError

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
    from ..batch import EXIT_MOSTLY_FAILED, EXIT_OK, EXIT_SOME_FAILED
    from ..pipelines.tables import CleanError, CleanOptions, clean_file

    labels = tuple(x.strip() for x in cut.split(",") if x.strip())
    unknown = [x for x in labels if x not in CUT_LABELS]
    if unknown:
        raise click.BadParameter(f"unknown label(s) {', '.join(unknown)}; choose from {', '.join(CUT_LABELS)}",
                                 param_hint="--cut")
    options = CleanOptions(text_column=text_column, html_column=html_column, cut=labels, keep_text=keep_text,
                           jobs=jobs, model_dir=model_dir, trust=trust, limits=limits)
    from ..modelfiles import verify_model_dir

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
    from ..audit import read_records, write_audit

    if bool(inputs) == bool(records):
        raise click.UsageError("give INPUTS to score, or --records FILE of a batch, not both and not neither")
    if records is None:
        from ..batch import SPONSORED_PAGES, BatchOptions, ClusterError, run_batch
        from ..batch.items import SourceOptions
        from ..batch.sinks import SinkError

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
