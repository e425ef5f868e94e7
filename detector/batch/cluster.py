"""The batch on a Dask cluster: ``detector batch ... --scheduler tcp://host:8786``.

Needs the ``dask`` extra (``pip install "detector[dask]"``) here and on every worker; this module is
imported only when a scheduler is given.

- The model goes to each worker once: a :class:`ModelPlugin` carries the model folder's files (a few MB);
  every worker, and every worker that joins later, writes them to a temporary folder, loads the model
  and keeps it in memory (the per-process cache of ``detector.batch.worker``) for all its tasks.
- The pages travel with their tasks: the client reads files itself, so workers need no shared file
  system. Each task is a partition of ``chunk_size`` pages.
- At most ``in_flight`` partitions are submitted and not yet written (default two per worker thread);
  records are written as partitions finish (``as_completed``), so their order is not the input order.
- A partition whose workers keep dying (Dask retries it first) gets error records, and the batch goes on.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed import Client, WorkerPlugin, as_completed
from distributed.scheduler import KilledWorker

from ..io import ReadLimits
from ..modelfiles import META_FILE, MODEL_FILE, ModelError, default_model_dir, verify_model_dir
from .items import Item
from .worker import ClusterError, ScoreOptions, cache_detector, cached_detector, drop_detector, score_item

if TYPE_CHECKING:
    from .run import BatchOptions

__all__ = ["dask_records", "ModelPlugin", "ClusterError", "score_partition"]

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = "20s"


class ModelPlugin(WorkerPlugin):
    """Loads the model on each worker once, from the model folder's files carried in the plugin."""

    def __init__(self, files: dict[str, bytes], key: str) -> None:
        self.files = files
        self.key = key
        self.name = f"detector-model-{key[:16]}"

    def setup(self, worker: Any) -> None:
        from ..score import Detector

        folder = Path(tempfile.mkdtemp(prefix="detector-model-"))
        try:
            for name, data in self.files.items():
                (folder / name).write_bytes(data)
            # The client checked the folder (and its trust) before sending it; this is a copy of it.
            cache_detector(self.key, Detector.load(folder, trust=True))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def teardown(self, worker: Any) -> None:
        drop_detector(self.key)


def model_files(model_dir: Path | None, trust: bool = False) -> tuple[dict[str, bytes], str]:
    """The files of a model folder, checked, and a key for them (the model file's sha256)."""
    folder = Path(model_dir) if model_dir is not None else default_model_dir()
    try:
        meta = verify_model_dir(folder, trust=trust)
    except (OSError, ValueError) as err:
        raise ModelError(f"{folder}: not a readable detector model ({err})") from None
    model_file = meta.get("model_file", MODEL_FILE)
    files = {META_FILE: (folder / META_FILE).read_bytes(), model_file: (folder / model_file).read_bytes()}
    return files, "dask:" + str(meta["model_sha256"])


def score_partition(items: list[Item], key: str, opts: ScoreOptions) -> list[dict[str, Any]]:
    """On a worker: a partition's records, with the model its plugin loaded (``opts.model_dir`` is the
    client's: the plugin carried its files)."""
    det = cached_detector(key, opts.limits)
    if det is None:
        raise ModelError("the detector model plugin has not run on this worker")
    return [score_item(det, it, editorial=opts.editorial, all_blocks=opts.all_blocks) for it in items]


def dask_records(
    chunks: Iterable[list[Item]], options: BatchOptions, limits: ReadLimits, in_flight_per_worker: int
) -> Iterator[list[dict[str, Any]]]:
    """Records of each partition, as partitions finish, from the cluster at ``options.scheduler``."""
    opts = options.scoring(limits)
    files, key = model_files(options.model_dir, trust=options.trust)
    try:
        client = Client(options.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {options.scheduler}: {err}") from None
    try:
        client.register_plugin(ModelPlugin(files, key))
        threads = sum(client.nthreads().values()) or 1
        limit = options.in_flight or in_flight_per_worker * threads
        pending = iter(chunks)
        parts: dict[Any, list[Item]] = {}  # by the future's key

        def submit_next() -> Any:
            chunk = next(pending, None)
            if chunk is None:
                return None
            loaded = [it.loaded(limits) for it in chunk]
            fut = client.submit(score_partition, loaded, key, opts, pure=False)
            parts[fut.key] = loaded
            return fut

        first = [f for f in (submit_next() for _ in range(limit)) if f is not None]
        if not first:
            return
        running = as_completed(first, loop=client.loop)
        for fut in running:
            loaded = parts.pop(fut.key)
            try:
                recs = fut.result()
            except KilledWorker:
                log.warning("workers died on a partition of %d pages; they get error records", len(loaded))
                recs = [
                    score_item(
                        None, Item(id=it.id, url=it.url, error="the Dask worker died scoring this page")
                    )
                    for it in loaded
                ]
            fut.release()
            nxt = submit_next()
            if nxt is not None:
                running.add(nxt)
            yield recs
    finally:
        client.close()
