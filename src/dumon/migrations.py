"""The schema history. Append-only: never edit a migration that has shipped.

Each migration runs in one transaction together with its bookkeeping row, so a crash
during an upgrade leaves the previous schema intact. Applied on every open.
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
    if MIGRATIONS_TABLE not in db.table_names():
        db[MIGRATIONS_TABLE].create({"name": str, "applied": str}, pk="name")
    done = set(applied(db))
    ran = []
    for name, fn in _MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            fn(db)
            db[MIGRATIONS_TABLE].insert({"name": name, "applied": datetime.now(UTC).isoformat()})
        ran.append(name)
    return ran
