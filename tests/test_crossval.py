"""Cross-validation by site: the sites, the folds that keep them whole, and a small run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from detector.cli import main
from detector.lab.corpus import LabelledPage, load_corpus, site_of
from detector.lab.train import site_groups, split_by_site

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.mark.parametrize("url, site", [
    ("https://www.example.com/news/1", "example.com"),
    ("http://blog.example.com/a?b=c", "example.com"),
    ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
    ("https://abc.net.au/x", "abc.net.au"),
    ("https://user@shop.example.de:8080/p", "example.de"),
    ("", ""),
    ("not a url", ""),
])
def test_site_of_is_the_registered_domain(url, site):
    assert site_of(url) == site


def _page(source: str, url: str) -> LabelledPage:
    return LabelledPage(id=url or source, file="f", path=Path("f"), lang="en", source=source, page="editorial",
                        kind="none", url=url)


def test_pages_without_a_url_join_their_sources_site_or_stay_their_source():
    pages = [_page("mag", f"https://www.mag.com/{i}") for i in range(19)] + [_page("mag", "")]
    pages += [_page("mixed", "https://a.org/1"), _page("mixed", "https://b.org/1"), _page("mixed", "")]
    groups = site_groups(pages)
    assert groups[19] == "mag.com"  # a magazine's archive page without its URL is still the magazine
    assert groups[-1] == "mixed"  # a source of many sites: its URL-less page is its own group
    assert groups[20:22] == ["a.org", "b.org"]


def test_the_split_keeps_every_site_on_one_side():
    pages = load_corpus(DATA)
    train, test = split_by_site(pages, 0.2, seed=0)
    groups = site_groups(pages)
    assert train and test and len(train) + len(test) == len(pages)
    assert not {groups[i] for i in train} & {groups[i] for i in test}


@pytest.mark.slow
def test_crossval_scores_every_page_with_a_model_that_never_saw_its_site():
    from detector.lab.crossval import cross_validate, format_cv

    result = cross_validate([DATA], folds=2, limit=240)
    assert len(result.detector) == len(result.keyword) == len(result.rows) == 240
    assert all(o.score is not None for o in result.detector if o.error is None)
    assert len(result.thresholds) == 2 and all(0 < t < 1 for t in result.thresholds)
    m = result.metrics()
    assert m["page"]["positives"] > 10 and 0.5 < m["page"]["roc_auc"] <= 1
    # the held-out pages of each fold are the sites its model was not trained on
    for ev in result.evidence:
        assert len(ev["test"]) == len(ev["X_test"]) and len(ev["X"]) == len(ev["y"])
    table = format_cv(result)
    assert "| data |" in table and "**pooled**" in table


@pytest.mark.slow
def test_crossval_command_writes_its_json_and_its_fold_models_score_the_same_pages_again(tmp_path, monkeypatch):
    out, folds = tmp_path / "cv.json", tmp_path / "folds"
    monkeypatch.chdir(DATA.parent)  # the corpus named by a relative path
    result = CliRunner().invoke(main, ["crossval", DATA.name, "--folds", "2", "--limit", "120", "-o", str(out),
                                       "--save-folds", str(folds)])
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text())
    assert summary["folds"] == 2 and set(summary["pooled"]) == {"detector", "keyword"}
    assert np.isfinite(summary["pooled"]["detector"]["page"]["precision"])
    index = json.loads((folds / "folds.json").read_text())
    held = [p for f in index["folds"] for p in f["held_out"]]
    assert len(held) == len(set(held)) == 120  # every page held out by exactly one fold model
    assert all(Path(p).is_absolute() for p in held)  # read again from any working directory
    monkeypatch.chdir(tmp_path)

    # the fold models are not loaded without --trust; with it, the same pages get the same figures
    refused = CliRunner().invoke(main, ["crossval", "--rescore", str(folds)])
    assert refused.exit_code != 0 and "trust" in refused.output
    again = tmp_path / "again.json"
    result = CliRunner().invoke(main, ["crossval", "--rescore", str(folds), "--trust", "-o", str(again)])
    assert result.exit_code == 0, result.output
    rescored = json.loads(again.read_text())
    assert rescored["pooled"] == summary["pooled"] and rescored["thresholds"] == summary["thresholds"]


def test_rescore_refuses_a_folder_crossval_did_not_write(tmp_path):
    (tmp_path / "folds.json").write_text('{"format": "something else"}')
    for folder in (tmp_path, tmp_path / "empty"):
        folder.mkdir(exist_ok=True)
        result = CliRunner().invoke(main, ["crossval", "--rescore", str(folder), "--trust"])
        assert result.exit_code != 0 and "Error:" in result.output and "Traceback" not in result.output
    assert CliRunner().invoke(main, ["crossval"]).exit_code == 2  # neither corpora nor --rescore


def test_a_page_without_boilerplate_labels_trains_on_prose_cue_blocks_and_notices_only():
    from detector.features import BlockRow
    from detector.lab.trainrows import PROSE_PER_PAGE, unlabelled_chrome_kept

    def row(text, links=0.0):
        return BlockRow(text, "", "", "", "p", ("body",), 0.5, links, len(text.split()), False, "")

    prose = "The council approved the new harbour budget after a long debate about repairs and costs."
    rows = [row("Home News Sport"),  # a menu: maybe chrome, left out
            row(prose, links=0.9),  # link-heavy: left out
            row("Brands spend more on sponsored content every year, and regulators are watching."),  # cue word
            row("This article is sponsored by Example Bank."),  # a labelled notice
            row("State-sponsored hackers hit ports"),  # a short headline with a cue word: kept
            row("Advertisement"),  # a bare label (an ad slot, unlabelled): left out
            *[row(f"{prose} Paragraph {i}.") for i in range(PROSE_PER_PAGE + 10)]]
    targets = ["editorial", "editorial", "editorial", "sponsored", "editorial", "editorial"] + ["editorial"] * (PROSE_PER_PAGE + 10)
    kept = unlabelled_chrome_kept(rows, targets, list(range(len(rows))), seed=0)
    assert 0 not in kept and 1 not in kept and 5 not in kept
    assert 2 in kept and 3 in kept and 4 in kept
    assert len(kept) == 3 + PROSE_PER_PAGE
    assert kept == sorted(kept)


def test_rows_with_a_cue_that_are_no_notice_weigh_more():
    import scipy.sparse as sp

    from detector.lab.train import TrainingSet, cue_negative_weights

    y = np.array(["editorial", "editorial", "sponsored", "boilerplate", "sponsored_other"])
    cued = np.array([True, False, True, True, True])
    ts = TrainingSet([], None, sp.csr_matrix((5, 1)), y, np.zeros(5), sp.csr_matrix((0, 1)), np.zeros(0),
                     np.array([]), cued)
    assert cue_negative_weights(ts, np.ones(5, dtype=bool), 1.0) is None
    w = cue_negative_weights(ts, np.ones(5, dtype=bool), 5.0)
    assert w.tolist() == [5.0, 1.0, 1.0, 5.0, 1.0]
    assert cue_negative_weights(ts, np.array([False, True, True, True, False]), 5.0).tolist() == [1.0, 1.0, 5.0]
