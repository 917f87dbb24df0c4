"""The shipped model on the held-out sample reports, training from scratch, and evaluation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import models, pipeline
from training import evaluate, train
from training.corpus import read_corpus, write_corpus

ROOT = Path(__file__).resolve().parents[1]
SEEDS_GOLD = ROOT / "corpora" / "test" / "seeds.jsonl"
TRAIN = ROOT / "corpora" / "train"


@pytest.fixture(scope="module")
def shipped():
    return models.load()


def test_shipped_model_is_trained_on_the_current_corpus(shipped):
    card = json.loads((models.DEFAULT_MODEL / "card.json").read_text(encoding="utf-8"))
    files = train.corpus_files([str(TRAIN)])
    assert card["data"]["sha256"] == train.corpus_hash(files), "retrain: gkreport train corpora/train --out models/default"
    assert all("seeds" not in f and "test" not in Path(f).parts for f in card["data"]["files"])


def test_seeds_every_problem_and_remedy_found_none_flagged_outside_section_5(shipped):
    result = evaluate.evaluate([str(SEEDS_GOLD)], shipped)
    assert result["statements"]["problem"]["recall"] == 1.0
    assert result["statements"]["remedy"]["recall"] == 1.0
    assert result["false_alarms"] == []
    assert result["missed"] == []
    assert result["sections"]["accuracy_per_char"] == 1.0
    assert result["tables"]["cell_accuracy"] == 1.0


def test_statements_in_the_summary(shipped, samples):
    summary = pipeline.analyze(samples["000"], model=None)
    assert summary.model == "default"
    problems = [s for s in summary.statements if s.label == "problem"]
    assert len(problems) == 3 and all(s.section == "problems" for s in summary.statements)
    text = samples["000"].read_text(encoding="utf-8")
    for s in summary.statements:
        assert text[s.start : s.end] == s.text
        assert s.themes and 0 < s.confidence <= 1


def _small_corpus(tmp_path: Path, n: int = 40) -> Path:
    records = list(read_corpus(TRAIN))[:n]
    out = tmp_path / "small.jsonl"
    write_corpus(records, out)
    return out


def test_train_is_reproducible_and_evaluate_runs(tmp_path):
    corpus = _small_corpus(tmp_path)
    for run in ("first", "second"):
        r = subprocess.run([sys.executable, "-m", "nlp.cli", "train", str(corpus), "--out", str(tmp_path / run / "m"),
                            "--features", "char", "--folds", "2"], capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
    assert "problem" in r.stdout and "confusion" in r.stdout
    a, b = tmp_path / "first" / "m", tmp_path / "second" / "m"
    for rel in ["model.json", *sorted(p.relative_to(a).as_posix() for p in (a / "arrays").glob("*.npy"))]:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    card = json.loads((a / "card.json").read_text(encoding="utf-8"))
    assert card["cross_validation"]["folds"] == 2 and card["versions"]["scikit-learn"]
    assert (a / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")
    r = subprocess.run([sys.executable, "-m", "nlp.cli", "evaluate", str(SEEDS_GOLD), "--model", str(a), "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    scores = json.loads(r.stdout)
    assert scores["records"] == 5 and scores["tables"]["cells"] == 987


def test_analyze_with_a_missing_model_is_a_clear_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "nlp.cli", "analyze", str(ROOT / "corpora/samples/000_918182e7a40fd79d.txt"),
                        "--model", str(tmp_path / "nope")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "E101" in r.stderr and "Traceback" not in r.stderr
