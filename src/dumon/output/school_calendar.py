"""The week ahead: the school-calendar topics (``keywords/calendar.yaml``) whose season starts
within ``ahead_days`` (or their own ``lead_days``) or is under way, each with what the archive
holds of its last season and of this one so far, so the office prepares for what the press
writes about every year (the entrance exams, the first day of school, Tết).

A topic's articles are the education articles its terms find in the full-text index (a
holiday piece on "tắm biển" is no school-calendar news).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dumon.matching.calendar_entries import Topic
from dumon.settings import TrendSettings
from dumon.storage import trends as stored
from dumon.storage.query import compile_query
from dumon.storage.trends import Example
from dumon.vntime import VN_TZ

EXAMPLES = 3  # articles shown of the last season
RECENT_DAYS = 30  # a topic not under way yet: its articles of the last 30 days


@dataclass(frozen=True)
class DueTopic:
    key: str
    name: str
    start: date
    end: date
    ongoing: bool
    last: tuple[date, date] | None  # the last season the archive could hold
    last_count: int | None  # None: the archive holds nothing of that season
    last_titles: tuple[Example, ...]
    so_far: int  # this season so far (ongoing), or the last 30 days
    last_partial: bool = False  # the archive begins within the last season (`last` from then)


def day_start(day: date) -> str:
    """Midnight of a day in Vietnam, as stored times are compared (ISO)."""
    return datetime.combine(day, time(0), VN_TZ).isoformat(timespec="seconds")


def _topic_query(topic: Topic) -> str:
    """The topic's terms as one FTS5 expression (any of them, each a phrase)."""
    return compile_query(" OR ".join(f'"{t}"' for t in topic.terms)).expression


def _matching(
    conn: sqlite3.Connection, topic: Topic, first: date, last: date, *, limit: int = 0
) -> tuple[int, tuple[Example, ...]]:
    """(count, latest `limit` examples) of the topic's education articles published from
    `first` to `last` (both days included)."""
    return stored.topic_articles(
        conn,
        _topic_query(topic),
        day_start(first),
        day_start(last + timedelta(days=1)),
        limit=limit,
    )


def _seasons(topic: Topic, around: date) -> list[tuple[date, date]]:
    """The topic's seasons (first and last day) from two years before `around` to the year
    after: a yearly season may run over the new year."""
    season = topic.season
    if season.dates:
        return list(season.dates)
    assert season.start and season.end
    out = []
    for year in range(around.year - 2, around.year + 2):
        start = date(year, *season.start) if season.start != (2, 29) else date(year, 3, 1)
        end_year = year if season.end >= season.start else year + 1
        try:
            end = date(end_year, *season.end)
        except ValueError:  # 29 February of a common year
            end = date(end_year, 2, 28)
        out.append((start, end))
    return out


def _last_season(
    conn: sqlite3.Connection, topic: Topic, last: tuple[date, date]
) -> tuple[tuple[date, date], int | None, tuple[Example, ...], bool]:
    """What the archive holds of the last season: (the part held, its count or None when the
    archive holds nothing of it, examples, whether the archive begins within it)."""
    held = stored.first_published(conn, day_start(last[0]), day_start(last[1] + timedelta(days=1)))
    if not held:
        return last, None, (), False
    # The archive may begin within that season: what it holds of it, said so.
    begun = max(last[0], datetime.fromisoformat(held).astimezone(VN_TZ).date())
    held_part = (begun, last[1])
    count, titles = _matching(conn, topic, *held_part, limit=EXAMPLES)
    return held_part, count, titles, begun > last[0]


def due_topics(
    conn: sqlite3.Connection, topics: Iterable[Topic], day: date, settings: TrendSettings
) -> list[DueTopic]:
    """Calendar topics under way on `day` or starting within their lead time after it, those
    under way first."""
    out = []
    for topic in topics:
        ahead = topic.lead_days or settings.ahead_days
        seasons = sorted(_seasons(topic, day))
        current = next(
            (
                s
                for s in seasons
                if s[0] <= day <= s[1] or day < s[0] <= day + timedelta(days=ahead)
            ),
            None,
        )
        if current is None:
            continue
        earlier = [s for s in seasons if s[1] < current[0]]
        last: tuple[date, date] | None = earlier[-1] if earlier else None
        last_count: int | None = None
        last_titles: tuple[Example, ...] = ()
        partial = False
        if last is not None:
            last, last_count, last_titles, partial = _last_season(conn, topic, last)
        ongoing = current[0] <= day
        first = current[0] if ongoing else day - timedelta(days=RECENT_DAYS - 1)
        so_far, _ = _matching(conn, topic, first, day)
        out.append(
            DueTopic(
                topic.key,
                topic.name,
                current[0],
                current[1],
                ongoing,
                last,
                last_count,
                last_titles,
                so_far,
                partial,
            )
        )
    out.sort(key=lambda t: (not t.ongoing, t.start, t.key))
    return out
