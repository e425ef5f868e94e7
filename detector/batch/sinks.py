"""Where a batch's records go: JSONL, CSV or Parquet, chosen by the output's extension; resumable.

The promise, whatever moment a run is killed at (``kill -9`` included):

- JSONL and CSV: every record is written whole. Records go out a chunk at a time, one ``write`` and a
  ``flush`` per chunk; a kill in the middle of a write can leave a partial last record, and the next
  ``--resume`` cuts it away (truncates the file to the end of its last whole record) before it reads
  which ids are done.
- Parquet cannot be appended to, so a run writes its records to a JSONL journal beside the output
  (``OUT.parquet.journal.jsonl``, same rules as above). When the run ends, the existing Parquet file (if
  resuming a finished run) and the journal are written to ``OUT.parquet.tmp`` and renamed over
  ``OUT.parquet`` (``os.replace``, atomic), then the journal is removed. A kill before the rename leaves
  the old file and the journal; a kill after it leaves a journal whose records are already in the file,
  and the next run skips those. A reader never sees a half-written Parquet file.
- With ``--min-score``, the ids of pages scored but not kept go to ``OUT.below-min-score`` (one JSON
  string a line), so that ``--resume`` does not score them again.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

__all__ = ["Sink", "SinkError", "open_sink", "FORMATS", "format_for", "JsonLine", "json_line"]

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
CSV_FIELDS = ("path", "url", "score", "label", "n_blocks", "blocks", "error")
JOURNAL_SUFFIX = ".journal.jsonl"
FILTERED_SUFFIX = ".below-min-score"
PARQUET_ROWS_PER_GROUP = 4096
_ID_PREFIX = '{"path": "'  # every JSONL record starts with its id: read it without parsing the rest


class SinkError(Exception):
    """An output that cannot be used as asked (unknown extension, exists without --resume/--force)."""


def format_for(path: Path | None) -> str:
    """``jsonl``, ``csv`` or ``parquet`` from the output's extension (JSONL on stdout)."""
    if path is None:
        return "jsonl"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SinkError(f"cannot tell the output format of {path}: name it .jsonl, .csv or .parquet")
    return fmt


def open_sink(
    output: Path | None,
    *,
    resume: bool = False,
    force: bool = False,
    editorial: bool = False,
    stream: IO[str] | None = None,
) -> Sink:
    """The sink for ``output`` (stdout when None), repaired and ready to append when resuming."""
    fmt = format_for(output)
    if output is None:
        if resume:
            raise SinkError("--resume needs an output file (-o)")
        return StreamSink(stream or sys.stdout, editorial=editorial)
    related = [output, _sibling(output, JOURNAL_SUFFIX), _sibling(output, FILTERED_SUFFIX)]
    if resume and force:
        raise SinkError("--resume and --force do not go together")
    if force:
        for p in related:
            p.unlink(missing_ok=True)
    elif not resume:
        existing = [p for p in related if p.exists() and p.stat().st_size > 0]
        if existing:
            raise SinkError(
                f"{existing[0]} exists: use --resume to continue that run, or --force to overwrite it"
            )
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        return JsonlSink(output, editorial=editorial)
    if fmt == "csv":
        return CsvSink(output, editorial=editorial)
    return ParquetSink(output, editorial=editorial)


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


class JsonLine(NamedTuple):
    """A record already written out as its JSONL line (in a worker process), with the fields the batch
    itself reads: the parent process then only counts it and writes ``text`` as it is."""

    path: str
    score: float | None
    label: str | None
    error: str | None
    text: str  # record_line(the record): the exact line a sink writes, newline included


def json_line(rec: dict[str, Any]) -> JsonLine:
    return JsonLine(rec["path"], rec["score"], rec["label"], rec["error"], record_line(rec))


def record_line(rec: dict[str, Any] | JsonLine) -> str:
    if isinstance(rec, JsonLine):
        return rec.text
    return json.dumps(rec, ensure_ascii=False) + "\n"


# -- appendable line files ----------------------------------------------------------------------
def json_bytes(text: str) -> bytes:
    """JSON text as UTF-8. A lone surrogate (a file name's byte that is not UTF-8, held as Python's
    surrogate escape) is written as its JSON escape, ``\\udce9``: ``json.loads`` gives the same string back,
    ``os.fsencode`` the name's bytes."""
    return text.encode("utf-8", errors="backslashreplace")


def raw_bytes(text: str) -> bytes:
    """Text as UTF-8, a surrogate escape as the byte it stands for (the file name's own bytes): the CSV
    output, read back with ``errors="surrogateescape"``, gives the same string."""
    try:
        return text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate of another origin: escaped as in JSON
        return text.encode("utf-8", errors="backslashreplace")


class _LineFile:
    """A file of whole lines, appended a chunk at a time (one write, one flush)."""

    def __init__(self, path: Path, encode=json_bytes) -> None:
        self.path = path
        self._fh: IO[bytes] | None = None
        self._encode = encode

    def append(self, data: str) -> None:
        if self._fh is None:
            self._fh = open(self.path, "ab")  # noqa: SIM115 (kept open across appends; close() closes it)
        self._fh.write(self._encode(data))
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def cut_partial_line(path: Path) -> int:
    """Truncate ``path`` after its last newline (a kill's partial line); returns the bytes cut."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        end = size
        while end > 0:
            start = max(0, end - 65536)
            fh.seek(start)
            block = fh.read(end - start)
            nl = block.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            end = start
        else:
            keep = 0
        if keep < size:
            fh.truncate(keep)
    return size - keep


def jsonl_ids(path: Path) -> Iterator[str]:
    """The ``path`` field of every record of a JSONL file."""
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8", errors="replace")
            if line.startswith(_ID_PREFIX):
                try:
                    yield json.decoder.scanstring(line, len(_ID_PREFIX))[0]  # type: ignore[attr-defined]
                    continue
                except ValueError:
                    pass
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and isinstance(obj.get("path"), str):
                yield obj["path"]
            elif isinstance(obj, str):  # a line of the below-min-score list
                yield obj


# -- sinks --------------------------------------------------------------------------------------
class Sink:
    """Records in, whole records out. Subclasses store them; this keeps the below-min-score ids.

    A record is a dict, or a :class:`JsonLine` for a sink whose ``takes_lines`` is true (it stores JSON
    lines: JSONL, stdout, the Parquet journal), which then writes the line as it is.
    """

    path: Path | None = None
    takes_lines = True

    def __init__(self, editorial: bool = False) -> None:
        self.editorial = editorial
        self._filtered: _LineFile | None = None

    def done_ids(self) -> set[str]:
        """Ids already in the output (or scored below --min-score): a resumed run skips them."""
        ids: set[str] = set()
        if self.path is not None:
            filtered = _sibling(self.path, FILTERED_SUFFIX)
            cut_partial_line(filtered)
            ids.update(jsonl_ids(filtered))
        ids.update(self._stored_ids())
        return ids

    def _stored_ids(self) -> Iterable[str]:
        return ()

    def write(self, records: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def mark_filtered(self, ids: list[str]) -> None:
        """Remember pages scored but not written (below --min-score)."""
        if not ids or self.path is None:
            return
        if self._filtered is None:
            self._filtered = _LineFile(_sibling(self.path, FILTERED_SUFFIX))
        self._filtered.append("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ids))

    def close(self, *, complete: bool) -> None:
        if self._filtered is not None:
            self._filtered.close()


class StreamSink(Sink):
    """JSON lines on a text stream (stdout)."""

    def __init__(self, stream: IO[str], editorial: bool = False) -> None:
        super().__init__(editorial)
        self.stream = stream

    def write(self, records: list[dict[str, Any]]) -> None:
        if records:
            text = "".join(record_line(r) for r in records)
            if not text.isascii():  # lone surrogates as JSON escapes, whatever the stream's error handler
                text = json_bytes(text).decode("utf-8")
            self.stream.write(text)
            self.stream.flush()


class _FileSink(Sink):
    """A sink that appends whole lines to one file (``self._file``): JSON lines unless ``_lines`` says else."""

    _file: _LineFile

    def _lines(self, records: list[dict[str, Any]]) -> str:
        return "".join(record_line(r) for r in records)

    def write(self, records: list[dict[str, Any]]) -> None:
        if records:
            self._file.append(self._lines(records))

    def close(self, *, complete: bool) -> None:
        self._file.close()
        super().close(complete=complete)


class JsonlSink(_FileSink):
    def __init__(self, path: Path, editorial: bool = False) -> None:
        super().__init__(editorial)
        self.path = path
        cut_partial_line(path)
        self._file = _LineFile(path)
        path.touch()

    def _stored_ids(self) -> Iterable[str]:
        assert self.path is not None
        return jsonl_ids(self.path)


class CsvSink(_FileSink):
    """One row per record; ``blocks`` as a JSON list, ``n_blocks`` its length."""

    takes_lines = False  # it needs the fields: a JsonLine is parsed back

    def __init__(self, path: Path, editorial: bool = False) -> None:
        super().__init__(editorial)
        self.path = path
        self.fields = CSV_FIELDS + (("editorial",) if editorial else ())
        self._ids, header = _repair_csv(path)
        if header is not None and tuple(header) != self.fields:
            raise SinkError(
                f"{path} has the columns {', '.join(header)}; this run writes {', '.join(self.fields)}"
                " (resume with the same --editorial setting)"
            )
        self._file = _LineFile(path, raw_bytes)
        if header is None:
            self._file.append(self._rows([]))

    def _rows(self, records: list[dict[str, Any]]) -> str:
        return csv_text(records, editorial=self.editorial, header=not records)

    def _stored_ids(self) -> Iterable[str]:
        return self._ids

    def _lines(self, records: list[dict[str, Any]]) -> str:
        return self._rows(records)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def csv_text(records: Sequence[dict[str, Any] | JsonLine], *, editorial: bool = False, header: bool = True) -> str:
    """Records as CSV rows (``CSV_FIELDS``, plus ``editorial``), after a header row when ``header``: what
    ``detector batch -o x.csv`` and ``detector score --format csv`` write."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if header:
        w.writerow(CSV_FIELDS + (("editorial",) if editorial else ()))
    for r in records:
        if isinstance(r, JsonLine):
            r = json.loads(r.text)
        row = [
            r["path"],
            r.get("url") or "",
            _cell(r["score"]),
            _cell(r["label"]),
            len(r["blocks"]),
            json.dumps(r["blocks"], ensure_ascii=False),
            _cell(r["error"]),
        ]
        if editorial:
            row.append(_cell(r.get("editorial")))
        w.writerow(row)
    return out.getvalue()


def _repair_csv(path: Path) -> tuple[set[str], list[str] | None]:
    """Ids of the whole rows of a CSV output, after cutting a partial last row; and its header."""
    if not path.exists() or path.stat().st_size == 0:
        return set(), None
    ids: set[str] = set()
    header: list[str] | None = None
    good = 0
    with open(path, "rb") as fh:
        pos = 0
        last_complete = True

        def lines() -> Iterator[str]:
            nonlocal pos, last_complete
            for raw in fh:
                pos += len(raw)
                last_complete = raw.endswith(b"\n")
                yield raw.decode("utf-8", errors="surrogateescape")

        reader = csv.reader(lines(), strict=True)
        try:
            for row in reader:
                if not last_complete:
                    break
                if header is None:
                    header = row
                elif len(row) != len(header):
                    break
                else:
                    ids.add(row[0])
                good = pos
        except csv.Error:
            pass
    if good < path.stat().st_size:
        with open(path, "r+b") as out:
            out.truncate(good)
    return ids, header


class ParquetSink(_FileSink):
    """A JSONL journal while running; the Parquet file, written whole and renamed, at the end."""

    def __init__(self, path: Path, editorial: bool = False) -> None:
        super().__init__(editorial)
        self.path = path
        self.journal = _sibling(path, JOURNAL_SUFFIX)
        self.tmp = _sibling(path, ".tmp")
        self.tmp.unlink(missing_ok=True)  # a run killed while converting
        cut_partial_line(self.journal)
        self._file = _LineFile(self.journal)
        self._existing: set[str] | None = None

    def _existing_ids(self) -> set[str]:
        if self._existing is None:
            self._existing = set()
            assert self.path is not None
            if self.path.exists():
                import pyarrow.parquet as pq

                pf = pq.ParquetFile(self.path)
                cols = [c for c in ("path", "path_bytes") if c in pf.schema_arrow.names]
                for batch in pf.iter_batches(columns=cols):
                    names = batch.column(0).to_pylist()
                    raws = batch.column(1).to_pylist() if len(cols) == 2 else [None] * len(names)
                    self._existing.update(os.fsdecode(b) if b is not None else n for n, b in zip(names, raws))
        return self._existing

    def _stored_ids(self) -> Iterable[str]:
        return self._existing_ids() | set(jsonl_ids(self.journal))

    def close(self, *, complete: bool) -> None:
        super().close(complete=complete)
        if complete:
            self.finish()

    def finish(self) -> None:
        """Existing Parquet rows + journal -> ``OUT.tmp`` -> ``OUT``; then drop the journal."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert self.path is not None
        if not self.journal.exists() and self.path.exists():
            return
        existing = self._existing_ids()
        editorial = self.editorial
        if self.path.exists():
            editorial = editorial or "editorial" in pq.ParquetFile(self.path).schema_arrow.names
        schema = parquet_schema(editorial)
        with pq.ParquetWriter(self.tmp, schema) as writer:
            if self.path.exists():
                for batch in pq.ParquetFile(self.path).iter_batches(batch_size=PARQUET_ROWS_PER_GROUP):
                    writer.write_table(_conform(pa.Table.from_batches([batch]), schema))
            rows: list[dict[str, Any]] = []
            for rec in _journal_records(self.journal):
                if rec.get("path") in existing:
                    continue  # killed after the rename last time: already in the file
                rows.append(_parquet_row(rec))
                if len(rows) >= PARQUET_ROWS_PER_GROUP:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        os.replace(self.tmp, self.path)
        self.journal.unlink(missing_ok=True)
        self._existing = None


def _journal_records(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if isinstance(rec, dict):
                yield rec


def _utf8(value: Any) -> Any:
    """``value`` with every string valid UTF-8 (Parquet's strings must be): a lone surrogate as its JSON
    escape."""
    if isinstance(value, str):
        return value if value.isascii() else json_bytes(value).decode("utf-8")
    if isinstance(value, list):
        return [_utf8(v) for v in value]
    if isinstance(value, dict):
        return {k: _utf8(v) for k, v in value.items()}
    return value


def _parquet_row(rec: dict[str, Any]) -> dict[str, Any]:
    """A journal record as a Parquet row. A ``path`` that holds bytes which are not UTF-8 (surrogate escapes)
    is also written whole as ``path_bytes`` (``os.fsdecode`` gives the id back); ``path`` then shows them as
    JSON escapes. Other ids have ``path_bytes`` null."""
    path = rec.get("path")
    raw = None
    if isinstance(path, str) and not path.isascii():
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            raw = os.fsencode(path)
    return {**_utf8(rec), "path_bytes": raw}


def parquet_schema(editorial: bool = False) -> Any:
    import pyarrow as pa

    block = pa.struct(
        [
            ("index", pa.int64()),
            ("label", pa.string()),
            ("score", pa.float64()),
            ("text", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
        ]
    )
    fields = [
        ("path", pa.string()),
        ("url", pa.string()),
        ("score", pa.float64()),
        ("label", pa.string()),
        ("blocks", pa.list_(block)),
        ("error", pa.string()),
    ]
    if editorial:
        fields.append(("editorial", pa.string()))
    fields.append(("path_bytes", pa.binary()))  # the id's bytes where they are not UTF-8 (else null)
    return pa.schema(fields)


def _conform(table: Any, schema: Any) -> Any:
    """A table with exactly ``schema``'s columns (missing ones null)."""
    import pyarrow as pa

    for f in schema:
        if f.name not in table.column_names:
            table = table.append_column(f.name, pa.nulls(len(table), f.type))
    return table.select(schema.names).cast(schema)
