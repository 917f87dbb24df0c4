"""Statement segmentation: a table of (paragraph, expected pieces) and the merge rules."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from nlp import patterns as P
from nlp import statements as S

CASES = [
    (  # enumeration inside one paragraph, after an introduction
        "存在的主要问题是：一是网站栏目更新不及时；二是政策解读形式单一。",
        ["存在的主要问题是：", "一是网站栏目更新不及时；", "二是政策解读形式单一。"],
    ),
    (  # (一) and 1. and ① markers
        "(一)公开内容不全面。(二)培训不足。1.加强培训。2、完善制度。①健全机制；②强化监督。",
        ["(一)公开内容不全面。", "(二)培训不足。", "1.加强培训。", "2、完善制度。", "①健全机制；", "②强化监督。"],
    ),
    (  # 首先 / 其次
        "首先，提高认识。其次，加强培训。最后，强化考核。",
        ["首先，提高认识。", "其次，加强培训。", "最后，强化考核。"],
    ),
    (  # a sentence holding a problem and its remedy is cut at the remedy clause
        "部分栏目更新不及时，下一步将建立定期巡查机制。",
        ["部分栏目更新不及时，", "下一步将建立定期巡查机制。"],
    ),
    (  # but not where the first clause is only a lead-in
        "下步工作中，我局将继续规范政务公开工作流程。",
        ["下步工作中，我局将继续规范政务公开工作流程。"],
    ),
    (  # numbers are not enumeration markers: 1.5, 2021年
        "全年发布信息1.5万条，2021年新增专栏3个。",
        ["全年发布信息1.5万条，2021年新增专栏3个。"],
    ),
    (  # 唯一是 is no marker
        "这是唯一是非分明的做法。",
        ["这是唯一是非分明的做法。"],
    ),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[1][0][:6] for c in CASES])
def test_segment(text, expected):
    pieces = S.segment(text)
    assert [p.text for p in pieces] == expected
    for p in pieces:
        assert text[p.start : p.end] == p.text


def test_offsets_are_document_offsets():
    pieces = S.segment("一是甲乙丙。二是丁戊己。", offset=100)
    assert [(p.start, p.end) for p in pieces] == [(100, 106), (106, 112)]


def test_items_and_intros():
    pieces = S.segment("主要是：一是网站建设滞后。具体表现为栏目空白。二是培训不足，下一步将加强培训。")
    assert pieces[0].intro
    assert [p.marker for p in pieces] == [False, True, False, True, False]
    # a sentence after a marker continues the item; a remedy clause too
    assert pieces[1].item == pieces[2].item != pieces[3].item == pieces[4].item
    assert pieces[4].clause


def test_merge_joins_pieces_of_one_item_with_one_label():
    pieces = S.segment("一是网站建设滞后。具体表现为栏目空白。二是培训不足，下一步将加强培训。")
    merged = S.merge(pieces, ["problem", "problem", "problem", "remedy"])
    assert [(m[1], m[2]) for m in merged] == [("problem", [0, 1]), ("problem", [2]), ("remedy", [3])]


def test_short_topic_label_joins_the_statement_after_it():
    pieces = S.segment("一是制度建设方面。制度规范还不健全，下一步将修订公开制度。")
    assert pieces[0].text == "一是制度建设方面。"
    merged = S.merge(pieces, ["remedy", "problem", "remedy"])
    assert [(m[1], m[2]) for m in merged] == [("problem", [0, 1]), ("remedy", [2])]


# ---- the pre-tests that spare regex calls agree with the regexes they stand for
#: markers, their lookbehind's punctuation, ideographs that open markers or none, digits, spaces
MARKER_TEXT = st.text(alphabet="一二三四五六七八九十是第首先其次再者最后另方面网站问题不足()（）㈠①⑳0123456789١.．、，,。；：: \t\n\u3000",
                      max_size=60)


def _ideographs():
    return (chr(c) for c in range(ord(S._HAN_FIRST), ord(S._HAN_LAST) + 1))


def test_every_ideograph_of_the_fast_range_is_wordy():
    assert all(P.WORDY.fullmatch(ch) for ch in _ideographs())


def test_no_marker_opens_with_an_ideograph_outside_the_openers():
    tails = ["是", "一是", "二是", "、", "，", ")", "一方面", "方面", "先，", "次，", "后，"]
    for ch in _ideographs():
        if S._cannot_open_marker(ch):
            assert not any(P.ITEM_MARKER_AT.match(ch + t) for t in tails), ch
    # and every opener does open one (the set is not wider than the pattern needs)
    assert all(any(P.ITEM_MARKER_AT.match(ch + t) for t in tails) for ch in S.MARKER_OPENERS - {"首", "其", "再", "最", "另"})
    assert all(P.ITEM_MARKER_AT.match(w + "，") for w in ("首先", "其次", "再次", "再者", "最后", "另一方面"))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(MARKER_TEXT)
def test_markers_are_where_item_marker_at_finds_them(text):
    assert S._markers(text) == [m.start() for m in P.ITEM_MARKER_AT.finditer(text)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(MARKER_TEXT)
def test_opening_marker_and_wordy_as_the_regexes_say(text):
    assert S._opens_with_marker(text, S._cuts(text)) == (P.ITEM_MARKER.match(text) is not None)
    assert S._wordy(text) == (P.WORDY.search(text) is not None)


def test_intro_colon_opens_with_a_colon():
    """``_cuts`` skips the INTRO_COLON scan of a text with neither colon: only right while
    every match opens with one."""
    assert P.INTRO_COLON.pattern.startswith("[：:]")
    assert S._cuts("存在问题：一是培训不足。") == {5: "marker", 12: "sentence"}
    assert P.INTRO_COLON.search("主要是一是二是") is None
