"""Where a batch's pages come from: files, folders, WARC archives and tables, each page with a stable id.

A batch reads its inputs as a stream of :class:`~detector.batch.items.Item`: ``sources`` (inputs -> items)
-> ``run`` (items -> records, in worker processes) -> ``sinks`` (records -> JSONL, CSV or Parquet). This
module walks files and folders and hands each container to its reader: ``warc`` (WARC and WET files),
``tables`` (JSONL, CSV, Parquet).

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

import fnmatch
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from .items import PAGE_SUFFIXES, ColumnError, Item, SourceOptions, _one_line, container_kind
from .tables import frame_items, parquet_items, table_items
from .warc import payload, warc_items

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
