"""Where corpora are cleaned: the cleaning core, ``detector clean`` (JSONL, Parquet, WET), WET in ``detector
batch``, and the datatrove, Hugging Face datasets and Scrapy adapters, each run with its real library."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from detector import Detector
from detector.clean import CUT_LABELS, clean_document, cut_spans, document_kind

NEWS = ("Council approves budget\n"
        "The city council voted on Tuesday to approve the new budget after a long debate over school funding.\n"
        "The mayor said the plan balances the needs of every district and keeps taxes flat.\n"
        "Share on Facebook\n"
        "Subscribe to our newsletter")
PROMO = ("Ten reasons to visit the coast\n"
         "The coast is lovely in spring, with long walks, fresh seafood and quiet beaches for families.\n"
         "IMPORTANT NOTICE: This article is sponsored content, paid for by the Coast Tourism Board.")
AFFILIATE = ("The best walking boots of the year\n"
             "We tested twelve pairs over three months of hikes in wet and dry weather.\n"
             "This post contains affiliate links. We may earn a commission if you buy through them.")


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "detector.cli", *args], capture_output=True, text=True, cwd=cwd)


# -- the cleaning core ---------------------------------------------------------------------------------

def test_spans_index_the_original_text_whatever_its_white_space(det: Detector) -> None:
    text = PROMO.replace("\n", "\r\n").replace("IMPORTANT NOTICE: This", "IMPORTANT NOTICE:\t This  ")
    c = clean_document(det, text)
    assert c.error is None and c.label == "sponsored"
    notice = [s for s in c.spans if s.label == "sponsored"]
    assert len(notice) == 1
    assert text[notice[0].start:notice[0].end].startswith("IMPORTANT NOTICE:\t This")
    assert text[notice[0].start:notice[0].end].endswith("Tourism Board.")
    assert "IMPORTANT NOTICE" not in c.text and c.text.startswith("Ten reasons to visit the coast\r\n")


def test_same_score_and_spans_as_detector_score(det: Detector, tmp_path: Path) -> None:
    for i, text in enumerate((NEWS, PROMO, AFFILIATE)):
        page = tmp_path / f"p{i}.txt"
        page.write_text(text, encoding="utf-8")
        rec = det.score(page)
        c = clean_document(det, text)
        assert c.score == rec["score"] and c.label == rec["label"]
        assert [(s.label, text[s.start:s.end]) for s in c.spans] == [(b["label"], b["text"]) for b in rec["blocks"]]


def test_cut_keeps_the_rest_of_the_text_as_it_was(det: Detector) -> None:
    c = clean_document(det, AFFILIATE)
    assert [s.label for s in c.spans] == ["affiliate"]
    assert c.text == AFFILIATE[:AFFILIATE.index("This post")].rstrip()
    kept = clean_document(det, AFFILIATE, cut=())
    assert kept.text == AFFILIATE and kept.spans == c.spans
    assert cut_spans("a\n\nb\n\nc", [(3, 4)]) == "a\n\nc"
    assert cut_spans("a\nb", [(2, 3)]) == "a"
    assert cut_spans("abc", [(0, 2), (1, 3)]) == ""


@pytest.mark.parametrize("value, error", [
    ("", "empty input"), ("   \n", "input holds only white space"), (None, "no text"),
    (b"\x00\x01\x02" * 50, "binary input"), (42, "holds a int"),
])
def test_bad_documents_get_a_one_line_error(det: Detector, value: object, error: str) -> None:
    c = clean_document(det, value)  # type: ignore[arg-type]
    assert c.error is not None and error in c.error and "\n" not in c.error
    assert c.score is None and c.spans == []


def test_html_documents_are_read_as_html(det: Detector) -> None:
    html = ("<!doctype html><html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav><article>"
            "<p>Sponsored content: this article is paid for by the Coast Tourism Board.</p>"
            f"<h1>Ten reasons to visit the coast</h1><p>{PROMO.splitlines()[1]}</p></article></body></html>")
    assert document_kind(html) == "html" and document_kind(PROMO) == "text"
    c = clean_document(det, html)
    assert c.label == "sponsored" and "<" not in c.text and "Sponsored content" not in c.text
    assert "walks, fresh seafood" in c.text


# -- detector clean --------------------------------------------------------------------------------------

def _write_jsonl(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_clean_jsonl_keeps_every_row_in_its_place(tmp_path: Path) -> None:
    src, out = tmp_path / "docs.jsonl", tmp_path / "clean.jsonl"
    _write_jsonl(src, [
        json.dumps({"id": "news", "text": NEWS, "meta": {"lang": "en"}}),
        "{not json",
        json.dumps({"id": "promo", "text": PROMO}),
        json.dumps({"id": "empty", "text": ""}),
        "",
        json.dumps([1, 2]),
        json.dumps({"id": "nocol", "body": "x"}),
        json.dumps({"id": "aff", "text": AFFILIATE}),
    ])
    res = _cli("clean", str(src), "-o", str(out))
    assert res.returncode == 1, res.stderr  # some rows carry an error
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in rows] == ["news", None, "promo", "empty", None, "nocol", "aff"]
    errors = [r["detector_error"] for r in rows]
    assert errors[0] is None and errors[2] is None and errors[6] is None
    assert "not JSON" in errors[1] and "empty input" in errors[3] and "not a JSON object" in errors[4]
    assert "no column 'text'" in errors[5]
    assert rows[0]["meta"] == {"lang": "en"} and rows[0]["detector_label"] == "editorial"
    assert rows[2]["detector_label"] == "sponsored" and "IMPORTANT NOTICE" not in rows[2]["text"]
    assert rows[6]["text"] == AFFILIATE[:AFFILIATE.index("This post")].rstrip()
    spans = rows[6]["detector_spans"]
    assert [s["label"] for s in spans] == ["affiliate"] and AFFILIATE[spans[0]["start"]:].startswith("This post")
    assert rows[3]["text"] == "" and rows[5]["body"] == "x"  # a row that cannot be scored keeps its text
    assert "7 rows: 1 sponsored" in res.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

    again = _cli("clean", str(src), "-o", str(out))
    assert again.returncode == 2 and "exists" in again.stderr
    two = tmp_path / "clean2.jsonl.gz"
    assert _cli("clean", str(src), "-o", str(two), "-j", "2", "--keep-text", "--cut", "sponsored").returncode == 1
    rows2 = [json.loads(line) for line in gzip.open(two, "rt", encoding="utf-8")]
    assert [r.get("detector_score") for r in rows2] == [r["detector_score"] for r in rows]
    assert rows2[6]["text"] == AFFILIATE and rows2[6]["detector_text"] == AFFILIATE  # only sponsored is cut
    assert "IMPORTANT NOTICE" not in rows2[2]["detector_text"] and "IMPORTANT NOTICE" in rows2[2]["text"]


def test_clean_a_first_row_without_the_column_is_a_row_error(tmp_path: Path) -> None:
    src, out = tmp_path / "docs.jsonl", tmp_path / "clean.jsonl"
    _write_jsonl(src, [json.dumps({"id": "a"}), json.dumps({"id": "b", "text": AFFILIATE})])
    res = _cli("clean", str(src), "-o", str(out))
    assert res.returncode == 1, res.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["detector_error"] == "no column 'text' in this row" and rows[1]["detector_label"] == "editorial"
    named = _cli("clean", str(src), "-o", str(tmp_path / "n.jsonl"), "--text-column", "body")
    assert named.returncode == 3  # every row lacks the column it names: each gets its error, none is dropped
    rows = [json.loads(line) for line in (tmp_path / "n.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["detector_error"] for r in rows] == ["no column 'body' in this row"] * 2


def test_clean_a_cell_over_the_size_limit_gets_an_error(tmp_path: Path) -> None:
    src, out = tmp_path / "docs.jsonl", tmp_path / "clean.jsonl"
    _write_jsonl(src, [json.dumps({"text": NEWS}), json.dumps({"text": NEWS + "\nmore words" * 300})])
    res = _cli("clean", str(src), "-o", str(out), "--max-bytes", "1K")
    assert res.returncode == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["detector_error"] is None
    assert rows[1]["detector_error"] == "input larger than 1024 bytes (limit max_bytes)"
    assert rows[1]["text"].endswith("more words")  # kept as it was


def test_clean_parquet_keeps_columns_and_types(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"n": pa.array([1, 2, 3, 4], pa.int32()), "text": [NEWS, None, PROMO, "\x00\x01\x02" * 50],
                      "tags": [["a"], [], ["b", "c"], None]})
    src, out = tmp_path / "t.parquet", tmp_path / "t.clean.parquet"
    pq.write_table(table, src)
    res = _cli("clean", str(src), "-o", str(out), "-j", "2")
    assert res.returncode == 1, res.stderr
    got = pq.read_table(out)
    assert got.schema.field("n").type == pa.int32() and got.schema.field("tags").type == table.schema.field("tags").type
    rows = got.to_pylist()
    assert [r["n"] for r in rows] == [1, 2, 3, 4] and rows[2]["tags"] == ["b", "c"]
    assert rows[0]["detector_label"] == "editorial" and rows[2]["detector_label"] == "sponsored"
    assert rows[1]["text"] is None and "null" in rows[1]["detector_error"]
    assert "binary" in rows[3]["detector_error"] and rows[3]["text"] == "\x00\x01\x02" * 50
    assert "IMPORTANT NOTICE" not in rows[2]["text"]
    assert _cli("clean", str(src), "-o", str(tmp_path / "x.jsonl")).returncode == 2  # Parquet into Parquet


def _wet(path: Path, texts: dict[str, str]) -> None:
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warc_record("", "warcinfo", payload=io.BytesIO(b"software: test\r\n"),
                                            warc_content_type="application/warc-fields"))
        for url, text in texts.items():
            w.write_record(w.create_warc_record(url, "conversion", payload=io.BytesIO(text.encode()),
                                                warc_content_type="text/plain"))


def test_wet_files_in_batch_and_clean(tmp_path: Path) -> None:
    wet = tmp_path / "CC-MAIN-test.warc.wet.gz"
    _wet(wet, {"https://a.example/news": NEWS, "https://b.example/promo": PROMO})
    res = _cli("batch", str(wet), "-j", "1", "-q")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["url"] for r in recs] == ["https://a.example/news", "https://b.example/promo"]
    assert all(r["path"].startswith(f"{wet}#<urn:uuid:") for r in recs)
    assert [r["label"] for r in recs] == ["editorial", "sponsored"]
    out = tmp_path / "wet.parquet"
    assert _cli("clean", str(wet), "-o", str(out)).returncode == 0
    import pandas as pd

    df = pd.read_parquet(out)
    assert list(df["url"]) == ["https://a.example/news", "https://b.example/promo"]
    assert list(df["id"]) == [r["path"].split("#", 1)[1] for r in recs]
    assert list(df["detector_score"]) == [r["score"] for r in recs]
    assert "IMPORTANT NOTICE" not in df["text"][1]


# -- datatrove -------------------------------------------------------------------------------------------

def test_datatrove_filter_and_cutter_in_a_local_pipeline(tmp_path: Path, det: Detector) -> None:
    pytest.importorskip("datatrove", reason="datatrove does not install here")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from detector.pipelines.datatrove import DisclosureCutter, SponsoredFilter

    (tmp_path / "in").mkdir()
    _write_jsonl(tmp_path / "in" / "docs.jsonl", [json.dumps({"id": i, "text": t}) for i, t in
                                                  (("news", NEWS), ("promo", PROMO), ("aff", AFFILIATE))])
    LocalPipelineExecutor(pipeline=[
        JsonlReader(str(tmp_path / "in")),
        SponsoredFilter(exclusion_writer=JsonlWriter(str(tmp_path / "removed"))),
        DisclosureCutter(),
        JsonlWriter(str(tmp_path / "out")),
    ], tasks=1, logging_dir=str(tmp_path / "logs")).run()

    def read(folder: str) -> dict[str, dict]:
        return {d["id"]: d for f in sorted((tmp_path / folder).glob("*.jsonl.gz"))
                for d in map(json.loads, gzip.open(f, "rt", encoding="utf-8"))}

    kept, removed = read("out"), read("removed")
    assert set(kept) == {"news", "aff"} and set(removed) == {"promo"}
    assert removed["promo"]["metadata"]["filter_reason"] == "sponsored"
    assert removed["promo"]["text"] == PROMO
    aff = kept["aff"]
    assert aff["text"] == clean_document(det, AFFILIATE).text
    assert aff["metadata"]["detector_score"] == clean_document(det, AFFILIATE).score
    assert [s["label"] for s in aff["metadata"]["detector_spans"]] == ["affiliate"]


# -- Hugging Face datasets -------------------------------------------------------------------------------

def test_datasets_map_in_processes_and_streamed(det: Detector) -> None:
    datasets = pytest.importorskip("datasets", reason="datasets does not install here")
    from detector.pipelines.hf import detect

    rows = [{"id": "news", "text": NEWS}, {"id": "empty", "text": ""}, {"id": "none", "text": None},
            {"id": "promo", "text": PROMO}, {"id": "aff", "text": AFFILIATE}]
    ds = detect(datasets.Dataset.from_list(rows), clean=True, num_proc=2, batch_size=2)
    got = list(ds)
    assert [r["id"] for r in got] == [r["id"] for r in rows]
    for r in got:
        if r["text"]:
            c = clean_document(det, r["text"])
            assert (r["detector_score"], r["detector_label"], r["detector_text"]) == (c.score, c.label, c.text)
            assert r["detector_spans"] == c.spans_json() and r["detector_error"] is None
        else:
            assert r["detector_score"] is None and r["detector_error"] and r["detector_text"] is None
    streamed = list(detect(datasets.Dataset.from_list(rows).to_iterable_dataset(), batch_size=2))
    assert [r["detector_score"] for r in streamed] == [r["detector_score"] for r in got]
    assert "detector_text" not in streamed[0]


# -- Scrapy ----------------------------------------------------------------------------------------------

SPIDER = textwrap.dedent("""
    import sys
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Site(scrapy.Spider):
        name = "site"
        start_urls = [sys.argv[1]]

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, self.page)

        def page(self, response):
            yield {"url": response.url, "html": response.text}

    process = CrawlerProcess(settings={
        "ITEM_PIPELINES": {"detector.pipelines.scrapy.DetectorPipeline": 300},
        "DETECTOR_ACTION": sys.argv[2], "DETECTOR_CLEAN_FIELD": "clean_text",
        "FEEDS": {sys.argv[3]: {"format": "jsonlines"}}, "LOG_LEVEL": "WARNING"})
    process.crawl(Site)
    process.start()
""")


@pytest.mark.parametrize("action", ["tag", "drop"])
def test_scrapy_pipeline_in_a_real_crawl(tmp_path: Path, action: str) -> None:
    pytest.importorskip("scrapy", reason="Scrapy does not install here")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html><body><a href="news.html">News</a> <a href="promo.html">Promo</a> '
                                     '<a href="missing.html">Gone</a></body></html>')
    (site / "news.html").write_text(
        "<html><body><nav><a href='index.html'>Home</a></nav><article><h1>Council approves budget</h1>"
        + "".join(f"<p>{line}</p>" for line in NEWS.splitlines()[1:3]) + "</article></body></html>")
    (site / "promo.html").write_text(
        "<html><body><article><p>Sponsored content: this article is paid for by the Coast Tourism Board.</p>"
        f"<h1>Ten reasons to visit the coast</h1><p>{PROMO.splitlines()[1]}</p></article></body></html>")
    (tmp_path / "spider.py").write_text(SPIDER)
    out = tmp_path / "items.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    res = subprocess.run([sys.executable, "spider.py", (site / "index.html").as_uri(), action, str(out)],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    items = {Path(d["url"]).name: d for d in map(json.loads, out.read_text().splitlines())}
    assert "news.html" in items and items["news.html"]["detector_label"] == "editorial"
    assert "council voted on Tuesday" in items["news.html"]["clean_text"]
    if action == "tag":
        promo = items["promo.html"]
        assert promo["detector_label"] == "sponsored" and "Sponsored content" not in promo["clean_text"]
        assert promo["detector_spans"][0]["label"] == "sponsored"
    else:
        assert "promo.html" not in items and "Dropped: sponsored page" in res.stderr


# -- Dolma -----------------------------------------------------------------------------------------------

def _dolma_command() -> list[str] | None:
    """The ``dolma`` command of an environment that has both dolma and this detector: ``DETECTOR_DOLMA_PYTHON``
    names its interpreter (.ci/run builds one: dolma pins numpy<2, so it gets an environment of its own)."""
    python = os.environ.get("DETECTOR_DOLMA_PYTHON")
    if python:
        return [str(Path(python).parent / "dolma")]
    try:
        import dolma  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "dolma.cli.__main__"]


@pytest.mark.skipif(_dolma_command() is None, reason="dolma is not installed here; it pins numpy<2, so it needs an "
                    "environment of its own: set DETECTOR_DOLMA_PYTHON to its python (.ci/run makes one)")
def test_dolma_tagger_and_mixer(tmp_path: Path, det: Detector) -> None:
    dolma = _dolma_command()
    assert dolma is not None
    docs = tmp_path / "documents"
    docs.mkdir()
    rows = [{"id": "news", "text": NEWS, "source": "test"}, {"id": "promo", "text": PROMO, "source": "test"},
            {"id": "aff", "text": AFFILIATE, "source": "test"}, {"id": "empty", "text": "", "source": "test"}]
    with gzip.open(docs / "docs.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    tag = subprocess.run(dolma + ["tag", "--documents", str(docs / "*.jsonl.gz"), "--experiment", "ads",
                                  "--taggers", "detector_v1", "--tagger_modules", "detector.pipelines.dolma",
                                  "--processes", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert tag.returncode == 0, tag.stderr[-2000:]
    attrs = {d["id"]: d["attributes"] for d in
             map(json.loads, gzip.open(tmp_path / "attributes" / "ads" / "docs.jsonl.gz", "rt", encoding="utf-8"))}
    for r in rows[:3]:
        c = clean_document(det, r["text"])
        a = attrs[r["id"]]
        assert a["ads__detector_v1__page"] == [[0, len(r["text"]), c.score]]
        for label in CUT_LABELS:
            assert a[f"ads__detector_v1__{label}"] == [[s.start, s.end, s.score] for s in c.spans if s.label == label]
    assert attrs["empty"]["ads__detector_v1__error"] == [[0, 0, 1.0]]

    threshold = det.threshold
    spans = "\n".join(f'      - {{span: "$.attributes.ads__detector_v1__{lab}", min_score: 0.5, replacement: ""}}'
                      for lab in CUT_LABELS)
    (tmp_path / "mixer.yaml").write_text(textwrap.dedent(f"""\
        streams:
          - name: clean
            documents: [{docs}/*.jsonl.gz]
            attributes: [ads]
            output: {{path: {tmp_path / "clean"}, max_size_in_bytes: 1000000000}}
            filter:
              exclude: ["$.attributes[?(@.ads__detector_v1__page && @.ads__detector_v1__page[0][2] >= {threshold})]"]
            span_replacement:
        """) + spans + "\nprocesses: 1\n")
    mix = subprocess.run(dolma + ["-c", str(tmp_path / "mixer.yaml"), "mix"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600)
    assert mix.returncode == 0, mix.stderr[-2000:]
    out = {d["id"]: d["text"] for f in (tmp_path / "clean").glob("*.gz")
           for d in map(json.loads, gzip.open(f, "rt", encoding="utf-8"))}
    assert set(out) == {"news", "aff", "empty"}  # the sponsored page is dropped
    assert out["aff"].strip() == clean_document(det, AFFILIATE).text
    assert "council voted on Tuesday" in out["news"] and "Subscribe to our newsletter" not in out["news"]
