"""The writer: its connection (sqlite-utils, WAL, migrations) and the writes of the scan,
the import and rematch (articles with their hits, tags and coverage; runs).

Each source's writes happen in one ``write_transaction`` block, so a killed scan leaves either all
of a source's new articles, hits and fetch state (`sources`), or none of them. Readers use
`sqlitefile.open_reader` instead, and never load sqlite-utils.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from dumon.models import Article, SourceOutcome
from dumon.storage import migrations
from dumon.storage.rows import (
    ARTICLE_COLUMNS,
    ARTICLE_ROW_COLUMNS,
    HIT_COLUMNS,
    ArticleRecord,
    ArticleRow,
    article_record,
    hit_rows,
    match_columns,
)
from dumon.storage.rows import (
    to_iso as to_iso,  # re-exported: the writer's callers format times with store.to_iso
)
from dumon.storage.sqlitefile import cannot_write_here, connect_read_only
from dumon.urls import article_key
from dumon.verdicts import MatchResult
from dumon.vntime import VN_TZ

Database = sqlite_utils.Database
BUSY_SECONDS = 30  # how long a write waits for another process's transaction


def open_db(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database in WAL mode with the schema up to date.

    On a read-only desk an existing, up-to-date database is opened read-only, so reading
    works; a write then fails with SQLite's "attempt to write a readonly database", which
    the CLI turns into a message naming the fix.
    """
    try:
        db = sqlite_utils.Database(str(path))
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
        db.conn.execute("PRAGMA foreign_keys = ON")
        _enable_wal(db)
        db.conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as exc:
        if not cannot_write_here(exc) or not Path(path).is_file():
            raise
        db = sqlite_utils.Database(connect_read_only(path))
        if migrate and migrations.pending(db):
            raise  # the schema must be brought up to date, and nothing can be written
        return db
    if migrate:
        migrations.migrate(db)
    return db


def _enable_wal(db: Database) -> None:
    """Switch to WAL. Switching does not wait out the busy timeout: two processes opening a
    new database at once (two imports) saw "database is locked" at once; so it is retried
    for as long as the busy timeout would have waited."""
    give_up = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > give_up:
                raise
            time.sleep(0.05)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """`db.atomic()` that takes the write lock when it begins (BEGIN IMMEDIATE).

    In WAL mode a transaction that begins as a reader and then writes fails at once with
    "database is locked" when another process committed in between (two imports on one
    desk did); one that takes the lock first waits out the busy timeout instead. Nested
    inside another transaction it is a savepoint, as `atomic` is.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def roll_back(db: Database) -> None:
    """Undo what the connection has not committed (a write the caller cannot finish)."""
    if db.conn.in_transaction:
        db.conn.rollback()


def now_iso() -> str:
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- articles ------------------------------------------------------------------------------


def known_urls(db: Database, urls: list[str]) -> set[str]:
    """The subset of urls already stored, under that URL or as another URL of the same
    outlet article (chunked to stay under SQLite's variable limit)."""
    found: set[str] = set()
    by_key: dict[str, list[str]] = {}
    for url in urls:
        key = article_key(url)
        if key:
            by_key.setdefault(key, []).append(url)
    for i in range(0, len(urls), 500):
        chunk = urls[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"select url from articles where url in ({marks})", chunk):
            found.add(row[0])
    keys = list(by_key)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"select article_key from articles where article_key in ({marks})"
        for row in db.execute(sql, chunk):
            found.update(by_key[row[0]])
    return found


# An article is stored once: not under a second URL of the same outlet article (its number,
# `urls.article_key`), nor when the same outlet already has the same text (a reprint). The
# `+` keep SQLite on the content-hash index: by the outlet it would read every article of
# the outlet for each insert, and `content_hash = ?` would be folded into the indexed
# expression (constant propagation), which then matches no index.
_INSERT_ARTICLE = (
    "insert into articles "
    f"({', '.join(f'[{c}]' for c in (*ARTICLE_COLUMNS, 'first_seen', 'article_key'))}) "
    f"select {', '.join('?' * (len(ARTICLE_COLUMNS) + 2))} "
    "where not exists (select 1 from articles where article_key = ?) "
    "and not exists (select 1 from articles where substr(content_hash, 1, 12) = substr(?, 1, 12) "
    "and +content_hash = ? and +outlet = ?) "
    "on conflict(url) do nothing"
)
_URL = ARTICLE_COLUMNS.index("url")
_SUMMARY = ARTICLE_COLUMNS.index("summary")
_BODY = ARTICLE_COLUMNS.index("body")
_OUTLET = ARTICLE_COLUMNS.index("outlet")
_HASH = ARTICLE_COLUMNS.index("content_hash")


def _insert_params(values: tuple[Any, ...], seen: str) -> tuple[Any, ...]:
    """The insert's parameters: the row, then what identifies the article elsewhere."""
    key = article_key(values[_URL])
    # A title alone (a recurring heading) is no proof of a reprint.
    text_hash = values[_HASH] if values[_SUMMARY] or values[_BODY] else None
    return (*values, seen, key, key, text_hash, text_hash, values[_OUTLET])


_INSERT_HIT = (
    f"insert into hits (article_id, {', '.join(f'[{c}]' for c in HIT_COLUMNS)}) "
    f"values (?, {', '.join('?' * len(HIT_COLUMNS))})"
)


_INSERT_TAG = "insert into article_tags (article_id, kind, name, published) values (?, ?, ?, ?)"
_ADD_COVERAGE = (
    "insert into coverage (day, outlet, source, edu, alert, local, units, themes, n) "
    "values (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "on conflict (day, outlet, source, edu, alert, local, units, themes) "
    "do update set n = n + excluded.n"
)


def replace_hits(db: Database, article_id: int, match: MatchResult | None) -> int:
    db.execute("delete from hits where article_id = ?", [article_id])
    rows = hit_rows(match)
    db.conn.executemany(_INSERT_HIT, [(article_id, *row) for row in rows])
    return len(rows)


def update_match(db: Database, article_id: int, match: MatchResult) -> None:
    db.table("articles").update(article_id, match_columns(match))
    replace_hits(db, article_id, match)


def update_matches(db: Database, matches: Iterable[tuple[int, MatchResult]]) -> None:
    """New verdicts for stored articles (a rematch), in one transaction."""
    with db.atomic():
        for article_id, match in matches:
            update_match(db, article_id, match)


@dataclass(frozen=True)
class StoredBatch:
    articles_new: int
    hits_new: int


def store_articles(
    db: Database, pairs: Iterable[tuple[Article, MatchResult | None]], *, seen: str
) -> StoredBatch:
    """Insert new articles with their hits; call inside the caller's transaction."""
    return store_records(db, (article_record(a, m) for a, m in pairs), seen=seen)


def store_records(db: Database, records: Iterable[ArticleRecord], *, seen: str) -> StoredBatch:
    """Insert prepared articles (see `rows`) unless already stored (by URL, by the outlet's
    article number, or as a reprint of the same text); inside a transaction.

    The only way articles enter the database: it also writes their ``article_tags`` and
    ``coverage`` rows (migration m004), one statement per batch.
    """
    new = 0
    hits: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    coverage: Counter[tuple[Any, ...]] = Counter()
    for record in records:
        cursor = db.conn.execute(_INSERT_ARTICLE, _insert_params(record.values, seen))
        if cursor.rowcount != 1:
            continue
        new += 1
        article_id = cursor.lastrowid
        hits.extend((article_id, *row) for row in record.hits)
        tags.extend((article_id, *tag) for tag in record.tags)
        coverage[record.coverage_key] += 1
    # One statement each for the batch: per-article statements dominated scan time.
    db.conn.executemany(_INSERT_HIT, hits)
    db.conn.executemany(_INSERT_TAG, tags)
    db.conn.executemany(_ADD_COVERAGE, [(*key, n) for key, n in coverage.items()])
    return StoredBatch(new, len(hits))


def iter_articles(
    db: Database, *, since: str | None = None, batch: int = 1000
) -> Iterator[ArticleRow]:
    """Every stored article (optionally published or first seen since a date), in id order."""
    last = 0
    where = "id > ?"
    if since:
        where += " and coalesce(published, first_seen) >= ?"
    while True:
        params: list[Any] = [last] + ([since] if since else [])
        sql = f"select {ARTICLE_ROW_COLUMNS} from articles where {where} order by id limit {batch}"
        rows = [ArticleRow(*row) for row in db.conn.execute(sql, params)]
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def articles_with_ids(db: Database, ids: Iterable[int]) -> Iterator[ArticleRow]:
    """The stored articles of `ids` (those a proposed keyword change can touch), in id order."""
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"select {ARTICLE_ROW_COLUMNS} from articles where id in ({marks}) order by id"
        yield from (ArticleRow(*row) for row in db.conn.execute(sql, chunk))


HitKey = tuple[str, str, str, int, int]
"""A stored hit as compared across matches: kind, key, field, start, end."""


def stored_hits(db: Database, article_id: int) -> set[HitKey]:
    return {
        (kind, key, field, start, end)
        for kind, key, field, start, end in db.execute(
            "select kind, key, field, start, [end] from hits where article_id = ?", [article_id]
        )
    }


# --- runs ----------------------------------------------------------------------------------


def start_run(db: Database, *, pid: int, sources: int) -> int:
    with write_transaction(db):
        table = db.table("runs")
        table.insert({"started": now_iso(), "status": "running", "pid": pid, "sources": sources})
        return int(table.last_pk or 0)


def record_outcome(db: Database, run_id: int, outcome: SourceOutcome) -> None:
    db.table("run_sources").upsert(
        {
            "run_id": run_id,
            "source": outcome.source,
            "status": outcome.status,
            "error": outcome.error,
            "error_kind": outcome.error_kind,
            "http_status": outcome.http_status,
            "items": outcome.items,
            "articles_new": outcome.articles_new,
            "hits_new": outcome.hits_new,
            "elapsed": round(outcome.elapsed, 3),
        },
        pk=("run_id", "source"),
    )


def finish_run(db: Database, run_id: int, status: str) -> None:
    with write_transaction(db):
        db.table("runs").update(run_id, {"finished": now_iso(), "status": status})


def close_abandoned_runs(db: Database) -> int:
    """Mark runs left 'running' by a killed process as interrupted."""
    try:
        with write_transaction(db):
            cursor = db.execute("update runs set status = 'interrupted' where status = 'running'")
            return cursor.rowcount
    except sqlite3.OperationalError:
        return 0
