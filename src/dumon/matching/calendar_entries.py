"""The ``calendar`` section of the ``keywords/`` folder (``keywords/calendar.yaml``): topics of
the school calendar the press writes about every year, their record and how an entry is read.

The matcher reads nothing of it: ``dumon trends`` and the weekly digest list the topics due
(``output/school_calendar.py``). It lives with the keywords so the office edits it in the same
folder, checked the same way (``dumon keywords check``: file, line, fix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dumon.matching.keyword_entries import EntryReader


@dataclass(frozen=True)
class Season:
    """When a calendar topic comes: every year between two month-days, or on given dates."""

    start: tuple[int, int] | None = None  # (month, day), every year
    end: tuple[int, int] | None = None
    dates: tuple[tuple[date, date], ...] = ()  # topics whose date moves (Tết): one per year


@dataclass(frozen=True)
class Topic:
    """A topic of the school calendar the press writes about every year."""

    key: str
    name: str
    path: Path
    line: int | None
    season: Season
    terms: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # theme keys whose coverage shows the topic
    lead_days: int = 0  # announced this many days before it starts (0: settings' ahead_days)


_TOPIC_KEYS = {"key", "name", "from", "until", "dates", "terms", "themes", "lead_days", "note"}
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")


def read_topic(r: EntryReader, items: list[Any], i: int) -> Topic:
    e = r.entry(items, i, "calendar", _TOPIC_KEYS)
    key = r.key(e)
    if ("from" in e) != ("until" in e):
        raise r.fail(
            e,
            "from" if "from" in e else "until",
            f"'{key}' cần cả 'from' và 'until'",
            'viết hai ngày trong năm dạng tháng-ngày, ví dụ `from: "05-01"` và `until: "06-20"`',
        )
    if ("from" in e) == ("dates" in e):
        raise r.fail(
            e,
            "key",
            f"'{key}' cần 'from'/'until' (hằng năm) hoặc 'dates' (ngày thay đổi theo năm)",
            'ví dụ `from: "09-01"` và `until: "09-10"`, hoặc `dates: [{from: 2026-02-10, '
            "until: 2026-02-22}]` cho Tết",
        )
    if "from" in e:
        season = Season(_month_day(r, e, "from"), _month_day(r, e, "until"))
    else:
        season = Season(dates=_dates(r, e))
    return Topic(
        key=key,
        name=r.required(e, "name"),
        path=r.path,
        line=r.lines.item(items, i),
        season=season,
        terms=r.terms(e),
        themes=r.texts(e, "themes"),
        lead_days=r.integer(e, "lead_days", 0, 366, default=0),
    )


def _dates(r: EntryReader, e: dict[str, Any]) -> tuple[tuple[date, date], ...]:
    """A season per year, for a topic whose date moves."""
    fix = "viết `- {from: 2026-02-10, until: 2026-02-22}`, một dòng cho mỗi năm"
    raw = r.sequence(e, "dates", fix)
    if not raw:
        raise r.fail(e, "dates", "'dates' trống", fix)
    spans = []
    for j in range(len(raw)):
        d = r.entry(raw, j, "dates", {"from", "until"})
        start, end = r.day(d, "from"), r.day(d, "until")
        if start is None or end is None or start > end:
            raise r.fail(
                raw,
                j,
                "mỗi mục của 'dates' cần 'from' trước hoặc bằng 'until'",
                "viết dạng `- {from: 2026-02-10, until: 2026-02-22}`",
            )
        spans.append((start, end))
    return tuple(sorted(spans))


def _month_day(r: EntryReader, e: dict[str, Any], key: str) -> tuple[int, int]:
    """A day of every year written 'MM-DD'."""
    value = e[key]
    match = _MONTH_DAY.fullmatch(str(value).strip())
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            date(2024, month, day)  # a leap year: 02-29 is a day some years have
        except ValueError:
            match = None
    if not match:
        raise r.fail(
            e,
            key,
            f"'{key}: {value}' không phải một ngày trong năm",
            f'viết tháng-ngày có thật trong ngoặc kép, ví dụ `{key}: "05-15"`',
        )
    return month, day
