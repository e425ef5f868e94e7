"""What a worker does with a chunk of pages: score each with this process's model, into its record.

The tasks (:func:`score_chunk`, :func:`score_chunk_lines`) and the one picklable :class:`ScoreOptions` they
carry are the same for a local process pool (:mod:`detector.batch.run`) and for Dask (:mod:`detector.batch.cluster`);
each process keeps its loaded models in a cache (:func:`get_detector`, :func:`cache_detector`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..budget import worker_guard
from ..io import DEFAULT_LIMITS, InputError, ReadLimits
from .items import Item
from .sinks import JsonLine
from .warc import payload

__all__ = ["ScoreOptions", "ClusterError", "SPONSORED_PAGES", "get_detector", "cache_detector", "cached_detector",
           "drop_detector", "analyze_item", "score_item", "score_item_line", "score_chunk", "score_chunk_lines"]

log = logging.getLogger(__name__)

SPONSORED_PAGES = "sponsored"  # ScoreOptions.all_blocks: editorial blocks on sponsored pages only
RECORD_NAME = "record"  # the name pages given as bytes are read under (no suffix to misread)


class ClusterError(Exception):
    """The Dask scheduler cannot be reached, or Dask is not installed.

    (Defined here, where the local engine and the Dask one both import it, so that neither imports the other.)
    """


_DETECTORS: dict[str, Any] = {}  # per process: model key -> loaded Detector


def _model_key(model_dir: str | Path | None) -> str:
    return "default" if model_dir is None else str(Path(model_dir).resolve())


def get_detector(
    model_dir: str | Path | None = None, *, trust: bool = False, limits: ReadLimits = DEFAULT_LIMITS
) -> Any:
    """This process's Detector for ``model_dir`` with ``limits``, its model loaded on first use."""
    from ..score import Detector

    key = _model_key(model_dir)
    if key not in _DETECTORS:
        _DETECTORS[key] = Detector.load(model_dir, trust=trust)
    return cached_detector(key, limits)


def cache_detector(key: str, det: Any) -> None:
    """Keep ``det`` as this process's model for ``key`` (a Dask worker's plugin loads it so)."""
    _DETECTORS[key] = det


def cached_detector(key: str, limits: ReadLimits = DEFAULT_LIMITS) -> Any:
    """This process's Detector for ``key`` with ``limits`` (its model shared), or None."""
    det = _DETECTORS.get(key)
    return det if det is None or det.limits == limits else type(det)(det.model, limits)


def drop_detector(key: str) -> None:
    _DETECTORS.pop(key, None)


def _keep_all(all_blocks: bool | str, a: Any) -> bool:
    """Whether the record of analysis ``a`` keeps its editorial blocks (``BatchOptions.all_blocks``)."""
    return all_blocks is True or (all_blocks == SPONSORED_PAGES and a.label == "sponsored")


def score_item(det: Any, item: Item, *, editorial: bool = False, all_blocks: bool | str = False) -> dict[str, Any]:
    """One item -> its output record (``path`` = the item's id, ``url`` where known). Never raises."""
    a = analyze_item(det, item)
    rec = a.record(all_blocks=_keep_all(all_blocks, a), editorial=editorial)
    out = _head(item)
    rec.pop("path")
    out.update(rec)
    return out


def score_item_line(det: Any, item: Item, *, editorial: bool = False, all_blocks: bool | str = False) -> JsonLine:
    """:func:`score_item`'s record as its JSON line (``Analysis.record_line``: the same text as
    ``json.dumps`` of the record, its blocks written in C). Never raises."""
    a = analyze_item(det, item)
    text = a.record_line(_head(item), all_blocks=_keep_all(all_blocks, a), editorial=editorial)
    score = None if a.score is None else round(float(a.score), 4)
    return JsonLine(item.id, score, a.label, a.error, text)


def _head(item: Item) -> dict[str, Any]:
    """The fields a record starts with: the item's id as its path, and its URL where known."""
    return {"path": item.id} if item.url is None else {"path": item.id, "url": item.url}


def analyze_item(det: Any, item: Item) -> Any:
    """One item -> its :class:`~detector.score.Analysis` (``error`` set where it cannot be read). Never raises."""
    from ..score import Analysis

    if item.error is not None:
        return Analysis(path=item.id, score=None, label=None, error=item.error)
    try:
        if item.data is not None:
            return det.analyze(payload(item, det.limits), name=RECORD_NAME, kind=item.kind)
        return det.analyze(Path(item.path or item.id), kind=item.kind)
    except InputError as err:
        return Analysis(path=item.id, score=None, label=None, error=str(err))
    except Exception as err:  # a bug met on one page of a crawl must not stop the crawl
        log.exception("internal error on %s", item.id)
        return Analysis(
            path=item.id,
            score=None,
            label=None,
            error=f"internal error: {type(err).__name__}: {' '.join(str(err).split())[:200]}",
        )


def _each_guarded(score: Callable[..., Any], det: Any, items: Sequence[Item], limits: ReadLimits, **kw: Any) -> list:
    """``score(det, item, **kw)`` of each item, each under the worker's time guard (:func:`budget.worker_guard`)."""
    out = []
    for it in items:
        with worker_guard(limits.max_seconds):
            out.append(score(det, it, **kw))
    return out


@dataclass(frozen=True)
class ScoreOptions:
    """How a worker scores each page of a chunk and what its record holds: the one picklable object a
    task carries to worker processes and to Dask (:meth:`BatchOptions.scoring` makes it)."""

    model_dir: str | None = None  # None: the shipped model
    trust: bool = False  # load model_dir although it is not shipped with the package
    editorial: bool = False  # add each page's editorial text
    all_blocks: bool | str = False  # keep editorial blocks too (SPONSORED_PAGES: on sponsored pages only)
    limits: ReadLimits = DEFAULT_LIMITS


def score_chunk(items: Sequence[Item], opts: ScoreOptions = ScoreOptions()) -> list[dict[str, Any]]:
    """A chunk of items -> their records, with this process's cached model."""
    det = get_detector(opts.model_dir, trust=opts.trust, limits=opts.limits)
    return _each_guarded(score_item, det, items, opts.limits, editorial=opts.editorial, all_blocks=opts.all_blocks)


def score_chunk_lines(items: Sequence[Item], opts: ScoreOptions = ScoreOptions()) -> list[JsonLine]:
    """:func:`score_chunk`, each record already written out as its JSON line (for a sink of JSON lines):
    the worker does the encoding, and the batch's own process little more than the writing."""
    det = get_detector(opts.model_dir, trust=opts.trust, limits=opts.limits)
    return _each_guarded(score_item_line, det, items, opts.limits, editorial=opts.editorial,
                         all_blocks=opts.all_blocks)
