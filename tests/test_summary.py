"""Summary assembly and its JSON text: the fast paths give exactly what the plain ones gave."""

from __future__ import annotations

import json
import math
import pickle

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from benchmarks import bench
from nlp import decode, pipeline
from nlp.model import Check, Statement, Summary, TableValue
from nlp.summary import summary_json, to_json
from tests.conftest import SAMPLES


def _summaries() -> list[Summary]:
    docs = [bench.make_report(i) for i in range(40)]
    docs += [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*")) if p.is_file()]
    return [pipeline.analyze_source(decode.from_bytes(data, name), pipeline.get_model("none")) for name, data in docs]


@pytest.fixture(scope="module")
def summaries() -> list[Summary]:
    return _summaries()


def test_to_json_is_json_dumps_for_real_summaries(summaries):
    assert any(s.format == "html" for s in summaries) and any(s.format == "text" for s in summaries)
    for s in summaries:
        d = s.to_dict()
        assert to_json(d) == json.dumps(d, ensure_ascii=False)


def test_summary_json_is_the_dicts_json_for_real_summaries(summaries):
    """Written from the objects, with or without the dict at hand: the text of the dict."""
    assert any(v.uncertain for s in summaries for v in s.tables.values())
    assert any(v.value is None for s in summaries for v in s.tables.values())
    for s in summaries:
        d = s.to_dict()
        text = json.dumps(d, ensure_ascii=False)
        assert summary_json(s) == text
        assert summary_json(s, d) == text


def test_to_dict_without_tables_keeps_their_place(summaries):
    s = summaries[0]
    full, light = s.to_dict(), s.to_dict(tables=False)
    assert list(light) == list(full) and light["tables"] is None
    assert {k: v for k, v in light.items() if k != "tables"} == {k: v for k, v in full.items() if k != "tables"}


# JSON-like values of every kind json.dumps takes: any code point (lone surrogates, non-BMP,
# control characters, quotes), big and negative ints, floats with NaN and infinities, bools.
_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(st.characters(exclude_categories=()))
)
_keys = st.text(st.characters(exclude_categories=()), max_size=8)
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4), max_leaves=20
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_to_json_is_json_dumps_for_any_json_value(v):
    assert to_json(v) == json.dumps(v, ensure_ascii=False)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_keys, st.none() | st.integers() | st.floats(), _keys, st.booleans(), _keys | st.none()),
                max_size=5),
       st.dictionaries(_keys, st.integers() | st.lists(st.integers(), max_size=3), max_size=4))
def test_to_json_of_generated_summaries(cells, numbers):
    tables = {key: TableValue(value, raw, 3, 5, uncertain, reason if uncertain else None)
              for key, value, raw, uncertain, reason in cells}
    s = Summary("a.txt", tables=tables, checks=[Check("rule", True, "d\u00e9tail \U0001f600 \"q\"", numbers)],
                statements=[Statement("text\n", "problem", ["staff"], 0.5, None, 0, 5, {"staff": math.pi})])
    d = s.to_dict()
    assert to_json(d) == json.dumps(d, ensure_ascii=False)


# cell values of every type a TableValue may hold (bools and big ints included), any text in
# keys, printed tokens and reasons, any span
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, st.tuples(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(),
    st.text(st.characters(exclude_categories=())), st.integers(min_value=-5, max_value=10**9),
    st.integers(min_value=0, max_value=10**9), st.booleans(), st.none() | _keys), max_size=6))
def test_summary_json_of_any_cells(cells):
    tables = {k: TableValue(value, raw, start, end, uncertain, reason) for k, (value, raw, start, end, uncertain, reason)
              in cells.items()}
    s = Summary("b.txt", tables=tables, warnings=["w\x00"])
    assert summary_json(s) == json.dumps(s.to_dict(), ensure_ascii=False)
    assert summary_json(s, s.to_dict()) == json.dumps(s.to_dict(), ensure_ascii=False)


def test_to_dict_keeps_the_contract():
    s = Summary("a.txt", tables={"k": TableValue(1, "1", 0, 1), "u": TableValue(None, "x", 2, 3, True, "why")},
                checks=[Check("r", False, "d"), Check("r2", True, "d2", {"k": 1})],
                statements=[Statement("t", "other", ["a"], 0.5, "problems", 0, 1),
                            Statement("t", "problem", ["a"], 0.5, None, 0, 1, {"a": 0.9})])
    d = s.to_dict()
    assert d["tables"] == {"k": {"value": 1, "raw": "1", "start": 0, "end": 1},
                           "u": {"value": None, "raw": "x", "start": 2, "end": 3, "uncertain": True, "reason": "why"}}
    assert d["checks"] == [{"rule": "r", "ok": False, "detail": "d"},
                           {"rule": "r2", "ok": True, "detail": "d2", "numbers": {"k": 1}}]
    assert list(d["statements"][0]) == ["text", "label", "themes", "confidence", "section", "start", "end"]
    assert d["statements"][1]["theme_scores"] == {"a": 0.9}
    assert list(d["meta"]) == ["agency", "year", "title", "template"]
    assert Summary.from_dict(json.loads(to_json(d))).to_dict() == d


def test_model_objects_pickle(summaries):
    """Slotted dataclasses still cross process boundaries (joblib, dask)."""
    s = summaries[0]
    assert pickle.loads(pickle.dumps(s)).to_dict() == s.to_dict()


def test_build_does_not_change_the_report():
    """Values passed on as is (plain text) are shared, never modified; summarizing twice gives the same."""
    name, data = bench.make_report(3)
    report = pipeline.read(decode.from_bytes(data, name))
    before = {k: (v.value, v.raw, v.start, v.end) for k, v in report.tables.items()}
    first = pipeline.summarize(report).to_dict()
    assert pipeline.summarize(report).to_dict() == first
    assert {k: (v.value, v.raw, v.start, v.end) for k, v in report.tables.items()} == before
