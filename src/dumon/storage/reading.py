"""What the digest reads: a window's articles, the alert and signal hits of the relevant ones,
and the scans' failures in the window.

A month's window is tens of thousands of rows: they are read in one statement per index
and built straight into records, with a relevant article's body cut to its lead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from dumon.storage.rows import ArticleRow
from dumon.storage.sqlitefile import chunks, placeholders

_RELEVANT = "(edu = 1 or local = 1 or alert = 1)"
# ArticleRow's columns, the text shortened: a summary's first 600 characters, and a body only
# for a relevant article (its first 1,500), '' otherwise.
_ARTICLE_COLUMNS = (
    "id, url, title, substr(coalesce(summary, ''), 1, 600) as summary, "
    f"case when {_RELEVANT} then substr(coalesce(body, ''), 1, 1500) else '' end as body, "
    "outlet, source, published, first_seen, edu, local, alert, severity, units, themes, scope"
)


def window_articles(conn: sqlite3.Connection, start: str, end: str) -> list[ArticleRow]:
    """Every article published in [start, end) (ISO), else first seen then when undated.

    Written as two ranges instead of ``coalesce(published, first_seen)`` so that each is
    answered from an index: dated articles from ``published``, undated ones from the partial
    index ``idx_articles_undated`` (migration m003).
    """
    sql = (
        f"select {_ARTICLE_COLUMNS} from articles "
        "where published >= :s and published < :e "
        f"union all select {_ARTICLE_COLUMNS} from articles indexed by idx_articles_undated "
        "where first_seen >= :s and first_seen < :e and published is null"
    )
    return [ArticleRow(*row) for row in conn.execute(sql, {"s": start, "e": end})]


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class RankingHit:
    """An alert or ranking-signal hit of an article, and the field it was found in."""

    article_id: int
    kind: str  # alert, signal
    key: str
    field: str


def ranking_hits(conn: sqlite3.Connection, article_ids: list[int]) -> Iterator[RankingHit]:
    """The alert and signal hits of the articles, in the order they were stored."""
    for chunk in chunks(article_ids):
        for row in conn.execute(
            "select article_id, kind, key, field from hits "
            f"where kind in ('alert', 'signal') and article_id in ({placeholders(chunk)}) "
            "order by id",
            chunk,
        ):
            yield RankingHit(*row)


@dataclass(frozen=True, slots=True)
class RunFailures:
    """How often a source failed in the scans of a window, and the last error said."""

    count: int
    last_error: str | None


def run_failures(conn: sqlite3.Connection, start: str, end: str) -> dict[str, RunFailures]:
    """Per source, its failures in the runs started in [start, end) (ISO)."""
    rows = conn.execute(
        "select rs.source, count(*), (select rs2.error from run_sources rs2 join runs r2 "
        "on r2.id = rs2.run_id where rs2.source = rs.source and rs2.status = 'failed' "
        "and r2.started >= :s and r2.started < :e order by r2.started desc limit 1) "
        "from run_sources rs join runs r on r.id = rs.run_id "
        "where r.started >= :s and r.started < :e and rs.status = 'failed' group by rs.source",
        {"s": start, "e": end},
    )
    return {name: RunFailures(count, error) for name, count, error in rows}
