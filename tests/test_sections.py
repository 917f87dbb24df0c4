"""Section rules across numbering, wording and structures the seeds do not show."""

from __future__ import annotations

import pytest

from nlp import pipeline

BODY = "本段为正文内容，说明有关情况。"


def keys_and_titles(text: str) -> list[tuple[str, str | None]]:
    summary = pipeline.analyze_bytes(text.encode("utf-8"), "r.txt")
    return [(s.key, s.title) for s in summary.sections]


def report(*headings: str, title: str = "某某县卫生健康委员会2022年政府信息公开工作年度报告") -> str:
    return title + "\n" + "".join(f"{h}\n{BODY}\n" for h in headings)


CASES = [
    (
        "markdown levels and arabic numbering",
        report("## 一、总体情况", "## 二、主动公开政府信息情况", "#### 三、收到和处理政府信息公开申请情况",
               "4、政府信息公开行政复议、行政诉讼情况", "#### 五、存在的主要问题和改进情况", "六、其他需要报告的事项"),
        ["overview", "proactive", "applications", "review_litigation", "problems", "other"],
    ),
    (
        "parenthesized top-level numbering",
        report("（一）总体情况", "（二）主动公开政府信息情况", "（三）收到和处理政府信息公开申请情况",
               "（四）政府信息公开行政复议、行政诉讼情况", "（五）存在问题及改进措施", "（六）其他需要报告的事项"),
        ["overview", "proactive", "applications", "review_litigation", "problems", "other"],
    ),
    (
        "wording variants",
        report("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
               "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进措施", "六、其他需要报告的事项"),
        ["overview", "proactive", "applications", "review_litigation", "problems", "other"],
    ),
    (
        "pre-2019 seven-part structure",
        report("一、概述", "二、主动公开政府信息的情况", "三、依申请公开政府信息和不予公开政府信息的情况",
               "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
               "六、政府信息公开工作存在的主要问题及改进情况", "七、其他需要报告的事项",
               title="某某市人民政府办公室2012年政府信息公开工作年度报告"),
        ["overview", "proactive", "applications", "review_litigation", "problems", "other"],
    ),
    (
        "pre-2019 problems and measures as two headings",
        report("一、概述", "二、主动公开政府信息情况", "三、依申请公开情况", "四、存在的问题", "五、改进措施",
               title="某某镇人民政府2010年政府信息公开工作年度报告"),
        ["overview", "proactive", "applications", "problems"],
    ),
    (
        "section heading spaced out by PDF conversion",
        report("一、总 体 情 况", "二、主 动 公 开 政 府 信 息 情 况", "五、存 在 的 主 要 问 题 及 改 进 情 况"),
        ["overview", "proactive", "problems"],
    ),
    (
        "no headings: everything is overview by position",
        "某某街道办事处2021年政府信息公开工作年度报告\n" + BODY * 3 + "\n" + BODY + "\n",
        ["overview"],
    ),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_section_keys(name, text, expected):
    assert [k for k, _ in keys_and_titles(text)] == expected


def test_subheadings_in_overview_do_not_start_sections():
    text = report(
        "一、总体情况", "（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "（一）存在的主要问题", "（二）改进措施", "六、其他需要报告的事项",
    )
    got = keys_and_titles(text)
    assert [k for k, _ in got] == ["overview", "proactive", "applications", "review_litigation", "problems", "other"]
    assert got[1][1] == "二、主动公开政府信息情况" and got[4][1] == "五、存在的主要问题及改进情况"


def test_preamble_belongs_to_the_overview():
    text = "某某县教育局2021年政府信息公开工作年度报告\n本报告根据条例编制。\n一、总体情况\n正文。\n二、主动公开政府信息情况\n正文。\n"
    summary = pipeline.analyze_bytes(text.encode(), "r.txt")
    assert summary.sections[0].key == "overview"
    assert text[summary.sections[0].start :].startswith("本报告根据条例编制")


def test_methods_and_confidence_are_recorded():
    summary = pipeline.analyze_bytes(CASES[0][1].encode(), "r.txt")
    assert all(s.method == "heading" and 0.5 < s.confidence <= 1 for s in summary.sections)
    summary = pipeline.analyze_bytes(CASES[-1][1].encode(), "r.txt")
    assert summary.sections[0].method == "position" and summary.sections[0].confidence < 0.5
    assert any("no section headings" in w for w in summary.warnings)
