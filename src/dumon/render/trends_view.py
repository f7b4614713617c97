"""Rendering of trends and the week ahead: the lines every format shares, the terminal view
and the JSON of `dumon trends --json` (also the "week" of the weekly digest's JSON).

``{"week": {"start", "end"}, "test", "baseline_weeks", "trends": [{"family", "key", "name",
"count", "mean", "variance", "ratio", "p_value", "examples": [{"title", "url", "outlet"}]}],
"growing": [{"id", "title", "stage", "local", "week", "before"}], "due": [{"key", "name",
"start", "end", "ongoing", "last": {"start", "end", "articles", "partial", "examples"} |
null, "so_far"}]}``
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from dumon.output.school_calendar import DueTopic
from dumon.output.trends import FAMILIES, Growing, Trend, Week
from dumon.render import clean_text
from dumon.storage.trends import Example

if TYPE_CHECKING:
    from rich.console import Console

HEADINGS = {
    "trends": "Chủ đề, đơn vị, loại sự cố được viết nhiều hơn thường lệ",
    "growing": "Sự vụ còn đang lan",
    "due": "Lịch năm học: chủ đề sắp tới",
}


def _example(example: Example) -> dict:
    return {"title": example.title, "url": example.url, "outlet": example.outlet}


def week_dict(week: Week) -> dict:
    return {
        "week": {"start": week.start.isoformat(), "end": week.end.isoformat()},
        "test": week.test,
        "baseline_weeks": week.baseline_weeks,
        "trends": [
            {
                "family": t.family,
                "key": t.key,
                "name": t.name,
                "count": t.count,
                "mean": t.mean,
                "variance": t.variance,
                "ratio": round(t.ratio, 2),
                "p_value": float(f"{t.p_value:.3g}"),
                "examples": [_example(e) for e in t.titles],
            }
            for t in week.trends
        ],
        "growing": [
            {
                "id": g.id,
                "title": g.title,
                "stage": g.stage,
                "local": g.local,
                "week": g.week,
                "before": g.before,
            }
            for g in week.growing
        ],
        "due": [
            {
                "key": d.key,
                "name": d.name,
                "start": d.start.isoformat(),
                "end": d.end.isoformat(),
                "ongoing": d.ongoing,
                "last": None
                if d.last is None or d.last_count is None
                else {
                    "start": d.last[0].isoformat(),
                    "end": d.last[1].isoformat(),
                    "articles": d.last_count,
                    "partial": d.last_partial,
                    "examples": [_example(e) for e in d.last_titles],
                },
                "so_far": d.so_far,
            }
            for d in week.due
        ],
    }


def week_json(week: Week) -> str:
    return json.dumps(week_dict(week), ensure_ascii=False, indent=2)


def period(week: Week) -> str:
    return f"tuần {week.start:%d/%m} – {week.end:%d/%m/%Y}"


def trend_line(t: Trend) -> str:
    return (
        f"{FAMILIES[t.family].capitalize()} {clean_text(t.name)}: {t.count} bài, gấp "
        f"{t.ratio:.1f} lần trung bình {t.mean:g} bài/tuần của {t.weeks} tuần trước "
        f"(p = {t.p_value:.2g})"
    )


def growing_line(g: Growing) -> str:
    where = " của tỉnh" if g.local else ""
    return (
        f"Sự vụ #{g.id}{where}: {clean_text(g.title)} — {g.stage}, {g.week} bài tuần này "
        f"({g.before} tuần trước)"
    )


def due_line(d: DueTopic, day: date) -> str:
    if d.ongoing:
        when = f"đang vào mùa ({d.start:%d/%m} – {d.end:%d/%m}), {d.so_far} bài từ đầu mùa"
    else:
        when = (
            f"bắt đầu {d.start:%d/%m} (còn {(d.start - day).days} ngày), {d.so_far} bài trong "
            "30 ngày qua"
        )
    if d.last is None or d.last_count is None:
        archive = "kho lưu trữ chưa có dữ liệu mùa trước"
    else:
        span = f"{d.last[0]:%d/%m/%Y} – {d.last[1]:%d/%m/%Y}"
        if d.last_partial:
            archive = f"mùa trước, từ ngày kho lưu trữ bắt đầu ({span}): {d.last_count} bài"
        else:
            archive = f"mùa trước ({span}) có {d.last_count} bài"
    return f"{clean_text(d.name)}: {when}; {archive}"


def lines(week: Week) -> list[tuple[str, str]]:
    """The week as (kind, text) pairs: group headings and paragraphs, for every format."""
    out: list[tuple[str, str]] = [("para", f"{period(week).capitalize()}. {week.test}")]
    out.append(("group", HEADINGS["trends"]))
    if week.baseline_weeks < 4:
        out.append(("para", "Chưa đủ dữ liệu các tuần trước để so sánh (cần ít nhất 4 tuần)."))
    elif not week.trends:
        out.append(("para", "Không có chủ đề nào được viết nhiều bất thường."))
    for t in week.trends:
        out.append(("para", trend_line(t)))
        out += [("para", f"   – {clean_text(e.title)} ({clean_text(e.outlet)})") for e in t.titles]
    out.append(("group", HEADINGS["growing"]))
    if not week.growing:
        out.append(("para", "Không có sự vụ nào còn đang lan."))
    out += [("para", growing_line(g)) for g in week.growing]
    out.append(("group", HEADINGS["due"]))
    if not week.due:
        out.append(("para", "Không có chủ đề lịch năm học nào sắp tới."))
    for d in week.due:
        out.append(("para", due_line(d, week.end)))
        out += [
            ("para", f"   – {clean_text(e.title)} ({clean_text(e.outlet)})") for e in d.last_titles
        ]
    return out


def print_week(console: Console, week: Week) -> None:
    from rich.text import Text

    console.print(Text(f"Xu hướng và tuần tới — {period(week)}", style="bold"))
    for kind, text in lines(week):
        if kind == "group":
            console.print()
            console.print(Text(text, style="bold cyan"))
        else:
            console.print(Text(text))
