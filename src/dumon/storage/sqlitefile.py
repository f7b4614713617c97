"""Opening the database file to read it, also where nothing may be written.

Plain sqlite3, no sqlite-utils (importing it, and the numpy it probes for, costs ~0.3 s of a
reading command's start-up). The writer's connection is `store.open_db`. A WAL database
is read through its shared-memory file, which SQLite creates beside the database; on a
read-only desk (a read-only mount, a folder the user may not write) or a full disk it
cannot, and even a ``mode=ro`` connection fails ("unable to open database file", "disk I/O
error"). There the file is opened as immutable: nobody can be writing it, since nothing can
be written there (at worst what a writer has not yet checkpointed is not seen).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

BUSY_MS = 30_000
SCHEMA = "m010_marks"
"""The latest migration, known here without importing sqlite-utils (a test checks it)."""


ID_CHUNK = 500  # ids per statement, under SQLite's limit of bound variables


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """`ids` in slices small enough for one ``in (…)`` statement each."""
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def placeholders(values: Sequence[Any]) -> str:
    """``?,?,…``: one bound parameter per value."""
    return ",".join("?" * len(values))


def _uri(path: Path | str, option: str) -> str:
    return f"file:{quote(str(Path(path).resolve()))}?{option}"


def connect_read_only(path: Path | str) -> sqlite3.Connection:
    """A connection that only reads `path`; raises sqlite3.Error when it cannot be read."""
    try:
        conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True)
        conn.execute(f"pragma busy_timeout = {BUSY_MS}")
        conn.execute("select count(*) from sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        if not cannot_write_here(exc) or not Path(path).is_file():
            raise
    conn = sqlite3.connect(_uri(path, "immutable=1"), uri=True)
    conn.execute("select count(*) from sqlite_master").fetchone()
    return conn


def open_reader(path: Path | str) -> sqlite3.Connection:
    """A read-only connection for the reading commands (digest, search, report, export).

    The scan or import that wrote the database migrated it; a database written by an older
    dumon (or a blank file) is migrated once here, through the writer, first.
    """
    conn = connect_read_only(path)  # also on a read-only desk
    try:
        current = conn.execute(
            "select 1 from _dumon_migrations where name = ?", [SCHEMA]
        ).fetchone()
    except sqlite3.OperationalError:  # no bookkeeping table: a blank or foreign file
        current = None
    if current:
        return conn
    conn.close()  # bring its schema up to date first
    from dumon.storage import store

    store.open_db(path).close()
    return open_reader(path)


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the file holds the table (a database not yet migrated may not)."""
    found = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = ?", [name]
    ).fetchone()
    return found is not None


def cannot_write_here(error: sqlite3.Error) -> bool:
    """Whether an error opening the database means nothing can be written beside it (a
    read-only desk, a full disk)."""
    text = str(error).lower()
    return any(
        sign in text for sign in ("unable to open", "readonly", "read-only", "i/o error", "full")
    )
