"""The command line as a user meets it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from nlp import cli
from tests.conftest import sample

SCHEMA = json.loads((Path(cli.__file__).with_name("data") / "summary.schema.json").read_text(encoding="utf-8"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nlp.cli", *args], capture_output=True, text=True, timeout=120)


def test_analyze_prints_valid_json(samples):
    for path in samples.values():
        r = run("analyze", str(path))
        assert r.returncode == 0, r.stderr
        summary = json.loads(r.stdout)
        jsonschema.validate(summary, SCHEMA)
        assert summary["schema_version"] == "1" and summary["source"] == str(path)


def test_analyze_pretty():
    r = run("analyze", str(sample("000")), "--pretty")
    assert r.returncode == 0
    assert "驻马店市商务局" in r.stdout and "problems" in r.stdout and "五、存在的主要问题及改进情况" in r.stdout


def test_bad_file_is_one_line_not_a_traceback(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4\n")
    r = run("analyze", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip() == f"gkreport: {bad}: E006 unknown file type: a PDF document (convert it to text first)"


def test_batch_command(tmp_path, samples):
    out = tmp_path / "out"
    r = run("batch", str(Path(next(iter(samples.values()))).parent), "--out", str(out), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("5 summaries, 0 errors, 0 already done")
    assert len(list(out.glob("*.json"))) == 5
