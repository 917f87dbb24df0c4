"""Normalizers: small pure ``str -> str`` functions that never change the text's length.

Because every normalizer maps each character to exactly one character, an offset into
the normalized text *is* the offset into the text the decoder produced: nothing needs a
map, and every span the later stages find points at the printed characters. What would
shorten the text (markdown marks, page-number lines) is blanked with spaces instead;
what would need joining (a heading printed one character per line) is joined by the
blocks stage, which keeps the span of every piece.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from nlp import patterns as P

# full-width ASCII (！ to ～) -> ASCII, except the punctuation Chinese text is written with
_KEEP_FULLWIDTH = set("，。：；！？、")
_WIDTH = {
    cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH
}
_WIDTH.update(
    {
        ord("﹙"): "(",
        ord("﹚"): ")",
        ord("−"): "-",  # minus sign
        ord("﹣"): "-",
        ord("‐"): "-",
        ord("‑"): "-",
    }
)
# every space-like character -> a plain space (tabs and line breaks are structure: kept)
_SPACES = {
    cp: " "
    for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x000B, 0x000C)
}
_TABLE = str.maketrans({**_WIDTH, **_SPACES})


def fold_width_and_spaces(text: str) -> str:
    """Full-width digits, letters and brackets to ASCII; all space variants to ' '.

    Only the runs that need it are translated: ``str.translate`` with a table looks up every
    character of a Chinese text one by one, several times slower than finding the few runs."""
    return P.FOLDABLE.sub(_fold_run, text)


def _fold_run(m) -> str:
    return m.group().translate(_TABLE)


def _fold_counting_traditional(text: str, sample: int) -> tuple[str, int]:
    """``fold_width_and_spaces(text)`` and how many of the first ``sample`` characters are
    traditional (P.TRADITIONAL_CHARS), in one scan of the text instead of two. Folding maps no
    character to or from a traditional one: the count is also the folded text's."""
    hits = 0

    def fold(m) -> str:
        nonlocal hits
        run = m.group()
        if ord(run[0]) not in _TABLE and m.start() < sample:  # (not foldable: traditional)
            hits += 1
        return run.translate(_TABLE)  # (a traditional character is not in the table: kept)

    return P.FOLDABLE_OR_TRADITIONAL.sub(fold, text), hits


def _blank(m) -> str:
    return " " * len(m.group(0))


def blank_markdown(text: str) -> str:
    """Blank markdown heading marks and bold marks ('## 一、' -> '   一、')."""
    if "#" in text:  # (each pattern needs its mark: most texts have none and are not searched)
        text = P.MD_HEADING.sub(_blank, text)
    if "**" in text or "__" in text:
        text = P.MD_EMPHASIS.sub(_blank, text)
    return text


def blank_page_numbers(text: str) -> str:
    """Blank lines that only carry a page number ('- 1 -', '第3页 共10页').

    Such a line holds a dash, 页 or "/" (PAGE_NUMBER_HINT_CHARS): only the lines with one are
    tried, which finds what a search of the whole text would (a match is one whole line)."""
    hinted: set[int] = set()  # the starts of the lines that hold a hint
    for hint in P.PAGE_NUMBER_HINT_CHARS:
        pos = text.find(hint)
        while pos >= 0:
            hinted.add(text.rfind("\n", 0, pos) + 1)
            end = text.find("\n", pos)  # (a line's other hints of this kind need no look)
            pos = text.find(hint, end) if end >= 0 else -1
    pieces: list[str] = []
    done = 0  # text before this offset is in pieces
    for start in sorted(hinted):
        m = P.PAGE_NUMBER_LINE.match(text, start)
        if m:
            pieces += (text[done : m.start()], " " * (m.end() - m.start()))
            done = m.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional -> simplified, one character to one character.

    Built from the character dictionary of the ``zhconv`` package; phrase entries are
    skipped so the conversion never changes the text's length.
    """
    # the package's data file, found without importing the package: its import loads
    # pkg_resources (~0.1 s, against 16 ms to read the dictionary); only a process that meets
    # a traditional document pays for the dictionary at all
    spec = importlib.util.find_spec("zhconv")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("zhconv (its character dictionary converts traditional script)")
    path = Path(spec.submodule_search_locations[0]) / "zhcdict.json"
    table = json.loads(path.read_text(encoding="utf-8"))["zh2Hans"]
    return {ord(k): v for k, v in table.items() if len(k) == 1 and len(v) == 1 and k != v}


#: how many characters is_traditional reads
SAMPLE = 20000


def is_traditional(text: str, sample: int = SAMPLE) -> bool:
    """True when the text is written in traditional characters (checked on a sample)."""
    head = text[:sample]
    return _mostly_traditional(head, len(P.TRADITIONAL_CHARS.findall(head)))


def _mostly_traditional(head: str, hits: int) -> bool:
    """Whether ``hits`` traditional characters make ``head`` a traditional text."""
    return hits >= 5 and hits >= 0.01 * sum(1 for ch in head if "\u4e00" <= ch <= "\u9fff")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified ones, character by character."""
    return text.translate(_t2s_table())


def normalize(text: str) -> tuple[str, list[str]]:
    """Run every normalizer; returns the text and notes on what was done."""
    notes: list[str] = []
    out, hits = _fold_counting_traditional(text, SAMPLE)
    if _mostly_traditional(out[:SAMPLE], hits):  # (is_traditional(out), its scan done by the fold)
        out = to_simplified(out)
        notes.append("traditional script converted to simplified for matching")
    out = blank_markdown(out)
    out = blank_page_numbers(out)
    assert len(out) == len(text), "normalizers must preserve length"
    return out, notes
