"""What each pipeline adapter costs over ``detector batch`` on the same documents, in one process.

    python benchmarks/adapters.py                 # 2,000 documents
    python benchmarks/adapters.py -n 500 --repeat 3

Documents: the visible text of labelled pages (../shared/realdev, else data/; one paragraph a line, as
extracted corpora hold text), written once to a JSONL table with ``id`` and ``text`` columns. Each tool
then scores every document, in this process's children or in this process, one worker each:

  detector batch    ``detector batch docs.jsonl -o out.jsonl -j 1 -q`` (records only, nothing cut)
  detector clean    ``detector clean docs.jsonl -o out.jsonl -j 1``: the same rows with the text cut
  datatrove         a LocalPipelineExecutor, tasks=1: JsonlReader, SponsoredFilter, DisclosureCutter,
                    JsonlWriter (the cutter reuses the filter's scores); "datatrove alone": the reader
                    and writer without the detector's steps (what datatrove costs without us)
  datasets          ``detect(Dataset.from_json(...), clean=True)``, one process, written to JSONL;
                    "datasets alone": the same with a map that only counts characters
  scrapy            ``DetectorPipeline.process_item`` on every document as an item (tag, clean field)

A tool whose library is not installed is skipped with a note. Each tool runs on all the documents and on
the first 20; the difference of the two wall times (medians of ``--repeat`` runs), over the difference
of the counts, is its cost per document, without its start-up (importing its library, loading the
model), which a pipeline pays once per worker. Reported: wall seconds, start-up, milliseconds and
documents per second, the cost per document over ``detector batch``, and for datatrove and datasets
the same less what the library costs alone (its reader, writer and map cache): the adapter's own cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT.parent / "shared" / "realdev", ROOT / "data"]
SMALL = 20  # documents of the short run, whose time is the tool's start-up


def documents(n: int) -> list[str]:
    """The visible text of up to ``n`` labelled pages (every k-th page), repeated when there are fewer."""
    from detector.io import read_input
    from detector.lab.corpus import load_corpus
    from detector.segment import segment

    pages = next((load_corpus(c) for c in CORPORA if (c / "labels.jsonl").is_file()), [])
    if not pages:
        raise SystemExit("no labelled corpus found")
    step = max(1, len(pages) // n)
    texts: list[str] = []
    for p in pages[::step]:
        try:
            page = segment(read_input(str(p.path)))
        except Exception:  # noqa: BLE001 - an unreadable page is not a document
            continue
        text = "\n".join(b.text for b in page.blocks)
        if text.strip():
            texts.append(text)
    return [texts[i % len(texts)] for i in range(n)]


def python(*args: str) -> Callable[[], None]:
    """A run of ``python ARGS`` in a child process, output discarded."""
    return lambda: subprocess.run([sys.executable, *args], check=False, capture_output=True) and None


def tools(src: Path, tmp: Path) -> dict[str, Callable[[], None] | str]:
    """Each tool's run over ``src``, or why it is skipped (its library is not installed)."""
    datatrove = ("from datatrove.executor import LocalPipelineExecutor\n"
                 "from datatrove.pipeline.readers import JsonlReader\n"
                 "from datatrove.pipeline.writers import JsonlWriter\n"
                 "from detector.pipelines.datatrove import SponsoredFilter, DisclosureCutter\n"
                 f"LocalPipelineExecutor(pipeline=[JsonlReader({str(src.parent)!r}, glob_pattern={src.name!r}),"
                 " {steps} JsonlWriter(" + repr(str(tmp / "dt-out")) + ")], tasks=1, logging_dir="
                 + repr(str(tmp / "dt-logs")) + ", skip_completed=False).run()\n")
    datasets = ("import datasets\nfrom detector.pipelines.hf import detect\n"
                "datasets.disable_progress_bars()\ndatasets.disable_caching()\n"
                f"ds = datasets.Dataset.from_json({str(src)!r}, cache_dir={str(tmp / 'hf-cache')!r})\n"
                "{step}.to_json(" + repr(str(tmp / "hf.jsonl")) + ")\n")
    scrapy = ("import json\nfrom detector.pipelines.scrapy import DetectorPipeline\n"
              "p = DetectorPipeline('text', kind='text', clean_field='clean_text')\np.open_spider()\n"
              f"with open({str(src)!r}) as fh, open({str(tmp / 'sc.jsonl')!r}, 'w') as out:\n"
              "    for line in fh:\n"
              "        out.write(json.dumps(p.process_item(json.loads(line))) + '\\n')\n")
    removed = repr(str(tmp / "dt-removed"))
    programs = {
        "datatrove": {
            "datatrove": datatrove.replace("{steps}", f"SponsoredFilter(exclusion_writer=JsonlWriter({removed})), "
                                                      "DisclosureCutter(),"),
            "datatrove alone": datatrove.replace("{steps}", ""),
        },
        "datasets": {
            "datasets": datasets.replace("{step}", "detect(ds, clean=True, batch_size=64)"),
            "datasets alone": datasets.replace(
                "{step}", "ds.map(lambda b: {'n': [len(t) for t in b['text']]}, batched=True, batch_size=64)"),
        },
        "scrapy": {"scrapy": scrapy},
    }
    extras = {"datatrove": "datatrove", "datasets": "hf", "scrapy": "scrapy"}
    out: dict[str, Callable[[], None] | str] = {
        name: python("-m", "detector.cli", name.split()[1], str(src), "-o", str(tmp / f"{name[9]}.jsonl"), "-j", "1",
                     "-q", "--force")
        for name in ("detector batch", "detector clean")
    }
    for library, runs in programs.items():
        try:
            __import__(library)
        except ImportError:
            out[library] = f"{library} is not installed (pip install 'detector[{extras[library]}]')"
            continue
        out.update({name: python("-c", code) for name, code in runs.items()})
    return out


def write_docs(path: Path, docs: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for i, t in enumerate(docs):
            fh.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="documents")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each tool, taken in turn (median reported)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        docs = documents(args.n)
        big, small = tmp / "big" / "docs.jsonl", tmp / "small" / "docs.jsonl"
        write_docs(big, docs)
        write_docs(small, docs[:SMALL])
        runs = {"big": tools(big, tmp / "out-big"), "small": tools(small, tmp / "out-small")}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for size, todo in runs.items():
                for name, fn in todo.items():
                    if callable(fn):
                        (tmp / f"out-{size}").mkdir(exist_ok=True)
                        t0 = time.perf_counter()
                        fn()
                        times.setdefault((name, size), []).append(time.perf_counter() - t0)
        words = sum(len(t.split()) for t in docs)
        print(f"{args.n} documents ({words // args.n} words each on average); one process each; median of "
              f"{args.repeat} run(s); {os.cpu_count()} cores on this machine. Per document: (time on {args.n} "
              f"- time on {SMALL}) / {args.n - SMALL}, which leaves out start-up (imports, model loading)\n")
        print("| tool | seconds | start-up, s | ms per document | documents/s | per document over `detector batch` "
              "| the same, less the library's own work |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        per = {}
        for name in runs["big"]:
            if (name, "big") in times:
                t_big, t_small = statistics.median(times[name, "big"]), statistics.median(times[name, "small"])
                per[name] = (t_big, (t_big - t_small) / (args.n - SMALL))
        base = per["detector batch"][1]
        for name, fn in runs["big"].items():
            if not callable(fn):
                print(f"| {name} | – | – | – | – | skipped: {fn} |")
                continue
            t, each = per[name]
            startup = t - each * args.n
            alone = name.endswith(" alone") or name == "detector batch"
            over = "–" if alone else f"{100 * (each - base) / base:+.1f} %"
            own = per.get(f"{name} alone")
            less = f"{100 * (each - own[1] - base) / base:+.1f} %" if own and not alone else "–"
            print(f"| {name} | {t:.1f} | {startup:.1f} | {1000 * each:.2f} | {1 / each:.0f} | {over} | {less} |")


if __name__ == "__main__":
    main()
