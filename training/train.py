"""Training: annotated corpora -> the three models, with grouped cross-validation.

1. Every record is read by the runtime pipeline (blocks, heading rules), so training sees
   exactly what inference sees; gold labels are attached by offsets.
2. Candidate statements get the label of the gold statement covering at least half of
   them (else ``other``); near-duplicates (same text once numbers, markers and
   punctuation are removed) are dropped before any split.
3. Feature kinds (character n-grams, jieba words, both) are compared by grouped k-fold
   cross-validation (folds grouped by report); the best is used for the final model.
4. Classifiers are class-weighted logistic regressions; statement and section
   confidences are calibrated (sigmoid) on held-out reports via FrozenEstimator.
5. The model is exported as vocabularies + arrays (nlp.models), with a model card.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import regex as re

from nlp import classify as C
from nlp import decode, pipeline
from nlp.model import Source
from nlp.models import FORMAT_VERSION, LinearModel, Model
from nlp.themes import THEMES
from training.corpus import CorpusRecord, read_corpus

LABELS = ("problem", "remedy", "other")
_DEDUP = re.compile(r"[^\p{Han}A-Za-z]+|^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+|首先|其次|再次|最后)")


@dataclass
class Doc:
    """One corpus record read by the pipeline, with its gold annotations attached."""

    record: CorpusRecord
    report: pipeline.Report
    cands: list[C.Candidate] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # gold label of each candidate piece
    themes: list[list[str]] = field(default_factory=list)


def read_record(rec: CorpusRecord) -> pipeline.Report:
    fmt = rec.format if rec.format in ("text", "markdown", "html") else "text"
    data = rec.text.encode("utf-8")
    source = Source(path=rec.id, text=rec.text, format=fmt, encoding="utf-8", sha256=hashlib.sha256(data).hexdigest())  # type: ignore[arg-type]
    if fmt == "html":
        source = decode.from_bytes(data, rec.id + ".html")
    return pipeline.read(source)


def view_span(source: Source, start: int, end: int) -> tuple[int, int]:
    """Input offsets (what the corpus stores) -> view offsets (what the stages use)."""
    if source.starts is None:
        return start, end
    s = int(np.searchsorted(np.asarray(source.starts), start, side="left"))
    e = int(np.searchsorted(np.asarray(source.ends), end, side="left")) + 1
    return s, e


def prepare(rec: CorpusRecord) -> Doc:
    report = read_record(rec)
    doc = Doc(rec, report)
    doc.cands = C.candidates(report.blocks)
    gold = [
        (*view_span(report.source, s["start"], s["end"]), s["label"], s.get("themes", [])) for s in rec.statements or []
    ]
    for c in doc.cands:
        p = c.piece
        label, themes = "other", []
        for gs, ge, gl, gt in gold:
            overlap = min(p.end, ge) - max(p.start, gs)
            if overlap > 0 and overlap >= 0.5 * (p.end - p.start):
                label, themes = gl, gt
                break
        doc.labels.append(label)
        doc.themes.append(themes)
    return doc


def dedup_key(text: str) -> str:
    return _DEDUP.sub("", text)


# ------------------------------------------------------------------------ fitting
def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlp.features import identity

    return TfidfVectorizer(analyzer=identity, lowercase=False, min_df=1, sublinear_tf=True)


def _split_groups(groups: list[str], frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import GroupShuffleSplit

    gss = GroupShuffleSplit(n_splits=1, test_size=frac, random_state=seed)
    return next(gss.split(np.zeros(len(groups)), groups=groups))


def fit_calibrated(
    name: str, tokens: list[list[str]], y: list[str], groups: list[str], C_: float, seed: int = 0
) -> LinearModel:
    """Logistic regression on most reports, sigmoid calibration on the rest (FrozenEstimator)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    fit_idx, cal_idx = _split_groups(groups, 0.2, seed)
    names = sorted(set(y))
    # integer class codes: scikit-learn's cross_val_predict (used by the calibration of a
    # frozen estimator) indexes columns by class, which breaks on string classes
    code = {name: k for k, name in enumerate(names)}
    vec = _vectorizer()
    X_fit = vec.fit_transform([tokens[i] for i in fit_idx])
    clf = LogisticRegression(C=C_, class_weight="balanced", max_iter=3000)
    clf.fit(X_fit, [code[y[i]] for i in fit_idx])
    y_cal = [code[y[i]] for i in cal_idx]
    smallest = min(Counter(y_cal).values()) if len(set(y_cal)) == len(clf.classes_) else 0
    if smallest >= 2:
        # the estimator is frozen, so the folds only shape how predictions are gathered
        cal = CalibratedClassifierCV(FrozenEstimator(clf), method="sigmoid", cv=min(5, smallest))
        cal.fit(vec.transform([tokens[i] for i in cal_idx]), y_cal)
        calibrators = cal.calibrated_classifiers_[0].calibrators
        cal_a = np.array([c.a_ for c in calibrators], dtype=np.float64)
        cal_b = np.array([c.b_ for c in calibrators], dtype=np.float64)
    else:  # too few held-out examples of some class to calibrate: plain logistic link
        n_out = np.atleast_2d(clf.coef_).shape[0]
        cal_a, cal_b = np.full(n_out, -1.0), np.zeros(n_out)
    return LinearModel(
        name,
        [names[int(c)] for c in clf.classes_],
        {t: int(i) for t, i in vec.vocabulary_.items()},
        vec.idf_.astype(np.float64),
        np.atleast_2d(clf.coef_).astype(np.float64),
        np.atleast_1d(clf.intercept_).astype(np.float64),
        "sigmoid",
        cal_a,
        cal_b,
    )


def fit_multilabel(
    name: str, tokens: list[list[str]], y: list[list[str]], labels: tuple[str, ...], C_: float
) -> LinearModel:
    """One class-weighted logistic regression per label (themes: several may apply)."""
    from sklearn.linear_model import LogisticRegression

    vec = _vectorizer()
    X = vec.fit_transform(tokens)
    coef, intercept, present = [], [], []
    for lab in labels:
        target = np.array([lab in ys for ys in y])
        if target.sum() == 0 or target.all():
            continue
        clf = LogisticRegression(C=C_, class_weight="balanced", max_iter=3000)
        clf.fit(X, target)
        coef.append(clf.coef_[0])
        intercept.append(clf.intercept_[0])
        present.append(lab)
    return LinearModel(
        name,
        present,
        {t: int(i) for t, i in vec.vocabulary_.items()},
        vec.idf_.astype(np.float64),
        np.array(coef, dtype=np.float64),
        np.array(intercept, dtype=np.float64),
        "logistic",
        thresholds=np.full(len(present), 0.5),
    )


# ---------------------------------------------------------------------- evaluation
def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "support": tp + fn,
    }


def match_statements(pred: list[tuple[int, int, str]], gold: list[tuple[int, int, str]]) -> dict[str, dict[str, int]]:
    """Counts per label: a prediction matches a gold statement of the same label when they
    overlap by at least half of the gold span (each gold statement matched once)."""
    counts = {lab: {"tp": 0, "fp": 0, "fn": 0} for lab in ("problem", "remedy")}
    used: set[int] = set()
    for ps, pe, pl in pred:
        hit = None
        for k, (gs, ge, gl) in enumerate(gold):
            if k in used or gl != pl:
                continue
            if min(pe, ge) - max(ps, gs) >= 0.5 * (ge - gs):
                hit = k
                break
        if pl not in counts:
            continue
        if hit is None:
            counts[pl]["fp"] += 1
        else:
            used.add(hit)
            counts[pl]["tp"] += 1
    for k, (_, _, gl) in enumerate(gold):
        if k not in used and gl in counts:
            counts[gl]["fn"] += 1
    return counts


def predict_doc(doc: Doc, model: Model) -> list[tuple[int, int, str]]:
    stmts = C.statements(doc.report.blocks, model)
    return [(s.start, s.end, s.label) for s in stmts]


def gold_view(doc: Doc) -> list[tuple[int, int, str]]:
    return [(*view_span(doc.report.source, s["start"], s["end"]), s["label"]) for s in doc.record.statements or []]


def section_accuracy(doc: Doc, blocks_sections: list[tuple[int, int, str]]) -> tuple[int, int]:
    """(characters whose predicted section is right, characters judged) over body blocks."""
    gold = sorted(
        (view_span(doc.report.source, s["start"], s["start"] + 1)[0], s["key"]) for s in doc.record.sections or []
    )
    if not gold:
        return 0, 0
    right = total = 0
    for start, end, key in blocks_sections:
        g = None
        for gs, gk in gold:
            if gs <= start:
                g = gk
        if g is None:
            continue
        total += end - start
        right += (end - start) if g == key else 0
    return right, total


def confusion(y_true: list[str], y_pred: list[str], labels: tuple[str, ...]) -> list[list[int]]:
    m = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred):
        if t in labels and p in labels:
            m[labels.index(t)][labels.index(p)] += 1
    return m


# ---------------------------------------------------------------------- training
@dataclass
class Options:
    kinds: tuple[str, ...] = ("char", "word", "both")
    folds: int = 5
    C: float = 4.0
    seed: int = 0
    jobs: int = 2
    log: object = print


def _tokens(docs: list[Doc], kind: str, seg) -> tuple[list[list[str]], list[str], list[str], list[str]]:
    toks, y, groups, keys = [], [], [], []
    seen: set[str] = set()
    for d in docs:
        restrict = C.restricted(d.report.blocks)
        for c, lab in zip(d.cands, d.labels):
            if C.forced_other(c, restrict):
                continue  # decided by rule at run time: not the classifier's to learn
            key = dedup_key(c.piece.text) + "|" + lab + "|" + str(c.section)
            if key in seen:
                continue
            seen.add(key)
            toks.append(C.candidate_tokens(c, kind, seg))
            y.append(lab)
            groups.append(d.record.id)
            keys.append(key)
    return toks, y, groups, keys


def _theme_data(docs: list[Doc], kind: str, seg) -> tuple[list[list[str]], list[list[str]], list[str]]:
    toks, y, groups = [], [], []
    seen: set[str] = set()
    for d in docs:
        for s in d.record.statements or []:
            text = d.record.text[s["start"] : s["end"]]
            key = dedup_key(text)
            if key in seen or not s.get("themes"):
                continue
            seen.add(key)
            toks.append(C.theme_tokens(text, s["label"], kind, seg))
            y.append(list(s["themes"]))
            groups.append(d.record.id)
    return toks, y, groups


def _section_data(docs: list[Doc]) -> tuple[list[list[str]], list[str], list[str]]:
    toks, y, groups = [], [], []
    for d in docs:
        gold = sorted(
            (view_span(d.report.source, s["start"], s["start"] + 1)[0], s["key"]) for s in d.record.sections or []
        )
        body = [b for b in d.report.blocks if b.section is not None]
        for k, b in enumerate(body):
            g = None
            for gs, gk in gold:
                if gs <= b.start:
                    g = gk
            if g is None:
                continue
            toks.append(C.block_tokens(b, k / max(len(body) - 1, 1)))
            y.append(g)
            groups.append(d.record.id)
    return toks, y, groups


def fit_model(docs: list[Doc], kind: str, opts: Options, name: str = "model") -> Model:
    seg = _segmenter(kind)
    toks, y, groups, _ = _tokens(docs, kind, seg)
    components = {"statements": fit_calibrated("statements", toks, y, groups, opts.C, opts.seed)}
    ttoks, ty, _ = _theme_data(docs, kind, seg)
    if ttoks:
        components["themes"] = fit_multilabel("themes", ttoks, ty, THEMES, opts.C)
    stoks, sy, sgroups = _section_data(docs)
    if len(set(sy)) > 1:
        components["sections"] = fit_calibrated("sections", stoks, sy, sgroups, 1.0, opts.seed)
    return Model(name, {"features": {"kind": kind}}, components)


def _segmenter(kind: str):
    if kind == "char":
        return None
    from nlp.tokenize import default_segmenter

    return default_segmenter()


def theme_counts(docs: list[Doc], model: Model, seg=None) -> dict[str, dict[str, int]]:
    """Per theme tp/fp/fn of the theme classifier on the gold statements of ``docs``."""
    kind = model.features.get("kind", "char")
    per_theme = {t: {"tp": 0, "fp": 0, "fn": 0} for t in THEMES}
    themes = model.get("themes")
    if themes is None:
        return per_theme
    for d in docs:
        for s in d.record.statements or []:
            if "themes" not in s:
                continue  # themes not annotated for this statement
            text = d.record.text[s["start"] : s["end"]]
            got = set(C.choose_themes(themes, themes.proba(C.theme_tokens(text, s["label"], kind, seg))))
            want = set(s["themes"])
            for t in THEMES:
                per_theme[t]["tp"] += int(t in got and t in want)
                per_theme[t]["fp"] += int(t in got and t not in want)
                per_theme[t]["fn"] += int(t not in got and t in want)
    return per_theme


def theme_scores(per_theme: dict[str, dict[str, int]]) -> dict:
    micro = Counter()
    for m in per_theme.values():
        micro.update(m)
    macro = [prf(**per_theme[t])["f1"] for t in THEMES if per_theme[t]["tp"] + per_theme[t]["fn"] > 0]
    return {
        "micro": prf(micro["tp"], micro["fp"], micro["fn"]),
        "macro_f1": round(float(np.mean(macro)), 4) if macro else None,
        "per_theme": {t: prf(**per_theme[t]) for t in THEMES},
    }


def section_counts(d: Doc, model: Model) -> tuple[int, int]:
    """Section accuracy of the rules plus the classifier on one document (blocks restored after)."""
    blocks = d.report.blocks
    saved = [(b.section, b.section_method, b.section_confidence) for b in blocks]
    C.refine_sections(blocks, d.report.sections, model)
    result = section_accuracy(d, [(b.start, b.end, b.section) for b in blocks if b.section is not None])
    for b, (s, m, cf) in zip(blocks, saved):
        b.section, b.section_method, b.section_confidence = s, m, cf
    return result


def _fold(train_docs: list[Doc], test_docs: list[Doc], kind: str, opts: Options) -> dict:
    """Train on some reports, count results on the others (runs in a worker process)."""
    model = fit_model(train_docs, kind, opts)
    seg = _segmenter(kind)
    counts = {lab: {"tp": 0, "fp": 0, "fn": 0} for lab in ("problem", "remedy")}
    piece_true: list[str] = []
    piece_pred: list[str] = []
    sec = [0, 0]
    clf = model["statements"]
    for d in test_docs:
        for lab, c in match_statements(predict_doc(d, model), gold_view(d)).items():
            for key in c:
                counts[lab][key] += c[key]
        restrict = C.restricted(d.report.blocks)
        for cand, gl in zip(d.cands, d.labels):
            if not C.forced_other(cand, restrict):
                piece_true.append(gl)
                piece_pred.append(clf.classes[int(np.argmax(clf.proba(C.candidate_tokens(cand, kind, seg))))])
        r, t = section_counts(d, model)
        sec[0] += r
        sec[1] += t
    return {"counts": counts, "true": piece_true, "pred": piece_pred, "themes": theme_counts(test_docs, model, seg), "sec": sec}


def cross_validate(docs: list[Doc], kind: str, opts: Options) -> dict:
    """Grouped k-fold (folds grouped by report), folds run in parallel on all cores."""
    from joblib import Parallel, delayed
    from sklearn.model_selection import GroupKFold

    ids = [d.record.id for d in docs]
    k = min(opts.folds, len(set(ids)))
    if k < 2:
        return {}
    splits = list(GroupKFold(n_splits=k).split(ids, groups=ids))
    parts = Parallel(n_jobs=min(opts.jobs, k))(
        delayed(_fold)([docs[i] for i in tr], [docs[i] for i in te], kind, opts) for tr, te in splits
    )
    counts = {lab: {"tp": 0, "fp": 0, "fn": 0} for lab in ("problem", "remedy")}
    per_theme = {t: {"tp": 0, "fp": 0, "fn": 0} for t in THEMES}
    piece_true: list[str] = []
    piece_pred: list[str] = []
    sec_right = sec_total = 0
    for part in parts:
        for lab in counts:
            for key in counts[lab]:
                counts[lab][key] += part["counts"][lab][key]
        for t in THEMES:
            for key in per_theme[t]:
                per_theme[t][key] += part["themes"][t][key]
        piece_true += part["true"]
        piece_pred += part["pred"]
        sec_right += part["sec"][0]
        sec_total += part["sec"][1]
    return {
        "folds": k,
        "statements": {lab: prf(**c) for lab, c in counts.items()},
        "pieces_confusion": {"labels": list(LABELS), "matrix": confusion(piece_true, piece_pred, LABELS)},
        "themes": theme_scores(per_theme),
        "sections": {"accuracy_per_char": round(sec_right / sec_total, 4) if sec_total else None, "chars": sec_total},
    }


def corpus_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def corpus_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob("*.jsonl")) if p.is_dir() else [p])
    return out


def train(paths: list[str], out: str, opts: Options | None = None, name: str | None = None) -> tuple[Model, dict]:
    opts = opts or Options()
    log = opts.log
    t0 = time.monotonic()
    files = corpus_files(paths)
    records = list(read_corpus(files))
    docs = [prepare(r) for r in records]
    n_stmt = Counter(s["label"] for r in records for s in r.statements or [])
    log(
        f"corpus: {len(records)} records, {sum(n_stmt.values())} labelled statements {dict(n_stmt)} from {len(files)} file(s)"
    )
    results: dict[str, dict] = {}
    for kind in opts.kinds:
        cv = cross_validate(docs, kind, opts)
        results[kind] = cv
        if cv:
            st = cv["statements"]
            log(
                f"  features={kind:5}: problem F1 {st['problem']['f1']:.3f}  remedy F1 {st['remedy']['f1']:.3f}  "
                f"themes micro-F1 {cv['themes']['micro']['f1']:.3f}  sections {cv['sections']['accuracy_per_char']}"
            )
    best = max(opts.kinds, key=lambda k: _score(results.get(k))) if any(results.values()) else opts.kinds[0]
    log(f"chosen features: {best}")
    model = fit_model(docs, best, opts, name or Path(out).name)
    cv = results.get(best, {})
    if cv:
        log(report_text(cv))
    card = {
        "name": model.name,
        "format_version": FORMAT_VERSION,
        "created": time.strftime("%Y-%m-%d"),
        "data": {
            "files": [str(f) for f in files],
            "sha256": corpus_hash(files),
            "records": len(records),
            "statements": dict(n_stmt),
        },
        "features": {"chosen": best, "compared": {k: _summary(v) for k, v in results.items()}},
        "cross_validation": cv,
        "versions": _versions(),
        "training_seconds": round(time.monotonic() - t0, 1),
    }
    model.to_disk(out, card, model_card(card))
    log(f"wrote {out} in {card['training_seconds']}s")
    return model, card


def _score(cv: dict | None) -> float:
    if not cv:
        return -1.0
    st = cv["statements"]
    return st["problem"]["f1"] + st["remedy"]["f1"] + 0.5 * cv["themes"]["micro"]["f1"]


def _summary(cv: dict) -> dict:
    if not cv:
        return {}
    return {
        "problem_f1": cv["statements"]["problem"]["f1"],
        "remedy_f1": cv["statements"]["remedy"]["f1"],
        "theme_micro_f1": cv["themes"]["micro"]["f1"],
        "section_accuracy": cv["sections"]["accuracy_per_char"],
    }


def _versions() -> dict:
    import jieba
    import sklearn

    import nlp

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "jieba": jieba.__version__,
        "gkreport": getattr(nlp, "__version__", "0.1.0"),
    }


def report_text(cv: dict) -> str:
    lines = [
        f"grouped {cv['folds']}-fold cross-validation (folds grouped by report)",
        "statements (match: same label, overlap >= half of the gold span):",
    ]
    for lab, m in cv["statements"].items():
        lines.append(f"  {lab:8} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (n={m['support']})")
    conf = cv["pieces_confusion"]
    lines.append("candidate pieces, confusion (rows gold, columns predicted): " + " ".join(conf["labels"]))
    for lab, row in zip(conf["labels"], conf["matrix"]):
        lines.append(f"  {lab:8} " + " ".join(f"{v:6d}" for v in row))
    th = cv["themes"]
    lines.append(
        f"themes: micro P {th['micro']['precision']:.3f} R {th['micro']['recall']:.3f} F1 {th['micro']['f1']:.3f}; macro F1 {th['macro_f1']:.3f}"
    )
    for t, m in th["per_theme"].items():
        lines.append(f"  {t:14} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (n={m['support']})")
    lines.append(f"sections: accuracy per character {cv['sections']['accuracy_per_char']}")
    return "\n".join(lines)


def model_card(card: dict) -> str:
    cv = card.get("cross_validation") or {}
    body = [
        f"# Model card: {card['name']}",
        "",
        "Three classifiers for gkreport: block -> section (for blocks the heading rules cannot place),",
        "statement -> problem | remedy | other, statement -> themes (multi-label, KEYS.md).",
        "Class-weighted logistic regressions over TF-IDF features; statement and section confidences",
        "calibrated with a sigmoid on held-out reports. Stored as vocabularies and arrays (no pickle).",
        "",
        "## Data",
        f"- files: {', '.join(card['data']['files'])}",
        f"- sha256 of the data: `{card['data']['sha256']}`",
        f"- {card['data']['records']} records; labelled statements: {json.dumps(card['data']['statements'], ensure_ascii=False)}",
        "",
        "## Features",
        f"- chosen by grouped cross-validation: **{card['features']['chosen']}**",
    ]
    for k, v in card["features"]["compared"].items():
        body.append(f"- {k}: {json.dumps(v)}")
    if cv:
        body += ["", "## Metrics (grouped cross-validation on the training data)", "", "```", report_text(cv), "```"]
    body += [
        "",
        "## Versions",
        "",
        f"`{json.dumps(card['versions'])}`",
        "",
        f"Trained in {card['training_seconds']} s by `gkreport train`.",
        "",
    ]
    return "\n".join(body)
