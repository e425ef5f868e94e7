"""A fuzz run of the readers and the segmenter, with a fixed budget (hypothesis; atheris is not needed).

Byte-level inputs (random bytes, and real-looking pages, gzip streams, WARC files and tables with random
bit flips, cuts, insertions and duplications) go through ``read_input``, ``segment``, and the batch's
WARC, JSONL, CSV and Parquet readers. The promise checked: a decoded page or an :class:`InputError` with a
one-line reason, never another exception; a segmented page whose blocks and units sit at their offsets;
container readers that never raise and give every unreadable part an item with a one-line error.

Budget: a fixed number of examples per test (DETECTOR_HYPOTHESIS_EXAMPLES raises it for a deeper local
run), no deadline; the file runs in well under a minute. Small read limits, so the limit paths are hit too.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.batch.items import SourceOptions
from detector.batch.tables import parquet_items, table_items
from detector.batch.warc import warc_items
from detector.io import InputError, RawPage, ReadLimits, read_input
from detector.segment import segment

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ReadLimits(max_bytes=64 * 1024, max_decompressed=256 * 1024, max_depth=50)
EXAMPLES = int(os.environ.get("DETECTOR_HYPOTHESIS_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _one_line(msg: str | None) -> None:
    assert msg and "\n" not in msg and "\r" not in msg and "Traceback" not in msg and len(msg) <= 400, msg


# -- seeds and mutations ------------------------------------------------------------------------------
def _page_seeds() -> list[bytes]:
    return [
        (ROOT / "examples" / "editorial-blog.html").read_bytes(),
        (ROOT / "examples" / "sponsored-crypto-news.txt").read_bytes(),
        "<html><head><meta charset=iso-8859-1></head><body><p>Café à la crème</p></body></html>".encode(
            "latin-1"
        ),
        "<p>Sponsored by Example — “quoted” naïve</p>".encode("utf-16"),
        b"# Title\n\nSome *text* [link](http://x.org)\n\n> Anzeige\n",
        b"<div>" * 80 + b"deep" + b"</div>" * 80,
    ]


@st.composite
def mutations(draw, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        n = len(buf)
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, min(n, a + 64)))
        op = draw(st.sampled_from(["flip", "cut", "insert", "duplicate", "truncate", "byte"]))
        if op == "flip" and n:
            i = draw(st.integers(0, n - 1))
            buf[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del buf[a:b]
        elif op == "insert":
            buf[a:a] = draw(st.binary(max_size=16))
        elif op == "duplicate":
            buf[b:b] = buf[a:b] * draw(st.integers(1, 50))
        elif op == "truncate":
            del buf[a:]
        elif n:
            buf[draw(st.integers(0, n - 1))] = draw(st.sampled_from([0, 0x1F, 0x3C, 0x3E, 0x80, 0xC3, 0xFF]))
    return bytes(buf)


@st.composite
def page_bytes(draw) -> bytes:
    seed = draw(st.sampled_from(_page_seeds()))
    choice = draw(st.sampled_from(["raw", "mutated", "gzip-mutated", "mutated-gzip", "bytes"]))
    if choice == "raw":
        return seed
    if choice == "mutated":
        return draw(mutations(seed))
    if choice == "gzip-mutated":
        return draw(mutations(gzip.compress(seed, mtime=0)))
    if choice == "mutated-gzip":
        return gzip.compress(draw(mutations(seed)), mtime=0)
    return draw(st.binary(max_size=4000))


NAMES = st.sampled_from(["p.html", "p.htm", "p.txt", "p.md", "p.html.gz", "p", "p.gz", "p.xhtml"])


# -- reader and segmenter -----------------------------------------------------------------------------
def check_page(raw: RawPage) -> None:
    page = segment(raw, LIMITS)
    assert page.text == "\n".join(b.text for b in page.blocks)
    for i, b in enumerate(page.blocks):
        assert b.index == i and page.text[b.start : b.end] == b.text and b.text.strip()
        assert 0.0 <= b.position <= 1.0
    for u in page.units:
        parent = page.blocks[u.parent]
        assert parent.start <= u.start <= u.end <= parent.end
        assert page.text[u.start : u.end] == u.text


@FUZZ
@given(data=page_bytes(), name=NAMES, kind=st.sampled_from([None, None, "html", "text", "markdown"]))
def test_reader_and_segmenter_take_any_bytes(data, name, kind):
    try:
        raw = read_input(data, name=name, kind=kind, limits=LIMITS)
    except InputError as err:
        _one_line(str(err))
        return
    assert raw.text.strip() and raw.kind in ("html", "text", "markdown")
    try:
        check_page(raw)
    except InputError as err:  # the segmenter's one refusal: HTML that does not parse at all
        _one_line(str(err))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def check_items(items: list) -> None:
    for it in items:
        assert it.id
        if it.error is not None:
            _one_line(it.error)
            assert it.data is None and it.path is None
        else:
            assert it.data is not None or it.path is not None


def _warc_seed(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    w = WARCWriter(out, gzip=gz)
    for i, body in enumerate([b"<p>First page, sponsored by Example.</p>", b"<p>Second page.</p>" * 20]):
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                f"http://example.org/{i}", "response", payload=io.BytesIO(body), http_headers=hh
            )
        )
    return out.getvalue()


WARC_SEEDS = [_warc_seed(True), _warc_seed(False)]


@FUZZ
@given(data=st.sampled_from(WARC_SEEDS).flatmap(mutations), gz=st.booleans())
def test_warc_reader_takes_any_bytes(scratch, data, gz):
    path = _write(scratch, "crawl.warc.gz" if gz else "crawl.warc", data)
    check_items(list(warc_items(str(path), SourceOptions(limits=LIMITS))))


def _table_seeds() -> dict[str, bytes]:
    rows = [
        {"id": f"r{i}", "html": f"<p>Row {i}: café, “quotes”, sponsored by Example.</p>"} for i in range(4)
    ]
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    csv = ("id,html\n" + "".join(f'{r["id"]},"{r["html"]}"\n' for r in rows)).encode()
    return {"jsonl": jsonl, "csv": csv}


TABLES = _table_seeds()


@FUZZ
@given(kind=st.sampled_from(["jsonl", "csv"]), gz=st.booleans(), mutate=st.data())
def test_table_readers_take_any_bytes(scratch, kind, gz, mutate):
    seed = TABLES[kind]
    data = mutate.draw(mutations(gzip.compress(seed, mtime=0) if gz else seed))
    path = _write(scratch, f"t.{kind}{'.gz' if gz else ''}", data)
    check_items(list(table_items(str(path), SourceOptions(limits=LIMITS), kind)))


@pytest.fixture(scope="module")
def parquet_seed(tmp_path_factory) -> bytes:
    import pandas as pd

    path = tmp_path_factory.mktemp("pq") / "t.parquet"
    pd.DataFrame({"id": ["a", "b"], "html": ["<p>One, sponsored.</p>", "<p>Two.</p>"]}).to_parquet(path)
    return path.read_bytes()


@settings(FUZZ, max_examples=max(20, EXAMPLES // 3))
@given(mutate=st.data())
def test_parquet_reader_takes_any_bytes(scratch, parquet_seed, mutate):
    path = _write(scratch, "t.parquet", mutate.draw(mutations(parquet_seed)))
    check_items(list(parquet_items(str(path), SourceOptions(limits=LIMITS))))
