"""Evaluation: score any model on any annotated corpus (CORPUS.md).

- sections: accuracy per character over the report body (rules + classifier);
- statements: P/R/F1 per label; a predicted statement matches a gold one of the same label
  when they overlap by at least half of the gold span;
- themes: micro and macro F1 of the theme classifier on the gold statements;
- tables: accuracy over the gold cells (value equal, null for null), plus cells output
  that the gold does not have.
"""

from __future__ import annotations

from nlp import classify as C
from nlp.models import Model
from training import train as T
from training.corpus import read_corpus


def evaluate(paths: list[str], model: Model) -> dict:
    files = T.corpus_files(paths)
    counts = {lab: {"tp": 0, "fp": 0, "fn": 0} for lab in ("problem", "remedy")}
    per_theme = {t: {"tp": 0, "fp": 0, "fn": 0} for t in T.THEMES}
    sec_right = sec_total = 0
    cells_right = cells_total = cells_extra = 0
    missed: list[dict] = []
    false_alarms: list[dict] = []
    seg = T._segmenter(model.features.get("kind", "char"))
    n = 0
    for rec in read_corpus(files):
        n += 1
        doc = T.prepare(rec)
        if rec.sections is not None:
            r, t = T.section_counts(doc, model)
            sec_right += r
            sec_total += t
        C.refine_sections(doc.report.blocks, doc.report.sections, model)
        if rec.statements is not None:
            stmts = C.statements(doc.report.blocks, model)
            gold = T.gold_view(doc)
            for lab, c in T.match_statements([(s.start, s.end, s.label) for s in stmts], gold).items():
                for key in c:
                    counts[lab][key] += c[key]
            _explain(rec, doc, stmts, gold, missed, false_alarms)
            for t, m in T.theme_counts([doc], model, seg).items():
                for key in m:
                    per_theme[t][key] += m[key]
        if rec.tables is not None:
            got_tables = _tables(doc)
            if got_tables is not None:
                for key, value in rec.tables.items():
                    cells_total += 1
                    cells_right += int(key in got_tables and _same(got_tables[key], value))
                cells_extra += len(set(got_tables) - set(rec.tables))
    return {
        "records": n,
        "sections": {"accuracy_per_char": round(sec_right / sec_total, 4) if sec_total else None, "chars": sec_total},
        "statements": {lab: T.prf(**c) for lab, c in counts.items()},
        "themes": T.theme_scores(per_theme),
        "tables": {"cell_accuracy": round(cells_right / cells_total, 4) if cells_total else None,
                   "cells": cells_total, "extra_cells": cells_extra},
        "missed": missed,
        "false_alarms": false_alarms,
    }


def _tables(doc: T.Doc) -> dict | None:
    """Table cells as the runtime extracts them (None when this build has no extractor)."""
    tables = getattr(doc.report, "tables", None)
    if tables is None:
        return None
    return {k: v.value for k, v in tables.items()}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def _explain(rec, doc, stmts, gold, missed, false_alarms) -> None:
    text = doc.report.source.view
    matched_pred = set()
    for gs, ge, gl in gold:
        hit = next((k for k, s in enumerate(stmts) if s.label == gl and min(s.end, ge) - max(s.start, gs) >= 0.5 * (ge - gs)), None)
        if hit is None:
            missed.append({"id": rec.id, "label": gl, "text": text[gs:ge][:80]})
        else:
            matched_pred.add(hit)
    for k, s in enumerate(stmts):
        if k not in matched_pred:
            false_alarms.append({"id": rec.id, "label": s.label, "section": s.section, "text": s.text[:80]})


def report_text(res: dict) -> str:
    lines = [f"{res['records']} records"]
    sec = res["sections"]["accuracy_per_char"]
    lines.append(f"sections: accuracy per character {sec if sec is not None else 'n/a'} ({res['sections']['chars']} chars)")
    lines.append("statements (match: same label, overlap >= half of the gold span):")
    for lab, m in res["statements"].items():
        lines.append(f"  {lab:8} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (n={m['support']})")
    th = res["themes"]
    lines.append(f"themes: micro F1 {th['micro']['f1']:.3f}  macro F1 {th['macro_f1'] if th['macro_f1'] is not None else 'n/a'}")
    tb = res["tables"]
    if tb["cell_accuracy"] is not None:
        lines.append(f"tables: cell accuracy {tb['cell_accuracy']:.4f} over {tb['cells']} gold cells ({tb['extra_cells']} extra cells output)")
    if res["missed"]:
        lines.append(f"missed statements ({len(res['missed'])}):")
        lines += [f"  - [{m['label']}] {m['id']}: {m['text']}" for m in res["missed"][:20]]
    if res["false_alarms"]:
        lines.append(f"false alarms ({len(res['false_alarms'])}):")
        lines += [f"  - [{m['label']}] {m['id']} ({m['section']}): {m['text']}" for m in res["false_alarms"][:20]]
    return "\n".join(lines)

