"""What the coverage report reads: article counts per month and combination of outlet,
source, flags, units and themes; the months scans ran in; the period's leading stories.

Whole days are summed from the ``coverage`` table (kept by the store and by triggers,
migrations m002/m005), so a school year of a million-article store is a few thousand rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class CoverageRow:
    """How many articles of a month share an outlet, source, flags, units and themes
    (units, themes: the stored JSON lists)."""

    month: str  # YYYY-MM
    outlet: str | None
    source: str | None
    edu: int
    alert: int
    local: int
    units: str | None
    themes: str | None
    n: int


def coverage_rows(
    conn: sqlite3.Connection, start: str, end: str, *, whole_days: bool
) -> list[CoverageRow]:
    """The counts of the period [start, end) (ISO). Whole days are read from ``coverage``;
    a period starting or ending at another hour is counted from the articles themselves."""
    if whole_days:
        rows = conn.execute(
            "select substr(day, 1, 7), outlet, source, edu, alert, local, units, themes, n "
            "from coverage where day >= ? and day < ?",
            [start[:10], end[:10]],
        )
    else:
        rows = conn.execute(
            "select substr(published, 1, 7), outlet, source, edu, alert, local, units, themes, "
            "count(*) from articles where published >= ? and published < ? "
            "group by 1, 2, 3, 4, 5, 6, 7, 8",
            [start, end],
        )
    return [CoverageRow(*row) for row in rows]


def scanned_months(conn: sqlite3.Connection, start: str, end: str) -> set[str]:
    """The months (YYYY-MM) in which a scan started during [start, end)."""
    rows = conn.execute(
        "select distinct substr(started, 1, 7) from runs where started >= ? and started < ?",
        [start, end],
    )
    return {row[0] for row in rows}


@dataclass(frozen=True, slots=True)
class StoryLead:
    """Articles sharing a story key (or else a title): its earliest article and how many."""

    key: str
    title: str
    summary: str | None
    url: str
    outlet: str | None
    published: str | None
    articles: int


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class StoryCopy:
    """One article of a story: who published it, when."""

    key: str
    outlet: str | None
    published: str | None


def _story_scope(start: str, end: str, units: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The period's articles of the units, or without units its local or alert ones; never
    one the office marked not relevant (m010)."""
    params: list[Any] = [start, end]
    if units:
        marks = ",".join("?" * len(units))
        scope = (
            "a.id in (select article_id from article_tags where kind = 'unit' and "
            f"name in ({marks}) and published >= ? and published < ?)"
        )
        params = [*units, start, end, *params]
    else:
        scope = "(a.local = 1 or a.alert = 1)"
    hidden = "a.url not in (select url from marks where kind = 'not-relevant')"
    return f"where {scope} and {hidden} and a.published >= ? and a.published < ?", params


def story_leads(
    conn: sqlite3.Connection, start: str, end: str, units: tuple[str, ...], *, limit: int
) -> list[StoryLead]:
    """The stories carried by the most outlets, then the most articles, then the earliest."""
    where, params = _story_scope(start, end, units)
    # min(published) makes the bare columns those of the earliest article (SQLite rule).
    rows = conn.execute(
        "select coalesce(a.story_key, a.title), a.title, a.summary, a.url, a.outlet, "
        f"min(a.published), count(*) from articles a {where} group by 1 "
        "order by count(distinct a.outlet) desc, count(*) desc, min(a.published) limit ?",
        [*params, limit],
    )
    return [StoryLead(*row) for row in rows]


def story_copies(
    conn: sqlite3.Connection, start: str, end: str, units: tuple[str, ...], keys: list[str]
) -> list[StoryCopy]:
    """Every article of the period (in the scope of `story_leads`) of the stories `keys`."""
    where, params = _story_scope(start, end, units)
    marks = ",".join("?" * len(keys)) or "null"
    rows = conn.execute(
        f"select coalesce(a.story_key, a.title), a.outlet, a.published from articles a {where} "
        f"and coalesce(a.story_key, a.title) in ({marks})",
        [*params, *keys],
    )
    return [StoryCopy(*row) for row in rows]
