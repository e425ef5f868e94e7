"""detector: find sponsored-content, affiliate and disclaimer notices in web pages and score each page.

    >>> from detector import Detector
    >>> Detector.load().score("page.html")          # doctest: +SKIP
    {'path': 'page.html', 'score': 0.97, 'label': 'sponsored', 'blocks': [...], 'error': None}
"""

__version__ = "0.1.0"

from .io import InputError, ReadLimits  # noqa: E402
from .model import DetectorModel, ModelError  # noqa: E402
from .score import Analysis, Detector  # noqa: E402


def __getattr__(name: str):  # score_frame loads the batch machinery only when asked for
    if name == "score_frame":
        from .batch import score_frame

        return score_frame
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "score_frame"])


__all__ = [
    "Detector", "DetectorModel", "Analysis", "InputError", "ModelError", "ReadLimits", "score_frame", "__version__",
]
