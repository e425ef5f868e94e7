"""The pages of tables: JSONL, CSV (each optionally gzipped) and Parquet files, and pandas DataFrames;
one :class:`~detector.batch.items.Item` per row, from the column that holds the pages."""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..io import InputError, ReadLimits, open_regular
from .gunzip import _maybe_gunzip
from .items import DEFAULT_HTML_COLUMNS, DEFAULT_TEXT_COLUMNS, URL_COLUMN, ColumnError, Item, SourceOptions, _one_line

__all__ = ["table_items", "parquet_items", "frame_items", "choose_columns", "DEFAULT_HTML_COLUMNS",
           "DEFAULT_TEXT_COLUMNS"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Columns:
    page: str
    kind: str
    id: str | None
    url: str | None


def choose_columns(columns: Iterable[str], opts: SourceOptions, where: str) -> _Columns:
    """The column that holds the pages (and the id column), or :class:`ColumnError` naming what exists."""
    cols = list(columns)
    have = ", ".join(_shown(c) for c in cols[:20]) + (", ..." if len(cols) > 20 else "") or "none"
    if len(have) > 200:
        have = have[:197] + "..."
    if opts.html_column and opts.text_column:
        raise ColumnError("give --html-column or --text-column, not both")
    page: str | None
    if opts.html_column or opts.text_column:
        name = opts.html_column or opts.text_column
        if name not in cols:
            raise ColumnError(f"no column {name!r} in {where} (columns: {have})")
        page, kind = name, "html" if opts.html_column else "text"
    else:
        page = next((c for c in DEFAULT_HTML_COLUMNS if c in cols), None)
        kind = "html"
        if page is None:
            page, kind = next((c for c in DEFAULT_TEXT_COLUMNS if c in cols), None), "text"
        if page is None:
            raise ColumnError(
                f"no page column in {where} (columns: {have}); name it with --html-column or --text-column"
            )
    if opts.id_column and opts.id_column not in cols:
        raise ColumnError(f"no id column {opts.id_column!r} in {where} (columns: {have})")
    return _Columns(page=page, kind=kind, id=opts.id_column, url=URL_COLUMN if URL_COLUMN in cols else None)


def _shown(name: str) -> str:
    """A column name as an error shows it: escapes for what is not printable, 40 characters at most."""
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(name))
    return text if len(text) <= 40 else text[:37] + "..."


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _row_item(base: str, row: int, rec: dict[str, Any], cols: _Columns, limits: ReadLimits) -> Item:
    """One table row -> an item (``error`` set when its page cell is missing or too large)."""
    rid = rec.get(cols.id) if cols.id else None
    prefix = f"{base}#" if base else ""
    item_id = f"{prefix}{row}" if _is_missing(rid) else f"{prefix}{rid}"
    url = rec.get(cols.url) if cols.url else None
    url = None if _is_missing(url) else str(url)
    if cols.page not in rec:
        return Item(id=item_id, url=url, error=f"no column {cols.page!r} in this row")
    value = rec[cols.page]
    if _is_missing(value):
        return Item(id=item_id, url=url, error=f"empty cell in column {cols.page!r}")
    if isinstance(value, str):
        try:  # the original bytes of a table file that was not all UTF-8
            data = value.encode("utf-8", errors="surrogateescape")
        except UnicodeEncodeError:  # lone surrogates of another origin
            data = value.encode("utf-8", errors="surrogatepass")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        data = str(value).encode("utf-8")
    if len(data) > limits.max_bytes:
        return Item(
            id=item_id, url=url, error=f"input larger than {limits.max_bytes} bytes (limit max_bytes)"
        )
    return Item(id=item_id, url=url, data=data, kind=cols.kind)


def table_items(path: str, opts: SourceOptions, kind: str) -> Iterator[Item]:
    """Rows of a JSONL or CSV file (each optionally gzipped)."""
    try:
        raw = open_regular(path, opts.limits, check_size=False)
    except InputError as err:
        yield Item(id=path, error=str(err))
        return
    with raw:
        stream, gunzip = _maybe_gunzip(raw)
        # Bytes that are not UTF-8 survive as lone surrogates and are restored in _row_item: one bad
        # byte costs neither its row nor the rest of the table.
        fh = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
        if kind == "jsonl":
            rows = _jsonl_rows(fh, path, opts.limits.max_decompressed)
        else:
            rows = _csv_rows(fh, path, opts.limits)
        yield from _table_rows(path, rows, opts)
        if gunzip is not None and gunzip.error is not None:
            yield Item(id=f"{path}#@end", error=f"truncated or damaged gzip data: {gunzip.error}")


def _table_rows(
    path: str, rows: Iterator[tuple[int, dict | None, str | None]], opts: SourceOptions
) -> Iterator[Item]:
    cols: _Columns | None = None
    row = -1
    try:
        for row, rec, err in rows:
            if err is not None or rec is None:
                yield Item(id=f"{path}#{row}", error=err)
                continue
            if cols is None:  # the first row (or CSV header) fixes the columns
                try:
                    cols = choose_columns(rec.keys(), opts, path)
                except ColumnError as cerr:
                    yield Item(id=path, error=str(cerr))
                    return
            yield _row_item(path, row, rec, cols, opts.limits)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as err:
        yield Item(id=f"{path}#@{row + 1}", error=f"unreadable data from row {row + 1} on: {_one_line(err)}")


def _jsonl_rows(fh: IO[str], path: str, limit: int) -> Iterator[tuple[int, dict | None, str | None]]:
    """Rows of a JSONL stream; a line longer than ``limit`` characters is passed over in pieces (its row
    gets an error) rather than read whole."""
    row = 0
    while line := fh.readline(limit + 1):
        if len(line) > limit and not line.endswith(("\n", "\r")):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(("\n", "\r")):
                pass
            yield row, None, f"JSON line longer than {limit} characters (limit max_decompressed)"
            row += 1
            continue
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as err:
            yield row, None, f"broken JSON line: {_one_line(err)}"
        else:
            if isinstance(rec, dict):
                yield row, rec, None
            else:
                yield row, None, f"JSON line is a {type(rec).__name__}, not an object"
        row += 1


def _csv_rows(fh: IO[str], path: str, limits: ReadLimits) -> Iterator[tuple[int, dict | None, str | None]]:
    if csv.field_size_limit() < limits.max_bytes:
        csv.field_size_limit(limits.max_bytes)  # process-wide; a page per cell needs more than 128 KiB
    reader = csv.reader(fh)
    header = next(reader, None)
    if header is None:
        return
    for row, values in enumerate(reader):
        if len(values) != len(header):
            yield row, None, f"CSV row with {len(values)} fields, the header has {len(header)}"
        else:
            yield row, dict(zip(header, values, strict=True)), None


def parquet_items(path: str, opts: SourceOptions = SourceOptions()) -> Iterator[Item]:
    """Rows of a Parquet file, read a batch of rows at a time (only the needed columns)."""
    import pyarrow.parquet as pq

    try:
        fh = open_regular(path, opts.limits, check_size=False)
    except InputError as err:
        yield Item(id=path, error=str(err))
        return
    with fh:
        yield from _parquet_rows(pq, fh, path, opts)


def _parquet_rows(pq: Any, fh: IO[bytes], path: str, opts: SourceOptions) -> Iterator[Item]:
    try:
        pf = pq.ParquetFile(fh)
        cols = choose_columns(pf.schema_arrow.names, opts, path)
    except ColumnError as err:
        yield Item(id=path, error=str(err))
        return
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ... for files it cannot read
        yield Item(id=path, error=f"unreadable Parquet file: {_one_line(err)}")
        return
    wanted = [c for c in dict.fromkeys([cols.page, cols.id, cols.url]) if c]
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=opts.table_batch_rows, columns=wanted):
            data = batch.to_pydict()
            for i in range(batch.num_rows):
                yield _row_item(path, row, {c: data[c][i] for c in wanted}, cols, opts.limits)
                row += 1
    except Exception as err:
        yield Item(id=f"{path}#@{row}", error=f"unreadable Parquet data from row {row} on: {_one_line(err)}")


def frame_items(df: Any, opts: SourceOptions) -> Iterator[Item]:
    """Rows of a pandas DataFrame (ids: the id column, else the row position). Raises ColumnError."""
    cols = choose_columns([str(c) for c in df.columns], opts, "the DataFrame")
    wanted = [c for c in dict.fromkeys([cols.page, cols.id, cols.url]) if c]
    arrays = {c: df[c].tolist() for c in wanted}
    for i in range(len(df)):
        yield _row_item("", i, {c: arrays[c][i] for c in wanted}, cols, opts.limits)
