"""What to suggest when a search finds nothing or looks mistyped: a number glued to a word
("lop10"), a missing space ("tuyensinh"), one wrong letter in a syllable ("tuyn sinh"), or
syllables that are each in the store but never side by side (searched as separate phrases).

Every suggestion is checked against the store: only a query that finds articles is offered,
with how many it finds. Syllables are looked up in the full-text index's own vocabulary
(`storage.searching.Vocabulary`).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import string
from collections.abc import Callable
from dataclasses import dataclass

from dumon import textnorm
from dumon.storage.query import (
    Node,
    QueryTerm,
    Tree,
    all_terms,
    fold,
    folded_fts,
    is_plain,
    rebuild,
    term_fts,
)
from dumon.storage.searching import Vocabulary

ALPHABET = string.ascii_lowercase + string.digits
MAX_OPTIONS = 3  # spellings tried per unknown syllable
MAX_COMBINATIONS = 12  # candidate phrases counted per term
_GLUED = re.compile(r"^([^\W\d_]+)(\d+)$|^(\d+)([^\W\d_]+)$")


@dataclass(frozen=True)
class Suggestion:
    query: str  # what to type
    matches: int  # articles it finds (before filters)
    why: str  # what was changed, in Vietnamese


def _known(vocab: Vocabulary, word: str) -> bool:
    """Whether the store holds the syllable (accented: in any of its spellings)."""
    if is_plain(word):
        return vocab.docs(fold(word)) > 0
    return any(vocab.docs(spelling) for spelling in textnorm.spellings(word))


def _edits(word: str) -> set[str]:
    """Every string one deletion, swap, replacement or insertion away (folded letters)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    inserts = {a + c + b for a, b in splits for c in ALPHABET}
    return (deletes | swaps | replaces | inserts) - {word, ""}


def _options(word: str, vocab: Vocabulary) -> list[tuple[list[str], str]]:
    """Ways to write one syllable that the store knows: (syllables, why), best first."""
    glued = _GLUED.match(word)
    if glued:
        parts = [p for p in glued.groups() if p]
        if all(_known(vocab, p) for p in parts):
            return [(parts, f"tách '{word}' thành '{' '.join(parts)}'")]
    if _known(vocab, word):
        return [([word], "")]
    found: list[tuple[int, list[str], str]] = []
    base = fold(word)
    if not is_plain(word) and vocab.docs(base):
        found.append((vocab.docs(base), [base], f"bỏ dấu '{word}' → '{base}'"))
    for i in range(1, len(base)):
        left, right = base[:i], base[i:]
        docs = min(vocab.docs(left), vocab.docs(right))
        if docs:
            found.append((docs, [left, right], f"tách '{word}' thành '{left} {right}'"))
    if len(base) >= 3:
        for edit in _edits(base):
            docs = vocab.docs(edit)
            if docs:
                found.append((docs, [edit], f"sửa '{word}' thành '{edit}'"))
    found.sort(key=lambda item: -item[0])
    return [(words, why) for _, words, why in found[:MAX_OPTIONS]]


def _term_candidates(
    term: QueryTerm, vocab: Vocabulary, count: Callable[[str], int]
) -> list[tuple[Tree, int, str]]:
    """Rewrites of one term that find articles: (replacement, matches, why), best first."""
    per_word = [_options(w, vocab) for w in term.words]
    if any(not options for options in per_word):
        return []
    out: list[tuple[Tree, int, str]] = []
    combos = itertools.islice(itertools.product(*per_word), MAX_COMBINATIONS)
    for combo in combos:
        words: list[str] = []
        stars: list[bool] = []
        whys = []
        for (written, why), star in zip(combo, term.stars, strict=True):
            words += written
            stars += [False] * (len(written) - 1) + [star]
            if why:
                whys.append(why)
        candidate = QueryTerm(tuple(words), tuple(stars))
        if not whys:  # the syllables are right: they are just never side by side
            split = _split_runs(candidate, count)
            if split is not None:
                matches = count(_fts(split))
                if matches:
                    out.append((split, matches, "tìm các cụm riêng rẽ, không cần liền nhau"))
            continue
        matches = count(term_fts(candidate))
        if matches:
            out.append((candidate, matches, "; ".join(whys)))
    out.sort(key=lambda item: -item[1])
    return out


def _split_runs(term: QueryTerm, count: Callable[[str], int]) -> Tree | None:
    """The term cut where two neighbouring syllables never occur side by side."""
    if len(term.words) < 2:
        return None
    runs: list[list[int]] = [[0]]
    for i in range(1, len(term.words)):
        pair = QueryTerm((term.words[i - 1], term.words[i]), (False, term.stars[i]))
        if count(folded_fts(pair)):
            runs[-1].append(i)
        else:
            runs.append([i])
    if len(runs) == 1:
        return None
    parts = tuple(
        QueryTerm(tuple(term.words[i] for i in run), tuple(term.stars[i] for i in run))
        for run in runs
    )
    return Node("AND", parts)


def _fts(node: Tree) -> str:
    if isinstance(node, QueryTerm):
        return term_fts(node)
    return "(" + f" {node.op} ".join(_fts(c) for c in node.children) + ")"


def _replace(node: Tree, old: QueryTerm, new: Tree) -> Tree:
    if node is old:
        return new
    if isinstance(node, QueryTerm):
        return node
    return Node(node.op, tuple(_replace(c, old, new) for c in node.children))


def _typed(node: Tree) -> str:
    """A suggestion as the user would type it: a lone phrase needs no quotes."""
    if isinstance(node, QueryTerm):
        return node.text
    return rebuild(node)


def suggest(
    conn: sqlite3.Connection, tree: Tree, *, matches: int, count: Callable[[str], int]
) -> tuple[Suggestion, ...]:
    """Queries close to the user's that find more articles than it (none when it is fine).

    `count` gives the number of articles an FTS5 expression matches.
    """
    terms = all_terms(tree)
    glued = any(_GLUED.match(w) for t in terms for w in t.words)
    if matches and not glued:
        return ()
    vocab = Vocabulary(conn)
    fixed = tree
    whys: list[str] = []
    alternatives: list[tuple[Tree, int, str]] = []
    for term in terms:
        if not glued and count(term_fts(term)):
            continue
        candidates = _term_candidates(term, vocab, count)
        if not candidates:
            continue
        best, _, why = candidates[0]
        fixed = _replace(fixed, term, best)
        whys.append(why)
        if len(terms) == 1:
            alternatives = candidates[1:]
    out: list[Suggestion] = []
    if fixed is not tree:
        found = count(_fts(fixed))
        if found > matches:
            out.append(Suggestion(_typed(fixed), found, "; ".join(whys)))
    for node, found, why in alternatives:
        if found > matches and _typed(node) not in {s.query for s in out}:
            out.append(Suggestion(_typed(node), found, why))
    return tuple(out[:3])
