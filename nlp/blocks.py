"""Blocks: the normalized text as an ordered list of headings, paragraphs and tables.

A table comes out as a grid of cells whatever its rendering:
- ``tabs``: one row per line, cells separated by tabs (Word/WPS copy, HTML rendering);
- ``cell_lines``: one cell per line, each line starting with a tab, rows separated by an
  empty line; a whitespace-only line is a blank cell and a line without the tab
  continues the previous cell (labels broken over lines: 本年新 / 制作数量);
- ``pipes`` / ``markdown``: ``| 规章 | 0 | 0 | 0 |`` rows (stray ``| |||`` = empty cells);
- ``spaces``: columns aligned with runs of spaces (no reliable blank cells);
- ``lines``: a table scattered by PDF conversion, one value per line: a label line
  starts a row and the numbers under it are its cells (no positions).
Headings printed one character per line are joined. Every block and cell keeps its
span in the text, so offsets stay traceable to the input.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlp import headings as H
from nlp import patterns as P
from nlp.model import Block, Cell


@dataclass
class Line:
    start: int
    end: int
    text: str  # normalized
    kind: str = "text"  # empty | ws | tabrow | cellline | pipe | text
    markdown: bool = False  # printed with a markdown heading mark


def split_lines(text: str, original: str | None = None) -> list[Line]:
    """Split into lines (any line-break convention) and classify each one."""
    lines: list[Line] = []
    pos = 0
    for m in P.LINE_BREAK.finditer(text):
        lines.append(Line(pos, m.start(), text[pos : m.start()]))
        pos = m.end()
    if pos < len(text):
        lines.append(Line(pos, len(text), text[pos:]))
    src = original if original is not None else text
    for ln in lines:
        t = ln.text
        if not t:
            ln.kind = "empty"
        elif not t.strip():
            ln.kind = "cellline" if t.startswith("\t") and t.count("\t") == 1 else "ws"
        elif "\t" in t:
            body = t.lstrip("\t")
            lead = len(t) - len(body)
            if lead == 1 and "\t" not in body:
                ln.kind = "cellline"
            elif max(len(c) for c in t.split("\t")) > 80:
                ln.kind = "text"  # prose with a stray tab, not a table row
            elif t.count("\t") >= 2 or not t.startswith("\t"):
                ln.kind = "tabrow"
            else:
                ln.kind = "text"
        elif t.lstrip().startswith("|") and t.count("|") >= 2:
            ln.kind = "pipe"
        if P.MD_HEADING_LINE.match(src, ln.start, ln.end):
            ln.markdown = True
    return lines


def _cell(text: str, start: int, end: int) -> Cell:
    """A cell with surrounding whitespace trimmed (its span trimmed with it)."""
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    s = start + lead
    return Cell(body, s, s + len(body))


def _split_row(line: Line, sep: str) -> list[Cell]:
    cells: list[Cell] = []
    pos = line.start
    for part in line.text.split(sep):
        cells.append(_cell(part, pos, pos + len(part)))
        pos += len(part) + len(sep)
    return cells


def _is_heading_fence(line: Line) -> bool:
    return H.is_section_heading(line.text, line.markdown)


def _is_number(s: str) -> bool:
    return bool(P.NUMBER.match(s)) or bool(P.NO_VALUE.match(s))


# ---------------------------------------------------------------- table regions
def _tab_region(lines: list[Line], i: int) -> int:
    """End (exclusive) of the tab table starting at line i, or i if none."""
    if lines[i].kind != "tabrow":
        return i
    j = i + 1
    last = i
    while j < len(lines):
        ln = lines[j]
        if ln.kind == "tabrow":
            last = j
        elif ln.kind in ("empty", "ws"):
            pass
        elif ln.kind == "text" and len(ln.text.strip()) <= 30 and not _is_heading_fence(ln):
            # a short caption between two tab rows ("第二十条第（八）项")
            k = j + 1
            while k < len(lines) and lines[k].kind in ("empty", "ws"):
                k += 1
            if k >= len(lines) or lines[k].kind != "tabrow":
                break
        else:
            break
        if j - last > 3:
            break
        j += 1
    return last + 1


def _tab_table(lines: list[Line]) -> Block:
    rows = [_split_row(ln, "\t") if ln.kind == "tabrow" else [_cell(ln.text, ln.start, ln.end)]
            for ln in lines if ln.kind in ("tabrow", "text")]
    return Block("table", lines[0].start, lines[-1].end, rows=rows, rendering="tabs", positional=True)


def _cell_lines_region(lines: list[Line], i: int) -> int:
    """End (exclusive) of a one-cell-per-line table starting at line i, or i if none."""
    if lines[i].kind != "cellline":
        return i
    j = i
    last = i
    cells = 0
    while j < len(lines):
        ln = lines[j]
        if ln.kind == "cellline":
            if _is_heading_fence(ln) and cells >= 3:
                break
            cells += 1
            last = j
        elif ln.kind in ("empty", "ws"):
            pass
        elif ln.kind == "text" and lines[j - 1].kind in ("cellline", "text") and j - 1 <= last \
                and len(ln.text.strip()) <= 12 and not _is_heading_fence(ln):
            last = j  # continuation of the previous cell
        else:
            break
        j += 1
    return last + 1 if cells >= 3 else i


def _cell_lines_table(lines: list[Line]) -> Block:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    for ln in lines:
        if ln.kind == "empty":
            if row:
                rows.append(row)
                row = []
        elif ln.kind in ("cellline", "ws"):
            body = ln.text[1:] if ln.text.startswith("\t") else ln.text
            row.append(_cell(body, ln.end - len(body), ln.end))
        else:  # continuation: glue to the previous cell
            piece = ln.text.strip()
            if row:
                prev = row[-1]
                lead = len(ln.text) - len(ln.text.lstrip())
                start = prev.start if prev.text else ln.start + lead
                row[-1] = Cell(prev.text + piece, start, ln.start + lead + len(piece))
            else:
                row.append(_cell(ln.text, ln.start, ln.end))
    if row:
        rows.append(row)
    return Block("table", lines[0].start, lines[-1].end, rows=rows, rendering="cell_lines", positional=True)


def _pipe_region(lines: list[Line], i: int) -> int:
    j = i
    while j < len(lines) and lines[j].kind == "pipe":
        j += 1
    return j if j - i >= 1 and (j - i >= 2 or lines[i].text.count("|") >= 3) else i


def _pipe_table(lines: list[Line]) -> Block:
    rows: list[list[Cell]] = []
    markdown = False
    for ln in lines:
        if P.MD_TABLE_SEP.match(ln.text):
            markdown = True
            continue
        t = ln.text
        lead = len(t) - len(t.lstrip())
        body = t.strip()
        start = ln.start + lead
        if body.startswith("|"):
            body, start = body[1:], start + 1
        if body.endswith("|"):
            body = body[:-1]
        rows.append(_split_row(Line(start, start + len(body), body), "|"))
    return Block("table", lines[0].start, lines[-1].end, rows=rows,
                 rendering="markdown" if markdown else "pipes", positional=True)


def _space_row(line: Line) -> list[Cell] | None:
    """Cells of a space-aligned row ('规章  0  0  0'), or None if the line is not one."""
    if line.kind != "text":
        return None
    cells = []
    pos = line.start
    for m in P.SPACE_TOKEN.finditer(line.text):
        cells.append(Cell(m.group(0), pos + m.start(), pos + m.end()))
    if len(cells) < 2:
        return None
    numeric = sum(1 for c in cells if _is_number(c.text))
    if numeric == 0:
        return None
    # label tokens first, then only numbers
    first_num = next(k for k, c in enumerate(cells) if _is_number(c.text))
    if any(not _is_number(c.text) for c in cells[first_num:]):
        return None
    if first_num > 1:  # a label broken by spaces: rejoin it
        label = Cell("".join(c.text for c in cells[:first_num]), cells[0].start, cells[first_num - 1].end)
        cells = [label] + cells[first_num:]
    return cells


def _space_region(lines: list[Line], i: int) -> int:
    j = i
    while j < len(lines) and (_space_row(lines[j]) is not None):
        j += 1
    return j if j - i >= 2 else i


def _space_table(lines: list[Line]) -> Block:
    rows = [r for r in (_space_row(ln) for ln in lines) if r]
    return Block("table", lines[0].start, lines[-1].end, rows=rows, rendering="spaces", positional=False)


class _Scattered:
    """Finds tables scattered by PDF conversion: a run of short lines, many of them bare numbers.

    From a start line the run goes on over short text lines (blank lines skipped) until a line
    that cannot be in such a table (long, a heading, a sentence, a table row), or until a
    ninth non-number line when no number came yet; it is a table when it holds at least 4
    numbers and they are at least 40% of its lines. The line facts are computed once for the
    document, so asking at every line costs O(1) each (a naive scan from every start is
    quadratic on a long run of short lines).
    """

    def __init__(self, lines: list[Line]) -> None:
        n = len(lines)
        self.n = n
        blank = [ln.kind in ("empty", "ws") for ln in lines]
        hard = [False] * n
        number = [False] * n
        for j, ln in enumerate(lines):
            if blank[j]:
                continue
            t = ln.text.strip()
            if ln.kind != "text" or len(t) > 30 or _is_heading_fence(ln) or P.SENTENCE_END.search(t):
                hard[j] = True
            elif _is_number(t):
                number[j] = True
        # next index >= j that is hard / a number / a (non-hard) text line that is no number
        self.next_hard = [n] * (n + 1)
        self.next_number = [n] * (n + 1)
        self.next_word = [n] * (n + 1)
        for j in range(n - 1, -1, -1):
            self.next_hard[j] = j if hard[j] else self.next_hard[j + 1]
            self.next_number[j] = j if number[j] else self.next_number[j + 1]
            self.next_word[j] = j if not (blank[j] or hard[j] or number[j]) else self.next_word[j + 1]
        # counts before j of numbers and of text lines; the last non-blank line before j
        self.numbers = [0] * (n + 1)
        self.texts = [0] * (n + 1)
        self.last_nonblank = [-1] * (n + 1)
        for j, ln in enumerate(lines):
            self.numbers[j + 1] = self.numbers[j] + number[j]
            self.texts[j + 1] = self.texts[j] + (ln.kind == "text")
            self.last_nonblank[j + 1] = self.last_nonblank[j] if blank[j] else j

    def region(self, lines: list[Line], i: int) -> int:
        """End (exclusive) of the scattered table starting at line i, or i if none."""
        end = self.next_hard[i]
        if i + 9 < self.n:
            word = self.next_word[i + 9]  # a non-number line with no number before it ends the run
            if word < end and word < self.next_number[i]:
                end = word
        numbers = self.numbers[end] - self.numbers[i]
        j = max(i, self.last_nonblank[end] + 1)  # trailing blank lines are not part of it
        nonempty = self.texts[j] - self.texts[i]
        if numbers >= 4 and numbers >= 0.4 * nonempty:
            return j
        return i


def _scattered_table(lines: list[Line]) -> Block:
    rows: list[list[Cell]] = []
    for ln in lines:
        if ln.kind != "text":
            continue
        c = _cell(ln.text, ln.start, ln.end)
        if _is_number(c.text) and rows:
            rows[-1].append(c)
        else:
            rows.append([c])
    return Block("table", lines[0].start, lines[-1].end, rows=rows, rendering="lines", positional=False)


# ---------------------------------------------------------------- text blocks
def _join_char_runs(lines: list[Line]) -> list[Line]:
    """Join runs of lines of one or two characters (a heading printed a character a line)."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].kind == "text" and len(lines[j].text.strip()) <= 2 \
                and not _is_number(lines[j].text.strip()):
            j += 1
        if j - i >= 3:
            joined = "".join(ln.text.strip() for ln in lines[i:j])
            out.append(Line(lines[i].start, lines[j - 1].end, joined, "joined", lines[i].markdown))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _text_block(ln: Line) -> Block:
    t = ln.text
    lead = len(t) - len(t.lstrip())
    body = t.strip()
    start = ln.start + lead if ln.kind != "joined" else ln.start
    end = start + len(body) if ln.kind != "joined" else ln.end
    if P.SPAM_LINE.search(body):
        kind = "spam"
    elif P.CHROME_LINE.search(body) and len(body) < 200:
        kind = "chrome"
    else:
        h = H.parse(body, ln.markdown)
        is_heading = h is not None and not h.run_in and (
            h.marker.style != "none" or ln.markdown or (h.keys and len(h.title) <= 20)
        ) and not P.SENTENCE_END.search(body)
        kind = "heading" if is_heading else "paragraph"
    return Block(kind, start, end, text=body, markdown=ln.markdown)


def segment(text: str, original: str | None = None) -> list[Block]:
    """Cut normalized ``text`` into blocks. ``original`` (the text before normalization)
    is used only to see markdown heading marks that normalization blanked."""
    lines = split_lines(text, original)
    blocks: list[Block] = []
    pending: list[Line] = []

    def flush() -> None:
        for ln in _join_char_runs(pending):
            if ln.kind in ("text", "joined", "tabrow", "pipe", "cellline") and ln.text.strip():
                blocks.append(_text_block(ln))
        pending.clear()

    i = 0
    n = len(lines)
    scattered = _Scattered(lines)
    while i < n:
        for region, build in (
            (_tab_region, _tab_table),
            (_cell_lines_region, _cell_lines_table),
            (_pipe_region, _pipe_table),
            (_space_region, _space_table),
            (scattered.region, _scattered_table),
        ):
            j = region(lines, i)
            if j > i:
                flush()
                blocks.append(build(lines[i:j]))
                i = j
                break
        else:
            pending.append(lines[i])
            i += 1
    flush()
    _mark_title(blocks)
    return blocks


def _mark_title(blocks: list[Block]) -> None:
    """The report title is the first line naming the report, near the top."""
    for k, b in enumerate(blocks[:15]):
        if b.kind in ("chrome", "spam"):
            continue
        if b.kind == "heading" and H.is_section_heading(b.text):
            return
        if b.kind in ("paragraph", "heading") and len(b.text) <= 80 and P.TITLE.search(b.text):
            b.kind = "title"
            for prev in blocks[:k]:
                if prev.kind in ("paragraph", "heading"):
                    prev.kind = "front"
            return
