"""Model files: exact agreement with scikit-learn, byte-identical round trips, and refusal
of missing, tampered, truncated or incompatible models with a clear error."""

from __future__ import annotations

import json
import shutil

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from nlp import models, pipeline
from nlp.errors import GkError
from training import train as T

DOCS = [
    (["网站", "栏目", "更新", "不及时"], "problem"),
    (["栏目", "内容", "单一"], "problem"),
    (["加强", "培训", "提高", "能力"], "remedy"),
    (["进一步", "加强", "网站", "建设"], "remedy"),
    (["本年度", "主动", "公开", "信息"], "other"),
    (["共", "发布", "信息", "条"], "other"),
] * 12


@pytest.fixture(scope="module")
def fitted():
    toks = [d for d, _ in DOCS]
    y = [lab for _, lab in DOCS]
    groups = [f"r{i // 6}" for i in range(len(DOCS))]  # every report holds every label
    return T.fit_calibrated("statements", toks, y, groups, 4.0, seed=0), toks, y, groups


def test_numpy_inference_equals_scikit_learn(fitted):
    """Refit the same way with scikit-learn objects and compare probabilities."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    lm, toks, y, groups = fitted
    fit_idx, cal_idx = T._split_groups(groups, 0.2, 0)
    vec = T._vectorizer()
    X = vec.fit_transform([toks[i] for i in fit_idx])
    names = sorted(set(y))
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(X, [names.index(y[i]) for i in fit_idx])
    from collections import Counter

    n = min(5, min(Counter(y[i] for i in cal_idx).values()))
    cal = CalibratedClassifierCV(FrozenEstimator(clf), method="sigmoid", cv=n).fit(
        vec.transform([toks[i] for i in cal_idx]), [names.index(y[i]) for i in cal_idx])
    queries = [["网站", "更新", "不及时", "未知词"], ["加强", "培训"], ["发布", "信息"], ["全新"]]
    expected = cal.predict_proba(vec.transform(queries))
    got = np.array([lm.proba(q) for q in queries])
    assert [names[c] for c in cal.classes_] == lm.classes
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


TEXTS = [  # (text, context tokens): every kind of character the n-gram keys must get right
    ("网站栏目更新不及时", ["SEC=problems"]),
    ("加强 培训，提高能力2023年", []),
    ("", ["MARK"]),
    ("ab 網站 𠀀𠀁", ["H:问题"]),
    ("全新的1.5%内容", ["SEC=problems", "SEC=problems"]),
]


def test_texts_counted_as_integer_keys_score_as_their_string_tokens():
    """``proba_many(context, texts)`` (n-grams keyed with numpy) equals ``proba`` of
    ``char_tokens(text) + context`` (n-grams as strings), on a model trained on both."""
    from nlp import features as F

    docs = [F.char_tokens(t) + c for t, c in TEXTS] * 4
    y = ["problem", "remedy", "other", "problem", "remedy"] * 4
    lm = T.fit_calibrated("statements", docs, y, [f"r{i // 5}" for i in range(len(docs))], 4.0, seed=0)
    got = lm.proba_many([c for _, c in TEXTS], [t for t, _ in TEXTS])
    want = np.array([lm.proba(F.char_tokens(t) + c) for t, c in TEXTS])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert not np.allclose(got[0], got[1])  # the texts matter


def _scores_as_first_written(lm: models.LinearModel, n: int, doc: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``LinearModel._scores`` the plain way: np.unique of document * n_features + feature,
    and the rows of ``coef.T`` summed per document with reduceat along axis 0."""
    out = np.tile(lm.intercept, (n, 1))
    known = ids >= 0
    key, counts = np.unique(doc[known] * len(lm.vocab) + ids[known], return_counts=True)
    if not len(key):
        return out
    docs, feat = np.divmod(key, len(lm.vocab))
    present, starts = np.unique(docs, return_index=True)
    val = (1.0 + np.log(counts)) * lm.idf[feat]
    norm = np.sqrt(np.add.reduceat(val * val, starts))
    out[present] += np.add.reduceat(np.ascontiguousarray(lm.coef.T)[feat] * val[:, None], starts, axis=0) / norm[:, None]
    return out


@pytest.mark.parametrize("n_out", [1, 3, 13])
def test_scores_are_bit_for_bit_those_of_the_plain_computation(n_out):
    """Packed keys, the transposed gather and the all-present shortcut change no bit: the
    floats end up byte for byte in the JSON."""
    rng = np.random.default_rng(n_out)
    for trial in range(200):
        n_feat = int(rng.integers(1, 3000))
        lm = models.LinearModel("m", [f"c{i}" for i in range(max(n_out, 2))], {f"t{i}": i for i in range(n_feat)},
                                rng.uniform(1.0, 9.0, n_feat), rng.normal(0, 2, (n_out, n_feat)), rng.normal(0, 1, n_out))
        n = int(rng.integers(0, 12))
        size = int(rng.integers(0, rng.choice([5, 60, 2000])))
        doc = rng.integers(0, max(n, 1), size) if n else np.zeros(0, dtype=np.int64)
        ids = rng.integers(-1, min(n_feat, int(rng.choice([4, 50, n_feat]))), len(doc))  # repeats, unknowns (-1)
        if trial % 5 == 0 and n:  # some documents with no known feature at all
            ids[doc == 0] = -1
        got = lm._scores(n, doc.astype(np.int64), ids.astype(np.int64))
        want = _scores_as_first_written(lm, n, doc.astype(np.int64), ids.astype(np.int64))
        assert got.shape == want.shape == (n, n_out)
        assert got.tobytes() == want.tobytes(), trial
        # laid out by row too: numpy sums a row of a column-major array in another order
        assert got.flags.c_contiguous, trial


#: what n-gram keys must get right: ideographs (one beyond the BMP), letters, numbers of every
#: shape (1.5, 1,000, Arabic-Indic), punctuation, spaces, line breaks, a lone surrogate
GRAM_TEXT = st.text(alphabet="网站栏目更新不及时𠀀abZ０0123456789١٢.,，。:、 \t\n\u3000\ud800%-", max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(GRAM_TEXT, max_size=6))
def test_char_gram_keys_are_the_char_tokens_of_each_text(texts):
    """The integer keys (one digit pass for all texts, characters classed by a table) are
    exactly ``char_tokens`` of each text, keyed one by one with ``gram_key``."""
    from nlp import features as F

    doc, keys = F.char_gram_keys(texts)
    got = sorted(zip(doc.tolist(), keys.tolist()))
    assert got == sorted((i, F.gram_key(t)) for i, text in enumerate(texts) for t in F.char_tokens(text))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(GRAM_TEXT, max_size=30))
def test_gram_keys_of_a_vocabulary_are_gram_key_of_each_term(terms):
    """The vectorized keys (what a model's n-gram index is built from) equal ``gram_key``
    term by term, -1 where it gives None (context tokens, words, longer terms, other characters)."""
    from nlp import features as F

    fixed = ["", "网", "网站", "网站栏", "网站栏目", "a", "Zb0", "1", "0万", "H:问题", "w:网站", "b:网_站", "𠀀", "\ud800"]
    for words in (fixed, terms, fixed + terms):
        assert F.gram_keys(words).tolist() == [-1 if (k := F.gram_key(t)) is None else k for t in words]


def test_the_shipped_models_gram_index_holds_every_n_gram_of_their_vocabularies():
    """Each model's column of the index gives its own feature id for each of its n-grams."""
    from nlp import features as F

    model = pipeline.get_model(None)
    names = ("statements", "themes")
    index = model.gram_index(names)
    for col, name in enumerate(names):
        vocab = model[name].vocab
        pairs = [(k, i) for t, i in vocab.items() if (k := F.gram_key(t)) is not None]
        keys = np.array([k for k, _ in pairs], dtype=np.int64)
        assert index.ids[col][index.lookup(keys)].tolist() == [i for _, i in pairs]
        assert (index.ids[col] >= 0).sum() == len(pairs)


def _model(lm) -> models.Model:
    return models.Model("tiny", {"features": {"kind": "char"}}, {"statements": lm})


def test_round_trip_is_byte_identical(fitted, tmp_path):
    lm = fitted[0]
    a, b = tmp_path / "a", tmp_path / "b"
    _model(lm).to_disk(a, {"name": "tiny"}, "# card\n")
    loaded = models.load(a)
    loaded.to_disk(b, {"name": "tiny"}, "# card\n")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    np.testing.assert_array_equal(loaded["statements"].proba(["加强", "培训"]), lm.proba(["加强", "培训"]))


def test_no_pickle_in_the_model(fitted, tmp_path):
    _model(fitted[0]).to_disk(tmp_path / "m", {})
    for npy in (tmp_path / "m" / "arrays").glob("*.npy"):
        assert np.load(npy, allow_pickle=False).dtype == np.float64


@pytest.mark.parametrize(
    "damage,code",
    [
        ("missing", "E101"),
        ("tampered", "E102"),
        ("truncated", "E102"),
        ("extra_file", "E102"),
        ("no_card", "E102"),
        ("old_format", "E103"),
        ("wrong_shape", "E103"),
    ],
)
def test_bad_models_are_refused(fitted, tmp_path, damage, code):
    folder = tmp_path / "m"
    _model(fitted[0]).to_disk(folder, {})
    coef = folder / "arrays" / "statements.coef.npy"
    if damage == "missing":
        shutil.rmtree(folder)
    elif damage == "tampered":
        data = bytearray(coef.read_bytes())
        data[-1] ^= 0xFF
        coef.write_bytes(bytes(data))
    elif damage == "truncated":
        coef.write_bytes(coef.read_bytes()[:40])
    elif damage == "extra_file":
        (folder / "arrays" / "evil.npy").write_bytes(b"\x80\x04")
    elif damage == "no_card":
        (folder / "card.json").unlink()
    elif damage in ("old_format", "wrong_shape"):
        doc = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if damage == "old_format":
            doc["format_version"] = 99
        else:
            doc["components"]["statements"]["vocabulary"].append("多余")
        (folder / "model.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        card["files"]["model.json"] = models._sha256(folder / "model.json")  # a consistent card
        (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(GkError) as info:
        models.load(folder)
    assert info.value.code == code
    assert str(folder) in str(info.value)
