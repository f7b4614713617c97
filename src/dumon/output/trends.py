"""Trends and the week ahead: what the press writes about more than usual this week, which
incidents are still growing, and which school-calendar topics are due
(``output/school_calendar.py``).

The test, for every theme, unit and kind of incident: this week's education articles (the
seven days ending on the day asked) against the same series' weekly counts over the
``baseline_weeks`` weeks before (weeks without any stored article are left out: no data is
not zero). Counts of news are overdispersed, so the upper tail is read from a negative
binomial with the baseline's mean and variance (a Poisson when the weeks vary no more than
a Poisson would); a series is a trend when that tail is below ``p_value``, the week holds at
least ``min_count`` articles and at least ``min_ratio`` times the baseline's mean. The
office's marks are applied to the counts. Backtested on the corpus: ``bench/trends_bench.py``.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from dumon.errors import DeskError, DumonError, QueryError
from dumon.matching.calendar_entries import Topic
from dumon.output import marks as office_marks
from dumon.output.incidents import stage_at
from dumon.output.school_calendar import DueTopic, day_start, due_topics
from dumon.settings import IncidentSettings, Settings, TrendSettings, load_settings
from dumon.storage import incidents as stored_incidents
from dumon.storage import marks as stored_marks
from dumon.storage import trends as stored
from dumon.storage.incidents import SPREADING
from dumon.storage.trends import DayCount, Example
from dumon.vntime import VN_TZ

if TYPE_CHECKING:
    from dumon.desk import Desk
    from dumon.output.window import Window

log = logging.getLogger(__name__)

FAMILIES = {"theme": "chủ đề", "unit": "đơn vị", "alert": "loại sự cố"}
MIN_BASELINE = 4  # fewer weeks with data and no test is made
EXAMPLES = 3
FLOOR = 0.5  # the weekly mean of a series never seen: a week of it is already a rise

Series = dict[tuple[str, str], Counter[date]]  # (family, key) → articles per day
Found = tuple[str, str, int, float, float, float]  # family, key, count, mean, variance, p


@dataclass(frozen=True)
class Trend:
    family: str  # theme, unit, alert
    key: str
    name: str
    count: int  # this week
    mean: float  # per week over the baseline
    variance: float
    weeks: int  # baseline weeks with data
    p_value: float
    titles: tuple[Example, ...] = ()  # articles of this week

    @property
    def ratio(self) -> float:
        return self.count / max(self.mean, FLOOR)


@dataclass(frozen=True)
class Growing:
    id: int
    title: str
    stage: str
    local: bool
    week: int  # articles this week
    before: int  # the week before


@dataclass(frozen=True)
class Week:
    start: date  # first day of the week tested
    end: date  # last day (inclusive)
    trends: tuple[Trend, ...]
    growing: tuple[Growing, ...]
    due: tuple[DueTopic, ...]
    baseline_weeks: int  # weeks with data before the week
    settings: TrendSettings

    @property
    def test(self) -> str:
        """The test, in Vietnamese, for the reader."""
        s = self.settings
        return (
            f"Số bài tuần này so với {s.baseline_weeks} tuần trước (tuần có dữ liệu): kiểm định "
            "đuôi trên theo phân phối nhị thức âm với trung bình và phương sai của các tuần "
            f"trước (Poisson khi không dao động hơn); là xu hướng khi p < {s.p_value:g}, "
            f"ít nhất {s.min_count} bài và gấp {s.min_ratio:g} lần trung bình."
        )


# --- the test ------------------------------------------------------------------------------


def upper_tail(count: int, mean: float, variance: float) -> float:
    """P(X ≥ count) for a count with this mean and variance: negative binomial when the
    variance exceeds the mean, Poisson otherwise."""
    if count <= 0:
        return 1.0
    mean = max(mean, FLOOR)
    if variance > mean * 1.0001:
        r = mean * mean / (variance - mean)
        q = mean / (r + mean)  # the chance of a "failure" per trial

        def log_pmf(k: int) -> float:
            return (
                math.lgamma(k + r)
                - math.lgamma(r)
                - math.lgamma(k + 1)
                + r * math.log1p(-q)
                + k * math.log(q)
            )
    else:

        def log_pmf(k: int) -> float:
            return -mean + k * math.log(mean) - math.lgamma(k + 1)

    below = math.fsum(math.exp(log_pmf(k)) for k in range(count))
    return max(0.0, 1.0 - below)


def test_series(
    weekly: list[int], count: int, settings: TrendSettings
) -> tuple[float, float, float] | None:
    """(mean, variance, p) of this week's count against the baseline weeks; None when the
    baseline is too short."""
    if len(weekly) < MIN_BASELINE:
        return None
    mean = sum(weekly) / len(weekly)
    variance = sum((x - mean) ** 2 for x in weekly) / (len(weekly) - 1)
    return mean, variance, upper_tail(count, mean, variance)


def is_trend(count: int, mean: float, p: float, settings: TrendSettings) -> bool:
    return (
        count >= settings.min_count
        and count >= settings.min_ratio * max(mean, FLOOR)
        and p < settings.p_value
    )


# --- counts --------------------------------------------------------------------------------


def daily_counts(conn: sqlite3.Connection, start: date, end: date) -> tuple[Series, Counter[date]]:
    """Education articles per day in [start, end] for every theme, unit and kind of incident
    (the office's marks applied), and all articles per day (to know the days with data)."""
    series: Series = defaultdict(Counter)
    first, last = start.isoformat(), end.isoformat()
    after = day_start(end + timedelta(days=1))
    rows = stored.day_counts(conn, first, last)
    rows += [
        DayCount(r.month, r.edu, r.units, r.themes, r.n)
        for r in office_marks.report_corrections(conn, day_start(start), after, by_day=True)
    ]
    for row in rows:
        if not row.edu:
            continue
        day = date.fromisoformat(row.day[:10])
        for name in json.loads(row.units or "[]"):
            series[("unit", name)][day] += row.n
        for key in json.loads(row.themes or "[]"):
            series[("theme", key)][day] += row.n
    stored_days: Counter[date] = Counter(
        {date.fromisoformat(day): n for day, n in stored.stored_per_day(conn, first, last).items()}
    )
    hidden = {
        i for i, kinds in stored_marks.marked(conn).items() if kinds & {"not-relevant", "not-alert"}
    }
    for day_text, key, article_id in stored.alert_days(conn, day_start(start), after):
        if article_id not in hidden:
            series[("alert", key)][date.fromisoformat(day_text)] += 1
    return series, stored_days


def weekly_trends(
    series: Mapping[tuple[str, str], Counter[date]],
    stored_days: Counter[date],
    end: date,
    settings: TrendSettings,
) -> tuple[list[Found], int]:
    """The series that are trends in the week ending on `end`: (family, key, count, mean,
    variance, p), strongest first; and how many baseline weeks had data."""
    weeks = [
        (end - timedelta(days=7 * (i + 1) + 6), end - timedelta(days=7 * (i + 1)))
        for i in range(settings.baseline_weeks)
    ]

    def total(counter: Counter[date], first: date, last: date) -> int:
        return sum(
            counter.get(first + timedelta(days=d), 0) for d in range((last - first).days + 1)
        )

    with_data = [w for w in weeks if total(stored_days, *w) > 0]
    found = []
    first = end - timedelta(days=6)
    for (family, key), counter in series.items():
        count = total(counter, first, end)
        if count < settings.min_count:
            continue
        tested = test_series([total(counter, *w) for w in with_data], count, settings)
        if tested is None:
            continue
        mean, variance, p = tested
        if is_trend(count, mean, p, settings):
            found.append((family, key, count, mean, variance, p))
    found.sort(key=lambda t: (t[5], -t[2]))
    return found, len(with_data)


# --- incidents still growing ---------------------------------------------------------------


def growing_incidents(
    conn: sqlite3.Connection, first: date, last: date, rules: IncidentSettings
) -> list[Growing]:
    """Incidents still spreading at the end of the week ("lan rộng"), with more articles this
    week than the week before (and at least two); the province's first."""
    start = datetime.combine(first, time(0), VN_TZ)
    end = datetime.combine(last + timedelta(days=1), time(0), VN_TZ)
    before = start - timedelta(days=7)
    horizon = start - timedelta(days=rules.quiet_days + 1)  # may be open at some moment
    ids = stored_incidents.incidents_between(conn, start, end, horizon=horizon)
    out = []
    for incident in stored_incidents.load_incidents(conn, ids):
        week = sum(1 for a in incident.articles if start <= a.published < end)
        prior = sum(1 for a in incident.articles if before <= a.published < start)
        stage = stage_at(incident, end, rules)
        if week >= 2 and week > prior and stage == SPREADING:
            seen = incident.as_of(end)
            out.append(Growing(incident.id, incident.title, stage, seen.local, week, prior))
    out.sort(key=lambda g: (not g.local, -(g.week - g.before), g.id))
    return out


# --- the week ------------------------------------------------------------------------------


def build_week(
    conn: sqlite3.Connection,
    day: date,
    *,
    settings: TrendSettings,
    rules: IncidentSettings,
    topics: Iterable[Topic] = (),
    names: Mapping[str, str] | None = None,
) -> Week:
    """Trends of the week ending on `day`, the incidents growing, the calendar topics due."""
    names = names or {}
    first = day - timedelta(days=6)
    span_start = first - timedelta(days=7 * settings.baseline_weeks)
    series, stored_days = daily_counts(conn, span_start, day)
    found, weeks = weekly_trends(series, stored_days, day, settings)
    start, end = day_start(first), day_start(day + timedelta(days=1))
    trends = tuple(
        Trend(
            family,
            key,
            names.get(key, key),
            count,
            round(mean, 2),
            round(variance, 2),
            weeks,
            p,
            stored.examples(conn, family, key, start, end, limit=EXAMPLES),
        )
        for family, key, count, mean, variance, p in found
    )
    return Week(
        start=first,
        end=day,
        trends=trends,
        growing=tuple(growing_incidents(conn, first, day, rules)),
        due=tuple(due_topics(conn, topics, day, settings)),
        baseline_weeks=weeks,
        settings=settings,
    )


def week_profile(keywords_dir: Path) -> tuple[tuple[Topic, ...], dict[str, str]]:
    """The calendar topics and the names of themes and alerts of the desk's keywords; none
    when they are broken (trends read well with keys; `dumon keywords check` says why)."""
    from dumon.matching.keywords import load_keywords

    try:
        profile = load_keywords(keywords_dir)
    except DumonError as error:
        log.warning("keywords not loaded for the week ahead: %s", error.message)
        return (), {}
    names = {t.key: t.name for t in profile.themes}
    names.update({a.key: a.name for a in profile.alerts})
    return profile.calendar, names


def week_of(desk: Desk, conn: sqlite3.Connection, window: Window, settings: Settings) -> Week:
    """The weekly digest's section VI: trends of the window's last seven days (its last day
    is the one before the morning it ends on) and the week ahead."""
    topics, names = week_profile(desk.keywords_dir)
    return build_week(
        conn,
        (window.end - timedelta(microseconds=1)).astimezone(VN_TZ).date(),
        settings=settings.trends,
        rules=settings.incidents,
        topics=topics,
        names=names,
    )


def week_day(on: str | None, now: datetime | None = None) -> date:
    """The last day of the week asked: YYYY-MM-DD, or yesterday."""
    if on is None:
        return (now or datetime.now(VN_TZ)).astimezone(VN_TZ).date() - timedelta(days=1)
    try:
        return date.fromisoformat(on.strip())
    except ValueError:
        raise QueryError(
            f"Không hiểu ngày '{on}'. Cách sửa: ghi dạng 2026-03-15 (năm-tháng-ngày)."
        ) from None


def make_week(desk: Desk, *, on: str | None = None, now: datetime | None = None) -> Week:
    """The week ending on the day asked (YYYY-MM-DD; yesterday by default), read from the
    desk: its settings, its keywords (theme and alert names, the calendar), its incidents
    brought up to date first (the growing ones are read from them)."""
    from dumon.output.incident_build import ensure_current
    from dumon.storage.sqlitefile import open_reader

    day = week_day(on, now)
    if not desk.db_path.is_file():
        raise DeskError(
            f"Chưa có cơ sở dữ liệu {desk.db_path}. Cách sửa: chạy `dumon scan` hoặc "
            "`dumon import` trước, hoặc chỉ đúng thư mục làm việc bằng --home."
        )
    settings = load_settings(desk.settings_path)
    topics, names = week_profile(desk.keywords_dir)
    ensure_current(desk, now=now)
    conn = open_reader(desk.db_path)
    try:
        return build_week(
            conn,
            day,
            settings=settings.trends,
            rules=settings.incidents,
            topics=topics,
            names=names,
        )
    finally:
        conn.close()
