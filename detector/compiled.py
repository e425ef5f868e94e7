"""The compiled speed-ups (C extensions built by setup.py), loaded once for the whole package.

Each is None where it is not built, where it refuses to load (``_fastwalk`` beside an lxml other than
the one it was built against), or when ``DETECTOR_PURE_PYTHON=1`` was set before the import; the
pure-Python code, which gives the same results bit for bit, then runs. ``detector.speedups()`` says
which are in use.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["PURE_PYTHON", "fasthash", "fastwalk", "lexwalk"]

PURE_PYTHON = bool(os.environ.get("DETECTOR_PURE_PYTHON"))


def _load(name: str) -> ModuleType | None:
    if PURE_PYTHON:
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        return None


fasthash = _load("_fasthash")  # features: tokens, n-grams, murmurhash3 and the sparse matrix
fastwalk = _load("_fastwalk")  # segment: the walk over lxml's tree


_lexwalk: ModuleType | None | bool = False  # False: not looked for yet


def lexwalk() -> ModuleType | None:
    """segment with lexbor (detector/_lexwalk.pyx, over selectolax's lexbor): loaded at the first call, since
    it imports selectolax; None where it is not built or refuses to load (another selectolax)."""
    global _lexwalk
    if _lexwalk is False:
        _lexwalk = _load("_lexwalk")
    return _lexwalk  # type: ignore[return-value]
