"""Search reads Vietnamese words: syllables typed together are found side by side and in
order, a star makes one syllable a prefix, and a search that finds nothing (or looks
mistyped) says what was searched and suggests a query that finds something."""

from __future__ import annotations

import pytest

from dumon.output import search
from dumon.storage import migrations, query, sqlitefile
from support.store import Doc

DOCS = (
    Doc("Phụ huynh phản ánh lạm thu đầu năm học", "Báo A", "2026-03-01 08:00"),
    Doc("Lạm phát tăng, thu nhập giảm", "Báo A", "2026-03-02 08:00"),
    Doc("Thu phí lạm dụng ở bãi xe", "Báo B", "2026-03-03 08:00"),
    Doc("An ninh Thái Bình Dương được bàn ở hội nghị", "Báo B", "2026-03-04 08:00"),
    Doc("Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10", "Báo A", "2026-03-05 08:00"),
    Doc("Tuyên bố chung của hai nước", "Báo B", "2026-03-06 08:00"),
    Doc("Học sinh Nam Định giành giải nhất", "Báo A", "2026-03-07 08:00"),
    Doc("Năm định hướng của ngành du lịch", "Báo B", "2026-03-08 08:00"),
    Doc("Điểm chuẩn tuyển sinh lớp 10 công bố", "Báo A", "2026-03-09 08:00"),
    Doc("Giáo viên trường làng và học sinh nghèo", "Báo B", "2026-03-10 08:00"),
    Doc("Nhóm ôn thi lop10 trên mạng", "Báo B", "2026-03-11 08:00"),
)


@pytest.fixture
def db(make_store):
    return make_store(DOCS)


def titles(db, text, **kwargs) -> list[str]:
    return [hit.title for hit in search.search(db.conn, text, **kwargs).hits]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lạm thu", ["Phụ huynh phản ánh lạm thu đầu năm học"]),
        ("lam thu", ["Phụ huynh phản ánh lạm thu đầu năm học"]),
        ("Ninh Bình", ["Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10"]),
        (
            "Nam Dinh",
            ["Năm định hướng của ngành du lịch", "Học sinh Nam Định giành giải nhất"],
        ),
        (
            "tuyen sinh lop 10",
            [
                "Điểm chuẩn tuyển sinh lớp 10 công bố",
                "Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10",
            ],
        ),
    ],
)
def test_syllables_typed_together_are_found_side_by_side(db, typed, expected):
    assert titles(db, typed) == expected


def test_operators_and_quotes_keep_their_meaning(db):
    assert titles(db, "lạm AND thu") == [
        "Thu phí lạm dụng ở bãi xe",
        "Lạm phát tăng, thu nhập giảm",
        "Phụ huynh phản ánh lạm thu đầu năm học",
    ]
    assert titles(db, '"lạm" "thu"') == titles(db, "lạm AND thu")
    assert titles(db, "lam thu OR Ninh Binh") == [
        "Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10",
        "Phụ huynh phản ánh lạm thu đầu năm học",
    ]


def test_a_star_makes_one_syllable_a_prefix(db):
    assert titles(db, "tuy* sinh") == [
        "Điểm chuẩn tuyển sinh lớp 10 công bố",
        "Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10",
    ]
    # "tuyen*" alone is a syllable: it finds tuyển and tuyên alike.
    assert "Tuyên bố chung của hai nước" in titles(db, "tuyen*")


def test_what_was_searched_is_said_in_words(db):
    result = search.search(db.conn, "lạm thu", filters=search.Filters(alerts=True))
    assert result.searched == '"lạm thu" (các từ liền nhau, đúng dấu); chỉ tin cần lưu ý'
    assert query.describe(query.parse_query("hoc phi NOT Ha Noi")) == (
        '"hoc phi" (các từ liền nhau, không dấu, khớp mọi cách bỏ dấu) nhưng không có '
        '"ha noi" (các từ liền nhau, không dấu, khớp mọi cách bỏ dấu)'
    )


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("tuyen sinh lop10", "tuyen sinh lop 10"),  # a number glued to a word
        ("tuyensinh lop 10", "tuyen sinh lop 10"),  # a missing space
        ("tuyeen sinh", "tuyen sinh"),  # one wrong letter
        ("giáo viên học sinh nghèo", '"giáo viên" AND "học sinh nghèo"'),  # not side by side
    ],
)
def test_a_search_that_finds_nothing_suggests_one_that_does(db, typed, suggested):
    result = search.search(db.conn, typed)
    assert result.suggestions, result
    best = result.suggestions[0]
    assert best.query == suggested
    assert best.matches >= 1
    assert search.search(db.conn, best.query).hits


def test_a_glued_number_is_suggested_even_when_something_matched(db):
    # "lop10" is written once in the store; "lop 10" finds more.
    result = search.search(db.conn, "lop10")
    assert [h.title for h in result.hits] == ["Nhóm ôn thi lop10 trên mạng"]
    assert [(s.query, s.matches) for s in result.suggestions] == [("lop 10", 2)]


def test_no_suggestion_when_nothing_close_exists(db):
    assert search.search(db.conn, "zzzzqqq").suggestions == ()


def test_the_reader_knows_the_latest_migration():
    assert migrations.latest() == sqlitefile.SCHEMA
