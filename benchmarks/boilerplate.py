"""How clean the editorial text is: the site boilerplate left in it, and the share of the page's editorial
words it keeps, for detector's editorial text beside trafilatura's main text on the same labelled pages.

    python benchmarks/boilerplate.py                       # data/ and ../shared/realdev, every page
    python benchmarks/boilerplate.py --limit 300 --evaldata evaldata.json -j 2
    python benchmarks/boilerplate.py --corpus data --limit 100 --leaks 15
    python benchmarks/boilerplate.py --model DIR --html-only --format json
    python benchmarks/boilerplate.py --crossval 5 --evaldata evaldata.json -j 2   # sites never seen
    python benchmarks/boilerplate.py --folds cv-folds --evaldata evaldata.json -j 2   # the same, saved fold models

The two outputs of a page:
  detector     ``Detector.load().analyze(page).editorial_text``: the text of the blocks labelled editorial
               (``--model DIR``: that model folder, loaded with trust=True).
  trafilatura  ``trafilatura.extract(text, include_comments=False)`` on the page as detector.io decodes it.
               A .txt or .md page is handed over as its raw text; trafilatura reads it as HTML and returns
               nothing for most of them. The "non-HTML" column counts those pages; ``--html-only`` leaves
               them out.

Reference text: the page's visible text as its labels were made (../shared/LABELS.md and the realdev
README: the body's text by lxml with script, style, noscript and template dropped; the raw text of a .txt
page; a .md page's text without HTML tags and comments, link targets and image addresses), cut into
blocks at block-level elements (at line ends in a text page) so that no two words run together.
Texts are compared normalised: NFKC, case folded, letters and digits only (white space and punctuation
dropped). Words are runs of letters and digits.

Measured on each row (one per corpus; a corpus of at most 20 sources also gets one row per source; a
pooled row when there are several corpora), for each output:
  boilerplate kept     the share of the row's boilerplate snippets (a page's ``boilerplate`` and
                       ``teasers`` labels) whose normalised text is a substring of the normalised output,
                       pooled over snippets. A snippet is measured when it has at least 3 words and 15
                       characters (shorter ones, "Share" or "News", match by accident), occurs in the
                       reference text and does not also occur in the page's editorial text (a "Read next"
                       item that repeats the page's own headline). Pages without chrome labels
                       (``chrome_labelled`` False, as in realdev) have no snippets: "–".
  editorial words kept the page's editorial words found in the output, as multisets (sum over words of
                       min(count in editorial text, count in output), over the editorial text's words),
                       averaged over the row's pages (each page weighs the same). A page's editorial text
                       is its reference words less
                         - every occurrence of a disclosure span (``spans``: sponsored, affiliate,
                           disclaimer notices);
                         - each boilerplate or teaser snippet: where it is written inside one block
                           ("Headline of the page…" in a "Read next" list, not the headline itself), else
                           wherever its normalised text occurs; of those places, only the ones where it
                           fills whole blocks when there are any, otherwise all of them for a snippet of
                           3+ words and 15+ characters, and for a shorter one only those in blocks at
                           least half made of snippets (a navigation bar of short links).
                       What the labels leave out of ``boilerplate`` is editorial: in data/ that includes
                       image captions, tables, code and comment bodies (data/README.md). Without chrome
                       labels (realdev) the site chrome stays in, so the figure is the share of all
                       non-disclosure text kept (below 1 for a perfect extractor); the "chrome labelled"
                       column counts the row's pages that have the labels.
  empty                pages whose output is empty (a read or scoring error counts as empty).

``--evaldata PATH``: trafilatura's evaluation file, tests/evaldata.json of github.com/adbar/trafilatura
(download it yourself; neither it nor any page text is part of this repository). Its entries list per
page ``with`` snippets (must be kept) and ``without`` snippets (must not be). Adds a row for the realdev
``trafilatura-eval`` pages whose original file (the file name in ``orig``) is an entry's ``file``, or whose
``url`` is an entry's key: the share of ``without`` and of ``with`` snippets found in each output, pooled
over snippets; found = a plain substring of the output, white space collapsed on both sides.

``--limit N`` takes every k-th page of each corpus, N in all; ``--leaks N`` lists the N boilerplate snippets
kept on most pages (label texts; only chrome-labelled corpora have them); ``-j`` runs that many processes.

A figure is a measure of quality only on sites the model never saw. The shipped model was trained on
data/ and realdev, so with it every figure here is in-sample; the output says so. ``--crossval K`` gives
the figures that count: ``detector crossval``'s K folds by site over every page of the corpora, each page
measured with the model of the fold that held its site out (the cross-validation's own table of sponsored
pages and notices is printed too). ``--folds DIR`` measures each page with the saved fold model that held
its site out (``detector crossval --save-folds DIR``): the same figures for the code as it is now, in a few
minutes instead of the half hour that training takes; it measures changes made after the model
(segmenting, revisions), not changes to the features or to training.

``--source S`` keeps the pages of one source (repeatable); ``--detector-only`` does not run trafilatura;
``--dump PATH`` writes each page's record as JSON lines, with the evaldata snippets each output got wrong
(page text: keep the file out of the repository).
"""

from __future__ import annotations

import argparse
import bisect
import json
import logging
import multiprocessing
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.etree
import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detector.io import InputError, read_input  # noqa: E402
from detector.lab.corpus import LabelledPage, load_corpus  # noqa: E402

DEFAULT_CORPORA = [ROOT / "data", ROOT.parent / "shared" / "realdev"]
MIN_WORDS, MIN_CHARS = 3, 15  # shorter snippets ("Share", "Read more") turn up inside other text by accident
MOST = 0.5  # a block at least this share made of snippet words is chrome (as detector.lab.corpus.MOST)
MAX_SOURCES_SPLIT = 20  # a corpus with at most this many sources gets one row per source
EVAL_SOURCE = "trafilatura-eval"  # the realdev source whose pages come from trafilatura's evaluation set
CROSSVAL = ("each page measured by a model trained without any page of its site (cross-validation by site: "
            "figures for sites never seen)")
INSAMPLE = "in-sample (the shipped model trained on these pages)"
TOOLS = ("detector", "trafilatura")
_RUN_TRAFILATURA = True  # --detector-only turns it off
_DUMP = False  # --dump: records keep the evaldata snippets each output got wrong

EDITORIAL, CHROME, DISCLOSURE = 0, 1, 2
BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol option p pre section summary table tbody td "
    "tfoot th thead title tr ul".split())
_SEP = "\ue000"  # a private-use character: the block boundary while the text is joined
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAGS = re.compile(r"<[^>]*>")
_MD_LINK = re.compile(r"\]\([^)]*\)")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)

Span = tuple[int, int]  # start and end in a Reference's stream


# -- text -----------------------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """The words of a text: runs of letters and digits, NFKC, case folded."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def norm(text: str) -> str:
    """A text as compared: its words run together (no white space, no punctuation, no case)."""
    return "".join(words(text))


def measurable(snippet: str) -> bool:
    """A snippet long enough not to turn up by accident: 3+ words and 15+ characters."""
    parts = snippet.split()
    return len(parts) >= MIN_WORDS and len(" ".join(parts)) >= MIN_CHARS


def kept(snippet: str, output_norm: str) -> bool:
    """The snippet's normalised text is in the normalised output."""
    key = norm(snippet)
    return bool(key) and key in output_norm


def word_recall(reference: Counter, output: str) -> float | None:
    """Multiset recall of the reference words in the output; None for an empty reference."""
    total = sum(reference.values())
    if not total:
        return None
    found = Counter(words(output))
    return sum(min(n, found[w]) for w, n in reference.items()) / total


def found_plain(snippet: str, output_ws: str) -> bool:
    """An evaldata snippet in the output: a plain substring, white space collapsed (``output_ws`` is)."""
    s = " ".join(snippet.split())
    return bool(s) and s in output_ws


def variants(snippet: str) -> list[str]:
    """A snippet as written, then without HTML tags and Markdown link targets (where that differs)."""
    bare = _MD_LINK.sub("]", _TAGS.sub("", snippet))
    return [snippet] if bare == snippet else [snippet, bare]


def reference_blocks(text: str, kind: str) -> list[str]:
    """The page's visible text in blocks: block-level elements of an HTML page, lines of a text page."""
    if kind == "markdown":
        text = _MD_LINK.sub("]", _MD_IMAGE.sub(r"\1", _TAGS.sub("", _COMMENT.sub("", text))))
    if kind != "html":
        blocks = text.splitlines()
    else:
        try:
            doc = lxml.html.fromstring(_XML_DECL.sub("", text, count=1))
        except (ValueError, lxml.etree.ParserError):
            return []
        for el in doc.xpath("//script|//style|//noscript|//template"):
            el.drop_tree()  # keeps the element's tail text
        body = doc.find("body")
        root = body if body is not None else doc
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
                el.text = _SEP + _CONTROL.sub(" ", el.text or "")  # lxml refuses to set control characters
                el.tail = _SEP + _CONTROL.sub(" ", el.tail or "")
        blocks = root.text_content().split(_SEP)
    return [b for b in (_SPACE.sub(" ", x).strip() for x in blocks) if b]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Reference:
    """A page's reference words in order, the block of each, and their normalised stream."""

    def __init__(self, blocks: Sequence[str]) -> None:
        self.blocks = list(blocks)
        self.words: list[str] = []
        self.block_of: list[int] = []
        self.block_first: list[int] = []  # index of each block's first word
        for i, block in enumerate(self.blocks):
            ws = words(block)
            self.block_first.append(len(self.words))
            self.words += ws
            self.block_of += [i] * len(ws)
        self.starts: list[int] = []
        pos = 0
        for w in self.words:
            self.starts.append(pos)
            pos += len(w)
        self.stream = "".join(self.words)
        self.word_starts = set(self.starts)
        self.word_ends = {s + len(w) for s, w in zip(self.starts, self.words)}
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for i, b in enumerate(self.block_of):
            first.setdefault(b, i)
            last[b] = i
        self.block_starts = {self.starts[i] for i in first.values()}
        self.block_ends = {self.starts[i] + len(self.words[i]) for i in last.values()}
        self.block_size = Counter(self.block_of)

    def find(self, snippet: str) -> tuple[str, list[Span]]:
        """The snippet's normalised text (of the first variant that occurs) and every place of it."""
        first = ""
        for cand in variants(snippet):
            key = norm(cand)
            first = first or key
            hits, at = [], self.stream.find(key) if key else -1
            while at >= 0:
                hits.append((at, at + len(key)))
                at = self.stream.find(key, at + 1)
            if hits:
                return key, hits
        return first, []

    def literal(self, snippet: str) -> list[Span]:
        """Every place of the snippet as written (white space collapsed) inside one block, between word
        boundaries: "Headline of the page…" in a "Read next" list, not in the headline itself."""
        hits: list[Span] = []
        for cand in variants(snippet):
            text = " ".join(cand.split())
            n = len(words(text))
            for i, block in enumerate(self.blocks if n else ()):
                at = block.find(text)
                while at >= 0:
                    end = at + len(text)
                    if ((at == 0 or not block[at - 1].isalnum())
                            and (end == len(block) or not block[end].isalnum())):
                        k = self.block_first[i] + len(words(block[:at]))
                        if k + n <= len(self.words):
                            hits.append((self.starts[k], self.starts[k + n - 1] + len(self.words[k + n - 1])))
                    at = block.find(text, at + 1)
            if hits:
                break
        return hits

    def bounded(self, places: Iterable[Span]) -> list[Span]:
        """The places that start and end at word boundaries."""
        return [(a, b) for a, b in places if a in self.word_starts and b in self.word_ends]

    def aligned(self, places: Iterable[Span]) -> list[Span]:
        """The places that fill whole blocks."""
        return [(a, b) for a, b in places if a in self.block_starts and b in self.block_ends]

    def word_at(self, pos: int) -> int:
        """The index of the word that holds stream position ``pos``."""
        return bisect.bisect_right(self.starts, pos) - 1

    def covered(self, a: int, b: int) -> list[int]:
        """The words at least half inside stream[a:b]."""
        out = []
        for k in range(max(self.word_at(a), 0), self.word_at(b - 1) + 1):
            s, e = self.starts[k], self.starts[k] + len(self.words[k])
            if min(e, b) - max(s, a) >= (e - s) / 2:
                out.append(k)
        return out


def label_words(ref: Reference, chrome: Sequence[str], spans: Sequence[str]) -> list[int]:
    """EDITORIAL, CHROME or DISCLOSURE for each reference word (the rules are in the module docstring)."""
    labels = [EDITORIAL] * len(ref.words)
    marked: list[Span] = []
    short: list[list[Span]] = []
    for text in dict.fromkeys(chrome):
        _, anywhere = ref.find(text)
        places = ref.literal(text) or ref.bounded(anywhere)
        aligned = ref.aligned(places)
        if aligned:
            marked += aligned
        elif measurable(text):
            marked += places or anywhere
        elif places:
            short.append(places)
    if short:
        in_snippets = {k for a, b in marked + [p for ps in short for p in ps] for k in ref.covered(a, b)}
        per_block = Counter(ref.block_of[k] for k in in_snippets)
        chrome_blocks = {blk for blk, n in per_block.items() if n >= MOST * ref.block_size[blk]}
        for places in short:
            marked += [(a, b) for a, b in places if ref.block_of[ref.word_at(a)] in chrome_blocks]
    for a, b in marked:
        for k in ref.covered(a, b):
            labels[k] = CHROME
    for text in dict.fromkeys(spans):
        _, anywhere = ref.find(text)
        for a, b in ref.bounded(anywhere) or anywhere:
            for k in ref.covered(a, b):
                labels[k] = DISCLOSURE
    return labels


@dataclass
class PageTruth:
    """What a page's labels say, in the form the measures use."""

    editorial: Counter  # the editorial words
    snippets: list[tuple[str, str]]  # (text, normalised text) of each measured boilerplate snippet


def page_truth(blocks: Sequence[str], chrome: Sequence[str], spans: Sequence[str]) -> PageTruth:
    """The editorial words of a page and its measured boilerplate snippets."""
    ref = Reference(blocks)
    labels = label_words(ref, chrome, spans)
    editorial_words = [w for w, lab in zip(ref.words, labels) if lab == EDITORIAL]
    editorial_stream = "".join(editorial_words)
    snippets = []
    for text in dict.fromkeys(chrome):
        key, places = ref.find(text)
        if measurable(text) and places and key not in editorial_stream:
            snippets.append((text, key))
    return PageTruth(Counter(editorial_words), snippets)


# -- one page ---------------------------------------------------------------------------------------------

_DETECTOR = None


def _init_worker(model: str | None) -> None:
    global _DETECTOR
    from detector import Detector

    _DETECTOR = Detector.load(model, trust=True) if model else Detector.load()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _trafilatura(text: str) -> str:
    import trafilatura

    try:
        return trafilatura.extract(text, include_comments=False) or ""
    except Exception:  # noqa: BLE001 - a crash on one page is an empty output, counted as such
        return ""


def measure_page(task: tuple[str, LabelledPage, dict | None]) -> dict:
    """The measures of one page for both outputs: counts and the kept snippets' labels, no page text."""
    corpus, page, entry = task
    rec: dict = {"id": page.id, "corpus": corpus, "source": page.source, "chrome": page.chrome_labelled, "html": True,
                 "snippets": []}
    truth, outputs = PageTruth(Counter(), []), {tool: "" for tool in TOOLS}
    try:
        raw = read_input(str(page.path))
    except InputError as err:
        rec["error"] = str(err)
    else:
        rec["html"] = raw.kind == "html"
        chrome = (page.boilerplate + page.teasers) if page.chrome_labelled else []
        spans = [s.get("text", "") for s in page.spans]
        truth = page_truth(reference_blocks(raw.text, raw.kind), chrome, spans)
        rec["snippets"] = [t for t, _ in truth.snippets]
        analysis = _DETECTOR.analyze(raw)
        outputs = {"detector": analysis.editorial_text if analysis.error is None else "",
                   "trafilatura": _trafilatura(raw.text) if _RUN_TRAFILATURA else ""}
    for tool, text in outputs.items():
        out_norm = norm(text)
        ws = " ".join(text.split())
        rec[tool] = {
            "empty": not text.strip(),
            "kept": [t for t, key in truth.snippets if key in out_norm],
            "recall": word_recall(truth.editorial, text),
            "with": sum(found_plain(s, ws) for s in entry["with"]) if entry else 0,
            "without": sum(found_plain(s, ws) for s in entry["without"]) if entry else 0,
        }
        if _DUMP and entry:  # for --dump: which snippets this output got wrong
            rec[tool]["without_kept"] = [s for s in entry["without"] if found_plain(s, ws)]
            rec[tool]["with_lost"] = [s for s in entry["with"] if s.strip() and not found_plain(s, ws)]
    if entry:
        rec["eval"] = {"with": sum(bool(s.strip()) for s in entry["with"]),
                       "without": sum(bool(s.strip()) for s in entry["without"])}
    return rec


# -- corpora and the evaldata file ------------------------------------------------------------------------

def sample(items: Sequence, limit: int | None) -> list:
    """Every k-th item, ``limit`` in all (all of them without a limit)."""
    n = len(items)
    if not limit or limit >= n:
        return list(items)
    return [items[i * n // limit] for i in range(limit)]


def originals(folder: Path) -> dict[str, str]:
    """Page id -> the file name of its upstream original (``orig``, where the corpus has it)."""
    out = {}
    with open(folder / "labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out[d["id"]] = (d.get("orig") or "").rsplit("/", 1)[-1]
    return out


def load_evaldata(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """trafilatura's evaldata.json, its entries (``with`` and ``without`` lists) by file name and by URL."""
    data = json.loads(path.read_text(encoding="utf-8"))
    by_file, by_url = {}, {}
    for url, entry in data.items():
        if isinstance(entry, dict) and ("with" in entry or "without" in entry):
            e = {"with": list(entry.get("with") or []), "without": list(entry.get("without") or [])}
            by_url[url.strip()] = e
            if entry.get("file"):
                by_file[entry["file"]] = e
    return by_file, by_url


# -- rows -------------------------------------------------------------------------------------------------

def summarise(recs: Sequence[dict]) -> dict:
    out: dict = {"pages": len(recs), "non_html": sum(not r["html"] for r in recs),
                 "chrome_labelled": sum(r["chrome"] for r in recs),
                 "snippets": sum(len(r["snippets"]) for r in recs)}
    for tool in TOOLS:
        recalls = [r[tool]["recall"] for r in recs if r[tool]["recall"] is not None]
        n_kept = sum(len(r[tool]["kept"]) for r in recs)
        out[tool] = {
            "boilerplate_kept": n_kept / out["snippets"] if out["snippets"] else None,
            "editorial_words_kept": sum(recalls) / len(recalls) if recalls else None,
            "empty": sum(r[tool]["empty"] for r in recs),
        }
    return out


def summarise_eval(recs: Sequence[dict]) -> dict:
    with_n = sum(r["eval"]["with"] for r in recs)
    without_n = sum(r["eval"]["without"] for r in recs)
    out: dict = {"pages": len(recs), "with_snippets": with_n, "without_snippets": without_n}
    for tool in TOOLS:
        out[tool] = {
            "without_found": sum(r[tool]["without"] for r in recs) / without_n if without_n else None,
            "with_found": sum(r[tool]["with"] for r in recs) / with_n if with_n else None,
        }
    return out


def build_rows(recs: Sequence[dict], corpora: Sequence[str],
               split: Iterable[str] = ()) -> list[tuple[str, dict]]:
    """A row per corpus, one per source of each corpus in ``split``, and the pool of several corpora."""
    rows = []
    for name in corpora:
        mine = [r for r in recs if r["corpus"] == name]
        rows.append((name, summarise(mine)))
        if name in split:
            sources = sorted({r["source"] for r in mine})
            rows += [(f"{name}/{s}", summarise([r for r in mine if r["source"] == s])) for s in sources]
    if len(corpora) > 1:
        rows.append(("pooled", summarise(recs)))
    return rows


def leaks(recs: Sequence[dict], top: int) -> list[dict]:
    """The boilerplate snippets kept on most pages (by the two outputs together)."""
    measured: Counter = Counter()
    by_tool: dict[str, Counter] = {tool: Counter() for tool in TOOLS}
    for r in recs:
        measured.update(r["snippets"])
        for tool in TOOLS:
            by_tool[tool].update(r[tool]["kept"])
    det, traf = by_tool["detector"], by_tool["trafilatura"]
    order = sorted(set(det) | set(traf), key=lambda s: (-(det[s] + traf[s]), -det[s], s))
    return [{"snippet": s, "pages": measured[s], "detector": det[s], "trafilatura": traf[s]}
            for s in order[:top]]


# -- output -----------------------------------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _cells(values: Iterable[object]) -> str:
    return "| " + " | ".join(str(v) for v in values) + " |"


def markdown(report: dict) -> str:
    lines = [f"## {report['title']}", "", f"Model: {report['model']} — {report['caveat']}.", "",
             f"Pages: {report['pages']}. trafilatura {report['trafilatura_version']}.", ""]
    head = ["rows", "pages", "non-HTML", "chrome labelled", "snippets"]
    head += [f"{m}: {tool}" for m in ("boilerplate kept", "editorial words kept", "empty") for tool in TOOLS]
    lines += [_cells(head), "|---" + "|---:" * (len(head) - 1) + "|"]
    for row in report["rows"]:
        d, t = row["detector"], row["trafilatura"]
        lines.append(_cells([
            row["name"], f"{row['pages']:,}", f"{row['non_html']:,}", f"{row['chrome_labelled']:,}",
            f"{row['snippets']:,}", _pct(d["boilerplate_kept"]), _pct(t["boilerplate_kept"]),
            _pct(d["editorial_words_kept"]), _pct(t["editorial_words_kept"]), f"{d['empty']:,}",
            f"{t['empty']:,}"]))
    lines += ["", "boilerplate kept: lower is cleaner; editorial words kept: higher keeps more of the page's "
              "editorial text. On pages without chrome labels that reference still holds the site chrome "
              "(see the script's docstring). trafilatura was given the raw text of the non-HTML pages."]
    ev = report.get("evaldata")
    if ev is not None:
        s = ev["row"]
        d, t = s["detector"], s["trafilatura"]
        head = ["rows", "pages"] + [f"`{k}` found: {tool}" for k in ("without", "with") for tool in TOOLS]
        lines += ["", _cells(head), "|---" + "|---:" * (len(head) - 1) + "|",
                  _cells([ev["name"], f"{s['pages']:,}", _pct(d["without_found"]), _pct(t["without_found"]),
                          _pct(d["with_found"]), _pct(t["with_found"])]),
                  "", f"`without`: {s['without_snippets']} snippets (lower is cleaner); `with`: "
                  f"{s['with_snippets']} snippets (higher keeps more). {ev['missing']} sampled {EVAL_SOURCE} "
                  f"pages have no entry in {ev['path']}."]
    if report.get("leaks"):
        lines += ["", "Boilerplate snippets kept on most pages (pages where measured; where each output "
                  "kept it):", "", _cells(["snippet", "pages", "detector", "trafilatura"]),
                  "|---|---:|---:|---:|"]
        lines += [_cells([x["snippet"].replace("|", "/"), x["pages"], x["detector"], x["trafilatura"]])
                  for x in report["leaks"]]
    if report.get("crossval_table"):
        lines += ["", "The same cross-validation's sponsored-content table:", "", report["crossval_table"]]
    return "\n".join(lines)


def run_crossval(tasks: list[tuple[str, LabelledPage, dict | None]], folders: Sequence[Path], folds: int,
                 jobs: int) -> tuple[list[dict], str]:
    """Each page measured with a model trained without its site: ``detector crossval``'s fold models
    (every page of ``folders`` goes into the folds; the measures are taken on the tasks' pages). Also
    returns the cross-validation's own table (sponsored pages and notices)."""
    from detector import Detector
    from detector.lab.crossval import cross_validate, format_cv

    cv = cross_validate(folders, folds=folds, n_jobs=jobs)
    pages = [p for f in folders for p in load_corpus(f)]
    fold_of = {str(Path(pages[i].path).resolve()): f for f, ev in enumerate(cv.evidence) for i in ev["held_out"]}
    recs = _measure_by_fold(tasks, fold_of, [lambda ev=ev: Detector(ev["model"]) for ev in cv.evidence], jobs)
    return recs, format_cv(cv)


def run_folds(tasks: list[tuple[str, LabelledPage, dict | None]], folder: Path, jobs: int) -> list[dict]:
    """Each page measured with the saved fold model that held its site out (``detector crossval
    --save-folds``): the same figures as --crossval for the code as it is now, without training. Pages
    that no fold held out are left out."""
    from detector import Detector
    from detector.lab.crossval import FOLDS_FILE
    from detector.model import DetectorModel

    index = json.loads((folder / FOLDS_FILE).read_text(encoding="utf-8"))
    fold_of = {str(Path(path).resolve()): f for f, fold in enumerate(index["folds"]) for path in fold["held_out"]}
    models = [lambda m=fold["model"]: Detector(DetectorModel.load(folder / m, trust=True)) for fold in index["folds"]]
    return _measure_by_fold(tasks, fold_of, models, jobs)


def _measure_by_fold(tasks: list[tuple[str, LabelledPage, dict | None]], fold_of: dict[str, int],
                     detectors: Sequence[Callable[[], object]], jobs: int) -> list[dict]:
    """measure_page over the tasks, each with the detector of the fold that held its page out (``fold_of``:
    a page's resolved path -> its fold; ``detectors``: each fold's, made when its turn comes). Pages that no
    fold held out are left out."""
    global _DETECTOR
    recs: list[dict | None] = [None] * len(tasks)
    key = [str(Path(t[1].path).resolve()) for t in tasks]
    for f, make in enumerate(detectors):
        mine = [k for k in range(len(tasks)) if fold_of.get(key[k]) == f]
        _DETECTOR = make()  # inherited by the forked workers
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        for k, rec in zip(mine, _measure([tasks[k] for k in mine], jobs)):
            recs[k] = rec
    return [r for r in recs if r is not None]


def _measure(tasks: list[tuple[str, LabelledPage, dict | None]], jobs: int, init: tuple = ()) -> list[dict]:
    """measure_page over the tasks, in ``jobs`` forked processes; ``init``: (initializer, args) of each."""
    if jobs <= 1:
        if init:
            init[0](*init[1])
        return [measure_page(t) for t in tasks]
    kw = {"initializer": init[0], "initargs": init[1]} if init else {}
    with multiprocessing.get_context("fork").Pool(jobs, **kw) as pool:
        return list(pool.imap(measure_page, tasks, chunksize=4))


def run(tasks: list[tuple[str, LabelledPage, dict | None]], model: str | None, jobs: int) -> list[dict]:
    return _measure(tasks, jobs, (_init_worker, (model,)))


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", type=Path, default=None,
                    help="a labelled corpus folder (repeatable; default: data and ../shared/realdev)")
    ap.add_argument("--limit", type=int, default=None, metavar="N",
                    help="pages per corpus: every k-th page, N in all")
    ap.add_argument("--evaldata", type=Path, default=None,
                    help="a local copy of trafilatura's tests/evaldata.json")
    ap.add_argument("--model", default=None,
                    help="a model folder instead of the shipped model (loaded with trust=True)")
    ap.add_argument("--crossval", type=int, default=0, metavar="K",
                    help="measure each page with a model trained without its site: K folds by site over every "
                         "page of the corpora (detector crossval's folds; about half an hour on 2 cores); also "
                         "prints the cross-validation's table")
    ap.add_argument("--folds", type=Path, default=None, metavar="DIR",
                    help="measure each page with the saved fold model that held its site out (a folder written "
                         "by detector crossval --save-folds; its models are loaded as trusted)")
    ap.add_argument("--source", action="append", default=None,
                    help="only the pages of this source (repeatable)")
    ap.add_argument("--detector-only", action="store_true", help="do not run trafilatura (its columns read 0)")
    ap.add_argument("--dump", type=Path, default=None, metavar="PATH",
                    help="write each page's record as JSON lines (with the evaldata snippets each output got "
                         "wrong: page text, keep it out of the repository)")
    ap.add_argument("--html-only", action="store_true", help="HTML pages only (trafilatura reads HTML)")
    ap.add_argument("--leaks", type=int, default=0, metavar="N", help="list the N snippets kept most often")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1)")
    ap.add_argument("--format", choices=("md", "json"), default="md")
    args = ap.parse_args(argv)

    folders = args.corpus or [d for d in DEFAULT_CORPORA if (d / "labels.jsonl").is_file()]
    if not folders:
        raise SystemExit("no corpus found: give --corpus DIR")
    evaldata = load_evaldata(args.evaldata) if args.evaldata else None
    global _RUN_TRAFILATURA, _DUMP
    _RUN_TRAFILATURA, _DUMP = not args.detector_only, args.dump is not None
    tasks: list[tuple[str, LabelledPage, dict | None]] = []
    names, counts, split, missing = [], [], set(), 0
    for folder in folders:
        name = folder.resolve().name
        pages = load_corpus(folder)
        if 1 < len({p.source for p in pages}) <= MAX_SOURCES_SPLIT:
            split.add(name)
        if args.html_only:
            pages = [p for p in pages if ".htm" in p.file.lower()]
        if args.source:
            pages = [p for p in pages if p.source in args.source]
        chosen = sample(pages, args.limit)
        orig = originals(folder) if evaldata else {}
        for p in chosen:
            entry = None
            if evaldata and p.source == EVAL_SOURCE:
                entry = evaldata[0].get(orig.get(p.id, "")) or evaldata[1].get(p.url.strip())
                missing += entry is None
            tasks.append((name, p, entry))
        names.append(name)
        counts.append(f"{len(chosen):,} of {len(pages):,} from {name}")

    t0 = time.perf_counter()
    cv_table = None
    if args.crossval:
        recs, cv_table = run_crossval(tasks, folders, args.crossval, args.jobs)
    elif args.folds:
        recs = run_folds(tasks, args.folds, args.jobs)
    else:
        recs = run(tasks, args.model, args.jobs)
    print(f"{len(recs)} pages in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    import trafilatura

    report: dict = {
        "title": "Boilerplate in the editorial text: detector beside trafilatura",
        "model": (f"{args.crossval} models, one per fold by site" if args.crossval
                  else f"the fold models of {args.folds}" if args.folds else args.model or "the shipped model"),
        "caveat": (CROSSVAL if args.crossval or args.folds else INSAMPLE if not args.model else
                   "in-sample on any page it was trained on (see its metadata.json)"),
        "pages": "; ".join(counts) + (" (HTML only)" if args.html_only else "")
                 + (f"; every k-th page, --limit {args.limit}" if args.limit else ""),
        "trafilatura_version": trafilatura.__version__,
        "rows": [{"name": n, **s} for n, s in build_rows(recs, names, split)],
    }
    if evaldata is not None:
        report["evaldata"] = {"name": f"realdev/{EVAL_SOURCE} (evaldata)", "path": str(args.evaldata),
                              "missing": missing, "row": summarise_eval([r for r in recs if "eval" in r])}
    if args.leaks:
        report["leaks"] = leaks(recs, args.leaks)
    if cv_table is not None:
        report["crossval_table"] = cv_table
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.format == "json" else markdown(report))


if __name__ == "__main__":
    main()
