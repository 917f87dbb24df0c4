"""HTML page -> report text, keeping a map from every output character to the raw HTML.

Part of the decode stage. Government pages wrap the report in navigation, scripts and
footers, and print its statistics as (often malformed, nested, merged-cell) tables. We
keep the body text, drop page chrome, and render every *data* table as tab-separated
rows with rowspan/colspan resolved (a spanned slot becomes an empty cell), so that the
blocks stage reads HTML tables exactly like the tab-row tables of plain-text reports.
A table that contains another table is a layout table: its cells are rendered as
ordinary text, not as a grid.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

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


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    pos: int  # offset of the start tag in the raw HTML
    children: list = field(default_factory=list)  # _Node | _Text
    parent: _Node | None = None
    depth: int = 0


@dataclass
class _Text:
    text: str  # decoded characters
    starts: list[int]  # raw offset of each character
    ends: list[int]


class _TreeBuilder(HTMLParser):
    """Builds a forgiving tree: implicit closes for p/li/td/tr, stray end tags ignored."""

    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.line_starts = [0] + [m.end() for m in P.NEWLINE.finditer(raw)]
        self.root = _Node("#root", {}, 0)
        self.cur = self.root
        self.title_parts: list[str] = []
        self._in_title = False

    # -- positions -------------------------------------------------------------------
    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    # -- tree ------------------------------------------------------------------------
    def _close_to(self, names: frozenset[str], stop: frozenset[str] = frozenset()) -> None:
        node = self.cur
        while node is not self.root and node.tag not in stop:
            if node.tag in names:
                self.cur = node.parent or self.root
                return
            node = node.parent  # type: ignore[assignment]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pos = self._offset()
        if tag == "title":
            self._in_title = True
        if tag in ("td", "th"):
            self._close_to(frozenset(("td", "th")), stop=frozenset(("tr", "table")))
        elif tag == "tr":
            self._close_to(frozenset(("tr",)), stop=frozenset(("table",)))
        elif tag in ("p", "li"):
            self._close_to(frozenset((tag,)), stop=frozenset(("div", "td", "th", "table", "ul", "ol")))
        node = _Node(tag, {k: (v or "") for k, v in attrs}, pos, parent=self.cur, depth=self.cur.depth + 1)
        self.cur.children.append(node)
        if tag not in VOID_TAGS and node.depth < MAX_DEPTH:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: (v or "") for k, v in attrs}, self._offset(), parent=self.cur)
        self.cur.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        node = self.cur
        while node is not self.root:
            if node.tag == tag:
                self.cur = node.parent or self.root
                return
            if tag in ("td", "th", "tr") and node.tag == "table":
                return  # never let a cell end tag close the enclosing table
            node = node.parent  # type: ignore[assignment]

    def _add_text(self, text: str, starts: list[int], ends: list[int]) -> None:
        if self._in_title:
            self.title_parts.append(text)
        kids = self.cur.children
        if kids and isinstance(kids[-1], _Text):
            last = kids[-1]
            last.text += text
            last.starts.extend(starts)
            last.ends.extend(ends)
        else:
            kids.append(_Text(text, starts, ends))

    def handle_data(self, data: str) -> None:
        pos = self._offset()
        self._add_text(data, list(range(pos, pos + len(data))), list(range(pos + 1, pos + len(data) + 1)))

    def _handle_ref(self, ref: str) -> None:
        pos = self._offset()
        text = unescape(ref)
        end = pos + len(ref)
        if text == ref:  # unknown entity: keep it literally
            self._add_text(text, list(range(pos, end)), list(range(pos + 1, end + 1)))
        else:
            self._add_text(text, [pos] * len(text), [end] * len(text))

    def handle_entityref(self, name: str) -> None:
        ref = f"&{name};" if self.raw.startswith(f"&{name};", self._offset()) else f"&{name}"
        self._handle_ref(ref)

    def handle_charref(self, name: str) -> None:
        ref = f"&#{name};" if self.raw.startswith(f"&#{name};", self._offset()) else f"&#{name}"
        self._handle_ref(ref)


def _is_chrome(node: _Node) -> bool:
    if node.tag in SKIP_TAGS:
        return True
    if node.attrs.get("hidden") is not None and "hidden" in node.attrs:
        return True
    style = node.attrs.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    ident = f'{node.attrs.get("class", "")} {node.attrs.get("id", "")}'
    return bool(ident.strip()) and P.HTML_CHROME_ID.search(ident) is not None


class _Renderer:
    """Walks the tree and writes text, remembering the raw span of each character."""

    def __init__(self, raw_len: int) -> None:
        self.chars: list[str] = []
        self.starts = array("l")
        self.ends = array("l")
        self.raw_len = raw_len

    def emit(self, text: str, starts: list[int], ends: list[int]) -> None:
        self.chars.append(text)
        self.starts.extend(starts)
        self.ends.extend(ends)

    def newline(self, pos: int) -> None:
        if self.chars and self.chars[-1].endswith("\n"):
            return
        self.emit("\n", [pos], [pos])

    def text_node(self, t: _Text, pre: bool) -> None:
        if pre:
            self.emit(t.text, t.starts, t.ends)
            return
        out: list[str] = []
        st: list[int] = []
        en: list[int] = []
        prev_space = bool(self.chars) and self.chars[-1][-1:] in (" ", "\n", "\t")
        for ch, s, e in zip(t.text, t.starts, t.ends):
            if ch in " \t\r\n\f":
                if prev_space:
                    continue
                ch = " "
                prev_space = True
            else:
                prev_space = False
            out.append(ch)
            st.append(s)
            en.append(e)
        if out:
            self.emit("".join(out), st, en)

    def render(self, root: _Node) -> None:
        # iterative walk: (node, phase) with phase 0 = enter, 1 = leave
        stack: list[tuple[object, int, bool]] = [(root, 0, False)]
        while stack:
            node, phase, pre = stack.pop()
            if isinstance(node, _Text):
                self.text_node(node, pre)
                continue
            assert isinstance(node, _Node)
            if phase == 1:
                if node.tag in BLOCK_TAGS:
                    self.newline(node.pos)
                continue
            if node is not root and _is_chrome(node):
                continue
            if node.tag == "table" and not _has_descendant(node, "table"):
                self.newline(node.pos)
                self.table(node)
                self.newline(node.pos)
                continue
            if node.tag in BLOCK_TAGS:
                self.newline(node.pos)
            in_pre = pre or node.tag == "pre"
            stack.append((node, 1, in_pre))
            for child in reversed(node.children):
                stack.append((child, 0, in_pre))

    def table(self, table: _Node) -> None:
        """Render a leaf table as tab rows with rowspan/colspan resolved."""
        rows: list[list[_Node]] = []
        for tr in _iter_tags(table, "tr", into=frozenset(("tbody", "thead", "tfoot"))):
            rows.append(list(_iter_tags(tr, ("td", "th"), into=frozenset())))
        if not rows:  # cells without <tr>: one row
            rows = [list(_iter_tags(table, ("td", "th"), into=frozenset(("tbody", "thead", "tfoot"))))]
        occupied: dict[tuple[int, int], bool] = {}
        grid: list[dict[int, _Node | None]] = []
        for r, cells in enumerate(rows):
            while len(grid) <= r:
                grid.append({})
            c = 0
            for cell in cells:
                while occupied.get((r, c)):
                    c += 1
                rs = _span(cell.attrs.get("rowspan"))
                cs = _span(cell.attrs.get("colspan"))
                for dr in range(rs):
                    while len(grid) <= r + dr:
                        grid.append({})
                    for dc in range(cs):
                        occupied[(r + dr, c + dc)] = True
                        grid[r + dr][c + dc] = cell if (dr, dc) == (0, 0) else None
                c += cs
        for r, row in enumerate(grid):
            if not row:
                continue
            width = max(row) + 1
            pos = rows[r][0].pos if r < len(rows) and rows[r] else table.pos
            for c in range(width):
                if c:
                    self.emit("\t", [pos], [pos])
                cell = row.get(c)
                if cell is not None:
                    pos = cell.pos
                    self.cell_text(cell)
            self.emit("\n", [pos], [pos])

    def cell_text(self, cell: _Node) -> None:
        """A cell's text on one line: inner line breaks and tabs become single spaces."""
        sub = _Renderer(self.raw_len)
        sub.chars.append(" ")  # so leading whitespace collapses
        sub.starts.append(cell.pos)
        sub.ends.append(cell.pos)
        sub.render(cell)
        text = "".join(sub.chars)[1:]
        starts, ends = sub.starts[1:], sub.ends[1:]
        out, st, en = [], [], []
        for ch, s, e in zip(text, starts, ends):
            if ch in "\n\t":
                ch = " "
            if ch == " " and (not out or out[-1] == " "):
                continue
            out.append(ch)
            st.append(s)
            en.append(e)
        while out and out[-1] == " ":
            out.pop()
            st.pop()
            en.pop()
        if out:
            self.emit("".join(out), st, en)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip() or 1), 100))
    except ValueError:
        return 1


def _iter_tags(node: _Node, names, into: frozenset[str]):
    names = (names,) if isinstance(names, str) else names
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if not isinstance(child, _Node) or _is_chrome(child):
            continue
        if child.tag in names:
            yield child
        elif child.tag in into:
            stack.extend(reversed(child.children))


def _has_descendant(node: _Node, tag: str) -> bool:
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if isinstance(child, _Node):
            if child.tag == tag:
                return True
            stack.extend(child.children)
    return False


@dataclass
class HtmlText:
    text: str
    starts: array
    ends: array
    title: str | None


def html_to_text(raw: str) -> HtmlText:
    """Render an HTML page to report text with a raw-offset map for every character."""
    builder = _TreeBuilder(raw)
    builder.feed(raw)
    builder.close()
    r = _Renderer(len(raw))
    r.render(builder.root)
    text = "".join(r.chars)
    title = " ".join("".join(builder.title_parts).split()) or None
    return HtmlText(text, r.starts, r.ends, title)
