"""Sections: assign every body block to one of the six sections of KEYS.md.

Headings are found by reading each line as a possible heading (nlp.headings), then the
sequence of headings that best fits a report is chosen by dynamic programming: sections
come in template order, each at most once, and a candidate scores for the strength of
its wording, for top-level numbering (一、 / 4、 / ## / 第一部分), for a numeral that fits
its place, and for sharing the numbering style of its neighbours. That is what tells the
real "二、主动公开政府信息情况" from the sub-heading "（四）主动公开政府信息情况" inside the
overview, and the section headings from table 3's rows "三、本年度办理结果" (which name no
section, and sit inside a table anyway). Blocks the headings cannot place are assigned
by position; a trained classifier (when a model is given) refines those.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

from nlp import headings as H
from nlp.model import Block, Section

BODY_KINDS = frozenset({"heading", "paragraph", "table"})
#: a heading candidate must score at least this much to be considered
MIN_SCORE = 2.5


class Candidate(NamedTuple):
    """A heading candidate (a named tuple: immutable, and made in a fraction of a frozen
    dataclass's time, whose __init__ sets each field through object.__setattr__)."""

    block: int
    key: int  # index into the vocabulary's keys
    score: float
    style: str


def candidates(blocks: list[Block]) -> list[Candidate]:
    voc = H.vocabulary()
    out: list[Candidate] = []
    for i, b in enumerate(blocks):
        if b.kind not in ("heading", "paragraph"):
            continue
        if b.kind == "paragraph" and not b.markdown:
            # (no marker, not a heading: it would be skipped below; saves parsing it).
            # cannot_have_marker reads the first character after stripping whitespace: for a
            # paragraph opening with an ideograph (most do) that character alone answers, and
            # the paragraph is not copied by the strip
            first = b.text[:1]
            if H.cannot_have_marker(first if "\u4e00" <= first <= "\u9fff" else b.text):
                continue
        h = H.parse(b.text, b.markdown)
        if h is None or not h.keys:
            continue
        style = h.marker.style
        if style == "none" and not b.markdown and (b.kind != "heading" or len(h.title) > 20):
            continue
        for key, weight in h.keys:
            score = weight
            if style in H.TOP_STYLES:
                score += 1.0
            if h.marker.number is not None and h.marker.number in voc.numbers[key]:
                score += 1.0
            if style in ("paren_num", "circled"):
                score -= 1.0
            if h.run_in:
                score -= 1.5
            if score >= MIN_SCORE:
                out.append(Candidate(i, voc.keys.index(key), score, style))
    return out


def best_sequence(cands: list[Candidate]) -> list[Candidate]:
    """The highest-scoring chain with blocks and keys both strictly increasing."""
    if not cands:
        return []
    if _is_chain(cands):
        return list(cands)
    return _search(cands)


def _search(cands: list[Candidate]) -> list[Candidate]:
    """best_sequence for any non-empty list of candidates, by dynamic programming."""
    best = [c.score for c in cands]
    back: list[int | None] = [None] * len(cands)
    # The best predecessor of a candidate is, for each (key, style) before it, the earliest
    # candidate with the highest chain score: keeping those in a table (updated once a block
    # is behind us) makes this linear in the candidates instead of quadratic (a page of
    # nothing but headings has tens of thousands). Ties resolve as a pairwise scan would:
    # the earliest predecessor wins.
    table: dict[tuple[int, str], int] = {}  # (key, style) -> index of its best candidate so far
    order = sorted(range(len(cands)), key=lambda k: (cands[k].block, k))
    g = 0
    while g < len(order):
        h = g
        while h < len(order) and cands[order[h]].block == cands[order[g]].block:
            h += 1
        for j in order[g:h]:
            cj = cands[j]
            found: tuple[float, int] | None = None
            for (key, style), i in table.items():
                if key < cj.key:
                    total = best[i] + cj.score + (0.5 if style == cj.style else 0.0)
                    if total > best[j] and (found is None or total > found[0] or (total == found[0] and i < found[1])):
                        found = (total, i)
            if found is not None:
                best[j], back[j] = found
        for j in order[g:h]:
            k = (cands[j].key, cands[j].style)
            i = table.get(k)
            if i is None or best[j] > best[i] or (best[j] == best[i] and j < i):
                table[k] = j
        g = h
    j = max(range(len(cands)), key=lambda k: best[k])
    chain: list[Candidate] = []
    cur: int | None = j
    while cur is not None:
        chain.append(cands[cur])
        cur = back[cur]
    return chain[::-1]


def _is_chain(cands: list[Candidate]) -> bool:
    """Whether the candidates, in their order, already form a chain (blocks and keys strictly
    increasing), each scoring at least MIN_SCORE, as in most reports: one heading per section.
    Then that chain is the best one: adding a candidate to a chain adds its score (>= 2.5)
    and costs at most the 0.5 style bonus of the link it splits, so the chain of them all
    scores above any other, and _search would find exactly it (each
    candidate's best predecessor is the one just before it, by a margin of >= 2)."""
    prev = None
    for c in cands:
        if c.score < MIN_SCORE or (prev is not None and (c.block <= prev.block or c.key <= prev.key)):
            return False
        prev = c
    return True


def _confidence(score: float) -> float:
    return round(min(0.99, 0.45 + 0.1 * score), 2)


def assign(blocks: list[Block]) -> list[Section]:
    """Set ``block.section`` on every body block and return the sections in order.

    Section spans are in the coordinates of the blocks (the normalized view).
    """
    voc = H.vocabulary()
    body = [i for i, b in enumerate(blocks) if b.kind in BODY_KINDS]
    if not body:
        return []
    chain = best_sequence(candidates(blocks))
    starts: list[tuple[int, str, str | None, str, float]] = []  # (block, key, title, method, conf)
    for c in chain:
        b = blocks[c.block]
        starts.append((c.block, voc.keys[c.key], b.text, "heading", _confidence(c.score)))
    first_body = body[0]
    if not starts:
        starts = [(first_body, "overview", None, "position", 0.2)]
    elif starts[0][0] > first_body:
        if starts[0][1] == "overview":
            # an introduction before "一、总体情况" belongs to the overview
            blk, key, title, method, conf = starts[0]
            starts[0] = (first_body, key, title, method, conf)
        else:
            starts.insert(0, (first_body, "overview", None, "position", 0.5))
    sections: list[Section] = []
    for n, (blk, key, title, method, conf) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(blocks)
        members = body[bisect_left(body, blk) : bisect_left(body, stop)]  # (body is in order)
        if not members:
            continue
        for i in members:
            blocks[i].section = key
            blocks[i].section_method = method
            blocks[i].section_confidence = conf
        heading_start = blocks[blk].start if blocks[blk].kind in BODY_KINDS else blocks[members[0]].start
        sections.append(Section(key, title, heading_start, blocks[members[-1]].end, method, conf))
    for a, b in zip(sections, sections[1:]):
        a.end = b.start  # sections tile the body: each runs to the next one's start
    return sections
