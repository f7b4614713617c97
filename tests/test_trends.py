"""Trends (the test and its arithmetic), the week ahead from the school calendar, the calendar
file's checks, the settings of incidents and trends, `dumon trends` and the weekly digest."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.desk import BUNDLED_ROOT
from dumon.errors import ConfigError
from dumon.matching.calendar_entries import Season, Topic
from dumon.matching.keywords import load_keywords
from dumon.output import school_calendar, trends
from dumon.render import trends_view
from dumon.settings import IncidentSettings, TrendSettings, load_settings
from support.store import Doc, make_store  # noqa: F401

SETTINGS = TrendSettings()


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


# --- the test ------------------------------------------------------------------------------


def test_the_upper_tail_is_poisson_when_weeks_vary_like_poisson():
    expected = 1 - math.exp(-1) * (1 + 1 + 0.5)  # P(X ≥ 3), mean 1
    assert trends.upper_tail(3, 1.0, 1.0) == pytest.approx(expected)
    assert trends.upper_tail(0, 1.0, 1.0) == 1.0


def test_the_upper_tail_is_negative_binomial_when_weeks_vary_more():
    # mean 2, variance 6: r = 1, a geometric count with q = 2/3, so P(X ≥ k) = q^k
    assert trends.upper_tail(3, 2.0, 6.0) == pytest.approx((2 / 3) ** 3)
    # far out in the tail it is more forgiving than a Poisson with the same mean
    assert trends.upper_tail(8, 2.0, 6.0) == pytest.approx((2 / 3) ** 8)
    assert trends.upper_tail(8, 2.0, 6.0) > 10 * trends.upper_tail(8, 2.0, 2.0)


def test_a_trend_needs_the_minimum_count_the_ratio_and_the_p_value():
    assert trends.test_series([1, 1, 1], 9, SETTINGS) is None  # three weeks are too few
    mean, variance, p = trends.test_series([1, 0, 2, 1, 1, 0, 1, 2], 9, SETTINGS)
    assert trends.is_trend(9, mean, p, SETTINGS)
    assert not trends.is_trend(4, mean, trends.upper_tail(4, mean, variance), SETTINGS)
    busy = [40, 44, 38, 41, 39, 43, 40, 42]
    mean, variance, p = trends.test_series(busy, 60, SETTINGS)
    assert p < 0.01 and not trends.is_trend(60, mean, p, SETTINGS)  # under twice the mean


def _week_of(start: str, week: int, day: int = 2) -> str:
    return (date.fromisoformat(start) + timedelta(days=7 * week + day)).isoformat() + " 09:00"


def test_build_week_flags_a_theme_written_about_far_more_than_usual(make_store):
    start = "2026-01-05"  # a Monday: ten weeks, the last one tested
    docs = []
    for week in range(10):
        docs.append(
            Doc(f"Tin đều đặn tuần {week}", "Báo A", _week_of(start, week), themes=("thuong-ngay",))
        )
        docs.append(
            Doc(f"Tin thi cử tuần {week}", "Báo A", _week_of(start, week, 3), themes=("thi-cu",))
        )
    docs += [
        Doc(f"Tin thi cử dồn dập số {i}", "Báo B", _week_of(start, 9, i % 7), themes=("thi-cu",))
        for i in range(8)
    ]
    db = make_store(docs)
    end = date.fromisoformat(start) + timedelta(days=7 * 9 + 6)
    week = trends.build_week(
        db.conn, end, settings=SETTINGS, rules=IncidentSettings(), names={"thi-cu": "Thi cử"}
    )
    assert [(t.family, t.key, t.count) for t in week.trends] == [("theme", "thi-cu", 9)]
    [flag] = week.trends
    assert flag.name == "Thi cử" and flag.weeks == 8 and flag.mean == 1.0
    assert len(flag.titles) == trends.EXAMPLES


def test_weeks_without_any_stored_article_are_not_counted_as_zero(make_store):
    start = "2026-01-05"
    docs = [
        Doc(f"Tin thi cử {i}", "Báo A", _week_of(start, 9, i % 7), themes=("thi-cu",))
        for i in range(6)
    ]
    db = make_store(docs)
    end = date.fromisoformat(start) + timedelta(days=7 * 9 + 6)
    week = trends.build_week(db.conn, end, settings=SETTINGS, rules=IncidentSettings())
    assert week.baseline_weeks == 0 and week.trends == ()


# --- the week ahead ------------------------------------------------------------------------


def topic(**season) -> Topic:
    return Topic(
        "thi-10",
        "Thi vào lớp 10",
        Path("calendar.yaml"),
        1,
        Season(**season),
        terms=("thi vào lớp 10",),
    )


def test_a_topic_under_way_or_starting_soon_is_due_with_its_last_season(make_store):
    db = make_store(
        [
            Doc(
                "Thí sinh thi vào lớp 10 năm ngoái đông kỷ lục",
                "Báo A",
                "2025-05-20 09:00",
                themes=("t",),
            ),
            Doc("Lịch thi vào lớp 10 năm nay", "Báo A", "2026-03-25 09:00", themes=("t",)),
        ]
    )
    annual = topic(start=(5, 1), end=(6, 30))
    [due] = school_calendar.due_topics(db.conn, [annual], date(2026, 4, 15), SETTINGS)
    assert (due.start, due.ongoing) == (date(2026, 5, 1), False)
    # the archive begins on 20 May 2025, within that season: what it holds of it, said so
    assert due.last == (date(2025, 5, 20), date(2025, 6, 30)) and due.last_count == 1
    assert due.last_partial
    assert "từ ngày kho lưu trữ bắt đầu (20/05/2025 – 30/06/2025)" in trends_view.due_line(
        due, date(2026, 4, 15)
    )
    assert due.so_far == 1  # the last 30 days
    assert school_calendar.due_topics(db.conn, [annual], date(2026, 3, 1), SETTINGS) == []
    [ongoing] = school_calendar.due_topics(db.conn, [annual], date(2026, 5, 10), SETTINGS)
    assert ongoing.ongoing
    moving = topic(dates=((date(2026, 2, 10), date(2026, 2, 20)),))
    [tet] = school_calendar.due_topics(db.conn, [moving], date(2026, 2, 1), SETTINGS)
    assert tet.last is None and tet.last_count is None


# --- the calendar file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "line", "problem"),
    [
        ('  - {key: a, name: "A", from: "02-30", until: "03-01", terms: [x]}', 3, "02-30"),
        ('  - {key: a, name: "A", from: "02-01", terms: [x]}', 3, "cần cả 'from' và 'until'"),
        (
            '  - {key: a, name: "A", from: "02-01", until: "03-01", themes: [khong-co], '
            "terms: [x]}",
            3,
            "khong-co",
        ),
        (
            "  - key: a\n    name: A\n    dates:\n      - {from: 2026-03-01, until: 2026-02-01}\n"
            "    terms: [x]",
            6,
            "'from' trước",
        ),
        ('  - {key: a, name: "A", from: "02-01", until: "03-01"}', 3, "không có từ khóa"),
    ],
)
def test_a_broken_calendar_names_the_file_the_line_and_the_fix(tmp_path, entry, line, problem):
    folder = tmp_path / "keywords"
    shutil.copytree(BUNDLED_ROOT / "keywords", folder)
    (folder / "calendar.yaml").write_text(f"# lịch\ncalendar:\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_keywords(folder)
    error = caught.value
    assert error.path.name == "calendar.yaml" and error.line == line
    assert problem in error.message and "Cách sửa" in error.message
    result = CliRunner().invoke(app, ["keywords", "check", "--keywords", str(folder)])
    assert result.exit_code == 2 and "calendar.yaml, dòng" in result.output


def test_the_bundled_calendar_loads():
    topics = {t.key: t for t in load_keywords(BUNDLED_ROOT / "keywords").calendar}
    assert {"tuyen-sinh-lop-10", "thi-tot-nghiep-thpt", "khai-giang", "tet"} <= set(topics)
    assert topics["tet"].season.dates[0] == (date(2026, 1, 20), date(2026, 2, 24))


# --- settings ------------------------------------------------------------------------------


def test_incident_and_trend_thresholds_are_read_from_settings(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text(
        "incidents:\n  spread_outlets: 4\n  spread_tiers: [central, sector]\n"
        "  response_hours: 12\ntrends:\n  baseline_weeks: 6\n  p_value: 0.05\n",
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.incidents.spread_outlets == 4
    assert settings.incidents.spread_tiers == ("central", "sector")
    assert settings.incidents.response_hours == 12 and settings.trends.baseline_weeks == 6
    assert settings.trends.p_value == 0.05


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("incidents:\n  spread_hours: 0\n", 2, "spread_hours"),
        ("incidents:\n  spread_tiers: [national]\n", 2, "spread_tiers"),
        ("incidents:\n  cooling_hours: 400\n  quiet_days: 7\n", 3, "khép lại trước khi hạ nhiệt"),
        ("incidents:\n  quiet: 3\n", 2, "khóa không hợp lệ 'quiet'"),
        ("trends:\n  p_value: 2\n", 2, "p_value"),
    ],
)
def test_bad_thresholds_name_the_line_and_the_fix(tmp_path, text, line, problem):
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.line == line and problem in caught.value.message
    assert "Cách sửa" in caught.value.message


# --- the commands --------------------------------------------------------------------------


@pytest.fixture
def trend_desk(make_store, isolated_home):
    shutil.copytree(BUNDLED_ROOT / "keywords", isolated_home / "keywords")
    start = "2026-01-05"
    docs = [
        Doc(f"Tin trường học tuần {w}", "Báo A", _week_of(start, w), themes=("truong-hoc",))
        for w in range(10)
    ]
    docs += [
        Doc(
            f"Tuyển sinh lớp 10 thông báo số {i}",
            "Báo B",
            _week_of(start, 9, i % 7),
            themes=("thi-cu-tuyen-sinh",),
        )
        for i in range(7)
    ]
    make_store(docs).close()
    return date.fromisoformat(start) + timedelta(days=7 * 9 + 6)


def test_trends_json_contract(trend_desk):
    result = run("trends", "--date", trend_desk.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"week", "test", "baseline_weeks", "trends", "growing", "due"}
    [flag] = data["trends"]
    assert flag["key"] == "thi-cu-tuyen-sinh" and flag["name"] == "Thi cử, tuyển sinh"
    assert set(flag) == {
        "family",
        "key",
        "name",
        "count",
        "mean",
        "variance",
        "ratio",
        "p_value",
        "examples",
    }
    assert "nhị thức âm" in data["test"]
    due = {d["key"]: d for d in data["due"]}
    assert due["tuyen-sinh-lop-10"]["ongoing"] is True and due["tuyen-sinh-lop-10"]["so_far"] == 7


def test_trends_text_and_a_bad_date(trend_desk):
    out = run("trends", "--date", trend_desk.isoformat()).output
    assert "Chủ đề Thi cử, tuyển sinh: 7 bài" in out and "Lịch năm học" in out
    bad = CliRunner().invoke(app, ["trends", "--date", "15/03/2026"])
    assert bad.exit_code == 2 and "Cách sửa" in bad.output


def test_the_weekly_digest_adds_trends_and_the_week_ahead(trend_desk):
    morning = (trend_desk + timedelta(days=1)).isoformat()
    result = run("digest", "--week", "--date", morning, "--format", "json")
    data = json.loads(result.stdout)
    assert data["window"]["start"].startswith((trend_desk - timedelta(days=6)).isoformat())
    assert [t["key"] for t in data["week"]["trends"]] == ["thi-cu-tuyen-sinh"]
    text = run("digest", "--week", "--date", morning, "--format", "markdown").stdout
    assert "## VI. Xu hướng và tuần tới" in text
    refused = CliRunner().invoke(app, ["digest", "--week", "--since", "2026-01-01"])
    assert refused.exit_code == 2 and "--week" in refused.output
    plain = json.loads(run("digest", "--date", morning, "--format", "json").stdout)
    assert plain["week"] is None
