"""The summary database: an embedded SQLite file that ``batch`` fills and ``query`` reads.

Why SQLite: one file next to the summaries, nothing to run, safe against a kill at any
point (each report is written in one transaction, WAL journal), and readable by any tool.

- A report is keyed by its content hash: writing the same content again replaces its rows
  (never a second copy); each path that held it is a row of ``sources``. A path whose
  content changed is moved to the new report, and a report left with no path is removed.
- ``batch`` writes a report here *before* its line in ``index.jsonl``: a kill between the two
  means the report is done again and written again, so every report is in the database once.
- A report's summary is kept whole, as the text of its summary file (``summaries``); its
  sections, cells, checks and warnings are views over that text, and its statements a table
  of their own (they are searched: full-text index, themes).
- The schema is versioned (``PRAGMA user_version``); migrations run in order when a
  database is opened, each in its own transaction. A database newer than the code is refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp import agency as agency_mod
from nlp import normalize
from nlp import patterns as P
from nlp.errors import GkError
from nlp.summary import to_json

DEFAULT_NAME = "gkreport.sqlite"
#: JSON of the small lists and objects stored in columns, as json.dumps(ensure_ascii=False)
#: writes them (one encoder, not one per call: a report stores dozens)
_json = json.JSONEncoder(ensure_ascii=False).encode

_V1 = """
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,              -- the path last written (as given to batch)
    agency TEXT,                       -- as printed (meta.agency)
    agency_full TEXT,                  -- with its region when the name omits it and the region is known
    agency_key TEXT,                   -- region/canonical department: the same agency across years
    region TEXT, region_from TEXT, level TEXT, kind TEXT, department TEXT,
    year INTEGER, title TEXT, template TEXT, format TEXT, encoding TEXT, model TEXT,
    n_problems INTEGER NOT NULL, n_remedies INTEGER NOT NULL, n_failed INTEGER NOT NULL,
    stored_at TEXT NOT NULL            -- the summary itself: table summaries (schema 4)
);
CREATE TABLE sources (
    path TEXT PRIMARY KEY,             -- absolute path of an input file that holds this content
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    rel TEXT
);
CREATE TABLE sections (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, key TEXT NOT NULL, title TEXT,
    span_start INTEGER, span_end INTEGER, method TEXT, confidence REAL,
    PRIMARY KEY (report_id, ord)
) WITHOUT ROWID;
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, label TEXT NOT NULL, confidence REAL, section TEXT,
    span_start INTEGER, span_end INTEGER,
    themes TEXT NOT NULL,              -- JSON list, as in the summary
    theme_scores TEXT,                 -- JSON object, as in the summary
    text TEXT NOT NULL
);
CREATE TABLE statement_themes (
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    report_id INTEGER NOT NULL, theme TEXT NOT NULL, score REAL,
    PRIMARY KEY (statement_id, theme)
) WITHOUT ROWID;
CREATE TABLE cells (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key TEXT NOT NULL, value, raw TEXT, uncertain INTEGER NOT NULL, reason TEXT,  -- value: as in the summary (int, float or null)
    span_start INTEGER, span_end INTEGER,
    PRIMARY KEY (report_id, key)
) WITHOUT ROWID;
CREATE TABLE checks (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, rule TEXT NOT NULL, ok INTEGER NOT NULL, detail TEXT,
    numbers TEXT,                      -- JSON object: cell key -> value
    PRIMARY KEY (report_id, ord)
) WITHOUT ROWID;
CREATE TABLE warnings (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (report_id, ord)
) WITHOUT ROWID;
CREATE TABLE errors (
    path TEXT PRIMARY KEY, sha256 TEXT, code TEXT, error TEXT, stored_at TEXT
);
CREATE INDEX reports_year ON reports(year);
CREATE INDEX reports_key ON reports(agency_key, year);
CREATE INDEX sources_report ON sources(report_id);
CREATE INDEX statements_report ON statements(report_id);
CREATE INDEX statement_themes_theme ON statement_themes(theme, report_id);
-- no index on cells(key): it would touch some 200 scattered pages per report written and make
-- batch writes 2-3x slower; `query cells KEY` scans the table instead (0.1 s per 1,000 reports)
CREATE INDEX checks_rule ON checks(rule, ok);
"""

# Full-text search over statements: FTS5 with the trigram tokenizer finds any Chinese
# substring of 3+ characters (shorter keywords fall back to LIKE in nlp.query).
_V2_FTS = """
CREATE VIRTUAL TABLE statements_fts USING fts5(text, content='statements', content_rowid='id', tokenize='trigram');
CREATE TRIGGER statements_fts_ai AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER statements_fts_ad AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER statements_fts_au AFTER UPDATE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO statements_fts(statements_fts) VALUES ('rebuild');
"""


def has_trigram() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+ built with FTS5)."""
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        con.close()
        return True
    except sqlite3.Error:
        return False


def _v2(con: sqlite3.Connection) -> str:
    return _V2_FTS if has_trigram() else ""  # without it, keyword search uses LIKE only


# Keyword search in one script: a report printed in traditional characters keeps its
# statements as printed (``text``), and ``search`` holds them in simplified script
# (NULL when the two are the same). The index is built from COALESCE(search, text), and
# query converts the keyword too, so 网站 finds 網站 and 網站 finds 网站. The index is
# contentless (it never reads the statements table back), so a row is taken out of it
# with the very value it was indexed with, which the row itself keeps.
_V3_COLUMN = """
ALTER TABLE statements ADD COLUMN search TEXT;  -- the text in simplified script, when it differs
UPDATE statements SET search = gk_simplified(text) WHERE gk_simplified(text) <> text;
"""
_V3_FTS = """
DROP TRIGGER IF EXISTS statements_fts_ai;
DROP TRIGGER IF EXISTS statements_fts_ad;
DROP TRIGGER IF EXISTS statements_fts_au;
DROP TABLE IF EXISTS statements_fts;
CREATE VIRTUAL TABLE statements_fts USING fts5(text, content='', tokenize='trigram');
CREATE TRIGGER statements_fts_ai AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, COALESCE(new.search, new.text));
END;
CREATE TRIGGER statements_fts_ad AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, COALESCE(old.search, old.text));
END;
CREATE TRIGGER statements_fts_au AFTER UPDATE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, COALESCE(old.search, old.text));
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, COALESCE(new.search, new.text));
END;
INSERT INTO statements_fts(rowid, text) SELECT id, COALESCE(search, text) FROM statements;
"""


def _v3(con: sqlite3.Connection) -> str:
    # the statements already stored get their simplified form (the function only serves
    # this migration: the store computes ``search`` itself when it writes)
    con.create_function("gk_simplified", 1, normalize.to_simplified, deterministic=True)
    return _V3_COLUMN + (_V3_FTS if has_trigram() else "")


# Version 4: each report's summary is stored whole, as the text of its summary file, and
# what version 1 stored row by row (sections, ~200 cells, ~60 checks, warnings) is read from
# it through views of the same names and columns. A report was ~290 rows: the store took
# 11.4M instructions per report (callgrind, 200 generated reports into one database), 5.9M
# this way; the whole batch with the shipped model went from 30.5M to 25.4M. What a view
# costs instead is parsing the JSON of the reports a query reads (~0.2 ms per report); a
# lookup by report stays one row.
_V4_SUMMARIES = """
CREATE TABLE summaries (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    json TEXT NOT NULL                 -- the summary file's text, byte for byte (SUMMARY.md)
);
"""
_V4_VIEWS = """
DROP INDEX IF EXISTS checks_rule;
DROP TABLE sections;
DROP TABLE cells;
DROP TABLE checks;
DROP TABLE warnings;
CREATE VIEW sections (report_id, ord, key, title, span_start, span_end, method, confidence) AS
    SELECT s.report_id, j.key, json_extract(j.value, '$.key'), json_extract(j.value, '$.title'),
           json_extract(j.value, '$.start'), json_extract(j.value, '$.end'), json_extract(j.value, '$.method'),
           json_extract(j.value, '$.confidence')
    FROM summaries s, json_each(s.json, '$.sections') j;
-- value: as in the summary (int, float or null); uncertain: 0 or 1
CREATE VIEW cells (report_id, key, value, raw, uncertain, reason, span_start, span_end) AS
    SELECT s.report_id, j.key, json_extract(j.value, '$.value'), json_extract(j.value, '$.raw'),
           COALESCE(json_extract(j.value, '$.uncertain'), 0), json_extract(j.value, '$.reason'),
           json_extract(j.value, '$.start'), json_extract(j.value, '$.end')
    FROM summaries s, json_each(s.json, '$.tables') j;
-- numbers: the JSON object of cell key -> value (NULL when the check has none)
CREATE VIEW checks (report_id, ord, rule, ok, detail, numbers) AS
    SELECT s.report_id, j.key, json_extract(j.value, '$.rule'), json_extract(j.value, '$.ok'),
           json_extract(j.value, '$.detail'), json_extract(j.value, '$.numbers')
    FROM summaries s, json_each(s.json, '$.checks') j;
CREATE VIEW warnings (report_id, ord, text) AS
    SELECT s.report_id, j.key, j.value FROM summaries s, json_each(s.json, '$.warnings') j;
"""


# Also in version 4: statements enter the full-text index when their transaction commits (a
# batch's group of reports, or a report written on its own), not row by row from a trigger.
# FTS5 writes a new index segment at every savepoint, so a trigger made one segment per report
# (and merged them again): 1.4M of the store's 5.9M instructions per report, 0.3M as one
# INSERT per group. ``fts_state.upto``: every statement with an id up to it is indexed, none
# above it is; ids are never given twice (a new one is above both the largest id and ``upto``),
# and a row taken out of the index must be one that is in it, so the delete trigger asks.
_V4_FTS_STATE = """
CREATE TABLE fts_state (upto INTEGER NOT NULL);  -- statements with id <= upto are in the full-text index
INSERT INTO fts_state SELECT COALESCE(MAX(id), 0) FROM statements;
"""
_V4_FTS = """
DROP TRIGGER IF EXISTS statements_fts_ai;
DROP TRIGGER IF EXISTS statements_fts_ad;
DROP TRIGGER IF EXISTS statements_fts_au;
CREATE TRIGGER statements_fts_ad AFTER DELETE ON statements WHEN old.id <= (SELECT upto FROM fts_state) BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, COALESCE(old.search, old.text));
END;
CREATE TRIGGER statements_fts_au AFTER UPDATE ON statements WHEN old.id <= (SELECT upto FROM fts_state) BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, COALESCE(old.search, old.text));
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, COALESCE(new.search, new.text));
END;
-- raising the mark indexes what it passes over: one statement, so indexing and marking
-- happen together or not at all (a Ctrl-C between two would index rows twice)
CREATE TRIGGER fts_state_up AFTER UPDATE OF upto ON fts_state BEGIN
    INSERT INTO statements_fts(rowid, text)
        SELECT id, COALESCE(search, text) FROM statements WHERE id > old.upto AND id <= new.upto;
END;
"""


def _index_and_commit(con: sqlite3.Connection) -> None:
    """Commit the open transaction, the statements written in it first put into the full-text
    index: the mark goes up, its trigger indexes."""
    con.execute("UPDATE fts_state SET upto = (SELECT MAX(id) FROM statements) WHERE upto < (SELECT MAX(id) FROM statements)")
    con.execute("COMMIT")


def _v4(con: sqlite3.Connection) -> str:
    # the reports already stored get their summary text, rebuilt from the rows version 1 kept
    try:
        con.execute("SELECT json_each.key FROM json_each('[]')").fetchall()
    except sqlite3.OperationalError:
        raise sqlite3.OperationalError("this SQLite has no JSON functions (SQLite 3.38+, or 3.9+ built with JSON1)") from None
    con.execute(_V4_SUMMARIES)
    ids = [r[0] for r in con.execute("SELECT id FROM reports ORDER BY id")]
    for rid in ids:
        con.execute("INSERT INTO summaries VALUES (?, ?)", (rid, to_json(_summary_v3(con, rid))))
    return _V4_VIEWS + _V4_FTS_STATE + (_V4_FTS if has_trigram() else "")


def search_forms(texts: list[str]) -> list[str | None]:
    """``statements.search`` of a report's statements: each in simplified script where that
    differs from the text as printed (the conversion table is only loaded for a report that
    has some traditional character)."""
    if not P.TRADITIONAL_CHARS.search("".join(texts)):
        return [None] * len(texts)
    out: list[str | None] = []
    for t in texts:
        s = normalize.to_simplified(t)
        out.append(s if s != t else None)
    return out


#: schema migrations in order: version n is reached by running MIGRATIONS[n-1]
MIGRATIONS: list[Callable[[sqlite3.Connection], str]] = [lambda con: _V1, _v2, _v3, _v4]
SCHEMA_VERSION = len(MIGRATIONS)


def _db_error(path: Path | str, e: Exception) -> GkError:
    return GkError("E302", str(path), f"{type(e).__name__}: {e}" if not isinstance(e, sqlite3.Error) else str(e))


def connect(path: Path | str, create: bool = True) -> sqlite3.Connection:
    """Open (and migrate) the database at ``path``; E302 naming the file on any failure."""
    path = Path(path)
    if not create and not path.is_file():
        raise GkError("E302", str(path), "no such database (run gkreport batch first, or give --db)")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        con.execute("PRAGMA foreign_keys=ON")
        # a new database's pages (no effect on an existing one): a summary is ~40 KB of text, 3
        # pages here instead of 11, and a batch makes a quarter of the write calls (strace, 1,000
        # reports: 39k -> 11k pwrite; the store alone: 0.75-0.99 -> 0.51-0.70 ms per report over
        # four runs; query times unchanged; the file 1% larger)
        con.execute("PRAGMA page_size=16384")
        mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            raise sqlite3.OperationalError(f"cannot use WAL journal mode ({mode})")
        con.execute("PRAGMA synchronous=NORMAL")  # WAL: a kill or power loss never corrupts, commits stay cheap
        con.execute("PRAGMA cache_size=-65536")  # 64 MiB: a query reads many summaries (a writer sets less: Store.open)
        migrate(con, path)
        return con
    except GkError:
        raise
    except (sqlite3.Error, OSError) as e:
        raise _db_error(path, e) from None


def migrate(con: sqlite3.Connection, path: Path | str = "", to: int = SCHEMA_VERSION) -> int:
    """Bring the schema to version ``to`` (SCHEMA_VERSION: the current one; an older one
    makes a database as that version did), one transaction per migration; returns the version."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise GkError("E302", str(path), f"database schema version {version} is newer than this gkreport's "
                      f"({SCHEMA_VERSION}): upgrade gkreport")
    while version < to:
        con.execute("BEGIN IMMEDIATE")
        try:
            # a migration may write through ``con`` itself (inside this transaction) before it
            # returns the rest as a script; the script is run statement by statement, since
            # executescript would commit first
            for statement in _statements(MIGRATIONS[version](con)):
                con.execute(statement)
            version += 1
            con.execute(f"PRAGMA user_version={version}")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
    return version


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of ``script``, one by one (a trigger's body is part of its statement)."""
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            yield buf
            buf = ""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


#: an agency name read (nlp.agency.parse depends on the name only): a batch meets each
#: agency again in every year's report, and reading a name tries every way to split it
_parse_agency = lru_cache(maxsize=4096)(agency_mod.parse)

#: statements per INSERT. A multi-row INSERT was first made for the full-text trigger
#: (FTS5 wrote an index segment per INSERT); the index is now filled at commit (_index_and_commit),
#: and the multi-row INSERT still costs 0.28M instructions per report less than one row per
#: INSERT. Bounded, so the SQL takes few forms (each prepared once, in the connection's
#: statement cache) and stays far below SQLite's limit on parameters.
STATEMENT_ROWS = 32
_STATEMENT_COLUMNS = ("id", "report_id", "ord", "label", "confidence", "section", "span_start", "span_end", "themes",
                      "theme_scores", "text", "search")


@lru_cache(maxsize=STATEMENT_ROWS)
def _insert_statements(n: int) -> str:
    """The INSERT of ``n`` statements rows (parameters row after row)."""
    row = f"({','.join('?' * len(_STATEMENT_COLUMNS))})"
    return f"INSERT INTO statements ({', '.join(_STATEMENT_COLUMNS)}) VALUES {','.join([row] * n)}"


@dataclasses.dataclass
class Store:
    """A writable summary database (what ``batch`` writes into)."""

    path: Path
    con: sqlite3.Connection
    region_hint: str | None = None
    #: ``sink`` leaves its writes in an open transaction that ``commit()`` ends: a batch
    #: commits reports in groups (each report is still all-or-nothing, by a savepoint)
    deferred: bool = False

    @classmethod
    def open(cls, path: Path | str, region_hint: str | None = None, deferred: bool = False) -> Store:
        con = connect(path)
        # a report's savepoint journal (the pages it changes, ~100 KB) in memory, not a temp
        # file: that file took 2 of every 3 of a batch's writes to disk (strace: 91k -> 39k
        # pwrite calls for 1,000 reports; batch wall time about -9%). Writer only: a query's
        # large sorts may still spill to disk.
        con.execute("PRAGMA temp_store=MEMORY")
        # a writer's page cache of 8 MiB, not the 64 MiB a query gets: a batch appends summaries it
        # never reads back, and what it does read again (the indexes' pages, the full-text index)
        # fits. A batch of 1,000 reports: the same reads and writes (strace: 3.2k pread, 10.6k
        # pwrite either way; 2 MiB made it 5.7k and 12.7k) and 109 MiB peak RSS instead of 150
        con.execute("PRAGMA cache_size=-8192")
        return cls(Path(path), con, region_hint, deferred)

    def commit(self) -> None:
        """Make everything written so far durable (nothing to do outside a transaction)."""
        if not self.con.in_transaction:
            return
        try:
            _index_and_commit(self.con)
        except sqlite3.Error as e:
            _rollback(self.con)
            raise _db_error(self.path, e) from None

    def close(self) -> None:
        try:
            self.con.close()
        except sqlite3.Error:
            pass

    # ------------------------------------------------------------------ writing
    def put(self, summary: dict[str, Any], path: str, rel: str | None = None,
            text: Callable[[], str | None] | None = None, json_text: str | bytes | None = None) -> int:
        """Write one summary (one transaction); returns its report id. ``json_text`` is the
        summary file's text (or its UTF-8 bytes) when the caller has it (made from the dict
        otherwise)."""
        meta = summary.get("meta") or {}
        ag = _parse_agency(meta.get("agency"))
        if ag is not None and ag.bare:  # resolve fills in the region: on a copy, not the cached reading
            ag = agency_mod.resolve(dataclasses.replace(ag), _safe(text), self.region_hint)
        statements = summary.get("statements") or []
        row = {
            "sha256": summary.get("sha256") or "",
            "source": summary.get("source") or path,
            "agency": meta.get("agency"),
            "agency_full": ag.full_name if ag else None,
            "agency_key": ag.key if ag else None,
            "region": ag.region if ag else None,
            "region_from": ag.region_from if ag else None,
            "level": ag.level if ag else None,
            "kind": ag.kind if ag else None,
            "department": ag.department if ag else None,
            "year": meta.get("year"),
            "title": meta.get("title"),
            "template": meta.get("template"),
            "format": summary.get("format"),
            "encoding": summary.get("encoding"),
            "model": summary.get("model"),
            "n_problems": sum(1 for s in statements if s.get("label") == "problem"),
            "n_remedies": sum(1 for s in statements if s.get("label") == "remedy"),
            "n_failed": sum(1 for c in summary.get("checks") or [] if not c.get("ok")),
            "stored_at": _now(),
        }
        if not row["sha256"]:
            raise GkError("E302", str(self.path), f"{path}: a summary without its content hash cannot be stored")
        con = self.con
        with _one_report(con, self.path):
            old = con.execute("SELECT id FROM reports WHERE sha256=?", (row["sha256"],)).fetchone()
            cols = list(row)
            if old:
                rid = old[0]
                con.execute(f"UPDATE reports SET {', '.join(c + '=?' for c in cols)} WHERE id=?",
                            [row[c] for c in cols] + [rid])
                _delete_parts(con, rid)
            else:
                rid = con.execute(f"INSERT INTO reports ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                                  [row[c] for c in cols]).lastrowid
            self._map_source(path, rel, rid)
            con.execute("DELETE FROM errors WHERE path=?", (path,))
            # the text as given, or its UTF-8 bytes (the batch's summary file: encoded once, not
            # again here), stored as TEXT either way
            con.execute("INSERT INTO summaries VALUES (?, CAST(? AS TEXT))",
                        (rid, to_json(summary) if json_text is None else json_text))
            # ids given here (the write lock is held), so a report's statements go in a few multi-row INSERTs
            first = con.execute("SELECT MAX(COALESCE((SELECT MAX(id) FROM statements), 0), upto) + 1 "
                                "FROM fts_state").fetchone()[0]
            texts = [s.get("text") or "" for s in statements]
            rows = [(first + i, rid, i, s["label"], s.get("confidence"), s.get("section"), s.get("start"), s.get("end"),
                     _json(s.get("themes") or []), _json(s["theme_scores"]) if s.get("theme_scores") else None,
                     text, search) for i, (s, text, search) in enumerate(zip(statements, texts, search_forms(texts)))]
            for i in range(0, len(rows), STATEMENT_ROWS):
                part = rows[i:i + STATEMENT_ROWS]
                con.execute(_insert_statements(len(part)), [v for r in part for v in r])
            con.executemany("INSERT OR IGNORE INTO statement_themes VALUES (?,?,?,?)",
                            [(first + i, rid, t, (s.get("theme_scores") or {}).get(t))
                             for i, s in enumerate(statements) for t in s.get("themes") or []])
        return rid

    def put_error(self, path: str, sha256: str, code: str, error: str) -> None:
        """Record an input that could not be read; the path no longer holds any report."""
        with _one_report(self.con, self.path):
            self._map_source(path, None, None)
            self.con.execute("INSERT OR REPLACE INTO errors VALUES (?,?,?,?,?)", (path, sha256, code, error, _now()))

    def _map_source(self, path: str, rel: str | None, rid: int | None) -> None:
        """Point ``path`` at report ``rid`` (None: at nothing); drop a report no path holds any more."""
        con = self.con
        prev = con.execute("SELECT report_id FROM sources WHERE path=?", (path,)).fetchone()
        if prev and prev[0] == rid:
            con.execute("UPDATE sources SET rel=? WHERE path=?", (rel, path))
            return
        if prev:  # a path seen for the first time has no row to take out
            con.execute("DELETE FROM sources WHERE path=?", (path,))
        if rid is not None:
            con.execute("INSERT INTO sources VALUES (?,?,?)", (path, rid, rel))
        if prev and not con.execute("SELECT 1 FROM sources WHERE report_id=? LIMIT 1", (prev[0],)).fetchone():
            _delete_parts(con, prev[0])
            con.execute("DELETE FROM reports WHERE id=?", (prev[0],))

    # ------------------------------------------------------------------ batch glue
    def sink(self, task, result: dict) -> None:
        """``batch.run(..., sink=store.sink)``: called before the index line is written (with
        ``deferred``, before the commit that precedes it: ``batch.run(..., commit=store.commit)``)."""
        if self.deferred and not self.con.in_transaction:
            _begin(self.con, self.path)
        path = os.path.abspath(task.path)
        if result.get("ok"):
            self.put(result["summary"], path, task.rel, text=lambda: _read_text(task.path), json_text=result.get("json"))
        else:
            err = result.get("error") or {}
            self.put_error(path, task.sha256, err.get("code") or "", err.get("error") or "")

    def backfill(self, inputs: Path, out: Path) -> int:
        """Store summaries the index lists as done but the database lacks (a database added
        to an existing output folder, or deleted): they would otherwise be skipped."""
        from nlp import batch

        try:
            known = {r[0] for r in self.con.execute("SELECT path FROM sources")}
        except sqlite3.Error as e:
            raise _db_error(self.path, e) from None
        n = 0
        for rec in batch.read_jsonl(out / batch.INDEX):
            if rec.get("status") != "ok" or not rec.get("output"):
                continue
            path = os.path.abspath(inputs / rec["path"])
            if path in known:
                continue
            try:
                raw = (out / rec["output"]).read_text(encoding="utf-8")
                summary = json.loads(raw)
            except (OSError, ValueError):
                continue  # the batch redoes nothing here; `--force` rebuilds everything
            if not isinstance(summary, dict) or summary.get("sha256") != rec.get("sha256"):
                continue
            self.put(summary, path, rec["path"], text=lambda p=str(inputs / rec["path"]): _read_text(p), json_text=raw)
            known.add(path)
            n += 1
        return n


#: what a report is besides its reports row and sources (the views read ``summaries``)
_PARTS = ("statement_themes", "statements", "summaries")


def _delete_parts(con: sqlite3.Connection, rid: int) -> None:
    for table in _PARTS:
        con.execute(f"DELETE FROM {table} WHERE report_id=?", (rid,))


def summary_text(con: sqlite3.Connection, rid: int) -> str:
    """The text of report ``rid``'s summary file, as batch wrote it (SUMMARY.md)."""
    row = con.execute("SELECT json FROM summaries WHERE report_id=?", (rid,)).fetchone()
    if row is None:
        raise KeyError(rid)
    return row[0]


def summary_of(con: sqlite3.Connection, rid: int) -> dict[str, Any]:
    """The summary of report ``rid`` as batch wrote it (SUMMARY.md)."""
    return json.loads(summary_text(con, rid))


def _summary_v3(con: sqlite3.Connection, rid: int) -> dict[str, Any]:
    """A report's summary rebuilt from the rows schema versions 1-3 kept (migration to 4)."""

    def rows(sql: str) -> sqlite3.Cursor:
        cur = con.cursor()
        cur.row_factory = sqlite3.Row  # on this cursor only: the connection is the caller's
        return cur.execute(sql, (rid,))

    r = rows("SELECT * FROM reports WHERE id=?").fetchone()
    statements = []
    for s in rows("SELECT * FROM statements WHERE report_id=? ORDER BY ord"):
        d = {"text": s["text"], "label": s["label"], "themes": json.loads(s["themes"]), "confidence": s["confidence"],
             "section": s["section"], "start": s["span_start"], "end": s["span_end"]}
        if s["theme_scores"]:
            d["theme_scores"] = json.loads(s["theme_scores"])
        statements.append(d)
    tables = {}
    for c in rows("SELECT * FROM cells WHERE report_id=?"):
        d = {"value": c["value"], "raw": c["raw"], "start": c["span_start"], "end": c["span_end"]}
        if c["uncertain"]:
            d["uncertain"], d["reason"] = True, c["reason"]
        tables[c["key"]] = d
    from nlp.model import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION, "source": r["source"], "sha256": r["sha256"], "format": r["format"],
        "encoding": r["encoding"], "model": r["model"],
        "meta": {"agency": r["agency"], "year": r["year"], "title": r["title"], "template": r["template"]},
        "sections": [{"key": s["key"], "title": s["title"], "start": s["span_start"], "end": s["span_end"],
                      "method": s["method"], "confidence": s["confidence"]}
                     for s in rows("SELECT * FROM sections WHERE report_id=? ORDER BY ord")],
        "tables": tables,
        "checks": [{"rule": c["rule"], "ok": bool(c["ok"]), "detail": c["detail"]}
                   | ({"numbers": json.loads(c["numbers"])} if c["numbers"] else {})
                   for c in rows("SELECT * FROM checks WHERE report_id=? ORDER BY ord")],
        "statements": statements,
        "warnings": [w[0] for w in rows("SELECT text FROM warnings WHERE report_id=? ORDER BY ord")],
    }


def _safe(text: Callable[[], str | None] | None) -> str | None:
    if text is None:
        return None
    try:
        return text()
    except Exception:  # noqa: BLE001 - the text only helps name the agency
        return None


def _read_text(path: str) -> str | None:
    """The report's text, to find the region of an agency printed without it (nlp.agency.resolve)."""
    from nlp import decode

    try:
        return agency_mod.clean_text(decode.load(path).view)
    except GkError:
        return None


@contextmanager
def _one_report(con: sqlite3.Connection, path: Path) -> Iterator[None]:
    """One report's writes, whole or not at all (even on Ctrl-C): its own transaction, or a
    savepoint inside the caller's group; a database error is E302 naming the file."""
    nested = _begin(con, path)
    try:
        yield
    except BaseException as e:
        _undo(con, nested)
        if isinstance(e, sqlite3.Error):
            raise _db_error(path, e) from None
        raise
    _end(con, nested, path)


def _begin(con: sqlite3.Connection, path: Path) -> bool:
    """Start one report's writes: a transaction of its own, or a savepoint inside the
    caller's (deferred) transaction. Returns whether it is nested."""
    nested = con.in_transaction
    try:
        con.execute("SAVEPOINT report" if nested else "BEGIN IMMEDIATE")
    except sqlite3.Error as e:
        raise _db_error(path, e) from None
    return nested


def _end(con: sqlite3.Connection, nested: bool, path: Path) -> None:
    try:
        if nested:
            con.execute("RELEASE report")
        else:
            _index_and_commit(con)
    except sqlite3.Error as e:
        _undo(con, nested)
        raise _db_error(path, e) from None


def _undo(con: sqlite3.Connection, nested: bool) -> None:
    """Take back one report's writes (only them, when nested in a group)."""
    try:
        if nested:
            con.execute("ROLLBACK TO report")
            con.execute("RELEASE report")
        else:
            con.execute("ROLLBACK")
    except sqlite3.Error:
        _rollback(con)


def _rollback(con: sqlite3.Connection) -> None:
    try:
        con.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def default_path(out: Path) -> Path:
    return out / DEFAULT_NAME
