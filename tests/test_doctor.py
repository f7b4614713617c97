"""`dumon doctor` on real desks: healthy, new, broken in the ways a year of running breaks them."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta

from typer.testing import CliRunner

from dumon.cli import app
from dumon.collecting.scan import run_scan
from dumon.desk import BUNDLED_ROOT, Desk
from dumon.storage import store
from dumon.storage.lock import DeskLock
from dumon.vntime import VN_TZ
from support.faultserver import FaultServer, write_sources


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def working_desk(desk, faults: FaultServer) -> None:
    """A desk as it looks on a good morning: scanned, digest written, schedule installed."""
    shutil.copytree(BUNDLED_ROOT / "keywords", desk / "keywords")
    write_sources(desk, [("tot", faults.url("/feed/1")), ("tot-2", faults.url("/feed/2"))])
    run_scan(Desk(desk))
    (desk / "digests").mkdir(exist_ok=True)
    (desk / "digests" / "diem-tin.txt").write_text("Điểm tin", encoding="utf-8")
    assert invoke("cron", "--install").exit_code == 0


def test_a_working_desk_is_all_good(crontab, faults, isolated_home):
    working_desk(isolated_home, faults)
    result = invoke("doctor")
    assert result.exit_code == 0, result.output
    assert "Kết luận: mọi thứ đều ổn." in result.output
    assert "integrity_check ok" in result.output and "2/2 nguồn" in result.output


def test_a_new_desk_says_what_to_do_next(crontab, isolated_home):
    assert invoke("init", str(isolated_home), "--force").exit_code == 0
    result = invoke("doctor")
    assert result.exit_code == 1, result.output
    assert "chưa có dumon.db" in result.output and "Cách sửa: chạy `dumon scan`" in result.output
    assert "chưa cài lịch" in result.output and "dumon cron --install" in result.output
    assert "chưa có bản điểm tin" in result.output


def test_a_corrupted_database_is_an_error_with_the_way_back(crontab, faults, isolated_home):
    working_desk(isolated_home, faults)
    path = isolated_home / "dumon.db"
    with sqlite3.connect(path) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        page = conn.execute("pragma page_size").fetchone()[0]
    with path.open("r+b") as handle:  # scribble over a page in the middle, as a bad disk would
        handle.seek(page * 3)
        handle.write(b"\x13" * page)
    result = invoke("doctor")
    assert result.exit_code == 2, result.output
    assert "bị hỏng" in result.output and "bản sao lưu" in result.output


def test_config_errors_name_the_file_and_line(crontab, faults, isolated_home):
    working_desk(isolated_home, faults)
    (isolated_home / "sources.yaml").write_text("sources:\n  - name: x\n    nhầm: 1\n")
    result = invoke("doctor")
    assert result.exit_code == 2
    assert "sources.yaml, dòng 3" in result.output and "khóa không hợp lệ 'nhầm'" in result.output


def test_stale_runs_pending_schema_lock_and_failing_sources(crontab, faults, isolated_home):
    working_desk(isolated_home, faults)
    write_sources(isolated_home, [("tot", faults.url("/feed/1")), ("mat", faults.url("/gone"))])
    run_scan(Desk(isolated_home))
    three_days_ago = store.to_iso(datetime.now(VN_TZ) - timedelta(days=3))
    with sqlite3.connect(isolated_home / "dumon.db") as conn:
        conn.execute("update runs set started = ?", [three_days_ago])
        conn.execute("update sources set failing_since = ? where name = 'mat'", [three_days_ago])
        conn.execute(
            "update sources set consecutive_failures = 12, failure_score = 12 where name = 'mat'"
        )
        conn.execute("delete from _dumon_migrations")  # as if written by an older dumon
    with DeskLock(Desk(isolated_home).lock_path):
        result = invoke("doctor")
    assert result.exit_code == 1, result.output
    assert "Lần quét cuối: lúc" in result.output and "(3 ngày trước)" in result.output
    assert "kiểm tra lịch chạy tự động" in result.output
    assert "dumon db migrate" in result.output
    assert "đang có lượt quét chạy (tiến trình" in result.output
    assert "mat: có lẽ đã ngừng hoạt động" in result.output
