"""`dumon cron`: the printed schedule, install/remove against a crontab program, the log.

The crontab program (fixture `crontab`) is a tiny shell script put first on PATH that keeps the
table in a file: a real process boundary, like the real `crontab -l` / `crontab -`.
"""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from dumon.cli import app
from dumon.upkeep import cron
from support.faultserver import write_sources


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def job_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_schedule_is_in_vietnam_time_converted_to_the_machine_clock(isolated_home):
    jobs = cron.plan(scans_per_day=4, digest_minutes=6 * 60 + 30, send=False)
    on_utc = job_lines("\n".join(cron.cron_lines(isolated_home, jobs, python="/py", offset=0)))
    # 06:30 in Vietnam is 23:30 UTC; the first scan half an hour before, then every 6 hours.
    assert on_utc[0].startswith("0 5,11,17,23 * * * ")
    assert on_utc[1].startswith("30 23 * * * ")
    # Sunday 03:15 in Vietnam is Saturday 20:15 UTC.
    assert on_utc[2].startswith("15 20 * * 6 ")
    on_vn = job_lines("\n".join(cron.cron_lines(isolated_home, jobs, python="/py", offset=420)))
    assert on_vn[0].startswith("0 0,6,12,18 * * * ")
    assert on_vn[1].startswith("30 6 * * * ")
    assert on_vn[2].startswith("15 3 * * 0 ")


def test_printed_lines_use_absolute_paths_and_the_desk(isolated_home):
    result = invoke("cron", "--scans-per-day", "3", "--digest-time", "06:30")
    assert result.exit_code == 0, result.output
    lines = job_lines(result.output)
    assert len(lines) == 4
    for line in lines:
        assert f"DUMON_HOME={isolated_home}" in line
        assert f"{sys.executable} -m dumon.runlog" in line
    assert lines[0].endswith("-m dumon.runlog scan")
    assert "digest" in lines[1] and "db backup backups/ --keep 8" in lines[2]
    assert lines[3].endswith("db vacuum")


def test_bad_digest_time_and_scan_count_are_refused(isolated_home):
    result = invoke("cron", "--digest-time", "25:00")
    assert result.exit_code == 2 and "HH:MM" in result.output
    result = invoke("cron", "--scans-per-day", "0")
    assert result.exit_code == 2 and "từ 1 đến 48" in result.output


def test_install_is_idempotent_and_keeps_other_lines(crontab, isolated_home):
    crontab.write_text("MAILTO=vanphong@example.vn\n0 1 * * * /usr/bin/backup-office\n")
    first = invoke("cron", "--install")
    assert first.exit_code == 0 and "Đã cài" in first.output
    once = crontab.read_text()
    second = invoke("cron", "--install", "--scans-per-day", "2")
    assert second.exit_code == 0 and "Đã cập nhật" in second.output
    table = crontab.read_text()
    assert table.count(f"# >>> dumon {isolated_home} >>>") == 1
    assert "0 1 * * * /usr/bin/backup-office" in table and "MAILTO=" in table
    assert table != once  # the new scan count replaced the old block
    assert len([ln for ln in job_lines(table) if ln.endswith(" scan")]) == 1

    removed = invoke("cron", "--remove")
    assert removed.exit_code == 0 and "Đã gỡ" in removed.output
    assert crontab.read_text() == "MAILTO=vanphong@example.vn\n0 1 * * * /usr/bin/backup-office\n"
    again = invoke("cron", "--remove")
    assert again.exit_code == 0 and "không cần gỡ" in again.output


def test_two_desks_keep_their_own_blocks(crontab, tmp_path):
    other = tmp_path / "other-desk"
    other.mkdir()
    (other / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    assert invoke("cron", "--install").exit_code == 0
    assert invoke("--home", str(other), "cron", "--install").exit_code == 0
    assert invoke("--home", str(other), "cron", "--remove").exit_code == 0
    table = crontab.read_text()
    assert f"DUMON_HOME={other}" not in table and "DUMON_HOME=" in table


def test_missing_crontab_program_says_how_to_fix(tmp_path, monkeypatch, isolated_home):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = invoke("cron", "--install")
    assert result.exit_code == 1
    assert "chưa có lệnh crontab" in result.output and "apt-get install cron" in result.output


def test_systemd_units_are_the_same_schedule(isolated_home):
    result = invoke("cron", "--systemd", "--digest-time", "06:30")
    assert result.exit_code == 0, result.output
    assert "OnCalendar=*-*-* 06:30:00 Asia/Ho_Chi_Minh" in result.output
    assert "OnCalendar=*-*-* 06:00:00 Asia/Ho_Chi_Minh" in result.output  # first scan
    assert "OnCalendar=Sun *-*-* 03:15:00 Asia/Ho_Chi_Minh" in result.output
    assert f"Environment=DUMON_HOME={isolated_home}" in result.output
    assert "systemctl --user enable --now" in result.output


def test_installed_scan_line_runs_and_appends_to_the_rotating_log(crontab, faults, isolated_home):
    write_sources(isolated_home, [("tot", faults.url("/feed/1"))])
    assert invoke("cron", "--install").exit_code == 0
    scan_line = next(ln for ln in job_lines(crontab.read_text()) if ln.endswith(" scan"))
    command = scan_line.split(" ", 5)[5]  # drop the five time fields, as cron does
    env = {k: v for k, v in os.environ.items() if k != "DUMON_HOME"}  # the line sets it
    done = subprocess.run(
        ["sh", "-c", command], cwd="/", env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""  # nothing for cron to mail
    log = (isolated_home / "logs" / "dumon.log").read_text(encoding="utf-8")
    assert "start: dumon scan" in log and "status 0" in log
    assert "3 bài mới" in log  # the scan's own summary went to the log


def test_a_failing_scheduled_run_speaks_on_stderr(isolated_home):
    (isolated_home / "sources.yaml").write_text("sources: [oops\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dumon.runlog", "scan"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "Lỗi:" in done.stderr and "sources.yaml" in done.stderr
    assert "status 2" in (isolated_home / "logs" / "dumon.log").read_text(encoding="utf-8")
