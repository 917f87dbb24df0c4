"""HTML pages as saved from government sites: chrome ignored, tables kept as grids."""

from __future__ import annotations

from pathlib import Path

import pytest

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
