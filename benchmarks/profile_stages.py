"""Where the time of scoring a page goes: ms/page per stage, pages/s per core, model load, cold start.

    python benchmarks/profile_stages.py                 # 300 realdev HTML pages (data/pages without ../shared)
    python benchmarks/profile_stages.py -n 600 --repeat 3 --pages-dir DIR --glob '*.html.gz'

Stages (single process, so per core):
  read      read_input: file, gunzip, decode
  segment   segment(): HTML parse, blocks, sentence units
  rows      rows_for_page
  cues      row_cues: the cue words of every row (RE2 prefilter, then the exact patterns)
  features  hashed n-grams times the block classifier's weights, and the softmax (one kernel call
            where the C kernel is built; BlockFeatures.transform and the sparse product otherwise)
  classify  cue gate, page features, page scorer
  assemble  labels, splits, revisions and the JSON record written out
The end-to-end line times ``Detector.analyze`` + ``json.dumps`` alone (no per-stage clocks).

Stage times are CPU seconds of this process (``time.process_time``; ``--clock wall`` for wall time),
which other work on a shared machine disturbs less; pages/s/core is pages per CPU second. Compare old
and new in the same run, repeated: the best of ``--repeat`` runs is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_ROOT = ROOT  # where ``detector`` is imported from (--package-root)

REALDEV = ROOT.parent / "shared" / "realdev" / "pages"
FALLBACK = ROOT / "data" / "pages"


def find_pages(folder: Path | None, pattern: str, n: int) -> list[Path]:
    for d in ([folder] if folder else [REALDEV, FALLBACK]):
        if d and d.is_dir():
            files = sorted(d.glob(pattern))
            if files:
                return files[:n]
    raise SystemExit(f"no pages matching {pattern!r} in {folder or [str(REALDEV), str(FALLBACK)]}")


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def stage_times(det, files: list[Path], clock=time.process_time) -> dict[str, float]:
    """Seconds per stage over ``files``, running the same steps as ``Detector.analyze``."""
    from detector import features
    from detector.features import gate_proba, rows_for_page

    try:  # the page features in a module of their own (older trees: in features)
        from detector.pagefeatures import page_features
    except ImportError:
        from detector.features import page_features  # type: ignore[attr-defined,no-redef]
    from detector.io import read_input
    from detector.score import Analysis, Detector, _merge

    try:  # the revisions in a module of their own (trees before it: methods of Detector)
        from detector.revise import revise as revise_table
    except ImportError:
        revise_table = getattr(Detector, "_revise", None)
    from detector.segment import segment

    row_cues = getattr(features, "row_cues", None)  # absent before the cue counts were shared
    clf = det.model.blocks
    classes = det._classes
    t = dict.fromkeys(["read", "segment", "rows", "cues", "features", "classify", "assemble"], 0.0)
    fused = hasattr(clf, "_raw_proba")  # features and the weights product in one kernel call
    sink = io.StringIO()
    for f in files:
        t0 = clock()
        raw = read_input(str(f), limits=det.limits)
        t1 = clock()
        page = segment(raw, det.limits)
        t2 = clock()
        if not page.blocks:
            continue
        rows = rows_for_page(page)
        t3 = clock()
        cues = row_cues(rows) if row_cues is not None else None  # once, for the features and the gate
        t3c = clock()
        if fused:  # as BlockClassifier.predict_proba does now
            raw_proba = clf._raw_proba(rows, cues)
        elif cues is not None:
            raw_proba = clf.predict_proba_matrix(clf.features_._transform(rows, cues))
        else:
            raw_proba = clf.predict_proba_matrix(clf.features_.transform(rows))
        t4 = clock()
        proba = gate_proba(raw_proba, rows, clf.classes_, cues=cues) if cues is not None else gate_proba(
            raw_proba, rows, clf.classes_)
        feats = page_features(proba, rows, classes)
        score = float(det.model.page.predict_proba(feats.reshape(1, -1))[0, 1])
        t5 = clock()
        merged = _merge(proba, classes)
        labels, scores = det._decide(merged)
        out = det._assemble(page, labels, scores, merged, len(page.blocks))
        if revise_table is not None:  # the blocks as a table, the record written from it
            revise_table(out, page.text, score)
            rec = Analysis(path=page.path, score=score, label="", table=out, text=page.text).record()
        else:
            det._revise_headings(out)
            if score < 0.75:  # BARE_LABEL_PAGE_MAX of those trees
                Detector._revise_bare_labels(out)
            rec = {"path": page.path, "score": round(score, 4),
                   "blocks": [b.record() for b in out if b.label != "editorial"]}
        sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
        t6 = clock()
        for k, a, b in (("read", t0, t1), ("segment", t1, t2), ("rows", t2, t3), ("cues", t3, t3c),
                        ("features", t3c, t4), ("classify", t4, t5), ("assemble", t5, t6)):
            t[k] += b - a
    return t


def end_to_end(det, files: list[Path], clock=time.process_time) -> float:
    sink = io.StringIO()
    t0 = clock()
    for f in files:
        sink.write(json.dumps(det.analyze(str(f)).record(), ensure_ascii=False) + "\n")
    return clock() - t0


def model_load_time(repeat: int) -> float:
    """Seconds to load the default model, imports already done (best of ``repeat``)."""
    from detector.model import DetectorModel

    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        m = DetectorModel.load()
        m.blocks.predict_proba_matrix(m.blocks.features_.transform([]))  # includes building the dense W
        best = min(best, time.perf_counter() - t0)
    return best


def cold_start(page: Path, repeat: int) -> tuple[float, float]:
    """Median wall seconds of ``detector score PAGE`` and of ``python -c 'import sklearn.linear_model'``."""
    def run(cmd: list[str], cwd: Path = ROOT) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    ref = run([sys.executable, "-c", "import sklearn.linear_model"])
    ours = run([sys.executable, "-m", "detector.cli", "score", str(page)], cwd=PACKAGE_ROOT)
    return ours, ref


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=300, help="pages (default 300)")
    ap.add_argument("--pages-dir", type=Path, default=None)
    ap.add_argument("--glob", default="*.html.gz", help="page files to take (default *.html.gz)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu", help="cpu (default) or wall seconds")
    ap.add_argument("--no-cold-start", action="store_true", help="skip the subprocess timings")
    ap.add_argument("--package-root", type=Path, default=ROOT,
                    help="import detector from here, e.g. an old revision: git archive REV detector | tar -x -C DIR")
    args = ap.parse_args()
    global PACKAGE_ROOT
    PACKAGE_ROOT = args.package_root.resolve()
    sys.path.insert(0, str(PACKAGE_ROOT))

    files = find_pages(args.pages_dir, args.glob, args.n)
    n = len(files)
    t0 = time.perf_counter()
    from detector.score import Detector  # noqa: E402

    t_import = time.perf_counter() - t0
    det = Detector.load()
    stage_times(det, files[:10])  # warm up caches and the dense weights

    clock = CLOCKS[args.clock]
    best: dict[str, float] | None = None
    for _ in range(args.repeat):
        t = stage_times(det, files, clock)
        best = t if best is None else {k: min(best[k], t[k]) for k in t}
    e2e = min(end_to_end(det, files, clock) for _ in range(args.repeat))
    e2e_wall = min(end_to_end(det, files, time.perf_counter) for _ in range(args.repeat))

    import detector

    print(f"detector from {Path(detector.__file__).parent}")
    print(f"{n} pages from {files[0].parent} ({args.glob}); best of {args.repeat} runs; 1 process; "
          f"{args.clock} time")
    print(f"{'stage':<10} {'ms/page':>9}")
    for k, v in best.items():
        print(f"{k:<10} {1000 * v / n:9.2f}")
    total = sum(best.values())
    print(f"{'sum':<10} {1000 * total / n:9.2f}   -> {n / total:7.1f} pages/s/core")
    print(f"{'analyze':<10} {1000 * e2e / n:9.2f}   -> {n / e2e:7.1f} pages/s/core  (Detector.analyze + json)")
    print(f"{'(wall)':<10} {1000 * e2e_wall / n:9.2f}   -> {n / e2e_wall:7.1f} pages/s  (the same, wall clock)")
    print(f"import detector.score: {t_import:.3f} s")
    print(f"model load (DetectorModel.load + dense weights): {model_load_time(args.repeat):.3f} s")
    if not args.no_cold_start:
        ours, ref = cold_start(files[0], max(3, args.repeat))
        print(f"cold start: detector score one page {ours:.2f} s; "
              f"python -c 'import sklearn.linear_model' {ref:.2f} s; ratio {ours / ref:.2f}")


if __name__ == "__main__":
    main()
