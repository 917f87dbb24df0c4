"""Summary: the stages' results assembled into the SUMMARY.md structure.

Stages work in the coordinates of the normalized view; the summary reports offsets into
the input as decoded (for HTML, the raw page), so this is where spans are mapped back.
"""

from __future__ import annotations

from nlp.model import Block, Meta, Section, Source, Statement, Summary, TableValue


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
    for s in sections:
        start, end = source.to_input(s.start, s.end)
        title = None
        if s.title is not None and s.method == "heading":
            heading = next((b for b in blocks if b.kind in ("heading", "paragraph") and b.text == s.title), None)
            title = " ".join(_printed(source, heading.start, heading.end).split()) if heading else s.title
        out_sections.append(Section(s.key, title, start, end, s.method, s.confidence))
    out_tables = {}
    for key, v in (tables or {}).items():
        start, end = source.to_input(v.start, v.end)
        # the token as printed (full-width digits stay full-width); the extractor's own
        # token when the span does not cover exactly one printed token (HTML entities)
        printed = source.text[start:end] if source.starts is None else v.raw
        out_tables[key] = TableValue(v.value, printed if printed.strip() == printed else v.raw, start, end, v.uncertain, v.reason)
    out_statements = []
    for st in statements or []:
        start, end = source.to_input(st.start, st.end)
        out_statements.append(
            Statement(source.text[start:end] if source.starts is None else st.text, st.label, st.themes,
                      st.confidence, st.section, start, end, st.theme_scores)
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
