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
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from dumon.errors import QueryError
from dumon.matching.registry import KIND_ORDER, Registry, loose
from dumon.output import search
from dumon.output.stories import StoryItem, cluster_stories
from dumon.storage.reports import coverage_rows, scanned_months, story_copies, story_leads
from dumon.storage.sources import source_states
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
        assert since is not None and until is not None  # both given (checked above)
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

TIERS = ("central", "local", "sector", "other")


@dataclass(frozen=True)
class Count:
    name: str  # the stored name or key
    articles: int  # education articles
    alerts: int = 0
    label: str | None = None  # a display name, when the key is not one (themes)
    local: int = 0  # of them, about the department's area

    @property
    def shown(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class UnitCount(Count):
    kind: str = ""  # the registry's kind (so, thpt…); "" for a name the registry lacks


@dataclass(frozen=True)
class OutletCount(Count):
    tier: str = UNKNOWN_TIER
    output: int = 0  # everything the outlet published in the period (education or not)


@dataclass(frozen=True)
class MonthCount(Count):
    missing: bool = False  # no scan and no article that month: unknown, not zero


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
    units_matched: tuple[str, ...]  # the current name of the unit it designates
    articles: int  # education articles
    alerts: int
    local: int
    by_unit: tuple[UnitCount, ...]
    by_theme: tuple[Count, ...]
    by_outlet: tuple[OutletCount, ...]
    by_tier: tuple[Count, ...]
    by_month: tuple[MonthCount, ...]
    top_stories: tuple[TopStory, ...] = field(default=())
    all_articles: int = 0  # everything stored for the period, education or not
    also_units: tuple[str, ...] = ()  # other units the --unit fragment fits

    @property
    def alert_share(self) -> float:
        return self.alerts / self.articles if self.articles else 0.0

    @property
    def local_share(self) -> float:
        return self.local / self.articles if self.articles else 0.0

    @property
    def missing_months(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.by_month if m.missing)

    def as_json(self) -> dict:
        return {
            "period": {
                "start": self.period.start,
                "end": self.period.end,
                "label": self.period.label,
            },
            "unit": self.unit,
            "units_matched": list(self.units_matched),
            "also_units": list(self.also_units),
            "totals": {
                "articles": self.articles,
                "alerts": self.alerts,
                "alert_share": round(self.alert_share, 4),
                "local": self.local,
                "local_share": round(self.local_share, 4),
                "all_articles": self.all_articles,
            },
            "by_unit": [
                {**_count(c, "unit"), "kind": c.kind, "local": c.local} for c in self.by_unit
            ],
            "by_theme": [_count(c, "theme") for c in self.by_theme],
            "by_outlet": [
                {
                    **_count(c, "outlet"),
                    "local": c.local,
                    "local_share": round(c.local / c.articles, 4) if c.articles else 0.0,
                    "tier": c.tier,
                    "output": c.output,
                    "education_share": round(c.articles / c.output, 4) if c.output else 0.0,
                }
                for c in self.by_outlet
            ],
            "by_tier": [_count(c, "tier") for c in self.by_tier],
            "by_month": [
                {**_count(c, "month"), "local": c.local, "missing": c.missing}
                for c in self.by_month
            ],
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


def _count(c: Count, key: str) -> dict:
    return {key: c.name, "label": c.shown, "articles": c.articles, "alerts": c.alerts}


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


def _whole_days(period: Period) -> bool:
    midnight = "T00:00:00+07:00"
    return period.start.endswith(midnight) and period.end.endswith(midnight)


def tier_map(
    conn: sqlite3.Connection,
    configured: Iterable[tuple[str, str, str, str]] = (),
    overrides: Mapping[str, str] | None = None,
):
    """A function (outlet, source) → tier, from the store's sources, the desk's
    sources.yaml (name, outlet, url, tier) and settings.yaml's ``outlet_tiers``.

    Imported articles carry an outlet but no configured source ("vnexpress.net" from a
    feed aggregator): they take the tier of the configured source with the same outlet name
    or the same site.
    """
    by_source: dict[str, str] = {}
    by_outlet: dict[str, str] = {}
    stored = [(s.name, s.outlet, s.url, s.tier) for s in source_states(conn).values()]
    for name, outlet, url, tier in [*stored, *configured]:
        if not tier:
            continue
        by_source.setdefault(name, tier)
        for alias in (outlet, _site(url)):
            if alias:
                by_outlet.setdefault(loose(alias), tier)
    for outlet, tier in (overrides or {}).items():
        by_outlet[loose(outlet)] = tier

    @lru_cache(maxsize=4096)
    def tier_of(outlet: str, source: str) -> str:
        return (
            by_source.get(source)
            or by_outlet.get(loose(outlet))
            or by_outlet.get(loose(_site(outlet)))
            or UNKNOWN_TIER
        )

    return tier_of


def _site(text: str | None) -> str:
    """The site of a URL or of an outlet written as one ("www.VnExpress.net" → vnexpress.net)."""
    if not text:
        return ""
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return host if "." in host else ""


def _choose_unit(conn: sqlite3.Connection, unit: str, period: Period, registry: Registry | None):
    """(names to count, current name, other fitting units) for a --unit fragment."""
    if registry is not None and registry.units:
        choice = registry.choose_unit(
            unit,
            start=date.fromisoformat(period.start[:10]),
            end=date.fromisoformat(period.end[:10]),
        )
        if choice is not None:
            return choice.names, choice.unit.name, tuple(u.name for u in choice.others)
    filters = search.Filters(since=period.start, until=period.end, unit=unit)
    stored = tuple(search.resolve_names(conn, filters).units or ())
    if not stored:
        raise QueryError(
            f"Không có đơn vị nào khớp '{unit}'. Cách sửa: gõ một phần tên đơn vị (không dấu "
            'cũng được), ví dụ --unit "le hong phong", hoặc xem danh sách bằng '
            "`dumon keywords list`."
        )
    return stored, None, ()


def build_report(
    conn: sqlite3.Connection,
    period: Period,
    *,
    unit: str | None = None,
    top: int = TOP_STORIES,
    theme_names: Mapping[str, str] | None = None,
    registry: Registry | None = None,
    tiers=None,
) -> CoverageReport:
    """Every figure of the education coverage report for the period (or one unit's).

    Counts are of education articles (the matcher's ``edu``); an outlet's output of any
    kind is kept beside its education count. `registry` (the desk's keywords/) lists every
    unit in force during the period, with 0 where nothing was written, and resolves --unit
    by any of its names; `theme_names` maps theme keys to display names (the registry's
    when not given); `tiers` is a `tier_map`.
    """
    theme_names = theme_names or (registry.theme_names if registry else None) or {}
    tier_of = tiers or tier_map(conn)
    wanted: tuple[str, ...] = ()
    current: str | None = None
    also: tuple[str, ...] = ()
    if unit:
        wanted, current, also = _choose_unit(conn, unit, period, registry)
    unit_of = _unit_namer(registry)
    totals: Counter[str] = Counter()
    per: dict[str, tuple[Counter[str], Counter[str], Counter[str]]] = {
        k: (Counter(), Counter(), Counter()) for k in ("unit", "theme", "outlet", "tier")
    }
    months: dict[str, Counter[str]] = {m: Counter() for m in period.months}
    output: Counter[str] = Counter()
    seen_months: set[str] = set()
    for row in coverage_rows(conn, period.start, period.end, whole_days=_whole_days(period)):
        month, alert, local, n = row.month, row.alert, row.local, row.n
        seen_months.add(month)
        outlet = row.outlet or "(không rõ)"
        output[outlet] += n
        totals["all"] += n
        if not row.edu:
            continue
        stored = _names(row.units)
        if unit:  # a unit's report counts that unit's articles, and only that unit
            matched = tuple(name for name in stored if name in wanted)
            if not matched:
                continue
            row_units = (current,) if current else matched
        else:
            row_units = tuple(dict.fromkeys(unit_of(name) for name in stored))
        totals["articles"] += n
        totals["alerts"] += n if alert else 0
        totals["local"] += n if local else 0
        if month in months:
            months[month].update(articles=n, alerts=n if alert else 0, local=n if local else 0)
        keys = {
            "outlet": (outlet,),
            "tier": (tier_of(outlet, row.source),),
            "unit": row_units,
            "theme": _names(row.themes),
        }
        for kind, names in keys.items():
            articles, alerts, locals_ = per[kind]
            for name in names:
                articles[name] += n
                alerts[name] += n if alert else 0
                locals_[name] += n if local else 0
    scanned = seen_months | scanned_months(conn, period.start, period.end)
    by_month = tuple(
        MonthCount(
            m,
            months[m]["articles"],
            months[m]["alerts"],
            local=months[m]["local"],
            missing=m not in scanned,
        )
        for m in period.months
    )
    outlet_articles, outlet_alerts, outlet_local = per["outlet"]
    by_outlet = tuple(
        OutletCount(
            name,
            n,
            outlet_alerts[name],
            local=outlet_local[name],
            tier=tier_of(name, ""),
            output=output[name],
        )
        for name, n in sorted(outlet_articles.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return CoverageReport(
        period=period,
        unit=unit,
        units_matched=(current,) if current else wanted,
        articles=totals["articles"],
        alerts=totals["alerts"],
        local=totals["local"],
        by_unit=_unit_counts(per["unit"], registry, period, current or None, bool(unit)),
        by_theme=_ranked(per["theme"][0], per["theme"][1], theme_names),
        by_outlet=by_outlet,
        by_tier=_ranked(per["tier"][0], per["tier"][1]),
        by_month=by_month,
        top_stories=_top_stories(conn, period, wanted, top),
        all_articles=totals["all"],
        also_units=also,
    )


def _unit_namer(registry: Registry | None):
    """Stored unit name → the registry unit's current name (old names counted in)."""
    if registry is None or not registry.units:
        return lambda name: name

    @lru_cache(maxsize=1024)
    def current(name: str) -> str:
        found = registry.unit_of(name)
        return found.name if found else name

    return current


def _unit_counts(
    counts: tuple[Counter, Counter, Counter],
    registry: Registry | None,
    period: Period,
    chosen: str | None,
    one_unit: bool,
) -> tuple[UnitCount, ...]:
    """Every unit in force during the period (0 where nothing was written) and every unit
    written about, grouped by kind with the Sở first, most articles first within a kind."""
    articles, alerts, local = counts
    kinds: dict[str, str] = {}
    listed: set[str] = set(articles)
    if registry is not None:
        start = date.fromisoformat(period.start[:10])
        end = date.fromisoformat(period.end[:10])
        for unit in registry.units:
            kinds[unit.name] = unit.kind
            if not one_unit and unit.in_force(start, end):
                listed.add(unit.name)
    if one_unit and chosen:
        listed.add(chosen)

    def order(name: str) -> tuple:
        kind = kinds.get(name, "")
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        return (rank, -articles[name], name)

    return tuple(
        UnitCount(name, articles[name], alerts[name], local=local[name], kind=kinds.get(name, ""))
        for name in sorted(listed, key=order)
    )


def _top_stories(
    conn: sqlite3.Connection, period: Period, units: tuple[str, ...], top: int
) -> tuple[TopStory, ...]:
    """Stories of the period carried by the most outlets, then the most articles.

    Articles sharing a story key (when the digest has set one) or a title are grouped in SQL;
    the leading groups are then clustered with `dumon.output.stories` so that rewrites of one story
    under different titles count as one. A story's first publisher is its earliest article.
    Without a unit: the local or alert articles.
    """
    if top <= 0:
        return ()
    limit = max(top * CANDIDATES_PER_STORY, top)
    leads = story_leads(conn, period.start, period.end, units, limit=limit)
    outlets: dict[str, list[tuple[str, str]]] = {lead.key: [] for lead in leads}
    for copy in story_copies(conn, period.start, period.end, units, list(outlets)):
        outlets[copy.key].append((copy.published or "", copy.outlet or ""))
    items = [
        StoryItem(lead.title, lead.summary or "", lead.outlet or "", lead.published or "")
        for lead in leads
    ]
    stories = []
    for group in cluster_stories(items):
        first = leads[group[0]]  # the earliest lead
        seen = sorted(pair for i in group for pair in outlets[leads[i].key])
        names = tuple(dict.fromkeys(name for _, name in seen if name))
        count = sum(leads[i].articles for i in group)
        stories.append(
            TopStory(first.title, first.url, first.outlet or "", first.published, count, names)
        )
    stories.sort(key=lambda s: (-len(s.outlets), -s.articles, s.published or ""))
    return tuple(stories[:top])
