"""Incidents (sự vụ): an event followed from its first article to its close.

Owns how an incident stands at any moment — its stage, its severity, whether the office's
response is overdue — and keeping its stored row right as articles and actions come
(`refresh`). The records and statements are ``storage/incidents.py``; which articles open or
join an incident is decided in ``incident_build.py``; the office's actions are
``incident_actions.py``; what the digest and the report show of incidents is
``incident_briefs.py``.

The stage is computed from the coverage and the office's closes, never typed in:

- ``mới``: one outlet so far;
- ``lan rộng``: ``spread_outlets`` outlets within ``spread_hours``, an outlet of a tier in
  ``spread_tiers`` (the central press), or articles on a second day;
- ``hạ nhiệt``: no new article for ``cooling_hours``;
- ``khép lại``: closed by the office, or no new article for ``quiet_days``. A new article
  after that reopens it.

Severity is the highest of its articles'; an incident of the province is one level higher,
and 3 once the central press carries it (the digest's rule for a local incident spreading).
Thresholds are in ``settings.yaml`` (``incidents:``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dumon.errors import QueryError
from dumon.output import marks as office_marks
from dumon.settings import IncidentSettings
from dumon.storage import incident_reads as reads
from dumon.storage import incidents as stored
from dumon.storage import marks as stored_marks
from dumon.storage.incidents import CLOSED, NEW, SPREADING, Coverage, Incident, Member, iso
from dumon.storage.rows import ArticleRow
from dumon.storage.store import Database
from dumon.vntime import VN_TZ

RESPONSES = {
    "phat-ngon": "phát ngôn",
    "thong-cao": "thông cáo báo chí",
    "dinh-chinh": "đính chính",
    "tra-loi": "trả lời báo chí",
}
EVENT_WORDS = {
    "note": "ghi chú",
    "response": "phản hồi",
    "close": "đóng",
    "reopen": "mở lại",
    "merge": "gộp",
    "split": "tách",
    "mark": "đánh dấu",
    "stage": "giai đoạn",
}
"""What the office's kinds of response and the incident's events are called, in Vietnamese."""


# --- how an incident stands ----------------------------------------------------------------


def severity(incident: Incident, rules: IncidentSettings) -> int:
    """The highest of its articles'; one level more when it is the province's own, and 3
    when the province's own is carried by the central press (``spread_tiers``)."""
    level = max((a.severity for a in incident.articles), default=0)
    if incident.local:
        level = min(3, level + 1)
        if any(a.tier in rules.spread_tiers for a in incident.articles):
            level = 3
    return level


def _spreading(articles: Sequence[Coverage], rules: IncidentSettings) -> datetime | None:
    """When the coverage first met a rule of ``lan rộng`` (None: not yet)."""
    moments = []
    days: set = set()
    for a in articles:
        days.add(a.published.astimezone(VN_TZ).date())
        if len(days) >= 2:
            moments.append(a.published)
            break
    moments += [a.published for a in articles if a.tier in rules.spread_tiers][:1]
    window = timedelta(hours=rules.spread_hours)
    for i, a in enumerate(articles):
        outlets = {b.outlet for b in articles[: i + 1] if a.published - b.published <= window}
        if len(outlets) >= rules.spread_outlets:
            moments.append(a.published)
            break
    return min(moments) if moments else None


def stage_at(incident: Incident, moment: datetime, rules: IncidentSettings) -> str | None:
    """The stage at `moment` (None before its first article)."""
    seen = incident.as_of(moment)
    if not seen.articles:
        return None
    if incident.merged_into is not None and any(e.kind == "merge" for e in seen.events):
        return CLOSED
    last = seen.last_seen
    closes = [e.at for e in seen.events if e.kind == "close"]
    if closes and max(closes) >= last:
        return CLOSED
    quiet = moment - last
    if quiet >= timedelta(days=rules.quiet_days):
        return CLOSED
    if quiet >= timedelta(hours=rules.cooling_hours):
        return stored.COOLING
    spread = _spreading(seen.articles, rules)
    return SPREADING if spread is not None and spread <= moment else NEW


def stage_history(
    incident: Incident, rules: IncidentSettings, *, until: datetime
) -> list[tuple[datetime, str]]:
    """Every stage change until `until`: (when, stage entered), in order."""
    points: set[datetime] = set()
    for a in incident.articles:
        points |= {
            a.published,
            a.published + timedelta(hours=rules.cooling_hours),
            a.published + timedelta(days=rules.quiet_days),
        }
    points |= {e.at for e in incident.events if e.kind in ("close", "merge")}
    spread = _spreading(incident.articles, rules)
    if spread is not None:
        points.add(spread)
    history: list[tuple[datetime, str]] = []
    for point in sorted(p for p in points if p <= until):
        stage = stage_at(incident, point, rules)
        if stage and (not history or history[-1][1] != stage):
            history.append((point, stage))
    return history


def who_closed(incident: Incident) -> str:
    """Why a closed incident is closed: ``merged`` into another, ``office`` (closed after
    its latest article, or emptied by the office), or ``quiet`` (no new article)."""
    if incident.merged_into is not None:
        return "merged"
    closes = [e.at for e in incident.events if e.kind == "close"]
    if not incident.articles or (closes and max(closes) >= incident.last_seen):
        return "office"
    return "quiet"


def unanswered_hours(incident: Incident, moment: datetime, rules: IncidentSettings) -> int | None:
    """Hours since the first article when the incident is spreading at `moment` with no
    response yet and ``response_hours`` have passed (None otherwise): the digest's flag. Only
    the province's own incidents are flagged: the Sở does not speak for another province."""
    seen = incident.as_of(moment)
    if not seen.articles or seen.responses or not seen.local:
        return None
    if stage_at(incident, moment, rules) != SPREADING:
        return None
    hours = int((moment - seen.first_seen).total_seconds() // 3600)
    return hours if hours >= rules.response_hours else None


# --- reading -------------------------------------------------------------------------------


def get_incident(conn: sqlite3.Connection, incident_id: int) -> Incident:
    found = stored.load_incidents(conn, [incident_id])
    if not found:
        raise QueryError(
            f"Không có sự vụ số {incident_id}. Cách sửa: xem các số sự vụ bằng "
            "`dumon incident list --all`."
        )
    return found[0]


@dataclass(frozen=True)
class Verdict:
    """An article's verdict as the office sees it: the matcher's, with the marks applied."""

    row: ArticleRow
    alerts: tuple[str, ...]  # its alert keys, when it is an alert


def verdicts(conn: sqlite3.Connection, article_ids: list[int]) -> dict[int, Verdict]:
    """The stored verdict of each article with the office's marks applied (a hidden article
    tells nothing: no flag, no severity); articles no longer stored are left out."""
    found = stored_marks.marked(conn)
    rows = reads.articles_by_id(conn, article_ids)
    keys = reads.alert_keys(conn, article_ids)
    out: dict[int, Verdict] = {}
    for row in rows:
        seen = office_marks.overlay(row, found.get(row.id, ()))
        if seen is None:  # hidden by the office: it tells nothing
            seen = replace(row, local=0, alert=0, severity=0)
        out[row.id] = Verdict(seen, tuple(keys.get(row.id, ())) if seen.alert else ())
    return out


# --- keeping the stored row right ----------------------------------------------------------


def refresh(
    db: Database, incident_id: int, rules: IncidentSettings, *, now: datetime
) -> Incident | None:
    """Recompute what an incident's row says from its articles and events (first and latest
    article, outlets, severity, local, stage and its history, first response); None when it
    holds no article any more (it is then deleted with its events, unless the office acted
    on it: an incident the office wrote about is kept, closed). Inside a transaction."""
    seen = verdicts(db.conn, stored.member_ids(db.conn, incident_id))
    stored.keep_verdicts(db, incident_id, (v.row for v in seen.values()))
    incident = stored.load_incidents(db.conn, [incident_id])[0]
    if not incident.articles and not any(e.kind != "stage" for e in incident.events):
        stored.delete_incident(db, incident_id)
        return None
    units = list(dict.fromkeys(u for v in seen.values() for u in json.loads(v.row.units or "[]")))
    alerts = list(dict.fromkeys(k for v in seen.values() for k in v.alerts))
    history = stage_history(incident, rules, until=now)
    stored.replace_stages(db, incident_id, history, now=now)
    stage, since = (history[-1][1], history[-1][0]) if history else (CLOSED, now)
    closed_by = who_closed(incident) if stage == CLOSED else None
    first = incident.first_response
    stored.update_incident(
        db,
        incident_id,
        {
            "first_seen": iso(incident.first_seen),
            "last_seen": iso(incident.last_seen),
            "articles": len(incident.articles),
            "outlets": len(incident.outlets),
            "severity": severity(incident, rules),
            "local": int(incident.local),
            "scope": incident.scope,
            "units": json.dumps(units, ensure_ascii=False),
            "alerts": json.dumps(alerts, ensure_ascii=False),
            "stage": stage,
            "stage_since": iso(since),
            "closed": iso(since) if stage == CLOSED else None,
            "closed_by": closed_by,
            "first_response": iso(first.at) if first else None,
            "updated": iso(now),
        },
    )
    return stored.load_incidents(db.conn, [incident_id])[0]


def add_articles(
    db: Database, incident_id: int, rows: Iterable[ArticleRow], *, how: str, tier_of, now: datetime
) -> int:
    """Tie articles to an incident, each with its outlet's tier; an article already telling
    another incident is left where it is. How many were tied."""
    members = (
        Member(
            row.id,
            row.url,
            row.title or "",
            row.outlet or "",
            tier_of(row.outlet or "", row.source or ""),
            row.published or row.first_seen,
            how,
        )
        for row in rows
    )
    return stored.add_members(db, incident_id, members, now=now)
