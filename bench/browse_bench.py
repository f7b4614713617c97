"""Datasette's facets on a desk, timed with the SQL Datasette runs for the README's pages,
against its default facet time limit (200 ms). Datasette itself is not needed.

    python bench/browse_bench.py --desk /tmp/desk-corpus
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from timing import median_ms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.datasette import ARRAY, COLUMN  # noqa: E402

LIMIT_MS = 200  # Datasette's facet_time_limit_ms default
FACETS = (
    ("articles: _facet=outlet", COLUMN, "articles", "outlet", ""),
    ("articles: _facet=edu", COLUMN, "articles", "edu", ""),
    ("articles: _facet=alert", COLUMN, "articles", "alert", ""),
    ("articles: _facet_array=units", ARRAY, "articles", "units", ""),
    (
        "article_tags?kind=theme: _facet=name",
        COLUMN,
        "article_tags",
        "name",
        "where kind = 'theme'",
    ),
    ("article_tags?kind=unit: _facet=name", COLUMN, "article_tags", "name", "where kind = 'unit'"),
    ("(not used) articles: _facet_array=themes", ARRAY, "articles", "themes", ""),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desk", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = args.desk / "dumon.db"
    if not path.is_file():
        sys.exit(f"Không thấy {path}. Bỏ qua.")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    total = conn.execute("select count(*) from articles").fetchone()[0]
    print(f"store: {total:,} articles; Datasette's facet limit {LIMIT_MS} ms")
    baseline = median_ms(lambda: conn.execute("select count(*) from articles").fetchone(), 3)
    print(f"baseline: count(*) of articles: {baseline:.0f} ms")
    for label, shape, table, col, where in FACETS:
        sql = shape.format(table=table, col=col, where=where)
        ms = median_ms(lambda s=sql: conn.execute(s).fetchall(), args.repeat)
        verdict = "ok" if ms <= LIMIT_MS else "TOO SLOW"
        print(f"{label:44} {ms:>7.0f} ms  {verdict}")


if __name__ == "__main__":
    main()
