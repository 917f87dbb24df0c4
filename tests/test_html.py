"""HTML pages as saved from government sites: chrome ignored, tables kept as grids."""

from __future__ import annotations

import re
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from nlp import decode, htmltext, pipeline

PAGE = Path(__file__).with_name("data") / "report_page.html"


def test_chrome_is_dropped_and_body_kept():
    view = decode.load(PAGE).view
    assert "var _hmt" not in view and "机构概况" not in view and "版权所有" not in view and "分享到" not in view
    assert view.count("一、总体情况") == 1  # the one in a <script> is gone
    assert "主动公开政府信息312条" in view  # entity &#51; decoded


def test_sections_and_offsets_point_into_the_raw_html():
    raw = PAGE.read_text(encoding="utf-8")
    summary = pipeline.analyze(PAGE)
    assert summary.format == "html"
    assert [s.key for s in summary.sections] == [
        "overview", "proactive", "applications", "review_litigation", "problems", "other"]
    problems = summary.sections[4]
    assert raw[problems.start : problems.start + 14] == "五、存在的主要问题及改进情况"
    assert summary.meta.agency == "某某市自然资源局" and summary.meta.year == 2022


def test_nested_layout_table_is_text_and_merged_cells_resolve():
    source = decode.load(PAGE)
    from nlp import blocks, normalize

    norm, _ = normalize.normalize(source.view)
    tables = [b for b in blocks.segment(norm, source.view) if b.kind == "table"]
    assert len(tables) == 2  # the layout table around the article is not a grid
    t3 = [[c.text for c in row] for row in tables[1].rows]
    # rowspan=3 colspan=2 header: the slots it covers are empty cells
    assert t3[0][0].startswith("(本列数据") and t3[0][1] == "" and t3[0][2] == "申请人情况"
    assert t3[1][:3] == ["", "", "自然人"] and t3[1][8] == "总计"
    assert t3[2][:4] == ["", "", "", "商业企业"]
    assert t3[3] == ["一、本年新收政府信息公开申请数量", "", "5", "1", "0", "0", "0", "0", "6"]
    assert t3[4][:3] == ["三、本年度办理结果", "(一)予以公开", "3"]
    assert t3[5][:3] == ["", "(二)部分公开", "2"]  # under the rowspan of 三、


def test_cell_offsets_map_to_the_raw_cell():
    source = decode.load(PAGE)
    from nlp import blocks, normalize

    norm, _ = normalize.normalize(source.view)
    t2 = [b for b in blocks.segment(norm, source.view) if b.kind == "table"][0]
    cell = t2.rows[3][3]  # 行政规范性文件 现行有效件数
    assert cell.text == "14"
    s, e = source.to_input(cell.start, cell.end)
    assert source.text[s:e] == "14"
    assert source.text[s - 4 : s] == "<td>"


def test_deeply_nested_and_malformed_html_does_not_crash():
    raw = "<div>" * 5000 + "<p>一、总体情况<p>正文<td>x</tr></table>" + "</div>" * 10
    out = htmltext.html_to_text(raw)
    assert "一、总体情况" in out.text and len(out.starts) == len(out.text)


@pytest.mark.parametrize("junk", ["<![foo]>", "<![ x>", "<![if !IE]>", "<![endif]>", "<![CDATA[x]]>"])
def test_odd_marked_sections_are_skipped_not_fatal(junk):
    """Word-exported pages carry <![if …]> sections; html.parser raised on unknown ones and
    lost the whole page. The text around them is kept."""
    page = f"<html><body><p>一、总体情况</p>{junk}<p>本年度主动公开信息。</p></body></html>".encode()
    source = decode.from_bytes(page, "odd.html")
    assert "一、总体情况" in source.view and "本年度主动公开信息。" in source.view


def _rendered(raw: str) -> tuple[str, list[int], list[int], str | None]:
    out = htmltext.html_to_text(raw)
    return out.text, out.starts.tolist(), out.ends.tolist(), out.title


@pytest.mark.parametrize("raw, text, starts, ends", [
    ("<p>a&amp;b</p>", "\na&b\n", [0, 3, 4, 9, 10], [0, 4, 9, 10, 10]),  # text, reference, text
    ("<p>&lt;&gt;x</p>", "\n<>x\n", [0, 3, 7, 11, 12], [0, 7, 11, 12, 12]),  # a reference starts the text
    ("<p>a&zz;b</p>", "\na&zz;b\n", [0, 3, 4, 5, 6, 7, 8, 9], [0, 4, 5, 6, 7, 8, 9, 9]),  # unknown: literal
    ("<p>a<!---->b</p>", "\nab\n", [0, 3, 11, 12], [0, 4, 12, 12]),  # two literal runs apart
    ("<p>&#1;x</p>", "\nx\n", [0, 7, 8], [0, 8, 8]),  # a reference to no character
])
def test_texts_and_references_join_with_the_span_of_each_character(raw, text, starts, ends):
    """_TreeBuilder._append joins a literal run, a reference and a distant run into one text;
    the line break closing an element is where its text ends (not at its start tag: a span
    ending on it would end before it began)."""
    assert _rendered(raw)[:3] == (text, starts, ends)


@pytest.mark.parametrize("attrs, chrome", [
    ({}, False), ({"colspan": "2"}, False), ({"rowspan": "2", "colspan": "3", "width": "9"}, False),
    ({"hidden": ""}, True), ({"colspan": "2", "style": "display: none"}, True), ({"style": "color:red"}, False),
    ({"class": "nav"}, True), ({"id": "footer", "colspan": "2"}, True), ({"class": "content"}, False),
    ({"id": ""}, False),
])
def test_chrome_attributes(attrs, chrome):
    """Only hidden, style, class and id can make an element chrome (_CHROME_ATTRS)."""
    assert htmltext._is_chrome(htmltext._element("td", attrs, 0)) is chrome


#: pieces of pages, among them the elements HTML_TOKEN reads in one match (<td>12</td>, <td></td>)
_PIECES = ["<td>", "</td>", "<tr>", "</tr>", "<table>", "</table>", "<p>", "</p>", "<span>", "</span>",
           "<TD>", "</Td>", "<td colspan=\"2\">", "<title>", "</title>", "<script>", "</script>", "<br>",
           "<pre>", "</pre>", "<li>", "&amp;", "&#51;", "&x", "<!-- -->", " ", "\n", "12", "一 二", "<td></td>",
           "<td>3</td>", "<p>文</p>", "<td> 4 </td>", "<b></b>", "<title>t</title>", "<br></br>", "<td></tr>"]


def _first_alternative_end(pattern: str) -> int:
    """The offset of the "|" that ends the first alternative of ``pattern``."""
    depth = 0
    for k, ch in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            return k
    raise AssertionError("one alternative")


@given(st.lists(st.sampled_from(_PIECES), max_size=60))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_whole_element_tokens_read_as_their_three_tokens(pieces):
    """HTML_TOKEN's first alternative (start tag, text or none, end tag in one match, with its
    fast path in _read_tokens) builds what the start tag, text and end tag read one by one do:
    the same page read with that alternative disabled renders the same, offsets included."""
    raw = "".join(pieces)
    fast = _rendered(raw)
    original = htmltext.P.HTML_TOKEN
    pattern = original.pattern
    disabled = re.compile("(?!)(x)(x)(x)(x)" + pattern[_first_alternative_end(pattern):])  # never matches
    assert disabled.groups == original.groups
    try:
        htmltext.P.HTML_TOKEN = disabled
        general = _rendered(raw)
    finally:
        htmltext.P.HTML_TOKEN = original
    assert fast == general


@pytest.mark.parametrize("keep", [0, 16, htmltext._IOTA_KEEP])
def test_offsets_of_literal_runs_whatever_offset_array_is_kept(keep, monkeypatch):
    """A literal run's offsets are slices of _iota's array, kept between pages up to
    _IOTA_KEEP items: a page longer than that, or growing it, maps the same."""
    monkeypatch.setattr(htmltext, "_IOTA_KEEP", keep)
    monkeypatch.setattr(htmltext, "_iota_kept", htmltext.array("l"))
    for n in (1, 5, 40, 3, 100):
        raw = "<p>" + "x" * n + "</p><table><tr><td>" + "7" * n + "</td></tr></table>"
        text, starts, ends, _ = _rendered(raw)
        cell = raw.index("<td>")
        assert text == "\n" + "x" * n + "\n" + "7" * n + "\n"
        assert starts == [0, *range(3, 3 + n), 3 + n, *range(cell + 4, cell + 4 + n), cell + 4 + n]
        assert ends == [0, *range(4, 4 + n), 3 + n, *range(cell + 5, cell + 5 + n), cell + 4 + n]
        iota = htmltext._iota(len(raw) + 1)
        assert len(iota) >= len(raw) + 1 and iota.tolist()[: len(raw) + 1] == list(range(len(raw) + 1))
        assert len(htmltext._iota_kept) <= keep
