"""The error boundary of every entry point (the ``dumon`` command line, the batch matcher
``dumon-match``, scheduled runs): what escapes a command becomes one "Lỗi: …" line and a status.

It lives outside ``cli/`` so that the batch matcher, which starts without Typer, shares it.

`DumonError`s say what they mean. A database or disk that cannot be used (SQLite's and the
operating system's errors) becomes a `StorageError` naming the file and the fix. Anything
else is a bug: its traceback goes to the desk's log (``logs/dumon.log``, or a file in the
temporary folder when the desk cannot be written) and the user reads one line naming that
file, with the status ``CRASH_EXIT``.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from dumon.errors import CRASH_EXIT, DumonError, StorageError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
# What SQLite says of a file that is damaged, not a database, or lost part of its schema.
_DAMAGED = ("malformed", "not a database", "corrupt", "no such table", "no such column")
_RESTORE = (
    "chạy `dumon doctor`; nếu cơ sở dữ liệu hỏng, chép bản sao lưu mới nhất (thư mục backups/) "
    "đè lên dumon.db khi không có lượt quét nào chạy, rồi chạy `dumon scan`"
)


def storage_error(exc: BaseException, db_path: Path | None) -> StorageError | None:
    """The user's message for a database or disk that cannot be used; None for anything else."""
    db = str(db_path) if db_path else "dumon.db"
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        low = text.lower()
        if "full" in low:
            return _full(db)
        if "readonly" in low or "read-only" in low:
            return _read_only(db)
        if "unable to open" in low:
            return StorageError(
                f"Không mở được cơ sở dữ liệu {db} ({text}). Cách sửa: kiểm tra quyền đọc/ghi "
                "thư mục làm việc và chỗ trống trên ổ đĩa."
            )
        if "locked" in low or "busy" in low:
            return StorageError(
                f"Cơ sở dữ liệu {db} đang bận quá lâu ({text}). Cách sửa: chờ tiến trình dumon "
                "khác (quét, nhập, sao lưu) xong rồi chạy lại."
            )
        if "i/o" in low:
            return StorageError(
                f"Lỗi đọc/ghi ổ đĩa với {db} ({text}). Cách sửa: kiểm tra ổ đĩa (đầy hay hỏng), "
                f"rồi {_RESTORE}."
            )
        if any(word in low for word in _DAMAGED):
            return StorageError(
                f"Cơ sở dữ liệu {db} bị hỏng hoặc không đọc được ({text}). Cách sửa: {_RESTORE}."
            )
        return None  # any other SQLite error is dumon's own mistake: a crash, logged
    if isinstance(exc, OSError) and exc.errno is not None and exc.filename is not None:
        name = str(exc.filename)
        if exc.errno in _FULL:
            return _full(name)
        if exc.errno in _READ_ONLY:
            return _read_only(name)
        return StorageError(
            f"Không đọc/ghi được tệp {name} ({exc.strerror}). Cách sửa: kiểm tra ổ đĩa và quyền "
            "của thư mục làm việc."
        )
    return None


def _full(where: str) -> StorageError:
    return StorageError(
        f"Ổ đĩa đầy: không ghi được {where}. Cách sửa: giải phóng chỗ trống (xóa bớt bản sao "
        "lưu cũ trong backups/, hoặc `dumon db prune --older-than 365` rồi `dumon db vacuum`), "
        "rồi chạy lại; những gì đã lưu trước đó vẫn còn nguyên."
    )


def _read_only(where: str) -> StorageError:
    return StorageError(
        f"Không ghi được {where}: thư mục làm việc chỉ cho đọc. Cách sửa: cấp quyền ghi thư mục "
        "cho người dùng chạy dumon (các lệnh chỉ đọc như search, report, digest vẫn chạy được)."
    )


def crash_error(exc: BaseException, home: Path | None, command: str) -> DumonError:
    """Keep the traceback of an unexpected error in a log file; the one line that names it."""
    where = _write_crash(exc, home, command)
    error = DumonError(
        f"dumon gặp lỗi không mong đợi ({type(exc).__name__}: {str(exc)[:200]}). Chi tiết đã ghi "
        f"vào {where}. Cách sửa: chạy `dumon doctor`; nếu lỗi lặp lại, gửi tệp đó cho người "
        "quản trị."
    )
    error.exit_code = CRASH_EXIT
    return error


def _write_crash(exc: BaseException, home: Path | None, command: str) -> str:
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    details = "".join(traceback.format_exception(exc))
    block = f"{stamp} CRASH dumon {command}\n{details}\n"
    if home is not None:
        log = home / "logs" / "dumon.log"
        try:
            log.parent.mkdir(exist_ok=True)
            with log.open("a", encoding="utf-8") as handle:
                handle.write(block)
            return str(log)
        except OSError:
            pass  # a full or read-only desk: the temporary folder, else stderr
    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="dumon-crash-", suffix=".log", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(block)
            return handle.name
    except OSError:
        sys.stderr.write(block)
        return "stderr"


def to_user_error(exc: BaseException, home: Path | None, command: str) -> DumonError:
    """What the user is told of an exception that left a command."""
    if isinstance(exc, DumonError):
        return exc
    db_path = home / "dumon.db" if home else None
    return storage_error(exc, db_path) or crash_error(exc, home, command)
