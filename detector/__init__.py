"""detector: find sponsored-content, affiliate and disclaimer notices in web pages and score each page.

    >>> from detector import Detector
    >>> Detector.load().score("page.html")          # doctest: +SKIP
    {'path': 'page.html', 'score': 0.97, 'label': 'sponsored', 'blocks': [...], 'error': None}
"""

__version__ = "0.1.0"

from .io import InputError, ReadLimits  # noqa: E402

# Loaded on first use, so that a command which does not score (``detector batch -j 2``'s parent process,
# ``--help``) does not import numpy, scipy and the model code.
_LAZY = {
    "Detector": ".score", "Analysis": ".score", "DetectorModel": ".model", "ModelError": ".modelfiles",
    "score_frame": ".batch",
}


def speedups() -> dict[str, bool]:
    """Which compiled speed-ups this installation runs (setup.py builds them where a C compiler is).

    ``{"features": True, "segment": True}`` when both C extensions are in use; a False one runs its
    pure-Python twin, which gives the same results, only slower (or ``DETECTOR_PURE_PYTHON=1`` was set).
    """
    from . import compiled  # what features.py and segment.py use: loaded there, once

    return {"features": compiled.fasthash is not None, "segment": compiled.fastwalk is not None}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "Detector", "DetectorModel", "Analysis", "InputError", "ModelError", "ReadLimits", "score_frame", "speedups",
    "__version__",
]
