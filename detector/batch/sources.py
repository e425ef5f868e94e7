"""Where a batch's pages come from: files, folders, WARC archives and tables, each page with a stable id.

A batch reads its inputs as a stream of :class:`Item`: ``sources`` (inputs -> items) -> ``batch`` (items
-> records, in worker processes) -> ``sinks`` (records -> JSONL, CSV or Parquet).

Every item has an id that is the same on every run over the same inputs, so that ``--resume`` can tell
what is done:

- a page file: its path, as reached from the argument (``pages/a/b.html``);
- a WARC or WET record: ``crawl.warc.gz#<urn:uuid:...>`` (file, ``#``, WARC-Record-ID), its target URI as
  ``url``;
- a table row: ``table.jsonl#<id>`` with the ``--id-column`` value, else ``table.jsonl#<row>`` (row from 0);
- the part of a container that could not be read: ``crawl.warc.gz#@<offset>`` or ``table.csv#@<row>``.

Nothing here raises on a bad input: what cannot be read becomes an item with ``error`` set, and the
stream goes on with the next input.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import gzip
import io
import json
import logging
import math
import os
import sys
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Any

from ..io import DEFAULT_LIMITS, InputError, ReadLimits, _isal_zlib, open_regular

__all__ = [
    "Item",
    "SourceOptions",
    "iter_items",
    "frame_items",
    "container_kind",
    "payload",
    "PAGE_SUFFIXES",
    "ColumnError",
]

log = logging.getLogger(__name__)

PAGE_SUFFIXES = (".html", ".htm", ".txt", ".md")  # each also with .gz (io.read_input gunzips)
CONTAINER_SUFFIXES = {
    ".warc": "warc",
    ".warc.gz": "warc",
    ".wet": "warc",  # Common Crawl WET: conversion records (text)
    ".wet.gz": "warc",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson": "jsonl",
    ".ndjson.gz": "jsonl",
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
}
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
# Columns tried, in order, when neither --html-column nor --text-column is given.
DEFAULT_HTML_COLUMNS = ("html", "raw_html", "content_html")
DEFAULT_TEXT_COLUMNS = ("text", "content", "markdown")
URL_COLUMN = "url"  # taken into the record's "url" when a table has it
GZIP_MAGIC = b"\x1f\x8b"


class ColumnError(KeyError):
    """A table without the column that holds the pages (or the ids)."""

    def __str__(self) -> str:  # KeyError quotes its message; this one reads as a sentence
        return str(self.args[0])


@dataclass(frozen=True)
class SourceOptions:
    """How inputs are found and read."""

    glob: str | None = None  # file pattern inside folders (default: page and container extensions)
    html_column: str | None = None
    text_column: str | None = None
    id_column: str | None = None
    limits: ReadLimits = DEFAULT_LIMITS
    table_batch_rows: int = 1024  # Parquet rows decoded at a time


@dataclass(frozen=True)
class Item:
    """One page to score: a file the worker reads (``path``) or the page's bytes (``data``)."""

    id: str
    path: str | None = None
    data: bytes | None = None
    kind: str | None = None  # "html" | "text" | "markdown"; None: from the name or the content
    url: str | None = None
    error: str | None = None  # unreadable before scoring: the record carries this
    charset: str | None = None  # declared by HTTP, for WARC payloads
    date: str | None = None  # a WET record's WARC-Date
    codings: tuple[str, ...] = ()  # HTTP transfer/content codings still applied to ``data``

    def loaded(self, limits: ReadLimits = DEFAULT_LIMITS) -> Item:
        """The same item with a file's bytes read in (for workers that cannot see this file system)."""
        if self.path is None or self.error is not None:
            return self
        try:
            with open_regular(self.path, limits) as fh:
                data = fh.read(limits.max_bytes + 1)
        except InputError as err:
            return replace(self, error=str(err))
        except OSError as err:
            return replace(self, error=f"cannot read {self.path}: {err.strerror or err}")
        if len(data) > limits.max_bytes:
            return replace(self, error=f"input larger than {limits.max_bytes} bytes (limit max_bytes)")
        return replace(self, path=None, data=data, kind=self.kind or _kind_from_name(self.path))


def _kind_from_name(name: str) -> str | None:
    from ..io import guess_kind

    lower = name.lower().removesuffix(".gz")
    return guess_kind(name) if lower.endswith(PAGE_SUFFIXES) else None


def container_kind(name: str) -> str | None:
    """``warc``, ``jsonl``, ``csv`` or ``parquet`` from a file name; None for a page file."""
    lower = name.lower()
    for suffix, kind in CONTAINER_SUFFIXES.items():
        if lower.endswith(suffix):
            return kind
    return None


def _wanted(rel: str, name: str, pattern: str | None) -> bool:
    if pattern is None:
        lower = name.lower().removesuffix(".gz")
        return lower.endswith(PAGE_SUFFIXES) or container_kind(name) is not None
    return fnmatch.fnmatchcase(rel if "/" in pattern else name, pattern)


def walk_folder(folder: str, pattern: str | None = None) -> Iterator[str]:
    """Files under ``folder``, recursively, in path order (``a/b/x`` before ``a/y``); hidden files and
    folders are left out, symbolic links to folders are not followed."""

    def entries(path: str) -> list[os.DirEntry]:
        try:
            with os.scandir(path) as it:
                return sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as err:
            log.warning("cannot list %s: %s", path, err.strerror or err)
            return []

    # Each level's entries and its path relative to ``folder`` ("" or "a/b/"): a file's relative path is
    # that and its name (os.path.relpath took 19 us a file).
    stack = [(iter(entries(folder)), "")]
    while stack:
        level, rel = stack[-1]
        entry = next(level, None)
        if entry is None:
            stack.pop()
        elif entry.is_dir(follow_symlinks=False):
            stack.append((iter(entries(entry.path)), rel + entry.name + "/"))
        elif _wanted(rel + entry.name, entry.name, pattern):
            yield entry.path


def iter_items(
    inputs: Iterable[str], opts: SourceOptions = SourceOptions(), stdin: IO[str] | None = None
) -> Iterator[Item]:
    """Every page of every input, lazily. ``-`` reads a list of paths (one a line) from ``stdin``."""
    for arg in inputs:
        if arg == "-":
            for line in stdin if stdin is not None else sys.stdin:
                path = line.strip()
                if path:
                    yield from _expand(path, opts)
        else:
            yield from _expand(arg, opts)


def _expand(path: str, opts: SourceOptions) -> Iterator[Item]:
    if os.path.isdir(path):
        for f in walk_folder(path, opts.glob):
            yield from file_items(f, opts)
    else:
        yield from file_items(path, opts)  # a named file is taken whatever its name


def file_items(path: str, opts: SourceOptions = SourceOptions()) -> Iterator[Item]:
    """The items of one file: itself for a page, its records or rows for a container."""
    kind = container_kind(path)
    if kind is None:
        yield Item(id=path, path=path)
        return
    if kind == "warc":
        items = warc_items(path, opts)
    elif kind == "parquet":
        items = parquet_items(path, opts)
    else:
        items = table_items(path, opts, kind)
    n = 0
    try:
        for item in items:
            yield item
            n += 1
    except Exception as err:  # a bug met in one container of a crawl must not stop the crawl
        log.exception("internal error reading %s", path)
        yield Item(
            id=f"{path}#@item{n}",
            error=f"internal error reading this file after {n} items: {type(err).__name__}: {_one_line(err)}",
        )


# -- WARC ---------------------------------------------------------------------------------------
class _Gunzip(io.RawIOBase):
    """A gzip stream (every member) that ends quietly where the data goes bad, remembering why.

    WARC parsers stop without a word at a truncated gzip stream, and may drop whole records they had
    already decompressed; this stream hands over every byte that decompresses, then reports end of
    file, and ``error`` says that the file was cut or damaged.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self._gz = _gzip_reader(fh)
        self.error: str | None = None
        self.truncated = False  # the data ended early (nothing after it to resynchronise on)

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        if self.error is not None:
            return 0
        try:
            data = self._gz.read1(len(buf))
        except _GZIP_ERRORS as err:
            self.error = _one_line(err)
            self.truncated = isinstance(err, EOFError)
            return 0
        buf[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gz.close()
        super().close()


def _maybe_gunzip(fh: IO[bytes]) -> tuple[IO[bytes], _Gunzip | None]:
    """``fh``, gunzipped on the fly when it starts with the gzip magic (whatever its name)."""
    where = fh.tell()
    gzipped = fh.read(2) == GZIP_MAGIC
    fh.seek(where)
    if not gzipped:
        return fh, None
    gunzip = _Gunzip(fh)
    return io.BufferedReader(gunzip, GUNZIP_BUFFER), gunzip


# The gzip reader of WARC.gz, JSONL.gz and CSV.gz files: the standard library's (members, headers,
# padding, CRC and length checks, the data of every whole member handed over before an error), inflating
# with ISA-L (python-isal, a dependency already, for gzipped pages), 2.5 times as fast as zlib: a WARC's
# records are inflated in the batch's own process, before any worker sees them. Not isal's own GzipFile,
# which loses the last whole member's data when the file is cut in the next one. The stdlib's reader
# inflates with zlib.decompressobj up to Python 3.11 and with zlib._ZlibDecompressor from 3.12: each has
# its ISA-L twin; zlib where python-isal is missing (detector.io imports it), or where the reader is neither.
_GZIP_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error) + (
    (_isal_zlib.error,) if _isal_zlib is not None else ())  # type: ignore[assignment]  # isal has no stubs


def _isal_raw_inflater(wbits: int = -zlib.MAX_WBITS) -> Any:
    """ISA-L's twin of ``zlib._ZlibDecompressor(wbits=-15)``: raw deflate, 32 KB window."""
    from isal import igzip_lib

    return igzip_lib.IgzipDecompressor(flag=igzip_lib.DECOMP_DEFLATE, hist_bits=-wbits)


def _gzip_reader(fh: IO[bytes]) -> Any:
    """The gzip stream ``fh`` as a reader whose ``read1(n)`` gives up to ``n`` inflated bytes (b"" at the end)."""
    make = getattr(gzip, "_GzipReader", None)
    if _isal_zlib is not None and make is not None:
        reader = make(fh)
        if getattr(reader, "_decomp_args", None) == {"wbits": -zlib.MAX_WBITS}:
            twin = {zlib.decompressobj: _isal_zlib.decompressobj,
                    getattr(zlib, "_ZlibDecompressor", None): _isal_raw_inflater}.get(reader._decomp_factory)
            if twin is not None:
                reader._decomp_factory = twin  # each further member's
                reader._decompressor = twin(wbits=-zlib.MAX_WBITS)
                reader.read1 = reader.read  # one inflate step's bytes, up to n
                return reader
    return gzip.GzipFile(fileobj=fh, mode="rb")


GUNZIP_BUFFER = 1 << 18  # inflated bytes per read: a few dozen reads per MB of WARC instead of 128


RESYNC_BACKOFF = 256 * 1024  # raw bytes before the point where damage was noticed that may hold its member


def warc_items(path: str, opts: SourceOptions = SourceOptions()) -> Iterator[Item]:
    """Pages of a WARC file (gzipped or not): ``response`` records with HTTP status 2xx and ``resource``
    records, whose content type is HTML, and the ``conversion`` records of a WET file (text extracted by
    the crawler, read as plain text: one line a paragraph). Other records are passed over.

    A record shorter than its Content-Length, a gzip stream that ends early or goes bad, or data that
    is not WARC, gets one error item; the records before it are kept. In a gzipped WARC, where every
    record is a gzip member of its own, reading then goes on at the next member that holds a WARC
    record, so damage in the middle of a file costs the records it touches, not the rest of the file.
    """
    try:
        fh = open_regular(path, opts.limits, check_size=False)
    except InputError as err:
        yield Item(id=path, error=str(err))
        return
    with fh:
        gzipped = fh.read(2) == GZIP_MAGIC
        fh.seek(0)
        seen: set[str] = set()
        start = 0
        damage = yield from _warc_records(path, fh, 0, opts, seen, quiet=False)
        if damage is not None and gzipped:
            log.warning("%s: damaged gzip data (before byte %d); reading on at the next record", path, damage)
        while damage is not None and gzipped:
            nxt = _next_member(fh, max(start + 1, damage - RESYNC_BACKOFF))
            if nxt is None:
                break
            start = nxt
            damage = yield from _warc_records(path, fh, start, opts, seen, quiet=True)


def _warc_records(
    path: str, fh: IO[bytes], start: int, opts: SourceOptions, seen: set[str], *, quiet: bool
) -> Generator[Item, None, int | None]:
    """Items of a WARC from raw offset ``start`` on; returns where gzip damage stopped it (else None).

    Items whose id is in ``seen`` are passed over (they were read before a resync), new ones added to it.
    With ``quiet``, a failure before any new item is not reported (a resync that began too early).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    fh.seek(start)
    stream, gunzip = _maybe_gunzip(fh)
    where = f"@{start}:" if start else "@"  # error ids after a resync: raw offset, then stream offset
    max_bytes = opts.limits.max_bytes
    records = ArchiveIterator(stream, no_record_parse=True)
    fresh = 0

    def failed(item: Item) -> Iterator[Item]:
        if not quiet or fresh:
            seen.add(item.id)
            yield item

    def damage() -> int | None:
        if gunzip is None or gunzip.error is None or gunzip.truncated:
            return None
        return fh.tell()

    while True:
        offset = records.offset
        try:
            rec = next(records)
        except StopIteration:
            break
        except (ArchiveLoadFailed, OSError, ValueError) as err:
            why = f"not WARC data at offset {offset}: {_one_line(err)}"
            yield from failed(Item(id=f"{path}#{where}{offset}", error=why))
            return damage()
        if rec.rec_type not in ("response", "resource", "conversion"):
            continue
        headers = rec.rec_headers
        url = headers.get_header("WARC-Target-URI")
        item_id = f"{path}#{headers.get_header('WARC-Record-ID') or where + str(records.offset)}"
        declared = (headers.get_header("Content-Length") or "").strip()
        if not _ascii_digits(declared):  # "¹9" is a digit string to str.isdigit, not to int()
            yield from failed(Item(id=item_id, url=url, error="WARC record without a valid Content-Length"))
            return damage()
        size = int(declared)
        item: Item | None
        if size > max_bytes:
            item = Item(
                id=item_id,
                url=url,
                error=f"WARC record of {size} bytes, larger than {max_bytes} (limit max_bytes)",
            )
        else:
            block = rec.raw_stream.read(size + 1)
            if len(block) < size:
                why = f": {gunzip.error}" if gunzip is not None and gunzip.error else ""
                why = f"truncated WARC record ({len(block)} of {size} bytes){why}"
                yield from failed(Item(id=item_id, url=url, error=why))
                return damage()
            if rec.rec_type == "response":
                item = _http_item(item_id, url, block)
            elif rec.rec_type == "conversion":  # a WET file's extracted text: one line per paragraph
                item = Item(id=item_id, url=url, data=block, kind="text", charset="utf-8",
                            date=headers.get_header("WARC-Date"))
            else:
                item = _resource_item(item_id, url, headers.get_header("Content-Type"), block)
        if item is not None and item.id not in seen:
            seen.add(item.id)
            fresh += 1
            yield item
    if gunzip is not None and gunzip.error is not None:
        yield from failed(
            Item(
                id=f"{path}#{where}{records.offset}", error=f"truncated or damaged gzip data: {gunzip.error}"
            )
        )
        return damage()
    return None


def _next_member(fh: IO[bytes], lo: int) -> int | None:
    """The raw offset, from ``lo`` on, of the next gzip member that starts a WARC record."""
    pos = lo
    while True:
        fh.seek(pos)
        chunk = fh.read(1 << 20)
        if len(chunk) < 3:
            return None
        i = chunk.find(b"\x1f\x8b\x08")
        while i >= 0:
            fh.seek(pos + i)
            head = fh.read(4096)
            try:
                if zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 5) == b"WARC/":
                    return pos + i
            except zlib.error:
                pass
            i = chunk.find(b"\x1f\x8b\x08", i + 1)
        pos += len(chunk) - 2  # a magic number cut by the chunk's end is found in the next


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _content_type(value: str | None) -> tuple[str, str | None]:
    """``text/html; charset=UTF-8`` -> (``text/html``, ``utf-8``)."""
    if not value:
        return "", None
    parts = value.split(";")
    mime = parts[0].strip().lower()
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return mime, charset


def _resource_item(item_id: str, url: str | None, ctype: str | None, block: bytes) -> Item | None:
    mime, charset = _content_type(ctype)
    if mime not in HTML_CONTENT_TYPES:
        return None
    return Item(id=item_id, url=url, data=block, kind="html", charset=charset)


def _http_item(item_id: str, url: str | None, block: bytes) -> Item | None:
    """An HTTP response block -> an HTML item, or None for a non-HTML or non-2xx response."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep:
        return Item(id=item_id, url=url, error="WARC response without an HTTP header")
    lines = head.decode("latin-1").splitlines()
    status = lines[0].split(None, 2) if lines else []
    if len(status) < 2 or not status[0].upper().startswith("HTTP/") or not _ascii_digits(status[1]):
        return Item(id=item_id, url=url, error="WARC response with a malformed HTTP status line")
    if not 200 <= int(status[1]) < 300:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, _, val = line.partition(":")
        headers[key.strip().lower()] = val.strip()
    mime, charset = _content_type(headers.get("content-type"))
    if mime not in HTML_CONTENT_TYPES:
        return None
    codings = []
    if "chunked" in headers.get("transfer-encoding", "").lower():
        codings.append("chunked")
    codings += [c.strip().lower() for c in headers.get("content-encoding", "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    return Item(id=item_id, url=url, data=body, kind="html", charset=charset, codings=tuple(codings))


# -- decoding a WARC payload (in the worker) ----------------------------------------------------
def payload(item: Item, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
    """An item's page bytes with HTTP codings undone and a declared charset turned into UTF-8.

    Raises :class:`~detector.io.InputError`.
    """
    from ..io import InputError

    data = item.data or b""
    for coding in item.codings:
        if coding == "chunked":
            data = _dechunk(data)
        elif coding in ("gzip", "x-gzip", "deflate"):
            data = _inflate(data, limits.max_decompressed)
        elif coding == "br":
            try:
                import brotli
            except ImportError:
                raise InputError(
                    "brotli-compressed payload, and the brotli module is not installed"
                ) from None
            try:
                data = brotli.decompress(data)
            except brotli.error as err:
                raise InputError(f"corrupt brotli data ({err})") from None
        else:
            raise InputError(f"unsupported HTTP content coding: {coding}")
    if item.charset and data[:2] != GZIP_MAGIC:
        data = _to_utf8(data, item.charset)
    return data


def _dechunk(data: bytes) -> bytes:
    """Undo HTTP/1.1 chunked transfer coding; data that is not chunked after all is kept as it is."""
    out: list[bytes] = []
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        size_text = data[pos:end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return data if not out else b"".join(out)
        if size == 0:
            break
        out.append(data[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2
    return b"".join(out) if out else data


def _inflate(data: bytes, limit: int) -> bytes:
    from ..io import InputError

    dec = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
    try:
        out = dec.decompress(data, limit + 1)
    except zlib.error:
        try:  # raw deflate, as some servers send for "deflate"
            dec = zlib.decompressobj(-zlib.MAX_WBITS)
            out = dec.decompress(data, limit + 1)
        except zlib.error as err:
            raise InputError(f"corrupt compressed payload ({err})") from None
    if len(out) > limit:
        raise InputError(f"payload expands beyond {limit} bytes (limit max_decompressed)")
    return out


def _to_utf8(data: bytes, charset: str) -> bytes:
    """Bytes in a declared charset -> UTF-8, unless they already are valid UTF-8 or carry a BOM."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        codecs.lookup(charset)
    except LookupError:
        return data  # an unknown name: leave the decoding to detection
    if charset in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        charset = "cp1252"  # what browsers do
    return data.decode(charset, errors="replace").encode("utf-8")


# -- tables -------------------------------------------------------------------------------------
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


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 200 else text[:197] + "..."
