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


def speedups() -> dict[str, bool | str]:
    """Which compiled speed-ups this installation runs (setup.py builds them where a C compiler is), and
    which HTML parser segments pages.

    ``{"features": True, "segment": True, "parser": "lexbor"}`` when the C extensions are in use: the
    feature kernel, the compiled parse-and-walk of the parser in use (``_lexwalk`` for lexbor,
    ``_fastwalk`` for lxml). A False one runs its pure-Python twin, which gives the same results, only
    slower (or ``DETECTOR_PURE_PYTHON=1`` was set). ``parser`` is "lexbor" (the default) or "lxml"
    (``DETECTOR_PARSER=lxml``, or where ``_lexwalk`` is not built or refuses to load; always under
    ``DETECTOR_PURE_PYTHON=1``).
    """
    from . import compiled  # what features.py and segment.py use: loaded there, once

    parser = compiled.parser()
    walk = compiled.lexwalk() if parser == "lexbor" else compiled.fastwalk()
    return {"features": compiled.fasthash is not None, "segment": walk is not None, "parser": parser}


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
