"""Model files: exact agreement with scikit-learn, byte-identical round trips, and refusal
of missing, tampered, truncated or incompatible models with a clear error."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from nlp import models
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
