"""Check that a speed-up changed nothing: old vs new features, cues and page records on real pages.

    python benchmarks/check_equivalence.py --ref 08c7047 -n 600        # 600 pages of each format
    python benchmarks/check_equivalence.py --ref 08c7047 --random-weights
    python benchmarks/check_equivalence.py --ref 08c7047 --ref-files features.py,lexicon.py,segment.py,model.py

The old implementation is the ``detector`` package of the git revision ``--ref``, extracted into a
temporary folder and imported as ``detector_ref``; the new one is this working tree. For every page it
compares

* the BlockFeatures.transform matrices (same shape, same non-zero columns, values within 1e-6),
* the cue counts and gates of every block row,
* the ``Detector.analyze`` results: the output records (``record()``, and with every block and the
  editorial text) exactly; page score within 1e-5, and every block's label, offsets, text and probabilities
  identical, its score within 1e-5.

With ``--random-weights`` the classifiers get random dense weights (seeded) instead of the shipped ones,
so that the comparison does not depend on which features the shipped model happens to use.
Pages come from ../shared/realdev (never copied anywhere), or data/pages when that is absent.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REALDEV = ROOT.parent / "shared" / "realdev" / "pages"
FALLBACK = ROOT / "data" / "pages"



def _cue_module(package):
    """Where a tree matches the cue patterns: ``cuematch``, or ``lexicon`` in trees older than it."""
    try:
        return importlib.import_module(package.__name__ + ".cuematch")
    except ImportError:
        return package.lexicon

def import_ref(rev: str, tmp: Path, repo: Path = ROOT, files: list[str] | None = None):
    """The detector package of git revision ``rev``, importable as ``detector_ref``.

    With ``files``: this working tree's package with only those files taken from ``rev``, so that
    changes others made to the rest of the package since ``rev`` do not count as differences.
    """
    blob = subprocess.run(["git", "archive", rev, "detector"], cwd=repo, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(tmp / "old", filter="data")
    if files:
        shutil.copytree(ROOT / "detector", tmp / "detector_ref", ignore=shutil.ignore_patterns("__pycache__"))
        for name in files:
            shutil.copy(tmp / "old" / "detector" / name, tmp / "detector_ref" / name)
    else:
        (tmp / "old" / "detector").rename(tmp / "detector_ref")
    sys.path.insert(0, str(tmp))
    return importlib.import_module("detector_ref")


def ref_detector(ref, det):
    """An old-code Detector with the same weights as the new-code ``det``."""
    new_blocks, new_page = det.model.blocks, det.model.page
    blocks = ref.model.BlockClassifier.__new__(ref.model.BlockClassifier)
    blocks.__dict__.update({k: v for k, v in new_blocks.__dict__.items() if k != "_dense_coef"})
    params = new_blocks.features_.get_params()
    blocks.features_ = ref.features.BlockFeatures(**params).fit([])
    blocks.features = None
    page = ref.model.PageScorer.__new__(ref.model.PageScorer)
    page.__dict__.update(new_page.__dict__)
    model = ref.model.DetectorModel(
        blocks=blocks, page=page, threshold=det.model.threshold,
        sponsored_block_threshold=det.model.sponsored_block_threshold, metadata=dict(det.model.metadata),
    )
    return ref.score.Detector(model, det.limits)


def randomise(det, seed: int) -> None:
    rng = np.random.default_rng(seed)
    clf = det.model.blocks.clf_
    n_classes, n_features = clf.coef_.shape
    dense = rng.normal(0, 0.6, size=(n_classes, n_features)).astype(np.float32)
    clf.coef_ = dense
    clf.intercept_ = rng.normal(0, 0.5, size=n_classes).astype(np.float32)
    det.model.blocks.__dict__.pop("_dense_coef", None)
    det.model.page.coef_ = rng.normal(0, 2, size=det.model.page.coef_.shape)


def pages(n: int, folder: Path | None) -> list[Path]:
    base = folder or (REALDEV if REALDEV.is_dir() else FALLBACK)
    out: list[Path] = []
    for ext in ("html", "md", "txt"):
        files = sorted(base.glob(f"*.{ext}.gz")) or sorted(base.glob(f"*.{ext}"))
        step = max(1, len(files) // n) if n else 1
        out += files[::step][:n]
    return out


def _block(b) -> tuple:
    return (b.text, b.start, b.end, b.tag, b.path, b.depth, b.link_chars, b.heading, b.position)


def compare(ref, new, det_ref, det_new, files: list[Path]) -> list[str]:
    problems: list[str] = []
    feats_new = det_new.model.blocks.features_
    feats_ref = det_ref.model.blocks.features_
    n_rows = 0
    max_diff = 0.0
    t_ref = t_new = 0.0
    for f in files:
        name = f.name
        raw = new.io.read_input(str(f))
        page_new = new.segment.segment(raw)
        page_ref = ref.segment.segment(ref.io.read_input(str(f)))
        bn = [_block(b) for b in page_new.blocks]
        br = [_block(b) for b in page_ref.blocks]
        if bn != br or page_new.text != page_ref.text:
            problems.append(f"{name}: segment differs")
            continue
        un = [(u.text, u.start, u.end, u.parent, u.unit) for u in page_new.units]
        ur = [(u.text, u.start, u.end, u.parent, u.unit) for u in page_ref.units]
        if un != ur:
            problems.append(f"{name}: units differ")
            continue
        rows_new = new.features.rows_for_page(page_new)
        rows_ref = ref.features.rows_for_page(page_ref)
        if [tuple(r) for r in rows_new] != [tuple(r) for r in rows_ref]:
            problems.append(f"{name}: rows differ")
            continue
        n_rows += len(rows_new)
        # features
        Mn = feats_new.transform(rows_new)
        Mr = feats_ref.transform(rows_ref)
        if Mn.shape != Mr.shape:
            problems.append(f"{name}: matrix shape {Mn.shape} != {Mr.shape}")
            continue
        Mn.sort_indices()
        Mr.sort_indices()
        Mn.eliminate_zeros()
        Mr.eliminate_zeros()
        if not (np.array_equal(Mn.indptr, Mr.indptr) and np.array_equal(Mn.indices, Mr.indices)):
            problems.append(f"{name}: matrix non-zero pattern differs")
            continue
        if Mn.dtype != Mr.dtype:
            problems.append(f"{name}: dtype {Mn.dtype} != {Mr.dtype}")
        d = float(np.abs(Mn.data - Mr.data).max(initial=0.0))
        max_diff = max(max_diff, d)
        if d > 1e-6:
            problems.append(f"{name}: matrix values differ by {d:g}")
        # cues and gates
        cn, cr = _cue_module(new), _cue_module(ref)
        for r in rows_new:
            t = r.text
            if cn.cue_counts(t) != cr.cue_counts(t):
                problems.append(f"{name}: cue_counts differ on a block")
            if (cn.has_sponsored_cue(t), cn.has_affiliate_cue(t)) != (cr.has_sponsored_cue(t), cr.has_affiliate_cue(t)):
                problems.append(f"{name}: cue gates differ on a block")
        # whole records
        t0 = time.perf_counter()
        an = det_new.analyze(str(f))
        t1 = time.perf_counter()
        ar = det_ref.analyze(str(f))
        t2 = time.perf_counter()
        t_new += t1 - t0
        t_ref += t2 - t1
        if (an.error, an.label) != (ar.error, ar.label) or (an.score is None) != (ar.score is None):
            problems.append(f"{name}: page result differs ({an.label}, {an.error}) vs ({ar.label}, {ar.error})")
            continue
        if an.score is not None and abs(an.score - ar.score) > 1e-5:
            problems.append(f"{name}: page score {an.score} vs {ar.score}")
        # the output records, exactly (read before .blocks: a new Analysis may write them another way)
        recs = [(a.record(), a.record(all_blocks=True, editorial=True)) for a in (an, ar)]
        if json.dumps(recs[0], ensure_ascii=False) != json.dumps(recs[1], ensure_ascii=False):
            problems.append(f"{name}: output records differ")
        kn = [(b.label, b.start, b.end, b.text, b.from_unit, b.heading, b.probs) for b in an.blocks]
        kr = [(b.label, b.start, b.end, b.text, b.from_unit, b.heading, b.probs) for b in ar.blocks]
        if kn != kr:
            problems.append(f"{name}: block labels/offsets differ")
            continue
        ds = max((abs(a.score - b.score) for a, b in zip(an.blocks, ar.blocks)), default=0.0)
        if ds > 1e-5:
            problems.append(f"{name}: block scores differ by {ds:g}")
    print(f"{len(files)} pages, {n_rows} block rows; max matrix value difference {max_diff:g}; "
          f"analyze: old {1000 * t_ref / len(files):.1f} ms/page, new {1000 * t_new / len(files):.1f} ms/page")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", required=True, help="git revision of the old implementation")
    ap.add_argument("-n", type=int, default=600, help="pages of each format (html, md, txt), spread over the folder")
    ap.add_argument("--pages-dir", type=Path, default=None)
    ap.add_argument("--random-weights", action="store_true", help="random weights instead of the shipped ones")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repo", type=Path, default=ROOT, help="git repository holding --ref (default: this one)")
    ap.add_argument("--ref-files", default="",
                    help="comma-separated files of detector/ to take from --ref, the rest from this tree "
                         "(e.g. features.py,lexicon.py,segment.py,model.py)")
    args = ap.parse_args()
    import detector
    import detector.features
    import detector.io
    import detector.lexicon
    import detector.segment

    with tempfile.TemporaryDirectory() as tmp:
        ref = import_ref(args.ref, Path(tmp), args.repo, [f for f in args.ref_files.split(",") if f])
        for m in ("features", "io", "lexicon", "segment", "model", "score"):
            importlib.import_module(f"detector_ref.{m}")
        det_new = detector.Detector.load()
        if args.random_weights:
            det_new.model.blocks = copy.deepcopy(det_new.model.blocks)
            randomise(det_new, args.seed)
        det_ref = ref_detector(ref, det_new)
        files = pages(args.n, args.pages_dir)
        problems = compare(ref, detector, det_ref, det_new, files)
    for p in problems[:50]:
        print("DIFF", p)
    print(f"{len(problems)} differences" if problems else "identical: no differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
