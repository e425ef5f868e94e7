"""Segmentation: detector.segment."""

from __future__ import annotations

import pytest

from detector.io import RawPage
from detector.segment import Block, Page, segment, segment_markdown, segment_text, sentence_units


def seg(text: str, kind: str = "html", **kw) -> Page:
    return segment(RawPage(text=text, kind=kind, path="page", encoding="utf-8"), **kw)


def texts(page_or_blocks) -> list[str]:
    blocks = page_or_blocks.blocks if isinstance(page_or_blocks, Page) else page_or_blocks
    return [b.text for b in blocks]


# ---- HTML -------------------------------------------------------------------------------------


# Visible text: with BEFORE (35 words) a page holds more than MIN_VISIBLE_WORDS words.
BEFORE = ("The harbour committee met on Monday evening to discuss the winter timetable of the passenger ferry, "
          "the price of a season ticket and the long queue of lorries that forms on the quay every Friday.")
AFTER = "Members agreed that the morning crossing should stay, and asked for new figures by March."


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param("<script>var secret = 'SECRET';</script>", id="script"),
        pytest.param("<style>.secret { color: red }</style>", id="style"),
        pytest.param("<template><p>SECRET template</p></template>", id="template"),
        pytest.param("<noscript><p>SECRET noscript</p></noscript>", id="noscript"),
        pytest.param("<div hidden><p>SECRET hidden attr</p></div>", id="hidden-attr"),
        pytest.param('<div style="display:none"><p>SECRET display none</p></div>', id="display-none"),
        pytest.param('<p style="color: red; DISPLAY : none">SECRET spaced</p>', id="display-none-spaced"),
        pytest.param('<span style="visibility: hidden">SECRET invisible</span>', id="visibility-hidden"),
    ],
)
def test_invisible_text_is_dropped(hidden):
    # (a page with fewer than MIN_VISIBLE_WORDS visible words is read again with hidden content shown)
    page = seg(f"<html><body><p>{BEFORE}</p>{hidden}<p>{AFTER}</p></body></html>")
    assert "SECRET" not in page.text and "secret" not in page.text
    assert texts(page) == [BEFORE, AFTER]


def test_tail_text_after_a_hidden_inline_element_is_kept():
    page = seg(f"<p>Visible <span hidden>SECRET</span>and more.</p><p>{BEFORE}</p>")
    assert texts(page) == ["Visible and more.", BEFORE]


# ---- a page whose text only shows once scripts run ----------------------------------------------

ARTICLE = (
    "<h1>Ferry kept running</h1>"
    "<p>The council of a small harbour town voted on Tuesday to keep the passenger ferry running all "
    "winter, after more than two thousand residents signed a petition asking it to undo last year's cuts.</p>"
    "<p>This article is sponsored content paid for by Northwind Ferries Ltd.</p>"
)
ARTICLE_TEXTS = [
    "Ferry kept running",
    "The council of a small harbour town voted on Tuesday to keep the passenger ferry running all winter, "
    "after more than two thousand residents signed a petition asking it to undo last year's cuts.",
    "This article is sponsored content paid for by Northwind Ferries Ltd.",
]
PARSERS = pytest.mark.parametrize("parser", ["lexbor", "lxml"])


def seg_with(parser: str, html: str, monkeypatch) -> Page:
    import detector.htmlblocks as S

    monkeypatch.setattr(S, "PARSER", parser)
    page = seg(html)
    for b in page.blocks:
        assert page.text[b.start : b.end] == b.text
    return page


@PARSERS
def test_streamed_react_page_is_read_from_its_hidden_segment(parser, monkeypatch):
    html = (
        '<!DOCTYPE html><html><head><script src="/app.js" async></script></head><body>'
        '<div id="root"><!--$?--><template id="B:0"></template><p>Loading…</p><!--/$--></div>'
        f'<div hidden id="S:0"><article>{ARTICLE}</article></div>'
        '<script>$RC=function(b,c){/* swaps S:0 in for B:0 */};$RC("B:0","S:0")</script></body></html>'
    )
    page = seg_with(parser, html, monkeypatch)
    assert texts(page) == ["Loading…"] + ARTICLE_TEXTS
    assert "swaps" not in page.text and "$RC" not in page.text  # scripts stay dropped


@PARSERS
def test_noscript_only_page_is_read_from_its_noscript(parser, monkeypatch):
    html = (
        "<html><head><title>Beekeepers' forum</title><noscript><style>.x{}</style></noscript></head>"
        '<body><div id="app"></div><noscript><div class="post"><p>I have kept bees on the allotment for six '
        "years now, and this spring was the first time a whole colony swarmed before I could split it.</p>"
        "<p>Has anyone tried a bait hive on the shed roof, and did the scouts take to it?</p></div></noscript>"
        '<script src="/forum.js"></script></body></html>'
    )
    page = seg_with(parser, html, monkeypatch)
    assert texts(page) == [
        "I have kept bees on the allotment for six years now, and this spring was the first time a whole "
        "colony swarmed before I could split it.",
        "Has anyone tried a bait hive on the shed roof, and did the scouts take to it?",
    ]


@PARSERS
def test_noscript_posts_under_a_menu_are_read(parser, monkeypatch):
    # A forum archive: a long menu of links is all the page shows without scripts; the posts sit in
    # <noscript>. Link text is navigation, not content: the posts are read.
    menu = "".join(f'<li><a href="/f/{i}">Board number {i} of the garden forum</a></li>' for i in range(12))
    html = (
        f"<html><body><nav><ul>{menu}</ul></nav><div id='app'></div><noscript>"
        "<p>I have kept bees on the allotment for six years now, and this spring was the first time a whole "
        "colony swarmed before I could split it.</p></noscript></body></html>"
    )
    page = seg_with(parser, html, monkeypatch)
    assert sum(len(t.split()) for t in texts(page)) > 12 * 7
    assert texts(page)[-1].startswith("I have kept bees on the allotment")


@PARSERS
@pytest.mark.parametrize(
    "wrapper",
    ['<div style="display: none" class="page">', '<main style="opacity:0;VISIBILITY:hidden">',
     '<div hidden="hidden">', "<div hidden>"],
)
def test_display_none_wrapped_page_is_read(parser, wrapper, monkeypatch):
    tag = wrapper[1:].split()[0].rstrip(">")
    page = seg_with(parser, f"<html><body>{wrapper}{ARTICLE}</{tag}></body></html>", monkeypatch)
    assert texts(page) == ARTICLE_TEXTS


@PARSERS
def test_text_drawn_only_in_an_inline_svg_is_read(parser, monkeypatch):
    html = (
        '<html><body><svg viewBox="0 0 400 100"><style>text{font:12px serif}</style>'
        '<text x="0" y="20">Quarterly report: revenue rose by twelve percent on the year</text>'
        '<text x="0" y="40">Repairs and the new subscription service drove the growth in every region'
        "</text></svg></body></html>"
    )
    page = seg_with(parser, html, monkeypatch)
    assert texts(page) == [
        "Quarterly report: revenue rose by twelve percent on the year",
        "Repairs and the new subscription service drove the growth in every region",
    ]


@PARSERS
def test_a_page_with_real_text_does_not_read_its_hidden_junk(parser, monkeypatch):
    html = (
        f"<html><body><article>{ARTICLE}<p>{BEFORE}</p></article>"
        '<div hidden id="cookie-dialog"><p>SECRET consent text</p></div>'
        '<div style="display:none"><p>SECRET modal</p></div>'
        "<noscript><p>SECRET enable JavaScript</p></noscript>"
        "<svg><title>SECRET tooltip</title><rect/></svg></body></html>"
    )
    page = seg_with(parser, html, monkeypatch)
    assert texts(page) == ARTICLE_TEXTS + [BEFORE]


@PARSERS
def test_the_text_an_inline_svg_draws_is_read_on_a_page_with_other_text(parser, monkeypatch):
    html = (
        f"<html><body><article>{ARTICLE}<figure>"
        '<svg viewBox="0 0 400 60"><title>SECRET tooltip</title><desc>SECRET description</desc>'
        '<style>text{font:12px serif}</style><rect width="40" height="10"/>'
        '<text x="0" y="20">Sponsored by <tspan font-weight="bold">Example Bank</tspan></text>'
        '<text x="0" y="40">Water use fell by &amp; large</text></svg>'
        f"<figcaption>The figures.</figcaption></figure><p>{BEFORE}</p>"
        "<script>var icon = '<svg><text>SECRET in a script</text></svg>';</script></article></body></html>"
    )
    page = seg_with(parser, html, monkeypatch)
    assert texts(page) == ARTICLE_TEXTS + ["Sponsored by Example Bank", "Water use fell by & large", "The figures.",
                                           BEFORE]


@PARSERS
def test_a_page_without_text_still_has_no_visible_text(parser, monkeypatch):
    html = (
        "<html><head><title>App</title><style>body{margin:0}</style></head><body>"
        '<div id="root" hidden></div><noscript></noscript><template><p>row template</p></template>'
        "<script>window.__DATA__ = {words: 'many words that are script, not text'}</script></body></html>"
    )
    page = seg_with(parser, html, monkeypatch)
    assert page.blocks == [] and page.text == ""


def test_a_page_without_text_is_scored_as_no_visible_text():
    from detector import Detector

    record = Detector.load().score(b"<html><body><div hidden></div><noscript></noscript></body></html>",
                                   name="empty.html")
    assert record["error"] == "no visible text"


def test_a_short_page_keeps_its_reading_when_revealing_adds_nothing():
    # Under MIN_VISIBLE_WORDS but nothing hidden: the second reading is not even made.
    import detector.htmlblocks as S

    assert S._reveal_hidden("<p>Page not found.</p>") == "<p>Page not found.</p>"
    assert texts(seg("<p>Page not found.</p><script>var a = 1;</script>")) == ["Page not found."]


def test_head_title_is_not_visible_text():
    page = seg("<html><head><title>Page title</title></head><body><p>Body.</p></body></html>")
    assert page.text == "Body."


def test_block_level_elements_split_into_blocks():
    page = seg(
        "<body><div>One<p>Two</p>Three</div><ul><li>Four</li><li>Five</li></ul>"
        "<table><tr><td>Six</td><td>Seven</td></tr></table>Eight<br>Nine</body>"
    )
    assert texts(page) == ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
    assert [b.tag for b in page.blocks][:5] == ["div", "p", "div", "li", "li"]


def test_inline_elements_are_joined_into_one_block():
    page = seg("<p>Hello <b>bold</b>, <i>italic</i> and <a href='/x'>linked <em>words</em></a>   here.</p>")
    assert texts(page) == ["Hello bold, italic and linked words here."]


def test_entities_are_decoded_and_white_space_collapsed():
    page = seg("<p>Fish&nbsp;&amp;\n\n   chips &eacute;t&eacute;</p>")
    assert texts(page) == ["Fish & chips été"]


def test_nav_list_has_link_density_near_one():
    page = seg(
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About us</a></nav>"
        "<p>An ordinary paragraph with <a href='/x'>one link</a> inside a long sentence of prose.</p>"
    )
    nav, para = page.blocks
    assert nav.text == "Home News About us"
    assert nav.link_density > 0.85
    assert para.link_density < 0.2
    assert "nav" in nav.path


def test_links_in_list_items_give_full_link_density():
    page = seg("<ul class='menu'><li><a href='/a'>Alpha</a></li><li><a href='/b'>Beta</a></li></ul>")
    assert [b.link_density for b in page.blocks] == [1.0, 1.0]
    assert all("menu" in b.path and "li" in b.path for b in page.blocks)


@pytest.mark.parametrize("level", range(1, 7), ids=lambda n: f"h{n}")
def test_heading_tags_set_the_heading_flag(level):
    page = seg(f"<h{level}>A <span>title</span></h{level}><p>Body text.</p>")
    assert [(b.text, b.heading, b.tag) for b in page.blocks] == [
        ("A title", True, f"h{level}"),
        ("Body text.", False, "p"),
    ]


def test_every_block_offset_points_at_its_text_in_the_visible_text():
    page = seg(
        "<h1>Title</h1><p>First   para\n with <b>bold</b>.</p><script>x()</script>"
        "<ul><li>One</li><li>Two</li></ul><footer>© 2024 Someone</footer>"
    )
    assert len(page.blocks) == 5
    for b in page.blocks:
        assert page.text[b.start : b.end] == b.text
    assert page.text == "\n".join(texts(page))
    positions = [b.position for b in page.blocks]
    assert positions == sorted(positions) and 0 <= positions[0] < positions[-1] < 1


def test_visible_text_excludes_script_content():
    page = seg("<p>Start</p><script>document.write('sponsored by brand')</script><p>End</p>")
    assert page.text == "Start\nEnd"


def test_xml_declaration_with_encoding_does_not_stop_parsing():
    page = seg('<?xml version="1.0" encoding="utf-8"?><html><body><p>Body.</p></body></html>')
    assert texts(page) == ["Body."]


def test_deeply_nested_html_segments_without_recursion_error():
    html = "<html><body><p>Before.</p>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>"
    page = seg(html)
    assert texts(page)[0] == "Before."


def test_deeply_nested_html_keeps_the_text_after_the_nest():
    html = "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "<p>After the nest.</p></body></html>"
    page = seg(html)
    assert "After the nest." in texts(page)


def test_nesting_deeper_than_max_depth_is_flattened():
    from detector.io import ReadLimits

    html = "<body>" + "<div>" * 30 + "<p>a</p><p>b</p>" + "</div>" * 30 + "</body>"
    assert texts(seg(html)) == ["a", "b"]
    assert texts(seg(html, limits=ReadLimits(max_depth=10))) == ["ab"]


# ---- plain text -------------------------------------------------------------------------------


def test_text_page_splits_on_blank_lines_and_joins_wrapped_lines():
    text = (
        "Introduction\n\n"
        "This paragraph is long enough that it was wrapped over two lines by the author of\n"
        "this little fixture, which is fine.\n\n\n"
        "A second paragraph, also ending in a full stop.\r\n"
    )
    page = seg(text, kind="text")
    assert texts(page) == [
        "Introduction",
        "This paragraph is long enough that it was wrapped over two lines by the author of "
        "this little fixture, which is fine.",
        "A second paragraph, also ending in a full stop.",
    ]
    assert [b.heading for b in page.blocks] == [True, False, False]


def test_text_chunk_of_short_lines_gives_a_block_per_line():
    blocks = segment_text("Home\nNews\nAbout us\nContact")
    assert texts(blocks) == ["Home", "News", "About us", "Contact"]
    assert {b.tag for b in blocks} == {"line"}
    assert not any(b.heading for b in blocks)


@pytest.mark.parametrize(
    "line, heading",
    [
        pytest.param("Our verdict", True, id="short-no-punct"),
        pytest.param("This is a sentence.", False, id="full-stop"),
        pytest.param("Is this a question?", False, id="question"),
        pytest.param("x" * 95, False, id="too-long"),
    ],
)
def test_text_heading_is_a_short_line_without_end_punctuation(line, heading):
    blocks = segment_text(f"{line}\n\nBody.")
    assert blocks[0].heading is heading


# Text written one paragraph a line, as CSV/JSONL text fields, WET records and FineWeb-like corpora hold it.
ONE_PARA_A_LINE = (
    "Harbour town votes to keep its ferry running through the winter\n"
    "The council of a small harbour town decided on Tuesday evening to keep the passenger ferry running "
    "all winter, after a petition signed by more than two thousand residents asked it to reverse the cuts.\n"
    "The ferry links the old quay with the island's only school and its clinic, and families said the "
    "long detour by road had cost them hours every week.\n"
    "This article is sponsored content paid for by Northwind Ferries Ltd.\n"
    "Councillors will review the cost of the service again in the spring, when the new timetable is due.\n"
    "Anzeige\n"
    "Disclaimer: nothing on this page is investment advice.\n"
)


def test_text_one_paragraph_a_line_gives_a_block_per_line():
    page = seg(ONE_PARA_A_LINE, kind="text")
    assert texts(page) == [ln for ln in ONE_PARA_A_LINE.splitlines()]
    assert "This article is sponsored content paid for by Northwind Ferries Ltd." in texts(page)
    assert [b.heading for b in page.blocks] == [True, False, False, False, False, True, False]
    assert {b.tag for b in page.blocks} == {"p"}
    for b in page.blocks:
        assert page.text[b.start : b.end] == b.text


def test_text_notice_line_under_short_lines_is_a_block_of_its_own():
    blocks = segment_text("Paid for by Brightwater Bank\nSavings rates rose again this month.\nAnzeige\nMore below.")
    assert texts(blocks) == ["Paid for by Brightwater Bank", "Savings rates rose again this month.", "Anzeige",
                             "More below."]


HARD_WRAPPED_MAIL = (
    "Hi Anna,\n"
    "\n"
    "thanks for sending the draft over so quickly. I read it on the train this\n"
    "morning and I think the second section works much better now that the\n"
    "numbers come first, but the introduction still promises more than the\n"
    "report delivers.\n"
    "Could you trim it before Friday? I would also like to add a short note\n"
    "about the survey method and the people who answered it.\n"
    "Disclaimer: this message is confidential and meant for its addressee only.\n"
    "\n"
    "Best,\n"
    "Jonas\n"
)


def test_text_hard_wrapped_prose_is_joined_but_a_line_after_a_sentence_is_not():
    page = seg(HARD_WRAPPED_MAIL, kind="text")
    assert texts(page) == [
        "Hi Anna,",
        "thanks for sending the draft over so quickly. I read it on the train this morning and I think the "
        "second section works much better now that the numbers come first, but the introduction still "
        "promises more than the report delivers.",
        "Could you trim it before Friday? I would also like to add a short note about the survey method and "
        "the people who answered it.",
        "Disclaimer: this message is confidential and meant for its addressee only.",
        "Best,",
        "Jonas",
    ]
    assert [b.tag for b in page.blocks][:4] == ["p", "p", "p", "p"]
    for b in page.blocks:
        assert page.text[b.start : b.end] == b.text


def test_text_wrapped_readme_paragraph_at_80_columns_is_one_block():
    para = (
        "The importer reads every file in the folder, checks its header against the\n"
        "schema and writes the rows it accepts to the staging table; the rows it\n"
        "rejects go to a separate file with the reason, so that nothing is lost.\n"
    )
    (block,) = segment_text(para)
    assert block.text == " ".join(para.split())
    assert block.tag == "p" and not block.heading


def test_text_list_of_headlines_near_a_wrap_width_is_not_joined():
    # Lines of similar length without end punctuation, but each one capitalised: no sign of prose that
    # runs on mid-sentence, so each line stays a block.
    lines = [
        "Fishing fleet sets out early as the storm warning over the coast lifts",
        "New bakery on the quay draws a queue before dawn on its very first day",
        "Island school celebrates a hundred years with a week of open lessons",
    ]
    assert texts(segment_text("\n".join(lines))) == lines


def test_text_chunk_with_a_line_over_the_wrap_limit_is_not_hard_wrapped():
    long_line = "A paragraph on one line that runs well past any wrap width, " * 3
    text = ("This line is long enough to look like a wrapped line of prose and has\n"
            "no end mark, yet the chunk also holds a paragraph on a single line.\n" + long_line)
    assert len(segment_text(text)) == 3


def test_text_code_lines_are_not_headings_nor_joined():
    blocks = segment_text("function total(items) {\n  return items.reduce((a, b) => a + b, 0);\n}")
    assert texts(blocks) == ["function total(items) {", "return items.reduce((a, b) => a + b, 0);", "}"]
    assert not any(b.heading for b in blocks)


def test_text_a_heading_sits_between_paragraphs_not_in_a_run_of_short_lines():
    blocks = segment_text("Our verdict\nA fine machine, if a loud one.\nHome\nNews\nContact")
    assert [(b.text, b.heading) for b in blocks] == [
        ("Our verdict", True),
        ("A fine machine, if a loud one.", False),
        ("Home", False),
        ("News", False),
        ("Contact", False),
    ]


def test_flat_html_reads_source_newlines_as_white_space():
    from detector.htmlblocks import _flat_html_blocks

    blocks = _flat_html_blocks("<body><p>A paragraph\nwrapped in the\nsource.</p><div>Next\nbox</div></body>")
    assert texts(blocks) == ["A paragraph wrapped in the source.", "Next box"]


# ---- Markdown ---------------------------------------------------------------------------------


def test_markdown_headings_have_levels_and_flag():
    blocks = segment_markdown("# Top title #\n\nText.\n\n### Third level\n\nSetext\n======\n")
    assert [(b.text, b.tag, b.heading) for b in blocks] == [
        ("Top title", "h1", True),
        ("Text.", "p", False),
        ("Third level", "h3", True),
        ("Setext", "h2", True),
    ]


def test_markdown_setext_heading_with_dashes_is_a_heading():
    blocks = segment_markdown("Title\n-----\n\nBody text.")
    assert (blocks[0].text, blocks[0].heading) == ("Title", True)


def test_markdown_list_items_are_blocks():
    blocks = segment_markdown("Intro line.\n\n- first item\n* second item\n1. third item\n")
    assert [(b.text, b.tag) for b in blocks] == [
        ("Intro line.", "p"),
        ("first item", "li"),
        ("second item", "li"),
        ("third item", "li"),
    ]


def test_markdown_links_are_reduced_to_their_text_and_count_as_link_chars():
    (block,) = segment_markdown(
        "Read [the full review](https://example.org/a_(b) \"t\") and ![a photo](img.png) or [ref][1]."
    )
    assert block.text == "Read the full review and a photo or ref."
    assert block.link_chars == len("the full review") + len("ref")


def test_markdown_emphasis_and_code_marks_are_stripped():
    (block,) = segment_markdown("This is **sponsored** by _Brand_ with `code` and ~~old~~ *news*.")
    assert block.text == "This is sponsored by Brand with code and old news."


def test_markdown_intraword_underscores_are_not_emphasis():
    (block,) = segment_markdown("Set the variable snake_case_name first.")
    assert block.text == "Set the variable snake_case_name first."


def test_markdown_inline_html_block_tags_split_paragraphs():
    blocks = segment_markdown(
        "Before the box.\n<div class=\"note\"><b>Sponsored</b> by Brand.</div>\nAfter the box.\n"
        "<script>alert('SECRET')</script>"
    )
    assert texts(blocks) == ["Before the box.", "Sponsored by Brand.", "After the box."]


def test_markdown_fenced_code_lines_are_pre_blocks_not_headings():
    blocks = segment_markdown("Text.\n\n```python\n# not a heading\nprint(1)\n```\n\n# Real heading\n")
    assert [(b.text, b.tag, b.heading) for b in blocks] == [
        ("Text.", "p", False),
        ("# not a heading", "pre", False),
        ("print(1)", "pre", False),
        ("Real heading", "h1", True),
    ]


def test_markdown_line_after_a_full_sentence_starts_a_new_block():
    page = seg(
        "# Harbour news\n\n"
        "The council decided on Tuesday evening to keep the ferry running all winter.\n"
        "This article is sponsored content paid for by Northwind Ferries Ltd.\n"
        "Councillors will review the cost again in the spring.\n",
        kind="markdown",
    )
    assert texts(page) == [
        "Harbour news",
        "The council decided on Tuesday evening to keep the ferry running all winter.",
        "This article is sponsored content paid for by Northwind Ferries Ltd.",
        "Councillors will review the cost again in the spring.",
    ]
    for b in page.blocks:
        assert page.text[b.start : b.end] == b.text


def test_markdown_soft_wrapped_lines_mid_sentence_stay_one_paragraph():
    blocks = segment_markdown(
        "A hard-wrapped paragraph goes on over the end of this line and\n"
        "continues here, e.g.\n"
        "after an abbreviation, and ends.\n\n"
        "Title: \"Front matter style\"\n"
        "date: 2024-01-02\n"
    )
    assert texts(blocks) == [
        "A hard-wrapped paragraph goes on over the end of this line and continues here, e.g. after an "
        "abbreviation, and ends.",
        "Title: \"Front matter style\" date: 2024-01-02",
    ]


def test_markdown_page_offsets_match_visible_text():
    page = seg("# Title\n\nSome *text* with a [link](x).\n\n- item\n", kind="markdown")
    assert page.text == "Title\nSome text with a link.\nitem"
    for b in page.blocks:
        assert page.text[b.start : b.end] == b.text


# ---- sentence units ---------------------------------------------------------------------------

NOTE_PARA = (
    "(This is a sponsored article.) Time to market matters for every team that ships software, "
    "and this long editorial sentence keeps going for quite a while. "
    "Thanks to Brand for supporting our magazine."
)


def test_leading_parenthetical_becomes_a_head_unit_with_offsets():
    page = seg(f"<h1>Title</h1><p>{NOTE_PARA}</p>")
    heads = [u for u in page.units if u.unit == "head"]
    assert [u.text for u in heads] == ["(This is a sponsored article.)"]
    head = heads[0]
    assert page.text[head.start : head.end] == head.text
    assert head.parent == 1 and head.index == -1
    assert head.start == page.blocks[1].start


def test_last_sentence_becomes_a_tail_unit_with_offsets():
    page = seg(f"<p>{NOTE_PARA}</p>")
    (tail,) = [u for u in page.units if u.unit == "tail"]
    assert tail.text == "Thanks to Brand for supporting our magazine."
    assert page.text[tail.start : tail.end] == tail.text
    assert tail.end == page.blocks[0].end


def test_first_sentence_is_the_head_unit_without_a_parenthetical():
    block = Block(
        index=3,
        text="Sponsored by Brand. The rest of this paragraph is ordinary editorial prose with many words.",
        start=100,
    )
    units = sentence_units(block)
    assert units[0].unit == "head" and units[0].text == "Sponsored by Brand."
    assert (units[0].start, units[0].end, units[0].parent) == (100, 119, 3)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("(Sponsored.) Short text here.", id="under-60-chars"),
        pytest.param(
            "(Sponsored content.) Supercalifragilistic antidisestablishmentarianism words.", id="few-words"
        ),
    ],
)
def test_short_blocks_yield_no_units(text):
    assert sentence_units(Block(index=0, text=text)) == []


def test_headings_yield_no_units():
    long_heading = "This heading is a very long one. It has two sentences and more than twelve words."
    page = seg(f"<h2>{long_heading}</h2>")
    assert page.blocks[0].heading
    assert page.units == []
    assert seg(f"<p>{long_heading}</p>").units  # the same text as a paragraph does


def test_units_can_be_switched_off():
    assert seg(f"<p>{NOTE_PARA}</p>", units=False).units == []


# ---- the walk's short cuts ------------------------------------------------------------------------


def test_collapse_is_the_white_space_regex():
    import random
    import re

    from detector.page import _collapse

    rng = random.Random(0)
    pool = ["a", "b", "漢", " ", "  ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\u200b", "\x1c", "\x85", "\ufeff"]
    for _ in range(2000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert _collapse(s) == re.sub(r"\s+", " ", s).strip(), repr(s)


def test_a_skipped_block_element_keeps_its_tail_and_does_not_close_blocks():
    page = seg(f"<div>Start <div hidden>SECRET</div>middle<script>x</script> end</div><p>Next</p><p>{BEFORE}</p>")
    assert texts(page) == ["Start middle end", "Next", BEFORE]


def test_an_empty_hidden_attribute_hides():
    page = seg(f'<p>{BEFORE}</p><p hidden="">SECRET</p><p hidden>SECRET</p>')
    assert texts(page) == [BEFORE]


def test_paths_take_structure_words_of_the_last_twelve_open_elements():
    nest = "".join(f'<div class="x{i}">' for i in range(14))
    page = seg(f'<nav class="menu"><footer id="footer"><article role="main">{nest}<p class="lead">Deep text.</p>'
               f'{"</div>" * 14}<p>Shallow.</p></article></footer></nav>')
    deep, shallow = page.blocks
    assert deep.path == ("lead",)  # nav, footer and article lie more than 12 open elements up
    assert shallow.path == ("nav", "menu", "footer", "footer", "article", "main")


@pytest.mark.parametrize("html", ["<!-- only a comment -->", "<?php echo 1; ?>", "   <html></html>"])
def test_documents_without_visible_text_give_no_blocks_or_a_clean_error(html):
    from detector.io import InputError

    try:
        page = seg(html)
    except InputError as err:
        assert "cannot parse HTML" in str(err)
    else:
        assert page.blocks == []


def _tree_or_error(text: str, as_utf8: bool):
    from lxml import etree

    opts = dict(remove_comments=True, remove_pis=True, huge_tree=True)
    parser = etree.HTMLParser(encoding="utf-8", **opts) if as_utf8 else etree.HTMLParser(**opts)
    try:
        root = etree.fromstring(text.encode("utf-8") if as_utf8 else text, parser)
        got = None if root is None else etree.tostring(root, encoding="unicode")
    except (etree.ParserError, ValueError) as err:
        got = (type(err).__name__, str(err))
    return got, any("depth" in e.message.lower() for e in parser.error_log)


def test_a_non_ascii_page_parsed_as_utf8_bytes_gives_the_tree_of_the_str():
    # _parse_html hands lxml UTF-8 bytes for a non-ASCII str (faster): the same tree, errors and depth errors
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "data" / "pages"
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.html"))]
    edge = ["é", " é ", "\x00é", "<p>a\x00b é</p>", "\ufeff<p>bom</p>", "<meta charset=latin-1><p>é</p>",
            "<meta http-equiv=content-type content='text/html; charset=shift_jis'><p>日本</p>", "\x85", "\u2028<p>x</p>",
            "😀", "<p>😀 \U0010ffff</p>", "é" + "<div>" * 3000 + "x", "\r\n<p>a\rb é</p>", "<p>\uffff\ufffe</p>",
            "<p>\x01\x1f\x7f\x80\x9f</p>", "<html><body><p>é</p></body></html>after é"]
    texts = [t for t in edge + pages if not t.isascii()]
    assert len(texts) > 500
    for t in texts:
        assert _tree_or_error(t, True) == _tree_or_error(t, False), t[:80]


def test_sentence_splits_are_those_of_the_look_behind_pattern():
    """segment._SENT_SPLIT matches the end mark instead of looking behind for it: the same spans, but
    their first character, on random text made of the characters the pattern cares about."""
    import random
    import re

    from detector.segment import _SENT_SPLIT

    behind = re.compile(r"(?<=[.!?…])[\"'”’)]?\s+(?=[\"'“„(\[*]?[A-ZÀ-ÖØ-ÞĀ-Ž0-9])")
    rnd = random.Random(11)
    alphabet = list(".!?…\"'”’)“„([*") + [" ", "  ", "\n", "\u00a0", "a", "b", "Z", "É", "Ā", "7", "x. Y"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 24)))
        assert [(m.start() + 1, m.end()) for m in _SENT_SPLIT.finditer(text)] == [
            m.span() for m in behind.finditer(text)], repr(text)


def test_a_start_tag_keeps_its_first_attributes_up_to_the_cap():
    from detector.htmlblocks import MAX_ATTRIBUTES, cap_attributes

    many = " ".join(f'data-a{i}="v{i}"' for i in range(MAX_ATTRIBUTES + 500))
    html = f"<html><body><div {many} class=late>Hello there.</div><p {'b ' * 20000}>Second line.</p></body></html>"
    out = cap_attributes(html)
    assert out.count("data-a") == MAX_ATTRIBUTES and f'data-a{MAX_ATTRIBUTES - 1}="v{MAX_ATTRIBUTES - 1}"' in out
    assert f"data-a{MAX_ATTRIBUTES}=" not in out and "class=late" not in out
    assert out.count(" b") == MAX_ATTRIBUTES
    assert "<div data-a0=" in out and ">Hello there.</div>" in out and ">Second line.</p>" in out


@pytest.mark.parametrize("html", [
    "<html><body><p>" + "A long paragraph of the story. " * 2000 + "</p></body></html>",  # long text, no tag
    "<html><head><script>var s = '<e" + " y" * 30000 + "';</script></head><body><p>Hi</p></body></html>",
    '<html><body><div title="' + "x" * 100_000 + '">Hello.</div></body></html>',  # one huge value
    "<html><body>" + "".join(f'<a href="/p{i}" class="c">Link {i}</a>' for i in range(3000)) + "</body></html>",
])
def test_pages_without_an_attribute_bomb_are_left_as_they_are(html):
    from detector.htmlblocks import cap_attributes

    assert cap_attributes(html) is html


def test_an_attribute_bomb_reads_like_the_page_without_it():
    bomb = " ".join(f'a{i}="x"' for i in range(200_000))
    page = RawPage(text=f"<html><body><div {bomb}>Hello world, this is the page.</div></body></html>", kind="html",
                   path="bomb.html", encoding="utf-8")
    plain = RawPage(text="<html><body><div>Hello world, this is the page.</div></body></html>", kind="html",
                    path="plain.html", encoding="utf-8")
    assert [b.text for b in segment(page).blocks] == [b.text for b in segment(plain).blocks]


# ---- at most MAX_BLOCKS blocks a page ---------------------------------------------------------------
@PARSERS
def test_a_page_of_more_blocks_than_the_cap_keeps_the_rest_of_its_text_in_its_last_block(parser, monkeypatch):
    import detector.htmlblocks as S

    n = S.MAX_BLOCKS + 500
    html = "<html><body>" + "".join(f"<p>Note {i} <a href=/x>more</a></p>" for i in range(n)) + "</body></html>"
    page = seg_with(parser, html, monkeypatch)
    assert len(page.blocks) == S.MAX_BLOCKS
    assert texts(page)[:3] == ["Note 0 more", "Note 1 more", "Note 2 more"]
    last = page.blocks[-1]
    assert last.text == " ".join(f"Note {i} more" for i in range(S.MAX_BLOCKS - 1, n))  # every word kept, in order
    assert last.link_chars == 4 * (n - S.MAX_BLOCKS + 1)


def test_python_walk_caps_blocks_as_the_compiled_walks_do():
    import detector.htmlblocks as S
    from detector import _lexwalk

    html = "<html><body>" + "<h2>Title</h2><ul><li>a</li><li>b</li></ul>" * (S.MAX_BLOCKS // 2) + "</body></html>"
    python = S._walk_python(S._parse_html(html, None), 2000)
    assert len(python) == S.MAX_BLOCKS
    if _lexwalk is not None:
        compiled = _lexwalk.blocks(html.encode(), 2000)
        assert [(b.text, b.tag, b.heading) for b in compiled] == [(b.text, b.tag, b.heading) for b in python]


@pytest.mark.parametrize("kind", ["text", "markdown"])
def test_text_and_markdown_pages_are_capped_too(kind):
    import detector.htmlblocks as S

    n = S.MAX_BLOCKS + 3
    body = "\n".join(f"Line number {i}." for i in range(n)) if kind == "text" else "\n\n".join(f"# Part {i}" for i in range(n))
    page = segment(RawPage(text=body, kind=kind, path="p", encoding="utf-8"))
    assert len(page.blocks) == S.MAX_BLOCKS
    word = "Line number" if kind == "text" else "Part"
    assert page.blocks[-1].text == " ".join(f"{word} {i}{'.' if kind == 'text' else ''}" for i in range(S.MAX_BLOCKS - 1, n))
    for b in page.blocks:
        assert page.text[b.start:b.end] == b.text


# ---- Markdown front matter ------------------------------------------------------------------------
def test_a_front_matter_shows_its_title_and_tags_and_hides_its_other_fields():
    doc = (
        '---\ndate: "2015-11-18T14:35:27+01:00"\ntitle: "Une journée au marché {Partenariat}"\n'
        'thumbnail: "https://images.example.org/marche.jpg"\ncategories:\n  - "Lifestyle"\ntags:\n  - "Shopping"\n'
        'description: ""\nslug: "une-journee-au-marche"\n---\n\nBonjour à tous ! Aujourd\'hui, le marché du samedi.\n'
    )
    blocks = segment_markdown(doc)
    assert [(b.text, b.tag, b.heading) for b in blocks] == [
        ("Une journée au marché {Partenariat}", "h1", True),
        ("Categories: Lifestyle · Tags: Shopping", "p", False),
        ("Bonjour à tous ! Aujourd'hui, le marché du samedi.", "p", False),
    ]


def test_toml_front_matter_and_text_between_rules_that_is_no_front_matter():
    assert texts(segment_markdown('+++\ntitle = "Hello world"\ntags = ["garden", "water"]\n+++\nBody text.')) == [
        "Hello world", "Tags: garden, water", "Body text."]
    # a paragraph between two rules is text, not fields: it stays
    assert texts(segment_markdown("---\nSome words of an introduction.\n---\nBody text.")) == [
        "Some words of an introduction.", "Body text."]
