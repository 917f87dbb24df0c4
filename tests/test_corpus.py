"""The corpus data model: what is valid, what is refused (E201 with a line number), and a byte-exact round trip."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from nlp.errors import GkError
from training.corpus import CorpusRecord, read_corpus, validate, write_corpus

ROOT = Path(__file__).resolve().parents[1]

TEXT = "某县商务局2021年政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息12条。\n五、存在的主要问题及改进情况\n一是网站栏目更新不及时；二是加强培训。\n"
P_START = TEXT.index("一是")
P_END = TEXT.index("二是")
R_END = TEXT.index("。\n", P_END) + 1


def good() -> dict:
    return {
        "id": "county-commerce-2021",
        "text": TEXT,
        "format": "text",
        "meta": {"agency": "某县商务局", "year": 2021, "template": "2021", "source": "tests"},
        "sections": [
            {"key": "overview", "start": TEXT.index("一、")},
            {"key": "problems", "start": TEXT.index("五、")},
        ],
        "statements": [
            {"start": P_START, "end": P_END, "label": "problem", "themes": ["platform", "timeliness"]},
            {"start": P_END, "end": R_END, "label": "remedy", "themes": ["training"]},
        ],
        "tables": {"t2.rules.issued": 0, "t2.fees.amount": 4.626, "t3.new.total": None, "t4.review.total": 3},
    }


def write_lines(path: Path, objs: list) -> Path:
    path.write_text(
        "".join((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n" for o in objs), "utf-8"
    )
    return path


def test_good_record_is_valid():
    assert validate(good()) == []
    rec = CorpusRecord.from_dict(good())
    assert rec.statement_text(rec.statements[0]) == "一是网站栏目更新不及时；"
    assert rec.section_at(P_START) == "problems"
    assert rec.section_at(0) is None
    assert [k for k, _, _ in rec.section_spans()] == ["overview", "problems"]
    assert rec.section_spans()[-1][2] == len(TEXT)


def test_round_trip_is_byte_identical(tmp_path):
    partial = {
        "id": "statements-only",
        "text": "仍存在一些不足。",
        "format": "text",
        "meta": {},
        "statements": [{"start": 0, "end": 8, "label": "problem", "themes": ["other"]}],
    }
    unannotated_themes = {
        "id": "no-themes",
        "text": "加强培训。",
        "meta": {"source": "x"},
        "statements": [{"start": 0, "end": 5, "label": "remedy"}],
    }
    empty = {
        "id": "empty-layers",
        "text": "<p>无</p>",
        "format": "html",
        "meta": {},
        "sections": [],
        "statements": [],
        "tables": {},
    }
    src = write_lines(tmp_path / "a.jsonl", [good(), partial, unannotated_themes, empty])
    records = list(read_corpus(src))
    assert [r.id for r in records] == ["county-commerce-2021", "statements-only", "no-themes", "empty-layers"]
    assert records[1].sections is None and records[1].tables is None
    assert records[3].sections == [] and records[3].tables == {}
    out1 = tmp_path / "b.jsonl"
    write_corpus(records, out1)
    out2 = tmp_path / "c.jsonl"
    write_corpus(read_corpus(out1), out2)
    assert out1.read_bytes() == out2.read_bytes()
    first = out1.read_text("utf-8").splitlines()[0]
    assert "某县商务局" in first  # ensure_ascii=False
    assert list(json.loads(first)) == ["id", "text", "format", "meta", "sections", "statements", "tables"]
    assert json.loads(first)["tables"]["t2.fees.amount"] == 4.626


def test_canonical_order_does_not_depend_on_input_order(tmp_path):
    shuffled = good()
    shuffled["meta"] = {"source": "tests", "year": 2021, "agency": "某县商务局", "template": "2021"}
    shuffled["tables"] = dict(reversed(list(shuffled["tables"].items())))
    shuffled = {k: shuffled[k] for k in reversed(list(shuffled))}
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_corpus([CorpusRecord.from_dict(good())], a)
    write_corpus([CorpusRecord.from_dict(shuffled)], b)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("name", ["train/authored.jsonl", "test/seeds.jsonl"])
def test_committed_corpora_round_trip(tmp_path, name):
    src = ROOT / "corpora" / name
    out = tmp_path / "out.jsonl"
    write_corpus(read_corpus(src), out)
    assert out.read_bytes() == src.read_bytes()


def _mutate(fn):
    obj = copy.deepcopy(good())
    fn(obj)
    return obj


BAD = [
    ("not an object", ["a", "list"], "must be a JSON object"),
    ("no id", _mutate(lambda o: o.pop("id")), "'id'"),
    ("empty text", _mutate(lambda o: o.update(text="")), "'text'"),
    ("bad format", _mutate(lambda o: o.update(format="pdf")), "'format'"),
    ("unknown field", _mutate(lambda o: o.update(statement=[])), "unknown field(s) statement"),
    ("meta not object", _mutate(lambda o: o.update(meta=[])), "'meta'"),
    ("bad template", _mutate(lambda o: o["meta"].update(template="2020")), "meta.template"),
    ("bad year", _mutate(lambda o: o["meta"].update(year="2021")), "meta.year"),
    ("sections not list", _mutate(lambda o: o.update(sections={})), "'sections' must be a list"),
    ("unknown section key", _mutate(lambda o: o["sections"][0].update(key="summary")), "unknown key 'summary'"),
    ("sections out of order", _mutate(lambda o: o["sections"].reverse()), "out of order"),
    ("section repeated", _mutate(lambda o: o["sections"].append({"key": "problems", "start": R_END})), "repeated"),
    ("section start past end", _mutate(lambda o: o["sections"][1].update(start=len(TEXT))), "not inside the text"),
    ("section start not int", _mutate(lambda o: o["sections"][0].update(start="5")), "integers"),
    ("section starts not increasing", _mutate(lambda o: o["sections"][1].update(start=0)), "not after the previous"),
    (
        "unknown section field",
        _mutate(lambda o: o["sections"][0].update(title="一、总体情况")),
        "unknown field(s) title",
    ),
    ("end before start", _mutate(lambda o: o["statements"][0].update(end=P_START)), "is not after start"),
    ("end past text", _mutate(lambda o: o["statements"][1].update(end=len(TEXT) + 1)), "past the end"),
    ("negative start", _mutate(lambda o: o["statements"][0].update(start=-1)), "negative"),
    ("float offset", _mutate(lambda o: o["statements"][0].update(start=1.0)), "integers"),
    ("missing end", _mutate(lambda o: o["statements"][0].pop("end")), "'start' and 'end' are required"),
    ("bad label", _mutate(lambda o: o["statements"][0].update(label="other")), "label must be problem|remedy"),
    ("empty themes", _mutate(lambda o: o["statements"][0].update(themes=[])), "non-empty list"),
    ("unknown theme", _mutate(lambda o: o["statements"][0].update(themes=["website"])), "unknown theme(s) 'website'"),
    ("theme twice", _mutate(lambda o: o["statements"][0].update(themes=["content", "content"])), "listed twice"),
    ("overlap", _mutate(lambda o: o["statements"][1].update(start=P_END - 2)), "must not overlap"),
    ("out of order", _mutate(lambda o: o["statements"].reverse()), "document order"),
    ("unknown statement field", _mutate(lambda o: o["statements"][0].update(confidence=0.9)), "confidence"),
    ("tables not object", _mutate(lambda o: o.update(tables=[])), "'tables' must be an object"),
    ("unknown table key", _mutate(lambda o: o["tables"].update({"t3.new.persons": 1})), "'t3.new.persons'"),
    ("malformed table key", _mutate(lambda o: o["tables"].update({"table3": 1})), "keys look like"),
    ("table value string", _mutate(lambda o: o["tables"].update({"t3.new.total": "3"})), "must be a number or null"),
    ("table value bool", _mutate(lambda o: o["tables"].update({"t3.new.total": True})), "must be a number or null"),
]


@pytest.mark.parametrize("case, obj, message", BAD, ids=[b[0] for b in BAD])
def test_bad_record_is_e201_with_line_number(tmp_path, case, obj, message):
    path = write_lines(tmp_path / "bad.jsonl", [{**good(), "id": "first"}, "", obj])
    with pytest.raises(GkError) as err:
        list(read_corpus(path))
    e = err.value
    assert e.code == "E201" and e.path == str(path)
    assert e.detail.startswith("line 3"), e.detail
    assert message in e.detail, e.detail


def test_invalid_json_and_nan(tmp_path):
    path = write_lines(tmp_path / "x.jsonl", [good(), '{"id": "x", "text": '])
    with pytest.raises(GkError, match=r"E201 .*line 2: invalid JSON"):
        list(read_corpus(path))
    nan = json.dumps(good()).replace('"t4.review.total": 3', '"t4.review.total": NaN')
    path = write_lines(tmp_path / "y.jsonl", [nan])
    with pytest.raises(GkError, match=r"line 1 .*number or null"):
        list(read_corpus(path))


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps(good(), ensure_ascii=False).encode("gbk") + b"\n")
    with pytest.raises(GkError) as err:
        list(read_corpus(path))
    assert err.value.code == "E201" and "UTF-8" in err.value.detail


def test_duplicate_id_across_files(tmp_path):
    write_lines(tmp_path / "a.jsonl", [good()])
    (tmp_path / "sub").mkdir()
    write_lines(tmp_path / "sub" / "b.jsonl", [good()])
    with pytest.raises(GkError) as err:
        list(read_corpus(tmp_path))
    assert err.value.code == "E201" and "line 1: duplicate id" in err.value.detail


def test_folders_are_read_recursively_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    write_lines(tmp_path / "b" / "x.jsonl", [{**good(), "id": "two"}])
    write_lines(tmp_path / "a.jsonl", [{**good(), "id": "one"}])
    (tmp_path / "notes.json").write_text("{}", "utf-8")  # not .jsonl: ignored
    assert [r.id for r in read_corpus([tmp_path])] == ["one", "two"]


def test_missing_path_is_e001(tmp_path):
    with pytest.raises(GkError) as err:
        list(read_corpus(tmp_path / "nope.jsonl"))
    assert err.value.code == "E001"


def test_write_refuses_invalid_records_and_writes_nothing(tmp_path):
    bad = CorpusRecord.from_dict(good())
    bad.statements[0]["label"] = "issue"
    out = tmp_path / "out.jsonl"
    with pytest.raises(GkError) as err:
        write_corpus([CorpusRecord.from_dict(good()), bad], out)
    assert err.value.code == "E201" and "record 2" in err.value.detail
    assert not out.exists()
    with pytest.raises(GkError, match="duplicate id"):
        write_corpus([CorpusRecord.from_dict(good()), CorpusRecord.from_dict(good())], out)
