"""Upkeep's statements: SQLite's integrity check, the online backup, vacuum, pruning old
rows, and the last scan run (`dumon doctor`).

Backup and vacuum work on the file as it is, through their own plain connection
(`open_for_upkeep`: read-write, waiting out other writers, never migrating): a backup copies
what is there, and neither needs the writer's settings or sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dumon.storage.sqlitefile import BUSY_MS, connect_read_only, has_table
from dumon.storage.store import Database, write_transaction


def open_for_upkeep(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    return conn


def integrity(path: Path) -> str:
    """SQLite's own verdict on a database file: 'ok' or the first problems it found."""
    conn = connect_read_only(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(str(r[0]) for r in rows[:5])


def copy_online(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup of `source` into the file `target`, as one self-contained file
    (no WAL beside it); a scan may write meanwhile."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()


def vacuum(conn: sqlite3.Connection) -> None:
    """Rebuild the file to give back the space of deleted rows (the WAL emptied first and
    after, so the space shows)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@dataclass(frozen=True, slots=True)
class PruneResult:
    cutoff: str
    articles: int
    hits: int
    runs: int
    kept_with_hits: int  # old articles kept because the matcher kept them


def prune(db: Database, cutoff: str, *, include_hits: bool) -> PruneResult:
    """Delete the articles (with their hits) and finished scan runs older than `cutoff`
    (ISO), in one transaction; unless `include_hits`, the articles the matcher kept (with
    hits, or marked education/local/alert) stay."""
    relevant = (
        "exists (select 1 from hits h where h.article_id = articles.id) "
        "or edu = 1 or local = 1 or alert = 1"
    )
    old = "coalesce(published, first_seen) < :cutoff"
    kept = 0
    if not include_hits:
        kept = db.execute(
            f"select count(*) from articles where {old} and ({relevant})",
            {"cutoff": cutoff},
        ).fetchone()[0]
    doomed = f"select id from articles where {old}"
    if not include_hits:
        doomed += f" and not ({relevant})"
    with write_transaction(db):
        hits = db.execute(
            f"delete from hits where article_id in ({doomed})", {"cutoff": cutoff}
        ).rowcount
        articles = db.execute(
            f"delete from articles where id in ({doomed})", {"cutoff": cutoff}
        ).rowcount
        old_runs = "select id from runs where started < :cutoff and status != 'running'"
        db.execute(f"delete from run_sources where run_id in ({old_runs})", {"cutoff": cutoff})
        runs = db.execute(
            "delete from runs where started < :cutoff and status != 'running'",
            {"cutoff": cutoff},
        ).rowcount
    return PruneResult(cutoff, articles, hits, runs, kept)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A scan run: when it started and ended, and how (running, done, interrupted…)."""

    id: int
    started: str
    finished: str | None
    status: str
    pid: int | None
    sources: int | None


def last_run(conn: sqlite3.Connection) -> RunRecord | None:
    """The latest scan run; None before the first (or in a file not yet migrated)."""
    if not has_table(conn, "runs"):
        return None
    row = conn.execute(
        "select id, started, finished, status, pid, sources from runs order by id desc limit 1"
    ).fetchone()
    return RunRecord(*row) if row else None
