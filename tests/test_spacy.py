"""The spaCy pipeline: registered factories, span groups, the summary extension, disk round trip."""

from __future__ import annotations

import pytest
from spacy.language import Language

import nlp
from tests.conftest import sample


@pytest.fixture(scope="module")
def pipe():
    return nlp.load()


def test_factories_are_registered(pipe):
    assert pipe.pipe_names == ["gk_structure", "gk_classify", "gk_summary"]
    for name in pipe.pipe_names:
        assert Language.has_factory(name)
    assert pipe.lang == "zh"


def test_doc_has_sections_statements_and_summary(pipe):
    text = sample("003").read_text(encoding="utf-8")
    doc = pipe(text)
    assert [s.label_ for s in doc.spans["sections"]] == [
        "overview", "proactive", "applications", "review_litigation", "problems", "other"]
    labels = [s.label_ for s in doc.spans["statements"]]
    assert labels.count("problem") == 3 and labels.count("remedy") == 3
    assert doc._.summary.meta.year == 2019
    assert doc.spans["statements"][0].text.startswith("一是门户网站")
    assert any(t.text == "政府信息公开" for t in doc)  # the domain dictionary is in use


def test_pipe_many(pipe):
    texts = [sample(s).read_text(encoding="utf-8") for s in ("000", "001")]
    docs = list(pipe.pipe(texts))
    assert [d._.summary.meta.agency for d in docs] == ["驻马店市商务局", "平顶山市商务局"]


def test_classifier_component_round_trip_is_byte_identical(pipe, tmp_path):
    comp = pipe.get_pipe("gk_classify")
    comp.to_disk(tmp_path / "a")
    comp2 = nlp.load().get_pipe("gk_classify").from_disk(tmp_path / "a")
    comp2.to_disk(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
