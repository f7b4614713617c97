"""Incidents (sự vụ) as stored: their records, and every statement on the tables of
migration m009 (``incidents``, ``incident_articles``, ``incident_events``, ``incident_build``).

What an incident is at a moment (its stage, its severity, whether the office has answered) is
computed from these records in ``output/incidents.py``; which articles open or join one is
decided in ``output/incident_build.py``. The stages are stored by name, so they are named
here. Writes take the writer (``store.Database``) inside the caller's transaction; reads take
a sqlite3 connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from dumon.storage.rows import ArticleRow, to_iso
from dumon.storage.sqlitefile import chunks, has_table, placeholders
from dumon.storage.store import Database
from dumon.vntime import VN_TZ

NEW, SPREADING, COOLING, CLOSED = "mới", "lan rộng", "hạ nhiệt", "khép lại"
STAGES = (NEW, SPREADING, COOLING, CLOSED)
_WIDEST = ("local", "national", "neighbour", "province", "abroad")


def iso(moment: datetime) -> str:
    return to_iso(moment) or ""


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(VN_TZ)


@dataclass(frozen=True)
class Coverage:
    """One article of an incident, as kept with it (kept when the article is pruned)."""

    article_id: int
    url: str
    title: str
    outlet: str
    tier: str
    published: datetime
    how: str  # opened, story, joined, followup, earlier, office
    severity: int = 0
    local: bool = False
    scope: str = ""


@dataclass(frozen=True)
class Event:
    """Something in an incident's timeline besides its articles."""

    at: datetime
    kind: str  # stage, note, response, close, reopen, merge, split, mark
    text: str = ""
    stage: str = ""
    response: str = ""  # the kind of response (phat-ngon, thong-cao, dinh-chinh, tra-loi)
    by: str = ""
    url: str = ""
    id: int = 0


@dataclass(frozen=True)
class Incident:
    id: int
    title: str
    opened: datetime  # when the story that opened it was published: known from then on
    articles: tuple[Coverage, ...]  # in time order
    events: tuple[Event, ...]  # in time order
    units: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()  # alert keys
    merged_into: int | None = None
    close_reason: str = ""

    @property
    def first_seen(self) -> datetime:
        return self.articles[0].published if self.articles else self.opened

    @property
    def last_seen(self) -> datetime:
        return self.articles[-1].published if self.articles else self.opened

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.outlet for a in self.articles if a.outlet))

    @property
    def local(self) -> bool:
        return any(a.local for a in self.articles)

    @property
    def scope(self) -> str:
        scopes = {a.scope for a in self.articles if a.scope}
        return next((s for s in _WIDEST if s in scopes), "national")

    @property
    def responses(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == "response")

    @property
    def first_response(self) -> Event | None:
        return min(self.responses, key=lambda e: e.at, default=None)

    def as_of(self, moment: datetime) -> Incident:
        """The incident as it stood at `moment`: its articles and events until then."""
        return replace(
            self,
            articles=tuple(a for a in self.articles if a.published <= moment),
            events=tuple(e for e in self.events if e.at <= moment),
        )

    def response_delay(self) -> timedelta | None:
        """From the first article to the first response (None: no response yet)."""
        first = self.first_response
        return first.at - self.first_seen if first and self.articles else None


@dataclass(frozen=True)
class Member:
    """An article as it is tied to an incident (the columns kept with it)."""

    article_id: int
    url: str
    title: str
    outlet: str
    tier: str
    published: str  # ISO
    how: str


# --- reading -------------------------------------------------------------------------------


def load_incidents(conn: sqlite3.Connection, ids: Iterable[int] | None = None) -> list[Incident]:
    """The incidents (all, or those of `ids`) with their articles and events, by id."""
    if not has_table(conn, "incidents"):
        return []
    where, params = "", []
    if ids is not None:
        params = sorted(set(ids))
        if not params:
            return []
        where = f"where id in ({placeholders(params)})"
    heads = conn.execute(
        "select id, title, opened, units, alerts, merged_into, close_reason from incidents "
        f"{where} order by id",
        params,
    ).fetchall()
    if not heads:
        return []
    chosen = [h[0] for h in heads]
    articles: dict[int, list[Coverage]] = {i: [] for i in chosen}
    events: dict[int, list[Event]] = {i: [] for i in chosen}
    for chunk in chunks(chosen):
        for row in conn.execute(
            "select incident_id, article_id, url, title, outlet, tier, published, how, severity, "
            f"local, scope from incident_articles where incident_id in ({placeholders(chunk)}) "
            "order by published, article_id",
            chunk,
        ):
            articles[row[0]].append(
                Coverage(
                    row[1],
                    row[2],
                    row[3] or "",
                    row[4] or "",
                    row[5] or "",
                    parse_time(row[6]),
                    row[7],
                    row[8] or 0,
                    bool(row[9]),
                    row[10] or "",
                )
            )
        for row in conn.execute(
            "select incident_id, at, kind, text, stage, response, by, url, id "
            f"from incident_events where incident_id in ({placeholders(chunk)}) order by at, id",
            chunk,
        ):
            events[row[0]].append(
                Event(
                    parse_time(row[1]),
                    row[2],
                    row[3] or "",
                    row[4] or "",
                    row[5] or "",
                    row[6] or "",
                    row[7] or "",
                    row[8],
                )
            )
    return [
        Incident(
            id_,
            title,
            parse_time(opened),
            tuple(articles[id_]),
            tuple(events[id_]),
            tuple(json.loads(units or "[]")),
            tuple(json.loads(alerts or "[]")),
            merged_into,
            close_reason or "",
        )
        for id_, title, opened, units, alerts, merged_into, close_reason in heads
    ]


def incidents_of(conn: sqlite3.Connection, article_ids: Iterable[int]) -> dict[int, int]:
    """Article id → the incident it tells, for the articles that tell one."""
    if not has_table(conn, "incidents"):
        return {}
    out: dict[int, int] = {}
    for chunk in chunks(list(article_ids)):
        for article_id, incident_id in conn.execute(
            "select article_id, incident_id from incident_articles "
            f"where article_id in ({placeholders(chunk)})",
            chunk,
        ):
            out[article_id] = incident_id
    return out


def member_ids(conn: sqlite3.Connection, incident_id: int) -> list[int]:
    """The articles an incident holds."""
    rows = conn.execute(
        "select article_id from incident_articles where incident_id = ?", [incident_id]
    )
    return [row[0] for row in rows]


def incidents_between(
    conn: sqlite3.Connection, start: datetime, end: datetime, *, horizon: datetime
) -> list[int]:
    """Incidents opened before `end`, not merged, with an article since `horizon` or an
    office action in [start, end)."""
    if not has_table(conn, "incidents"):
        return []
    rows = conn.execute(
        "select id from incidents where opened < :end and merged_into is null and "
        "(last_seen >= :horizon or id in (select incident_id from incident_events "
        "where kind != 'stage' and at >= :start and at < :end))",
        {"end": iso(end), "horizon": iso(horizon), "start": iso(start)},
    )
    return [row[0] for row in rows]


def incidents_told_between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[int]:
    """Incidents with an article published in [start, end)."""
    if not has_table(conn, "incidents"):
        return []
    rows = conn.execute(
        "select distinct incident_id from incident_articles where published >= ? and published < ?",
        [iso(start), iso(end)],
    )
    return [row[0] for row in rows]


def incidents_since(conn: sqlite3.Connection, horizon: datetime) -> list[int]:
    """Incidents not merged whose latest article is at `horizon` or later."""
    rows = conn.execute(
        "select id from incidents where merged_into is null and last_seen >= ?", [iso(horizon)]
    )
    return [row[0] for row in rows]


def open_incidents(conn: sqlite3.Connection) -> list[int]:
    """Incidents not closed: their stage moves as time passes."""
    return [row[0] for row in conn.execute("select id from incidents where stage != ?", [CLOSED])]


def office_actions(conn: sqlite3.Connection) -> int:
    """How many notes, responses and other actions the office recorded on incidents."""
    row = conn.execute("select count(*) from incident_events where kind != 'stage'").fetchone()
    return int(row[0])


# --- writing (inside the caller's transaction) ---------------------------------------------


def create(db: Database, *, title: str, opened: datetime, now: datetime) -> int:
    """A new incident row, without articles yet."""
    table = db.table("incidents")
    table.insert({"title": title, "opened": iso(opened), "stage": NEW, "updated": iso(now)})
    pk = table.last_pk
    if pk is None:  # sqlite-utils sets it on every insert
        raise RuntimeError("the incidents table gave no row id")
    return int(pk)


def add_members(db: Database, incident_id: int, members: Iterable[Member], *, now: datetime) -> int:
    """Tie articles to an incident; an article already telling another incident is left where
    it is. How many were tied."""
    added = 0
    for m in members:
        cursor = db.execute(
            "insert into incident_articles (incident_id, article_id, url, title, outlet, tier, "
            "published, how, added) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
            [incident_id, m.article_id, m.url, m.title, m.outlet, m.tier, m.published, m.how]
            + [iso(now)],
        )
        added += cursor.rowcount
    return added


def record_event(
    db: Database, incident_id: int, kind: str, *, at: datetime, now: datetime, **fields: str
) -> None:
    db.table("incident_events").insert(
        {
            "incident_id": incident_id,
            "at": iso(at),
            "kind": kind,
            "recorded": iso(now),
            **{k: v for k, v in fields.items() if v},
        }
    )


def keep_verdicts(db: Database, incident_id: int, verdicts: Iterable[ArticleRow]) -> None:
    """Keep each article's verdict (severity, local, scope) with the incident."""
    db.conn.executemany(
        "update incident_articles set severity = ?, local = ?, scope = ? "
        "where incident_id = ? and article_id = ?",
        [(v.severity or 0, v.local, v.scope or "", incident_id, v.id) for v in verdicts],
    )


def replace_stages(
    db: Database, incident_id: int, history: Iterable[tuple[datetime, str]], *, now: datetime
) -> None:
    """The incident's stage changes, rewritten (they follow from its articles)."""
    db.execute(
        "delete from incident_events where incident_id = ? and kind = 'stage'", [incident_id]
    )
    db.conn.executemany(
        "insert into incident_events (incident_id, at, kind, stage, recorded) "
        "values (?, ?, 'stage', ?, ?)",
        [(incident_id, iso(at), stage, iso(now)) for at, stage in history],
    )


def update_incident(db: Database, incident_id: int, values: Mapping[str, Any]) -> None:
    """Set columns of an incident's row."""
    db.table("incidents").update(incident_id, dict(values))


def delete_incident(db: Database, incident_id: int) -> None:
    """An incident left without articles and without any action of the office."""
    db.execute("delete from incident_events where incident_id = ?", [incident_id])
    db.execute("delete from incidents where id = ?", [incident_id])


def remove_members(db: Database, incident_id: int, article_ids: Sequence[int] = ()) -> None:
    """Take articles out of an incident (every one when none is named)."""
    if not article_ids:
        db.execute("delete from incident_articles where incident_id = ?", [incident_id])
        return
    db.execute(
        f"delete from incident_articles where incident_id = ? and article_id in "
        f"({placeholders(article_ids)})",
        [incident_id, *article_ids],
    )


def merge_rows(db: Database, keep: int, other: int) -> None:
    """Move `other`'s articles and office actions into `keep`; `other` points to it."""
    db.execute("update incident_articles set incident_id = ? where incident_id = ?", [keep, other])
    db.execute(
        "update incident_events set incident_id = ? where incident_id = ? and kind != 'stage'",
        [keep, other],
    )
    db.execute("update incidents set merged_into = ? where id = ?", [keep, other])


def move_members(db: Database, source: int, target: int, article_ids: Sequence[int]) -> None:
    """Move articles to another incident, as the office's choice."""
    db.execute(
        "update incident_articles set incident_id = ?, how = 'office' "
        f"where incident_id = ? and article_id in ({placeholders(article_ids)})",
        [target, source, *article_ids],
    )


def forget_all(db: Database) -> None:
    """Every incident, its articles, events and the build's progress: a build from scratch."""
    for table in ("incident_events", "incident_articles", "incidents", "incident_build"):
        db.execute(f"delete from {table}")
