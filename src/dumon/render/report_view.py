"""Rendering of coverage reports in the terminal (rich tables, text bars, a monthly line) and
as JSON. Names of units, outlets and titles are outside text: always ``Text``, never markup.
"""

from __future__ import annotations

import json

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from dumon.render import clean_text, safe_url
from dumon.report import Count, CoverageReport

TIER_VI = {
    "central": "Trung ương",
    "local": "Địa phương",
    "sector": "Ngành giáo dục",
    "other": "Khác",
}
BAR_WIDTH = 30
SPARK = "▁▂▃▄▅▆▇█"
TOP_ROWS = 15


def month_label(month: str) -> str:
    """'2025-09' → '09/2025'."""
    year, _, number = month.partition("-")
    return f"{number}/{year}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "0%"


def report_json(report: CoverageReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def heading(report: CoverageReport) -> str:
    title = f"Báo cáo thông tin báo chí — {report.period.label}"
    if report.unit:
        title += f" — {', '.join(report.units_matched)}"
    return title


def _bar(value: int, top: int, width: int = BAR_WIDTH) -> str:
    if not top or not value:
        return ""
    eighths = round(8 * width * value / top)
    full, rest = divmod(max(eighths, 1), 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def _count_table(title: str, rows: tuple[Count, ...], head: str, total: int, *, bars: bool):
    table = Table(title=Text(title, style="bold"), title_justify="left", expand=False)
    table.add_column(Text(head))
    table.add_column(Text("Số bài"), justify="right")
    table.add_column(Text("Tỉ lệ"), justify="right")
    table.add_column(Text("Cần lưu ý"), justify="right")
    if bars:
        table.add_column(Text(""), no_wrap=True)
    top = max((c.articles for c in rows), default=0)
    for count in rows[:TOP_ROWS]:
        cells = [
            Text(clean_text(count.shown)),
            Text(str(count.articles)),
            Text(percent(count.articles, total)),
            Text(str(count.alerts) if count.alerts else "", style="red"),
        ]
        if bars:
            cells.append(Text(_bar(count.articles, top), style="green"))
        table.add_row(*cells)
    if len(rows) > TOP_ROWS:
        table.caption = Text(f"… và {len(rows) - TOP_ROWS} mục khác")
    return table


def month_line(report: CoverageReport) -> Group:
    """A sparkline of articles per month (and alerts below), labelled by month."""
    values = [c.articles for c in report.by_month]
    top = max(values, default=0)
    line = Text("Số bài  ")
    for value in values:
        char = SPARK[min(7, round(7 * value / top))] if top and value else " "
        line.append(f" {char * 3} ", style="cyan")
    alerts = Text("Lưu ý   ")
    for count in report.by_month:
        alerts.append(f"{count.alerts:^5}" if count.alerts else "  ·  ", style="red")
    numbers = Text("        ")
    for value in values:
        numbers.append(f"{value:^5}"[:5])
    labels = Text("Tháng   ")
    for count in report.by_month:
        labels.append(f"{count.name[5:7]}/{count.name[2:4]}", style="dim")
    return Group(Text("Theo tháng", style="bold"), line, numbers, alerts, labels)


def print_report(console: Console, report: CoverageReport) -> None:
    console.print(Text(heading(report), style="bold"))
    if not report.articles:
        console.print(Text("Không có bài nào trong khoảng thời gian này."))
        return
    console.print(
        Text(
            f"{report.articles} bài; {report.local} bài về địa phương; {report.alerts} bài cần "
            f"lưu ý ({percent(report.alerts, report.articles)})."
        )
    )
    console.print()
    total = report.articles
    console.print(_count_table("Theo đơn vị", report.by_unit, "Đơn vị", total, bars=True))
    console.print(_count_table("Theo chủ đề", report.by_theme, "Chủ đề", total, bars=True))
    console.print(_count_table("Theo cơ quan báo chí", report.by_outlet, "Báo", total, bars=True))
    tiers = tuple(Count(TIER_VI.get(c.name, c.name), c.articles, c.alerts) for c in report.by_tier)
    console.print(_count_table("Theo cấp báo", tiers, "Cấp", total, bars=False))
    console.print()
    console.print(month_line(report))
    if report.top_stories:
        console.print()
        table = Table(title=Text("Tin nổi bật", style="bold"), title_justify="left")
        table.add_column(Text("Tin"))
        table.add_column(Text("Đăng đầu"))
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
