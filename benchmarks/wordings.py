"""Which notice wordings the model finds: each wording of a list is set in pages of our own articles, and
the script reports, per language and kind, the share found with the right label (and, for sponsored
wordings, the share of pages scored sponsored; for traps, the share left alone).

    python benchmarks/wordings.py WORDINGS.jsonl
    python benchmarks/wordings.py WORDINGS.jsonl --model DIR --misses

WORDINGS.jsonl holds one wording a line: {"lang": "de", "kind": "sponsored", "text": "…", "form": "label"}
with kind sponsored, affiliate, disclaimer or trap (an editorial sentence that uses disclosure words in
another sense: no sponsored block, page editorial) and form label (a kicker: set above the headline),
headline (set in front of the title) or sentence (set right under the title, then after the story). Keep
a list of real sites' wordings outside the repository: their texts belong to their publishers.

Each wording is set in an article of ``data/source/articles/<lang>.jsonl`` (English for other languages),
in an HTML page (a menu, the article, a footer) and in plain text with one paragraph a line. A wording
counts as found on a page when a block that holds it (or that it holds) carries its kind's label. This
measures wording alone, in one layout of ours: a screen for missing phrasings, not a figure for unseen
sites (``detector crossval`` gives those).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detector import Detector  # noqa: E402

ARTICLES = ROOT / "data" / "source" / "articles"
KINDS = ("sponsored", "affiliate", "disclaimer", "trap")


def paragraphs(article: dict) -> list[tuple[str, str]]:
    out = [("p", article["standfirst"])] if article.get("standfirst") else []
    for section in article["sections"]:
        if section.get("heading"):
            out.append(("h2", section["heading"]))
        out += [("p", p) for p in section["paragraphs"]]
    return out


def html_page(article: dict, notice: str, where: str) -> str:
    title = f"{notice} {article['title']}" if where == "headline" else article["title"]
    parts = ["<html><head><title>Page</title></head><body>",
             "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About</a></nav><article>"]
    if where == "above":
        parts.append(f"<p class='kicker'>{html.escape(notice)}</p>")
    parts.append(f"<h1>{html.escape(title)}</h1>")
    if where == "top":
        parts.append(f"<p><em>{html.escape(notice)}</em></p>")
    parts += [f"<{tag}>{html.escape(text)}</{tag}>" for tag, text in paragraphs(article)]
    if where == "bottom":
        parts.append(f"<p><em>{html.escape(notice)}</em></p>")
    parts.append("</article><footer><p>© 2026 Example Media. All rights reserved.</p></footer></body></html>")
    return "".join(parts)


def text_page(article: dict, notice: str, where: str) -> str:
    lines = [notice] if where == "above" else []
    lines.append(f"{notice} {article['title']}" if where == "headline" else article["title"])
    if where == "top":
        lines.append(notice)
    lines += [text for _, text in paragraphs(article)]
    if where == "bottom":
        lines.append(notice)
    return "\n".join(lines) + "\n"


def places(form: str) -> tuple[str, ...]:
    return {"label": ("above",), "headline": ("headline",)}.get(form, ("top", "bottom"))


def holds(block: str, notice: str) -> bool:
    b, n = block.casefold(), notice.casefold()
    return n in b or (len(b) >= 8 and b in n)


def run(wordings: list[dict], det: Detector, seed: int = 0) -> tuple[dict, list[tuple]]:
    """Counts per (lang, kind): pages, found, flagged (page sponsored), left alone (traps); and the misses."""
    articles = {p.stem: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
                for p in sorted(ARTICLES.glob("*.jsonl"))}
    rng = random.Random(seed)
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    misses = []
    for w in wordings:
        kind, lang, notice = w["kind"], w["lang"], " ".join(w["text"].split())
        if kind not in KINDS:
            raise SystemExit(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
        article = rng.choice(articles.get(lang) or articles["en"])
        for fmt, make, name in (("html", html_page, "page.html"), ("text", text_page, "page.txt")):
            for where in places(w.get("form", "sentence")):
                a = det.analyze(make(article, notice, where), name=name)
                labels = {b.label for b in a.blocks if holds(b.text, notice)}
                c = counts[(lang, kind)]
                c["pages"] += 1
                if kind == "trap":
                    ok = a.label != "sponsored" and "sponsored" not in labels
                    c["alone"] += ok
                else:
                    found = kind in labels
                    c["found"] += found
                    c["flagged"] += a.label == "sponsored"
                    ok = found and (kind != "sponsored" or a.label == "sponsored")
                if not ok:
                    misses.append((lang, kind, fmt, where, round(a.score or 0.0, 3), sorted(labels), notice))
    return counts, misses


def table(counts: dict) -> str:
    def share(n: int, d: int) -> str:
        return f"{n / d:.2f}" if d else "–"

    rows = ["| language | kind | pages | found | page sponsored | trap left alone |", "|---|---|---:|---:|---:|---:|"]
    total: dict[str, Counter] = defaultdict(Counter)
    for (lang, kind), c in sorted(counts.items()):
        total[kind].update(c)
        rows.append(_row(lang, kind, c, share))
    rows += [_row("**all**", kind, total[kind], share) for kind in KINDS if kind in total]
    return "\n".join(rows)


def _row(lang: str, kind: str, c: Counter, share) -> str:
    trap = kind == "trap"
    return (f"| {lang} | {kind} | {c['pages']} | {'–' if trap else share(c['found'], c['pages'])} | "
            f"{share(c['flagged'], c['pages']) if kind == 'sponsored' else '–'} | "
            f"{share(c['alone'], c['pages']) if trap else '–'} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wordings", type=Path, help="JSONL: lang, kind, text, form")
    ap.add_argument("--model", type=Path, help="a model folder (loaded with trust=True); default: the shipped one")
    ap.add_argument("--misses", action="store_true", help="also list every page where a wording was missed")
    args = ap.parse_args()
    wordings = [json.loads(x) for x in args.wordings.read_text(encoding="utf-8").splitlines() if x.strip()]
    det = Detector.load(args.model, trust=True) if args.model else Detector.load()
    counts, misses = run(wordings, det)
    print(table(counts))
    if args.misses:
        print()
        for m in misses:
            print(" | ".join(map(str, m)))


if __name__ == "__main__":
    main()
