"""Turn a reviewed annotation list (quoted text, label, themes) into a CORPUS.md corpus.

Gold annotations of real reports are easiest to review as the quoted sentences themselves;
offsets typed by hand are not reviewable and break when a file is re-saved. This module
finds each quote in the report and computes the offsets, refusing a quote that is missing
or ambiguous, so the JSON Lines it writes can always be traced back to the reviewed list.

Annotation file (JSON), e.g. corpora/test/seeds.annotations.json::

    {"documents": [
      {"id": "seed-000-...", "file": "../samples/000_....txt", "format": "text",
       "meta": {"agency": "...", "year": 2021, "template": "2021", "source": "samples/000_....txt"},
       "sections": [{"key": "overview", "quote": "一、总体情况"}, ...],
       "statements": [{"label": "problem", "themes": ["platform"], "quote": "一是…。"}, ...],
       "tables": {"t2.rules": [0, 0, 0], "t3.granted": [null, null, null, null, null, null, 0],
                  "t4.review": [0, 0, 0, 0, 0], "t2.fees.amount": 0}}]}

- ``file`` is relative to the annotation file; the text is read exactly (UTF-8, newlines kept).
- A quote must occur exactly once in the text, unless ``"occurrence": N`` (1-based) says which.
  A section starts where its quote starts (its heading, or its first character).
- ``tables`` takes full KEYS.md keys, or a row key with a list of the row's printed cells in
  column order: ``t3.<row>`` (7 columns), ``t4.<group>`` (5), ``t2.<row>`` (the columns of
  the record's ``meta.template``, 2021 or 2019). ``null`` is a printed blank; leave out what is
  not printed.

    python -m training.annotate corpora/test/seeds.annotations.json --out corpora/test/seeds.jsonl [--show]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from nlp.errors import GkError
from training.corpus import T3_COLS, T4_COLS, CorpusRecord, validate, write_corpus

#: The columns each table-2 row prints, per template (KEYS.md).
T2_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "rules": ("issued", "repealed", "valid"),
        "normative": ("issued", "repealed", "valid"),
        "license": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "rules": ("made", "published", "total"),
        "normative": ("made", "published", "total"),
        "license": ("prev", "change", "decisions"),
        "other_services": ("prev", "change", "decisions"),
        "penalty": ("prev", "change", "decisions"),
        "coercion": ("prev", "change", "decisions"),
        "fees": ("prev", "change"),
        "procurement": ("items", "amount"),
    },
}


def find_quote(text: str, quote: str, occurrence: int | None = None) -> int:
    """Start of ``quote`` in ``text``; ValueError if it is absent or (without ``occurrence``) ambiguous."""
    if not quote:
        raise ValueError("empty quote")
    starts: list[int] = []
    i = text.find(quote)
    while i >= 0:
        starts.append(i)
        i = text.find(quote, i + 1)
    if not starts:
        raise ValueError(f"quote not found: {quote[:30]!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise ValueError(f"quote occurs {len(starts)} times, say which with 'occurrence': {quote[:30]!r}")
        return starts[0]
    if not 1 <= occurrence <= len(starts):
        raise ValueError(f"occurrence {occurrence} of {len(starts)}: {quote[:30]!r}")
    return starts[occurrence - 1]


def expand_tables(tables: dict[str, Any], template: str | None) -> dict[str, Any]:
    """Full KEYS.md keys from the compact row form (see the module docstring)."""
    out: dict[str, Any] = {}
    for key, value in tables.items():
        parts = key.split(".")
        if len(parts) == 3:
            cells = {key: value}
        elif len(parts) == 2 and isinstance(value, list):
            table, row = parts
            if table == "t3":
                cols: tuple[str, ...] = T3_COLS
            elif table == "t4":
                cols = T4_COLS
            elif table == "t2":
                if template not in T2_COLUMNS:
                    raise ValueError(f"{key}: the row form of table 2 needs meta.template 2021 or 2019")
                if row not in T2_COLUMNS[template]:
                    raise ValueError(f"{key}: no such table-2 row in the {template} template")
                cols = T2_COLUMNS[template][row]
            else:
                raise ValueError(f"{key}: unknown table")
            if len(value) != len(cols):
                raise ValueError(f"{key}: {len(value)} values for {len(cols)} columns ({', '.join(cols)})")
            cells = {f"{table}.{row}.{c}": v for c, v in zip(cols, value)}
        else:
            raise ValueError(f"{key}: expected a full key with a value, or a row key with a list")
        for k, v in cells.items():
            if k in out:
                raise ValueError(f"{k} given twice")
            out[k] = v
    return out


def build_document(doc: dict[str, Any], base: Path) -> CorpusRecord:
    """One annotated document as a validated corpus record (ValueError says what is wrong)."""
    path = base / doc["file"]
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    meta = dict(doc.get("meta", {}))
    sections = None
    if "sections" in doc:
        sections = []
        for s in doc["sections"]:
            start = find_quote(text, s["quote"], s.get("occurrence"))
            sections.append({"key": s["key"], "start": start})
    statements = None
    if "statements" in doc:
        statements = []
        for s in doc["statements"]:
            start = find_quote(text, s["quote"], s.get("occurrence"))
            st: dict[str, Any] = {"start": start, "end": start + len(s["quote"]), "label": s["label"]}
            if "themes" in s:
                st["themes"] = list(s["themes"])
            statements.append(st)
        statements.sort(key=lambda s: s["start"])
    tables = None if "tables" not in doc else expand_tables(doc["tables"], meta.get("template"))
    record = CorpusRecord(
        id=doc["id"],
        text=text,
        format=doc.get("format", "text"),
        meta=meta,
        sections=sections,
        statements=statements,
        tables=tables,
    )
    errors = validate(record.to_dict())
    if errors:
        raise ValueError("; ".join(errors))
    return record


def build(annotations: str | os.PathLike) -> list[CorpusRecord]:
    """Every document of an annotation file, as corpus records."""
    path = Path(annotations)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise GkError("E001", str(path), str(e)) from None
    except json.JSONDecodeError as e:
        raise GkError("E201", str(path), f"invalid JSON at line {e.lineno}: {e.msg}") from None
    records = []
    for n, doc in enumerate(data.get("documents", []), 1):
        try:
            records.append(build_document(doc, path.parent))
        except (KeyError, ValueError, TypeError, OSError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise GkError("E201", str(path), f"document {n} ({doc.get('id', '?')}): {detail}") from None
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.annotate", description=__doc__.split("\n")[0])
    parser.add_argument("annotations", help="annotation list (JSON)")
    parser.add_argument("--out", required=True, help="the JSON Lines corpus to write")
    parser.add_argument("--show", action="store_true", help="print each statement as found, for review")
    args = parser.parse_args(argv)
    try:
        records = build(args.annotations)
        n = write_corpus(records, args.out)
    except GkError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.show:
        for r in records:
            print(f"== {r.id}")
            for s in r.statements or []:
                print(f"  {s['label']:<7} {','.join(s.get('themes', [])):<32} {r.statement_text(s)}")
    stmts = sum(len(r.statements or []) for r in records)
    cells = sum(len(r.tables or {}) for r in records)
    print(f"{n} records, {stmts} statements, {cells} table cells -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
