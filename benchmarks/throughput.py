"""Throughput and memory of `detector batch`, with trafilatura.extract on the same pages for comparison.

    python benchmarks/throughput.py                        # every realdev HTML page (1,882); memory at 1,000
    python benchmarks/throughput.py -n 2000 --memory 1000,100000 --jobs 1,2
    python benchmarks/throughput.py --no-trafilatura --memory '' --repeat 5   # a shared machine: medians
    python benchmarks/throughput.py -n 1000 --warc      # the same pages in one WARC.gz too, as a crawl has them

Pages are realdev's HTML pages (../shared/realdev/pages/*.html.gz; data/pages without it), repeated as
needed: a temporary folder of symbolic links to them holds the N inputs. For each ``-j`` it runs

    detector batch FOLDER -o OUT.jsonl -j J -q

and reports wall time, pages/s, CPU seconds of the whole process tree, pages/s per core (pages per CPU
second), and peak memory: the largest resident set of any one process and the peak sum over the
process tree (sampled every 0.1 s). trafilatura.extract runs in one process over the same files (read,
gunzip, decode as UTF-8, extract) for comparison; install it with ``pip install trafilatura`` (or
``pip install -e ".[report]"``, which holds it); it is skipped when missing. ``--memory`` runs
``detector batch -j 2`` on each count of pages and reports its peak memory (100,000 pages take about
3 minutes on 2 free cores). ``--repeat R`` runs the -j values R times, in turn, and ends with each one's
spread and median of wall times and of pages/s per core, and the ratio of the first -j's wall time to the
others' (for a shared machine, whose speed drifts: a median of runs taken in turn is what to compare).
``--warc`` writes the N pages into one WARC.gz (an HTTP response record per page, each a gzip member) and
runs ``detector batch`` over it with each -j: the batch's own process then reads and inflates the records
and hands their bytes to the workers. ``-n`` defaults to the number of distinct pages found (all of
realdev's HTML pages, each once).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALDEV = ROOT.parent / "shared" / "realdev" / "pages"
FALLBACK = ROOT / "data" / "pages"
PAGE = os.sysconf("SC_PAGE_SIZE")
RESCAN = 10  # samples between two full scans of /proc (~1.1 ms of CPU each; the others ~0.1 ms)


def source_pages(folder: Path | None) -> list[Path]:
    for d in ([folder] if folder else [REALDEV, FALLBACK]):
        if d and d.is_dir():
            files = sorted(d.glob("*.html.gz")) or sorted(d.glob("*.html"))
            if files:
                return files
    raise SystemExit("no HTML pages found")


def make_inputs(pages: list[Path], count: int, folder: Path) -> Path:
    """A folder of ``count`` symbolic links to ``pages``, repeated in order, 1,000 per sub-folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        src = pages[i % len(pages)]
        sub = folder / f"{i // 1000:04d}"
        if i % 1000 == 0:
            sub.mkdir(exist_ok=True)
        suffix = "".join(src.suffixes[-2:]) if src.name.endswith(".gz") else src.suffix
        os.symlink(src.resolve(), sub / f"p{i:07d}{suffix}")
    return folder


def make_warc(pages: list[Path], count: int, path: Path) -> Path:
    """A WARC.gz of ``count`` HTTP response records (one gzip member each, as crawlers write them) holding
    ``pages`` inflated, repeated in order: what a crawl hands to ``detector batch``."""
    import gzip
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(count):
            src = pages[i % len(pages)]
            body = src.read_bytes()
            if src.name.endswith(".gz"):
                body = gzip.decompress(body)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://example.org/page/{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
    return path


def _tree_pids(root_pid: int, newer_only: bool = False) -> list[int]:
    """A process and all its descendants (Linux /proc: every process's parent read). ``newer_only``: only
    the processes whose pid is above the root's (those it started, unless pids wrapped round): a tenth of
    the cost."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or (newer_only and int(entry) < root_pid):
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _rss(pids: list[int]) -> int:
    """Resident bytes of these processes (those that have ended count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_measured(cmd: list[str], **kw) -> dict:
    """Run ``cmd``; wall and CPU seconds of its tree, peak tree RSS (sampled) and max single RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, **kw)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # The tree's processes found every 0.1 s among those started after it, and among all once a
        # second (pids may wrap round): the sampler takes ~0.2% of a core instead of ~1.4%, which a -j 2
        # run on two busy cores would otherwise lose.
        n = 0
        while not done.is_set():
            peak[0] = max(peak[0], _rss(_tree_pids(proc.pid, newer_only=n % RESCAN != 0)))
            n += 1
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "max_rss": usage.ru_maxrss * 1024,
        "peak_tree_rss": peak[0],
        "rc": proc.returncode,
    }


def run_batch(folder: Path, jobs: int, out: Path, tree: Path = ROOT) -> dict:
    """``detector batch`` of the package in ``tree`` (this working tree by default), measured."""
    cmd = [sys.executable, "-m", "detector.cli", "batch", str(folder), "-o", str(out), "-j", str(jobs), "-q",
           "--force"]
    r = run_measured(cmd, cwd=tree, stdout=subprocess.DEVNULL)
    with open(out, "rb") as fh:
        r["records"] = sum(1 for _ in fh)
    return r


TRAFILATURA = textwrap.dedent(
    """
    import gzip, os, sys, time
    import trafilatura
    files = [line.rstrip("\\n") for line in open(sys.argv[1], encoding="utf-8")]
    t0 = time.process_time()
    n = 0
    for f in files:
        raw = open(f, "rb").read()
        if f.endswith(".gz"):
            raw = gzip.decompress(raw)
        text = trafilatura.extract(raw.decode("utf-8", "replace"))
        n += 1
    print(n, time.process_time() - t0)
    """
)


def run_trafilatura(folder: Path, tmp: Path) -> dict | None:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return None
    listing = tmp / "trafilatura-files.txt"
    files = sorted(str(p) for p in folder.rglob("p*"))
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    script = tmp / "trafilatura_run.py"
    script.write_text(TRAFILATURA, encoding="utf-8")
    r = run_measured([sys.executable, str(script), str(listing)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    r["records"] = len(files)
    return r


def fmt_row(name: str, n: int, r: dict, cores: int) -> str:
    return (f"{name:<28} {n:>8} {r['wall']:8.1f} {n / r['wall']:8.1f} {r['cpu']:8.1f} {n / r['cpu']:9.1f} "
            f"{r['max_rss'] / 2**20:9.0f} {r['peak_tree_rss'] / 2**20:10.0f}  {cores}")


HEADER = (f"{'run':<28} {'pages':>8} {'wall s':>8} {'pages/s':>8} {'cpu s':>8} {'pages/s/core':>9} "
          f"{'max RSS MiB':>9} {'tree MiB':>10}  cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=None,
                    help="pages for the throughput runs (default: each distinct page once, 1,882 on realdev)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated -j values (default 1,2)")
    ap.add_argument("--memory", default="1000", help="comma-separated page counts for the memory runs "
                    "(default 1000; e.g. 1000,100000)")
    ap.add_argument("--memory-jobs", type=int, default=2, help="-j of the memory runs (default 2)")
    ap.add_argument("--pages-dir", type=Path, default=None)
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each -j, in turn (default 1)")
    ap.add_argument("--warc", action="store_true", help="the same pages in one WARC.gz file too: "
                    "detector batch over it with each -j, as over a crawl's archive")
    args = ap.parse_args()

    pages = source_pages(args.pages_dir)
    if args.n is None:
        args.n = len(pages)
    # The package's bytecode, as an installed package has it (pip compiles it): with PYTHONDONTWRITEBYTECODE
    # set, an editable install would otherwise compile every module again in every process it starts.
    compileall.compile_dir(str(ROOT / "detector"), quiet=1)
    print(f"{len(pages)} distinct pages from {pages[0].parent}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="detector-throughput-") as tmp_name:
        tmp = Path(tmp_name)
        folder = make_inputs(pages, args.n, tmp / f"in{args.n}")
        print(HEADER)
        jobs = [int(x) for x in args.jobs.split(",") if x]
        walls: dict[int, list[float]] = {j: [] for j in jobs}
        per_core: dict[int, list[float]] = {j: [] for j in jobs}
        for _ in range(max(1, args.repeat)):
            for j in jobs:
                r = run_batch(folder, j, tmp / f"out-j{j}.jsonl")
                walls[j].append(r["wall"])
                per_core[j].append(r["records"] / r["cpu"])
                print(fmt_row(f"detector batch -j {j}", r["records"], r, j), flush=True)
        if args.repeat > 1:
            for j in jobs:
                w, c = sorted(walls[j]), sorted(per_core[j])
                print(f"-j {j}: wall s {' '.join(f'{x:.2f}' for x in w)} (median {statistics.median(w):.2f}); "
                      f"pages/s/core {' '.join(f'{x:.0f}' for x in c)} (median {statistics.median(c):.0f})")
            first = jobs[0]
            for j in jobs[1:]:
                per_run = " ".join(f"{a / b:.2f}" for a, b in zip(walls[first], walls[j]))
                print(f"-j {first} / -j {j} wall: per run {per_run}; median/median "
                      f"{statistics.median(walls[first]) / statistics.median(walls[j]):.2f}; "
                      f"min/min {min(walls[first]) / min(walls[j]):.2f}")
        if args.warc:
            warc = make_warc(pages, args.n, tmp / f"pages-{args.n}.warc.gz")
            for j in jobs:
                r = run_batch(warc, j, tmp / f"warc-j{j}.jsonl")
                print(fmt_row(f"detector batch -j {j} (WARC)", r["records"], r, j), flush=True)
        if not args.no_trafilatura:
            r = run_trafilatura(folder, tmp)
            if r is None:
                print("trafilatura not installed: pip install trafilatura", flush=True)
            else:
                print(fmt_row("trafilatura.extract", r["records"], r, 1), flush=True)
        for count in (int(x) for x in args.memory.split(",") if x):
            mem_folder = folder if count == args.n else make_inputs(pages, count, tmp / f"in{count}")
            r = run_batch(mem_folder, args.memory_jobs, tmp / f"mem-{count}.jsonl")
            print(fmt_row(f"memory: batch -j {args.memory_jobs}", r["records"], r, args.memory_jobs), flush=True)
            if mem_folder is not folder:
                subprocess.run(["rm", "-rf", str(mem_folder)], check=False)
    print("pages/s/core = pages per CPU second of the whole process tree; tree MiB = peak of the summed "
          "resident memory of the batch process and its workers (sampled every 0.1 s)")


if __name__ == "__main__":
    main()
