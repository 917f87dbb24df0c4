"""Every printed cell of tables 2-4 of the five sample reports, read by hand from the seeds.

Rows are written as the seeds print them: one token per column, "_" for a printed blank.
A row missing here is a row the seed does not print (002 prints 四、结转下年度继续办理 as a
label without cells). Rows marked uncertain print more values than columns (000's
(六)–四 rows, 004's (六)/(七) rows): the last values are kept and flagged.
"""

from __future__ import annotations

import pytest

from nlp import pipeline

T3_COLS = "natural commercial research social legal other_org total"
T4_COLS = [f"{g}.{c}" for g in ("review", "suit_direct", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]
Z7 = "0 0 0 0 0 0 0"
B7 = "_ _ _ _ _ _ 0"  # only the total printed
RESULTS_2021 = ["granted", "partial", "deny_secret", "deny_law", "deny_safety", "deny_third_party", "deny_internal",
                "deny_process", "deny_enforcement", "deny_query", "unable_not_held", "unable_need_create",
                "unable_unclear", "reject_petition", "reject_repeat", "reject_publication", "reject_mass",
                "reject_confirm", "other_overdue_fix", "other_overdue_fee", "other_misc"]
RESULTS_2019 = RESULTS_2021[:18] + ["other"]


def t3(rows: dict[str, str]) -> dict[str, str]:
    out = {}
    for row, tokens in rows.items():
        for col, tok in zip(T3_COLS.split(), tokens.split(), strict=True):
            out[f"t3.{row}.{col}"] = tok
    return out


def t4(tokens: str) -> dict[str, str]:
    return {f"t4.{k}": tok for k, tok in zip(T4_COLS, tokens.split(), strict=True)}


def t2(rows: dict[str, str]) -> dict[str, str]:
    """{"rules": "issued=0 repealed=0 valid=0"} -> cells."""
    out = {}
    for row, spec in rows.items():
        for item in spec.split():
            col, tok = item.split("=")
            out[f"t2.{row}.{col}"] = tok
    return out


SEEDS: dict[str, dict] = {
    "000": {
        "template": "2021",
        "cells": {
            **t2({"rules": "issued=0 repealed=0 valid=0", "normative": "issued=1 repealed=0 valid=6",
                  "license": "decisions=32", "penalty": "decisions=0", "coercion": "decisions=0",
                  "fees": "amount=0"}),
            # (一)予以公开 … (五)2.重复申请 print one 0 each: the row's 总计 (issue 3)
            **t3({"new": Z7, "carried": Z7, **{r: B7 for r in RESULTS_2021[:15]},
                  "reject_publication": Z7, "reject_mass": Z7, "reject_confirm": Z7,
                  "other_overdue_fix": Z7, "other_overdue_fee": Z7, "other_misc": Z7,
                  "result_total": Z7, "carry_forward": Z7}),
            **t4(" ".join(["0"] * 15)),
        },
        "uncertain_rows": ["other_overdue_fix", "other_overdue_fee", "other_misc", "result_total", "carry_forward"],
    },
    "001": {
        "template": "2021",
        "cells": {
            **t2({"rules": "issued=0 repealed=0 valid=0", "normative": "issued=0 repealed=0 valid=0",
                  "license": "decisions=157", "penalty": "decisions=0", "coercion": "decisions=0",
                  "fees": "amount=0"}),
            **t3({r: Z7 for r in ["new", "carried", *RESULTS_2021, "result_total", "carry_forward"]}),
            **t4(" ".join(["0"] * 15)),
        },
        "uncertain_rows": [],
    },
    "002": {
        "template": "2019",
        "cells": {
            **t2({"rules": "made=0 published=0 total=0", "normative": "made=0 published=0 total=0",
                  "license": "prev=0 change=0 decisions=0", "other_services": "prev=0 change=0 decisions=0",
                  "penalty": "prev=0 change=0 decisions=0", "coercion": "prev=0 change=0 decisions=0",
                  "fees": "prev=0 change=0", "procurement": "items=2 amount=4.6260"}),
            # blanks are null; 四、结转下年度继续办理 is printed without cells
            **t3({r: B7 for r in ["new", "carried", *RESULTS_2019, "result_total"]}),
            **t4("_ _ _ _ 0 _ _ _ _ 0 _ _ _ _ 0"),
        },
        "uncertain_rows": [],
    },
    "003": {
        "template": "2019",
        "cells": {
            **t2({"rules": "made=0 published=0 total=0", "normative": "made=0 published=0 total=0",
                  "license": "prev=0 change=0 decisions=0", "other_services": "prev=11 change=-4 decisions=0",
                  "penalty": "prev=0 change=0 decisions=0", "coercion": "prev=0 change=0 decisions=0",
                  "fees": "prev=0 change=0", "procurement": "items=0 amount=0"}),
            **t3({r: Z7 for r in ["new", "carried", *RESULTS_2019, "result_total", "carry_forward"]}),
            **t4(" ".join(["0"] * 15)),
        },
        "uncertain_rows": [],
    },
    "004": {
        "template": "2019",
        "cells": {
            **t2({"rules": "made=0 published=0 total=0", "normative": "made=1 published=1 total=6",
                  "license": "prev=6 change=0 decisions=624", "other_services": "prev=3 change=0 decisions=7",
                  "penalty": "prev=0 change=0 decisions=0", "coercion": "prev=0 change=0 decisions=0",
                  "fees": "prev=0 change=0", "procurement": "items=1 amount=0.32"}),
            **t3({r: Z7 for r in ["new", "carried", *RESULTS_2019, "result_total", "carry_forward"]}),
            # the first five cells of table 4 are printed blank
            **t4("_ _ _ _ _ 0 0 0 0 0 0 0 0 0 0"),
        },
        "uncertain_rows": ["other", "result_total"],
    },
}


def _value(tok: str) -> int | float | None:
    if tok == "_":
        return None
    return float(tok) if "." in tok else int(tok)


@pytest.fixture(scope="module")
def summaries(samples):
    return {k: pipeline.analyze(p) for k, p in samples.items()}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_printed_cell(seed, summaries, samples):
    spec = SEEDS[seed]
    s = summaries[seed]
    text = samples[seed].read_text(encoding="utf-8")
    assert s.meta.template == spec["template"]
    expected = spec["cells"]
    assert set(s.tables) == set(expected), (set(s.tables) ^ set(expected))
    for key, tok in expected.items():
        got = s.tables[key]
        want = _value(tok)
        assert got.value == want and type(got.value) is type(want), (key, got, tok)
        assert got.raw == ("" if tok == "_" else tok), (key, got)
        # the span points at the printed token in the input
        assert text[got.start : got.end] == got.raw, (key, got)
        row = key.split(".")[1]
        assert got.uncertain == (key.startswith("t3.") and row in spec["uncertain_rows"]), (key, got)


def test_cell_counts(summaries):
    """How many cells each seed prints (a compact regression guard)."""
    counts = {k: len(s.tables) for k, s in summaries.items()}
    assert counts == {"000": 200, "001": 200, "002": 191, "003": 198, "004": 198}


def test_stray_values_are_warned(summaries):
    """000's (六)–四 rows and 004's (六)/(七) rows print 8 values for 7 columns."""
    for seed, n in (("000", 5), ("004", 2)):
        warned = [w for w in summaries[seed].warnings if "more than columns" in w]
        assert len(warned) == n, summaries[seed].warnings


def test_seeds_add_up(summaries):
    """The seeds' printed numbers add up: no arithmetic check fails."""
    for seed, s in summaries.items():
        failed = [c for c in s.checks if not c.ok and not c.rule.endswith("_complete")]
        assert not failed, (seed, failed)


def test_002_carry_forward_reported_missing(summaries):
    checks = {c.rule: c for c in summaries["002"].checks}
    assert not checks["t3_complete"].ok
    assert checks["t3_complete"].numbers["missing_rows"] == ["t3.carry_forward"]
    assert "label without cells" in checks["t3_complete"].detail
    assert len(checks["t3_complete"].numbers["blank"]) == 22 * 6
    assert checks["t4_complete"].numbers["blank"] == [k for k in
                                                      (f"t4.{k}" for k in T4_COLS) if not k.endswith("total")]


def test_prose_checks_on_seeds(summaries):
    rules = {seed: {c.rule: c.ok for c in s.checks if c.rule.startswith("prose")} for seed, s in summaries.items()}
    assert rules["000"] == {"prose_no_applications": True}
    assert rules["001"] == {"prose_no_applications": True}
    assert rules["002"] == {}
    assert rules["003"] == {"prose_no_applications": True, "prose_no_review_litigation": True}
    assert rules["004"] == {"prose_no_applications": True, "prose_no_review_litigation": True}
