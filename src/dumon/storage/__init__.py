"""Storage: the SQLite file and every SQL statement dumon runs.

Connections: `store.open_db` is the writer (sqlite-utils, WAL, migrations from `migrations`);
`sqlitefile.open_reader` a reader (plain sqlite3, read-only, migrating first when the schema
is behind; also where nothing may be written); `maintenance.open_for_upkeep` the backup's and
vacuum's. Writes take the writer; reads take a sqlite3 connection (a writer passes its
``db.conn``).

Statements, by what they serve: `store` the scan's writes (articles, hits, runs) and
rematch's; `sources` each source's fetch state; `reading` the digest; `searching` search,
suggest and export; `reports` the coverage report; `maintenance` backup, vacuum, prune and
the doctor. `rows` builds rows without a connection; `query` compiles the search language to
FTS5; `lock` keeps one scan per desk.

Reads return dataclasses. Rows read in bulk (a window, a period, an export) are slotted but
not frozen: a frozen dataclass sets each field through ``object.__setattr__``, which on a
month's window (13,500 rows) cost twice what building dicts did; unfrozen, they cost less.
"""
