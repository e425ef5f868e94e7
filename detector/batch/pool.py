"""The local worker processes of a batch: how many, how they start (forked from the CLI with the model
loaded, or loky's fresh interpreters for a program that calls the library), how each one sets itself up
(its model, its garbage collector, its watch on the batch that started it), and how they are stopped."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any

from ..budget import arm_worker
from .worker import get_detector, score_chunk, score_chunk_lines

if TYPE_CHECKING:
    from .run import BatchOptions

__all__ = ["workers", "cpu_count", "tune_gc", "stop_workers", "BATCH_GC_THRESHOLD"]

WORKER_IDLE_TIMEOUT = 300  # seconds an idle worker process (and its loaded model) is kept for reuse
PARENT_CHECK_SECONDS = 1.0  # how often a worker checks that the batch that started it is still alive
# One thread per worker process: the processes are the parallelism.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# The garbage collector of a process that does nothing but score (a worker; the CLI's own process with
# -j 1): the model's objects frozen out of its collections, and a young generation collected every 50,000
# allocations rather than 700 (scoring a page allocates many short-lived containers, few cycles).
BATCH_GC_THRESHOLD = (50_000, 10, 10)


_NO_MODEL = "\0"  # _init_worker's argument for a task that needs no model


def _init_worker(model_dir: str | None, trust: bool = False, parent: int | None = None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a worker forked from the CLI inherits its batch's handler
    _exit_with_parent(parent)
    arm_worker()  # a page stuck in compiled code beyond its budget stops this worker (detector.budget)
    if model_dir != _NO_MODEL:
        get_detector(model_dir, trust=trust)
        tune_gc()


def _warm(model_dir: str | None, trust: bool = False) -> None:
    """Load in this process all that scoring needs, before it forks the workers of a CLI batch
    (:func:`_fork_pool`): the scoring code, the model, the compiled cue patterns and the parser. Each
    worker then starts with them, in ~10 ms, instead of importing and loading them itself (~0.3 s of CPU)."""
    from .. import compiled, cuematch

    compiled.lexwalk()  # the parser (it imports selectolax)
    cuematch._prefilter()
    cuematch._re2_exact()
    get_detector(model_dir, trust=trust).model.blocks._weights()


def tune_gc() -> None:
    """The garbage collector of a process that only scores: what is loaded so far (the model, the
    modules) frozen out of its collections, and fewer young collections (``BATCH_GC_THRESHOLD``).

    For batch processes only (a worker, or the CLI's own process): never for a program that imports
    detector.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*BATCH_GC_THRESHOLD)


def _exit_with_parent(parent: int | None = None) -> None:
    """End this worker process soon after its parent dies (``kill -9`` of a batch leaves no workers).

    ``parent`` is the batch's pid, as the batch saw it: a worker still starting up when the batch was
    killed already has another parent, and ends at once instead of waiting for work forever.
    """
    if parent is None:
        parent = os.getppid()
    if os.getppid() != parent or parent == 1:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="detector-parent-watch", daemon=True).start()


_MODEL_TASKS = (score_chunk, score_chunk_lines)  # tasks whose workers load the model as they start


def workers(n_jobs: int) -> int:
    return n_jobs if n_jobs > 0 else cpu_count()


def cpu_count() -> int:
    """The CPUs this process may use: the machine's, its CPU affinity, a cgroup's CPU quota (a container's
    ``--cpus``) and ``LOKY_MAX_CPU_COUNT``, whichever is least; at least 1.

    What ``joblib.cpu_count()`` says, without importing joblib (40 ms of every default ``detector batch``).
    """
    n = os.cpu_count() or 1
    if sys.platform == "win32":
        n = min(n, 61)  # more workers than that fail on Windows (bpo-26903)
    if hasattr(os, "sched_getaffinity"):
        n = min(n, len(os.sched_getaffinity(0)))
    quota = _cgroup_cpus()
    if quota is not None:
        n = min(n, quota)
    limit = os.environ.get("LOKY_MAX_CPU_COUNT")
    if limit:
        try:
            n = min(n, int(limit))
        except ValueError:
            pass
    return max(1, n)


def _cgroup_cpus(root: str = "/sys/fs/cgroup") -> int | None:
    """The CPUs a cgroup's bandwidth quota allows (rounded up), or None without a quota (cgroup v2, then v1)."""
    try:
        with open(os.path.join(root, "cpu.max")) as fh:
            quota, period = fh.read().split()[:2]
        if quota == "max":
            return None
    except (OSError, ValueError):
        try:
            with open(os.path.join(root, "cpu", "cpu.cfs_quota_us")) as fh:
                quota = fh.read().strip()
            with open(os.path.join(root, "cpu", "cpu.cfs_period_us")) as fh:
                period = fh.read().strip()
        except OSError:
            return None
    try:
        q, p = int(quota), int(period)
    except ValueError:
        return None
    if q <= 0 or p <= 0:  # -1: no quota (cgroup v1)
        return None
    return max(1, -(-q // p))


_POOL: Any = None  # the pool _executor handed out last


def current() -> Any:
    """The pool handed out last and not stopped since (None: none)."""
    return _POOL


def _executor(n: int, model_dir: str | None, preload: bool = True, trust: bool = False) -> Any:
    """joblib's reusable loky pool; each new worker loads the model at once when ``preload``.

    Taken through joblib's own entry point, not loky's: the pool is one per process, and joblib's
    ``Parallel`` (``detector evaluate``) reuses it later only if joblib made it. The first call starts
    the worker processes (a fresh interpreter each, which then imports the scoring code and loads the
    model: about 0.4 s), and returns without waiting for them.
    """
    global _POOL
    from joblib.executor import get_memmapping_executor

    _POOL = get_memmapping_executor(
        n,
        timeout=WORKER_IDLE_TIMEOUT,
        initializer=_init_worker,
        initargs=(model_dir if preload else _NO_MODEL, trust, os.getpid()),
        env=WORKER_ENV,
    )
    return _POOL


def _use_fork(options: BatchOptions) -> bool:
    """Whether the workers are forked from this process (:func:`_fork_pool`): for a batch that owns its
    process (the CLI), on Linux. A program that calls run_batch or score_frame keeps loky's own start
    (a fresh interpreter per worker), as does macOS, where forking a process that has loaded system
    frameworks is unsafe."""
    return options.own_process and sys.platform.startswith("linux")


def _fork_pool(n: int, model_dir: str | None, trust: bool = False) -> Any:
    """A pool of ``n`` workers forked from this process now, the model and the scoring code already
    loaded here (:func:`_warm`): each worker starts at once, sharing those pages with this process.

    The standard library's ProcessPoolExecutor with the fork start, which forks all its workers at its
    first task (submitted here) before it starts its own threads. Not loky's: importing it imports all
    of joblib, 40 ms of the batch's start before any worker can begin. Forking a process that runs other
    threads is unsafe: the CLI forks before it starts any (the progress bar's comes later). The pool is
    made anew when a worker died (the pool is then broken for good), a rare path where the old pool's
    threads may still be running. Workers are never stopped for being idle.
    """
    global _POOL
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for stream in (sys.stdout, sys.stderr):  # a worker that ends cleanly flushes what it inherited buffered
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    ctx = multiprocessing.get_context("fork")
    _POOL = ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker, initargs=(model_dir, trust, os.getpid()))
    with warnings.catch_warnings():  # Python 3.12+ warns of a fork beside threads (see above)
        warnings.simplefilter("ignore", DeprecationWarning)
        _POOL.submit(os.getpid)
    return _POOL


def stop_workers() -> None:
    """End the worker processes of this process's pool now, not when it exits or after
    ``WORKER_IDLE_TIMEOUT``: for a batch that owns its process, once every result is in. They are idle, so
    they are killed (SIGKILL) rather than each waited for while it tears its interpreter down."""
    global _POOL
    pool, _POOL = _POOL, None
    if pool is None:
        return
    from concurrent.futures import ProcessPoolExecutor

    if type(pool) is ProcessPoolExecutor:  # the standard library's (_fork_pool)
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)
    else:  # loky's (_executor)
        pool.shutdown(wait=True, kill_workers=True)
