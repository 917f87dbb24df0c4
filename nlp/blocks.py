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

Speed: the lines are kept as parallel lists (text, start, kind …), not an object each; every
fact about a line (its kind, whether it is a number, the cells of a space-aligned row, a
heading) is computed once, and the facts of short lines, which repeat from report to report,
are remembered (bounded memos), as are the kinds of short text blocks; each line is offered
only to the table readers its kind and sort allow; and the regular expressions that would run
on every paragraph are guarded by cheap exact tests (see PAGE_HINT, ``_may_hold_letters``,
a sentence's last character).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate

from nlp import headings as H
from nlp import patterns as P
from nlp.model import Block, Cell


def _kind(t: str, body: str | None = None) -> str:
    """What a line is: empty | ws | tabrow | cellline | pipe | text, by its tabs, pipes and
    blanks (``body``: ``t.strip()``, when the caller has it)."""
    if not t:
        return "empty"
    if body is None:
        body = t.strip()
    if "\t" not in t:
        if not body:
            return "ws"
        return "pipe" if body[0] == "|" and t.count("|") >= 2 else "text"
    if not body:
        return "cellline" if t[0] == "\t" and t.count("\t") == 1 else "ws"
    body = t.lstrip("\t")
    if len(t) - len(body) == 1 and "\t" not in body:
        return "cellline"
    if len(t) > 80 and max(map(len, t.split("\t"))) > 80:
        return "text"  # prose with a stray tab, not a table row
    if t.count("\t") >= 2 or t[0] != "\t":
        return "tabrow"
    return "text"


#: what a scattered-table reader makes of a line (see _Scattered)
BLANK, HARD, NUMBER, WORD = 0, 1, 2, 3

#: a space-aligned row as cells relative to its line: (text, start, end) each (see _space_cells)
SpaceRow = tuple[tuple[str, int, int], ...]
#: the facts about a line's text (see _line_facts)
Facts = tuple[str, int, bool, bool, SpaceRow | None]


def _line_facts(t: str, markdown: bool = False) -> Facts:
    """The facts about a line that depend on its text alone: its kind; its sort for a
    scattered table (BLANK; HARD, a line that ends a run: a table row, a long line, a
    sentence, a section heading; NUMBER, a short number; WORD, another short line); whether
    it may be a section heading (if not, H.is_section_heading is False for it); whether it is
    a text line of at most two characters, not a number (a heading printed a character a
    line is made of those); and its cells if it is a row of a space-aligned table."""
    s = t.strip()
    kind = _kind(t, s)  # (the line stripped once, for its kind and below)
    if kind != "text":
        # (a fence is asked of text and cell lines only: the other kinds, table rows that are
        # long and never cached and blank lines, leave may_head True untested: Lines.fence
        # would then ask is_section_heading itself)
        may_head = kind != "cellline" or markdown or not H.cannot_be_top_level(t)
        return kind, BLANK if kind == "empty" or kind == "ws" else HARD, may_head, False, None
    last = s[-1]
    # (a space-aligned row ends with a number: most other lines are told by their last
    # character; no sentence end is a digit or a _NO_VALUE_LAST)
    row = _space_cells(t) if last.isdigit() or last in _NO_VALUE_LAST else None
    if len(s) > 30:
        # (the usual line of prose. Whether a text line is a fence is asked of lines of at most
        # 30 characters only (_tab_region, _cell_lines_region): may_head is left True untested)
        return kind, HARD, True, False, row
    may_head = markdown or not H.cannot_be_top_level(t)
    if last in _SENTENCE_END_CHARS:
        return kind, HARD, may_head, len(s) <= 2, None
    if may_head and H.is_section_heading(t, markdown):
        return kind, HARD, may_head, len(s) <= 2 and not _is_number(s), row
    number = _is_number(s)
    return kind, NUMBER if number else WORD, may_head, len(s) <= 2 and not number, row


#: _line_facts by line text, for lines printed without a markdown mark (short lines repeat
#: within and across reports: numbers, blank cells, template labels; bounded: cleared when
#: full, and only short lines are kept)
_FACTS: dict[str, Facts] = {}
_FACTS_LIMIT = 20000


def _facts(t: str) -> Facts:
    facts = _line_facts(t)
    if len(t) <= 40:
        if len(_FACTS) >= _FACTS_LIMIT:
            _FACTS.clear()
        _FACTS[t] = facts
    return facts


def _markdown_lines(src: str, starts: list[int], texts: list[str]) -> set[int]:
    """The lines of ``src`` printed with a markdown heading mark. MD_HEADING_LINE needs a "#"
    among a line's first 4 characters: only the lines a "#" is found in are tried."""
    marked: set[int] = set()
    n = len(starts)
    pos = src.find("#")
    while pos >= 0:
        i = bisect_right(starts, pos) - 1  # the line of the "#" (no line break is a "#")
        start = starts[i]
        end = start + len(texts[i])
        if pos < start + 4 and P.MD_HEADING_LINE.match(src, start, end):
            marked.add(i)
        if i + 1 >= n:
            break
        pos = src.find("#", starts[i + 1])
    return marked


def _may_hold_letters(text: str) -> bool:
    """False when ``text`` holds no character P.SPAM_HINT_LETTER finds (an ASCII letter, İ, ſ
    or K): then no line of it needs that search, which costs a regex step per character of
    every paragraph. Told here by scans in C: the ASCII characters of the text (letters are the
    only ones whose case changes) and a search for each of the other three."""
    ascii_chars = text.encode("ascii", "ignore")
    return ascii_chars.lower() != ascii_chars.upper() or "\u0130" in text or "\u017f" in text or "\u212a" in text


class Lines:
    """The lines of a text (any line-break convention), as parallel sequences: ``texts[i]``
    (normalized) starts at offset ``starts[i]``, is of kind ``kinds[i]`` and of sort
    ``sorts[i]``; ``may_fence[i]`` is False when it cannot be a section heading; ``short[i]``
    and ``spaced[i]`` (the cells of a space-aligned row, or None) are the last two facts of
    _line_facts; ``markdown`` holds the lines printed with a markdown heading mark;
    ``letters`` is False when no line holds a character SPAM_HINT_LETTER finds."""

    __slots__ = ("texts", "starts", "kinds", "sorts", "may_fence", "short", "spaced", "markdown", "letters", "n")

    def __init__(self, text: str, original: str | None = None) -> None:
        if "\r" in text:
            texts, starts = [], []
            pos = 0
            for m in P.LINE_BREAK.finditer(text):
                texts.append(text[pos : m.start()])
                starts.append(pos)
                pos = m.end()
            if pos < len(text):
                texts.append(text[pos:])
                starts.append(pos)
        else:
            texts = text.split("\n")
            if not texts[-1]:  # the text ends with a line break (or is empty)
                texts.pop()
            starts = list(accumulate([len(t) + 1 for t in texts], initial=0))
            starts.pop()
        self.texts: list[str] = texts
        self.starts: list[int] = starts
        self.n = len(texts)
        src = original if original is not None else text
        self.markdown: set[int] = _markdown_lines(src, starts, texts) if "#" in src else set()
        self.letters = _may_hold_letters(text)
        get = _FACTS.get
        facts = [get(t) or _facts(t) for t in texts]
        for i in self.markdown:
            facts[i] = _line_facts(texts[i], markdown=True)
        kinds, sorts, may_fence, short, spaced = zip(*facts) if facts else ((), (), (), (), ())
        self.kinds: tuple[str, ...] = kinds
        self.sorts: tuple[int, ...] = sorts
        self.may_fence: tuple[bool, ...] = may_fence
        self.short: tuple[bool, ...] = short
        self.spaced: tuple[SpaceRow | None, ...] = spaced

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.texts[i])

    def fence(self, i: int) -> bool:
        """Whether line i is a section heading, which no table runs over."""
        return self.may_fence[i] and H.is_section_heading(self.texts[i], i in self.markdown)


def _cell(text: str, start: int) -> Cell:
    """A cell printed as ``text`` at ``start``, with surrounding whitespace trimmed (its span
    trimmed with it)."""
    body = text.strip()
    if body is text:  # (str.strip returns the string itself when there is nothing to trim)
        return Cell(text, start, start + len(text))
    s = start + len(text) - len(text.lstrip())
    return Cell(body, s, s + len(body))


def _split_row(text: str, start: int, sep: str) -> list[Cell]:
    """The cells of a row printed as ``text`` at ``start``, separated by ``sep``."""
    cells: list[Cell] = []
    pos = start
    step = len(sep)
    for part in text.split(sep):
        body = part.strip()
        end = pos + len(part)
        if body is part:  # (str.strip returns the string itself when there is nothing to trim)
            cells.append(Cell(part, pos, end))
        else:
            s = end - len(part.lstrip())
            cells.append(Cell(body, s, s + len(body)))
        pos = end + step
    return cells


#: is_number results by cell text (cells repeat within and across reports; bounded: cleared
#: when full, and only short texts are kept)
_NUMBERS: dict[str, bool] = {}
_NUMBERS_LIMIT = 20000


def _is_number(s: str) -> bool:
    try:
        return _NUMBERS[s]
    except KeyError:
        pass
    yes = bool(P.NUMBER.match(s)) or bool(P.NO_VALUE.match(s))
    if len(s) <= 32:
        if len(_NUMBERS) >= _NUMBERS_LIMIT:
            _NUMBERS.clear()
        _NUMBERS[s] = yes
    return yes


_SENTENCE_END_CHARS = frozenset(P.SENTENCE_END_CHARS)


_BLANK = frozenset(("empty", "ws"))


# ---------------------------------------------------------------- table regions
def _tab_region(lines: Lines, i: int) -> int:
    """End (exclusive) of the tab table starting at tab row i."""
    kinds, texts, n = lines.kinds, lines.texts, lines.n
    last = i
    for j in range(i + 1, n):
        kind = kinds[j]
        if kind == "tabrow":
            last = j
        elif kind in _BLANK:
            pass
        elif kind == "text" and len(texts[j].strip()) <= 30 and not lines.fence(j):
            # a short caption between two tab rows ("第二十条第（八）项")
            k = j + 1
            while k < n and kinds[k] in _BLANK:
                k += 1
            if k >= n or kinds[k] != "tabrow":
                break
        else:
            break
        if j - last > 3:
            break
    return last + 1


def _tab_table(lines: Lines, i: int, j: int) -> Block:
    kinds, texts, starts = lines.kinds, lines.texts, lines.starts
    rows = [_split_row(texts[k], starts[k], "\t") if kinds[k] == "tabrow" else [_cell(texts[k], starts[k])]
            for k in range(i, j) if kinds[k] in ("tabrow", "text")]
    return Block("table", starts[i], lines.end(j - 1), rows=rows, rendering="tabs", positional=True)


def _cell_lines_region(lines: Lines, i: int) -> int:
    """End (exclusive) of a one-cell-per-line table starting at cell line i, or i if none."""
    kinds, texts, n, may_fence = lines.kinds, lines.texts, lines.n, lines.may_fence
    last = i
    cells = 0
    for j in range(i, n):
        kind = kinds[j]
        if kind == "cellline":
            if cells >= 3 and may_fence[j] and lines.fence(j):
                break
            cells += 1
            last = j
        elif kind in _BLANK:
            pass
        elif kind == "text" and kinds[j - 1] in ("cellline", "text") and j - 1 <= last \
                and len(texts[j].strip()) <= 12 and not lines.fence(j):
            last = j  # continuation of the previous cell
        else:
            break
    return last + 1 if cells >= 3 else i


def _cell_lines_table(lines: Lines, i: int, j: int) -> Block:
    kinds, texts, starts = lines.kinds, lines.texts, lines.starts
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    for k in range(i, j):
        kind, t = kinds[k], texts[k]
        if kind == "empty":
            if row:
                rows.append(row)
                row = []
        elif kind == "cellline" or kind == "ws":  # the cell is the line after its tab, trimmed
            row.append(_cell(t, starts[k]))  # (the tab is whitespace: trimming the line trims the cell)
        else:  # continuation: glue to the previous cell
            piece = t.strip()
            if row:
                prev = row[-1]
                begin = starts[k] + len(t) - len(t.lstrip())
                row[-1] = Cell(prev.text + piece, prev.start if prev.text else begin, begin + len(piece))
            else:
                row.append(_cell(t, starts[k]))
    if row:
        rows.append(row)
    return Block("table", starts[i], lines.end(j - 1), rows=rows, rendering="cell_lines", positional=True)


def _pipe_region(lines: Lines, i: int) -> int:
    kinds = lines.kinds
    j = i
    while j < lines.n and kinds[j] == "pipe":
        j += 1
    return j if j - i >= 2 or lines.texts[i].count("|") >= 3 else i


def _pipe_table(lines: Lines, i: int, j: int) -> Block:
    rows: list[list[Cell]] = []
    markdown = False
    for k in range(i, j):
        t = lines.texts[k]
        if "--" in t and P.MD_TABLE_SEP.match(t):  # (a separator row has a run of dashes)
            markdown = True
            continue
        body = t.strip()
        start = lines.starts[k] + len(t) - len(t.lstrip())
        if body.startswith("|"):
            body, start = body[1:], start + 1
        if body.endswith("|"):
            body = body[:-1]
        rows.append(_split_row(body, start, "|"))
    return Block("table", lines.starts[i], lines.end(j - 1), rows=rows,
                 rendering="markdown" if markdown else "pipes", positional=True)


#: the last characters of the cells printed for "no value" (see P.NO_VALUE)
_NO_VALUE_LAST = frozenset("/／—-–―无\\")


def _space_cells(text: str) -> SpaceRow | None:
    """The cells of a space-aligned row ('规章  0  0  0': label tokens, then only numbers), as
    (text, start, end) in line ``text``; None if the line is not one."""
    if len(text.split(None, 1)) < 2 and text.isprintable():
        # (a quick test first: str.split's whitespace is SPACE_TOKEN's and \x1c-\x1f, which
        # are not printable: for a printable line, fewer words means fewer tokens still)
        return None
    tokens = P.SPACE_TOKEN.findall(text)
    if len(tokens) < 2 or not _is_number(tokens[-1]):
        return None  # (a row ends with a number)
    numbers = [_is_number(t) for t in tokens]
    first_num = numbers.index(True)
    if False in numbers[first_num:]:
        return None
    cells = [(m.group(), m.start(), m.end()) for m in P.SPACE_TOKEN.finditer(text)]
    if first_num > 1:  # a label broken by spaces: rejoin it
        label = ("".join(tokens[:first_num]), cells[0][1], cells[first_num - 1][2])
        cells = [label] + cells[first_num:]
    return tuple(cells)


def _space_row(cells: SpaceRow, start: int) -> list[Cell]:
    """The cells of a space-aligned row (as _space_cells found them) printed at ``start``."""
    return [Cell(text, start + a, start + b) for text, a, b in cells]


def _space_region(lines: Lines, i: int) -> int:
    """End (exclusive) of the space-aligned table starting at line i, or i if none."""
    spaced, n = lines.spaced, lines.n
    j = i
    while j < n and spaced[j]:
        j += 1
    return j if j - i >= 2 else i


def _space_table(lines: Lines, i: int, j: int) -> Block:
    rows = [_space_row(lines.spaced[k], lines.starts[k]) for k in range(i, j)]  # type: ignore[arg-type]
    return Block("table", lines.starts[i], lines.end(j - 1), rows=rows, rendering="spaces", positional=False)


class _Scattered:
    """Finds tables scattered by PDF conversion: a run of short lines, many of them bare numbers.

    From a start line the run goes on over short text lines (blank lines skipped) until a line
    that cannot be in such a table (long, a heading, a sentence, a table row), or until a
    ninth non-number line when no number came yet; it is a table when it holds at least 4
    numbers and they are at least 40% of its lines. The lines of each sort are listed once for
    the document, so asking at every line costs a few binary searches (a naive scan from every
    start is quadratic on a long run of short lines). A run holds no line of sort HARD: its
    text lines are its lines of sort NUMBER or WORD, its other lines are blank, and every count
    it needs is a difference of two positions in these lists.
    """

    def __init__(self, lines: Lines) -> None:
        self.n = lines.n
        sorts = lines.sorts
        self.possible = sorts.count(NUMBER) >= 4  # with fewer numbers in the text, no run has 4
        if not self.possible:
            return
        self.number = [j for j, sort in enumerate(sorts) if sort == NUMBER]  # short lines that are a number
        self.word = [j for j, sort in enumerate(sorts) if sort == WORD]  # short lines that are not
        self.hard = [j for j, sort in enumerate(sorts) if sort == HARD]  # lines that end a run
        self.nonblank = [j for j, sort in enumerate(sorts) if sort != BLANK]

    @staticmethod
    def _next(indices: list[int], j: int, none: int) -> int:
        k = bisect_left(indices, j)
        return indices[k] if k < len(indices) else none

    def region(self, i: int) -> int:
        """End (exclusive) of the scattered table starting at line i, or i if none."""
        if not self.possible:
            return i
        number, nonblank = self.number, self.nonblank
        end = self._next(self.hard, i, self.n)
        first = bisect_left(number, i)  # (the numbers of lines i..end-1 are number[first:...])
        if bisect_left(number, end) - first < 4:
            return i  # (a shorter run has fewer numbers still)
        if i + 9 < self.n:
            word = self._next(self.word, i + 9, self.n)  # a non-number line with no number before it ends the run
            if word < end and word < (number[first] if first < len(number) else self.n):
                end = word
        numbers = bisect_left(number, end) - first
        k = bisect_left(nonblank, end)
        j = max(i, nonblank[k - 1] + 1 if k else 0)  # trailing blank lines are not part of it
        nonempty = bisect_left(nonblank, j) - bisect_left(nonblank, i)  # its text lines
        if numbers >= 4 and numbers >= 0.4 * nonempty:
            return j
        return i


def _scattered_table(lines: Lines, i: int, j: int) -> Block:
    kinds, texts, starts, sorts = lines.kinds, lines.texts, lines.starts, lines.sorts
    rows: list[list[Cell]] = []
    for k in range(i, j):
        if kinds[k] != "text":
            continue
        # (no line of the run ends one: a text line is of sort NUMBER exactly when it is a number)
        if rows and sorts[k] == NUMBER:
            rows[-1].append(_cell(texts[k], starts[k]))
        else:
            rows.append([_cell(texts[k], starts[k])])
    return Block("table", lines.starts[i], lines.end(j - 1), rows=rows, rendering="lines", positional=False)


# ---------------------------------------------------------------- text blocks
def _text_kind(body: str, markdown: bool, letters: bool) -> str:
    """Whether stripped line ``body`` is a heading, a paragraph, chrome or spam (``letters``:
    False when the document holds no character SPAM_HINT_LETTER finds, see _may_hold_letters)."""
    hinted = P.PAGE_HINT.search(body) is not None  # (most lines hold no word of spam or chrome)
    if ((hinted and P.SPAM_HINT.search(body)) or (letters and P.SPAM_HINT_LETTER.search(body))) \
            and P.SPAM_LINE.search(body):
        return "spam"
    if hinted and len(body) < 200 and P.CHROME_LINE.search(body):
        return "chrome"
    if body[-1] in _SENTENCE_END_CHARS:  # (a line that ends a sentence is prose)
        return "paragraph"
    h = H.parse(body, markdown)
    is_heading = h is not None and not h.run_in and (
        h.marker.style != "none" or markdown or (h.keys and len(h.title) <= 20)
    )
    return "heading" if is_heading else "paragraph"


#: _text_kind by (body, markdown), for short bodies (headings, labels and captions repeat within
#: and across reports; the kind does not depend on ``letters``, which only spares a search;
#: bounded: cleared when full)
_KINDS: dict[tuple[str, bool], str] = {}
_KINDS_LIMIT = 20000


def _text_block(t: str, start: int, markdown: bool, letters: bool, end: int | None = None,
                offsets: list[int] | None = None) -> Block | None:
    """The heading, paragraph, chrome or spam block of text ``t`` printed at ``start`` (a line,
    or lines joined: then ``end`` is where the last one ends and ``offsets`` where each of
    the characters of ``t`` is), its span trimmed with its text; None for blank text."""
    body = t.strip()
    if not body:
        return None
    if body is not t:  # (str.strip returns the string itself when there is nothing to trim)
        start += len(t) - len(t.lstrip())
    if end is None:
        end = start + len(body)
    if len(body) > 40:
        kind = _text_kind(body, markdown, letters)
    else:
        kind = _KINDS.get((body, markdown))
        if kind is None:
            kind = _text_kind(body, markdown, letters)
            if len(_KINDS) >= _KINDS_LIMIT:
                _KINDS.clear()
            _KINDS[body, markdown] = kind
    if offsets is not None:
        return Block(kind, start, end, text=body, markdown=markdown, offsets=offsets)
    if markdown:
        return Block(kind, start, end, text=body, markdown=True)
    return Block(kind, start, end, body)  # (keywords cost a noticeable share of a paragraph's time)


#: line kinds a text block is made of
_TEXT_KINDS = frozenset(("text", "tabrow", "pipe", "cellline"))


def _text_blocks(lines: Lines, pending: list[int], blocks: list[Block]) -> None:
    """The text blocks of the lines ``pending`` (that no table took), runs of one-character
    lines joined into one (a heading printed a character a line)."""
    kinds, texts, starts, markdown, letters = lines.kinds, lines.texts, lines.starts, lines.markdown, lines.letters
    short = list(map(lines.short.__getitem__, pending))
    if True not in short:  # (the usual case: no heading printed a character a line)
        for k in pending:
            if kinds[k] in _TEXT_KINDS and (block := _text_block(texts[k], starts[k], k in markdown, letters)) is not None:
                blocks.append(block)
        return
    n = len(pending)
    a = 0
    while a < n:
        b = a
        while b < n and short[b]:
            b += 1
        if b - a >= 3:
            first, last = pending[a], pending[b - 1]
            # (each piece is a text line stripped, not blank: the joined text needs no trimming)
            parts = [(texts[k].strip(), starts[k] + len(texts[k]) - len(texts[k].lstrip())) for k in pending[a:b]]
            joined = "".join(t for t, _ in parts)
            offsets = [at + i for t, at in parts for i in range(len(t))]
            if (block := _text_block(joined, starts[first], first in markdown, letters, lines.end(last), offsets)) is not None:
                blocks.append(block)
            a = b
            continue
        k = pending[a]
        if kinds[k] in _TEXT_KINDS and (block := _text_block(texts[k], starts[k], k in markdown, letters)) is not None:
            blocks.append(block)
        a += 1


def segment(text: str, original: str | None = None) -> list[Block]:
    """Cut normalized ``text`` into blocks. ``original`` (the text before normalization)
    is used only to see markdown heading marks that normalization blanked."""
    lines = Lines(text, original)
    kinds, sorts, spaced = lines.kinds, lines.sorts, lines.spaced
    blocks: list[Block] = []
    pending: list[int] = []  # lines no table took, since the last table
    scattered = _Scattered(lines)
    i = 0
    while i < lines.n:
        # each reader accepts only lines of its kind: offer a line to those that may take it
        kind = kinds[i]
        if kind == "text" and sorts[i] == HARD and spaced[i] is None:
            # (the usual line, prose or a heading: no reader takes a text line that is not a
            # space-aligned row and ends a scattered run)
            pending.append(i)
            i += 1
            continue
        table: Block | None = None
        if kind == "tabrow":
            j = _tab_region(lines, i)
            table = _tab_table(lines, i, j)
        elif kind == "cellline":
            j = _cell_lines_region(lines, i)
            if j > i:
                table = _cell_lines_table(lines, i, j)
        elif kind == "pipe":
            j = _pipe_region(lines, i)
            if j > i:
                table = _pipe_table(lines, i, j)
        else:
            j = _space_region(lines, i) if spaced[i] else i
            if j > i:
                table = _space_table(lines, i, j)
            elif sorts[i] != HARD:  # (a scattered table holds no line that ends one)
                j = scattered.region(i)
                if j > i:
                    table = _scattered_table(lines, i, j)
        if table is None:
            pending.append(i)
            i += 1
            continue
        if pending:
            _text_blocks(lines, pending, blocks)
            pending.clear()
        blocks.append(table)
        i = j
    if pending:
        _text_blocks(lines, pending, blocks)
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
