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
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from dumon.desk import Desk
from dumon.errors import DumonError, QueryError
from dumon.matching.registry import KIND_ORDER, Registry, loose
from dumon.output import search
from dumon.output.incident_briefs import PeriodIncident, UnitResponses, period_incidents
from dumon.output.marks import report_corrections
from dumon.output.periods import Period
from dumon.output.report_records import (
    UNKNOWN_TIER,
    Count,
    CoverageReport,
    MonthCount,
    OutletCount,
    TopStory,
    UnitCount,
)
from dumon.output.stories import StoryItem, cluster_stories
from dumon.settings import IncidentSettings
from dumon.storage.reports import coverage_rows, scanned_months, story_copies, story_leads
from dumon.storage.sources import source_states

TOP_STORIES = 10
CANDIDATES_PER_STORY = 20
"""Title groups clustered per top story asked: enough to find rewrites, cheap to cluster."""


# --- the report ----------------------------------------------------------------------------


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


def configured_sources(desk: Desk) -> list[tuple[str, str, str, str]]:
    """(name, outlet, url, tier) of the desk's sources.yaml, for the tiers of imported
    outlets; none when the file is missing or broken (`dumon doctor` says why)."""
    from dumon.collecting.config import load_sources

    if not desk.sources_path.is_file():
        return []
    try:
        config = load_sources(desk.sources_path)
    except DumonError as error:
        logging.getLogger(__name__).warning("sources.yaml: %s", error.message)
        return []
    return [(s.name, s.outlet, s.url, s.tier) for s in config.sources]


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
    incident_rules: IncidentSettings | None = None,
) -> CoverageReport:
    """Every figure of the education coverage report for the period (or one unit's).

    Counts are of education articles (the matcher's ``edu``); an outlet's output of any
    kind is kept beside its education count. `registry` (the desk's keywords/) lists every
    unit in force during the period, with 0 where nothing was written, and resolves --unit
    by any of its names; `theme_names` maps theme keys to display names (the registry's
    when not given); `tiers` is a `tier_map`; with `incident_rules` the period's incidents
    and the response times per unit are added. The office's marks correct the counts.
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
    rows = list(coverage_rows(conn, period.start, period.end, whole_days=_whole_days(period)))
    rows += report_corrections(conn, period.start, period.end)  # the office's word
    for row in rows:
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
    found_incidents: tuple[PeriodIncident, ...] = ()
    responses: tuple[UnitResponses, ...] = ()
    if incident_rules is not None:
        found_incidents, responses = period_incidents(
            conn,
            datetime.fromisoformat(period.start),
            datetime.fromisoformat(period.end),
            incident_rules,
            units=((current,) if current else wanted) if unit else None,
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
        incidents=found_incidents,
        unit_responses=responses,
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
