"""The checks: template arithmetic, completeness, and prose against tables."""

from __future__ import annotations

import math
import random
from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import checks, decode, pipeline
from nlp import templates as T
from nlp.model import Meta, TableValue
from nlp.tables import SPLIT_BY_ROW_TOTAL, Extraction
from training import tablegen as G


def extraction(template: str, values: dict[str, int | float | None], uncertain: set[str] = frozenset()) -> Extraction:
    cells = {}
    for i, (k, v) in enumerate(values.items()):
        raw = "" if v is None else str(v)
        cells[k] = TableValue(v, raw, i, i + len(raw), k in uncertain, "test" if k in uncertain else None)
    return Extraction(cells=cells, template=template)


def consistent(template: str, seed: int = 0) -> dict[str, int | float | None]:
    t = G.make_values(random.Random(seed), template, dense=True)
    return dict(t.values)


def failed(cs) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in cs:
        if not c.ok:
            out.setdefault(c.rule, []).append(c)
    return out


@pytest.mark.parametrize("template", T.TEMPLATE_IDS)
def test_consistent_tables_pass(template):
    for seed in range(20):
        ex = extraction(template, consistent(template, seed))
        cs = checks.run(ex, [], Meta(year=2021))
        assert not failed(cs), failed(cs)
        rules = {c.rule for c in cs}
        assert {"t3_balance", "t3_results_sum", "t3_row_total", "t4_group_total", "nonnegative",
                "t2_complete", "t3_complete", "t4_complete"} <= rules


def test_balance_failure_names_its_numbers():
    v = consistent("2021")
    v["t3.new.total"] += 2
    v["t3.new.natural"] += 2  # the row still adds up: only the column balance breaks
    cs = checks.run(extraction("2021", v), [], Meta())
    bad = failed(cs)
    assert set(bad) == {"t3_balance"}
    (c,) = bad["t3_balance"][:1]
    assert c.detail.startswith("natural:") or c.detail.startswith("total:")
    assert "t3.new.total" in c.numbers or "t3.new.natural" in c.numbers
    assert {b.detail.split(":")[0] for b in bad["t3_balance"]} == {"natural", "total"}


def test_results_sum_and_row_total():
    v = consistent("2019", 3)
    v["t3.deny_law.commercial"] += 1
    bad = failed(checks.run(extraction("2019", v), [], Meta()))
    assert set(bad) == {"t3_results_sum", "t3_row_total"}
    assert bad["t3_row_total"][0].detail.startswith("deny_law:")
    assert bad["t3_results_sum"][0].numbers["t3.deny_law.commercial"] == v["t3.deny_law.commercial"]


def test_t4_group_total():
    v = consistent("2021", 5)
    v["t4.suit_direct.total"] = (v["t4.suit_direct.total"] or 0) + 1
    bad = failed(checks.run(extraction("2021", v), [], Meta()))
    assert set(bad) == {"t4_group_total"}
    assert "suit_direct" in bad["t4_group_total"][0].detail


def test_t2_published_not_above_total_and_negative_change_allowed():
    v = consistent("2019", 1)
    v["t2.rules.published"] = v["t2.rules.total"] + 1
    v["t2.license.change"] = -4  # 本年增/减 may be negative
    bad = failed(checks.run(extraction("2019", v), [], Meta()))
    assert set(bad) == {"t2_total_ge_published"}


def test_negative_count_is_flagged():
    v = consistent("2021", 2)
    v["t2.rules.issued"] = -1
    bad = failed(checks.run(extraction("2021", v), [], Meta()))
    assert set(bad) == {"nonnegative"}
    assert bad["nonnegative"][0].numbers == {"t2.rules.issued": -1}


def test_blank_breakdowns_are_not_evaluated():
    """A row printing only its total (seed 000, 002) is 'not broken down', not a mismatch."""
    v = consistent("2021", 4)
    for c in T.load("2021").t3_applicants:
        v[f"t3.granted.{c}"] = None
    cs = checks.run(extraction("2021", v), [], Meta())
    assert not any(c.rule == "t3_row_total" and c.detail.startswith("granted:") for c in cs)
    # the column sums then count the blanks as 0 and say so, and fail when they should
    bad = failed(cs)
    if v["t3.granted.total"]:
        assert "t3_results_sum" in bad
        assert "blank cell" in bad["t3_results_sum"][0].detail


def test_unreadable_cells_are_not_blanks():
    v = consistent("2021", 6)
    v["t3.new.total"] = None
    cs = checks.run(extraction("2021", v, uncertain={"t3.new.total"}), [], Meta())
    assert not any("t3.new.total" in c.numbers for c in cs if c.rule in ("t3_balance", "t3_row_total"))
    assert not [c for c in cs if c.rule == "t3_balance" and c.detail.startswith("total:")]


def test_absent_rows_skip_relations_and_fail_completeness():
    v = consistent("2019", 7)
    for c in T.load("2019").t3_columns:
        del v[f"t3.carry_forward.{c}"]
    ex = extraction("2019", v)
    ex.label_only.append("t3.carry_forward")
    cs = checks.run(ex, [], Meta())
    assert not any(c.rule == "t3_balance" for c in cs)
    comp = next(c for c in cs if c.rule == "t3_complete")
    assert not comp.ok and comp.numbers["missing_rows"] == ["t3.carry_forward"]
    assert "printed as a label without cells" in comp.detail


def test_missing_table():
    v = {k: x for k, x in consistent("2021").items() if not k.startswith("t4.")}
    comp = {c.rule: c for c in checks.run(extraction("2021", v), [], Meta())}
    assert not comp["t4_complete"].ok and comp["t4_complete"].detail == "table 4 not found"


def test_no_checks_without_tables_or_template():
    assert checks.run(Extraction(template="pre2019"), [], Meta()) == []


# ------------------------------------------------------------------ prose against tables
def report(overview: str, new_total: int, review_total: int = 0, year: int = 2021):
    """A generated report whose table 3 counts ``new_total`` new applications and whose
    table 4 counts ``review_total`` reviews, with ``overview`` added to section 一."""
    rng = random.Random(1)
    t = G.make_values(rng, "2021", dense=True)
    tpl = T.load("2021")
    for c in tpl.t3_columns:
        t.values[f"t3.new.{c}"] = 0
    t.values["t3.new.natural"] = t.values["t3.new.total"] = new_total
    for c in tpl.t4_columns:
        t.values[f"t4.review.{c}"] = 0
    t.values["t4.review.upheld"] = t.values["t4.review.total"] = review_total
    t.raws.update({k: str(v) for k, v in t.values.items() if k.startswith(("t3.new.", "t4.review."))})
    case = G.render(rng, t, "tabs_grid", year=year, overview_extra=overview)
    return pipeline.read(decode.from_bytes(case.text.encode(), case.name))


def prose_rules(r) -> dict[str, bool]:
    return {c.rule: c.ok for c in r.checks if c.rule.startswith("prose")}


@pytest.mark.parametrize("sentence", [
    "本年度我局未收到政府信息公开申请。",
    "2021年，我局未收到依申请公开的申请。",
    "全年未接到公民、法人和其他组织提出的政府信息公开申请。",
])
def test_prose_no_applications_contradicted(sentence):
    r = report(sentence, new_total=3)
    assert r.tables["t3.new.total"].value == 3
    assert prose_rules(r) == {"prose_no_applications": False}
    assert report(sentence, new_total=0).checks and prose_rules(report(sentence, new_total=0)) == {
        "prose_no_applications": True}


@pytest.mark.parametrize("sentence", [
    "除2件外，未收到其他政府信息公开申请。",       # qualified
    "2020年我局未收到政府信息公开申请。",           # another year
    "上半年未收到政府信息公开申请。",               # part of the year
    "未收到行政复议申请。",                         # not a disclosure application
    "我局将认真对待收到的政府信息公开申请。",       # no statement of fact
])
def test_prose_ambiguous_statements_are_not_checked(sentence):
    r = report(sentence, new_total=3)
    assert "prose_no_applications" not in prose_rules(r)


def test_prose_no_review_contradicted():
    r = report("本年度无政府信息公开行政复议、行政诉讼情况。", new_total=0, review_total=2)
    assert r.tables["t4.review.total"].value == 2
    assert prose_rules(r).get("prose_no_review_litigation") is False


def test_prose_application_count():
    r = report("全年共收到政府信息公开申请5件。", new_total=5)
    assert prose_rules(r) == {"prose_application_count": True}
    r = report("全年共收到政府信息公开申请7件。", new_total=5)
    assert prose_rules(r)["prose_application_count"] is False


def test_split_assuming_the_row_total_is_not_a_confirmation():
    from nlp.tables import SPLIT_BY_ROW_TOTAL

    v = consistent("2021", 8)
    ex = extraction("2021", v)
    for c in T.load("2021").t3_columns:
        k = f"t3.granted.{c}"
        ex.cells[k] = TableValue(v[k], str(v[k]), 0, 1, True, f"digits glued together ('…'); {SPLIT_BY_ROW_TOTAL}")
    cs = checks.run(ex, [], Meta())
    assert not any(c.rule == "t3_row_total" and c.detail.startswith("granted:") for c in cs)
    assert any(c.rule == "t3_row_total" and c.detail.startswith("partial:") for c in cs)


@pytest.mark.parametrize("template", T.TEMPLATE_IDS)
def test_cells_outside_the_template_are_listed(template):
    """completeness lists the keys outside the template (it skips the walk over the cells
    when they are all template keys): every table's own, in printed order, none for the others."""
    v = consistent(template, 2)
    assert not any("outside_template" in c.numbers for c in checks.run(extraction(template, v), [], Meta()))
    v["t3.bogus.total"] = 1
    v["t4.review.bogus"] = 2
    v["t3.bogus.natural"] = 3
    comp = {c.rule: c for c in checks.run(extraction(template, v), [], Meta())}
    assert comp["t3_complete"].numbers["outside_template"] == ["t3.bogus.total", "t3.bogus.natural"]
    assert comp["t4_complete"].numbers["outside_template"] == ["t4.review.bogus"]
    assert "outside_template" not in comp["t2_complete"].numbers


# ---- the checks' shortcuts against the plain look they stand for
_CELL_VALUES = st.one_of(st.none(), st.integers(-3, 40), st.sampled_from([0.0, -0.5, 2.5, 4.626, math.nan]))
_REASONS = st.sampled_from([None, "test", "", f"digits glued ('0000'); {SPLIT_BY_ROW_TOTAL}"])


@st.composite
def _cells(draw) -> Extraction:
    """A template's cells, some missing, some outside it, any value, flag and reason."""
    template = draw(st.sampled_from(T.TEMPLATE_IDS))
    keys = T.load(template).keys()
    if draw(st.booleans()):
        chosen = list(keys)  # the usual report: every cell (the fast paths' case)
    else:
        chosen = [k for k in keys if draw(st.integers(0, 9))]
    chosen += draw(st.lists(st.sampled_from(["t3.extra.total", "t4.review.extra", "t9.x.y"]), max_size=2, unique=True))
    values = {k: draw(_CELL_VALUES) if draw(st.integers(0, 5)) == 0 else 1 for k in chosen}
    cells = {}
    for i, (k, v) in enumerate(values.items()):
        reason = draw(_REASONS) if draw(st.integers(0, 20)) == 0 else None
        uncertain = reason is not None and draw(st.booleans())
        cells[k] = TableValue(v, "" if v is None else str(v), i, i + 1, uncertain, reason)
    return Extraction(cells=cells, template=template)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_cells())
def test_view_and_its_shortcuts_match_a_plain_look(ex):
    """_view, its ``exact`` shortcut (no subset tests in relations and
    completeness) and nonnegative's least-value pretest give what a plain look gives."""
    tpl = checks._template(ex)
    view = checks._view(ex.cells, tpl)
    cells = ex.cells
    assert view.values == {k: v.value for k, v in cells.items()}
    assert list(view.values) == list(cells)
    assert view.nulls == {k for k, v in cells.items() if v.value is None}
    assert view.unsure == {k for k, v in cells.items() if v.uncertain}
    assert view.split == {k for k, v in cells.items() if (v.reason or "").endswith(SPLIT_BY_ROW_TOTAL)}
    assert view.exact == (set(cells) == set(tpl.keys()))
    slow = view._replace(exact=False)  # every subset test made
    assert checks.relations(ex, tpl, view) == checks.relations(ex, tpl, slow)
    assert checks.completeness(ex, tpl, view) == checks.completeness(ex, tpl, slow)
    neg = {k: v for k, v in view.values.items()
           if v is not None and v < 0 and not any(fnmatchcase(k, g) for g in tpl.may_be_negative)}
    if not cells:
        assert checks.nonnegative(ex, tpl, view) == []
        return
    (nonneg,) = checks.nonnegative(ex, tpl, view)
    assert nonneg.numbers == neg and nonneg.ok == (not neg)


@pytest.mark.parametrize("value", [3, 0, -2, 10**20, 2.5, 0.1 + 0.2, 1e20, 123456789.0, -0.0])
def test_relation_detail_formats_sums_as_fmt(value):
    """The detail formats an int sum inline and a float with _fmt: both as _fmt would."""
    tpl = T.load("2021")
    v = {k: 0 for k in tpl.keys()}
    v["t4.review.total"] = value
    v["t4.review.upheld"] = value
    ex = extraction("2021", v)
    (c,) = [c for c in checks.run(ex, [], Meta()) if c.rule == "t4_group_total" and c.detail.startswith("review")]
    fmt = checks._fmt
    assert f"review.total = {fmt(sum([value]))} = {fmt(sum([value, 0, 0, 0]))} = review.upheld" in c.detail
