"""gkreport: read government information disclosure annual reports into checked summaries."""

__version__ = "0.1.0"


def load(model_path: str | None = None):
    """A spaCy pipeline (spacy.blank("zh") + jieba + the gkreport stages); see nlp.spacy_pipeline."""
    from nlp.spacy_pipeline import load as _load

    return _load(model_path)
