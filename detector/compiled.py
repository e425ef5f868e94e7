"""The compiled speed-ups (C extensions built by setup.py), loaded once for the whole package.

Each is None where it is not built, where it refuses to load (``_fastwalk`` beside an lxml other than
the one it was built against, ``_lexwalk`` beside a selectolax other than its own), or when
``DETECTOR_PURE_PYTHON=1`` was set before the import; the pure-Python code, which gives the same results
bit for bit, then runs. ``detector.speedups()`` says which are in use, and which HTML parser.

The HTML parser: lexbor (the HTML5 parser inside selectolax, parsed and walked in C by _lexwalk) unless
``DETECTOR_PARSER=lxml``; lxml (libxml2, walked by _fastwalk or in Python) where _lexwalk is not built or
refuses to load, under ``DETECTOR_PURE_PYTHON=1``, and for a page whose text is not valid Unicode (lone
surrogates: no UTF-8 to hand lexbor). See :func:`parser`.
"""

from __future__ import annotations

import importlib
import os
import warnings
from types import ModuleType

__all__ = ["PARSER", "PURE_PYTHON", "fasthash", "fastwalk", "lexwalk", "parser"]

PURE_PYTHON = bool(os.environ.get("DETECTOR_PURE_PYTHON"))

# The HTML parser asked for: "lexbor" (the default) or "lxml". detector.htmlblocks reads it (htmlblocks.PARSER).
PARSER = os.environ.get("DETECTOR_PARSER", "lexbor").strip().lower() or "lexbor"
if PARSER not in ("lxml", "lexbor"):  # a tuning knob: a typo must not stop a batch, nor pass unseen
    warnings.warn(f"DETECTOR_PARSER must be lexbor or lxml, not {PARSER!r}: parsing with lexbor", stacklevel=2)
    PARSER = "lexbor"


def _load(name: str) -> ModuleType | None:
    if PURE_PYTHON:
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        return None


fasthash = _load("_fasthash")  # features: tokens, n-grams, murmurhash3 and the sparse matrix


_lexwalk: ModuleType | None | bool = False  # False: not looked for yet
_fastwalk: ModuleType | None | bool = False


def fastwalk() -> ModuleType | None:
    """segment's walk over lxml's tree (detector/_fastwalk.pyx): loaded at the first call, since it imports
    lxml (7-9 ms of a start that parses with lexbor never needs); None where it is not built or refuses to
    load (another lxml)."""
    global _fastwalk
    if _fastwalk is False:
        _fastwalk = _load("_fastwalk")
    return _fastwalk  # type: ignore[return-value]


def lexwalk() -> ModuleType | None:
    """segment with lexbor (detector/_lexwalk.pyx, over selectolax's lexbor): loaded at the first call, since
    it imports selectolax; None where it is not built or refuses to load (another selectolax)."""
    global _lexwalk
    if _lexwalk is False:
        _lexwalk = _load("_lexwalk")
    return _lexwalk  # type: ignore[return-value]


def parser() -> str:
    """The HTML parser that segments pages here: "lexbor" where it was asked for (the default) and
    _lexwalk loads, else "lxml" (DETECTOR_PARSER=lxml, DETECTOR_PURE_PYTHON=1, _lexwalk not built or
    refused). A page with lone surrogates is parsed by lxml whatever this says."""
    return "lexbor" if PARSER == "lexbor" and lexwalk() is not None else "lxml"
