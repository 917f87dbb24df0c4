"""HTML page -> report text, keeping a map from every output character to the raw HTML.

Part of the decode stage. Government pages wrap the report in navigation, scripts and
footers, and print its statistics as (often malformed, nested, merged-cell) tables. We
keep the body text, drop page chrome, and render every *data* table as tab-separated
rows with rowspan/colspan resolved (a spanned slot becomes an empty cell), so that the
blocks stage reads HTML tables exactly like the tab-row tables of plain-text reports.
A table that contains another table is a layout table: its cells are rendered as
ordinary text, not as a grid.

The page is tokenized exactly as the standard library's ``html.parser`` (of Python 3.11,
with ``convert_charrefs=False``) reads it — same tags, attributes, references, comments
and recovery from broken markup, whatever Python runs us — but without its per-token
cost: the common tokens are read by one regular expression scan, offsets are string
indices (no line/column bookkeeping), and a text keeps its raw offsets as a range, not
as per-character lists. Nothing loops over characters in Python.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

from nlp import patterns as P

#: elements whose whole content is page chrome or not text at all
SKIP_TAGS = frozenset(
    "script style noscript template head nav header footer aside form select option "
    "button iframe object embed svg canvas map".split()
)
#: elements that never have content
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: elements that break a line of text
BLOCK_TAGS = frozenset(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table section article center "
    "blockquote pre title caption hr address figure figcaption main tbody thead tfoot".split()
)
#: deeper nesting than this is flattened (fuzzed pages nest thousands deep)
MAX_DEPTH = 256
#: elements whose content is raw text up to their own end tag, with what ends it
RAW_TEXT_END = {"script": P.HTML_SCRIPT_END, "style": P.HTML_STYLE_END}

_CELL = frozenset(("td", "th"))
_ROW = frozenset(("tr",))
_CELL_OR_ROW = frozenset(("td", "th", "tr"))
_ROW_GROUPS = frozenset(("tbody", "thead", "tfoot"))
_P_OR_LI_STOP = frozenset(("div", "td", "th", "table", "ul", "ol"))
#: start tags that first close an open element: tag -> (names closed, names that stop the search)
_IMPLICIT_CLOSE = {
    "td": (_CELL, frozenset(("tr", "table"))),
    "th": (_CELL, frozenset(("tr", "table"))),
    "tr": (_ROW, frozenset(("table",))),
    "p": (frozenset(("p",)), _P_OR_LI_STOP),
    "li": (frozenset(("li",)), _P_OR_LI_STOP),
}
#: elements whose start does more than open them (see _TreeBuilder._start_tag)
_NOT_SIMPLE = VOID_TAGS | RAW_TEXT_END.keys() | {"title", "table"}
#: elements that are more than a wrapper around a cell's text
_NOT_INLINE = SKIP_TAGS | BLOCK_TAGS | {"pre", "table"}
#: whether a text holds whitespace that rendering collapses (bound once: it runs on every text)
_find_space = P.HTML_SPACE_RUN.search
#: the only attributes that can make an element chrome (see _is_chrome)
_CHROME_ATTRS = frozenset(("hidden", "style", "class", "id"))
#: the attributes of every element written without any (shared: attributes are never changed)
_NO_ATTRS: dict[str, str] = {}


class _Node(list):
    """An element: the list of its children (elements and texts), with its tag, attributes,
    the raw offset of its start tag and whether a table is among its descendants as
    attributes (as xml.etree's Element is the list of its subelements). One object per
    element, made with no Python-level __init__: pages have hundreds of elements."""

    __slots__ = ("tag", "attrs", "pos", "has_table")
    tag: str
    attrs: dict[str, str]
    pos: int
    has_table: bool  # set as the tree is built


def _element(tag: str, attrs: dict[str, str], pos: int) -> _Node:
    node = _Node()
    node.tag, node.attrs, node.pos, node.has_table = tag, attrs, pos, False
    return node


#: A text in the tree is a tuple ``(text, pos, plain, starts, ends)`` (a tuple, not an object:
#: pages hold hundreds, and a tuple costs a fraction of an object to make). While it is one
#: run of the page copied literally, character k came from raw offset ``pos + k`` and
#: ``starts``/``ends`` are None; once a reference or a distant run is appended, they list the
#: span of every character. ``plain``: True when it holds no HTML whitespace (None: not known).
Text = tuple


class _TreeBuilder:
    """Tokenizes like ``html.parser`` and builds a forgiving tree: implicit closes for
    p/li/td/tr, stray end tags ignored.

    ``html.parser`` is fed the whole page and then closed: ``goahead`` runs twice the same
    way (the second pass, at the end of input, reads what the first left as incomplete).
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.root = _element("#root", {}, 0)
        self.open = [self.root]  # the root and the open elements, innermost last
        self.title_parts: list[str] = []
        self._in_title = False
        self._raw_text_end: Any = None  # the end tag pattern while inside a script or style

    def feed_and_close(self) -> None:
        self.goahead(self.goahead(0, False), True)

    # -- tokenizer (html.parser.HTMLParser.goahead and its parse_* methods) ------------
    def goahead(self, i: int, end: bool) -> int:
        """Read from offset ``i``; return where reading stopped (``end``: the page ends here)."""
        raw = self.raw
        n = len(raw)
        startswith = raw.startswith
        while i < n:
            if self._raw_text_end is None:
                i = self._read_tokens(i)
                if i >= n:
                    break
                if self._raw_text_end is not None:
                    continue  # a script or style starts: read its raw text
            else:
                m = self._raw_text_end.search(raw, i)
                if m is None:
                    break
                j = m.start()
                if i < j:
                    self._add_text(raw[i:j], i)
                i = j
            if startswith("<", i):
                if P.HTML_STARTTAG_OPEN.match(raw, i):
                    k = self._parse_starttag(i)
                elif startswith("</", i):
                    k = self._parse_endtag(i)
                elif startswith("<!--", i):
                    k = self._parse_comment(i)
                elif startswith("<?", i):
                    k = raw.find(">", i + 2)
                    k = k + 1 if k >= 0 else -1
                elif startswith("<!", i):
                    k = self._parse_html_declaration(i)
                elif i + 1 < n:
                    self._add_text("<", i)
                    k = i + 1
                else:
                    break
                if k < 0:
                    if not end:
                        break
                    k = raw.find(">", i + 1)
                    if k < 0:
                        k = raw.find("<", i + 1)
                        if k < 0:
                            k = i + 1
                    else:
                        k += 1
                    self._add_text(raw[i:k], i)
                i = k
            elif startswith("&#", i):
                m = P.HTML_CHARREF.match(raw, i)
                if m:
                    i = self._ref(m, i)
                    continue
                if raw.find(";", i) >= 0:  # bail by consuming "&#"
                    self._add_text(raw[i : i + 2], i)
                    i += 2
                break
            else:  # "&"
                m = P.HTML_ENTITYREF.match(raw, i)
                if m:
                    i = self._ref(m, i)
                    continue
                m = P.HTML_INCOMPLETE_REF.match(raw, i)
                if m:
                    if end and m.end() == n:
                        i += 1
                    break
                if i + 1 < n:
                    self._add_text("&", i)
                    i += 1
                else:
                    break
        if end and i < n and self._raw_text_end is None:
            self._add_text(raw[i:n], i)
            i = n
        return i

    def _read_tokens(self, i: int) -> int:
        """Read the common tokens from ``i``; return the offset of the first other one (a "<"
        or "&" the general rules read), or where a script's or style's raw text starts."""
        add_text, start_tag, end_tag, open_ = self._add_text, self._start_tag, self._end_tag, self.open
        for m in P.HTML_TOKEN.finditer(self.raw, i):
            kind = m.lastindex
            if kind == 4:  # <tag>text</end> or <tag></end>
                name, plain, spaced, end = m.group(1, 2, 3, 4)
                pos = m.start()
                tag = name.lower()
                if tag not in _NOT_SIMPLE and (end == name or end.lower() == tag) and not self._in_title \
                        and len(open_) < MAX_DEPTH:
                    # the usual case (<td>12</td>, <p>…</p>), short of the general steps below:
                    # the element, entered and closed at once, has the text as its only child
                    close = _IMPLICIT_CLOSE.get(tag)
                    if close is not None and open_[-1].tag not in close[1]:
                        self._close_to(*close)
                    node = _Node()  # (as _element makes it)
                    node.tag, node.attrs, node.pos, node.has_table = tag, _NO_ATTRS, pos, False
                    if plain is not None or spaced is not None:
                        node.append((plain or spaced, pos + len(name) + 2, plain is not None, None, None))
                    open_[-1].append(node)
                    continue
                start_tag(tag, _NO_ATTRS, pos)
                text_pos = pos + len(name) + 2
                if tag in RAW_TEXT_END:
                    self._raw_text_end = RAW_TEXT_END[tag]
                    return text_pos
                if plain is not None or spaced is not None:
                    add_text(plain or spaced, text_pos)
                end_tag(end.lower())
                continue
            if kind == 10:
                tag = m.group(10).lower()
                if open_[-1].tag == tag and tag != "title":  # (the root's "#root" is no tag name)
                    del open_[-1]  # closes the innermost element, as _end_tag would
                else:
                    end_tag(tag)
                continue
            if kind == 5:
                add_text(m.group(5), m.start())
                continue
            if kind == 11:
                return m.start()
            if kind == 7:
                self._start_end_tag(m.group(6).lower(), _NO_ATTRS, m.start())
                continue
            if kind == 6:
                tag = m.group(6).lower()
                start_tag(tag, _NO_ATTRS, m.start())
            else:  # 9: with attributes
                tag = m.group(8).lower()
                attrs = {name.lower(): v1 or v2 or v3 for name, v1, v2, v3 in P.HTML_PLAIN_ATTRIBUTE.findall(m.group(9))}
                start_tag(tag, attrs, m.start())
            if tag in RAW_TEXT_END:
                self._raw_text_end = RAW_TEXT_END[tag]
                return m.end()
        return len(self.raw)

    def _parse_starttag(self, i: int) -> int:
        endpos = self._whole_start_tag(i)
        if endpos < 0:
            return endpos
        raw = self.raw
        match = P.HTML_TAG_NAME.match(raw, i + 1)
        k = match.end()  # type: ignore[union-attr]
        tag = match.group(1).lower()  # type: ignore[union-attr]
        attrs: dict[str, str] = {}
        while k < endpos:
            m = P.HTML_ATTRIBUTE.match(raw, k)
            if not m:
                break
            name, rest, value = m.group(1, 2, 3)
            if not rest:
                value = None
            elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
                value = value[1:-1]
            attrs[name.lower()] = unescape(value) if value else ""
            k = m.end()
        tail = raw[k:endpos].strip()
        if tail not in (">", "/>"):
            self._add_text(raw[i:endpos], i)
        elif tail == "/>":
            self._start_end_tag(tag, attrs, i)
        else:
            self._start_tag(tag, attrs, i)
            self._raw_text_end = RAW_TEXT_END.get(tag)
        return endpos

    def _whole_start_tag(self, i: int) -> int:
        """End of the start tag at ``i``, or -1 if the page ends inside it."""
        raw = self.raw
        j = P.HTML_STARTTAG_EXTENT.match(raw, i).end()  # type: ignore[union-attr]
        nxt = raw[j : j + 1]
        if nxt == ">":
            return j + 1
        if nxt == "/":
            if raw.startswith("/>", j):
                return j + 2
            return -1  # a "/" not before ">" ends the extent only at the end of input
        if nxt == "" or nxt in "abcdefghijklmnopqrstuvwxyz=/ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            return -1
        return j if j > i else i + 1

    def _parse_endtag(self, i: int) -> int:
        raw = self.raw
        gt = raw.find(">", i + 1)
        if gt < 0:
            return -1
        gtpos = gt + 1
        match = P.HTML_ENDTAG.match(raw, i)
        if not match:
            if self._raw_text_end is not None:
                self._add_text(raw[i:gtpos], i)
                return gtpos
            namematch = P.HTML_TAG_NAME.match(raw, i + 2)
            if not namematch:
                if raw.startswith("</>", i):
                    return i + 3
                return self._parse_bogus_comment(i)
            self._end_tag(namematch.group(1).lower())
            return raw.find(">", namematch.end()) + 1
        elem = match.group(1).lower()
        if self._raw_text_end is not None and RAW_TEXT_END.get(elem) is not self._raw_text_end:
            self._add_text(raw[i:gtpos], i)
            return gtpos
        self._end_tag(elem)
        self._raw_text_end = None
        return gtpos

    def _ref(self, m, i: int) -> int:
        """Add the character or entity reference matched at ``i`` (its ';' included only when
        present, as html.parser does); returns where reading goes on."""
        k = m.end()
        if self.raw[k - 1] != ";":
            k -= 1
        self._add_ref(i, k)
        return k

    def _parse_comment(self, i: int) -> int:
        m = P.HTML_COMMENT_CLOSE.search(self.raw, i + 4)
        return m.end() if m else -1

    def _parse_bogus_comment(self, i: int) -> int:
        pos = self.raw.find(">", i + 2)
        return pos + 1 if pos >= 0 else -1

    def _parse_html_declaration(self, i: int) -> int:
        raw = self.raw
        if raw.startswith("<![", i):
            return self._parse_marked_section(i)
        if raw[i : i + 9].lower() == "<!doctype":
            gtpos = raw.find(">", i + 9)
            return gtpos + 1 if gtpos >= 0 else -1
        return self._parse_bogus_comment(i)

    def _parse_marked_section(self, i: int) -> int:
        raw = self.raw
        j = i + 3
        if j == len(raw):
            return -1
        m = P.HTML_DECL_NAME.match(raw, j)
        if not m:  # html.parser gives up on the whole page here; a browser skips the tag
            return self._parse_bogus_comment(i)
        if m.end() == len(raw):
            return -1
        name = m.group().strip().lower()
        if name in ("temp", "cdata", "ignore", "include", "rcdata"):
            close = P.HTML_MARKED_CLOSE.search(raw, j)
        elif name in ("if", "else", "endif"):
            close = P.HTML_MS_MARKED_CLOSE.search(raw, j)
        else:  # an unknown keyword: html.parser raises, a browser skips the tag
            return self._parse_bogus_comment(i)
        return close.end() if close else -1

    # -- tree ------------------------------------------------------------------------
    def _close_to(self, names: frozenset[str], stop: frozenset[str]) -> None:
        """Close the innermost open element named ``names`` unless a ``stop`` one comes first."""
        open_ = self.open
        for k in range(len(open_) - 1, 0, -1):
            tag = open_[k].tag
            if tag in stop:
                return
            if tag in names:
                del open_[k:]
                return

    def _start_tag(self, tag: str, attrs: dict[str, str], pos: int) -> None:
        """Add the element; enter it unless it is void or too deep."""
        if tag == "title":
            self._in_title = True
        open_ = self.open
        close = _IMPLICIT_CLOSE.get(tag)
        if close is not None and open_[-1].tag not in close[1]:  # (a <td> right in its <tr>: nothing to close)
            self._close_to(*close)
        node = _Node()  # (as _element makes it)
        node.tag, node.attrs, node.pos, node.has_table = tag, attrs, pos, False
        open_[-1].append(node)
        if tag == "table":
            self._mark_table()
        if tag not in VOID_TAGS and len(open_) < MAX_DEPTH:
            open_.append(node)

    def _start_end_tag(self, tag: str, attrs: dict[str, str], pos: int) -> None:
        """``<tag/>``: an element that is not entered (and closes nothing)."""
        self.open[-1].append(_element(tag, attrs, pos))
        if tag == "table":
            self._mark_table()

    def _mark_table(self) -> None:
        """A table was added to the innermost open element: it and every element around it
        now hold one (marking stops at the first one already marked: linear time overall)."""
        for node in reversed(self.open):
            if node.has_table:
                return
            node.has_table = True

    def _end_tag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        open_ = self.open
        for k in range(len(open_) - 1, 0, -1):
            name = open_[k].tag
            if name == tag:
                del open_[k:]
                return
            if name == "table" and tag in _CELL_OR_ROW:
                return  # never let a cell end tag close the enclosing table

    def _add_text(self, text: str, pos: int) -> None:
        """Characters copied literally from raw offset ``pos``."""
        self._append(text, pos, None, None)

    def _add_ref(self, pos: int, end: int) -> None:
        """The character reference ``raw[pos:end]``: its characters all span the reference."""
        ref = self.raw[pos:end]
        text = unescape(ref)
        if text == ref:  # unknown entity: keep it literally
            self._append(text, pos, None, None)
        else:
            self._append(text, 0, [pos] * len(text), [end] * len(text))

    def _append(self, text: str, pos: int, starts: list[int] | None, ends: list[int] | None) -> None:
        """Add ``text`` to the innermost open element, joined to the text that ends it if
        any. ``starts``/``ends``: the raw span of each character, or None when character k
        came from raw offset ``pos + k`` (see Text)."""
        if self._in_title:
            self.title_parts.append(text)
        kids = self.open[-1]
        last = kids[-1] if kids else None
        if last.__class__ is not tuple:
            kids.append((text, pos, None, starts, ends))
            return
        old, start, _, old_starts, old_ends = last
        if old_starts is None:
            if starts is None and start + len(old) == pos:
                kids[-1] = (old + text, start, None, None, None)  # still one literal run
                return
            old_starts = list(range(start, start + len(old)))
            old_ends = list(range(start + 1, start + len(old) + 1))
        if starts is None:
            old_starts += range(pos, pos + len(text))
            old_ends += range(pos + 1, pos + len(text) + 1)
        else:
            old_starts += starts
            old_ends += ends  # type: ignore[arg-type]
        kids[-1] = (old + text, 0, None, old_starts, old_ends)


def _is_chrome(node: _Node) -> bool:
    if node.tag in SKIP_TAGS:
        return True
    attrs = node.attrs
    if not attrs or attrs.keys().isdisjoint(_CHROME_ATTRS):  # (<td colspan="2">: none of them)
        return False
    if "hidden" in attrs:
        return True
    style = attrs.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    ident = f'{attrs.get("class", "")} {attrs.get("id", "")}'
    return bool(ident.strip()) and P.HTML_CHROME_ID.search(ident) is not None


def _collapse(text: str, run: Any, strip: bool, keep_first: bool) -> tuple[str, list[tuple[int, int]]]:
    """Each whitespace run of ``text`` (matches of ``run``) becomes one space, kept at the
    run's first character. ``strip`` drops a run at either end; ``keep_first`` False drops a
    run at the start (the text follows a space). Returns the text and the index ranges of
    ``text`` that make it (a kept run is the range of its first character)."""
    out: list[str] = []
    ranges: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    for m in run.finditer(text):
        a, b = m.span()
        if a > pos:
            out.append(text[pos:a])
            ranges.append((pos, a))
        if (a > 0 or keep_first) and not (strip and (a == 0 or b == n)):
            out.append(" ")
            ranges.append((a, a + 1))
        pos = b
    if pos < n:
        out.append(text[pos:])
        ranges.append((pos, n))
    return "".join(out), ranges


class _Renderer:
    """Walks the tree and writes text, remembering the raw span of each character in arrays:
    the offsets of a run copied literally from raw offset p are the slice ``iota[p:p + n]``
    (shifted by one for the ends), copied in C with no int object per character, and the
    arrays are the result (no conversion of lists at the end)."""

    def __init__(self, iota: array) -> None:
        self.chars: list[str] = []
        self.starts = array("l")
        self.ends = array("l")
        self.iota = iota  # item k is k, for every raw offset and one more (see _iota)
        self.last = ""  # the last character written

    def here(self, default: int) -> int:
        """Where the text written so far ends in the page: a line break closing an element
        goes there, not to the element's start (before its own text: a span ending on that
        break would end before it began)."""
        return self.ends[-1] if self.ends else default

    def newline(self, pos: int) -> None:
        """A line break for the block tag at ``pos``, unless a line just ended."""
        if self.last != "\n":
            self.chars.append("\n")
            self.starts.append(pos)
            self.ends.append(pos)
            self.last = "\n"

    def put(self, t: Text) -> None:
        """Write all of text ``t``."""
        text, p, _, starts, ends = t
        self.chars.append(text)
        self.last = text[-1:]  # ("" for an empty text: a reference to no character, "&#1;")
        if starts is not None:
            self.starts.extend(starts)
            self.ends.extend(ends)
        else:
            iota = self.iota
            self.starts += iota[p : p + len(text)]
            self.ends += iota[p + 1 : p + len(text) + 1]

    def put_parts(self, t: Text, text: str, ranges: list[tuple[int, int]]) -> None:
        """Write ``text``, made of the characters of text ``t`` in ``ranges``."""
        if not text:
            return
        self.chars.append(text)
        self.last = text[-1]
        _, p, _, starts, ends = t
        if starts is None:
            iota = self.iota
            for a, b in ranges:
                self.starts += iota[p + a : p + b]
                self.ends += iota[p + a + 1 : p + b + 1]
        else:  # (lists from the tree builder, or a sub-renderer's arrays)
            for a, b in ranges:
                self.starts.extend(starts[a:b])
                self.ends.extend(ends[a:b])

    def text_node(self, t: Text, pre: bool) -> None:
        """Write a text, its whitespace collapsed unless in <pre>."""
        if pre or t[2]:
            self.put(t)
            return
        text = t[0]
        if not text:
            return
        if not text.strip(" \t\r\n\f"):  # only whitespace (between tags): a space, unless after one
            if self.last not in (" ", "\n", "\t"):
                self.put_parts(t, " ", [(0, 1)])
        elif _find_space(text) is None:
            self.put(t)
        else:
            self.put_parts(t, *_collapse(text, P.HTML_SPACE_RUN, False, self.last not in (" ", "\n", "\t")))

    def walk(self, node: _Node, pre: bool) -> None:
        """Write the content of ``node`` (itself neither checked for chrome nor a table)."""
        for child in node:
            if child.__class__ is tuple:
                self.text_node(child, pre)
                continue
            tag = child.tag
            if tag in SKIP_TAGS or (child.attrs and _is_chrome(child)):
                continue
            if tag == "table" and not child.has_table:
                self.newline(child.pos)
                self.table(child)
                self.newline(self.here(child.pos))
                continue
            block = tag in BLOCK_TAGS
            if block and self.last != "\n":
                self.newline(child.pos)
            if child:
                self.walk(child, pre or tag == "pre")
            if block and self.last != "\n":
                self.newline(self.here(child.pos))

    def table(self, table: _Node) -> None:
        """Render a leaf table as tab rows with rowspan/colspan resolved."""
        rows = [_cells(tr) for tr in _tags(table, _ROW, _ROW_GROUPS)]
        if not rows:  # cells without <tr>: one row
            rows = [_tags(table, _CELL, _ROW_GROUPS)]
        grid: list[dict[int, _Node | None]] = []  # row -> column -> cell (None: a spanned slot)
        # slots spans may fill: a few times the table's cells (the template's tables span a
        # row or a group of columns), not rowspan x colspan per cell, which lets a page of
        # 300 cells spanning 100 x 100 expand into millions of tabs; spans past it count as 1
        budget = _SPAN_SLOTS_PER_CELL * sum(map(len, rows)) + _SPAN_SLOTS
        for r, cells in enumerate(rows):
            while len(grid) <= r:
                grid.append({})
            row = grid[r]
            if not row and not any(cell.attrs for cell in cells):
                grid[r] = dict(enumerate(cells))  # no spans in or over the row: the cells in order
                continue
            c = 0
            for cell in cells:
                while c in row:
                    c += 1
                attrs = cell.attrs
                rs = _span(attrs.get("rowspan")) if "rowspan" in attrs else 1
                cs = _span(attrs.get("colspan")) if "colspan" in attrs else 1
                if rs * cs > 1:
                    budget -= rs * cs
                    if budget < 0:
                        rs = cs = 1
                if rs == 1 and cs == 1:
                    row[c] = cell
                    c += 1
                    continue
                for dr in range(rs):
                    while len(grid) <= r + dr:
                        grid.append({})
                    slots = grid[r + dr]
                    for dc in range(cs):
                        slots[c + dc] = cell if dr == 0 and dc == 0 else None
                c += cs
        chars, starts, ends, iota = self.chars, self.starts, self.ends, self.iota
        for r, row in enumerate(grid):
            if not row:
                continue
            # a tab or the row's line break goes where the cell before it ends: the end of its
            # text, or the start tag of a cell that wrote nothing (where a blank cell is shown);
            # not at the start tag of a cell with text, before that text: a span ending on the
            # break would end before it began
            at = rows[r][0].pos if r < len(rows) and rows[r] else table.pos
            for c in range(max(row) + 1):
                if c:
                    chars.append("\t")
                    starts.append(at)
                    ends.append(at)
                cell = row.get(c)
                if cell is None:
                    continue
                written = len(ends)
                only = cell[0] if len(cell) == 1 else None
                if only.__class__ is tuple and only[2] and only[3] is None:
                    # the usual cell: one literal text, no whitespace (self.put without
                    # setting self.last, which the row's line break sets)
                    text, p = only[0], only[1]
                    chars.append(text)
                    starts += iota[p : p + len(text)]
                    ends += iota[p + 1 : p + len(text) + 1]
                elif cell:  # (an empty cell writes nothing)
                    self.cell_text(cell)
                at = ends[-1] if len(ends) > written else cell.pos
            chars.append("\n")
            starts.append(at)
            ends.append(at)
            self.last = "\n"

    def cell_text(self, cell: _Node) -> None:
        """A cell's text on one line: inner line breaks and tabs become single spaces."""
        if not cell:
            return
        node = cell
        while len(node) == 1:  # the usual cell: one text, maybe inside <span> or <b>
            only = node[0]
            if only.__class__ is tuple:
                if not only[0]:
                    return
                if only[2] or _find_space(only[0]) is None:
                    self.put(only)
                else:
                    self.put_parts(only, *_collapse(only[0], P.HTML_SPACE_RUN, True, False))
                return
            if only.attrs or only.tag in _NOT_INLINE:
                break
            node = only
        sub = _Renderer(self.iota)
        sub.last = " "  # so leading whitespace collapses
        sub.walk(cell, False)
        written = "".join(sub.chars)
        self.put_parts((written, 0, None, sub.starts, sub.ends), *_collapse(written, P.HTML_CELL_SPACE_RUN, True, False))


#: grid slots spans may fill in one table: so many per cell, and so many more (``table``)
_SPAN_SLOTS_PER_CELL = 16
_SPAN_SLOTS = 2000


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip() or 1), 100))
    except ValueError:
        return 1


def _cells(tr: _Node) -> list[_Node]:
    """The cells of a row, chrome skipped."""
    return [c for c in tr if c.__class__ is _Node and c.tag in _CELL and not (c.attrs and _is_chrome(c))]


def _tags(node: _Node, names: frozenset[str], into: frozenset[str]) -> list[_Node]:
    """The elements named ``names`` among the children of ``node``, looking inside ``into``
    elements (row groups), in document order; chrome is skipped."""
    found: list[_Node] = []
    stack = node[::-1]
    while stack:
        child = stack.pop()
        if child.__class__ is tuple:
            continue
        tag = child.tag
        if tag in SKIP_TAGS or (child.attrs and _is_chrome(child)):
            continue
        if tag in names:
            found.append(child)
        elif tag in into:
            stack.extend(child[::-1])
    return found


@dataclass
class HtmlText:
    text: str
    starts: array
    ends: array
    title: str | None


def html_to_text(raw: str) -> HtmlText:
    """Render an HTML page to report text with a raw-offset map for every character."""
    builder = _TreeBuilder(raw)
    builder.feed_and_close()
    r = _Renderer(_iota(len(raw) + 1))
    r.walk(builder.root, False)
    title = " ".join("".join(builder.title_parts).split()) or None
    return HtmlText("".join(r.chars), r.starts, r.ends, title)


#: the longest offset array kept between pages (8 MB); a longer page makes its own
_IOTA_KEEP = 1 << 20
_iota_kept = array("l")


def _iota(n: int) -> array:
    """An array of at least ``n`` items whose item k is k. Made once and kept (grown by
    doubling) for pages up to _IOTA_KEEP characters, so that a page's cost is slicing it."""
    global _iota_kept
    if len(_iota_kept) >= n:
        return _iota_kept
    iota = _to_array(range(max(n, min(2 * len(_iota_kept), _IOTA_KEEP))))
    if len(iota) <= _IOTA_KEEP:
        _iota_kept = iota
    return iota


def _to_array(values: Sequence[int]) -> array:
    """``array("l", values)``, made through ``struct``, which converts a list about twice as
    fast as the array module (that parses every item as a function argument)."""
    out = array("l")
    for k in range(0, len(values), 1 << 16):
        chunk = values[k : k + (1 << 16)]
        out.frombytes(struct.pack(f"{len(chunk)}l", *chunk))
    return out
