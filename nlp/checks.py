"""Checks: the tables' own arithmetic (勾稽关系), their completeness, and prose against tables.

Every check is a named rule with its verdict and the numbers it looked at. A report whose
printed numbers do not add up is a *finding* (``ok: false``), never an error. The
arithmetic comes from the template data (``relations`` in nlp/data/templates/*.json):

- a relation is evaluated only when every cell it names is printed; a printed blank counts
  as 0 inside a sum (and the detail says so), but a sum whose terms are all blank is not
  evaluated when the template marks it ``skip_if_blank`` — many reports print only the
  total column, and "blank" there means "not broken down", not "0";
- prose is held against the tables only where it states a fact plainly ("未收到依申请公开",
  "无行政复议、行政诉讼"): qualified, partial or other-year statements are skipped, because a
  false alarm costs a reviewer more than a missed one.
"""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from functools import cache
from itertools import product

from nlp import patterns as P
from nlp import templates as T
from nlp.model import Block, Check, Meta, TableValue
from nlp.tables import SPLIT_BY_ROW_TOTAL, Extraction

#: sections whose prose may state what the tables count
PROSE_SECTIONS = frozenset({"overview", "applications", "review_litigation"})
TABLE_NAMES = {"t2": "table 2", "t3": "table 3", "t4": "table 4"}


def _template(ex: Extraction) -> T.Template:
    """The template whose cells these are (the detected one, else the best-covering one)."""
    if ex.template in T.TEMPLATE_IDS:
        return T.load(ex.template)
    return max(T.all_templates(), key=lambda t: len(set(t.keys()) & set(ex.cells)))


def _expand(expr: str, each: str, lists: dict[str, tuple[str, ...]]) -> list[str]:
    """'t3.{each}.{t3_applicants}' -> one key per list member ({each} is the bound name)."""
    parts: list[tuple[str, ...]] = []
    for comp in expr.split("."):
        if comp == "{each}":
            parts.append((each,))
        elif comp.startswith("{") and comp.endswith("}"):
            parts.append(lists[comp[1:-1]])
        else:
            parts.append((comp,))
    return [".".join(p) for p in product(*parts)]


def _fmt(v: float | int) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _short(key: str) -> str:
    return key.split(".", 1)[1]


def _side(keys: list[str]) -> str:
    if len(keys) <= 4:
        return " + ".join(_short(k) for k in keys)
    return f"the sum of {_short(keys[0])} … {_short(keys[-1])} ({len(keys)} cells)"


def _numbers(cells: dict[str, TableValue], keys: list[str]) -> dict:
    nums: dict = {k: cells[k].value for k in keys if cells[k].value is not None}
    unsure = [k for k in keys if cells[k].uncertain]
    if unsure:
        nums["uncertain"] = unsure
    return nums


@cache
def _instances(template_id: str) -> tuple[tuple[dict, str, list[str], list[str]], ...]:
    """Every (relation, subject, lhs keys, rhs keys) of a template, expanded once."""
    tpl = T.load(template_id)
    out = []
    for rel in tpl.relations:
        for each in tpl.lists[rel["each"]]:
            if "sum_eq" in rel:
                lhs = [k for e in rel["sum_eq"][0] for k in _expand(e, each, tpl.lists)]
                rhs = [k for e in rel["sum_eq"][1] for k in _expand(e, each, tpl.lists)]
            else:
                lhs = _expand(rel["ge"][0], each, tpl.lists)
                rhs = _expand(rel["ge"][1], each, tpl.lists)
            out.append((rel, each, lhs, rhs))
    return tuple(out)


def relations(ex: Extraction, tpl: T.Template) -> list[Check]:
    cells = ex.cells
    get = cells.get
    out: list[Check] = []
    for rel, each, lhs, rhs in _instances(tpl.id):
        tl = [get(k) for k in lhs]
        tr = [get(k) for k in rhs]
        if None in tl or None in tr:
            continue  # not printed: the completeness check says so
        if any(v.uncertain and v.value is None for v in tl) or any(v.uncertain and v.value is None for v in tr):
            continue  # a cell that could not be read is not a blank
        if rel["rule"] == "t3_row_total" and all((v.reason or "").endswith(SPLIT_BY_ROW_TOTAL) for v in tl + tr):
            continue  # glued digits were split assuming this very relation: it proves nothing
        vl = [v.value for v in tl]
        vr = [v.value for v in tr]
        if rel.get("skip_if_blank") == "rhs" and vr.count(None) == len(vr):
            continue
        if vl.count(None) == len(vl) and vr.count(None) == len(vr):
            continue
        ls = sum(v for v in vl if v is not None)
        rs = sum(v for v in vr if v is not None)
        blanks = vl.count(None) + vr.count(None)
        if "sum_eq" in rel:
            ok = math.isclose(ls, rs, abs_tol=1e-6)
            sign = "=" if ok else "≠"
        else:
            if blanks:
                continue
            ok = ls >= rs - 1e-6
            sign = "≥" if ok else "<"
        keys = lhs + rhs
        detail = f"{each}: {_side(lhs)} = {_fmt(ls)} {sign} {_fmt(rs)} = {_side(rhs)}"
        if blanks:
            detail += f" ({blanks} blank cell{'s' if blanks > 1 else ''} counted as 0)"
        if any(v.uncertain for v in tl) or any(v.uncertain for v in tr):
            detail += " (involves cells read with uncertainty)"
        out.append(Check(rel["rule"], ok, detail, _numbers(cells, keys)))
    return out


def nonnegative(ex: Extraction, tpl: T.Template) -> list[Check]:
    if not ex.cells:
        return []
    neg = {
        k: v.value for k, v in ex.cells.items()
        if v.value is not None and v.value < 0 and not any(fnmatchcase(k, g) for g in tpl.may_be_negative)
    }
    detail = "no negative counts" if not neg else "negative counts: " + ", ".join(f"{k} = {_fmt(v)}" for k, v in neg.items())
    return [Check("nonnegative", not neg, detail, neg)]


@cache
def _rows(template_id: str) -> dict[str, dict[str, list[str]]]:
    """table -> row -> its keys, for the completeness check (table 4 prints as one row)."""
    tpl = T.load(template_id)
    out: dict[str, dict[str, list[str]]] = {}
    for table, keys in (("t2", tpl.t2_keys()), ("t3", tpl.t3_keys()), ("t4", tpl.t4_keys())):
        rows: dict[str, list[str]] = {}
        for k in keys:
            rows.setdefault(k.rsplit(".", 1)[0] if table != "t4" else "t4", []).append(k)
        out[table] = rows
    return out


def completeness(ex: Extraction, tpl: T.Template) -> list[Check]:
    """Every template row present; cells missing or printed blank listed."""
    out: list[Check] = []
    cells = ex.cells
    by_table: dict[str, list[str]] = {"t2": [], "t3": [], "t4": []}
    for k in cells:
        by_table.setdefault(k[:2], []).append(k)
    for table, rows in _rows(tpl.id).items():
        rule = f"{table}_complete"
        got = by_table[table]
        if not got:
            out.append(Check(rule, False, f"{TABLE_NAMES[table]} not found", {}))
            continue
        missing_rows: list[str] = []
        missing: list[str] = []
        blank: list[str] = []
        marks: list[str] = []
        known: set[str] = set()
        for r, ks in rows.items():
            known.update(ks)
            present = [k for k in ks if k in cells]
            if not present:
                missing_rows.append(r)
                continue
            if len(present) < len(ks):
                missing.extend(k for k in ks if k not in cells)
            for k in present:
                v = cells[k]
                if v.value is None:
                    (blank if v.raw == "" else marks).append(k)
        extra = [k for k in got if k not in known]
        parts = [f"{len(rows) - len(missing_rows)} of {len(rows)} rows printed"]
        if missing_rows:
            only_label = [r for r in missing_rows if r in ex.label_only]
            parts.append("missing rows: " + ", ".join(_short(r) if r != "t4" else r for r in missing_rows)
                         + (f" ({', '.join(_short(r) for r in only_label)} printed as a label without cells)"
                            if only_label else ""))
        if missing:
            parts.append(f"{len(missing)} cells not printed")
        if blank:
            parts.append(f"{len(blank)} cells printed blank")
        if marks:
            parts.append(f"{len(marks)} cells printed as no value (/ — 无)")
        if extra:
            parts.append("cells outside the template: " + ", ".join(extra))
        numbers: dict = {}
        for name, lst in (("missing_rows", missing_rows), ("missing", missing), ("blank", blank),
                          ("no_value", marks), ("outside_template", extra)):
            if lst:
                numbers[name] = lst
        out.append(Check(rule, not missing_rows and not missing, "; ".join(parts), numbers))
    return out


def _statements(blocks: list[Block], year: int | None):
    """Plain clauses of the prose that may state table facts: (kind, clause, data)."""
    for b in blocks:
        if b.kind not in ("paragraph", "heading") or b.section not in PROSE_SECTIONS:
            continue
        if "申请" not in b.text and "复议" not in b.text and "诉讼" not in b.text:
            continue
        for m in P.PROSE_CLAUSE.finditer(b.text):
            clause = m.group(0).strip()
            if not clause or P.PROSE_QUALIFIER.search(clause):
                continue
            years = {int(y) for y in P.PROSE_YEAR.findall(clause)}
            if years and (year is None or years != {year}):
                continue
            if P.PROSE_NO_APPLICATION.search(clause):
                yield "no_applications", clause, None
            r = P.PROSE_NO_REVIEW.search(clause)
            if r:
                yield "no_review", clause, r.group("what")
            c = P.PROSE_APPLICATION_COUNT.search(clause)
            if c:
                yield "count", clause, int(c.group("n"))


def prose(ex: Extraction, blocks: list[Block], meta: Meta) -> list[Check]:
    cells = ex.cells

    def num(key: str) -> int | float | None:
        v = cells.get(key)
        return None if v is None else v.value

    out: list[Check] = []
    seen: set[str] = set()
    for kind, clause, data in _statements(blocks, meta.year):
        if kind == "no_applications":
            new = num("t3.new.total")
            if new is None or "no_applications" in seen:
                continue
            seen.add(kind)
            ok = new == 0
            out.append(Check("prose_no_applications", ok,
                             f"the text says '{clause}'; table 3 counts {_fmt(new)} new application(s)",
                             {"t3.new.total": new}))
        elif kind == "no_review":
            keys = []
            if "行政复议" in data:
                keys.append("t4.review.total")
            if "行政诉讼" in data:
                keys += ["t4.suit_direct.total", "t4.suit_after_review.total"]
            nums = {k: num(k) for k in keys if num(k) is not None}
            if not nums or "no_review" in seen:
                continue
            seen.add(kind)
            ok = all(v == 0 for v in nums.values())
            shown = ", ".join(f"{_short(k)} = {_fmt(v)}" for k, v in nums.items())
            out.append(Check("prose_no_review_litigation", ok, f"the text says '{clause}'; table 4 has {shown}", nums))
        elif kind == "count":
            new, carried = num("t3.new.total"), num("t3.carried.total")
            if new is None or "count" in seen:
                continue
            seen.add(kind)
            ok = data == new or (carried is not None and data == new + carried)
            nums = {"stated": data, "t3.new.total": new}
            if carried is not None:
                nums["t3.carried.total"] = carried
            out.append(Check("prose_application_count", ok,
                             f"the text says '{clause}'; table 3 counts {_fmt(new)} new"
                             + (f" and {_fmt(carried)} carried over" if carried is not None else ""), nums))
    return out


def run(ex: Extraction, blocks: list[Block], meta: Meta) -> list[Check]:
    """All checks for one report (none when it prints no template table at all)."""
    if not ex.cells and ex.template not in T.TEMPLATE_IDS:
        return []
    tpl = _template(ex)
    checks = relations(ex, tpl) + nonnegative(ex, tpl)
    if ex.template in T.TEMPLATE_IDS:
        checks += completeness(ex, tpl)
    return checks + prose(ex, blocks, meta)
