"""The issue's questions, asked of a database batch built from 1,000+ generated reports.

The corpus (tests/storecorpus.py) is built once for this module and analyzed once with the
shipped model (``gkreport batch --jobs 2``). Every answer is checked against values this
test computes on its own: from what the generator planted (agencies, levels, kinds, years,
carry-over breaks, repeats, shared drafts, vague and specific problems) and from the summary
JSON files batch wrote beside the database (themes, statements, checks, cells) — never by
calling nlp.query, nlp.store, nlp.compare or nlp.agency.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import pytest

from nlp import cli
from tests import storecorpus

LEVELS_ZH = {"province": "省级", "city": "市级", "county": "县级", "district": "区级", "township": "乡镇", "street": "街道"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    plan = storecorpus.build(root)
    out = tmp_path_factory.mktemp("out")
    r = subprocess.run([sys.executable, "-m", "nlp.cli", "batch", str(root), "--out", str(out), "--jobs", "2", "--quiet"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    summaries = {}
    for rep in plan.reports:
        summaries[rep.rel] = json.loads((out / (rep.rel + ".json")).read_text(encoding="utf-8"))
    sha = {s["sha256"][:10]: rel for rel, s in summaries.items()}
    return {"root": root, "out": out, "db": str(out / "gkreport.sqlite"), "plan": plan,
            "by_rel": plan.by_rel(), "summaries": summaries, "sha": sha}


def query(world, *argv, fmt="json"):
    """Run ``gkreport query ...`` in this process and return the parsed output."""
    buf = io.StringIO()
    old = sys.stdout
    sys.stdout = buf
    try:
        code = cli.main(["query", *argv, "--db", world["db"], "--format", fmt])
    finally:
        sys.stdout = old
    assert code == 0
    return json.loads(buf.getvalue()) if fmt == "json" else buf.getvalue()


def problem_themes(summary: dict) -> set[str]:
    return {t for s in summary["statements"] if s["label"] == "problem" for t in s["themes"]}


# ---------------------------------------------------------------------------- the corpus itself
def test_corpus_is_big_and_planted(world):
    plan = world["plan"]
    assert len(plan.reports) >= 1000
    assert len({r.agency.idx for r in plan.reports if r.agency}) >= 150
    assert {r.year for r in plan.reports} >= set(range(2019, 2025))
    assert sum(r.carry_break for r in plan.reports) >= 20 and sum(r.valid_break for r in plan.reports) >= 10
    assert sum(bool(r.repeat) for r in plan.reports) >= 30 and sum(r.shared is not None for r in plan.reports) >= 10


def test_agencies_levels_kinds_and_naming_variants(world):
    """Level and kind come from the agency name; 市商务局 signed 驻马店市商务局 is the same agency."""
    rows = query(world, "reports", "--limit", "0")
    assert len(rows) == len(world["plan"].reports)
    keys: dict[int, set] = defaultdict(set)
    unmatched = []
    for row in rows:
        rep = world["by_rel"][world["sha"][row["report"]]]
        if rep.agency is None:
            continue
        assert row["level"] == rep.agency.level, (row, rep.agency)
        assert row["kind"] == rep.agency.kind, (row, rep.agency)
        assert row["year"] == rep.year
        if rep.matchable:
            assert row["region"] == rep.agency.region, row
            assert row["agency"] == rep.agency.name  # the full name, also where the title omits the region
        else:
            unmatched.append(row)
        if rep.matchable:
            keys[rep.agency.idx].add(row["key"])
    # the same agency has one key whatever its name's variant; different agencies, different keys
    assert all(len(k) == 1 and None not in k for k in keys.values())
    assert len({next(iter(k)) for k in keys.values()}) == len(keys)
    zmd = [r for r in rows if r["key"] == "驻马店市/commerce"]
    assert sorted(r["year"] for r in zmd) == [2021, 2022, 2023]
    full = query(world, "report", next(r for r in zmd if r["year"] == 2022)["report"])
    assert full["summary"]["meta"]["agency"] == "市商务局"  # as printed; the region comes from its signature
    assert len(unmatched) == sum(1 for r in world["plan"].reports if r.agency and not r.matchable)
    assert all(r["region"] is None for r in unmatched)


def test_themes_by_year_and_by_level(world):
    """Which problems do departments admit most, and how has that changed since 2019?"""
    per_year: dict[int, Counter] = defaultdict(Counter)
    reports_per_year: Counter = Counter()
    per_level: dict[str, Counter] = defaultdict(Counter)
    reports_per_level: Counter = Counter()
    for rel, s in world["summaries"].items():
        rep = world["by_rel"][rel]
        year = s["meta"]["year"]
        reports_per_year[year] += 1
        per_year[year].update(problem_themes(s))
        level = LEVELS_ZH[rep.agency.level] if rep.agency else "—"  # a report naming no agency
        reports_per_level[level] += 1
        per_level[level].update(problem_themes(s))
    got = query(world, "themes", "--by", "year")
    assert {(int(r["group"]), r["theme"]): (r["reports"], r["reports_in_group"]) for r in got} == {
        (y, t): (n, reports_per_year[y]) for y, c in per_year.items() for t, n in c.items()}
    for r in got:
        assert r["share"] == round(r["reports"] / r["reports_in_group"], 4)
    got = query(world, "themes", "--by", "level")
    assert {(r["group"], r["theme"]): r["reports"] for r in got} == {
        (lv, t): n for lv, c in per_level.items() for t, n in c.items()}
    # one city's departments, one year
    city = {rel: s for rel, s in world["summaries"].items()
            if world["by_rel"][rel].agency and world["by_rel"][rel].agency.region == "云岭市" and s["meta"]["year"] == 2022}
    expect = Counter(t for s in city.values() for t in problem_themes(s))
    got = query(world, "themes", "--region", "云岭市", "--year", "2022")
    assert {r["theme"]: r["reports"] for r in got} == dict(expect)
    assert all(r["reports_in_group"] == len(city) for r in got)


def test_reports_admitting_a_platform_problem(world):
    expect = {s["sha256"][:10] for s in world["summaries"].values() if "platform" in problem_themes(s)}
    got = {r["report"] for r in query(world, "reports", "--theme", "platform")}
    assert got == expect and len(expect) > 100


def test_statements_about_interpretation_from_county_governments_in_2022(world):
    expect = sorted(
        st["text"] for rel, s in world["summaries"].items()
        for st in s["statements"]
        if world["by_rel"][rel].agency and world["by_rel"][rel].agency.level == "county"
        and world["by_rel"][rel].agency.kind == "government" and s["meta"]["year"] == 2022
        and st["label"] == "problem" and "interpretation" in st["themes"])
    got = query(world, "statements", "--label", "problem", "--theme", "interpretation", "--level", "县",
                "--kind", "government", "--year", "2022")
    assert sorted(r["text"] for r in got) == expect and expect


@pytest.mark.parametrize("keyword", ["微信公众号", "政策解读", "网站", "培训"])
def test_keyword_search_finds_every_statement_containing_it(world, keyword):
    """Full-text search (FTS5 trigram) for 3+ characters, LIKE below: both find every occurrence."""
    expect = sorted(st["text"] for s in world["summaries"].values() for st in s["statements"]
                    if st["label"] in ("problem", "remedy") and keyword in st["text"])
    got = query(world, "statements", "-k", keyword, "--limit", "0")
    assert sorted(r["text"] for r in got) == expect and expect


def test_checks_failing_and_cells_by_year(world):
    """Which reports fail 勾稽关系? And one cell across reports, by year."""
    expect = {(s["sha256"][:10], c["rule"]) for s in world["summaries"].values() for c in s["checks"] if not c["ok"]}
    got = query(world, "checks")
    assert {(r["report"], r["rule"]) for r in got} == expect
    assert all(isinstance(r["numbers"], dict) for r in got)
    assert got and all(world["by_rel"][world["sha"][r["report"]]].sample for r in got)  # generated tables add up
    sums: dict[int, int] = defaultdict(int)
    counts: Counter = Counter()
    for s in world["summaries"].values():
        cell = s["tables"].get("t3.new.total")
        if cell is not None:
            counts[s["meta"]["year"]] += 1
            sums[s["meta"]["year"]] += cell["value"] or 0
    got = query(world, "cells", "t3.new.total", "--by", "year")
    assert {int(r["group"]): (r["reports"], r["sum"]) for r in got} == {y: (counts[y], sums[y]) for y in counts}


def _rep(world, sha: str) -> storecorpus.Report:
    return world["by_rel"][world["sha"][sha]]


def test_carryover_breaks_are_found_and_nothing_else(world):
    """Whose 上年结转 does not match last year's 结转下年度? (and 现行有效件数 that does not chain on)"""
    plan = world["plan"].reports
    got = query(world, "carryover")
    t3 = {(_rep(world, r["report"]).agency.idx, r["year"]) for r in got if r["rule"] == "t3_carryover"}
    t2 = {(_rep(world, r["report"]).agency.idx, r["year"]) for r in got if r["rule"] == "t2_valid"}
    assert t3 == {(r.agency.idx, r.year) for r in plan if r.carry_break}
    assert t2 == {(r.agency.idx, r.year) for r in plan if r.valid_break}
    assert (900, 2023) in t3  # 驻马店市商务局 2023 against "市商务局" 2022, itself checked against the sample 2021
    # every pair of consecutive years of a matchable agency was compared
    everything = query(world, "carryover", "--all")
    pairs = {(r["report"], r["prev_report"]) for r in everything if r["rule"] == "t3_carryover"}
    by_agency: dict[int, dict[int, storecorpus.Report]] = defaultdict(dict)
    for r in plan:
        if r.agency and r.matchable:
            by_agency[r.agency.idx][r.year] = r
    expected_pairs = sum(1 for years in by_agency.values() for y in years if y - 1 in years)
    assert len(pairs) == expected_pairs
    assert {(_rep(world, a).agency.idx, _rep(world, b).agency.idx) for a, b in pairs} <= {(i, i) for i in by_agency}


def _has(summary: dict, label: str) -> bool:
    return any(st["label"] == label for st in summary["statements"])


def test_repeated_problems_and_promises(world):
    """Which agencies copy last year's problems and promises nearly word for word?

    What was planted, as far as the classifier found the statements: a copy of problems the
    classifier did not find (1% of reports have no problem found) cannot be compared."""
    plan = world["plan"].reports
    at = {(r.agency.idx, r.year): r for r in plan if r.agency}
    expected = {}
    for r in plan:
        if not r.repeat:
            continue
        cur, prev = world["summaries"][r.rel], world["summaries"][at[(r.agency.idx, r.year - 1)].rel]
        flags = (["problems"] if _has(cur, "problem") and _has(prev, "problem") else []) + \
            (["promises"] if r.repeat == "both" and _has(cur, "remedy") and _has(prev, "remedy") else [])
        if flags:
            expected[(r.agency.idx, r.year)] = "both" if len(flags) == 2 else flags[0]
    got = query(world, "repeats")
    found = {(_rep(world, r["report"]).agency.idx, r["year"]): r["repeated"] for r in got}
    assert found == expected
    assert len(expected) >= 0.9 * sum(1 for r in plan if r.repeat)
    everything = query(world, "repeats", "--all")
    others = [r for r in everything if not r["repeated"]]
    planted_min = min(min(x for x in (r["problems_sim"], r["promises_sim"]) if x is not None) for r in got
                      if r["repeated"] == "both")
    unplanted_max = max(max(r["problems_sim"] or 0, r["promises_sim"] or 0) for r in others)
    assert unplanted_max < 0.3 and planted_min > 0.7  # the threshold (0.6) has room on both sides


def test_shared_drafts_across_agencies(world):
    """内容雷同: problems sections near-identical to another agency's in the same year."""
    got = query(world, "similar")
    found = {frozenset((world["sha"][r["report"]], world["sha"][r["other_report"]])) for r in got}
    groups: dict[int, list[str]] = defaultdict(list)
    for r in world["plan"].reports:
        if r.shared is not None:
            groups[r.shared].append(r.rel)
    planted = {frozenset(p) for rels in groups.values() for p in combinations(rels, 2)}
    comparable = {p for p in planted if all(_has(world["summaries"][rel], "problem") for rel in p)}
    assert comparable <= found <= planted and len(comparable) >= 0.8 * len(planted)
    assert min(r["similarity"] for r in got) > 0.7
    unplanted = query(world, "similar", "--threshold", "0.2")
    assert max((r["similarity"] for r in unplanted
                if frozenset((world["sha"][r["report"]], world["sha"][r["other_report"]])) not in planted),
               default=0) < 0.45


def test_specificity_of_planted_sections(world):
    """Stock phrases only -> vague; named accounts, columns, counts and dates -> specific."""
    got = {r["report"]: r for r in query(world, "specificity")}
    checked = 0
    for rel, s in world["summaries"].items():
        rep = world["by_rel"][rel]
        if not (rep.vague or rep.specific) or not _has(s, "problem"):
            continue
        row = got[s["sha256"][:10]]
        assert row["verdict"] == ("vague" if rep.vague else "specific"), (row, rep.problems)
        checked += 1
    assert checked >= 0.9 * sum(1 for r in world["plan"].reports if r.vague or r.specific)
    vague = {r["report"] for r in query(world, "specificity", "--verdict", "vague")}
    assert {s["sha256"][:10] for rel, s in world["summaries"].items() if world["by_rel"][rel].vague and _has(s, "problem")} <= vague


def test_report_view(world):
    rep = next(r for r in world["plan"].reports if r.carry_break and r.agency.idx < 900)
    s = world["summaries"][rep.rel]
    text = query(world, "report", s["sha256"][:8], fmt="table")
    assert rep.agency.name in text and "MISMATCH" in text
    assert all(st["text"] in text for st in s["statements"] if st["label"] == "problem")
    by_path = query(world, "report", str(world["root"] / rep.rel))
    assert by_path["summary"]["sha256"] == s["sha256"]
    assert by_path["summary"] == {**s, "source": by_path["summary"]["source"]}  # the summary, rebuilt


def test_formats_agree(world, tmp_path):
    rows = query(world, "reports", "--year", "2023")
    text = query(world, "reports", "--year", "2023", fmt="csv")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["report"] for r in parsed] == [r["report"] for r in rows]
    xlsx = tmp_path / "reports.xlsx"
    assert cli.main(["query", "reports", "--year", "2023", "--db", world["db"], "--format", "xlsx", "-o", str(xlsx)]) == 0
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    values = list(ws.values)
    assert list(values[0]) == list(rows[0]) and [v[0] for v in values[1:]] == [r["report"] for r in rows]
    table = query(world, "themes", "--by", "year", fmt="table")
    assert "平台栏目" in table and "2019" in table and "2024" in table


def test_plot_draws_chinese_with_a_cjk_font(world, tmp_path):
    png = tmp_path / "themes.png"
    assert cli.main(["query", "themes", "--by", "year", "--db", world["db"], "--plot", str(png), "-o",
                     str(tmp_path / "t.txt")]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    from matplotlib.ft2font import FT2Font

    from nlp import plot

    font = FT2Font(plot.cjk_font())
    assert all(font.get_char_index(ord(c)) for c in "各年度政府信息公开年报中承认的问题主题平台栏目")


def test_query_does_not_import_matplotlib_without_plot(world):
    code = ("import sys; from nlp import cli; cli.main(['query', 'themes', '--by', 'year', '--db', sys.argv[1]]); "
            "assert 'matplotlib' not in sys.modules and 'scipy' not in sys.modules and 'sklearn' not in sys.modules")
    r = subprocess.run([sys.executable, "-c", code, world["db"]], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_bad_queries_are_one_line_errors(world, tmp_path, capsys):
    assert cli.main(["query", "report", "ffffffffff", "--db", world["db"]]) == 2
    assert "E303" in capsys.readouterr().err
    assert cli.main(["query", "themes", "--year", "20x2", "--db", world["db"]]) == 2
    assert "E303" in capsys.readouterr().err
    bad = tmp_path / "not.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    assert cli.main(["query", "themes", "--db", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "E302" in err and str(bad) in err and "Traceback" not in err
    assert cli.main(["query", "themes", "--db", str(tmp_path / "missing.sqlite")]) == 2
    assert "E302" in capsys.readouterr().err


@pytest.fixture(scope="module")
def two_scripts(tmp_path_factory):
    """The five sample reports, each also printed in traditional script (zhconv converts them)."""
    import zhconv

    root = tmp_path_factory.mktemp("scripts")
    for p in sorted((Path(__file__).resolve().parents[1] / "corpora" / "samples").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        (root / p.name).write_text(text, encoding="utf-8")
        (root / ("hant_" + p.name)).write_text(zhconv.convert(text, "zh-hant"), encoding="utf-8")
    out = tmp_path_factory.mktemp("scripts_out")
    assert cli.main(["batch", str(root), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    summaries = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
    return {"db": str(out / "gkreport.sqlite"), "summaries": summaries}


@pytest.mark.parametrize("keyword", ["网站", "網站", "信息公开", "信息公開", "政务公开"])
def test_keyword_search_matches_across_scripts(two_scripts, keyword):
    """A keyword finds its statements whichever script the report or the keyword is printed in
    (LIKE below 3 characters, the trigram index from 3)."""
    want = zhconv_simplified(keyword)
    expect = sorted(st["text"] for s in two_scripts["summaries"].values() for st in s["statements"]
                    if st["label"] in ("problem", "remedy") and want in zhconv_simplified(st["text"]))
    got = sorted(r["text"] for r in query(two_scripts, "statements", "-k", keyword, "--limit", "0"))
    assert got == expect
    assert any(t != zhconv_simplified(t) for t in got), "no traditional statement found"
    assert any(t == zhconv_simplified(t) for t in got), "no simplified statement found"


def zhconv_simplified(text: str) -> str:
    """The expected side, by zhconv's own converter (not the one the store uses)."""
    import zhconv

    return zhconv.convert(text, "zh-hans")
