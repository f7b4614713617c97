"""The `sources` table: each configured source's fetch state and health record.

The scan writes a source's row in the transaction that stores its articles (validators for
conditional requests, failures weighted by kind); `collecting.health` reads the rows to judge
each source and switches sources off and on through the functions here. Reads take a plain
sqlite3 connection (a reader's, or the writer's ``db.conn``); writes take the writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dumon.models import Source, SourceOutcome

if TYPE_CHECKING:  # the writer is imported by the writes alone: readers skip sqlite-utils
    from dumon.storage.store import Database


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source's row: what is known of it beyond sources.yaml (None: never recorded)."""

    name: str
    url: str | None = None
    kind: str | None = None
    outlet: str | None = None
    tier: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    last_new_article: str | None = None
    consecutive_failures: int | None = None
    failure_score: float | None = None
    status: str | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    failing_since: str | None = None
    disabled_at: str | None = None
    items_last: int | None = None


_COLUMNS = ", ".join(f"[{name}]" for name in SourceState.__dataclass_fields__)


def source_states(conn: sqlite3.Connection) -> dict[str, SourceState]:
    """Every recorded source by name, in the order they were first recorded."""
    rows = conn.execute(f"select {_COLUMNS} from sources order by rowid")
    return {row[0]: SourceState(*row) for row in rows}


def source_state(conn: sqlite3.Connection, name: str) -> SourceState | None:
    row = conn.execute(f"select {_COLUMNS} from sources where name = ?", [name]).fetchone()
    return SourceState(*row) if row else None


def disabled_sources(conn: sqlite3.Connection) -> set[str]:
    """The names of the sources switched off in the database."""
    rows = conn.execute("select name from sources where disabled_at is not null")
    return {row[0] for row in rows}


def sync_sources(db: Database, sources: Iterable[Source]) -> None:
    """Make the sources table know every configured source (fetch state is kept)."""
    from dumon.storage.store import write_transaction

    with write_transaction(db):
        for source in sources:
            row = {
                "name": source.name,
                "url": source.url,
                "kind": source.kind,
                "outlet": source.outlet,
                "tier": source.tier,
            }
            if db.table("sources").count_where("name = ?", [source.name]):
                db.table("sources").update(source.name, row)
            else:
                db.table("sources").insert(row)


# Hard failures (the feed is gone or broken) weigh more than passing ones (a slow server).
FAILURE_WEIGHTS = {
    "timeout": 0.5,
    "deadline": 0.5,
    "rate_limited": 0.5,
    "connect": 0.75,
    "http_5xx": 0.75,
    "dns": 1.0,
    "http_4xx": 1.0,
    "parse": 1.0,
    "too_large": 1.0,
    "redirect_loop": 1.0,
    "too_many_redirects": 1.0,
    "bad_scheme": 1.0,
    "robots": 1.0,
}


def update_source_state(
    db: Database,
    name: str,
    outcome: SourceOutcome,
    *,
    now: str,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Record a source's fetch outcome: conditional-request validators and health."""
    state = source_state(db.conn, name) or SourceState(name)
    changes: dict[str, Any] = {"last_attempt": now}
    if outcome.status == "failed":
        changes["consecutive_failures"] = (state.consecutive_failures or 0) + 1
        weight = FAILURE_WEIGHTS.get(outcome.error_kind or "", 0.75)
        changes["failure_score"] = round((state.failure_score or 0.0) + weight, 3)
        changes["last_error"] = outcome.error
        changes["last_error_kind"] = outcome.error_kind
        changes["failing_since"] = state.failing_since or now
        changes["status"] = "failing"
    else:
        changes.update(
            consecutive_failures=0,
            failure_score=0.0,
            last_error=None,
            last_error_kind=None,
            failing_since=None,
            last_success=now,
            status=outcome.status,
        )
        if outcome.status == "ok":
            changes["items_last"] = outcome.items
            changes["etag"] = etag
            changes["last_modified"] = last_modified
            if outcome.articles_new:
                changes["last_new_article"] = now
    db.table("sources").update(name, changes)


def disable_sources(db: Database, names: Iterable[str], *, at: str, status: str) -> None:
    """Switch sources off from `at`; `status` keeps how (by hand, automatically)."""
    from dumon.storage.store import write_transaction

    with write_transaction(db):
        for name in names:
            db.table("sources").update(name, {"disabled_at": at, "status": status})


def enable_source(db: Database, name: str) -> None:
    """Switch a source back on with a fresh failure record and no stored validators, so its
    next fetch is a whole one."""
    changes = {
        "disabled_at": None,
        "status": "new",
        "consecutive_failures": 0,
        "failure_score": 0.0,
        "failing_since": None,
        "etag": None,
        "last_modified": None,
    }
    from dumon.storage.store import write_transaction

    with write_transaction(db):
        db.table("sources").update(name, changes)
