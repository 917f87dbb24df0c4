"""How alike two problems sections are, and how specific one is.

Similarity (repeats across years, 内容雷同 across agencies): Jaccard similarity of the sets
of character trigrams of the two texts, after dropping punctuation, spaces and enumeration
words (一是, 首先) and reading every number as the same placeholder — a copy with this
year's dates and counts, re-punctuated or re-numbered, is still a copy. Trigrams of
characters need no word segmentation and are what a reader sees copied.

``THRESHOLD`` (0.6) was set on measured scores (tests/test_store.py, tests/test_query.py):
problems sections of different reports of the authored training corpus score at most 0.25
against each other (mean 0.02); in the generated test corpus, an agency's sections of two
consecutive years score at most 0.12 and different agencies' of one year at most 0.40 (they
share a stock sentence or two). A copy reordered, with its year changed and a clause added
scores 0.65 (a 55-character section) to 0.97, median 0.86. 0.6 separates the two.

Specificity (what evaluators score): a problem statement is *specific* when it names
something a reader can check — a named platform, account or column, a channel (公众号, 热线),
an area (招生入学, 征地), a count with its unit or a date — and *stock* when it has none of
those and only admits in set phrases (有待进一步加强, 还存在一些不足). Per report:
score = specific statements / problem statements; verdict ``vague`` when no problem
statement is specific, ``specific`` when at least half are, ``mixed`` otherwise, ``none``
when the report states no problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nlp import patterns as P

_DATA = json.loads((Path(__file__).with_name("data") / "query.json").read_text(encoding="utf-8"))
GENERIC_COLUMN_WORDS: tuple[str, ...] = tuple(sorted(_DATA["generic_column_words"], key=len, reverse=True))
SPECIFIC_AREAS: tuple[str, ...] = tuple(_DATA["specific_areas"])

THRESHOLD = 0.6
NGRAM = 3


def normalize(text: str) -> str:
    """The text as similarity reads it (see the module doc)."""
    text = P.SIM_ENUM.sub("", text)
    text = P.SIM_NUMBER.sub("0", text)
    return P.SIM_DROP.sub("", text)


def shingles(text: str, n: int = NGRAM) -> frozenset[str]:
    t = normalize(text)
    if len(t) < n:
        return frozenset([t]) if t else frozenset()
    return frozenset(t[i : i + n] for i in range(len(t) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similarity(text_a: str, text_b: str) -> float:
    return jaccard(shingles(text_a), shingles(text_b))


def similar_pairs(items: list[tuple[object, frozenset[str]]], threshold: float = THRESHOLD,
                  chunk: int = 512) -> Iterable[tuple[int, int, float]]:
    """(i, j, similarity) for every pair i < j at or above ``threshold``.

    Intersections come from one sparse matrix product per chunk of rows (scipy), so a year
    of ten thousand reports is compared in seconds rather than pair by pair in Python.
    """
    n = len(items)
    if n < 2:
        return
    import numpy as np
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, (_, grams) in enumerate(items):
        for g in grams:
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(len(vocab), 1)))
    sizes = np.asarray(x.sum(axis=1)).ravel()
    xt = x.T.tocsc()
    for lo in range(0, n, chunk):
        inter = (x[lo : lo + chunk] @ xt).tocoo()
        for r, c, v in zip(inter.row, inter.col, inter.data):
            i = lo + int(r)
            j = int(c)
            if j <= i:
                continue
            union = sizes[i] + sizes[j] - v
            s = float(v / union) if union else 0.0
            if s >= threshold:
                yield i, j, s


# ---------------------------------------------------------------------------- specificity
@dataclass
class Specificity:
    problems: int = 0
    specific: int = 0
    stock: int = 0
    cues: list[str] = field(default_factory=list)  # what made statements specific (first few)

    @property
    def score(self) -> float | None:
        return self.specific / self.problems if self.problems else None

    @property
    def verdict(self) -> str:
        if not self.problems:
            return "none"
        if not self.specific:
            return "vague"
        return "specific" if self.specific * 2 >= self.problems else "mixed"


def cues(text: str) -> list[str]:
    """What in one statement names something checkable (see the module doc)."""
    found: list[str] = []
    found += [m.group(0) for m in P.SPEC_NAMED.finditer(text)]
    found += [m.group(0) for m in P.SPEC_CHANNEL.finditer(text)]
    for m in P.SPEC_COLUMN.finditer(text):
        name = m.group("name")
        for w in GENERIC_COLUMN_WORDS:
            name = name.replace(w, "")
        if len(name) >= 2:
            found.append(m.group(0))
    found += [a for a in SPECIFIC_AREAS if a in text]
    found += [m.group(0) for m in P.SPEC_NUMBER.finditer(text)]
    found += [m.group(0) for m in P.SPEC_DATE.finditer(text)]
    return found


def is_stock(text: str) -> bool:
    return P.SPEC_STOCK.search(text) is not None


def specificity(problem_texts: Iterable[str], keep: int = 3) -> Specificity:
    out = Specificity()
    for text in problem_texts:
        out.problems += 1
        c = cues(text)
        if c:
            out.specific += 1
            for x in c:
                if len(out.cues) < keep and x not in out.cues:
                    out.cues.append(x)
        elif is_stock(text):
            out.stock += 1
    return out
