"""Every command reads a typed time the same way: one date or datetime, Vietnam time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dumon.collecting.ingest import OutOfRange
from dumon.collecting.ingest import parse_date as import_date
from dumon.errors import QueryError
from dumon.matching.batch import parse_date as batch_date
from dumon.output.search import parse_bound
from dumon.output.window import resolve_window
from dumon.vntime import VN_TZ

NOW = datetime(2025, 9, 6, 10, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize("typed", ["2025-09-05T07:00", "2025-09-05 07:00", "2025-09-05T00:00Z"])
def test_the_same_typed_moment_means_the_same_instant_in_search_digest_import_and_match(typed):
    expected = datetime(2025, 9, 5, 7, 0, tzinfo=VN_TZ)
    assert datetime.fromisoformat(parse_bound(typed)) == expected
    assert resolve_window(since=typed, now=NOW).start == expected
    assert import_date(typed) == expected
    assert batch_date(typed, "--date") == expected


def test_a_bare_date_as_an_end_covers_its_whole_day_everywhere():
    day_after = datetime(2025, 9, 6, 0, 0, tzinfo=VN_TZ)
    assert datetime.fromisoformat(parse_bound("2025-09-05", end=True)) == day_after
    assert resolve_window(since="2025-09-04", until="2025-09-05", now=NOW).end == day_after
    # the matcher needs only the day, which dates the unit names it recognises
    assert batch_date("2025-09-05", 3) == date(2025, 9, 5)


def test_a_time_outside_the_calendar_is_a_clear_error_not_a_crash():
    with pytest.raises(OutOfRange, match="ngoài lịch"):
        import_date("0001-01-01T00:00+12:00")
    with pytest.raises(QueryError, match="Cách sửa"):
        parse_bound("0001-01-01T00:00+12:00")
    with pytest.raises(QueryError, match="dòng 4"):
        batch_date("9999-12-31T23:00-12:00", 4)


@pytest.mark.parametrize("typed", ["05/09/2025", "2025-9-5", "hôm qua"])
def test_unreadable_times_are_refused_with_the_fix(typed):
    with pytest.raises(QueryError, match="Cách sửa"):
        parse_bound(typed)
    with pytest.raises(QueryError, match="Cách sửa"):
        resolve_window(since=typed, now=NOW)
    with pytest.raises(QueryError, match="Cách sửa"):
        batch_date(typed, "--date")
