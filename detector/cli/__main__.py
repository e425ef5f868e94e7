"""``python -m detector.cli``: the ``detector`` command."""

from .main import run

run()
