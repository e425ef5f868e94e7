"""Reading and decoding: detector.io."""

from __future__ import annotations

import gzip
import io
import random
import re
import sys

import pytest

from detector.io import InputError, RawPage, ReadLimits, decode, guess_kind, read_input

PAGE = "<html><body><p>Café crème, naïve résumé — “quoted”.</p></body></html>"


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _assert_one_line(err: pytest.ExceptionInfo) -> None:
    msg = str(err.value)
    assert msg and "\n" not in msg


@pytest.mark.parametrize(
    "data, encoding",
    [
        pytest.param(PAGE.encode("utf-8"), "utf-8", id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + PAGE.encode("utf-8"), "utf-8", id="utf8-bom"),
        pytest.param(b"\xff\xfe" + PAGE.encode("utf-16-le"), "utf-16-le", id="utf16le-bom"),
        pytest.param(b"\xfe\xff" + PAGE.encode("utf-16-be"), "utf-16-be", id="utf16be-bom"),
        pytest.param(PAGE.encode("utf-16-le"), "utf-16-le", id="utf16le-no-bom"),
        pytest.param(PAGE.encode("utf-16-be"), "utf-16-be", id="utf16be-no-bom"),
    ],
)
def test_unicode_page_decodes_to_the_same_text(tmp_path, data, encoding):
    page = read_input(_write(tmp_path, "page.html", data))
    assert page.text == PAGE  # BOM stripped, no stray NULs
    assert page.encoding == encoding
    assert page.kind == "html"


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param("<meta charset=iso-8859-1>", id="charset-bare"),
        pytest.param('<meta charset="ISO-8859-1">', id="charset-quoted"),
        pytest.param(
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', id="http-equiv"
        ),
    ],
)
def test_meta_charset_decodes_latin1_page(tmp_path, meta):
    html = f"<html><head>{meta}</head><body><p>Le café à la crème brûlée</p></body></html>"
    page = read_input(_write(tmp_path, "page.html", html.encode("latin-1")))
    assert "Le café à la crème brûlée" in page.text
    assert page.encoding == "cp1252"  # latin-1 is read as its superset, as browsers do


def test_meta_cp1252_decodes_curly_quotes(tmp_path):
    html = "<meta charset=windows-1252><p>“Sponsored” – by Brand</p>"
    page = read_input(_write(tmp_path, "page.html", html.encode("cp1252")))
    assert "“Sponsored” – by Brand" in page.text


def test_invalid_utf8_without_meta_decodes_without_crashing(tmp_path):
    data = b"<p>caf\xe9 cr\xe8me \x80\x81 ok</p>" + b"\xfe\xff\x90" * 10
    page = read_input(_write(tmp_path, "page.html", data))
    assert isinstance(page.text, str)
    assert "<p>caf" in page.text and "ok</p>" in page.text
    assert page.encoding and page.encoding != "utf-8"


def test_latin1_french_text_without_meta_keeps_its_accents():
    raw = "Le café de la rédaction: nous avons testé la crème brûlée, une spécialité appréciée. " * 5
    text, _ = decode(raw.encode("latin-1"), kind_hint="text")
    assert "crème brûlée" in text


@pytest.mark.parametrize(
    "data, what",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "PNG", id="png"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF", id="pdf"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "ELF", id="elf"),
        pytest.param(b"<html>\x00\x01\x02\x00\x00\x00\x07\x00\x00\x00\x00abc", "NUL", id="nul-bytes"),
    ],
)
def test_binary_input_is_an_input_error_with_a_one_line_message(tmp_path, data, what):
    with pytest.raises(InputError, match=what) as err:
        read_input(_write(tmp_path, "page.html", data))
    _assert_one_line(err)


@pytest.mark.parametrize(
    "data, message",
    [
        pytest.param(b"", "empty input", id="empty"),
        pytest.param(b"  \n\t\r\n  ", "white space", id="whitespace"),
        pytest.param(b"\xff\xfe" + " \n\t ".encode("utf-16-le"), "white space", id="utf16-whitespace"),
    ],
)
def test_empty_or_blank_input_is_an_input_error(tmp_path, data, message):
    with pytest.raises(InputError, match=message) as err:
        read_input(_write(tmp_path, "page.html", data))
    _assert_one_line(err)


def test_gzipped_page_is_read_and_kind_comes_from_inner_suffix(tmp_path):
    path = _write(tmp_path, "page.html.gz", gzip.compress(PAGE.encode("utf-8")))
    page = read_input(path)
    assert page.text == PAGE
    assert page.kind == "html"


def test_gzip_data_is_recognised_by_magic_without_gz_suffix():
    page = read_input(gzip.compress(PAGE.encode("utf-8")), name="page.html")
    assert page.text == PAGE


@pytest.mark.parametrize("cut", [pytest.param(-4, id="no-trailer"), pytest.param(0.5, id="half")])
def test_truncated_gzip_is_an_input_error(tmp_path, cut):
    data = gzip.compress(("<p>" + "sponsored notice text " * 400 + "</p>").encode())
    end = cut if isinstance(cut, int) else int(len(data) * cut)
    with pytest.raises(InputError) as err:
        read_input(_write(tmp_path, "page.html.gz", data[:end]))
    _assert_one_line(err)


def test_file_named_gz_that_is_not_gzip_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not gzip"):
        read_input(_write(tmp_path, "page.html.gz", PAGE.encode()))


def test_gzip_bomb_stops_at_max_decompressed(tmp_path):
    data = gzip.compress(b"<p>" + b"a" * 100_000 + b"</p>")
    path = _write(tmp_path, "bomb.html.gz", data)
    with pytest.raises(InputError, match="max_decompressed") as err:
        read_input(path, limits=ReadLimits(max_decompressed=10_000))
    _assert_one_line(err)
    assert len(read_input(path, limits=ReadLimits(max_decompressed=200_000)).text) == 100_007


def test_multi_member_gzip_is_read_to_the_end():
    data = gzip.compress(b"<p>first part</p>") + gzip.compress(b"<p>second part</p>")
    page = read_input(data, name="page.html.gz")
    assert "second part" in page.text


def test_input_above_max_bytes_is_an_input_error(tmp_path):
    path = _write(tmp_path, "page.html", b"<p>" + b"x" * 500 + b"</p>")
    with pytest.raises(InputError, match="max_bytes"):
        read_input(path, limits=ReadLimits(max_bytes=100))
    with pytest.raises(InputError, match="max_bytes"):
        read_input(path.read_bytes(), limits=ReadLimits(max_bytes=100))
    assert read_input(path, limits=ReadLimits(max_bytes=507)).text.startswith("<p>x")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_input(tmp_path / "nope.html")


def test_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_input(tmp_path)


def test_dash_reads_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode("utf-8"))))
    page = read_input("-")
    assert page.text == PAGE and page.path == "-"
    assert page.kind == "html"  # sniffed: "-" has no suffix


@pytest.mark.parametrize(
    "name, kind",
    [
        pytest.param("a.html", "html", id="html"),
        pytest.param("A.HTM", "html", id="htm-upper"),
        pytest.param("a.xhtml", "html", id="xhtml"),
        pytest.param("a.txt", "text", id="txt"),
        pytest.param("a.md", "markdown", id="md"),
        pytest.param("a.markdown.gz", "markdown", id="markdown-gz"),
        pytest.param("dir.md/a.html.gz", "html", id="html-gz-in-dotted-dir"),
        pytest.param("a.unknown", "text", id="unknown-no-text"),
    ],
)
def test_guess_kind_by_suffix(name, kind):
    assert guess_kind(name) == kind


@pytest.mark.parametrize(
    "text, kind",
    [
        pytest.param("<!DOCTYPE html><html><p>x</p></html>", "html", id="doctype"),
        pytest.param("  \n<div class=a>hello</div>", "html", id="div"),
        pytest.param("Some words.\n<p>para</p> and </p>", "html", id="p-tag-later"),
        pytest.param("# Title\n\nSome text.", "markdown", id="md-heading"),
        pytest.param("Intro\n- item one\n- item two", "markdown", id="md-list"),
        pytest.param("See [the docs](https://example.org) now.", "markdown", id="md-link"),
        pytest.param("Just a plain line of text.\nAnd another.", "text", id="plain"),
    ],
)
def test_guess_kind_by_sniffing_when_suffix_says_nothing(text, kind):
    assert guess_kind("page.dat", text) == kind
    assert guess_kind("page.txt", text) == "text"  # a known suffix wins over sniffing


def test_bytes_input_is_sniffed_and_labelled():
    page = read_input(b"# Heading\n\nBody text.")
    assert isinstance(page, RawPage)
    assert page.kind == "markdown" and page.path == "<bytes>"
    assert read_input(b"# Heading", kind="text").kind == "text"


def test_gunzip_with_isal_gives_zlibs_bytes_and_zlibs_errors():
    """ISA-L reads a gzip stream to the same bytes as zlib; where either refuses one, the error is
    zlib's, word for word (the stream is read again with zlib)."""
    import gzip
    import random
    import zlib

    from detector import io as dio

    if dio._isal_zlib is None:
        pytest.skip("python-isal is not installed")
    rnd = random.Random(5)
    limits = dio.ReadLimits(max_decompressed=50_000)
    streams = []
    for _ in range(60):
        body = bytes(rnd.choice(b"abc <p>\n\xc3\xa9") for _ in range(rnd.randrange(0, 60_000)))
        z = gzip.compress(body, compresslevel=rnd.choice([1, 6, 9]))
        streams += [z, z + b"\0\0" + gzip.compress(b"more"), z[: rnd.randrange(0, len(z))], z + b"junk"]
        bad = bytearray(z)
        bad[rnd.randrange(10, len(bad))] ^= 0xFF
        streams.append(bytes(bad))

    def outcome(fn, raw):
        try:
            return fn(raw, limits)
        except dio.InputError as err:
            return str(err)

    for raw in streams:
        want = outcome(lambda r, lim: dio._gunzip_with(zlib, r, lim), raw)
        assert outcome(dio._gunzip, raw) == want
        if isinstance(want, bytes):
            assert outcome(lambda r, lim: dio._gunzip_with(dio._isal_zlib, r, lim), raw) == want


def test_utf8_bytes_are_kept_only_when_they_are_the_text():
    html = "<html><body><p>Café — naïve</p></body></html>"
    page = read_input(html.encode("utf-8"), name="p.html")
    assert page.utf8 == html.encode("utf-8") and page.utf8.decode("utf-8") == page.text
    assert read_input(b"\xef\xbb\xbf" + html.encode("utf-8"), name="p.html").utf8 is None  # a BOM
    assert read_input(html.encode("cp1252", errors="replace"), name="p.html").utf8 is None  # not UTF-8
    assert read_input(gzip.compress(html.encode("utf-8")), name="p.html.gz").utf8 == html.encode("utf-8")


# The first _mostly_utf8, by regular expressions: what the counting one must give, byte for byte.
_REF_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|"
    rb"\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|"
    rb"\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_REF_ESCAPED = re.compile("[\udc80-\udcff]+")


def _mostly_utf8_by_regex(raw: bytes) -> str | None:
    from detector.io import _cp1252

    valid = len(_REF_MULTI.findall(raw))
    if not valid:
        return None
    text = raw.decode("utf-8", errors="surrogateescape")
    if sum(map(len, _REF_ESCAPED.findall(text))) > valid:
        return None
    return _REF_ESCAPED.sub(lambda m: _cp1252(m.group().encode("utf-8", errors="surrogateescape")), text)


def test_mostly_utf8_counts_as_the_regular_expressions_did():
    from detector.io import _mostly_utf8

    rng = random.Random(7)
    pieces = ["é", "ü", "€", "–", "日本", "𝄞", "ok ", "<p>", "\n"]
    bad = [b"\x80", b"\xe9", b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9d", b"\xed\xa0\x80", b"\xc0\xaf", b"\x81\x8d"]
    seen = {None: 0, "text": 0}
    for _ in range(3000):
        parts = [rng.choice(pieces).encode("utf-8") if rng.random() < 0.7 else rng.choice(bad)
                 for _ in range(rng.randint(0, 12))]
        raw = b"".join(parts)
        want = _mostly_utf8_by_regex(raw)
        assert _mostly_utf8(raw) == want, raw
        seen["text" if want is not None else None] += 1
    assert min(seen.values()) > 300  # both answers were met, many times
    page = "Café crème – 10 €, naïve résumé. ".encode() * 20 + b"caf\xe9 \x93quoted\x94 \x81"
    got = _mostly_utf8(page)
    assert got == _mostly_utf8_by_regex(page) and got.endswith("café \u201cquoted\u201d \x81")
