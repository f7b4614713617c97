"""Database upkeep: online backup, vacuum, pruning old articles, path and schema migration.

Vacuum and prune take the desk's scan lock, so they never fight a scan for the database (a
scheduled scan that starts meanwhile exits with status 4 and runs again at its next slot).
A backup needs no lock: SQLite's online backup copies a consistent snapshot while a scan writes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dumon.desk import Desk
from dumon.errors import DeskError, DumonError, StorageError
from dumon.storage import maintenance, migrations, store
from dumon.storage.lock import DeskLock
from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

BACKUP_PATTERN = "dumon-*.db"
PARTIAL_SUFFIX = ".part"
CORRUPT_SUFFIX = ".corrupt"


def _require_db(desk: Desk) -> Path:
    if not desk.db_path.is_file():
        raise DeskError(
            f"Chưa có cơ sở dữ liệu {desk.db_path}. Cách sửa: chạy `dumon scan` một lần để tạo, "
            "hoặc chỉ đúng thư mục làm việc bằng --home / DUMON_HOME."
        )
    return desk.db_path


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    integrity: str
    removed: tuple[Path, ...] = ()


def backup(desk: Desk, target: Path | str, *, keep: int | None = None) -> BackupResult:
    """Copy the database online into `target` (a file, or a folder for a dated copy).

    The copy is written beside the target and renamed into place only once SQLite's
    integrity check passes, so an interrupted backup never leaves a half-written file under
    the target's name, and a copy of a damaged database never replaces a good one: it is
    kept aside as ``….corrupt`` and a StorageError says so, with no old copy removed. In a
    folder, `keep` limits how many dated copies stay (oldest removed first); partial files
    left by killed backups are removed.
    """
    source = _require_db(desk)
    in_folder = str(target).endswith(("/", os.sep)) or Path(target).expanduser().is_dir()
    target = Path(target).expanduser()
    if in_folder:
        target.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(VN_TZ).strftime("%Y%m%d-%H%M%S")
        target = target / f"dumon-{stamp}.db"
    if target.resolve() == source.resolve():
        raise DumonError(
            "Tệp sao lưu trùng với chính cơ sở dữ liệu. Cách sửa: chọn một tên tệp khác, "
            "tốt nhất ở ổ đĩa khác."
        )
    if not target.parent.is_dir():
        raise DumonError(
            f"Không có thư mục {target.parent}. Cách sửa: tạo thư mục đó trước, hoặc chọn chỗ khác."
        )
    _remove_abandoned_parts(target.parent)
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    started = time.monotonic()
    # Held while the copy is made: a later backup knows this partial file is not abandoned.
    claim = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        fcntl.flock(claim, fcntl.LOCK_EX)
        verdict = _copy(source, partial)
        if verdict != "ok":
            aside = target.with_name(target.name + CORRUPT_SUFFIX)
            os.replace(partial, aside)
            raise StorageError(
                f"Bản sao lưu không qua kiểm tra toàn vẹn ({verdict}): cơ sở dữ liệu {source} "
                f"có thể đã hỏng. Bản sao này được để riêng ở {aside}; không bản sao lưu cũ "
                "nào bị xóa. Cách sửa: chạy `dumon doctor`; nếu cơ sở dữ liệu hỏng, chép bản "
                "sao lưu tốt mới nhất đè lên dumon.db khi không có lượt quét nào chạy."
            )
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.close(claim)
    removed: tuple[Path, ...] = ()
    if in_folder and keep:
        copies = sorted(target.parent.glob(BACKUP_PATTERN))
        removed = tuple(copies[:-keep]) if len(copies) > keep else ()
        for old in removed:
            old.unlink()
    return BackupResult(target, target.stat().st_size, time.monotonic() - started, verdict, removed)


def _copy(source: Path, partial: Path) -> str:
    """SQLite's online backup of `source` into `partial`; the copy's integrity verdict."""
    src = maintenance.open_for_upkeep(source)
    try:
        maintenance.copy_online(src, partial)
    except sqlite3.Error as exc:
        raise StorageError(
            f"Sao lưu thất bại ({exc}). Cách sửa: kiểm tra chỗ trống trên ổ đĩa và quyền ghi "
            f"vào {partial.parent}; nếu báo cơ sở dữ liệu hỏng, chạy `dumon doctor`."
        ) from None
    finally:
        src.close()
    try:
        return maintenance.integrity(partial)
    except sqlite3.Error as exc:
        return str(exc)


def _remove_abandoned_parts(folder: Path) -> None:
    """Delete the partial files of backups that were killed (nobody holds their lock)."""
    for leftover in folder.glob(f"*{PARTIAL_SUFFIX}"):
        try:
            fd = os.open(leftover, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a backup running now
        finally:
            os.close(fd)
        log.info("removing the partial file of an interrupted backup: %s", leftover)
        leftover.unlink(missing_ok=True)


@dataclass(frozen=True)
class VacuumResult:
    before: int
    after: int
    seconds: float


def _db_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def vacuum(desk: Desk) -> VacuumResult:
    """Rebuild the database file to give back the space of deleted rows."""
    path = _require_db(desk)
    with DeskLock(desk.lock_path):
        before = _db_size(path)
        started = time.monotonic()
        conn = maintenance.open_for_upkeep(path)
        try:
            maintenance.vacuum(conn)
        except sqlite3.OperationalError as exc:
            raise DumonError(
                f"Không dọn được cơ sở dữ liệu ({exc}). Cách sửa: cần chỗ trống bằng cỡ tệp "
                f"{path.name} trên ổ đĩa; giải phóng chỗ rồi chạy lại."
            ) from None
        finally:
            conn.close()
        return VacuumResult(before, _db_size(path), time.monotonic() - started)


def prune(
    desk: Desk, *, older_than_days: int, include_hits: bool = False, now: datetime | None = None
) -> maintenance.PruneResult:
    """Delete articles (and old scan runs) older than the cutoff, in one transaction.

    Articles the matcher kept (with hits, or marked education/local/alert) stay unless
    `include_hits`: they are the department's record; the rest is unrelated news.
    """
    if older_than_days < 1:
        raise DumonError("Số ngày phải từ 1 trở lên. Cách sửa: ví dụ `--older-than 365`.")
    _require_db(desk)
    cutoff = store.to_iso((now or datetime.now(VN_TZ)) - timedelta(days=older_than_days)) or ""
    with DeskLock(desk.lock_path):
        db = store.open_db(desk.db_path)
        try:
            result = maintenance.prune(db, cutoff, include_hits=include_hits)
        finally:
            db.close()
    log.info(
        "pruned %d articles, %d hits, %d runs before %s",
        result.articles,
        result.hits,
        result.runs,
        cutoff,
    )
    return result


@dataclass(frozen=True)
class SchemaState:
    applied: tuple[str, ...]
    pending: tuple[str, ...]


def schema_state(path: Path) -> SchemaState:
    """What the database's migration table says, without changing anything."""
    db = store.open_db(path, migrate=False)
    try:
        return SchemaState(tuple(migrations.applied(db)), tuple(migrations.pending(db)))
    finally:
        db.close()


def migrate(desk: Desk) -> list[str]:
    """Apply pending migrations now (every open does it too; this makes it explicit)."""
    path = _require_db(desk)
    db = store.open_db(path, migrate=False)
    try:
        return migrations.migrate(db)
    finally:
        db.close()
