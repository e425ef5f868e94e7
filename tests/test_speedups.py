"""The compiled speed-ups as a whole: in use where built, and the same records as pure Python.

tests/test_speedups_hash.py and tests/test_speedups_walk.py compare each extension with its Python
twin in detail; here whole pages go through ``detector score`` both ways, in separate processes, since
``DETECTOR_PURE_PYTHON`` is read at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import detector

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = os.environ.get("DETECTOR_REQUIRE_SPEEDUPS") == "1"


def test_speedups_report_what_runs() -> None:
    from detector import compiled

    got = detector.speedups()
    assert set(got) == {"features", "segment", "parser"}
    assert got["parser"] in ("lexbor", "lxml")
    if REQUIRED:  # CI builds them: a build that silently failed must not pass as "slower but fine"
        assert got["features"] and got["segment"], got
        # _lexwalk too: lexbor is the default parser, and without _lexwalk lxml would run silently
        assert compiled.lexwalk() is not None, "DETECTOR_REQUIRE_SPEEDUPS=1 but detector._lexwalk does not load"
        assert got["parser"] == compiled.PARSER, got  # lexbor unless DETECTOR_PARSER=lxml
    elif os.environ.get("DETECTOR_PURE_PYTHON"):
        assert got == {"features": False, "segment": False, "parser": "lxml"}, got


def _speedups_in(env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", "import detector, json; print(json.dumps(detector.speedups()))"],
                         env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_pure_python_switch_turns_them_off() -> None:
    assert _speedups_in({"DETECTOR_PURE_PYTHON": "1"}) == {"features": False, "segment": False, "parser": "lxml"}


def test_the_parser_switch() -> None:
    from detector import compiled

    assert _speedups_in({"DETECTOR_PARSER": "lxml"})["parser"] == "lxml"
    want = "lexbor" if compiled.lexwalk() is not None else "lxml"  # lxml where _lexwalk is not usable
    assert _speedups_in({"DETECTOR_PARSER": "lexbor"})["parser"] == want
    env = {k: v for k, v in os.environ.items() if k != "DETECTOR_PARSER"}
    out = subprocess.run([sys.executable, "-c", "import detector, json; print(json.dumps(detector.speedups()))"],
                         env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["parser"] == want  # lexbor is the default
    out = subprocess.run([sys.executable, "-m", "detector.cli", "--version"], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT)
    assert f"HTML parser: {want}" in out.stdout


def _score(pages: list[Path], pure: bool) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "DETECTOR_PURE_PYTHON"}
    if pure:
        env["DETECTOR_PURE_PYTHON"] = "1"
    out = subprocess.run([sys.executable, "-m", "detector.cli", "score", "--format", "jsonl", *map(str, pages)],
                         env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_compiled_and_pure_python_records_are_identical() -> None:
    if not any(detector.speedups().values()):
        pytest.skip("no compiled speed-up built here: nothing to compare")
    pages = sorted((ROOT / "data" / "pages").glob("*.html*"))[::25][:40]
    pages += [ROOT / "examples" / "sponsored-crypto-news.txt"]
    assert len(pages) > 20
    fast, pure = _score(pages, pure=False), _score(pages, pure=True)
    assert len(fast) == len(pages)
    assert fast == pure  # scores, labels, every block's text, offsets and score: exactly, not nearly
    assert any(r["label"] == "sponsored" for r in fast) and any(r["label"] == "editorial" for r in fast)


def test_scoring_imports_no_scikit_learn_nor_scipy() -> None:
    """Scoring needs numpy only: scikit-learn (0.8 s) would triple a cold start, scipy.sparse adds 0.13 s
    to it and to every batch worker's start."""
    if not detector.speedups()["features"]:
        pytest.skip("without the C kernel, the Python path hashes with scikit-learn's murmurhash3_32")
    code = ("import sys; from detector import Detector; d = Detector.load(); "
            "r = d.score('examples/sponsored-crypto-news.txt'); d.score('examples/editorial-blog.html'); "
            "print(r['label'], sorted(m for m in ('sklearn', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["sponsored", "[]"], out.stdout + out.stderr


def test_kernel_murmurhash_is_sklearns() -> None:
    if not detector.speedups()["features"]:
        pytest.skip("the C kernel is not built")
    import random

    from detector._fasthash import murmurhash3_32 as fast
    from sklearn.utils import murmurhash3_32

    rnd = random.Random(3)
    for _ in range(5000):
        s = "".join(chr(rnd.choice([rnd.randrange(32, 127), rnd.randrange(128, 0xD800), rnd.randrange(0xE000, 0x110000)]))
                    for _ in range(rnd.randrange(0, 14)))
        assert fast(s) == murmurhash3_32(s, 0), repr(s)
    with pytest.raises(UnicodeEncodeError):
        fast("\ud800")


def test_kernel_word_count_is_the_regex_count() -> None:
    """Block.n_words comes from the kernel when it is built: len(re.findall(r"\\w+", text)) exactly."""
    if not detector.speedups()["features"]:
        pytest.skip("the C kernel is not built")
    import random
    import re

    from detector._fasthash import count_words

    rnd = random.Random(5)
    pool = [32, 95, 0x0660, 0x00A0, 0x2028, 0x0301, 0x00DF, 0x0130]  # space, _, Arabic-Indic 0, NBSP, LS, accent…
    texts = ["", " ", "_", "a_b c", "١٢٣ x", "İstanbul ß", "e\u0301t\u00e9"]
    for _ in range(20000):
        texts.append("".join(chr(rnd.choice([rnd.randrange(32, 127), rnd.randrange(128, 0xD800),
                                             rnd.randrange(0xE000, 0x110000), rnd.choice(pool)]))
                             for _ in range(rnd.randrange(0, 25))))
    word = re.compile(r"\w+", re.U)
    assert count_words(texts) == [len(word.findall(t)) for t in texts]
    with pytest.raises(TypeError):
        count_words([b"bytes"])


def test_an_unknown_parser_name_warns_and_parses_with_lexbor() -> None:
    from detector import compiled

    out = subprocess.run([sys.executable, "-c", "import detector, json; print(json.dumps(detector.speedups()))"],
                         env={**os.environ, "DETECTOR_PARSER": "lxm1"}, capture_output=True, text=True, check=True)
    assert "DETECTOR_PARSER must be lexbor or lxml, not 'lxm1'" in out.stderr
    assert json.loads(out.stdout)["parser"] == ("lexbor" if compiled.lexwalk() is not None else "lxml")
