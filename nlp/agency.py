"""Agency names: region, level, department kind, and a key that matches one agency across years.

Names are read by their structure, not guessed: a chain of administrative units
(驻马店市 / 长州市城北区 / 南阳市卧龙区七一街道 / 经开区), then a department that begins with a
known word (商务局, 卫生健康委员会, 人民政府办公室 …), then perhaps a branch (南湖分局, 交通警察支队).
The vocabulary is data (nlp/data/agency.json).

Matching rule across years (``Agency.key``): region + canonical department (+ branch), where
the canonical department is the kind for departments of a known kind (卫生健康委员会, 卫健委,
卫生局 → health), the office for governments (人民政府办公厅 = 人民政府办公室 = 政府办), and the
name as printed otherwise. A name printed without its region (市商务局, 县人民政府办公室) gets one
only when the region is known: from the report itself (the full name printed elsewhere in it,
e.g. in the signature: 驻马店市商务局 → 驻马店市), or from ``--region`` given to ``batch``
(applied only to names of the same level). Otherwise its key stays None and it is matched
with nothing: two cities' 市商务局 must not become one agency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

_DATA = json.loads((Path(__file__).with_name("data") / "agency.json").read_text(encoding="utf-8"))
UNIT_LEVELS: dict[str, str] = _DATA["unit_levels"]
ZONE_LEVEL: str = _DATA["zone_level"]
ZONES: tuple[str, ...] = tuple(_DATA["zones"])
MUNICIPALITIES: frozenset[str] = frozenset(_DATA["municipalities"])
BARE_UNITS: dict[str, str] = _DATA["bare_units"]
VERTICAL_PREFIXES: tuple[str, ...] = tuple(_DATA["vertical_prefixes"])
DEPARTMENT_STARTS: tuple[str, ...] = tuple(sorted(_DATA["department_starts"], key=len, reverse=True))
KINDS: list[tuple[str, list[str]]] = [(k, list(words)) for k, words in _DATA["kinds"]]
GOVERNMENT: dict[str, str] = _DATA["government_departments"]
LEVELS_ZH: dict[str, str] = _DATA["levels_zh"]
KINDS_ZH: dict[str, str] = _DATA["kinds_zh"]
LEVELS: tuple[str, ...] = tuple(LEVELS_ZH)
BRANCH_SUFFIXES: tuple[str, ...] = ("分局", "支队", "大队", "分中心", "派出所")
DEPARTMENT_ENDS: tuple[str, ...] = ("委员会", "局", "厅", "委", "办公室", "中心")
_LOWER = {"province": "city", "city": "county", "county": "township", "district": "street"}
_UNIT_SUFFIXES = tuple(sorted(UNIT_LEVELS, key=len, reverse=True))
_DROP = str.maketrans("", "", " \t\r\n\u3000")


@dataclass
class Agency:
    """An agency name, read."""

    name: str  # as printed (simplified, no spaces)
    region: str | None = None  # the unit chain: 驻马店市, 长州市城北区; None when not printed
    level: str | None = None  # province | city | county | district | township | street
    kind: str | None = None  # government | education | health | … | other
    department: str = ""  # as printed, after the region (and before a branch)
    canonical: str = ""  # what stays the same across renamings (see the module doc)
    branch: str | None = None  # 南湖分局
    bare: str | None = None  # 市 / 县 / 区 …: printed without its region
    region_from: str = ""  # name | text | option

    @property
    def key(self) -> str | None:
        """The cross-year key, or None when the region is unknown."""
        if not self.region or not self.canonical:
            return None
        return "/".join(x for x in (self.region, self.canonical, self.branch) if x)

    @property
    def full_name(self) -> str:
        """The name with its region (驻马店市商务局 for 市商务局 once the region is known)."""
        if self.bare and self.region and self.region_from != "name":
            return self.region + self.name[len(self.bare):]
        return self.name


def _simplified(text: str) -> str:
    import zhconv  # imported here: it takes 0.1 s (pkg_resources), and most commands never need it

    return zhconv.convert(text, "zh-cn")


def clean(name: str) -> str:
    """A name as compared: no spaces, simplified script."""
    return _simplified(name.translate(_DROP))


def _starts_department(s: str) -> bool:
    return s.startswith(DEPARTMENT_STARTS)  # (one C call tries every word)


def _unit_candidates(s: str, pos: int) -> list[tuple[int, str]]:
    """(end, level) of every way a unit can start at pos, shortest first."""
    out = []
    for end in range(pos + 2, min(pos + 16, len(s)) + 1):
        piece = s[pos:end]
        # which word ends the piece, in the lists' order; one C call first tells whether any
        # does (most pieces end with none, and a parse tries some 15 pieces per position)
        zone = next((z for z in ZONES if piece.endswith(z)), None) if piece.endswith(ZONES) else None
        if zone and len(piece) - len(zone) <= 12:
            out.append((end, ZONE_LEVEL))
            continue
        suffix = next((u for u in _UNIT_SUFFIXES if piece.endswith(u)), None) if piece.endswith(_UNIT_SUFFIXES) else None
        if suffix and 1 <= len(piece) - len(suffix) <= 8:
            out.append((end, "province" if piece in MUNICIPALITIES else UNIT_LEVELS[suffix]))
    return out


def _chain(s: str, pos: int, depth: int = 0) -> list[tuple[int, str]] | None:
    """Units from pos such that a known department word follows; None if there is no such split."""
    if pos < len(s) and _starts_department(s[pos:]):
        return []
    if depth >= 5:
        return None
    for end, level in _unit_candidates(s, pos):
        rest = _chain(s, end, depth + 1)
        if rest is not None:
            return [(end, level)] + rest
    return None


def _greedy_chain(s: str) -> list[tuple[int, str]]:
    """Fallback for an unknown department word: take units while some text is left after them."""
    units: list[tuple[int, str]] = []
    pos = 0
    while True:
        cands = [c for c in _unit_candidates(s, pos) if c[0] <= len(s) - 2]
        if not cands:
            return units
        units.append(cands[0])
        pos = cands[0][0]


def _kind(department: str) -> str:
    if department in GOVERNMENT:
        return "government"
    for kind, words in KINDS:
        if any(w in department for w in words):
            return kind
    return "other"


def _split_branch(rest: str) -> tuple[str, str | None]:
    if not rest.endswith(BRANCH_SUFFIXES):
        return rest, None
    for k in range(1, len(rest)):
        head = rest[:k]
        if head.endswith(DEPARTMENT_ENDS) and len(rest) - k >= 3:
            return head, rest[k:]
    return rest, None


def parse(name: str | None) -> Agency | None:
    """Read an agency name (None for None or an empty name)."""
    if not name:
        return None
    s = clean(name)
    if not s:
        return None
    body = s
    for prefix in VERTICAL_PREFIXES:
        if body.startswith(prefix) and len(body) > len(prefix):
            body = body[len(prefix):]
            break
    agency = Agency(name=s)
    bare = next((b for b in sorted(BARE_UNITS, key=len, reverse=True)
                 if body.startswith(b) and _starts_department(body[len(b):])), None)
    if bare:
        agency.bare, agency.level = bare, BARE_UNITS[bare]
        rest = body[len(bare):]
    else:
        units = _chain(body, 0)
        if units is None:
            units = _greedy_chain(body)
        end = units[-1][0] if units else 0
        if units:
            agency.region, agency.level, agency.region_from = body[:end], units[-1][1], "name"
        rest = body[end:]
    department, branch = _split_branch(rest)
    agency.department, agency.branch = department, branch
    agency.kind = _kind(department)
    if branch and branch.endswith("分局") and agency.level:
        agency.level = _LOWER.get(agency.level, agency.level)  # a branch serves the unit below
    if department in GOVERNMENT and GOVERNMENT[department] == "管理委员会" and units_are_one_zone(agency.region):
        agency.level = "city"  # a development zone's own administration is run by its city
    agency.canonical = GOVERNMENT.get(department, department) if agency.kind in ("government", "other") else agency.kind
    return agency


def units_are_one_zone(region: str | None) -> bool:
    return bool(region) and region.endswith(ZONES) and _unit_candidates(region, 0)[:1] == [(len(region), ZONE_LEVEL)]


def region_of(name: str, max_unit_name: int = 8) -> tuple[str, str] | None:
    """(region, level of its last unit) when ``name`` is entirely a unit chain whose unit
    names (without 市/县/区…) are at most ``max_unit_name`` characters."""
    s = clean(name)
    units = _chain(s + "人民政府", 0)
    if not units or units[-1][0] != len(s):
        return None
    start = 0
    for end, _ in units:
        piece = s[start:end]
        suffix = next((z for z in ZONES if piece.endswith(z)), None) or next(u for u in _UNIT_SUFFIXES if piece.endswith(u))
        if len(piece) - len(suffix) > max_unit_name:
            return None
        start = end
    return s, units[-1][1]


def resolve(agency: Agency, text: str | None = None, region_hint: str | None = None) -> Agency:
    """Give a name printed without its region (市商务局) the region the report or the user states.

    From the text: the department as printed, preceded by a unit chain of the same level
    (the signature "驻马店市商务局" of a report titled "市商务局…"); the first such mention wins.
    """
    if not agency.bare or agency.region:
        return agency
    if text:
        tail = agency.name[len(agency.bare):]
        start = 0
        while True:
            i = text.find(tail, start)
            if i < 0:
                break
            start = i + 1
            k = i
            while k > 0 and i - k < 12 and "\u4e00" <= text[k - 1] <= "\u9fff":
                k -= 1
            if k == i or (k > 0 and "\u4e00" <= text[k - 1] <= "\u9fff"):
                continue  # only a name standing alone (a signature line, after a punctuation mark)
            found = region_of(text[k:i], max_unit_name=4)  # 驻马店市, not 现将驻马店市
            if found and found[1] == agency.level:
                agency.region, agency.region_from = found[0], "text"
                return agency
    if region_hint:
        found = region_of(region_hint)
        if found and found[1] == agency.level:
            agency.region, agency.region_from = found[0], "option"
    return agency


def clean_text(text: str) -> str:
    """A report's text in simplified script (names are matched in simplified form)."""
    return _simplified(text)
