"""Table extraction, case by case: one rendering or printing quirk per case, run through
the whole pipeline (decode -> normalize -> blocks -> sections -> tables)."""

from __future__ import annotations

import pytest

from nlp import decode, pipeline

T2_2021 = (
    "第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
    "规章\t0\t0\t0\n行政规范性文件\t1\t0\t6\n"
)


def doc(t2: str = "", t3: str = "", t4: str = "", year: int = 2021, overview: str = "本年度工作情况良好。") -> str:
    return (
        f"某市某局{year}年政府信息公开工作年度报告\n\n一、总体情况\n{overview}\n\n"
        f"二、主动公开政府信息情况\n{t2}\n\n三、收到和处理政府信息公开申请情况\n{t3}\n\n"
        f"四、政府信息公开行政复议、行政诉讼情况\n{t4}\n\n五、存在的主要问题及改进情况\n工作有待加强。\n\n"
        "六、其他需要报告的事项\n无\n"
    )


def read(text: str, name: str = "r.txt"):
    return pipeline.read(decode.from_bytes(text.encode("utf-8"), name))


def cells(report, prefix: str) -> dict[str, tuple]:
    return {k[len(prefix) + 1:]: (v.value, v.raw, v.uncertain) for k, v in report.tables.items()
            if k.startswith(prefix + ".")}


# ------------------------------------------------------------------ numbers and marks
@pytest.mark.parametrize("printed, value, raw", [
    ("1,234", 1234, "1,234"),
    ("4.6260", 4.626, "4.6260"),
    ("0.32", 0.32, "0.32"),
    ("-4", -4, "-4"),
    ("+3", 3, "+3"),
    ("１２", 12, "12"),          # full-width digits, read in the normalized text
    ("32件", 32, "32件"),
    ("/", None, "/"),
    ("—", None, "—"),
    ("无", None, "无"),
    ("", None, ""),
    ("9" * 18, 10 ** 18 - 1, "9" * 18),  # 18 digits: still a number …
    ("999,999,999,999,999,999", 10 ** 18 - 1, "999,999,999,999,999,999"),
])
def test_number_tokens(printed, value, raw):
    t2 = "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n" f"其他对外管理服务事项\t5\t{printed}\t7\n"
    r = read(doc(t2=t2, year=2022))
    got = r.tables["t2.other_services.change"]
    assert (got.value, got.raw, got.uncertain) == (value, raw, False)
    assert r.tables["t2.other_services.decisions"].value == 7


@pytest.mark.parametrize("printed", ["9" * 19, "1,000,000,000,000,000,000", "9" * 5000, "9" * 400 + ".5"])
def test_runs_of_digits_no_table_holds_are_not_read_as_numbers(printed):
    """… but not a longer run: Python makes no int of over 4,300 digits, a float of 400 is
    infinity (not JSON), and sums of such ints overflow a float comparison."""
    from nlp import tables

    assert tables.number(printed) is None
    t2 = "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n" f"其他对外管理服务事项\t5\t{printed}\t7\n"
    r = read(doc(t2=t2, year=2022))
    assert "t2.other_services.change" not in r.tables or r.tables["t2.other_services.change"].value is None


def test_decimal_amount_with_local_addition():
    t2 = "信息内容\t本年收费金额（单位：万元，保留4位小数）\t\t\n行政事业性收费\t12.3400\t\t\n"
    r = read(doc(t2=t2))
    assert r.meta.template == "2021"
    assert cells(r, "t2.fees") == {"amount": (12.34, "12.3400", False)}


def test_typo_in_column_label():
    t2 = T2_2021.replace("本年废止件数", "本年度止件数")
    r = read(doc(t2=t2))
    assert cells(r, "t2.normative") == {"issued": (1, "1", False), "repealed": (0, "0", False), "valid": (6, "6", False)}


def test_old_template_printed_later_is_detected_from_headers():
    t2 = "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t1\t2\t3\n"
    r = read(doc(t2=t2, year=2023))
    assert r.meta.template == "2019"
    assert cells(r, "t2.rules") == {"made": (1, "1", False), "published": (2, "2", False), "total": (3, "3", False)}


# ------------------------------------------------------------------ renderings
def test_pipes_keep_blank_cells():
    t2 = "| 信息内容 | 本年处理决定数量 | | |\n| 行政许可 | 32 | | |\n| 行政处罚 | | | |\n"
    r = read(doc(t2=t2))
    assert cells(r, "t2.license") == {"decisions": (32, "32", False)}
    assert cells(r, "t2.penalty") == {"decisions": (None, "", False)}


def test_markdown_table_with_merged_label_slots():
    t3 = (
        "| 勾稽关系 | | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
        "| 一、本年新收政府信息公开申请数量 | | | 1 | 2 | | | | | 3 |\n"
        "| 三、本年度办理结果 | (一)予以公开 | | | 2 | | | | | 2 |\n"
        "| | (三)不予公开 | 1.属于国家秘密 | 1 | | | | | | 1 |\n"
    )
    r = read(doc(t3=t3), "r.md")
    assert cells(r, "t3.new")["natural"] == (1, "1", False)
    assert cells(r, "t3.new")["total"] == (3, "3", False)
    assert cells(r, "t3.granted")["natural"] == (None, "", False)
    assert cells(r, "t3.granted")["commercial"] == (2, "2", False)
    assert cells(r, "t3.deny_secret")["natural"] == (1, "1", False)


def test_html_rowspan_colspan():
    html = (
        "<html><body><h1>某市某局2021年政府信息公开工作年度报告</h1><h2>一、总体情况</h2><p>概况。</p>"
        "<h2>三、收到和处理政府信息公开申请情况</h2><table>"
        "<tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan=7>申请人情况</td></tr>"
        "<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
        "<tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>0</td><td>0</td><td>0</td>"
        "<td>0</td><td>6</td></tr>"
        "<tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>(一)予以公开</td><td></td><td></td><td></td>"
        "<td></td><td></td><td>2</td><td></td></tr>"
        "<tr><td rowspan=1>(三)不予公开</td><td>1.属于国家秘密</td><td>1</td><td></td><td></td><td></td><td></td>"
        "<td></td><td>1</td></tr>"
        "</table><h2>五、存在的主要问题及改进情况</h2><p>不足。</p></body></html>"
    )
    r = read(html, "r.html")
    assert cells(r, "t3.new") == {c: (v, str(v), False) for c, v in zip(
        ["natural", "commercial", "research", "social", "legal", "other_org", "total"], [5, 1, 0, 0, 0, 0, 6])}
    # the header grid places the lone 2 under 其他 (other_org), not under 总计
    g = cells(r, "t3.granted")
    assert g["other_org"] == (2, "2", False) and g["total"] == (None, "", False)
    assert cells(r, "t3.deny_secret")["natural"] == (1, "1", False)


def test_cell_per_line_with_broken_header_labels():
    t2 = ("\t第二十条第（一）项\n\n\t信息内容\n\t本年新\n制作数量\n\t本年新\n公开数量\n\t对外公开总数量\n\n"
          "\t规章\n\t　　3\n\t \n\t5 \n\n")
    r = read(doc(t2=t2))
    assert r.meta.template == "2019"
    assert cells(r, "t2.rules") == {"made": (3, "3", False), "published": (None, "", False), "total": (5, "5", False)}


def test_spaces_rows():
    t2 = ("信息内容  上一年项目数量  本年增/减  处理决定数量\n"
          "行政许可  6  0  624\n其他对外管理服务事项  11  -4  0\n")
    t4 = "行政复议  行政诉讼\n" + "  ".join(["1"] * 4 + ["4"] + ["0"] * 10)
    r = read(doc(t2=t2, t4=t4))
    assert cells(r, "t2.other_services") == {"prev": (11, "11", False), "change": (-4, "-4", False),
                                            "decisions": (0, "0", False)}
    assert cells(r, "t4.review") == {"upheld": (1, "1", False), "corrected": (1, "1", False), "other": (1, "1", False),
                                     "pending": (1, "1", False), "total": (4, "4", False)}


def test_scattered_lines():
    t3 = "\n".join(["申请人情况", "自然人", "总计", "一、本年新收政府信息公开申请数量", *"1000001",
                    "二、上年结转政府信息公开申请数量", *"0000000", "三、本年度办理结果", "(一)予以公开", *"1000001"])
    r = read(doc(t3=t3))
    assert cells(r, "t3.new")["natural"] == (1, "1", False)
    assert cells(r, "t3.new")["total"] == (1, "1", False)
    assert cells(r, "t3.granted")["total"] == (1, "1", False)


def test_flattened_unique_split_is_flagged_uncertain():
    t2 = "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件106第二十条第（五）项"
    r = read(doc(t2=t2))
    got = cells(r, "t2.normative")
    assert {k: v[0] for k, v in got.items()} == {"issued": 1, "repealed": 0, "valid": 6}
    assert all(v[2] for v in got.values())
    assert r.tables["t2.normative.issued"].reason.startswith("digits glued together")


def test_flattened_ambiguous_split_gives_no_number():
    t3 = ("申请人情况自然人商业企业科研机构社会公益组织法律服务机构其他总计"
          "一、本年新收政府信息公开申请数量120300000123二、上年结转政府信息公开申请数量0000000"
          "三、本年度办理结果(一)予以公开0000000")
    r = read(doc(t3=t3))
    new = r.tables["t3.new.total"]
    assert new.uncertain and new.value is None and new.raw == "120300000123"
    assert cells(r, "t3.carried")["total"] == (0, "0", True)


def test_flattened_with_spaces_is_certain():
    t2 = "第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章 0 0 0 行政规范性文件 12 0 61 第二十条"
    r = read(doc(t2=t2))
    assert cells(r, "t2.normative") == {"issued": (12, "12", False), "repealed": (0, "0", False), "valid": (61, "61", False)}


# ------------------------------------------------------------------ placement rules
T3_HEAD = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\t\t\t\t\t\t\t\t\n"
           "\t自然人\t法人或其他组织\t\t\t\t\t总计\t\t\n\t\t商业企业\t科研机构\t社会组织\t法律服务机构\t其他\t\t\t\n")


def test_merged_label_cells_shift_positions():
    """Seed 000's layout: (一) prints one more label cell, so its lone value is the total."""
    t3 = T3_HEAD + ("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\t\t\n"
                    "三、本年度办理结果\t(一) 予以公开\t\t\t\t\t\t\t1\t\n"
                    "\t(三) 不予公开\t1.属于国家秘密\t\t\t\t\t\t\t0\n")
    r = read(doc(t3=t3))
    assert cells(r, "t3.granted")["total"] == (1, "1", False)
    assert cells(r, "t3.granted")["other_org"] == (None, "", False)
    assert cells(r, "t3.deny_secret")["total"] == (0, "0", False)


def test_more_values_than_columns_keeps_the_last():
    t3 = T3_HEAD + "(七) 总计\t9\t1\t2\t0\t0\t0\t0\t3\t\n"
    r = read(doc(t3=t3))
    got = cells(r, "t3.result_total")
    assert [v[0] for v in got.values()] == [1, 2, 0, 0, 0, 0, 3]
    assert all(v[2] for v in got.values())
    assert any("not read: 9" in w for w in r.warnings)


def test_single_value_without_positions_is_the_total():
    t3 = "申请人情况\n自然人\n总计\n三、本年度办理结果 (一)予以公开  4\n(二)部分公开  1  0  0  0  0  0  1\n"
    r = read(doc(t3=t3))
    assert cells(r, "t3.granted") == {"total": (4, "4", False)}


def test_short_row_without_positions_is_uncertain():
    t3 = "申请人情况  自然人  总计\n(一)予以公开  1  3  4\n(二)部分公开  1  0  0  0  0  0  1\n"
    r = read(doc(t3=t3))
    got = cells(r, "t3.granted")
    assert set(got) == {"legal", "other_org", "total"} and all(v[2] for v in got.values())


def test_blank_label_cells_at_row_start():
    t3 = T3_HEAD + "\t\t4.保护第三方合法权益\t0\t1\t0\t0\t0\t0\t1\n"
    r = read(doc(t3=t3))
    assert cells(r, "t3.deny_third_party")["commercial"] == (1, "1", False)


def test_row_without_label_is_placed_by_order_and_flagged():
    t3 = T3_HEAD + ("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\t\t\n"
                    "\t0\t0\t0\t0\t0\t0\t0\t\t\n")
    r = read(doc(t3=t3))
    got = r.tables["t3.carried.total"]
    assert got.value == 0 and got.uncertain and "template order" in got.reason


def test_unrecognized_row_is_a_warning():
    t3 = T3_HEAD + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\t\t\n其中：网上申请\t1\t0\t0\t0\t0\t0\t1\t\t\n"
    r = read(doc(t3=t3))
    assert any("其中：网上申请" in w and "not recognized" in w for w in r.warnings)
    assert not any(k.startswith("t3.") and v.raw == "1" and v.start > r.tables["t3.new.total"].end
                   for k, v in r.tables.items())


def test_ambiguous_positions_are_flagged():
    """A table whose rows disagree on where values start: blank-edged rows are uncertain."""
    t3 = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n"
          "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1\t\n"
          "(七) 总计\t1\t0\t0\t0\t0\t0\t1\t\t\n"
          "三、本年度办理结果\t(一) 予以公开\t\t1\t0\t0\t0\t0\t\t\n")
    r = read(doc(t3=t3))
    got = r.tables["t3.granted.natural"]
    assert got.uncertain and "placement" in got.reason


def test_scattered_table_one_value_a_paragraph():
    t2 = "\n\n".join(["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "1", "2", "3",
                      "行政规范性文件", "4", "5", "6", "第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "7"])
    r = read(doc(t2=t2))
    assert {k: v.value for k, v in r.tables.items()} == {
        "t2.rules.issued": 1, "t2.rules.repealed": 2, "t2.rules.valid": 3, "t2.normative.issued": 4,
        "t2.normative.repealed": 5, "t2.normative.valid": 6, "t2.license.decisions": 7}
    assert not any(v.uncertain for v in r.tables.values())


def test_page_flattened_whole():
    """A crawler glued the whole page, headings included, into one line."""
    text = ("某市某局2021年政府信息公开工作年度报告一、总体情况本年度工作情况良好。二、主动公开政府信息情况"
            "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件106"
            "第二十条第（五）项信息内容本年处理决定数量行政许可32第二十条第（六）项")
    r = read(text)
    assert r.meta.template == "2021"
    assert {k: v.value for k, v in r.tables.items()} == {
        "t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.valid": 0, "t2.normative.issued": 1,
        "t2.normative.repealed": 0, "t2.normative.valid": 6, "t2.license.decisions": 32}
    assert r.tables["t2.normative.valid"].uncertain and not r.tables["t2.license.decisions"].uncertain


# ------------------------------------------------------------------ the template data
def test_template_keys_are_the_canonical_ones():
    from nlp import templates as T

    t2021 = T.load("2021").t2_keys()
    assert t2021 == ["t2.rules.issued", "t2.rules.repealed", "t2.rules.valid", "t2.normative.issued",
                     "t2.normative.repealed", "t2.normative.valid", "t2.license.decisions", "t2.penalty.decisions",
                     "t2.coercion.decisions", "t2.fees.amount"]
    t2019 = T.load("2019").t2_keys()
    assert t2019 == ["t2.rules.made", "t2.rules.published", "t2.rules.total", "t2.normative.made",
                     "t2.normative.published", "t2.normative.total"] + [
        f"t2.{r}.{c}" for r in ("license", "other_services", "penalty", "coercion") for c in ("prev", "change", "decisions")
    ] + ["t2.fees.prev", "t2.fees.change", "t2.procurement.items", "t2.procurement.amount"]
    rows_2021 = [k.split(".")[1] for k in T.load("2021").t3_keys()[::7]]
    rows_2019 = [k.split(".")[1] for k in T.load("2019").t3_keys()[::7]]
    assert rows_2021[-5:] == ["other_overdue_fix", "other_overdue_fee", "other_misc", "result_total", "carry_forward"]
    assert rows_2019[-3:] == ["other", "result_total", "carry_forward"]
    assert len(rows_2021) == 25 and len(rows_2019) == 23
    assert T.load("2021").t4_keys()[:5] == ["t4.review.upheld", "t4.review.corrected", "t4.review.other",
                                           "t4.review.pending", "t4.review.total"]


def test_glued_digit_scan_finds_the_pieces_the_pattern_defines():
    """nlp.tables._piece_starts scans ASCII tokens by hand for speed; it must agree with
    TABLE_SPLIT_PART (the definition of a printed number) on every short token."""
    from itertools import product

    from nlp import patterns as P
    from nlp import tables

    for n in range(1, 7):
        for chars in product("0105.", repeat=n):
            token = "".join(chars)
            want = [tuple(i for i in range(m) if P.TABLE_SPLIT_PART.fullmatch(token, i, m)) for m in range(1, n + 1)]
            assert list(tables._piece_starts(token)) == want, token


@pytest.mark.parametrize("template", ["2021", "2019", "unknown"])
def test_row_keys_start_with_their_table(template):
    """extract learns which tables the blocks gave from the groups that placed a cell, which
    holds only while every key a row of table t can be placed under starts with "t."."""
    from nlp import tables

    voc = tables.vocab(template)
    for tpl in voc.order:
        for spec in tpl.t3_rows:
            assert all(k.startswith("t3.") for k in voc.t3_keys(spec.key))
        for row in tpl.t2_rows:
            for header in ([], list(tpl.t2_row_columns(row))):
                assert all(k.startswith("t2.") for k in voc.t2_columns(row, header)[1])
    assert voc.t4_keys and all(k.startswith("t4.") for k in voc.t4_keys)


T4_GROUP_VALUES = {"review": (1, 0, 0, 0, 1), "suit_direct": (2, 1, 0, 0, 3), "suit_after_review": (0, 0, 1, 0, 1)}
T4_PARTS = ("upheld", "corrected", "other", "pending", "total")


def _t4_one_row_per_group(labels: tuple[str, str, str], sep: str) -> str:
    rows = [["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]
    rows += [[label, *map(str, T4_GROUP_VALUES[g])] for label, g in zip(labels, T4_GROUP_VALUES)]
    if sep == "|":
        return "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"
    return "\n".join(sep.join(r) for r in rows) + "\n"


@pytest.mark.parametrize("labels", [
    ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"),
    ("行政复议", "未经复议直接起诉", "复议后起诉"),
])
@pytest.mark.parametrize("sep", ["\t", "|"])
@pytest.mark.parametrize("year", [2019, 2021])
def test_table4_printed_one_row_per_group(labels, sep, year):
    # a table 4 printed as three rows of five under the column headers: each row holds its
    # group's columns (it once filled table 4's first group three times, with warnings)
    r = read(doc(t4=_t4_one_row_per_group(labels, sep), year=year))
    got = cells(r, "t4")
    assert got == {f"{g}.{p}": (v, str(v), False) for g, vals in T4_GROUP_VALUES.items() for p, v in zip(T4_PARTS, vals)}
    assert not [w for w in r.warnings if "t4." in w]
