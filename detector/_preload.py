"""Imported by the fork server of a ``detector batch`` run before it forks the workers: the scoring code,
the shipped model and the compiled cue patterns loaded once, for every worker (``batch._preload``)."""

from .batch import _preload

_preload()
