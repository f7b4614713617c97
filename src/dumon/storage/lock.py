"""One scan per desk at a time.

An advisory ``flock`` on ``scan.lock``: the kernel releases it when the holder dies, so a lock
left by a killed scan is taken over by the next one without any stale-PID guessing.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from dumon.errors import LockedError


class DeskLock:
    """Context manager holding the desk's scan lock; raises LockedError when it is taken."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> DeskLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise LockedError(
                f"Một lượt quét khác đang chạy trên thư mục này (tiến trình {holder}). "
                "Cách sửa: chờ lượt đó xong rồi chạy lại; không cần làm gì nếu đây là lịch tự động."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def lock_holder(path: Path) -> int | None:
    """The PID holding the lock, or None when nobody does (for `dumon doctor`)."""
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)  # a lock is taken as well on a read-only file
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 64, 0).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
