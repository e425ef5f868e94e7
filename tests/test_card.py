"""MODEL_CARD.md: written beside a model by `detector train` and `detector card`, never touching the model."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from detector import Detector
from detector.cli import main
from detector.lab.card import CARD_FILE, model_card, write_model_card
from detector.model import META_FILE, MODEL_FILE, default_model_dir

ROOT = Path(__file__).resolve().parents[1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    for name in (MODEL_FILE, META_FILE):
        shutil.copy(default_model_dir() / name, folder / name)
    return folder


def test_the_shipped_model_has_a_card_that_matches_it():
    meta = json.loads((default_model_dir() / META_FILE).read_text(encoding="utf-8"))
    card = (default_model_dir() / CARD_FILE).read_text(encoding="utf-8")
    assert meta["model_sha256"] in card, "MODEL_CARD.md is stale: detector card detector/models/default --corpus data"
    assert meta["training_data"]["sha256"] in card
    for corpus in meta["training_data"]["corpora"]:  # every corpus it was trained on, with its hash
        assert f"`{corpus['name']}`: {corpus['pages']} pages, sha256 `{corpus['sha256']}`" in card
    # trained on every page: its figures are the cross-validation by site, per source and pooled
    assert "### Cross-validation by site" in card and "| **pooled** |" in card and "| realdev/" in card
    assert f"**Rebuild**: `{meta['command']}`" in card


def test_writing_a_card_leaves_the_model_alone(model_copy):
    before = {n: _sha(model_copy / n) for n in (MODEL_FILE, META_FILE)}
    path = write_model_card(model_copy)
    assert path == model_copy / CARD_FILE
    assert {n: _sha(model_copy / n) for n in (MODEL_FILE, META_FILE)} == before
    Detector.load(model_copy, trust=True)  # still loads: the sha256 check passes


def test_the_card_states_data_use_metrics_threshold_and_limits(model_copy):
    meta = json.loads((model_copy / META_FILE).read_text(encoding="utf-8"))
    card = write_model_card(model_copy).read_text(encoding="utf-8")
    for heading in ("## Training data", "## Intended use", "## Out-of-scope use", "## Thresholds", "## Metrics",
                    "## Known limits"):
        assert heading in card
    if meta["metrics"].get("data_test"):  # a model trained with a test split: its figures
        pg = meta["metrics"]["data_test"]["page"]
        assert f"| page ROC AUC | {pg['roc_auc']:.3f} |" in card
    else:  # trained on every page: the cross-validation's pooled row
        pooled = meta["crossval"]["pooled"]
        ap, kw = pooled["detector"]["page"]["average_precision"], pooled["keyword"]["page"]["average_precision"]
        assert f"| **pooled** | {pooled['detector']['page']['pages']} |" in card and f"{ap:.3f} ({kw:.3f})" in card
    assert f"**Page threshold**: {meta['threshold']}" in card
    assert meta["training_data"]["sha256"] in card


def test_groups_recorded_in_the_metadata_become_tables():
    row = {"group": "en", "pages": 10, "sponsored": 3, "roc_auc": 0.9, "precision": 1.0, "recall": 0.5, "f1": 0.667,
           "sponsored_found": "2/3", "affiliate_found": "1/1", "disclaimer_found": "0/0"}
    meta = {"training_data": {"corpus": "mine", "sha256": "abc"}, "threshold": 0.5}
    card = model_card(meta, {"by_language": [row], "by_source": [dict(row, group="site-x")]}, name="mine")
    assert "| en | 10 | 3 | 0.900 | 1.000 | 0.500 | 0.667 | 2/3 | 1/1 | 0/0 |" in card
    assert "| site-x |" in card
    assert "generated" not in card.split("## Known limits")[1]  # only data/ is generated


def test_detector_card_command(model_copy):
    result = CliRunner().invoke(main, ["card", str(model_copy)])
    assert result.exit_code == 0, result.output
    assert (model_copy / CARD_FILE).is_file() and "model card written" in result.stderr
    result = CliRunner().invoke(main, ["card", str(model_copy.parent)])
    assert result.exit_code == 1 and "not a detector model" in result.stderr


def test_detector_train_writes_the_card_after_saving(monkeypatch, tmp_path):
    model = Detector.load().model
    report = {"train_pages": 1, "test_pages": 0, "seconds": 0.0, "test_metrics": {}}
    monkeypatch.setattr("detector.lab.train.train", lambda corpus, opts: (model, report))
    out = tmp_path / "trained"
    result = CliRunner().invoke(main, ["train", str(ROOT / "data"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    card = (out / CARD_FILE).read_text(encoding="utf-8")
    assert json.loads((out / META_FILE).read_text())["model_sha256"] in card
