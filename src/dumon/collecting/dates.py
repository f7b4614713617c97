"""Publication dates as feeds and Vietnamese sites print them, always timezone-aware.

Its own module so the feed reader can use it without loading the HTML stack (bs4).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\d)")
_WORDS_DMY = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_TIME = re.compile(r"(?<![\d/.-])(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?!\d)", re.I)
_GMT = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)
_PM = re.compile(r"\b(?:PM|CH|chiều|tối)\b", re.I)
_RFC_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3}\w*\s+(\d{1,4})\b")
EARLIEST_YEAR = 1995  # before Vietnamese online news; older dates are CMS placeholders
FUTURE_SLACK = timedelta(days=2)


@lru_cache(maxsize=1024)
def parse_datetime(text: str | None) -> datetime | None:
    """An aware datetime from a date as sites print it; naive times are Vietnam time.

    Cached: the fast feed reader checks each date before `feeds` reads it again.

    Handles ISO 8601, RFC 822, "28/11/2026 07:30", "Thứ bảy, 28/11/2026, 07:30 (GMT+7)",
    "07:30 28-11-2026", "ngày 28 tháng 11 năm 2026". Relative dates ("2 giờ trước") give None.
    """
    if not text:
        return None
    raw = unicodedata.normalize("NFC", text).strip()[:200]
    if not raw:
        return None
    value = _parse_iso(raw) or _parse_rfc822(raw) or _parse_vietnamese(raw)
    return value if value is None else _in_range(value, raw)


def _in_range(value: datetime, raw: str) -> datetime | None:
    """The value if every zone can show it: 31/12/9999 at GMT-12 is year 10000 in UTC, which
    no datetime holds (an OverflowError that once failed every item of a listing)."""
    try:
        value.astimezone(UTC)
        value.astimezone(VN_TZ)
    except OverflowError:
        log.warning("date out of range, kept as unknown: %r", raw)
        return None
    return value


def looks_dated(text: str | None) -> bool:
    """Whether the text holds a calendar date written out (day, month and year): one that
    `parse_datetime` refused is then wrong (30 February), not merely in a format it lacks."""
    if not text:
        return False
    return bool(_YMD.search(text) or _DMY.search(text) or _RFC_YEAR.search(text))


def plausible(value: datetime | None) -> datetime | None:
    """Drop placeholder dates (0001-01-01, the 1970 epoch) and far-future ones: an unknown
    date lets the store fall back to when the article was first seen, a wrong one hides it."""
    if value is None:
        return None
    if value.year < EARLIEST_YEAR or value > datetime.now(UTC) + FUTURE_SLACK:
        return None
    return value


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=VN_TZ)


def _parse_iso(raw: str) -> datetime | None:
    if not re.match(r"\d{4}-\d{2}-\d{2}", raw):
        return None
    candidate = raw.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} \d", raw) else raw
    try:
        return _aware(datetime.fromisoformat(candidate))
    except ValueError:
        return None


def _parse_rfc822(raw: str) -> datetime | None:
    if not re.search(r"[A-Za-z]{3}", raw) or _DMY.search(raw):
        return None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    written = _RFC_YEAR.search(raw)
    if written and len(written.group(1)) > 2 and int(written.group(1)) != value.year:
        return None  # the email parser reads "0001" as 2001, as if it were "01"
    if value.tzinfo is None:
        # "-0000" states UTC with an unknown local offset; no zone at all means local time.
        return value.replace(tzinfo=UTC if "-0000" in raw else VN_TZ)
    return value


def _parse_vietnamese(raw: str) -> datetime | None:
    match = _WORDS_DMY.search(raw) or _DMY.search(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.search(raw)
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
    rest = raw[: match.start()] + " " + raw[match.end() :]
    hour = minute = second = 0
    clock = _TIME.search(rest)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        if hour < 12 and _PM.search(rest):
            hour += 12
    zone: timezone = VN_TZ
    offset = _GMT.search(rest)
    if offset:
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        zone = timezone(-delta if offset.group(1) == "-" else delta)
        if zone.utcoffset(None) == VN_TZ.utcoffset(None):
            zone = VN_TZ
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
