"""Robustness: hostile, broken and odd input never crashes or hangs the reader.

Over ingest (decode.from_bytes), normalization, blocks, tables and statement splitting:
random bytes, truncated UTF-8 / GB18030 / UTF-16, mutated reports, a 5 MB single line,
deeply nested HTML, a 10 MB document, a table of 10,000 rows, only headings, no headings,
two reports in one file, a report quoting another's table. Every input ends as a result
(with warnings where something was dropped) or a ``GkError`` with an input code — never an
exception, never E900 (an internal error is a bug). "No hang" is checked as time growth:
each stage on 8× the input may take at most ~3× more than 8× the time (a quadratic stage
takes 64×), and every regular expression of the runtime is run on the worst inputs built
from its own characters.

The whole file runs in about a minute on the project's 2-core machine (CI budget); set
GK_FUZZ_EXAMPLES=2000 for a longer local run of the hypothesis tests.
"""

from __future__ import annotations

import json
import os
import random
import re as sre
import time

import hypothesis.strategies as st
import pytest
import regex
from hypothesis import HealthCheck, given, settings

from nlp import classify, decode, headings, normalize, pipeline
from nlp import patterns as P
from nlp import templates as T
from nlp.errors import MESSAGES, GkError
from tests.conftest import SAMPLES
from training import tablegen

EXAMPLES = int(os.environ.get("GK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
INPUT_CODES = {"E001", "E002", "E003", "E004", "E005", "E006", "E007"}
#: characters reports are made of, and the ones that make structure (for text strategies)
ALPHABET = ("政府信息公开工作年度报告一二三四五六七八九十、（）()①是第部分总体情况主动申请结果复议诉讼存在问题改进"
            "下一步将加强培训平台规章件0123456789０１２,.，。；;：:!！？?/—-|#*_ \t\n\r\u3000\u00a0"
            "資訊開報處與為這個們來時說對發關過<>&;")


def structural(data: bytes, name: str = "report.txt", max_bytes: int = 64 << 20):
    """Decode, then every stage that needs no model, plus statement splitting; returns the
    Report, or the GkError raised for the input."""
    try:
        source = decode.from_bytes(data, name, max_bytes)
    except GkError as e:
        return e
    report = pipeline.read(source)
    classify.candidates(report.blocks)  # statement splitting of every paragraph
    return report


def check_report(result, text_len: int | None = None) -> None:
    if isinstance(result, GkError):
        assert result.code in INPUT_CODES, result
        return
    norm = result.norm
    for b in result.blocks:
        assert 0 <= b.start <= b.end <= len(norm)
    for key, v in result.tables.items():
        assert 0 <= v.start <= v.end <= len(norm), key
        printed = "".join(norm[v.start:v.end].split())  # a cell continued on the next line spans a break
        assert printed == "".join(v.raw.split()) or v.uncertain, key
    for c in classify.candidates(result.blocks):  # a statement's span prints it (lines joined too)
        assert "".join(norm[c.piece.start:c.piece.end].split()) == "".join(c.piece.text.split()), c.piece


def full(data: bytes, name: str = "report.txt") -> None:
    """The whole pipeline with the shipped model: a summary or an input error, never E900;
    every span of the summary a span of the input as decoded, its JSON strict (no NaN or
    Infinity, which JSON has no words for)."""
    try:
        source = decode.from_bytes(data, name)
        summary = pipeline.analyze_source(source, pipeline.get_model(None))
    except GkError as e:
        assert e.code in INPUT_CODES, e
        return
    n = len(source.text)
    for what, s, e in ([("section", x.start, x.end) for x in summary.sections]
                       + [("statement", x.start, x.end) for x in summary.statements]
                       + [(k, v.start, v.end) for k, v in summary.tables.items()]):
        assert 0 <= s <= e <= n, (what, s, e, n)
    json.dumps(summary.to_dict(), ensure_ascii=False, allow_nan=False)


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------ random input
@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_end_as_a_result_or_an_input_error(data):
    check_report(structural(data))
    check_report(structural(data, "page.html"))


@FUZZ
@given(st.text(alphabet=ALPHABET, max_size=3000), st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]),
       st.sampled_from(["r.txt", "r.md", "r.html"]))
def test_random_text_through_the_whole_pipeline(text, encoding, name):
    data = text.encode(encoding, errors="ignore")
    check_report(structural(data, name))
    full(data, name)


def _samples() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]


@FUZZ
@given(st.integers(0, 4), st.sampled_from(["utf-8", "gb18030", "utf-16-le", "utf-16"]), st.floats(0.0, 1.0))
def test_truncated_encodings(which, encoding, cut):
    data = _samples()[which].encode(encoding)
    data = data[: max(1, int(len(data) * cut))]
    check_report(structural(data))
    if len(data) % 7 == 0:  # the model too, on a share of them (it costs more)
        full(data)


@FUZZ
@given(st.integers(0, 99), st.sampled_from(tablegen.RENDERINGS), st.sampled_from(["2019", "2021"]),
       st.lists(st.tuples(st.sampled_from(["drop", "dup", "swap", "junk", "cut"]), st.integers(0, 10_000),
                          st.text(alphabet=ALPHABET, max_size=20)), max_size=6))
def test_mutated_reports(seed, rendering, template, edits):
    case = tablegen.make_case(seed, rendering, template)
    lines = case.text.split("\n")
    for op, pos, junk in edits:
        k = pos % max(len(lines), 1)
        if op == "drop" and lines:
            del lines[k]
        elif op == "dup" and lines:
            lines.insert(k, lines[k])
        elif op == "swap" and len(lines) > 1:
            lines[k], lines[k - 1] = lines[k - 1], lines[k]
        elif op == "junk":
            lines.insert(k, junk)
        elif op == "cut" and lines:
            lines[k] = lines[k][: pos % (len(lines[k]) + 1)]
    data = "\n".join(lines).encode("utf-8")
    check_report(structural(data, case.name))


#: inputs a longer campaign of random mutations found (minimized): each ended as E900, a
#: span that ends before it starts, or a table grid millions of slots wide
FOUND = [
    ("罚 " + "9" * 4301 + "\n行 ０", "r.md"),  # a cell of more digits than Python makes an int of
    ("|结果纠正|\n|０|" + "９" * 309 + "|||０", "r.md"),  # an int no float comparison can take
    ("|结果纠正|\n|" + "9" * 400 + "|1.5|||０", "r.md"),  # … added to a float
    ("|结果纠正|\n|０|" + "9" * 400 + ".5|||０", "r.md"),  # a float that overflows to infinity
    ("<p>情况</p>他", "r.html"),  # a section ending on the line break after </p>
    ("<p>一、总体情况</p><p>正文。</p><table><tr><td></td><td>二、主动公开政府信息情况</td></tr></table>"
     "<p>三、收到和处理政府信息公开申请情况</p>", "r.html"),  # … or on a table row's line break
    ("/p><h2>><p>?<p>0?", "r.htm"),  # … and a statement in lines joined into one paragraph
    ("五、存在的主要问题及改进情况\n一\n是\n栏\n目\n更\n新\n不\n及\n时\n", "r.txt"),  # (in plain text)
    ("<table>" + "<tr><td rowspan=100 colspan=100>1</td></tr>" * 300, "r.html"),
]


@pytest.mark.parametrize("text, name", FOUND, ids=[f"found{i}" for i in range(len(FOUND))])
def test_inputs_found_by_a_longer_campaign(text, name):
    data = text.encode("utf-8")
    check_report(structural(data, name))
    full(data, name)
    assert len(decode.from_bytes(data, name).view) <= 4 * len(text) + 100  # no grid amplification


# ------------------------------------------------------------------------------ big and odd documents
def _report(seed: int = 1, rendering: str = "tabs_word", template: str = "2021") -> str:
    return tablegen.make_case(seed, rendering, template).text


def test_five_megabyte_single_line():
    line = ("政府信息公开平台栏目更新不及时，下一步将加强培训。一是制度不健全；" * 80_000)
    data = line.encode("utf-8")
    assert len(data) > 5_000_000 and b"\n" not in data
    report = structural(data)
    check_report(report)
    assert len(report.blocks) == 1


def test_deeply_nested_html():
    depth = 100_000
    page = "<html><body>" + "<div>" * depth + "<p>一、总体情况</p><p>本年度公开信息。</p>" + "</div>" * depth + "</body></html>"
    report = structural(page.encode("utf-8"), "page.html")
    check_report(report)
    assert "本年度公开信息" in report.source.view
    nested_tables = "<table><tr><td>" * 5000 + "正文" + "</td></tr></table>" * 5000
    check_report(structural(nested_tables.encode("utf-8"), "tables.html"))


def test_ten_megabyte_document():
    one = _report()
    data = "\n".join([one] * (10_000_000 // len(one.encode("utf-8")) + 1)).encode("utf-8")[:10_000_000]
    data = data[: data.rfind(b"\n")]
    report = structural(data)
    check_report(report)
    assert report.tables and len(report.warnings) > 0  # the copies' tables: warnings, first kept


def test_table_of_ten_thousand_rows():
    text = _report()
    rows = "\n".join(f"规章\t{i}\t{i % 7}\t{i * 3}" for i in range(10_000))
    report = structural(text.replace("规章\t", rows + "\n规章\t", 1).encode("utf-8"))
    check_report(report)
    assert report.tables["t2.rules.issued"].raw == "0"  # the first printed row is kept …
    assert any("printed twice" in w for w in report.warnings)  # … and the others reported


def test_only_headings_and_no_headings():
    heads = "\n".join(["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                       "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"])
    only = structural(heads.encode("utf-8"))
    check_report(only)
    assert [s.key for s in only.sections][:2] == ["overview", "proactive"]
    many = structural(("\n".join([heads] * 5000)).encode("utf-8"))  # 30,000 heading candidates
    check_report(many)
    prose = "本机关认真落实政府信息公开条例。存在的问题是更新不及时，下一步将加强培训。\n" * 200
    none = structural(prose.encode("utf-8"))
    check_report(none)
    assert any("no section headings" in w for w in none.warnings)


def test_two_reports_in_one_file():
    a, b = _report(1), _report(2)
    report = structural((a + "\n\n" + b).encode("utf-8"))
    check_report(report)
    assert [s.key for s in report.sections] == ["overview", "proactive", "applications", "review_litigation",
                                                 "problems", "other"]
    assert any("printed twice" in w for w in report.warnings)


def test_a_report_quoting_another_reports_table():
    other = _report(7, "tabs_grid")
    t3 = other[other.index("三、收到和处理"): other.index("四、政府信息公开行政复议")]
    quote = "以下为上级机关报告中的统计表（引用）：\n" + t3.split("\n", 1)[1]
    text = _report(3).replace("我局健全政务公开工作机制", quote + "\n我局健全政务公开工作机制", 1)
    report = structural(text.encode("utf-8"))
    check_report(report)
    full(text.encode("utf-8"))


# ------------------------------------------------------------------------------ no hang: growth
#: (name, unit, file name): each repeated to a size, aimed at one stage's loops
GROWTH = [
    ("sentences and clauses", "政府信息公开，下一步将加强。一是", "r.txt"),
    ("clauses of one sentence", "问题较多，下一步将加强", "r.txt"),
    ("scattered numbers", "1\nab\nab\nab\nab\nab\nab\nab\nab\n", "r.txt"),
    ("headings", "一、总体情况\n五、存在的主要问题及改进情况\n", "r.txt"),
    ("one cell per line", "\t1\n", "r.txt"),
    ("tab rows", "规章\t1\t2\t3\n", "r.txt"),
    ("space rows", "规章  0  0  0\n", "r.txt"),
    ("pipe rows", "|a|b|c|\n", "r.txt"),
    ("a character per line", "总\n", "r.txt"),
    ("glued digits", "本年新收政府信息公开申请数量 1234567890123 ", "r.txt"),
    ("html cells", "<td>1", "r.html"),
    ("html spans", "<tr><td rowspan=99 colspan=9>1</td></tr>", "r.html"),
    ("html nesting", "<div><p>文", "r.html"),
]


@pytest.mark.parametrize("name,unit,fname", GROWTH, ids=[g[0] for g in GROWTH])
def test_time_grows_linearly(name, unit, fname):
    def make(n: int) -> bytes:
        return (unit * (n // len(unit) + 1))[:n].encode("utf-8")

    small, big = make(6_000), make(48_000)
    t_small = min(timed(structural, small, fname) for _ in range(2))
    t_big = min(timed(structural, big, fname) for _ in range(2))
    # 8x the input: linear is ~8x the time, quadratic 64x; a generous margin for noisy machines
    assert t_big <= 24 * t_small + 0.3, f"{name}: {t_small:.3f}s -> {t_big:.3f}s for 8x the input"


def test_transposed_table_with_many_rows_grows_linearly():
    """A table 3 printed transposed is read column by column: thousands of applicant rows
    (made by repeating one) become rows of thousands of cells, and still cost linear time."""
    lines = tablegen.make_case(1, "tabs_grid", "2021", transposed=True).text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("\t法人或其他组织")) + 1

    def make(n: int) -> bytes:
        return "\n".join(lines[:at] + [lines[at]] * n + lines[at:]).encode("utf-8")

    small, big = make(300), make(2400)
    report = structural(big)
    check_report(report)
    assert any("printed transposed" in w for w in report.warnings)
    t_small = min(timed(structural, small) for _ in range(2))
    t_big = min(timed(structural, big) for _ in range(2))
    assert t_big <= 24 * t_small + 0.3, f"{t_small:.3f}s -> {t_big:.3f}s for 8x the rows"


def _all_patterns() -> list[tuple[str, object]]:
    pats: list[tuple[str, object]] = [(k, v) for k, v in vars(P).items()
                                      if isinstance(v, regex.Pattern | sre.Pattern) and isinstance(v.pattern, str)]
    for key, ps in headings.vocabulary().titles.items():
        pats += [(f"title:{key}:{i}", p) for i, (p, _) in enumerate(ps)]
    for tid in T.TEMPLATE_IDS:
        tpl = T.load(tid)
        stack: list[object] = [vars(tpl)]
        while stack:
            obj = stack.pop()
            if isinstance(obj, regex.Pattern | sre.Pattern):
                pats.append((f"template:{tid}:{obj.pattern[:30]}", obj))
            elif isinstance(obj, dict):
                stack.extend(obj.values())
            elif isinstance(obj, tuple | list):
                stack.extend(obj)
            elif hasattr(obj, "__dataclass_fields__"):
                stack.extend(vars(obj).values())
    return pats


def _worst_inputs(source: str, n: int) -> list[str]:
    """Inputs built from a pattern's own characters: each repeated, all cycled, mixed at
    random, and each run closed by a character that makes the match fail at the end."""
    chars = sorted({c for c in source if c not in "\\^$.|?*+()[]{}<>=!:-,"} | {" ", "0", "\n"})
    rng = random.Random(source)
    out = [c * n for c in chars[:24]]
    out.append(("".join(chars) * (n // max(len(chars), 1) + 1))[:n])
    out.append("".join(rng.choice(chars) for _ in range(n)))
    out += [(c * (n - 1)) + "\x00" for c in chars[:6]]
    return out


#: patterns the runtime only anchors at given positions (``match``), never scans a text with
#: (paragraphs are scanned with ITEM_MARKER_AT): one call may walk a run of spaces (linear),
#: so they are timed per call, not per scan
MATCH_ONLY = frozenset({"ITEM_MARKER", "TABLE_FLAT_LABEL_TAIL", "TABLE_FLAT_RUN", "MARKER", "MD_HEADING_LINE", "NUMBER",
                        "NO_VALUE", "TABLE_VALUE", "LEAD_IN_CLAUSE", "NOT_AGENCY", "SIGN_DATE", "MD_TABLE_SEP"})


def test_no_pattern_backtracks_catastrophically():
    """Each pattern scans 20,000 characters of its worst inputs in well under a second
    (linear matching takes milliseconds; a catastrophic one takes minutes)."""
    slow = []
    for name, pat in _all_patterns():
        for text in _worst_inputs(pat.pattern, 20_000):
            t = time.perf_counter()
            if name in MATCH_ONLY:
                for pos in range(0, len(text), len(text) // 16):
                    pat.match(text, pos)
            else:
                for _ in pat.finditer(text):
                    pass
            dt = time.perf_counter() - t
            if dt > 1.0:
                slow.append((name, text[:10], round(dt, 2)))
    assert not slow, slow


@FUZZ
@given(st.text(alphabet=ALPHABET, max_size=400), st.integers(0, 400))
def test_patterns_on_the_stdlib_engine_agree_with_regex(text, pos):
    """Patterns compiled with the standard ``re`` for speed match exactly as ``regex`` would."""
    norm, _ = normalize.normalize(text) if text else ("", [])
    for name, pat in vars(P).items():
        if isinstance(pat, sre.Pattern) and isinstance(pat.pattern, str):
            twin = regex.compile(pat.pattern, pat.flags & (sre.I | sre.M | sre.S | sre.X))
            for t in (text, norm):
                assert [m.span() for m in pat.finditer(t)] == [m.span() for m in twin.finditer(t)], name
                p = min(pos, len(t))
                a, b = pat.match(t, p), twin.match(t, p)
                assert (a and a.span()) == (b and b.span()), name


def test_foldable_is_exactly_what_normalization_folds():
    assert max(normalize._TABLE) < 0x10000  # the table folds characters of the BMP only
    folded = {c for c in range(0x10000) if chr(c).translate(normalize._TABLE) != chr(c)}
    assert folded == {c for c in range(0x10000) if P.FOLDABLE.fullmatch(chr(c))}


def test_error_codes_are_known():
    assert INPUT_CODES <= set(MESSAGES)


@FUZZ
@given(st.text(alphabet=ALPHABET + "   ", max_size=300))
def test_item_markers_found_after_spaces_as_before(text):
    """ITEM_MARKER_AT finds each marker where ITEM_MARKER's match (spaces included) puts it."""
    with_spaces = [m.start() + len(m.group()) - len(m.group().lstrip(" ")) for m in P.ITEM_MARKER.finditer(text)]
    assert [m.start() for m in P.ITEM_MARKER_AT.finditer(text)] == with_spaces
