"""Blocks: every table rendering becomes the same grid; headings broken over lines are joined."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import blocks, normalize
from nlp import headings as H
from nlp import patterns as P


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


@pytest.mark.parametrize("sep", ["\n", "\r\n", "\r"])
def test_markdown_heading_marks_count_on_every_line(sep):
    # a "#" mark makes a short line a heading wherever the line is (it once counted on the
    # first line only); "#" inside a line or after 4 characters is not a mark
    lines = ["# 某县教育局2023年政府信息公开工作年度报告", "", "## 总体情况", "本年度主动公开政府信息120条。",
             "## 工作成效", "本年度收到申请5件。", "  ### 附表", "    ## 缩进太深", "说明 ## 不是标记"]
    text = sep.join(lines) + sep
    norm, _ = normalize.normalize(text)
    kinds = {b.text: b.kind for b in blocks.segment(norm, text)}
    assert kinds["工作成效"] == "heading"
    assert kinds["附表"] == "heading"
    assert kinds.get("## 缩进太深", kinds.get("缩进太深")) != "heading"
    assert "heading" not in {k for t, k in kinds.items() if "不是标记" in t}


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


def test_space_rows_keep_their_spans_wherever_they_are_printed():
    """The cells of a space-aligned row are remembered relative to its line: the same row at
    another offset gets its own spans (and a label broken by spaces is rejoined)."""
    rows = "规 章    0    0    0\n行政规范性文件    1    0    6\n"
    text = "二、主动公开政府信息情况\n" + rows + "正文。\n" + rows + "三、收到和处理政府信息公开申请情况\n"
    norm, _ = normalize.normalize(text)
    tables = [b for b in blocks.segment(norm, text) if b.kind == "table"]
    assert [t.rendering for t in tables] == ["spaces", "spaces"]
    assert tables[0].rows[0][0].text == tables[1].rows[0][0].text == "规章"
    assert tables[1].rows[0][0].start > tables[0].rows[-1][-1].end
    for table in tables:
        for row in table.rows:
            assert text[row[0].start : row[0].end].replace(" ", "") == row[0].text
            assert all(text[c.start : c.end] == c.text for c in row[1:])


def test_only_a_number_or_a_no_value_mark_ends_a_space_row():
    """_line_facts reads a line as a space-aligned row only when its last character may end a
    number (a digit) or a "no value" mark (_NO_VALUE_LAST)."""
    for c in map(chr, range(0x10000)):
        if not P.SPACE_TOKEN.fullmatch(c):
            continue  # (not in a token of a row)
        if P.NUMBER.match(c) or P.NUMBER.match("1" + c) or P.NO_VALUE.match(c) or P.NO_VALUE.match(c + c):
            assert c.isdigit() or c in blocks._NO_VALUE_LAST, hex(ord(c))


def test_page_hint_is_in_every_spam_hint_and_chrome_line_match():
    """A line PAGE_HINT does not find is neither spam by its words nor chrome: every SPAM_HINT
    word and a literal word of every CHROME_LINE alternative is one of PAGE_HINT's."""
    hints = P.PAGE_HINT.pattern.split("|")
    assert set(P.SPAM_HINT.pattern.split("|")) <= set(hints)
    alternatives, depth, start = [], 0, 0
    pattern = P.CHROME_LINE.pattern
    for k, c in enumerate(pattern):  # (the top-level alternatives: no "|" or paren is escaped in it)
        depth += (c == "(") - (c == ")")
        if c == "|" and depth == 0:
            alternatives.append(pattern[start:k])
            start = k + 1
    alternatives.append(pattern[start:])
    for alternative in alternatives:
        assert any(h in alternative.replace("(?:【\\s*)?", "") for h in hints), alternative
    samples = ["版权所有", "主办单位：某局", "ICP备123号", "网站标识码", "网站地图", "公网安备", "技术支持：某公司",
               "联系我们", "打印本页", "关闭窗口", "字体：大 中 小", "分享到", "扫一扫", "浏览次数：3", "访问量：9",
               "来源：本局 发布时间：2022", "发布时间：2022 来源：本局", "当前位置：首页", "您现在的位置", "首页 > 公开",
               "无障碍", "适老化", "上一篇", "下一篇", "相关链接", "返回顶部", "收藏本站", "设为首页"]
    for line in samples:
        assert P.CHROME_LINE.search(line) and P.PAGE_HINT.search(line), line


def test_letters_are_seen_wherever_the_letter_hint_finds_one():
    """_may_hold_letters is False only for texts without a character SPAM_HINT_LETTER finds."""
    for c in map(chr, range(0x10000)):
        if P.SPAM_HINT_LETTER.search(c):
            assert blocks._may_hold_letters("公开" + c + "。"), hex(ord(c))
    assert not blocks._may_hold_letters("全年公开信息123条，（一）主动公开。\n\t0\t/\n")


def test_spam_found_by_its_letters_only():
    text = "一、总体情况\n正文第一段。\n最新casino平台\n加微信：abc12345\n六、其他需要报告的事项\n无。\n"
    norm, _ = normalize.normalize(text)
    kinds = [(b.kind, b.text[:4]) for b in blocks.segment(norm, text)]
    assert ("spam", "最新ca") in kinds and ("spam", "加微信：") in kinds


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("一二、(1)第部分总体情况主动公开政府信息。 \t0|#"), max_size=45), max_size=8))
def test_fence_is_a_section_heading_whatever_the_line_length(texts):
    # _line_facts leaves may_fence True, untested, on lines of more than 30 characters
    text = "\n".join(texts + ["一、主   动   公   开   政   府   信   息   情   况"])  # (39 characters, a fence)
    lines = blocks.Lines(text)
    for i, t in enumerate(lines.texts):
        assert lines.fence(i) == H.is_section_heading(t, i in lines.markdown)


def test_joined_heading_spans_its_lines():
    text = "正文。\n五\n、\n存\n在\n的\n主\n要\n问\n题\n正文二。\n"
    norm, _ = normalize.normalize(text)
    heading = next(b for b in blocks.segment(norm, text) if b.kind == "heading")
    assert text[heading.start : heading.end] == "五\n、\n存\n在\n的\n主\n要\n问\n题"


#: line pieces for the line-fact tests: tabs, pipes, blanks of several kinds (str.strip's),
#: numbers, words and sentence ends
_LINE_ALPHABET = st.sampled_from(["\t", "|", " ", "\u3000", "\x1f", "0", "12", "/", "规章", "一、", "情况", "。", "a"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE_ALPHABET, max_size=30).map("".join))
def test_line_facts_kind_is_the_kind_of_the_line(t):
    # _line_facts tells the kind of a line without a tab itself, from the text it strips
    assert blocks._line_facts(t)[0] == blocks._kind(t)
    assert blocks._line_facts(t, markdown=True)[0] == blocks._kind(t)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE_ALPHABET, max_size=12).map("".join), st.sampled_from(["\t", "|"]))
def test_cells_are_trimmed_with_their_spans(text, sep):
    start = 7
    printed = "x" * start + text
    for cell in [blocks._cell(text, start), *blocks._split_row(text, start, sep)]:
        assert cell.text == cell.text.strip() == printed[cell.start : cell.end]
    parts = text.split(sep)
    cells = blocks._split_row(text, start, sep)
    assert [c.text for c in cells] == [p.strip() for p in parts]
    pos = start
    for part, cell in zip(parts, cells):  # a blank part's cell is empty at the part's end
        assert cell.start == pos + len(part) - len(part.lstrip())
        pos += len(part) + len(sep)


def _naive_scattered_region(lines: blocks.Lines, i: int) -> int:
    """_Scattered.region by a plain scan from line i (the rule as its docstring states it)."""
    sorts, n = lines.sorts, lines.n
    end = next((j for j in range(i, n) if sorts[j] == blocks.HARD), n)
    first_number = next((j for j in range(i, n) if sorts[j] == blocks.NUMBER), n)
    if i + 9 < n:
        word = next((j for j in range(i + 9, n) if sorts[j] == blocks.WORD), n)
        if word < end and word < first_number:
            end = word
    numbers = sum(sorts[j] == blocks.NUMBER for j in range(i, end))
    j = end
    while j > i and sorts[j - 1] == blocks.BLANK:
        j -= 1
    texts = sum(lines.kinds[k] == "text" for k in range(i, j))
    return j if numbers >= 4 and numbers >= 0.4 * texts else i


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["0", "12", "/", "规章", "本年新收", "", " ", "\t", "\t0", "a\tb",
                                 "一、总体情况", "全年公开信息。", "行政规范性文件的制定和清理情况说明以及其他"]),
                max_size=40))
def test_scattered_region_is_the_plain_scan(texts):
    # _Scattered counts by binary searches in lists of line numbers: the same run as a scan
    lines = blocks.Lines("\n".join(texts) + "\n")
    scattered = blocks._Scattered(lines)
    for i in range(lines.n):
        assert scattered.region(i) == _naive_scattered_region(lines, i), i


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["发布时间", "：", "2022", " ", "来源", "浏览", "次数", "设为", "首页", "公网", "安备", "关闭",
                                 "窗口", "公开", "主办", "单位", "时时彩", "办证", "电话", "。", ">"]), max_size=12).map("".join))
def test_page_hint_finds_every_line_chrome_or_spam_words_find(line):
    # PAGE_HINT takes some words from further in (网安, 闭窗) or leaves them to a hint they hold
    if P.CHROME_LINE.search(line) or P.SPAM_HINT.search(line):
        assert P.PAGE_HINT.search(line), line
