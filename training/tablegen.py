"""Random, arithmetically consistent tables 2-4 rendered as whole report texts.

Used by the property tests (tests/test_tables_property.py) and for spot checks by hand:
``python -m training.tablegen --rendering cell_lines --template 2019 --seed 3`` prints a
report. Every case carries what the extractor must find (``expected``: key -> (value, raw)
for every printed cell) and, for inconsistent variants, which cell was made wrong.

The printed layout of table 3 is modelled as the Word table it comes from: a 10-column grid
(3 label columns, 7 data columns) with merged label cells. A rendering is a way to print
that grid, each observed in real reports:

- ``grid``: every slot a cell, merged slots empty (what the HTML renderer produces);
- ``word``: Word's copy (seeds 000/001/004): a region merged over rows prints one empty
  cell, a label merged over columns prints one cell, a header merged over columns prints
  its empty slots; rows are padded with empty cells at the end;
- ``cells``: one cell per line (seeds 002/003): like ``word`` without padding, and a
  header merged over columns is one cell.
Variants: ``stray`` (a stray value from a merged label cell: 000's (六)/(七) rows),
``shifted`` (004: one row printed with its label at the row start), ``sparse`` (only
totals printed, applicant cells blank: 000, 002), ``marks`` ("/" "—" for zero), broken
header labels, local label variants (本年度止件数, 保留4位小数), thousands separators,
decimals, negative 本年增/减, full-width digits.
"""

from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass, field, replace

from nlp import templates as T

RENDERINGS = ("tabs_word", "tabs_grid", "tabs_shifted", "cell_lines", "pipes", "markdown", "html",
              "spaces", "lines", "flattened")
#: renderings in which every cell must come out exactly and with certainty
EXACT = frozenset({"tabs_word", "tabs_grid", "cell_lines", "pipes", "markdown", "html", "spaces", "lines"})
#: renderings that cannot print a blank cell (blank cells vanish): tables are generated dense
DENSE = frozenset({"spaces", "lines", "flattened"})
#: renderings that may print table 3 the other way round (the applicant types as rows, the
#: template's rows as columns), and those of them that print every slot of the grid (a blank
#: for each merged one), in which it can then be read exactly
TRANSPOSABLE = frozenset({"tabs_word", "tabs_grid", "pipes", "markdown", "html"})
EXACT_TRANSPOSED = frozenset({"tabs_grid", "pipes", "markdown", "html"})

# ---------------------------------------------------------------------------- labels
T2_ROW_LABELS = {
    "rules": ["规章"], "normative": ["行政规范性文件", "规范性文件"], "license": ["行政许可"],
    "other_services": ["其他对外管理服务事项"], "penalty": ["行政处罚"], "coercion": ["行政强制"],
    "fees": ["行政事业性收费"], "procurement": ["政府集中采购"],
}
T2_COL_LABELS = {
    "issued": ["本年制发件数"], "repealed": ["本年废止件数", "本年度止件数"], "valid": ["现行有效件数"],
    "decisions": ["本年处理决定数量", "处理决定数量"], "made": ["本年新制作数量"], "published": ["本年新公开数量"],
    "total": ["对外公开总数量"], "prev": ["上一年项目数量"], "change": ["本年增/减"], "items": ["采购项目数量"],
}
T2_AMOUNT_LABELS = {"fees": ["本年收费金额（单位：万元）", "本年收费金额（单位：万元，保留4位小数）"],
                    "procurement": ["采购总金额", "采购总金额（单位:万元）"]}
T2_CAPTIONS = {"rules": "一", "license": "五", "penalty": "六", "fees": "八", "procurement": "九"}
T3_COL_LABELS = {"natural": "自然人", "commercial": "商业企业", "research": "科研机构",
                 "social": ["社会公益组织", "社会组织"], "legal": "法律服务机构", "other_org": "其他", "total": "总计"}
T3_LEVEL1 = {"new": "一、本年新收政府信息公开申请数量", "carried": "二、上年结转政府信息公开申请数量",
             "results": "三、本年度办理结果", "carry_forward": "四、结转下年度继续办理"}
T3_GROUPS = {  # (group label, {row: sub-label}) for rows printed under a merged group label
    "deny": ("(三)不予公开", {
        "deny_secret": "1.属于国家秘密", "deny_law": "2.其他法律行政法规禁止公开",
        "deny_safety": "3.危及“三安全一稳定”", "deny_third_party": "4.保护第三方合法权益",
        "deny_internal": "5.属于三类内部事务信息", "deny_process": "6.属于四类过程性信息",
        "deny_enforcement": "7.属于行政执法案卷", "deny_query": "8.属于行政查询事项"}),
    "unable": ("(四)无法提供", {
        "unable_not_held": "1.本机关不掌握相关政府信息", "unable_need_create": "2.没有现成信息需要另行制作",
        "unable_unclear": "3.补正后申请内容仍不明确"}),
    "reject": ("(五)不予处理", {
        "reject_petition": "1.信访举报投诉类申请", "reject_repeat": "2.重复申请",
        "reject_publication": "3.要求提供公开出版物", "reject_mass": "4.无正当理由大量反复申请",
        "reject_confirm": "5.要求行政机关确认或重新出具已获取信息"}),
    "other6": ("(六)其他处理", {
        "other_overdue_fix": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other_overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other_misc": "3.其他"}),
}
T3_SINGLE = {"granted": "(一)予以公开", "partial": "(二)部分公开（区分处理的，只计这一情形，不计其他情形）",
             "other": "(六)其他处理", "result_total": "(七)总计"}
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T4_PARTS = {"upheld": ["结果维持", "结果 维持"], "corrected": ["结果纠正", "结果 纠正"],
            "other": ["其他结果", "其他 结果"], "pending": ["尚未审结", "尚未 审结"], "total": ["总计"]}

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ---------------------------------------------------------------------------- values
@dataclass
class Tables:
    """One report's table values: key -> number, or None for a printed blank."""

    template: str
    values: dict[str, int | float | None]
    raws: dict[str, str]  # key -> the token printed ("" blank, "/", "1,234", "4.6260")


def _count(rng: random.Random, big: bool = False) -> int:
    r = rng.random()
    if r < 0.45:
        return 0
    if r < 0.85:
        return rng.randint(1, 9)
    if r < 0.97 or not big:
        return rng.randint(10, 200)
    return rng.randint(1000, 20000)


def _amount(rng: random.Random) -> float:
    return round(rng.choice([0, 0, rng.uniform(0, 50), rng.uniform(0, 5000)]), 4)


def make_values(rng: random.Random, template: str, dense: bool = False) -> Tables:
    """Consistent values for every cell of the template (None = printed blank)."""
    tpl = T.load(template)
    v: dict[str, int | float | None] = {}
    # table 2
    for cols, rows in tpl.t2_groups:
        for r in rows:
            for c in cols:
                v[f"t2.{r}.{c}"] = _amount(rng) if c == "amount" else _count(rng, big=True)
            if "change" in cols:
                v[f"t2.{r}.change"] = rng.choice([0, 0, rng.randint(-9, 9)])
            if "published" in cols:
                v[f"t2.{r}.total"] = (v[f"t2.{r}.published"] or 0) + _count(rng)
    # table 3: results per applicant column, then totals, then balance
    rows = [r.key for r in tpl.t3_rows]
    results = list(tpl.lists["t3_results"])
    apps = list(tpl.t3_applicants)
    for c in apps:
        for r in results:
            v[f"t3.{r}.{c}"] = _count(rng) if rng.random() < 0.5 else 0
        rt = sum(v[f"t3.{r}.{c}"] for r in results)  # type: ignore[misc]
        v[f"t3.result_total.{c}"] = rt
        cf = rng.randint(0, 3) if rng.random() < 0.3 else 0
        v[f"t3.carry_forward.{c}"] = cf
        carried = rng.randint(0, rt + cf)
        v[f"t3.carried.{c}"] = carried
        v[f"t3.new.{c}"] = rt + cf - carried
    for r in rows:
        v[f"t3.{r}.total"] = sum(v[f"t3.{r}.{c}"] for c in apps)  # type: ignore[misc]
    # table 4
    for g in tpl.t4_groups:
        parts = [c for c in tpl.t4_columns if c != "total"]
        for c in parts:
            v[f"t4.{g}.{c}"] = _count(rng) if rng.random() < 0.4 else 0
        v[f"t4.{g}.total"] = sum(v[f"t4.{g}.{c}"] for c in parts)  # type: ignore[misc]
    raws = {k: _token(rng, x, k) for k, x in v.items()}
    for k, x in v.items():  # a value is what its printed token says (46.6499 printed "46.65")
        if isinstance(x, float):  # "2575" printed for 2575.0 is the integer 2575
            tok = raws[k].replace(",", "")
            v[k] = float(tok) if "." in tok else int(tok)
    tables = Tables(template, v, raws)
    if not dense:
        _blank(rng, tables)
    return tables


def _token(rng: random.Random, x: int | float | None, key: str) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        if key.startswith("t2.fees"):
            return f"{x:.4f}"
        return rng.choice([f"{x:.4f}", f"{x:.2f}", f"{x:g}"]) if x else "0"
    if abs(x) >= 1000 and rng.random() < 0.5:
        return f"{x:,}"
    return str(x)


def _blank(rng: random.Random, t: Tables) -> None:
    """Sparse printing, as many reports do: zero rows print only their total; a zero
    table-4 group may print blank; some zeros print as "/" or "—"."""
    tpl = T.load(t.template)
    style = rng.random()
    if style < 0.35:  # only totals for all-zero breakdowns (seeds 000, 002)
        for r in tpl.t3_rows:
            cells = [f"t3.{r.key}.{c}" for c in tpl.t3_applicants]
            if all(t.values[k] == 0 for k in cells) and rng.random() < 0.8:
                for k in cells:
                    t.values[k], t.raws[k] = None, ""
    if rng.random() < 0.3:  # a zero group of table 4 printed blank (seed 004)
        for g in tpl.t4_groups:
            cells = [f"t4.{g}.{c}" for c in tpl.t4_columns]
            if all(t.values[k] == 0 for k in cells) and rng.random() < 0.5:
                for k in cells:
                    t.values[k], t.raws[k] = None, ""
                break
    if rng.random() < 0.2:  # "/" or "—" for some zero cells
        mark = rng.choice(["/", "—", "无"])
        for k, x in t.values.items():
            if x == 0 and k.startswith("t3.") and not k.endswith(".total") and rng.random() < 0.2:
                t.values[k], t.raws[k] = None, mark


# ---------------------------------------------------------------------------- the grid
@dataclass
class Slot:
    """One slot of a printed grid: the origin of a (merged) cell, or a slot it covers."""

    text: str = ""
    key: str | None = None  # the value key this cell prints
    colspan: int = 1
    rowspan: int = 1
    covered_by: tuple[int, int] | None = None  # (row, col) of the covering origin
    header: bool = False


Grid = list[list[Slot]]


def _place(grid: Grid, r: int, c: int, slot: Slot) -> None:
    while len(grid) <= r + slot.rowspan - 1:
        grid.append([])
    for dr in range(slot.rowspan):
        row = grid[r + dr]
        while len(row) <= c + slot.colspan - 1:
            row.append(Slot())
        for dc in range(slot.colspan):
            if (dr, dc) == (0, 0):
                row[c] = slot
            else:
                row[c + dc] = Slot(covered_by=(r, c), header=slot.header)


def t2_grids(rng: random.Random, t: Tables, labels: dict) -> list[tuple[str, Grid]]:
    """Table 2 as its groups: (caption, grid of header row + data rows), 4 columns wide."""
    tpl = T.load(t.template)
    out = []
    for cols, rows in tpl.t2_groups:
        grid: Grid = []
        _place(grid, 0, 0, Slot("信息内容", header=True))
        for j, c in enumerate(cols):
            lab = labels["amount"][rows[0]] if c == "amount" else labels["t2col"][c]
            _place(grid, 0, 1 + j, Slot(lab, header=True))
        for j in range(len(cols) + 1, 4):
            _place(grid, 0, j, Slot("", header=True))
        for i, r in enumerate(rows):
            _place(grid, 1 + i, 0, Slot(labels["t2row"][r]))
            for j, c in enumerate(cols):
                _place(grid, 1 + i, 1 + j, Slot(t.raws[f"t2.{r}.{c}"], key=f"t2.{r}.{c}"))
            for j in range(len(cols) + 1, 4):
                _place(grid, 1 + i, j, Slot(""))
        out.append((f"第二十条第（{T2_CAPTIONS[rows[0]]}）项", grid))
    return out


def t3_grid(t: Tables, labels: dict) -> Grid:
    """Table 3 as the 10-column grid of the template (3 header rows + the data rows)."""
    tpl = T.load(t.template)
    cols = list(tpl.t3_columns)
    grid: Grid = []
    _place(grid, 0, 0, Slot(T3_NOTE, colspan=3, rowspan=3, header=True))
    _place(grid, 0, 3, Slot("申请人情况", colspan=7, header=True))
    _place(grid, 1, 3, Slot("自然人", rowspan=2, header=True))
    _place(grid, 1, 4, Slot("法人或其他组织", colspan=5, header=True))
    _place(grid, 1, 9, Slot("总计", rowspan=2, header=True))
    for j, c in enumerate(cols[1:6]):
        _place(grid, 2, 4 + j, Slot(labels["t3col"][c], header=True))
    keys = [r.key for r in tpl.t3_rows]
    row_of = {k: 3 + i for i, k in enumerate(keys)}
    results = [k for k in keys if k not in ("new", "carried", "carry_forward")]
    for k in keys:
        r = row_of[k]
        if k in ("new", "carried", "carry_forward"):
            _place(grid, r, 0, Slot(T3_LEVEL1[k], colspan=3))
        else:
            if k == results[0]:
                _place(grid, r, 0, Slot(T3_LEVEL1["results"], rowspan=len(results)))
            if k in T3_SINGLE:
                _place(grid, r, 1, Slot(T3_SINGLE[k], colspan=2))
            else:
                group, subs = next(g for g in T3_GROUPS.values() if k in g[1])
                members = [m for m in subs if m in keys]
                if k == members[0]:
                    _place(grid, r, 1, Slot(group, rowspan=len(members)))
                _place(grid, r, 2, Slot(subs[k]))
        for j, c in enumerate(cols):
            _place(grid, r, 3 + j, Slot(t.raws[f"t3.{k}.{c}"], key=f"t3.{k}.{c}"))
    return grid


def transpose(grid: Grid) -> Grid:
    """The grid printed the other way round: column c becomes row c, a merged cell's spans swap."""
    out: Grid = []
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot.covered_by is None:
                _place(out, c, r, replace(slot, colspan=slot.rowspan, rowspan=slot.colspan))
    for row in out:  # a row of the original printed short leaves its slots unset: blanks
        row.extend(Slot() for _ in range(len(grid) - len(row)))
    return out


def t4_grid(t: Tables, labels: dict) -> Grid:
    tpl = T.load(t.template)
    parts = list(tpl.t4_columns)
    grid: Grid = []
    _place(grid, 0, 0, Slot("行政复议", colspan=5, header=True))
    _place(grid, 0, 5, Slot("行政诉讼", colspan=10, header=True))
    for j, c in enumerate(parts):
        _place(grid, 1, j, Slot(labels["t4col"][c], rowspan=2, header=True))
    _place(grid, 1, 5, Slot("未经复议直接起诉", colspan=5, header=True))
    _place(grid, 1, 10, Slot("复议后起诉", colspan=5, header=True))
    for g in range(2):
        for j, c in enumerate(parts):
            _place(grid, 2, 5 + 5 * g + j, Slot(labels["t4col"][c], header=True))
    for gi, g in enumerate(tpl.t4_groups):
        for j, c in enumerate(parts):
            _place(grid, 3, 5 * gi + j, Slot(t.raws[f"t4.{g}.{c}"], key=f"t4.{g}.{c}"))
    return grid


# ---------------------------------------------------------------------------- printing rows
@dataclass
class PCell:
    """A printed cell: its text and the value key it prints (None for labels/pads)."""

    text: str
    key: str | None = None


def row_cells(grid: Grid, r: int, style: str) -> list[PCell]:
    """One grid row printed in a style: grid | word | cells (see the module doc)."""
    out: list[PCell] = []
    seen_regions: set[tuple[int, int]] = set()
    width = max(len(x) for x in grid)
    for slot in grid[r]:
        if slot.covered_by is None:
            out.append(PCell(slot.text, slot.key))
            if style == "word" and slot.header and slot.rowspan == 1:
                out.extend(PCell("") for _ in range(slot.colspan - 1))
            continue
        if style == "grid":
            out.append(PCell(""))
            continue
        origin = slot.covered_by
        if origin[0] != r and origin not in seen_regions:  # merged over rows: one empty cell
            seen_regions.add(origin)
            out.append(PCell(""))
    if style == "grid":
        out.extend(PCell("") for _ in range(width - len(grid[r])))
    if style == "word":
        out.extend(PCell("") for _ in range(width - len(out)))
    return out


def _label_and_values(cells: list[PCell]) -> tuple[list[str], list[PCell]]:
    labels = [c.text for c in cells if c.key is None and c.text]
    return labels, [c for c in cells if c.key is not None]


# ---------------------------------------------------------------------------- documents
@dataclass
class Case:
    """A generated report and what extraction must find in it."""

    text: str
    name: str  # file name: its suffix tells the decoder the format
    rendering: str
    template: str
    tables: Tables
    expected: dict[str, tuple[int | float | None, str]]  # printed cells only
    uncertain_ok: set[str] = field(default_factory=set)  # cells allowed (expected) to be uncertain
    planted: list[tuple[str, str]] = field(default_factory=list)  # (key, rule family) made wrong
    overview: str = ""


def _labels(rng: random.Random, template: str) -> dict:
    pick = rng.choice
    return {
        "t2row": {k: pick(v) for k, v in T2_ROW_LABELS.items()},
        "t2col": {k: pick(v) if template == "2021" or k != "decisions" else "处理决定数量" for k, v in T2_COL_LABELS.items()},
        "amount": {k: pick(v) for k, v in T2_AMOUNT_LABELS.items()},
        "t3col": {k: (pick(v) if isinstance(v, list) else v) for k, v in T3_COL_LABELS.items()},
        "t4col": {k: pick(v) for k, v in T4_PARTS.items()},
    }


OVERVIEW = [
    "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，进一步规范政务公开内容。",
    "全年共主动公开政府信息{n}条，通过门户网站及政务新媒体及时发布工作动态。",
    "我局健全政务公开工作机制，明确专人负责，加强信息发布审核。",
]
PROBLEMS = "一是信息公开的深度和广度还不够；二是工作人员业务能力有待提高。下一步，我局将加强培训，完善制度。"


def _doc_text(parts: list[str], year: int, agency: str, overview: list[str]) -> str:
    head = [f"{agency}{year}年政府信息公开工作年度报告", "", "一、总体情况", *overview, ""]
    return "\n".join(head + parts + ["", "五、存在的主要问题及改进情况", PROBLEMS, "", "六、其他需要报告的事项", "无", ""])


def _fw(rng: random.Random, text: str, p: float) -> str:
    return text.translate(FULLWIDTH) if rng.random() < p else text


def render(rng: random.Random, tables: Tables, rendering: str, year: int | None = None,
           overview_extra: str | None = None, transposed: bool = False) -> Case:
    """A whole report with the tables printed in ``rendering`` (``transposed``: table 3 the
    other way round, in a rendering of TRANSPOSABLE)."""
    if transposed and rendering not in TRANSPOSABLE:
        raise ValueError(f"table 3 cannot be printed transposed in {rendering}")
    labels = _labels(rng, tables.template)
    year = year or (rng.randint(2021, 2024) if tables.template == "2021" else rng.randint(2019, 2022))
    agency = rng.choice(["某市商务局", "某县人民政府办公室", "某区市场监督管理局", "某市教育局"])
    overview = [s.format(n=rng.randint(10, 900)) for s in OVERVIEW]
    if overview_extra:
        overview.append(overview_extra)
    case = Case("", "report.txt", rendering, tables.template, tables, {})
    t2 = t2_grids(rng, tables, labels)
    t3 = t3_grid(tables, labels)
    if transposed:
        t3 = transpose(t3)
    t4 = t4_grid(tables, labels)
    headings = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    if rendering == "html":
        case.text = _html(rng, tables, t2, t3, t4, headings, year, agency, overview, case)
        case.name = "report.html"
        return case
    parts: list[str] = []
    for h, body in zip(headings, (_t2_text(rng, t2, rendering, case), _t3_text(rng, t3, rendering, case, transposed),
                                  _t4_text(rng, t4, rendering, case))):
        parts += [h, body, ""]
    case.text = _doc_text(parts, year, agency, overview)
    if rendering == "markdown":
        case.name = "report.md"
    return case


def _expect(case: Case, cells: list[PCell], uncertain: bool = False) -> None:
    for c in cells:
        if c.key is not None:
            v = case.tables.values[c.key]
            case.expected[c.key] = (v, case.tables.raws[c.key])
            if uncertain:
                case.uncertain_ok.add(c.key)


def _style(rendering: str) -> str:
    return {"tabs_word": "word", "tabs_shifted": "word", "tabs_grid": "grid", "cell_lines": "cells",
            "pipes": "grid", "markdown": "grid"}.get(rendering, "cells")


def _print_value(rng: random.Random, text: str, rendering: str) -> str:
    if rendering == "cell_lines" and rng.random() < 0.3:
        return rng.choice(["　　", " ", "　"]) + text + rng.choice(["", " "])
    return text


def _rows_text(rng: random.Random, grid: Grid, rendering: str, case: Case, rows: range | None = None,
               stray: set[int] = frozenset(), shifted: set[int] = frozenset(), broken: bool = False) -> list[str]:
    """Print grid rows in a row-based rendering; record what each row must yield."""
    out: list[str] = []
    style = _style(rendering)
    for r in rows if rows is not None else range(len(grid)):
        cells = row_cells(grid, r, style)
        if r in shifted:  # 004: the label printed first, an empty cell, the values, a pad
            labels, vals = _label_and_values(cells)
            cells = [PCell(labels[-1]), PCell("")] + vals + [PCell("")]
            while len(cells) > len(grid[r]):
                cells.pop()
        if r in stray:  # a stray value from a merged label cell: 000's (六)/(七) rows
            first = next(i for i, c in enumerate(cells) if c.key is not None)
            cells.insert(first, PCell(rng.choice(["0", "1"])))
            while len(cells) > len(grid[r]) and cells[-1].text == "" and cells[-1].key is None:
                cells.pop()
        _expect(case, cells, uncertain=r in stray)
        texts = [_print_value(rng, c.text, rendering) if c.key else c.text for c in cells]
        if rendering == "tabs_word":
            texts = [_fw(rng, x, 0.05) if c.key else x for x, c in zip(texts, cells)]
        if broken:
            texts = [_break(rng, x) if c.key is None else x for x, c in zip(texts, cells)]
        out.append(_join(rng, texts, rendering, r == 0))
    return out


def _break(rng: random.Random, label: str) -> str:
    """A header label broken over lines, as cell-per-line copies print them (本年新 / 制作数量)."""
    if not 4 <= len(label) <= 14 or rng.random() < 0.5:
        return label
    k = rng.randint(max(2, len(label) - 8), len(label) - 2)
    return label[:k] + "\n" + label[k:]


def _join(rng: random.Random, texts: list[str], rendering: str, first: bool) -> str:
    if rendering.startswith("tabs"):
        return "\t".join(texts)
    if rendering == "cell_lines":
        return "\n".join("\t" + x for x in texts) + "\n"
    if rendering in ("pipes", "markdown"):
        line = "| " + " | ".join(texts) + " |"
        if rendering == "markdown" and first:
            line += "\n|" + "|".join("---" for _ in texts) + "|"
        return line
    raise ValueError(rendering)


def _free_row(rng: random.Random, cells: list[PCell], rendering: str, case: Case, n_cols: int,
              total_col: int | None) -> str:
    """A row in a rendering without positions (spaces, lines, flattened)."""
    labels, vals = _label_and_values(cells)
    _expect(case, vals)
    if rendering == "flattened":
        glued = [v for v in vals if len(v.text) > 1 or not v.text.isdigit()]
        if glued and len(vals) > 1:
            for v in vals:
                case.uncertain_ok.add(v.key)  # type: ignore[arg-type]
        return "".join(labels) + "".join(v.text for v in vals)
    if rendering == "spaces":
        return "".join(labels) + "  " + "  ".join(_fw(rng, v.text, 0.1) for v in vals) if labels else \
            "  ".join(v.text for v in vals)
    return "\n".join(labels + [v.text for v in vals])


def _t2_text(rng: random.Random, groups: list[tuple[str, Grid]], rendering: str, case: Case) -> str:
    lines: list[str] = []
    for caption, grid in groups:
        if rendering in ("spaces", "lines", "flattened"):
            header = [s.text for s in grid[0] if s.text]
            lines.append(caption)
            lines.append(("" if rendering == "flattened" else ("  " if rendering == "spaces" else "\n")).join(header))
            for r in range(1, len(grid)):
                cells = row_cells(grid, r, "cells")
                cells = [c for c in cells if c.key is not None or c.text]
                lines.append(_free_row(rng, cells, rendering, case, len(cells) - 1, None))
            continue
        style = _style(rendering)
        if rendering == "markdown":
            lines.append(caption)
        else:
            cap = [PCell(caption)] + ([PCell("")] * 3 if style in ("word", "grid") else [])
            lines.append(_join(rng, [c.text for c in cap], rendering, False))
        lines += _rows_text(rng, grid, rendering, case, broken=rendering == "cell_lines")
        if rendering == "markdown":
            lines.append("")
    if rendering == "flattened":
        return "".join(lines)
    return "\n".join(lines)


def _t3_text(rng: random.Random, grid: Grid, rendering: str, case: Case, transposed: bool = False) -> str:
    tpl = T.load(case.template)
    n_rows = len(grid)
    if rendering in ("spaces", "lines", "flattened"):
        out = []
        header = [s.text for row in grid[:3] for s in row if s.text and s.covered_by is None]
        out.append(("" if rendering == "flattened" else ("  " if rendering == "spaces" else "\n")).join(header))
        for r in range(3, n_rows):
            cells = row_cells(grid, r, "cells")
            cells = [c for c in cells if c.key is not None or c.text]
            out.append(_free_row(rng, cells, rendering, case, 7, 6))
        return ("" if rendering == "flattened" else "\n").join(out)
    stray: set[int] = set()
    shifted: set[int] = set()
    keys = [r.key for r in tpl.t3_rows]
    if rendering == "tabs_word" and not transposed and rng.random() < 0.3:
        stray = {3 + keys.index("result_total")} | ({3 + keys.index("carry_forward")} if rng.random() < 0.5 else set())
    if rendering == "tabs_shifted":
        subs = [k for g in T3_GROUPS.values() for k in list(g[1])[1:] if k in keys]
        shifted = {3 + keys.index(rng.choice(subs))}
    lines = _rows_text(rng, grid, rendering, case, stray=stray, shifted=shifted, broken=rendering == "cell_lines")
    if rendering == "tabs_shifted":
        # the rows of a shifted table may not be placed with certainty; the test only asks
        # that no wrong value is given without a flag
        case.uncertain_ok |= {k for k in case.expected if k.startswith("t3.")}
    if rendering == "markdown":
        return "\n".join(lines)
    return "\n".join(lines)


def _t4_text(rng: random.Random, grid: Grid, rendering: str, case: Case) -> str:
    if rendering in ("spaces", "lines", "flattened"):
        header = [s.text for row in grid[:3] for s in row if s.text and s.covered_by is None]
        cells = row_cells(grid, 3, "cells")
        sep = "" if rendering == "flattened" else ("  " if rendering == "spaces" else "\n")
        row = _free_row(rng, cells, rendering, case, 15, None)
        return sep.join(header) + ("" if rendering == "flattened" else "\n") + row
    return "\n".join(_rows_text(rng, grid, rendering, case, broken=rendering == "cell_lines"))


def _html(rng: random.Random, tables: Tables, t2: list[tuple[str, Grid]], t3: Grid, t4: Grid,
          headings: list[str], year: int, agency: str, overview: list[str], case: Case) -> str:
    def table(grid: Grid, caption_rows: list[str] | None = None, width: int = 4) -> str:
        rows = []
        for row in grid:
            tds = []
            for slot in row:
                if slot.covered_by is not None:
                    continue
                attrs = (f' colspan="{slot.colspan}"' if slot.colspan > 1 else "") + \
                        (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "")
                text = html.escape(slot.text)
                if slot.key is not None:
                    case.expected[slot.key] = (tables.values[slot.key], tables.raws[slot.key])
                    text = f"<span>{text}</span>" if rng.random() < 0.2 else text
                tds.append(f"<td{attrs}>{text}</td>")
            rows.append("<tr>" + "".join(tds) + "</tr>")
        return "<table border=\"1\"><tbody>" + "".join(rows) + "</tbody></table>"

    body = [f"<h1>{agency}{year}年政府信息公开工作年度报告</h1>", "<h2>一、总体情况</h2>"]
    body += [f"<p>{html.escape(p)}</p>" for p in overview]
    body.append(f"<h2>{headings[0]}</h2>")
    for caption, grid in t2:
        body.append(f"<p>{caption}</p>")
        body.append(table(grid))
    body.append(f"<h2>{headings[1]}</h2>")
    body.append(table(t3))
    body.append(f"<h2>{headings[2]}</h2>")
    body.append(table(t4))
    body += ["<h2>五、存在的主要问题及改进情况</h2>", f"<p>{PROBLEMS}</p>", "<h2>六、其他需要报告的事项</h2>", "<p>无</p>"]
    return "<html><head><meta charset=\"utf-8\"><title>年报</title></head><body>" + "\n".join(body) + "</body></html>"


# ---------------------------------------------------------------------------- inconsistencies
#: which rule must flag a wrong value in a cell of this kind
PLANT_RULES = ("t3_row_total", "t3_results_sum", "t3_balance", "t4_group_total", "t2_total_ge_published",
               "nonnegative", "prose_no_applications")


def plant(rng: random.Random, tables: Tables) -> tuple[str, str]:
    """Make one printed value wrong; returns (key, the rule that must flag it)."""
    tpl = T.load(tables.template)
    choices = ["t3_cell", "t3_total", "t4"]
    if tables.template == "2019":
        choices.append("t2_published")
    choices.append("negative")
    kind = rng.choice(choices)
    v, raws = tables.values, tables.raws
    if kind == "t2_published":
        r = rng.choice(["rules", "normative"])
        key = f"t2.{r}.published"
        v[key] = (v[f"t2.{r}.total"] or 0) + rng.randint(1, 5)
        raws[key] = str(v[key])
        return key, "t2_total_ge_published"
    if kind == "t4":
        g = rng.choice(list(tpl.t4_groups))
        key = f"t4.{g}.{rng.choice(['upheld', 'corrected', 'other', 'pending', 'total'])}"
        for c in tpl.t4_columns:  # a group printed blank is "not broken down": print it
            if v[f"t4.{g}.{c}"] is None:
                v[f"t4.{g}.{c}"], raws[f"t4.{g}.{c}"] = 0, "0"
        v[key] = (v[key] or 0) + rng.randint(1, 5)
        raws[key] = str(v[key])
        return key, "t4_group_total"
    if kind == "negative":
        row = rng.choice([r.key for r in tpl.t3_rows])
        key = f"t3.{row}.total"
        v[key] = -rng.randint(1, 5)
        raws[key] = str(v[key])
        return key, "nonnegative"
    row = rng.choice([r.key for r in tpl.t3_rows])
    col = "total" if kind == "t3_total" else rng.choice(list(tpl.t3_applicants))
    key = f"t3.{row}.{col}"
    if v[key] is None:  # printed blank: print a number there instead
        for c in tpl.t3_columns:
            k = f"t3.{row}.{c}"
            if v[k] is None:
                v[k], raws[k] = 0, "0"
    v[key] = (v[key] or 0) + rng.randint(1, 5)
    raws[key] = str(v[key])
    return key, "t3_row_total"


def make_case(seed: int, rendering: str, template: str, inconsistent: bool = False, transposed: bool = False) -> Case:
    """One generated report (deterministic for a seed)."""
    rng = random.Random(f"{seed}-{rendering}-{template}-{inconsistent}" + ("-transposed" if transposed else ""))
    tables = make_values(rng, template, dense=rendering in DENSE)
    planted: list[tuple[str, str]] = []
    extra = None
    if inconsistent:
        if rng.random() < 0.15 and (tables.values["t3.new.total"] or 0) > 0:
            extra = f"{rng.choice(['本年度', ''])}我局未收到政府信息公开申请。"
            planted.append(("t3.new.total", "prose_no_applications"))
        else:
            planted.append(plant(rng, tables))
    case = render(rng, tables, rendering, overview_extra=extra, transposed=transposed)
    case.planted = planted
    return case


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rendering", default="tabs_word", choices=RENDERINGS)
    ap.add_argument("--template", default="2021", choices=T.TEMPLATE_IDS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--inconsistent", action="store_true")
    ap.add_argument("--transposed", action="store_true", help="table 3 with the applicant types as rows")
    a = ap.parse_args()
    case = make_case(a.seed, a.rendering, a.template, a.inconsistent, a.transposed)
    print(case.text)
    if case.planted:
        print("# planted:", case.planted)


if __name__ == "__main__":
    main()
