"""Labelled corpora in the format of LABELS.md, and the alignment of spans to blocks.

Spans are text, not block indices. We align them to our blocks on a normalised character stream
(lower case, letters and digits only), which survives the differences between our visible text and
the reference one (``text_content()`` runs adjacent elements together; Markdown spans may keep markup).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..labels import SPAN_LABELS

__all__ = ["LabelledPage", "load_corpus", "load_corpora", "corpus_hash", "Aligner", "block_targets", "split_by_source",
           "site_of"]

IGNORE = ""  # target of a block left out of training
MOST = 0.5  # "most of its words": the share of a span (or block) that must fall inside


@dataclass
class LabelledPage:
    """One line of ``labels.jsonl`` with the absolute path of its page."""

    id: str
    file: str
    path: Path
    lang: str
    source: str
    page: str
    kind: str
    spans: list[dict] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    teasers: list[str] = field(default_factory=list)
    url: str = ""
    chrome_labelled: bool = True  # the page lists its boilerplate texts (data/ does; realdev does not)

    @property
    def site(self) -> str:
        """The site the page comes from: the registered domain of its URL, else its ``source``."""
        return site_of(self.url) or self.source


def load_corpus(folder: str | Path) -> list[LabelledPage]:
    """Read a corpus folder (``labels.jsonl`` + ``pages/``)."""
    folder = Path(folder)
    labels = folder / "labels.jsonl"
    if not labels.is_file():
        raise FileNotFoundError(f"{folder} is not a corpus: no labels.jsonl")
    pages = []
    with open(labels, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{labels}:{n}: not JSON ({err})") from None
            pages.append(
                LabelledPage(
                    id=d["id"],
                    file=d["file"],
                    path=folder / d["file"],
                    lang=d.get("lang", ""),
                    source=d.get("source", ""),
                    page=d.get("page", "editorial"),
                    kind=d.get("kind", ""),
                    spans=list(d.get("spans") or []),
                    boilerplate=list(d.get("boilerplate") or []),
                    teasers=list(d.get("teasers") or []),
                    url=d.get("url") or "",
                    chrome_labelled="boilerplate" in d,
                )
            )
    return pages


def load_corpora(folders: Sequence[str | Path]) -> list[LabelledPage]:
    """Several corpus folders as one list of pages, in the order given."""
    return [p for f in folders for p in load_corpus(f)]


# Second-level labels under which a country's sites register ("bbc.co.uk", "abc.net.au").
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "gv", "or", "ne", "go"}
_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)", re.I)


def site_of(url: str) -> str:
    """The registered domain of a URL ("https://www.bbc.co.uk/news/x" -> "bbc.co.uk"), "" without a host.

    A short rule, not the public-suffix list: the last two labels of the host, or three where the
    second-to-last is a generic second-level label under a country code ("co.uk", "com.au").
    """
    m = _HOST.match(url.strip())
    if not m:
        return ""
    labels = [x for x in m.group(1).lower().rstrip(".").split(".") if x]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def corpus_hash(folder: str | Path) -> str:
    """sha256 over labels.jsonl and every page file it names (in order)."""
    folder = Path(folder)
    h = hashlib.sha256()
    h.update((folder / "labels.jsonl").read_bytes())
    for p in load_corpus(folder):
        h.update(p.file.encode())
        h.update(p.path.read_bytes())
    return h.hexdigest()


_NON_ALNUM = re.compile(r"[\W_]+", re.U)
_TAGS = re.compile(r"<[^>]*>")
_MD_LINK = re.compile(r"\]\([^)]*\)")


def _norm(s: str) -> str:
    return _NON_ALNUM.sub("", s.lower())


class Aligner:
    """Maps normalised characters of a page's blocks back to block indices."""

    def __init__(self, blocks: Sequence[Any]) -> None:  # anything with a .text: Block, LabelledBlock
        parts, owner = [], []
        for i, b in enumerate(blocks):
            t = _norm(b.text)
            parts.append(t)
            owner.append(np.full(len(t), i, dtype=np.int32))
        self.stream = "".join(parts)
        self.owner = np.concatenate(owner) if owner else np.zeros(0, dtype=np.int32)
        self.lengths = np.array([len(p) for p in parts], dtype=np.int64)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Every (start, end) of the span in the normalised stream; tries markup-free forms too."""
        for cand in (text, _MD_LINK.sub("]", _TAGS.sub("", text))):
            key = _norm(cand)
            if not key:
                return []
            hits, start = [], self.stream.find(key)
            while start >= 0:
                hits.append((start, start + len(key)))
                start = self.stream.find(key, start + len(key))
            if hits:
                return hits
        return []

    def coverage(self, text: str) -> np.ndarray:
        """Per block: how many of its normalised characters the span covers."""
        cov = np.zeros(len(self.lengths), dtype=np.int64)
        for a, b in self.find(text):
            np.add.at(cov, self.owner[a:b], 1)
        return cov


def block_targets(page: LabelledPage, blocks: Sequence[Any]) -> list[str]:
    """The internal class of each block (or unit) of a labelled page, from its spans.

    A block takes a span's label when most of its characters lie inside that span.
    """
    al = Aligner(blocks)
    n = len(blocks)
    best = ["editorial"] * n
    share = np.zeros(n)
    lengths = np.maximum(al.lengths, 1)
    marks: list[tuple[str, str]] = [(t, "boilerplate") for t in page.boilerplate]
    # Teaser labels and titles are ad-slot chrome: boilerplate. (realdev gives bare teaser labels no
    # span, and teaching that short headlines are "sponsored" flags every short title on real pages.)
    marks += [(t, "boilerplate") for t in page.teasers]
    for s in page.spans:
        lab = s.get("label")
        if lab not in SPAN_LABELS:
            continue
        if lab == "sponsored":
            lab = "sponsored" if page.page in ("sponsored", "excluded") else "sponsored_other"
        marks.append((s.get("text", ""), lab))
    partial = np.zeros(n, dtype=bool)
    for text, lab in marks:  # spans come last and win ties with boilerplate
        frac = al.coverage(text) / lengths
        if lab != "boilerplate":
            partial |= (frac > 0) & (frac < MOST)
        for i in np.nonzero(frac >= MOST)[0]:
            if frac[i] >= share[i] or best[i] == "boilerplate":
                best[i], share[i] = lab, frac[i]
    # An editorial block that holds part of a notice ("(This is a sponsored article.) Our story …")
    # teaches nothing clean: its notice unit is labelled on its own; the block itself is left out.
    return [IGNORE if partial[i] and best[i] == "editorial" else best[i] for i in range(n)]


def split_by_source(pages: Sequence[LabelledPage], test_share: float = 0.2,
                    seed: int = 0) -> tuple[list[int], list[int]]:
    """Indices of train and test pages; every source lies wholly on one side."""
    sources = sorted({p.source for p in pages})
    rng = np.random.default_rng(seed)
    rng.shuffle(sources)
    n_test = max(1, round(len(sources) * test_share)) if len(sources) > 1 else 0
    test_sources = set(sources[:n_test])
    train = [i for i, p in enumerate(pages) if p.source not in test_sources]
    test = [i for i, p in enumerate(pages) if p.source in test_sources]
    return train, test

