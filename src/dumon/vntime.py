"""Vietnam time: the zone every date dumon shows or compares is in.

Its own small module because nearly every other one needs it, including the matcher, whose
start-up is part of every ``dumon match`` batch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
"""Vietnam has had no DST since 1975, so a fixed offset is exact and needs no tzdata."""


def as_date(value: date | datetime | None) -> date | None:
    """The calendar date of a value in Vietnam time (a naive datetime is Vietnam time)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=VN_TZ)
        return value.astimezone(VN_TZ).date()
    return value


class OutOfCalendar(ValueError):
    """A time no zone can show (year 1 at +12:00): a separate class, since importers
    report it as its own kind of bad line."""


class Moment:
    """A time a user typed: aware, in Vietnam time, and whether only a date was written.

    (A plain class: a dataclass definition costs a millisecond of every batch's start-up.)"""

    __slots__ = ("at", "bare_date")

    def __init__(self, at: datetime, bare_date: bool) -> None:
        self.at = at
        self.bare_date = bare_date

    @property
    def day(self) -> date:
        return self.at.date()

    def end(self) -> datetime:
        """As the end of a window: a bare date covers its whole day."""
        return self.at + timedelta(days=1) if self.bare_date else self.at


def parse_moment(text: str) -> Moment:
    """The one reader of times typed by users and written in input files: an ISO date
    (midnight, Vietnam time) or datetime ("T" or a space; "Z" or an offset, else Vietnam
    time). ValueError names what is wrong; a time no zone can show (year 1 at +12:00) is one.
    """
    value = text.strip()
    if len(value) == 10:
        return Moment(datetime.combine(date.fromisoformat(value), time(0), VN_TZ), True)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    try:
        parsed.astimezone(UTC)
        return Moment(parsed.astimezone(VN_TZ), False)
    except OverflowError:
        raise OutOfCalendar(f"'{text}' nằm ngoài lịch (năm 1 đến 9999)") from None
