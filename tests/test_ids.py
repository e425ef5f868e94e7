"""Every input id round-trips through every output format, and ``--resume`` knows it: file names with
bytes that are not UTF-8, newlines, tabs and quotes.

An id is a Python string; a file name's bytes that are not UTF-8 are held as surrogate escapes
(``os.fsdecode``). JSONL writes them as JSON escapes (``\\udce9``), CSV as the name's own bytes (read with
``errors="surrogateescape"``), Parquet in ``path_bytes`` beside a readable ``path``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.batch.sinks import _parquet_row, json_bytes, raw_bytes

NAMES = [b"caf\xe9.html", b"new\nline.txt", b'tab\tand "quotes".txt', b"\xff\xfe odd.html", "ünï.txt".encode()]
BODY = "<p>The harbour committee met on Monday evening to discuss the winter ferry timetable and fares.</p>"


def output_ids(path: Path) -> list[str]:
    if path.suffix == ".jsonl":
        return [json.loads(line)["path"] for line in path.read_text(encoding="utf-8").splitlines()]
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as fh:
            return [row[0] for row in list(csv.reader(fh))[1:]]
    table = pq.read_table(path).to_pydict()
    return [os.fsdecode(b) if b is not None else p for p, b in zip(table["path"], table["path_bytes"])]


@pytest.mark.skipif(sys.platform == "win32", reason="file names are bytes on POSIX only")
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_every_file_name_round_trips_and_resume_writes_each_once(tmp_path, fmt):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in NAMES:
        with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as fh:
            fh.write(BODY)
    out = tmp_path / f"out.{fmt}"
    cmd = [sys.executable, "-m", "detector.cli", "batch", str(folder), "-o", str(out), "-q"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    subprocess.run(cmd + ["--resume"], check=True, capture_output=True, timeout=300)
    ids = output_ids(out)
    assert len(ids) == len(NAMES)  # exactly once, the resumed run added nothing
    assert sorted(os.fsencode(i) for i in ids) == sorted(os.path.join(os.fsencode(folder), n) for n in NAMES)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_id_escaping_round_trips_any_bytes(name):
    ident = os.fsdecode(name)
    line = json_bytes(json.dumps({"path": ident}, ensure_ascii=False) + "\n")
    line.decode("utf-8")  # valid UTF-8
    assert json.loads(line)["path"] == ident
    assert raw_bytes(ident).decode("utf-8", errors="surrogateescape") == ident
    row = _parquet_row({"path": ident})
    row["path"].encode("utf-8")  # Parquet strings must be valid UTF-8
    assert (os.fsdecode(row["path_bytes"]) if row["path_bytes"] is not None else row["path"]) == ident
