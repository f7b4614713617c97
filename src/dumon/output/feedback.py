"""The office marks an article: the mark is stored, and what it says reaches the incidents.

`mark_article` stores the marks (``storage/marks.py``; what they change where articles are
read is ``output/marks.py``) and takes a hidden or "not an alert" article out of the incident
it tells: an incident left without any alert loses its other articles too (they were copies of
the false alert) and is kept closed when the office wrote about it (``incidents.refresh``).
The keyword changes that repeated marks suggest are ``suggestions.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dumon.desk import Desk
from dumon.errors import QueryError
from dumon.output import incidents
from dumon.output import marks as office_marks
from dumon.settings import IncidentSettings, load_settings
from dumon.storage import incidents as stored_incidents
from dumon.storage import marks as stored_marks
from dumon.storage import store
from dumon.storage.marks import ArticleRef, Mark
from dumon.storage.sqlitefile import open_reader
from dumon.storage.store import Database
from dumon.vntime import VN_TZ

# The marks that take an article out of the incident it tells.
TAKE_OUT = frozenset({"not-relevant", "not-alert"})


@dataclass(frozen=True)
class MarkResult:
    article: ArticleRef
    added: tuple[str, ...]  # the kinds that were new on it
    removed: int  # marks taken off (with `undo`)
    incident: int | None  # the incident the article was taken out of, if any


def mark_article(
    desk: Desk,
    ref: str,
    kinds: Iterable[str],
    *,
    note: str = "",
    undo: bool = False,
    now: datetime | None = None,
) -> MarkResult:
    """Mark an article (by id or URL), or take marks off it with `undo` (all of them when no
    kind is given)."""
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in office_marks.KINDS]
    if unknown:
        raise QueryError(
            f"Không có loại đánh dấu '{unknown[0]}'. Cách sửa: dùng một trong "
            + ", ".join(office_marks.KINDS)
            + "."
        )
    if not kinds and not undo:
        raise QueryError(
            "Chưa chọn loại đánh dấu. Cách sửa: thêm --not-relevant, --not-local, --not-alert "
            "hoặc --important (bỏ đánh dấu: --undo)."
        )
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    rules = load_settings(desk.settings_path).incidents
    db = store.open_db(desk.db_path)
    try:
        article = office_marks.find_article(db.conn, ref)
        with store.write_transaction(db):
            if undo:
                removed = stored_marks.remove_marks(db, article, kinds)
                return MarkResult(article, (), removed, None)
            added = stored_marks.add_marks(
                db, article, kinds, note=note, at=now.isoformat(timespec="seconds")
            )
            member = stored_incidents.incidents_of(db.conn, [article.id]).get(article.id)
            taken_from = None
            if member is not None and added:
                taken_from = _apply_to_incident(db, member, article, added, note, rules, now)
        return MarkResult(article, tuple(added), 0, taken_from)
    finally:
        db.close()


def _apply_to_incident(
    db: Database,
    incident_id: int,
    article: ArticleRef,
    added: list[str],
    note: str,
    rules: IncidentSettings,
    now: datetime,
) -> int | None:
    """What new marks do to the incident the article tells (written on its timeline); the
    incident it was taken out of, if it was. Inside the caller's transaction."""
    words = ", ".join(office_marks.KINDS[k] for k in added)
    text = f"văn phòng đánh dấu bài [{article.id}] là {words}" + (f": {note}" if note else "")
    stored_incidents.record_event(
        db, incident_id, "mark", at=now, now=now, text=text, url=article.url
    )
    taken_from = None
    if TAKE_OUT & set(added):
        stored_incidents.remove_members(db, incident_id, [article.id])
        taken_from = incident_id
        remaining = stored_incidents.member_ids(db.conn, incident_id)
        seen = incidents.verdicts(db.conn, remaining)
        if not any(v.row.alert for v in seen.values()):
            # No alert left: the incident was this false alert and its copies.
            stored_incidents.remove_members(db, incident_id)
            stored_incidents.record_event(
                db, incident_id, "close", at=now, now=now, text="không còn bài nào là sự cố"
            )
    incidents.refresh(db, incident_id, rules, now=now)
    return taken_from


def desk_marks(desk: Desk) -> list[Mark]:
    """Every mark of the desk, newest first; none before the database exists (listing marks
    does not create it)."""
    if not desk.db_path.is_file():
        return []
    conn = open_reader(desk.db_path)
    try:
        return stored_marks.list_marks(conn)
    finally:
        conn.close()
