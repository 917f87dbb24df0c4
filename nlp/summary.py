"""Summary: the stages' results assembled into the SUMMARY.md structure.

Stages work in the coordinates of the normalized view; the summary reports offsets into
the input as decoded (for HTML, the raw page), so this is where spans are mapped back.
"""

from __future__ import annotations

import json

from nlp.model import Block, Meta, Section, Source, Statement, Summary, TableValue

# One encoder for the process, without json's circular-reference bookkeeping (an id kept
# per dict and list, ~7% of the encoding). A summary dict is a tree that Summary.to_dict
# builds afresh, so the text is json.dumps(d, ensure_ascii=False)'s byte for byte (a cycle
# would end in RecursionError instead of ValueError).
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def to_json(d: dict) -> str:
    """The JSON text of a summary dict (``Summary.to_dict()``), as written to its file."""
    return _ENCODER.encode(d)


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
