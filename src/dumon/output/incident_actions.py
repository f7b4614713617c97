"""The office's work on incidents (sự vụ): note, respond, close, merge, split, and the desk's
commands built on them (list, show, rebuild).

Each action is one transaction on the writer (`note` … `split`, used by the commands and the
tests alike). The desk's commands bring the incidents up to date first (``incident_build``)
and return the incident as it stands now (`View`), which the command shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dumon.desk import Desk
from dumon.errors import QueryError
from dumon.output import incidents
from dumon.output.incident_build import BuildReport, refresh_incidents
from dumon.output.incidents import RESPONSES
from dumon.output.marks import find_article
from dumon.settings import IncidentSettings, load_settings
from dumon.storage import incidents as stored
from dumon.storage import store
from dumon.storage.incidents import CLOSED, Incident
from dumon.storage.store import Database
from dumon.vntime import VN_TZ, parse_moment

# --- the actions, on the writer ------------------------------------------------------------


def _live(db: Database, incident_id: int) -> Incident:
    """The incident, refusing one that was merged into another."""
    incident = incidents.get_incident(db.conn, incident_id)
    if incident.merged_into is not None:
        raise QueryError(
            f"Sự vụ {incident_id} đã được gộp vào sự vụ {incident.merged_into}. Cách sửa: "
            f"dùng số {incident.merged_into}."
        )
    return incident


def _refreshed(db: Database, incident_id: int, rules: IncidentSettings, now: datetime) -> Incident:
    found = incidents.refresh(db, incident_id, rules, now=now)
    assert found is not None  # an incident the office acted on is kept
    return found


def note(db: Database, incident_id: int, text: str, *, by: str = "", now: datetime) -> None:
    if not text.strip():
        raise QueryError("Ghi chú trống. Cách sửa: ghi nội dung trong dấu ngoặc kép.")
    _live(db, incident_id)
    with store.write_transaction(db):
        stored.record_event(db, incident_id, "note", at=now, now=now, text=text.strip(), by=by)


def respond(
    db: Database,
    incident_id: int,
    kind: str,
    *,
    at: datetime,
    by: str = "",
    url: str = "",
    rules: IncidentSettings,
    now: datetime,
) -> Incident:
    """Record the office's response (a spokesperson's statement, a press release, a
    correction, an answer to the press) made at `at`."""
    if kind not in RESPONSES:
        raise QueryError(
            f"Không có loại phản hồi '{kind}'. Cách sửa: dùng một trong "
            + ", ".join(f"{k} ({v})" for k, v in RESPONSES.items())
            + "."
        )
    if at > now + timedelta(minutes=5):
        raise QueryError(
            f"Thời điểm phản hồi {at:%H:%M %d/%m/%Y} ở tương lai. Cách sửa: ghi lúc đã phản hồi."
        )
    incident = _live(db, incident_id)
    if incident.articles and at < incident.first_seen - timedelta(days=1):
        raise QueryError(
            f"Thời điểm phản hồi {at:%H:%M %d/%m/%Y} trước bài đầu tiên của sự vụ "
            f"({incident.first_seen:%H:%M %d/%m/%Y}). Cách sửa: kiểm tra lại --at."
        )
    with store.write_transaction(db):
        stored.record_event(
            db, incident_id, "response", at=at, now=now, response=kind, by=by, url=url
        )
        return _refreshed(db, incident_id, rules, now)


def close(
    db: Database,
    incident_id: int,
    *,
    reason: str = "",
    by: str = "",
    rules: IncidentSettings,
    now: datetime,
) -> Incident:
    _live(db, incident_id)
    with store.write_transaction(db):
        stored.record_event(db, incident_id, "close", at=now, now=now, text=reason.strip(), by=by)
        stored.update_incident(db, incident_id, {"close_reason": reason.strip()})
        return _refreshed(db, incident_id, rules, now)


def merge(
    db: Database, keep: int, other: int, *, rules: IncidentSettings, now: datetime
) -> Incident:
    """Move every article and office action of `other` into `keep`; `other` stays as a
    pointer ("gộp vào sự vụ …")."""
    if keep == other:
        raise QueryError("Hai số sự vụ trùng nhau. Cách sửa: ghi hai sự vụ khác nhau.")
    kept, gone = _live(db, keep), _live(db, other)
    with store.write_transaction(db):
        stored.merge_rows(db, keep, other)
        stored.record_event(
            db, keep, "merge", at=now, now=now, text=f"gộp sự vụ {other}: {gone.title}"
        )
        stored.record_event(
            db, other, "merge", at=now, now=now, text=f"gộp vào sự vụ {keep}: {kept.title}"
        )
        if kept.opened > gone.opened:
            stored.update_incident(db, keep, {"opened": stored.iso(gone.opened)})
        incidents.refresh(db, other, rules, now=now)
        return _refreshed(db, keep, rules, now)


def split(
    db: Database,
    incident_id: int,
    article_ids: Sequence[int],
    *,
    rules: IncidentSettings,
    now: datetime,
) -> Incident:
    """Move the given articles of an incident into a new incident (the office says they tell
    another event); return the new one."""
    incident = _live(db, incident_id)
    held = {a.article_id: a for a in incident.articles}
    stray = [i for i in article_ids if i not in held]
    if stray:
        raise QueryError(
            f"Bài {', '.join(map(str, stray))} không thuộc sự vụ {incident_id}. Cách sửa: xem "
            f"các bài của sự vụ bằng `dumon incident show {incident_id}`."
        )
    if len(set(article_ids)) >= len(held):
        raise QueryError(
            "Không tách được mọi bài của một sự vụ. Cách sửa: chọn một phần các bài, hoặc đóng "
            f"sự vụ bằng `dumon incident close {incident_id}`."
        )
    moved = sorted((held[i] for i in set(article_ids)), key=lambda a: a.published)
    with store.write_transaction(db):
        new_id = stored.create(db, title=moved[0].title, opened=moved[0].published, now=now)
        stored.move_members(db, incident_id, new_id, [a.article_id for a in moved])
        stored.record_event(
            db, incident_id, "split", at=now, now=now, text=f"tách {len(moved)} bài sang {new_id}"
        )
        stored.record_event(
            db, new_id, "split", at=now, now=now, text=f"tách từ sự vụ {incident_id}"
        )
        incidents.refresh(db, incident_id, rules, now=now)
        return _refreshed(db, new_id, rules, now)


# --- the desk's commands -------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """An incident as it stood at a moment, with what the office needs to see."""

    incident: Incident  # its articles and events until then
    stage: str
    severity: int
    history: tuple[tuple[datetime, str], ...]
    unanswered_hours: int | None

    @property
    def id(self) -> int:
        return self.incident.id

    @property
    def local(self) -> bool:
        return self.incident.local


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(VN_TZ)).astimezone(VN_TZ)


def view(incident: Incident, at: datetime, rules: IncidentSettings) -> View:
    seen = incident.as_of(at)
    return View(
        incident=seen,
        stage=incidents.stage_at(incident, at, rules) or stored.NEW,
        severity=incidents.severity(seen, rules),
        history=tuple(incidents.stage_history(incident, rules, until=at)),
        unanswered_hours=incidents.unanswered_hours(incident, at, rules),
    )


def _open(desk: Desk, now: datetime | None) -> tuple[Database, IncidentSettings]:
    refresh_incidents(desk, now=now)
    return store.open_db(desk.db_path), load_settings(desk.settings_path).incidents


def moment_typed(text: str, *, day_end: bool = False) -> datetime:
    """A time the office typed (`vntime.parse_moment`: Vietnam time when it carries no
    offset); a bare date is its midnight, or with `day_end` the last instant of that day."""
    try:
        moment = parse_moment(text)
    except ValueError:
        raise QueryError(
            f"Không hiểu thời điểm '{text}'. Cách sửa: ghi dạng 2026-11-28T09:30 (giờ Việt "
            "Nam), ví dụ --at 2026-11-28T09:30."
        ) from None
    if day_end and moment.bare_date:
        return moment.end() - timedelta(microseconds=1)
    return moment.at


def list_incidents(
    desk: Desk,
    *,
    every: bool = False,
    local: bool = False,
    at: datetime | None = None,
    now: datetime | None = None,
) -> list[View]:
    """The incidents open at `at` (now by default), or every incident known then with
    `every`; only the province's with `local`. Open ones by severity, then newest first."""
    moment = _now(at or now)
    db, rules = _open(desk, now)
    try:
        found = stored.load_incidents(db.conn)
    finally:
        db.close()
    views = [
        view(i, moment, rules)
        for i in found
        if i.merged_into is None and i.opened <= moment and i.as_of(moment).articles
    ]
    if not every:
        views = [v for v in views if v.stage != CLOSED]
    if local:
        views = [v for v in views if v.local]
    views.sort(key=lambda v: (v.stage == CLOSED, -v.severity, -v.incident.last_seen.timestamp()))
    return views


def show_incident(desk: Desk, incident_id: int, *, now: datetime | None = None) -> View:
    db, rules = _open(desk, now)
    try:
        incident = incidents.get_incident(db.conn, incident_id)
    finally:
        db.close()
    return view(incident, _now(now), rules)


def note_incident(
    desk: Desk, incident_id: int, text: str, *, by: str = "", now: datetime | None = None
) -> View:
    db, rules = _open(desk, now)
    try:
        note(db, incident_id, text, by=by, now=_now(now))
        return view(incidents.get_incident(db.conn, incident_id), _now(now), rules)
    finally:
        db.close()


def respond_incident(
    desk: Desk,
    incident_id: int,
    *,
    kind: str,
    at: str,
    by: str = "",
    url: str = "",
    now: datetime | None = None,
) -> View:
    """Record a response made at `at` (as typed; Vietnam time when no offset)."""
    moment = moment_typed(at)
    db, rules = _open(desk, now)
    try:
        found = respond(
            db, incident_id, kind, at=moment, by=by, url=url, rules=rules, now=_now(now)
        )
        return view(found, _now(now), rules)
    finally:
        db.close()


def close_incident(
    desk: Desk, incident_id: int, *, reason: str = "", by: str = "", now: datetime | None = None
) -> View:
    db, rules = _open(desk, now)
    try:
        found = close(db, incident_id, reason=reason, by=by, rules=rules, now=_now(now))
        return view(found, _now(now), rules)
    finally:
        db.close()


def merge_incidents(desk: Desk, keep: int, other: int, *, now: datetime | None = None) -> View:
    db, rules = _open(desk, now)
    try:
        return view(merge(db, keep, other, rules=rules, now=_now(now)), _now(now), rules)
    finally:
        db.close()


def split_incident(
    desk: Desk, incident_id: int, articles: Sequence[str], *, now: datetime | None = None
) -> View:
    """Move the articles (ids or URLs) into a new incident; the new one is returned."""
    if not articles:
        raise QueryError(
            "Chưa nêu bài nào để tách. Cách sửa: ghi số hoặc địa chỉ của bài sau số sự vụ, "
            f"ví dụ `dumon incident split {incident_id} 1234 5678`."
        )
    db, rules = _open(desk, now)
    try:
        ids = [find_article(db.conn, ref).id for ref in articles]
        return view(split(db, incident_id, ids, rules=rules, now=_now(now)), _now(now), rules)
    finally:
        db.close()


def rebuild(desk: Desk, *, force: bool = False, now: datetime | None = None) -> BuildReport:
    """Build every incident again from the stored articles (after a change of keywords or
    thresholds)."""
    return refresh_incidents(desk, now=now, rebuild=True, force=force)
