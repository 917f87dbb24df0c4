"""The annotated corpus (CORPUS.md): one JSON object per line, offsets into ``text``.

Training, evaluation, the importers and the corpus builder all go through this module, so
a record is validated the same way wherever it comes from: a bad offset or an unknown key
found here is an E201 naming the file and line, instead of a model silently learning from
a span that points at the wrong characters.

A layer (``sections``, ``statements``, ``tables``) that is ``None`` was not annotated;
an empty list/dict means "annotated, none present". Inside a statement, a missing
``themes`` key likewise means the themes were not annotated (e.g. an import from a tool
where only problem/remedy was labelled); a present ``themes`` must name at least one theme.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.errors import GkError
from nlp.model import SECTION_KEYS
from nlp.themes import THEMES

LABELS: tuple[str, ...] = ("problem", "remedy")
FORMATS: tuple[str, ...] = ("text", "html", "markdown")
TEMPLATES: tuple[str, ...] = ("2021", "2019", "pre2019", "unknown")

# ---- table keys (KEYS.md), in the order the tables print them --------------------------

T2_KEYS: tuple[str, ...] = (
    # 2021 format
    "t2.rules.issued", "t2.rules.repealed", "t2.rules.valid",
    "t2.normative.issued", "t2.normative.repealed", "t2.normative.valid",
    # 2019 format
    "t2.rules.made", "t2.rules.published", "t2.rules.total",
    "t2.normative.made", "t2.normative.published", "t2.normative.total",
    "t2.license.prev", "t2.license.change", "t2.license.decisions",
    "t2.other_services.prev", "t2.other_services.change", "t2.other_services.decisions",
    "t2.penalty.prev", "t2.penalty.change", "t2.penalty.decisions",
    "t2.coercion.prev", "t2.coercion.change", "t2.coercion.decisions",
    "t2.fees.prev", "t2.fees.change", "t2.fees.amount",
    "t2.procurement.items", "t2.procurement.amount",
)  # fmt: skip
T3_ROWS: tuple[str, ...] = (
    "new", "carried", "granted", "partial",
    "deny_secret", "deny_law", "deny_safety", "deny_third_party",
    "deny_internal", "deny_process", "deny_enforcement", "deny_query",
    "unable_not_held", "unable_need_create", "unable_unclear",
    "reject_petition", "reject_repeat", "reject_publication", "reject_mass", "reject_confirm",
    "other_overdue_fix", "other_overdue_fee", "other_misc", "other",
    "result_total", "carry_forward",
)  # fmt: skip
T3_COLS: tuple[str, ...] = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
T4_GROUPS: tuple[str, ...] = ("review", "suit_direct", "suit_after_review")
T4_COLS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")

TABLE_KEYS: tuple[str, ...] = (
    T2_KEYS
    + tuple(f"t3.{r}.{c}" for r in T3_ROWS for c in T3_COLS)
    + tuple(f"t4.{g}.{c}" for g in T4_GROUPS for c in T4_COLS)
)
_TABLE_ORDER = {k: i for i, k in enumerate(TABLE_KEYS)}
_TABLE_KEY_SHAPE = re.compile(r"^t[234]\.[a-z_]+\.[a-z_]+$")

# Field order when writing: the order CORPUS.md shows, so diffs of the corpus stay readable.
RECORD_FIELDS: tuple[str, ...] = ("id", "text", "format", "meta", "sections", "statements", "tables")
META_ORDER: tuple[str, ...] = ("agency", "year", "template", "level", "kind", "script", "note", "source")
STATEMENT_FIELDS: tuple[str, ...] = ("start", "end", "label", "themes")
SECTION_FIELDS: tuple[str, ...] = ("key", "start")


@dataclass
class CorpusRecord:
    """One annotated document (or passage). ``None`` layers were not annotated."""

    id: str
    text: str
    format: str = "text"
    meta: dict[str, Any] = field(default_factory=dict)
    sections: list[dict[str, Any]] | None = None
    statements: list[dict[str, Any]] | None = None
    tables: dict[str, int | float | None] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object in canonical key order (absent layers left out)."""
        d: dict[str, Any] = {"id": self.id, "text": self.text, "format": self.format, "meta": _ordered_meta(self.meta)}
        if self.sections is not None:
            d["sections"] = [_ordered(s, SECTION_FIELDS) for s in self.sections]
        if self.statements is not None:
            d["statements"] = [_ordered(s, STATEMENT_FIELDS) for s in self.statements]
        if self.tables is not None:
            d["tables"] = {k: self.tables[k] for k in sorted(self.tables, key=_table_sort_key)}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CorpusRecord:
        """Build from a JSON object already checked by :func:`validate`."""
        return cls(
            id=d["id"],
            text=d["text"],
            format=d.get("format", "text"),
            meta=dict(d.get("meta") or {}),
            sections=None if d.get("sections") is None else [dict(s) for s in d["sections"]],
            statements=None if d.get("statements") is None else [dict(s) for s in d["statements"]],
            tables=None if d.get("tables") is None else dict(d["tables"]),
        )

    def statement_text(self, statement: dict[str, Any]) -> str:
        return self.text[statement["start"] : statement["end"]]

    def section_spans(self) -> list[tuple[str, int, int]]:
        """(key, start, end) per section; a section runs to the next one (the last to the end)."""
        if not self.sections:
            return []
        starts = [s["start"] for s in self.sections] + [len(self.text)]
        return [(s["key"], starts[i], starts[i + 1]) for i, s in enumerate(self.sections)]

    def section_at(self, offset: int) -> str | None:
        """The key of the section holding ``offset`` (None before the first one or if not annotated)."""
        found = None
        for key, start, _ in self.section_spans():
            if start <= offset:
                found = key
        return found


def _ordered(d: Any, order: tuple[str, ...]) -> Any:
    """Known keys in ``order``, then any others sorted (kept, so validation can name them)."""
    if not isinstance(d, dict):
        return d
    known = [k for k in order if k in d]
    rest = sorted(k for k in d if k not in order)
    return {k: d[k] for k in known + rest}


def _ordered_meta(meta: dict[str, Any]) -> dict[str, Any]:
    return _ordered(meta, META_ORDER)


def _table_sort_key(key: str) -> tuple[int, str]:
    return (_TABLE_ORDER.get(key, len(_TABLE_ORDER)), key)


# ---- validation ------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def validate(obj: Any) -> list[str]:
    """Everything wrong with one record, as short phrases (empty list = valid).

    Returns all problems rather than the first so a user fixing an export sees them at once.
    """
    if not isinstance(obj, dict):
        return [f"a record must be a JSON object, not {type(obj).__name__}"]
    errors: list[str] = []
    unknown = sorted(set(obj) - set(RECORD_FIELDS))
    if unknown:
        errors.append(f"unknown field(s) {', '.join(unknown)}")
    rid = obj.get("id")
    if not isinstance(rid, str) or not rid.strip():
        errors.append("'id' must be a non-empty string")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        errors.append("'text' must be a non-empty string")
        text = None
    fmt = obj.get("format", "text")
    if fmt not in FORMATS:
        errors.append(f"'format' must be one of {'|'.join(FORMATS)}, not {fmt!r}")
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        errors.append("'meta' must be an object")
    else:
        if "template" in meta and meta["template"] not in TEMPLATES:
            errors.append(f"meta.template must be one of {'|'.join(TEMPLATES)}, not {meta['template']!r}")
        if meta.get("year") is not None and not _is_int(meta["year"]):
            errors.append(f"meta.year must be an integer or null, not {meta['year']!r}")
    if obj.get("sections") is not None:
        errors += _check_sections(obj["sections"], text)
    if obj.get("statements") is not None:
        errors += _check_statements(obj["statements"], text)
    if obj.get("tables") is not None:
        errors += _check_tables(obj["tables"])
    return errors


def _check_span_bounds(where: str, start: Any, end: Any, text: str | None) -> list[str]:
    if not _is_int(start) or (end is not None and not _is_int(end)):
        return [f"{where}: offsets must be integers"]
    if start < 0:
        return [f"{where}: start {start} is negative"]
    if text is None:
        return []
    n = len(text)
    if end is None:
        return [f"{where}: start {start} is not inside the text (length {n})"] if start >= n else []
    if end <= start:
        return [f"{where}: end {end} is not after start {start}"]
    if end > n:
        return [f"{where}: end {end} is past the end of the text (length {n})"]
    return []


def _check_sections(sections: Any, text: str | None) -> list[str]:
    if not isinstance(sections, list):
        return ["'sections' must be a list"]
    errors: list[str] = []
    last_index, last_start = -1, -1
    for i, s in enumerate(sections, 1):
        where = f"section {i}"
        if not isinstance(s, dict):
            errors.append(f"{where}: must be an object")
            continue
        extra = sorted(set(s) - set(SECTION_FIELDS))
        if extra:
            errors.append(f"{where}: unknown field(s) {', '.join(extra)}")
        key = s.get("key")
        if key not in SECTION_KEYS:
            errors.append(f"{where}: unknown key {key!r} (expected one of {'|'.join(SECTION_KEYS)})")
            continue
        bounds = _check_span_bounds(where, s.get("start"), None, text)
        if bounds:
            errors += bounds
            continue
        index = SECTION_KEYS.index(key)
        if index <= last_index:
            errors.append(f"{where}: '{key}' is out of order or repeated (sections go {' < '.join(SECTION_KEYS)})")
        elif s["start"] <= last_start:
            errors.append(f"{where}: '{key}' starts at {s['start']}, not after the previous section ({last_start})")
        last_index, last_start = max(last_index, index), max(last_start, s["start"])
    return errors


def _check_statements(statements: Any, text: str | None) -> list[str]:
    if not isinstance(statements, list):
        return ["'statements' must be a list"]
    errors: list[str] = []
    prev_end, prev_i = -1, 0
    for i, s in enumerate(statements, 1):
        where = f"statement {i}"
        if not isinstance(s, dict):
            errors.append(f"{where}: must be an object")
            continue
        extra = sorted(set(s) - set(STATEMENT_FIELDS))
        if extra:
            errors.append(f"{where}: unknown field(s) {', '.join(extra)}")
        if s.get("label") not in LABELS:
            errors.append(f"{where}: label must be problem|remedy, not {s.get('label')!r}")
        if "themes" in s:
            themes = s["themes"]
            if not isinstance(themes, list) or not themes:
                errors.append(f"{where}: 'themes' must be a non-empty list (leave the key out if not annotated)")
            else:
                bad = [t for t in themes if t not in THEMES]
                if bad:
                    errors.append(f"{where}: unknown theme(s) {', '.join(map(repr, bad))}")
                if len(set(map(str, themes))) != len(themes):
                    errors.append(f"{where}: a theme is listed twice")
        if "start" not in s or "end" not in s:
            errors.append(f"{where}: 'start' and 'end' are required")
            continue
        bounds = _check_span_bounds(where, s["start"], s["end"], text)
        if bounds:
            errors += bounds
            continue
        if s["start"] < prev_end:
            errors.append(
                f"{where}: starts at {s['start']}, before statement {prev_i} ends ({prev_end}): "
                "statements must be in document order and must not overlap"
            )
        prev_end, prev_i = max(prev_end, s["end"]), i
    return errors


def _check_tables(tables: Any) -> list[str]:
    if not isinstance(tables, dict):
        return ["'tables' must be an object"]
    errors: list[str] = []
    for key, value in tables.items():
        if key not in _TABLE_ORDER:
            hint = "" if _TABLE_KEY_SHAPE.match(key) else " (keys look like t3.new.total)"
            errors.append(f"table key {key!r} is not a KEYS.md key{hint}")
        if value is None or _is_int(value):
            continue
        if isinstance(value, float) and math.isfinite(value):
            continue
        errors.append(f"table cell {key!r}: value must be a number or null, not {value!r}")
    return errors


# ---- I/O -------------------------------------------------------------------------------


def corpus_files(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """The .jsonl files named by ``paths`` (files as given, folders searched recursively, sorted)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.jsonl") if f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise GkError("E001", str(p), "no such file or folder")
    return files


def read_corpus(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> Iterator[CorpusRecord]:
    """Yield every record of the given .jsonl files and folders, validated.

    Record ids must be unique across everything read in one call: grouped cross-validation
    and evaluation key reports by id.
    """
    seen: dict[str, str] = {}
    for path in corpus_files(paths):
        for record, lineno in _read_file(path):
            where = f"{path}:{lineno}"
            if record.id in seen:
                raise GkError(
                    "E201", str(path), f"line {lineno}: duplicate id {record.id!r} (first at {seen[record.id]})"
                )
            seen[record.id] = where
            yield record


def _read_file(path: Path) -> Iterator[tuple[CorpusRecord, int]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise GkError("E001", str(path), e.strerror or type(e).__name__) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GkError("E201", str(path), f"not UTF-8 ({e.reason} at byte {e.start})") from None
    for lineno, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise GkError("E201", str(path), f"line {lineno}: invalid JSON ({e.msg} at column {e.colno})") from None
        errors = validate(obj)
        if errors:
            rid = obj.get("id") if isinstance(obj, dict) else None
            named = f" (id {rid!r})" if isinstance(rid, str) else ""
            raise GkError("E201", str(path), f"line {lineno}{named}: {'; '.join(errors)}")
        yield CorpusRecord.from_dict(obj), lineno


def dumps_record(record: CorpusRecord) -> str:
    """One record as its JSON line (no newline): UTF-8 text kept readable, keys in canonical order."""
    return json.dumps(record.to_dict(), ensure_ascii=False, allow_nan=False)


def write_corpus(records: Iterable[CorpusRecord], path: str | os.PathLike) -> int:
    """Validate and write records as JSON Lines; returns how many were written.

    Nothing is written if any record is invalid, so a failed import never leaves half a corpus.
    """
    lines: list[str] = []
    seen: set[str] = set()
    for n, record in enumerate(records, 1):
        obj = record.to_dict()
        errors = validate(obj)
        if record.id in seen:
            errors.append(f"duplicate id {record.id!r}")
        seen.add(record.id)
        if errors:
            raise GkError("E201", str(path), f"record {n} (id {record.id!r}): {'; '.join(errors)}")
        lines.append(json.dumps(obj, ensure_ascii=False, allow_nan=False))
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(line + "\n" for line in lines))
        os.replace(tmp, out)
    except OSError as e:
        raise GkError("E301", str(out), e.strerror or type(e).__name__) from None
    return len(lines)
