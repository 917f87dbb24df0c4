"""Statements: cut the prose of a report into candidate statements.

CORPUS.md: a statement is one sentence or one enumerated item (一是…, （一）…, 1.…, ①…,
首先/其次); a sentence holding a problem and its remedy is split at the clause. We cut at
every sentence end, before every enumeration marker, after an introduction's colon
("主要是：一是…"), and at a comma that opens a remedy clause ("…更新不及时，下一步将…").
Each piece remembers the enumerated item it belongs to: after the classifier labels the
pieces, neighbours of the same item with the same label are merged again (an item that
runs over two sentences is one statement; a clause cut that did not separate a problem
from a remedy is undone).
"""

from __future__ import annotations

from bisect import bisect_right, insort
from dataclasses import dataclass
from itertools import chain, islice

from nlp import patterns as P

#: characters a clause needs on each side of a comma before we cut a sentence there
MIN_CLAUSE = 4
#: an enumeration marker piece this short is a topic label ("一是制度建设方面。"), not a statement
MAX_LEAD = 14
#: the common CJK ideographs (U+4E00-U+9FEF): all \p{Han}, so a text opening with one is
#: ``P.WORDY`` at once (tests check every one); a cheap pre-test that spares a ``regex`` call
_HAN_FIRST, _HAN_LAST = "\u4e00", "\u9fef"
#: the ideographs an enumeration marker can open with (``P._ITEM_MARKER_BODY``: 一是, 第一,
#: 首先, 其次, 再次, 再者, 最后, 另一方面): any other ideograph opens none (tests check each)
MARKER_OPENERS = frozenset("一二三四五六七八九十第首其再最另")


@dataclass
class Piece:
    start: int
    end: int
    text: str
    item: int  # pieces of one enumerated item (or one sentence) share this number
    marker: bool  # the piece opens with an enumeration marker
    clause: bool  # the piece was cut at a remedy clause inside a sentence
    intro: bool  # the piece ends with a colon introducing what follows


def _cuts(text: str) -> dict[int, str]:
    """Offsets where a new piece starts, with why."""
    cuts: dict[int, str] = {}
    for m in P.SENTENCE_BREAK_SRE.finditer(text):
        cuts.setdefault(m.end(), "sentence")
    if "：" in text or ":" in text:  # INTRO_COLON opens with one: spare the scan without
        for m in P.INTRO_COLON.finditer(text):
            if P.ITEM_MARKER.match(text, m.end()):
                cuts.setdefault(m.end(), "sentence")
    for start in _markers(text):  # the marker itself, after any spaces
        cuts[start] = "marker"
    keys = sorted(cuts)  # kept sorted: the cut before each clause is found by bisection
    for m in P.REMEDY_CLAUSE.finditer(text):
        # only where both sides are clauses of their own, not "下步工作中，" + the rest
        k = bisect_right(keys, m.start())
        prev = keys[k - 1] if k else 0
        before = text[prev : m.start()]
        if P.ITEM_MARKER.match(before):
            before = before[P.ITEM_MARKER.match(before).end() :]
        if (
            len(P.WORDY.findall(before)) >= MIN_CLAUSE
            and _wordy_at_least(text, m.end(), MIN_CLAUSE)
            and not P.LEAD_IN_CLAUSE.match(before)
        ):
            if m.end() not in cuts:
                cuts[m.end()] = "clause"
                insort(keys, m.end())
    return cuts


def _markers(text: str) -> list[int]:
    """Where ``P.ITEM_MARKER_AT.finditer(text)`` finds markers, trying the pattern only at
    the text's start and where ``P.ITEM_MARKER_HINT`` says a marker can start."""
    out: list[int] = []
    end = 0  # as finditer does, no match starts inside the previous one
    first = () if _cannot_open_marker(text[:1]) else (0,)
    for start in chain(first, (m.end() for m in P.ITEM_MARKER_HINT.finditer(text))):
        if start >= end and (m := P.ITEM_MARKER_AT.match(text, start)) is not None:
            out.append(start)
            end = m.end()
    return out


def _cannot_open_marker(ch: str) -> bool:
    """Whether no enumeration marker starts with ``ch``: an ideograph other than the openers
    (most paragraphs open with one, and then ``P.ITEM_MARKER_AT`` need not be tried there)."""
    return _HAN_FIRST <= ch <= _HAN_LAST and ch not in MARKER_OPENERS


def _opens_with_marker(text: str, cuts: dict[int, str]) -> bool:
    """``P.ITEM_MARKER.match(text) is not None`` (spaces, then a marker), given ``_cuts(text)``:
    with no space first it matches where ``P.ITEM_MARKER_AT`` did, which cut at 0 then."""
    if text[:1] == " ":
        return P.ITEM_MARKER.match(text) is not None
    return cuts.get(0) == "marker"


def _wordy(body: str) -> bool:
    """``P.WORDY.search(body)``, answered without it when ``body`` opens with an ideograph."""
    return _HAN_FIRST <= body[:1] <= _HAN_LAST or P.WORDY.search(body) is not None


def _wordy_at_least(text: str, start: int, n: int) -> bool:
    """Whether ``text[start:]`` has ``n`` meaningful characters (without counting them all:
    a megabyte-long paragraph must not cost a scan per clause)."""
    return sum(1 for _ in islice(P.WORDY.finditer(text, start), n)) >= n


def segment(text: str, offset: int = 0, item_base: int = 0, offsets: list[int] | None = None) -> list[Piece]:
    """Pieces of one paragraph ``text`` that starts at ``offset`` in the document (or whose
    characters are at ``offsets``: lines joined)."""
    cuts = _cuts(text)
    bounds = sorted(k for k in cuts if 0 < k < len(text))
    pieces: list[Piece] = []
    item = item_base
    in_item = False
    starts = [0, *bounds]
    ends = [*bounds, len(text)]
    for s, e in zip(starts, ends):
        raw = text[s:e]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if not body or not _wordy(body):
            continue
        why = cuts.get(s, "sentence")
        marker = why == "marker" or (s == 0 and _opens_with_marker(text, cuts))
        if marker:
            item += 1
            in_item = True
        elif why == "clause" or (why == "sentence" and in_item):
            pass  # continues the current item (or the sentence a clause was cut from)
        else:
            item += 1
            in_item = False
        nxt = e if e < len(text) else None
        intro = body.endswith(("：", ":")) or (
            body.endswith(("，", ",")) and nxt is not None and cuts.get(nxt) == "marker"
        )
        if intro:
            in_item = False
        a = s + lead
        if offsets is None:
            pieces.append(Piece(offset + a, offset + a + len(body), body, item, marker, why == "clause", intro))
        else:
            pieces.append(Piece(offsets[a], offsets[a + len(body) - 1] + 1, body, item, marker, why == "clause", intro))
    return pieces


def merge(pieces: list[Piece], labels: list[str]) -> list[tuple[Piece, str, list[int]]]:
    """Join neighbouring pieces of one item that got the same label; a short topic label
    opening an item ("一是制度机制建设方面。") joins the piece after it, taking its label.

    Returns (piece spanning the joined ones, label, indices of the joined pieces).
    """
    out: list[tuple[Piece, str, list[int]]] = []
    for i, (p, lab) in enumerate(zip(pieces, labels)):
        if out:
            last, last_lab, idx = out[-1]
            lead = len(idx) == 1 and last.marker and len(last.text) <= MAX_LEAD and not last.intro and not p.clause
            if last.item == p.item and not last.intro and (last_lab == lab or lead):
                joined = Piece(last.start, p.end, "", last.item, last.marker, False, p.intro)
                idx.append(i)  # in place: an item of thousands of pieces must not copy the list each time
                out[-1] = (joined, lab, idx)
                continue
        out.append((p, lab, [i]))
    return out
