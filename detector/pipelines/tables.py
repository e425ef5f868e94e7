"""``detector clean``: a table of documents in, the same rows out, each document's text cleaned.

Inputs: JSONL (``.jsonl``, ``.ndjson``, each optionally ``.gz``), Parquet, and Common Crawl WET files
(``.warc.wet.gz``, ``.wet``, ``.wet.gz``: one row per ``conversion`` record, with ``id`` the record's
WARC-Record-ID, ``url`` its target URI and ``date`` its WARC-Date). Output: a JSONL table is cleaned into
JSONL, a Parquet table into Parquet (every column kept with its type), a WET file into either.

Each row keeps its place and its columns. The document's column (``--text-column``, else the first of
text, content, markdown; ``--html-column`` for raw HTML) gets the text with the non-editorial blocks cut
out (:func:`detector.clean.clean_document`), and four columns are added:

  detector_score   the probability that the page's main content is sponsored (null on error)
  detector_label   "sponsored" or "editorial", by the model's threshold (null on error)
  detector_spans   the blocks cut or found, ``{start, end, label, score}``, offsets into the original text
  detector_error   why the row could not be scored (empty cell, binary data, over the size limit, a line
                   that is not a JSON object); the row is kept with its text unchanged

With ``keep_text`` the document's column stays as it was and the cleaned text goes into
``detector_text``. The output is written to a temporary file beside it and renamed when complete: it
is never left half-written.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch.items import DEFAULT_TEXT_COLUMNS
from ..clean import CUT_LABELS, clean_document
from ..io import DEFAULT_LIMITS, ReadLimits

__all__ = ["CleanOptions", "CleanSummary", "clean_file", "input_kind", "CleanError"]

log = logging.getLogger(__name__)

COLUMNS = ("detector_score", "detector_label", "detector_spans", "detector_error")


class CleanError(Exception):
    """A usage error: an input or output this command cannot take (the message says which and why)."""


@dataclass(frozen=True)
class CleanOptions:
    text_column: str | None = None
    html_column: str | None = None
    cut: tuple[str, ...] = CUT_LABELS
    keep_text: bool = False
    jobs: int = 1
    model_dir: Path | None = None
    trust: bool = False
    limits: ReadLimits = DEFAULT_LIMITS
    chunk_rows: int = 32  # documents per task sent to a worker
    batch_rows: int = 1024  # Parquet rows read (and written) at a time


@dataclass
class CleanSummary:
    rows: int = 0
    errors: int = 0
    sponsored: int = 0
    spans_cut: int = 0
    first_errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.rows} rows: {self.sponsored} sponsored, {self.spans_cut} blocks cut, {self.errors} errors"


def input_kind(path: str | Path) -> str | None:
    """"jsonl", "parquet" or "wet" from a file name; None for another."""
    name = str(path).lower()
    if name.endswith((".wet", ".wet.gz")):
        return "wet"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    return None


# -- the work of one document, in a worker ---------------------------------------------------------------

_DETECTOR: Any = None
_CUT: tuple[str, ...] = CUT_LABELS


def _init(model_dir: Path | None, trust: bool, limits: ReadLimits, cut: tuple[str, ...]) -> None:
    global _DETECTOR, _CUT
    from ..score import Detector

    _DETECTOR = Detector.load(model_dir, limits, trust=trust)
    _CUT = cut


Result = tuple[Any, float | None, str | None, list[dict], str | None]  # text, score, label, spans, error


def _clean_chunk(docs: Sequence[tuple[Any, str | None, str]]) -> list[Result]:
    """(value, kind, name) of each document -> its cleaned text, score, label, spans and error."""
    out: list[Result] = []
    for value, kind, name in docs:
        if isinstance(value, (str, bytes, bytearray)) or value is None:
            c = clean_document(_DETECTOR, bytes(value) if isinstance(value, bytearray) else value, kind=kind,
                               name=name, cut=_CUT)
            if value is None:
                c.error = "empty cell (null)"
            text = value if c.error is not None else c.text
            out.append((text, c.score, c.label, c.spans_json(), c.error))
        else:
            out.append((value, None, None, [], f"the cell holds a {type(value).__name__}, not text"))
    return out


class _Runner:
    """Cleans lists of documents in order, in this process or in a pool of ``jobs`` processes."""

    def __init__(self, options: CleanOptions) -> None:
        self.options = options
        args = (options.model_dir, options.trust, options.limits, tuple(options.cut))
        self.pool: Any = None  # a multiprocessing Pool where jobs > 1
        if options.jobs > 1:
            self.pool = multiprocessing.get_context("fork").Pool(options.jobs, initializer=_init, initargs=args)
        else:
            _init(*args)

    def clean(self, docs: list[tuple[Any, str | None, str]]) -> list[Result]:
        size = self.options.chunk_rows
        chunks = [docs[i:i + size] for i in range(0, len(docs), size)]
        if self.pool is None:
            return [r for ch in chunks for r in _clean_chunk(ch)]
        return [r for part in self.pool.imap(_clean_chunk, chunks) for r in part]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


# -- choosing the column -------------------------------------------------------------------------------

def _choose_column(names: Any, options: CleanOptions, state: dict) -> tuple[str, str] | None:
    """The column that holds the documents and their kind ("text" or "html"): the one an option names,
    else the first of DEFAULT_TEXT_COLUMNS among ``names`` (a row's keys, a table's column names); kept
    in ``state`` once chosen. None while no default column has been seen."""
    if "column" not in state:
        if options.text_column and options.html_column:
            raise CleanError("give --text-column or --html-column, not both")
        name = options.html_column or options.text_column or next((c for c in DEFAULT_TEXT_COLUMNS if c in names), None)
        if name is None:
            return None
        state["column"] = (name, "html" if options.html_column else "text")
    return state["column"]


# -- the command ---------------------------------------------------------------------------------------

def clean_file(src: str | Path, dst: str | Path, options: CleanOptions = CleanOptions(), *,
               force: bool = False) -> CleanSummary:
    """Clean the table (or WET file) ``src`` into ``dst`` (see the module's docstring)."""
    src, dst = Path(src), Path(dst)
    kind = input_kind(src)
    if kind is None:
        raise CleanError(f"{src}: not a table this command reads (.jsonl, .ndjson, .parquet, .wet, each "
                         ".jsonl/.ndjson/.wet optionally .gz)")
    out_kind = "parquet" if str(dst).lower().endswith(".parquet") else "jsonl" if input_kind(dst) == "jsonl" else None
    if out_kind is None:
        raise CleanError(f"{dst}: the output must be .jsonl, .jsonl.gz or .parquet")
    if kind != "wet" and out_kind != kind:
        raise CleanError(f"a {kind} table is cleaned into {kind} (give an output ending in "
                         f"{'.parquet' if kind == 'parquet' else '.jsonl'})")
    if not src.is_file():
        raise CleanError(f"{src}: no such file")
    if dst.exists() and not force:
        raise CleanError(f"{dst} exists (use --force to overwrite it)")
    if dst.resolve() == src.resolve():
        raise CleanError("the output must not be the input")
    summary = CleanSummary()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent or Path("."))
    os.close(fd)
    runner = _Runner(options)
    try:
        if kind == "parquet":
            _parquet(src, Path(tmp), options, runner, summary)
        else:
            rows = _jsonl_rows(src) if kind == "jsonl" else _wet_rows(src, options.limits)
            if out_kind == "parquet":
                _rows_to_parquet(rows, Path(tmp), options, runner, summary)
            else:
                _rows_to_jsonl(rows, Path(tmp), options, runner, summary, gzipped=str(dst).endswith(".gz"))
        os.replace(tmp, dst)
    finally:
        runner.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    return summary


def _tally(summary: CleanSummary, where: str, res: Result, cut: Sequence[str]) -> None:
    summary.rows += 1
    if res[4] is not None:
        summary.errors += 1
        if len(summary.first_errors) < 5:
            summary.first_errors.append(f"{where}: {res[4]}")
    else:
        summary.sponsored += res[2] == "sponsored"
        summary.spans_cut += sum(s["label"] in cut and s["start"] >= 0 for s in res[3])


# -- JSONL and WET rows --------------------------------------------------------------------------------

Row = tuple[dict | None, str | None]  # the row's object, or None with why it could not be read


def _open_text(path: Path) -> io.TextIOBase:
    raw = open(path, "rb")  # noqa: SIM115 (the stream returned owns it and closes it)
    head = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="\n")


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with _open_text(path) as fh:
        try:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as err:
                    yield None, f"line {n}: not JSON ({err})"
                    continue
                yield (obj, None) if isinstance(obj, dict) else (None, f"line {n}: not a JSON object")
        except (OSError, EOFError) as err:  # a gzip stream that ends early or goes bad
            yield None, f"the rest of {path.name} could not be read: {err}"


def _wet_rows(path: Path, limits: ReadLimits) -> Iterator[Row]:
    """One row per conversion record of a WET file (id, url, date, text), read by
    :func:`detector.batch.warc.warc_items`: a damaged or oversized record is a row with its error."""
    from ..batch.items import SourceOptions
    from ..batch.warc import warc_items

    for item in warc_items(str(path), SourceOptions(limits=limits)):
        if item.kind == "html":  # an HTML response of a WARC given as WET: not a text record
            continue
        row = {"id": item.id.split("#", 1)[1], "url": item.url, "date": item.date,
               "text": None if item.error else (item.data or b"").decode("utf-8", errors="replace")}
        yield row, item.error


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _clean_rows(batch: list[Row], options: CleanOptions, runner: _Runner, summary: CleanSummary,
                state: dict) -> list[dict]:
    """Rows of a JSONL or WET batch -> output rows, in order; a row without the document's column, or that
    could not be read, keeps its place with an error."""
    docs: list[tuple[Any, str | None, str]] = []
    plan: list[str | None] = []
    for i, (obj, err) in enumerate(batch):
        found = _choose_column(obj, options, state) if obj is not None and err is None else None
        if obj is None or found is None or found[0] not in obj:
            plan.append(None)
            continue
        plan.append(found[0])
        docs.append((obj[found[0]], found[1], str(obj.get("id", summary.rows + i))))
    results = iter(runner.clean(docs))
    out = []
    for (obj, err), col in zip(batch, plan):
        row: dict = {} if obj is None else dict(obj)
        if err is not None:
            res: Result = (None, None, None, [], err)
        elif col is None:
            name = state.get("column", (None,))[0]
            why = (f"no column {name!r} in this row" if name else
                   f"no text column ({', '.join(DEFAULT_TEXT_COLUMNS)}) in this row; name it with --text-column")
            res = (None, None, None, [], why)
        else:
            res = next(results)
            if options.keep_text:
                row["detector_text"] = res[0] if res[4] is None else None
            else:
                row[col] = res[0]
        row.update(zip(COLUMNS, res[1:]))
        _tally(summary, f"row {summary.rows}", res, options.cut)
        out.append(row)
    return out


def _rows_to_jsonl(rows: Iterator[Row], out: Path, options: CleanOptions, runner: _Runner,
                   summary: CleanSummary, *, gzipped: bool) -> None:
    state: dict = {}
    raw = open(out, "wb")  # noqa: SIM115 (closed by the with below, after the gzip stream on it)
    stream = gzip.GzipFile(fileobj=raw, mode="wb") if gzipped else raw
    with raw, stream, io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="\n") as fh:
        for batch in _batches(rows, options.batch_rows):
            for row in _clean_rows(batch, options, runner, summary, state):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _span_type() -> Any:
    import pyarrow as pa

    return pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()),
                               ("score", pa.float64())]))


def _added_fields(keep_text: bool) -> list[Any]:
    import pyarrow as pa

    fields = [pa.field("detector_score", pa.float64()), pa.field("detector_label", pa.string()),
              pa.field("detector_spans", _span_type()), pa.field("detector_error", pa.string())]
    return fields + ([pa.field("detector_text", pa.string())] if keep_text else [])


def _rows_to_parquet(rows: Iterator[Row], out: Path, options: CleanOptions, runner: _Runner,
                     summary: CleanSummary) -> None:
    """WET rows -> Parquet (id, url, date, text and the detector columns)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field("id", pa.string()), pa.field("url", pa.string()), pa.field("date", pa.string()),
                        pa.field("text", pa.string())] + _added_fields(options.keep_text))
    state: dict = {}
    with pq.ParquetWriter(out, schema) as writer:
        for batch in _batches(rows, options.batch_rows):
            cleaned = _clean_rows(batch, options, runner, summary, state)
            writer.write_table(pa.Table.from_pylist(cleaned, schema=schema))


def _parquet(src: Path, out: Path, options: CleanOptions, runner: _Runner, summary: CleanSummary) -> None:
    """A Parquet table -> the same table (every column and its type), the text column cleaned, the
    detector columns added; read and written ``batch_rows`` rows at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(src)
    except (pa.ArrowException, OSError) as err:
        raise CleanError(f"{src}: not a Parquet file this command can read: {str(err).splitlines()[0]}") from None
    names = pf.schema_arrow.names
    found = _choose_column(names, options, {})
    if found is None or found[0] not in names:
        have = ", ".join(map(str, names[:20])) or "none"
        raise CleanError(f"no column {found[0]!r} in {src} (columns: {have})" if found else
                         f"no text column in {src} (columns: {have}); name it with --text-column or --html-column")
    col, kind = found
    added = _added_fields(options.keep_text)
    schema = pf.schema_arrow
    for f in added:
        if f.name in schema.names:
            schema = schema.remove(schema.get_field_index(f.name))
    schema = pa.schema(list(schema) + added, metadata=pf.schema_arrow.metadata)
    text_type = schema.field(col).type
    with pq.ParquetWriter(out, schema) as writer:
        for batch in pf.iter_batches(batch_size=options.batch_rows):
            table = pa.Table.from_batches([batch])
            values = table.column(col).to_pylist()
            base = summary.rows
            results = runner.clean([(v, kind, str(base + i)) for i, v in enumerate(values)])
            for i, res in enumerate(results):
                _tally(summary, f"row {base + i}", res, options.cut)
            table = table.select([n for n in table.column_names if n not in {f.name for f in added}])
            if options.keep_text:
                extra = [[r[0] if r[4] is None else None for r in results]]
            else:
                extra = []
                texts = [r[0] for r in results]
                if pa.types.is_binary(text_type) or pa.types.is_large_binary(text_type):
                    texts = [t.encode("utf-8", "surrogatepass") if isinstance(t, str) else t for t in texts]
                table = table.set_column(table.column_names.index(col), schema.field(col),
                                         pa.array(texts, type=text_type))
            columns = [[r[1] for r in results], [r[2] for r in results], [r[3] for r in results],
                       [r[4] for r in results]] + extra
            for f, values_ in zip(added, columns):
                table = table.append_column(f, pa.array(values_, type=f.type))
            writer.write_table(table.cast(schema))
