"""The digest: window, selection, sections and their order, sources, and `dumon digest`."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.errors import QueryError
from dumon.models import SourceOutcome
from dumon.output.digest import Editorial, build_digest, make_excerpt
from dumon.output.ranking import Signal
from dumon.output.window import resolve_window
from dumon.render.digest_html import render_html
from dumon.render.digest_json import render_json
from dumon.render.digest_markdown import render_markdown
from dumon.render.digest_text import render_text
from dumon.settings import Settings
from dumon.vntime import VN_TZ
from support.store import Doc, add_run, add_source, vn

SO = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"
LHP = "Trường THPT chuyên Lê Hồng Phong"
MORNING = "2026-11-28"
NATIONAL_TITLES = (
    "Hà Nội tuyển thêm 2.000 giáo viên mầm non",
    "TP.HCM thí điểm dạy tiếng Anh bằng trí tuệ nhân tạo",
    "Đà Nẵng xây mới 12 trường tiểu học",
    "Sinh viên y khoa được miễn học phí năm đầu",
    "Bộ trưởng đối thoại với nhà giáo trẻ",
    "Trường đại học công bố đề án tự chủ",
    "Học bổng du học Nhật Bản mở đơn",
    "Cần Thơ thiếu phòng học cho lớp một",
    "Sách giáo khoa điện tử dùng thử ở miền núi",
    "Huế khen thưởng thủ khoa kỳ thi quốc gia",
    "Quảng Ninh đưa bơi lội vào chương trình chính khóa",
    "Giảng viên trẻ nhận giải thưởng khoa học",
    "Kỳ thi đánh giá năng lực mở thêm điểm thi",
    "Lâm Đồng hỗ trợ bữa trưa cho học sinh vùng cao",
    "Nghệ An sắp xếp lại trường lớp sau sáp nhập",
    "Thư viện số phục vụ học sinh nông thôn",
    "Bình Dương tuyển sinh đầu cấp trực tuyến",
    "Hải Phòng thí điểm học bạ số",
)


def morning():
    return resolve_window(on=MORNING)


# --- window --------------------------------------------------------------------------------


def test_default_window_is_seven_yesterday_to_seven_today_vietnam_time():
    now = datetime(2026, 11, 28, 1, 30, tzinfo=VN_TZ.utcoffset(None) and VN_TZ)
    window = resolve_window(now=now)
    assert (window.start_iso, window.end_iso) == (
        "2026-11-27T07:00:00+07:00",
        "2026-11-28T07:00:00+07:00",
    )


def test_digest_hour_and_date_choose_another_morning():
    window = resolve_window(on="2026-03-02", hour=6)
    assert (window.start_iso, window.end_iso) == (
        "2026-03-01T06:00:00+07:00",
        "2026-03-02T06:00:00+07:00",
    )


@pytest.mark.parametrize(
    ("since", "until", "start", "end"),
    [
        ("2026-11-01", "2026-11-07", "2026-11-01T00:00:00+07:00", "2026-11-08T00:00:00+07:00"),
        (
            "2026-11-27T12:30",
            "2026-11-28T12:30",
            "2026-11-27T12:30:00+07:00",
            "2026-11-28T12:30:00+07:00",
        ),
        (
            "2026-11-27T00:00:00Z",
            "2026-11-27T12:00:00+00:00",
            "2026-11-27T07:00:00+07:00",
            "2026-11-27T19:00:00+07:00",
        ),
    ],
)
def test_since_until_accept_dates_and_datetimes_with_or_without_offset(since, until, start, end):
    window = resolve_window(since=since, until=until)
    assert (window.start_iso, window.end_iso) == (start, end)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"on": "28/11/2026"},
        {"since": "hôm qua"},
        {"since": "2026-11-28", "until": "2026-11-27"},
        {"on": "2026-11-28", "since": "2026-11-27"},
    ],
)
def test_bad_window_values_raise_a_vietnamese_query_error(kwargs):
    with pytest.raises(QueryError) as caught:
        resolve_window(**kwargs)
    assert "Cách sửa" in caught.value.message


def test_window_boundaries_at_seven_oclock(make_store):
    db = make_store(
        [
            Doc("Bài lúc 06:59 sáng nay", "A", "2026-11-28 06:59", themes=("t",)),
            Doc("Bài lúc 07:00 sáng nay", "A", "2026-11-28 07:00", themes=("t",)),
            Doc("Bài lúc 07:00 hôm qua", "A", "2026-11-27 07:00", themes=("t",)),
            Doc("Bài lúc 06:59 hôm qua", "A", "2026-11-27 06:59", themes=("t",)),
            Doc(
                "Bài không có giờ đăng, thấy lúc 20:00",
                "B",
                None,
                seen="2026-11-27 20:00",
                themes=("t",),
            ),
            Doc("Bài không liên quan giáo dục", "C", "2026-11-27 12:00", edu=False),
        ]
    )
    digest = build_digest(db.conn, morning())
    assert sorted(s.title for s in digest.stories) == [
        "Bài không có giờ đăng, thấy lúc 20:00",
        "Bài lúc 06:59 sáng nay",
        "Bài lúc 07:00 hôm qua",
    ]


# --- sections ------------------------------------------------------------------------------


def _day_store(make_store):
    return make_store(
        [
            Doc(
                "Phụ huynh phản ánh lạm thu ở một trường tiểu học",
                "Báo Ninh Bình",
                "2026-11-27 09:00",
                units=(SO,),
                alerts=("lam-thu",),
                severity=2,
            ),
            Doc(
                "Học sinh đuối nước khi tắm sông ở Nghĩa Hưng",
                "VnExpress",
                "2026-11-27 10:00",
                summary="Một học sinh lớp 7 bị đuối nước chiều qua.",
                units=(SO,),
                alerts=("duoi-nuoc",),
                severity=3,
            ),
            Doc(
                "Cô giáo ở Hà Giang bị tố đánh học sinh",
                "Tuổi Trẻ",
                "2026-11-27 08:00",
                themes=("bao-luc",),
                alerts=("bao-luc",),
                severity=3,
            ),
            Doc(
                "Chuyên Lê Hồng Phong giành 5 huy chương olympic quốc tế",
                "Thanh Niên",
                "2026-11-27 11:00",
                units=(LHP,),
                themes=("hoc-sinh-gioi",),
            ),
            Doc(
                "Trường chuyên Lê Hồng Phong đón đoàn học sinh đạt giải quốc tế",
                "VTV",
                "2026-11-27 16:00",
                units=(LHP,),
                themes=("hoc-sinh-gioi",),
            ),
            Doc(
                "Sở GDĐT Ninh Bình hướng dẫn dạy thêm, học thêm",
                "Báo Ninh Bình",
                "2026-11-27 13:00",
                units=(SO,),
                themes=("day-them",),
            ),
            Doc(
                "Hội thi giáo viên dạy giỏi cấp tỉnh khai mạc",
                "Báo Ninh Bình",
                "2026-11-27 14:00",
                local=True,
                themes=("giao-vien",),
            ),
        ]
        + [
            Doc(title, "Dân trí", f"2026-11-27 {8 + n % 12:02d}:30", themes=("chung",))
            for n, title in enumerate(NATIONAL_TITLES)
        ]
        + [
            Doc(
                "Bộ GDĐT công bố dự thảo quy chế thi tốt nghiệp THPT 2027",
                "VnExpress",
                "2026-11-27 07:30",
                themes=("thi-cu",),
            ),
            Doc(
                "Bộ GD&ĐT công bố dự thảo quy chế thi tốt nghiệp THPT năm 2027",
                "Tuổi Trẻ",
                "2026-11-27 08:10",
                themes=("thi-cu",),
            ),
        ]
    )


def test_alerts_put_the_province_first_then_the_most_severe(make_store):
    digest = build_digest(_day_store(make_store).conn, morning())
    assert [s.title for s in digest.alerts] == [
        "Học sinh đuối nước khi tắm sông ở Nghĩa Hưng",  # severity 3, local
        "Phụ huynh phản ánh lạm thu ở một trường tiểu học",  # severity 2, local
        "Cô giáo ở Hà Giang bị tố đánh học sinh",  # severity 3, elsewhere
    ]
    assert digest.overview.alerts == 3
    # section III points to the province's incidents instead of hiding them
    assert [s.title for s in digest.local_alerts] == [
        "Học sinh đuối nước khi tắm sông ở Nghĩa Hưng",
        "Phụ huynh phản ánh lạm thu ở một trường tiểu học",
    ]


def test_local_stories_are_grouped_by_unit_then_theme(make_store):
    editorial = Editorial({"giao-vien": "Đội ngũ giáo viên"}, {})
    digest = build_digest(_day_store(make_store).conn, morning(), editorial=editorial)
    groups = [(g.name, [s.title for s in g.stories]) for g in digest.local_groups]
    assert groups == [
        (SO, ["Sở GDĐT Ninh Bình hướng dẫn dạy thêm, học thêm"]),
        (LHP, ["Chuyên Lê Hồng Phong giành 5 huy chương olympic quốc tế"]),
        ("Đội ngũ giáo viên", ["Hội thi giáo viên dạy giỏi cấp tỉnh khai mạc"]),
    ]
    # the school's two stories of the same medals are one story, the later one a copy
    (medals,) = digest.local_groups[1].stories
    assert [c.outlet for c in medals.also_in] == ["VTV"]


def test_national_section_is_capped_and_led_by_the_most_covered_story(make_store):
    digest = build_digest(
        _day_store(make_store).conn, morning(), settings=Settings(national_limit=15)
    )
    assert len(digest.national) == 15
    assert digest.national_more == 19 - 15
    lead = digest.national[0]
    assert lead.title == "Bộ GDĐT công bố dự thảo quy chế thi tốt nghiệp THPT 2027"
    assert [(c.outlet) for c in lead.also_in] == ["Tuổi Trẻ"]


def test_story_carries_excerpt_units_theme_names_and_copies(make_store):
    editorial = Editorial({"duoi-nuoc": "Đuối nước", "bao-luc": "Bạo lực"}, {})
    digest = build_digest(_day_store(make_store).conn, morning(), editorial=editorial)
    drowning = digest.alerts[0]
    assert drowning.excerpt == "Một học sinh lớp 7 bị đuối nước chiều qua."
    assert drowning.units == (SO,)
    assert drowning.alerts == ("Đuối nước",)
    assert drowning.published == vn("2026-11-27 10:00")
    (violence,) = [s for s in digest.alerts if s.title.startswith("Cô giáo ở Hà Giang")]
    assert violence.themes == ("Bạo lực",)


def test_empty_window_is_empty(make_store):
    digest = build_digest(make_store([]).conn, morning())
    assert digest.empty and digest.stories == ()


def test_excerpt_is_the_lead_cut_on_a_word_boundary():
    body = "Câu thứ nhất của bài. " + "Một câu rất dài " * 40
    assert make_excerpt("", body) == "Câu thứ nhất của bài."
    long_summary = "chữ " * 100
    cut = make_excerpt(long_summary, "", limit=50)
    assert cut.endswith("chữ…") and len(cut) <= 51
    assert make_excerpt("Tiêu đề", "Thân bài.", title="Tiêu đề") == "Thân bài."


# --- sources -------------------------------------------------------------------------------


def test_sources_section_lists_failed_silent_and_disabled_sources(make_store):
    db = make_store([])
    add_source(
        db,
        "tot",
        "Báo Tốt",
        last_success="2026-11-28T06:00:00+07:00",
        last_new_article="2026-11-28T06:00:00+07:00",
        status="ok",
    )
    add_source(
        db,
        "hong",
        "Báo Hỏng",
        failing_since="2026-11-27T12:00:00+07:00",
        consecutive_failures=3,
        status="failing",
        last_error="HTTP 503",
        last_success="2026-11-20T06:00:00+07:00",
    )
    add_source(
        db,
        "im",
        "Báo Im",
        status="unchanged",
        last_success="2026-11-28T06:00:00+07:00",
        last_new_article="2026-11-10T06:00:00+07:00",
    )
    add_source(
        db,
        "tat",
        "Báo Tắt",
        disabled_at="2026-11-01T00:00:00+07:00",
        last_error="không tìm thấy (404)",
    )
    add_run(
        db,
        "2026-11-27 12:00",
        [SourceOutcome("hong", "failed", error="HTTP 503"), SourceOutcome("tot", "ok")],
    )
    add_run(db, "2026-11-27 18:00", [SourceOutcome("hong", "failed", error="HTTP 502")])
    issues = build_digest(db.conn, morning()).sources
    assert [(i.name, i.problem) for i in issues] == [
        ("hong", "failed"),
        ("tat", "disabled"),
        ("im", "silent"),
    ]
    assert "lỗi 2 lần" in issues[0].detail and "HTTP 502" in issues[0].detail
    assert "10/11/2026" in issues[2].detail
    recovered = [SourceOutcome("tot", "failed", error="hết thời gian chờ")]
    add_run(db, "2026-11-27 20:00", recovered)
    issues = build_digest(db.conn, morning()).sources
    [tot] = [i for i in issues if i.name == "tot"]
    assert tot.problem == "failed" and "nay đã đọc lại được" in tot.detail


# --- the command ---------------------------------------------------------------------------


def test_cli_json_follows_the_contract_and_keeps_a_copy(make_store, isolated_home):
    _day_store(make_store)
    result = CliRunner().invoke(app, ["digest", "--date", MORNING, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["window"] == {
        "start": "2026-11-27T07:00:00+07:00",
        "end": "2026-11-28T07:00:00+07:00",
    }
    first = data["stories"][0]
    assert set(first) >= {
        "title",
        "url",
        "outlet",
        "published",
        "edu",
        "local",
        "alert",
        "severity",
        "units",
        "themes",
        "also_in",
    }
    assert first["title"] == "Học sinh đuối nước khi tắm sông ở Nghĩa Hưng"
    assert first["published"] == "2026-11-27T10:00:00+07:00"
    assert (first["alert"], first["local"], first["severity"]) == (True, True, 3)
    copies = [s["also_in"] for s in data["stories"] if s["also_in"]]
    assert copies and set(copies[0][0]) == {"outlet", "url"}
    assert isinstance(data["sources"], list)
    saved = isolated_home / "digests" / "2026-11-28.json"
    assert json.loads(saved.read_text(encoding="utf-8")) == data


def test_cli_output_file_takes_its_format_from_the_suffix(make_store, tmp_path):
    _day_store(make_store)
    target = tmp_path / "diem-tin.html"
    result = CliRunner().invoke(app, ["digest", "--date", MORNING, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(target) in result.stdout


def test_cli_default_is_plain_text_when_not_on_a_terminal(make_store):
    make_store([])
    result = CliRunner().invoke(app, ["digest", "--date", MORNING])
    assert result.exit_code == 0
    assert "Không có tin nào trong khoảng từ 07:00 ngày 27/11/2026" in result.stdout
    assert "\x1b[" not in result.stdout


def test_cli_digest_of_a_desk_never_scanned_is_empty_and_lays_its_database(isolated_home):
    result = CliRunner().invoke(app, ["digest", "--date", MORNING])
    assert result.exit_code == 0, result.output
    assert "Không có tin nào trong khoảng từ 07:00 ngày 27/11/2026" in result.stdout
    assert (isolated_home / "dumon.db").is_file()


def test_cli_bad_date_is_a_clear_error_not_a_traceback(make_store):
    make_store([])
    result = CliRunner().invoke(app, ["digest", "--since", "28/11/2026"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: Không hiểu thời điểm bắt đầu")
    assert "Traceback" not in result.output


def test_make_digest_reads_settings_and_theme_names_from_the_desk(make_store, isolated_home):
    from dumon.desk import resolve_home
    from dumon.output.digest import make_digest

    make_store(
        [
            Doc(
                "Tuyển sinh lớp 10: thêm chỉ tiêu trường chuyên",
                "Báo Ninh Bình",
                "2026-11-27 06:30",
                themes=("tuyen-sinh",),
            ),
            Doc(
                "Học sinh đuối nước ở Nghĩa Hưng",
                "VnExpress",
                "2026-11-28 05:00",
                alerts=("duoi-nuoc",),
                severity=3,
                edu=False,
            ),
        ]
    )
    keywords = isolated_home / "keywords"
    keywords.mkdir()
    (keywords / "themes.yaml").write_text(
        'themes:\n  - key: tuyen-sinh\n    name: "Thi cử, tuyển sinh"\n'
        '    strong: ["tuyển sinh lớp 10"]\n',
        encoding="utf-8",
    )
    (keywords / "alerts.yaml").write_text(
        'alerts:\n  - key: duoi-nuoc\n    name: "Đuối nước"\n    severity: 3\n'
        '    terms: ["đuối nước"]\n',
        encoding="utf-8",
    )
    (isolated_home / "settings.yaml").write_text(
        "department: Sở GDĐT thử nghiệm\ndigest_hour: 6\n", encoding="utf-8"
    )
    digest = make_digest(resolve_home(), on=MORNING)
    assert digest.department == "Sở GDĐT thử nghiệm"
    assert digest.window.start_iso == "2026-11-27T06:00:00+07:00"
    assert digest.national[0].themes == ("Thi cử, tuyển sinh",)
    assert digest.alerts[0].alerts == ("Đuối nước",)


def test_cli_docx_goes_to_the_digests_folder(make_store, isolated_home):
    make_store([])
    result = CliRunner().invoke(app, ["digest", "--date", MORNING, "--format", "docx"])
    assert result.exit_code == 0, result.output
    saved = isolated_home / "digests" / "2026-11-28.docx"
    assert saved.read_bytes()[:2] == b"PK"  # a zip: the .docx container
    assert str(saved) in result.stdout


def test_cli_custom_window_copy_is_named_by_its_bounds(make_store, isolated_home):
    make_store([Doc("Tin thử", "A", "2026-11-20 10:00", themes=("t",))])
    result = CliRunner().invoke(
        app, ["digest", "--since", "2026-11-20", "--until", "2026-11-21", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    assert "Từ ngày 20/11/2026 đến ngày 21/11/2026" in result.stdout
    assert (isolated_home / "digests" / "2026-11-20T0000_2026-11-22T0000.md").is_file()


def test_cli_terminal_format_prints_the_sections(make_store):
    make_store([Doc("Tin [bold]thử[/bold]", "A", "2026-11-27 10:00", themes=("t",))])
    result = CliRunner().invoke(app, ["digest", "--date", MORNING, "--format", "terminal"])
    assert result.exit_code == 0, result.output
    assert "IV. Tin giáo dục toàn quốc" in result.stdout
    assert "Tin [bold]thử[/bold]" in result.stdout


# --------------------------------------------------------------- what the reader is shown

BOOK = Editorial(
    {},
    {
        "bo-gddt": Signal("Bộ GDĐT", "actor", 3),
        "van-ban": Signal("Văn bản, chính sách", "act", 2),
        "quang-cao": Signal("Quảng cáo, tài trợ", "soft", 2),
        "tong-hop": Signal("Bản tin tổng hợp", "roundup", 1),
    },
    roundups=("xem nhanh",),
)


def national(title, outlet="Dân trí", when="2026-11-27 09:00", **kw):
    return Doc(title, outlet, when, themes=("chung",), **kw)


def test_national_stories_are_ranked_by_who_acts_and_explained(make_store):
    db = make_store(
        [
            national("Học sinh một trường ở Cà Mau trồng cây xanh", scope="province"),
            national(
                "Bộ GDĐT ban hành thông tư mới về đánh giá học sinh",
                signals=(("bo-gddt", "title"), ("van-ban", "title")),
            ),
            national("Nhiều địa phương chuẩn bị khai giảng năm học mới"),
        ]
    )
    digest = build_digest(db.conn, morning(), editorial=BOOK, explain=True)
    titles = [s.title for s in digest.national]
    assert titles[0] == "Bộ GDĐT ban hành thông tư mới về đánh giá học sinh"
    assert titles[-1] == "Học sinh một trường ở Cà Mau trồng cây xanh"  # one province only
    lead = digest.national[0]
    assert "Bộ GDĐT ở tiêu đề +6" in lead.why and lead.importance > digest.national[1].importance
    text = render_text(digest)
    assert "Vì sao: điểm" in text and "Bộ GDĐT ở tiêu đề +6" in text


def test_what_the_limit_leaves_out_is_listed_with_links_in_every_format(make_store):
    titles = (
        "Đại học Cần Thơ mở ngành kỹ thuật biển",
        "Thủ khoa khối A năm nay là nữ sinh vùng cao",
        "Giáo viên vùng lũ nhận quà từ bạn đọc",
        "Khai trương thư viện xanh cho học sinh tiểu học",
        "Sinh viên sư phạm thực tập tại trường dân tộc nội trú",
    )
    docs = [national(title) for title in titles]
    digest = build_digest(
        make_store(docs).conn, morning(), editorial=BOOK, settings=Settings(national_limit=3)
    )
    assert len(digest.national) == 3 and digest.national_more == 2
    assert [c.reason for c in digest.cut] == ["limit", "limit"]
    left_out = {c.story.title for c in digest.cut}
    for rendered in (render_text(digest), render_markdown(digest), render_html(digest)):
        assert "Phụ lục: Tin khác" in rendered
        assert all(title in rendered for title in left_out)
    data = json.loads(render_json(digest))
    assert {c["title"] for c in data["cut"]} == left_out
    assert all(c["section"] == "cut" and c["url"] for c in data["cut"])
    assert not left_out & {s["title"] for s in data["stories"]}


def test_advertorials_and_stories_abroad_are_not_shown_but_listed(make_store):
    db = make_store(
        [
            national("Trường quốc tế X tặng học bổng đến 100%", signals=(("quang-cao", "title"),)),
            national("Học sinh Nhật Bản đi học bằng tàu điện", scope="abroad"),
            national("Bộ GDĐT hướng dẫn năm học mới", signals=(("bo-gddt", "title"),)),
        ]
    )
    digest = build_digest(db.conn, morning(), editorial=BOOK)
    assert [s.title for s in digest.national] == ["Bộ GDĐT hướng dẫn năm học mới"]
    assert {(c.story.title, c.reason) for c in digest.cut} == {
        ("Trường quốc tế X tặng học bổng đến 100%", "soft"),
        ("Học sinh Nhật Bản đi học bằng tàu điện", "abroad"),
    }


def test_a_roundup_joins_the_story_it_leads_with(make_store):
    db = make_store(
        [
            Doc(
                "Cho thôi chức chủ tịch hội đồng Trường THPT Tô Hiến Thành sau clip phản cảm",
                "Thanh Niên",
                "2026-11-27 10:00",
                summary="Hội đồng trường THPT Tô Hiến Thành họp, cho thôi chức ông Nguyễn Văn Đạt.",
                units=(SO,),
                alerts=("giao-vien",),
                severity=2,
            ),
            Doc(
                "Xem nhanh 20h: Thôi chức chủ tịch hội đồng Trường Tô Hiến Thành | Giá vàng tăng",
                "Thanh Niên",
                "2026-11-27 20:00",
                summary="Xem nhanh 20h có: Cho thôi chức chủ tịch hội đồng Trường THPT Tô Hiến "
                "Thành đối với ông Nguyễn Văn Đạt; giá vàng tăng mạnh; bão số 15.",
                edu=False,
            ),
        ]
    )
    digest = build_digest(db.conn, morning(), editorial=BOOK)
    (story,) = digest.stories
    assert story.title.startswith("Cho thôi chức")  # the roundup is never the lead
    assert [c.outlet for c in story.also_in] == ["Thanh Niên"]


def test_a_copy_the_matcher_did_not_keep_joins_the_story_it_copies(make_store):
    db = make_store(
        [
            national(
                "Hai học sinh lớp 3 ở Quảng Trị đuối nước khi tắm suối",
                outlet="Thanh Niên",
                summary="Hai em học sinh lớp 3 đuối nước tử vong khi tắm suối Đakrông chiều qua.",
            ),
            Doc(  # a rewrite the matcher did not keep ("em nhỏ", not "học sinh")
                "Hai em nhỏ lớp 3 ở Quảng Trị chết đuối khi tắm suối",
                "Tuổi Trẻ",
                "2026-11-27 11:00",
                summary="Hai em nhỏ lớp 3 đuối nước tử vong khi tắm suối Đakrông chiều qua.",
                edu=False,
            ),
            Doc("Giá xăng giảm mạnh từ chiều nay", "VnExpress", "2026-11-27 15:00", edu=False),
        ]
    )
    digest = build_digest(db.conn, morning(), editorial=BOOK)
    (story,) = digest.stories
    assert [c.outlet for c in story.also_in] == ["Tuổi Trẻ"]
    assert digest.overview.articles == 1  # the overview counts what the matcher kept


def test_a_local_incident_carried_by_two_outlets_is_urgent(make_store):
    incident = dict(units=(SO,), alerts=("bao-luc",), severity=2)
    db = make_store(
        [
            Doc(
                "Học sinh Nghĩa Hưng bị đánh hội đồng, Sở vào cuộc",
                "VnExpress",
                "2026-11-27 09:00",
                **incident,
            ),
            Doc(
                "Sở vào cuộc vụ học sinh Nghĩa Hưng bị đánh hội đồng",
                "Tuổi Trẻ",
                "2026-11-27 10:00",
                **incident,
            ),
        ]
    )
    (story,) = build_digest(db.conn, morning(), editorial=BOOK).alerts
    assert story.local and story.severity == 3


def test_section_three_points_to_the_local_incidents_of_section_two(make_store):
    digest = build_digest(_day_store(make_store).conn, morning())
    text = render_text(digest)
    section_three = text.split("III. Tin về ngành giáo dục của tỉnh")[1].split("IV.")[0]
    assert "2 tin sự cố của tỉnh ở mục II" in section_three
