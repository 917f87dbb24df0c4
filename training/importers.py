"""Import problem/remedy annotations made in doccano or Label Studio into a CORPUS.md corpus.

Users annotate their own reports with an annotation tool and retrain on the result; this
module turns the tool's export into corpus records (statements only: ``sections`` and
``tables`` are left unannotated).

Label convention (case-insensitive; the same in both tools)::

    problem                      a problem statement, themes not annotated
    remedy:training,mechanism    a remedy statement with its themes (KEYS.md names)
    问题 / 问题:平台              Chinese: 问题 = problem; 措施, 整改, 改进 = remedy
    theme:platform  or  platform a theme alone: added to the statement with the same span
    other / 其他 / 无             not a statement (skipped)

Between the kind and its themes ``:``, ``：`` or ``/``; between themes ``,``, ``，``, ``、``,
``;`` or ``+``. Themes may also be given in Chinese (平台, 内容, 时效, 解读, 人员, 培训,
机制, 认识, 参与, 重点领域, 依申请, 监督, 其他). In Label Studio, per-region choices
(a ``choices`` result with the region's id) are read as themes too. Spans carrying the same
offsets are merged (their kinds must agree). A statement with no theme anywhere keeps its
``themes`` key absent: "not annotated", not "other".

Offsets: CORPUS.md counts Python ``str`` characters (code points). Tools written in
JavaScript (Label Studio, doccano's front end) may count UTF-16 code units, in which every
character outside the BMP (emoji, CJK Extension B such as 𠀀) counts twice. Where the export
carries the labelled text (Label Studio ``value.text``) each span is checked against
``text[start:end]``; a mismatch is retried as UTF-16 offsets and converted; if neither
matches, the record is refused (E201). Where the export carries no span text (doccano), the
two readings can only differ when such a character precedes a span; then both must give
valid spans for the import to be ambiguous, and it is refused unless ``--offsets`` says
which one the tool used.

    python -m training.importers doccano export.jsonl --out corpora/mine.jsonl
    python -m training.importers labelstudio export.json --out corpora/mine.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.errors import GkError
from training.corpus import THEMES, CorpusRecord, write_corpus

KIND_ALIASES: dict[str, str | None] = {
    "problem": "problem",
    "problems": "problem",
    "问题": "problem",
    "存在问题": "problem",
    "不足": "problem",
    "remedy": "remedy",
    "remedies": "remedy",
    "measure": "remedy",
    "措施": "remedy",
    "改进措施": "remedy",
    "整改": "remedy",
    "整改措施": "remedy",
    "改进": "remedy",
    "other": None,
    "none": None,
    "其他": None,
    "无": None,
}
THEME_ALIASES: dict[str, str] = {
    **{t: t for t in THEMES},
    "平台": "platform",
    "网站": "platform",
    "内容": "content",
    "时效": "timeliness",
    "时效性": "timeliness",
    "及时": "timeliness",
    "解读": "interpretation",
    "政策解读": "interpretation",
    "回应": "interpretation",
    "人员": "staff",
    "队伍": "staff",
    "培训": "training",
    "机制": "mechanism",
    "制度": "mechanism",
    "认识": "awareness",
    "意识": "awareness",
    "参与": "participation",
    "互动": "participation",
    "宣传": "participation",
    "重点领域": "key_areas",
    "依申请": "applications",
    "依申请公开": "applications",
    "监督": "supervision",
    "考核": "supervision",
    "其他": "other",
    "其它": "other",
}
_KIND_SEP = re.compile(r"[:：/]")
_THEME_SEP = re.compile(r"[,，、;；+]")

OFFSET_MODES = ("auto", "codepoints", "utf16")


def parse_label(label: str) -> tuple[str | None, list[str], bool]:
    """(kind, themes, is_statement_label) for one label; ValueError if it is not understood.

    ``kind`` is problem | remedy | None; ``is_statement_label`` is False for a theme-only label.
    """
    raw = label.strip()
    if not raw:
        raise ValueError("empty label")
    parts = _KIND_SEP.split(raw, maxsplit=1)
    key = parts[0].strip().lower()
    tail = parts[1].strip() if len(parts) > 1 else ""
    if key in ("theme", "themes", "主题"):
        return None, _themes(tail, label), False
    if key in KIND_ALIASES:
        return KIND_ALIASES[key], _themes(tail, label) if tail else [], True
    if not tail and key in THEME_ALIASES:
        return None, [THEME_ALIASES[key]], False
    raise ValueError(
        f"unknown label {label!r} (use problem|remedy[:theme,...], 问题|措施|整改[:主题], theme:NAME or other)"
    )


def _themes(tail: str, label: str) -> list[str]:
    out: list[str] = []
    for name in (t.strip().lower() for t in _THEME_SEP.split(tail)):
        if not name:
            continue
        if name not in THEME_ALIASES:
            raise ValueError(f"unknown theme {name!r} in label {label!r} (known: {', '.join(THEMES)})")
        if THEME_ALIASES[name] not in out:
            out.append(THEME_ALIASES[name])
    if not out:
        raise ValueError(f"label {label!r} names no theme")
    return out


# ---- offsets ---------------------------------------------------------------------------


def utf16_to_codepoints(text: str) -> dict[int, int]:
    """Map every UTF-16 offset that falls on a character boundary to its code-point offset."""
    table: dict[int, int] = {}
    u = 0
    for i, ch in enumerate(text):
        table[u] = i
        u += 2 if ord(ch) > 0xFFFF else 1
    table[u] = len(text)
    return table


def _valid(text: str, start: int, end: int) -> bool:
    return 0 <= start < end <= len(text)


def resolve_spans(
    text: str,
    spans: list[tuple[int, int, str, str | None]],
    mode: str,
    where: str,
) -> list[tuple[int, int, str]]:
    """Code-point spans for (start, end, label, quoted text or None), checked as the module docstring says."""
    table = None
    if any(ord(ch) > 0xFFFF for ch in text):
        table = utf16_to_codepoints(text)

    def as_utf16(s: int, e: int) -> tuple[int, int] | None:
        if table is None:
            return (s, e) if _valid(text, s, e) else None
        if s in table and e in table and _valid(text, table[s], table[e]):
            return table[s], table[e]
        return None

    out: list[tuple[int, int, str]] = []
    for start, end, label, quoted in spans:
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise ValueError(f"{where}: span {label!r} has non-integer offsets")
        cp = (start, end) if _valid(text, start, end) else None
        u16 = as_utf16(start, end)
        if mode == "codepoints":
            chosen = cp
        elif mode == "utf16":
            chosen = u16
        elif quoted is not None:
            if cp and text[cp[0] : cp[1]] == quoted:
                chosen = cp
            elif u16 and text[u16[0] : u16[1]] == quoted:
                chosen = u16
            else:
                shown = text[cp[0] : cp[1]][:20] if cp else "(out of range)"
                raise ValueError(
                    f"{where}: span [{start}, {end}) {label!r} is labelled {quoted[:20]!r} but the text there is "
                    f"{shown!r}, counting characters or UTF-16 units"
                )
        elif cp == u16 or u16 is None:
            chosen = cp
        elif cp is None:
            chosen = u16
        else:
            raise ValueError(
                f"{where}: span [{start}, {end}) {label!r} follows a character outside the BMP and the export "
                "does not say what it labelled; rerun with --offsets codepoints or --offsets utf16"
            )
        if chosen is None:
            raise ValueError(f"{where}: span [{start}, {end}) {label!r} is outside the text (length {len(text)})")
        out.append((chosen[0], chosen[1], label))
    return out


def spans_to_statements(spans: list[tuple[int, int, str]], where: str) -> list[dict[str, Any]]:
    """Merge labels on the same span into statements (sorted; overlaps refused)."""
    by_span: dict[tuple[int, int], dict[str, Any]] = {}
    for start, end, label in spans:
        try:
            kind, themes, is_statement = parse_label(label)
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from None
        entry = by_span.setdefault((start, end), {"kinds": set(), "themes": [], "skip": False})
        if is_statement:
            if kind is None:
                entry["skip"] = True
            else:
                entry["kinds"].add(kind)
        for t in themes:
            if t not in entry["themes"]:
                entry["themes"].append(t)
    statements: list[dict[str, Any]] = []
    for (start, end), entry in sorted(by_span.items()):
        if len(entry["kinds"]) > 1:
            raise ValueError(f"{where}: span [{start}, {end}) is labelled both problem and remedy")
        if not entry["kinds"]:
            if entry["skip"]:
                continue
            raise ValueError(f"{where}: span [{start}, {end}) has themes but no problem/remedy label")
        st: dict[str, Any] = {"start": start, "end": end, "label": next(iter(entry["kinds"]))}
        if entry["themes"]:
            st["themes"] = entry["themes"]
        if statements and start < statements[-1]["end"]:
            prev = statements[-1]
            raise ValueError(f"{where}: span [{start}, {end}) overlaps [{prev['start']}, {prev['end']})")
        statements.append(st)
    return statements


# ---- doccano ---------------------------------------------------------------------------


def from_doccano(path: str | os.PathLike, offsets: str = "auto") -> list[CorpusRecord]:
    """Records from a doccano sequence-labelling export (JSONL; ``label`` or ``entities`` style)."""
    path = Path(path)
    name = path.name
    records: list[CorpusRecord] = []
    for lineno, line in enumerate(_read_text(path).split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise GkError("E201", str(path), f"line {lineno}: invalid JSON ({e.msg})") from None
        rid = _record_id(obj, lineno) if isinstance(obj, dict) else str(lineno)
        where = f"line {lineno} (record {rid})"
        try:
            text = obj.get("text", obj.get("data")) if isinstance(obj, dict) else None
            if not isinstance(text, str) or not text:
                raise ValueError(f"{where}: a record needs a non-empty 'text'")
            records.append(_record("doccano", rid, name, text, _doccano_spans(obj, where), offsets, where))
        except ValueError as e:
            raise GkError("E201", str(path), str(e)) from None
    return records


def _doccano_spans(obj: dict[str, Any], where: str) -> list[tuple[int, int, str, str | None]]:
    spans: list[tuple[int, int, str, str | None]] = []
    if "entities" in obj:
        for ent in obj["entities"] or []:
            try:
                spans.append((ent["start_offset"], ent["end_offset"], str(ent["label"]), None))
            except (KeyError, TypeError):
                raise ValueError(f"{where}: an entity needs start_offset, end_offset and label") from None
    labels = obj.get("label", obj.get("labels"))
    if isinstance(labels, list):
        for item in labels:
            if not isinstance(item, (list, tuple)) or len(item) < 3:
                raise ValueError(f"{where}: a label must be [start, end, LABEL], got {item!r}")
            quoted = item[3] if len(item) > 3 and isinstance(item[3], str) else None
            spans.append((item[0], item[1], str(item[2]), quoted))
    elif labels is not None and "entities" not in obj:
        raise ValueError(f"{where}: 'label' must be a list of [start, end, LABEL]")
    return spans


# ---- Label Studio ----------------------------------------------------------------------


def from_labelstudio(path: str | os.PathLike, offsets: str = "auto", text_key: str = "text") -> list[CorpusRecord]:
    """Records from a Label Studio JSON export (full JSON, or JSON-MIN).

    Of several annotations on a task, the last one not cancelled is used (Label Studio lists
    them oldest first); predictions are ignored.
    """
    path = Path(path)
    name = path.name
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise GkError("E201", str(path), f"invalid JSON at line {e.lineno} ({e.msg})") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise GkError("E201", str(path), "a Label Studio export is a list of tasks")
    records: list[CorpusRecord] = []
    for n, task in enumerate(data, 1):
        rid = _record_id(task, n) if isinstance(task, dict) else str(n)
        where = f"task {rid}"
        try:
            if not isinstance(task, dict):
                raise ValueError(f"{where}: a task must be an object")
            text, spans = _labelstudio_task(task, text_key, where)
            records.append(_record("labelstudio", rid, name, text, spans, offsets, where))
        except ValueError as e:
            raise GkError("E201", str(path), str(e)) from None
    return records


def _record(tool: str, rid: str, name: str, text: str, spans: list, offsets: str, where: str) -> CorpusRecord:
    """One corpus record from a task's text and its exported spans (offsets checked)."""
    statements = spans_to_statements(resolve_spans(text, spans, offsets, where), where)
    return CorpusRecord(id=f"{tool}-{rid}", text=text, format="text", meta={"source": f"{tool}:{name}#{rid}"}, statements=statements)


def _labelstudio_task(task: dict[str, Any], text_key: str, where: str) -> tuple[str, list]:
    data = task.get("data") if isinstance(task.get("data"), dict) else task  # JSON-MIN puts data at the top
    text = data.get(text_key)
    if not isinstance(text, str) or not text:
        raise ValueError(f"{where}: no text under data.{text_key} (use --text-key)")
    if "annotations" in task:
        live = [a for a in task["annotations"] or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        results = live[-1].get("result", []) if live else []
    else:  # JSON-MIN: the labels field holds {start, end, text, labels}
        results = [{"type": "labels", "value": v} for v in _min_labels(task, text_key)]
    regions: dict[str, dict[str, Any]] = {}
    extra_themes: dict[str, list[str]] = {}
    spans: list[tuple[int, int, str, str | None]] = []
    for r in results:
        if not isinstance(r, dict) or not isinstance(r.get("value"), dict):
            continue
        value = r["value"]
        if "start" in value and "end" in value:
            labels = value.get("labels") or value.get("hypertextlabels") or []
            if isinstance(labels, str):
                labels = [labels]
            quoted = value.get("text") if isinstance(value.get("text"), str) else None
            for label in labels:
                spans.append((value["start"], value["end"], str(label), quoted))
            if r.get("id") is not None:
                regions[str(r["id"])] = value
        elif r.get("type") == "choices" and r.get("id") is not None:
            extra_themes.setdefault(str(r["id"]), []).extend(map(str, value.get("choices") or []))
    for rid, choices in extra_themes.items():
        region = regions.get(rid)
        if region is None:
            continue  # a document-level choice, not a theme of a statement
        quoted = region.get("text") if isinstance(region.get("text"), str) else None
        for choice in choices:
            label = choice if choice.lower().startswith(("theme", "主题")) else f"theme:{choice}"
            spans.append((region["start"], region["end"], label, quoted))
    return text, spans


def _min_labels(task: dict[str, Any], text_key: str) -> list[dict[str, Any]]:
    for key, value in task.items():
        if key == text_key or not isinstance(value, list):
            continue
        if value and all(isinstance(v, dict) and "start" in v and "end" in v for v in value):
            return value
    return []


# ---- shared ----------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise GkError("E001", str(path), e.strerror or type(e).__name__) from None
    except UnicodeDecodeError as e:
        raise GkError("E201", str(path), f"not UTF-8 ({e.reason} at byte {e.start})") from None


def _record_id(obj: dict[str, Any], fallback: int) -> str:
    rid = obj.get("id")
    if rid is None:
        return str(fallback)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(rid)) or str(fallback)


def import_export(
    tool: str, path: str | os.PathLike, offsets: str = "auto", text_key: str = "text"
) -> list[CorpusRecord]:
    """Records from one export of ``tool`` (doccano | labelstudio)."""
    if offsets not in OFFSET_MODES:
        raise ValueError(f"offsets must be one of {'|'.join(OFFSET_MODES)}")
    if tool == "doccano":
        return from_doccano(path, offsets)
    if tool in ("labelstudio", "label-studio", "label_studio"):
        return from_labelstudio(path, offsets, text_key)
    raise ValueError(f"unknown tool {tool!r} (doccano | labelstudio)")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.importers", description=__doc__.split("\n")[0])
    parser.add_argument("tool", choices=["doccano", "labelstudio"])
    parser.add_argument("export", help="the exported file (doccano JSONL, Label Studio JSON)")
    parser.add_argument("--out", required=True, help="the corpus (JSON Lines) to write")
    parser.add_argument("--offsets", choices=OFFSET_MODES, default="auto", help="how the tool counted offsets")
    parser.add_argument("--text-key", default="text", help="Label Studio: the data field holding the text")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        records = import_export(args.tool, args.export, args.offsets, args.text_key)
        n = write_corpus(records, args.out)
    except GkError as e:
        print(str(e), file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for r in records:
        for s in r.statements or []:
            counts[s["label"]] = counts.get(s["label"], 0) + 1
    detail = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no statements"
    print(f"{n} records ({detail}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
