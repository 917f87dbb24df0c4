"""Batch: analyze every report under a folder, resumable, on all cores.

Every input ends as a summary (``OUTDIR/<relative path>.json``) or an error record (a
line of ``OUTDIR/errors.jsonl``); nothing is lost. Results are written by this (parent)
process as workers finish them (in groups when a database is written too): each summary
atomically (temp file + rename), then a line in the index ``OUTDIR/index.jsonl`` (path,
content hash, status). A re-run skips every input whose path and content hash are already
in the index, so a batch stopped by Ctrl-C or ``kill -9`` finishes the rest without redoing
or duplicating anything.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import GkError
from nlp.summary import summary_json, to_json

INDEX = "index.jsonl"
ERRORS = "errors.jsonl"


@dataclass
class Task:
    path: str  # as given (absolute or relative to cwd)
    rel: str  # relative to the input folder, with '/' separators
    sha256: str


@dataclass
class BatchStats:
    total: int = 0
    done: int = 0
    errors: int = 0
    skipped: int = 0
    interrupted: bool = False
    seconds: float = 0.0


def iter_files(root: Path, exclude: Path | None = None) -> Iterator[Path]:
    """Every regular, non-hidden file under root, in a stable order."""
    exclude = exclude.resolve() if exclude else None
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (exclude is None or (here / d).resolve() != exclude)
        )
        for name in sorted(filenames):
            if not name.startswith("."):
                yield here / name


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_jsonl(path: Path) -> list[dict]:
    """Records of a JSON Lines file; a line cut short by a crash is dropped."""
    out: list[dict] = []
    if not path.exists():
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


def _repair_jsonl(path: Path) -> None:
    """Cut a trailing partial line (left by kill -9) so appends start on a new line."""
    if not path.exists():
        return
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            fh.truncate(cut)


def summary_path(out: Path, rel: str) -> Path:
    return out / (rel + ".json")


def _work(path: str, options: dict) -> dict:
    """Runs in a worker: analyze one file, return its summary or error as plain data."""
    from nlp import pipeline

    try:
        summary = pipeline.analyze(path, **options)
        # "json": the summary file's content (UTF-8), made here from the objects, encoded once for
        # the file and the store alike (and, from a worker process, sent back as bytes, which need
        # no encoding on either side); "summary": its dict for the store's rows, without the ~200
        # cells (``tables`` None): nothing reads them from the dict, and they would be made, sent
        # back from a worker process and taken apart for nothing
        d = summary.to_dict(tables=False)
        return {"ok": True, "summary": d, "json": summary_json(summary, d).encode("utf-8")}
    except GkError as e:
        return {"ok": False, "error": e.to_dict()}
    except Exception as e:  # noqa: BLE001 - a worker must report, not die
        return {"ok": False, "error": GkError("E900", path, f"{type(e).__name__}: {e}").to_dict()}


class Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal, unless forced)."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        self.total = total
        self.n = 0
        self.errors = 0
        self.t0 = time.monotonic()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0

    def update(self, ok: bool) -> None:
        self.n += 1
        self.errors += 0 if ok else 1
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.n == self.total):
            self._last = now
            rate = self.n / max(now - self.t0, 1e-9)
            width = 30
            filled = int(width * self.n / max(self.total, 1))
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {self.n}/{self.total} "
                f"{rate:6.1f} files/s, {self.errors} errors"
            )
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def run(
    inputs: Path,
    out: Path,
    jobs: int = -1,
    force: bool = False,
    options: dict | None = None,
    progress: bool | None = None,
    on_result: Callable[[Task, dict], None] | None = None,
    sink: Callable[[Task, dict], None] | None = None,
    commit: Callable[[], None] | None = None,
) -> BatchStats:
    """Analyze every file under ``inputs`` into ``out``; see the module docstring.

    ``sink(task, result)`` (the summary database) is called for every result before its
    index line is written, so a result in the index is always in the sink too. With
    ``commit``, the sink's writes become durable only when ``commit()`` is called: results
    are then committed in groups (GROUP results or GROUP_SECONDS, whichever comes first)
    and their index lines written after the commit that holds them."""
    options = options or {}
    stats = BatchStats()
    t0 = time.monotonic()
    if not inputs.is_dir():
        raise GkError("E001", str(inputs), "not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".gkreport-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as e:
        raise GkError("E301", str(out), e.strerror or str(e)) from None
    index_path, errors_path = out / INDEX, out / ERRORS
    if force:
        for p in (index_path, errors_path):
            if p.exists():
                p.unlink()
    _repair_jsonl(index_path)
    _repair_jsonl(errors_path)
    done = {(r.get("path"), r.get("sha256")) for r in read_jsonl(index_path)}

    tasks: list[Task] = []
    for f in iter_files(inputs, exclude=out):
        rel = f.relative_to(inputs).as_posix()
        try:
            sha = file_hash(f)
        except OSError:
            sha = ""
            if (rel, sha) not in done:
                tasks.append(Task(str(f), rel, sha))  # the worker reports the read error
            continue
        if (rel, sha) in done:
            stats.skipped += 1
        else:
            tasks.append(Task(str(f), rel, sha))
    stats.total = len(tasks) + stats.skipped

    bar = Progress(len(tasks), progress)
    try:
        # unbuffered: a line is on disk when written, and a failed write leaves nothing to retry
        with open(index_path, "ab", buffering=0) as index, open(errors_path, "ab", buffering=0) as errors, \
                fewer_collections():
            log = _Log(out, index_path, index, errors_path, errors, sink, commit)
            try:
                for task, result in _execute(tasks, jobs, options):
                    log.add(task, result)
                    if result["ok"]:
                        stats.done += 1
                    else:
                        stats.errors += 1
                    if on_result:
                        on_result(task, result)
                    bar.update(result["ok"])
            except KeyboardInterrupt:
                stats.interrupted = True
            except BaseException:
                log.flush(quiet=True)  # keep what was done, but report the first error
                raise
            log.flush()  # what the sink holds is committed, then listed in the index
    except KeyboardInterrupt:
        stats.interrupted = True
    except OSError as e:  # opening the index or the error log
        raise GkError("E301", str(getattr(e, "filename", None) or out), e.strerror or str(e)) from None
    finally:
        bar.close()
        stats.seconds = time.monotonic() - t0
    return stats


#: the collector's first threshold while a batch runs here and in its local workers (Python's:
#: 700). A report's objects outlive a young collection, so each is promoted and, with the default,
#: a batch of 1,000 reports ran ~970 young and 7-8 full collections, 0.41-0.47 s in all; with
#: 10,000, 32 young and no full one, 0.14-0.17 s (the shipped model, timed with gc.callbacks, five
#: runs each); peak RSS 109 -> 115 MiB.
#: Garbage in cycles, which only the collector frees, is rare here (a few objects per collection).
GC_THRESHOLD = 10_000


def _collect_less() -> tuple[int, int, int]:
    """Raise the collector's first threshold to GC_THRESHOLD (never lower it); returns the
    thresholds it had."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    return old


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """``_collect_less`` for the block; the thresholds it had are back after it."""
    old = _collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*old)


#: with a committing sink: results per commit, and the longest a result waits for one. A group
#: is held in memory (~64 x 40 KB of summary text) and written in one stretch: 1,000 reports with
#: the shipped model, 20 runs alternating with writing each result as it came, took 8-16% less
#: time in all but one pair (user CPU -10%, kernel -23% over the last 6 pairs); 16 or 256 were
#: no better than 64
GROUP = 64
GROUP_SECONDS = 2.0


class _Log:
    """What a batch writes for its results: summary files, the sink, the index and error log.

    With a committing sink, results are held until their group is complete and then written
    together: the files, the sink's rows, one commit, the index lines. The database's work then
    runs in one stretch per group instead of between two analyses, each evicting the other's
    data from the CPU's caches (see ``GROUP``). Without one, each result is written as it comes."""

    def __init__(self, out: Path, index_path: Path, index, errors_path: Path, errors,
                 sink: Callable[[Task, dict], None] | None, commit: Callable[[], None] | None) -> None:
        self.out = out
        self.index_path, self.index = index_path, index
        self.errors_path, self.errors = errors_path, errors
        self.sink, self.commit = sink, commit
        self.pending: list[tuple[Task, dict]] = []
        self.since = time.monotonic()

    def error(self, record: dict) -> None:
        self._write(self.errors_path, self.errors, [record])

    def add(self, task: Task, result: dict) -> None:
        self.pending.append((task, result))
        if self.commit is None or len(self.pending) >= GROUP or time.monotonic() - self.since >= GROUP_SECONDS:
            self.flush()

    def flush(self, quiet: bool = False) -> None:
        """Write the results held, in order. On a failure (E301 a file, E302 the sink, or an
        interrupt) what was written before it is still committed and listed; the rest is not
        written, so it is done again by the next run."""
        held, self.pending = self.pending, []
        records: list[dict] = []
        try:
            for task, result in held:
                records.append(_commit(self.out, task, result, self, self.sink))
        except BaseException as e:
            self._list(records, quiet=True)
            if not (quiet and isinstance(e, GkError)):
                raise
            return
        self._list(records, quiet)

    def _list(self, records: list[dict], quiet: bool) -> None:
        """Commit the sink's writes, then list ``records`` in the index."""
        try:
            if self.commit is not None and records:
                self.commit()  # E302 on failure: these results are then not listed, so redone
            self._write(self.index_path, self.index, records)
        except GkError:
            if not quiet:
                raise
        finally:
            self.since = time.monotonic()

    @staticmethod
    def _write(path: Path, fh, records: list[dict]) -> None:
        """Append whole lines; on failure (a full disk) cut back any part line written."""
        if not records:
            return
        data = memoryview("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8"))
        size = None
        try:
            size = os.fstat(fh.fileno()).st_size
            while data:
                data = data[fh.write(data):]
        except OSError as e:
            if size is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(fh.fileno(), size)
            raise GkError("E301", str(path), e.strerror or str(e)) from None


def _execute(tasks: list[Task], jobs: int, options: dict) -> Iterator[tuple[Task, dict]]:
    """Yield (task, result) as results come, computing identical contents only once.

    ``options["backend"]`` chooses where the work runs: "local" (worker processes on this
    machine, ``jobs`` of them) or "dask" (the workers of an existing Dask cluster at
    ``options["scheduler"]``, through joblib's dask backend; the workers must have gkreport
    installed and see the input paths). Results come back here either way, so what is
    written, and how a stopped batch resumes, does not depend on the backend."""
    if not tasks:
        return
    options = dict(options)
    backend = options.pop("backend", None) or "local"
    scheduler = options.pop("scheduler", None)
    first: dict[str, Task] = {}
    dupes: dict[str, list[Task]] = {}
    unique: list[Task] = []
    for t in tasks:
        if t.sha256 and t.sha256 in first:
            dupes.setdefault(t.sha256, []).append(t)
        else:
            first[t.sha256 or t.path] = t
            unique.append(t)

    def with_copies(task: Task, result: dict) -> Iterator[tuple[Task, dict]]:
        yield task, result
        for copy in dupes.get(task.sha256, []):
            yield copy, _relabel(result, copy.path)

    if backend == "dask":
        for i, result in _on_dask(unique, options, scheduler):
            yield from with_copies(unique[i], result)
        return
    if backend != "local":
        raise GkError("E401", backend, "unknown backend (use 'local' or 'dask')")
    n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    if n_jobs == 1 or len(unique) < 2 * n_jobs:
        for t in unique:
            yield from with_copies(t, _work(t.path, options))
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", batch_size="auto")
    results = parallel(delayed(_tagged)(i, t.path, options, True) for i, t in enumerate(unique))
    for i, result in results:
        yield from with_copies(unique[i], result)


#: seconds to wait for a Dask scheduler before giving up (E401)
DASK_CONNECT_TIMEOUT = 30


def _on_dask(unique: list[Task], options: dict, scheduler: str | None) -> Iterator[tuple[int, dict]]:
    """(index, result) of every task, computed on the Dask cluster at ``scheduler``."""
    if not scheduler:
        raise GkError("E401", "dask", "--backend dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    try:
        from distributed import Client
    except ImportError:
        raise GkError("E304", "dask", "the dask backend needs Dask: pip install 'gkreport[dask]'") from None
    from joblib import Parallel, delayed, parallel_config

    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise GkError("E401", scheduler, f"cannot reach the scheduler ({type(e).__name__}: {e})") from None
    try:
        with client.as_current(), parallel_config(backend="dask"):
            parallel = Parallel(n_jobs=-1, return_as="generator_unordered", batch_size="auto")
            yield from parallel(delayed(_tagged)(i, t.path, options) for i, t in enumerate(unique))
    finally:
        client.close()


def _tagged(i: int, path: str, options: dict, local: bool = False) -> tuple[int, dict]:
    """``_work`` in a worker process, with the result's index. A local worker is this batch's
    own process and keeps the batch's threshold for the collector (a Dask worker is left as is)."""
    if local:
        _collect_less()
    return i, _work(path, options)


def _relabel(result: dict, path: str) -> dict:
    """The result of identical content, re-addressed to another path."""
    if result["ok"]:
        summary = json.loads(result["json"])  # the whole summary (the dict lacks its cells)
        summary["source"] = path
        return {"ok": True, "summary": summary}
    error = dict(result["error"])
    error["path"] = path
    return {"ok": False, "error": error}


def _commit(out: Path, task: Task, result: dict, log: _Log, sink=None) -> dict:
    """Persist one result: summary file (atomically) or error line, then the sink; returns
    its index record (written by the caller once the sink's writes are durable)."""
    if result["ok"]:
        target = summary_path(out, task.rel)
        tmp = target.with_name(target.name + ".tmp")
        try:
            data = result.get("json")
            if data is None:  # a relabelled copy: its text is made here, once, for the file and the sink
                data = to_json(result["summary"]).encode("utf-8")
                result = dict(result, json=data)
            try:
                tmp.write_bytes(data)
            except FileNotFoundError:  # its folder is new (made then, not tried for every file)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()  # a full disk must not leave half a file behind
            raise GkError("E301", str(target), e.strerror or str(e)) from None
        record = {"path": task.rel, "sha256": task.sha256, "status": "ok", "output": target.relative_to(out).as_posix()}
    else:
        err = dict(result["error"])
        err["path"] = task.path
        err["rel"] = task.rel
        err["sha256"] = task.sha256
        log.error(err)
        record = {"path": task.rel, "sha256": task.sha256, "status": "error", "code": err.get("code")}
    if sink is not None:
        sink(task, result)
    return record
