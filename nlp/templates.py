"""The two national templates of tables 2-4, read from data, and template detection.

Everything a table extractor must know about a template — its rows and columns, the
canonical keys (../shared/spec/KEYS.md), every printed label variant, which rows are
results, which arithmetic holds — lives in ``nlp/data/templates/<id>.json``; this module
only compiles it. Code elsewhere never branches on a template id: it asks the template.

Detection reads the printed table headers (本年制发件数 vs 本年新制作数量, …), never the
year: agencies kept printing the 2019 table in 2020 and later reports.
"""

from __future__ import annotations

import json
import re as _sre
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import regex as re

from nlp import patterns as P
from nlp.model import Block

DATA = Path(__file__).with_name("data") / "templates"
#: the national templates, newest first (detection ties go to the first)
TEMPLATE_IDS: tuple[str, ...] = ("2021", "2019")


def squeeze(text: str) -> str:
    """A label as the patterns see it: all whitespace removed.

    ``str.split`` removes the same whitespace as TABLE_SPACE (Unicode White_Space) several
    times faster, except U+001C-U+001F, which it takes for whitespace and the pattern does
    not: a text holding one of those is left to the pattern (tests hold the two equal)."""
    if "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text:
        return P.TABLE_SPACE.sub("", text)
    return "".join(text.split())


@dataclass(frozen=True)
class RowSpec:
    key: str
    pattern: re.Pattern
    result: bool = False
    generic: bool = False
    flat: re.Pattern | None = None  # keyword for flattened text (defaults to ``pattern``)


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    markers: tuple[tuple[re.Pattern, float], ...]
    # table 2
    t2_columns: dict[str, re.Pattern]
    t2_rows: dict[str, re.Pattern]
    t2_groups: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (columns, rows)
    t2_header: re.Pattern
    t2_flat: dict[str, re.Pattern]
    # table 3
    t3_columns: dict[str, re.Pattern]
    t3_applicants: tuple[str, ...]
    t3_total: str
    t3_rows: tuple[RowSpec, ...]
    t3_group_labels: re.Pattern
    t3_header: re.Pattern
    # table 4
    t4_groups: dict[str, re.Pattern]
    t4_columns: dict[str, re.Pattern]
    t4_header: re.Pattern
    t4_flat_anchor: re.Pattern
    #: a data row's label naming one group ("行政复议 | 1 | 0 | 0 | 0 | 1"): a table printed one
    #: row per group under five column headers, the row holding that group's columns
    t4_group_rows: dict[str, re.Pattern]
    # arithmetic
    lists: dict[str, tuple[str, ...]]
    relations: tuple[dict, ...]
    may_be_negative: tuple[str, ...]

    # -- derived ---------------------------------------------------------------
    def t2_row_columns(self, row: str) -> tuple[str, ...]:
        """The columns a table-2 row has in this template (empty if the row is not in it)."""
        for cols, rows in self.t2_groups:
            if row in rows:
                return cols
        return ()

    def t2_keys(self) -> list[str]:
        return _keys(self.id)[0]

    def t3_keys(self) -> list[str]:
        return _keys(self.id)[1]

    def t4_keys(self) -> list[str]:
        return _keys(self.id)[2]

    def keys(self) -> list[str]:
        """Every cell the template prints, in printed order."""
        return _keys(self.id)[3]


@cache
def _keys(template_id: str) -> tuple[list[str], list[str], list[str], list[str]]:
    t = load(template_id)
    t2 = [f"t2.{r}.{c}" for cols, rows in t.t2_groups for r in rows for c in cols]
    t3 = [f"t3.{r.key}.{c}" for r in t.t3_rows for c in t.t3_columns]
    t4 = [f"t4.{g}.{c}" for g in t.t4_groups for c in t.t4_columns]
    return t2, t3, t4, t2 + t3 + t4


def _compile_map(d: dict[str, str]) -> dict[str, re.Pattern]:
    return {k: re.compile(v) for k, v in d.items()}


@cache
def load(template_id: str) -> Template:
    """The template with this id ("2021" or "2019"), compiled once."""
    data = json.loads((DATA / f"{template_id}.json").read_text(encoding="utf-8"))
    t2, t3, t4 = data["t2"], data["t3"], data["t4"]
    return Template(
        id=data["id"],
        name=data["name"],
        markers=tuple((re.compile(p), float(w)) for p, w in data["markers"]),
        t2_columns=_compile_map(t2["columns"]),
        t2_rows=_compile_map(t2["rows"]),
        t2_groups=tuple((tuple(g["columns"]), tuple(g["rows"])) for g in t2["groups"]),
        t2_header=re.compile(t2["header_labels"]),
        t2_flat=_compile_map(t2["flat_rows"]),
        t3_columns=_compile_map(t3["columns"]),
        t3_applicants=tuple(t3["applicants"]),
        t3_total=t3["total"],
        t3_rows=tuple(
            RowSpec(r["key"], re.compile(r["labels"]), bool(r.get("result")), bool(r.get("generic")),
                    re.compile(r["flat"]) if "flat" in r else None)
            for r in t3["rows"]
        ),
        t3_group_labels=re.compile(t3["group_labels"]),
        t3_header=re.compile(t3["header_labels"]),
        t4_groups=_compile_map(t4["groups"]),
        t4_columns=_compile_map(t4["columns"]),
        t4_header=re.compile(t4["header_labels"]),
        t4_flat_anchor=re.compile(t4["flat_anchor"]),
        t4_group_rows=_compile_map(t4.get("group_rows", {})),
        lists={k: tuple(v) for k, v in data["lists"].items()},
        relations=tuple(data["relations"]),
        may_be_negative=tuple(data.get("may_be_negative", ())),
    )


def all_templates() -> tuple[Template, ...]:
    return tuple(load(t) for t in TEMPLATE_IDS)


def ordered(primary: str | None) -> tuple[Template, ...]:
    """All templates, the detected one first (its vocabulary is tried first)."""
    ts = all_templates()
    return tuple(sorted(ts, key=lambda t: t.id != primary))


@cache
def _counters(template_id: str) -> tuple[tuple[Callable[[str], int], float], ...]:
    """(how many times a marker occurs in a text, its weight) per marker. A marker without
    pattern syntax is counted with ``str.count`` (the same non-overlapping count as
    ``findall``, without the pattern engine's overhead); the others with their pattern."""
    out: list[tuple[Callable[[str], int], float]] = []
    for pat, w in load(template_id).markers:
        if _sre.escape(pat.pattern) == pat.pattern:
            out.append((partial(_count, pat.pattern), w))
        else:
            out.append((partial(_found, pat), w))
    return tuple(out)


def _count(literal: str, text: str) -> int:
    return text.count(literal)


def _found(pat: re.Pattern, text: str) -> int:
    return len(pat.findall(text))


def scores(text: str) -> dict[str, float]:
    """How strongly ``text`` (table headers, possibly flattened) says each template."""
    out: dict[str, float] = {}
    for t in all_templates():
        out[t.id] = sum(w * count(text) for count, w in _counters(t.id))
    return out


def detect(blocks: list[Block]) -> str:
    """The template a report prints its tables in: "2021" | "2019" | "pre2019" | "unknown".

    Only table cells and short paragraphs (a table flattened into running text) are read;
    prose such as "本年新制作…" in the overview is not a header.
    """
    parts: list[str] = []
    for b in blocks:
        if b.kind == "table":
            parts += [c.text for row in b.rows for c in row]
        elif b.kind == "paragraph" and (len(b.text) <= 60 or P.TABLE_FLAT_HINT.search(b.text)):
            parts.append(b.text)
    total = scores(squeeze("|".join(parts)))
    best = max(TEMPLATE_IDS, key=lambda t: (total[t], -TEMPLATE_IDS.index(t)))
    if total[best] > 0:
        return best
    if any(b.kind == "heading" and P.TEMPLATE_PRE2019.search(b.text) for b in blocks):
        return "pre2019"
    return "unknown"
