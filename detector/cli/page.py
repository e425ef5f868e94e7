"""Commands on pages one by one: ``score``, ``split``, ``explain``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from .main import LIMIT_OPTIONS, MODEL_OPTION, _detector, _source, main


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
        from ..batch.sinks import csv_text

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
    from ..explain import explain as do_explain
    from ..explain import render_html, render_table

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
