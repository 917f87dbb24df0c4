"""Readable terminal views of summaries (``gkreport analyze --pretty``)."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int) -> str:
    return text + " " * max(0, n - width(text))


def table(rows: list[list[str]], header: list[str] | None = None) -> str:
    """A plain aligned text table that stays aligned with Chinese text."""
    all_rows = ([header] if header else []) + rows
    if not all_rows:
        return ""
    cols = max(len(r) for r in all_rows)
    widths = [max(width(r[c]) if c < len(r) else 0 for r in all_rows) for c in range(cols)]
    lines = []
    for k, r in enumerate(all_rows):
        lines.append("  ".join(pad(r[c] if c < len(r) else "", widths[c]) for c in range(cols)).rstrip())
        if header and k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(v) -> str:
    if v is None:
        return "·"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def pretty(summary: dict) -> str:
    m = summary["meta"]
    out = [
        f"{summary['source']}",
        f"  agency   {m.get('agency') or '—'}",
        f"  year     {m.get('year') or '—'}",
        f"  title    {m.get('title') or '—'}",
        f"  template {m.get('template')}",
        "",
        "Sections",
        table(
            [[s["key"], s.get("title") or "(no heading)", f"{s['start']}-{s['end']}", s["method"], f"{s['confidence']:.2f}"]
             for s in summary["sections"]],
            ["key", "heading", "span", "method", "conf"],
        ),
    ]
    tables = summary.get("tables") or {}
    if tables:
        out += ["", f"Tables ({len(tables)} cells)"]
        groups: dict[str, list[tuple[str, dict]]] = {}
        for key, cell in tables.items():
            head, _, rest = key.partition(".")
            row, _, col = rest.rpartition(".")
            groups.setdefault(f"{head}.{row}", []).append((col, cell))
        rows = []
        for row, cells in groups.items():
            shown = []
            for col, cell in cells:
                flag = "?" if cell.get("uncertain") else ""
                shown.append(f"{col}={_fmt(cell['value'])}{flag}")
            rows.append([row, " ".join(shown)])
        out.append(table(rows))
    checks = summary.get("checks") or []
    if checks:
        failed = [c for c in checks if not c["ok"]]
        out += ["", f"Checks: {len(checks) - len(failed)} passed, {len(failed)} failed"]
        for c in failed:
            out.append(f"  FAIL {c['rule']}: {c['detail']}")
    statements = [s for s in summary.get("statements") or [] if s["label"] != "other"]
    if statements:
        out += ["", "Problems and remedies"]
        for s in statements:
            themes = ",".join(s["themes"]) or "-"
            out.append(f"  [{s['label']:7}] ({themes}) {s['text']}")
    if summary.get("warnings"):
        out += ["", "Warnings"] + [f"  - {w}" for w in summary["warnings"]]
    return "\n".join(out)
