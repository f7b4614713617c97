"""What the incident build reads: how far it has read (the ``incident_build`` table of
migration m009, written inside the build's own transactions), the articles it reads, and the
hits that say what a story is about. Apart from ``incidents.py``, the incidents' own records
and statements."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dumon.storage.incidents import CLOSED, iso
from dumon.storage.rows import ARTICLE_ROW_BRIEF, ArticleRow
from dumon.storage.sqlitefile import chunks, has_table, placeholders
from dumon.storage.store import Database

# --- the build's progress ------------------------------------------------------------------


def build_state(conn: sqlite3.Connection) -> dict[str, str]:
    """How far the stored articles were read into incidents (``incident_build``)."""
    return {k: v for k, v in conn.execute("select key, value from incident_build")}


def save_build_state(db: Database, values: Mapping[str, str | None]) -> None:
    """Set (or, for None, forget) keys of the build's progress; inside its transaction."""
    for key, value in values.items():
        if value is None:
            db.execute("delete from incident_build where key = ?", [key])
        else:
            db.execute(
                "insert into incident_build (key, value) values (?, ?) "
                "on conflict (key) do update set value = excluded.value",
                [key, value],
            )


def newest_article(conn: sqlite3.Connection) -> tuple[int, str]:
    """The highest article id and the latest first-seen time stored (0, '' when none)."""
    newest, latest = conn.execute("select max(id), max(first_seen) from articles").fetchone()
    return newest or 0, latest or ""


def stale(conn: sqlite3.Connection) -> bool:
    """Whether the stored incidents may be behind: articles stored since the last build, a
    build left unfinished, or open incidents whose stage moves as time passes."""
    if not has_table(conn, "incidents"):
        return True
    state = build_state(conn)
    if "target" in state:
        return True
    newest, latest = newest_article(conn)
    if newest > int(state.get("checked", "0")) or latest > state.get("seen", ""):
        return True
    found = conn.execute("select 1 from incidents where stage != ? limit 1", [CLOSED]).fetchone()
    return found is not None


def articles_to_read(
    conn: sqlite3.Connection, *, checked: int, seen: str, target: int, target_seen: str
) -> list[tuple[int, str]]:
    """(id, publication or first-seen time) of the articles past the last build (an id above
    `checked` or first seen after `seen`) up to the build's target."""
    rows = conn.execute(
        "select id, coalesce(published, first_seen) from articles "
        "where (id > ? or first_seen > ?) and id <= ? and first_seen <= ?",
        [checked, seen, target, target_seen],
    )
    return [(row[0], row[1]) for row in rows]


# --- the articles the build reads ----------------------------------------------------------


def articles_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[ArticleRow]:
    """The stored articles of `ids` (those still stored), text shortened."""
    out: list[ArticleRow] = []
    for chunk in chunks(ids):
        out += [
            ArticleRow(*row)
            for row in conn.execute(
                f"select {ARTICLE_ROW_BRIEF} from articles where id in ({placeholders(chunk)})",
                chunk,
            )
        ]
    return out


def relevant_unattached(
    conn: sqlite3.Connection, start: datetime, end: datetime
) -> list[ArticleRow]:
    """Relevant articles published in [start, end] that tell no incident yet."""
    rows = conn.execute(
        f"select {ARTICLE_ROW_BRIEF} from articles where published >= ? and published <= ? "
        "and (edu = 1 or local = 1 or alert = 1) "
        "and id not in (select article_id from incident_articles)",
        [iso(start), iso(end)],
    )
    return [ArticleRow(*row) for row in rows]


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class StoryHit:
    """A hit that says what a story is about: a unit, a place or region, an alert, a signal."""

    article_id: int
    kind: str
    key: str
    field: str


def story_hits(conn: sqlite3.Connection, ids: Sequence[int]) -> list[StoryHit]:
    """The unit, place, region, alert and signal hits of the articles."""
    out: list[StoryHit] = []
    for chunk in chunks(ids):
        out += [
            StoryHit(*row)
            for row in conn.execute(
                "select article_id, kind, key, field from hits where kind in "
                "('unit', 'place', 'region', 'alert', 'signal') and article_id in "
                f"({placeholders(chunk)})",
                chunk,
            )
        ]
    return out


def alert_keys(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each article's alert keys, in the order they were stored, once each."""
    out: dict[int, list[str]] = {}
    for chunk in chunks(ids):
        for article_id, key in conn.execute(
            "select article_id, key from hits where kind = 'alert' and article_id in "
            f"({placeholders(chunk)}) order by id",
            chunk,
        ):
            keys = out.setdefault(article_id, [])
            if key not in keys:
                keys.append(key)
    return out
