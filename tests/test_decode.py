"""Decoding: every encoding Chinese report files come in, and every input we refuse.

Each bad input must end as a GkError whose code says what is wrong and whose message
names the file.
"""

from __future__ import annotations

import codecs

import pytest
import zhconv
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import decode, pipeline
from nlp.errors import GkError
from tests.conftest import sample

TEXT = sample("000").read_text(encoding="utf-8")

ENCODINGS = [
    # (file bytes, encoding decode() must report)
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("utf-16"), "utf-16"),  # with BOM
    (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM (Word "Unicode text" exports)
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("gbk"), "gb18030"),
]


@pytest.mark.parametrize("data,encoding", ENCODINGS, ids=[e for _, e in ENCODINGS])
def test_encodings_decode_to_the_same_text(tmp_path, data, encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    source = decode.load(path)
    assert source.encoding == encoding
    assert source.text.lstrip("\ufeff") == TEXT
    summary = pipeline.analyze(path)
    assert summary.meta.agency == "驻马店市商务局"
    assert len(summary.sections) == 6


def test_gb2312_subset_decodes(tmp_path):
    text = "政府信息公开工作年度报告\n一、总体情况\n本年度我局主动公开政府信息120条。\n"
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode("gb2312"))
    assert decode.load(path).text == text


def test_big5_traditional_report(tmp_path):
    """A big5 gateway page: Big5 bytes (which also 'decode' as GB18030 garbage)."""
    traditional = zhconv.convert(TEXT, "zh-tw")
    assert traditional != TEXT
    path = tmp_path / "big5.txt"
    path.write_bytes(traditional.encode("big5"))
    source = decode.load(path)
    assert source.encoding in ("big5hkscs", "cp950")
    assert source.text == traditional
    summary = pipeline.analyze(path)
    assert [s.key for s in summary.sections] == [
        "overview", "proactive", "applications", "review_litigation", "problems", "other"]
    assert summary.meta.agency == "驻马店市商务局"  # matched in simplified form
    assert summary.meta.year == 2021
    assert any("traditional" in w for w in summary.warnings)
    # offsets still point into the printed (traditional) text
    s = summary.sections[4]
    assert traditional[s.start : s.start + 6] == "五、存在的主"


def test_traditional_utf8(tmp_path):
    traditional = zhconv.convert(sample("004").read_text(encoding="utf-8"), "zh-hant")
    path = tmp_path / "trad.txt"
    path.write_text(traditional, encoding="utf-8")
    summary = pipeline.analyze(path)
    assert len(summary.sections) == 6
    assert summary.meta.year == 2020


def test_truncated_gbk_is_read_with_a_warning(tmp_path):
    data = TEXT.encode("gbk")
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:-1] if data[-1] >= 0x80 else data[:-2] + "政".encode("gbk")[:1])
    source = decode.load(path)
    assert source.encoding == "gb18030"
    assert any("undecodable" in w for w in source.warnings)


BAD = [
    # (file name, bytes, error code, words the message must contain)
    ("empty.txt", b"", "E002", "empty"),
    ("blank.txt", b" \n\t\r\n  ", "E002", "empty"),
    ("nul.txt", b"abc\x00\x01\x02\x03def" * 50, "E003", "binary"),
    ("garbage.txt", bytes(range(128, 256)) * 40, "E004", "undecodable"),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "E006", "PDF"),
    ("report.docx", b"PK\x03\x04\x14\x00\x06\x00", "E006", "docx"),
    ("report.xyz", "一、总体情况".encode(), "E006", ".xyz"),
    ("empty.html", b"<html><head><title>x</title><script>var a=1;</script></head><body><nav>home</nav></body></html>",
     "E007", "no text"),
]


@pytest.mark.parametrize("name,data,code,words", BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_name_the_file_and_the_problem(tmp_path, name, data, code, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(GkError) as info:
        pipeline.analyze(path)
    err = info.value
    assert err.code == code
    assert str(path) in str(err)
    assert words.lower() in str(err).lower()


def test_too_large(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    with pytest.raises(GkError) as info:
        pipeline.analyze(path, max_bytes=1000)
    assert info.value.code == "E005" and str(path) in str(info.value)


@pytest.mark.parametrize("stat_size", [0, 10])
def test_a_file_larger_than_its_stat_size_is_read_whole_and_to_the_limit(tmp_path, monkeypatch, stat_size):
    # load reads as many bytes as the size it found: a file that grew since (or one that
    # reports no size, as /proc files do) is read on, and the limit still holds
    path = tmp_path / "grew.txt"
    data = TEXT.encode("utf-8")
    path.write_bytes(data)
    monkeypatch.setattr(decode.os.path, "getsize", lambda name: stat_size)
    assert decode.load(path).text == TEXT
    with pytest.raises(GkError) as info:
        decode.load(path, max_bytes=len(data) - 1)
    assert info.value.code == "E005" and str(path) in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(GkError) as info:
        pipeline.analyze(tmp_path / "nope.txt")
    assert info.value.code == "E001" and "no such file" in str(info.value)
    with pytest.raises(GkError) as info:
        pipeline.analyze(tmp_path)
    assert info.value.code == "E001"


def test_markdown_and_extensionless_files(tmp_path):
    md = tmp_path / "report.md"
    md.write_text(TEXT, encoding="utf-8")
    assert decode.load(md).format == "markdown"
    bare = tmp_path / "REPORT"
    bare.write_text(TEXT, encoding="utf-8")
    assert decode.load(bare).format == "text"
    page = tmp_path / "page"
    page.write_text("<!DOCTYPE html><html><body><p>一、总体情况</p></body></html>", encoding="utf-8")
    assert decode.load(page).format == "html"


# -- the decode stage's cheap tests stand for the ones they replaced ----------------------

def test_isspace_is_strip_to_nothing_for_every_byte_and_character():
    """decode_bytes and from_bytes test "all whitespace" with isspace(), not strip() (no copy)."""
    for b in range(256):
        one = bytes([b])
        assert (not one.strip()) == one.isspace(), one
        assert (not (b" " + one + b"\n").strip()) == (b" " + one + b"\n").isspace(), one
    for code in range(0x110000):
        ch = chr(code)
        assert (not ch.strip()) == ch.isspace(), hex(code)


def _looks_utf16_reference(data: bytes) -> str | None:
    """_looks_utf16 as it was, counting NULs in every sample."""
    sample = data[:8192]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    nuls = even + odd
    if nuls < max(2, len(sample) // 200):
        return None
    if odd >= 0.75 * nuls:
        return "utf-16-le"
    if even >= 0.75 * nuls:
        return "utf-16-be"
    return None


@pytest.mark.parametrize("data", [
    b"", b"\x00", b"ab\x00", b"a\x00b\x00", b"\x00a\x00b", "总体情况 2021".encode("utf-16-le"),
    "总体情况 2021".encode("utf-16-be"), b"x" * 8192 + b"\x00\x00\x00\x00", b"x" * 8188 + b"\x00\x00\x00\x00",
    "本年度".encode() * 3000, ("报告\n" * 3000).encode("utf-16-le"), b"\x00" * 10,
])
def test_looks_utf16_as_before(data):
    assert decode._looks_utf16(data) == _looks_utf16_reference(data)


def test_empty_and_whitespace_files_are_e002():
    for data in (b"", b" \n\t\r\x0b\x0c", "\u3000\n".encode()):
        with pytest.raises(GkError) as e:
            decode.from_bytes(data, "r.txt")
        assert e.value.code == "E002"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"\x00", b"a", "报".encode(), b"\x00\x00", b"\n"]), max_size=40), st.integers(0, 8200))
def test_looks_utf16_as_before_on_mixtures(parts, pad):
    data = b"x" * pad + b"".join(parts)
    assert decode._looks_utf16(data) == _looks_utf16_reference(data)
