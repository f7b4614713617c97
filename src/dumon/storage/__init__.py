"""Storage: the SQLite file and every SQL statement dumon runs.

`store` opens the database (WAL, migrations from `migrations`) and holds the scan's writes;
`sqlitefile` opens it for reading, also where nothing may be written; `rows` builds rows
without a connection; `query` compiles the search language to FTS5; `lock` keeps one scan
per desk.
"""
