"""Metadata: the publishing agency (发布机关), the report's year and its title.

The title line usually says all three ("驻马店市商务局2021年政府信息公开工作年度报告"). When it
does not, the line just above the title or the signature at the end may name the agency,
and the body states the year ("2019年，市商务局…"). What the report does not say stays None:
a guessed agency is worse than none for the people who aggregate by agency.
"""

from __future__ import annotations

from collections import Counter

import regex as re

from nlp import patterns as P
from nlp.model import Block, Meta

_SQUEEZE = re.compile(r"\s+")
_LEADING_NOISE = re.compile(r"^(?:关于|《|“|\")+")
_TRAILING_NOISE = re.compile(r"(?:关于|的|》|”|\")+$")


def squeeze(text: str) -> str:
    """Drop all whitespace (titles are often spaced out: '年度报 告', '2023 年')."""
    return _SQUEEZE.sub("", text)


def _agency(candidate: str) -> str | None:
    c = _TRAILING_NOISE.sub("", _LEADING_NOISE.sub("", candidate))
    if not (3 <= len(c) <= 40) or P.NOT_AGENCY.match(c):
        return None
    if not P.AGENCY_SUFFIX.search(c) or P.AGENCY_PUNCT.search(c):
        return None
    return c


def _year(value: str) -> int | None:
    y = int(value)
    return y if 1990 <= y <= 2100 else None


def _from_title(title: str) -> tuple[str | None, int | None]:
    t = squeeze(title)
    m = P.TITLE.search(t)
    head = t[: m.start()] if m else t
    year = None
    agency = None
    ym = P.YEAR.search(head) or P.TITLE_HEAD_YEAR.search(head)
    if ym:
        year = _year(ym.group(1))
        before = head[: ym.start()]
        after = P.YEAR_SUFFIX.sub("", head[ym.end():])
        agency = _agency(before) or _agency(after)
    else:
        agency = _agency(head)
    if year is None and m:
        tail = P.YEAR.search(t[m.end():])
        if tail:
            year = _year(tail.group(1))
    return agency, year


def _body_year(blocks: list[Block]) -> int | None:
    """The year the overview talks about: the most mentioned year in the first paragraphs."""
    counts: Counter[int] = Counter()
    seen = 0
    for b in blocks:
        if b.kind not in ("paragraph", "heading") or b.section not in (None, "overview"):
            continue
        text = P.DOC_NUMBER_YEAR.sub("", b.text)
        for m in P.YEAR.finditer(text):
            y = _year(m.group(1))
            if y:
                counts[y] += 1
        seen += 1
        if seen >= 8:
            break
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _signature_agency(blocks: list[Block]) -> str | None:
    """A report signed off with the agency's name above a date line."""
    tail = [b for b in blocks[-6:] if b.kind in ("paragraph", "heading")]
    for k in range(len(tail) - 1, 0, -1):
        if P.SIGN_DATE.match(tail[k].text):
            return _agency(squeeze(tail[k - 1].text))
    return None


def extract(blocks: list[Block]) -> Meta:
    meta = Meta()
    title_idx = next((i for i, b in enumerate(blocks) if b.kind == "title"), None)
    if title_idx is not None:
        title = blocks[title_idx].text
        meta.title = _SQUEEZE.sub(" ", title).strip()
        meta.agency, meta.year = _from_title(title)
        if meta.agency is None:
            # the agency printed on its own line just above or below the title
            near = [b for b in blocks[max(0, title_idx - 2) : title_idx + 2] if b.kind in ("front", "paragraph")]
            for b in near:
                if len(b.text) <= 30:
                    meta.agency = _agency(squeeze(b.text))
                    if meta.agency:
                        break
    if meta.year is None:
        meta.year = _body_year(blocks)
    if meta.agency is None:
        meta.agency = _signature_agency(blocks)
    return meta  # meta.template is set by the tables stage, from the printed table headers

