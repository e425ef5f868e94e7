"""A batch task for tests/test_batch.py that kills its worker process on pages marked "crash".

In a module of its own, importing nothing heavy, so that the worker processes loky restarts come up fast.
"""

import os


def crash_on_marked_pages(items, opts=None):
    if any(it.data == b"crash" for it in items):
        os._exit(1)
    return [{"path": it.id, "score": None, "label": None, "blocks": [], "error": None} for it in items]
