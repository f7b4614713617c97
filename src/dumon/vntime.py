"""Vietnam time: the zone every date dumon shows or compares is in.

Its own small module because nearly every other one needs it, including the matcher, whose
start-up is part of every ``dumon match`` batch.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

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
