"""Shared test fixtures: the sample reports shipped in corpora/samples (copies of the seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def samples() -> dict[str, Path]:
    return {p.name[:3]: p for p in sorted(SAMPLES.glob("*.txt"))}
