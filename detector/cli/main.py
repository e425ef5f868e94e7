"""The ``detector`` command group, its shared options, and how the command's own process exits."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..modelfiles import ModelError

_MODEL = click.option(
    "--model", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Model folder (default: the model shipped with the package). One from elsewhere needs --trust.",
)
_TRUST = click.option(
    "--trust", is_flag=True, envvar="DETECTOR_TRUST_MODELS",
    help="Load the --model folder although it is not shipped with the package. Loading a model unpickles it, "
         "which can run any code: trust only folders you made or got from a source you trust "
         "(env DETECTOR_TRUST_MODELS=1).",
)


def MODEL_OPTION(f: Any) -> Any:  # noqa: N802 - a decorator, named like the click options it stands for
    """--model and --trust."""
    return _MODEL(_TRUST(f))


class ByteSize(click.ParamType):
    """A number of bytes: 1048576, 512K, 32M, 1G (K, M, G are powers of 1024; a trailing B or iB is fine)."""

    name = "SIZE"
    _UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        unit = text[-1:] if text[-1:] in self._UNITS and text[-1:] else ""
        number = text[: len(text) - len(unit)].strip()
        try:
            size = int(float(number) * self._UNITS[unit])
        except ValueError:
            self.fail(f"{value!r} is not a size (e.g. 33554432, 32M, 1G)", param, ctx)
        if size < 1:
            self.fail(f"{value!r}: a size must be at least 1 byte", param, ctx)
        return size


def LIMIT_OPTIONS(f: Any) -> Any:  # noqa: N802
    """--max-bytes, --max-decompressed, --max-depth and --max-seconds (what one input may cost), handed to
    the command as one ``limits`` argument (a :class:`~detector.io.ReadLimits`)."""
    import functools

    from ..io import DEFAULT_LIMITS as d

    @functools.wraps(f)
    def with_limits(*args: Any, max_bytes: int, max_decompressed: int, max_depth: int, max_seconds: float,
                    **kwargs: Any) -> Any:
        from ..io import ReadLimits

        limits = ReadLimits(max_bytes=max_bytes, max_decompressed=max_decompressed, max_depth=max_depth,
                            max_seconds=max_seconds or None)
        return f(*args, limits=limits, **kwargs)

    g: Any = with_limits
    g = click.option("--max-seconds", type=click.FloatRange(min=0, max=1e5), default=d.max_seconds,
                     show_default=True,
                     help="Time to score one page; beyond, the page gets an error record and the batch goes "
                          "on (a worker stuck inside the parser is stopped and replaced). 0: no limit.")(g)
    g = click.option("--max-depth", type=click.IntRange(min=1), default=d.max_depth, show_default=True,
                     help="HTML nesting deeper than this is read as flat text.")(g)
    g = click.option("--max-decompressed", type=ByteSize(), default=d.max_decompressed, show_default=True,
                     help="Bytes a gzipped input may expand to; beyond, it is an error (a gzip bomb stops here).")(g)
    g = click.option("--max-bytes", type=ByteSize(), default=d.max_bytes, show_default=True,
                     help="Bytes read from one input (compressed or not); a larger input is an error, "
                          "found without reading it.")(g)
    return g


def _detector(model_dir: Path | None, trust: bool = False, limits: Any = None) -> Any:
    from ..io import DEFAULT_LIMITS
    from ..score import Detector

    try:
        return Detector.load(model_dir, limits or DEFAULT_LIMITS, trust=trust)
    except ModelError as err:
        raise click.ClickException(str(err)) from None


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the version, which compiled speed-ups run and which HTML parser (looked up only when asked)."""
    if not value or ctx.resilient_parsing:
        return
    from .. import __version__, speedups

    got = speedups()
    parser = got.pop("parser")
    on = [k for k, v in got.items() if v]
    off = [k for k, v in got.items() if not v]
    note = f"compiled speed-ups: {', '.join(on)}" if not off else f"pure Python: {', '.join(off)}; see README, Speed"
    click.echo(f"detector {__version__} ({note}; HTML parser: {parser})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version, which compiled speed-ups run and which HTML parser, and exit.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def main(verbose: bool) -> None:
    """Find sponsored-content, affiliate and disclaimer notices in web pages.

    Example: detector score page.html
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


def _source(arg: str) -> str | Path:
    """A command-line argument is always a path (or - for stdin), never page text."""
    return arg if arg == "-" else Path(arg)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler, ``timeout``, ``kill``) in a batch: stopped as Ctrl-C stops it, output closed whole."""


def _stop_on_sigterm() -> Any:
    """While a batch runs in the command's own main thread, SIGTERM raises :class:`_Terminated` there (the
    batch then closes its output and stops its workers, as on Ctrl-C). Returns what puts the old handler back."""
    import signal
    import threading

    if not _COMMAND_LINE or threading.current_thread() is not threading.main_thread():
        return lambda: None

    def terminated(signum: int, frame: Any) -> None:
        raise _Terminated()

    old = signal.signal(signal.SIGTERM, terminated)
    return lambda: signal.signal(signal.SIGTERM, old)


_COMMAND_LINE = False  # this process is the ``detector`` command itself (run), not a program calling main


def run() -> None:
    """The ``detector`` command: the console script, and ``python -m detector.cli``."""
    global _COMMAND_LINE
    _COMMAND_LINE = True
    main()


def _leave(code: int) -> None:
    """Exit with ``code``. The command's own process, its work written and closed, skips the interpreter's
    teardown (clearing every module and object: ~20 ms, 1% of a 1,000-page batch): output flushed, then
    os._exit. Elsewhere (a test's CliRunner, a program calling ``main``) the usual SystemExit."""
    if _COMMAND_LINE:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (| head) or a closed stream: nothing more to say
                pass
        os._exit(code)
    sys.exit(code)
