"""What search, suggest and export read: articles matching an FTS5 expression (see `query`)
within a period, units, themes, outlets and flags; the index's vocabulary; a period's
articles with their hits.

Which plan answers a search is decided here, on counts: a common word over a large store
walks the date index newest first (the page fills within a few rows), a rarer one collects
its matches and sorts them.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dumon import textnorm
from dumon.storage.rows import ARTICLE_ROW_COLUMNS, ArticleRow

WALK_MIN = 20_000
"""Above this many matches newest-first walks the date index (29 k: 39 ms vs 56 ms sorting)."""


@dataclass(frozen=True, slots=True)
class Narrowing:
    """What limits the articles besides the words, as stored: a period (ISO, [since, until)),
    unit names, theme keys and outlets (None: any; empty: none), and the matcher's flags."""

    since: str | None = None
    until: str | None = None
    units: tuple[str, ...] | None = None
    themes: tuple[str, ...] | None = None
    outlets: tuple[str, ...] | None = None
    alerts: bool = False
    local: bool = False
    edu: bool = False

    @property
    def selective(self) -> bool:
        """Whether it may skip most rows, so that walking the date index could scan far."""
        return (
            self.units is not None
            or self.themes is not None
            or self.outlets is not None
            or self.alerts
            or self.local
            or self.edu
        )


def tag_names(conn: sqlite3.Connection, kind: str) -> list[str]:
    """Every unit name (kind 'unit') or theme key ('theme') an article is tagged with."""
    rows = conn.execute("select distinct name from article_tags where kind = ?", [kind])
    return [row[0] for row in rows if row[0]]


def outlet_names(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("select distinct outlet from articles") if row[0]]


def _where(narrowing: Narrowing, alias: str) -> tuple[str, list[Any]]:
    """A WHERE fragment (starting with ' and') and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    bounds: list[str] = []
    if narrowing.since:
        bounds.append("published >= ?")
        params.append(narrowing.since)
    if narrowing.until:
        bounds.append("published < ?")
        params.append(narrowing.until)
    clauses.extend(f"{alias}.{bound}" for bound in bounds)
    for kind, chosen in (("unit", narrowing.units), ("theme", narrowing.themes)):
        if chosen is None:
            continue
        # The tag table carries the date too, so unit + period is one index range.
        marks = ",".join("?" * len(chosen)) or "null"
        within = "".join(f" and {bound}" for bound in bounds)
        clauses.append(
            f"{alias}.id in (select article_id from article_tags where kind = '{kind}' "
            f"and name in ({marks}){within})"
        )
        params.extend(chosen)
        params.extend(params[: len(bounds)])
    if narrowing.outlets is not None:
        marks = ",".join("?" * len(narrowing.outlets)) or "null"
        clauses.append(f"{alias}.outlet in ({marks})")
        params.extend(narrowing.outlets)
    if narrowing.alerts:
        clauses.append(f"{alias}.alert = 1")
    if narrowing.local:
        clauses.append(f"{alias}.local = 1")
    if narrowing.edu:
        clauses.append(f"{alias}.edu = 1")
    return "".join(f" and {c}" for c in clauses), params


# --- search --------------------------------------------------------------------------------


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class FoundArticle:
    """An article a search found (units, themes: the stored JSON lists)."""

    id: int
    title: str
    url: str
    outlet: str | None
    published: str | None
    summary: str | None
    body: str | None
    units: str | None
    themes: str | None
    alert: int


_COLUMNS = (
    "a.id, a.title, a.url, a.outlet, a.published, a.summary, a.body, a.units, a.themes, a.alert"
)


def count_matching(conn: sqlite3.Connection, expression: str) -> int:
    """How many articles an FTS5 expression matches (before any narrowing)."""
    row = conn.execute(
        "select count(*) from articles_fts where articles_fts match ?", [expression]
    ).fetchone()
    return int(row[0])


def _found(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[FoundArticle]:
    return [FoundArticle(*row) for row in conn.execute(sql, params)]


def most_relevant(
    conn: sqlite3.Connection,
    expression: str,
    narrowing: Narrowing,
    *,
    limit: int,
    weights: tuple[float, ...],
) -> list[FoundArticle]:
    """The best matches by bm25, with the columns weighted (title, summary, body, folded)."""
    where, params = _where(narrowing, "a")
    sql = (
        f"select {_COLUMNS} from articles_fts f join articles a on a.id = f.rowid "
        f"where articles_fts match ?{where} "
        f"order by bm25(articles_fts, {', '.join(str(w) for w in weights)}) limit ?"
    )
    return _found(conn, sql, [expression, *params, limit])


def newest_matching(
    conn: sqlite3.Connection, expression: str, narrowing: Narrowing, *, limit: int, matches: int
) -> list[FoundArticle]:
    """The newest matches; `matches` (from `count_matching`) chooses the plan."""
    where, params = _where(narrowing, "a")
    if matches > WALK_MIN and not narrowing.selective:
        # Walk the date index newest first and probe the index per row: a common word
        # fills the page within a few rows, where collecting every match takes seconds.
        sql = (
            f"select {_COLUMNS} from articles a where exists (select 1 from articles_fts f "
            f"where f.rowid = a.id and articles_fts match ?){where} "
            "order by a.published desc, a.id desc limit ?"
        )
    else:
        sql = (
            f"select {_COLUMNS} from articles a where a.id in (select rowid from "
            f"articles_fts where articles_fts match ?){where} "
            "order by a.published desc, a.id desc limit ?"
        )
    return _found(conn, sql, [expression, *params, limit])


def _plain_text(title: str | None, summary: str | None, body: str | None) -> int:
    """1 when the article carries no diacritic at all (a feed written without them)."""
    text = " ".join(filter(None, (title, summary, body)))
    return int(not textnorm.has_diacritics(text))


def accentless_matching(
    conn: sqlite3.Connection, loose: str, expression: str, narrowing: Narrowing, *, room: int
) -> list[FoundArticle]:
    """Articles written without any diacritic that match `loose` but not `expression`,
    newest first."""
    conn.create_function("dumon_plain_text", 3, _plain_text, deterministic=True)
    where, params = _where(narrowing, "a")
    sql = (
        f"select {_COLUMNS} from articles a where a.id in (select rowid from articles_fts "
        "where articles_fts match ?) and a.id not in (select rowid from articles_fts where "
        f"articles_fts match ?){where} and dumon_plain_text(a.title, a.summary, a.body) "
        "order by a.published desc, a.id desc limit ?"
    )
    return _found(conn, sql, [loose, expression, *params, room])


class Vocabulary:
    """Syllables of the full-text index and in how many articles each occurs (an
    ``fts5vocab`` table in the connection's temporary schema, so a read-only file is fine)."""

    def __init__(self, conn: sqlite3.Connection):
        conn.execute(
            "create virtual table if not exists temp.dumon_vocab "
            "using fts5vocab(main, 'articles_fts', 'row')"
        )
        self.conn = conn
        self.cache: dict[str, int] = {}

    def docs(self, word: str) -> int:
        if word not in self.cache:
            row = self.conn.execute(
                "select doc from temp.dumon_vocab where term = ?", [word]
            ).fetchone()
            self.cache[word] = row[0] if row else 0
        return self.cache[word]


# --- export --------------------------------------------------------------------------------


def period_articles(
    conn: sqlite3.Connection, narrowing: Narrowing, *, batch: int
) -> Iterator[list[ArticleRow]]:
    """The articles the narrowing lets through, in time order, `batch` at a time."""
    where, params = _where(narrowing, "articles")
    cursor = conn.execute(
        f"select {ARTICLE_ROW_COLUMNS} from articles where 1{where} order by published, id", params
    )
    while rows := cursor.fetchmany(batch):
        yield [ArticleRow(*row) for row in rows]


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class StoredHit:
    """A keyword hit as stored (`folded`: found in the accent-folded text)."""

    kind: str
    key: str
    term: str
    field: str
    start: int
    end: int
    score: float
    folded: int


_HIT_COLUMNS = ", ".join(f"[{name}]" for name in StoredHit.__dataclass_fields__)


def hits_of(conn: sqlite3.Connection, article_ids: list[int]) -> dict[int, list[StoredHit]]:
    """The hits of each article, in the order they were stored."""
    found: dict[int, list[StoredHit]] = defaultdict(list)
    marks = ",".join("?" * len(article_ids))
    sql = (
        f"select article_id, {_HIT_COLUMNS} from hits "
        f"where article_id in ({marks}) order by article_id, id"
    )
    for article_id, *values in conn.execute(sql, article_ids):
        found[article_id].append(StoredHit(*values))
    return found
