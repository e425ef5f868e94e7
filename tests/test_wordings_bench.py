"""benchmarks/wordings.py: one run of the script on a few wordings of our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wordings_probe_reports_what_it_finds(tmp_path):
    wordings = [
        {"lang": "en", "kind": "sponsored", "text": "This article is sponsored by Harbour Mutual.", "form": "sentence"},
        {"lang": "de", "kind": "affiliate", "text": "*Affiliate-Link: Kaufst du über diesen Link, erhalten wir eine "
                                                   "Provision. Für dich ändert sich der Preis nicht.", "form": "sentence"},
        {"lang": "en", "kind": "trap", "text": "The club signed a new shirt sponsor for the next three seasons.",
         "form": "sentence"},
    ]
    path = tmp_path / "wordings.jsonl"
    path.write_text("".join(json.dumps(w) + "\n" for w in wordings), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "wordings.py"), str(path), "--misses"],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = {tuple(c.strip() for c in line.strip("|").split("|")[:2]): line for line in out.stdout.splitlines()
            if line.startswith("| ")}
    # two places (under the title, after the story) in two formats: 4 pages a wording
    assert rows[("en", "sponsored")] == "| en | sponsored | 4 | 1.00 | 1.00 | – |"
    assert rows[("de", "affiliate")] == "| de | affiliate | 4 | 1.00 | – | – |"
    assert rows[("en", "trap")] == "| en | trap | 4 | – | – | 1.00 |"
    assert ("**all**", "sponsored") in rows
