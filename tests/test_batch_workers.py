"""detector batch's worker processes: records handed back as JSON lines, the same bytes whichever way they
are made; the pool started early and stopped at the end of a CLI run; the garbage collector tuned only
in batch processes."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from detector.batch import pool as pool_mod
from detector.batch import run as batch_mod
from detector.batch import worker as worker_mod
from detector.batch.items import Item
from detector.batch.run import BatchOptions, ScoreOptions, Summary, run_batch, score_chunk, score_chunk_lines
from detector.batch.sinks import CsvSink, JsonLine, JsonlSink, json_line, record_line
from detector.io import ReadLimits

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _items() -> list[Item]:
    items = [Item(id=str(p), path=str(p)) for p in sorted(EXAMPLES.iterdir()) if p.is_file()]
    items.append(Item(id="broken#@7", error="truncated or damaged gzip data"))
    items.append(Item(id="unicode é ☃", data="<p>Sponsored — café ☃ 😀</p>".encode(), kind=None))
    items.append(Item(id='crawl.warc.gz#<urn:uuid:1>', url='https://example.org/a?"q"=1\n',
                      data=b"<html><body><p>Paid Post</p><p>Text of a story that goes on.</p></body></html>"))
    return items


def test_a_json_line_is_the_line_a_sink_writes_for_the_record():
    items = _items()
    recs = score_chunk(items, ScoreOptions(editorial=True))
    got = score_chunk_lines(items, ScoreOptions(editorial=True))
    assert [g.text for g in got] == [json.dumps(r, ensure_ascii=False) + "\n" for r in recs]
    assert [g.text for g in got] == [record_line(r) for r in recs]
    assert [(g.path, g.score, g.label, g.error) for g in got] == [
        (r["path"], r["score"], r["label"], r["error"]) for r in recs
    ]
    assert any(g.error for g in got) and any(g.score is not None for g in got)


def test_sinks_write_the_same_bytes_from_json_lines_and_from_dicts(tmp_path):
    recs = score_chunk(_items())
    for name, records in (("dicts", recs), ("lines", [json_line(r) for r in recs])):
        sink = JsonlSink(tmp_path / f"{name}.jsonl")
        sink.write(records[:3])
        sink.write(records[3:])
        sink.close(complete=True)
        csv_sink = CsvSink(tmp_path / f"{name}.csv")  # CSV takes dicts; a JsonLine is parsed back
        csv_sink.write(records)
        csv_sink.close(complete=True)
    assert (tmp_path / "lines.jsonl").read_bytes() == (tmp_path / "dicts.jsonl").read_bytes()
    assert (tmp_path / "lines.csv").read_bytes() == (tmp_path / "dicts.csv").read_bytes()


def test_summary_counts_json_lines_as_it_counts_dicts():
    recs = score_chunk(_items())
    a, b = Summary(), Summary()
    a.add(recs)
    b.add([json_line(r) for r in recs])
    assert (a.pages, a.flagged, a.errors) == (b.pages, b.flagged, b.errors)
    assert a.errors == 1 and a.flagged >= 1


def _dead(*_args) -> Future:
    fut: Future = Future()
    fut.set_exception(BrokenProcessPool("gone"))
    return fut


def test_a_page_that_kills_its_worker_gets_an_error_line_from_the_lines_task():
    chunk = [Item(id="a", data=b"x"), Item(id="b", data=b"y")]
    out = batch_mod._result(chunk, _dead(), _dead, json_line)
    assert [type(r) for r in out] == [JsonLine, JsonLine]
    assert [r.path for r in out] == ["a", "b"]
    assert all("worker process died" in r.error and r.score is None for r in out)
    assert json.loads(out[0].text)["error"] == out[0].error


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("min_score", [None, 0.5])
def test_run_batch_output_is_the_same_bytes_as_the_records_of_score_chunk(tmp_path, jobs, min_score):
    items = [Item(id=str(p), path=str(p)) for p in sorted(EXAMPLES.iterdir()) if p.is_file()]
    expected = [
        r for r in score_chunk(items) if min_score is None or (r["score"] is not None and r["score"] >= min_score)
    ]
    out = tmp_path / "scores.jsonl"
    summary = run_batch(
        [str(EXAMPLES)], out, options=BatchOptions(n_jobs=jobs, chunk_size=2, min_score=min_score)
    )
    assert out.read_bytes() == "".join(record_line(r) for r in expected).encode("utf-8")
    assert summary.pages == len(items) and summary.written == len(expected)
    stream = io.StringIO()
    run_batch([str(EXAMPLES)], None, options=BatchOptions(n_jobs=jobs, min_score=min_score), stdout=stream)
    assert stream.getvalue().encode("utf-8") == out.read_bytes()
    if min_score is not None:
        below = (tmp_path / "scores.jsonl.below-min-score").read_text(encoding="utf-8").splitlines()
        assert sorted(json.loads(x) for x in below) == sorted(
            it.id for it in items if it.id not in {r["path"] for r in expected}
        )


def test_run_batch_leaves_the_garbage_collector_of_a_library_caller_alone():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    run_batch([str(EXAMPLES)], None, options=BatchOptions(n_jobs=1), stdout=io.StringIO())
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_the_cli_tunes_its_own_garbage_collector_when_it_scores_in_process():
    code = (
        "import gc, sys\n"
        "from detector.cli import main\n"
        "try:\n"
        f"    main(['batch', '-q', '-j', '1', {str(EXAMPLES)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.get_threshold(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stderr.strip().endswith(f"{pool_mod.BATCH_GC_THRESHOLD} True"), done.stderr


def test_a_worker_tunes_its_garbage_collector_after_loading_the_model():
    pool = pool_mod._executor(2, None, preload=True)
    try:
        got = pool.submit(_gc_state).result()
    finally:
        pool_mod.stop_workers()
    assert got == (pool_mod.BATCH_GC_THRESHOLD, True)


def _gc_state() -> tuple[tuple[int, int, int], bool]:
    return gc.get_threshold(), gc.get_freeze_count() > 0


def test_stop_workers_ends_the_pool_and_a_later_batch_starts_another():
    stream = io.StringIO()
    options = BatchOptions(n_jobs=2, own_process=True)  # as the CLI: the workers are stopped at the end
    run_batch([str(EXAMPLES)], None, options=options, stdout=stream)
    assert pool_mod._POOL is None
    first = stream.getvalue()
    again = io.StringIO()
    run_batch([str(EXAMPLES)], None, options=options, stdout=again)
    assert again.getvalue() == first and first.count("\n") == len(list(EXAMPLES.iterdir()))


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the CLI forks its workers on Linux")


@linux_only
def test_the_cli_forks_its_workers_with_the_model_it_loaded():
    options = BatchOptions(n_jobs=2, own_process=True)
    assert pool_mod._use_fork(options) and not pool_mod._use_fork(BatchOptions(n_jobs=2))
    pool_mod._warm(None)
    model = batch_mod.get_detector(None).model
    pool = pool_mod._fork_pool(2, None)
    try:
        got = {pool.submit(_model_state).result() for _ in range(8)}
    finally:
        pool_mod.stop_workers()
    # a forked worker holds the very object this process loaded (same address), not a copy it loaded again
    assert got == {(os.getpid(), id(model), pool_mod.BATCH_GC_THRESHOLD)}


@linux_only
def test_the_workers_are_forked_before_the_progress_bar_starts_its_thread(monkeypatch):
    import multiprocessing
    import threading

    seen = []
    real = batch_mod._progress

    def progress(show):  # tqdm starts a monitor thread: forking after it would copy a process with threads
        seen.append((len(multiprocessing.active_children()), threading.active_count()))
        return real(show)

    monkeypatch.setattr(batch_mod, "_progress", progress)
    stream = io.StringIO()
    run_batch([str(EXAMPLES)], None, options=BatchOptions(n_jobs=2, own_process=True, progress=False), stdout=stream)
    assert stream.getvalue().count("\n") == len(list(EXAMPLES.iterdir()))
    assert len(seen) == 1 and seen[0][0] >= 2, seen  # the two workers were already there


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2", None], ids=["j1", "j2", "default"])
def test_the_cli_scores_without_importing_joblib_or_multiprocessing_it_does_not_use(jobs):
    # joblib (loky) took 40 ms of the start of -j 2 before its workers could fork (and of the default -j,
    # to count the CPUs); multiprocessing 9 ms of -j 1
    from detector.compiled import fasthash

    if fasthash is None:  # the Python path hashes with scikit-learn's murmurhash3, and scikit-learn imports joblib
        pytest.skip("without the C kernel, scoring imports scikit-learn")
    flags = ["-j", jobs] if jobs else []
    code = (
        "import sys\n"
        "from detector.cli import main\n"
        "try:\n"
        f"    main(['batch', '-q', *{flags!r}, {str(EXAMPLES)!r}])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print(sorted(m for m in ('joblib', 'multiprocessing') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    want = "[]" if pool_mod.workers(int(jobs or 0)) == 1 else "['multiprocessing']"
    assert done.stderr.strip().splitlines()[-1] == want, done.stderr
    assert done.stdout.count("\n") == len(list(EXAMPLES.iterdir()))


def _model_state() -> tuple[int, int, tuple[int, int, int]]:
    return os.getppid(), id(batch_mod.get_detector(None).model), gc.get_threshold()


@linux_only
def test_a_page_that_kills_a_forked_worker_gets_an_error_record_and_the_batch_goes_on(monkeypatch):
    analyze = worker_mod.analyze_item

    def crash_on_marked_pages(det, item):  # the forked workers inherit this patch
        if item.data == b"crash":
            os._exit(1)
        return analyze(det, item)

    monkeypatch.setattr(worker_mod, "analyze_item", crash_on_marked_pages)
    items = [Item(id=f"p{i}", data=b"crash" if i == 5 else f"<p>Story {i} goes on here.</p>".encode())
             for i in range(12)]
    options = BatchOptions(n_jobs=2, own_process=True)
    try:
        recs = [json.loads(r.text) for chunk in batch_mod.local_records(
            batch_mod.chunked(items, 2), options, task=score_chunk_lines) for r in chunk]
    finally:
        pool_mod.stop_workers()
    assert [r["path"] for r in recs] == [f"p{i}" for i in range(12)]
    assert [i for i, r in enumerate(recs) if r["error"]] == [5]
    assert "worker process died" in recs[5]["error"]
    assert all(r["score"] is not None for i, r in enumerate(recs) if i != 5)


@linux_only
def test_a_page_stuck_in_compiled_code_beyond_its_budget_stops_its_worker_and_the_batch_goes_on(monkeypatch):
    analyze = worker_mod.analyze_item

    def stuck_on_marked_pages(det, item):  # the forked workers inherit this patch
        if item.data == b"stuck":  # compiled code, where no Python signal handler runs: only the worker guard
            hashlib.pbkdf2_hmac("sha256", b"x", b"y", 3 * 10**7)  # stops it (~10 s of CPU if it did not)
        return analyze(det, item)

    monkeypatch.setattr(worker_mod, "analyze_item", stuck_on_marked_pages)
    items = [Item(id=f"p{i}", data=b"stuck" if i == 3 else f"<p>Story {i} goes on here.</p>".encode())
             for i in range(8)]
    options = BatchOptions(n_jobs=2, own_process=True)
    limits = ReadLimits(max_seconds=0.2)  # the worker stops after budget.hard_limit(0.2) = 1.4 s of CPU
    t0 = time.monotonic()
    try:
        recs = [json.loads(r.text) for chunk in batch_mod.local_records(
            batch_mod.chunked(items, 2), options, task=score_chunk_lines, limits=limits) for r in chunk]
    finally:
        pool_mod.stop_workers()
    assert [r["path"] for r in recs] == [f"p{i}" for i in range(8)]
    assert [i for i, r in enumerate(recs) if r["error"]] == [3]
    assert recs[3]["error"] == "over the time budget of 0.2 s per page (limit max_seconds): its worker process was stopped"
    assert all(r["score"] is not None for i, r in enumerate(recs) if i != 3)
    assert time.monotonic() - t0 < 20  # three tries of the stuck page (chunk, chunk again, alone), 1.4 s each


def test_a_page_over_its_budget_in_python_code_gets_an_error_and_the_next_page_is_scored_as_before(monkeypatch):
    from detector import score as score_mod
    from detector.score import Detector

    segment = score_mod.segment

    def slow_on_marked_pages(raw, limits):
        if "slow page" in raw.text:
            time.sleep(5)  # interrupted by the budget's alarm
        return segment(raw, limits)

    monkeypatch.setattr(score_mod, "segment", slow_on_marked_pages)
    det = Detector.load(limits=ReadLimits(max_seconds=0.3))
    page = "<p>This article is sponsored content, paid for by Example Bank.</p><p>A story of some length.</p>"
    before = det.analyze(page).record()
    t0 = time.monotonic()
    slow = det.analyze("<p>A slow page.</p>").record()
    assert time.monotonic() - t0 < 2
    assert slow["error"] == "over the time budget of 0.3 s per page (limit max_seconds)" and slow["score"] is None
    assert det.analyze(page).record() == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the alarm is disarmed after each page
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_cli_asks_for_one_blas_thread_and_keeps_a_users_setting(jobs):
    code = (
        "import os, sys\n"
        "from detector.cli import main\n"
        "try:\n"
        f"    main(['batch', '-q', '-j', {jobs!r}, {str(EXAMPLES)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('OMP_NUM_THREADS'), file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**env, "OMP_NUM_THREADS": "3"})
    assert done.stderr.strip().endswith("1 3"), done.stderr


def test_the_default_number_of_workers_is_what_joblib_counts(monkeypatch):
    import joblib

    assert pool_mod.cpu_count() == joblib.cpu_count() == pool_mod.workers(0)
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "1")
    assert pool_mod.cpu_count() == 1 == joblib.cpu_count()


@pytest.mark.parametrize(
    "files, cpus",
    [
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs of quota: two workers, as joblib rounds up
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),  # cgroup v1
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
    ids=["v2-no-quota", "v2-1.5", "v2-half", "v1-3", "v1-no-quota", "none"],
)
def test_a_containers_cpu_quota_bounds_the_workers(tmp_path, files, cpus):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert pool_mod._cgroup_cpus(str(tmp_path)) == cpus
