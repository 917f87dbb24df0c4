"""Batch reliability: ``kill -9`` in the middle and a re-run lose and duplicate nothing (files,
index, database); a read-only or full output folder and a missing, corrupted or foreign model
end as one clear line naming what is wrong — never a traceback."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from nlp import batch
from nlp.models import DEFAULT_MODEL
from tests import batchcorpus
from tests.conftest import SAMPLES

CLI = [sys.executable, "-m", "nlp.cli"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    batchcorpus.build(root)
    return root


def one_line_error(r: subprocess.CompletedProcess, code: str, *names: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gkreport: ") and code in lines[0], r.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])


def test_kill_9_then_resume_loses_and_duplicates_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    cmd = CLI + ["batch", str(corpus), "--out", str(out), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    index = out / batch.INDEX
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if index.exists() and index.read_bytes().count(b"\n") >= 150:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, with no chance to clean up
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    first = batch.read_jsonl(index)
    assert 150 <= len(first) < 1000

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    records = batch.read_jsonl(index)
    paths = [r["path"] for r in records]
    assert len(paths) == 1000 and len(set(paths)) == 1000  # every input once
    assert {r["path"] for r in first} <= set(paths)
    ok = [r for r in records if r["status"] == "ok"]
    assert len(ok) == 980
    for r in ok:  # every summary the index names is whole and is the input's
        summary = json.loads((out / r["output"]).read_text(encoding="utf-8"))
        assert summary["sha256"] == r["sha256"]
    assert len(list(out.rglob("*.txt.json"))) == 980
    errors = batch.read_jsonl(out / batch.ERRORS)
    assert len(errors) == 20 and len({e["rel"] for e in errors}) == 20
    # the database holds exactly what the index holds
    con = sqlite3.connect(out / "gkreport.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 980
        assert con.execute("SELECT COUNT(DISTINCT report_id) FROM sources").fetchone()[0] == 980
        assert con.execute("SELECT COUNT(*) FROM errors").fetchone()[0] == 20
    finally:
        con.close()


@contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False):
    """A small tmpfs mounted at ``path`` (root only); skips the test where mounting is refused."""
    path.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if read_only else "")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or 'not root'})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _samples_dir(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, src / p.name)
    return src


def test_read_only_output_folder(tmp_path):
    src = _samples_dir(tmp_path)
    if os.geteuid() != 0:
        target = tmp_path / "ro"
        target.mkdir()
        target.chmod(0o500)
        ctx = None
    else:
        ctx = tmpfs(tmp_path / "ro", "1m", read_only=True)
        target = ctx.__enter__()
    try:
        r = subprocess.run(CLI + ["batch", str(src), "--out", str(target / "out"), "--jobs", "1"],
                           capture_output=True, text=True, timeout=120)
        one_line_error(r, "E301", str(target / "out"))
    finally:
        if ctx is not None:
            ctx.__exit__(None, None, None)


def _limit_file_size():
    """In the child: files may not grow past 20 KB (a summary is ~40 KB), as on a full disk."""
    _limit_file_size_to(20_000)()


@pytest.mark.parametrize("db", ["none", "default"])
def test_full_disk_is_a_clear_error_and_a_rerun_finishes(tmp_path, db):
    src = _samples_dir(tmp_path)
    cmd = CLI + ["batch", str(src), "--jobs", "1", "--quiet"] + (["--db", "none"] if db == "none" else [])
    if os.geteuid() == 0:
        with tmpfs(tmp_path / "disk", "120k") as disk:
            out = disk / "out"
            r = subprocess.run(cmd + ["--out", str(out)], capture_output=True, text=True, timeout=120)
            one_line_error(r, "E30", str(out))
            assert "No space left on device" in r.stderr or "disk is full" in r.stderr
            subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)  # space freed
            again = subprocess.run(cmd + ["--out", str(out)], capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr
            assert len(list(out.glob("*.txt.json"))) == 5
            assert len({r["path"] for r in batch.read_jsonl(out / batch.INDEX)}) == 5
            assert len(batch.read_jsonl(out / batch.INDEX)) == 5
    else:  # no mounting: a file-size limit makes writes fail the same way (EFBIG)
        out = tmp_path / "out"
        r = subprocess.run(cmd + ["--out", str(out)], capture_output=True, text=True, timeout=120,
                           preexec_fn=_limit_file_size)
        one_line_error(r, "E30", str(out))


def _model_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, dst)
    return dst


def _run_with_model(tmp_path: Path, model: Path | str) -> subprocess.CompletedProcess:
    src = SAMPLES
    return subprocess.run(CLI + ["batch", str(src), "--out", str(tmp_path / "out"), "--jobs", "1",
                                 "--model", str(model)], capture_output=True, text=True, timeout=120)


def test_missing_model(tmp_path):
    r = _run_with_model(tmp_path, tmp_path / "no-such-model")
    one_line_error(r, "E101", "no-such-model")
    assert not list((tmp_path / "out").rglob("*.json")) if (tmp_path / "out").exists() else True
    r = subprocess.run(CLI + ["analyze", str(next(SAMPLES.glob("*.txt"))), "--model", str(tmp_path / "gone")],
                       capture_output=True, text=True, timeout=120)
    one_line_error(r, "E101", "gone")


def test_corrupted_model_names_the_file(tmp_path):
    model = _model_copy(tmp_path)
    npy = sorted((model / "arrays").glob("*.npy"))[0]
    data = bytearray(npy.read_bytes())
    data[-1] ^= 0xFF
    npy.write_bytes(bytes(data))
    one_line_error(_run_with_model(tmp_path, model), "E102", npy.name)


def test_truncated_model_json(tmp_path):
    model = _model_copy(tmp_path)
    text = (model / "model.json").read_bytes()
    (model / "model.json").write_bytes(text[: len(text) // 2])
    one_line_error(_run_with_model(tmp_path, model), "E102", "model.json")


def test_model_file_missing_or_card_missing(tmp_path):
    model = _model_copy(tmp_path)
    victim = sorted((model / "arrays").glob("*.npy"))[-1]
    victim.unlink()
    one_line_error(_run_with_model(tmp_path, model), "E102", victim.name)
    (model / "card.json").unlink()
    one_line_error(_run_with_model(tmp_path / "b", model), "E102", "card.json")


def test_model_of_another_format_version(tmp_path):
    import hashlib

    model = _model_copy(tmp_path)
    doc = json.loads((model / "model.json").read_text(encoding="utf-8"))
    doc["format_version"] = 99
    (model / "model.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    card = json.loads((model / "card.json").read_text(encoding="utf-8"))
    card["files"]["model.json"] = hashlib.sha256((model / "model.json").read_bytes()).hexdigest()
    (model / "card.json").write_text(json.dumps(card), encoding="utf-8")
    one_line_error(_run_with_model(tmp_path, model), "E103", "format version 99")


def _limit_file_size_to(limit: int):
    def limit_it():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_it


@pytest.mark.parametrize("log", [batch.INDEX, batch.ERRORS])
def test_a_full_log_file_is_e301_naming_it(tmp_path, log):
    """The summaries fit but the index (or error log) cannot grow: E301 naming that file,
    no half-written temporary file, and the lines already there kept."""
    limit = 100_000  # a summary of a sample is ~40 KB: those still fit
    src = _samples_dir(tmp_path)
    (src / "broken.txt").write_bytes(b"\x00\xff" * 10)  # an error record, for errors.jsonl
    out = tmp_path / "out"
    out.mkdir()
    line = json.dumps({"path": "older/report.txt", "sha256": "0" * 64, "status": "error", "code": "E002"}) + "\n"
    old = line * ((limit - 10) // len(line))
    (out / log).write_text(old)  # all but a few bytes of what the file may hold
    r = subprocess.run(CLI + ["batch", str(src), "--out", str(out), "--jobs", "1", "--quiet", "--db", "none"],
                       capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size_to(limit))
    one_line_error(r, "E301", str(out / log))
    assert "File too large" in r.stderr
    assert not list(out.rglob("*.tmp"))
    assert (out / log).read_text() == old
