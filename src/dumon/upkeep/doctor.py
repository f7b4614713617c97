"""`dumon doctor`: check a desk end to end and say what to do about each problem.

Checks, in order: sources.yaml, settings.yaml, keywords/, the database (integrity, schema
version), disk space, the scan lock, the last scan, the last digest, the schedule, and each
source's health. Nothing is changed. Exit status: 0 nothing to do, 1 warnings (dumon works but
something needs a look), 2 errors (dumon cannot work until they are fixed).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta

from dumon.collecting import health
from dumon.collecting.config import SourcesConfig, load_sources
from dumon.desk import Desk
from dumon.errors import DumonError
from dumon.settings import HealthSettings, load_settings
from dumon.storage import maintenance, store
from dumon.storage.lock import lock_holder
from dumon.storage.sqlitefile import has_table
from dumon.upkeep import cron, database
from dumon.vntime import VN_TZ

DISK_ERROR_BYTES = 100_000_000
DISK_WARN_BYTES = 1_000_000_000
SCAN_STALE = timedelta(hours=26)
DIGEST_STALE = timedelta(hours=50)
LEVELS = ("ok", "warn", "error")


@dataclass(frozen=True)
class Finding:
    """One check's result; `fix` says what to do when it is not ok."""

    level: str  # ok, warn, error
    topic: str
    message: str
    fix: str | None = None


@dataclass(frozen=True)
class DoctorReport:
    findings: tuple[Finding, ...]

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)

    @property
    def exit_code(self) -> int:
        """0 nothing to do, 1 warnings only, 2 at least one error."""
        if self.count("error"):
            return 2
        return 1 if self.count("warn") else 0


def _ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, (now - moment).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)} phút trước"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} giờ trước"
    return f"{int(seconds // 86400)} ngày trước"


def _when(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def diagnose(desk: Desk, *, now: datetime | None = None, check_cron: bool = True) -> DoctorReport:
    """Run every check on the desk."""
    now = now or datetime.now(VN_TZ)
    out: list[Finding] = []
    config = _check_config(desk, out)
    health_settings = _check_settings(desk, out)
    _check_keywords(desk, out)
    db_ok = _check_database(desk, out)
    _check_disk(desk, out)
    _check_lock_and_runs(desk, out, now, db_ok, config)
    _check_digests(desk, out, now)
    if check_cron:
        _check_cron(desk, out)
    if db_ok and config is not None:
        _check_sources(desk, out, now, config, health_settings)
    return DoctorReport(tuple(out))


def _check_config(desk: Desk, out: list[Finding]) -> SourcesConfig | None:
    try:
        config = load_sources(desk.sources_path)
    except DumonError as error:
        out.append(Finding("error", "Danh sách nguồn", error.message))
        return None
    enabled = sum(1 for s in config.sources if s.enabled)
    out.append(
        Finding("ok", "Danh sách nguồn", f"{desk.sources_path.name}: {enabled} nguồn đang bật.")
    )
    return config


def _check_settings(desk: Desk, out: list[Finding]) -> HealthSettings:
    try:
        settings = load_settings(desk.settings_path)
    except DumonError as error:
        out.append(Finding("error", "Cài đặt", error.message))
        return HealthSettings()
    if settings.path is None:
        out.append(Finding("ok", "Cài đặt", "không có settings.yaml; dùng các giá trị mặc định."))
    else:
        out.append(Finding("ok", "Cài đặt", f"{desk.settings_path.name} hợp lệ."))
    return settings.health


def _check_keywords(desk: Desk, out: list[Finding]) -> None:
    if not desk.keywords_dir.is_dir():
        out.append(
            Finding(
                "warn",
                "Từ khóa",
                f"không có thư mục {desk.keywords_dir}: bài báo được lưu nhưng không lọc.",
                "chép bộ từ khóa mặc định bằng `dumon init --force` vào thư mục mới, "
                "hoặc tạo keywords/ theo keywords/README.md.",
            )
        )
        return
    from dumon.matching.keywords import load_keywords

    try:
        load_keywords(desk.keywords_dir)
    except DumonError as error:
        out.append(Finding("error", "Từ khóa", error.message))
        return
    out.append(Finding("ok", "Từ khóa", "thư mục keywords/ hợp lệ."))


def _check_database(desk: Desk, out: list[Finding]) -> bool:
    topic = "Cơ sở dữ liệu"
    if not desk.db_path.is_file():
        out.append(
            Finding(
                "warn",
                topic,
                f"chưa có {desk.db_path.name}: chưa quét lần nào.",
                "chạy `dumon scan`.",
            )
        )
        return False
    try:
        verdict = maintenance.integrity(desk.db_path)
        schema = database.schema_state(desk.db_path)
    except Exception as exc:  # a file that is not a database at all lands here
        verdict, schema = f"không mở được ({exc})", None
    if verdict != "ok":
        out.append(
            Finding(
                "error",
                topic,
                f"{desk.db_path.name} bị hỏng: {verdict}.",
                "chép bản sao lưu mới nhất (thư mục backups/) đè lên dumon.db khi không có lượt "
                "quét nào chạy, rồi chạy `dumon scan` để lấy lại bài mới.",
            )
        )
        return False
    size = desk.db_path.stat().st_size / 1_000_000
    out.append(Finding("ok", topic, f"toàn vẹn (integrity_check ok), {size:.1f} MB."))
    if schema is not None and schema.pending:
        out.append(
            Finding(
                "warn",
                "Cấu trúc dữ liệu",
                f"có {len(schema.pending)} bước nâng cấp chưa áp dụng "
                f"({', '.join(schema.pending)}).",
                "chạy `dumon db migrate` (lượt quét kế tiếp cũng tự làm).",
            )
        )
    elif schema is not None:
        out.append(Finding("ok", "Cấu trúc dữ liệu", "đã ở phiên bản mới nhất."))
    return True


def _check_disk(desk: Desk, out: list[Finding]) -> None:
    free = shutil.disk_usage(desk.root).free
    text = f"còn trống {free / 1_000_000_000:.1f} GB."
    fix = "xóa bớt bản sao lưu cũ trong backups/, hoặc chạy `dumon db prune --older-than 365`."
    if free < DISK_ERROR_BYTES:
        out.append(Finding("error", "Ổ đĩa", f"gần đầy: {text}", fix))
    elif free < DISK_WARN_BYTES:
        out.append(Finding("warn", "Ổ đĩa", f"sắp đầy: {text}", fix))
    else:
        out.append(Finding("ok", "Ổ đĩa", text))


def _check_lock_and_runs(
    desk: Desk, out: list[Finding], now: datetime, db_ok: bool, config: SourcesConfig | None
) -> None:
    holder = lock_holder(desk.lock_path)
    last = None
    if db_ok:
        db = store.open_db(desk.db_path, migrate=False)
        try:
            last = maintenance.last_run(db.conn)
        finally:
            db.close()
    if holder is not None:
        started = store.from_iso(last.started) if last and last.status == "running" else None
        deadline = config.policy.scan_deadline if config else 600.0
        if started and (now - started).total_seconds() > 2 * deadline + 300:
            out.append(
                Finding(
                    "warn",
                    "Khóa quét",
                    f"lượt quét của tiến trình {holder} chạy từ {_when(started)}, quá lâu so với "
                    f"thời hạn {deadline:g} giây.",
                    f"dừng tiến trình đó (`kill {holder}`); lượt sau sẽ tiếp tục phần còn thiếu.",
                )
            )
        else:
            out.append(Finding("ok", "Khóa quét", f"đang có lượt quét chạy (tiến trình {holder})."))
    else:
        out.append(Finding("ok", "Khóa quét", "không có lượt quét nào đang chạy."))
    if last is None:
        if db_ok:
            out.append(Finding("warn", "Lần quét cuối", "chưa quét lần nào.", "chạy `dumon scan`."))
        return
    started = store.from_iso(last.started)
    status = last.status
    if status == "interrupted" or (status == "running" and holder is None):
        out.append(
            Finding(
                "warn",
                "Lần quét cuối",
                f"lượt quét lúc {_when(started) if started else '?'} bị ngắt giữa chừng "
                "(máy tắt hoặc bị dừng).",
                "không cần làm gì: lượt quét sau tự lấy nốt phần còn thiếu.",
            )
        )
    elif started and now - started > SCAN_STALE:
        out.append(
            Finding(
                "warn",
                "Lần quét cuối",
                f"lúc {_when(started)} ({_ago(started, now)}).",
                "kiểm tra lịch chạy tự động (`dumon cron`) và log trong logs/dumon.log.",
            )
        )
    elif started:
        out.append(Finding("ok", "Lần quét cuối", f"lúc {_when(started)} ({_ago(started, now)})."))


def _check_digests(desk: Desk, out: list[Finding], now: datetime) -> None:
    files = (
        [p for p in desk.digests_dir.glob("*") if p.is_file()] if desk.digests_dir.is_dir() else []
    )
    if not files:
        out.append(
            Finding(
                "warn",
                "Điểm tin",
                "chưa có bản điểm tin nào trong digests/.",
                "chạy `dumon digest`, và cài lịch tự động bằng `dumon cron --install`.",
            )
        )
        return
    newest = max(p.stat().st_mtime for p in files)
    moment = datetime.fromtimestamp(newest, VN_TZ)
    if now.timestamp() - newest > DIGEST_STALE.total_seconds():
        out.append(
            Finding(
                "warn",
                "Điểm tin",
                f"bản mới nhất lúc {_when(moment)} ({_ago(moment, now)}).",
                "kiểm tra lịch chạy tự động (`dumon cron`) và log trong logs/dumon.log.",
            )
        )
    else:
        out.append(
            Finding("ok", "Điểm tin", f"bản mới nhất lúc {_when(moment)} ({_ago(moment, now)}).")
        )


def _check_cron(desk: Desk, out: list[Finding]) -> None:
    state = cron.installed(desk.root)
    if state is None:
        out.append(
            Finding(
                "warn",
                "Lịch tự động",
                "không đọc được crontab (máy chưa có cron?).",
                "cài cron (`sudo apt-get install cron`) rồi chạy `dumon cron --install`, hoặc "
                "dùng systemd timer (`dumon cron --systemd`).",
            )
        )
    elif state:
        out.append(Finding("ok", "Lịch tự động", "đã cài trong crontab."))
    else:
        out.append(
            Finding(
                "warn",
                "Lịch tự động",
                "chưa cài lịch cho thư mục này.",
                "chạy `dumon cron --install` (hoặc dùng systemd timer: `dumon cron --systemd`).",
            )
        )


def _check_sources(
    desk: Desk,
    out: list[Finding],
    now: datetime,
    config: SourcesConfig,
    settings: HealthSettings,
) -> None:
    db = store.open_db(desk.db_path, migrate=False)
    try:
        if not has_table(db.conn, "sources"):
            return
        states = health.source_health(db, now, settings=settings, sources=config.sources)
    finally:
        db.close()
    bad = [
        h
        for h in states
        if not h.healthy and h.status != "new" and not (h.status == "disabled" and h.since is None)
    ]
    out.extend(Finding("warn", "Nguồn tin", item.summary) for item in bad)
    unread = [h.name for h in states if h.status == "new"]
    if unread:  # one line for all: a new desk has every source unread
        out.append(
            Finding(
                "warn",
                "Nguồn tin",
                f"{len(unread)} nguồn chưa kiểm chứng (chưa đọc được lần nào): "
                f"{', '.join(unread)}. Cách sửa: chạy `dumon sources check` hoặc `dumon scan`.",
            )
        )
    good = sum(1 for h in states if h.healthy)
    out.append(Finding("ok", "Nguồn tin", f"{good}/{len(states)} nguồn hoạt động bình thường."))
