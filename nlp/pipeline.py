"""The one path data takes: decode -> normalize -> blocks -> sections -> … -> summary.

``analyze`` is what the CLI, the batch runner and the spaCy wrapper call. It never lets
an exception other than ``GkError`` out: a bug while analyzing one file becomes an E900
error for that file, so a batch always ends with a result or an error per input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from nlp import blocks as blocks_stage
from nlp import decode, normalize
from nlp import meta as meta_stage
from nlp import sections as sections_stage
from nlp import summary as summary_stage
from nlp.errors import GkError
from nlp.model import Block, Meta, Section, Source, Summary


@dataclass
class Report:
    """Everything the stages know about one report while it is being analyzed."""

    source: Source
    norm: str = ""
    blocks: list[Block] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read(source: Source) -> Report:
    """Run the structural stages (no model needed)."""
    report = Report(source)
    report.norm, notes = normalize.normalize(source.view)
    report.warnings.extend(notes)
    report.blocks = blocks_stage.segment(report.norm, source.view)
    report.sections = sections_stage.assign(report.blocks)
    report.meta = meta_stage.extract(report.blocks)
    spam = sum(1 for b in report.blocks if b.kind == "spam")
    if spam:
        report.warnings.append(f"{spam} line(s) of injected spam ignored")
    if not report.sections:
        report.warnings.append("no report body found")
    elif all(s.method != "heading" for s in report.sections):
        report.warnings.append("no section headings found; sections assigned by position")
    return report


def summarize(report: Report) -> Summary:
    return summary_stage.build(
        report.source, report.blocks, report.meta, report.sections, warnings=report.warnings
    )


def analyze_source(source: Source) -> Summary:
    try:
        return summarize(read(source))
    except GkError:
        raise
    except RecursionError:
        raise GkError("E900", source.path, "document structure too deeply nested") from None
    except Exception as e:  # noqa: BLE001 - a bug must not stop a batch
        raise GkError("E900", source.path, f"{type(e).__name__}: {e}") from None


def analyze(path: str | os.PathLike, max_bytes: int = decode.DEFAULT_MAX_BYTES) -> Summary:
    """Analyze one report file."""
    return analyze_source(decode.load(path, max_bytes))


def analyze_bytes(data: bytes, name: str = "<bytes>") -> Summary:
    return analyze_source(decode.from_bytes(data, name))
