"""Property tests: generated reports (training/tablegen.py) in every rendering and both
templates go through the whole pipeline; extraction must recover every printed cell, a
consistent table must pass every check, and every planted inconsistency must be flagged.

CI runs a modest number of examples, derandomized so that a run is reproducible. Run
thousands locally with e.g. ``GK_PROPERTY_EXAMPLES=3000 python -m pytest tests/test_tables_property.py``
(setting the variable also lets hypothesis draw fresh random seeds).
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import decode, pipeline
from nlp import templates as T
from training import tablegen as G

EXAMPLES = int(os.environ.get("GK_PROPERTY_EXAMPLES", "0")) or None
SETTINGS = settings(
    max_examples=EXAMPLES or 200,
    deadline=None,
    derandomize=EXAMPLES is None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
PLANT_SETTINGS = settings(SETTINGS, max_examples=EXAMPLES or 100)
SEEDS = st.integers(min_value=0, max_value=2**31)
COMBOS = [(r, t) for r in G.RENDERINGS for t in T.TEMPLATE_IDS]


def run(case: G.Case):
    return pipeline.read(decode.from_bytes(case.text.encode("utf-8"), case.name))


def same(got, value, raw) -> bool:
    if got.raw != raw:
        return False
    if value is None or got.value is None:
        return value is None and got.value is None
    return type(got.value) is type(value) and math.isclose(got.value, value, abs_tol=1e-9)


@pytest.mark.parametrize("rendering, template", COMBOS)
@SETTINGS
@given(seed=SEEDS)
def test_every_cell_recovered(rendering, template, seed):
    case = G.make_case(seed, rendering, template)
    report = run(case)
    got = report.tables
    assert report.meta.template == template
    for key, (value, raw) in case.expected.items():
        cell = got.get(key)
        if rendering in G.EXACT:
            assert cell is not None, (key, value, raw)
            assert same(cell, value, raw), (key, cell, value, raw)
            assert not cell.uncertain or key in case.uncertain_ok, (key, cell)
        elif cell is not None and not cell.uncertain:
            # renderings that lose information may leave a cell out or flag it, never guess silently
            assert same(cell, value, raw), (key, cell, value, raw)
    assert set(got) <= set(case.expected), set(got) - set(case.expected)
    if rendering in G.EXACT:
        failed = [c for c in report.checks if not c.ok]
        assert not failed, failed  # a consistent table raises no alarm


@pytest.mark.parametrize("rendering, template", COMBOS)
@PLANT_SETTINGS
@given(seed=SEEDS)
def test_every_inconsistency_flagged(rendering, template, seed):
    case = G.make_case(seed, rendering, template, inconsistent=True)
    report = run(case)
    for key, rule in case.planted:
        cell = report.tables.get(key)
        if rendering not in G.EXACT and (cell is None or cell.uncertain):
            # the wrong cell was not read with certainty (glued digits may even have been split
            # so that the row adds up): only a certain reading can prove the table wrong
            continue
        flagged = [c for c in report.checks if not c.ok and (key in c.numbers or key in c.numbers.get("uncertain", ()))]
        assert flagged, (key, rule, cell, [c for c in report.checks if not c.ok])
        assert any(c.rule == rule for c in flagged) or rule == "t3_row_total", (rule, flagged)


TRANSPOSED = [(r, t) for r in sorted(G.EXACT_TRANSPOSED) for t in T.TEMPLATE_IDS]
TRANSPOSED_SETTINGS = settings(SETTINGS, max_examples=EXAMPLES or 40)


@pytest.mark.parametrize("rendering, template", TRANSPOSED)
@TRANSPOSED_SETTINGS
@given(seed=SEEDS)
def test_transposed_table_3_read_exactly(rendering, template, seed):
    """Table 3 printed the other way round (the applicant types as rows): every cell exact and
    certain, the checks quiet, and a note that it was read column by column; the same report
    printed the template's way round gets no such note."""
    case = G.make_case(seed, rendering, template, transposed=True)
    report = run(case)
    assert any(k.startswith("t3.") for k in case.expected)
    for key, (value, raw) in case.expected.items():
        cell = report.tables.get(key)
        assert cell is not None and same(cell, value, raw) and not cell.uncertain, (key, cell, value, raw)
    assert set(report.tables) <= set(case.expected)
    assert not [c for c in report.checks if not c.ok]
    assert sum("printed transposed" in w for w in report.warnings) == 1
    assert not any("printed transposed" in w for w in run(G.make_case(seed, rendering, template)).warnings)


@pytest.mark.parametrize("rendering, template", TRANSPOSED)
@settings(TRANSPOSED_SETTINGS, max_examples=EXAMPLES or 20)
@given(seed=SEEDS)
def test_transposed_table_3_inconsistency_flagged(rendering, template, seed):
    case = G.make_case(seed, rendering, template, inconsistent=True, transposed=True)
    report = run(case)
    for key, rule in case.planted:
        flagged = [c for c in report.checks if not c.ok and (key in c.numbers or key in c.numbers.get("uncertain", ()))]
        assert flagged, (key, rule, [c for c in report.checks if not c.ok])


@pytest.mark.parametrize("template", T.TEMPLATE_IDS)
@settings(TRANSPOSED_SETTINGS, max_examples=EXAMPLES or 20)
@given(seed=SEEDS)
def test_transposed_table_3_without_its_blank_slots_is_not_read(template, seed):
    """A word processor's tab copy drops the blank slots of merged cells: the header rows of a
    transposed table then sit shifted against its values. No value is placed under a row
    (the old reading put many under the wrong one); a warning says why."""
    assert "tabs_word" in G.TRANSPOSABLE - G.EXACT_TRANSPOSED
    report = run(G.make_case(seed, "tabs_word", template, transposed=True))
    assert not [k for k in report.tables if k.startswith("t3.")]
    assert any("do not line up" in w for w in report.warnings)


def test_transposing_a_grid_twice_gives_it_back():
    rng = G.random.Random(5)
    for template in T.TEMPLATE_IDS:
        grid = G.t3_grid(G.make_values(rng, template), G._labels(rng, template))
        back = G.transpose(G.transpose(grid))
        assert [[(x.text, x.key, x.rowspan, x.colspan, x.covered_by) for x in row] for row in back] == \
               [[(x.text, x.key, x.rowspan, x.colspan, x.covered_by) for x in row] for row in grid]


def test_squeeze_removes_what_the_pattern_removes():
    """``squeeze`` takes a faster way than its pattern (TABLE_SPACE): the same text out for
    every character, between letters and alone."""
    from nlp import patterns as P

    for c in range(0x110000):
        text = f"本{chr(c)}年 {chr(c)}"
        assert T.squeeze(text) == P.TABLE_SPACE.sub("", text), hex(c)
