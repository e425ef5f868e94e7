"""A batch's unit of work, :class:`Item` (one page to score, with its stable id), the options that say
how inputs are read, and the names of the inputs' kinds."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..io import DEFAULT_LIMITS, InputError, ReadLimits, open_regular

__all__ = ["Item", "SourceOptions", "ColumnError", "container_kind", "PAGE_SUFFIXES"]

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


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 200 else text[:197] + "..."
