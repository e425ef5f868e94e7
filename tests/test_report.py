"""The evaluation report and its baselines, on a tiny hand-made corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detector import Detector
from detector.cli import main
from detector.lab.baselines import extractor_kept, have_trafilatura, keyword_analysis, keyword_label
from detector.lab.corpus import load_corpus
from detector.lab.report import ahead, collect, confusion, group_metrics
from detector.score import OUTPUT_LABELS
from detector.segment import segment

PROSE_EN = ("The council approved the new cycle lanes on Tuesday after a long debate about parking. Work starts in "
            "spring and should take about four months, the city engineer said.")
PROSE_DE = ("Der Gemeinderat hat am Dienstag den Ausbau der Radwege beschlossen. Die Arbeiten beginnen im Frühjahr "
            "und dauern etwa vier Monate, sagte der Stadtbaumeister.")
PROSE_FR = ("Le conseil municipal a approuvé mardi les nouvelles pistes cyclables. Les travaux commencent au "
            "printemps et dureront environ quatre mois.")
NOTICE_EN = "This article is sponsored content paid for by Acme."
NOTICE_FR = "Cet article est un publireportage réalisé en partenariat avec Acme."
AFFILIATE = "This post contains affiliate links. We may earn a commission if you buy through them."
# (id, lang, source, page, kind, text, spans)
PAGES = [
    ("p1", "en", "site-a", "sponsored", "sponsored", f"Acme Phones Review\n\n{NOTICE_EN}\n\n{PROSE_EN}\n",
     [{"label": "sponsored", "text": NOTICE_EN}]),
    ("p2", "de", "site-b", "editorial", "none", f"Lokale Nachrichten\n\nAnzeige\n\n{PROSE_DE}\n", []),
    ("p3", "en", "site-a", "editorial", "none", f"City news\n\n{PROSE_EN}\n\n{PROSE_EN}\n", []),
    ("p4", "en", "site-a", "editorial", "affiliate", f"Best bikes\n\n{PROSE_EN}\n\n{AFFILIATE}\n",
     [{"label": "affiliate", "text": AFFILIATE}]),
    ("p5", "fr", "site-b", "sponsored", "sponsored", f"Contenu sponsorisé\n\n{NOTICE_FR}\n\n{PROSE_FR}\n",
     [{"label": "sponsored", "text": NOTICE_FR}]),
    ("p6", "en", "site-a", "editorial", "none_lexical_trap",
     f"Security\n\nState-sponsored hackers broke into the city's servers last week.\n\n{PROSE_EN}\n", []),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    (root / "pages").mkdir()
    with open(root / "labels.jsonl", "w", encoding="utf-8") as fh:
        for pid, lang, source, page, kind, text, spans in PAGES:
            (root / "pages" / f"{pid}.txt").write_text(text, encoding="utf-8")
            fh.write(json.dumps({"id": pid, "file": f"pages/{pid}.txt", "lang": lang, "source": source,
                                 "page": page, "kind": kind, "spans": spans}) + "\n")
    return root


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.load()


@pytest.fixture(scope="module")
def data(det, corpus):
    return collect(det, load_corpus(corpus), corpus="tiny")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (NOTICE_EN, "sponsored"),
        ("ANZEIGE", "sponsored"),
        ("Contenido patrocinado por Acme", "sponsored"),
        ("In Zusammenarbeit mit Acme", "editorial"),  # not on the list: the list's blind spot
        (AFFILIATE, "affiliate"),
        ("Disclaimer: this is not financial advice.", "disclaimer"),
        ("State-sponsored hackers struck again.", "sponsored"),  # the list's false alarm
        (PROSE_EN, "editorial"),
    ],
    ids=["notice", "anzeige", "es", "unlisted", "affiliate", "disclaimer", "trap", "prose"],
)
def test_keyword_label_of_one_block(text, label):
    assert keyword_label(text) == label


def test_keyword_page_score_counts_sponsored_blocks(det, corpus):
    page = segment(det.read(corpus / "pages" / "p5.txt"))
    a = keyword_analysis(page)
    assert [b.label for b in a.blocks][:2] == ["sponsored", "sponsored"]
    assert a.score == pytest.approx(2 / 3) and a.label == "sponsored"


def test_keyword_baseline_numbers_on_a_tiny_corpus(data):
    m = data.keyword.metrics
    pg = m["page"]
    assert (pg["tp"], pg["fp"], pg["fn"], pg["tn"]) == (2, 2, 0, 2)  # "Anzeige" and "state-sponsored" fool it
    assert pg["precision"] == 0.5 and pg["recall"] == 1.0 and pg["false_positive_rate"] == 0.5
    assert pg["roc_auc"] == pytest.approx(0.875)  # p1 ties two editorial pages at 1/2
    assert m["spans"]["sponsored"] == {"spans": 2, "found": 2, "share": 1.0}
    assert m["spans"]["affiliate"] == {"spans": 1, "found": 1, "share": 1.0}
    assert m["false_sponsored_blocks"] == {"pages_without_sponsored_notice": 4, "pages_with_sponsored_block": 2,
                                           "share": 0.5}


def test_detector_metrics_match_evaluate(det, corpus, data):
    from detector.lab.evaluate import evaluate

    assert data.result.metrics == evaluate(corpus, det).metrics


def test_confusion_counts_sum_to_the_block_count(det, corpus, data):
    m = confusion(data)
    assert m.shape == (len(OUTPUT_LABELS), len(OUTPUT_LABELS))
    assert m.sum() == sum(len(det.analyze(p.path).blocks) for p in load_corpus(corpus))
    s = OUTPUT_LABELS.index("sponsored")
    assert m[s].sum() >= 2  # both labelled notices are blocks whose truth is sponsored


def test_group_metrics_by_language(data):
    rows = {r["group"]: r for r in group_metrics(data.result.pages, data.threshold, lambda p: p.lang)}
    assert set(rows) == {"en", "de", "fr"}
    assert rows["en"]["pages"] == 4 and rows["en"]["sponsored"] == 1
    assert rows["fr"]["sponsored_found"].endswith("/1")


def test_extractor_kept_finds_disclosures_in_main_text():
    spans = [{"label": "sponsored", "text": NOTICE_EN}, {"label": "affiliate", "text": AFFILIATE},
             {"label": "other", "text": "x"}]
    kept = extractor_kept(f"{PROSE_EN}\n{NOTICE_EN.upper()}", spans)
    assert kept == [{"label": "sponsored", "kept": True}, {"label": "affiliate", "kept": False}]


@pytest.mark.skipif(not have_trafilatura(), reason="trafilatura is not installed")
def test_the_trafilatura_baseline_is_measured_when_installed(data):
    assert data.extractor_note is None
    assert all(r.extractor is not None for r in data.records)
    assert any("trafilatura's main text keeps" in line for line in ahead(data))


def test_the_trafilatura_baseline_is_skipped_with_a_note_when_absent(det, corpus, monkeypatch):
    monkeypatch.setattr("detector.lab.report.have_trafilatura", lambda: False)
    d = collect(det, load_corpus(corpus)[:2])
    assert "trafilatura is not installed" in d.extractor_note
    assert all(r.extractor is None for r in d.records)
    assert d.extractor_note in ahead(d)


def test_report_files_exist_and_the_html_embeds_its_images(data, tmp_path):
    pytest.importorskip("matplotlib")
    from detector.lab.report import write_report

    paths = write_report(data, tmp_path / "rep")
    for name in ("pr_curve", "reliability", "confusion", "by_language", "by_source"):
        assert paths[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    doc = paths["html"].read_text(encoding="utf-8")
    assert doc.count('src="data:image/png;base64,') == 5
    assert "http://" not in doc and "https://" not in doc and "<script" not in doc
    assert "How far ahead of the baselines" in doc and "for the keyword list" in doc
    assert "Editorial pages scored above the threshold (false alarms)" in doc
    assert "This corpus marks no boilerplate" in doc  # the tiny corpus has no boilerplate marks
    summary = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert summary["keyword_baseline"]["page"]["precision"] == 0.5
    assert sum(map(sum, summary["confusion"]["rows_truth_cols_detector"])) == int(confusion(data).sum())
    assert {r["group"] for r in summary["by_source"]} == {"site-a", "site-b"}


def test_evaluate_report_option_writes_the_report(corpus, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "cli-report"
    result = CliRunner().invoke(main, ["evaluate", str(corpus), "--report", str(out), "--mistakes", "0",
                                       "--no-baselines"])
    assert result.exit_code == 0, result.output
    assert "page level (6 pages, 2 sponsored)" in result.stdout
    assert "report written to" in result.stderr
    doc = (out / "report.html").read_text(encoding="utf-8")
    assert "baselines were not asked for" in doc and doc.count("data:image/png;base64,") == 5
