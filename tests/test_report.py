"""Coverage report figures on the known store, periods, and every rendering (HTML parsed)."""

from __future__ import annotations

import io
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from rich.console import Console

from dumon.errors import QueryError
from dumon.models import Article
from dumon.output import periods, report
from dumon.render.report_html import report_html
from dumon.render.report_png import report_png
from dumon.render.report_view import print_report, report_json
from dumon.storage import store
from dumon.verdicts import MatchResult
from dumon.vntime import VN_TZ
from support.store_reading import LHP, SO

YEAR = periods.school_year("2025-2026")


@pytest.fixture
def db(reading_db):
    database = store.open_db(reading_db)
    yield database
    database.close()


@pytest.fixture
def year_report(db):
    return report.build_report(db.conn, YEAR)


def counts(rows):
    return {c.name: (c.articles, c.alerts) for c in rows}


def test_school_year_figures(year_report):
    r = year_report
    # 9 articles stored; one is Aug 2025 (previous school year), one Sep 2026 (next).
    assert (r.articles, r.local, r.alerts) == (7, 5, 2)
    assert r.alert_share == pytest.approx(2 / 7)
    assert counts(r.by_unit) == {SO: (4, 1), LHP: (2, 0)}
    assert counts(r.by_theme) == {
        "tuyen_sinh": (3, 0),
        "hoc_phi": (1, 1),
        "an_toan": (1, 1),
        "khai_giang": (1, 0),
        "thanh_tich": (1, 0),
    }
    assert counts(r.by_outlet) == {
        "VnExpress": (2, 1),
        "Thanh Niên": (2, 0),
        "Báo Ninh Bình": (2, 0),
        "Giáo dục và Thời đại": (1, 1),
    }
    assert counts(r.by_tier) == {"central": (4, 1), "local": (2, 0), "sector": (1, 1)}


def test_months_cover_the_whole_period_in_order(year_report):
    months = year_report.by_month
    assert [c.name for c in months][:3] == ["2025-09", "2025-10", "2025-11"]
    assert len(months) == 12 and months[-1].name == "2026-08"
    assert counts(months)["2025-10"] == (2, 0)
    assert counts(months)["2026-02"] == (0, 0)
    assert sum(c.articles for c in months) == year_report.articles
    # No scan and no article in February: unknown, not zero; October had articles.
    missing = {c.name: c.missing for c in months}
    assert missing["2026-02"] and not missing["2025-10"]
    assert "2026-02" in year_report.missing_months


def test_unit_report_counts_only_that_unit(db):
    r = report.build_report(db.conn, YEAR, unit="le hong phong")
    assert r.units_matched == (LHP,)
    assert r.articles == 2
    assert counts(r.by_unit) == {LHP: (2, 0)}  # not the Sở named in the same article
    assert {s.title for s in r.top_stories} == {
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
        "Trường chuyên Lê Hồng Phong đoạt 12 giải học sinh giỏi quốc gia",
    }


def test_unknown_unit_is_a_query_error(db):
    with pytest.raises(QueryError, match="le hong phong"):
        report.build_report(db.conn, YEAR, unit="truong khong co")


def test_top_stories_group_copies_and_rewrites(db):
    # A syndicated copy of an existing title, by another outlet, a day later.
    copy = Article(
        url="http://127.0.0.1/bai/copy",
        title="Phụ huynh phản ánh lạm thu đầu năm ở một trường học",
        outlet="Báo Ninh Bình",
        published=datetime(2025, 11, 21, 9, 0, tzinfo=VN_TZ),
        source="bao-nb",
    )
    with db.atomic():
        store.store_articles(db, [(copy, MatchResult(True, True, True))], seen="x")
    first, second = report.build_report(db.conn, YEAR).top_stories[:2]
    # The two rewrites of the tuyển sinh story (different titles) are one story …
    assert first.title == "Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình"
    assert first.outlets == ("VnExpress", "Thanh Niên") and first.articles == 2
    # … and the copy carries the same title: first publisher first.
    assert second.title == "Phụ huynh phản ánh lạm thu đầu năm ở một trường học"
    assert second.outlet == "Giáo dục và Thời đại"
    assert second.outlets == ("Giáo dục và Thời đại", "Báo Ninh Bình") and second.articles == 2


def test_empty_period(db):
    r = report.build_report(db.conn, periods.school_year("2030-2031"))
    assert r.articles == 0 and r.alert_share == 0 and r.top_stories == ()
    assert "Không có tin giáo dục nào" in report_html(r)


@pytest.mark.parametrize(
    ("kwargs", "start", "end", "label"),
    [
        ({"preset": "week"}, "2026-11-23", "2026-11-30", "tuần 23/11/2026 – 29/11/2026"),
        ({"preset": "month"}, "2026-11-01", "2026-12-01", "tháng 11/2026"),
        ({"preset": "school-year"}, "2026-09-01", "2027-09-01", "năm học 2026-2027"),
        ({}, "2026-11-01", "2026-12-01", "tháng 11/2026"),
        ({"school_year_spec": "2024-2025"}, "2024-09-01", "2025-09-01", "năm học 2024-2025"),
        (
            {"start": "2025-09-05", "end": "2025-09-30"},
            "2025-09-05",
            "2025-10-01",
            "từ 05/09/2025 đến 30/09/2025",
        ),
    ],
)
def test_periods(kwargs, start, end, label):
    period = periods.resolve_period(today=date(2026, 11, 28), **kwargs)
    assert period.start == f"{start}T00:00:00+07:00"
    assert period.end == f"{end}T00:00:00+07:00"
    assert period.label == label


def test_school_year_in_august_is_the_one_ending():
    assert periods.school_year(today=date(2026, 8, 31)).label == "năm học 2025-2026"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_self_contained_with_svg_charts(db):
    store_title = "Tin <script>alert(1)</script> & [bold]x[/bold]"
    db.execute("update articles set title = ? where id = 4", [store_title])
    html = report_html(report.build_report(db.conn, YEAR))
    parser = _Collector()
    parser.feed(html)
    assert parser.tags.count("svg") == 2
    assert "script" not in parser.tags  # the title's <script> is text, not a tag
    text = "".join(parser.text)
    assert store_title in text
    assert (
        "7 tin giáo dục (trong 7 bài đã đọc); 5 tin về địa phương (71,4%); 2 tin cần lưu ý "
        "(28,6%)." in text
    )
    assert SO in text and "09/2025" in text
    assert "http" not in html.split("<body>")[0]  # no external stylesheet or script
    assert "<polyline" in html and html.count("<rect") == 2  # one bar per unit


def test_terminal_report_shows_bars_month_line_and_escaped_titles(db):
    db.execute("update articles set title = '[bold]Đậm[/bold] tin' where id = 1")
    buffer = io.StringIO()
    print_report(
        Console(file=buffer, width=120, color_system=None), report.build_report(db.conn, YEAR)
    )
    out = buffer.getvalue()
    assert "[bold]Đậm[/bold] tin" in out
    assert "Theo tháng" in out and "10/25" in out
    assert "Trung ương" in out and "█" in out


def test_json_report(year_report):
    import json

    data = json.loads(report_json(year_report))
    assert data["totals"] == {
        "articles": 7,
        "alerts": 2,
        "alert_share": 0.2857,
        "local": 5,
        "local_share": 0.7143,
        "all_articles": 7,
    }
    assert data["by_unit"][0] == {
        "unit": SO,
        "label": SO,
        "articles": 4,
        "alerts": 1,
        "kind": "",
        "local": 4,
    }
    february = next(m for m in data["by_month"] if m["month"] == "2026-02")
    assert february == {
        "month": "2026-02",
        "label": "2026-02",
        "articles": 0,
        "alerts": 0,
        "local": 0,
        "missing": True,
    }


def test_png_report_is_a_png_image(year_report):
    data = report_png(year_report)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width > 600


def _coverage_from_articles(db):
    return sorted(
        db.execute(
            "select substr(published, 1, 10), outlet, source, edu, alert, local, units, themes, "
            "count(*) from articles group by 1, 2, 3, 4, 5, 6, 7, 8"
        ).fetchall()
    )


def test_coverage_and_tags_follow_inserts_rematches_and_deletes(db):
    def coverage():
        return sorted(db.execute("select * from coverage").fetchall())

    assert coverage() == _coverage_from_articles(db)
    db.execute("update articles set units = ?, local = 0 where id = 2", [f'["{LHP}"]'])
    db.execute("update articles set alert = 1 where id = 7")
    db.execute("delete from hits where article_id = 5")
    db.execute("delete from articles where id = 5")
    assert coverage() == _coverage_from_articles(db)
    tags = db.execute(
        "select kind, name from article_tags where article_id = 2 order by kind, name"
    ).fetchall()
    assert tags == [("theme", "tuyen_sinh"), ("unit", LHP)]
    assert db.execute("select count(*) from article_tags where article_id = 5").fetchone() == (0,)
    r = report.build_report(db.conn, YEAR)
    assert (r.articles, r.alerts) == (6, 2)


def test_hour_bounds_count_from_the_articles(db):
    # 2025-10-12 10:00 splits the two tuyển sinh articles of that morning.
    period = periods.resolve_period(start="2025-10-12T10:00+07:00", end="2025-12-31")
    r = report.build_report(db.conn, period)
    assert r.articles == 3
    assert [c.name for c in r.by_month] == ["2025-10", "2025-11", "2025-12"]


def test_theme_display_names(db):
    r = report.build_report(db.conn, YEAR, theme_names={"tuyen_sinh": "Thi cử, tuyển sinh"})
    assert r.by_theme[0].shown == "Thi cử, tuyển sinh" and r.by_theme[0].name == "tuyen_sinh"
    assert r.as_json()["by_theme"][0] == {
        "theme": "tuyen_sinh",
        "label": "Thi cử, tuyển sinh",
        "articles": 3,
        "alerts": 0,
    }
    assert "Thi cử, tuyển sinh" in report_html(r)


def _tags_from_articles(db):
    return sorted(
        db.execute(
            "select a.id, 'unit', j.value, a.published from articles a, json_each(a.units) j "
            "union all select a.id, 'theme', j.value, a.published "
            "from articles a, json_each(a.themes) j"
        ).fetchall()
    )


def test_stored_batches_keep_tags_and_counts_exact(db):
    """Counts of a key already present grow; a repeated URL counts once; tags follow."""
    first = db.execute("select outlet, source, published from articles where id = 1").fetchone()
    outlet, source, published = first
    twins = [
        Article(
            url=f"http://127.0.0.1/bai/lo-{i}",
            title=f"Trường học ở Ninh Bình chuẩn bị ứng phó mưa lũ, bài {i}",
            outlet=outlet,
            published=datetime.fromisoformat(published),
            source=source,
        )
        for i in range(3)
    ]
    match = MatchResult(True, True, False, units=(LHP,), themes=("co_so_vat_chat",))
    for batch in (twins[:2], twins[1:]):  # the second batch repeats lo-1
        with db.atomic():
            stored = store.store_articles(db, [(a, match) for a in batch], seen="x")
    assert stored.articles_new == 1
    assert sorted(db.execute("select * from coverage").fetchall()) == _coverage_from_articles(db)
    rows = db.execute("select article_id, kind, name, published from article_tags").fetchall()
    assert sorted(rows) == _tags_from_articles(db)
    assert db.execute(
        "select count(*) from article_tags where name = 'co_so_vat_chat'"
    ).fetchone() == (3,)
