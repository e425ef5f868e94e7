"""detector audit: per page and per site, whether paid content is labelled, how clearly and where."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from detector.audit import PLACEMENT_EDGE, audit_record, clarity, clarity_tables, site_rows

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REALDEV = Path(__file__).resolve().parents[2] / "shared" / "realdev"
DATA = Path(__file__).resolve().parents[1] / "data"

STORY = ("<p>The coast is lovely in spring, with long walks along the cliffs, fresh seafood in the harbour "
         "towns and quiet beaches for families who want to get away from the city for a weekend.</p>"
         "<p>Most visitors arrive by train; the line along the shore stops in every village, and bicycles "
         "can be hired at each station for a few euros a day.</p>")


def _page(notice: str, where: str, title: str = "Ten reasons to visit the coast") -> str:
    body = f"<h1>{title}</h1>{STORY}"
    if where == "before":
        body = f"<p>{notice}</p>" + body
    elif where == "after":
        body = body + f"<p>{notice}</p>"
    return f"<!doctype html><html><body><article>{body}</article></body></html>"


def test_clarity_tables_load_in_six_languages_with_sources() -> None:
    tables = {t.language: t for t in clarity_tables()}
    assert set(tables) == {"en", "de", "fr", "es", "it", "nl"}
    for t in tables.values():
        assert t.patterns["clear"] is not None and t.patterns["ambiguous"] is not None
        assert all(t.regulation[c] for c in ("clear", "ambiguous"))


@pytest.mark.parametrize("notice, language, cls, term", [
    ("Paid advertisement", "en", "clear", "paid advertisement"),
    ("ANZEIGE", "de", "clear", "anzeige"),
    ("Publicité", "fr", "clear", "publicité"),
    ("Sponsored by Acme Corp", "en", "ambiguous", "sponsored by"),
    ("Sponsored by Acme Corp", None, "ambiguous", "sponsored by"),  # English first when the language is unknown
    ("Sponsored by Acme Corp", "it", "clear", "sponsored by"),  # the Italian code accepts it
    ("Sponsored content", "de", "ambiguous", "sponsored"),  # an English label on a German page
    ("Paid post", "en", "ambiguous", "paid post"),
    ("Presented by the Coast Tourism Board", "en", "ambiguous", "presented by"),
    ("Information publicitaire", "fr", "clear", "information publicitaire"),
    ("[Articolo a pagamento]", "it", "clear", "articolo a pagamento"),
    ("Dieser Text ist ein gesponserter Beitrag.", "de", "ambiguous", "gesponserter beitrag"),  # inflected
    ("Entstanden in bezahlter Kooperation mit Acme.", "de", "ambiguous", "bezahlter kooperation"),
    ("Thanks to our friends at Acme", "en", "unlabelled", None),
    (None, "en", "unlabelled", None),
])
def test_clarity_classes(notice: str | None, language: str | None, cls: str, term: str | None) -> None:
    got, found, table, regulation = clarity(notice, language)
    assert (got, found) == (cls, term)
    assert (regulation is None) == (cls == "unlabelled") and (table is None) == (cls == "unlabelled")


def test_language_guess() -> None:
    from detector.audit import guess_language

    assert guess_language("The council voted on the budget and the mayor said that it is fair to all.") == "en"
    assert guess_language("Der Rat hat den Haushalt beschlossen, und die Bürgermeisterin sagt, das ist nicht zu teuer.") == "de"
    assert guess_language("Le conseil a voté le budget et la maire dit que les impôts ne sont pas en hausse.") == "fr"
    assert guess_language("ok") is None


def _rec(blocks: list[tuple[str, int, int, str]], label: str = "sponsored", url: str = "https://www.a.example/x") -> dict:
    return {"path": "x", "url": url, "score": 0.99 if label == "sponsored" else 0.01, "label": label, "error": None,
            "blocks": [{"index": i, "label": lab, "score": 0.9, "text": t, "start": s, "end": e}
                       for i, (lab, s, e, t) in enumerate(blocks)]}


def test_placement_from_the_share_of_main_text_above_the_notice() -> None:
    before = audit_record(_rec([("sponsored", 0, 20, "Advertisement"), ("editorial", 21, 1000, "story")]))
    assert before.placement == "before" and before.above_share == 0 and before.clarity == "clear"
    under_headline = audit_record(_rec([("editorial", 0, 50, "h"), ("sponsored", 51, 80, "Advertisement"),
                                        ("editorial", 81, 1000, "story")]))
    assert under_headline.placement == "before" and under_headline.above_share <= PLACEMENT_EDGE
    inside = audit_record(_rec([("editorial", 0, 500, "a"), ("sponsored", 501, 530, "Sponsored by X"),
                                ("editorial", 531, 1000, "b")]))
    assert inside.placement == "inside" and inside.clarity == "ambiguous"
    after = audit_record(_rec([("editorial", 0, 1000, "a"), ("sponsored", 1001, 1100, "Paid post"),
                               ("boilerplate", 1101, 1120, "Share")]))
    assert after.placement == "after" and after.above_share == 1.0
    none = audit_record(_rec([("editorial", 0, 1000, "a")]))
    assert none.placement is None and none.clarity == "unlabelled" and none.notice is None
    editorial = audit_record(_rec([("editorial", 0, 100, "a"), ("affiliate", 101, 150, "We may earn")],
                                  label="editorial"))
    assert editorial.placement is None and editorial.clarity is None and editorial.affiliate
    assert editorial.site == "a.example"
    sites = site_rows([before, inside, after, none, editorial])
    assert sites == [{"site": "a.example", "pages": 5, "errors": 0, "sponsored": 4, "affiliate": 1, "disclaimer": 0,
                      "sponsored_before": 1, "sponsored_inside": 1, "sponsored_after": 1,
                      "sponsored_placement_unknown": 1, "sponsored_clear": 1, "sponsored_ambiguous": 2,
                      "sponsored_unlabelled": 1, "share_sponsored_labelled_before": 0.25}]


def test_audit_command_end_to_end(tmp_path: Path) -> None:
    rows = [
        {"url": "https://www.coast-news.example/a", "html": _page(
            "Advertisement: this article was paid for by the Coast Tourism Board.", "before")},
        {"url": "https://www.coast-news.example/b", "html": _page(
            "This article is sponsored content, paid for by the Coast Tourism Board.", "after")},
        {"url": "https://blog.other.example/c", "html": _page("", "none", "Council approves budget")},
        {"url": "https://blog.other.example/d", "html": ""},
    ]
    table = tmp_path / "pages.jsonl"
    table.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "audit"
    res = subprocess.run([sys.executable, "-m", "detector.cli", "audit", str(table), "-o", str(out), "-j", "1", "-q"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    import pandas as pd

    pages = pd.read_parquet(out / "pages.parquet")
    assert len(pages) == 4 and list(pages["url"]) == [r["url"] for r in rows]
    by_url = pages.set_index("url")
    a, b = by_url.loc[rows[0]["url"]], by_url.loc[rows[1]["url"]]
    assert a["label"] == "sponsored" and a["placement"] == "before" and a["clarity"] == "clear"
    assert b["label"] == "sponsored" and b["placement"] == "after"
    assert by_url.loc[rows[2]["url"]]["label"] == "editorial"
    assert by_url.loc[rows[3]["url"]]["error"]  # an empty page is an error row, not a gap
    with open(out / "sites.csv", encoding="utf-8") as fh:
        sites = {r["site"]: r for r in csv.DictReader(fh)}
    assert sites["coast-news.example"]["sponsored"] == "2" and sites["coast-news.example"]["sponsored_after"] == "1"
    assert sites["other.example"]["pages"] == "2" and sites["other.example"]["errors"] == "1"
    doc = (out / "audit.html").read_text(encoding="utf-8")
    assert "coast-news.example" in doc and "<mark>Advertisement</mark>" in doc
    assert "http" not in re.sub(r'href="[^"]*"|>https?://[^<]*<', "", doc)  # self-contained: nothing fetched
    # the audit's records keep the main text's blocks of the sponsored pages only (placement needs them)
    recs = {r["url"]: r for r in map(json.loads, (out / "records.jsonl").read_text(encoding="utf-8").splitlines())}
    assert {b["label"] for b in recs[rows[0]["url"]]["blocks"]} >= {"sponsored", "editorial"}
    assert not any(b["label"] == "editorial" for b in recs[rows[2]["url"]]["blocks"])

    again = subprocess.run([sys.executable, "-m", "detector.cli", "audit", "-o", str(tmp_path / "again"),
                            "--records", str(out / "records.jsonl"), "-q"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert pd.read_parquet(tmp_path / "again" / "pages.parquet").equals(pages)


def test_records_keep_the_main_text_of_sponsored_pages_only() -> None:
    """The audit's batch (``all_blocks=SPONSORED_PAGES``) writes every block of a sponsored page and the
    usual record of any other page, as a dict (Dask) and as a JSON line (local workers) alike."""
    from detector import Detector
    from detector.batch.items import Item
    from detector.batch.worker import SPONSORED_PAGES, score_item, score_item_line

    det = Detector.load()
    paid = Item(id="a", data=_page("Advertisement: this article was paid for by the Coast Tourism Board.",
                                   "before").encode(), kind="html")
    plain = Item(id="b", data=_page("", "none", "Council approves budget").encode(), kind="html")
    for item, editorial_blocks in ((paid, True), (plain, False)):
        rec = score_item(det, item, all_blocks=SPONSORED_PAGES)
        assert any(b["label"] == "editorial" for b in rec["blocks"]) is editorial_blocks
        assert json.loads(score_item_line(det, item, all_blocks=SPONSORED_PAGES).text) == rec
        assert rec == score_item(det, item, all_blocks=editorial_blocks)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_audit_report_renders_in_chromium(tmp_path: Path) -> None:
    from detector.audit import render_html

    recs = [_rec([("sponsored", 0, 20, "Advertisement"), ("editorial", 21, 1000, "story")],
                 url=f"https://s{i % 3}.example/{i}") for i in range(6)]
    recs += [_rec([("editorial", 0, 1000, "a"), ("sponsored", 1001, 1100, "Sponsored by X")], url="https://late.example/1")]
    pages = [audit_record(r) for r in recs]
    page = tmp_path / "audit.html"
    page.write_text(render_html(pages, site_rows(pages)).replace(
        "</body>", "<script>document.querySelector('#sites th').click();document.body.insertAdjacentHTML('beforeend',"
        "'<pre id=probe>'+Array.from(document.querySelectorAll('#sites tbody tr')).map(r=>r.cells[0].textContent)"
        ".join(',')+'|'+document.querySelectorAll('mark').length+'</pre>');</script></body>"), encoding="utf-8")
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=90)
    m = re.search(r"<pre id=\"probe\">(.*?)\|(\d+)</pre>", done.stdout)
    assert m, done.stderr[-2000:]
    assert m.group(1).split(",") == sorted(m.group(1).split(","))  # the site column sorts on a click
    assert int(m.group(2)) == 7  # every notice's term highlighted


def test_report_escapes_what_pages_hold() -> None:
    from detector.audit import render_html

    rec = _rec([("sponsored", 0, 40, "<script>alert(1)</script> Advertisement"), ("editorial", 41, 1000, "a")],
               url="javascript:alert(2)")
    doc = render_html([audit_record(rec)], site_rows([audit_record(rec)]))
    assert "<script>alert(1)" not in doc and "&lt;script&gt;alert(1)" in doc
    assert 'href="javascript:' not in doc


def _span_finder(text: str):
    """Where a labelled span is in the page's ``text``, white space ignored: spans are cut from a text whose
    elements were joined without a separator (LABELS.md), the page's text joins its blocks with one."""
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[i] for i in kept)

    def find(span: str) -> tuple[int, int] | None:
        needle = "".join(span.split())
        k = squeezed.find(needle) if needle else -1
        return (kept[k], kept[k + len(needle) - 1] + 1) if k >= 0 else None

    return find


def _agreement(corpus: Path) -> tuple[int, int]:
    """Sponsored pages (by their labels) that the model also labels sponsored, and of those, how many get the
    same placement and clarity from the model's notice as from the labelled notice."""
    from detector import Detector
    from detector.lab.corpus import load_corpus

    det = Detector.load()
    n = agree = 0
    for lp in load_corpus(corpus):
        if lp.page != "sponsored":
            continue
        a = det.analyze(str(lp.path))
        if a.error or a.label != "sponsored":
            continue
        labelled = [s.get("text", "") for s in lp.spans if s.get("label") == "sponsored"]
        find = _span_finder(a.text)
        where = sorted(w for w in (find(t) for t in labelled if t) if w is not None)
        if not where:
            continue
        rec = a.record(all_blocks=True)
        spans = [{"label": "sponsored", "text": a.text[s:e], "start": s, "end": e} for s, e in where]
        truth = audit_record({**rec, "blocks": [b for b in rec["blocks"] if b["label"] == "editorial"] + spans})
        got = audit_record(rec)
        n += 1
        agree += (got.placement, got.clarity) == (truth.placement, truth.clarity)
    return n, agree


@pytest.mark.slow
def test_placement_and_clarity_agree_with_the_labels() -> None:
    """On the sponsored pages of data/ (and realdev, where it is here) that the shipped model also flags
    (in-sample: the model trained on both), the audit of the model's notices agrees with the audit of
    the labelled notices. Measured: data 698/726, realdev 112/114, pooled 96.4 % (the gate: 95 %)."""
    n = agree = 0
    for corpus in (DATA, REALDEV):
        if (corpus / "labels.jsonl").is_file():
            m, a = _agreement(corpus)
            assert m >= 50 and a / m >= 0.93, f"{corpus.name}: {a}/{m}"
            n, agree = n + m, agree + a
    assert agree / n >= 0.95, f"{agree}/{n}"
