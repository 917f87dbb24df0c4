"""``gkreport query``: questions asked of the summary database (nlp/store.py).

Every command builds a ``Result`` (columns and rows), printed as an aligned terminal table
by default or written as CSV, JSON or XLSX (``--format``, ``--output``). Filters are shared:
``--year 2022`` / ``2019-2022`` / ``2019,2021``, ``--agency`` (a name: matched by its
cross-year key, see nlp/agency.py, or as a substring), ``--level``, ``--kind``, ``--region``.

Cross-year comparisons pair reports of the same agency key in consecutive years. Nothing
here imports more than the standard library at start: scipy is imported by ``similar``,
openpyxl by ``--format xlsx`` and matplotlib by ``--plot`` only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp import agency as agency_mod
from nlp import normalize
from nlp.errors import GkError

_DATA = json.loads((Path(__file__).with_name("data") / "query.json").read_text(encoding="utf-8"))
THEMES_ZH: dict[str, str] = _DATA["themes_zh"]
LABELS_ZH: dict[str, str] = _DATA["labels_zh"]
GROUPINGS = ("year", "agency", "level", "region", "kind")
T3_COLS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
T2_VALID_ROWS = ("rules", "normative")
ID_LEN = 10


@dataclass
class Result:
    """What a query answers: a table, plus notes printed under it in the terminal."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    text: str | None = None  # a readable view that replaces the table in the terminal
    data: Any = None  # what --format json writes instead of the rows (report)
    pivot: tuple[list[str], list[list[str]]] | None = None  # terminal view of a long table

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


# ---------------------------------------------------------------------------- filters
def _years(spec: str | None) -> tuple[int, int] | list[int] | None:
    if not spec:
        return None
    try:
        if "," in spec:
            return [int(x) for x in spec.split(",") if x.strip()]
        if "-" in spec.strip("-") or spec.endswith("-"):
            lo, _, hi = spec.partition("-")
            return (int(lo) if lo.strip() else 0, int(hi) if hi.strip() else 9999)
        return [int(spec)]
    except ValueError:
        raise GkError("E303", None, f"--year {spec!r}: give 2022, 2019-2022 or 2019,2021") from None


def _level(value: str) -> str:
    inverse = {v: k for k, v in agency_mod.LEVELS_ZH.items()} | agency_mod.BARE_UNITS
    out = inverse.get(value, value)
    if out not in agency_mod.LEVELS:
        raise GkError("E303", None, f"--level {value!r}: one of {', '.join(agency_mod.LEVELS)}")
    return out


def _kind(value: str) -> str:
    inverse = {v: k for k, v in agency_mod.KINDS_ZH.items()}
    out = inverse.get(value, value)
    if out not in agency_mod.KINDS_ZH:
        raise GkError("E303", None, f"--kind {value!r}: one of {', '.join(agency_mod.KINDS_ZH)}")
    return out


def report_filter(args: argparse.Namespace, alias: str = "r") -> tuple[str, list[Any]]:
    """SQL conditions on the reports table from the shared filter options."""
    where, params = ["1=1"], []
    years = _years(getattr(args, "year", None))
    if isinstance(years, tuple):
        where.append(f"{alias}.year BETWEEN ? AND ?")
        params += list(years)
    elif years:
        where.append(f"{alias}.year IN ({','.join('?' * len(years))})")
        params += years
    if getattr(args, "agency", None):
        parsed = agency_mod.parse(args.agency)
        like = f"%{_escape_like(agency_mod.clean(args.agency))}%"
        cond = f"({alias}.agency LIKE ? ESCAPE '\\' OR {alias}.agency_full LIKE ? ESCAPE '\\'"
        params += [like, like]
        if parsed and parsed.key:
            cond += f" OR {alias}.agency_key = ?"
            params.append(parsed.key)
        where.append(cond + ")")
    if getattr(args, "level", None):
        where.append(f"{alias}.level = ?")
        params.append(_level(args.level))
    if getattr(args, "kind", None):
        where.append(f"{alias}.kind = ?")
        params.append(_kind(args.kind))
    if getattr(args, "region", None):
        where.append(f"{alias}.region LIKE ? ESCAPE '\\'")
        params.append(f"%{_escape_like(agency_mod.clean(args.region))}%")
    return " AND ".join(where), params


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(keyword: str) -> str:
    return '"' + keyword.replace('"', '""') + '"'


def _has_fts(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE name='statements_fts'").fetchone() is not None


def _name(row: sqlite3.Row) -> str:
    return row["agency_full"] or row["agency"] or "—"


def _group_expr(by: str | None) -> str:
    if by in (None, "", "none"):
        return "'all'"
    if by == "agency":
        return "COALESCE(r.agency_key, 'name:' || COALESCE(r.agency_full, r.agency, '—'))"
    if by not in GROUPINGS:
        raise GkError("E303", None, f"--by {by!r}: one of {', '.join(GROUPINGS)}")
    return f"r.{by}"


def _agency_names(con: sqlite3.Connection) -> dict[str, str]:
    """Agency key -> the name shown for it (the latest year's full name)."""
    out: dict[str, str] = {}
    for key, name in con.execute(
        "SELECT agency_key, COALESCE(agency_full, agency) FROM reports WHERE agency_key IS NOT NULL ORDER BY year"
    ):
        out[key] = name
    return out


def _group_label(value: Any, by: str | None, names: dict[str, str]) -> str:
    if value is None:
        return "—"
    if by == "agency":
        s = str(value)
        return s[5:] if s.startswith("name:") else names.get(s, s)
    if by == "level":
        return agency_mod.LEVELS_ZH.get(value, value)
    if by == "kind":
        return agency_mod.KINDS_ZH.get(value, value)
    return str(value)


# ---------------------------------------------------------------------------- commands
def themes(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    """Counts and share of reports per theme (of problem statements by default), by group."""
    by = args.by
    g = _group_expr(by)
    where, params = report_filter(args)
    label = args.label or "problem"
    totals = dict(con.execute(f"SELECT {g}, COUNT(*) FROM reports r WHERE {where} GROUP BY 1", params).fetchall())
    counts = con.execute(
        f"SELECT {g}, st.theme, COUNT(DISTINCT r.id), COUNT(*) FROM statement_themes st "
        f"JOIN statements s ON s.id = st.statement_id JOIN reports r ON r.id = st.report_id "
        f"WHERE s.label = ? AND {where} GROUP BY 1, 2", [label] + params,
    ).fetchall()
    names = _agency_names(con) if by == "agency" else {}
    rows = []
    for grp, theme, n_reports, n_statements in counts:
        total = totals.get(grp) or 0
        rows.append([_group_label(grp, by, names), theme, THEMES_ZH.get(theme, theme), n_reports, total,
                     round(n_reports / total, 4) if total else None, n_statements])
    order = {t: i for i, t in enumerate(THEMES_ZH)}
    rows.sort(key=lambda r: (str(r[0]), order.get(r[1], 99)))
    title = f"Themes of {label} statements ({LABELS_ZH.get(label, label)}): reports stating each" + (f", by {by}" if by else "")
    res = Result(title, ["group", "theme", "theme_zh", "reports", "reports_in_group", "share", "statements"], rows)
    groups = sorted({str(_group_label(k, by, names)) for k in totals})
    sizes = ", ".join(f"{_group_label(k, by, names)} {totals[k]}" for k in sorted(totals, key=str))
    res.notes.append("share = reports with at least one such statement / reports in the group")
    res.notes.append(f"reports per group: {_clip(sizes, 400)}")
    if len(groups) <= 12:
        cell = {(r[0], r[1]): f"{r[3]} ({r[5] * 100:.0f}%)" if r[5] is not None else str(r[3]) for r in rows}
        seen = [t for t in THEMES_ZH if any(r[1] == t for r in rows)]
        res.pivot = (["theme", ""] + groups, [[t, THEMES_ZH[t]] + [cell.get((grp, t), "0") for grp in groups] for t in seen])
    return res


def statements(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    where, params = report_filter(args)
    labels = [x for x in (args.label or "problem,remedy").split(",") if x]
    cond = [where, f"s.label IN ({','.join('?' * len(labels))})"]
    params = params + labels
    for theme in args.theme or []:
        cond.append("s.id IN (SELECT statement_id FROM statement_themes WHERE theme = ?)")
        params.append(theme)
    fts = _has_fts(con)
    for kw in args.keyword or []:
        # matched in simplified script on both sides (nlp.store keeps each statement's
        # simplified form): 网站 finds a report printed 網站, and 網站 finds 网站
        kw = kw.strip()
        if not kw.isascii():
            kw = normalize.to_simplified(kw)
        if fts and len(kw) >= 3:
            cond.append("s.id IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)")
            params.append(_fts_phrase(kw))
        else:  # the trigram index cannot look up fewer than 3 characters
            cond.append("COALESCE(s.search, s.text) LIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(kw)}%")
    sql = (f"SELECT r.sha256, r.agency, r.agency_full, r.year, r.level, r.kind, s.label, s.themes, s.confidence, s.text "
           f"FROM statements s JOIN reports r ON r.id = s.report_id WHERE {' AND '.join(cond)} "
           f"ORDER BY r.year, COALESCE(r.agency_full, r.agency), r.id, s.ord")
    con.row_factory = sqlite3.Row
    found = con.execute(sql, params).fetchall()
    rows = [[r["sha256"][:ID_LEN], _name(r), r["year"], r["level"], r["label"], ",".join(json.loads(r["themes"])),
             round(r["confidence"], 2) if r["confidence"] is not None else None, r["text"]] for r in found]
    res = Result("Statements", ["report", "agency", "year", "level", "label", "themes", "confidence", "text"], rows)
    res.notes.append(f"{len(rows)} statements in {len({r[0] for r in rows})} reports")
    return res


def reports(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    where, params = report_filter(args)
    cond = [where]
    for theme in args.theme or []:
        cond.append("r.id IN (SELECT st.report_id FROM statement_themes st JOIN statements s ON s.id = st.statement_id "
                    "WHERE st.theme = ? AND s.label = ?)")
        params += [theme, args.label or "problem"]
    if args.failed:
        cond.append("r.n_failed > 0")
    con.row_factory = sqlite3.Row
    found = con.execute(f"SELECT * FROM reports r WHERE {' AND '.join(cond)} "
                        f"ORDER BY r.year, COALESCE(r.agency_full, r.agency), r.id", params).fetchall()
    rows = [[r["sha256"][:ID_LEN], _name(r), r["region"], r["level"], r["kind"], r["year"], r["template"],
             r["n_problems"], r["n_remedies"], r["n_failed"], r["source"], r["agency_key"]] for r in found]
    res = Result("Reports", ["report", "agency", "region", "level", "kind", "year", "template", "problems", "remedies",
                             "failed_checks", "source", "key"], rows)
    res.notes.append(f"{len(rows)} reports")
    return res


def _find_report(con: sqlite3.Connection, ident: str) -> sqlite3.Row:
    con.row_factory = sqlite3.Row
    ident = ident.strip()
    hits: list[sqlite3.Row] = []
    if len(ident) >= 4 and all(c in "0123456789abcdef" for c in ident.lower()):
        hits = con.execute("SELECT * FROM reports WHERE sha256 LIKE ?", (ident.lower() + "%",)).fetchall()
    if not hits:
        path = os.path.abspath(ident)
        hits = con.execute("SELECT r.* FROM reports r JOIN sources s ON s.report_id = r.id WHERE s.path = ? "
                           "OR s.rel = ? OR r.source = ?", (path, ident, ident)).fetchall()
    if not hits:
        hits = con.execute("SELECT DISTINCT r.* FROM reports r JOIN sources s ON s.report_id = r.id "
                           "WHERE s.path LIKE ? ESCAPE '\\'", ("%" + _escape_like(ident),)).fetchall()
    if not hits:
        raise GkError("E303", ident, "no report with this hash prefix or source path")
    if len({h["id"] for h in hits}) > 1:
        some = ", ".join(f"{h['sha256'][:ID_LEN]} ({h['source']})" for h in hits[:5])
        raise GkError("E303", ident, f"{len(hits)} reports match: {some}; give more of the hash")
    return hits[0]


def report(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    from nlp import compare
    from nlp.render import table as text_table
    from nlp.store import summary_of

    r = _find_report(con, args.id)
    summary = summary_of(con, r["id"])
    sources = [row[0] for row in con.execute("SELECT path FROM sources WHERE report_id=? ORDER BY path", (r["id"],))]
    stmts = [s for s in summary.get("statements") or [] if s["label"] in ("problem", "remedy")]
    failed = [c for c in summary.get("checks") or [] if not c["ok"]]
    spec = compare.specificity(s["text"] for s in stmts if s["label"] == "problem")
    cross_args = argparse.Namespace(all=True, threshold=compare.THRESHOLD, year=None, agency=None, level=None,
                                    kind=None, region=None)
    carry = [row for row in carryover(con, cross_args, only_ids={r["id"]}).records() if row["year"] == r["year"]]
    rep = [row for row in repeats(con, cross_args, only_ids={r["id"]}).records() if row["year"] == r["year"]]
    m = summary.get("meta") or {}
    lines = [
        f"report   {r['sha256'][:ID_LEN]}  (sha256 {r['sha256']})",
        f"source   {sources[0] if sources else r['source']}" + (f"  (+{len(sources) - 1} more)" if len(sources) > 1 else ""),
        f"agency   {r['agency'] or '—'}" + (f" = {r['agency_full']} (region from the {r['region_from']})"
                                          if r["agency_full"] and r["agency_full"] != r["agency"] else ""),
        f"         region {r['region'] or '—'}, level {r['level'] or '—'}, kind {r['kind'] or '—'}, "
        f"key {r['agency_key'] or '— (not matched across years)'}",
        f"year     {r['year'] or '—'}   template {m.get('template')}   format {r['format']}   model {r['model'] or 'none'}",
        f"title    {m.get('title') or '—'}",
        "",
        "Sections: " + ", ".join(s["key"] for s in summary.get("sections") or []),
        f"Tables: {len(summary.get('tables') or {})} cells; checks: {len(summary.get('checks') or []) - len(failed)} "
        f"passed, {len(failed)} failed",
    ]
    for c in failed:
        nums = ", ".join(f"{k}={v}" for k, v in (c.get("numbers") or {}).items())
        lines.append(f"  FAIL {c['rule']}: {c['detail']}" + (f"  [{nums}]" if nums and len(nums) < 300 else ""))
    lines += ["", f"Problems and remedies ({sum(s['label'] == 'problem' for s in stmts)} problems, "
                  f"{sum(s['label'] == 'remedy' for s in stmts)} remedies; specificity {spec.verdict}"
                  + (f" {spec.score:.2f}" if spec.score is not None else "") + ")"]
    for s in stmts:
        lines.append(f"  [{s['label']:7}] ({','.join(s['themes']) or '-'}) {s['text']}")
    if carry:
        lines += ["", "Against last year (carry-over, 现行有效件数)"]
        lines.append(text_table([[x["rule"], x["item"], _fmt(x["value"]), _fmt(x["expected"]), "ok" if x["ok"] else "MISMATCH"]
                                 for x in carry], ["rule", "item", "this year", "expected", ""]))
    if rep:
        x = rep[0]
        lines += ["", f"Against last year's report ({x['prev_year']}): problems similarity {_fmt(x['problems_sim'])}, "
                      f"promises similarity {_fmt(x['promises_sim'])}" + (f" -> repeated {x['repeated']}" if x["repeated"] else "")]
    if summary.get("warnings"):
        lines += ["", "Warnings"] + [f"  - {w}" for w in summary["warnings"]]
    rows = [[s["label"], ",".join(s["themes"]), s.get("confidence"), s["text"]] for s in stmts]
    res = Result(f"Report {r['sha256'][:ID_LEN]}", ["label", "themes", "confidence", "text"], rows, text="\n".join(lines))
    res.data = {"report": {k: r[k] for k in r.keys()}, "sources": sources,
                "specificity": {"problems": spec.problems, "specific": spec.specific, "stock": spec.stock,
                                "score": spec.score, "verdict": spec.verdict, "cues": spec.cues},
                "carryover": carry, "repeats": rep, "summary": summary}
    return res


def cells(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    where, params = report_filter(args)
    key = args.key
    key_cond, key_param = ("c.key LIKE ?", key.replace("*", "%")) if "*" in key else ("c.key = ?", key)
    con.row_factory = sqlite3.Row
    found = con.execute(
        f"SELECT r.id, r.sha256, r.agency, r.agency_full, r.agency_key, r.year, r.level, r.region, r.kind, c.key, c.value, "
        f"c.raw, c.uncertain FROM cells c JOIN reports r ON r.id = c.report_id WHERE {key_cond} AND {where} "
        f"ORDER BY c.key, r.year, COALESCE(r.agency_full, r.agency)", [key_param] + params).fetchall()
    if not args.by:
        rows = [[r["sha256"][:ID_LEN], _name(r), r["year"], r["key"], r["value"], r["raw"], bool(r["uncertain"])]
                for r in found]
        res = Result(f"Cell {key}", ["report", "agency", "year", "key", "value", "raw", "uncertain"], rows)
        res.notes.append(f"{len(rows)} cells; value empty = printed blank")
        return res
    names = _agency_names(con) if args.by == "agency" else {}
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in found:
        gval = (r["agency_key"] or "name:" + _name(r)) if args.by == "agency" else r[args.by]
        groups[(r["key"], _group_label(gval, args.by, names))].append(r)
    rows = []
    for (k, grp), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        vals = [x["value"] for x in rs if x["value"] is not None]
        rows.append([grp, k, len(rs), len(vals), _num(sum(vals)) if vals else None,
                     round(sum(vals) / len(vals), 2) if vals else None, _num(min(vals)) if vals else None,
                     _num(max(vals)) if vals else None, sum(1 for x in rs if x["uncertain"])])
    return Result(f"Cell {key} by {args.by}", ["group", "key", "reports", "printed", "sum", "mean", "min", "max",
                                               "uncertain"], rows,
                  notes=["printed = reports printing a number there (a blank is not 0)"])


def checks(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    where, params = report_filter(args)
    cond = [where]
    if not args.all:
        cond += ["r.n_failed > 0", "c.ok = 0"]  # only the summaries of reports with a failure are read
    if args.rule:
        cond.append("c.rule LIKE ?")
        params.append(args.rule.replace("*", "%"))
    con.row_factory = sqlite3.Row
    found = con.execute(
        f"SELECT r.sha256, r.agency, r.agency_full, r.year, c.rule, c.ok, c.detail, c.numbers FROM checks c "
        f"JOIN reports r ON r.id = c.report_id WHERE {' AND '.join(cond)} "
        f"ORDER BY c.rule, r.year, COALESCE(r.agency_full, r.agency), r.id, c.ord", params).fetchall()
    rows = [[r["sha256"][:ID_LEN], _name(r), r["year"], r["rule"], bool(r["ok"]), r["detail"],
             json.loads(r["numbers"]) if r["numbers"] else {}] for r in found]
    res = Result("Checks" + ("" if args.all else " that fail"),
                 ["report", "agency", "year", "rule", "ok", "detail", "numbers"], rows)
    per_rule: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if not row[4]:
            per_rule[row[3]].add(row[0])
    res.notes.append(f"{len({r[0] for r in rows if not r[4]})} reports fail: "
                     + (", ".join(f"{k} {len(v)}" for k, v in sorted(per_rule.items())) or "none"))
    return res


# ---------------------------------------------------------------------------- across years
def _by_key(con: sqlite3.Connection, args: argparse.Namespace) -> dict[str, dict[int, list[sqlite3.Row]]]:
    """Reports with an agency key, by key and year (the filters pick the later year of a pair)."""
    con.row_factory = sqlite3.Row
    out: dict[str, dict[int, list[sqlite3.Row]]] = defaultdict(lambda: defaultdict(list))
    for r in con.execute("SELECT id, sha256, agency, agency_full, agency_key, year FROM reports "
                         "WHERE agency_key IS NOT NULL AND year IS NOT NULL ORDER BY id"):
        out[r["agency_key"]][r["year"]].append(r)
    return out


def _selected(con: sqlite3.Connection, args: argparse.Namespace) -> set[int]:
    where, params = report_filter(args)
    return {r[0] for r in con.execute(f"SELECT r.id FROM reports r WHERE {where}", params)}


def _pairs(con, args, only_ids: set[int] | None) -> Iterable[tuple[sqlite3.Row, sqlite3.Row]]:
    """(last year's report, this year's report) for every agency key and consecutive years."""
    selected = _selected(con, args) if only_ids is None else only_ids
    for _, years in sorted(_by_key(con, args).items()):
        for y in sorted(years):
            for cur in years[y]:
                if cur["id"] not in selected:
                    continue
                for prev in years.get(y - 1, []):
                    yield prev, cur


def _cells_of(con: sqlite3.Connection, rid: int, cache: dict) -> dict[str, Any]:
    if rid not in cache:
        cache[rid] = {k: (v, u) for k, v, u in con.execute(
            "SELECT key, value, uncertain FROM cells WHERE report_id=? AND (key LIKE 't3.carr%' OR key LIKE 't2.%')", (rid,))}
    return cache[rid]


def carryover(con: sqlite3.Connection, args: argparse.Namespace, only_ids: set[int] | None = None) -> Result:
    """This year's 上年结转 against last year's 结转下年度 (per column), and 现行有效件数 against
    last year's + 本年制发 − 本年废止 (2021 template) — for the same agency in consecutive years."""
    cache: dict = {}
    rows = []
    for prev, cur in _pairs(con, args, only_ids):
        a, b = _cells_of(con, prev["id"], cache), _cells_of(con, cur["id"], cache)
        for col in T3_COLS:
            this, last = b.get(f"t3.carried.{col}"), a.get(f"t3.carry_forward.{col}")
            if this and last and this[0] is not None and last[0] is not None:
                rows.append(_carry_row(prev, cur, "t3_carryover", col, this[0], last[0], this[1] or last[1]))
        for row in T2_VALID_ROWS:
            vals = [b.get(f"t2.{row}.valid"), a.get(f"t2.{row}.valid"), b.get(f"t2.{row}.issued"), b.get(f"t2.{row}.repealed")]
            if all(v and v[0] is not None for v in vals):
                expected = vals[1][0] + vals[2][0] - vals[3][0]
                rows.append(_carry_row(prev, cur, "t2_valid", row, vals[0][0], expected, any(v[1] for v in vals)))
    if not getattr(args, "all", False):
        rows = [r for r in rows if not r[7]]
    res = Result("Carry-over across years" + ("" if getattr(args, "all", False) else ": mismatches"),
                 ["agency", "year", "prev_year", "rule", "item", "value", "expected", "ok", "uncertain", "report",
                  "prev_report"], rows)
    res.notes.append("t3_carryover: t3.carried.<col> this year = t3.carry_forward.<col> last year; "
                     "t2_valid: t2.<row>.valid = last year's valid + issued − repealed (2021 template)")
    res.notes.append(f"{len({(r[0], r[1]) for r in rows if not r[7]})} agency-years mismatch")
    return res


def _carry_row(prev, cur, rule: str, item: str, value, expected, uncertain) -> list[Any]:
    ok = abs(float(value) - float(expected)) < 1e-6
    return [cur["agency_full"] or cur["agency"], cur["year"], prev["year"], rule, item, _num(value), _num(expected),
            ok, bool(uncertain), cur["sha256"][:ID_LEN], prev["sha256"][:ID_LEN]]


def _texts(con: sqlite3.Connection, ids: Iterable[int], labels: tuple[str, ...]) -> dict[int, str]:
    out: dict[int, list[str]] = defaultdict(list)
    ids = list(ids)
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        for rid, text in con.execute(
            f"SELECT report_id, text FROM statements WHERE report_id IN ({','.join('?' * len(part))}) "
            f"AND label IN ({','.join('?' * len(labels))}) ORDER BY report_id, ord", part + list(labels)):
            out[rid].append(text)
    return {k: "".join(v) for k, v in out.items()}


def repeats(con: sqlite3.Connection, args: argparse.Namespace, only_ids: set[int] | None = None) -> Result:
    """Problems (and promises) near-identical to the same agency's last year."""
    from nlp import compare

    threshold = args.threshold if args.threshold is not None else compare.THRESHOLD
    pairs = list(_pairs(con, args, only_ids))
    ids = {r["id"] for p in pairs for r in p}
    problems = _texts(con, ids, ("problem",))
    promises = _texts(con, ids, ("remedy",))
    rows = []
    for prev, cur in pairs:
        sp = compare.similarity(problems[cur["id"]], problems[prev["id"]]) \
            if cur["id"] in problems and prev["id"] in problems else None
        sr = compare.similarity(promises[cur["id"]], promises[prev["id"]]) \
            if cur["id"] in promises and prev["id"] in promises else None
        flags = [name for name, s in (("problems", sp), ("promises", sr)) if s is not None and s >= threshold]
        repeated = "both" if len(flags) == 2 else (flags[0] if flags else "")
        rows.append([cur["agency_full"] or cur["agency"], cur["year"], prev["year"], _round(sp), _round(sr), repeated,
                     cur["sha256"][:ID_LEN], prev["sha256"][:ID_LEN]])
    if not getattr(args, "all", False):
        rows = [r for r in rows if r[5]]
    res = Result("Problems and promises repeated from last year", ["agency", "year", "prev_year", "problems_sim",
                                                                    "promises_sim", "repeated", "report", "prev_report"], rows)
    res.notes.append(f"similarity: Jaccard of character trigrams (nlp/compare.py); repeated at >= {threshold}")
    return res


def similar(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    """Problems sections near-identical to another agency's (内容雷同), within a year."""
    from nlp import compare

    threshold = args.threshold if args.threshold is not None else compare.THRESHOLD
    where, params = report_filter(args)
    con.row_factory = sqlite3.Row
    found = con.execute(f"SELECT id, sha256, agency, agency_full, agency_key, year FROM reports r WHERE {where} "
                        f"ORDER BY year, id", params).fetchall()
    texts = _texts(con, [r["id"] for r in found], ("problem", "remedy"))
    groups: dict[Any, list[sqlite3.Row]] = defaultdict(list)
    for r in found:
        if r["id"] in texts:
            groups["all" if args.all_years else r["year"]].append(r)
    rows = []
    for _, rs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        items = [(r["id"], compare.shingles(texts[r["id"]])) for r in rs]
        for i, j, s in compare.similar_pairs(items, threshold):
            a, b = rs[i], rs[j]
            if a["agency_key"] and a["agency_key"] == b["agency_key"]:
                continue  # the same agency (a copy of its own report is a repeat, not 雷同)
            if (a["agency_full"] or a["agency"]) > (b["agency_full"] or b["agency"]):
                a, b = b, a
            rows.append([a["year"], b["year"], a["agency_full"] or a["agency"], b["agency_full"] or b["agency"], round(s, 3),
                         a["sha256"][:ID_LEN], b["sha256"][:ID_LEN]])
    rows.sort(key=lambda r: (r[0], -r[4], r[2], r[3]))
    res = Result("Problems sections near-identical across agencies (内容雷同)",
                 ["year", "other_year", "agency", "other_agency", "similarity", "report", "other_report"], rows)
    res.notes.append(f"problem and remedy statements compared; Jaccard of character trigrams >= {threshold}"
                     + ("" if args.all_years else "; same year only (--all-years to compare across years)"))
    return res


def specificity(con: sqlite3.Connection, args: argparse.Namespace) -> Result:
    """Per report: how many problem statements name something checkable (nlp/compare.py)."""
    from nlp import compare

    where, params = report_filter(args)
    con.row_factory = sqlite3.Row
    found = con.execute(f"SELECT id, sha256, agency, agency_full, year FROM reports r WHERE {where} "
                        f"ORDER BY year, COALESCE(agency_full, agency), id", params).fetchall()
    texts: dict[int, list[str]] = defaultdict(list)
    for rid, text in con.execute("SELECT report_id, text FROM statements WHERE label = 'problem' ORDER BY report_id, ord"):
        texts[rid].append(text)
    rows = []
    for r in found:
        spec = compare.specificity(texts.get(r["id"], []))
        if args.verdict and spec.verdict not in args.verdict.split(","):
            continue
        rows.append([r["sha256"][:ID_LEN], _name(r), r["year"], spec.problems, spec.specific, spec.stock,
                     _round(spec.score), spec.verdict, "；".join(spec.cues)])
    res = Result("Specificity of the problems stated", ["report", "agency", "year", "problems", "specific", "stock_only",
                                                        "score", "verdict", "cues"], rows)
    verdicts = defaultdict(int)
    for r in rows:
        verdicts[r[7]] += 1
    res.notes.append("specific = names a platform, column, channel, area, count or date; stock_only = only set phrases; "
                     + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    return res


# ---------------------------------------------------------------------------- output
def _num(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 3)


def _fmt(v: Any) -> str:
    if v is None:
        return "·"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if not v.is_integer() else str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _clip(text: str, n: int) -> str:
    """At most n terminal columns (a Chinese character takes two)."""
    from nlp.render import width

    if width(text) <= n:
        return text
    out, w = [], 0
    for ch in text:
        w += width(ch)
        if w > n - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def render_text(res: Result, limit: int | None) -> str:
    from nlp.render import table

    if res.text is not None:
        return res.text
    out = [res.title]
    if res.pivot is not None:
        out.append(table(res.pivot[1], res.pivot[0]))
    else:
        rows = res.rows if limit is None else res.rows[:limit]
        out.append(table([[_clip(_fmt(v), 100) for v in r] for r in rows], res.columns) if rows else "(none)")
        if limit is not None and len(res.rows) > limit:
            out.append(f"… {len(res.rows) - limit} more (--limit 0 for all, or --format csv)")
    out += res.notes
    return "\n".join(out)


def _csv_value(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else v


def write(res: Result, fmt: str, output: str | None, limit: int | None) -> None:
    """Print or save a result in the requested format."""
    rows = res.rows if not limit else res.rows[:limit]
    if fmt == "xlsx":
        if not output:
            raise GkError("E303", None, "--format xlsx needs --output FILE.xlsx")
        _write_xlsx(res, rows, output)
        print(f"{len(rows)} rows -> {output}", file=sys.stderr)
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(res.columns)
        w.writerows([[_csv_value(v) for v in r] for r in rows])
        text = buf.getvalue()
    elif fmt == "json":
        data = res.data if res.data is not None else [dict(zip(res.columns, r)) for r in rows]
        text = json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        text = render_text(res, limit) + "\n"
    if output:
        try:
            # utf-8 with a BOM for CSV so that Excel shows the Chinese text
            Path(output).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        except OSError as e:
            raise GkError("E301", output, e.strerror or str(e)) from None
    else:
        sys.stdout.write(text)


def _write_xlsx(res: Result, rows: list[list[Any]], output: str) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise GkError("E304", output, "openpyxl (pip install 'gkreport[query]')") from None
    from nlp.render import width

    wb = Workbook()
    ws = wb.active
    ws.title = res.title[:31].replace("/", "-").replace(":", "") or "result"
    ws.append(res.columns)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([_csv_value(v) if isinstance(v, (dict, list)) else v for v in r])
    ws.freeze_panes = "A2"
    for col in ws.columns:
        w = max((width(str(c.value)) for c in col if c.value is not None), default=6)
        ws.column_dimensions[col[0].column_letter].width = min(max(w + 2, 6), 80)
    try:
        wb.save(output)
    except OSError as e:
        raise GkError("E301", output, e.strerror or str(e)) from None


# ---------------------------------------------------------------------------- command line
COMMANDS = {
    "themes": (themes, "counts and share of reports per problem theme (--by year|agency|level|region|kind; --plot)"),
    "statements": (statements, "problem/remedy statements by label, theme, year, agency, level, keyword"),
    "reports": (reports, "reports by theme admitted, failed checks, year, agency, level"),
    "report": (report, "one report, readable: its problems, failed checks and last-year comparisons"),
    "cells": (cells, "one table cell across reports (e.g. t3.new.total --by year)"),
    "checks": (checks, "reports failing a rule (勾稽关系), with the numbers"),
    "carryover": (carryover, "上年结转 vs last year's 结转下年度, 现行有效件数 vs last year's + 制发 − 废止"),
    "repeats": (repeats, "problems and promises near-identical to the same agency's last year"),
    "similar": (similar, "problems sections near-identical to another agency's (内容雷同)"),
    "specificity": (specificity, "whether problems name a platform, column, area, number or date, or only stock phrases"),
}


def add_parser(sub) -> None:
    """Register ``gkreport query <command>`` on the main parser's subparsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=os.environ.get("GKREPORT_DB"),
                        help="the summary database (default: $GKREPORT_DB); batch writes OUTDIR/gkreport.sqlite")
    common.add_argument("--format", choices=["table", "csv", "json", "xlsx"], default="table",
                        help="terminal table (default), csv, json or xlsx (xlsx needs --output)")
    common.add_argument("--output", "-o", default=None, help="write to this file instead of the terminal")
    common.add_argument("--limit", type=int, default=None, help="at most this many rows (terminal default 50; 0: all)")
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--year", help="2022, 2019-2022 or 2019,2021")
    filters.add_argument("--agency", help="an agency name: its naming variants match too (市商务局 = 驻马店市商务局)")
    filters.add_argument("--level", help="province|city|county|district|township|street (or 省/市/县/区/镇/街道)")
    filters.add_argument("--kind", help="government|education|health|public_security|… (or 教育/卫健/公安 …)")
    filters.add_argument("--region", help="a region name or part of it: 驻马店市, 二七区")

    q = sub.add_parser("query", help="ask the summary database (themes, statements, checks, carry-over, repeats …)")
    qsub = q.add_subparsers(dest="query_command", required=True)
    for name, (func, help_text) in COMMANDS.items():
        parents = [common] if name == "report" else [common, filters]
        p = qsub.add_parser(name, help=help_text, description=help_text, parents=parents)
        if name == "themes":
            p.add_argument("--by", choices=GROUPINGS, default=None, help="group the counts")
            p.add_argument("--label", choices=["problem", "remedy"], default="problem",
                           help="themes of problems (default) or of remedies")
            p.add_argument("--plot", default=None, help="also draw the shares as a chart (PNG/SVG/PDF)")
        if name in ("statements", "reports"):
            p.add_argument("--theme", action="append", help="a theme (KEYS.md), repeatable: all must apply")
            p.add_argument("--label", default=None,
                           help="problem, remedy or other, comma-separated" if name == "statements"
                           else "the label the theme is looked for in (default problem)")
        if name == "statements":
            p.add_argument("--keyword", "-k", action="append",
                           help="text the statement contains (full-text search; repeatable: all must occur)")
        if name == "reports":
            p.add_argument("--failed", action="store_true", help="only reports failing a check")
        if name == "report":
            p.add_argument("id", help="a hash prefix (4+ hex digits) or the source path")
        if name == "cells":
            p.add_argument("key", help="a cell key (KEYS.md), '*' as a wildcard: t3.new.total, t3.*.total")
            p.add_argument("--by", choices=GROUPINGS, default=None, help="sum, mean, min, max per group")
        if name == "checks":
            p.add_argument("--rule", help="a rule name ('*' as a wildcard): t3_balance, t3_*")
            p.add_argument("--all", action="store_true", help="passing checks too")
        if name in ("carryover", "repeats"):
            p.add_argument("--all", action="store_true", help="every comparison, not only the mismatches/repeats")
        if name in ("repeats", "similar"):
            p.add_argument("--threshold", type=float, default=None, help="similarity from which texts count as copies "
                           "(default 0.6, see nlp/compare.py)")
        if name == "similar":
            p.add_argument("--all-years", action="store_true", help="also compare reports of different years")
        if name == "specificity":
            p.add_argument("--verdict", help="only these verdicts: vague, mixed, specific, none (comma-separated)")
        p.set_defaults(func=run, query_func=func)


def run(args: argparse.Namespace) -> int:
    """The ``gkreport query`` entry: open the database, answer, print or save."""
    if not args.db:
        raise GkError("E302", None, "no database given: --db OUTDIR/gkreport.sqlite (or set GKREPORT_DB)")
    from nlp import store

    con = store.connect(args.db, create=False)
    try:
        try:
            res = args.query_func(con, args)
        except sqlite3.Error as e:
            raise GkError("E302", args.db, str(e)) from None
    finally:
        con.close()
    limit = args.limit if args.limit is not None else (50 if args.format == "table" and not args.output else None)
    write(res, args.format, args.output, limit or None)
    if getattr(args, "plot", None):
        from nlp import plot

        plot.themes_chart(res, args.by, args.plot)
        print(f"chart -> {args.plot}", file=sys.stderr)
    return 0
