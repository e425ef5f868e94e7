"""Score pages at crawl scale: a stream of inputs in, one record per page out, written as they come.

    sources.iter_items (lazy) -> chunks of pages -> worker processes -> records, in input order -> sinks

Memory stays bounded whatever the number of pages: inputs are read lazily, at most ``in_flight`` chunks
are on their way at any time (submitted, scoring, or waiting to be written), and each chunk's records are
written before the next is taken. The one thing that grows with the input is the set of done ids that
``--resume`` reads from the output.

Each worker process loads the model once (a module-level cache), when it starts. A worker that dies
(out of memory, a crash in a C library) costs its chunk a second try, then its pages one at a time;
a page that kills a worker on its own gets an error record, and the batch goes on.

``run_batch`` is what ``detector batch`` calls; :func:`score_frame` scores a pandas DataFrame in memory.
With ``BatchOptions.scheduler`` set, the same batch runs on a Dask cluster (:mod:`detector.batch.cluster`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any

from ..budget import hard_limit, over_budget_error
from ..io import DEFAULT_LIMITS, ReadLimits
from . import pool
from .items import Item, SourceOptions
from .pool import _MODEL_TASKS, _executor, _fork_pool, _use_fork, _warm, stop_workers, tune_gc, workers
from .sinks import JsonLine, json_line, open_sink
from .sources import iter_items
from .tables import frame_items
from .worker import (  # the worker's side (detector.batch.worker), re-exported
    SPONSORED_PAGES,
    ClusterError,
    ScoreOptions,
    get_detector,
    score_chunk,
    score_chunk_lines,
    score_item,
)

__all__ = [
    "SPONSORED_PAGES",
    "get_detector",
    "BatchOptions",
    "Summary",
    "ClusterError",
    "run_batch",
    "score_frame",
    "score_item",
    "ScoreOptions",
    "score_chunk",
    "score_chunk_lines",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "EXIT_USAGE",
    "EXIT_MOSTLY_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_TERMINATED",
]

log = logging.getLogger(__name__)

# Exit codes of a batch (trafilatura's policy): all read; some failed; usage error; nearly all failed.
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_MOSTLY_FAILED = 3
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it): the run stopped short, --resume finishes it
EXIT_TERMINATED = 143  # SIGTERM (128 + 15), stopped the same way
NEARLY_ALL_FAILED = 0.9  # share of this run's pages with an error from which the exit code is 3

LOCAL_CHUNK = 16  # pages per task: about a tenth of a second of work at ~170 pages/s per core
DASK_CHUNK = 64  # pages per Dask partition: a task costs the scheduler more than a local one
IN_FLIGHT_PER_WORKER = 4  # chunks on their way per worker: one scoring, the rest queued


@dataclass(frozen=True)
class BatchOptions:
    """How a batch is scored and what its records hold."""

    n_jobs: int = 0  # worker processes; 0 or less: one per core
    chunk_size: int | None = None  # pages per task (default LOCAL_CHUNK, or DASK_CHUNK on Dask)
    in_flight: int | None = None  # chunks on their way at once (default 2 per worker)
    editorial: bool = False  # add each page's editorial text
    # keep editorial blocks in "blocks" too; SPONSORED_PAGES: on the pages labelled sponsored only (what
    # ``detector audit`` reads: the main text around a page's notice, at a fraction of the records' size)
    all_blocks: bool | str = False
    min_score: float | None = None  # write only pages scoring at least this
    model_dir: Path | None = None  # None: the shipped model
    trust: bool = False  # load model_dir even though it is not shipped with the package (it is unpickled)
    scheduler: str | None = None  # a Dask scheduler address: run there instead of local processes
    progress: bool | None = None  # a progress bar on stderr; None: when stderr is a terminal
    # The batch owns its process (the CLI): it may tune the garbage collector for scoring when it scores
    # in-process, and it stops its worker processes when done instead of keeping them for reuse.
    own_process: bool = False

    def scoring(self, limits: ReadLimits = DEFAULT_LIMITS) -> ScoreOptions:
        """What each worker needs to score a page: the options that travel with every task."""
        return ScoreOptions(model_dir=None if self.model_dir is None else str(self.model_dir), trust=self.trust,
                            editorial=self.editorial, all_blocks=self.all_blocks, limits=limits)


@dataclass
class Summary:
    """What a batch did, for the closing line on stderr and the exit code."""

    pages: int = 0  # records produced by this run (errors included)
    flagged: int = 0  # labelled sponsored
    errors: int = 0
    written: int = 0  # records written (fewer than pages with --min-score)
    skipped: int = 0  # already in the output (--resume)
    seconds: float = 0.0

    def add(self, records: Sequence[dict[str, Any] | JsonLine]) -> None:
        self.pages += len(records)
        for r in records:
            error, label = (r.error, r.label) if isinstance(r, JsonLine) else (r["error"], r["label"])
            if error is not None:
                self.errors += 1
            elif label == "sponsored":
                self.flagged += 1

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        if self.errors == 0:
            return EXIT_OK
        if self.errors >= NEARLY_ALL_FAILED * self.pages:
            return EXIT_MOSTLY_FAILED
        return EXIT_SOME_FAILED

    def line(self) -> str:
        skipped = f", {self.skipped:,} skipped (already done)" if self.skipped else ""
        return (
            f"{self.pages:,} pages read, {self.flagged:,} flagged sponsored, {self.errors:,} errors, "
            f"{self.written:,} written{skipped}; {self.pages_per_second:,.1f} pages/s ({self.seconds:,.1f} s)"
        )


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def local_records(
    chunks: Iterable[list[Item]],
    options: BatchOptions,
    task: Callable[..., list[Any]] = score_chunk,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Iterator[list[Any]]:
    """Records of each chunk, in input order, from ``options.n_jobs`` worker processes.

    A process pool (forked from the CLI, :func:`_fork_pool`; else joblib's loky pool, :func:`_executor`),
    with a window of at most ``in_flight`` chunks submitted and not yet handed on, so a slow page holds
    back the input instead of letting results pile up.
    """
    opts = options.scoring(limits)
    model_dir = opts.model_dir
    n = workers(options.n_jobs)
    if n == 1:
        tuned = not (options.own_process and task in _MODEL_TASKS)
        for chunk in chunks:
            if not tuned:  # the model loaded first, so that it is frozen out of the collections too
                get_detector(model_dir, trust=options.trust)
                tune_gc()
                tuned = True
            yield task(chunk, opts)
        return
    # (imported here: it imports multiprocessing, 9 ms of a -j 1 start that never uses it)
    from concurrent.futures.process import BrokenProcessPool

    in_flight = options.in_flight or IN_FLIGHT_PER_WORKER * n
    window: deque[tuple[list[Item], Future]] = deque()
    wrap = json_line if task is score_chunk_lines else None

    fork = _use_fork(options) and task in _MODEL_TASKS

    def submit(chunk: list[Item]) -> Future:
        if not fork:
            return _executor(n, model_dir, preload=task in _MODEL_TASKS, trust=options.trust).submit(task, chunk, opts)
        if (live := pool.current()) is not None:
            try:
                return live.submit(task, chunk, opts)
            except BrokenProcessPool:  # a worker died, which breaks the whole pool: fork another
                stop_workers()
        return _fork_pool(n, model_dir, trust=options.trust).submit(task, chunk, opts)

    try:
        for chunk in chunks:
            window.append((chunk, submit(chunk)))
            if len(window) >= in_flight:
                yield _result(*window.popleft(), submit, wrap, limits.max_seconds)
        while window:
            yield _result(*window.popleft(), submit, wrap, limits.max_seconds)
    finally:
        for _, fut in window:
            fut.cancel()


def _result(
    chunk: list[Item],
    fut: Future,
    submit: Callable[[list[Item]], Future],
    wrap: Callable[[dict[str, Any]], Any] | None = None,
    budget: float | None = None,
) -> list[Any]:
    """A chunk's records; when its worker died, the chunk again, then its pages one at a time (a page
    that kills its worker on its own gets an error record, passed through ``wrap`` when given: over the
    time ``budget`` when it ran for at least :func:`budget.hard_limit` of it, where its worker was stopped)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return fut.result()
    except BrokenProcessPool:
        log.warning("a worker process died; scoring its %d pages again", len(chunk))
    if len(chunk) > 1:
        try:
            return submit(chunk).result()
        except BrokenProcessPool:
            log.warning("a worker process died again; scoring those pages one at a time")
    out: list[dict[str, Any]] = []
    for it in chunk:
        t0 = time.monotonic()
        try:
            out.extend(submit([it]).result())
        except BrokenProcessPool:
            slow = budget is not None and time.monotonic() - t0 >= hard_limit(budget)
            log.warning("the worker process %s while scoring %s",
                        "went over the time budget" if slow else "died", it.id)
            why = (over_budget_error(budget) + ": its worker process was stopped" if slow and budget is not None
                   else "the worker process died while scoring this page")
            dead = replace(it, path=None, data=None, error=why)
            rec = score_item(None, dead)
            out.append(rec if wrap is None else wrap(rec))
    return out


# -- the batch ----------------------------------------------------------------------------------
def run_batch(
    inputs: Iterable[str],
    output: Path | None = None,
    *,
    options: BatchOptions | None = None,
    sources: SourceOptions | None = None,
    resume: bool = False,
    force: bool = False,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
) -> Summary:
    """Score every page of ``inputs`` into ``output`` (.jsonl, .csv or .parquet; JSONL on ``stdout`` when
    None). Raises :class:`~detector.batch.sinks.SinkError` for an output that cannot be used as asked."""
    from ..modelfiles import verify_model_dir

    options = options or BatchOptions()
    sources = sources or SourceOptions()
    start = time.perf_counter()
    if options.own_process and not options.scheduler:
        # One BLAS thread in this process and those it starts (a user's own setting stays), whether it
        # scores (-j 1) or hands out pages: scoring multiplies small arrays, and OpenBLAS's idle thread
        # spins at start, ~0.1 s of CPU (3% of a 1,000-page -j 1 run), taken from the scoring.
        for key, value in pool.WORKER_ENV.items():
            os.environ.setdefault(key, value)
    verify_model_dir(options.model_dir, trust=options.trust)  # a ModelError now, not in every worker
    sink = open_sink(output, resume=resume, force=force, editorial=options.editorial, stream=stdout)
    # JSONL, stdout, the Parquet journal: the workers hand back each record as its line, ready to write.
    task = score_chunk_lines if sink.takes_lines else score_chunk
    if not options.scheduler and workers(options.n_jobs) > 1:
        model_dir = None if options.model_dir is None else str(options.model_dir)
        if _use_fork(options):
            # The model loaded here, then frozen out of the collections (tune_gc) before the workers are
            # forked: their own collections then never write to the pages they share with this process.
            _warm(model_dir, trust=options.trust)
            tune_gc()
            # Forked now, before this process runs any thread: the progress bar's monitor thread comes next.
            _fork_pool(workers(options.n_jobs), model_dir, trust=options.trust)
        else:
            # Start the worker processes now: they boot while this one reads the done ids and the inputs.
            _executor(workers(options.n_jobs), model_dir, preload=True, trust=options.trust)
    summary = Summary()
    items: Iterable[Item] = iter_items(inputs, sources, stdin)
    if resume:
        items = _not_done(items, sink.done_ids(), summary)
    if options.scheduler:
        try:
            from .cluster import dask_records
        except ImportError as err:
            sink.close(complete=False)
            raise ClusterError(f"--scheduler needs Dask ({err}): pip install 'detector[dask]'") from None

        size = options.chunk_size or DASK_CHUNK
        records = dask_records(chunked(items, size), options, sources.limits, IN_FLIGHT_PER_WORKER)
    else:
        size = options.chunk_size or LOCAL_CHUNK
        records = local_records(chunked(items, size), options, task=task, limits=sources.limits)
    show = sys.stderr.isatty() if options.progress is None else options.progress
    bar = _progress(show)
    complete = False
    try:
        for recs in records:
            summary.add(recs)
            if options.min_score is None:
                kept = recs
            else:
                kept, below = [], []
                for r in recs:
                    score, path = (r.score, r.path) if isinstance(r, JsonLine) else (r["score"], r["path"])
                    if score is not None and score >= options.min_score:
                        kept.append(r)
                    else:
                        below.append(path)
                sink.mark_filtered(below)
            sink.write(kept)
            summary.written += len(kept)
            if bar is not None:
                bar.update(len(recs))
        complete = True
    finally:
        if bar is not None:
            bar.close()
        sink.close(complete=complete)
        if options.own_process:
            stop_workers()
        summary.seconds = time.perf_counter() - start
    return summary


def _not_done(items: Iterable[Item], done: set[str], summary: Summary) -> Iterator[Item]:
    for it in items:
        if it.id in done:
            summary.skipped += 1
        else:
            yield it


def _progress(show: bool) -> Any:
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(unit=" pages", file=sys.stderr, mininterval=0.5, dynamic_ncols=True)


# -- pandas -------------------------------------------------------------------------------------
def score_frame(
    df: Any,
    html_column: str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    n_jobs: int = 1,
    *,
    chunk_size: int | None = None,
    editorial: bool = False,
    all_blocks: bool = False,
    model_dir: str | Path | None = None,
    trust: bool = False,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Any:
    """A copy of ``df`` with ``score``, ``label``, ``blocks`` and ``error`` columns (and ``editorial``).

    The pages are in ``html_column`` or ``text_column`` (by default the first of ``html``, ``raw_html``,
    ``content_html``, then ``text``, ``content``, ``markdown``). ``id_column`` names the pages in log
    messages. A missing column raises :class:`~detector.batch.sources.ColumnError` (a KeyError). A ``model_dir``
    that is not shipped with the package needs ``trust=True`` (loading a model unpickles it).

        >>> scored = score_frame(pd.DataFrame({"html": pages}), n_jobs=2)   # doctest: +SKIP
    """
    sources = SourceOptions(
        html_column=html_column, text_column=text_column, id_column=id_column, limits=limits
    )
    items = frame_items(df, sources)
    options = BatchOptions(
        n_jobs=n_jobs,
        chunk_size=chunk_size,
        editorial=editorial,
        all_blocks=all_blocks,
        model_dir=None if model_dir is None else Path(model_dir),
        trust=trust,
    )
    records: list[dict[str, Any]] = []
    for recs in local_records(chunked(items, chunk_size or LOCAL_CHUNK), options, limits=limits):
        records.extend(recs)
    out = df.copy()
    for col in ("score", "label", "blocks", "error") + (("editorial",) if editorial else ()):
        out[col] = [r[col] for r in records]
    return out
