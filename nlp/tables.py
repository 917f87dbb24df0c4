"""Tables 2, 3 and 4: every printed cell under its canonical key (KEYS.md), or a warning.

Input is the report's blocks, whatever the rendering (nlp.blocks): tab rows, one cell per
line, pipes, markdown, HTML grids, space-aligned rows, scattered lines; plus the normalized
text, for tables a crawler flattened into running text. The template (nlp.templates) says
which labels name which rows and columns; this module only reads rows and places values.

Rows are read in order with a small state: the table being read (set by the section, the
column headers and the row labels), the header grid (where the column headers sit), and a
label printed on a line of its own waiting for its values. A recognized data row is only
*placed* once its whole table is read, because where a row's values sit depends on how
the table prints its rows:

- positional renderings (tabs, whitespace cells, pipes, HTML) keep a blank cell as a cell,
  but merged label cells shift the tab positions (seed 000 prints (一)予以公开 … with one
  more label cell than 一、本年新收). So a row's data window is *found*: it starts after the
  label cells, must cover every printed value and fit in the row. When blank cells at the
  ends leave it more than one place, the table decides — the header grid (column headers'
  positions) or the offset its unambiguous rows show; if neither settles it, the cells are
  flagged ``uncertain``. A row shorter than its window leaves the missing cells absent.
- non-positional renderings (spaces, lines, flattened text): as many values as columns are
  the columns; a single value is the row's total; fewer are right-aligned and uncertain.
- more values than columns (a stray value from a merged label cell): the last ones are kept
  and flagged uncertain, the others become a warning.

A table 3 printed the other way round (the applicant types as rows) is recognized by its
header naming several of the template's rows in one row, and its grid is turned back into
the template's layout before the rows are read (positional renderings only: only there is
a column a row of the template).

Blank cells are ``None`` with ``raw ""``; "/", "—", "无" are ``None`` with the printed raw.
Nothing is guessed to be 0, and no printed value is dropped without a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from nlp import patterns as P
from nlp import templates as T
from nlp.model import Block, Cell, TableValue

#: the table each template section holds
SECTION_TABLE = {"proactive": "t2", "applications": "t3", "review_litigation": "t4"}
#: a paragraph longer than this is prose, not a table row printed with spaces
MAX_PSEUDO_ROW = 200
#: glued digits (flattened tables) with more ways to split than this are not searched for
#: the one split where the row adds up
MAX_SPLITS = 2048
#: the reason given to glued digits split by assuming the row adds up: the row-total check
#: must not then count that row as confirmed (nlp.checks)
SPLIT_BY_ROW_TOTAL = "the only split where the row adds up"
#: label -> match caches (labels repeat across reports: the templates print the same words)
_CACHE_LIMIT = 20000


@dataclass(slots=True)  # slots: some 50 made and read per report, never given other attributes
class Row:
    """One printed row, from a table block or a short paragraph read as a row."""

    cells: list[Cell]
    positional: bool
    block: int
    section: str | None


@dataclass(slots=True)
class _Item:
    """A recognized data row waiting to be placed (placement needs the whole table)."""

    table: str  # t2 | t3 | t4
    keys: list[str]  # the cells' keys in printed order ("t3.granted.natural", …): shared, read only
    row: Row
    shape: _Shape  # of the row as printed (a scattered row's later values are not in it)
    grid: int | None  # where the header grid puts the first column, if it does
    label: str
    total: int | None  # index of the row's total column (the single-value rule)
    reason: str | None = None  # why the row itself is uncertain (its label is not printed)
    open: bool = False  # values printed as separate paragraphs may still follow


@dataclass
class Extraction:
    cells: dict[str, TableValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    template: str = "unknown"
    #: row prefixes ("t3.carry_forward") printed with a label and no cells at all
    label_only: list[str] = field(default_factory=list)
    #: which tables were read from flattened running text
    flattened: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------ cells
_CELLS: dict[str, tuple[str, int | float | None]] = {}


def _read(text: str) -> tuple[str, int | float | None]:
    """(kind, number) of a cell's text; kind is blank | value (a number or a no-value
    mark) | text. Cached: the same few tokens ("0", "", labels) fill every report."""
    hit = _CELLS.get(text)
    if hit is not None:
        return hit
    if not text:
        hit = ("blank", None)
    else:
        m = P.TABLE_VALUE.match(text)
        if m:
            num = m.group("num").replace(",", "").replace("，", "")
            hit = ("value", float(num) if "." in num else int(num))
        elif P.NO_VALUE.match(text):
            hit = ("value", None)
        else:
            hit = ("text", None)
    if len(_CELLS) > _CACHE_LIMIT:
        _CELLS.clear()
    _CELLS[text] = hit
    return hit


def _kind(text: str) -> str:
    return _read(text)[0]


def number(text: str) -> int | float | None:
    """The number a printed token holds ("1,234" -> 1234, "4.6260" -> 4.626), else None."""
    return _read(text)[1]


def _values(cells: list[Cell], start: int) -> list[Cell]:
    return [c for c in cells[start:] if c.text]


class _Shape(NamedTuple):
    """What a row's texts say, whatever its positions (shared by the rows printing the same)."""

    kinds: tuple[str, ...]  # per cell: blank | value | text
    L: int  # the index after the label cells
    label: str  # the label cells, squeezed
    has_value: bool  # a value is printed after the label cells
    nums: tuple[int | float | None, ...]  # per cell: its number (read once, placed from here)
    first: int  # the first and the last printed cell after the label cells (-1: none); they
    last: int  # place a positional row without looking at its cells again (_candidates)


_SHAPES: dict[tuple[str, ...], _Shape] = {}
_LABELS: dict[str, str] = {}


def _shape(texts: tuple[str, ...]) -> _Shape:
    """A row's shape, cached by the row's texts: template rows repeat from report to report
    (and their labels even when the numbers differ)."""
    hit = _SHAPES.get(texts)
    if hit is None:
        read = [_read(t) for t in texts]
        kinds = tuple([r[0] for r in read])
        n_text = kinds.count("text")
        L = len(kinds) - kinds[::-1].index("text") if n_text else 0
        if n_text == 1:  # the usual row: one label cell
            printed = texts[L - 1]
        else:
            printed = "".join([t for t, k in zip(texts, kinds) if k == "text"])
        label = _LABELS.get(printed)
        if label is None:
            label = T.squeeze(printed)
            if len(_LABELS) > _CACHE_LIMIT:
                _LABELS.clear()
            _LABELS[printed] = label
        printed = [i for i in range(L, len(kinds)) if kinds[i] != "blank"]  # values only, after L
        first, last = (printed[0], printed[-1]) if printed else (-1, -1)
        hit = _Shape(kinds, L, label, bool(printed), tuple([r[1] for r in read]), first, last)
        if len(_SHAPES) > _CACHE_LIMIT:
            _SHAPES.clear()
        _SHAPES[texts] = hit
    return hit


def _short(label: str, n: int = 24) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


# ------------------------------------------------------------------------ vocabulary
class _Head(NamedTuple):
    """What a row of header cells names (shared by the rows printing the same: read only)."""

    tops: tuple[str, ...]  # the tables most of its cells name
    t2_cols: list[tuple[int, str]]  # (cell index, column) of table 2's columns
    t2_labels: bool  # a cell names table 2's label column
    t3_cols: list[tuple[int, str]]
    t4_leaves: list[int]  # cell indices naming a table-4 column


class _Vocab:
    """Label matching against the templates, the detected one first; results cached."""

    def __init__(self, primary: str) -> None:
        self.order = T.ordered(primary)
        self.primary = tpl = self.order[0]
        self._rows: dict[str, tuple[str, str, bool] | None] = {}
        self._heads: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self._cells: dict[str, tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]] = {}
        self._t2_columns: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[str]]] = {}
        self._t3_keys: dict[str, list[str]] = {}  # row -> its cells' keys (template rows only)
        self._header_rows: dict[tuple[str, ...], _Head | None] = {}
        # what every data row of the primary template needs (read-only: items share them)
        self.t3_columns = list(tpl.t3_columns)
        self.t3_total = self.t3_columns.index(tpl.t3_total)
        self.t4_columns = [f"{g}.{c}" for g in tpl.t4_groups for c in tpl.t4_columns]
        self.t4_keys = [f"t4.{c}" for c in self.t4_columns]
        #: group -> (its label pattern, its columns, its keys): rows printed one per group
        self.t4_group_rows = {
            g: (pat, [f"{g}.{c}" for c in tpl.t4_columns], [f"t4.{g}.{c}" for c in tpl.t4_columns])
            for g, pat in tpl.t4_group_rows.items()
        }
        self.row_order = {"t3": [r.key for r in tpl.t3_rows], "t2": [r for _, rows in tpl.t2_groups for r in rows]}
        self.row_index: dict[str, dict[str, int]] = {}
        for table, keys in self.row_order.items():
            index: dict[str, int] = {}
            for i, key in enumerate(keys):
                index.setdefault(key, i)  # the first, as list.index
            self.row_index[table] = index
        # flattened tables (_flattened): per row in template order, its keyword and its keys
        self.t2_flat = [(tpl.t2_flat[r], [f"t2.{r}.{c}" for c in tpl.t2_row_columns(r)])
                        for _, rows in tpl.t2_groups for r in rows]
        self.t3_flat = [(r.flat or r.pattern, self.t3_keys(r.key)) for r in tpl.t3_rows]
        self.t3_applicants = tuple(self.t3_columns.index(a) for a in tpl.t3_applicants)

    def row(self, label: str) -> tuple[str, str, bool] | None:
        """(table, row key, generic) for a data row label; ("group", "", False) for a t3 group label."""
        hit = self._rows.get(label, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        hit = self._row(label)
        if len(self._rows) > _CACHE_LIMIT:
            self._rows.clear()
        self._rows[label] = hit
        return hit

    def _row(self, label: str) -> tuple[str, str, bool] | None:
        for tpl in self.order:
            specific: list[tuple[int, str]] = []
            generic: str | None = None
            for spec in tpl.t3_rows:
                m = spec.pattern.search(label)
                if m:
                    if spec.generic:
                        generic = generic or spec.key
                    else:
                        specific.append((m.start(), spec.key))
            if specific:
                return ("t3", max(specific)[1], False)  # the leaf label is printed last
            if generic:
                return ("t3", generic, True)
            for key, pat in tpl.t2_rows.items():
                if pat.search(label):
                    return ("t2", key, False)
        if any(tpl.t3_group_labels.search(label) for tpl in self.order):
            return ("group", "", False)
        return None

    def head(self, cell: str) -> tuple[tuple[str, str, str], ...]:
        """What a header cell names: (table, "col" | "group" | "label", name) entries."""
        hit = self._heads.get(cell)
        if hit is not None:
            return hit
        out: list[tuple[str, str, str]] = []
        for tpl in self.order:
            for key, pat in tpl.t2_columns.items():
                if pat.search(cell):
                    out.append(("t2", "col", key))
                    break
            if tpl.t2_header.search(cell):
                out.append(("t2", "label", ""))
            for key, pat in tpl.t3_columns.items():
                if pat.search(cell):
                    out.append(("t3", "col", key))
                    break
            if tpl.t3_header.search(cell):
                out.append(("t3", "label", ""))
            for key, pat in tpl.t4_columns.items():
                if pat.search(cell):
                    out.append(("t4", "col", key))
                    break
            for key, pat in tpl.t4_groups.items():
                if pat.search(cell):
                    out.append(("t4", "group", key))
                    break
            if tpl.t4_header.search(cell):
                out.append(("t4", "label", ""))
        res = tuple(dict.fromkeys(out))
        if len(self._heads) > _CACHE_LIMIT:
            self._heads.clear()
        self._heads[cell] = res
        return res

    def head_cell(self, text: str) -> tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]:
        """``head`` of a printed cell (not yet squeezed), and the tables it names; cached by
        the printed text, which repeats from report to report."""
        hit = self._cells.get(text)
        if hit is None:
            h = self.head(T.squeeze(text))
            hit = (h, tuple(dict.fromkeys(e[0] for e in h)))
            if len(self._cells) > _CACHE_LIMIT:
                self._cells.clear()
            self._cells[text] = hit
        return hit

    def header(self, texts: tuple[str, ...], kinds: tuple[str, ...]) -> _Head | None:
        """What a row of header cells names (None: nothing); cached by the row's texts."""
        hit = self._header_rows.get(texts, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        hits: list[tuple[int, tuple[tuple[str, str, str], ...]]] = []
        score = {"t2": 0, "t3": 0, "t4": 0}
        for i, text in enumerate(texts):
            if kinds[i] != "text":
                continue
            h, tables = self.head_cell(text)
            if h:
                hits.append((i, h))
                for t in tables:
                    score[t] += 1
        head = None
        if hits:
            best = max(score.values())
            head = _Head(
                tops=tuple(t for t, s in score.items() if s == best),
                t2_cols=[(i, e[2]) for i, h in hits for e in h if e[0] == "t2" and e[1] == "col"],
                t2_labels=any(e[0] == "t2" and e[1] == "label" for _, h in hits for e in h),
                t3_cols=[(i, e[2]) for i, h in hits for e in h if e[0] == "t3" and e[1] == "col"],
                t4_leaves=[i for i, h in hits if any(e[0] == "t4" and e[1] == "col" for e in h)],
            )
        if len(self._header_rows) > _CACHE_LIMIT:
            self._header_rows.clear()
        self._header_rows[texts] = head
        return head

    def t2_columns(self, row: str, header: list[str]) -> tuple[list[str], list[str]]:
        """The columns of a table-2 row (the printed header's when they fit the row) and
        its cells' keys. The lists are shared by the rows asking the same: read them, never
        change them."""
        key = (row, tuple(header))
        hit = self._t2_columns.get(key)
        if hit is None:
            allowed = [tpl.t2_row_columns(row) for tpl in self.order]
            if header and any(set(header) <= set(a) for a in allowed if a):
                cols = list(header)
            else:
                cols = list(next((a for a in allowed if a), ()))
            hit = (cols, [f"t2.{row}.{c}" for c in cols])
            if len(self._t2_columns) > _CACHE_LIMIT:
                self._t2_columns.clear()
            self._t2_columns[key] = hit
        return hit

    def t3_keys(self, row: str) -> list[str]:
        """The keys of a table-3 row's cells, formatted once per template row (shared: read only)."""
        hit = self._t3_keys.get(row)
        if hit is None:
            hit = self._t3_keys[row] = [f"t3.{row}.{c}" for c in self.t3_columns]
        return hit


_VOCABS: dict[str, _Vocab] = {}


def vocab(template: str) -> _Vocab:
    v = _VOCABS.get(template)
    if v is None:
        v = _VOCABS[template] = _Vocab(template if template in T.TEMPLATE_IDS else T.TEMPLATE_IDS[0])
    return v


# ------------------------------------------------------------------------ transposed tables
#: a table 3 printed the other way round (the applicant types as rows, the template's rows as
#: columns) names this many of the template's rows or more in one of its first rows; the
#: template's own layout names at most a row and its group in one row
TRANSPOSED_LABELS = 4
#: how far down the header of a transposed table 3 is looked for
TRANSPOSED_HEAD_ROWS = 6
#: rows of a transposed table 3 that must begin with an applicant type (自然人, 商业企业, 总计 …)
TRANSPOSED_APPLICANTS = 3
#: columns a transposed table 3 is at least printed with (the template's 23 or 25 rows, and
#: the labels); tables 2 and 4, and table 3 the template's way round, have at most 16
TRANSPOSED_WIDTH = 20


def _t3_rows_named(cells: list[Cell], voc: _Vocab) -> set[str]:
    """The template's table-3 rows that these cells name (group labels aside)."""
    named = set()
    for c in cells:
        if c.text and _read(c.text)[0] == "text":
            hit = voc.row(T.squeeze(c.text))
            if hit is not None and hit[0] == "t3" and not hit[2]:
                named.add(hit[1])
    return named


def _is_transposed_t3(rows: list[list[Cell]], voc: _Vocab) -> bool:
    """Whether a table prints table 3 transposed: one of its first rows names several of the
    template's rows, and rows below begin with applicant types."""
    if len(rows) < TRANSPOSED_APPLICANTS + 1:
        return False
    if not any(len(_t3_rows_named(r, voc)) >= TRANSPOSED_LABELS for r in rows[:TRANSPOSED_HEAD_ROWS]):
        return False
    applicants = sum(
        1 for r in rows
        if any(c.text and any(e[0] == "t3" and e[1] == "col" for e in voc.head_cell(c.text)[0]) for c in r[:3])
    )
    return applicants >= TRANSPOSED_APPLICANTS


def _aligned(columns: list[list[Cell]], voc: _Vocab) -> bool:
    """Whether each column of a transposed table 3 names one row of the template at most (a
    group label the other template prints as a row aside). A copy that drops the blank slots
    of merged cells (a word processor's tab copy) shifts the header rows against the values,
    and a column then names two rows: which one its values belong to is not known."""
    own = voc.row_index["t3"]
    return all(len([k for k in _t3_rows_named(col, voc) if k in own]) <= 1 for col in columns)


def _transpose(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Columns as rows. A row printed short is blank at its end: padded with blank cells where
    it ends, so spans stay in the text."""
    width = max(len(r) for r in rows)
    padded = [r + [Cell("", r[-1].end, r[-1].end) for _ in range(width - len(r))] for r in rows if r]
    return [list(col) for col in zip(*padded)]


def _transposed_grids(blocks: list[Block], voc: _Vocab, ex: Extraction) -> dict[int, list[list[Cell]]]:
    """Block index -> its rows turned the template's way round, for every table 3 printed
    transposed (looked for in wide positional tables, whatever section they were put in: the
    grid keeps a blank for every merged cell, so a column is a row of the template); no rows
    for one whose columns cannot be told apart."""
    out: dict[int, list[list[Cell]]] = {}
    for i, b in enumerate(blocks):
        if (b.kind == "table" and b.positional and b.rows
                and max(map(len, b.rows[:TRANSPOSED_HEAD_ROWS])) >= TRANSPOSED_WIDTH
                and _is_transposed_t3(b.rows, voc)):
            columns = _transpose(b.rows)
            if _aligned(columns, voc):
                out[i] = columns
                ex.warnings.append(f"table 3 at {b.start} is printed transposed (applicant types as rows): "
                                   "read column by column")
            else:  # read the template's way, its values would be placed under the wrong rows
                out[i] = []
                ex.warnings.append(f"table 3 at {b.start} is printed transposed (applicant types as rows), "
                                   "but its header rows do not line up with its values: not read")
    return out


# ------------------------------------------------------------------------ reading rows
def _rows(blocks: list[Block], text: str, pseudo: bool = True,
          grids: dict[int, list[list[Cell]]] | None = None) -> list[Row]:
    """Table rows, and short paragraphs of the table sections split on spaces (a table
    printed with spaces keeps its header lines and a lone number row outside the table
    block; a scattered table's long labels end up as paragraphs). A paragraph with
    sentence punctuation is prose, never a row."""
    rows: list[Row] = []
    for i, b in enumerate(blocks):
        if b.kind == "table":
            rows += [Row(r, b.positional, i, b.section) for r in (grids.get(i, b.rows) if grids else b.rows)]
        elif (pseudo and b.kind in ("paragraph", "heading") and b.section in SECTION_TABLE
              and b.end - b.start <= MAX_PSEUDO_ROW and not P.TABLE_PROSE.search(b.text)):
            chunk = text[b.start : b.end]
            cells = [Cell(m.group(0), b.start + m.start(), b.start + m.end()) for m in P.SPACE_TOKEN.finditer(chunk)]
            if cells:
                rows.append(Row(cells, False, i, b.section))
        elif b.kind in ("paragraph", "heading"):
            # prose ends whatever was pending: once is enough for a run of it in one section
            if not rows or rows[-1].cells or rows[-1].section != b.section:
                rows.append(Row([], False, i, b.section))
    return rows


class _Reader:
    """Reads rows in order, recognizing headers and data rows (see the module doc)."""

    def __init__(self, voc: _Vocab, ex: Extraction) -> None:
        self.voc = voc
        self.ex = ex
        self.items: list[_Item] = []
        self.ctx: str | None = None
        self.section: object = object()
        self.in_header = False
        # table 2 header: columns (and their positions when printed in one positional row)
        self.t2_cols: list[str] = []
        self.t2_pos: list[int] | None = None
        self.t2_block = -1
        # table 3 header grid: column -> position
        self.t3_grid: dict[str, int] = {}
        self.t3_block = -1
        self.t3_first: tuple[list[str], int | None] | None = None  # _grid's answer for the grid as it is
        # table 4 header: leaf column positions in order
        self.t4_leaves: list[int] = []
        self.t4_block = -1
        self.pending: tuple[str, str, str] | None = None  # (table, key, label) of a label-only row
        self.last: dict[str, int] = {}  # table -> index of the last row read (template order)

    # -- headers -----------------------------------------------------------------------
    def _header(self, row: Row, texts: tuple[str, ...], kinds: tuple[str, ...]) -> str | None:
        head = self.voc.header(texts, kinds)
        if head is None:
            return None
        tops = head.tops
        if len(tops) > 1:
            if self.ctx not in tops:
                return "ambiguous"
            table = self.ctx
        else:
            table = tops[0]
        fresh = not self.in_header
        single = len(row.cells) == 1 or not row.positional
        if table == "t2":
            cols = head.t2_cols
            if head.t2_labels and not cols:
                self.t2_cols, self.t2_pos = [], None
            elif cols:
                if single and not fresh and self.t2_pos is None:
                    self.t2_cols.extend(c for _, c in cols)
                else:
                    self.t2_cols = [c for _, c in cols]
                    self.t2_pos = [i for i, _ in cols] if row.positional and not single else None
                self.t2_block = row.block
        elif table == "t3":
            self.t3_first = None
            if fresh or self.t3_block != row.block:
                self.t3_grid = {}
            if row.positional and not single:
                for i, col in head.t3_cols:
                    self.t3_grid.setdefault(col, i)
            self.t3_block = row.block
        else:
            if fresh or self.t4_block != row.block:
                self.t4_leaves = []
            for i in head.t4_leaves:
                self.t4_leaves.append(i if row.positional and not single else -1)
            self.t4_block = row.block
        return table

    def _grid(self, table: str, item_cols: list[str], row: Row) -> int | None:
        """Where the header grid puts this row's first column (positional, same block)."""
        if not row.positional:
            return None
        if table == "t3":
            if self.t3_block != row.block:
                return None
            if self.t3_first is not None and self.t3_first[0] is item_cols:
                return self.t3_first[1]
            pos = [self.t3_grid.get(c) for c in item_cols]
        elif table == "t4":
            if self.t4_block != row.block or len(self.t4_leaves) != len(item_cols):
                return None
            pos = list(self.t4_leaves)
        else:
            if self.t2_block != row.block or self.t2_pos is None or self.t2_cols != item_cols:
                return None
            pos = list(self.t2_pos)
        first = None
        if None not in pos and min(pos) >= 0 and pos == list(range(pos[0], pos[0] + len(pos))):  # type: ignore[type-var,arg-type]
            first = pos[0]
        if table == "t3":
            self.t3_first = (item_cols, first)
        return first

    # -- rows --------------------------------------------------------------------------
    def feed(self, row: Row) -> None:
        if row.section != self.section:
            self.section = row.section
            self.ctx = SECTION_TABLE.get(row.section or "")
        if not row.cells:  # prose: ends whatever was pending
            if self.items:
                self.items[-1].open = False
            self.pending = None
            return
        texts = tuple([c.text for c in row.cells])
        shape = _SHAPES.get(texts) or _shape(texts)
        kinds, L, label, has_value, _, _, _ = shape
        if self.items and (row.positional or label or not has_value or self.pending is not None):
            self.items[-1].open = False  # only a run of bare values continues a row
        if not has_value and L:  # L > 0: the row has a text cell
            h = self._header(row, texts, kinds)
            if h == "ambiguous":
                return
            if h:
                self.ctx = h
                self.in_header = True
                self.pending = None
                return
            if P.TABLE_CAPTION.search(label):
                self.ctx, self.in_header = "t2", True
                self.t2_cols, self.t2_pos = [], None
                self.pending = None
                return
        match = self.voc.row(label) if label else None
        if match is None and label and not has_value:
            self.pending = None
            return  # a caption or note
        if match is not None and match[0] == "group":
            if has_value:
                self._warn_row(label, row, L, "a group label printed with values")
            self.pending = None
            return
        if match is not None and match[0] == "t3" and match[2] and self.ctx == "t4":
            match = None  # "总计" under table 4's headers is table 4's
        if match is not None:
            table, key, _ = match
            if len(row.cells) == L:  # a label with no cells at all: values may follow on the next row
                self.pending = (table, key, label)
                self.ex.label_only.append(f"{table}.{key}")
                self.in_header = False
                return
            self.pending = None
            self._item(table, key, row, shape, label)
            return
        if not has_value:
            return
        # values without a recognized label
        last = self.items[-1] if self.items else None
        if (not label and not row.positional and last is not None and last.open
                and len(_values(last.row.cells, last.shape.L)) + len(_values(row.cells, L)) <= len(last.keys)):
            # one value per paragraph (a scattered table cut into paragraphs): same row
            last.row = Row(last.row.cells + row.cells[L:], False, last.row.block, last.row.section)
            return
        if self.pending is not None and not label:
            table, key, plabel = self.pending
            self.pending = None
            if f"{table}.{key}" in self.ex.label_only:
                self.ex.label_only.remove(f"{table}.{key}")
            self._item(table, key, row, shape, plabel)
        elif self.ctx == "t4":
            # a row labelled with one group holds that group's columns; else the whole table's
            group = next((g for g, (pat, _, _) in self.voc.t4_group_rows.items() if label and pat.search(label)), "")
            self._item("t4", group, row, shape, label)
        elif not label and self.ctx in ("t2", "t3"):
            key = self._next_row(self.ctx)
            if key is None:
                self._warn_row(label, row, L, "values after the last row of the table")
            else:
                self._item(self.ctx, key, row, shape, label, reason="row label not printed; placed by template order")
        elif self.ctx is not None:
            self._warn_row(label, row, L, "row not recognized")
        self.pending = None

    def _next_row(self, table: str) -> str | None:
        order = self._order(table)
        i = self.last.get(table, -1) + 1
        return order[i] if i < len(order) else None

    def _order(self, table: str) -> list[str]:
        return self.voc.row_order["t3" if table == "t3" else "t2"]

    def _warn_row(self, label: str, row: Row, L: int, why: str) -> None:
        vals = [c.text for c in row.cells[L:] if c.text]
        self.ex.warnings.append(
            f"table row '{_short(label) or '(no label)'}' at {row.cells[0].start}: {why}; "
            f"{len(vals)} value(s) not read: {' '.join(vals[:16])}"
        )

    def _item(self, table: str, key: str, row: Row, shape: _Shape, label: str, reason: str | None = None) -> None:
        self.in_header = False
        self.ctx = table
        voc = self.voc
        if table != "t4":
            at = voc.row_index["t3" if table == "t3" else "t2"].get(key)
            if at is not None:
                self.last[table] = at
        if table == "t3":
            cols, keys, total = voc.t3_columns, voc.t3_keys(key), voc.t3_total
        elif table == "t4":  # key: the group a row holds, or "" for all of them
            _, cols, keys = voc.t4_group_rows[key] if key else (None, voc.t4_columns, voc.t4_keys)
            total = None
        else:
            cols, keys = voc.t2_columns(key, self.t2_cols)
            total = None
            if not cols:
                self._warn_row(label, row, shape.L, "a table-2 row without known columns")
                return
        grid = self._grid(table, cols, row)
        self.items.append(_Item(table, keys, row, shape, grid, label, total, reason, open=not row.positional))


# ------------------------------------------------------------------------ placement
def _candidates(n: int, L: int, first: int, last: int, n_cols: int) -> tuple[range, bool]:
    """Possible starts of a positional row's data window, in increasing order; (starts,
    overflow). ``n`` cells, label cells before ``L``, values printed from ``first`` to
    ``last`` (-1: none): the window covers them all and, when it can, fits in the row."""
    if first < 0:
        return range(L, L + 1), False
    if last - first + 1 > n_cols:
        return range(last - n_cols + 1, last - n_cols + 2), True
    lo = max(L, last - n_cols + 1)
    fit = range(lo, min(first, n - n_cols) + 1)
    return (fit or range(lo, first + 1)), False


def _place_group(items: list[_Item], ex: Extraction) -> None:
    """Place the rows of one table of one block, learning its layout from its clear rows."""
    cands = []
    deltas: set[int] = set()
    grid_ok = True
    for it in items:
        if it.row.positional:
            shape = it.shape
            L = shape.L  # (the index of the first cell after the label cells)
            c, over = _candidates(len(it.row.cells), L, shape.first, shape.last, len(it.keys))
            cands.append((c, over))
            if len(c) == 1 and not over and shape.has_value:
                deltas.add(c[0] - L)
                if it.grid is not None and L <= it.grid and c[0] != it.grid:
                    grid_ok = False
        else:
            cands.append(([], False))
    for it, (c, over) in zip(items, cands):
        if not it.row.positional:
            _place_free(it, ex)
            continue
        n_cols = len(it.keys)
        reason = it.reason
        L = it.shape.L
        dropped: list[Cell] = []
        if over:
            s = c[0]
            dropped = [x for x in it.row.cells[L : s] if x.text]
            reason = reason or f"row prints more values than its {n_cols} columns; the last {n_cols} kept"
        elif len(c) == 1:
            s = c[0]
        else:
            options = set()
            if it.grid is not None and grid_ok and L <= it.grid and it.grid in c:
                options.add(it.grid)
            if len(deltas) == 1:
                d = next(iter(deltas))
                if L + d in c:
                    options.add(L + d)
            if len(options) == 1:
                s = options.pop()
            else:
                s = c[0]  # the smallest
                reason = reason or "blank cells at the row's ends leave its column placement open"
        cells = it.row.cells
        if dropped:
            ex.warnings.append(
                f"table row '{_short(it.label)}' at {cells[0].start}: {len(dropped)} value(s) more than columns, "
                f"not read: {' '.join(x.text for x in dropped)}"
            )
        e = s + n_cols
        _put_row(ex, zip(it.keys, cells[s:e], it.shape.nums[s:e]), reason)


def _place_free(it: _Item, ex: Extraction) -> None:
    """A row without positions: values in order (see the module doc)."""
    vals = [c for c in it.row.cells[it.shape.L :] if c.text]
    n_cols, k = len(it.keys), len(vals)
    reason = it.reason
    if k == 0:
        return
    if k > n_cols:
        dropped = vals[: k - n_cols]
        ex.warnings.append(
            f"table row '{_short(it.label)}' at {vals[0].start}: {len(dropped)} value(s) more than columns, "
            f"not read: {' '.join(x.text for x in dropped)}"
        )
        vals = vals[k - n_cols :]
        reason = reason or f"row prints more values than its {n_cols} columns; the last {n_cols} kept"
        keys = it.keys
    elif k == n_cols:
        keys = it.keys
    elif k == 1 and it.total is not None:
        keys = [it.keys[it.total]]
    else:
        keys = it.keys[n_cols - k :]
        reason = reason or f"row prints {k} of {n_cols} values without positions; placed right-aligned"
    # the row's cells may have been gathered from several paragraphs: numbers read from the texts
    _put_row(ex, zip(keys, vals, [_read(c.text)[1] for c in vals]), reason)


def _put_row(ex: Extraction, placed: Iterable[tuple[str, Cell, int | float | None]], reason: str | None) -> None:
    """``_put`` of a row's cells (key, cell, its number), all with the same reason. A key
    not placed yet is stored here directly (what ``_put`` does with it, without a call per
    cell); a key placed already goes through ``_put``, which keeps the first and warns."""
    uncertain = reason is not None
    cells = ex.cells
    for key, cell, num in placed:
        if key in cells:
            _put(ex, key, TableValue(num, cell.text, cell.start, cell.end, uncertain, reason))
        else:
            cells[key] = TableValue(num, cell.text, cell.start, cell.end, uncertain, reason)


def _put(ex: Extraction, key: str, v: TableValue) -> None:
    if key in ex.cells:
        old = ex.cells[key]
        if (old.raw, old.start) != (v.raw, v.start):
            ex.warnings.append(f"{key} printed twice: kept '{old.raw}' at {old.start}, not '{v.raw}' at {v.start}")
        return
    ex.cells[key] = v


# ------------------------------------------------------------------------ flattened text
@lru_cache(maxsize=4096)
def _piece_starts(token: str) -> tuple[tuple[int, ...], ...]:
    """``starts[m - 1]``: where a printed number (no leading zeros, TABLE_SPLIT_PART) ending
    at ``token[m - 1]`` may start. Tokens of ASCII digits and dots are scanned directly (the
    same pieces as the pattern's, in one pass); others are matched piece by piece."""
    n = len(token)
    out: list[list[int]] = [[] for _ in range(n)]
    if not token.isascii():
        for i in range(n):
            for m in range(i + 1, n + 1):
                if P.TABLE_SPLIT_PART.fullmatch(token, i, m):
                    out[m - 1].append(i)
        return tuple(map(tuple, out))
    run = [n] * (n + 1)  # run[i]: the end of the digits starting at i
    for i in range(n - 1, -1, -1):
        run[i] = run[i + 1] if token[i].isdigit() else i
    for i, c in enumerate(token):
        if not c.isdigit():
            continue
        whole = i + 1 if c == "0" else run[i]  # "0" or a digit run without a leading zero
        for m in range(i + 1, whole + 1):
            out[m - 1].append(i)
        if whole < n and token[whole] == "." and run[whole + 1] > whole + 1:
            for m in range(whole + 2, run[whole + 1] + 1):  # decimals follow the whole number only
                out[m - 1].append(i)
    return tuple(map(tuple, out))


def _whole(tok: str) -> bool:
    """A token read as one piece or none: "/", a signed or a comma'd number."""
    return bool(P.NO_VALUE.match(tok)) or "," in tok or tok[0] in "+-"


def _plain(tok: str) -> bool:
    """A token that reads as one printed value (no leading zeros that betray glued digits)."""
    if P.NO_VALUE.match(tok):
        return True
    return number(tok) is not None and bool(P.TABLE_SPLIT_PART.fullmatch(tok.lstrip("+-").replace(",", "")))


#: a number that may be read in a value run: (the place at its other end, the piece, its
#: start in the text)
_Edge = tuple[int, str, int]
#: the readings of a run after some columns: (place, applicants' sum minus total so far, or
#: every value so far) -> (readings, capped at 2; the previous state and the piece read, for one)
_Step = dict[tuple[int, Any], tuple[int, Any, Any]]


def _pieces(toks: list[tuple[str, int]], whole: list[bool]) -> tuple[list[list[_Edge]], list[str]]:
    """The run as a graph of places: a token's start or a cut inside a token of glued digits,
    from 0 (the run's start) to ``len(into) - 1`` (its end); ``into[k]`` are the numbers that
    may be read ending at place ``k``. A ``whole`` token is one piece (when plain) or none.
    Also the digits each place stands for (a whole token: its number's)."""
    into: list[list[_Edge]] = [[]]
    digits: list[str] = []
    for (t, pos), one in zip(toks, whole):
        first = len(into) - 1
        if one:
            into.append([(first, t, pos)] if _plain(t) else [])
            digits.append(str(abs(number(t) or 0)))
            continue
        digits.extend(t)
        for m, starts in enumerate(_piece_starts(t), 1):
            into.append([(first + j, t[j:m], pos + j) for j in starts])
    return into, digits


def _readings(toks: list[tuple[str, int]], whole: list[bool], n_cols: int) -> tuple[list[int], int]:
    """How many ways the run up to each place reads as 0..n_cols values, packed in one
    integer per place: ``(packed[k] >> r * width) & (2**width - 1)`` for r values. A place
    is then counted with one integer sum over the numbers that may end there, not a list sum
    per number; no count reaches 2**width (k places have 2**(k-1) cuts, each one reading)."""
    width = 1 + sum(1 if one else len(t) for (t, _), one in zip(toks, whole))
    mask = (1 << width * (n_cols + 1)) - 1  # r > n_cols values are not counted
    packed = [1]
    for (t, _), one in zip(toks, whole):
        if one:
            packed.append((packed[-1] << width) & mask if _plain(t) else 0)
            continue
        local = [packed[-1]]  # the token's places, from its start
        for starts in _piece_starts(t):
            local.append((sum(map(local.__getitem__, starts)) << width) & mask)
        packed += local[1:]
    return packed, width


def _readings_from(out: list[list[_Edge]], width: int, n_cols: int) -> list[int]:
    """``_readings`` from each place to the run's end (``out[k]``: the numbers read from ``k``)."""
    mask = (1 << width * (n_cols + 1)) - 1
    end = len(out) - 1
    packed = [0] * end + [1]
    for k in range(end - 1, -1, -1):
        packed[k] = (sum([packed[nxt] for nxt, _, _ in out[k]]) << width) & mask
    return packed


def _only_way(into: list[list[_Edge]], packed: list[int], width: int, n_cols: int) -> list[tuple[str, int]]:
    """The one reading of the run as ``n_cols`` values (the caller counted exactly one)."""
    ones = (1 << width) - 1
    way: list[tuple[str, int]] = []
    k = len(into) - 1
    for left in range(n_cols - 1, -1, -1):
        shift = left * width
        for edge in into[k]:
            if (packed[edge[0]] >> shift) & ones:
                break
        k, piece, pos = edge
        way.append((piece, pos))
    return way[::-1]


def _way_adding_up(toks: list[tuple[str, int]], into: list[list[_Edge]], digits: list[str],
                   packed: list[int], width: int, n_cols: int, total: int,
                   applicants: tuple[int, ...]) -> list[tuple[str, int]] | None:
    """The one reading where the applicants' columns add up to the total column; None when
    none or several do.

    Readings are followed column by column and those that agree on what is left to check
    (the place in the run and the applicants' sum minus the total so far) are merged and
    counted, so the many readings of a long run are never listed one by one. The total is
    read first (from the run's end when printed after the applicants); from then on, with
    whole non-negative numbers, a reading is dropped when what the applicants still need
    is out of reach of the places left: more than their digits read as one number (no
    split sums to more), or less than the smallest number their longest piece can be.
    Whole numbers sum exactly in any order; a run with decimals keeps every value read and
    sums the applicants in printed order, as a listing of the readings would."""
    ints = not any("." in t for t, _ in toks)
    prune = ints and not any(t[0] == "-" for t, _ in toks)
    backward, cols, steps = _column_plan(n_cols, total, applicants)
    end = len(into) - 1
    if backward:
        adj, reach, start = into, packed, end
    else:
        adj = [[] for _ in range(end + 1)]
        for k, es in enumerate(into):
            for prev, piece, pos in es:
                adj[prev].append((k, piece, pos))
        reach, start = _readings_from(adj, width, n_cols), 0
    as_one: list[int] = []  # place -> the digits still to read, as one number
    if prune:
        rest = ""
        for d in reversed(digits) if not backward else digits:
            as_one.append(int(rest or "0"))
            rest = rest + d if backward else d + rest
        as_one.append(int(rest or "0"))
        if not backward:
            as_one.reverse()
    nums: dict[str, int | float] = {}  # piece -> its number (or 0): the same few pieces recur
    layer: _Step = {(start, 0 if ints else ()): (1, None, None)}
    history: list[_Step] = []
    ones = (1 << width) - 1
    for step, (w, is_total, checked, most, every) in enumerate(steps):
        left = n_cols - step - 1
        shift = left * width
        bounded = prune and checked
        if bounded:  # place -> the least and the most the columns left can add
            lo = _least_row(end, left if every else 0, backward)
            hi = as_one if most == 1 else [most * one for one in as_one]
        nxt_layer: _Step = {}
        for state, (c, _, _) in layer.items():
            k, acc = state
            for nxt, piece, pos in adj[k]:
                if not (reach[nxt] >> shift) & ones:  # no reading of the rest as ``left`` values
                    continue
                v = nums.get(piece)
                if v is None:
                    v = nums[piece] = number(piece) or 0
                if ints:
                    acc2 = acc + v * w - (v if is_total else 0)
                    if bounded and not lo[nxt] <= -acc2 <= hi[nxt]:
                        continue
                else:
                    acc2 = acc + (v,)
                key = (nxt, acc2)
                old = nxt_layer.get(key)
                nxt_layer[key] = (c, state, (piece, pos)) if old is None else (min(2, old[0] + c), None, None)
        history.append(nxt_layer)
        layer = nxt_layer
    if ints:
        found = [st for st in layer if st[1] == 0]
    else:
        found = []
        for st in layer:
            by_col = dict(zip(cols, st[1]))
            if sum([by_col[i] for i in applicants]) == by_col[total]:
                found.append(st)
    if len(found) != 1 or layer[found[0]][0] != 1:
        return None
    way: list[tuple[str, int]] = [("", 0)] * n_cols
    st = found[0]
    for step in range(n_cols - 1, -1, -1):
        _, st, piece = history[step][st]
        way[cols[step]] = piece
    return way


@lru_cache(maxsize=64)
def _column_plan(n_cols: int, total: int, applicants: tuple[int, ...]
                 ) -> tuple[bool, tuple[int, ...], tuple[tuple[int, bool, bool, int, bool], ...]]:
    """How ``_way_adding_up`` reads a row's columns: from the end when the total is printed
    after the applicants; the columns in reading order; per column its weight (how many
    times the applicants' sum counts it), whether it is the total, whether the total has
    been read by then, and the most and whether every column left counts in the sum."""
    weight = [applicants.count(c) for c in range(n_cols)]
    backward = total > max(applicants, default=-1)
    cols = list(range(n_cols - 1, -1, -1)) if backward else list(range(n_cols))
    steps = []
    checked = False
    for step, col in enumerate(cols):
        checked = checked or col == total
        rest = [weight[c] for c in cols[step + 1 :]]
        steps.append((weight[col], col == total, checked, max(rest, default=0), bool(rest) and min(rest) >= 1))
    return backward, tuple(cols), tuple(steps)


@lru_cache(maxsize=1024)
def _least_row(end: int, pieces: int, backward: bool) -> tuple[int, ...]:
    """Place -> the least that the places still to read (before it when ``backward``, else
    after it; ``end`` places in all) add up to as ``pieces`` numbers, 0 for no pieces:
    the longest piece has at least ceil(places / pieces) digits and no leading zero."""
    out = []
    for k in range(end + 1):
        m = -(-(k if backward else end - k) // pieces) if pieces else 0
        out.append(10 ** (m - 1) if m >= 2 else 0)
    return tuple(out)


#: one value read from a flattened run: (column index, number, raw, start, end, reason);
#: start and end count from the run's start, a reason makes the value uncertain
_FlatValue = tuple[int, int | float | None, str, int, int, str | None]


def _flat_values(text: str, start: int, end: int, n_cols: int, total: int | None,
                 applicants: tuple[int, ...] | None) -> list[tuple[int, TableValue]]:
    """(column index, value) for one flattened row's value run ``text[start:end]``."""
    return [(i, TableValue(num, raw, start + s, start + e, reason is not None, reason))
            for i, num, raw, s, e, reason in _flat_reading(text[start:end], n_cols, total, applicants)]


@lru_cache(maxsize=4096)
def _flat_reading(chunk: str, n_cols: int, total: int | None,
                  applicants: tuple[int, ...] | None) -> tuple[_FlatValue, ...]:
    """The values of a flattened row's value run ``chunk``, read once per run as printed:
    the same runs ("0000000", "000") come back row after row, report after report (a run
    is at most some 200 characters, TABLE_FLAT_RUN: the cache stays small).

    Tokens separated by spaces are cells; a token of several digits may be several cells
    glued together. Only a reading that is the one possible (or the one where the row adds
    up) is given, always flagged uncertain; otherwise the values stay None with the run.
    """
    return tuple(_read_run(chunk, n_cols, total, applicants))


def _read_run(chunk: str, n_cols: int, total: int | None,
              applicants: tuple[int, ...] | None) -> list[_FlatValue]:
    """``_flat_reading`` uncached."""
    toks = [(m.group(0), m.start()) for m in P.TABLE_FLAT_TOKEN.finditer(chunk)]
    if not toks:
        return []
    s0, e0 = toks[0][1], toks[-1][1] + len(toks[-1][0])
    run = chunk[s0:e0]

    def tv(i: int, tok: str, pos: int, reason: str | None = None) -> _FlatValue:
        return i, number(tok), tok, pos, pos + len(tok), reason

    plain = all(_plain(t) for t, _ in toks)
    k = len(toks)
    if plain and k == n_cols:
        return [tv(i, t, p) for i, (t, p) in enumerate(toks)]
    if plain and k > n_cols:
        reason = f"row prints more values than its {n_cols} columns; the last {n_cols} kept"
        return [tv(i, t, p, reason) for i, (t, p) in enumerate(toks[-n_cols:])]
    glued = any(len(t) > 1 and t[0].isdigit() and "," not in t and "." not in t for t, _ in toks)
    if plain and not glued:
        if k == 1 and total is not None:
            return [tv(total, *toks[0])]
        reason = f"row prints {k} of {n_cols} values without positions; placed right-aligned"
        return [tv(n_cols - k + i, t, p, reason) for i, (t, p) in enumerate(toks)]
    # glued digits: the readings of the run as n_cols values, counted without listing them
    whole = [_whole(t) for t, _ in toks]
    packed, width = _readings(toks, whole, n_cols)
    n_ways = packed[-1] >> n_cols * width
    way = None
    how = "the only split"
    if n_ways == 1:
        way = _only_way(_pieces(toks, whole)[0], packed, width, n_cols)
    elif 1 < n_ways <= MAX_SPLITS and applicants is not None and total is not None:
        into, place_digits = _pieces(toks, whole)
        way = _way_adding_up(toks, into, place_digits, packed, width, n_cols, total, applicants)
        how = SPLIT_BY_ROW_TOTAL
    if way is not None:
        reason = f"digits glued together in flattened text ('{run}'); {how}"
        return [tv(i, p, pos, reason) for i, (p, pos) in enumerate(way)]
    digits = sum(len(t) for t, _ in toks)
    if not n_ways and plain and digits < n_cols:
        reason = f"'{run}' may be values glued together or a short row; read as printed"
        if k == 1 and total is not None:
            return [tv(total, toks[0][0], toks[0][1], reason)]
        return [tv(n_cols - k + i, t, p, reason) for i, (t, p) in enumerate(toks[-n_cols:])]
    if n_ways:  # several readings (more than MAX_SPLITS are not even searched for one adding up)
        reason = f"digits glued together in flattened text ('{run}') split {n_ways} possible ways into {n_cols} values"
    else:
        reason = f"'{run}' cannot be read as {n_cols} values"
    return [(i, None, run, s0, e0, reason) for i in range(n_cols)]


def _flat_run(text: str, pos: int, end: int) -> tuple[int, int] | None:
    """The value run right after a flattened label ending at ``pos``: (start, end)."""
    m = P.TABLE_FLAT_LABEL_TAIL.match(text, pos, end)
    if not m:
        return None
    r = P.TABLE_FLAT_RUN.match(text, m.end(), end)
    if not r:
        return None
    s, e = r.start(), r.end()
    while e > s and text[e - 1] in " \t":
        e -= 1
    tail = P.TABLE_FLAT_NUMBERING_TAIL.search(text, s, e)
    if tail:
        e = tail.start()
    while s < e and text[s] in " \t":
        s += 1
    return (s, e) if e > s else None


def _flattened(ex: Extraction, voc: _Vocab, text: str, regions: dict[str, tuple[int, int]], have: set[str]) -> None:
    """Tables glued into running text ("规章000行政规范性文件106…"), for tables not found
    in any table block (``have``: those found): labels are found in template order, each
    followed by its values."""
    tpl = voc.primary
    for table in ("t2", "t3", "t4"):
        if table in have or table not in regions:
            continue
        start, end = regions[table]
        if not P.TABLE_FLAT_HINT.search(text, start, end):
            continue
        found: list[tuple[list[tuple[int, TableValue]], list[str]]] = []  # (values, the row's keys)
        if table == "t4":
            m = tpl.t4_flat_anchor.search(text, start, end)
            run = None
            if m:
                k = m.end()
                while k < end and not text[k].isdigit() and text[k] not in "\n。；;" and k - m.end() < 160:
                    k += 1
                run = _flat_run(text, k, end)
            if run:
                keys = voc.t4_keys
                found.append((_flat_values(text, run[0], run[1], len(keys), None, None), keys))
        else:
            if table == "t2":
                specs, applicants, total = voc.t2_flat, None, None
            else:
                specs, applicants, total = voc.t3_flat, voc.t3_applicants, voc.t3_total
            pos = start
            for pat, keys in specs:
                m = pat.search(text, pos, end)
                if not m:
                    continue
                run = _flat_run(text, m.end(), end)
                if not run:
                    continue
                found.append((_flat_values(text, run[0], run[1], len(keys), total, applicants), keys))
                pos = run[1]
        if sum(1 for vals, _ in found if vals) < (1 if table == "t4" else 2):
            continue
        ex.flattened.append(table)
        for vals, keys in found:
            for i, v in vals:
                _put(ex, keys[i], v)


# ------------------------------------------------------------------------ entry point
def extract(blocks: list[Block], text: str, template: str | None = None) -> Extraction:
    """Tables 2-4 of a report from its blocks (and its normalized text, for flattened tables)."""
    tid = template or T.detect(blocks)
    ex = Extraction(template=tid)
    if tid == "pre2019":
        return ex  # the 2008-2018 reports have their own tables, not tables 2-4 of the templates
    voc = vocab(tid)
    reader = _Reader(voc, ex)
    grids = _transposed_grids(blocks, voc, ex)
    for row in _rows(blocks, text, pseudo=tid in T.TEMPLATE_IDS, grids=grids):
        reader.feed(row)
    groups: dict[tuple[int, str], list[_Item]] = {}
    for it in reader.items:
        key = (it.row.block, it.table)
        group = groups.get(key)
        if group is None:
            groups[key] = [it]
        else:
            group.append(it)
    # the tables read: a group places only its own table's keys ("t3.…" for a t3 row), so a
    # table is read when one of its groups added a cell (no walk over the keys afterwards)
    have: set[str] = set()
    for (_, table), items in groups.items():
        before = len(ex.cells)
        _place_group(items, ex)
        if len(ex.cells) > before:
            have.add(table)
    if have >= {"t2", "t3", "t4"}:  # none left to look for in the text
        ex.cells = _ordered(ex.cells, voc)
        return ex
    regions: dict[str, tuple[int, int]] = {}
    sectioned: set[str] = set()  # tables with a section of their own
    for b in blocks:
        t = SECTION_TABLE.get(b.section or "")
        if t:
            sectioned.add(t)
            if b.kind == "paragraph":
                s, e = regions.get(t, (b.start, b.end))
                regions[t] = (min(s, b.start), max(e, b.end))
    if len(regions) < 3 and P.TABLE_FLAT_HINT.search(text):
        # a page flattened whole (headings glued too) has no table sections: search it all
        whole = (0, len(text))
        for t in ("t2", "t3", "t4"):
            if t not in sectioned:
                regions.setdefault(t, whole)
    if regions:
        _flattened(ex, voc, text, regions, have)
    ex.cells = _ordered(ex.cells, voc)
    return ex


_ORDER: dict[str, dict[str, int]] = {}


def _ordered(cells: dict[str, TableValue], voc: _Vocab) -> dict[str, TableValue]:
    """Cells in template order (the primary template's keys first, then any others)."""
    order = _ORDER.get(voc.primary.id)
    if order is None:
        order = _ORDER[voc.primary.id] = {k: i for i, k in enumerate(voc.primary.keys())}
    ranks = list(map(order.get, cells))
    if None not in ranks:  # the usual case: template keys only, each its own place
        if ranks == sorted(ranks):
            return cells  # placed in template order already
        return {k: cells[k] for k in sorted(cells, key=order.__getitem__)}
    last = len(order)
    return dict(sorted(cells.items(), key=lambda kv: (order.get(kv[0], last), kv[1].start)))
