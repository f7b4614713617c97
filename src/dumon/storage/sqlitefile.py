"""Opening the database file to read it, also where nothing may be written.

Plain sqlite3, no sqlite-utils (reading commands keep their start-up short). A WAL database
is read through its shared-memory file, which SQLite creates beside the database; on a
read-only desk (a read-only mount, a folder the user may not write) or a full disk it
cannot, and even a ``mode=ro`` connection fails ("unable to open database file", "disk I/O
error"). There the file is opened as immutable: nobody can be writing it, since nothing can
be written there (at worst what a writer has not yet checkpointed is not seen).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

BUSY_MS = 30_000


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


def cannot_write_here(error: sqlite3.Error) -> bool:
    """Whether an error opening the database means nothing can be written beside it (a
    read-only desk, a full disk)."""
    text = str(error).lower()
    return any(
        sign in text for sign in ("unable to open", "readonly", "read-only", "i/o error", "full")
    )
