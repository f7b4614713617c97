"""The schedule of a desk: crontab lines, installing and removing them, systemd timer units.

Jobs: several scans a day (the first half an hour before the digest, so the digest reads fresh
news), the morning digest, and a weekly upkeep (backup, then vacuum). Times are Vietnam time,
converted to the machine's clock (cron runs in the system time zone, often UTC on servers).
Every job runs through ``python -m dumon.runlog``, which appends to the desk's rotating log.

The installed lines sit between two marker comments naming the desk, so installing again
replaces them (idempotent), removing takes out exactly them, and several desks can coexist.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dumon.desk import ENV_HOME
from dumon.errors import DumonError, QueryError

VN_OFFSET_MINUTES = 7 * 60
DAY = 24 * 60
SCAN_LEAD_MINUTES = 30
UPKEEP_TIME = (3, 15)  # Sunday, Vietnam time: nobody reads the news then
BACKUPS_KEPT = 8


@dataclass(frozen=True)
class Job:
    """One scheduled command; `minutes` are minutes after midnight, Vietnam time."""

    name: str
    minutes: tuple[int, ...]
    args: tuple[str, ...]
    weekday: int | None = None  # cron's day of week (0 = Sunday); None = every day


def parse_time(text: str) -> int:
    """'06:30' → minutes after midnight."""
    hour, sep, minute = text.strip().partition(":")
    if sep and hour.isdigit() and minute.isdigit() and len(minute) == 2:
        h, m = int(hour), int(minute)
        if 0 <= h < 24 and 0 <= m < 60:
            return h * 60 + m
    raise QueryError(f"Giờ '{text}' không hợp lệ. Cách sửa: ghi dạng HH:MM, ví dụ 06:30.")


def plan(*, scans_per_day: int, digest_minutes: int, send: bool) -> list[Job]:
    """The jobs of one desk."""
    if not 1 <= scans_per_day <= 48:
        raise QueryError(
            f"Số lượt quét mỗi ngày {scans_per_day} không hợp lệ. Cách sửa: chọn từ 1 đến 48 "
            "(4 là vừa: mỗi 6 giờ một lượt)."
        )
    first = (digest_minutes - SCAN_LEAD_MINUTES) % DAY
    step = DAY / scans_per_day
    scans = tuple(sorted({(first + round(i * step)) % DAY for i in range(scans_per_day)}))
    digest = ("digest", "--send") if send else ("digest", "--format", "html")
    upkeep_at = UPKEEP_TIME[0] * 60 + UPKEEP_TIME[1]
    return [
        Job("scan", scans, ("scan",)),
        Job("digest", (digest_minutes,), digest),
        Job("backup", (upkeep_at,), ("db", "backup", "backups/", "--keep", str(BACKUPS_KEPT)), 0),
        Job("vacuum", ((upkeep_at + 20) % DAY,), ("db", "vacuum"), 0),
    ]


def local_offset_minutes() -> int:
    """The machine's UTC offset now, in minutes (what cron's clock runs on)."""
    return time.localtime().tm_gmtoff // 60


def _to_local(minutes: int, weekday: int | None, offset: int) -> tuple[int, int | None]:
    shifted = minutes - VN_OFFSET_MINUTES + offset
    day_shift, local = divmod(shifted, DAY)
    return local, None if weekday is None else (weekday + day_shift) % 7


def _cron_escape(text: str) -> str:
    return text.replace("%", "\\%")  # a bare % ends the command in crontab


def command(root: Path, args: tuple[str, ...], python: str) -> str:
    """The shell command of a job: absolute paths, the desk in DUMON_HOME."""
    desk = shlex.quote(str(root))
    argv = " ".join(shlex.quote(a) for a in args)
    return f"cd {desk} && {ENV_HOME}={desk} {shlex.quote(python)} -m dumon.runlog {argv}"


def marker(root: Path) -> tuple[str, str]:
    return f"# >>> dumon {root} >>>", f"# <<< dumon {root} <<<"


def cron_lines(
    root: Path, jobs: list[Job], *, python: str | None = None, offset: int | None = None
) -> list[str]:
    """The crontab block of a desk, between its two marker comments."""
    python = python or sys.executable
    offset = local_offset_minutes() if offset is None else offset
    begin, end = marker(root)
    sign = "+" if offset >= 0 else "-"
    lines = [
        begin,
        f"# Lịch của dumon (giờ Việt Nam đã đổi sang giờ máy, UTC{sign}{abs(offset) // 60:02d}:"
        f"{abs(offset) % 60:02d}). Sửa bằng `dumon cron --install`, gỡ bằng `dumon cron --remove`.",
    ]
    for job in jobs:
        by_minute: dict[tuple[int, int | None], list[int]] = {}
        for minutes in job.minutes:
            local, weekday = _to_local(minutes, job.weekday, offset)
            by_minute.setdefault((local % 60, weekday), []).append(local // 60)
        for (minute, weekday), hours in sorted(by_minute.items()):
            hours_field = ",".join(str(h) for h in sorted(hours))
            day_field = "*" if weekday is None else str(weekday)
            lines.append(
                f"{minute} {hours_field} * * {day_field} "
                + _cron_escape(command(root, job.args, python))
            )
    lines.append(end)
    return lines


def _crontab() -> str:
    found = shutil.which("crontab")
    if found is None:
        raise DumonError(
            "Máy này chưa có lệnh crontab. Cách sửa: cài cron (Debian/Ubuntu: "
            "`sudo apt-get install cron`), hoặc dùng systemd timer: `dumon cron --systemd`."
        )
    return found


def read_crontab() -> str:
    """The user's crontab; empty when they have none yet."""
    done = subprocess.run([_crontab(), "-l"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        if "no crontab" in done.stderr.lower():
            return ""
        raise DumonError(
            f"Không đọc được lịch crontab ({done.stderr.strip() or done.returncode}). Cách sửa: "
            "chạy `crontab -l` để xem lỗi; có thể tài khoản này không được phép dùng cron."
        )
    return done.stdout


def _write_crontab(text: str) -> None:
    done = subprocess.run(
        [_crontab(), "-"], input=text, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DumonError(
            f"Không ghi được lịch crontab ({done.stderr.strip() or done.returncode}). Cách sửa: "
            "kiểm tra quyền dùng cron của tài khoản này (tệp /etc/cron.allow)."
        )


def without_block(table: str, root: Path) -> tuple[str, bool]:
    """The crontab text without this desk's block; and whether there was one."""
    begin, end = marker(root)
    out: list[str] = []
    inside = found = False
    for line in table.splitlines():
        if line.strip() == begin:
            inside = found = True
        elif inside and line.strip() == end:
            inside = False
        elif not inside:
            out.append(line)
    return ("\n".join(out) + "\n" if out else ""), found


def install(root: Path, lines: list[str]) -> bool:
    """Put the desk's block into the user's crontab; True when it replaced an older block."""
    rest, replaced = without_block(read_crontab(), root)
    if rest and not rest.endswith("\n"):
        rest += "\n"
    _write_crontab(rest + "\n".join(lines) + "\n")
    return replaced


def remove(root: Path) -> bool:
    """Take the desk's block out of the user's crontab; False when there was none."""
    rest, found = without_block(read_crontab(), root)
    if found:
        _write_crontab(rest)
    return found


def installed(root: Path) -> bool | None:
    """Whether the desk's block is in the crontab; None when crontab is unavailable."""
    try:
        return without_block(read_crontab(), root)[1]
    except DumonError:
        return None


def systemd_units(root: Path, jobs: list[Job], *, python: str | None = None) -> dict[str, str]:
    """User-level systemd service and timer units equivalent to the crontab block."""
    python = python or sys.executable
    units: dict[str, str] = {}
    days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    for job in jobs:
        argv = " ".join(shlex.quote(a) for a in job.args)
        units[f"dumon-{job.name}.service"] = (
            "[Unit]\n"
            f"Description=dumon {job.name} ({root})\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"WorkingDirectory={root}\n"
            f"Environment={ENV_HOME}={root}\n"
            f"ExecStart={python} -m dumon.runlog {argv}\n"
        )
        calendars = "".join(
            f"OnCalendar={'' if job.weekday is None else days[job.weekday] + ' '}*-*-* "
            f"{m // 60:02d}:{m % 60:02d}:00 Asia/Ho_Chi_Minh\n"
            for m in job.minutes
        )
        units[f"dumon-{job.name}.timer"] = (
            "[Unit]\n"
            f"Description=dumon {job.name} theo lịch\n\n"
            "[Timer]\n"
            f"{calendars}"
            "Persistent=true\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )
    return units
