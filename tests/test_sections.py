"""Section rules across numbering, wording and structures the seeds do not show."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import headings as H
from nlp import pipeline
from nlp import sections as S
from nlp.model import Block

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


# -- fast paths of nlp.sections (each must answer as the general path does) -------------

def test_an_ideograph_alone_decides_whether_a_marker_can_start():
    """candidates() skips a paragraph opening with an ideograph by that character alone."""
    for code in range(0x4E00, 0xA000):
        c = chr(code)
        for text in (c, c + "、总体情况", c + " (一)", c + "1、"):
            assert H.cannot_have_marker(text) == H.cannot_have_marker(c), text


def test_paragraphs_with_and_without_markers_as_candidates():
    texts = ["一、总体情况", "二、主动公开政府信息情况", " 三、收到和处理政府信息公开申请情况", "本年度总体情况良好。",
             "第一部分 总体情况", "(五)存在的主要问题及改进情况", "4、政府信息公开行政复议、行政诉讼情况"]
    blocks = [Block("paragraph", 10 * i, 10 * i + 5, text=t) for i, t in enumerate(texts)]
    found = [(c.block, H.vocabulary().keys[c.key]) for c in S.candidates(blocks)]
    assert found == [(0, "overview"), (1, "proactive"), (2, "applications"), (4, "overview"), (5, "problems"),
                     (6, "review_litigation")]


_cand = st.builds(
    S.Candidate,
    block=st.integers(0, 12),
    key=st.integers(0, 5),
    score=st.sampled_from([2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0]),
    style=st.sampled_from(["cn_dun", "num_dun", "paren_cn", "md"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_cand, min_size=1, max_size=8))
def test_best_sequence_fast_path_is_the_search(cands):
    assert S.best_sequence(cands) == S._search(cands)


@settings(max_examples=200, deadline=None)
@given(st.lists(_cand, min_size=1, max_size=8, unique_by=lambda c: c.key))
def test_best_sequence_of_a_chain_is_the_search(cands):
    """(Sorted by key with increasing blocks: chains, which the fast path answers.)"""
    chain = [c._replace(block=n) for n, c in enumerate(sorted(cands, key=lambda c: c.key))]
    assert S._is_chain(chain)
    assert S.best_sequence(chain) == S._search(chain)
