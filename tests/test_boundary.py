"""The CLI's error boundary: a crash or a dying machine is one "Lỗi:" line and its own status,
for people at a terminal and for cron (`python -m dumon.runlog`), never silence or a traceback.
"""

from __future__ import annotations

import errno
import sqlite3

import pytest
from typer.testing import CliRunner

import dumon.collecting.scan
from dumon.boundary import storage_error
from dumon.cli import app
from dumon.errors import CRASH_EXIT, StorageError
from dumon.runlog import run_logged
from support.faultserver import write_sources


def crash(*args, **kwargs):
    raise RuntimeError("lỗi lập trình giả định")


@pytest.fixture
def crashing_scan(isolated_home, monkeypatch):
    """A desk whose scan meets a bug (the bug is put in by hand: none is known)."""
    write_sources(isolated_home, [("nguon", "http://127.0.0.1:9/rss")])
    monkeypatch.setattr(dumon.collecting.scan, "run_scan", crash)
    return isolated_home


def test_a_crash_at_the_terminal_is_one_line_naming_the_log(crashing_scan):
    result = CliRunner().invoke(app, ["scan"])
    assert result.exit_code == CRASH_EXIT
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: dumon gặp lỗi không mong đợi")
    log = crashing_scan / "logs" / "dumon.log"
    assert str(log) in lines[0]
    assert "Traceback" in log.read_text() and "lỗi lập trình giả định" in log.read_text()


def test_a_crash_under_cron_is_printed_with_the_log_path(crashing_scan, capsys):
    status = run_logged(["scan"])
    err = capsys.readouterr().err
    assert status == CRASH_EXIT  # not 1, which a scan uses for "some sources failed"
    assert "Lỗi: dumon gặp lỗi không mong đợi" in err
    assert f"Nhật ký: {crashing_scan / 'logs' / 'dumon.log'}" in err
    assert "lỗi lập trình giả định" in (crashing_scan / "logs" / "dumon.log").read_text()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (sqlite3.OperationalError("database or disk is full"), "Ổ đĩa đầy"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "chỉ cho đọc"),
        (sqlite3.DatabaseError("file is not a database"), "bị hỏng"),
        (sqlite3.DatabaseError("database disk image is malformed"), "bị hỏng"),
        (OSError(errno.ENOSPC, "No space left on device", "digests/x.html"), "Ổ đĩa đầy"),
        (OSError(errno.EROFS, "Read-only file system", "logs/dumon.log"), "chỉ cho đọc"),
    ],
)
def test_a_machine_in_trouble_is_told_with_the_fix(error, words, tmp_path):
    told = storage_error(error, tmp_path / "dumon.db")
    assert isinstance(told, StorageError) and told.exit_code == 5
    assert words in told.message and "Cách sửa" in told.message


def test_other_database_errors_are_bugs_not_corruption(tmp_path):
    assert storage_error(sqlite3.OperationalError("near 'x': syntax error"), None) is None
    assert storage_error(ValueError("x"), None) is None
