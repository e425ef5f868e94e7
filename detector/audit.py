"""``detector audit``: which sites publish paid content, whether they label it, how clearly, and where.

Built on batch records that keep the editorial blocks of the sponsored pages (the audit's own run writes
them with ``BatchOptions(all_blocks=SPONSORED_PAGES)``; a ``detector batch --all-blocks`` output serves too):

- per page (``pages.parquet``): its site (the registered domain of its URL, else of its id), score and
  label, whether it holds an affiliate note or a disclaimer, and for a sponsored page its notice: the
  wording (the sponsored blocks' texts), the placement of the first (``before`` the main text,
  ``inside`` it or ``after`` it), the share of the main text above it, and the clarity of the wording
  (its best-labelled words: a "Paid content" label over the headline and a notice at the end count
  together);
- per site (``sites.csv``): pages, sponsored pages, affiliate and disclaimer pages, and the sponsored
  pages by placement and by clarity;
- ``audit.html``: one self-contained file for people, the site table (sortable), placement and clarity
  by site, and each sponsored page with its notice highlighted.

Placement: the main text is the page's editorial blocks. A notice with at most PLACEMENT_EDGE (10 %) of
the main text's characters above it is ``before`` (a label above or just under the headline), one with
at least 1 − PLACEMENT_EDGE above it ``after`` (a notice at the end of the story), else ``inside``.

Clarity: the notice's wording against the per-language tables in ``detector/clarity/*.toml`` (terms
readers understand as advertising, and terms that may leave them unsure, each table citing its
regulation), the table of the page's language first (guessed from its main text), then English's:
``clear`` when the first table with a term in the notice has a clear one there, ``ambiguous`` when it
has an ambiguous one, else ``unlabelled`` (a notice in other words, or a page the model scores sponsored
without any notice block).
"""

from __future__ import annotations

import csv
import html
import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .lab.corpus import site_of

__all__ = ["PageAudit", "audit_record", "clarity", "guess_language", "site_rows", "write_audit", "read_records",
           "PLACEMENT_EDGE"]

PLACEMENT_EDGE = 0.10
NOTICE_JOIN = " | "  # between the texts of a page's notice blocks
CLARITY_DIR = Path(__file__).with_name("clarity")
CLASSES = ("clear", "ambiguous", "unlabelled")
PLACES = ("before", "inside", "after")


# -- clarity ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Table:
    language: str
    regulation: dict[str, str]  # class -> "rule (sources)"
    patterns: dict[str, re.Pattern | None]  # class -> the terms, longest first


@lru_cache(maxsize=1)
def clarity_tables() -> tuple[_Table, ...]:
    """The per-language tables of ``detector/clarity/``, in language order."""
    tables = []
    for path in sorted(CLARITY_DIR.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        titles = {s["id"]: s.get("title", s["id"]) for s in data.get("sources", [])}
        regulation, patterns = {}, {}
        for cls in ("clear", "ambiguous"):
            part = data.get(cls, {})
            terms = sorted({t.strip().lower() for t in part.get("terms", []) if t.strip()}, key=len, reverse=True)
            patterns[cls] = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)",
                                       re.I) if terms else None
            cited = "; ".join(titles.get(s, s) for s in part.get("sources", []))
            regulation[cls] = f"{part.get('rule', '')} ({cited})" if cited else part.get("rule", "")
        tables.append(_Table(data.get("language", path.stem), regulation, patterns))
    return tuple(tables)


def clarity(notice: str | None, language: str | None = None) -> tuple[str, str | None, str | None, str | None]:
    """(class, the term found, the table's language, the regulation the class follows) of a notice's wording.

    The table of the page's ``language`` is read first, then English's (labels in English turn up on pages
    of every language), then the others; the first table with a term in the notice decides: a clear term
    of it, else an ambiguous one (the longest where several match).
    """
    if not notice:
        return "unlabelled", None, None, None
    tables = sorted(clarity_tables(), key=lambda t: (t.language != language, t.language != "en", t.language))
    for t in tables:
        for cls in ("clear", "ambiguous"):
            pat = t.patterns.get(cls)
            found = pat.findall(notice) if pat is not None else []
            if found:
                return cls, max(found, key=len).lower(), t.language, t.regulation[cls]
    return "unlabelled", None, None, None


_STOPWORDS = {
    "en": "the and of to is in that for with it was on are this be have from by not".split(),
    "de": "der die und das ist nicht mit den von zu sich auf ein eine für auch dem des im".split(),
    "fr": "le la les et des est une pour dans que qui pas sur du au avec ce il sont".split(),
    "es": "el la los las y que de en es por para una con del se no lo su al".split(),
    "it": "il la di che e è per una con non sono della del gli le nel alla un".split(),
    "nl": "de het een van en is dat op niet met voor zijn te die ook er aan".split(),
}
_WORD = re.compile(r"\w+")


def guess_language(text: str) -> str | None:
    """The page's language among the clarity tables' six, by its commonest words (None below 5 hits)."""
    counts = Counter(w.lower() for w in _WORD.findall(text[:5000]))
    best = max(_STOPWORDS, key=lambda lang: sum(counts[w] for w in _STOPWORDS[lang]))
    return best if sum(counts[w] for w in _STOPWORDS[best]) >= 5 else None


# -- pages -----------------------------------------------------------------------------------------------

@dataclass
class PageAudit:
    id: str
    url: str | None
    site: str
    score: float | None
    label: str | None
    error: str | None
    affiliate: bool = False
    disclaimer: bool = False
    notice: str | None = None  # the texts of the sponsored blocks, in page order, joined by " | "
    notice_start: int | None = None  # where the first one is
    notice_end: int | None = None
    placement: str | None = None  # before | inside | after (sponsored pages with a notice)
    above_share: float | None = None  # share of the main text's characters above the notice
    clarity: str | None = None  # clear | ambiguous | unlabelled (sponsored pages)
    term: str | None = None
    language: str | None = None  # the page's language, guessed from its main text (None: not one of six)
    table: str | None = None  # the language of the clarity table whose term decided
    regulation: str | None = None


def _site(rec: dict[str, Any]) -> str:
    url = rec.get("url") or ""
    ident = str(rec.get("path") or rec.get("id") or "")
    site = site_of(url) if url else ""
    if not site:
        # an id that is a URL, or a file inside a folder named after its site ("crawl/example.com/a.html")
        site = site_of(ident) or next((p for p in reversed(ident.split("#")[0].split("/")[:-1]) if "." in p), "")
    return site or "(unknown)"


def audit_record(rec: dict[str, Any]) -> PageAudit:
    """A batch record (with ``--all-blocks``: the editorial blocks give the main text) -> its audit."""
    blocks = rec.get("blocks") or []
    pa = PageAudit(id=str(rec.get("path") or rec.get("id") or ""), url=rec.get("url"), site=_site(rec),
                   score=rec.get("score"), label=rec.get("label"), error=rec.get("error"))
    labels = {b.get("label") for b in blocks}
    pa.affiliate, pa.disclaimer = "affiliate" in labels, "disclaimer" in labels
    if pa.label != "sponsored":
        return pa
    pa.language = guess_language(" ".join(b.get("text") or "" for b in blocks if b.get("label") == "editorial"))
    notices = sorted((b for b in blocks if b.get("label") == "sponsored"), key=lambda b: b.get("start") or 0)
    if notices:
        first = notices[0]
        pa.notice = NOTICE_JOIN.join(b.get("text") or "" for b in notices)
        pa.notice_start, pa.notice_end = first.get("start"), first.get("end")
        main = [(b["start"], b["end"]) for b in blocks if b.get("label") == "editorial"]
        total = sum(e - s for s, e in main)
        if total > 0 and pa.notice_start is not None:
            above = sum(min(e, pa.notice_start) - s for s, e in main if s < pa.notice_start)
            pa.above_share = round(above / total, 4)
            pa.placement = ("before" if pa.above_share <= PLACEMENT_EDGE else
                            "after" if pa.above_share >= 1 - PLACEMENT_EDGE else "inside")
    pa.clarity, pa.term, pa.table, pa.regulation = clarity(pa.notice, pa.language)
    return pa


# -- sites -----------------------------------------------------------------------------------------------

SITE_COLUMNS = ("site", "pages", "errors", "sponsored", "affiliate", "disclaimer",
                *(f"sponsored_{p}" for p in PLACES), "sponsored_placement_unknown",
                *(f"sponsored_{c}" for c in CLASSES), "share_sponsored_labelled_before")


def site_rows(pages: Iterable[PageAudit]) -> list[dict[str, Any]]:
    """One row per site, most sponsored pages first."""
    by_site: dict[str, Counter] = defaultdict(Counter)
    for p in pages:
        c = by_site[p.site]
        c["pages"] += 1
        c["errors"] += p.error is not None
        c["affiliate"] += p.affiliate
        c["disclaimer"] += p.disclaimer
        if p.label == "sponsored":
            c["sponsored"] += 1
            c[f"sponsored_{p.placement}" if p.placement else "sponsored_placement_unknown"] += 1
            c[f"sponsored_{p.clarity}"] += 1
            c["labelled_before"] += p.placement == "before" and p.clarity != "unlabelled"
    rows = []
    for site, c in by_site.items():
        row: dict[str, Any] = {k: c.get(k, 0) for k in SITE_COLUMNS if k != "site"}
        row["share_sponsored_labelled_before"] = (round(c["labelled_before"] / c["sponsored"], 4)
                                                  if c["sponsored"] else None)
        rows.append({"site": site, **row})
    rows.sort(key=lambda r: (-r["sponsored"], -r["pages"], r["site"]))
    return rows


# -- reading batch records -------------------------------------------------------------------------------

def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a ``detector batch`` output (JSONL or Parquet); a line that is not a record becomes
    an error record (``path`` FILE#@LINE), so that no page goes missing from the audit."""
    if str(path).endswith(".parquet"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches():
            for rec in batch.to_pylist():
                if isinstance(rec.get("blocks"), str):
                    rec["blocks"] = json.loads(rec["blocks"])
                yield rec
        return
    try:  # orjson, where installed, reads a record three times faster: records with every block are large
        from orjson import loads
    except ImportError:
        loads = json.loads  # type: ignore[assignment]
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = loads(line)
            except ValueError:  # orjson's JSONDecodeError and json's (bad UTF-8 too) are ValueErrors
                rec = None
            if not isinstance(rec, dict) or "score" not in rec:
                yield {"path": f"{path}#@{n}", "score": None, "label": None, "blocks": [],
                       "error": f"line {n} of {path.name} is not a detector record"}
            else:
                yield rec


# -- writing ---------------------------------------------------------------------------------------------

def write_audit(records: Iterable[dict[str, Any]], out: Path) -> tuple[list[PageAudit], list[dict[str, Any]]]:
    """pages.parquet, sites.csv and audit.html in ``out`` from batch records; returns pages and sites."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    pages = [audit_record(r) for r in records]
    sites = site_rows(pages)
    rows = [dict(vars(p)) for p in pages]
    schema = pa.schema([("id", pa.string()), ("url", pa.string()), ("site", pa.string()), ("score", pa.float64()),
                        ("label", pa.string()), ("error", pa.string()), ("affiliate", pa.bool_()),
                        ("disclaimer", pa.bool_()), ("notice", pa.string()), ("notice_start", pa.int64()),
                        ("notice_end", pa.int64()), ("placement", pa.string()), ("above_share", pa.float64()),
                        ("clarity", pa.string()), ("term", pa.string()), ("language", pa.string()),
                        ("table", pa.string()), ("regulation", pa.string())])
    _atomic(out / "pages.parquet", lambda p: pq.write_table(pa.Table.from_pylist(rows, schema=schema), p))

    def write_sites(p: Path) -> None:
        with open(p, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(SITE_COLUMNS))
            w.writeheader()
            w.writerows(sites)

    _atomic(out / "sites.csv", write_sites)
    _atomic(out / "audit.html", lambda p: p.write_text(render_html(pages, sites), encoding="utf-8"))
    return pages, sites


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.part")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# -- the HTML report -------------------------------------------------------------------------------------

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}th:first-child,td:first-child{text-align:left;white-space:nowrap}
.bar{display:flex;height:12px;width:160px;background:#eee}.bar span{display:block;height:12px}
.before,.clear{background:#2e7d32}.inside,.ambiguous{background:#f9a825}.after,.unlabelled{background:#c62828}
.unknown{background:#9e9e9e}.key span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
.page{border:1px solid #ddd;border-radius:4px;padding:8px 12px;margin:10px 0}
.page .meta{color:#555;font-size:12px}mark{background:#ffe082;padding:0 2px}
"""

_SORT = """
document.querySelectorAll('table.sortable th').forEach(function(th, i){th.addEventListener('click', function(){
 var tb=th.closest('table').tBodies[0], rows=Array.from(tb.rows), asc=th.dataset.asc!=='1';
 rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,
  y=b.cells[i].dataset.v||b.cells[i].textContent;
  var nx=parseFloat(x), ny=parseFloat(y); var c=(isNaN(nx)||isNaN(ny))?x.localeCompare(y):nx-ny; return asc?c:-c;});
 rows.forEach(function(r){tb.appendChild(r);}); th.dataset.asc=asc?'1':'0';});});
"""


def _bar(counts: Sequence[tuple[str, int]], title: str) -> str:
    total = sum(n for _, n in counts)
    if not total:
        return "–"
    parts = "".join(f'<span class="{k}" style="width:{100 * n / total:.1f}%" title="{k}: {n}"></span>'
                    for k, n in counts if n)
    return f'<div class="bar" title="{html.escape(title)}">{parts}</div>'


def render_html(pages: Sequence[PageAudit], sites: Sequence[dict[str, Any]], *, max_pages: int = 500) -> str:
    """The audit as one self-contained HTML page (no network, no external file)."""
    esc = html.escape
    sponsored = [p for p in pages if p.label == "sponsored"]
    n_sites = sum(1 for s in sites if s["sponsored"])
    head = ["site", "pages", "sponsored", "affiliate", "disclaimer", "placement", "clarity",
            "labelled before (share)", "after only", "errors"]
    body = []
    for s in sites:
        place = [(p, s[f"sponsored_{p}"]) for p in PLACES] + [("unknown", s["sponsored_placement_unknown"])]
        clar = [(c, s[f"sponsored_{c}"]) for c in CLASSES]
        share = s["share_sponsored_labelled_before"]
        body.append(
            f'<tr><td>{esc(s["site"])}</td><td>{s["pages"]}</td><td>{s["sponsored"]}</td><td>{s["affiliate"]}</td>'
            f'<td>{s["disclaimer"]}</td><td data-v="{s["sponsored_before"]}">{_bar(place, "placement")}</td>'
            f'<td data-v="{s["sponsored_clear"]}">{_bar(clar, "clarity")}</td>'
            f'<td>{"–" if share is None else f"{100 * share:.0f} %"}</td><td>{s["sponsored_after"]}</td>'
            f'<td>{s["errors"]}</td></tr>')
    cards = []
    for p in sorted(sponsored, key=lambda p: (p.placement != "after", p.site, p.id))[:max_pages]:
        notice = esc(p.notice or "")
        if p.term and p.notice:
            notice = re.sub(re.escape(esc(p.term)), lambda m: f"<mark>{m.group(0)}</mark>", notice, count=1,
                            flags=re.I)
        where = p.placement or "no notice block"
        share = "" if p.above_share is None else f", {100 * p.above_share:.0f} % of the text above it"
        web = p.url and re.match(r"https?://", p.url, re.I)  # a link only to the web: no javascript: URL
        link = f'<a href="{esc(p.url or "")}">{esc(p.url or "")}</a>' if web else esc(p.url or p.id)
        cards.append(
            f'<div class="page {esc(p.placement or "unknown")}-page"><div class="meta">{esc(p.site)} · score '
            f'{p.score:.3f} · notice {esc(where)}{share} · <b>{esc(p.clarity or "")}</b>'
            f'{" (" + esc(p.term) + ", " + esc(p.table or "") + ")" if p.term else ""}</div>'
            f'<div>{link}</div><blockquote>{notice or "<i>no notice found on the page</i>"}</blockquote></div>')
    more = f"<p>… and {len(sponsored) - max_pages} more in pages.parquet.</p>" if len(sponsored) > max_pages else ""
    key = ("<p class='key'>placement:<span class='before'></span>before<span class='inside'></span>inside"
           "<span class='after'></span>after<span class='unknown'></span>unknown · clarity:"
           "<span class='clear'></span>clear<span class='ambiguous'></span>ambiguous"
           "<span class='unlabelled'></span>unlabelled</p>")
    after = sum(p.placement == "after" for p in sponsored)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>detector audit</title>"
        f"<style>{_STYLE}</style></head><body><h1>Paid content and its disclosure</h1>"
        f"<p>{len(pages)} pages of {len(sites)} sites; {len(sponsored)} sponsored pages on {n_sites} sites; "
        f"{after} with their notice only after the content.</p>{key}"
        f"<h2>Sites</h2><table class='sortable' id='sites'><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>"
        "<h2>Sponsored pages (notices after the content first)</h2>" + "".join(cards) + more
        + f"<script>{_SORT}</script></body></html>")
