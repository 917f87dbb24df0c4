"""Classifiers at run time: sections for unplaced blocks, statement labels, themes.

The features of a candidate statement are its text plus its context: the section it is
in, the nearest heading above it ("(一)存在的主要问题" vs "(二)下步整改措施"), the
introduction it follows ("主要是：" / "重点抓好以下工作："), whether it opens an
enumerated item, and where it sits in its section. Training (training/train.py) builds
exactly the same tokens through ``candidate_tokens`` and ``block_tokens``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nlp import features as F
from nlp import statements as S
from nlp import themes as themes_stage
from nlp.model import Block, Section, Statement
from nlp.models import Model

PROSE_KINDS = frozenset({"paragraph"})


@dataclass
class Candidate:
    piece: S.Piece
    section: str | None
    heading: str  # nearest heading above, within the section
    intro: str  # the last sentence before this one that is not part of an enumerated item
    index: int  # position of the paragraph within its section
    tokens_context: list[str]


def candidates(blocks: list[Block], only: str | None = None) -> list[Candidate]:
    """Every candidate statement of the report's prose (of section ``only``, if given),
    with its context."""
    out: list[Candidate] = []
    heading = ""
    section = None
    para_index = 0
    item_base = 0
    intro = ""
    for b in blocks:
        if b.section != section:
            section, heading, para_index, intro = b.section, "", 0, ""
        if b.kind == "heading":
            heading, intro = b.text, ""
            continue
        if b.kind not in PROSE_KINDS or b.section is None or (only is not None and b.section != only):
            continue
        pieces = S.segment(b.text, b.start, item_base, b.offsets)
        if pieces:
            item_base = pieces[-1].item
        last_item = None
        for p in pieces:
            ctx = [f"SEC={section}", f"PAR={min(para_index, 4)}"]
            if p.marker:
                ctx.append("MARK")
            if p.clause:
                ctx.append("CLAUSE")
            if p.intro:
                ctx.append("INTRO")
            ctx += F.bigrams(heading[:30], "H:")
            ctx += F.bigrams(intro[-30:], "C:")
            out.append(Candidate(p, section, heading, intro, para_index, ctx))
            if not p.marker and p.item != last_item:
                intro = p.text  # a sentence of its own: the lead-in for what follows
            last_item = p.item
        para_index += 1
    return out


def candidate_tokens(c: Candidate, kind: str, segmenter=None) -> list[str]:
    return F.text_tokens(c.piece.text, kind, segmenter) + c.tokens_context


def theme_tokens(text: str, label: str, kind: str, segmenter=None) -> list[str]:
    return F.text_tokens(text, kind, segmenter) + [f"LABEL={label}"]


def block_tokens(block: Block, position: float) -> list[str]:
    """Features of a block for the section classifier: its text and where it sits."""
    toks = F.char_tokens(block.text[:120] if block.kind != "table" else "", 2)
    if block.kind == "table":
        toks += F.bigrams("".join(c.text for row in block.rows[:4] for c in row)[:200], "T:")
    toks += [f"KIND={block.kind}", f"POS={min(int(position * 10), 9)}"]
    return toks


# ---------------------------------------------------------------------------- run time
def _segmenter(model: Model):
    if model.features.get("kind", "char") == "char":
        return None
    from nlp.tokenize import default_segmenter

    return default_segmenter()


def refine_sections(blocks: list[Block], sections: list[Section], model: Model) -> list[Section]:
    """Re-place blocks that only got a section by position, with the section classifier,
    decoding the most probable sequence in which sections never go backwards."""
    clf = model.get("sections")
    if clf is None or not sections or all(s.method != "position" for s in sections):
        return sections
    body = [i for i, b in enumerate(blocks) if b.section is not None]
    if not body:
        return sections
    keys = clf.classes
    n = len(body)
    logp = np.log(np.clip(clf.proba_many([block_tokens(blocks[i], k / max(n - 1, 1)) for k, i in enumerate(body)]), 1e-9, 1))
    # blocks placed by a heading are fixed to their section
    fixed = [blocks[i].section if blocks[i].section_method == "heading" else None for i in body]
    big = -1e9
    for k, f in enumerate(fixed):
        if f is not None:
            logp[k, :] = big
            logp[k, keys.index(f)] = 0.0
    # Viterbi with non-decreasing section index
    score = logp[0].copy()
    back = np.zeros((n, len(keys)), dtype=np.int64)
    for k in range(1, n):
        best_prev = np.maximum.accumulate(score)
        arg = np.array([int(np.argmax(score[: j + 1])) for j in range(len(keys))])
        score = best_prev + logp[k]
        back[k] = arg
    path = [int(np.argmax(score))]
    for k in range(n - 1, 0, -1):
        path.append(int(back[k, path[-1]]))
    path.reverse()
    probs = np.exp(logp)
    for k, i in enumerate(body):
        if fixed[k] is None:
            blocks[i].section = keys[path[k]]
            blocks[i].section_method = "classifier"
            blocks[i].section_confidence = round(float(probs[k, path[k]]), 2)
    out: list[Section] = []
    for i in body:
        b = blocks[i]
        if out and out[-1].key == b.section:
            out[-1].end = b.end
            continue
        title = b.text if b.section_method == "heading" and b.kind == "heading" else None
        out.append(Section(b.section, title, b.start, b.end, b.section_method or "classifier", b.section_confidence or 0.5))
    for a, b in zip(out, out[1:]):
        a.end = b.start
    return out


def choose_themes(clf, p: np.ndarray) -> list[str]:
    return themes_stage.choose(clf.classes, p, clf.thresholds)


def restricted(blocks: list[Block]) -> bool:
    """Whether headings found the problems section: then problems and remedies are looked
    for there only (what sections 1-4 say of this year's work and plans is no admission)."""
    return any(b.section == "problems" and b.section_method == "heading" for b in blocks)


def forced_other(c: Candidate, restrict: bool) -> bool:
    """Candidates that are ``other`` by definition: introductions, and, when the problems
    section is known, anything outside it. Training skips them too."""
    return c.piece.intro or (restrict and c.section != "problems")


def _structural(cands: list[Candidate], labels: list[str]) -> list[str]:
    """Two consequences of what a statement is (CORPUS.md), applied after the classifier:

    - a clause cut off at a remedy cue ("…不够，下一步我局将…") right after a problem is
      that problem's remedy: the sentence held both, which is why it was cut;
    - an enumerated item left ``other`` inside a list whose neighbouring items are all
      problems (or all remedies) is one more of them: the items of one list share a role.
    Neither rule turns a problem into a remedy or back; both only rescue ``other``.
    """
    labels = list(labels)
    for i in range(1, len(cands)):
        p, prev = cands[i].piece, cands[i - 1].piece
        if labels[i] == "other" and p.clause and p.item == prev.item and labels[i - 1] == "problem":
            if not cands[i].piece.intro and not forced_other(cands[i], False):
                labels[i] = "remedy"
    # items: runs of pieces sharing an item number that open with a marker
    items: list[list[int]] = []
    for i, c in enumerate(cands):
        if c.piece.marker or (items and c.piece.item == cands[items[-1][0]].piece.item and cands[items[-1][0]].piece.marker):
            if c.piece.marker:
                items.append([i])
            else:
                items[-1].append(i)
    for k, item in enumerate(items):
        if any(labels[i] != "other" for i in item) or cands[item[0]].section != "problems":
            continue
        roles = set()
        for j in (k - 1, k + 1):
            if 0 <= j < len(items) and _adjacent(cands, items[min(k, j)], items[max(k, j)]):
                roles |= {labels[i] for i in items[j]} - {"other"}
        if len(roles) == 1:
            role = roles.pop()
            for i in item:
                labels[i] = role
    return labels


def _adjacent(cands: list[Candidate], first: list[int], second: list[int]) -> bool:
    """Two items follow each other in one list: nothing but the items between them."""
    return second[0] == first[-1] + 1 and cands[first[0]].section == cands[second[0]].section


def _no_lap(stage: str) -> None:
    return None


def _proba(clf, texts: list[str], context: list[list[str]], kind: str, seg) -> np.ndarray:
    """``clf.proba`` of each text with its context tokens: ``F.text_tokens(text) + context``
    (models of word features; character n-grams go through ``_Grams`` instead)."""
    return clf.proba_many([F.text_tokens(t, kind, seg) + c for t, c in zip(texts, context)])


class _Grams:
    """The character n-grams of the candidates' texts, keyed and looked up once for the
    statements and the themes models together (``GramIndex``).

    The themes model reads statements, whose text is their pieces joined by a space: as no
    n-gram spans a space, a statement's n-grams are those of its pieces, counted already."""

    def __init__(self, model: Model, names: tuple[str, ...], texts: list[str]):
        self.index = model.gram_index(names)
        self.doc, keys = F.char_gram_keys(texts)
        self.at = self.index.lookup(keys)

    def rows(self, owner: list[int] | None, column: int) -> tuple[np.ndarray, np.ndarray]:
        """(row, feature id in model ``column``) of every n-gram, the row of text ``i``
        being ``owner[i]`` (-1: left out); ``owner`` None: the row of text ``i`` is ``i``."""
        ids = self.index.ids[column]
        if owner is None:
            return self.doc, ids[self.at]
        row = np.array(owner, dtype=np.int64)[self.doc]
        keep = row >= 0
        return row[keep], ids[self.at[keep]]


def statements(blocks: list[Block], model: Model, include_other: bool = False,
               lap: Callable[[str], None] = _no_lap) -> list[Statement]:
    """Label candidate statements, merge pieces of one item, attach themes.

    ``lap("statements")`` / ``lap("themes")`` mark where each part ends (for the benchmark)."""
    restrict = restricted(blocks)
    # with the problems section known, nothing outside it can be a statement: when only
    # statements are wanted, the other sections' prose is not even cut into candidates
    cands = candidates(blocks, only="problems" if restrict and not include_other else None)
    if not cands:
        lap("statements")
        return []
    kind = model.features.get("kind", "char")
    seg = _segmenter(model)
    clf = model["statements"]
    themes_clf = model.get("themes")
    # char n-grams of all candidates at once (the few not scored may still join a statement)
    grams = None
    if kind == "char":
        names = ("statements", "themes") if themes_clf is not None else ("statements",)
        grams = _Grams(model, names, [c.piece.text for c in cands])
    other = clf.classes.index("other")
    scored = [i for i, c in enumerate(cands) if not forced_other(c, restrict)]
    probs = np.zeros((len(cands), len(clf.classes)))
    probs[:, other] = 1.0
    if scored:
        context = [cands[i].tokens_context for i in scored]
        if grams is not None:
            owner = None
            if len(scored) < len(cands):
                owner = [-1] * len(cands)
                for row, i in enumerate(scored):
                    owner[i] = row
            probs[scored] = clf.proba_many(context, grams=grams.rows(owner, 0))
        else:
            probs[scored] = _proba(clf, [cands[i].piece.text for i in scored], context, kind, seg)
    rows = probs.tolist()  # Python floats: cheaper to index and compare than numpy scalars
    column = {c: k for k, c in enumerate(clf.classes)}
    labels = [clf.classes[k] for k in probs.argmax(axis=1).tolist()]
    labels = _structural(cands, labels)
    out: list[Statement] = []
    members: list[list[int]] = []  # the candidates each statement joins
    for piece, label, idx in S.merge([c.piece for c in cands], labels):
        if label == "other" and not include_other:
            continue
        k = column[label]
        conf = min(rows[i][k] for i in idx)
        text = " ".join(cands[i].piece.text for i in idx) if len(idx) > 1 else cands[idx[0]].piece.text
        out.append(Statement(text, label, [], round(conf, 3), cands[idx[0]].section, piece.start, piece.end, {}))
        members.append(idx)
    lap("statements")
    todo = [k for k, st in enumerate(out) if st.label != "other"]
    if themes_clf is not None and todo:
        context = [[f"LABEL={out[k].label}"] for k in todo]
        if grams is not None:
            owner = [-1] * len(cands)
            for row, k in enumerate(todo):
                for i in members[k]:
                    owner[i] = row
            theme_p = themes_clf.proba_many(context, grams=grams.rows(owner, 1))
        else:
            theme_p = _proba(themes_clf, [out[k].text for k in todo], context, kind, seg)
        classes = themes_clf.classes
        thresholds = None if themes_clf.thresholds is None else themes_clf.thresholds.tolist()
        for k, p in zip(todo, theme_p.tolist()):
            st = out[k]
            st.themes = themes_stage.choose(classes, p, thresholds)
            st.theme_scores = {t: round(pk, 3) for t, pk in zip(classes, p) if pk >= 0.2}
    lap("themes")
    return out
