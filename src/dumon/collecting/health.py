"""Source health: what each source's fetch history says, and switching sources off and on.

After the model of Media Cloud's feed fetcher: every source has one status —

    new        never read successfully: "chưa kiểm chứng", never reported as working
    ok         read, with new articles recently
    unchanged  the server said "not modified" (304) at the last attempt
    failing    failing since a date (timeouts, 5xx, 404…)
    dead       hard failures only (404/410, DNS, unreadable feed) for `DEAD_AFTER_DAYS` or more
    silent     read without error, but no new article for `silent_after_days`
    disabled   switched off: in sources.yaml, by hand (`dumon sources disable`) or automatically

Failures are weighted by kind (``storage.sources.FAILURE_WEIGHTS``): a source is switched off
automatically once it has been failing for ``disable_after_days`` divided by the mean weight of
its failures, so a dead feed (weight 1) goes after 14 days, a merely slow one (weight 0.5) only
after 28. The database row is the truth; this module only reads it and flips ``disabled_at``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dumon.errors import ConfigError
from dumon.models import Source
from dumon.settings import HealthSettings
from dumon.storage import sources as source_table
from dumon.storage.rows import to_iso
from dumon.storage.sources import SourceState
from dumon.vntime import VN_TZ

if TYPE_CHECKING:  # the digest judges sources without loading sqlite-utils or sources.yaml
    from dumon.collecting.config import SourcesConfig
    from dumon.storage.store import Database

log = logging.getLogger(__name__)

DEAD_AFTER_DAYS = 3
HARD_WEIGHT = 0.95  # a mean failure weight at or above this means hard failures only
STATUS_VI = {
    "new": "chưa kiểm chứng",
    "ok": "tốt",
    "unchanged": "không đổi",
    "failing": "đang lỗi",
    "dead": "có lẽ đã ngừng",
    "silent": "im lặng",
    "disabled": "đã tắt",
}
# How `disabled_at` was set, kept in the row's `status` column while the source is off.
AUTO_DISABLED = "disabled_auto"
MANUAL_DISABLED = "disabled"


@dataclass(frozen=True)
class SourceHealth:
    """One source's health; `summary` is the Vietnamese line for the digest annex and doctor."""

    name: str
    outlet: str
    status: str  # one of STATUS_VI
    since: datetime | None  # failing since / silent since / disabled at
    days: int | None  # days in that state, when it has a start
    consecutive_failures: int
    last_error: str | None
    summary: str

    @property
    def healthy(self) -> bool:
        """Read and working. A source never read is not: nobody knows yet that it works."""
        return self.status in ("ok", "unchanged")


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _day(value: datetime | None) -> str:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y") if value else "?"


def _days(since: datetime | None, now: datetime) -> int | None:
    return max(0, (now - since).days) if since else None


def mean_weight(state: SourceState) -> float:
    """The mean weight of the source's current run of failures (1.0 when unknown)."""
    count = state.consecutive_failures or 0
    score = state.failure_score or 0.0
    return score / count if count else 1.0


def assess(
    state: SourceState,
    now: datetime,
    settings: HealthSettings,
    *,
    configured: Source | None = None,
) -> SourceHealth:
    """Classify one source's recorded state (see the module docstring for the statuses)."""
    name = state.name or (configured.name if configured else "?")
    outlet = state.outlet or (configured.outlet if configured else name)
    failures = state.consecutive_failures or 0
    error = state.last_error
    failing_since = _parse(state.failing_since)
    last_new = _parse(state.last_new_article)
    last_success = _parse(state.last_success)

    def make(status: str, since: datetime | None, text: str) -> SourceHealth:
        return SourceHealth(
            name, outlet, status, since, _days(since, now), failures, error, f"{name}: {text}"
        )

    if configured is not None and not configured.enabled:
        return make("disabled", None, "đã tắt trong sources.yaml (enabled: false).")
    disabled_at = _parse(state.disabled_at)
    if disabled_at:
        if state.status == AUTO_DISABLED:
            reason = f"đã tự động tắt ngày {_day(disabled_at)} vì lỗi kéo dài"
            if failing_since:
                reason += f" từ {_day(failing_since)}"
            if error:
                reason += f" ({error})"
        else:
            reason = f"đã tắt bằng tay ngày {_day(disabled_at)}"
        return make(
            "disabled",
            disabled_at,
            f"{reason}. Kiểm tra địa chỉ trong sources.yaml rồi bật lại bằng "
            f"`dumon sources enable {name}`.",
        )
    if failures and failing_since:
        days = _days(failing_since, now) or 0
        detail = f"{failures} lần liên tiếp; lần cuối: {error or 'không rõ lý do'}"
        if mean_weight(state) >= HARD_WEIGHT and days >= DEAD_AFTER_DAYS:
            return make(
                "dead",
                failing_since,
                f"có lẽ đã ngừng hoạt động — lỗi nặng liên tục từ {_day(failing_since)} "
                f"({days} ngày, {detail}). Cách sửa: mở địa chỉ nguồn trong trình duyệt; nếu báo "
                "đã đổi địa chỉ, sửa url trong sources.yaml.",
            )
        return make(
            "failing",
            failing_since,
            f"đang lỗi từ {_day(failing_since)} ({days} ngày, {detail}). dumon sẽ tự thử lại; "
            "chỉ cần xem lại nếu lỗi kéo dài.",
        )
    if last_success is None:
        return make(
            "new",
            None,
            "chưa kiểm chứng — chưa đọc được lần nào. Cách sửa: chạy `dumon sources check` để "
            "thử đọc ngay (hoặc đợi lượt quét tới).",
        )
    if last_new is None:
        if state.items_last == 0:
            return make(
                "silent",
                None,
                "đọc được nhưng không có bài nào. Cách sửa: kiểm tra địa chỉ nguồn "
                "(`dumon sources check`); có thể báo đã chuyển chuyên mục.",
            )
        return make("ok", None, "hoạt động tốt.")
    days = _days(last_new, now) or 0
    if days >= settings.silent_after_days:
        return make(
            "silent",
            last_new,
            f"im lặng {days} ngày — vẫn đọc được nhưng không có bài mới từ {_day(last_new)}. "
            "Cách sửa: kiểm tra địa chỉ nguồn (`dumon sources check`); có thể báo đã đổi "
            "chuyên mục.",
        )
    if state.status == "unchanged":
        return make(
            "unchanged", None, f"không có gì mới ở lần đọc cuối; bài mới gần nhất {_day(last_new)}."
        )
    return make("ok", None, f"hoạt động tốt, bài mới gần nhất ngày {_day(last_new)}.")


def source_health(
    db: Database,
    now: datetime | None = None,
    *,
    settings: HealthSettings | None = None,
    sources: Iterable[Source] | None = None,
) -> list[SourceHealth]:
    """Every source's health, worst first; limited to the configured sources when given."""
    now = now or datetime.now(VN_TZ)
    settings = settings or HealthSettings()
    states = source_table.source_states(db.conn)
    if sources is None:
        result = [assess(state, now, settings) for state in states.values()]
    else:
        result = [
            assess(
                states.get(s.name) or SourceState(s.name, outlet=s.outlet),
                now,
                settings,
                configured=s,
            )
            for s in sources
        ]
    order = {s: i for i, s in enumerate(("dead", "failing", "disabled", "silent"))}
    result.sort(key=lambda h: (order.get(h.status, 9), h.name))
    return result


def active_sources(db: Database, sources: Iterable[Source]) -> tuple[Source, ...]:
    """The sources not switched off in the database (scan calls this after `config.select`)."""
    off = source_table.disabled_sources(db.conn)
    return tuple(s for s in sources if s.name not in off)


def due_for_disabling(state: SourceState, now: datetime, settings: HealthSettings) -> bool:
    """Whether a failing source has failed long enough, weighted by kind, to be switched off."""
    since = _parse(state.failing_since)
    if state.disabled_at or not since or not state.consecutive_failures:
        return False
    weighted_days = (now - since).total_seconds() / 86400 * mean_weight(state)
    return weighted_days >= settings.disable_after_days


def disable_failing(
    db: Database, *, now: datetime | None = None, settings: HealthSettings | None = None
) -> list[str]:
    """Switch off the sources that have failed too long; return their names (called by scan)."""
    now = now or datetime.now(VN_TZ)
    settings = settings or HealthSettings()
    names = [
        state.name
        for state in source_table.source_states(db.conn).values()
        if due_for_disabling(state, now, settings)
    ]
    if names:
        source_table.disable_sources(db, names, at=to_iso(now) or "", status=AUTO_DISABLED)
        log.warning("sources disabled after failing too long: %s", ", ".join(names))
    return names


def set_enabled(db: Database, config: SourcesConfig, name: str, enabled: bool) -> None:
    """Switch a configured source on (with a fresh failure record and no stored validators,
    so its next fetch is a whole one) or off, by hand."""
    configured = {s.name: s for s in config.sources}
    if name not in configured:
        raise ConfigError(
            config.path,
            None,
            f"không có nguồn tên '{name}'",
            "xem danh sách bằng `dumon sources list` và dùng đúng tên ở cột đầu",
        )
    source_table.sync_sources(db, [configured[name]])
    if enabled:
        source_table.enable_source(db, name)
    else:
        now = to_iso(datetime.now(VN_TZ)) or ""
        source_table.disable_sources(db, [name], at=now, status=MANUAL_DISABLED)
