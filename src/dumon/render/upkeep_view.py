"""Rendering of doctor findings, source health and upkeep results for the terminal and cron.

Messages can quote source names, URLs and server errors, so everything goes into rich as
``Text`` (never parsed as markup), cleaned of escape sequences and control characters
(`_text`).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from dumon.collecting.health import SourceHealth
from dumon.render import clean_text
from dumon.storage.maintenance import PruneResult
from dumon.upkeep.database import BackupResult, VacuumResult
from dumon.upkeep.doctor import DoctorReport

MARKS = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "error": ("✗", "red")}


def _text(value: str, style: str = "") -> Text:
    """Text from outside (a source's error quotes a server; titles come from feeds) as inert
    terminal text: no markup, no escape sequences or other control characters."""
    return Text(clean_text(value, one_line=False), style=style)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def print_doctor(console: Console, report: DoctorReport) -> None:
    """One line per check; a `Cách sửa` line under each problem; a verdict at the end."""
    for finding in report.findings:
        mark, style = MARKS[finding.level]
        line = _text(f"{mark} ", style=style)
        line.append(_text(f"{finding.topic}: {finding.message}"))
        console.print(line)
        if finding.fix and finding.level != "ok":
            console.print(_text(f"    Cách sửa: {finding.fix}"))
    errors, warnings = report.count("error"), report.count("warn")
    if errors:
        verdict = f"{errors} lỗi cần sửa ngay, {warnings} điều cần xem."
    elif warnings:
        verdict = f"dumon vẫn chạy được; {warnings} điều cần xem."
    else:
        verdict = "mọi thứ đều ổn."
    console.print(_text(f"Kết luận: {verdict}"))


def print_health(console: Console, rows: list[SourceHealth]) -> None:
    for row in rows:
        console.print(_text(row.summary))


def print_backup(console: Console, result: BackupResult) -> None:
    console.print(
        _text(
            f"Đã sao lưu vào {result.path} ({_mb(result.size)}, {result.seconds:.1f} giây; "
            f"kiểm tra toàn vẹn: {result.integrity})."
        )
    )
    for old in result.removed:
        console.print(_text(f"  Đã xóa bản cũ {old.name}"))


def print_vacuum(console: Console, result: VacuumResult) -> None:
    console.print(
        _text(
            f"Đã dọn cơ sở dữ liệu: {_mb(result.before)} → {_mb(result.after)} "
            f"({result.seconds:.1f} giây)."
        )
    )


def print_prune(console: Console, result: PruneResult, *, include_hits: bool) -> None:
    console.print(
        _text(
            f"Đã xóa {result.articles} bài cũ hơn {result.cutoff[:10]} "
            f"({result.hits} kết quả khớp, {result.runs} lượt quét cũ)."
        )
    )
    if not include_hits and result.kept_with_hits:
        console.print(
            _text(
                f"Giữ lại {result.kept_with_hits} bài cũ có liên quan (khớp từ khóa); "
                "thêm --include-hits để xóa cả chúng."
            )
        )
    if result.articles:
        console.print(_text("Chạy `dumon db vacuum` để trả lại chỗ trống trên ổ đĩa."))


def print_lines(console: Console, lines: list[str]) -> None:
    """Verbatim text (crontab lines, unit files): no wrapping, no markup."""
    for line in lines:
        console.print(_text(line), soft_wrap=True)
