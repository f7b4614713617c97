"""Search of past coverage: accent-insensitivity, phrases, prefixes, operators, filters, syntax
errors, snippets — on the known store of tests/support/store_reading.py."""

from __future__ import annotations

import pytest

from dumon.errors import QueryError
from dumon.output import search
from dumon.storage import query, searching, sqlitefile, store
from support.store_reading import LHP


@pytest.fixture
def db(reading_db):
    database = store.open_db(reading_db)
    yield database
    database.close()


def titles(db, query, **kwargs):
    return {hit.title for hit in search.search(db.conn, query, **kwargs).hits}


def test_accentless_query_finds_accented_text(db):
    found = titles(db, "tuyen sinh lop 10")
    assert found == {
        "Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình",
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
        "Hà Nội công bố chỉ tiêu tuyển sinh lớp 10",
    }


def test_d_without_stroke_finds_đ(db):
    assert titles(db, "duoi nuoc") == {"Học sinh đuối nước khi tắm sông"}
    # "dao tao" finds both the accented "Đào tạo" articles and the accent-less one.
    assert len(titles(db, "dao tao")) == 3


def test_accented_query_matches_as_written_and_accentless_articles_come_last(db):
    # Accented "đào tạo" finds the accented articles first; the article written without any
    # diacritic ("dao tao") can only be matched accent-less, so it comes after them, flagged.
    hits = search.search(db.conn, "đào tạo").hits
    assert [h.accentless for h in hits] == [False, False, True]
    assert hits[-1].title == "Tieu de khong dau: dao tao giao vien"
    assert titles(db, "đuối") == {"Học sinh đuối nước khi tắm sông"}
    hits = search.search(db.conn, "đào tạo giáo viên").hits
    assert [h.accentless for h in hits] == [False, True]


def test_either_tone_style_finds_the_other(db):
    # The text writes "hoá học" and "thuỷ văn" (new style); the old style finds them too.
    hit = {"Trường chuyên Lê Hồng Phong đoạt 12 giải học sinh giỏi quốc gia"}
    assert titles(db, "hóa học") == hit
    assert titles(db, "thủy văn") == hit
    assert titles(db, "hoá học") == hit
    assert titles(db, "hoa hoc") == hit


def test_nfd_and_capitals_in_the_query(db):
    import unicodedata

    assert titles(db, unicodedata.normalize("NFD", "ĐUỐI NƯỚC")) == {
        "Học sinh đuối nước khi tắm sông"
    }


def test_phrase_requires_the_words_in_order(db):
    assert titles(db, '"sinh lop"') == {
        "Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình",
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
        "Hà Nội công bố chỉ tiêu tuyển sinh lớp 10",
        "Học sinh đuối nước khi tắm sông",  # "Một học sinh lớp 8"
    }
    assert titles(db, '"lop sinh"') == set()
    assert titles(db, '"chuyên Lê Hồng Phong"') == {
        "Trường chuyên Lê Hồng Phong đoạt 12 giải học sinh giỏi quốc gia",
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
    }


def test_prefix(db):
    assert titles(db, "khai gi*") == {"Khai giảng năm học mới ở Ninh Bình"}
    assert "Học sinh đuối nước khi tắm sông" in titles(db, "đuố*")


def test_and_or_not_and_parentheses(db):
    assert titles(db, '"tuyen sinh" NOT "ha noi"') == {
        "Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình",
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
    }
    assert titles(db, 'lam thu OR "đuối nước"') == {
        "Phụ huynh phản ánh lạm thu đầu năm ở một trường học",
        "Học sinh đuối nước khi tắm sông",
    }
    assert titles(db, "(lam thu OR duoi nuoc) AND song") == {"Học sinh đuối nước khi tắm sông"}
    assert titles(db, "lam AND thu AND duoi") == set()


def test_operators_in_lower_case_are_words(db):
    # "or" is a plain word here, not an operator: no article holds both "lam thu" and "or".
    assert titles(db, "lam thu or duoi nuoc") == set()


@pytest.mark.parametrize(
    "query",
    [
        '"tuyển sinh',
        "(tuyen sinh",
        "tuyen sinh)",
        "NOT hoc phi",
        "hoc phi NOT",
        "",
        "   ",
        "AND x",
        "x OR",
        "()",
        "&&",
        "x AND OR y",
    ],
)
def test_bad_syntax_is_a_query_error_in_vietnamese(db, query):
    with pytest.raises(QueryError) as caught:
        search.search(db.conn, query)
    assert "Cách sửa" in caught.value.message


def test_fts_keywords_and_specials_in_words_are_searched_as_text(db):
    # NEAR, column filters and stray stars are never passed to FTS5 as syntax.
    for text in ("NEAR(a b)", "title:hoc", "a*b*", "^khai", "'x'", "{title}:x", "-x +y"):
        search.search(db.conn, text)  # no exception


def test_newest_first_and_limit(db):
    hits = search.search(db.conn, '"tuyen sinh"', limit=2).hits
    assert [h.published[:10] for h in hits] == ["2026-03-08", "2025-10-12"]


def test_relevance_order_puts_title_matches_first(db):
    hits = search.search(db.conn, "hoa hoc", order="relevance").hits
    assert hits[0].title.startswith("Trường chuyên")
    result = search.search(db.conn, "tuyen sinh", order="relevance")
    assert result.order == "relevance" and not result.fell_back


def test_relevance_falls_back_to_newest_when_the_match_set_is_huge(db, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    result = search.search(db.conn, "tuyen sinh", order="relevance")
    assert result.fell_back and result.order == "newest"
    assert result.hits[0].published.startswith("2026-03-08")


def test_filters(db):
    f = search.Filters
    assert titles(db, '"tuyen sinh"', filters=f(unit="le hong phong")) == {
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026"
    }
    assert titles(db, '"tuyen sinh"', filters=f(outlet="thanh nien")) == {
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
        "Hà Nội công bố chỉ tiêu tuyển sinh lớp 10",
    }
    assert titles(db, '"tuyen sinh"', filters=f(theme="tuyen sinh")) == titles(
        db, "tuyen sinh lop 10"
    )
    assert titles(db, "hoc sinh OR phu huynh", filters=f(alerts=True)) == {
        "Phụ huynh phản ánh lạm thu đầu năm ở một trường học",
        "Học sinh đuối nước khi tắm sông",
    }
    assert titles(db, '"tuyen sinh"', filters=f(local=True)) == {
        "Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình",
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
    }
    for wrong in (f(unit="khong co don vi nay"), f(theme="khong co"), f(outlet="bao la")):
        with pytest.raises(QueryError, match="không khớp tên nào"):
            titles(db, '"tuyen sinh"', filters=wrong)


def test_date_filters_include_the_whole_until_day(db):
    since = search.parse_bound("2025-10-12")
    until = search.parse_bound("2025-10-12", end=True)
    found = titles(db, '"tuyen sinh"', filters=search.Filters(since=since, until=until))
    assert len(found) == 2
    until = search.parse_bound("2025-10-12T10:00+07:00")
    found = titles(db, '"tuyen sinh"', filters=search.Filters(since=since, until=until))
    assert found == {"Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình"}
    # A UTC datetime is the same moment: 03:00Z = 10:00 in Vietnam.
    assert search.parse_bound("2025-10-12T03:00Z") == "2025-10-12T10:00:00+07:00"


def test_bad_date_is_a_query_error():
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        search.parse_bound("12/10/2025")


def test_snippet_marks_the_matched_words(db):
    hit = search.search(db.conn, '"đuối nước"').hits[0]
    assert hit.snippet_text.count("«đuối» «nước»") == 2
    hit = search.search(db.conn, "hoa hoc").hits[0]
    assert "«hoá» «học»" in hit.snippet_text


def test_snippet_marks_a_phrase_only_where_it_occurs(db):
    hit = next(h for h in search.search(db.conn, '"sinh lop 10"').hits if "Hà Nội" in h.title)
    # "học sinh vào lớp 10" holds the words but not the phrase; the title holds the phrase.
    assert (
        "«"
        not in search.make_snippet(
            "học sinh vào lớp 10", query.compile_query('"sinh lop 10"').terms
        )[0][0]
    )
    assert "«sinh» «lớp» «10»" in hit.snippet_text


def test_long_text_snippet_is_a_window_around_the_match():
    text = " ".join(["chữ"] * 100) + " lạm thu " + " ".join(["đuôi"] * 100)
    snippet = search.make_snippet(text, query.compile_query("lam thu").terms)
    joined = "".join(t for t, _ in snippet)
    assert joined.startswith("…") and joined.endswith("…")
    assert len(joined.split()) <= search.SNIPPET_WORDS + 2
    assert ("lạm", True) in snippet


def test_units_come_back_as_lists(db):
    hit = search.search(db.conn, "12 giai").hits[0]
    assert hit.units == (LHP,)
    assert hit.as_json()["units"] == [LHP]


def test_an_older_database_is_migrated_before_reading(reading_db):
    import sqlite3

    conn = sqlite3.connect(reading_db)  # back to the schema before the reading tables
    for statement in (
        "drop view incident_timeline",
        "drop table incident_build",
        "drop table incident_events",
        "drop table incident_articles",
        "drop table incidents",
        "drop table marks",
        "drop trigger articles_reading_au",
        "drop trigger articles_reading_ad",
        "drop table article_tags",
        "drop table coverage",
        "drop index idx_articles_notable",
        "drop index idx_articles_undated",
        "alter table articles drop column scope",
        "drop index idx_articles_key",
        "drop index idx_articles_content",
        "drop index idx_articles_units",
        "drop index idx_articles_themes",
        "drop index idx_articles_flags",
        "alter table articles drop column article_key",
        "delete from _dumon_migrations where name > 'm002'",
    ):
        conn.execute(statement)
    conn.commit()
    conn.close()
    reader = sqlitefile.open_reader(reading_db)
    try:
        found = search.search(reader, "tuyen sinh", filters=search.Filters(unit="le hong"))
    finally:
        reader.close()
    assert {h.title for h in found.hits} >= {"Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026"}


def test_the_reader_reads_but_cannot_write(reading_db):
    import sqlite3

    reader = sqlitefile.open_reader(reading_db)
    try:
        assert reader.execute("select count(*) from articles").fetchone()[0] > 0
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("delete from articles")
    finally:
        reader.close()


def test_terminal_rendering_keeps_markup_as_text(db):
    import io

    from rich.console import Console

    from dumon.render.search_view import print_search

    buffer = io.StringIO()
    print_search(
        Console(file=buffer, width=100, color_system=None), search.search(db.conn, "script")
    )
    out = buffer.getvalue()
    assert "[bold]đậm[/bold]" in out and "<script>alert(1)</script>" in out
    assert "http://127.0.0.1/bai/8" in out


def test_i_and_y_spellings_find_each_other(db):
    from datetime import datetime

    from dumon.models import Article
    from dumon.vntime import VN_TZ

    article = Article(
        url="http://127.0.0.1/bai/ky",
        title="Rèn kỹ năng sống cho học sinh",
        outlet="VnExpress",
        published=datetime(2026, 4, 1, 8, tzinfo=VN_TZ),
    )
    with db.atomic():
        store.store_articles(db, [(article, None)], seen="2026-04-01T08:00:00+07:00")
    for text in ("kĩ năng", "kỹ năng", "ky nang", '"kĩ năng sống"'):
        assert titles(db, text) == {"Rèn kỹ năng sống cho học sinh"}, text


def test_walking_the_date_index_gives_the_same_page(db, monkeypatch):
    filters = search.Filters(until=search.parse_bound("2026-01-31", end=True))
    expected = [h.url for h in search.search(db.conn, "hoc OR sinh", filters=filters, limit=3).hits]
    monkeypatch.setattr(searching, "WALK_MIN", 1)  # the strategy for common words
    assert [
        h.url for h in search.search(db.conn, "hoc OR sinh", filters=filters, limit=3).hits
    ] == (expected)
    assert len(expected) == 3
