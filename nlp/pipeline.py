"""The one path data takes: decode -> normalize -> blocks -> sections -> … -> summary.

``analyze`` is what the CLI, the batch runner and the spaCy wrapper call. It never lets
an exception other than ``GkError`` out: a bug while analyzing one file becomes an E900
error for that file, so a batch always ends with a result or an error per input.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from nlp import blocks as blocks_stage
from nlp import checks as checks_stage
from nlp import decode, normalize
from nlp import meta as meta_stage
from nlp import sections as sections_stage
from nlp import summary as summary_stage
from nlp import tables as tables_stage
from nlp.errors import GkError
from nlp.model import Block, Meta, Section, Source, Statement, Summary


@dataclass
class Report:
    """Everything the stages know about one report while it is being analyzed."""

    source: Source
    norm: str = ""
    blocks: list[Block] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    tables: dict = field(default_factory=dict)  # key -> TableValue (nlp.tables)
    checks: list = field(default_factory=list)  # Check (nlp.checks)
    warnings: list[str] = field(default_factory=list)


def _no_lap(stage: str) -> None:
    return None


def read(source: Source, lap: Callable[[str], None] = _no_lap) -> Report:
    """Run the structural stages (no model needed).

    ``lap(stage)`` is called as each stage ends (the benchmark times stages with it)."""
    report = Report(source)
    report.norm, notes = normalize.normalize(source.view)
    report.warnings.extend(notes)
    lap("normalize")
    report.blocks = blocks_stage.segment(report.norm, source.view)
    lap("blocks")
    report.sections = sections_stage.assign(report.blocks)
    report.meta = meta_stage.extract(report.blocks)
    lap("sections")
    extraction = tables_stage.extract(report.blocks, report.norm)
    report.meta.template = extraction.template  # detected from the printed table headers
    report.tables = extraction.cells
    report.warnings.extend(extraction.warnings)
    report.checks = checks_stage.run(extraction, report.blocks, report.meta)
    lap("tables")
    spam = sum(1 for b in report.blocks if b.kind == "spam")
    if spam:
        report.warnings.append(f"{spam} line(s) of injected spam ignored")
    if not report.sections:
        report.warnings.append("no report body found")
    elif all(s.method != "heading" for s in report.sections):
        report.warnings.append("no section headings found; sections assigned by position")
    return report


def classify(report: Report, model, lap: Callable[[str], None] = _no_lap) -> Report:
    """Run the trained stages: sections for unplaced blocks, statements and their themes."""
    from nlp import classify as classify_stage

    report.sections = classify_stage.refine_sections(report.blocks, report.sections, model)
    lap("sections")
    report.statements = classify_stage.statements(report.blocks, model, lap=lap)
    return report


def summarize(report: Report, model=None) -> Summary:
    summary = summary_stage.build(
        report.source, report.blocks, report.meta, report.sections,
        tables=report.tables, checks=report.checks,
        statements=report.statements, warnings=report.warnings,
    )
    summary.model = model.name if model is not None else None
    return summary


def analyze_source(source: Source, model=None, lap: Callable[[str], None] = _no_lap) -> Summary:
    try:
        report = read(source, lap)
        if model is not None:
            classify(report, model, lap)
        summary = summarize(report, model)
        lap("summary")
        return summary
    except GkError:
        raise
    except RecursionError:
        raise GkError("E900", source.path, "document structure too deeply nested") from None
    except Exception as e:  # noqa: BLE001 - a bug must not stop a batch
        raise GkError("E900", source.path, f"{type(e).__name__}: {e}") from None


_MODELS: dict[str, object] = {}


def get_model(path: str | os.PathLike | None):
    """The model at ``path`` (or the shipped default), loaded once per process.

    ``path`` "none" means no model: structure and tables only."""
    if path is not None and str(path).lower() == "none":
        return None
    key = str(path or "")
    if key not in _MODELS:
        from nlp import models

        _MODELS[key] = models.load(path)
    return _MODELS[key]


def analyze(path: str | os.PathLike, max_bytes: int = decode.DEFAULT_MAX_BYTES, model: str | None = "none") -> Summary:
    """Analyze one report file (``model``: a model folder, None for the default, "none")."""
    return analyze_source(decode.load(path, max_bytes), get_model(model))


def analyze_bytes(data: bytes, name: str = "<bytes>", model: str | None = "none") -> Summary:
    return analyze_source(decode.from_bytes(data, name), get_model(model))
