"""benchmarks/boilerplate.py: snippet matching, the short-snippet filter, the editorial-word recall, the
editorial text of a labelled page, and one run of the script on 5 pages of data/."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "boilerplate.py"


@pytest.fixture(scope="module")
def bp():
    """The script as a module; sys.path and sys.modules are as before once this file's tests are done."""
    spec = importlib.util.spec_from_file_location("boilerplate_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "path", list(sys.path))  # the script puts the repository first on it
        mp.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
        spec.loader.exec_module(module)
        yield module


@pytest.mark.parametrize("snippet, output, expected", [
    ("Sign up for updates", "Body text.\n\nSIGN UP\nfor   updates!", True),
    ("Check your inbox to confirm it.", "check your inbox - to confirm it", True),
    ("Share this article", "Share the article with a friend", False),
    ("Sign up for updates", "Sign up for weekly updates", False),
    ("", "anything", False),
], ids=["case-and-white-space", "punctuation", "other-word", "word-inserted", "empty-snippet"])
def test_a_snippet_is_kept_when_its_normalised_text_is_in_the_output(bp, snippet, output, expected):
    assert bp.kept(snippet, bp.norm(output)) is expected


def test_normalised_text_is_nfkc_case_folded_letters_and_digits(bp):
    assert bp.norm("Straße ﬁx, 2 × 3!") == "strassefix23"
    assert bp.words("Don't miss: E-mail") == ["don", "t", "miss", "e", "mail"]


@pytest.mark.parametrize("snippet, expected", [
    ("Share", False),
    ("Read more", False),                      # 2 words
    ("Share on X", False),                     # 3 words, 10 characters
    ("a b c d e f", False),                    # 6 words, 11 characters
    ("Sign up for updates", True),             # 4 words, 19 characters
    ("Check   your\ninbox", True),             # 3 words, 16 characters once white space is collapsed
    ("Subscribe-to-our-newsletter", False),    # 1 word as written
], ids=["one-word", "two-words", "short-three-words", "six-short-words", "long", "white-space", "hyphenated"])
def test_only_snippets_of_three_words_and_fifteen_characters_are_measured(bp, snippet, expected):
    assert bp.measurable(snippet) is expected


def test_editorial_word_recall_counts_each_word_as_often_as_the_reference_has_it(bp):
    reference = Counter(bp.words("The cat saw the dog"))
    assert bp.word_recall(reference, "The dog.") == pytest.approx(2 / 5)
    assert bp.word_recall(reference, "the the the cat") == pytest.approx(3 / 5)  # "the" counts twice at most
    assert bp.word_recall(reference, "THE CAT SAW THE DOG, and more") == pytest.approx(1.0)
    assert bp.word_recall(reference, "") == 0.0
    assert bp.word_recall(Counter(), "anything") is None


def test_editorial_text_drops_spans_and_boilerplate_but_not_the_same_words_in_the_article(bp):
    blocks = [
        "Home · News · Money",                                           # a navigation bar of short links
        "Markets rally as rates fall",                                   # the headline
        "Shares rose on Monday as money flowed back into news stocks.",  # "money", "news": article words
        "Sponsored by Acme Bank",                                        # a disclosure span
        "Read next: Markets rally as rates…",                            # a truncated headline in a list
        "Sign up for our daily newsletter",
    ]
    chrome = ["Home", "News", "Money", "Markets rally as rates…", "Sign up for our daily newsletter"]
    truth = bp.page_truth(blocks, chrome, ["Sponsored by Acme Bank"])
    assert truth.editorial["money"] == 1 and truth.editorial["news"] == 1
    assert truth.editorial["markets"] == 1 and truth.editorial["fall"] == 1  # the headline stays whole
    assert truth.editorial["home"] == 0
    assert truth.editorial["sponsored"] == 0 and truth.editorial["acme"] == 0
    assert truth.editorial["newsletter"] == 0
    # Short snippets are not measured; the truncated headline is also editorial text, so it is not either.
    assert [text for text, _ in truth.snippets] == ["Sign up for our daily newsletter"]


def test_a_markdown_snippet_is_matched_by_its_text_without_the_link_target(bp):
    blocks = bp.reference_blocks("[Subscribe for free](/subscribe)\n\nThe article itself.\n", "markdown")
    truth = bp.page_truth(blocks, ["[Subscribe for free](/subscribe)"], [])
    assert truth.snippets == [("[Subscribe for free](/subscribe)", "subscribeforfree")]
    assert truth.editorial == Counter({"the": 1, "article": 1, "itself": 1})


def test_reference_blocks_split_at_block_elements_and_drop_head_and_scripts(bp):
    html = ("<html><head><title>Title</title><script>var s = 'hidden words';</script></head><body>"
            "<div>Nav<b>bar</b></div><p>One</p><p>Two<br>Three</p><noscript>no</noscript></body></html>")
    assert bp.reference_blocks(html, "html") == ["Navbar", "One", "Two", "Three"]
    markdown = "# Title\n[Link](https://example.org/x) and ![alt text](i.png) <!-- note -->\n<b>bold</b>\n"
    assert bp.reference_blocks(markdown, "markdown") == ["# Title", "[Link] and alt text", "bold"]
    assert bp.reference_blocks("  one  line \n\n two ", "text") == ["one line", "two"]


def test_evaldata_snippets_are_plain_substrings_with_white_space_collapsed(bp):
    output = " ".join("Die GEMA dreht\nvöllig am Zeiger!".split())
    assert bp.found_plain("  Die GEMA dreht völlig ", output)
    assert not bp.found_plain("die gema", output)  # case counts here, as in the evaluation file's use
    assert not bp.found_plain("   ", output)


def test_evaldata_entries_are_found_by_file_name_and_by_url(bp, tmp_path):
    path = tmp_path / "evaldata.json"
    path.write_text(json.dumps({
        "https://example.org/a": {"file": "example.org.a.html", "with": ["kept"], "without": ["dropped"]},
        "https://example.org/b": {"with": ["b"], "without": []},
        "not-an-entry": "text",
    }), encoding="utf-8")
    by_file, by_url = bp.load_evaldata(path)
    assert by_file["example.org.a.html"] == {"with": ["kept"], "without": ["dropped"]}
    assert set(by_url) == {"https://example.org/a", "https://example.org/b"}


def test_sample_takes_every_kth_page(bp):
    assert bp.sample(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert bp.sample(list(range(3)), 5) == [0, 1, 2]
    assert bp.sample(list(range(3)), None) == [0, 1, 2]


def test_the_script_prints_one_row_for_five_pages_of_data():
    pytest.importorskip("trafilatura")
    result = subprocess.run([sys.executable, str(SCRIPT), "--corpus", str(ROOT / "data"), "--limit", "5"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "in-sample (the shipped model trained on these pages)" in out
    table = [line for line in out.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    assert header == ["rows", "pages", "non-HTML", "chrome labelled", "snippets",
                      "boilerplate kept: detector", "boilerplate kept: trafilatura",
                      "editorial words kept: detector", "editorial words kept: trafilatura",
                      "empty: detector", "empty: trafilatura"]
    rows = {cells[0]: cells for cells in ([c.strip() for c in line.strip("|").split("|")]
                                          for line in table[1:])}
    assert list(rows) == ["data"]  # 108 sources: no row per source; one corpus: no pooled row
    data = rows["data"]
    assert data[1] == "5" and data[3] == "5"
    assert int(data[4]) > 0
    for cell in data[5:9]:
        assert cell.endswith("%") and 0.0 <= float(cell[:-1]) <= 100.0


def test_crossval_measures_every_page_with_a_model_that_never_saw_its_site(tmp_path):
    pytest.importorskip("trafilatura")
    # A small corpus of data/ pages from six sites, two folds by site.
    lines = (ROOT / "data" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    by_source: dict[str, list[str]] = {}
    for line in lines:
        by_source.setdefault(json.loads(line)["source"], []).append(line)
    picked = [ln for src in sorted(by_source)[:6] for ln in by_source[src][:3]]
    (tmp_path / "labels.jsonl").write_text("\n".join(picked) + "\n", encoding="utf-8")
    (tmp_path / "pages").symlink_to(ROOT / "data" / "pages")
    result = subprocess.run([sys.executable, str(SCRIPT), "--corpus", str(tmp_path), "--crossval", "2",
                             "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["caveat"].startswith("each page measured by a model trained without any page of its site")
    row = report["rows"][0]  # the corpus; then one row per source
    assert row["name"] == tmp_path.name and row["pages"] == len(picked) and row["snippets"] > 0
    assert 0.0 <= row["detector"]["boilerplate_kept"] <= 1.0
    assert "2 folds by site" in report["crossval_table"]


def test_saved_folds_measure_each_page_with_the_model_that_held_it_out(tmp_path):
    """--folds reads `detector crossval --save-folds`'s folder: each held-out page is measured by its
    fold's model; pages no fold held out are left out; --dump writes one record per page measured."""
    import shutil

    from detector.lab.corpus import load_corpus
    pages = load_corpus(ROOT / "data")
    held = [p for p in pages if p.source == pages[0].source][:3]
    shutil.copytree(ROOT / "detector" / "models" / "default", tmp_path / "fold-1")
    (tmp_path / "folds.json").write_text(json.dumps({
        "format": "detector-crossval-folds/1", "corpora": [str(ROOT / "data")],
        "folds": [{"model": "fold-1", "held_out": [str(p.path) for p in held]}]}), encoding="utf-8")
    dump = tmp_path / "records.jsonl"
    result = subprocess.run([sys.executable, str(SCRIPT), "--corpus", str(ROOT / "data"), "--source", held[0].source,
                             "--folds", str(tmp_path), "--detector-only", "--dump", str(dump), "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model"] == f"the fold models of {tmp_path}"
    assert report["rows"][0]["pages"] == len(held)
    assert report["rows"][0]["trafilatura"]["empty"] == len(held)  # --detector-only: trafilatura not run
    records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == sorted(p.id for p in held)
