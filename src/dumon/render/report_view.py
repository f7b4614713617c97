"""Rendering of coverage reports in the terminal (rich tables, text bars, a monthly line) and
as JSON. Names of units, outlets and titles are outside text: always ``Text``, never markup.
Tables fit 80 columns: bars shrink with the console, long names wrap.
"""

from __future__ import annotations

import io
import json

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from dumon.matching.registry import KIND_LABELS
from dumon.output.incident_briefs import PeriodIncident, UnitResponses
from dumon.output.incidents import RESPONSES
from dumon.output.report_records import Count, CoverageReport, OutletCount, UnitCount
from dumon.render import clean_text, safe_url

TIER_VI = {
    "central": "Trung ương",
    "local": "Địa phương",
    "sector": "Ngành giáo dục",
    "other": "Khác",
}
BAR_WIDTH = 30
SPARK = "▁▂▃▄▅▆▇█"
TOP_ROWS = 15
OTHER_KIND = "Đơn vị khác (không có trong danh mục)"


def month_label(month: str) -> str:
    """'2025-09' → '09/2025'."""
    year, _, number = month.partition("-")
    return f"{number}/{year}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "0%"


def report_json(report: CoverageReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def heading(report: CoverageReport) -> str:
    title = f"Báo cáo thông tin báo chí về giáo dục — {report.period.label}"
    if report.unit:
        title += f" — {', '.join(report.units_matched)}"
    return title


def totals_line(report: CoverageReport) -> str:
    """The headline figures: education articles, local and alert shares."""
    line = f"{report.articles} tin giáo dục"
    if report.all_articles:
        line += f" (trong {report.all_articles} bài đã đọc)"
    return (
        f"{line}; {report.local} tin về địa phương ({percent(report.local, report.articles)}); "
        f"{report.alerts} tin cần lưu ý ({percent(report.alerts, report.articles)})."
    )


def notes(report: CoverageReport) -> list[str]:
    """What the reader must know to read the figures right."""
    lines = []
    if report.missing_months:
        lines.append(
            "Chưa có dữ liệu (không quét, không có bài) các tháng: "
            + ", ".join(month_label(m) for m in report.missing_months)
            + ". Các tháng này để trống, không tính là 0."
        )
    if report.also_units:
        lines.append(
            "Tên đơn vị gõ vào cũng khớp: "
            + "; ".join(report.also_units)
            + ". Gõ tên đầy đủ hơn để chọn đơn vị khác."
        )
    return lines


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, OTHER_KIND)


def _bar(value: int, top: int, width: int = BAR_WIDTH) -> str:
    if not top or not value or width <= 0:
        return ""
    eighths = round(8 * width * value / top)
    full, rest = divmod(max(eighths, 1), 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def _bar_width(console: Console, used: int) -> int:
    """Room left for bars on this console after the other columns (none below 6)."""
    room = min(BAR_WIDTH, console.width - used)
    return room if room >= 6 else 0


def _table(title: str) -> Table:
    return Table(title=Text(title, style="bold"), title_justify="left", expand=False)


def _count_table(console: Console, title: str, rows: tuple[Count, ...], head: str, total: int):
    width = _bar_width(console, 62)
    table = _table(title)
    table.add_column(Text(head), overflow="fold", max_width=34)
    table.add_column(Text("Số tin"), justify="right")
    table.add_column(Text("Tỉ lệ"), justify="right")
    table.add_column(Text("Lưu ý"), justify="right")
    if width:
        table.add_column(Text(""), no_wrap=True)
    top = max((c.articles for c in rows), default=0)
    for count in rows[:TOP_ROWS]:
        cells = [
            Text(clean_text(count.shown)),
            Text(str(count.articles)),
            Text(percent(count.articles, total)),
            Text(str(count.alerts) if count.alerts else "", style="red"),
        ]
        if width:
            cells.append(Text(_bar(count.articles, top, width), style="green"))
        table.add_row(*cells)
    if len(rows) > TOP_ROWS:
        table.caption = Text(f"… và {len(rows) - TOP_ROWS} mục khác")
    return table


def _unit_table(console: Console, rows: tuple[UnitCount, ...]):
    """Every unit, grouped by kind (the Sở first), with 0 where nothing was written."""
    width = _bar_width(console, 58)
    table = _table("Theo đơn vị")
    table.add_column(Text("Đơn vị"), overflow="fold", max_width=40)
    table.add_column(Text("Số tin"), justify="right")
    table.add_column(Text("Lưu ý"), justify="right")
    if width:
        table.add_column(Text(""), no_wrap=True)
    top = max((c.articles for c in rows), default=0)
    kind = None
    for count in rows:
        if count.kind != kind:
            kind = count.kind
            table.add_row(Text(kind_label(kind), style="bold"), *[Text("")] * (2 + bool(width)))
        cells = [
            Text("  " + clean_text(count.shown), style="" if count.articles else "dim"),
            Text(str(count.articles), style="" if count.articles else "dim"),
            Text(str(count.alerts) if count.alerts else "", style="red"),
        ]
        if width:
            cells.append(Text(_bar(count.articles, top, width), style="green"))
        table.add_row(*cells)
    return table


def _outlet_table(rows: tuple[OutletCount, ...]):
    """Each outlet's education output and the share of it about the department's area."""
    table = _table("Theo cơ quan báo chí (tin giáo dục)")
    table.add_column(Text("Báo"), overflow="fold", max_width=26)
    table.add_column(Text("Cấp"), overflow="fold", max_width=12)
    table.add_column(Text("Tin GD"), justify="right")
    table.add_column(Text("Địa phương"), justify="right")
    table.add_column(Text("Lưu ý"), justify="right")
    table.add_column(Text("Tin GD/tổng"), justify="right")
    for count in rows[:TOP_ROWS]:
        table.add_row(
            Text(clean_text(count.shown)),
            Text(TIER_VI.get(count.tier, count.tier)),
            Text(str(count.articles)),
            Text(f"{count.local} ({percent(count.local, count.articles)})"),
            Text(str(count.alerts) if count.alerts else "", style="red"),
            Text(percent(count.articles, count.output)),
        )
    if len(rows) > TOP_ROWS:
        table.caption = Text(f"… và {len(rows) - TOP_ROWS} báo khác")
    return table


def month_line(report: CoverageReport) -> Group:
    """A sparkline of education articles per month (alerts below); a month without data is
    '?', not an empty bar. Six columns a month: twelve months fit 80 columns."""
    top = max((c.articles for c in report.by_month), default=0)
    line = Text("Số tin  ")
    numbers = Text("        ")
    alerts = Text("Lưu ý   ")
    labels = Text("Tháng   ")
    for count in report.by_month:
        if count.missing:
            line.append("  ?   ", style="dim")
            numbers.append("  -   ", style="dim")
        else:
            char = SPARK[min(7, round(7 * count.articles / top))] if top and count.articles else " "
            line.append(f" {char * 3}  ", style="cyan")
            numbers.append(f"{count.articles:^5} "[:6])
        alerts.append(f"{count.alerts:^5} " if count.alerts else "  ·   ", style="red")
        labels.append(f"{count.name[5:7]}/{count.name[2:4]} ", style="dim")
    return Group(Text("Theo tháng", style="bold"), line, numbers, alerts, labels)


def report_text(report: CoverageReport) -> str:
    """The report as plain text, 80 columns wide (a file, a pipe)."""
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=80, color_system=None, highlight=False), report)
    return buffer.getvalue()


def print_report(console: Console, report: CoverageReport) -> None:
    console.print(Text(heading(report), style="bold"))
    for line in notes(report):
        console.print(Text(clean_text(line), style="yellow"))
    if not report.articles:
        console.print(Text("Không có tin giáo dục nào trong khoảng thời gian này."))
        if report.by_unit and not report.unit:
            console.print()
            console.print(_unit_table(console, report.by_unit))
        return
    console.print(Text(totals_line(report)))
    console.print()
    total = report.articles
    console.print(_unit_table(console, report.by_unit))
    console.print(_count_table(console, "Theo chủ đề", report.by_theme, "Chủ đề", total))
    console.print(_outlet_table(report.by_outlet))
    tiers = tuple(Count(TIER_VI.get(c.name, c.name), c.articles, c.alerts) for c in report.by_tier)
    console.print(_count_table(console, "Theo cấp báo", tiers, "Cấp", total))
    console.print()
    console.print(month_line(report))
    if report.top_stories:
        console.print()
        table = _table("Tin nổi bật")
        table.add_column(Text("Tin"), overflow="fold")
        table.add_column(Text("Đăng đầu"), overflow="fold", max_width=16)
        table.add_column(Text("Số báo"), justify="right")
        table.add_column(Text("Số bài"), justify="right")
        for story in report.top_stories:
            cell = Text(clean_text(story.title))
            url = safe_url(story.url)
            if url:
                cell.append(f"\n{url}", style="blue")
            table.add_row(
                cell,
                Text(clean_text(story.outlet)),
                Text(str(len(story.outlets))),
                Text(str(story.articles)),
            )
        console.print(table)
    print_incidents(console, report)


SEVERITY = {3: "khẩn", 2: "cao", 1: "theo dõi", 0: "—"}


def stage_path(item: PeriodIncident) -> str:
    """'mới 10/11 → lan rộng 11/11 → hạ nhiệt 14/11'."""
    return " → ".join(f"{stage} {at:%d/%m}" for at, stage in item.history)


def response_text(item: PeriodIncident) -> str:
    if item.response is None or item.response_hours is None:
        return "chưa có"
    kind = RESPONSES.get(item.response.response, item.response.response)
    return f"{kind} sau {item.response_hours:g} giờ"


def unit_response_text(row: UnitResponses) -> str:
    median = f"trung vị {row.median_hours:g} giờ" if row.median_hours is not None else "—"
    return f"{row.answered}/{row.incidents} có phản hồi; {median}"


def print_incidents(console: Console, report: CoverageReport) -> None:
    """The period's incidents with their stage history, and the response times per unit."""
    if not report.incidents:
        return
    console.print()
    table = _table("Sự vụ trong kỳ")
    table.add_column(Text("Sự vụ"), overflow="fold")
    table.add_column(Text("Diễn biến"), overflow="fold")
    table.add_column(Text("Phản hồi"), overflow="fold", max_width=18)
    for item in report.incidents:
        cell = Text(f"#{item.id} ", style="bold")
        cell.append(clean_text(item.title))
        where = "tỉnh, " if item.local else ""
        cell.append(
            f"\n({where}{SEVERITY.get(item.severity, item.severity)}, {item.articles} bài, "
            f"{item.outlets} báo)",
            style="dim",
        )
        table.add_row(cell, Text(stage_path(item)), Text(response_text(item)))
    console.print(table)
    table = _table("Thời gian phản hồi theo đơn vị")
    table.add_column(Text("Đơn vị"), overflow="fold")
    table.add_column(Text("Sự vụ"), justify="right")
    table.add_column(Text("Phản hồi"), overflow="fold")
    table.add_column(Text("Lan rộng, chưa phản hồi"), justify="right")
    for row in report.unit_responses:
        table.add_row(
            Text(clean_text(row.unit)),
            Text(str(row.incidents)),
            Text(unit_response_text(row)),
            Text(str(row.unanswered_spreading)),
        )
    console.print(table)
