"""Normalizers: tables of (input, expected), and the length-preserving contract."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import normalize as N
from nlp import patterns as P


@pytest.mark.parametrize(
    "text,expected",
    [
        ("２０２１年", "2021年"),
        ("（一）主动公开", "(一)主动公开"),
        ("﹙一﹚主动公开", "(一)主动公开"),
        ("ＡＢＣ１２３", "ABC123"),
        ("规章，０，０", "规章，0，0"),  # Chinese punctuation is kept
        ("本年增／减", "本年增/减"),
        ("−4", "-4"),
        ("a\u3000b\u00a0c\u2003d\u200be", "a b c d e"),
        ("\t0\t", "\t0\t"),  # tabs are structure
    ],
)
def test_fold_width_and_spaces(text, expected):
    assert N.fold_width_and_spaces(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("## 一、总体情况", "   一、总体情况"),
        ("#### 五、存在的主要问题", "     五、存在的主要问题"),
        ("**一是**网站建设", "  一是  网站建设"),
        ("第#1号", "第#1号"),  # a '#' inside a line is not a heading mark
        ("正文\r## 二、主动公开", "正文\r   二、主动公开"),  # a line after "\r" alone starts a line too
        ("正文\r\n## 二、主动公开", "正文\r\n   二、主动公开"),
        ("####### 七个井号", "####### 七个井号"),  # more than six is no heading mark
    ],
)
def test_blank_markdown(text, expected):
    assert N.blank_markdown(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("正文\n- 1 -\n正文", "正文\n     \n正文"),
        ("正文\n— 12 —\n", "正文\n      \n"),
        ("正文\n第3页 共10页\n", "正文\n        \n"),
        ("正文\n  2/10  \n", "正文\n        \n"),
        ("规章\t0\t-\t1", "规章\t0\t-\t1"),  # a dash cell is not a page number
        ("2021", "2021"),  # neither is a year on its own line
    ],
)
def test_blank_page_numbers(text, expected):
    assert N.blank_page_numbers(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("政府資訊公開工作年度報告", "政府资讯公开工作年度报告"),
        ("存在的主要問題及改進情況", "存在的主要问题及改进情况"),
        ("行政複議、行政訴訟", "行政复议、行政诉讼"),
    ],
)
def test_traditional(text, expected):
    assert N.to_simplified(text) == expected


def test_is_traditional():
    assert N.is_traditional("本機關政府資訊公開工作年度報告，存在的主要問題及改進情況，行政複議。" * 3)
    assert not N.is_traditional("本机关政府信息公开工作年度报告，存在的主要问题及改进情况。" * 3)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_normalize_preserves_length(text):
    out, _ = N.normalize(text)
    assert len(out) == len(text)
    # line structure is untouched: offsets of line breaks are the same
    assert [i for i, c in enumerate(out) if c in "\r\n"] == [i for i, c in enumerate(text) if c in "\r\n"]


#: characters the one-scan fold meets: foldable, traditional, other CJK, ASCII, line breaks
_FOLD_MIX = "（）０９ＡＺ／－−‐\u3000\u00a0\u200b\x0b資訊開報處與為這個們頁信息公开年报a1 -/\n\t"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_FOLD_MIX), max_size=60), st.integers(0, 70))
def test_fold_counting_traditional_is_fold_and_count(text, sample):
    # the one-scan fold of normalize() against the two scans it replaces
    assert N._fold_counting_traditional(text, sample) == (
        N.fold_width_and_spaces(text),
        len(P.TRADITIONAL_CHARS.findall(text[:sample])),
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("-—–―－页第共/,， \t\n0123456789٣a|"), max_size=40))
def test_page_number_lines_hold_a_hint(text):
    # blank_page_numbers tries only the lines holding a PAGE_NUMBER_HINT_CHARS character
    for m in P.PAGE_NUMBER_LINE.finditer(text):
        assert any(c in m.group() for c in P.PAGE_NUMBER_HINT_CHARS)
    expected = P.PAGE_NUMBER_LINE.sub(lambda m: " " * len(m.group()), text)
    assert N.blank_page_numbers(text) == expected


def test_converting_traditional_script_reads_the_dictionary_without_importing_zhconv():
    """zhconv's import loads pkg_resources (~0.1 s): a process that meets a traditional report
    reads the package's dictionary file instead."""
    import subprocess
    import sys

    code = ("import sys; from nlp import normalize; assert normalize.to_simplified('網站資訊公開') == '网站资讯公开'; "
            "assert 'zhconv' not in sys.modules and 'pkg_resources' not in sys.modules, sorted(sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
