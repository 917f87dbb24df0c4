"""The benchmark runs (small mode, as in CI) and reports every figure; no timing is asserted
(machines are noisy: the numbers are for reading, in benchmarks/results.md)."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks import bench


def test_small_benchmark_reports_every_figure(tmp_path):
    assert bench.main(["--small", "--out", str(tmp_path)]) == 0
    res = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    stages = res["stages"]["stages"]
    for stage in ("decode", "normalize", "blocks", "sections", "tables", "statements", "themes", "summary"):
        assert stages[stage]["ms_per_report"] > 0, stage
    assert "store" in stages or res["stages"]["store"].startswith("absent")
    for key in ("floor", "in_process", "batch", "scale_n", "doc_size", "cli", "machine"):
        assert res[key], key
    assert res["batch"]["jobs1"]["errors"] == 0 and res["in_process"]["x_floor"] > 0
    for figures in (res["in_process"], res["batch"]["jobs1"]):  # each end-to-end run against its own floor
        assert len(figures["x_floor_rounds"]) == bench.SMALL.rounds and figures["x_floor_best"] > 0
        # the floor's slices, interleaved with the run, cover every file once
        assert figures["floor_files"] == [res["corpus"]["reports"]] * bench.SMALL.rounds
    assert res["batch"]["jobs1"]["user_s"] > 0 and res["batch"]["jobs1"]["system_s"] >= 0
    assert len(res["batch"]["speedup_jobs2_rounds"]) == bench.SMALL.rounds and res["batch"]["speedup_jobs2"] > 0
    assert [r["n"] for r in res["scale_n"]] == list(bench.SMALL.scale)
    assert all(r["x_floor"] > 0 for r in res["scale_n"])
    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "× floor" in md and res["machine"]["cpu"] in md


def test_commands_import_only_what_they_use():
    """`gkreport --help` must not pay for numpy (nor any command for scikit-learn or spaCy)."""
    code = "import sys; sys.argv = ['gkreport', '--help']; from nlp.cli import main; main()"
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    mods = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "nlp.cli" in mods
    assert not mods & {"numpy", "sklearn", "spacy", "jieba", "scipy", "joblib", "benchmarks.bench"}
