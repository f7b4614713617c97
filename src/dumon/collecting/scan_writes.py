"""The scan's writes: one thread, one connection, one transaction per source.

A killed scan loses at most the source being written: its transaction rolls back, its ETag
is not advanced, so the next scan fetches it again.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dumon.models import SourceOutcome
from dumon.storage import sources as source_table
from dumon.storage import store
from dumon.storage.rows import ArticleRecord

log = logging.getLogger(__name__)


class Writer:
    """The scan's database writes, on one thread with its own connection.

    SQLite releases the GIL while it works, so fetching and parsing go on while a source's
    transaction commits; one thread keeps the writes in order, one transaction per source.
    """

    def __init__(self, path: Path):
        self._path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dumon-store")
        self._db: store.Database | None = None

    def _run(self, fn, args):
        if self._db is None:
            self._db = store.open_db(self._path, migrate=False)
        return fn(self._db, *args)

    async def call(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._run, fn, args)

    def close(self) -> None:
        def _close() -> None:
            if self._db is not None:
                self._db.close()

        self._pool.submit(_close).result()
        self._pool.shutdown(wait=True)


def give_up_run(db: store.Database, run_id: int) -> None:
    """Mark a run the scan cannot finish (full disk, corrupt database) as failed, if the
    database still takes that much; else the next scan marks it interrupted."""
    try:
        store.roll_back(db)
        store.finish_run(db, run_id, "failed")
    except sqlite3.Error as exc:
        log.warning("run %d left as it was: %s", run_id, exc)


@dataclass(frozen=True)
class Fetched:
    """What a successful fetch and parse tell the store besides the articles."""

    items: int
    problem: str | None
    http_status: int | None
    etag: str | None
    last_modified: str | None
    began: float


def store_source(
    db: store.Database,
    run_id: int,
    name: str,
    records: list[ArticleRecord],
    fetched: Fetched,
) -> SourceOutcome:
    """One transaction: the source's new articles, hits, fetch state and run result."""
    now = store.now_iso()
    with store.write_transaction(db):
        batch = store.store_records(db, records, seen=now)
        outcome = SourceOutcome(
            name,
            "ok",
            error=fetched.problem,
            http_status=fetched.http_status,
            items=fetched.items,
            articles_new=batch.articles_new,
            hits_new=batch.hits_new,
            elapsed=time.monotonic() - fetched.began,
        )
        source_table.update_source_state(
            db,
            name,
            outcome,
            now=now,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        store.record_outcome(db, run_id, outcome)
    return outcome


def record_outcome(db: store.Database, run_id: int, outcome: SourceOutcome) -> None:
    """Record a source that stored nothing (unchanged or failed): its health and run result."""
    with store.write_transaction(db):
        source_table.update_source_state(db, outcome.source, outcome, now=store.now_iso())
        store.record_outcome(db, run_id, outcome)
