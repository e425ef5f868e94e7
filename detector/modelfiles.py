"""A model folder's files and the checks made before anything in it is unpickled.

A saved model is a folder: ``model.pickle.zlib`` (the estimators, pickled by the standard library and
zlib-compressed; format 1, still read, had ``model.joblib``) plus ``metadata.json`` (format version, library
versions, classes, thresholds, training-data hash, metrics, and the sha256 of the model file). The metadata is
read and checked before anything is unpickled, and the bytes unpickled are the bytes whose sha256 was
checked. Unpickling runs code, so a model folder outside the package's own ``models/`` is loaded only
when the caller says it trusts it: ``trust=True``, ``--trust`` on the command line.

Standard library only: ``detector batch`` checks the model here before it opens its output, without
importing numpy or the estimators of :mod:`detector.model` (which load it afterwards, in the batch's own
process or in each worker).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT_VERSION", "FORMATS", "MODEL_FILE", "JOBLIB_MODEL_FILE", "META_FILE", "ModelError", "verify_model_dir",
    "is_packaged", "check_metadata", "default_model_dir", "model_file",
]

FORMAT_VERSION = 2  # 2: the weights pickled by the standard library, zlib-compressed; 1: a joblib file
FORMATS = (1, 2)  # what this detector reads
MODEL_FILE = "model.pickle.zlib"
JOBLIB_MODEL_FILE = "model.joblib"  # format 1's file
META_FILE = "metadata.json"


class ModelError(Exception):
    """A model folder that is missing, damaged, or was written by something else."""


def _version(package: str, module: str | None = None) -> str:
    """An installed package's version, read from its metadata: without importing it (scikit-learn takes
    0.8 s to import, and scoring never needs it; see detector/estimator.py).

    ``module``: the package's import name. Where it is installed from a wheel, the version is the one in
    the name of the single ``{name}-{version}.dist-info`` folder beside it (a directory listing);
    anywhere else importlib.metadata tells, whose import and search cost 15 ms of every start.
    """
    if module is not None:
        got = _wheel_version(package, module)
        if got:
            return got
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - core dependencies
        return ""


def _wheel_version(package: str, module: str) -> str:
    """The version in the name of the one ``{package}-{version}.dist-info`` beside ``module`` ("" if not one)."""
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return ""
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if len(locations) != 1:
        return ""
    site = os.path.dirname(os.path.abspath(locations[0]))
    prefix = package.replace("-", "_").lower() + "-"  # the wheel's normalised name
    try:
        found = [n for n in os.listdir(site) if n.lower().startswith(prefix) and n.endswith(".dist-info")]
    except OSError:
        return ""
    if len(found) != 1:  # none (installed otherwise), or stale ones beside it: let importlib.metadata choose
        return ""
    ver = found[0][len(prefix) : -len(".dist-info")]
    return ver if ver[:1].isdigit() and "-" not in ver else ""


def _sklearn_version() -> str:
    return _version("scikit-learn", "sklearn")


def verify_model_dir(folder: str | Path | None = None, *, trust: bool = False) -> dict[str, Any]:
    """Every check :meth:`DetectorModel.load` makes, without unpickling; returns the metadata."""
    return _verified(folder, trust)[1]


def _verified(folder: str | Path | None, trust: bool) -> tuple[Path, dict[str, Any], bytes]:
    """(folder, metadata, model file bytes) after the trust, metadata and sha256 checks, in that order."""
    folder = Path(folder) if folder is not None else default_model_dir()
    if not trust and not is_packaged(folder):
        raise ModelError(
            f"{folder} is not a model shipped with detector, and loading a model runs code from it: "
            "if you trust where it came from, pass --trust (Python: Detector.load(path, trust=True))"
        )
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise ModelError(f"{folder} is not a detector model: no {META_FILE}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"{meta_path}: unreadable metadata ({' '.join(str(err).split())})") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: unreadable metadata (not a JSON object)")
    check_metadata(meta, folder)
    path = folder / model_file(meta)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ModelError(f"{path}: cannot read it ({err.strerror or err})") from None
    if hashlib.sha256(data).hexdigest() != meta.get("model_sha256"):  # the bytes that will be unpickled
        raise ModelError(f"{path}: sha256 does not match metadata.json; refusing to unpickle it")
    return folder, meta, data


def is_packaged(folder: str | Path) -> bool:
    """True for a folder inside the installed package's ``models/`` (symbolic links resolved)."""
    root = default_model_dir().parent.resolve()
    try:
        return Path(folder).resolve().is_relative_to(root)
    except OSError:
        return False


def check_metadata(meta: dict[str, Any], folder: Path) -> None:
    """Refuse a model whose metadata does not match this library, or names no file of the folder.

    The file's sha256 is checked by :func:`_verified` on the very bytes it then hands on (read once).
    """
    if meta.get("format_version") not in FORMATS:
        raise ModelError(
            f"{folder}: model format {meta.get('format_version')!r}, this detector reads formats "
            f"{', '.join(map(str, FORMATS))}"
        )
    versions = meta.get("versions")
    want = versions.get("scikit-learn", "") if isinstance(versions, dict) else ""
    have = _sklearn_version()
    if not isinstance(want, str) or want.split(".")[:2] != have.split(".")[:2]:
        raise ModelError(
            f"{folder}: model written with scikit-learn {want or 'unknown'}, this is {have}; retrain it"
        )
    want_np = versions.get("numpy", "") if isinstance(versions, dict) else ""
    if isinstance(want_np, str) and want_np.split(".")[0].isascii() and want_np.split(".")[0].isdigit():
        # numpy 1 cannot read the arrays numpy 2 pickles
        have_np = _version("numpy", "numpy")
        if int(want_np.split(".")[0]) > int(have_np.split(".")[0]):
            raise ModelError(f"{folder}: model written with numpy {want_np}, this is {have_np}; upgrade numpy")
    name = model_file(meta)
    if not isinstance(name, str) or name != Path(name).name or name in ("", ".", ".."):
        raise ModelError(f"{folder}: model_file {name!r} in {META_FILE} is not a file name in the folder")
    path = folder / name
    if not path.is_file():
        raise ModelError(f"{folder}: missing {path.name}")


def model_file(meta: dict[str, Any]) -> Any:
    """The name of the weights' file in a model folder, as its metadata gives it."""
    return meta.get("model_file", MODEL_FILE if meta.get("format_version") == FORMAT_VERSION else JOBLIB_MODEL_FILE)


def default_model_dir() -> Path:
    """The model folder shipped inside the package."""
    # the package's own folder, as importlib.resources.files("detector") gives it for an installed
    # package, without importing importlib.resources (8 ms of every command's start)
    return Path(__file__).parent / "models" / "default"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
