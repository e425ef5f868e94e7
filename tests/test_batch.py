"""detector batch: inputs (folders, WARC, tables, stdin), outputs, resume after a kill, exit codes, Dask."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from detector import score_frame
from detector.batch.items import ColumnError, Item
from detector.batch.run import BatchOptions, chunked, local_records
from detector.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPONSORED = (ROOT / "examples" / "sponsored-crypto-news.txt").read_text(encoding="utf-8")
EDITORIAL = (ROOT / "examples" / "editorial-blog.html").read_text(encoding="utf-8")
SPONSORED_HTML = (
    "<html><body>"
    + "".join(f"<p>{html.escape(p)}</p>" for p in SPONSORED.splitlines() if p.strip())
    + "</body></html>"
)
CONTRACT_KEYS = {"path", "score", "label", "blocks", "error"}


def page(i: int) -> str:
    """A small editorial HTML page, different for each i."""
    return (
        f"<html><head><title>Notes {i}</title></head><body><h1>Allotment diary, week {i}</h1>"
        f"<p>The beans in row {i} came up late this year, after a cold and wet April.</p>"
        f"<p>We watered twice a day and kept the slugs off with copper tape; by week {i + 2} the "
        "first pods were ready.</p></body></html>"
    )


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def batch(runner: CliRunner, *args: str, input: str | None = None):
    return runner.invoke(main, ["batch", "-q", *args], input=input)


def lines(text: str) -> list[dict]:
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def by_id(records: list[dict]) -> dict[str, dict]:
    out = {r["path"]: r for r in records}
    assert len(out) == len(records), "duplicate ids"
    return out


def write_warc(path: Path, pages: list[tuple[str, str]], *, gz: bool = True) -> None:
    """A WARC with an HTML response per page, plus a request, an image and a redirect."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for url, html in pages:
            w.write_record(
                w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            )
            hh = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            w.write_record(
                w.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=hh)
            )
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                "http://example.org/logo.png",
                "response",
                payload=io.BytesIO(b"\x89PNG\r\n\x1a\n...."),
                http_headers=img,
            )
        )
        moved = StatusAndHeaders(
            "301 Moved Permanently", [("Content-Type", "text/html"), ("Location", "/")], protocol="HTTP/1.1"
        )
        w.write_record(
            w.create_warc_record(
                "http://example.org/old", "response", payload=io.BytesIO(b"<p>Moved</p>"), http_headers=moved
            )
        )


WARC_PAGES = [
    ("http://example.org/sponsored", SPONSORED_HTML),
    ("http://example.org/blog", EDITORIAL),
    ("http://example.org/diary", page(1)),
]


# -- inputs -------------------------------------------------------------------------------------
@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "a" / "b").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / "a" / "one.html").write_text(page(1), encoding="utf-8")
    (root / "a" / "b" / "two.txt").write_text(SPONSORED, encoding="utf-8")
    (root / "a" / "b" / "three.html.gz").write_bytes(gzip.compress(page(3).encode()))
    (root / "four.md").write_text(
        "# Four\n\nA short note about the weather and the garden.\n", encoding="utf-8"
    )
    (root / "notes.json").write_text("{}", encoding="utf-8")  # not a page extension
    (root / ".cache" / "five.html").write_text(page(5), encoding="utf-8")  # hidden folder
    return root


def test_folder_is_read_recursively_in_sorted_order(runner, tree):
    result = batch(runner, str(tree), "-j", "1")
    assert result.exit_code == 0, result.output
    paths = [r["path"] for r in lines(result.stdout)]
    rel = [os.path.relpath(p, tree) for p in paths]
    assert rel == ["a/b/three.html.gz", "a/b/two.txt", "a/one.html", "four.md"]
    recs = by_id(lines(result.stdout))
    assert recs[str(tree / "a" / "b" / "two.txt")]["label"] == "sponsored"
    assert all(set(r) == CONTRACT_KEYS and r["error"] is None for r in recs.values())


@pytest.mark.parametrize("spelling", ["{}", "{}/", "{}/./a/.."], ids=["plain", "slash", "dots"])
def test_a_path_pattern_matches_paths_relative_to_the_folder_however_it_is_written(tree, spelling):
    from detector.batch.sources import walk_folder

    got = list(walk_folder(spelling.format(tree), "a/*/t*"))
    assert [os.path.relpath(p, tree) for p in got] == ["a/b/three.html.gz", "a/b/two.txt"]


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("*.html*", ["a/b/three.html.gz", "a/one.html"]),
        ("a/b/*", ["a/b/three.html.gz", "a/b/two.txt"]),
        ("*.md", ["four.md"]),
    ],
    ids=["name-pattern", "path-pattern", "markdown"],
)
def test_glob_picks_the_files_inside_folders(runner, tree, pattern, expected):
    result = batch(runner, str(tree), "--glob", pattern, "-j", "1")
    assert result.exit_code == 0, result.output
    assert [os.path.relpath(r["path"], tree) for r in lines(result.stdout)] == expected


def test_warc_html_responses_become_records_with_record_id_and_url(runner, tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, WARC_PAGES)
    result = batch(runner, str(warc), "-j", "1")
    assert result.exit_code == 0, result.output
    recs = lines(result.stdout)
    assert [r["url"] for r in recs] == [u for u, _ in WARC_PAGES]  # no request, image or redirect
    for r in recs:
        assert r["path"].startswith(f"{warc}#<urn:uuid:") and r["path"].endswith(">")
        assert r["error"] is None
    assert [r["label"] for r in recs] == ["sponsored", "editorial", "editorial"]
    assert any(b["label"] == "affiliate" for b in recs[1]["blocks"])


def test_uncompressed_warc_is_read_too(runner, tmp_path):
    warc = tmp_path / "crawl.warc"
    write_warc(warc, WARC_PAGES[:1], gz=False)
    (rec,) = lines(batch(runner, str(warc), "-j", "1").stdout)
    assert rec["url"] == WARC_PAGES[0][0] and rec["label"] == "sponsored"


def test_truncated_warc_keeps_its_whole_records_and_reports_the_rest(runner, tmp_path):
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole, WARC_PAGES)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    after = tmp_path / "after.html"
    after.write_text(page(9), encoding="utf-8")
    result = batch(runner, str(cut), str(after), "-j", "1")
    assert result.exit_code == 1, result.output
    recs = lines(result.stdout)
    good = [r for r in recs if r["error"] is None]
    bad = [r for r in recs if r["error"] is not None]
    assert [r["url"] for r in good[:-1]] == [u for u, _ in WARC_PAGES][: len(good) - 1]
    assert good[-1]["path"] == str(after)  # the batch carried on after the broken archive
    assert len(bad) == 1 and bad[0]["path"].startswith(f"{cut}#")
    assert "truncated" in bad[0]["error"]


def test_a_file_that_is_not_warc_gets_an_error_record(runner, tmp_path):
    bogus = tmp_path / "bogus.warc"
    bogus.write_text("hello world\n" * 20)
    result = batch(runner, str(bogus), "-j", "1")
    (rec,) = lines(result.stdout)
    assert result.exit_code == 3
    assert rec["path"] == f"{bogus}#@0" and "not WARC data" in rec["error"]


def _table(tmp_path: Path, fmt: str, rows: list[dict]) -> Path:
    df = pd.DataFrame(rows)
    if fmt == "jsonl":
        path = tmp_path / "pages.jsonl"
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    elif fmt == "jsonl.gz":
        path = tmp_path / "pages.jsonl.gz"
        path.write_bytes(gzip.compress(df.to_json(orient="records", lines=True).encode()))
    elif fmt == "csv":
        path = tmp_path / "pages.csv"
        df.to_csv(path, index=False)
    else:
        path = tmp_path / "pages.parquet"
        df.to_parquet(path, index=False)
    return path


TABLE_ROWS = [
    {"doc": "d1", "url": "http://example.org/1", "body": SPONSORED_HTML},
    {"doc": "d2", "url": "http://example.org/2", "body": EDITORIAL},
    {"doc": "d3", "url": "http://example.org/3", "body": page(3)},
]


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "csv", "parquet"])
def test_table_rows_are_pages_named_by_the_id_column(runner, tmp_path, fmt):
    path = _table(tmp_path, fmt, TABLE_ROWS)
    result = batch(runner, str(path), "--html-column", "body", "--id-column", "doc", "-j", "1")
    assert result.exit_code == 0, result.output
    recs = lines(result.stdout)
    assert [r["path"] for r in recs] == [f"{path}#d1", f"{path}#d2", f"{path}#d3"]
    assert [r["url"] for r in recs] == [r["url"] for r in TABLE_ROWS]
    assert [r["label"] for r in recs] == ["sponsored", "editorial", "editorial"]


def test_table_rows_without_an_id_column_are_named_by_row_number(runner, tmp_path):
    path = _table(tmp_path, "parquet", [{"text": SPONSORED}, {"text": "A note on the weather. " * 5}])
    recs = lines(batch(runner, str(path), "-j", "1").stdout)  # "text" is a default column
    assert [r["path"] for r in recs] == [f"{path}#0", f"{path}#1"]
    assert recs[0]["label"] == "sponsored" and "url" not in recs[0]


def test_broken_jsonl_line_gets_its_error_record_and_the_rest_is_scored(runner, tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text(
        json.dumps({"html": page(1)}) + "\n" + '{"html": "<p>cut he\n' + json.dumps({"html": page(2)}) + "\n",
        encoding="utf-8",
    )
    result = batch(runner, str(path), "-j", "1")
    assert result.exit_code == 1
    recs = lines(result.stdout)
    assert [r["path"] for r in recs] == [f"{path}#0", f"{path}#1", f"{path}#2"]
    assert recs[0]["error"] is None and recs[2]["error"] is None
    assert recs[1]["error"].startswith("broken JSON line")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_missing_column_is_a_clear_error(runner, tmp_path, fmt):
    path = _table(tmp_path, fmt, TABLE_ROWS)
    result = batch(runner, str(path), "--html-column", "html", "-j", "1")
    assert result.exit_code == 3
    (rec,) = lines(result.stdout)
    assert rec["path"] == str(path)
    assert "no column 'html'" in rec["error"] and "doc, url, body" in rec["error"]


def test_table_without_a_default_column_says_which_option_to_use(runner, tmp_path):
    path = _table(tmp_path, "csv", TABLE_ROWS)
    (rec,) = lines(batch(runner, str(path), "-j", "1").stdout)
    assert "--html-column or --text-column" in rec["error"]


def test_paths_on_stdin(runner, tree, tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, WARC_PAGES[:1])
    listing = f"{tree / 'four.md'}\n\n{warc}\n{tree / 'a'}\n{tmp_path / 'missing.html'}\n"
    result = batch(runner, "-", "-j", "1", input=listing)
    assert result.exit_code == 1
    recs = lines(result.stdout)
    assert [r["path"].rsplit("#", 1)[0] for r in recs] == [
        str(tree / "four.md"),
        str(warc),
        str(tree / "a" / "b" / "three.html.gz"),
        str(tree / "a" / "b" / "two.txt"),
        str(tree / "a" / "one.html"),
        str(tmp_path / "missing.html"),
    ]
    assert recs[-1]["error"].startswith("no such file")


# -- outputs ------------------------------------------------------------------------------------
def read_output(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return lines(path.read_text(encoding="utf-8"))
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            r["blocks"] = json.loads(r["blocks"])
            r["score"] = float(r["score"]) if r["score"] else None
            assert int(r["n_blocks"]) == len(r["blocks"])
        return rows
    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet"])
def test_output_format_follows_the_extension(runner, tree, tmp_path, ext):
    reference = by_id(lines(batch(runner, str(tree), "-j", "1").stdout))
    out = tmp_path / f"scores{ext}"
    result = batch(runner, str(tree), "-o", str(out), "-j", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    got = read_output(out)
    assert [r["path"] for r in got] == list(reference)  # input order, also with two workers
    for r in got:
        assert r["score"] == reference[r["path"]]["score"]
        assert [b["text"] for b in r["blocks"]] == [b["text"] for b in reference[r["path"]]["blocks"]]
    if ext == ".parquet":
        assert not (tmp_path / "scores.parquet.journal.jsonl").exists()


def test_unknown_output_extension_is_a_usage_error(runner, tree, tmp_path):
    result = batch(runner, str(tree), "-o", str(tmp_path / "scores.xlsx"))
    assert result.exit_code == 2 and ".jsonl, .csv or .parquet" in result.stderr


def test_existing_output_needs_resume_or_force(runner, tree, tmp_path):
    out = tmp_path / "scores.jsonl"
    out.write_text('{"path": "x"}\n')
    result = batch(runner, str(tree), "-o", str(out))
    assert result.exit_code == 2 and "--resume" in result.stderr
    assert batch(runner, str(tree), "-o", str(out), "--force", "-j", "1").exit_code == 0
    assert len(read_output(out)) == 4


def test_min_score_keeps_only_high_scores_but_counts_every_page(runner, tree, tmp_path):
    out = tmp_path / "flagged.jsonl"
    result = runner.invoke(main, ["batch", str(tree), "-o", str(out), "--min-score", "0.5", "-j", "1"])
    assert result.exit_code == 0
    (rec,) = read_output(out)
    assert rec["path"] == str(tree / "a" / "b" / "two.txt") and rec["score"] >= 0.5
    assert "4 pages read, 1 flagged sponsored, 0 errors, 1 written" in result.stderr
    # resuming scores nothing again: the pages below the bar are remembered too
    again = runner.invoke(
        main, ["batch", str(tree), "-o", str(out), "--min-score", "0.5", "--resume", "-j", "1"]
    )
    assert "0 pages read" in again.stderr and "4 skipped" in again.stderr
    assert len(read_output(out)) == 1


def test_editorial_adds_the_editorial_text(runner, tmp_path):
    path = tmp_path / "blog.html"
    path.write_text(EDITORIAL, encoding="utf-8")
    (rec,) = lines(batch(runner, str(path), "--editorial", "-j", "1").stdout)
    assert set(rec) == CONTRACT_KEYS | {"editorial"}
    assert "cargo bike" in rec["editorial"]
    assert "affiliate links" not in rec["editorial"] and "All rights reserved" not in rec["editorial"]


@pytest.mark.parametrize(
    "good, bad, code",
    [(3, 0, 0), (3, 1, 1), (1, 9, 3), (0, 2, 3)],
    ids=["all-read", "some-failed", "nearly-all-failed", "all-failed"],
)
def test_exit_codes(runner, tmp_path, good, bad, code):
    for i in range(good):
        (tmp_path / f"good{i}.html").write_text(page(i), encoding="utf-8")
    for i in range(bad):
        (tmp_path / f"bad{i}.html").write_bytes(b"")
    result = batch(runner, str(tmp_path), "-j", "1")
    assert result.exit_code == code
    assert len(lines(result.stdout)) == good + bad


def test_exit_codes_are_stated_in_help(runner):
    text = runner.invoke(main, ["batch", "--help"]).stdout
    for phrase in ("0 every input was read", "1 some inputs failed", "2 usage error", "3 nearly all"):
        assert phrase in " ".join(text.split())


# -- resume -------------------------------------------------------------------------------------
@pytest.fixture
def many(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(36):
        (folder / f"p{i:02d}.html").write_text(page(i) if i % 9 else SPONSORED_HTML, encoding="utf-8")
    return folder


def test_resume_after_a_kill_cuts_the_partial_line_and_scores_each_page_once(runner, many, tmp_path):
    out = tmp_path / "scores.jsonl"
    assert batch(runner, str(many), "-o", str(out), "-j", "1").exit_code == 0
    full = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(full[:10]) + full[10][: len(full[10]) // 2], encoding="utf-8")  # killed mid-line
    result = runner.invoke(main, ["batch", str(many), "-o", str(out), "--resume", "-j", "2"])
    assert result.exit_code == 0, result.output
    assert "26 pages read" in result.stderr and "10 skipped" in result.stderr
    assert by_id(read_output(out)) == by_id(lines("".join(full)))


def test_resume_of_a_csv_cut_inside_a_quoted_field(runner, many, tmp_path):
    out = tmp_path / "scores.csv"
    assert batch(runner, str(many), "-o", str(out), "--editorial", "-j", "1").exit_code == 0
    full = out.read_bytes()
    reference = read_output(out)
    cut = full.index(b"\n\n", len(full) // 2) + 1  # inside an editorial text, right after a newline
    out.write_bytes(full[:cut])
    assert batch(runner, str(many), "-o", str(out), "--editorial", "--resume", "-j", "1").exit_code == 0
    got = read_output(out)
    assert sorted(r["path"] for r in got) == sorted(r["path"] for r in reference)
    assert {r["path"]: r["editorial"] for r in got} == {r["path"]: r["editorial"] for r in reference}


def test_resume_of_a_parquet_run_uses_its_journal(runner, many, tmp_path):
    out = tmp_path / "scores.parquet"
    journal = tmp_path / "scores.parquet.journal.jsonl"
    assert batch(runner, str(many), "-o", str(tmp_path / "ref.jsonl"), "-j", "1").exit_code == 0
    full = (tmp_path / "ref.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    journal.write_text("".join(full[:5]) + full[5][:40], encoding="utf-8")  # killed before the conversion
    assert batch(runner, str(many), "-o", str(out), "--resume", "-j", "1").exit_code == 0
    assert not journal.exists()
    assert sorted(r["path"] for r in read_output(out)) == sorted(json.loads(x)["path"] for x in full)
    # killed after the rename but before the journal was removed: nothing is counted twice
    journal.write_text("".join(full[:5]), encoding="utf-8")
    assert batch(runner, str(many), "-o", str(out), "--resume", "-j", "1").exit_code == 0
    assert len(read_output(out)) == len(full) == 36


def _children(pid: int) -> list[int]:
    """Processes that descend from ``pid``: its children (the workers it forked), theirs…
    (Linux /proc; empty elsewhere)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _gone(pids: list[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def _count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_kill_9_while_writing_then_resume_gives_every_page_exactly_once(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(1500):  # enough that a batch is still running when it is killed (a page takes ~1 ms)
        (folder / f"p{i:04d}.html").write_text(page(i), encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    rng = random.Random(7)
    kills = []
    base = [
        sys.executable,
        "-m",
        "detector.cli",
        "batch",
        str(folder),
        "-o",
        str(out),
        "--resume",
        "-q",
        "--chunk-size",
        "2",
    ]
    for run in range(5):
        cmd = base + ["-j", "2" if run == 2 else "1"]  # the in-process path, and once the worker pool
        before, target = _count_lines(out), rng.randint(2, 6)
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while _count_lines(out) < before + target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.02))  # somewhere in the middle of the next chunks
        workers = _children(proc.pid)
        if run == 2:
            assert len(workers) >= 2, workers  # its two workers, forked from it
        if run == 2:  # the batch alone: its worker processes must not outlive it
            os.kill(proc.pid, signal.SIGKILL)
        else:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, at once
        assert proc.wait() == -signal.SIGKILL
        kills.append(_count_lines(out) - before)
        assert _gone(workers, within=15), f"worker processes outlived the batch: {workers}"
    assert all(k >= 2 for k in kills), kills  # every kill came while pages were being written
    done = subprocess.run(base + ["-j", "1"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    raw = out.read_text(encoding="utf-8")
    assert raw.endswith("\n")
    recs = lines(raw)  # every line parses
    assert sorted(r["path"] for r in recs) == sorted(str(p) for p in folder.iterdir())
    assert all(r["error"] is None for r in recs)


@pytest.mark.parametrize(
    "jobs, signum, code, word",
    [("1", signal.SIGINT, 130, "interrupted"), ("2", signal.SIGINT, 130, "interrupted"),
     ("2", signal.SIGTERM, 143, "terminated (SIGTERM)")],
    ids=["ctrl-c-j1", "ctrl-c-j2", "sigterm-j2"],
)
def test_ctrl_c_or_sigterm_exit_with_whole_records_and_no_workers_left_and_resume_finishes(
        tmp_path, jobs, signum, code, word):
    """Ctrl-C (SIGINT to the batch's process group, as a terminal sends it) exits 130 and SIGTERM (to the
    batch alone, as a scheduler may send it) 143, not 1 (which says the run ended with some inputs failed):
    a one-line message naming --resume, whole records, no worker left."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(600):
        (folder / f"p{i:04d}.html").write_text(page(i), encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    opts = ["-o", str(out), "-q", "-j", jobs, "--chunk-size", "2"]
    cmd = [sys.executable, "-m", "detector.cli", "batch", "-", *opts]
    # A shell that starts a job in the background without job control (CI, `cmd &` in a script) ignores
    # SIGINT for it, and so would the batch: give it the terminal's default, as a user's shell does.
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # The paths of a third of the pages, on a list that stays open: the batch is still running (scoring, or
    # waiting for more paths) when the signal comes, however slowly the machine runs this test.
    assert proc.stdin is not None
    proc.stdin.write("".join(f"{p}\n" for p in sorted(folder.iterdir())[:500]))
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while _count_lines(out) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(proc.pid)
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == (
        f"{word}: the records written so far are whole; run it again with --resume to finish {out}")
    assert _gone(workers, within=15), f"worker processes outlived the batch: {workers}"
    written = _count_lines(out)
    assert 4 <= written <= 500
    assert lines(out.read_text(encoding="utf-8"))  # every line parses
    done = subprocess.run([sys.executable, "-m", "detector.cli", "batch", str(folder), *opts, "--resume"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    recs = lines(out.read_text(encoding="utf-8"))
    assert sorted(r["path"] for r in recs) == sorted(str(p) for p in folder.iterdir())


# -- engine -------------------------------------------------------------------------------------
def test_a_page_that_kills_its_worker_gets_an_error_record(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parent))  # for the workers too
    from crashing_task import crash_on_marked_pages

    items = [Item(id=f"p{i}", data=b"crash" if i == 5 else b"ok") for i in range(8)]
    options = BatchOptions(n_jobs=2)
    recs = [
        r for chunk in local_records(chunked(items, 1), options, task=crash_on_marked_pages) for r in chunk
    ]
    assert [r["path"] for r in recs] == [f"p{i}" for i in range(8)]
    assert [i for i, r in enumerate(recs) if r["error"]] == [5]
    assert "worker process died" in recs[5]["error"]


def test_score_frame_adds_the_result_columns():
    df = pd.DataFrame({"doc": ["a", "b", "c"], "html": [SPONSORED_HTML, EDITORIAL, None]}, index=[10, 20, 30])
    out = score_frame(df, html_column="html", id_column="doc")
    assert list(out.index) == [10, 20, 30] and "score" not in df.columns  # a copy
    assert list(out["label"][:2]) == ["sponsored", "editorial"]
    assert out["error"].iloc[2] == "empty cell in column 'html'" and pd.isna(out["score"].iloc[2])
    assert any(b["label"] == "sponsored" for b in out["blocks"].iloc[0])
    two = score_frame(df, n_jobs=2)  # "html" is a default column
    assert list(two["score"][:2]) == list(out["score"][:2])


def test_score_frame_with_a_missing_column_raises():
    with pytest.raises(ColumnError, match="no column 'body'.*doc, html"):
        score_frame(pd.DataFrame({"doc": ["a"], "html": ["<p>x</p>"]}), html_column="body")


# -- Dask ---------------------------------------------------------------------------------------
def test_dask_run_gives_the_records_of_a_local_run(runner, tree, tmp_path):
    distributed = pytest.importorskip("distributed")
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, WARC_PAGES)
    table = _table(tmp_path, "parquet", TABLE_ROWS)
    inputs = [str(tree), str(warc), str(table), "--html-column", "body"]
    local = lines(batch(runner, *inputs, "-j", "1").stdout)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        out = tmp_path / "dask.parquet"
        result = batch(
            runner, *inputs, "-o", str(out), "--scheduler", cluster.scheduler_address, "--chunk-size", "3"
        )
        assert result.exit_code == 0, result.output
    remote = read_output(out)
    for r in remote:  # Parquet has url and path_bytes columns for every row; JSONL only where known
        if r["url"] is None:
            del r["url"]
        assert r.pop("path_bytes") is None  # every id here is UTF-8
    assert sorted(remote, key=lambda r: r["path"]) == sorted(local, key=lambda r: r["path"])
    assert len(local) == 4 + 3 + 3


def test_a_parallel_batch_then_a_parallel_evaluation_in_one_process():
    """The batch's worker pool and joblib.Parallel (detector evaluate) share one process: both must work.

    The batch once took loky's pool behind joblib's back, and evaluate_pages then failed with
    "'_ReusablePoolExecutor' object has no attribute '_temp_folder_manager'".
    """
    from detector.batch import run_batch
    from detector.lab.corpus import load_corpus
    from detector.lab.evaluate import evaluate_pages
    from detector.score import Detector

    root = Path(__file__).resolve().parents[1]
    pages = load_corpus(root / "data")[:6]
    det = Detector.load()
    assert evaluate_pages(det, pages, n_jobs=2).metrics["pages_read"] == 6
    out = io.StringIO()
    run_batch([str(root / "examples")], None, options=BatchOptions(n_jobs=2), stdout=out)
    assert len(out.getvalue().splitlines()) == len(list((root / "examples").iterdir()))
    assert evaluate_pages(det, pages, n_jobs=2).metrics["pages_read"] == 6


def test_gzip_containers_are_inflated_member_by_member_by_isal_and_keep_what_precedes_a_cut() -> None:
    """WARC.gz / JSONL.gz / CSV.gz streams: ISA-L inflates (python-isal installed), and a stream cut in its
    second member still hands over the whole first member, then says it was truncated."""
    from detector.batch import gunzip as sources

    first, second = random.Random(1).randbytes(50_000), random.Random(2).randbytes(50_000)
    data = gzip.compress(first) + gzip.compress(second)[:30_000]
    stream, gunzip = sources._maybe_gunzip(io.BytesIO(data))
    got = stream.read()
    assert got[: len(first)] == first and second.startswith(got[len(first):])
    assert gunzip is not None and gunzip.truncated and gunzip.error
    # whole streams, several members, zero padding between them: the standard library's bytes
    whole = gzip.compress(first) + b"\0" * 8 + gzip.compress(second) + gzip.compress(b"")
    stream, gunzip = sources._maybe_gunzip(io.BytesIO(whole))
    assert stream.read() == first + second and gunzip.error is None
    if sources._isal_zlib is not None:  # ISA-L inflates, in the shape of this Python's gzip reader
        reader = sources._gzip_reader(io.BytesIO(whole))
        assert type(reader._decompressor).__module__.startswith(("isal", "igzip", "isal_zlib")), reader._decompressor


def test_the_isal_twin_of_python_312s_raw_inflater_behaves_like_it() -> None:
    """Python 3.12+'s gzip reader drives a ``zlib._ZlibDecompressor(wbits=-15)``: decompress(data, max_length),
    needs_input, eof, unused_data. Its ISA-L twin (used there) must answer the same, whatever Python runs
    the tests."""
    import zlib

    from detector.batch import gunzip as sources

    if sources._isal_zlib is None:
        pytest.skip("python-isal is not installed")
    payload = random.Random(3).randbytes(40_000) + b"text " * 20_000
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = packer.compress(payload) + packer.flush() + b"NEXT MEMBER"
    inflater = sources._isal_raw_inflater(wbits=-zlib.MAX_WBITS)
    out, pos = [], 0
    while not inflater.eof:
        if inflater.needs_input:
            chunk, pos = raw[pos : pos + 8192], pos + 8192
            got = inflater.decompress(chunk, 10_000)
        else:
            got = inflater.decompress(b"", 10_000)
        assert len(got) <= 10_000
        out.append(got)
    assert b"".join(out) == payload
    assert (inflater.unused_data + raw[pos:]).startswith(b"NEXT MEMBER")
