"""The coverage report as one self-contained HTML file: tables and inline SVG charts (bars by
unit, a line by month), with no external resource, printable on A4. It names the department,
the period and the day it was made. All outside text is escaped.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from dumon.output.report_records import Count, CoverageReport, MonthCount, OutletCount, UnitCount
from dumon.render import clean_text, safe_url
from dumon.render.report_view import (
    TIER_VI,
    heading,
    kind_label,
    month_label,
    notes,
    percent,
    response_text,
    stage_path,
    totals_line,
    unit_response_text,
)
from dumon.vntime import VN_TZ

CSS = """
body{font-family:"Times New Roman",Georgia,serif;max-width:960px;margin:24px auto;color:#111;
padding:0 16px;line-height:1.4}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}.alert{color:#b00020}
tr.kind td{font-weight:bold;background:#eee}tr.zero td{color:#777}td.missing{color:#777}
.meta{margin:0 0 4px 0}.note{color:#8a5a00}
svg{max-width:100%;height:auto}svg text{font-family:Arial,sans-serif;font-size:12px}
@page{size:A4;margin:20mm 15mm 20mm 25mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:12pt}
h2{page-break-after:avoid}tr,svg{page-break-inside:avoid}a{color:inherit;text-decoration:none}}
"""
BARS = 15


def _e(text: object) -> str:
    return escape(clean_text(str(text)), quote=True)


def bar_chart_svg(rows: tuple[Count, ...], *, label: str) -> str:
    """Horizontal bars, one per row (names escaped), with the count at the end."""
    rows = rows[:BARS]
    top = max((c.articles for c in rows), default=0) or 1
    height, name_w, bar_w = 24, 330, 520
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(label)}" '
        f'viewBox="0 0 {name_w + bar_w + 70} {height * len(rows) + 10}" '
        f'width="{name_w + bar_w + 70}" height="{height * len(rows) + 10}">'
    ]
    for i, count in enumerate(rows):
        y = 5 + i * height
        width = max(1, round(bar_w * count.articles / top))
        name = clean_text(count.shown)
        short = name if len(name) <= 48 else name[:47] + "…"
        parts.append(
            f'<text x="{name_w - 6}" y="{y + 16}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{name_w}" y="{y + 3}" width="{width}" height="{height - 8}" '
            f'fill="#2e7d32"><title>{escape(name)}: {count.articles}</title></rect>'
            f'<text x="{name_w + width + 6}" y="{y + 16}">{count.articles}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(months: tuple[Count, ...]) -> str:
    """Articles per month as a line (alerts as a second, red line), months labelled."""
    width, height, left, bottom, top_pad = 880, 260, 50, 40, 20
    n = max(len(months), 1)
    top = max((c.articles for c in months), default=0) or 1
    step = (width - left - 20) / max(n - 1, 1)

    def point(i: int, value: int) -> tuple[float, float]:
        x = left + i * step
        y = height - bottom - (height - bottom - top_pad) * value / top
        return round(x, 1), round(y, 1)

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-label="Số tin giáo dục theo tháng" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#555"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for series, colour in (("articles", "#1565c0"), ("alerts", "#b00020")):
        # A month without data breaks the line: it is unknown, not zero.
        runs: list[list[str]] = [[]]
        for i, c in enumerate(months):
            if getattr(c, "missing", False):
                runs.append([])
                continue
            x, y = point(i, getattr(c, series))
            runs[-1].append(f"{x},{y}")
        for run in runs:
            if run:
                parts.append(
                    f'<polyline class="{series}" points="{" ".join(run)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
    for i, count in enumerate(months):
        x, y = point(i, count.articles)
        if getattr(count, "missing", False):
            tip = f"{month_label(count.name)}: chưa có dữ liệu"
            parts.append(
                f'<text x="{x}" y="{height - bottom - 6}" text-anchor="middle" fill="#777">?'
                f"<title>{tip}</title></text>"
            )
        else:
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="#1565c0"><title>'
                f"{month_label(count.name)}: {count.articles} tin, {count.alerts} cần lưu ý"
                "</title></circle>"
            )
        parts.append(
            f'<text x="{x}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{month_label(count.name)}</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" fill="#1565c0">— số tin</text>'
        f'<text x="{left + 90}" y="{height - 4}" fill="#b00020">— cần lưu ý</text></svg>'
    )
    return "".join(parts)


def _table(rows: tuple[Count, ...], head: str, total: int) -> str:
    out = [
        f"<table><thead><tr><th>{_e(head)}</th><th>Số tin</th><th>Tỉ lệ</th>"
        "<th>Cần lưu ý</th></tr></thead><tbody>"
    ]
    for count in rows:
        out.append(
            f"<tr><td>{_e(count.shown)}</td><td class='n'>{count.articles}</td>"
            f"<td class='n'>{percent(count.articles, total)}</td>"
            f"<td class='n alert'>{count.alerts or ''}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _unit_table(rows: tuple[UnitCount, ...]) -> str:
    """Every unit grouped by kind (the Sở first); 0 where nothing was written."""
    out = [
        "<table id='units'><thead><tr><th>Đơn vị</th><th>Số tin</th><th>Về địa phương</th>"
        "<th>Cần lưu ý</th></tr></thead><tbody>"
    ]
    kind = None
    for count in rows:
        if count.kind != kind:
            kind = count.kind
            out.append(f"<tr class='kind'><td colspan='4'>{_e(kind_label(kind))}</td></tr>")
        zero = "" if count.articles else " class='zero'"
        out.append(
            f"<tr{zero}><td>{_e(count.shown)}</td><td class='n'>{count.articles}</td>"
            f"<td class='n'>{count.local}</td><td class='n alert'>{count.alerts or ''}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _outlet_table(rows: tuple[OutletCount, ...]) -> str:
    out = [
        "<table id='outlets'><thead><tr><th>Báo</th><th>Cấp</th><th>Tin giáo dục</th>"
        "<th>Về địa phương</th><th>Cần lưu ý</th><th>Tin giáo dục / tổng số bài</th></tr>"
        "</thead><tbody>"
    ]
    for c in rows:
        out.append(
            f"<tr><td>{_e(c.shown)}</td><td>{_e(TIER_VI.get(c.tier, c.tier))}</td>"
            f"<td class='n'>{c.articles}</td>"
            f"<td class='n'>{c.local} ({percent(c.local, c.articles)})</td>"
            f"<td class='n alert'>{c.alerts or ''}</td>"
            f"<td class='n'>{percent(c.articles, c.output)}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _month_table(rows: tuple[MonthCount, ...], total: int) -> str:
    out = [
        "<table id='months'><thead><tr><th>Tháng</th><th>Số tin</th><th>Tỉ lệ</th>"
        "<th>Cần lưu ý</th></tr></thead><tbody>"
    ]
    for c in rows:
        if c.missing:
            out.append(
                f"<tr><td>{month_label(c.name)}</td><td class='missing' colspan='3'>"
                "chưa có dữ liệu</td></tr>"
            )
            continue
        out.append(
            f"<tr><td>{month_label(c.name)}</td><td class='n'>{c.articles}</td>"
            f"<td class='n'>{percent(c.articles, total)}</td>"
            f"<td class='n alert'>{c.alerts or ''}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def report_html(
    report: CoverageReport, *, department: str = "", made: datetime | None = None
) -> str:
    """The report as an HTML page: the department, the period and the day it was made on
    top, then the figures."""
    made = made or datetime.now(VN_TZ)
    total = report.articles
    title = heading(report)
    body = []
    if department:
        body.append(
            f"<p class='meta' id='department'><strong>{_e(department.upper())}</strong></p>"
        )
    body.append(f"<h1>{_e(title)}</h1>")
    body.append(
        f"<p class='meta' id='period'>Kỳ báo cáo: {_e(report.period.label)}. "
        f"Lập ngày {made.day:02d}/{made.month:02d}/{made.year}.</p>"
    )
    for line in notes(report):
        body.append(f"<p class='note'>{_e(line)}</p>")
    if not total:
        body.append("<p>Không có tin giáo dục nào trong khoảng thời gian này.</p>")
        if report.by_unit and not report.unit:
            body.append("<h2>Theo đơn vị</h2>" + _unit_table(report.by_unit))
    else:
        body.append(f"<p id='totals'>{_e(totals_line(report))}</p>")
        body.append("<h2>Theo đơn vị</h2>")
        written = tuple(c for c in report.by_unit if c.articles)
        if written:
            body.append(bar_chart_svg(written, label="Số tin theo đơn vị"))
        body.append(_unit_table(report.by_unit))
        body.append("<h2>Theo tháng</h2>" + line_chart_svg(report.by_month))
        body.append(_month_table(report.by_month, total))
        body.append("<h2>Theo chủ đề</h2>" + _table(report.by_theme, "Chủ đề", total))
        body.append("<h2>Theo cơ quan báo chí</h2>" + _outlet_table(report.by_outlet))
        tiers = tuple(
            Count(TIER_VI.get(c.name, c.name), c.articles, c.alerts) for c in report.by_tier
        )
        body.append("<h2>Theo cấp báo</h2>" + _table(tiers, "Cấp", total))
        if report.top_stories:
            body.append(
                "<h2>Tin nổi bật</h2><table><thead><tr><th>Tin</th><th>Đăng đầu</th>"
                "<th>Số báo</th><th>Số bài</th></tr></thead><tbody>"
            )
            for story in report.top_stories:
                url = safe_url(story.url)
                title_html = (
                    f"<a href='{escape(url, quote=True)}'>{_e(story.title)}</a>"
                    if url
                    else _e(story.title)
                )
                body.append(
                    f"<tr><td>{title_html}</td><td>{_e(story.outlet)}</td>"
                    f"<td class='n'>{len(story.outlets)}</td>"
                    f"<td class='n'>{story.articles}</td></tr>"
                )
            body.append("</tbody></table>")
        body += _incidents(report)
    return (
        "<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )


def _incidents(report: CoverageReport) -> list[str]:
    """The period's incidents (stage history, response) and the response times per unit."""
    if not report.incidents:
        return []
    out = [
        "<h2>Sự vụ trong kỳ</h2><table><thead><tr><th>Sự vụ</th><th>Diễn biến</th>"
        "<th>Phản hồi</th></tr></thead><tbody>"
    ]
    for item in report.incidents:
        where = "tỉnh, " if item.local else ""
        out.append(
            f"<tr><td>#{item.id} {_e(item.title)} ({where}{item.articles} bài, "
            f"{item.outlets} báo)</td><td>{_e(stage_path(item))}</td>"
            f"<td>{_e(response_text(item))}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(
        "<h2>Thời gian phản hồi theo đơn vị</h2><table><thead><tr><th>Đơn vị</th>"
        "<th>Sự vụ</th><th>Phản hồi</th><th>Lan rộng, chưa phản hồi</th></tr></thead><tbody>"
    )
    for row in report.unit_responses:
        out.append(
            f"<tr><td>{_e(row.unit)}</td><td class='n'>{row.incidents}</td>"
            f"<td>{_e(unit_response_text(row))}</td>"
            f"<td class='n'>{row.unanswered_spreading}</td></tr>"
        )
    out.append("</tbody></table>")
    return out
