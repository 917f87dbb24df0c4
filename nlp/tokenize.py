"""Word segmentation: a private jieba.Tokenizer with the project's domain dictionary.

jieba's module-level functions share one global tokenizer: adding a word there changes
every other user in the process. We own a ``jieba.Tokenizer`` instead, pass the
dictionary explicitly, and keep its logging quiet. The dictionary of disclosure terms
(政府信息公开, 依申请公开, 三安全一稳定, agency suffixes …) lives in nlp/data/dict.txt.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import cache
from pathlib import Path

DOMAIN_DICT = Path(__file__).with_name("data") / "dict.txt"


class Segmenter:
    """Words of a text, by a jieba.Tokenizer of its own (no paddle mode, no HMM guessing
    of unseen words unless asked: reproducible across machines)."""

    def __init__(self, user_dicts: tuple[str, ...] = (str(DOMAIN_DICT),), hmm: bool = False) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self.user_dicts = user_dicts
        self.hmm = hmm
        self._tok = jieba.Tokenizer()
        # jieba caches its prefix dictionary in a temp file; keep it per user, not shared
        self._tok.tmp_dir = os.path.join(tempfile.gettempdir(), f"gkreport-jieba-{os.getuid() if hasattr(os, 'getuid') else 0}")
        os.makedirs(self._tok.tmp_dir, exist_ok=True)
        self._tok.initialize()
        for path in user_dicts:
            self._tok.load_userdict(path)

    def words(self, text: str) -> list[str]:
        return [w for w in self._tok.lcut(text, HMM=self.hmm) if w.strip()]

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) covering the text, spaces included (for spaCy Docs)."""
        return [(w, s, e) for w, s, e in self._tok.tokenize(text, HMM=self.hmm)]


@cache
def default_segmenter() -> Segmenter:
    """One segmenter per process (loading the dictionary takes ~0.5 s)."""
    return Segmenter()
