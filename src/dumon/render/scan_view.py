"""Rendering of scan, import, sources and rematch results for the terminal and for cron mail.

Source names, errors and titles can carry text from the outside world, so everything goes
into rich as ``Text`` (never parsed as markup), cleaned of escape sequences and control
characters (`_text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dumon.models import ScanReport, SourceOutcome
from dumon.render import clean_text

STATUS_VI = {"ok": "có tin", "unchanged": "không đổi", "failed": "lỗi"}


def _text(value: str, style: str = "") -> Text:
    """Text from outside (a source's error quotes a server; titles come from feeds) as inert
    terminal text: no markup, no escape sequences or other control characters."""
    return Text(clean_text(value, one_line=False), style=style)


def scan_json(report: ScanReport) -> str:
    failures = [
        {"source": o.source, "error": clean_text(o.error)}  # JSON leaves C1 controls raw
        for o in report.outcomes
        if o.status == "failed"
    ]
    return json.dumps(
        {
            "run_id": report.run_id,
            "sources_total": report.sources_total,
            "sources_ok": report.count("ok"),
            "sources_unchanged": report.count("unchanged"),
            "sources_failed": report.count("failed"),
            "articles_new": report.articles_new,
            "hits_new": report.hits_new,
            "failures": failures,
        },
        ensure_ascii=False,
    )


@contextmanager
def scan_progress(
    console: Console,
) -> Iterator[tuple[Callable[[int], None], Callable[[SourceOutcome], None]]]:
    """A progress bar on a terminal, no-op callbacks elsewhere (cron mail stays clean).

    Yields (start, advance): the scan calls `start` with the number of sources it will
    really read (switched-off ones are not counted), then `advance` once per source.
    """
    if not console.is_terminal:
        yield (lambda total: None), (lambda outcome: None)
        return
    columns = (
        TextColumn("Đang quét"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def start(total: int) -> None:
            progress.update(task, total=total)

        def advance(outcome: SourceOutcome) -> None:
            progress.update(task, advance=1, description=_text(outcome.source).plain)

        yield start, advance


def print_scan_report(console: Console, report: ScanReport) -> None:
    """The summary table: sources ok / unchanged / failed with reasons, new articles."""
    seconds = (report.finished - report.started).total_seconds()
    console.print(
        _text(
            f"Lượt quét #{report.run_id}: {report.sources_total} nguồn — "
            f"{report.count('ok')} có tin, {report.count('unchanged')} không đổi, "
            f"{report.count('failed')} lỗi; {report.articles_new} bài mới, "
            f"{report.hits_new} kết quả khớp từ khóa ({seconds:.1f} giây)."
        )
    )
    failed = [o for o in report.outcomes if o.status == "failed"]
    if not failed:
        return
    table = Table(title=_text("Nguồn bị lỗi"), show_lines=False, expand=False)
    table.add_column("Nguồn")
    table.add_column("Lý do")
    for outcome in failed:
        table.add_row(_text(outcome.source), _text(outcome.error or ""))
    console.print(table)
    console.print(
        _text(
            "Các nguồn lỗi sẽ được thử lại ở lượt quét sau. Nếu một nguồn lỗi nhiều ngày, "
            "kiểm tra địa chỉ trong sources.yaml hoặc chạy `dumon sources check`."
        )
    )


KIND_VI = {"rss": "RSS", "html": "trang web"}
TIER_VI = {"central": "trung ương", "local": "địa phương", "sector": "ngành", "other": "khác"}


def _short_time(iso: str | None) -> str:
    """'2026-11-28T06:30:00+07:00' → '28/11/26 06:30' (Vietnam time, as stored)."""
    if not iso:
        return "chưa lần nào"
    day, _, clock = iso.partition("T")
    y, m, d = day.split("-")
    return f"{d}/{m}/{y[2:]} {clock[:5]}".strip()


def print_sources(console: Console, rows) -> None:
    """One row per source, in Vietnamese; fits 80 columns (the URL is left to `check`)."""
    from rich import box

    from dumon.collecting.health import STATUS_VI

    # One space between columns and no border: the widest row still fits 80 columns.
    table = Table(
        title=_text("Nguồn tin"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
    )
    longest = max((len(row.name) for row in rows), default=3)
    table.add_column("Tên", overflow="fold", min_width=min(longest, 18))
    table.add_column("Báo", overflow="fold", max_width=10)
    table.add_column("Cấp", no_wrap=True)
    table.add_column("Trạng thái", no_wrap=True)
    table.add_column("Đọc được cuối", no_wrap=True)
    table.add_column("Lỗi", justify="right")
    for row in rows:
        status = "đã tắt" if not row.enabled else STATUS_VI.get(row.health, row.health)
        name = row.name if row.kind == "rss" else f"{row.name} ({KIND_VI.get(row.kind, row.kind)})"
        table.add_row(
            _text(name),
            _text(row.outlet),
            TIER_VI.get(row.tier, row.tier),
            _text(status, style="yellow" if row.health == "new" else ""),
            _short_time(row.last_success),
            str(row.consecutive_failures) if row.consecutive_failures else "",
        )
    console.print(table)
    unread = sum(1 for row in rows if row.health == "new" and row.enabled)
    if unread:
        console.print(
            Text(
                f"{unread} nguồn chưa kiểm chứng (chưa đọc được lần nào).\nThử đọc ngay: "
                "`dumon sources check`."
            )
        )


def print_checks(console: Console, rows) -> None:
    table = Table(title=_text("Kiểm tra nguồn"))
    for column in ("Tên", "Kết quả", "HTTP", "Số bài", "Ghi chú"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            _text(row.name),
            "tốt" if row.ok else "LỖI",
            "" if row.http_status is None else str(row.http_status),
            str(row.items),
            _text(row.detail),
        )
    console.print(table)


def print_import_report(console: Console, report) -> None:
    console.print(
        _text(
            f"Đã đọc {report.lines} dòng: {report.articles_new} bài mới, "
            f"{report.duplicates} bài đã có, "
            f"{len(report.rejected)} dòng bị bỏ qua; {report.hits_new} kết quả khớp từ khóa."
        )
    )
    for number, reason in report.rejected[:20]:
        console.print(_text(f"  dòng {number}: {reason}"))
    for number, reason in report.warnings[:20]:
        console.print(_text(f"  dòng {number} (lưu ý): {reason}"))


def print_rematch_report(console: Console, report) -> None:
    verb = "Đã cập nhật" if report.applied else "Sẽ thay đổi (chạy thử, chưa ghi)"
    console.print(_text(f"{verb}: {report.changed} trên {report.articles} bài."))
    for label in sorted(report.changes):
        change = report.changes[label]
        console.print(_text(f"  {label}: +{change.added} / -{change.removed}"))
        for title in change.examples_added:
            console.print(_text(f"      + {title}"))
        for title in change.examples_removed:
            console.print(_text(f"      - {title}"))
