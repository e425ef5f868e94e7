"""Gzip streams read to the last good byte: a WARC or table file cut or damaged in the middle hands over
what precedes the damage, then says why it ends (inflated by ISA-L where python-isal is installed)."""

from __future__ import annotations

import gzip
import io
import zlib
from typing import IO, Any

from ..io import _isal_zlib
from .items import GZIP_MAGIC, _one_line

GUNZIP_BUFFER = 1 << 18  # inflated bytes per read: a few dozen reads per MB of WARC instead of 128


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
