"""The exception tree. Each class says what the user is told; the CLI turns them into
"Lỗi: …" plus an exit code, nowhere else.

DumonError            base; ``message`` is Vietnamese and actionable, ``exit_code`` the status
├── ConfigError       a file of the desk is wrong: names the file, the line and the fix (exit 2)
├── DeskError         the desk folder is missing or unusable (exit 2)
├── LockedError       another scan of the same desk is running (exit 4)
├── QueryError        a search query or a date/window option cannot be understood (exit 2)
├── MailError         the digest could not be sent (exit 1)
└── StorageError      the database or the desk's disk cannot be used: corrupt, full, read-only,
                      or a backup that failed its check (exit 5)

Anything else that escapes a command is a bug: the CLI prints one "Lỗi: …" line naming the
log file that holds the details, and exits with CRASH_EXIT.
"""

from __future__ import annotations

from pathlib import Path


class DumonError(Exception):
    """Base of every error dumon reports to the user."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(DumonError):
    """A config file (sources.yaml, keywords/*.yaml, settings) is invalid."""

    exit_code = 2

    def __init__(self, path: Path | str, line: int | None, problem: str, fix: str):
        where = f"{path}, dòng {line}" if line else f"{path}"
        super().__init__(f"{where}: {problem}. Cách sửa: {fix}")
        self.path = Path(path)
        self.line = line
        self.problem = problem
        self.fix = fix


class DeskError(DumonError):
    """The desk folder is missing or unusable."""

    exit_code = 2


class LockedError(DumonError):
    """Another scan of this desk holds the lock."""

    exit_code = 4


class QueryError(DumonError):
    """A query or option value cannot be understood."""

    exit_code = 2


class MailError(DumonError):
    """Sending the digest by mail failed."""

    exit_code = 1


class StorageError(DumonError):
    """The database or the disk under the desk cannot be used as needed."""

    exit_code = 5


CRASH_EXIT = 70
"""Exit status of an unexpected error (sysexits' EX_SOFTWARE): distinct from every status a
command reports on purpose, so cron and scripts can tell a crash from "some sources failed"."""
