"""Models load only when trusted, and every check runs before anything is unpickled.

Unpickling a model runs whatever code its pickle names. So a model folder outside the package's own
``models/`` needs explicit trust (``--trust``, ``Detector.load(path, trust=True)``), and for any folder the
metadata (format version, library versions, model file name, sha256 of the very bytes to unpickle) is
checked first.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import zlib
from pathlib import Path

import joblib
import pandas as pd
import pytest
from click.testing import CliRunner

from detector import Detector, DetectorModel, ModelError, score_frame
from detector.cli import main
from detector.model import (
    JOBLIB_MODEL_FILE,
    META_FILE,
    MODEL_FILE,
    default_model_dir,
    is_packaged,
    verify_model_dir,
)
from detector.model import (
    DetectorModel as _Model,
)

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "examples" / "editorial-blog.html"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    shutil.copytree(default_model_dir(), folder)
    return folder


class Payload:
    """A pickle that runs code when it is loaded: it creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _hostile_folder(folder: Path, marker: Path, *, right_sha: bool) -> Path:
    (folder / MODEL_FILE).write_bytes(zlib.compress(pickle.dumps([Payload(marker)])))
    meta = json.loads((folder / META_FILE).read_text())
    if right_sha:
        meta["model_sha256"] = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
    else:  # the shipped model's digest: what a swapped model.joblib leaves in metadata.json
        meta["model_sha256"] = json.loads((default_model_dir() / META_FILE).read_text())["model_sha256"]
    (folder / META_FILE).write_text(json.dumps(meta))
    return folder


@pytest.fixture
def no_unpickling(monkeypatch):
    """Fails the test if anything is unpickled."""

    def refuse(*args, **kwargs):
        raise AssertionError("the model file was unpickled")

    monkeypatch.setattr("detector.model._unpickle", refuse)
    monkeypatch.setattr("joblib.load", refuse)


def _one_line(msg: str) -> None:
    assert msg and "\n" not in msg and "Traceback" not in msg


def test_the_shipped_model_needs_no_trust():
    assert is_packaged(default_model_dir())
    assert Detector.load().model.threshold > 0
    assert DetectorModel.load(default_model_dir()).threshold > 0


def test_a_model_from_elsewhere_is_refused_without_trust(copy, no_unpickling):
    for load in (DetectorModel.load, Detector.load, verify_model_dir):
        with pytest.raises(ModelError) as err:
            load(copy)
        msg = str(err.value)
        _one_line(msg)
        assert str(copy) in msg and "--trust" in msg and "trust=True" in msg


def test_trust_loads_it(copy):
    det = Detector.load(copy, trust=True)
    assert det.score(PAGE) == Detector.load().score(PAGE)


def test_a_link_to_the_shipped_model_is_trusted_and_a_link_out_of_the_package_is_not(tmp_path, copy):
    inside = tmp_path / "link-to-default"
    os.symlink(default_model_dir(), inside)
    assert is_packaged(inside) and Detector.load(inside).model.threshold > 0
    outside = tmp_path / "link-to-copy"
    os.symlink(copy, outside)
    assert not is_packaged(outside)


@pytest.mark.parametrize(
    "change, message",
    [
        pytest.param({"format_version": 3}, "model format 3, this detector reads formats 1, 2", id="format"),
        pytest.param({"versions": {"scikit-learn": "0.24.2"}}, "scikit-learn 0.24.2", id="sklearn"),
        pytest.param({"versions": None}, "scikit-learn unknown", id="no-versions"),
        pytest.param(
            {"model_file": "../../etc/passwd"}, "is not a file name in the folder", id="path-escape"
        ),
        pytest.param({"model_file": "missing.joblib"}, "missing missing.joblib", id="missing-file"),
        pytest.param({"model_sha256": "0" * 64}, "sha256 does not match", id="sha256"),
    ],
)
def test_metadata_is_checked_before_anything_is_unpickled(copy, no_unpickling, change, message):
    meta = json.loads((copy / META_FILE).read_text())
    if change.get("versions", 1) is not None and "versions" in change:
        change = {"versions": {**meta["versions"], **change["versions"]}}
    meta.update(change)
    (copy / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=message) as err:
        DetectorModel.load(copy, trust=True)
    _one_line(str(err.value))


def test_a_format_1_folder_its_weights_in_a_joblib_file_still_loads(copy):
    model = _Model.load()
    joblib.dump({"blocks": model.blocks, "page": model.page}, copy / JOBLIB_MODEL_FILE, compress=("zlib", 6))
    (copy / MODEL_FILE).unlink()
    meta = json.loads((copy / META_FILE).read_text())
    meta.update(format_version=1, model_sha256=hashlib.sha256((copy / JOBLIB_MODEL_FILE).read_bytes()).hexdigest())
    meta.pop("model_file")  # format 1's metadata may name no file: model.joblib
    (copy / META_FILE).write_text(json.dumps(meta))
    assert Detector.load(copy, trust=True).score(PAGE) == Detector.load().score(PAGE)


def test_scoring_imports_no_joblib():
    import subprocess
    import sys

    from detector.compiled import fasthash

    if fasthash is None:  # the Python path hashes with scikit-learn's murmurhash3, and scikit-learn imports joblib
        pytest.skip("without the C kernel, scoring imports scikit-learn")

    code = "import sys; from detector import Detector; Detector.load().score(sys.argv[1]); print('joblib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code, str(PAGE)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


def test_a_model_from_a_newer_numpy_is_refused(copy, no_unpickling):
    meta = json.loads((copy / META_FILE).read_text())
    meta["versions"]["numpy"] = "99.0.0"
    (copy / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="numpy 99.0.0"):
        DetectorModel.load(copy, trust=True)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""], ids=["broken", "a-list", "empty"])
def test_unreadable_metadata_is_a_one_line_error(copy, no_unpickling, text):
    (copy / META_FILE).write_text(text)
    with pytest.raises(ModelError, match="unreadable metadata") as err:
        DetectorModel.load(copy, trust=True)
    _one_line(str(err.value))


def test_a_hostile_pickle_never_runs_untrusted_or_with_a_wrong_sha256(copy, tmp_path):
    marker = tmp_path / "pwned"
    _hostile_folder(copy, marker, right_sha=True)
    with pytest.raises(ModelError, match="--trust"):
        DetectorModel.load(copy)  # untrusted: refused before unpickling
    assert not marker.exists()
    _hostile_folder(copy, marker, right_sha=False)
    with pytest.raises(ModelError, match="sha256"):
        DetectorModel.load(copy, trust=True)  # trusted, but not the file its metadata describes
    assert not marker.exists()
    # trusted and consistent: it is unpickled, and its code runs; that is what --trust vouches for
    _hostile_folder(copy, marker, right_sha=True)
    with pytest.raises(ModelError, match="does not hold a detector model"):
        DetectorModel.load(copy, trust=True)
    assert marker.exists()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["score", str(PAGE)], id="score"),
        pytest.param(["split", str(PAGE)], id="split"),
        pytest.param(["explain", str(PAGE)], id="explain"),
        pytest.param(["evaluate", str(ROOT / "data")], id="evaluate"),
        pytest.param(["batch", str(PAGE)], id="batch"),
    ],
)
def test_every_command_that_takes_a_model_needs_trust_for_one_from_elsewhere(copy, args, no_unpickling):
    result = CliRunner().invoke(main, [*args, "--model", str(copy)], env={"DETECTOR_TRUST_MODELS": ""})
    assert result.exit_code in (1, 2)
    msg = result.stderr.strip().splitlines()[-1]
    assert msg.startswith("Error: ") and "--trust" in msg and str(copy) in msg
    assert "Traceback" not in result.output


def test_card_needs_trust_to_load_a_model_from_elsewhere(copy, no_unpickling, monkeypatch):
    meta = json.loads((copy / META_FILE).read_text())
    meta["metrics"].pop("data_test_by_language", None)  # so that the card loads the model to measure them
    meta["metrics"].pop("data_test_by_source", None)
    meta["report"]["test_sites"] = ["wanderfold.com"]  # a test split for the card to measure on
    (copy / META_FILE).write_text(json.dumps(meta))
    monkeypatch.setattr("detector.lab.corpus.corpus_hash", lambda corpus: meta["training_data"]["sha256"])
    result = CliRunner().invoke(main, ["card", str(copy), "--corpus", str(ROOT / "data")])
    assert result.exit_code == 1 and "--trust" in result.stderr


def test_trust_flag_and_environment_variable(copy):
    want = json.loads(CliRunner().invoke(main, ["score", "--format", "jsonl", str(PAGE)]).stdout)
    for extra, env in ((["--trust"], {}), ([], {"DETECTOR_TRUST_MODELS": "1"})):
        result = CliRunner().invoke(
            main, ["score", "--format", "jsonl", "--model", str(copy), *extra, str(PAGE)], env=env
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == want
    result = CliRunner().invoke(main, ["batch", "-q", "-j", "1", "--model", str(copy), "--trust", str(PAGE)])
    assert result.exit_code == 0 and json.loads(result.stdout)["score"] == want["score"]


def test_score_frame_needs_trust_too(copy):
    df = pd.DataFrame({"html": [PAGE.read_text(encoding="utf-8")]})
    with pytest.raises(ModelError, match="--trust"):
        score_frame(df, model_dir=copy)
    assert score_frame(df, model_dir=copy, trust=True)["error"].tolist() == [None]


@pytest.mark.parametrize("package, module", [("scikit-learn", "sklearn"), ("numpy", "numpy"), ("click", "click")])
def test_library_versions_read_from_the_dist_info_folder_are_importlib_metadatas(package, module):
    from importlib.metadata import version

    from detector.modelfiles import _version

    assert _version(package, module) == version(package)


def test_a_package_with_two_dist_info_folders_leaves_its_version_to_importlib_metadata(tmp_path, monkeypatch):
    from detector import modelfiles

    site = tmp_path / "site"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("")
    (site / "fake_pkg-1.2.3.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert modelfiles._wheel_version("fake-pkg", "fakepkg") == "1.2.3"
    (site / "fake_pkg-1.0.0.dist-info").mkdir()  # a stale one beside it: which is installed is not ours to guess
    assert modelfiles._wheel_version("fake-pkg", "fakepkg") == ""
    assert modelfiles._wheel_version("fake-pkg", "no_such_module_here") == ""
