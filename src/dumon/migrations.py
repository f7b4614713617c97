"""The schema history. Append-only: never edit a migration that has shipped.

Each migration runs in one transaction together with its bookkeeping row, so a crash
during an upgrade leaves the previous schema intact. Applied on every open. The transaction
takes the write lock before it reads what is applied, so two processes opening a new
database at once apply each migration once (the second waits, then finds it done).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS_TABLE = "_dumon_migrations"
_MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    _MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sources"].create(
        {
            "name": str,
            "url": str,
            "kind": str,
            "outlet": str,
            "tier": str,
            "etag": str,
            "last_modified": str,
            "last_attempt": str,
            "last_success": str,
            "last_new_article": str,
            "consecutive_failures": int,
            "failure_score": float,
            "status": str,
            "last_error": str,
            "last_error_kind": str,
            "failing_since": str,
            "disabled_at": str,
            "items_last": int,
        },
        pk="name",
        defaults={"consecutive_failures": 0, "failure_score": 0.0, "status": "new"},
    )
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "title": str,
            "summary": str,
            "body": str,
            "outlet": str,
            "source": str,
            "published": str,
            "first_seen": str,
            "content_hash": str,
            "story_key": str,
            "edu": int,
            "local": int,
            "alert": int,
            "severity": int,
            "units": str,
            "themes": str,
            "folded": str,
            "external_id": str,
        },
        pk="id",
        not_null={"url", "title", "first_seen"},
        defaults={"edu": 0, "local": 0, "alert": 0, "severity": 0, "units": "[]", "themes": "[]"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["published"])
    db["articles"].create_index(["first_seen"])
    db["articles"].create_index(["outlet", "published"])
    db["hits"].create(
        {
            "id": int,
            "article_id": int,
            "kind": str,
            "key": str,
            "term": str,
            "field": str,
            "start": int,
            "end": int,
            "score": float,
            "folded": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["hits"].create_index(["article_id"])
    db["hits"].create_index(["kind", "key"])
    db["runs"].create(
        {"id": int, "started": str, "finished": str, "status": str, "pid": int, "sources": int},
        pk="id",
    )
    db["run_sources"].create(
        {
            "run_id": int,
            "source": str,
            "status": str,
            "error": str,
            "error_kind": str,
            "http_status": int,
            "items": int,
            "articles_new": int,
            "hits_new": int,
            "elapsed": float,
        },
        pk=("run_id", "source"),
        foreign_keys=[("run_id", "runs", "id")],
    )
    # Accent-sensitive tokens over the text as written, plus the application-folded copy for
    # accent-less queries: FTS5 never folds đ (MEASURED.md).
    db["articles"].enable_fts(
        ["title", "summary", "body", "folded"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 0",
    )


def applied(db: sqlite_utils.Database) -> list[str]:
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    return [row["name"] for row in db[MIGRATIONS_TABLE].rows_where(order_by="rowid")]


def pending(db: sqlite_utils.Database) -> list[str]:
    done = set(applied(db))
    return [name for name, _ in _MIGRATIONS if name not in done]


def latest() -> str:
    return _MIGRATIONS[-1][0]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply what is pending; return the names applied."""
    if not pending(db):  # the usual case: a read, no lock
        return []
    ran = []
    for name, fn in _MIGRATIONS:
        db.conn.execute("BEGIN IMMEDIATE")  # the write lock first (waits out busy_timeout)
        try:
            db.execute(
                f"CREATE TABLE IF NOT EXISTS [{MIGRATIONS_TABLE}] "
                "([name] TEXT PRIMARY KEY, [applied] TEXT)"
            )
            if name not in applied(db):
                fn(db)
                db[MIGRATIONS_TABLE].insert(
                    {"name": name, "applied": datetime.now(UTC).isoformat()}
                )
                ran.append(name)
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    return ran


@migration
def m002_reading_aggregates(db: sqlite_utils.Database) -> None:
    """What search filters and coverage reports read instead of scanning a year of articles.

    - ``article_tags``: one row per unit and per theme of each article (from the JSON columns),
      so filtering by unit or theme is an index range, not JSON parsing of every row.
    - ``coverage``: article counts per day, outlet, source, alert, local, units and themes,
      so a school year's report sums thousands of rows instead of reading 500,000.
    - a partial index of the local or alert articles by date (the report's top stories).
    Triggers keep both tables in step with ``articles`` (insert, rematch update, delete).
    """
    key = (
        "substr(coalesce({r}.published, ''), 1, 10), coalesce({r}.outlet, ''), "
        "coalesce({r}.source, ''), {r}.alert, {r}.local, coalesce({r}.units, '[]'), "
        "coalesce({r}.themes, '[]')"
    )
    tags = (
        "insert into article_tags (article_id, kind, name, published) "
        "select {r}.id, 'unit', value, {r}.published from json_each(coalesce({r}.units, '[]')) "
        "union all select {r}.id, 'theme', value, {r}.published "
        "from json_each(coalesce({r}.themes, '[]'));"
    )
    add = (
        "insert into coverage (day, outlet, source, alert, local, units, themes, n) "
        f"values ({key}, 1) on conflict (day, outlet, source, alert, local, units, themes) "
        "do update set n = n + 1;"
    )
    remove = (
        "update coverage set n = n - 1 where (day, outlet, source, alert, local, units, themes)"
        f" = ({key}); delete from coverage where n <= 0;"
    )
    statements = [
        """create table article_tags (
            article_id integer not null references articles(id),
            kind text not null,
            name text not null,
            published text
        )""",
        "create index idx_article_tags_name on article_tags (kind, name, published)",
        "create index idx_article_tags_article on article_tags (article_id)",
        """create table coverage (
            day text not null, outlet text not null, source text not null,
            alert integer not null, local integer not null, units text not null,
            themes text not null, n integer not null,
            primary key (day, outlet, source, alert, local, units, themes)
        )""",
        "create index idx_articles_notable on articles (published) where local = 1 or alert = 1",
        """insert into article_tags (article_id, kind, name, published)
            select a.id, 'unit', j.value, a.published from articles a, json_each(a.units) j
            where a.units != '[]'
            union all
            select a.id, 'theme', j.value, a.published from articles a, json_each(a.themes) j
            where a.themes != '[]'""",
        "insert into coverage (day, outlet, source, alert, local, units, themes, n) "
        f"select {key.format(r='a')}, count(*) from articles a group by 1, 2, 3, 4, 5, 6, 7",
        "create trigger articles_reading_ai after insert on articles begin "
        f"{tags.format(r='new')} {add.format(r='new')} end",
        "create trigger articles_reading_ad after delete on articles begin "
        f"delete from article_tags where article_id = old.id; {remove.format(r='old')} end",
        "create trigger articles_reading_au after update of units, themes, alert, local, "
        "published, outlet, source on articles begin "
        "delete from article_tags where article_id = old.id; "
        f"{tags.format(r='new')} {remove.format(r='old')} {add.format(r='new')} end",
    ]
    # One statement at a time: executescript would commit the migration's transaction.
    for statement in statements:
        db.execute(statement)


@migration
def m003_undated_articles_index(db: sqlite_utils.Database) -> None:
    """The articles without a publication time, by the time first seen: the digest's window
    reads them from here, so neither a bulk import (a million rows first seen today) nor years
    of undated articles make it scan."""
    db.execute("create index idx_articles_undated on articles (first_seen) where published is null")


@migration
def m004_inserts_keep_aggregates_in_batches(db: sqlite_utils.Database) -> None:
    """New articles' ``article_tags`` and ``coverage`` rows are written by ``store_records``,
    one statement per batch, instead of by a trigger per row (a third of the scan's store
    time went to the trigger's JSON parsing and upserts). Update and delete keep their
    triggers. Every insert into ``articles`` goes through ``store.store_records``."""
    db.execute("drop trigger articles_reading_ai")
