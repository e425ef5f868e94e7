"""Labelled corpora and span alignment: detector.lab.corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from detector.io import read_input
from detector.lab.corpus import IGNORE, Aligner, LabelledPage, block_targets, corpus_hash, load_corpus, split_by_source
from detector.segment import Block, segment

NOTICE_PAGE = (
    "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
    "<h2>IMPORTANT NOTICE</h2><p>This article is sponsored content by Brand.</p>"
    "<p>The review itself is a long editorial paragraph about gardening tools and how well they work.</p>"
    "<footer>© 2024 Example Media. All rights reserved.</footer></body></html>"
)


def write_corpus(folder: Path, records: list[tuple[dict, str, bytes]]) -> Path:
    """A corpus folder: each record is (label line without 'file', file name, page bytes)."""
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    lines = []
    for rec, name, data in records:
        (folder / "pages" / name).write_bytes(data)
        lines.append(json.dumps({**rec, "file": f"pages/{name}"}))
    (folder / "labels.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(
        tmp_path / "corpus",
        [
            (
                {
                    "id": "a",
                    "lang": "en",
                    "source": "site-a",
                    "page": "sponsored",
                    "kind": "sponsored",
                    "url": "https://a.example/x",
                    "spans": [
                        # lxml's text_content() runs the heading and the paragraph together
                        {
                            "label": "sponsored",
                            "text": "IMPORTANT NOTICEThis article is sponsored content by Brand.",
                        }
                    ],
                    "boilerplate": ["© 2024 Example Media. All rights reserved."],
                },
                "a.html",
                NOTICE_PAGE.encode(),
            ),
            (
                {"id": "b", "lang": "de", "source": "site-b", "page": "editorial", "kind": "none"},
                "b.txt.gz",
                gzip.compress(b"Ein Artikel.\n\nNoch ein Absatz."),
            ),
        ],
    )


def labelled(spans=(), page="sponsored", boilerplate=(), teasers=()) -> LabelledPage:
    return LabelledPage(
        id="x", file="x.html", path=Path("x.html"), lang="en", source="s", page=page, kind="",
        spans=list(spans), boilerplate=list(boilerplate), teasers=list(teasers),
    )


def blocks_of(html: str) -> list[Block]:
    return segment(read_input(html.encode(), name="x.html")).blocks


def test_load_corpus_reads_every_line_with_paths_and_defaults(corpus):
    pages = load_corpus(corpus)
    assert [p.id for p in pages] == ["a", "b"]  # the blank trailing line is skipped
    a, b = pages
    assert a.path == corpus / "pages" / "a.html" and a.path.is_file()
    assert (a.lang, a.source, a.page, a.url) == ("en", "site-a", "sponsored", "https://a.example/x")
    assert a.spans[0]["label"] == "sponsored" and a.boilerplate
    assert (b.url, b.boilerplate, b.teasers) == ("", [], [])
    assert read_input(b.path).text == "Ein Artikel.\n\nNoch ein Absatz."


def test_load_corpus_without_labels_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no labels.jsonl"):
        load_corpus(tmp_path)


def test_load_corpus_names_the_bad_line(tmp_path):
    (tmp_path / "labels.jsonl").write_text('{"id": "a", "file": "pages/a.html"}\n{not json\n')
    with pytest.raises(ValueError, match=r"labels\.jsonl:2: not JSON"):
        load_corpus(tmp_path)


def test_span_running_heading_and_paragraph_together_labels_both_blocks(corpus):
    lp = load_corpus(corpus)[0]
    blocks = segment(read_input(lp.path)).blocks
    targets = block_targets(lp, blocks)
    by_text = dict(zip((b.text for b in blocks), targets))
    assert by_text["IMPORTANT NOTICE"] == "sponsored"
    assert by_text["This article is sponsored content by Brand."] == "sponsored"
    assert by_text["Home News"] == "editorial"
    assert by_text["© 2024 Example Media. All rights reserved."] == "boilerplate"
    assert targets.count("editorial") == 2  # nav and the review paragraph


@pytest.mark.parametrize(
    "page_label, expected",
    [
        pytest.param("sponsored", "sponsored", id="sponsored-page"),
        pytest.param("excluded", "sponsored", id="excluded-page"),
        pytest.param("editorial", "sponsored_other", id="editorial-page"),
    ],
)
def test_sponsored_span_class_depends_on_the_page(page_label, expected):
    blocks = blocks_of("<p>Editorial text that stays editorial.</p><aside>Sponsored by Brand</aside>")
    lp = labelled([{"label": "sponsored", "text": "Sponsored by Brand"}], page=page_label)
    assert block_targets(lp, blocks) == ["editorial", expected]


@pytest.mark.parametrize("label", ["affiliate", "disclaimer"])
def test_affiliate_and_disclaimer_spans_keep_their_label(label):
    blocks = blocks_of("<p>Body text of the page.</p><p>We may earn a commission.</p>")
    lp = labelled([{"label": label, "text": "We may earn a commission."}], page="editorial")
    assert block_targets(lp, blocks) == ["editorial", label]


def test_unknown_span_labels_are_ignored():
    blocks = blocks_of("<p>We may earn a commission.</p>")
    lp = labelled([{"label": "other", "text": "We may earn a commission."}])
    assert block_targets(lp, blocks) == ["editorial"]


def test_teaser_labels_and_titles_are_boilerplate():
    blocks = blocks_of("<p>Body text of the page.</p><div>Partner deal of the week</div>")
    lp = labelled(teasers=["Partner deal of the week"], page="editorial")
    assert block_targets(lp, blocks) == ["editorial", "boilerplate"]


def test_span_wins_over_boilerplate_on_the_same_block():
    blocks = blocks_of("<p>Body text of the page.</p><footer>Sponsored by Brand</footer>")
    lp = labelled([{"label": "sponsored", "text": "Sponsored by Brand"}], boilerplate=["Sponsored by Brand"])
    assert block_targets(lp, blocks) == ["editorial", "sponsored"]


def test_block_holding_a_small_part_of_a_notice_is_left_out_of_training():
    blocks = blocks_of(
        "<p>Sponsored by Brand. This long paragraph goes on about many other things, at great length, "
        "so that the notice is only a small share of its characters.</p><p>Plain prose.</p>"
    )
    lp = labelled([{"label": "sponsored", "text": "Sponsored by Brand."}])
    assert block_targets(lp, blocks) == [IGNORE, "editorial"]


def test_span_aligns_to_a_unit_when_units_are_given():
    page = segment(read_input(
        b"<p>(This is a sponsored article.) Time to market matters for every team that ships software, "
        b"and this long editorial sentence keeps going for quite a while longer.</p>",
        name="x.html",
    ))
    items = page.blocks + page.units
    lp = labelled([{"label": "sponsored", "text": "(This is a sponsored article.)"}])
    targets = block_targets(lp, items)
    assert targets[0] == IGNORE
    assert targets[items.index(next(u for u in page.units if u.unit == "head"))] == "sponsored"


@pytest.mark.parametrize(
    "span",
    [
        pytest.param("Sponsored by Brand", id="exact"),
        pytest.param("SPONSORED  BY\n brand!!", id="case-punct-space"),
        pytest.param('Sponsored by <a href="x">Brand</a>', id="html-markup"),
        pytest.param("Sponsored by [Brand](https://brand.example/x)", id="markdown-link"),
    ],
)
def test_aligner_find_ignores_case_punctuation_whitespace_and_markup(span):
    blocks = [Block(index=0, text="Intro."), Block(index=1, text="Sponsored — by Brand.")]
    al = Aligner(blocks)
    hits = al.find(span)
    assert hits == [(5, 5 + len("sponsoredbybrand"))]
    assert al.coverage(span).tolist() == [0, len("sponsoredbybrand")]


def test_aligner_find_returns_every_occurrence_and_nothing_for_absent_or_empty():
    al = Aligner([Block(index=0, text="Ad. Ad."), Block(index=1, text="Text")])
    assert al.find("ad") == [(0, 2), (2, 4)]
    assert al.find("missing words") == []
    assert al.find(" ... ") == []
    assert Aligner([]).find("x") == []


def test_split_by_source_keeps_each_source_on_one_side():
    pages = [labelled() for _ in range(20)]
    for i, p in enumerate(pages):
        p.source = f"src{i % 7}"
    train, test = split_by_source(pages, test_share=0.3, seed=1)
    assert sorted(train + test) == list(range(20))
    assert train and test
    assert not {pages[i].source for i in train} & {pages[i].source for i in test}
    assert split_by_source(pages, test_share=0.3, seed=1) == (train, test)  # reproducible


def test_split_by_source_with_one_source_puts_everything_in_train():
    pages = [labelled() for _ in range(3)]
    assert split_by_source(pages) == ([0, 1, 2], [])


def test_corpus_hash_is_stable_and_changes_when_a_page_changes(corpus):
    before = corpus_hash(corpus)
    assert before == corpus_hash(corpus) and len(before) == 64
    page = corpus / "pages" / "a.html"
    page.write_bytes(page.read_bytes().replace(b"gardening", b"kitchen"))
    assert corpus_hash(corpus) != before


def test_corpus_hash_changes_when_labels_change(corpus):
    before = corpus_hash(corpus)
    labels = corpus / "labels.jsonl"
    labels.write_text(labels.read_text().replace('"editorial"', '"excluded"'))
    assert corpus_hash(corpus) != before
