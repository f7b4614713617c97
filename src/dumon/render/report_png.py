"""The coverage report's charts as one PNG image (bars by unit, a line by month), for slides and
documents that take pictures rather than HTML. Drawn with matplotlib's Agg backend (no display
needed) and DejaVu Sans, which has every Vietnamese letter.
"""

from __future__ import annotations

import io

from dumon.output.report_records import CoverageReport
from dumon.render import clean_text
from dumon.render.report_view import heading, month_label

BARS = 12
LABEL_CHARS = 45


def _short(name: str) -> str:
    name = clean_text(name)
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def report_png(report: CoverageReport) -> bytes:
    """PNG bytes: the title, articles by unit (bars) and by month (line, alerts in red)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    units = tuple(c for c in report.by_unit if c.articles)[:BARS]
    figure = Figure(figsize=(11, 4 + 0.35 * max(len(units), 3)), dpi=110)
    figure.suptitle(_short(heading(report)) if report.unit else heading(report), fontsize=13)
    bars, line = figure.subplots(2, 1, height_ratios=[max(len(units), 3), 6])
    for axes in (bars, line):
        axes.spines[["top", "right"]].set_visible(False)
    if units:
        names = [_short(c.shown) for c in reversed(units)]
        values = [c.articles for c in reversed(units)]
        bars.barh(names, values, color="#2e7d32")
        for y, value in enumerate(values):
            bars.text(value, y, f" {value}", va="center", fontsize=9)
    else:
        bars.text(0.5, 0.5, "Không có tin nào gắn với đơn vị", ha="center", va="center")
        bars.set_axis_off()
    bars.set_title("Số tin theo đơn vị", loc="left", fontsize=11)
    months = [month_label(c.name) for c in report.by_month]
    # A month without data is a gap in the line (NaN), not a zero.
    articles = [float("nan") if c.missing else c.articles for c in report.by_month]
    alerts = [float("nan") if c.missing else c.alerts for c in report.by_month]
    line.plot(months, articles, marker="o", color="#1565c0", label="Số tin giáo dục")
    line.plot(months, alerts, marker="o", color="#b00020", label="Cần lưu ý")
    line.set_title("Theo tháng", loc="left", fontsize=11)
    line.set_ylim(bottom=0)
    line.legend(frameon=False)
    line.tick_params(axis="x", labelrotation=45, labelsize=8)
    for axis in (bars.xaxis, line.yaxis):
        axis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": "dumon"})
    return buffer.getvalue()
