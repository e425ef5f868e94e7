"""This working tree against a git revision, in interleaved runs: does a change make scoring faster?

    python benchmarks/compare_speed.py --ref df9bff8                 # 600 pages in one process, 8 rounds
    python benchmarks/compare_speed.py --ref df9bff8 --batch 1,2 -n 1000 --rounds 5   # detector batch too

On a shared machine the speed of the same code moves by 10-15% from one minute to the next, more than
most changes gain; a comparison made of two separate sets of runs measures the host. Here the two trees
take turns (ABBA order), so both meet the same hours, and the table gives each one's best and median.

* The revision's ``detector`` package and ``setup.py`` are extracted (``git archive``) into a temporary
  folder and its C extensions built there, as this tree's are (``python setup.py build_ext --inplace``);
  each run imports one tree or the other through ``PYTHONPATH``, byte code compiled first.
* ``scoring``: one process reads the pages, scores 100 of them to warm up, then scores all of them three
  times (the garbage collector tuned as in a batch); the best pass's CPU time counts. This is the work
  per page alone: no start, no writing.
* ``--batch J``: ``detector batch PAGES -j J`` end to end on a folder of links to the pages, its CPU time
  (the process tree's) and wall time.

Pages: the HTML pages of ../shared/realdev (``*.html.gz``, in name order), or data/pages without it
(``throughput.source_pages``).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from throughput import make_inputs, run_batch, source_pages  # noqa: E402 (after the path to it)

SCORING = r"""
import sys, time
from detector.batch import get_detector, tune_gc
from detector.io import read_input
files = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
det = get_detector(None)
raws = [read_input(f) for f in files]
for r in raws[:100]:
    det.score(r)
tune_gc()
best = float("inf")
for _ in range(3):
    t = time.process_time()
    for r in raws:
        det.score(r)
    best = min(best, time.process_time() - t)
print(best)
"""


def extract(rev: str, dest: Path) -> Path:
    """The revision's package and setup.py in ``dest``, its extensions built; returns ``dest``."""
    blob = subprocess.run(["git", "archive", rev, "detector", "setup.py", "pyproject.toml", "README.md"], cwd=ROOT,
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(dest, filter="data")
    built = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=dest, capture_output=True,
                           text=True)
    if built.returncode != 0 or not list((dest / "detector").glob("_fasthash*.so")):
        sys.exit(f"cannot build the extensions of {rev}:\n{built.stderr[-2000:]}")
    return dest


def run_scoring(tree: Path, listing: Path) -> float:
    out = subprocess.run([sys.executable, "-c", SCORING, str(listing)], cwd=tree, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    if out.returncode != 0:
        sys.exit(f"scoring failed in {tree}:\n{out.stderr[-2000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", required=True, help="the git revision to compare with (e.g. the commit before a change)")
    ap.add_argument("-n", type=int, default=600, help="pages (default 600)")
    ap.add_argument("--rounds", type=int, default=8, help="runs of each tree (default 8)")
    ap.add_argument("--batch", default="", help="also detector batch with these -j values, e.g. 1,2")
    ap.add_argument("--no-scoring", action="store_true", help="only the detector batch runs")
    args = ap.parse_args()
    files = source_pages(None)[:args.n]
    jobs = [int(j) for j in args.batch.split(",") if j]
    with tempfile.TemporaryDirectory(prefix="detector-speed-") as tmp:
        tmp = Path(tmp)
        listing = tmp / "pages.txt"
        listing.write_text("".join(f"{f}\n" for f in files), encoding="utf-8")
        folder = make_inputs(files, len(files), tmp / "pages")
        trees = {"ref": extract(args.ref, tmp / "ref"), "this": ROOT}
        for tree in trees.values():
            compileall.compile_dir(str(tree / "detector"), quiet=1)
        kinds = ([] if args.no_scoring else ["scoring"]) + [f"batch -j {j}" for j in jobs]
        got: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for r in range(args.rounds):
            order = list(trees) if r % 2 == 0 else list(trees)[::-1]
            for kind in kinds:
                for name in order:
                    if kind == "scoring":
                        cpu, wall = run_scoring(trees[name], listing), float("nan")
                    else:
                        m = run_batch(folder, int(kind.split()[-1]), tmp / f"{name}.jsonl", tree=trees[name])
                        if m["rc"] not in (0, 1):  # 1: some inputs failed (realdev has a page with no text)
                            sys.exit(f"detector batch failed in {trees[name]} (exit {m['rc']})")
                        cpu, wall = m["cpu"], m["wall"]
                    got.setdefault((kind, name), []).append((cpu, wall))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    print(f"{len(files)} pages from {files[0].parent}; {args.rounds} runs of each, interleaved; "
          f"ref = {args.ref}, this = the working tree")
    print(f"{'run':24} {'tree':5} {'CPU s best':>11} {'median':>8} {'pages/s/core':>13} {'wall s median':>14}")
    for kind in kinds:
        for name in trees:
            v = got[(kind, name)]
            cpus = [c for c, _ in v]
            walls = [w for _, w in v]
            wall = statistics.median(walls) if kind != "scoring" else float("nan")
            print(f"{kind:24} {name:5} {min(cpus):11.3f} {statistics.median(cpus):8.3f} "
                  f"{len(files) / statistics.median(cpus):13.1f} {wall:14.3f}")
        a, b = got[(kind, "ref")], got[(kind, "this")]
        ratio = statistics.median(c for c, _ in b) / statistics.median(c for c, _ in a)
        best = min(c for c, _ in b) / min(c for c, _ in a)
        print(f"{kind:24} this / ref CPU: best {best:.3f}, median {ratio:.3f}")
    print("scoring: CPU time of the best of three passes over the pages in one warm process (no start, no "
          "writing); batch: the whole process tree's CPU time, start included")


if __name__ == "__main__":
    main()
