"""The command line, through click's CliRunner, with the shipped model."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from detector.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sponsored-crypto-news.txt"
EDITORIAL = ROOT / "examples" / "editorial-blog.html"
CONTRACT_KEYS = {"path", "score", "label", "blocks", "error"}
BLOCK_KEYS = {"index", "label", "score", "text", "start", "end"}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def jsonl(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_score_jsonl_record_is_exactly_the_contract(runner):
    result = runner.invoke(main, ["score", "--format", "jsonl", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    (rec,) = jsonl(result)
    assert set(rec) == CONTRACT_KEYS
    assert rec["error"] is None and rec["label"] in ("sponsored", "editorial")
    assert 0.0 <= rec["score"] <= 1.0
    for b in rec["blocks"]:
        assert set(b) == BLOCK_KEYS
        assert b["label"] in ("sponsored", "affiliate", "disclaimer", "boilerplate")


def test_example_with_trailing_sponsored_notice_is_sponsored(runner):
    (rec,) = jsonl(runner.invoke(main, ["score", "--format", "jsonl", str(EXAMPLE)]))
    assert rec["label"] == "sponsored"
    sponsored = [b["text"] for b in rec["blocks"] if b["label"] == "sponsored"]
    assert any("sponsored content" in t for t in sponsored)
    assert any(t == "IMPORTANT NOTICE" for t in sponsored)
    boiler = {b["text"] for b in rec["blocks"] if b["label"] == "boilerplate"}
    assert {"Share this article", "Subscribe"} <= boiler


def test_editorial_blog_with_affiliate_note_is_editorial(runner):
    (rec,) = jsonl(runner.invoke(main, ["score", "--format", "jsonl", str(EDITORIAL)]))
    assert rec["label"] == "editorial"
    labels = {b["label"] for b in rec["blocks"]}
    assert "affiliate" in labels
    assert "sponsored" not in labels


def test_offsets_point_into_the_visible_text(runner, tmp_path):
    from detector import Detector

    a = Detector.load().analyze(str(EXAMPLE))
    for b in a.blocks:
        assert a.text[b.start : b.end] == b.text


def test_unreadable_input_gets_its_own_record_and_exit_code_1(runner, tmp_path):
    bad = tmp_path / "broken.html.gz"
    bad.write_bytes(gzip.compress(b"<p>hello</p>" * 100)[:40])
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(main, ["score", "--format", "jsonl", str(EXAMPLE), str(bad), str(empty)])
    assert result.exit_code == 1
    recs = jsonl(result)
    assert [r["path"] for r in recs] == [str(EXAMPLE), str(bad), str(empty)]
    assert recs[0]["error"] is None
    assert "truncated gzip" in recs[1]["error"] and recs[1]["score"] is None
    assert recs[2]["error"] == "empty input"
    assert "error: " in result.stderr


def test_stdin_is_read_with_a_dash(runner):
    result = runner.invoke(main, ["score", "--format", "json", "-"], input=EXAMPLE.read_bytes())
    assert result.exit_code == 0
    rec = json.loads(result.stdout)
    assert rec["path"] == "-" and rec["label"] == "sponsored"


@pytest.mark.parametrize("fmt, marker", [("table", "IMPORTANT NOTICE"), ("csv", "path,url,score,label,n_blocks,blocks,error")], ids=["table", "csv"])
def test_other_formats_print_the_page(runner, fmt, marker):
    result = runner.invoke(main, ["score", "--format", fmt, str(EXAMPLE)])
    assert result.exit_code == 0
    assert marker in result.stdout


def test_split_prints_the_editorial_text_without_the_notice(runner):
    result = runner.invoke(main, ["split", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "Port authorities in three North Sea harbours" in result.stdout
    assert "sponsored content" not in result.stdout
    assert "Share this article" not in result.stdout


def test_split_show_marks_every_block_with_its_label(runner):
    result = runner.invoke(main, ["split", "--show", str(EXAMPLE)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert re.search(r"page sponsored", lines[0])
    assert any(re.search(r"^x\s+\d+ sponsored\s+\d\.\d\d\s+IMPORTANT NOTICE$", ln) for ln in lines)
    assert any(ln.startswith(" ") and "editorial" in ln for ln in lines)


def test_missing_file_is_a_usage_error_for_split(runner, tmp_path):
    result = runner.invoke(main, ["split", str(tmp_path / "nope.html")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_train_refuses_to_overwrite_without_force(runner, tmp_path):
    out = tmp_path / "m"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    result = runner.invoke(main, ["train", str(ROOT / "data"), "-o", str(out)])
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert (out / "keep.txt").exists()


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"detector {name}" in readme, name
