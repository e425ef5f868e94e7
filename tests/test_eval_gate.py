"""Evaluation gate: the shipped model's metrics may not fall below pinned floors.

Floors live in tests/eval_gate.json with the hash of the corpus they were measured on and a stated
tolerance. Raising a floor is a commit of its own; lowering one needs a reason in that commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from detector import Detector
from detector.corpus import corpus_hash, load_corpus
from detector.evaluate import evaluate_pages

ROOT = Path(__file__).resolve().parents[1]
GATE = json.loads((ROOT / "tests" / "eval_gate.json").read_text(encoding="utf-8"))
REALDEV = ROOT.parent / "shared" / "realdev"


def _check(metrics: dict, floors: dict, tolerance: float) -> list[str]:
    failures = []
    for dotted, floor in floors.items():
        value = metrics
        for key in dotted.split("."):
            value = value[key]
        ceiling = dotted.startswith("false_sponsored_blocks") or dotted.endswith("false_positive_rate")
        if ceiling and value > floor + tolerance:
            failures.append(f"{dotted} = {value} above its ceiling {floor}")
        if not ceiling and value < floor - tolerance:
            failures.append(f"{dotted} = {value} below its floor {floor}")
    return failures


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load()


@pytest.mark.slow
def test_shipped_model_was_trained_on_this_data(detector):
    meta = detector.model.metadata["training_data"]
    assert meta["sha256"] == corpus_hash(ROOT / "data"), "data/ changed since the shipped model was trained: retrain it"


@pytest.mark.slow
def test_gate_on_the_test_split_of_data(detector):
    gate = GATE["data_test"]
    assert corpus_hash(ROOT / "data") == gate["corpus_sha256"], "data/ changed: re-measure the gate"
    test_sources = set(detector.model.metadata["report"]["test_sources"])
    pages = [p for p in load_corpus(ROOT / "data") if p.source in test_sources]
    result = evaluate_pages(detector, pages, n_jobs=2)
    assert not _check(result.metrics, gate["floors"], GATE["tolerance"])


@pytest.mark.slow
@pytest.mark.skipif(not REALDEV.is_dir(), reason="../shared/realdev is not here")
def test_gate_on_realdev(detector):
    gate = GATE["realdev"]
    digest = hashlib.sha256((REALDEV / "labels.jsonl").read_bytes()).hexdigest()
    assert digest == gate["labels_sha256"], "realdev labels changed: re-measure the gate"
    result = evaluate_pages(detector, load_corpus(REALDEV), n_jobs=2)
    assert not _check(result.metrics, gate["floors"], GATE["tolerance"])
