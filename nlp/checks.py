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
from collections.abc import Callable
from fnmatch import fnmatchcase
from functools import cache
from itertools import product
from operator import itemgetter
from typing import NamedTuple

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


class _Relation(NamedTuple):
    """One expanded relation of a template, with everything a report does not change."""

    rule: str
    n_lhs: int  # keys[:n_lhs] are the left side, the rest the right side
    keys: tuple[str, ...]
    get: Callable[[dict], tuple]  # the values of ``keys`` from a key -> value dict
    needed: frozenset[str]  # the cells it names (all must be printed)
    is_sum: bool  # sum_eq, else ge
    skip_blank_rhs: bool
    row_total: bool
    head: str  # "natural: new + carried = "
    tail: str  # " = result_total + carry_forward"


def _getter(keys: tuple[str, ...]) -> Callable[[dict], tuple]:
    """The values of ``keys`` as a tuple, in one call (itemgetter of one key is not a tuple)."""
    if len(keys) < 2:
        return lambda d: tuple(d[k] for k in keys)
    return itemgetter(*keys)


@cache
def _instances(template_id: str) -> tuple[tuple[_Relation, ...], frozenset[str], bool]:
    """Every relation of a template, expanded and described once (checks run per report),
    every cell they name, and whether those are all template cells (then a report printing
    exactly the template's cells prints every cell a relation needs)."""
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
            keys = tuple(lhs + rhs)
            out.append(_Relation(
                rel["rule"], len(lhs), keys, _getter(keys), frozenset(keys),
                "sum_eq" in rel, rel.get("skip_if_blank") == "rhs", rel["rule"] == "t3_row_total",
                f"{each}: {_side(lhs)} = ", f" = {_side(rhs)}",
            ))
    named = frozenset(k for r in out for k in r.keys)
    return tuple(out), named, named <= frozenset(tpl.keys())


class _View(NamedTuple):
    """What the checks read of a report's cells, gathered once (each cell is read by
    several relations, the nonnegative and the completeness check)."""

    values: dict[str, int | float | None]
    nulls: set[str]  # printed without a number (blank or a no-value mark)
    unsure: set[str]  # read with uncertainty
    split: set[str]  # glued digits split by assuming the row adds up
    exact: bool  # the cells are exactly the template's (the usual report): nothing to look for


def _view(cells: dict[str, TableValue], tpl: T.Template) -> _View:
    """One pass over the cells (a report has some 200 of them, most plain)."""
    values: dict[str, int | float | None] = {}
    nulls: set[str] = set()
    flagged: list[tuple[str, TableValue]] = []
    for k, v in cells.items():
        if (x := v.value) is None:
            nulls.add(k)
        values[k] = x
        if v.uncertain or v.reason:
            flagged.append((k, v))
    return _View(
        values,
        nulls,
        {k for k, v in flagged if v.uncertain},
        {k for k, v in flagged if (v.reason or "").endswith(SPLIT_BY_ROW_TOTAL)},
        # equal to the template's key set: one test here, none per table or for the
        # relations afterwards
        cells.keys() == _tables(tpl.id)[1],
    )


def relations(ex: Extraction, tpl: T.Template, view: _View) -> list[Check]:
    cells = ex.cells
    values, nulls, unsure_keys, split, exact = view
    printed = cells.keys()
    rels, named, in_template = _instances(tpl.id)
    every = (exact and in_template) or printed >= named  # the usual case: no relation needs its own presence test
    out: list[Check] = []
    for rule, n, keys, get, needed, is_sum, skip_blank_rhs, row_total, head, tail in rels:
        if not every and not printed >= needed:
            continue  # not printed: the completeness check says so
        unsure = [k for k in keys if k in unsure_keys] if unsure_keys and not unsure_keys.isdisjoint(needed) else ()
        if unsure and any(values[k] is None for k in unsure):
            continue  # a cell that could not be read is not a blank
        if row_total and split and needed <= split:
            continue  # glued digits were split assuming this very relation: it proves nothing
        vals = get(values)
        vl, vr = vals[:n], vals[n:]
        if nulls and not nulls.isdisjoint(needed):
            blank_l, blank_r = vl.count(None), vr.count(None)
            if blank_r == len(vr) and (skip_blank_rhs or blank_l == len(vl)):
                continue
            blanks = blank_l + blank_r
            ls = sum([v for v in vl if v is not None])
            rs = sum([v for v in vr if v is not None])
            nums: dict = {k: x for k, x in zip(keys, vals) if x is not None}
        else:
            if not vr and (skip_blank_rhs or not vl):
                continue  # a side without cells is all blank
            blanks = 0
            ls, rs = sum(vl), sum(vr)
            nums = dict(zip(keys, vals))
        if is_sum:
            ok = ls == rs or math.isclose(ls, rs, abs_tol=1e-6)
            sign = "=" if ok else "≠"
        else:
            if blanks:
                continue
            ok = ls >= rs - 1e-6
            sign = "≥" if ok else "<"
        # sums of whole numbers are ints, formatted as _fmt formats them (str) without a call
        detail = (f"{head}{ls if type(ls) is int else _fmt(ls)} {sign} "
                  f"{rs if type(rs) is int else _fmt(rs)}{tail}")
        if blanks:
            detail += f" ({blanks} blank cell{'s' if blanks > 1 else ''} counted as 0)"
        if unsure:
            detail += " (involves cells read with uncertainty)"
            nums["uncertain"] = unsure
        out.append(Check(rule, ok, detail, nums))
    return out


def nonnegative(ex: Extraction, tpl: T.Template, view: _View) -> list[Check]:
    if not ex.cells:
        return []
    values = view.values
    neg: dict[str, int | float] = {}
    # a negative value is non-zero: the least of the non-zero values (a C pass) tells if
    # there may be one; "not >=" also sends a NaN least value to the full look
    if not min(filter(None, values.values()), default=0) >= 0:
        neg = {
            k: v for k, v in values.items()
            if v is not None and v < 0 and not any(fnmatchcase(k, g) for g in tpl.may_be_negative)
        }
    detail = "no negative counts" if not neg else "negative counts: " + ", ".join(f"{k} = {_fmt(v)}" for k, v in neg.items())
    return [Check("nonnegative", not neg, detail, neg)]


class _Table(NamedTuple):
    """A template table as the completeness check walks it."""

    name: str  # t2 | t3 | t4
    rows: dict[str, list[str]]  # row -> its keys (table 4 prints as one row)
    keys: tuple[str, ...]  # every key, row by row
    known: frozenset[str]


@cache
def _tables(template_id: str) -> tuple[tuple[_Table, ...], frozenset[str]]:
    """The template's tables for the completeness check, and all their keys."""
    tpl = T.load(template_id)
    out: list[_Table] = []
    for table, keys in (("t2", tpl.t2_keys()), ("t3", tpl.t3_keys()), ("t4", tpl.t4_keys())):
        rows: dict[str, list[str]] = {}
        for k in keys:
            rows.setdefault(k.rsplit(".", 1)[0] if table != "t4" else "t4", []).append(k)
        out.append(_Table(table, rows, tuple(k for ks in rows.values() for k in ks), frozenset(keys)))
    return tuple(out), frozenset(k for t in out for k in t.known)


def completeness(ex: Extraction, tpl: T.Template, view: _View) -> list[Check]:
    """Every template row present; cells missing or printed blank listed."""
    out: list[Check] = []
    cells = ex.cells
    printed = cells.keys()
    nulls = view.nulls
    tables, all_known = _tables(tpl.id)
    exact = view.exact  # the usual report prints exactly the template's cells: no test per table
    # a report printing template cells only: one subset test instead of a walk
    outside = [] if exact or printed <= all_known else [k for k in cells if k not in all_known]
    for table, rows, order, known in tables:
        rule = f"{table}_complete"
        extra = [k for k in outside if k[:2] == table] if outside else []
        whole = exact or printed >= known
        if not extra and (not known or (not whole and known.isdisjoint(printed))):
            out.append(Check(rule, False, f"{TABLE_NAMES[table]} not found", {}))
            continue
        missing_rows: list[str] = []
        missing: list[str] = []
        if whole:  # the usual case: only the cells without a number to sort out
            empty = [k for k in order if k in nulls] if nulls and not nulls.isdisjoint(known) else []
        else:
            empty = []
            for r, ks in rows.items():
                present = [k for k in ks if k in cells]
                if not present:
                    missing_rows.append(r)
                    continue
                if len(present) < len(ks):
                    missing.extend(k for k in ks if k not in cells)
                empty.extend(k for k in present if k in nulls)
        blank: list[str] = []
        marks: list[str] = []
        for k in empty:
            (blank if cells[k].raw == "" else marks).append(k)
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
    """Plain clauses of the prose that may state table facts: (kind, clause, data).

    The statement patterns need words that an ``in`` test finds much faster than a search:
    a paragraph or clause without them is skipped before any pattern runs (_may_state).
    A clause's qualifiers and years are looked at only once it states something (a table
    flattened into a paragraph makes long clauses, slow to search for qualifiers).
    """
    for b in blocks:
        if b.kind not in ("paragraph", "heading") or b.section not in PROSE_SECTIONS:
            continue
        text = b.text
        if "申请" not in text and "复议" not in text and "诉讼" not in text:
            continue
        if not _may_state(text):
            continue
        for m in P.PROSE_CLAUSE.finditer(text):
            clause = m.group(0).strip()
            may = _may_state(clause)
            if not clause or not may:
                continue
            received, negated, review = may
            a = P.PROSE_NO_APPLICATION.search(clause) if received and negated else None
            r = P.PROSE_NO_REVIEW.search(clause) if review else None
            c = P.PROSE_APPLICATION_COUNT.search(clause) if received else None
            if not (a or r or c) or P.PROSE_QUALIFIER.search(clause):
                continue
            years = {int(y) for y in P.PROSE_YEAR.findall(clause)}
            if years and (year is None or years != {year}):
                continue
            if a:
                yield "no_applications", clause, None
            if r:
                yield "no_review", clause, r.group("what")
            if c:
                yield "count", clause, int(c.group("n"))


def _may_state(text: str) -> tuple[bool, bool, bool] | None:
    """Which words of the statement patterns ``text`` holds, None if too few for any:
    (收到/接到/受理 and 申请, 未/没有/无, the negation and 行政复议/行政诉讼/举报/投诉).
    PROSE_APPLICATION_COUNT needs the first, PROSE_NO_APPLICATION the first two,
    PROSE_NO_REVIEW the third."""
    received = "申请" in text and ("收到" in text or "接到" in text or "受理" in text)
    negated = "未" in text or "没有" in text or "无" in text
    review = negated and ("行政复议" in text or "行政诉讼" in text or "举报" in text or "投诉" in text)
    if not received and not review:
        return None
    return received, negated, review


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
    view = _view(ex.cells, tpl)
    checks = relations(ex, tpl, view) + nonnegative(ex, tpl, view)
    if ex.template in T.TEMPLATE_IDS:
        checks += completeness(ex, tpl, view)
    return checks + prose(ex, blocks, meta)
