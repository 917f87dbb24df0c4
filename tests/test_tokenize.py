"""The jieba segmenter: domain words kept whole, and jieba's global tokenizer left alone."""

from __future__ import annotations

import jieba

from nlp.tokenize import Segmenter, default_segmenter


def test_domain_words_are_kept_whole():
    words = default_segmenter().words("依申请公开的答复不规范，政务新媒体更新不及时，危及三安全一稳定。")
    for term in ("依申请公开", "政务新媒体", "三安全一稳定"):
        assert term in words, words


def test_global_jieba_is_not_touched():
    before = jieba.lcut("三安全一稳定和勾稽关系")
    Segmenter()  # a second private tokenizer with the domain dictionary
    assert jieba.lcut("三安全一稳定和勾稽关系") == before
    assert "三安全一稳定" not in before  # the default dictionary does not know the term


def test_tokens_cover_the_text():
    text = "本机关 2021 年未收到申请。"
    toks = default_segmenter().tokens(text)
    assert "".join(t for t, _, _ in toks) == text
    assert all(text[s:e] == t for t, s, e in toks)
