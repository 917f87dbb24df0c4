"""The data model: plain dataclasses passed from stage to stage.

Offsets: every ``start``/``end`` in these classes indexes ``Source.view`` (the text the
stages read). For plain text and markdown the view *is* the decoded input; for HTML the
view is the page's text and ``Source.to_input`` maps view offsets back to the raw HTML,
which is what the summary reports (SUMMARY.md: offsets into the input as decoded).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1"

SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "proactive",
    "applications",
    "review_litigation",
    "problems",
    "other",
)

Format = Literal["text", "markdown", "html"]


@dataclass
class Source:
    """One input document, decoded."""

    path: str
    text: str  # the input as decoded (raw HTML for html)
    format: Format
    encoding: str
    sha256: str
    view: str = ""  # what the stages read; == text unless html
    # view index -> input index (start and exclusive end of the input run that produced
    # each view character); None means identity (view is text).
    starts: array | None = None
    ends: array | None = None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.view and self.starts is None:
            self.view = self.text

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """Map a view span to the span of the input it came from."""
        if self.starts is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.text)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


@dataclass(slots=True)
class Cell:
    """One table cell as printed: its text (normalized view) and span."""

    text: str
    start: int
    end: int

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(slots=True)
class Block:
    """A heading, paragraph or table, in document order.

    ``kind`` is one of heading | paragraph | table | title | chrome | spam.
    ``text`` is the normalized text (broken lines joined); ``rows`` holds a table's grid.
    ``positional`` says whether the rendering keeps cell positions (tabs, whitespace
    cells, HTML) so that a blank cell is known to be blank and not merely absent.
    """

    kind: str
    start: int
    end: int
    text: str = ""
    rows: list[list[Cell]] = field(default_factory=list)
    rendering: str = ""  # table: tabs | cell_lines | pipes | markdown | html | lines
    positional: bool = True
    markdown: bool = False  # printed with a markdown heading mark
    #: where each character of ``text`` is printed, when ``text`` is lines joined (a heading
    #: printed a character a line): its characters are then not one run of the document
    offsets: list[int] | None = None
    section: str | None = None
    section_method: str | None = None
    section_confidence: float | None = None


@dataclass(slots=True)
class Meta:
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    template: str = "unknown"  # 2021 | 2019 | pre2019 | unknown


@dataclass(slots=True)
class Section:
    key: str
    title: str | None
    start: int
    end: int
    method: str  # heading | classifier | position
    confidence: float


@dataclass(slots=True)
class TableValue:
    value: float | int | None
    raw: str
    start: int
    end: int
    uncertain: bool = False
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "raw": self.raw, "start": self.start, "end": self.end}
        if self.uncertain:
            d["uncertain"] = True
            d["reason"] = self.reason
        return d


@dataclass(slots=True)
class Check:
    rule: str
    ok: bool
    detail: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule": self.rule, "ok": self.ok, "detail": self.detail}
        if self.numbers:
            d["numbers"] = self.numbers
        return d


@dataclass(slots=True)
class Statement:
    text: str
    label: str  # problem | remedy | other
    themes: list[str]
    confidence: float
    section: str | None
    start: int
    end: int
    theme_scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {"text": self.text, "label": self.label, "themes": list(self.themes), "confidence": self.confidence,
             "section": self.section, "start": self.start, "end": self.end}
        if self.theme_scores:
            d["theme_scores"] = dict(self.theme_scores)
        return d


@dataclass
class Summary:
    """The structured summary of one report (SUMMARY.md)."""

    source: str
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, TableValue] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    format: str = "text"
    encoding: str = ""
    model: str | None = None

    def to_dict(self, tables: bool = True) -> dict[str, Any]:
        """The SUMMARY.md structure. ``tables=False`` keeps the ``tables`` entry's place but
        leaves its value None: ``summary.summary_json`` writes the cells from the objects."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "sha256": self.sha256,
            "format": self.format,
            "encoding": self.encoding,
            "model": self.model,
            "meta": {"agency": self.meta.agency, "year": self.meta.year, "title": self.meta.title,
                     "template": self.meta.template},
            "sections": [{"key": s.key, "title": s.title, "start": s.start, "end": s.end, "method": s.method,
                          "confidence": s.confidence} for s in self.sections],
            # the common shapes inline (a method call per cell is a noticeable share of this)
            "tables": {
                k: v.to_dict() if v.uncertain else {"value": v.value, "raw": v.raw, "start": v.start, "end": v.end}
                for k, v in self.tables.items()
            } if tables else None,
            "checks": [
                {"rule": c.rule, "ok": c.ok, "detail": c.detail, "numbers": c.numbers} if c.numbers else c.to_dict()
                for c in self.checks
            ],
            "statements": [s.to_dict() for s in self.statements],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Summary:
        """Rebuild a summary from its JSON (the store and tools read summaries back)."""
        return cls(
            source=d["source"],
            meta=Meta(**d["meta"]),
            sections=[Section(**s) for s in d["sections"]],
            tables={k: TableValue(**v) for k, v in d["tables"].items()},
            checks=[Check(**c) for c in d["checks"]],
            statements=[Statement(**s) for s in d["statements"]],
            warnings=list(d.get("warnings", [])),
            sha256=d.get("sha256", ""),
            format=d.get("format", "text"),
            encoding=d.get("encoding", ""),
            model=d.get("model"),
        )
