"""Batch: 1,000 files with 20 broken ones end as 980 summaries and 20 error records;
interrupted with Ctrl-C and re-run, the batch finishes the rest without redoing any."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from benchmarks import bench
from nlp import batch
from tests import batchcorpus

SCHEMA = json.loads((Path(batch.__file__).with_name("data") / "summary.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    batchcorpus.build(root)
    return root


def summaries(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.json"))


def test_batch_ends_every_input_as_a_result_or_an_error(corpus, tmp_path):
    out = tmp_path / "out"
    stats = batch.run(corpus, out, jobs=2, progress=False)
    assert (stats.done, stats.errors, stats.skipped) == (980, 20, 0)
    assert len(summaries(out)) == 980
    errors = batch.read_jsonl(out / batch.ERRORS)
    assert len(errors) == 20
    assert all(e["path"].startswith(str(corpus)) and e["code"].startswith("E") and e["error"] for e in errors)
    assert {e["code"] for e in errors} >= {"E002", "E003", "E004", "E006", "E007"}
    one = json.loads(summaries(out)[0].read_text(encoding="utf-8"))
    jsonschema.validate(one, SCHEMA)
    assert len(one["sections"]) == 6
    # a re-run does nothing
    again = batch.run(corpus, out, jobs=2, progress=False)
    assert (again.done, again.errors, again.skipped) == (0, 0, 1000)
    assert len(batch.read_jsonl(out / batch.ERRORS)) == 20
    # --force redoes everything, still without duplicates
    forced = batch.run(corpus, out, jobs=1, force=True, progress=False)
    assert (forced.done, forced.errors) == (980, 20)
    assert len(batch.read_jsonl(out / batch.ERRORS)) == 20
    assert len(batch.read_jsonl(out / batch.INDEX)) == 1000


def test_summary_files_are_the_summaries_json(tmp_path):
    """The worker writes the text from the objects; a copy of identical content is re-encoded
    from its relabelled dict: both are json.dumps of the summary's dict, byte for byte."""
    from nlp import pipeline

    src = tmp_path / "in"
    src.mkdir()
    for i in (1, 7, 10):  # a GB18030 report and an HTML page among them
        name, data = bench.make_report(i)
        (src / name).write_bytes(data)
    name, data = bench.make_report(1)
    (src / ("copy-" + name)).write_bytes(data)
    out = tmp_path / "out"
    assert batch.run(src, out, jobs=1, progress=False).done == 4
    for f in sorted(src.iterdir()):
        written = (out / (f.name + ".json")).read_text(encoding="utf-8")
        assert json.loads(written)["source"] == str(f)  # the copy's own path, not the first one's
        assert written == json.dumps(pipeline.analyze(str(f)).to_dict(), ensure_ascii=False)


def test_changed_file_is_redone(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    f = src / "a.txt"
    f.write_text("某某县教育局2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert batch.run(src, out, jobs=1, progress=False).done == 1
    f.write_text("某某县教育局2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n", encoding="utf-8")
    again = batch.run(src, out, jobs=1, progress=False)
    assert (again.done, again.skipped) == (1, 0)
    assert json.loads((out / "a.txt.json").read_text(encoding="utf-8"))["meta"]["year"] == 2022


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_then_rerun_finishes_the_rest(corpus, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "nlp.cli", "batch", str(corpus), "--out", str(out), "--jobs", "2"]
    # SIGINT as a terminal's foreground job has it: a shell that starts this suite in the
    # background (``pytest &``) hands its children SIGINT ignored, and Python then leaves it so
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True,
                            preexec_fn=_default_sigint)
    index = out / batch.INDEX
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if index.exists() and index.read_bytes().count(b"\n") >= 100:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    first_records = batch.read_jsonl(index)
    first = {r["path"] for r in first_records}
    assert 100 <= len(first) < 1000
    # done = recorded in the index (a summary written just before the interrupt but not yet
    # indexed is not done, and is rightly redone)
    before = {out / r["output"]: (out / r["output"]).stat().st_mtime_ns for r in first_records if r["status"] == "ok"}

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(first)} already done" in rerun.stdout
    records = batch.read_jsonl(index)
    assert len(records) == 1000 and len({r["path"] for r in records}) == 1000
    assert len(summaries(out)) == 980
    assert len(batch.read_jsonl(out / batch.ERRORS)) == 20
    # nothing done in the first run was redone
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())


def test_unwritable_output_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        target = Path("/proc/gkreport-out")  # root can write anywhere else
    else:
        target = tmp_path / "ro"
        target.mkdir()
        target.chmod(0o500)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("一、总体情况\n正文。\n", encoding="utf-8")
    from nlp.errors import GkError

    with pytest.raises(GkError) as info:
        batch.run(src, target, jobs=1, progress=False)
    assert info.value.code == "E301" and str(target) in str(info.value)


def test_a_batch_collects_less_often_and_gives_the_collector_back_as_it_was(tmp_path):
    """While a batch runs here, the collector's first threshold is GC_THRESHOLD; after it (even
    one that failed) the caller's thresholds are back."""
    import gc

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        name, data = bench.make_report(i)
        (src / name).write_bytes(data)
    before = gc.get_threshold()
    seen = []
    try:
        gc.set_threshold(500, 7, 9)
        batch.run(src, tmp_path / "out", jobs=1, progress=False, on_result=lambda t, r: seen.append(gc.get_threshold()))
        assert seen == [(batch.GC_THRESHOLD, 7, 9)] * 3 and gc.get_threshold() == (500, 7, 9)

        def fail(task, result):
            raise RuntimeError("a failing sink")

        with pytest.raises(RuntimeError):
            batch.run(src, tmp_path / "out2", jobs=1, progress=False, sink=fail)
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*before)
