"""What the digest and the report tell of incidents (sự vụ): an incident as a digest window
sees it (`Brief`: its stage at the end, what changed since the start, whether the office has
answered), and the incidents of a report's period with the response times per unit.

Read-only: the incidents are brought up to date first (``incident_build.ensure_current``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dumon.output.digest_records import Story
from dumon.output.incidents import (
    severity,
    stage_at,
    stage_history,
    unanswered_hours,
    who_closed,
)
from dumon.settings import IncidentSettings
from dumon.storage import incidents as stored
from dumon.storage.incidents import CLOSED, NEW, SPREADING, Event, Incident

# --- an incident in a window (the digest) -------------------------------------------------


@dataclass(frozen=True)
class Brief:
    """An incident as a digest of [start, end) tells it: where it stands at the end, what
    changed since the start, and whether the office has answered."""

    id: int
    title: str
    opened: datetime
    local: bool
    severity: int
    stage: str
    stage_before: str | None  # None: not yet known at the start of the window
    new_articles: int
    new_outlets: tuple[str, ...]
    new_central: int  # of the new articles' outlets, how many are of a spreading tier
    first_seen: datetime
    last_seen: datetime
    articles: int
    outlets: int
    unanswered_hours: int | None  # spreading without a response for this long (flagged)
    response: Event | None  # the first response, if any by the end
    response_delay: timedelta | None
    closed_by: str | None  # office, quiet (when the stage is khép lại)
    close_reason: str = ""

    @property
    def changed(self) -> bool:
        return self.stage_before != self.stage or self.new_articles > 0


def brief(incident: Incident, start: datetime, end: datetime, rules: IncidentSettings) -> Brief:
    seen = incident.as_of(end)
    stage = stage_at(incident, end, rules) or NEW
    new = [a for a in seen.articles if a.published >= start]
    new_outlets = tuple(dict.fromkeys(a.outlet for a in new if a.outlet))
    central = {a.outlet for a in new if a.tier in rules.spread_tiers}
    closed_by = who_closed(seen) if stage == CLOSED else None
    return Brief(
        id=incident.id,
        title=incident.title,
        opened=incident.opened,
        local=seen.local,
        severity=severity(seen, rules),
        stage=stage,
        stage_before=stage_at(incident, start, rules) if incident.opened < start else None,
        new_articles=len(new),
        new_outlets=new_outlets,
        new_central=len(central),
        first_seen=seen.first_seen,
        last_seen=seen.last_seen,
        articles=len(seen.articles),
        outlets=len(seen.outlets),
        unanswered_hours=unanswered_hours(incident, end, rules),
        response=seen.first_response,
        response_delay=seen.response_delay(),
        closed_by=closed_by,
        close_reason=incident.close_reason if closed_by == "office" else "",
    )


def window_briefs(
    conn: sqlite3.Connection,
    start: datetime,
    end: datetime,
    article_ids: Iterable[int],
    rules: IncidentSettings,
) -> tuple[dict[int, int], dict[int, Brief], tuple[int, ...]]:
    """For a digest of [start, end): which incident each of the window's articles tells,
    the brief of every incident involved, and the province's incidents to lead section II
    with (open at the end, or closed during the window), in order of severity."""
    member_of = stored.incidents_of(conn, article_ids)
    horizon = start - timedelta(days=rules.quiet_days)
    ids = set(member_of.values()) | set(stored.incidents_between(conn, start, end, horizon=horizon))
    briefs: dict[int, Brief] = {}
    for incident in stored.load_incidents(conn, ids):
        if incident.opened >= end or not incident.as_of(end).articles:
            continue
        briefs[incident.id] = brief(incident, start, end, rules)
    lead = [
        b
        for b in briefs.values()
        if b.local and (b.stage != CLOSED or (b.stage_before not in (None, CLOSED)))
    ]
    lead.sort(key=lambda b: (-b.severity, b.stage == CLOSED, -b.new_articles, b.id))
    member_of = {a: i for a, i in member_of.items() if i in briefs}
    return member_of, briefs, tuple(b.id for b in lead)


# --- the incidents of a period (the report) ------------------------------------------------


@dataclass(frozen=True)
class PeriodIncident:
    """An incident with articles in a report's period: where it went and how fast the office
    answered."""

    id: int
    title: str
    local: bool
    severity: int
    units: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    articles: int
    outlets: int
    history: tuple[tuple[datetime, str], ...]
    response: Event | None
    response_hours: float | None
    stage: str


@dataclass(frozen=True)
class UnitResponses:
    """A unit's incidents in the period and the office's response times to them."""

    unit: str
    incidents: int
    answered: int
    median_hours: float | None
    unanswered_spreading: int  # spread ("lan rộng") without any response by the period's end


NO_UNIT = "Của tỉnh, chưa gắn đơn vị"
ELSEWHERE = "Ngoài tỉnh"


def period_incidents(
    conn: sqlite3.Connection,
    start: datetime,
    end: datetime,
    rules: IncidentSettings,
    *,
    units: Iterable[str] | None = None,
) -> tuple[tuple[PeriodIncident, ...], tuple[UnitResponses, ...]]:
    """Incidents with an article in [start, end) (only those of `units` when given), as
    they stood at the end, and per unit the response times."""
    ids = stored.incidents_told_between(conn, start, end)
    wanted = set(units) if units is not None else None
    out = []
    for incident in stored.load_incidents(conn, ids):
        if incident.merged_into is not None:
            continue
        if wanted is not None and not wanted & set(incident.units):
            continue
        seen = incident.as_of(end)
        if not seen.articles:
            continue
        delay = seen.response_delay()
        out.append(
            PeriodIncident(
                id=incident.id,
                title=incident.title,
                local=seen.local,
                severity=severity(seen, rules),
                units=incident.units,
                first_seen=seen.first_seen,
                last_seen=seen.last_seen,
                articles=len(seen.articles),
                outlets=len(seen.outlets),
                history=tuple(stage_history(incident, rules, until=end)),
                response=seen.first_response,
                response_hours=round(delay.total_seconds() / 3600, 1) if delay else None,
                stage=stage_at(incident, end, rules) or NEW,
            )
        )
    out.sort(key=lambda i: (not i.local, -i.severity, i.first_seen))
    per_unit: dict[str, list[PeriodIncident]] = {}
    for item in out:
        for unit in item.units or ((NO_UNIT,) if item.local else (ELSEWHERE,)):
            per_unit.setdefault(unit, []).append(item)
    table = []
    for unit, items in per_unit.items():
        hours = sorted(i.response_hours for i in items if i.response_hours is not None)
        median = None
        if hours:
            middle = len(hours) // 2
            median = hours[middle] if len(hours) % 2 else (hours[middle - 1] + hours[middle]) / 2
        spreading = sum(
            1
            for i in items
            if i.local and i.response is None and any(stage == SPREADING for _, stage in i.history)
        )
        table.append(UnitResponses(unit, len(items), len(hours), median, spreading))
    table.sort(key=lambda u: (u.unit in (NO_UNIT, ELSEWHERE), u.unit == ELSEWHERE, u.unit))
    return tuple(out), tuple(table)


def with_incidents(
    stories: list[Story],
    groups: list[list[int]],
    member_of: dict[int, int],
    briefs: dict[int, Brief],
) -> list[Story]:
    """Each story tagged with the incident its articles tell (the most of them), and whether
    it is an update of an incident known before the window."""
    out = []
    for story, ids in zip(stories, groups, strict=True):
        found = [member_of[i] for i in ids if i in member_of]
        if not found:
            out.append(story)
            continue
        incident = max(set(found), key=found.count)
        update = briefs[incident].stage_before is not None
        out.append(replace(story, incident=incident, update=update))
    return out
