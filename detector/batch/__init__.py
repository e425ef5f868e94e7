"""Scoring at crawl scale, one module a stage:

    sources (inputs -> items) -> run (chunks, the local pool, records in order) -> worker (a chunk's records,
    the worker's model cache) -> sinks (JSONL, CSV, Parquet; resume)

``items`` holds the unit of work and the input options; ``pool`` starts, sets up and stops the local
worker processes; ``sources`` reads WARC and WET files with ``warc``,
tables with ``tables``, gzip streams cut in the middle with ``gunzip``; ``cluster`` runs the same batch
on a Dask cluster. ``detector batch`` calls :func:`run_batch`;
:func:`score_frame` scores a pandas DataFrame in memory. The names below are the public ones.
"""

from .run import (
    EXIT_INTERRUPTED,
    EXIT_MOSTLY_FAILED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    SPONSORED_PAGES,
    BatchOptions,
    ClusterError,
    ScoreOptions,
    Summary,
    get_detector,
    run_batch,
    score_chunk,
    score_chunk_lines,
    score_frame,
    score_item,
    tune_gc,
)

__all__ = [
    "EXIT_INTERRUPTED", "EXIT_MOSTLY_FAILED", "EXIT_OK", "EXIT_SOME_FAILED", "EXIT_TERMINATED", "EXIT_USAGE",
    "SPONSORED_PAGES", "BatchOptions", "ClusterError", "ScoreOptions", "Summary", "get_detector", "run_batch",
    "score_chunk", "score_chunk_lines", "score_frame", "score_item", "tune_gc",
]
