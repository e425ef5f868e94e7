"""Time and peak memory of scoring hostile pages: parser bombs, huge blocks, endless lines, and more.

    python benchmarks/hostile.py                 # every kind, a table in Markdown
    python benchmarks/hostile.py -k svg -k table # only the kinds whose name holds one of these words
    python benchmarks/hostile.py --list

Each kind of page is made here (a few MB each) and scored in a fresh process: the process loads the
shipped model and scores a small page first, then scores the hostile page once. The table gives its size,
the seconds it took, the peak resident memory above the process that had loaded the model (``ru_maxrss``
after minus before), both per MB of the page (decompressed; a page under 1 MB counts as 1 MB), and what
the record says (its error, or the number of blocks). The bound a page should keep: 2 s and 50 MB per MB,
or an error within the time budget (``--max-seconds``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20
WORDS = "the allotment committee met again on tuesday to talk about water and the long dry summer ahead".split()
SENTENCE = " ".join(WORDS).capitalize() + "."


def _html(body: str) -> bytes:
    return f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>".encode()


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


# name -> (file name, the page's bytes)
KINDS: dict[str, Callable[[], tuple[str, bytes]]] = {
    "one element with 200,000 attributes": lambda: (
        "a.html", _html("<div " + " ".join(f"a{i}=x" for i in range(200_000)) + f">{SENTENCE}</div>")),
    "30,000 unclosed formatting elements": lambda: (
        "a.html", _html("<p>" + "<b><i><u>" * 10_000 + SENTENCE * 10 + "</p>")),
    "50,000 misnested links": lambda: ("a.html", _html("<p>" + "<a href=#><b>x</a></b>" * 50_000 + "</p>")),
    "20,000 nested tables": lambda: ("a.html", _html("<table><tr><td>" * 20_000 + SENTENCE)),
    "a million entities": lambda: ("a.html", _html("<p>" + "&amp;&#233;&eacute;" * 333_334 + "</p>")),
    "300,000 comments": lambda: ("a.html", _html(f"<p>{SENTENCE}</p>" + "<!-- c -->" * 300_000)),
    "a 4 MB attribute value": lambda: ("a.html", _html(f'<div title="{"x" * 4 * MB}">{SENTENCE}</div>')),
    "300,000 tiny paragraphs": lambda: ("a.html", _html("<p>Hi.</p>" * 300_000)),
    "100,000 list items": lambda: ("a.html", _html("<ul>" + "<li><a href=/x>Home</a></li>" * 100_000 + "</ul>")),
    "200,000 headings": lambda: ("a.html", _html("<h2>News</h2>" * 200_000)),
    "100,000 paragraphs of 50 class words": lambda: (
        "a.html", _html((
            '<p class="header footer nav menu sidebar widget comment share social related cookie newsletter '
            'subscribe login search logo byline author meta breadcrumb tags copyright banner hero title '
            'headline kicker lead teaser promo ad card list content article post entry body main caption '
            'footnote toolbar pagination navbar dropdown submenu sharing follow trending popular account '
            f'sitemap skip">{SENTENCE}</p>') * 10_000)),
    "HTML nested 100,000 deep": lambda: ("a.html", _html("<div>" * 100_000 + SENTENCE)),
    "200,000 nested inline spans": lambda: ("a.html", _html("<p>" + "<span>w " * 200_000 + "</p>")),
    "100,000 <br> in one paragraph": lambda: ("a.html", _html("<p>" + "word<br>" * 100_000 + "</p>")),
    "50,000 cells in one table row": lambda: ("a.html", _html("<table><tr>" + "<td>cell</td>" * 50_000 + "</tr></table>")),
    "100,000 inline SVGs with text": lambda: (
        "a.html", _html(f"<p>{SENTENCE}</p>" + "<svg><text>label</text><text>2024</text></svg>" * 100_000)),
    "200,000 unclosed <svg>": lambda: ("a.html", _html(f"<p>{SENTENCE}</p>" + "<svg><text>" * 200_000)),
    "3 MB of text in hidden wrappers": lambda: ("a.html", _html("<div hidden>" + f"<p>{SENTENCE}</p>" * 30_000 + "</div>")),
    "3 MB of text only in <noscript>": lambda: (
        "a.html", _html("<nav><a href=/>Home</a></nav><noscript>" + f"<p>{SENTENCE}</p>" * 30_000 + "</noscript>")),
    "a 5 MB script and one sentence": lambda: ("a.html", _html("<script>" + _fill("var x = '<p>no</p>';", 5 * MB) + f"</script><p>{SENTENCE}</p>")),
    "1 MB of '<'": lambda: ("a.html", b"<" * MB),
    "a 10 MB line of words": lambda: ("a.txt", _fill(SENTENCE + " ", 10 * MB).encode()),
    "a 10 MB word": lambda: ("a.txt", b"x" * (10 * MB)),
    "1,000,000 short lines": lambda: ("a.txt", _fill("Hi there.\n", 10 * MB).encode()),
    "a 5 MB paragraph of short sentences": lambda: ("a.txt", _fill("Yes. No. ", 5 * MB).encode()),
    "5 MB of cue words": lambda: ("a.txt", _fill("Sponsored advertorial affiliate disclaimer anzeige werbung. ", 5 * MB).encode()),
    "5 MB of 'this article is'": lambda: ("a.txt", _fill("this article is this post was ", 5 * MB).encode()),
    "Markdown, 100,000 headings": lambda: ("a.md", _fill("# Heading\n\n", 2 * MB).encode()),
    "Markdown, 100,000 links": lambda: ("a.md", _fill("[link](http://example.org/x) ", 3 * MB).encode()),
    "Markdown, list nested 1,000 deep": lambda: ("a.md", "".join("  " * i + "- item\n" for i in range(1_000)).encode()),
    "UTF-16 page of 3 MB": lambda: ("a.html", _html(f"<p>{SENTENCE} Grüße.</p>" * 30_000).decode().encode("utf-16")),
    "3 MB of stray bytes in UTF-8": lambda: ("a.html", b"<p>" + b"caf\xe9 \xff\xfe \xc3\xa9t\xc3 " * 200_000 + b"</p>"),
    "a gzipped 20 MB page": lambda: ("a.html.gz", gzip.compress(_html(f"<p>{SENTENCE}</p>" * 200_000), 6)),
    "3 MB in <template> and <textarea>": lambda: (
        "a.html", _html("<template>" + f"<p>{SENTENCE}</p>" * 15_000 + "</template><textarea>"
                        + SENTENCE * 15_000 + f"</textarea><p>{SENTENCE}</p>")),
}

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from detector import Detector
    det = Detector.load()
    det.analyze(b"<p>This article is sponsored by Example Bank.</p><p>A story.</p>", name="warm.html")
    data = sys.stdin.buffer.read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    a = det.analyze(data, name=sys.argv[1])
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "mb": (after - before) / 1024, "error": a.error,
                      "blocks": len(a.blocks) if a.error is None else 0}))
""")


def measure(name: str, data: bytes) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, name], input=data, capture_output=True, timeout=900)
    if done.returncode != 0:
        return {"seconds": float("nan"), "mb": float("nan"), "error": f"exit {done.returncode}: "
                f"{done.stderr.decode(errors='replace').strip().splitlines()[-1:]}", "blocks": 0}
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], help="only kinds whose name holds this (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the kinds and stop")
    ap.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = ap.parse_args()
    kinds = [k for k in KINDS if not args.k or any(w.lower() in k.lower() for w in args.k)]
    if args.list:
        print("\n".join(kinds))
        return
    rows = []
    print("| input | MB | s | MB above model | s per MB | MB per MB | result |")
    print("|---|---|---|---|---|---|---|")
    for kind in kinds:
        name, data = KINDS[kind]()
        size = len(gzip.decompress(data) if name.endswith(".gz") else data) / MB  # the page's own size
        r = measure(name, data)
        per = max(size, 1.0)  # per MB of the page, a page under 1 MB counted as 1 MB
        result = r["error"] or f"scored, {r['blocks']} blocks"
        rows.append({"kind": kind, "mb_in": size, **r})
        print(f"| {kind} | {size:.1f} | {r['seconds']:.2f} | {r['mb']:.0f} | {r['seconds'] / per:.2f} | "
              f"{r['mb'] / per:.0f} | {result} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
