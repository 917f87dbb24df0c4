"""The authored training corpus: built from corpora/authored/*.txt, up to date, offsets exact."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from nlp.errors import GkError
from training import corpus_build
from training.corpus import THEMES, read_corpus, write_corpus

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "corpora" / "authored").glob("*.txt"))
BUILT = ROOT / "corpora" / "train" / "authored.jsonl"
UNIT = re.compile(r"^([PR]) ([^|]*?) ?\| (.*)$")


@pytest.fixture(scope="module")
def records():
    return list(read_corpus(BUILT))


def test_built_file_is_up_to_date(tmp_path):
    out = tmp_path / "authored.jsonl"
    assert corpus_build.main([*map(str, SOURCES), "--out", str(out)]) == 0
    assert out.read_bytes() == BUILT.read_bytes(), (
        "run: python -m training.corpus_build corpora/authored/*.txt --out corpora/train/authored.jsonl"
    )


def test_every_statement_is_its_unit(records):
    """Read the units straight from the sources (no builder code) and compare in order."""
    units = []
    for path in SOURCES:
        for line in path.read_text("utf-8").splitlines():
            m = UNIT.match(line.rstrip())
            if m:
                label = "problem" if m[1] == "P" else "remedy"
                units.append((label, [t.strip() for t in m[2].split(",")], m[3]))
    built = [(s["label"], s["themes"], r.text[s["start"] : s["end"]]) for r in records for s in r.statements]
    assert built == units


def test_counts_and_variety(records):
    labels = Counter(s["label"] for r in records for s in r.statements)
    assert labels["problem"] + labels["remedy"] >= 1500
    assert min(labels.values()) >= 600
    themes = Counter(t for r in records for s in r.statements for t in s["themes"])
    assert set(themes) == set(THEMES)
    meta = [r.meta for r in records]
    assert {m["template"] for m in meta} == {"2021", "2019", "pre2019"}
    assert {m["script"] for m in meta} == {"simplified", "traditional"}
    assert {"city", "county", "district", "township", "street"} <= {m["level"] for m in meta}
    assert len({m["kind"] for m in meta}) >= 10
    for r in records:
        assert re.fullmatch(r"authored/[a-z_]+\.txt#" + re.escape(r.id), r.meta["source"])
        assert r.tables is None and r.sections
        assert all(r.section_at(s["start"]) == "problems" for s in r.statements)


def test_sections_start_at_their_heading_lines(records):
    for r in records:
        for s in r.sections:
            assert s["start"] == 0 or r.text[s["start"] - 1] == "\n"


# ---- the builder on small sources ------------------------------------------------------

HEADER = "@agency 某县商务局\n@year 2015\n@template pre2019\n@level county\n@kind commerce\n@script simplified\n"


def build_one(tmp_path: Path, body: str, name: str = "s.txt"):
    path = tmp_path / name
    path.write_text(body, "utf-8")
    return corpus_build.parse_file(path)


def test_layout_preamble_paragraphs_and_repeated_heading(tmp_path):
    src = (
        "### doc t-1\n" + HEADER + "@note a test\n\n"
        "- 某县商务局2015年政府信息公开工作年度报告\n"
        "- 现将有关情况报告如下：\n\n"
        "= overview 一、概述\n"
        "- 全年公开信息10条。\n"
        "- 未收到申请。\n\n\n"
        "- 第二段。\n"
        "= problems 六、存在的主要问题\n"
        "- 主要是：\n"
        "P platform | 一是网站更新慢；\n"
        "P staff,training | 二是人员少。\n"
        "= problems 七、改进措施\n"
        "R platform | 一是每周更新网站。\n"
        "= other\n"
        "- 无。\n"
    )
    [rec] = build_one(tmp_path, src)
    assert rec.text == (
        "某县商务局2015年政府信息公开工作年度报告现将有关情况报告如下：\n"
        "一、概述\n全年公开信息10条。未收到申请。\n第二段。\n"
        "六、存在的主要问题\n主要是：一是网站更新慢；二是人员少。\n"
        "七、改进措施\n一是每周更新网站。\n无。\n"
    )
    starts = {s["key"]: rec.text[s["start"] :].split("\n")[0] for s in rec.sections}
    assert starts == {"overview": "一、概述", "problems": "六、存在的主要问题", "other": "无。"}
    assert [rec.statement_text(s) for s in rec.statements] == ["一是网站更新慢；", "二是人员少。", "一是每周更新网站。"]
    assert rec.statements[1]["themes"] == ["staff", "training"]
    assert rec.meta == {
        "agency": "某县商务局",
        "year": 2015,
        "template": "pre2019",
        "level": "county",
        "kind": "commerce",
        "script": "simplified",
        "note": "a test",
        "source": "authored/s.txt#t-1",
    }


def test_write_is_deterministic(tmp_path):
    src = "### doc t-1\n" + HEADER + "= problems 五、存在的主要问题及改进情况\nP other | 仍存在一些不足。\n"
    records = build_one(tmp_path, src)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_corpus(records, a)
    write_corpus(build_one(tmp_path, src), b)
    assert a.read_bytes() == b.read_bytes()


BAD_SOURCES = [
    ("section order", "= problems 五、问题\n= overview 一、概述\n- 文。\n", 9, "after 'problems'"),
    ("section twice", "= overview 一\n- 文。\n= proactive 二\n- 文。\n= overview 一\n", 12, "sections go"),
    ("unknown key", "= summary 一、概述\n", 8, "unknown section key"),
    ("unknown theme", "= problems 五\nP website | 网站差。\n", 9, "themes must be"),
    ("no themes", "= problems 五\nP | 网站差。\n", 9, "themes must be"),
    ("unit before section", "P platform | 网站差。\n", 8, "before the first"),
    ("metadata after text", "- 标题\n@note late\n", 9, "after the document's text began"),
    ("unknown metadata", "@color red\n- 文。\n", 8, "unknown metadata"),
    ("bad line", "= overview 一\n* 文。\n", 9, "cannot read this line"),
    ("empty section at end", "= overview 一\n- 文。\n= other\n", 1, "has no text"),
]


@pytest.mark.parametrize("case, body, line, message", BAD_SOURCES, ids=[b[0] for b in BAD_SOURCES])
def test_bad_sources_are_e201_with_line(tmp_path, case, body, line, message):
    with pytest.raises(GkError) as err:
        build_one(tmp_path, "### doc t-1\n" + HEADER + body)
    assert err.value.code == "E201"
    assert err.value.detail.startswith(f"line {line}:"), err.value.detail
    assert message in err.value.detail


def test_missing_metadata_and_bad_values(tmp_path):
    with pytest.raises(GkError, match="missing metadata @kind"):
        build_one(tmp_path, "### doc t-1\n" + HEADER.replace("@kind commerce\n", "") + "- 文。\n")
    with pytest.raises(GkError, match="@level must be one of"):
        build_one(tmp_path, "### doc t-1\n" + HEADER.replace("county", "village") + "- 文。\n")
    with pytest.raises(GkError, match="only a-z"):
        build_one(tmp_path, "### doc T_1\n" + HEADER + "- 文。\n")


def test_duplicate_ids_across_files(tmp_path):
    body = "### doc same\n" + HEADER + "- 文。\n"
    (tmp_path / "a.txt").write_text(body, "utf-8")
    (tmp_path / "b.txt").write_text(body, "utf-8")
    with pytest.raises(GkError, match="already used"):
        corpus_build.build([tmp_path / "a.txt", tmp_path / "b.txt"])
