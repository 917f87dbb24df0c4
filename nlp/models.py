"""Trained models at run time: vocabularies and weight arrays, read with numpy alone.

A model folder holds ``model.json`` (configuration, class names, vocabularies),
``arrays/*.npy`` (idf vectors, coefficients, intercepts, calibration parameters; read
with ``allow_pickle=False``) and ``card.json`` / ``MODEL_CARD.md`` (data, metrics,
versions, and the SHA-256 of every file). Loading never executes code from the folder:
no pickle, no joblib.load. A file whose hash differs from the card's is refused (E102),
as is a model written by an incompatible format version (E103).

Scoring reproduces scikit-learn's TfidfVectorizer (sublinear tf, smooth idf, l2 norm),
linear decision functions and sigmoid calibration exactly (tests compare the two), so
inference needs no scikit-learn import: the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from nlp import features as F
from nlp.errors import GkError

FORMAT = "gkreport-model"
FORMAT_VERSION = 1
DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "default"


@dataclass
class GramIndex:
    """The character n-grams of one or more models' vocabularies, as sorted integer keys
    (``features.gram_key``) with each model's feature id: one binary search finds a
    report's n-grams in all of them (the statements and themes models read the same texts)."""

    keys: np.ndarray  # sorted, unique
    #: per model, the feature id of each key, -1 where the model lacks it, and one more -1
    #: at the end: the slot ``lookup`` gives a key found nowhere (a plain 1-D gather, no mask)
    ids: list[np.ndarray]

    @classmethod
    def build(cls, lms: list[LinearModel]) -> GramIndex:
        found = []  # per model: (key, feature id) of its n-grams
        for lm in lms:
            every = F.gram_keys(list(lm.vocab))
            at = np.flatnonzero(every >= 0)
            found.append((every.take(at), np.fromiter(lm.vocab.values(), dtype=np.int64, count=len(lm.vocab)).take(at)))
        # -1 is no key (keys are positive): it keeps the arrays non-empty for a vocabulary without n-grams
        all_keys = np.concatenate([k for k, _ in found])
        keys = np.unique(all_keys) if len(all_keys) else np.array([-1], dtype=np.int64)
        ids = []
        for k, i in found:
            col = np.full(len(keys) + 1, -1, dtype=np.int64)
            col[np.searchsorted(keys, k)] = i
            ids.append(col)
        return cls(keys, ids)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The slot of each key in ``ids`` (``len(self.keys)`` for a key not found)."""
        at = np.searchsorted(self.keys, keys)
        at[self.keys.take(at, mode="clip") != keys] = len(self.keys)
        return at


@dataclass
class LinearModel:
    """TF-IDF features -> linear scores -> probabilities.

    ``link`` says how scores become probabilities: ``sigmoid`` (per-class sigmoid
    calibration, normalized over classes: scikit-learn's CalibratedClassifierCV with
    method="sigmoid"), or ``logistic`` (independent logistic outputs: multi-label).
    """

    name: str
    classes: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_outputs, n_features); one row for a binary classifier
    intercept: np.ndarray  # (n_outputs,)
    link: str = "sigmoid"
    cal_a: np.ndarray | None = None
    cal_b: np.ndarray | None = None
    thresholds: np.ndarray | None = None
    extra: dict = field(default_factory=dict)
    _gram_index: GramIndex | None = field(default=None, init=False, repr=False, compare=False)

    def scores_many(self, docs: list[list[str]], texts: list[str] | None = None,
                    grams: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Decision scores of many token lists at once, shape (n_docs, n_outputs).

        ``texts[i]``, when given, adds ``features.char_tokens(texts[i])`` to ``docs[i]``,
        computed as integer keys with numpy instead of strings (the same counts).
        ``grams`` = (document index, feature id or -1) adds n-grams already looked up
        (``GramIndex.lookup``). All documents are looked up and counted together with numpy
        (one sort of (document, feature) keys), which is what makes a report's dozens of
        candidates cost about as much as one: this is the innermost loop of classification."""
        n = len(docs)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=n)
        ids = np.fromiter(map(self.vocab.get, chain.from_iterable(docs), repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
        doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
        if texts is not None:
            tdoc, keys = F.char_gram_keys(texts)
            index = self._grams()
            grams = (tdoc, index.ids[0][index.lookup(keys)])
        if grams is not None:
            doc = np.concatenate([doc, grams[0]])
            ids = np.concatenate([ids, grams[1]])
        return self._scores(n, doc, ids)

    def _scores(self, n: int, doc: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Scores of ``n`` documents from their (document, feature id) occurrences (-1: unknown)."""
        # (document, feature) packed as document << shift | feature: sorts as document *
        # n_features + feature would (features are below 1 << shift), and is split by a mask
        shift = len(self.vocab).bit_length()
        key = (doc << shift | ids)[ids >= 0]
        key.sort()  # by document, then feature: the order every sum below runs in
        m = len(key)
        if not m:
            return np.repeat(self.intercept[None, :], n, axis=0)
        # distinct keys and their counts (np.unique's work without its Python overhead):
        # ``edges`` holds where each run of equal keys starts, then ``m``
        new = np.empty(m + 1, dtype=bool)
        new[0] = new[m] = True
        np.not_equal(key[1:], key[:-1], out=new[1:m])
        edges = np.flatnonzero(new)
        counts = edges[1:] - edges[:-1]
        key = key.take(edges[:-1])
        feat = key & ((1 << shift) - 1)
        # where each document's features start; a document with none is left at its intercept
        bounds = key.searchsorted(np.arange(n + 1, dtype=np.int64) << shift)
        present = np.flatnonzero(bounds[:-1] < bounds[1:])
        starts = bounds.take(present)
        val = (1.0 + np.log(counts)) * self.idf.take(feat)  # sublinear tf x idf
        norm = np.sqrt(np.add.reduceat(val * val, starts))  # l2 norm
        # each output's coefficients gathered per feature, summed per document: along the
        # rows of ``coef``, which reduceat sums exactly as it would the columns of ``coef.T``
        # (the same pairwise sum of the same values), without gathering ``coef.T``'s rows
        dot = (np.add.reduceat(self.coef.take(feat, axis=1) * val, starts, axis=1) / norm).T
        if len(present) == n:  # every document has a known feature (the rule): no scatter
            # laid out by row as before: later sums along a row (proba_many) depend on it
            return np.add(dot, self.intercept, order="C")
        out = np.repeat(self.intercept[None, :], n, axis=0)
        out[present] += dot
        return out

    def _grams(self) -> GramIndex:
        """The vocabulary's character n-grams as sorted integer keys, with their ids."""
        if self._gram_index is None:
            self._gram_index = GramIndex.build([self])
        return self._gram_index

    def proba_many(self, docs: list[list[str]], texts: list[str] | None = None,
                   grams: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Probability of each class (sigmoid link) or of each label (logistic link), one
        row per document (``texts``, ``grams``: as for ``scores_many``)."""
        f = self.scores_many(docs, texts, grams)
        if self.link == "logistic":
            return 1.0 / (1.0 + np.exp(-f))
        p = 1.0 / (1.0 + np.exp(self.cal_a * f + self.cal_b))
        if len(self.classes) == 2:
            return np.column_stack([1.0 - p[:, 0], p[:, 0]])
        total = np.add.reduce(p, axis=1, keepdims=True)
        if (total > 0).all():  # the rule: the division below, with nothing to leave uniform
            return p / total
        uniform = np.full_like(p, 1.0 / len(self.classes))
        return np.divide(p, total, out=uniform, where=total > 0)

    def proba(self, tokens: list[str]) -> np.ndarray:
        return self.proba_many([tokens])[0]

    # -- serialization -----------------------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        out = {"idf": self.idf, "coef": self.coef, "intercept": self.intercept}
        for k in ("cal_a", "cal_b", "thresholds"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        return {f"{self.name}.{k}": np.ascontiguousarray(v, dtype=np.float64) for k, v in out.items()}

    def config(self) -> dict:
        vocab = [None] * len(self.vocab)
        for term, i in self.vocab.items():
            vocab[i] = term
        return {"classes": self.classes, "link": self.link, "vocabulary": vocab, "extra": self.extra}

    @classmethod
    def from_parts(cls, name: str, config: dict, arrays: dict[str, np.ndarray]) -> LinearModel:
        def get(k: str) -> np.ndarray | None:
            return arrays.get(f"{name}.{k}")

        vocab = {t: i for i, t in enumerate(config["vocabulary"])}
        coef = get("coef")
        if coef is None or get("idf") is None or coef.shape[1] != len(vocab) or get("idf").shape[0] != len(vocab):
            raise ValueError(f"{name}: weights do not match the vocabulary")
        return cls(name, list(config["classes"]), vocab, get("idf"), coef, get("intercept"),
                   config["link"], get("cal_a"), get("cal_b"), get("thresholds"), dict(config.get("extra", {})))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Model:
    """The three trained components and how they were made."""

    name: str
    config: dict
    components: dict[str, LinearModel]
    path: Path | None = None
    _gram_indexes: dict[tuple[str, ...], GramIndex] = field(default_factory=dict, init=False, repr=False, compare=False)

    def gram_index(self, names: tuple[str, ...]) -> GramIndex:
        """One ``GramIndex`` of the components ``names``, built at first use (callers ask
        for a fixed tuple or two, so this holds a handful of entries at most)."""
        if names not in self._gram_indexes:
            self._gram_indexes[names] = GramIndex.build([self.components[k] for k in names])
        return self._gram_indexes[names]

    def __getitem__(self, key: str) -> LinearModel:
        return self.components[key]

    def get(self, key: str) -> LinearModel | None:
        return self.components.get(key)

    @property
    def features(self) -> dict:
        return self.config.get("features", {})

    def to_disk(self, folder: str | Path, card: dict | None = None, card_md: str | None = None) -> None:
        """Write the model; files are byte-identical for an identical model."""
        folder = Path(folder)
        (folder / "arrays").mkdir(parents=True, exist_ok=True)
        for old in (folder / "arrays").glob("*.npy"):
            old.unlink()
        doc = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "config": self.config,
            "components": {k: m.config() for k, m in sorted(self.components.items())},
        }
        (folder / "model.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
        for m in self.components.values():
            for key, arr in sorted(m.arrays().items()):
                with open(folder / "arrays" / f"{key}.npy", "wb") as fh:
                    np.save(fh, arr, allow_pickle=False)
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in ("card.json", "MODEL_CARD.md"))
        card = dict(card or {})
        card["files"] = {p.relative_to(folder).as_posix(): _sha256(p) for p in files}
        (folder / "card.json").write_text(json.dumps(card, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        if card_md is not None:
            (folder / "MODEL_CARD.md").write_text(card_md, encoding="utf-8")


def load(path: str | Path | None = None) -> Model:
    """Load a model folder, verifying every file against the card's hashes."""
    folder = Path(path) if path else DEFAULT_MODEL
    where = str(folder)
    card_path, model_path = folder / "card.json", folder / "model.json"
    if not folder.is_dir() or not model_path.exists():
        raise GkError("E101", where, "no model.json here (train one with `gkreport train`)")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        expected = card["files"]
    except FileNotFoundError:
        raise GkError("E102", where, "card.json is missing, so the files cannot be verified") from None
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise GkError("E102", where, f"card.json is unreadable ({e})") from None
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name not in ("card.json", "MODEL_CARD.md")}
    if set(expected) != present:
        missing = sorted(set(expected) - present)
        extra = sorted(present - set(expected))
        raise GkError("E102", where, f"files differ from the card (missing {missing}, unexpected {extra})")
    for rel, digest in expected.items():
        if _sha256(folder / rel) != digest:
            raise GkError("E102", where, f"{rel} does not match its SHA-256 in card.json")
    try:
        doc = json.loads(model_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise GkError("E102", where, f"model.json is not valid JSON ({e})") from None
    if doc.get("format") != FORMAT:
        raise GkError("E103", where, "not a gkreport model")
    if doc.get("format_version") != FORMAT_VERSION:
        raise GkError("E103", where, f"format version {doc.get('format_version')}, this gkreport reads {FORMAT_VERSION}")
    arrays: dict[str, np.ndarray] = {}
    for npy in sorted((folder / "arrays").glob("*.npy")):
        try:
            arrays[npy.stem] = np.load(npy, allow_pickle=False)
        except ValueError as e:
            raise GkError("E102", where, f"{npy.name}: {e}") from None
    try:
        components = {k: LinearModel.from_parts(k, c, arrays) for k, c in doc["components"].items()}
    except (KeyError, ValueError, TypeError) as e:
        raise GkError("E103", where, f"components do not fit this gkreport ({e})") from None
    return Model(doc.get("name", folder.name), doc.get("config", {}), components, folder)
