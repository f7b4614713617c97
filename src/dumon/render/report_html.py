"""The coverage report as one self-contained HTML file: tables and inline SVG charts (bars by
unit, a line by month), printable, with no external resource. All outside text is escaped.
"""

from __future__ import annotations

from html import escape

from dumon.render import clean_text, safe_url
from dumon.render.report_view import TIER_VI, heading, month_label, percent
from dumon.report import Count, CoverageReport

CSS = """
body{font-family:"Times New Roman",Georgia,serif;max-width:960px;margin:24px auto;color:#111;
padding:0 16px;line-height:1.4}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}.alert{color:#b00020}
svg{max-width:100%;height:auto}svg text{font-family:Arial,sans-serif;font-size:12px}
@media print{body{margin:0}h2{page-break-after:avoid}}
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
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Số bài theo tháng" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#555"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for series, colour in (("articles", "#1565c0"), ("alerts", "#b00020")):
        points = " ".join(
            f"{x},{y}" for x, y in (point(i, getattr(c, series)) for i, c in enumerate(months))
        )
        parts.append(
            f'<polyline class="{series}" points="{points}" fill="none" stroke="{colour}" '
            'stroke-width="2"/>'
        )
    for i, count in enumerate(months):
        x, y = point(i, count.articles)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3" fill="#1565c0"><title>'
            f"{month_label(count.name)}: {count.articles} bài, {count.alerts} cần lưu ý"
            "</title></circle>"
            f'<text x="{x}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{month_label(count.name)}</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" fill="#1565c0">— số bài</text>'
        f'<text x="{left + 90}" y="{height - 4}" fill="#b00020">— cần lưu ý</text></svg>'
    )
    return "".join(parts)


def _table(rows: tuple[Count, ...], head: str, total: int) -> str:
    out = [
        f"<table><thead><tr><th>{_e(head)}</th><th>Số bài</th><th>Tỉ lệ</th>"
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


def report_html(report: CoverageReport) -> str:
    total = report.articles
    title = heading(report)
    body = [f"<h1>{_e(title)}</h1>"]
    if not total:
        body.append("<p>Không có bài nào trong khoảng thời gian này.</p>")
    else:
        body.append(
            f"<p id='totals'>{total} bài; {report.local} bài về địa phương; "
            f"<span class='alert'>{report.alerts} bài cần lưu ý "
            f"({percent(report.alerts, total)})</span>.</p>"
        )
        body.append("<h2>Theo đơn vị</h2>")
        if report.by_unit:
            body.append(bar_chart_svg(report.by_unit, label="Số bài theo đơn vị"))
        body.append(_table(report.by_unit, "Đơn vị", total))
        body.append("<h2>Theo tháng</h2>" + line_chart_svg(report.by_month))
        months = tuple(Count(month_label(c.name), c.articles, c.alerts) for c in report.by_month)
        body.append(_table(months, "Tháng", total))
        body.append("<h2>Theo chủ đề</h2>" + _table(report.by_theme, "Chủ đề", total))
        body.append("<h2>Theo cơ quan báo chí</h2>" + _table(report.by_outlet, "Báo", total))
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
    return (
        "<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )
