"""Coverage reports over a period: counts by unit, theme, outlet, tier and month, alerts and
their share, and the top stories — the figures behind a unit's annual "kết quả công tác
truyền thông".

The figures are sums over the ``coverage`` table (article counts per day and combination of
outlet, source, alert, local, units and themes, kept by triggers; migration m002), so a school
year of a million-article store is a few thousand rows. Top stories group the period's local
or alert articles (or one unit's) by story key or exact title: syndicated copies carry the
same title; rewrites are left to the daily digest's clustering.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from dumon import search
from dumon.errors import QueryError
from dumon.stories import StoryItem, cluster_stories
from dumon.vntime import VN_TZ

PERIODS = ("week", "month", "school-year")
UNKNOWN_TIER = "không rõ"
TOP_STORIES = 10
CANDIDATES_PER_STORY = 20
"""Title groups clustered per top story asked: enough to find rewrites, cheap to cluster."""


@dataclass(frozen=True)
class Period:
    start: str  # ISO, inclusive
    end: str  # ISO, exclusive
    label: str  # Vietnamese, for headings

    @property
    def months(self) -> list[str]:
        """Every YYYY-MM the period touches, in order (months without articles included)."""
        first = date.fromisoformat(self.start[:10]).replace(day=1)
        last = datetime.fromisoformat(self.end) - timedelta(seconds=1)
        out = []
        while (first.year, first.month) <= (last.year, last.month):
            out.append(f"{first.year:04d}-{first.month:02d}")
            first = (first + timedelta(days=32)).replace(day=1)
        return out


def _midnight(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ).isoformat(timespec="seconds")


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def school_year(spec: str | None = None, *, today: date | None = None) -> Period:
    """1 September → 31 August: the one named ('2025-2026') or the one containing today."""
    if spec:
        match = re.fullmatch(r"\s*(\d{4})\s*[-–/]\s*(\d{4})\s*", spec)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise QueryError(
                f"Không hiểu năm học '{spec}'. Cách sửa: viết dạng 2025-2026 (hai năm liền nhau)."
            )
        first = int(match.group(1))
    else:
        today = today or datetime.now(VN_TZ).date()
        first = today.year if today.month >= 9 else today.year - 1
    return Period(
        _midnight(date(first, 9, 1)),
        _midnight(date(first + 1, 9, 1)),
        f"năm học {first}-{first + 1}",
    )


def preset_period(name: str, *, today: date | None = None) -> Period:
    """This week (Monday to Sunday), this month, or this school year."""
    today = today or datetime.now(VN_TZ).date()
    if name == "week":
        monday = today - timedelta(days=today.weekday())
        sunday = monday + timedelta(days=6)
        return Period(
            _midnight(monday),
            _midnight(monday + timedelta(days=7)),
            f"tuần {_dmy(monday)} – {_dmy(sunday)}",
        )
    if name == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(
            _midnight(first), _midnight(following), f"tháng {today.month:02d}/{today.year}"
        )
    if name == "school-year":
        return school_year(today=today)
    raise QueryError(f"Không có khoảng '{name}'. Cách sửa: dùng week, month hoặc school-year.")


def resolve_period(
    *,
    start: str | None = None,
    end: str | None = None,
    preset: str | None = None,
    school_year_spec: str | None = None,
    today: date | None = None,
) -> Period:
    """The period the options name; this month when none is given."""
    chosen = [x for x in ((start or end) and "dates", preset, school_year_spec) if x]
    if len(chosen) > 1:
        raise QueryError(
            "Chỉ chọn một cách nêu khoảng thời gian. Cách sửa: dùng --from/--to, hoặc --period, "
            "hoặc --school-year."
        )
    if school_year_spec:
        return school_year(school_year_spec)
    if preset:
        return preset_period(preset, today=today)
    if start or end:
        if not (start and end):
            raise QueryError(
                "Cần cả --from và --to. Cách sửa: ví dụ --from 2025-09-01 --to 2026-05-31."
            )
        since = search.parse_bound(start)
        until = search.parse_bound(end, end=True)
        if since >= until:
            raise QueryError("--from phải trước --to. Cách sửa: đổi chỗ hai ngày.")
        return Period(since, until, f"từ {_label(since)} đến {_label(until, end=True)}")
    return preset_period("month", today=today)


def _label(iso: str, *, end: bool = False) -> str:
    moment = datetime.fromisoformat(iso)
    if moment.time() == datetime.min.time():
        return _dmy((moment - timedelta(days=1)).date() if end else moment.date())
    return f"{moment:%H:%M} {_dmy(moment.date())}"


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    name: str  # the stored name or key
    articles: int
    alerts: int = 0
    label: str | None = None  # a display name, when the key is not one (themes)

    @property
    def shown(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class TopStory:
    title: str
    url: str
    outlet: str  # the first publisher
    published: str | None
    articles: int
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class CoverageReport:
    period: Period
    unit: str | None  # the --unit fragment asked for
    units_matched: tuple[str, ...]  # the canonical names it designates
    articles: int
    alerts: int
    local: int
    by_unit: tuple[Count, ...]
    by_theme: tuple[Count, ...]
    by_outlet: tuple[Count, ...]
    by_tier: tuple[Count, ...]
    by_month: tuple[Count, ...]
    top_stories: tuple[TopStory, ...] = field(default=())

    @property
    def alert_share(self) -> float:
        return self.alerts / self.articles if self.articles else 0.0

    def as_json(self) -> dict:
        return {
            "period": {
                "start": self.period.start,
                "end": self.period.end,
                "label": self.period.label,
            },
            "unit": self.unit,
            "units_matched": list(self.units_matched),
            "totals": {
                "articles": self.articles,
                "alerts": self.alerts,
                "alert_share": round(self.alert_share, 4),
                "local": self.local,
            },
            "by_unit": _counts(self.by_unit, "unit"),
            "by_theme": _counts(self.by_theme, "theme"),
            "by_outlet": _counts(self.by_outlet, "outlet"),
            "by_tier": _counts(self.by_tier, "tier"),
            "by_month": _counts(self.by_month, "month"),
            "top_stories": [
                {
                    "title": s.title,
                    "url": s.url,
                    "outlet": s.outlet,
                    "published": s.published,
                    "articles": s.articles,
                    "outlets": list(s.outlets),
                }
                for s in self.top_stories
            ],
        }


def _counts(rows: tuple[Count, ...], key: str) -> list[dict]:
    return [
        {key: c.name, "label": c.shown, "articles": c.articles, "alerts": c.alerts} for c in rows
    ]


def _ranked(
    articles: Counter, alerts: Counter, labels: Mapping[str, str] | None = None
) -> tuple[Count, ...]:
    """Most articles first, then by name (stable output for tests and diffs)."""
    labels = labels or {}
    return tuple(
        Count(name, n, alerts.get(name, 0), labels.get(name))
        for name, n in sorted(articles.items(), key=lambda kv: (-kv[1], kv[0]))
    )


@lru_cache(maxsize=4096)
def _names(text: str | None) -> tuple[str, ...]:
    """A JSON list column as a tuple; the same few lists repeat over thousands of rows."""
    return tuple(json.loads(text)) if text else ()


def _group_rows(conn, period: Period) -> list[tuple]:
    """(month, outlet, source, alert, local, units, themes, n) rows covering the period.

    Whole days come from the ``coverage`` table (kept by triggers); a period starting or
    ending at another hour is counted from the articles themselves.
    """
    midnight = "T00:00:00+07:00"
    if period.start.endswith(midnight) and period.end.endswith(midnight):
        return conn.execute(
            "select substr(day, 1, 7), outlet, source, alert, local, units, themes, n "
            "from coverage where day >= ? and day < ?",
            [period.start[:10], period.end[:10]],
        ).fetchall()
    return conn.execute(
        "select substr(published, 1, 7), outlet, source, alert, local, units, themes, count(*) "
        "from articles where published >= ? and published < ? group by 1, 2, 3, 4, 5, 6, 7",
        [period.start, period.end],
    ).fetchall()


def build_report(
    db,
    period: Period,
    *,
    unit: str | None = None,
    top: int = TOP_STORIES,
    theme_names: Mapping[str, str] | None = None,
) -> CoverageReport:
    """Every figure of the coverage report for the period (optionally one unit's articles).

    `theme_names` maps theme keys to the display names of the desk's keywords/themes.yaml.
    """
    conn = db.conn if hasattr(db, "conn") else db
    filters = search.Filters(since=period.start, until=period.end, unit=unit)
    units_matched: tuple[str, ...] = ()
    if unit:
        units_matched = tuple(search.resolve_names(conn, filters).units or ())
        if not units_matched:
            raise QueryError(
                f"Không có đơn vị nào khớp '{unit}' trong các bài đã lưu. Cách sửa: gõ một phần "
                'tên đơn vị (không dấu cũng được), ví dụ --unit "le hong phong".'
            )
    tiers = {row[0]: row[1] for row in conn.execute("select name, tier from sources")}
    totals = {"articles": 0, "alerts": 0, "local": 0}
    per = {k: (Counter(), Counter()) for k in ("unit", "theme", "outlet", "tier", "month")}
    for month, outlet, source, alert, local, units, themes, n in _group_rows(conn, period):
        unit_names = _names(units)
        if unit:  # a unit's report counts that unit's articles, and only that unit
            unit_names = tuple(u for u in unit_names if u in units_matched)
            if not unit_names:
                continue
        totals["articles"] += n
        totals["alerts"] += n if alert else 0
        totals["local"] += n if local else 0
        keys = {
            "outlet": (outlet or "(không rõ)",),
            "tier": (tiers.get(source) or UNKNOWN_TIER,),
            "month": (month,),
            "unit": unit_names,
            "theme": _names(themes),
        }
        for kind, names in keys.items():
            articles, alerts = per[kind]
            for name in names:
                articles[name] += n
                if alert:
                    alerts[name] += n
    month_articles, month_alerts = per["month"]
    by_month = tuple(
        Count(m, month_articles.get(m, 0), month_alerts.get(m, 0)) for m in period.months
    )
    return CoverageReport(
        period=period,
        unit=unit,
        units_matched=units_matched,
        articles=totals["articles"],
        alerts=totals["alerts"],
        local=totals["local"],
        by_unit=_ranked(*per["unit"]),
        by_theme=_ranked(*per["theme"], theme_names),
        by_outlet=_ranked(*per["outlet"]),
        by_tier=_ranked(*per["tier"]),
        by_month=by_month,
        top_stories=_top_stories(conn, period, units_matched, top),
    )


def _top_stories(conn, period: Period, units: tuple[str, ...], top: int) -> tuple[TopStory, ...]:
    """Stories of the period carried by the most outlets, then the most articles.

    Articles sharing a story key (when the digest has set one) or a title are grouped in SQL;
    the leading groups are then clustered with `dumon.stories` so that rewrites of one story
    under different titles count as one. A story's first publisher is its earliest article.
    Without a unit: the local or alert articles.
    """
    if top <= 0:
        return ()
    params: list = [period.start, period.end]
    if units:
        marks = ",".join("?" * len(units))
        scope = (
            "a.id in (select article_id from article_tags where kind = 'unit' and "
            f"name in ({marks}) and published >= ? and published < ?)"
        )
        params = [*units, period.start, period.end, *params]
    else:
        scope = "(a.local = 1 or a.alert = 1)"
    where = f"where {scope} and a.published >= ? and a.published < ?"
    # min(published) makes the bare columns those of the earliest article (SQLite rule).
    leads = conn.execute(
        "select coalesce(a.story_key, a.title), a.title, a.summary, a.url, a.outlet, "
        f"min(a.published), count(*) from articles a {where} group by 1 "
        "order by count(distinct a.outlet) desc, count(*) desc, min(a.published) limit ?",
        [*params, max(top * CANDIDATES_PER_STORY, top)],
    ).fetchall()
    keys = [row[0] for row in leads]
    outlets: dict[str, list[tuple[str, str]]] = {key: [] for key in keys}
    marks = ",".join("?" * len(keys)) or "null"
    for key, outlet, published in conn.execute(
        f"select coalesce(a.story_key, a.title), a.outlet, a.published from articles a {where} "
        f"and coalesce(a.story_key, a.title) in ({marks})",
        [*params, *keys],
    ):
        outlets[key].append((published or "", outlet or ""))
    items = [
        StoryItem(title, summary or "", outlet or "", published or "")
        for _, title, summary, _, outlet, published, _ in leads
    ]
    stories = []
    for group in cluster_stories(items):
        _, title, _, url, outlet, published, _ = leads[group[0]]  # the earliest lead
        seen = sorted(pair for i in group for pair in outlets[leads[i][0]])
        names = tuple(dict.fromkeys(name for _, name in seen if name))
        count = sum(leads[i][6] for i in group)
        stories.append(TopStory(title, url, outlet or "", published, count, names))
    stories.sort(key=lambda s: (-len(s.outlets), -s.articles, s.published or ""))
    return tuple(stories[:top])
