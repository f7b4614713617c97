"""The README's Datasette pages stay inside Datasette's facet time limit because each facet
reads an index, not every article with its text. The SQL is the shape Datasette 0.65 runs
(datasette/facets.py); `bench/browse_bench.py` times it on a real desk."""

from __future__ import annotations

import pytest

from support.datasette import ARRAY, COLUMN
from support.store import Doc

README_FACETS = (
    (COLUMN, "articles", "outlet", ""),
    (COLUMN, "articles", "edu", ""),
    (COLUMN, "articles", "alert", ""),
    (ARRAY, "articles", "units", ""),
    (COLUMN, "article_tags", "name", "where kind = 'theme'"),
    (COLUMN, "article_tags", "name", "where kind = 'unit'"),
)


@pytest.mark.parametrize(("shape", "table", "col", "where"), README_FACETS)
def test_each_readme_facet_reads_an_index(make_store, shape, table, col, where):
    db = make_store([Doc("Tin", "Báo A", "2026-01-01 08:00", units=("Sở",), themes=("t",))])
    sql = shape.format(table=table, col=col, where=where)
    steps = [row[-1] for row in db.execute("explain query plan " + sql)]
    reads = [s for s in steps if s.startswith(("SCAN", "SEARCH")) and f" {table} " in f"{s} "]
    assert reads and all("INDEX" in s for s in reads), steps
