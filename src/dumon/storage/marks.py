"""The office's marks on articles (migration m010), and what the suggestions drawn from them
read: the marked articles, the hits behind their verdicts, the articles a term reaches.

A mark is tied to the article's URL and to the outlet's article number (``article_key``), not
only to its id, so an article pruned and stored again keeps it. What a mark does to an article
is ``output/marks.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dumon.storage.rows import ARTICLE_ROW_BRIEF, ARTICLE_ROW_COLUMNS, ArticleRow
from dumon.storage.sqlitefile import chunks, has_table, placeholders
from dumon.storage.store import Database
from dumon.urls import article_key, canonical_url


@dataclass(frozen=True)
class ArticleRef:
    """A stored article as the office names it: by id, URL or the outlet's article number."""

    id: int
    url: str
    title: str
    outlet: str | None
    published: str | None
    first_seen: str
    article_key: str | None


_REF_COLUMNS = "id, url, title, outlet, published, first_seen, article_key"


def find_article(conn: sqlite3.Connection, ref: str) -> ArticleRef | None:
    """The article a reference names: a number is its id; a URL is read as the scan stores it
    (canonical), and another URL of the same outlet article (its number) finds it too."""
    text = ref.strip()
    row = None
    if text.isdigit():
        row = conn.execute(
            f"select {_REF_COLUMNS} from articles where id = ?", [int(text)]
        ).fetchone()
    elif "://" in text:
        for url in dict.fromkeys((text, canonical_url(text))):
            row = conn.execute(
                f"select {_REF_COLUMNS} from articles where url = ?", [url]
            ).fetchone()
            if row:
                break
        key = article_key(text)
        if row is None and key:
            row = conn.execute(
                f"select {_REF_COLUMNS} from articles where article_key = ?", [key]
            ).fetchone()
    return ArticleRef(*row) if row else None


@dataclass(frozen=True)
class Mark:
    kind: str
    url: str
    title: str
    at: str
    note: str = ""
    article_id: int | None = None  # the article it is on now (None: not stored any more)
    id: int = 0


# A mark is on the stored article with its URL, or with the outlet's same article number.
_CURRENT = (
    "select a.id, m.kind from marks m join articles a on a.url = m.url "
    "union select a.id, m.kind from marks m join articles a on a.article_key = m.article_key "
    "where m.article_key is not null"
)


def marked(conn: sqlite3.Connection) -> dict[int, frozenset[str]]:
    """Every marked stored article: its id → the kinds of its marks."""
    if not has_table(conn, "marks"):
        return {}
    found: dict[int, set[str]] = {}
    for article_id, kind in conn.execute(_CURRENT):
        found.setdefault(article_id, set()).add(kind)
    return {k: frozenset(v) for k, v in found.items()}


def list_marks(conn: sqlite3.Connection) -> list[Mark]:
    """Every mark, newest first, with the article it is on now."""
    if not has_table(conn, "marks"):
        return []
    rows = conn.execute(
        "select m.id, m.kind, m.url, m.title, m.at, m.note, coalesce("
        "(select a.id from articles a where a.url = m.url), "
        "(select a.id from articles a where m.article_key is not null "
        "and a.article_key = m.article_key)) from marks m order by m.at desc, m.id desc"
    ).fetchall()
    return [
        Mark(kind, url, title or "", at, note or "", article_id, id_)
        for id_, kind, url, title, at, note, article_id in rows
    ]


def add_marks(
    db: Database, article: ArticleRef, kinds: Iterable[str], *, note: str, at: str
) -> list[str]:
    """Store the marks on an article; the kinds that were new (a mark already there keeps its
    time; a new note replaces its note). Inside the caller's transaction."""
    added = []
    for kind in kinds:
        there = db.execute(
            "select 1 from marks where url = ? and kind = ?", [article.url, kind]
        ).fetchone()
        if there:
            if note:
                db.execute(
                    "update marks set note = ? where url = ? and kind = ?",
                    [note, article.url, kind],
                )
            continue
        db.execute(
            "insert into marks (article_id, url, article_key, title, kind, note, at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [article.id, article.url, article.article_key, article.title, kind, note, at],
        )
        added.append(kind)
    return added


def remove_marks(db: Database, article: ArticleRef, kinds: Sequence[str]) -> int:
    """Take marks off an article (all of them when `kinds` is empty); how many went."""
    where = "(url = ? or (article_key is not null and article_key = ?))"
    params: list[Any] = [article.url, article.article_key]
    if kinds:
        where += f" and kind in ({placeholders(kinds)})"
        params += list(kinds)
    return int(db.execute(f"delete from marks where {where}", params).rowcount)


def articles_published_between(
    conn: sqlite3.Connection, ids: Sequence[int], start: str, end: str
) -> list[ArticleRow]:
    """The articles of `ids` published in [start, end) (ISO), text shortened."""
    return [
        ArticleRow(*row)
        for chunk in chunks(ids)
        for row in conn.execute(
            f"select {ARTICLE_ROW_BRIEF} from articles where id in ({placeholders(chunk)}) "
            "and published >= ? and published < ?",
            [*chunk, start, end],
        )
    ]


# --- what the suggestions read -------------------------------------------------------------


def whole_articles(conn: sqlite3.Connection, ids: Sequence[int]) -> list[ArticleRow]:
    """The articles of `ids`, their whole text (the words around a hit are read)."""
    return [
        ArticleRow(*row)
        for chunk in chunks(ids)
        for row in conn.execute(
            f"select {ARTICLE_ROW_COLUMNS} from articles where id in ({placeholders(chunk)})", chunk
        )
    ]


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class TermHit:
    """Where a keyword's term was found in an article's text."""

    article_id: int
    kind: str
    key: str
    term: str
    field: str
    start: int
    end: int


def term_hits(conn: sqlite3.Connection, ids: Sequence[int], kinds: Sequence[str]) -> list[TermHit]:
    """The hits of these kinds in the articles' text (their URLs left out)."""
    return [
        TermHit(*row)
        for chunk in chunks(ids)
        for row in conn.execute(
            "select article_id, kind, key, term, field, start, [end] from hits "
            f"where article_id in ({placeholders(chunk)}) and kind in ({placeholders(kinds)}) "
            "and field != 'url'",
            [*chunk, *kinds],
        )
    ]


def articles_with_hit(conn: sqlite3.Connection, kind: str, key: str, term: str) -> list[int]:
    """The stored articles where this term was found for this key."""
    rows = conn.execute(
        "select distinct article_id from hits where kind = ? and key = ? and term = ?",
        [kind, key, term],
    )
    return [row[0] for row in rows]


def unkept_articles(conn: sqlite3.Connection, ids: Sequence[int]) -> list[ArticleRow]:
    """The articles of `ids` the matcher did not keep (not edu, local or alert)."""
    return [
        ArticleRow(*row)
        for chunk in chunks(ids)
        for row in conn.execute(
            f"select {ARTICLE_ROW_BRIEF} from articles where id in ({placeholders(chunk)}) "
            "and edu = 0 and local = 0 and alert = 0",
            chunk,
        )
    ]


def articles_matching(conn: sqlite3.Connection, expression: str) -> list[int]:
    """The ids of the articles an FTS5 expression finds."""
    rows = conn.execute("select rowid from articles_fts where articles_fts match ?", [expression])
    return [row[0] for row in rows]
