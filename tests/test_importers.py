"""Importing doccano and Label Studio exports: label convention, offset checks, UTF-16 offsets, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.errors import GkError
from training import importers
from training.corpus import read_corpus

TEXT = "2022年，我局仍存在一些不足。一是网站栏目更新不及时；二是培训不够。下一步将加强培训。"


def span(sub: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(sub)
    return i, i + len(sub)


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def write(path: Path, content) -> Path:
    if isinstance(content, list) and path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in content), "utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    return path


def texts(record) -> list[tuple[str, str, list[str] | None]]:
    return [(s["label"], record.text[s["start"] : s["end"]], s.get("themes")) for s in record.statements]


def test_doccano_label_style(tmp_path):
    a, b, c = span("一是网站栏目更新不及时；"), span("二是培训不够。"), span("下一步将加强培训。")
    g = span("2022年，我局仍存在一些不足。")
    export = [
        {
            "id": 7,
            "text": TEXT,
            "label": [
                [*c, "remedy:training"],
                [*a, "problem:platform,timeliness"],
                [*b, "问题：培训"],
                [*g, "problem:其他"],
            ],
        }
    ]
    [rec] = importers.from_doccano(write(tmp_path / "d.jsonl", export))
    assert rec.id == "doccano-7" and rec.meta == {"source": "doccano:d.jsonl#7"}
    assert rec.sections is None and rec.tables is None
    assert texts(rec) == [
        ("problem", "2022年，我局仍存在一些不足。", ["other"]),
        ("problem", "一是网站栏目更新不及时；", ["platform", "timeliness"]),
        ("problem", "二是培训不够。", ["training"]),
        ("remedy", "下一步将加强培训。", ["training"]),
    ]


def test_doccano_entities_style_merges_theme_labels(tmp_path):
    a, c = span("一是网站栏目更新不及时；"), span("下一步将加强培训。")
    ents = [
        {"id": 1, "start_offset": a[0], "end_offset": a[1], "label": "PROBLEM"},
        {"id": 2, "start_offset": a[0], "end_offset": a[1], "label": "theme:平台"},
        {"id": 3, "start_offset": a[0], "end_offset": a[1], "label": "timeliness"},
        {"id": 4, "start_offset": c[0], "end_offset": c[1], "label": "整改"},
        {"id": 5, "start_offset": 0, "end_offset": 5, "label": "other"},
    ]
    [rec] = importers.from_doccano(write(tmp_path / "d.jsonl", [{"id": "r1", "text": TEXT, "entities": ents}]))
    assert texts(rec) == [
        ("problem", "一是网站栏目更新不及时；", ["platform", "timeliness"]),
        ("remedy", "下一步将加强培训。", None),  # themes not annotated: key absent, not "other"
    ]


def labelstudio_task(tid, text, regions, cancelled_first=False):
    result = []
    for n, (s, e, label, quoted, choices) in enumerate(regions):
        rid = f"r{n}"
        value = {"start": s, "end": e, "labels": [label]}
        if quoted is not None:
            value["text"] = quoted
        result.append({"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value})
        if choices:
            result.append(
                {"id": rid, "from_name": "themes", "to_name": "text", "type": "choices", "value": {"choices": choices}}
            )
    annotations = [{"id": 1, "was_cancelled": False, "result": result}]
    if cancelled_first:
        annotations.append({"id": 2, "was_cancelled": True, "result": []})
    return {"id": tid, "data": {"text": text}, "annotations": annotations, "predictions": []}


def test_labelstudio_with_region_choices_and_cancelled_annotation(tmp_path):
    a, c = span("一是网站栏目更新不及时；"), span("下一步将加强培训。")
    task = labelstudio_task(
        12,
        TEXT,
        [
            (*a, "problem", "一是网站栏目更新不及时；", ["platform", "timeliness"]),
            (*c, "措施", "下一步将加强培训。", ["培训"]),
        ],
        cancelled_first=True,
    )
    [rec] = importers.from_labelstudio(write(tmp_path / "ls.json", [task]))
    assert rec.id == "labelstudio-12"
    assert texts(rec) == [
        ("problem", "一是网站栏目更新不及时；", ["platform", "timeliness"]),
        ("remedy", "下一步将加强培训。", ["training"]),
    ]


def test_labelstudio_json_min(tmp_path):
    b = span("二是培训不够。")
    task = {
        "id": 3,
        "text": TEXT,
        "label": [{"start": b[0], "end": b[1], "text": "二是培训不够。", "labels": ["problem:training"]}],
    }
    [rec] = importers.from_labelstudio(write(tmp_path / "min.json", [task]))
    assert texts(rec) == [("problem", "二是培训不够。", ["training"])]


EMOJI_TEXT = "📢通知𠀀：一是网站栏目更新不及时；二是加强培训。"


def test_labelstudio_utf16_offsets_are_converted(tmp_path):
    a, b = span("一是网站栏目更新不及时；", EMOJI_TEXT), span("二是加强培训。", EMOJI_TEXT)
    u = [(utf16(EMOJI_TEXT, s), utf16(EMOJI_TEXT, e)) for s, e in (a, b)]
    assert u[0] != a  # the emoji and 𠀀 count twice in UTF-16
    task = labelstudio_task(
        1,
        EMOJI_TEXT,
        [
            (*u[0], "problem:platform", "一是网站栏目更新不及时；", None),
            (*u[1], "remedy:training", "二是加强培训。", None),
        ],
    )
    [rec] = importers.from_labelstudio(write(tmp_path / "ls.json", [task]))
    assert [(s["start"], s["end"]) for s in rec.statements] == [a, b]
    assert texts(rec)[1] == ("remedy", "二是加强培训。", ["training"])


def test_codepoint_offsets_with_emoji_are_kept(tmp_path):
    a = span("一是网站栏目更新不及时；", EMOJI_TEXT)
    task = labelstudio_task(1, EMOJI_TEXT, [(*a, "problem", "一是网站栏目更新不及时；", None)])
    [rec] = importers.from_labelstudio(write(tmp_path / "ls.json", [task]))
    assert [(s["start"], s["end"]) for s in rec.statements] == [a]


def test_doccano_utf16_without_span_text_needs_a_decision(tmp_path):
    a = span("一是网站栏目更新不及时；", EMOJI_TEXT)
    u = (utf16(EMOJI_TEXT, a[0]), utf16(EMOJI_TEXT, a[1]))
    path = write(tmp_path / "d.jsonl", [{"id": 5, "text": EMOJI_TEXT, "label": [[*u, "problem"]]}])
    with pytest.raises(GkError) as err:
        importers.from_doccano(path)
    assert err.value.code == "E201" and "record 5" in err.value.detail and "--offsets" in err.value.detail
    [rec] = importers.from_doccano(path, offsets="utf16")
    assert texts(rec) == [("problem", "一是网站栏目更新不及时；", None)]
    # an offset that only one reading allows (past the end in code points) decides by itself
    end = span("二是加强培训。", EMOJI_TEXT)
    u_end = (utf16(EMOJI_TEXT, end[0]), utf16(EMOJI_TEXT, end[1]))
    assert u_end[1] > len(EMOJI_TEXT)
    path = write(tmp_path / "e.jsonl", [{"id": 6, "text": EMOJI_TEXT, "label": [[*u_end, "remedy"]]}])
    [rec] = importers.from_doccano(path)
    assert texts(rec) == [("remedy", "二是加强培训。", None)]


def test_mismatched_export_is_e201_naming_the_record(tmp_path):
    a = span("一是网站栏目更新不及时；")
    task = labelstudio_task("t-9", TEXT, [(a[0] + 3, a[1] + 3, "problem", "一是网站栏目更新不及时；", None)])
    with pytest.raises(GkError) as err:
        importers.from_labelstudio(write(tmp_path / "ls.json", [task]))
    assert err.value.code == "E201" and err.value.path.endswith("ls.json")
    assert "task t-9" in err.value.detail and "labelled" in err.value.detail


@pytest.mark.parametrize(
    "labels, message",
    [
        ([[0, 5, "complaint"]], "unknown label"),
        ([[0, 5, "problem:website"]], "unknown theme"),
        ([[0, 8, "problem"], [5, 12, "remedy"]], "overlaps"),
        ([[0, 8, "problem"], [0, 8, "remedy"]], "both problem and remedy"),
        ([[0, 8, "theme:platform"]], "no problem/remedy label"),
        ([[0, 999, "problem"]], "outside the text"),
        ([[0, "5", "problem"]], "non-integer"),
        (["problem"], "[start, end, LABEL]"),
    ],
)
def test_bad_doccano_records(tmp_path, labels, message):
    ok = {"id": 1, "text": TEXT, "label": []}
    path = write(tmp_path / "d.jsonl", [ok, {"id": 2, "text": TEXT, "label": labels}])
    with pytest.raises(GkError) as err:
        importers.from_doccano(path)
    assert err.value.code == "E201" and "line 2 (record 2)" in err.value.detail and message in err.value.detail


def test_parse_label():
    assert importers.parse_label("Remedy / training、mechanism") == ("remedy", ["training", "mechanism"], True)
    assert importers.parse_label("整改") == ("remedy", [], True)
    assert importers.parse_label("其他") == (None, [], True)
    assert importers.parse_label("主题:重点领域") == (None, ["key_areas"], False)
    assert importers.parse_label("problem:") == ("problem", [], True)
    with pytest.raises(ValueError, match="names no theme"):
        importers.parse_label("problem:,")
    with pytest.raises(ValueError):
        importers.parse_label("")


def test_cli_writes_a_valid_corpus(tmp_path, capsys):
    b = span("二是培训不够。")
    export = write(tmp_path / "d.jsonl", [{"id": 1, "text": TEXT, "label": [[*b, "problem:training"]]}])
    out = tmp_path / "corpus" / "mine.jsonl"
    assert importers.main(["doccano", str(export), "--out", str(out)]) == 0
    assert "1 records (1 problem)" in capsys.readouterr().out
    [rec] = read_corpus(out)
    assert texts(rec) == [("problem", "二是培训不够。", ["training"])]
    bad = write(tmp_path / "bad.jsonl", [{"id": 1, "text": TEXT, "label": [[0, 3, "nonsense"]]}])
    assert importers.main(["doccano", str(bad), "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "E201" in capsys.readouterr().err and not (tmp_path / "x.jsonl").exists()
