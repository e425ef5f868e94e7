"""The pages of WARC and WET files: one :class:`~detector.batch.items.Item` per HTML response or resource
record, or per WET conversion record, and the HTTP payload of a record decoded for the worker."""

from __future__ import annotations

import codecs
import logging
import zlib
from collections.abc import Generator, Iterator
from typing import IO

from ..io import DEFAULT_LIMITS, InputError, ReadLimits, open_regular
from .gunzip import _maybe_gunzip
from .items import GZIP_MAGIC, HTML_CONTENT_TYPES, Item, SourceOptions, _one_line

__all__ = ["warc_items", "payload"]

log = logging.getLogger(__name__)


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
