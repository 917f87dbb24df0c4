"""Build CORPUS.md JSON Lines from the authored sources (corpora/authored/*.txt, FORMAT.md).

Authors write units of text with a label in front; every offset is computed here, never
typed by hand, so a passage can be edited freely and the corpus rebuilt. The output is
deterministic (same sources, same bytes), which the tests use to prove the committed
corpus is up to date.

    python -m training.corpus_build corpora/authored/*.txt --out corpora/train/authored.jsonl
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nlp.errors import GkError
from training.corpus import SECTION_KEYS, THEMES, CorpusRecord, validate, write_corpus

META_KEYS: tuple[str, ...] = ("agency", "year", "template", "level", "kind", "script", "note")
REQUIRED_META: tuple[str, ...] = ("agency", "year", "template", "level", "kind", "script")
META_VALUES: dict[str, tuple[str, ...]] = {
    "template": ("2021", "2019", "pre2019", "unknown"),
    "level": ("province", "city", "county", "district", "township", "street"),
    "kind": (
        "government", "education", "health", "public_security", "natural_resources", "finance", "commerce",
        "housing", "transport", "agriculture", "environment", "market_regulation", "civil_affairs",
        "human_resources", "water", "culture", "other",
    ),
    "script": ("simplified", "traditional"),
}  # fmt: skip

_DOC = re.compile(r"^### doc (?P<id>\S+)\s*$")
_ID = re.compile(r"^[a-z0-9-]+$")
_META = re.compile(r"^@(?P<key>\w+)(?:\s+(?P<value>.*))?$")
_HEADING = re.compile(r"^= (?P<key>\S+)(?: (?P<title>.*))?$")
_UNIT = re.compile(r"^(?P<tag>[PR]) (?P<themes>[^|]*?) ?\| (?P<text>.*)$")
_OTHER = re.compile(r"^- (?P<text>.*)$")


@dataclass
class _Doc:
    """A document being assembled: paragraphs of text plus the spans found while writing them."""

    id: str
    path: Path
    line: int
    meta: dict[str, object] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)  # the text so far, as pieces
    length: int = 0
    open_paragraph: bool = False  # the last piece was a unit that a next unit line continues
    started: bool = False  # a text line was seen (metadata must come before)
    sections: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    current: str | None = None  # key of the section we are in
    pending: str | None = None  # a heading-less section waiting for its first character

    def _append(self, piece: str) -> int:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start

    def _new_paragraph(self) -> int:
        """Start a paragraph (a newline after any previous one); returns where it begins."""
        if self.length:
            self._append("\n")
        self.open_paragraph = False
        start = self.length
        if self.pending is not None:
            self.sections.append({"key": self.pending, "start": start})
            self.pending = None
        return start

    def unit(self, text: str) -> tuple[int, int]:
        if not self.open_paragraph:
            self._new_paragraph()
        start = self._append(text)
        self.open_paragraph = True
        return start, self.length

    def blank(self) -> None:
        self.open_paragraph = False

    @property
    def text(self) -> str:
        return "".join(self.parts) + "\n" if self.parts else ""


def _fail(path: Path, lineno: int, what: str) -> GkError:
    return GkError("E201", str(path), f"line {lineno}: {what}")


def parse_file(path: str | os.PathLike, source_prefix: str = "authored") -> list[CorpusRecord]:
    """The documents of one authored source file, as corpus records (validated)."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GkError("E001", str(path), str(e)) from None
    docs: list[_Doc] = []
    doc: _Doc | None = None
    for lineno, raw in enumerate(content.splitlines(), 1):
        line = raw.rstrip()
        m = _DOC.match(line)
        if m:
            if doc is not None:
                docs.append(doc)
            if not _ID.match(m["id"]):
                raise _fail(path, lineno, f"document id {m['id']!r} must use only a-z, 0-9 and '-'")
            doc = _Doc(m["id"], path, lineno)
            continue
        if doc is None:
            if line:
                raise _fail(path, lineno, "text before the first '### doc <id>' line")
            continue
        _parse_line(doc, line, lineno)
    if doc is not None:
        docs.append(doc)
    return [_finish(d, source_prefix) for d in docs]


def _parse_line(doc: _Doc, line: str, lineno: int) -> None:
    path = doc.path
    if not line:
        doc.blank()
        return
    m = _META.match(line)
    if m:
        key, value = m["key"], (m["value"] or "").strip()
        if doc.started:
            raise _fail(path, lineno, f"metadata @{key} after the document's text began")
        if key not in META_KEYS:
            raise _fail(path, lineno, f"unknown metadata @{key} (known: {', '.join(META_KEYS)})")
        if key in doc.meta:
            raise _fail(path, lineno, f"@{key} given twice")
        if not value:
            raise _fail(path, lineno, f"@{key} has no value")
        if key == "year":
            if not re.fullmatch(r"(19|20)\d\d", value):
                raise _fail(path, lineno, f"@year must be a year, not {value!r}")
            doc.meta[key] = int(value)
        else:
            allowed = META_VALUES.get(key)
            if allowed and value not in allowed:
                raise _fail(path, lineno, f"@{key} must be one of {'|'.join(allowed)}, not {value!r}")
            doc.meta[key] = value
        return
    doc.started = True
    m = _HEADING.match(line)
    if m:
        _heading(doc, m["key"], (m["title"] or "").strip(), lineno)
        return
    m = _UNIT.match(line)
    if m:
        themes = [t.strip() for t in m["themes"].split(",") if t.strip()]
        bad = [t for t in themes if t not in THEMES]
        if not themes or bad:
            raise _fail(path, lineno, f"themes must be a comma-separated list from KEYS.md, got {m['themes']!r}")
        if len(set(themes)) != len(themes):
            raise _fail(path, lineno, "a theme is listed twice")
        text = m["text"]
        if not text.strip():
            raise _fail(path, lineno, "empty unit")
        if doc.current is None and doc.pending is None:
            raise _fail(path, lineno, "a problem/remedy unit before the first '= KEY' section line")
        start, end = doc.unit(text)
        label = "problem" if m["tag"] == "P" else "remedy"
        doc.statements.append({"start": start, "end": end, "label": label, "themes": themes})
        return
    m = _OTHER.match(line)
    if m:
        if not m["text"].strip():
            raise _fail(path, lineno, "empty unit")
        doc.unit(m["text"])
        return
    raise _fail(path, lineno, f"cannot read this line (expected '@', '= ', '- ', 'P ' or 'R '): {line[:40]!r}")


def _heading(doc: _Doc, key: str, title: str, lineno: int) -> None:
    path = doc.path
    if key not in SECTION_KEYS:
        raise _fail(path, lineno, f"unknown section key {key!r} (known: {', '.join(SECTION_KEYS)})")
    if doc.pending is not None:
        raise _fail(path, lineno, f"section '{doc.pending}' (no heading) has no text before this heading")
    here = doc.current
    if key == here:
        # A second heading of the same section (e.g. 存在的问题 then 改进措施): it continues it.
        if title:
            doc._new_paragraph()
            doc._append(title)
        doc.open_paragraph = False
        return
    if here is not None and SECTION_KEYS.index(key) < SECTION_KEYS.index(here):
        raise _fail(path, lineno, f"section '{key}' after '{here}': sections go {' < '.join(SECTION_KEYS)}")
    if key in {s["key"] for s in doc.sections}:
        raise _fail(path, lineno, f"section '{key}' appears twice, with another section between")
    doc.current = key
    if title:
        start = doc._new_paragraph()
        doc.sections.append({"key": key, "start": start})
        doc._append(title)
    else:
        doc.pending = key  # starts at its first character
    doc.open_paragraph = False


def _finish(doc: _Doc, source_prefix: str) -> CorpusRecord:
    path = doc.path
    if doc.pending is not None:
        raise _fail(path, doc.line, f"document {doc.id}: section '{doc.pending}' (no heading) has no text")
    missing = [k for k in REQUIRED_META if k not in doc.meta]
    if missing:
        raise _fail(path, doc.line, f"document {doc.id}: missing metadata {', '.join('@' + k for k in missing)}")
    if not doc.length:
        raise _fail(path, doc.line, f"document {doc.id} has no text")
    meta = {k: doc.meta[k] for k in META_KEYS if k in doc.meta}
    meta["source"] = f"{source_prefix}/{path.name}#{doc.id}"
    record = CorpusRecord(
        id=doc.id,
        text=doc.text,
        format="text",
        meta=meta,
        sections=doc.sections,
        statements=doc.statements,
        tables=None,
    )
    errors = validate(record.to_dict())
    if errors:  # a bug here, not in the source: the builder computes every offset
        raise _fail(path, doc.line, f"document {doc.id}: {'; '.join(errors)}")
    return record


def build(paths: list[str | os.PathLike]) -> list[CorpusRecord]:
    """All documents of the given source files (in sorted path order); ids must be unique."""
    records: list[CorpusRecord] = []
    seen: dict[str, str] = {}
    for path in sorted(map(Path, paths), key=lambda p: p.name):
        for record in parse_file(path):
            if record.id in seen:
                raise GkError("E201", str(path), f"document id {record.id!r} already used in {seen[record.id]}")
            seen[record.id] = str(path)
            records.append(record)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus_build", description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="+", help="authored source files (FORMAT.md)")
    parser.add_argument("--out", required=True, help="the JSON Lines corpus to write")
    args = parser.parse_args(argv)
    try:
        records = build(args.sources)
        n = write_corpus(records, args.out)
    except GkError as e:
        print(str(e), file=sys.stderr)
        return 2
    by_label: dict[str, int] = {}
    for r in records:
        for s in r.statements or []:
            by_label[s["label"]] = by_label.get(s["label"], 0) + 1
    counts = ", ".join(f"{v} {k}" for k, v in sorted(by_label.items()))
    print(f"{n} records, {sum(by_label.values())} statements ({counts}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
