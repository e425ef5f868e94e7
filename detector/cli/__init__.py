"""The command line: a thin client over the library. Data on stdout; messages on stderr.

``main`` is the command group (:mod:`.main`, with the options the commands share); the commands are in
:mod:`.page` (score, split, explain), :mod:`.lab` (train, evaluate, crossval, card) and :mod:`.crawl`
(batch, clean, audit).
"""

from . import crawl, lab, page  # noqa: F401 - each registers its commands on main
from .lab import format_metrics
from .main import main, run

__all__ = ["main", "run", "format_metrics"]
