"""What trends and the school calendar read: education articles per day by unit and theme
(the ``coverage`` table), alert articles per day by kind, examples of a week's articles, and
the articles of a calendar topic (the full-text index)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class DayCount:
    """How many articles of a day share flags, units and themes (the stored JSON lists)."""

    day: str  # YYYY-MM-DD
    edu: int
    units: str | None
    themes: str | None
    n: int


def day_counts(conn: sqlite3.Connection, first: str, last: str) -> list[DayCount]:
    """The ``coverage`` rows of the days [first, last] (YYYY-MM-DD)."""
    rows = conn.execute(
        "select day, edu, units, themes, n from coverage where day >= ? and day <= ?",
        [first, last],
    )
    return [DayCount(*row) for row in rows]


def stored_per_day(conn: sqlite3.Connection, first: str, last: str) -> dict[str, int]:
    """Every article stored per day of [first, last] (to know the days with data)."""
    rows = conn.execute(
        "select day, sum(n) from coverage where day >= ? and day <= ? group by day", [first, last]
    )
    return {day: n for day, n in rows}


def alert_days(conn: sqlite3.Connection, start: str, end: str) -> list[tuple[str, str, int]]:
    """(day, alert key, article id) of the alert articles published in [start, end) (ISO)."""
    rows = conn.execute(
        "select distinct substr(a.published, 1, 10), h.key, a.id from hits h "
        "join articles a on a.id = h.article_id where h.kind = 'alert' and a.alert = 1 "
        "and a.published >= ? and a.published < ?",
        [start, end],
    )
    return [(day, key, article_id) for day, key, article_id in rows]


@dataclass(frozen=True)
class Example:
    """An article shown as an example of a trend or of a calendar topic."""

    title: str
    url: str
    outlet: str | None


def examples(
    conn: sqlite3.Connection, family: str, key: str, start: str, end: str, *, limit: int
) -> tuple[Example, ...]:
    """The latest education articles of [start, end) of a theme or unit (`family`), or the
    latest alert articles of an alert key."""
    if family == "alert":
        rows = conn.execute(
            "select a.title, a.url, a.outlet from articles a where a.alert = 1 and a.id in "
            "(select article_id from hits where kind = 'alert' and key = ?) "
            "and a.published >= ? and a.published < ? order by a.published desc limit ?",
            [key, start, end, limit],
        )
    else:
        rows = conn.execute(
            "select a.title, a.url, a.outlet from article_tags t join articles a on "
            "a.id = t.article_id where t.kind = ? and t.name = ? and t.published >= ? "
            "and t.published < ? and a.edu = 1 order by t.published desc limit ?",
            [family, key, start, end, limit],
        )
    return tuple(Example(*row) for row in rows)


_TOPIC = (
    "a.id in (select rowid from articles_fts where articles_fts match ?) "
    "and a.published >= ? and a.published < ? and a.edu = 1"
)


def topic_articles(
    conn: sqlite3.Connection, expression: str, start: str, end: str, *, limit: int = 0
) -> tuple[int, tuple[Example, ...]]:
    """How many education articles of [start, end) an FTS5 expression finds, and the latest
    `limit` of them."""
    params = [expression, start, end]
    count = conn.execute(f"select count(*) from articles a where {_TOPIC}", params).fetchone()[0]
    found: tuple[Example, ...] = ()
    if limit:
        found = tuple(
            Example(*row)
            for row in conn.execute(
                f"select a.title, a.url, a.outlet from articles a where {_TOPIC} "
                "order by a.published desc limit ?",
                [*params, limit],
            )
        )
    return int(count), found


def first_published(conn: sqlite3.Connection, start: str, end: str) -> str | None:
    """The earliest publication time stored in [start, end) (ISO), if any."""
    row = conn.execute(
        "select min(published) from articles where published >= ? and published < ?",
        [start, end],
    ).fetchone()
    return row[0] if row else None
