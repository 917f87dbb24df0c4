"""The held-out gold annotations of the five samples (corpora/test): consistent with the reports and the list.

The annotations themselves were written by reading the reports; these tests check that the
computed file matches the reviewed list, that every offset points at what the list quotes,
and that the layers obey CORPUS.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from training import annotate
from training.corpus import SECTION_KEYS, read_corpus

ROOT = Path(__file__).resolve().parents[1]
TEST = ROOT / "corpora" / "test"
SEEDS = TEST / "seeds.jsonl"
ANNOTATIONS = TEST / "seeds.annotations.json"
SAMPLES = ROOT / "corpora" / "samples"


@pytest.fixture(scope="module")
def gold():
    return {r.meta["source"].split("/")[-1][:3]: r for r in read_corpus(SEEDS)}


@pytest.fixture(scope="module")
def listed():
    docs = json.loads(ANNOTATIONS.read_text("utf-8"))["documents"]
    return {Path(d["file"]).name[:3]: d for d in docs}


def test_seeds_file_is_up_to_date(tmp_path):
    out = tmp_path / "seeds.jsonl"
    assert annotate.main([str(ANNOTATIONS), "--out", str(out)]) == 0
    assert out.read_bytes() == SEEDS.read_bytes(), (
        "run: python -m training.annotate corpora/test/seeds.annotations.json --out corpora/test/seeds.jsonl"
    )


def test_all_five_samples_with_every_layer(gold):
    assert sorted(gold) == ["000", "001", "002", "003", "004"]
    for seed, r in gold.items():
        assert r.format == "text"
        assert r.sections is not None and r.statements is not None and r.tables is not None
        assert r.meta["source"] == f"samples/{next(SAMPLES.glob(seed + '_*.txt')).name}"


def test_text_is_the_file_exactly(gold):
    for seed, r in gold.items():
        with open(SAMPLES / r.meta["source"].split("/")[-1], encoding="utf-8", newline="") as f:
            assert r.text == f.read(), seed


def test_offsets_point_at_the_quoted_text(gold, listed):
    for seed, r in gold.items():
        doc = listed[seed]
        quotes = sorted(doc["statements"], key=lambda s: r.text.index(s["quote"]))
        assert len(quotes) == len(r.statements)
        for q, s in zip(quotes, r.statements):
            assert r.text[s["start"] : s["end"]] == q["quote"]
            assert (s["label"], s["themes"]) == (q["label"], q["themes"])
        for q, s in zip(doc["sections"], r.sections):
            assert s["key"] == q["key"] and r.text.startswith(q["quote"], s["start"])


def test_sections_are_the_six_headings_in_order(gold):
    for seed, r in gold.items():
        assert [s["key"] for s in r.sections] == list(SECTION_KEYS), seed
        starts = [s["start"] for s in r.sections]
        assert starts == sorted(starts)
        for s in r.sections:
            line_start = r.text.rfind("\n", 0, s["start"]) + 1
            before = r.text[line_start : s["start"]]
            assert re.fullmatch(r"[#\s]*", before), (seed, s["key"], before)  # only markdown marks / spaces
            assert re.match(r"[一二三四五六]、|4、", r.text[s["start"] :]), (seed, s["key"])


def test_statements_only_in_the_problems_section(gold):
    for seed, r in gold.items():
        labels = {s["label"] for s in r.statements}
        assert labels == {"problem", "remedy"}, seed
        for s in r.statements:
            assert r.section_at(s["start"]) == "problems" and r.section_at(s["end"] - 1) == "problems"
            span = r.text[s["start"] : s["end"]]
            assert span == span.strip() and "\n" not in span, (seed, span)
            assert s["themes"]


def test_introductions_are_not_statements(gold):
    for r in gold.values():
        for s in r.statements:
            span = r.text[s["start"] : s["end"]]
            assert not span.endswith(("：", ":")), span


EXPECTED_CELLS = {"000": 200, "001": 200, "002": 191, "003": 198, "004": 198}


def test_table_cells(gold):
    for seed, n in EXPECTED_CELLS.items():
        assert len(gold[seed].tables) == n, seed
    t = {seed: r.tables for seed, r in gold.items()}
    # 000: merged label cells leave one printed value, the row total; the other cells are blank
    assert t["000"]["t3.granted.total"] == 0 and t["000"]["t3.granted.natural"] is None
    assert t["000"]["t3.reject_repeat.other_org"] is None and t["000"]["t3.reject_publication.natural"] == 0
    assert t["000"]["t2.license.decisions"] == 32 and t["000"]["t2.normative.valid"] == 6
    assert t["001"]["t2.license.decisions"] == 157 and t["001"]["t2.rules.repealed"] == 0
    # 002: blanks are null; 四、结转下年度继续办理 prints no cells
    assert t["002"]["t3.new.natural"] is None and t["002"]["t3.new.total"] == 0
    assert not any(k.startswith("t3.carry_forward.") for k in t["002"])
    assert t["002"]["t2.procurement.amount"] == pytest.approx(4.626) and t["002"]["t2.procurement.items"] == 2
    assert [t["002"][f"t4.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [None] * 4 + [
        0
    ]
    assert t["003"]["t2.other_services.prev"] == 11 and t["003"]["t2.other_services.change"] == -4
    # 004: 行政复议 printed blank; rows with 8 numbers keep the last 7
    assert all(t["004"][f"t4.review.{c}"] is None for c in ("upheld", "corrected", "other", "pending", "total"))
    assert t["004"]["t4.suit_direct.total"] == 0 and t["004"]["t3.other.total"] == 0
    assert t["004"]["t2.license.decisions"] == 624 and t["004"]["t2.procurement.amount"] == pytest.approx(0.32)


def test_template_keys_match_template(gold):
    for seed, r in gold.items():
        keys = set(r.tables)
        if r.meta["template"] == "2021":
            assert "t2.rules.issued" in keys and not any(k.startswith("t3.other.") for k in keys), seed
            assert not any(k.endswith((".made", ".prev")) for k in keys)
        else:
            assert "t2.rules.made" in keys and not any(k.startswith("t3.other_misc.") for k in keys), seed
            assert not any(k.endswith((".issued", ".valid")) for k in keys)


def test_printed_numbers_add_up_where_fully_printed(gold):
    """The seeds print consistent tables; a failure here means a transcription slip."""
    for seed, r in gold.items():
        t = r.tables
        for g in ("review", "suit_direct", "suit_after_review"):
            cells = [t.get(f"t4.{g}.{c}") for c in ("upheld", "corrected", "other", "pending")]
            if all(v is not None for v in cells):
                assert sum(cells) == t[f"t4.{g}.total"], (seed, g)
        for row in ("new", "carried", "result_total"):
            cells = [
                t.get(f"t3.{row}.{c}") for c in ("natural", "commercial", "research", "social", "legal", "other_org")
            ]
            if all(v is not None for v in cells):
                assert sum(cells) == t[f"t3.{row}.total"], (seed, row)
