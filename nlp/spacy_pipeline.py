"""The pipeline as spaCy components: ``spacy.blank("zh")`` + the jieba segmenter + our stages.

    import nlp
    pipe = nlp.load()                 # or nlp.load("models/mine")
    doc = pipe(text)
    doc.spans["sections"], doc.spans["statements"], doc._.summary

Components are registered by name with ``Language.factory`` and share one small protocol
(``__call__``, ``pipe``, ``to_disk``/``from_disk``); the trained component serializes as
the model folder of nlp.models (JSON + arrays, never pickle). The batch CLI does not go
through spaCy (it needs no tokens and starts faster); both run the same stage functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.util import registry

from nlp import models, pipeline
from nlp.model import Source
from nlp.tokenize import Segmenter, default_segmenter

for _name in ("gk_report", "summary"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class JiebaTokenizer:
    """spaCy tokenizer backed by the project's own jieba.Tokenizer (domain dictionary)."""

    def __init__(self, vocab, segmenter: Segmenter | None = None) -> None:
        self.vocab = vocab
        self.segmenter = segmenter or default_segmenter()

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for word, _start, _end in self.segmenter.tokens(text):
            if word.isspace() and words and word == " " and not spaces[-1]:
                spaces[-1] = True  # a single space after a word is trailing whitespace
                continue
            words.append(word)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def to_disk(self, path, **kwargs) -> None:  # the dictionary ships with the package
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> JiebaTokenizer:
        return self


@registry.tokenizers("gkreport.JiebaTokenizer.v1")
def create_jieba_tokenizer():
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)

    return make


class _Component:
    """The shared protocol: ``__call__`` one Doc, ``pipe`` many, disk round trips."""

    name = "gk"

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path, exclude=()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, exclude=()):
        return self


class StructureComponent(_Component):
    """decode-free structural stages on ``doc.text``: normalize, blocks, sections, metadata, tables."""

    def __init__(self, name: str = "gk_structure") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        source = Source(path=doc.user_data.get("path", "<doc>"), text=doc.text, format="text", encoding="utf-8", sha256="")
        doc._.gk_report = pipeline.read(source)
        return doc


class ClassifierComponent(_Component):
    """The trained stages: section classifier, statements and themes (nlp.models)."""

    def __init__(self, name: str = "gk_classify", model_path: str | None = None) -> None:
        self.name = name
        self.model = pipeline.get_model(model_path)

    def __call__(self, doc: Doc) -> Doc:
        if doc._.gk_report is not None and self.model is not None:
            pipeline.classify(doc._.gk_report, self.model)
        return doc

    def to_disk(self, path, exclude=()) -> None:
        if self.model is not None:
            self.model.to_disk(path, card=_card(self.model))

    def from_disk(self, path, exclude=()):
        self.model = models.load(path)
        return self


def _card(model: models.Model) -> dict:
    import json

    if model.path is not None and (model.path / "card.json").exists():
        card = json.loads((model.path / "card.json").read_text(encoding="utf-8"))
        card.pop("files", None)
        return card
    return {}


class SummaryComponent(_Component):
    """Sections and statements as span groups; the SUMMARY.md summary on ``doc._.summary``."""

    def __init__(self, name: str = "gk_summary") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        report = doc._.gk_report
        if report is None:
            return doc
        summary = pipeline.summarize(report)
        doc._.summary = summary
        doc.spans["sections"] = SpanGroup(doc, name="sections", spans=[
            sp for s in summary.sections if (sp := doc.char_span(s.start, s.end, label=s.key, alignment_mode="expand")) is not None
        ])
        doc.spans["statements"] = SpanGroup(doc, name="statements", spans=[
            sp for s in summary.statements if (sp := doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")) is not None
        ])
        return doc


@Language.factory("gk_structure")
def make_structure(nlp: Language, name: str) -> StructureComponent:
    return StructureComponent(name)


@Language.factory("gk_classify", default_config={"model_path": None})
def make_classify(nlp: Language, name: str, model_path: str | None) -> ClassifierComponent:
    return ClassifierComponent(name, model_path)


@Language.factory("gk_summary")
def make_summary(nlp: Language, name: str) -> SummaryComponent:
    return SummaryComponent(name)


def load(model_path: str | None = None) -> Language:
    """A spaCy pipeline for annual reports (``model_path``: a model folder, default the shipped one)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "gkreport.JiebaTokenizer.v1"}}})
    nlp.add_pipe("gk_structure")
    nlp.add_pipe("gk_classify", config={"model_path": model_path})
    nlp.add_pipe("gk_summary")
    return nlp
