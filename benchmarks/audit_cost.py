"""What ``detector audit`` costs over ``detector batch`` on the same pages.

    python benchmarks/audit_cost.py                       # realdev's and data/'s pages, -j 2
    python benchmarks/audit_cost.py crawl/ -j 8 --repeat 3

Both commands run in a child process on the same inputs (by default the page folders of
../shared/realdev and data/, about 11,900 pages), alternately, ``--repeat`` times each; the table gives
the median wall time of each, the audit's cost over the batch, and the size of the records each writes
(the audit keeps the editorial blocks of the sponsored pages, which its placement reads).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUTS = [ROOT.parent / "shared" / "realdev" / "pages", ROOT / "data" / "pages"]


def run(args: list[str]) -> float:
    """Wall seconds of ``python -m detector.cli ARGS`` (a failure stops the benchmark)."""
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "detector.cli", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if res.returncode not in (0, 1):  # 1: some pages had errors, as a crawl has
        raise SystemExit(f"detector {args[0]} failed ({res.returncode}): {res.stderr.strip()[-500:]}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", type=Path, help="Folders or files of pages (default: realdev and data/).")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args()
    inputs = [str(p) for p in (opts.inputs or [p for p in DEFAULT_INPUTS if p.is_dir()])]
    if not inputs:
        raise SystemExit("no inputs: give folders of pages")
    times: dict[str, list[float]] = {"batch": [], "audit": []}
    with tempfile.TemporaryDirectory() as tmp:
        batch_out, audit_out = Path(tmp) / "batch.jsonl", Path(tmp) / "audit"
        for _ in range(opts.repeat):
            times["batch"].append(run(["batch", *inputs, "-o", str(batch_out), "-j", str(opts.jobs), "-q", "--force"]))
            times["audit"].append(run(["audit", *inputs, "-o", str(audit_out), "-j", str(opts.jobs), "-q", "--force"]))
        with open(batch_out, "rb") as fh:
            pages = sum(1 for _ in fh)
        sizes = {"batch": batch_out.stat().st_size, "audit": (audit_out / "records.jsonl").stat().st_size}
    batch, audit = statistics.median(times["batch"]), statistics.median(times["audit"])
    print(f"{pages} pages, -j {opts.jobs}, median of {opts.repeat} runs each\n")
    print("| command | seconds (median) | every run | pages/s | records (MB) |")
    print("|---|---:|---|---:|---:|")
    for name, sec in (("detector batch", batch), ("detector audit", audit)):
        runs = ", ".join(f"{t:.1f}" for t in times[name.split()[1]])
        print(f"| {name} | {sec:.1f} | {runs} | {pages / sec:.0f} | {sizes[name.split()[1]] / 1e6:.0f} |")
    print(f"\naudit over batch: {100 * (audit / batch - 1):+.1f} %")


if __name__ == "__main__":
    main()
