"""Reading one line as a possible section heading: its numbering and what it names.

Used by the blocks stage (so a table never swallows a heading) and by the sections
stage (which chooses, among all candidates, the sequence that best fits a report). The
vocabulary of section titles is data: ``nlp/data/sections.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex as re

from nlp import patterns as P

DATA = Path(__file__).with_name("data")

#: styles that number top-level sections in the templates
TOP_STYLES = frozenset({"cn_dun", "num_dun", "part", "md"})
#: longest heading title we accept (a longer line is a sentence)
MAX_TITLE = 40


@dataclass(frozen=True)
class Vocabulary:
    keys: tuple[str, ...]
    numbers: dict[str, frozenset[int]]
    titles: dict[str, tuple[tuple[re.Pattern, float], ...]]
    #: every title pattern in one alternation: a line it does not find names no section, and
    #: most lines are read with this one search instead of one per pattern (None: not combinable)
    any_title: re.Pattern | None = None


@cache
def vocabulary(path: str | None = None) -> Vocabulary:
    data = json.loads(Path(path or DATA / "sections.json").read_text(encoding="utf-8"))
    patterns = [pat for pats in data["titles"].values() for pat, _ in pats]
    try:
        any_title = re.compile("|".join(f"(?:{pat})" for pat in patterns))
    except re.error:
        any_title = None
    return Vocabulary(
        keys=tuple(data["keys"]),
        numbers={k: frozenset(v) for k, v in data["numbers"].items()},
        titles={
            k: tuple((re.compile(pat), float(w)) for pat, w in pats) for k, pats in data["titles"].items()
        },
        any_title=any_title,
    )


_CN = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def cn_number(s: str) -> int | None:
    """'三' -> 3, '十二' -> 12, '二十' -> 20, '7' -> 7."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN for c in s):
        return None
    if len(s) == 1:
        return _CN[s]
    if s[0] == "十":
        return 10 + (_CN[s[1]] if len(s) > 1 else 0)
    if len(s) == 2 and s[1] == "十":
        return _CN[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return _CN[s[0]] * 10 + _CN[s[2]]
    return None


@dataclass(frozen=True)
class Marker:
    style: str  # cn_dun | paren_cn | num_dun | paren_num | circled | part | none
    number: int | None
    end: int  # offset in the line where the marker (and following spaces) ends


_ENCLOSED = {chr(0x3220 + i): i + 1 for i in range(10)}  # ㈠..㈩
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ①..⑳


def marker(line: str) -> Marker:
    """The enumeration marker a line starts with, if any."""
    m = P.MARKER.match(line)
    if not m:
        return Marker("none", None, 0)
    for style in ("part", "cn_dun", "paren_cn", "num_dun", "paren_num", "circled"):
        if m.group(style):
            if style == "paren_cn" and m.group("enclosed"):
                return Marker(style, _ENCLOSED[m.group("enclosed")], m.end())
            if style == "circled":
                return Marker(style, _CIRCLED[m.group("circled")], m.end())
            return Marker(style, cn_number(m.group(style + "_n")), m.end())
    return Marker("none", None, 0)  # pragma: no cover


@dataclass(frozen=True)
class Heading:
    """A line read as a heading: its marker, title and what section keys it names."""

    marker: Marker
    title: str  # marker excluded, up to a run-in full stop
    keys: tuple[tuple[str, float], ...]  # (key, weight), strongest first
    run_in: bool  # text follows the title on the same line


_RUN_IN_END = re.compile(r"[。：:]")
_SPACES = re.compile(r"\s+")


#: parse results by (line, markdown): the blocks stage asks about the same lines many times,
#: and template lines repeat from report to report (bounded: cleared when full)
_PARSED: dict[tuple[str, bool], Heading | None] = {}
_CACHE_LIMIT = 20000
MAX_LINE = 400


def parse(line: str, markdown: bool = False) -> Heading | None:
    """Read ``line`` as a heading, or None when it cannot be one."""
    if len(line) > MAX_LINE and len(line.strip()) > MAX_LINE:
        return None
    key = (line, markdown)
    try:
        return _PARSED[key]
    except KeyError:
        pass
    h = _parse(line, markdown)
    if len(_PARSED) >= _CACHE_LIMIT:
        _PARSED.clear()
    _PARSED[key] = h
    return h


def _parse(line: str, markdown: bool) -> Heading | None:
    text = line.strip()
    if not text or len(text) > MAX_LINE:
        return None
    mk = marker(text)
    if markdown and mk.style == "none":
        mk = Marker("md", None, 0)
    elif markdown and mk.style in ("paren_cn", "num_dun", "paren_num", "circled"):
        pass  # '### (一) 主动公开情况': markdown level does not make it top-level
    rest = text[mk.end:] if mk.style != "md" else text
    run_in = False
    if len(rest) > MAX_TITLE:
        m = _RUN_IN_END.search(rest, 0, MAX_TITLE + 1)
        if not m:
            return None
        rest, run_in = rest[: m.start()], True
    else:
        m = _RUN_IN_END.search(rest)
        if m and m.end() < len(rest.rstrip()):
            rest, run_in = rest[: m.start()], True
    title = rest.strip().rstrip("。.:：;；")
    if not title:
        return None
    words = title.split()
    # (all of _SPACES' whitespace is str.split's: a title str.split cannot split needs no squeezing)
    squeezed = title if len(words) == 1 and len(words[0]) == len(title) else _SPACES.sub("", title)
    voc = vocabulary()
    found: list[tuple[str, float]] = []
    if voc.any_title is None or voc.any_title.search(squeezed):
        for key in voc.keys:
            best = 0.0
            for pat, weight in voc.titles[key]:
                if weight > best and pat.search(squeezed):
                    best = weight
            if best:
                found.append((key, best))
        found.sort(key=lambda kw: -kw[1])
    return Heading(mk, title, tuple(found), run_in)


#: the characters a top-level marker (第一部分, 一、, 1、) can start with, among CJK ideographs
_TOP_MARKER_CJK = frozenset("第一二三四五六七八九十")


def cannot_be_top_level(line: str) -> bool:
    """True when the line cannot start with a top-level marker: its first character is an
    ASCII character other than a digit or a CJK ideograph that starts none, or it is a bare
    number ("1、" needs its mark). (Asked before ``parse``, which the blocks stage would
    otherwise run on every table cell.)"""
    text = line.strip()
    if cannot_have_marker(text):
        return True
    return text[0] == "(" or (text.isascii() and text.isdigit())


def cannot_have_marker(line: str) -> bool:
    """True when the line cannot start with an enumeration marker of any style: its first
    character is an ASCII character other than "(" or a digit, or a CJK ideograph that starts
    none (as ``marker`` would find, without running MARKER)."""
    text = line.strip()
    if not text:
        return True
    c = text[0]
    if c.isascii():
        return not (c == "(" or "0" <= c <= "9")
    return "\u4e00" <= c <= "\u9fff" and c not in _TOP_MARKER_CJK


def is_section_heading(line: str, markdown: bool = False) -> bool:
    """Whether a line looks like a top-level section heading (blocks use this as a fence)."""
    if not markdown and cannot_be_top_level(line):
        return False
    h = parse(line, markdown)
    if h is None or not h.keys or h.run_in:
        return False
    return (h.marker.style in TOP_STYLES) and h.keys[0][1] >= 2
