"""``batch --backend dask``: the same work on a Dask cluster, the same results as a local run.

The cluster is a ``distributed.LocalCluster`` started here (one worker with two threads, in
this process, so it fits the 2-core CI machine). Skipped only when Dask is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="dask[distributed] is not installed (pip install 'gkreport[dask]')"
)

from nlp import batch  # noqa: E402
from nlp.errors import GkError  # noqa: E402
from tests.batchcorpus import BROKEN  # noqa: E402
from tests.conftest import SAMPLES  # noqa: E402
from training import tablegen  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dask-in")
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, root / p.name)
    for i, rendering in enumerate(("tabs_word", "html", "cell_lines", "flattened", "spaces", "markdown")):
        case = tablegen.make_case(i, rendering, ("2019", "2021")[i % 2])
        (root / "gen").mkdir(exist_ok=True)
        (root / "gen" / f"{i}-{case.name}").write_text(case.text, encoding="utf-8")
    (root / "gen" / "copy.txt").write_bytes(next(SAMPLES.glob("000_*.txt")).read_bytes())  # a duplicate
    for name in ("empty.txt", "scan.pdf", "garbage.txt"):
        (root / "broken").mkdir(exist_ok=True)
        (root / "broken" / name).write_bytes(BROKEN[name])
    return root


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.json"))}


def records(path: Path) -> list[str]:
    return sorted(repr(sorted(r.items())) for r in batch.read_jsonl(path))


def test_dask_backend_gives_what_a_local_run_gives(corpus, tmp_path):
    local = batch.run(corpus, tmp_path / "local", jobs=1, options={"model": None}, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = batch.run(corpus, tmp_path / "dask", jobs=-1, progress=False,
                           options={"model": None, "backend": "dask", "scheduler": cluster.scheduler_address})
    assert (remote.done, remote.errors) == (local.done, local.errors) == (12, 3)
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert records(tmp_path / "dask" / batch.INDEX) == records(tmp_path / "local" / batch.INDEX)
    assert records(tmp_path / "dask" / batch.ERRORS) == records(tmp_path / "local" / batch.ERRORS)


def test_cli_on_a_cluster_by_address(corpus, tmp_path):
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        cmd = [sys.executable, "-m", "nlp.cli", "batch", str(corpus), "--quiet", "--db", "none"]
        r = subprocess.run(cmd + ["--out", str(tmp_path / "dask"), "--backend", "dask", "--scheduler", address],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("12 summaries, 3 errors")
    r = subprocess.run(cmd + ["--out", str(tmp_path / "local"), "--jobs", "1"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


def test_dask_backend_errors_are_clear(corpus, tmp_path, monkeypatch):
    r = subprocess.run([sys.executable, "-m", "nlp.cli", "batch", str(corpus), "--out", str(tmp_path / "o"),
                        "--backend", "dask"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "E401" in r.stderr and "--scheduler" in r.stderr and "Traceback" not in r.stderr
    monkeypatch.setattr(batch, "DASK_CONNECT_TIMEOUT", 1)
    with pytest.raises(GkError) as info:
        batch.run(corpus, tmp_path / "o2", options={"model": "none", "backend": "dask",
                                                      "scheduler": "tcp://127.0.0.1:9"}, progress=False)
    assert info.value.code == "E401" and "tcp://127.0.0.1:9" in str(info.value)
