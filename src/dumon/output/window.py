"""The window a digest covers: by default 07:00 yesterday → 07:00 today, Vietnam time, or
any `--since`/`--until` the office types (read by `vntime.parse_moment`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dumon.errors import QueryError
from dumon.storage.rows import to_iso
from dumon.vntime import VN_TZ, Moment, parse_moment


@dataclass(frozen=True)
class Window:
    """A half-open time window [start, end) in Vietnam time."""

    start: datetime
    end: datetime
    morning: date | None = None  # the morning this is the digest of, when it is one

    @property
    def first_day(self) -> date:
        return self.start.astimezone(VN_TZ).date()

    @property
    def last_day(self) -> date:
        """The morning of a morning digest, else the last calendar day the window touches."""
        if self.morning is not None:
            return self.morning
        return (self.end.astimezone(VN_TZ) - timedelta(microseconds=1)).date()

    @property
    def start_iso(self) -> str:
        return to_iso(self.start) or ""

    @property
    def end_iso(self) -> str:
        return to_iso(self.end) or ""


_FORMAT_HINT = "ghi dạng 2026-11-28 hoặc 2026-11-28T07:00 (không ghi múi giờ thì là giờ Việt Nam)"


def _parse_moment(text: str, what: str) -> Moment:
    try:
        return parse_moment(text)
    except ValueError:
        raise QueryError(f"Không hiểu {what} '{text}'. Cách sửa: {_FORMAT_HINT}.") from None


def resolve_window(
    *,
    on: str | None = None,
    since: str | None = None,
    until: str | None = None,
    hour: int = 7,
    now: datetime | None = None,
) -> Window:
    """The window asked for: a morning (`on`, default today) or `since`/`until`.

    A bare date as `until` includes that whole day; a missing `since` means one day before
    `until`; a missing `until` means now.
    """
    now = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    if on is not None and (since or until):
        raise QueryError(
            "Không dùng --date cùng với --since/--until. Cách sửa: chọn --date cho điểm tin "
            "một buổi sáng, hoặc --since/--until cho một khoảng bất kỳ."
        )
    if since is None and until is None:
        if on is None:
            morning = now.date()
        else:
            try:
                moment = parse_moment(on)
            except ValueError:
                moment = None
            if moment is None or not moment.bare_date:
                raise QueryError(
                    f"Không hiểu ngày '{on}'. Cách sửa: ghi dạng 2026-11-28 (năm-tháng-ngày)."
                )
            morning = moment.day
        end = datetime.combine(morning, time(hour), VN_TZ)
        return Window(end - timedelta(days=1), end, morning)
    end = _parse_moment(until, "thời điểm kết thúc (--until)").end() if until else now
    start = _parse_moment(since, "thời điểm bắt đầu (--since)").at if since else end - timedelta(1)
    if start >= end:
        raise QueryError(
            f"Khoảng thời gian rỗng: bắt đầu {start:%H:%M %d/%m/%Y} không trước kết thúc "
            f"{end:%H:%M %d/%m/%Y}. Cách sửa: đặt --since trước --until."
        )
    return Window(start, end)
