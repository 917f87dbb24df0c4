"""Themes: the KEYS.md theme list (data: nlp/data/themes.json) and how scores become themes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_DATA = json.loads((Path(__file__).with_name("data") / "themes.json").read_text(encoding="utf-8"))

#: theme key -> what it covers, in KEYS.md order
DESCRIPTIONS: dict[str, str] = dict(_DATA["themes"])
THEMES: tuple[str, ...] = tuple(DESCRIPTIONS)


def choose(classes: list[str], p: Sequence[float], thresholds: Sequence[float] | None) -> list[str]:
    """Themes over their thresholds; at least one (the likeliest); ``other`` only alone.

    ``p`` and ``thresholds`` may be Python lists: comparing floats is cheaper than numpy scalars."""
    thr = thresholds if thresholds is not None else [0.5] * len(p)
    themes = [t for t, pk, tk in zip(classes, p, thr) if pk >= tk] or [classes[int(np.argmax(p))]]
    if "other" in themes and len(themes) > 1:
        themes.remove("other")
    return themes
