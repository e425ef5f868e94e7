"""docs/output.md, the output contract for users, says what the code writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from detector import Detector
from detector.batch.sinks import CSV_FIELDS

DOC = Path(__file__).resolve().parents[1] / "docs" / "output.md"
PAGE = ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Harbour towns</h1>"
        "<p>IMPORTANT NOTICE: This article is sponsored content, paid for by the Coast Tourism Board.</p>"
        "<p>The coast is lovely in spring, with long walks along the cliffs and fresh seafood in the harbour "
        "towns, and quiet beaches for families who want to get away from the city for a weekend.</p>"
        "</article></body></html>")


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start:end if end >= 0 else None]


def _fields(section: str) -> list[str]:
    """The first column of the first table in ``section``."""
    return re.findall(r"^\| `([a-z_]+)`", section, flags=re.M)


@pytest.fixture(scope="module")
def analysis():
    return Detector.load().analyze(PAGE.encode())


def test_example_record_has_the_fields_of_a_record(analysis) -> None:
    example = json.loads(re.search(r"```json\n(.*?)```", _section("## The page record"), re.S).group(1))
    rec = analysis.record()
    assert list(example) == list(rec)
    assert list(example["blocks"][0]) == list(rec["blocks"][0])


def test_record_and_block_tables_name_every_field(analysis) -> None:
    rec = analysis.record(all_blocks=True, editorial=True)
    documented = _fields(_section("## The page record").split("### Blocks")[0])
    assert set(rec) <= set(documented) and set(documented) - set(rec) == {"url"}  # url: batch inputs with one
    blocks = _fields(_section("### Blocks"))
    assert [f for f in blocks if f not in ("start", "end")] + ["start", "end"] == list(rec["blocks"][0])
    labels = set(re.findall(r"^- `([a-z]+)`:", _section("### Blocks"), flags=re.M))
    assert {b["label"] for b in rec["blocks"]} <= labels == {"sponsored", "affiliate", "disclaimer",
                                                             "boilerplate", "editorial"}


def test_offsets_index_the_visible_text_as_documented(analysis) -> None:
    for b in analysis.record(all_blocks=True)["blocks"]:
        assert analysis.text[b["start"]:b["end"]] == b["text"]
    assert analysis.editorial_text == "\n\n".join(b.text for b in analysis.blocks if b.label == "editorial")


def test_csv_and_clean_columns_are_the_documented_ones() -> None:
    batch = _section("### Batch output formats")
    assert "`" + ", ".join(CSV_FIELDS) + "`" in batch
    from detector.pipelines.tables import COLUMNS

    assert _fields(_section("## `detector clean`")) == list(COLUMNS)


def test_audit_columns_are_the_documented_ones() -> None:
    from detector.audit import SITE_COLUMNS, PageAudit

    def named(paragraph: str) -> set[str]:  # every name inside backticks
        return set(re.findall(r"[a-z_]+", " ".join(re.findall(r"`([^`]*)`", paragraph))))

    audit = _section("## `detector audit`")
    pages, sites = audit.split("`pages.parquet`")[1].split("`sites.csv`")
    assert set(PageAudit.__dataclass_fields__) <= named(pages)
    assert {"site", "pages", "errors", "sponsored", "affiliate", "disclaimer",
            "share_sponsored_labelled_before"} <= named(sites.split("`audit.html`")[0]) & set(SITE_COLUMNS)
