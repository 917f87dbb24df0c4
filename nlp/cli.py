"""The ``gkreport`` command line.

Imports are deferred to the subcommand that needs them: a command pays only for what it
uses (scikit-learn alone takes over a second to import).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from nlp.errors import GkError


def _add_common(p: argparse.ArgumentParser, model: bool = True) -> None:
    p.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024, help="refuse input files larger than this")
    if model:
        _add_model(p)


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None,
                   help="model folder (default: the shipped models/default; 'none': no classifiers)")


def cmd_analyze(args: argparse.Namespace) -> int:
    from nlp import pipeline
    from nlp.render import pretty

    summary = pipeline.analyze(args.report, max_bytes=args.max_bytes, model=args.model)
    if args.pretty:
        print(pretty(summary.to_dict()))
    else:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2 if args.indent else None))
    return 0


def _batch_options(args: argparse.Namespace) -> dict:
    """What every worker needs, and where the work runs (nlp.batch._execute)."""
    options = {"max_bytes": args.max_bytes, "model": args.model}
    if args.backend != "local":
        options.update(backend=args.backend, scheduler=args.scheduler)
    return options


def cmd_batch(args: argparse.Namespace) -> int:
    from nlp import batch, pipeline

    if args.backend == "dask" and not args.scheduler:
        raise GkError("E401", "dask", "--backend dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    pipeline.get_model(args.model)  # a missing or broken model stops here, before any work
    out = Path(args.out)
    store = _open_store(args, out)
    try:
        stats = batch.run(
            Path(args.dir),
            out,
            jobs=args.jobs,
            force=args.force,
            options=_batch_options(args),
            progress=True if args.progress else (False if args.quiet else None),
            sink=store.sink if store else None,
            commit=store.commit if store else None,
        )
    finally:
        if store:
            store.close()
    line = (
        f"{stats.done} summaries, {stats.errors} errors, {stats.skipped} already done "
        f"({stats.total} files) in {stats.seconds:.1f}s -> {out}"
    )
    if store:
        line += f"; database {store.path}"
    if stats.errors:
        line += f"  (errors: {out / batch.ERRORS})"
    if stats.interrupted:
        print(f"interrupted: {line}; run the same command again to finish", file=sys.stderr)
        return 130
    print(line)
    return 0


def _open_store(args: argparse.Namespace, out: Path):
    """The summary database batch writes into (None for --db none), with anything the
    index lists as done but the database lacks stored first (nlp.store.Store.backfill)."""
    if args.db is not None and args.db.lower() == "none":
        return None
    from nlp import store as store_mod

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GkError("E301", str(out), e.strerror or str(e)) from None
    store = store_mod.Store.open(Path(args.db) if args.db else store_mod.default_path(out), region_hint=args.region,
                                   deferred=True)
    try:
        if not args.force:
            store.backfill(Path(args.dir), out)
    except BaseException:
        store.close()
        raise
    return store


def cmd_train(args: argparse.Namespace) -> int:
    from training import train

    opts = train.Options(kinds=tuple(args.features.split(",")), folds=args.folds)
    train.train(args.corpus, args.out, opts)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from training import importers

    argv = [args.tool, args.export, "--out", args.out, "--offsets", args.offsets, "--text-key", args.text_key]
    return importers.main(argv)


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        from benchmarks import bench
    except ImportError:
        raise GkError("E001", "benchmarks", "the benchmark ships with the source tree: run it from a checkout") from None
    argv = ["--small"] if args.small else []
    if args.n:
        argv += ["--n", str(args.n)]
    if args.out:
        argv += ["--out", args.out]
    return bench.main(argv)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from nlp import pipeline
    from training import evaluate

    model = pipeline.get_model(args.model)
    if model is None:
        raise GkError("E101", "none", "evaluate needs a model")
    result = evaluate.evaluate(args.corpus, model)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(evaluate.report_text(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gkreport",
        description="Read government information disclosure annual reports into structured, checked summaries.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", help="print the structured summary of one report (JSON)")
    p.add_argument("report", help="a report file: .txt, .md or .html")
    p.add_argument("--pretty", action="store_true", help="a readable view instead of JSON")
    p.add_argument("--indent", action="store_true", help="indent the JSON")
    _add_common(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("batch", help="analyze every report under a folder, resumably")
    p.add_argument("dir", help="folder of reports (searched recursively)")
    p.add_argument("--out", required=True, help="folder for the summaries and errors.jsonl")
    p.add_argument("--jobs", "-j", type=int, default=-1, help="worker processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="redo reports already done")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--db", default=None,
                   help="summary database to write (default: OUTDIR/gkreport.sqlite; 'none': no database)")
    p.add_argument("--region", default=None,
                   help="the region of agencies printed without one (市商务局 -> 驻马店市商务局), e.g. 驻马店市")
    p.add_argument("--backend", choices=["local", "dask"], default="local",
                   help="where the work runs: worker processes here (local) or an existing Dask cluster (dask)")
    p.add_argument("--scheduler", default=None,
                   help="with --backend dask: the scheduler's address, e.g. tcp://10.0.0.5:8786 "
                        "(workers need gkreport installed and the input paths mounted)")
    _add_common(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("train", help="train the classifiers on annotated corpora (CORPUS.md JSON Lines)")
    p.add_argument("corpus", nargs="+", help="corpus files or folders of .jsonl files")
    p.add_argument("--out", required=True, help="model folder to write, e.g. models/mine")
    p.add_argument("--features", default="char,word,both", help="feature kinds to compare by cross-validation")
    p.add_argument("--folds", type=int, default=5, help="grouped cross-validation folds")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("import", help="turn a doccano or Label Studio export into a corpus (CORPUS.md)")
    p.add_argument("tool", choices=["doccano", "labelstudio"])
    p.add_argument("export", help="the exported file (doccano JSONL, Label Studio JSON)")
    p.add_argument("--out", required=True, help="the corpus file (JSON Lines) to write")
    p.add_argument("--offsets", choices=["auto", "codepoints", "utf16"], default="auto",
                   help="how the tool counted offsets (auto: checked against the labelled text)")
    p.add_argument("--text-key", default="text", help="Label Studio: the data field holding the text")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("evaluate", help="score a model on an annotated corpus")
    p.add_argument("corpus", nargs="+", help="corpus files or folders of .jsonl files")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    _add_model(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("bench", help="measure speed per stage and end to end against a floor (benchmarks/bench.py)")
    p.add_argument("--small", action="store_true", help="a quick smoke run (CI): few reports, small documents")
    p.add_argument("--n", type=int, default=None, help="reports for the stage and end-to-end figures")
    p.add_argument("--out", default=None, help="folder for results.json and results.md")
    p.set_defaults(func=cmd_bench)

    from nlp import query  # the query commands (no heavy imports: matplotlib only with --plot)

    query.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GkError as e:
        print(f"gkreport: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gkreport: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head`: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
