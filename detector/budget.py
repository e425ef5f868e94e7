"""A time budget per page (``ReadLimits.max_seconds``): a page that costs more gets an error record.

Two guards, because Python cannot interrupt code that does not return to it:

- :func:`page_budget` (every scoring call, :meth:`detector.score.Detector.analyze`): a wall-clock timer
  (``SIGALRM``) raises :class:`PageTimeout` in the Python code that scores the page, which then gets the
  error ``over the time budget …``. Signals reach only a process's main thread, so the guard is armed
  there only, and only when the program has no ``ITIMER_REAL`` timer of its own running.
- :func:`worker_guard` (a batch's worker processes): a CPU-time timer (``SIGVTALRM``, whose default action
  ends the process) at :func:`hard_limit` seconds stops a worker stuck inside compiled code (a parser),
  where the first guard cannot reach. The batch then replaces the worker and gives that page the error
  (:func:`over_budget_error`); the other pages of its chunk are scored again.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .io import InputError

__all__ = ["PageTimeout", "page_budget", "worker_guard", "arm_worker", "hard_limit", "over_budget_error"]

HARD_FACTOR = 2.0  # a worker is stopped after HARD_FACTOR * budget + HARD_GRACE seconds of CPU on one page
HARD_GRACE = 1.0

_HARD = {"armed": False}  # set in a batch's worker processes (arm_worker)


class PageTimeout(InputError):
    """Scoring one page took longer than its time budget."""


def over_budget_error(seconds: float) -> str:
    return f"over the time budget of {seconds:g} s per page (limit max_seconds)"


def hard_limit(seconds: float) -> float:
    """CPU seconds after which a worker stuck on one page is stopped."""
    return HARD_FACTOR * seconds + HARD_GRACE


def _can_alarm() -> bool:
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


@contextmanager
def page_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`PageTimeout` in the code of this block when it runs over ``seconds`` of wall clock
    (None: no budget). A no-op outside a main thread, or while the program runs a timer of its own."""
    if not seconds or not _can_alarm():
        yield
        return

    def over(signum: int, frame: object) -> None:
        raise PageTimeout(over_budget_error(seconds))

    old = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def arm_worker() -> None:
    """Mark this process as a batch worker: :func:`worker_guard` may stop it (its parent replaces it)."""
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGVTALRM, signal.SIG_DFL)
        _HARD["armed"] = True


@contextmanager
def worker_guard(seconds: float | None) -> Iterator[None]:
    """In a batch worker (:func:`arm_worker`), end the process when this block has used
    :func:`hard_limit` CPU seconds; elsewhere, or without a budget, a no-op."""
    if not seconds or not _HARD["armed"]:
        yield
        return
    signal.setitimer(signal.ITIMER_VIRTUAL, hard_limit(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
