"""Blocks: every table rendering becomes the same grid; headings broken over lines are joined."""

from __future__ import annotations

import pytest

from nlp import blocks, normalize


def grid(text: str) -> tuple[str, list[list[str]]]:
    norm, _ = normalize.normalize(text)
    tables = [b for b in blocks.segment(norm, text) if b.kind == "table"]
    assert len(tables) == 1, [b.kind for b in blocks.segment(norm, text)]
    return tables[0].rendering, [[c.text for c in row] for row in tables[0].rows]


EXPECTED_T2 = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"], ["行政规范性文件", "1", "", "6"]]

RENDERINGS = [
    (
        "tabs",
        "二、主动公开政府信息情况\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t1\t\t6\n三、收到和处理政府信息公开申请情况\n",
        EXPECTED_T2,
    ),
    (
        "cell_lines",
        "二、主动公开政府信息情况\n\t信息内容\n\t本年制发件数\n\t本年废止件数\n\t现行有效件数\n\n\t规章\n\t0\n\t0\n\t0\n\n\t行政规范性文件\n\t1\n\t \n\t6\n\n三、收到和处理政府信息公开申请情况\n",
        EXPECTED_T2,
    ),
    (
        "cell_lines",  # header labels broken over lines: 本年制\n发件数
        "二、主动公开政府信息情况\n\t信息内容\n\t本年制\n发件数\n\t本年废\n止件数\n\t现行有效件数\n\n\t规章\n\t0\n\t0\n\t0\n\n\t行政规范性文件\n\t1\n\t\n\t6\n\n三、收到和处理政府信息公开申请情况\n",
        EXPECTED_T2,
    ),
    (
        "pipes",
        "二、主动公开政府信息情况\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 1 |  | 6 |\n三、收到和处理政府信息公开申请情况\n",
        EXPECTED_T2,
    ),
    (
        "markdown",
        "二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|:---:|---|---|\n| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 1 |  | 6 |\n\n三、收到和处理政府信息公开申请情况\n",
        EXPECTED_T2,
    ),
    (
        "spaces",
        "二、主动公开政府信息情况\n规章    0    0    0\n行政规范性文件    1    0    6\n三、收到和处理政府信息公开申请情况\n",
        [["规章", "0", "0", "0"], ["行政规范性文件", "1", "0", "6"]],
    ),
    (
        "lines",  # scattered by PDF conversion: no positions, a label starts a row
        "二、主动公开政府信息情况\n信息内容\n本年制发件数\n规章\n0\n0\n0\n行政规范性文件\n1\n0\n6\n三、收到和处理政府信息公开申请情况\n",
        [["信息内容"], ["本年制发件数"], ["规章", "0", "0", "0"], ["行政规范性文件", "1", "0", "6"]],
    ),
]


@pytest.mark.parametrize("rendering,text,expected", RENDERINGS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(RENDERINGS)])
def test_renderings_give_the_grid(rendering, text, expected):
    got_rendering, rows = grid(text)
    assert got_rendering == rendering
    assert rows == expected


def test_pipes_with_stray_merged_cells():
    text = "四、政府信息公开行政复议、行政诉讼情况\n| 行政复议 | | | | | 行政诉讼 |||\n| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n五、存在的主要问题及改进情况\n"
    rendering, rows = grid(text)
    assert rendering == "pipes"
    assert rows[0][:2] == ["行政复议", ""] and rows[0][5] == "行政诉讼"
    assert rows[1] == ["0"] * 8


def test_cell_spans_point_at_the_printed_text():
    text = "三、收到和处理政府信息公开申请情况\n\t一、本年新收\n\t 1,234 \n\t\n\t５\n\n四、政府信息公开行政复议、行政诉讼情况\n"
    norm, _ = normalize.normalize(text)
    table = next(b for b in blocks.segment(norm, text) if b.kind == "table")
    cells = table.rows[0]
    assert [c.text for c in cells] == ["一、本年新收", "1,234", "", "5"]
    assert text[cells[1].start : cells[1].end] == "1,234"
    assert text[cells[3].start : cells[3].end] == "５"  # the printed full-width digit


def test_table3_row_labels_do_not_end_a_cell_table():
    """'\\t四、结转下年度继续办理' is a row of table 3, not section 4 (seed 002)."""
    text = "三、收到和处理政府信息公开申请情况\n\t(七)总计\n\t0\n\t0\n\n\t四、结转下年度继续办理\n\t0\n\t0\n 4、 政府信息公开行政复议、行政诉讼情况\n正文。\n"
    norm, _ = normalize.normalize(text)
    bl = blocks.segment(norm, text)
    assert [b.kind for b in bl] == ["heading", "table", "heading", "paragraph"]
    assert [c.text for c in bl[1].rows[1]] == ["四、结转下年度继续办理", "0", "0"]


def test_heading_printed_one_character_per_line_is_joined():
    text = "正文。\n五\n、\n存\n在\n的\n主\n要\n问\n题\n正文二。\n"
    norm, _ = normalize.normalize(text)
    bl = blocks.segment(norm, text)
    heading = [b for b in bl if b.kind == "heading"]
    assert heading and heading[0].text == "五、存在的主要问题"
    assert text[heading[0].start : heading[0].end].startswith("五\n、\n存")


def test_page_numbers_and_chrome_and_spam_are_not_body():
    text = (
        "首页 > 政务公开 > 年度报告\n某某县教育局2022年政府信息公开工作年度报告\n一、总体情况\n正文第一段。\n- 2 -\n"
        "澳门新葡京娱乐城注册送88元\n六、其他需要报告的事项\n无。\n版权所有：某某县人民政府 ICP备12345678号\n"
    )
    norm, _ = normalize.normalize(text)
    kinds = [(b.kind, b.text[:6]) for b in blocks.segment(norm, text)]
    assert ("chrome", "首页 > 政") in kinds
    assert ("title", "某某县教育局") in kinds
    assert ("spam", "澳门新葡京娱") in kinds
    assert ("chrome", "版权所有：某") in kinds
    assert all(not k[1].startswith("- 2") for k in kinds)
