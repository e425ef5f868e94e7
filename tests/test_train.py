"""Training end to end on a slice of data/, and the model folder's checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from detector import Detector, DetectorModel, ModelError
from detector.cli import main
from detector.lab.corpus import load_corpus
from detector.lab.train import TrainOptions, train
from detector.model import META_FILE, MODEL_FILE, default_model_dir

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SLICE = 320  # pages: enough for every class and several sources, quick to train


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("models") / "small"
    result = CliRunner().invoke(main, ["train", str(DATA), "-o", str(out), "--limit", str(SLICE), "--seed", "3"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.mark.slow
def test_train_writes_a_model_folder_with_metadata(small_model):
    folder, _ = small_model
    assert (folder / MODEL_FILE).is_file()
    meta = json.loads((folder / META_FILE).read_text())
    for key in ("format_version", "model_sha256", "versions", "classes", "threshold", "training_data", "metrics"):
        assert key in meta, key
    assert meta["training_data"]["split"] == "by site"
    assert meta["seed"] == 3
    assert set(meta["classes"]) >= {"editorial", "sponsored", "boilerplate"}


@pytest.mark.slow
def test_train_and_test_sources_do_not_overlap(small_model):
    folder, _ = small_model
    report = json.loads((folder / META_FILE).read_text())["report"]
    assert report["test_sites"] and report["train_sources"]
    pages = load_corpus(DATA)[:SLICE]
    from detector.lab.train import held_out, site_groups

    test_ids = {p.id for p in held_out(pages, report)}
    train_sites = {g for p, g in zip(pages, site_groups(pages)) if p.id not in test_ids}
    assert test_ids and not set(report["test_sites"]) & train_sites


@pytest.mark.slow
def test_small_model_scores_pages_it_never_saw(small_model):
    folder, metrics = small_model
    assert metrics["page"]["roc_auc"] > 0.8
    det = Detector.load(folder, trust=True)
    rec = det.score(ROOT / "examples" / "sponsored-crypto-news.txt")
    assert rec["error"] is None and 0 <= rec["score"] <= 1


@pytest.mark.slow
def test_training_is_reproducible_with_a_fixed_seed():
    opts = TrainOptions(seed=1, limit=120, max_iter=60)
    a, _ = train(DATA, opts)
    b, _ = train(DATA, opts)
    assert a.threshold == b.threshold
    wa, wb = a.blocks.clf_.coef_.toarray(), b.blocks.clf_.coef_.toarray()
    assert np.array_equal(wa, wb)


def _copy_default(tmp_path: Path) -> Path:
    folder = tmp_path / "m"
    shutil.copytree(default_model_dir(), folder)
    return folder


def test_shipped_model_loads_from_the_package():
    model = DetectorModel.load()
    assert 0 < model.threshold < 1
    assert (default_model_dir() / MODEL_FILE).stat().st_size < 5_000_000  # a few MB at most


def test_a_tampered_model_file_is_refused_before_unpickling(tmp_path):
    folder = _copy_default(tmp_path)
    with open(folder / MODEL_FILE, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelError, match="sha256"):
        DetectorModel.load(folder, trust=True)


@pytest.mark.parametrize(
    "change, message",
    [
        pytest.param({"format_version": 99}, "format", id="format"),
        pytest.param({"versions": {"scikit-learn": "0.1.0"}}, "scikit-learn", id="sklearn"),
    ],
)
def test_a_model_with_foreign_metadata_is_refused(tmp_path, change, message):
    folder = _copy_default(tmp_path)
    meta = json.loads((folder / META_FILE).read_text())
    meta.update(change)
    (folder / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=message):
        DetectorModel.load(folder, trust=True)


def test_a_folder_without_metadata_is_not_a_model(tmp_path):
    (tmp_path / MODEL_FILE).write_bytes(b"not a pickle")
    with pytest.raises(ModelError, match="metadata"):
        DetectorModel.load(tmp_path, trust=True)


def test_corpus_in_data_meets_the_data_card():
    pages = load_corpus(DATA)
    assert len(pages) >= 1500
    assert sum(p.page == "sponsored" for p in pages) >= 400
    assert len({p.lang for p in pages}) >= 6
    assert all(p.path.is_file() for p in pages)


def test_a_page_without_chrome_labels_learns_its_chrome_from_the_reference_main_text(tmp_path):
    # realdev labels its notices only: trafilatura's main text tells its chrome from its story.
    pytest.importorskip("trafilatura")
    from detector.lab.corpus import LabelledPage
    from detector.lab.train import prepare_page

    story = ("The harbour committee met on Monday evening to discuss the winter timetable of the passenger "
             "ferry, the price of a season ticket and the queue of lorries that forms on the quay on Fridays.")
    more = ("Members agreed that the morning crossing should stay, and asked the operator for new figures on "
            "passenger numbers by the end of March, before the budget is set for the coming year.")
    menu = "".join(f'<li><a href="/s/{w.lower()}">{w}</a></li>' for w in
                   ("Home", "Politics", "Harbour", "Weather", "Sport", "Contact us"))
    html = (f"<html><head><title>Ferry timetable</title></head><body><header><nav><ul>{menu}</ul></nav></header>"
            f"<article><h1>Ferry keeps its winter timetable</h1><p>{story}</p><p>{more}</p>"
            "<p>This article is sponsored content paid for by Northwind Ferries Ltd.</p></article>"
            '<footer><p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p>'
            "<p>Copyright 2026 Harbour Gazette. All rights reserved.</p></footer></body></html>")
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    lp = LabelledPage(id="p", file="p.html", path=tmp_path / "p.html", lang="en", source="s", page="sponsored",
                      kind="sponsored", spans=[{"label": "sponsored", "text": "This article is sponsored content "
                                                "paid for by Northwind Ferries Ltd."}], chrome_labelled=False)
    prep = prepare_page(lp)
    target = {}
    for row, t in zip(prep.rows, prep.targets):
        target.setdefault(row.text, t)
    assert target[story] == target[more] == "editorial"
    assert target["Ferry keeps its winter timetable"] == "editorial"  # the title: metadata to trafilatura
    assert target["This article is sponsored content paid for by Northwind Ferries Ltd."] == "sponsored"
    for item in ("Home", "Politics", "Contact us", "Privacy policy | Terms of use"):
        assert target[item] == "boilerplate"
    assert target["Copyright 2026 Harbour Gazette. All rights reserved."] == "boilerplate"
