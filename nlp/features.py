"""Features: text and context -> tokens, the same at training time and at run time.

Segmentation (jieba) happens here, outside any scikit-learn Pipeline, so a trained
model is nothing but vocabularies and weight arrays. A token list is what the
vectorizer counts; context becomes tokens too ("SEC=problems", "H:问题").
"""

from __future__ import annotations

from functools import cache, lru_cache
from operator import add

import numpy as np
import regex as re

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NON_WORD = re.compile(r"[^\p{Han}A-Za-z0]+")
#: a term made of the characters _clean keeps (what a character n-gram is made of)
_GRAM = re.compile(r"[\p{Han}A-Za-z0]+")
TEXT_KINDS = ("char", "word", "both")


def identity(tokens: list[str]) -> list[str]:
    """The analyzer given to scikit-learn: documents arrive already tokenized."""
    return tokens


def _clean(text: str) -> str:
    return _NON_WORD.sub(" ", _DIGITS.sub("0", text))


def char_tokens(text: str, n_max: int = 3) -> list[str]:
    """Character 1..n-grams inside runs of Chinese characters, letters and digits."""
    out: list[str] = []
    for run in _clean(text).split():
        grams: list[str] | str = run
        out.extend(run)
        for n in range(2, n_max + 1):
            # n-grams as (n-1)-grams + the next character: built by C-level map, not slicing
            grams = list(map(add, grams, run[n - 1 :]))
            out.extend(grams)
    return out


#: bits per character in an n-gram's integer key (every code point fits in 21 bits)
_BITS = 21


def gram_key(term: str, n_max: int = 3) -> int | None:
    """The integer key ``char_gram_keys`` gives the character n-gram ``term`` (None when the
    term is no such n-gram: a context token, a word)."""
    if not 1 <= len(term) <= n_max or not _GRAM.fullmatch(term):
        return None
    key = 0
    for ch in term:
        key = (key << _BITS) | ord(ch)
    return key


def gram_keys(terms: list[str], n_max: int = 3) -> np.ndarray:
    """``gram_key`` of every term at once, -1 where it gives None: a model's vocabulary of
    some 40,000 terms is keyed with a few numpy passes instead of a regex match per term
    (at each process's first report: 0.13 s down to a few ms)."""
    n = len(terms)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=n)
    codes = np.frombuffer("".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    kept = _kept()
    out = np.full(n, -1, dtype=np.int64)
    for size in range(1, n_max + 1):
        at = np.flatnonzero(lengths == size)
        first = starts.take(at)
        key = np.zeros(len(at), dtype=np.int64)
        ok = np.ones(len(at), dtype=bool)
        for j in range(size):
            c = codes.take(first + j)
            key = (key << _BITS) | c
            ok &= kept.take(c)
        out[at[ok]] = key[ok]
    return out


@cache
def _kept() -> np.ndarray:
    """Whether ``_clean`` keeps each code point (a Chinese character, a letter, 0), as a table
    built at first use: a text's characters are then classed with one numpy gather."""
    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(len(every), dtype=bool)
    for m in _GRAM.finditer(every):
        table[m.start() : m.end()] = True
    return table


def char_gram_keys(texts: list[str], n_max: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``char_tokens`` of many texts as integers, with numpy: (text index, n-gram key) for
    every n-gram. Keys are the code points packed 21 bits apart; a 1-gram, a 2-gram and a
    3-gram never share a key, as no kept character is code point 0.

    ``_clean`` is not applied as such: an n-gram is n kept characters in a row, which they
    are in the text with its numbers made 0 as in the cleaned text (where runs of other
    characters became one space), so the texts need one ``_DIGITS`` pass, not two per text."""
    if len(texts) > 1 and not any("\n" in t for t in texts):
        # one substitution for all: a number never runs over the line breaks joining them
        digits = _DIGITS.sub("0", "\n".join(texts)).split("\n")
    else:
        digits = [_DIGITS.sub("0", t) for t in texts]
    # texts joined by a character never kept: no n-gram spans two of them
    joined = "\n".join(digits).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(joined, dtype=np.uint32).astype(np.int64)
    doc = np.repeat(np.arange(len(digits), dtype=np.int64), [len(d) + 1 for d in digits])[: len(codes)]
    word = _kept()[codes]
    docs, keys, oks = [doc], [codes], [word]
    key, ok = codes, word
    for n in range(2, n_max + 1):
        key = (key[:-1] << _BITS) | codes[n - 1 :]
        ok = ok[:-1] & word[n - 1 :]
        docs.append(doc[: len(key)])
        keys.append(key)
        oks.append(ok)
    ok = np.concatenate(oks)  # every n at once: one selection per array, not one per n
    return np.concatenate(docs)[ok], np.concatenate(keys)[ok]


def word_tokens(text: str, segmenter) -> list[str]:
    """jieba words and word bigrams."""
    words = [w for w in segmenter.words(_clean(text)) if w.strip()]
    return ["w:" + w for w in words] + ["b:" + a + "_" + b for a, b in zip(words, words[1:])]


def text_tokens(text: str, kind: str, segmenter=None) -> list[str]:
    if kind == "char":
        return char_tokens(text)
    if kind == "word":
        return word_tokens(text, segmenter)
    if kind == "both":
        return char_tokens(text) + word_tokens(text, segmenter)
    raise ValueError(f"unknown feature kind {kind!r}")


def bigrams(text: str, prefix: str) -> list[str]:
    """Character bigrams of a short context string, prefixed (headings, introductions)."""
    return list(_bigrams(text, prefix))


@lru_cache(maxsize=4096)
def _bigrams(text: str, prefix: str) -> tuple[str, ...]:
    # cached: every candidate statement under one heading repeats the same context
    out: list[str] = []
    for run in _clean(text).split():
        out.extend(prefix + run[i : i + 2] for i in range(len(run) - 1))
    return tuple(out)
