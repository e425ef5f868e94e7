"""lxml (libxml2) + _fastwalk against lexbor + _lexwalk: time per page, and how the segmentations differ.

    python benchmarks/compare_parsers.py time -n 300 --repeats 7    # parse / walk / both, ms per page
    python benchmarks/compare_parsers.py diff                       # every HTML page: which blocks differ
    python benchmarks/compare_parsers.py diff --examples 3          # ... and a few differing blocks, on stdout

Pages come from ../shared/realdev (never copied anywhere; --examples prints short pieces of them to the
terminal only), or the folder given with --pages. Times are CPU time (time.process_time), the minimum
over interleaved repeats in random order. Needs detector/_lexwalk built (python setup.py build_ext --inplace).
"""

from __future__ import annotations

import argparse
import collections
import difflib
import gc
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detector import _lexwalk  # noqa: E402
from detector import segment as S  # noqa: E402
from detector.io import read_input  # noqa: E402

REALDEV = ROOT.parent / "shared" / "realdev" / "pages"


def html_pages(folder: Path, n: int | None) -> list[tuple[str, str]]:
    out = []
    for f in sorted(folder.iterdir()):
        if ".htm" not in f.name:
            continue
        raw = read_input(f)
        if raw.kind == "html":
            out.append((f.name, raw.text))
            if n and len(out) == n:
                break
    return out


def cmd_time(pages: list[tuple[str, str]], repeats: int) -> None:
    texts = [t for _, t in pages]
    datas = [t.encode("utf-8") for t in texts]
    roots = [S._parse_html(t) for t in texts]

    def lxml_parse():
        for t in texts:
            S._parse_html(t)

    def lxml_walk():
        for r in roots:
            S._walk(r, 2000)

    def lxml_segment_html():
        S.PARSER = "lxml"
        for t in texts:
            S.segment_html(t)

    def lexbor_encode():
        for t in texts:
            t.encode("utf-8")

    def lexbor_parse():
        for d in datas:
            _lexwalk.parse_only(d)

    def lexbor_parse_walk():
        for d in datas:
            _lexwalk.parse_only(d)
            _lexwalk.walk_parsed(2000)

    def lexbor_segment_html():
        S.PARSER = "lexbor"
        for t in texts:
            S.segment_html(t)

    fns = [lxml_parse, lxml_walk, lxml_segment_html, lexbor_encode, lexbor_parse, lexbor_parse_walk,
           lexbor_segment_html]
    best = {f.__name__: float("inf") for f in fns}
    for f in fns:
        f()
    rng = random.Random(0)
    for _ in range(repeats):
        order = fns[:]
        rng.shuffle(order)
        for f in order:
            gc.collect()
            t0 = time.process_time()
            f()
            best[f.__name__] = min(best[f.__name__], time.process_time() - t0)
    n = len(texts)
    print(f"{n} pages, {sum(map(len, datas)) / n / 1024:.1f} KiB of UTF-8 each; CPU ms/page, min of {repeats}")
    for k, v in best.items():
        print(f"  {k:22s} {v / n * 1000:7.3f}")
    print(f"  {'lexbor_walk (by diff)':22s} {(best['lexbor_parse_walk'] - best['lexbor_parse']) / n * 1000:7.3f}")


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def cmd_diff(pages: list[tuple[str, str]], examples: int) -> None:
    fields = ("tag", "path", "depth", "link_chars", "heading")
    count = collections.Counter()
    hunks = collections.Counter()
    pages_with = collections.Counter()
    block_fields = collections.Counter()
    shown = collections.Counter()
    n_blocks = [0, 0]
    for name, text in pages:
        S.PARSER = "lxml"
        a = [(b.text, b.tag, b.path, b.depth, b.link_chars, b.heading) for b in S.segment_html(text)]
        S.PARSER = "lexbor"
        b = [(x.text, x.tag, x.path, x.depth, x.link_chars, x.heading) for x in S.segment_html(text)]
        n_blocks[0] += len(a)
        n_blocks[1] += len(b)
        ta, tb = [x[0] for x in a], [x[0] for x in b]
        count["pages"] += 1
        count["identical (every field)"] += a == b
        count["same text, tag, path"] += [x[:3] for x in a] == [x[:3] for x in b]
        count["same block texts"] += ta == tb
        if ta == tb:
            for x, y in zip(a, b):
                for i, f in enumerate(fields, 1):
                    block_fields[f] += x[i] != y[i]
            continue
        kinds = set()
        ja, jb = " ".join(ta), " ".join(tb)
        ca, cb = collections.Counter(ta), collections.Counter(tb)
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            A, B = ta[i1:i2], tb[j1:j2]
            if op == "replace" and " ".join(A) == " ".join(B):
                k = "split/merged"
            elif op == "replace" and _nows(" ".join(A)) == _nows(" ".join(B)):
                k = "split/merged at no white space"
            elif all(ca[x] and cb[x] for x in A + B):
                k = "moved"
            elif all(x in jb for x in A) and all(x in ja for x in B):
                k = "moved and re-split"
            elif [x for x in A if x not in jb] and [x for x in B if x not in ja]:
                k = "text differs"
            elif [x for x in A if x not in jb]:
                k = "text in lxml only"
            else:
                k = "text in lexbor only"
            kinds.add(k)
            hunks[k] += 1
            if shown[k] < examples:
                shown[k] += 1
                print(f"[{k}] {name}\n    lxml:   {[x[:100] for x in A[:3]]}\n    lexbor: {[x[:100] for x in B[:3]]}")
        for k in kinds:
            pages_with[k] += 1
    print(f"\n{count['pages']} HTML pages; blocks: lxml {n_blocks[0]}, lexbor {n_blocks[1]}")
    for k in ("identical (every field)", "same text, tag, path", "same block texts"):
        print(f"  {k:28s} {count[k]:6d} ({count[k] / count['pages']:.1%})")
    print("pages whose block texts differ, by kind of difference (a page can have several):")
    for k, v in pages_with.most_common():
        print(f"  {k:34s} {v:5d} pages, {hunks[k]:5d} places")
    print("on pages with the same block texts, blocks whose other fields differ:")
    for k, v in block_fields.most_common():
        print(f"  {k:12s} {v:7d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["time", "diff"])
    ap.add_argument("--pages", type=Path, default=REALDEV if REALDEV.exists() else ROOT / "data" / "pages")
    ap.add_argument("-n", type=int, default=None, help="first N HTML pages (default: 300 for time, all for diff)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--examples", type=int, default=0)
    args = ap.parse_args()
    if args.what == "time":
        cmd_time(html_pages(args.pages, args.n or 300), args.repeats)
    else:
        cmd_diff(html_pages(args.pages, args.n), args.examples)


if __name__ == "__main__":
    main()
