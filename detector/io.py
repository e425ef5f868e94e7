"""Read a page's bytes and decode them deliberately.

Stage 1 of the pipeline: ``io`` (bytes, decode) -> ``segment`` -> ``features`` -> ``model`` -> ``score``.

Every failure is an :class:`InputError` with a one-line reason, so a batch can record it and go on.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = ["InputError", "ReadLimits", "RawPage", "read_input", "decode", "guess_kind", "open_regular"]


class InputError(Exception):
    """An input that cannot be read or decoded; ``str(err)`` is a one-line reason."""


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what one input may cost."""

    max_bytes: int = 32 * 1024 * 1024  # compressed or raw bytes read from one input
    max_decompressed: int = 64 * 1024 * 1024  # bytes after gunzip (a gzip bomb stops here)
    max_depth: int = 2000  # HTML nesting beyond this is flattened by the segmenter
    max_seconds: float | None = 60.0  # time to score one page; beyond, an error (see detector.budget); None: no limit

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_decompressed", "max_depth"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"ReadLimits.{name} must be a positive integer, not {value!r}")
        s = self.max_seconds
        if s is not None and (not isinstance(s, (int, float)) or isinstance(s, bool) or not 0 < s < 1e6):
            raise ValueError(f"ReadLimits.max_seconds must be a positive number of seconds or None, not {s!r}")


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class RawPage:
    """A decoded page: its text, what kind of document it is and where it came from."""

    text: str
    kind: str  # "html" | "text" | "markdown"
    path: str
    encoding: str
    # The text as UTF-8, where the input was exactly that (no BOM): the HTML parser reads these bytes
    # instead of encoding the text again.
    utf8: bytes | None = field(default=None, repr=False, compare=False)


# Magic numbers of common binary files that turn up in crawls.
_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"\x7fELF", "an ELF executable"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF media file"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"OggS", "an Ogg media file"),
    (b"wOFF", "a web font"),
    (b"\x1f\x8b", "gzip data"),  # only reached when not named .gz: we still try to open it below
]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HTML_SNIFF = re.compile(r"^\s*(<!doctype|<html|<head|<body|<\?xml|<!--|<div|<p[\s>]|<meta|<title)", re.I)
_MD_SNIFF = re.compile(r"^(#{1,6} |\s*[-*+] |```|>\s)|\]\([^)]+\)", re.M)

_KIND_BY_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
}


def guess_kind(name: str, text: str | None = None) -> str:
    """The kind of a page from its file name, else from its first characters."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    suffix = os.path.splitext(lower)[1]
    if suffix in _KIND_BY_SUFFIX:
        return _KIND_BY_SUFFIX[suffix]
    if text is None:
        return "text"
    head = text[:4096]
    if _HTML_SNIFF.search(head) or ("<p>" in head.lower() and "</" in head):
        return "html"
    if _MD_SNIFF.search(head):
        return "markdown"
    return "text"


def _gunzip(raw: bytes, limits: ReadLimits) -> bytes:
    """Every member of a gzip stream, stopping at ``max_decompressed`` bytes.

    With ISA-L (python-isal, twice as fast as zlib here) where it is installed; a stream it refuses is
    read again with zlib, so that what is wrong is said in zlib's words whichever ran.
    """
    if _isal_zlib is not None:
        try:
            return _gunzip_with(_isal_zlib, raw, limits)
        except InputError:
            pass
    return _gunzip_with(zlib, raw, limits)


def _gunzip_with(lib: Any, raw: bytes, limits: ReadLimits) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        dec = lib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = dec.decompress(raw, limits.max_decompressed + 1 - size)
        except lib.error as err:
            raise InputError(f"corrupt gzip data ({err})") from None
        size += len(out)
        parts.append(out)
        if size > limits.max_decompressed or (dec.unconsumed_tail and not dec.eof):
            raise InputError(f"gzip data expands beyond {limits.max_decompressed} bytes (limit max_decompressed)")
        if not dec.eof:
            raise InputError("truncated gzip data (unexpected end of stream)")
        raw = dec.unused_data.lstrip(b"\x00")  # members may be padded with NULs
        if raw[:2] != b"\x1f\x8b":
            return b"".join(parts)


try:  # ISA-L's deflate: the same bytes out, twice as fast (an optional speed-up; zlib without it)
    from isal import isal_zlib as _isal_zlib
except ImportError:  # pragma: no cover - python-isal is a dependency, but a platform may lack its wheel
    _isal_zlib = None  # type: ignore[assignment]


_FILE_TYPES = [
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
]


def _not_regular(mode: int) -> str:
    for test, what in _FILE_TYPES:
        if test(mode):
            return what
    return "not a regular file"


def _os_error(source: str, err: OSError) -> InputError:
    if isinstance(err, FileNotFoundError):
        return InputError(f"no such file: {source}")
    if isinstance(err, IsADirectoryError):
        return InputError(f"is a directory: {source}")
    if isinstance(err, PermissionError):
        return InputError(f"permission denied: {source}")
    return InputError(f"cannot read {source}: {err.strerror or err}")


def open_regular(source: str, limits: ReadLimits = DEFAULT_LIMITS, *, check_size: bool = True) -> IO[bytes]:
    """Open a regular file for reading, or raise :class:`InputError` without blocking.

    A FIFO, socket or device (which can block a reader forever or never end) is refused before it is
    opened, a directory too; with ``check_size``, so is a file larger than ``max_bytes`` (nothing of it is
    read). The file is opened non-blocking and checked again, in case it was swapped in the meantime.
    """
    try:
        st = os.stat(source)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(source)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"not a regular file ({_not_regular(st.st_mode)}): {source}")
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise _os_error(source, err) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"not a regular file ({_not_regular(st.st_mode)}): {source}")
        if check_size and st.st_size > limits.max_bytes:
            raise InputError(f"input larger than {limits.max_bytes} bytes (limit max_bytes)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    # Outside the try: once fdopen has the descriptor, its file object closes it. Closing it here too (on a
    # Ctrl-C that lands inside fdopen) failed with EBADF, and that error hid the interrupt.
    return os.fdopen(fd, "rb")


def _read_bytes(source: str, limits: ReadLimits) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(limits.max_bytes + 1)  # a stream: read no more than the limit allows
    else:
        with open_regular(source, limits) as fh:
            try:
                data = _read_up_to(fh, limits.max_bytes + 1)
            except OSError as err:
                raise _os_error(source, err) from None
    if len(data) > limits.max_bytes:
        raise InputError(f"input larger than {limits.max_bytes} bytes (limit max_bytes)")
    return data


def _read_up_to(fh: IO[bytes], n: int) -> bytes:
    """At most ``n`` bytes (a file may grow while it is read: the limit holds all the same)."""
    parts: list[bytes] = []
    while n > 0:
        chunk = fh.read(min(n, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def decode(raw: bytes, kind_hint: str = "html") -> tuple[str, str]:
    """Decode page bytes: BOM, then strict UTF-8, then ``<meta charset>``, then detection.

    Returns ``(text, encoding)``. Never raises on odd bytes: the last resort is cp1252 with
    replacement characters. Raises :class:`InputError` for binary content.
    """
    for bom, bom_enc in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(bom_enc, errors="replace"), bom_enc
    enc: str | None
    head = raw[:8192]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputError(f"binary input: looks like {what}, not a web page")
    if b"\x00" in head:
        # UTF-16/32 without a BOM has NUL bytes in every other (or every fourth) position.
        enc = _guess_utf16(head)
        if enc is None:
            raise InputError("binary input: NUL bytes in the first 8 KiB")
        return raw.decode(enc, errors="replace"), enc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if kind_hint == "html":
        m = _META_CHARSET.search(raw[:4096])
        if m:
            enc = m.group(1).decode("ascii", "ignore").lower()
            if enc in ("latin-1", "latin1", "iso-8859-1", "us-ascii", "ascii"):
                enc = "cp1252"
            try:
                codecs.lookup(enc)
            except LookupError:
                enc = ""
            if enc and enc not in ("utf-8", "utf8"):
                return raw.decode(enc, errors="replace"), enc
    mixed = _mostly_utf8(raw)
    if mixed is not None:
        return mixed, "utf-8+cp1252"
    enc = _detect(raw)
    if enc:
        return raw.decode(enc, errors="replace"), enc
    return raw.decode("cp1252", errors="replace"), "cp1252"


def _mostly_utf8(raw: bytes) -> str | None:
    """A page that is UTF-8 but for a few stray bytes (a Latin-1 snippet pasted into a UTF-8 page, a
    cut sequence): the UTF-8 decoded as such, each stray byte as cp1252. None when the invalid bytes are
    as many as the valid multi-byte sequences or more (a page in another encoding altogether).

    Counted without a regular expression (a regex over the bytes took 16 ms for a 470 KB page): each
    valid sequence of two to four bytes decodes to one character, each stray byte to one escaped
    surrogate (which UTF-8 cannot encode back), and each ASCII byte to itself.
    """
    text = raw.decode("utf-8", errors="surrogateescape")
    stray = len(raw) - len(text.encode("utf-8", errors="ignore"))
    valid = len(text) - len(raw.translate(None, _HIGH_BYTES)) - stray  # characters, less ASCII and strays
    if not valid or stray > valid:
        return None
    return raw.decode("utf-8", errors=_CP1252_ERRORS)


def _stray_as_cp1252(err: UnicodeError) -> tuple[str, int]:
    """A codec error handler: the bytes that are not UTF-8 as cp1252 (:func:`_mostly_utf8`)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return _cp1252(err.object[err.start : err.end]), err.end


_HIGH_BYTES = bytes(range(0x80, 0x100))
_CP1252_ERRORS = "detector.stray-as-cp1252"
codecs.register_error(_CP1252_ERRORS, _stray_as_cp1252)


_CP1252_UNDEFINED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))


def _cp1252(data: bytes) -> str:
    """Bytes as cp1252, the five bytes it leaves undefined as Latin-1 (what browsers do)."""
    return "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in data)


def _guess_utf16(head: bytes) -> str | None:
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = max(1, len(head) // 2)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _detect(raw: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    # UTF-16 and UTF-32 have NUL bytes in nearly every page, and those were handled before detection.
    matches = [m for m in from_bytes(raw[:65536]) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    best = matches[0]
    # Western pages are far more common than Central European ones: on a tie, cp1252 wins.
    for m in matches:
        if m.encoding in ("cp1252", "latin_1", "iso8859_1", "iso8859_15") and m.chaos <= best.chaos:
            return "cp1252"
    enc = best.encoding
    return "cp1252" if enc in ("ascii", "latin_1", "iso8859_1") else enc


def read_input(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    kind: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> RawPage:
    """Read a path (``-`` for stdin) or raw bytes into a decoded :class:`RawPage`."""
    if isinstance(source, bytes):
        raw, label = source, name or "<bytes>"
        if len(raw) > limits.max_bytes:
            raise InputError(f"input larger than {limits.max_bytes} bytes (limit max_bytes)")
    else:
        label = name or os.fspath(source)
        raw = _read_bytes(os.fspath(source), limits)
    if raw[:2] == b"\x1f\x8b" or label.lower().endswith(".gz"):
        if raw[:2] != b"\x1f\x8b":
            raise InputError("named .gz but not gzip data")
        raw = _gunzip(raw, limits)
    if not raw or raw.isspace():  # = not raw.strip(), without copying the page
        raise InputError("empty input" if not raw else "input holds only white space")
    hint = kind or guess_kind(label)
    text, encoding = decode(raw, kind_hint=hint if hint != "text" else "html")
    if not text or text.isspace():  # = not text.strip()
        raise InputError("input holds only white space")
    utf8 = raw if encoding == "utf-8" and not raw.startswith(codecs.BOM_UTF8) else None  # raw.decode("utf-8") is text
    return RawPage(text=text, kind=kind or guess_kind(label, text), path=label, encoding=encoding, utf8=utf8)


def is_path_like(value: object) -> bool:
    """True for a Path, or a short one-line str naming an existing file (or ``-``)."""
    if isinstance(value, Path):
        return True
    if isinstance(value, str):
        return value == "-" or ("\n" not in value and len(value) < 4096 and os.path.exists(value))
    return False


def source_name(source: object) -> str:
    """How a page given as a path, bytes or text is named in its record and in messages."""
    if isinstance(source, (str, Path)) and is_path_like(source):
        return os.fspath(source)
    return "<bytes>" if isinstance(source, bytes) else "<text>"
