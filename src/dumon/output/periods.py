"""The periods a report covers: a week, a month, a school year (1 September → 31 August),
or --from/--to as the office types them (read by `search.parse_bound`, so by `vntime`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dumon.errors import QueryError
from dumon.output import search
from dumon.vntime import VN_TZ

PERIODS = ("week", "month", "school-year")


@dataclass(frozen=True)
class Period:
    start: str  # ISO, inclusive
    end: str  # ISO, exclusive
    label: str  # Vietnamese, for headings

    @property
    def months(self) -> list[str]:
        """Every YYYY-MM the period touches, in order (months without articles included)."""
        first = date.fromisoformat(self.start[:10]).replace(day=1)
        last = datetime.fromisoformat(self.end) - timedelta(seconds=1)
        out = []
        while (first.year, first.month) <= (last.year, last.month):
            out.append(f"{first.year:04d}-{first.month:02d}")
            first = (first + timedelta(days=32)).replace(day=1)
        return out


def _midnight(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ).isoformat(timespec="seconds")


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def school_year(spec: str | None = None, *, today: date | None = None) -> Period:
    """1 September → 31 August: the one named ('2025-2026') or the one containing today."""
    if spec:
        match = re.fullmatch(r"\s*(\d{4})\s*[-–/]\s*(\d{4})\s*", spec)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise QueryError(
                f"Không hiểu năm học '{spec}'. Cách sửa: viết dạng 2025-2026 (hai năm liền nhau)."
            )
        first = int(match.group(1))
    else:
        today = today or datetime.now(VN_TZ).date()
        first = today.year if today.month >= 9 else today.year - 1
    return Period(
        _midnight(date(first, 9, 1)),
        _midnight(date(first + 1, 9, 1)),
        f"năm học {first}-{first + 1}",
    )


def preset_period(name: str, *, today: date | None = None) -> Period:
    """This week (Monday to Sunday), this month, or this school year."""
    today = today or datetime.now(VN_TZ).date()
    if name == "week":
        monday = today - timedelta(days=today.weekday())
        sunday = monday + timedelta(days=6)
        return Period(
            _midnight(monday),
            _midnight(monday + timedelta(days=7)),
            f"tuần {_dmy(monday)} – {_dmy(sunday)}",
        )
    if name == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(
            _midnight(first), _midnight(following), f"tháng {today.month:02d}/{today.year}"
        )
    if name == "school-year":
        return school_year(today=today)
    raise QueryError(f"Không có khoảng '{name}'. Cách sửa: dùng week, month hoặc school-year.")


def resolve_period(
    *,
    start: str | None = None,
    end: str | None = None,
    preset: str | None = None,
    school_year_spec: str | None = None,
    today: date | None = None,
) -> Period:
    """The period the options name; this month when none is given."""
    chosen = [x for x in ((start or end) and "dates", preset, school_year_spec) if x]
    if len(chosen) > 1:
        raise QueryError(
            "Chỉ chọn một cách nêu khoảng thời gian. Cách sửa: dùng --from/--to, hoặc --period, "
            "hoặc --school-year."
        )
    if school_year_spec:
        return school_year(school_year_spec)
    if preset:
        return preset_period(preset, today=today)
    if start or end:
        if not (start and end):
            raise QueryError(
                "Cần cả --from và --to. Cách sửa: ví dụ --from 2025-09-01 --to 2026-05-31."
            )
        since = search.parse_bound(start)
        until = search.parse_bound(end, end=True)
        assert since is not None and until is not None  # both given (checked above)
        if since >= until:
            raise QueryError("--from phải trước --to. Cách sửa: đổi chỗ hai ngày.")
        return Period(since, until, f"từ {_label(since)} đến {_label(until, end=True)}")
    return preset_period("month", today=today)


def _label(iso: str, *, end: bool = False) -> str:
    moment = datetime.fromisoformat(iso)
    if moment.time() == datetime.min.time():
        return _dmy((moment - timedelta(days=1)).date() if end else moment.date())
    return f"{moment:%H:%M} {_dmy(moment.date())}"
