"""Building incidents (sự vụ) from the stories of each day, and keeping them current.

New articles are read window by window (the digest's windows: ``digest_hour`` to
``digest_hour``), in time order, by ``incident_window.WindowReader``, which decides what opens
and what joins an incident. Each window is one transaction together with the build's progress
(``incident_build`` table), so a build killed at any moment resumes after its last committed
window and ends with the same incidents as one never interrupted. Time passing moves the
stages of open incidents too (``hạ nhiệt``, ``khép lại``), so every command that shows
incidents first calls `ensure_current`. How well it joins: ``bench/incidents_bench.py``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dumon.desk import Desk
from dumon.errors import DumonError
from dumon.output import incidents
from dumon.output.digest import Editorial, load_editorial
from dumon.output.incident_window import WindowReader
from dumon.output.report import configured_sources, tier_map
from dumon.output.window import Window
from dumon.settings import IncidentSettings, Settings, load_settings
from dumon.storage import incident_reads as reads
from dumon.storage import incidents as stored
from dumon.storage import store
from dumon.storage.incidents import iso
from dumon.storage.sqlitefile import cannot_write_here, connect_read_only
from dumon.storage.store import Database
from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

TierOf = Callable[[str, str], str]  # (outlet, source) → tier


@dataclass(frozen=True)
class BuildReport:
    windows: int = 0
    articles: int = 0  # new articles read
    opened: int = 0
    joined: int = 0  # articles added to incidents


def _window_start(moment: datetime, hour: int) -> datetime:
    """The start of the digest window holding `moment` (``hour`` o'clock, Vietnam time)."""
    local = moment.astimezone(VN_TZ)
    start = datetime.combine(local.date(), time(hour), VN_TZ)
    return start if local >= start else start - timedelta(days=1)


def build_incidents(
    db: Database,
    *,
    settings: Settings | None = None,
    editorial: Editorial | None = None,
    tier_of: TierOf | None = None,
    now: datetime | None = None,
    until: datetime | None = None,
) -> BuildReport:
    """Read the articles stored since the last build into incidents, then bring every open
    incident's stage up to `now`. With `until`, only the windows starting before it are read
    (a digest of an earlier morning needs no later ones); the rest wait for the next build."""
    settings = settings or Settings()
    rules = settings.incidents
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    reader = WindowReader(
        db,
        rules=rules,
        editorial=editorial or Editorial({}, {}),
        tier_of=tier_of or (lambda outlet, source: ""),
        now=now,
    )
    # New articles are those past the last build's highest id, or first seen after it: an id
    # freed by a prune at the top of the table can be given again to a new article.
    state = reads.build_state(db.conn)
    checked = int(state.get("checked", "0"))
    seen = state.get("seen", "")
    target = int(state["target"]) if "target" in state else None
    target_seen = state.get("target_seen", "")
    if target is None:
        newest, latest = reads.newest_article(db.conn)
        if newest > checked or latest > seen:
            target, target_seen = newest, latest
            with db.atomic():
                reads.save_build_state(
                    db, {"target": str(target), "target_seen": target_seen, "done": None}
                )
    windows = articles = 0
    if target is not None:
        done = state.get("done") if "target" in state else None
        starts: dict[datetime, set[int]] = {}
        for article_id, moment in reads.articles_to_read(
            db.conn, checked=checked, seen=seen, target=target, target_seen=target_seen
        ):
            start = _window_start(datetime.fromisoformat(moment), settings.digest_hour)
            starts.setdefault(start, set()).add(article_id)
        articles = sum(len(ids) for ids in starts.values())
        pending = [s for s in sorted(starts) if done is None or iso(s) > done]
        ordered = [s for s in pending if until is None or s < until]
        if ordered:
            reader.load_known(ordered[0])
        for start in ordered:
            with db.atomic():
                touched = reader.window(Window(start, start + timedelta(days=1)), starts[start])
                for incident_id in touched:
                    incidents.refresh(db, incident_id, rules, now=now)
                reads.save_build_state(db, {"done": iso(start)})
            windows += 1
            reader.forget_before(start - timedelta(days=rules.followup_days + 1))
        if len(ordered) == len(pending):  # every window read: the build is complete
            with db.atomic():
                reads.save_build_state(
                    db,
                    {
                        "checked": str(target),
                        "seen": target_seen,
                        "target": None,
                        "target_seen": None,
                        "done": None,
                    },
                )
    _advance_stages(db, rules, now)
    return BuildReport(windows, articles, reader.opened, reader.joined)


def _advance_stages(db: Database, rules: IncidentSettings, now: datetime) -> None:
    """Time passes: open incidents cool down and close without a new article."""
    ids = stored.open_incidents(db.conn)
    if not ids:
        return
    with db.atomic():
        for incident_id in ids:
            incidents.refresh(db, incident_id, rules, now=now)


def forget_incidents(db: Database, *, force: bool = False) -> None:
    """Forget every incident before building them again (after a change of the keywords or
    the thresholds). The office's actions are lost with them, so this refuses when there are
    any, unless `force`."""
    acted = stored.office_actions(db.conn)
    if acted and not force:
        raise DumonError(
            f"Có {acted} ghi chú, phản hồi hoặc thao tác của văn phòng trên các sự vụ; dựng lại "
            "sẽ mất chúng. Cách sửa: sao lưu (`dumon db backup`) rồi dùng --force nếu vẫn muốn "
            "dựng lại."
        )
    with db.atomic():
        stored.forget_all(db)


def refresh_incidents(
    desk: Desk,
    *,
    now: datetime | None = None,
    rebuild: bool = False,
    force: bool = False,
    until: datetime | None = None,
) -> BuildReport:
    """Bring the desk's incidents up to date (what every command showing incidents does
    first); `rebuild` starts them over (`force`: even when the office acted on some); `until`
    reads only the windows starting before it (see `build_incidents`)."""
    db = store.open_db(desk.db_path)
    try:
        if not rebuild and not reads.stale(db.conn):
            return BuildReport()  # nothing stored since, nothing open: no profile to load
        settings = load_settings(desk.settings_path)
        editorial = load_editorial(desk)
        tier_of: TierOf = tier_map(
            db.conn, configured_sources(desk), overrides=settings.outlet_tiers
        )
        if rebuild:
            forget_incidents(db, force=force)
            until = None  # a rebuild reads every window
        return build_incidents(
            db, settings=settings, editorial=editorial, tier_of=tier_of, now=now, until=until
        )
    finally:
        db.close()


def ensure_current(
    desk: Desk, *, now: datetime | None = None, until: datetime | None = None
) -> None:
    """Bring a desk's incidents up to date when they may be behind (with `until`, as far as
    the windows starting before it); asked on a read-only connection first, so a reading
    command whose incidents are current opens no writer and loads no keyword profile. A desk
    that cannot be written (read-only, full disk) keeps its incidents as stored: reading
    commands still run there."""
    if not desk.db_path.is_file():
        return  # no database yet: the command says so itself
    try:
        conn = connect_read_only(desk.db_path)
        try:
            current = not reads.stale(conn)
        finally:
            conn.close()
    except sqlite3.Error:  # an older schema: the build migrates it
        current = False
    if current:
        return
    try:
        refresh_incidents(desk, now=now, until=until)
    except sqlite3.Error as error:
        if not cannot_write_here(error):
            raise
        # A read-only desk or a full disk: the incidents are read as they were stored.
        log.warning("incidents not brought up to date (%s): the desk cannot be written", error)
