"""Summary: the stages' results assembled into the SUMMARY.md structure.

Stages work in the coordinates of the normalized view; the summary reports offsets into
the input as decoded (for HTML, the raw page), so this is where spans are mapped back.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # the encoder's own escaping (C), quotes included

from nlp.model import Block, Meta, Section, Source, Statement, Summary, TableValue

# One encoder for the process, without json's circular-reference bookkeeping (an id kept
# per dict and list, ~7% of the encoding). A summary dict is a tree that Summary.to_dict
# builds afresh, so the text is json.dumps(d, ensure_ascii=False)'s byte for byte (a cycle
# would end in RecursionError instead of ValueError).
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def to_json(d: dict) -> str:
    """The JSON text of a summary dict (``Summary.to_dict()``), as written to its file."""
    return _ENCODER.encode(d)


def summary_json(summary: Summary, d: dict | None = None) -> str:
    """``to_json(summary.to_dict())``, byte for byte, for about three quarters of the cost.

    The cells are half the text: some 200 per report, each a dict of four entries for the
    encoder. Here they are written from the TableValue objects, one f-string each, and the rest
    of the summary goes through the encoder as before (field types as the dataclasses declare:
    an int ``start`` stays an int). ``d`` is ``summary.to_dict()`` when the caller has it
    anyway (the batch stores it); without it, the cells' dicts are never made."""
    if d is None:
        d = summary.to_dict(tables=False)
    items = list(d.items())
    at = next(i for i, (k, _) in enumerate(items) if k == "tables")
    parts = [to_json(dict(items[:at]))[1:-1], f'"tables": {_cells(summary.tables)}', to_json(dict(items[at + 1:]))[1:-1]]
    return "{" + ", ".join([p for p in parts if p]) + "}"


def _cells(tables: dict[str, TableValue]) -> str:
    """The encoder's text of ``{key: cell.to_dict()}``. The usual cell (an int, read with
    certainty) is one f-string; the others (blank, float, uncertain) go through ``_cell``."""
    return "{" + ", ".join([
        f'{_string(k)}: {{"value": {value}, "raw": {_string(v.raw)}, "start": {v.start}, "end": {v.end}}}'
        if type(value := v.value) is int and not v.uncertain else f"{_string(k)}: {_cell(v)}"
        for k, v in tables.items()
    ]) + "}"


def _cell(v: TableValue) -> str:
    """The encoder's text of ``v.to_dict()``, for the cells ``_cells`` does not write inline
    (None is spelled here: the encoder's fixed cost per call is ~40 times this)."""
    x = v.value
    value = "null" if x is None else to_json(x)
    flags = ""
    if v.uncertain:
        flags = f', "uncertain": true, "reason": {"null" if v.reason is None else _string(v.reason)}'
    return f'{{"value": {value}, "raw": {_string(v.raw)}, "start": {v.start}, "end": {v.end}{flags}}}'


def _printed(source: Source, start: int, end: int) -> str:
    s, e = source.to_input(start, end)
    return source.text[s:e]


def build(
    source: Source,
    blocks: list[Block],
    meta: Meta,
    sections: list[Section],
    tables: dict[str, TableValue] | None = None,
    checks: list | None = None,
    statements: list[Statement] | None = None,
    warnings: list[str] | None = None,
) -> Summary:
    out_sections = []
    first: dict[str, Block] | None = None  # text -> its first heading or paragraph block
    for s in sections:
        start, end = source.to_input(s.start, s.end)
        title = None
        if s.title is not None and s.method == "heading":
            if first is None:  # one pass for all headings, not a scan per section
                first = {b.text: b for b in reversed(blocks) if b.kind in ("heading", "paragraph")}
            heading = first.get(s.title)
            title = " ".join(_printed(source, heading.start, heading.end).split()) if heading else s.title
        out_sections.append(Section(s.key, title, start, end, s.method, s.confidence))
    text = source.text
    identity = source.starts is None  # view offsets are input offsets
    out_tables = {}
    for key, v in (tables or {}).items():
        if identity:
            printed = text[v.start:v.end]
            if printed == v.raw:
                out_tables[key] = v  # already what the summary reports: no copy
                continue
            start, end = v.start, v.end
        else:
            start, end = source.to_input(v.start, v.end)
            printed = v.raw
        # the token as printed (full-width digits stay full-width); the extractor's own
        # token when the span does not cover exactly one printed token (HTML entities)
        out_tables[key] = TableValue(v.value, printed if printed.strip() == printed else v.raw, start, end, v.uncertain, v.reason)
    out_statements = []
    for st in statements or []:
        if identity:
            printed = text[st.start:st.end]
            if printed == st.text:
                out_statements.append(st)  # already what the summary reports: no copy
                continue
            start, end = st.start, st.end
        else:
            start, end = source.to_input(st.start, st.end)
            printed = st.text
        out_statements.append(
            Statement(printed, st.label, st.themes, st.confidence, st.section, start, end, st.theme_scores)
        )
    return Summary(
        source=source.path,
        meta=meta,
        sections=out_sections,
        tables=out_tables,
        checks=list(checks or []),
        statements=out_statements,
        warnings=list(source.warnings) + list(warnings or []),
        sha256=source.sha256,
        format=source.format,
        encoding=source.encoding,
    )
