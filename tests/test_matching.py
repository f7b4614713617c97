"""The matcher on sentences written for these tests: variants, rules, decisions, spans."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

import pytest

from dumon.matching import Matcher, explain
from dumon.textnorm import normalize, screen_form
from dumon.vntime import VN_TZ
from support.keywords import FIXTURE_KEYWORDS, write_keywords

BEFORE = date(2025, 6, 30)
AFTER = date(2025, 7, 1)


@pytest.fixture
def matcher(fixture_matcher):
    return fixture_matcher


def units(result):
    return list(result.units)


def kinds(result, kind):
    return [h.key for h in result.hits if h.kind == kind]


# ----------------------------------------------------------------------------- variants


@pytest.mark.parametrize(
    "title",
    [
        "Sở GDĐT Nam Định tổ chức hội nghị",
        "Sở GD&ĐT Nam Định tổ chức hội nghị",
        "Sở GD-ĐT Nam Định tổ chức hội nghị",
        "Sở GD và ĐT Nam Định tổ chức hội nghị",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO NAM ĐỊNH tổ chức hội nghị",
        "Sở Giáo dục và Đào tạo tỉnh Nam Định tổ chức hội nghị",
        "Sở Giáo dục và Đào tạo (GD&ĐT) tỉnh Nam Định tổ chức hội nghị",
        unicodedata.normalize("NFD", "Sở Giáo dục và Đào tạo Nam Định tổ chức hội nghị"),
    ],
)
def test_the_department_is_found_however_it_is_written(matcher, title):
    result = matcher.match(title=title, published=BEFORE)
    assert units(result) == ["Sở GDĐT Nam Định"]
    assert result.edu and result.local


def test_both_tone_styles_find_the_same_school(matcher):
    for title in ("Trường THPT Nguyễn Trường Thuý khai giảng", "Trường THPT Nguyễn Trường Thúy"):
        assert units(matcher.match(title=title, published=BEFORE)) == [
            "Trường THPT Nguyễn Trường Thúy"
        ]


def test_a_glossed_abbreviation_inside_a_school_name(matcher):
    result = matcher.match(title="Trường Trung học phổ thông (THPT) A Hải Hậu", published=BEFORE)
    assert units(result) == ["Trường THPT A Hải Hậu"]


def test_letter_before_or_after_the_place(matcher):
    for title in ("Học sinh Trường THPT Hải Hậu A đoạt giải", "Học sinh THPT A Hải Hậu đoạt giải"):
        assert units(matcher.match(title=title, published=BEFORE)) == ["Trường THPT A Hải Hậu"]


def test_spans_point_into_the_original_text_even_when_it_is_nfd(matcher):
    summary = unicodedata.normalize(
        "NFD", "Sáng nay,  Trường THPT  A Hải Hậu (Nam Định) khai giảng."
    )
    result = matcher.match(title="Tin trường", summary=summary, published=BEFORE)
    (unit,) = [h for h in result.hits if h.kind == "unit"]
    assert unit.field == "summary"
    assert normalize(summary[unit.start : unit.end]) == "trường thpt a hải hậu"
    for hit in result.hits:
        assert hit.score == 100.0
        text = {"title": "Tin trường", "summary": summary}[hit.field]
        assert normalize(text[hit.start : hit.end]) == hit.term


# ----------------------------------------------------------------------------- accents


def test_vu_ban_is_not_vũ_bản_in_accented_text(matcher):
    result = matcher.match(title="Học sinh xã Vũ Bản bị đuối nước", published=BEFORE)
    assert kinds(result, "place") == []
    assert result.edu and result.alert and not result.local
    ours = matcher.match(title="Học sinh huyện Vụ Bản bị đuối nước", published=BEFORE)
    assert kinds(ours, "place") == ["huyện Vụ Bản"]
    assert ours.local


def test_lam_thu_is_not_lam_thu_tuc(matcher):
    result = matcher.match(title="Phụ huynh đi làm thủ tục nhập học cho con", published=BEFORE)
    assert kinds(result, "alert") == [] and kinds(result, "theme") == []
    assert kinds(matcher.match(title="Phản ánh lạm thu đầu năm", published=BEFORE), "alert") == [
        "lam-thu"
    ]


def test_text_without_diacritics_matches_folded_but_ranks_below_exact(matcher):
    result = matcher.match(
        title="Hoc sinh truong THPT A Hai Hau bi danh hoi dong", published=BEFORE
    )
    assert units(result) == ["Trường THPT A Hải Hậu"]
    assert result.local and result.alert and result.severity == 3
    folded = [h for h in result.hits if h.kind != "unit" or h.term == "thpt a hải hậu"]
    assert all(h.folded and h.score < 100 for h in folded)


def test_one_wrong_diacritic_in_a_long_school_name_still_matches(matcher):
    result = matcher.match(
        title="Trường THPT Nguyễn Trừơng Thúy có học sinh giỏi", published=BEFORE
    )
    (hit,) = [h for h in result.hits if h.kind == "unit"]
    assert 86 <= hit.score < 100


def test_short_names_never_match_fuzzily(matcher):
    result = matcher.match(title="Trường THPT Nguyễn Dũ, Nam Định khai giảng", published=BEFORE)
    assert units(result) == []


# ----------------------------------------------------------------------------- confusions


def test_thcs_is_not_thpt(matcher):
    assert units(matcher.match(title="Trường THCS A Hải Hậu khai giảng", published=BEFORE)) == []
    assert units(matcher.match(title="Trường THPT Hải Phương, Nam Định", published=BEFORE)) == []


def test_the_ministry_is_not_the_department(matcher):
    result = matcher.match(title="Bộ GD&ĐT công bố điểm chuẩn", published=BEFORE)
    assert units(result) == []


def test_words_are_whole(matcher):
    assert kinds(matcher.match(title="Nam Địnhxyz và học sinh", published=BEFORE), "place") == []
    result = matcher.match(title="Trường THPT Hồ Tùng Mậu ở Nam Định", published=BEFORE)
    assert "Trường Tiểu học Hồ Tùng Mậu" not in units(result)  # TH is not inside THPT
    result = matcher.match(title="Trường TH Hồ Tùng Mậu ở Nam Định", published=BEFORE)
    assert units(result) == ["Trường Tiểu học Hồ Tùng Mậu"]


@pytest.mark.parametrize(
    "title", ["Thị trường bất động sản sôi động", "Bảo vệ môi trường biển", "Trường hợp đặc biệt"]
)
def test_words_ending_in_truong_do_not_make_a_school(matcher, title):
    result = matcher.match(title=title + " và học phí", published=BEFORE)
    assert kinds(result, "theme") == ["chinh-sach"]
    assert not result.edu


def test_the_longer_more_specific_unit_wins_one_span(matcher):
    result = matcher.match(
        title="Học sinh Trường THPT chuyên Lê Hồng Phong đoạt huy chương", published=BEFORE
    )
    assert units(result) == ["Trường THPT chuyên Lê Hồng Phong"]


# ----------------------------------------------------------------------------- rules


def test_a_generic_school_counts_only_with_a_place_of_ours(matcher):
    alone = matcher.match(title="Trường THPT Nguyễn Du khai giảng năm học mới", published=BEFORE)
    assert units(alone) == []
    assert alone.edu and not alone.local
    assert any("tên chung" in line for line in alone.rules)
    ours = matcher.match(title="Trường THPT Nguyễn Du (Nam Định) khai giảng", published=BEFORE)
    assert units(ours) == ["Trường THPT Nguyễn Du"]
    assert ours.local


def test_an_ambiguous_place_anchors_only_with_the_province(matcher):
    alone = matcher.match(
        title="Trường THPT Nguyễn Du ở xã Xuân Trường khai giảng", published=AFTER
    )
    assert units(alone) == [] and not alone.local
    with_province = matcher.match(
        title="Trường THPT Nguyễn Du ở xã Xuân Trường, tỉnh Ninh Bình khai giảng", published=AFTER
    )
    assert units(with_province) == ["Trường THPT Nguyễn Du"]
    assert with_province.local


@pytest.mark.parametrize(
    ("title", "day", "unit"),
    [
        ("Sở GDĐT Nam Định họp về tuyển sinh lớp 10", BEFORE, "Sở GDĐT Nam Định"),
        ("Sở GDĐT Nam Định họp về tuyển sinh lớp 10", AFTER, None),
        ("Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10", BEFORE, None),
        ("Sở GDĐT Ninh Bình họp về tuyển sinh lớp 10", AFTER, "Sở GDĐT Ninh Bình"),
        (
            "Trường THPT Trần Hưng Đạo, Nam Định khai giảng",
            date(2024, 9, 5),
            "Trường THPT A Trần Hưng Đạo",
        ),
        ("Trường THPT Trần Hưng Đạo, Nam Định khai giảng", date(2025, 9, 5), None),
        ("Trường THPT A Trần Hưng Đạo khai giảng", date(2025, 9, 5), "Trường THPT A Trần Hưng Đạo"),
    ],
)
def test_names_have_dates(matcher, title, day, unit):
    result = matcher.match(title=title, published=day)
    assert units(result) == ([unit] if unit else [])


def test_ninh_binh_before_the_merger_is_another_province(matcher):
    result = matcher.match(title="Học sinh Ninh Bình thi tuyển sinh lớp 10", published=BEFORE)
    assert result.edu and not result.local
    assert any("2025-07-01" in line for line in result.rules)
    assert matcher.match(title="Học sinh Ninh Bình thi tuyển sinh lớp 10", published=AFTER).local


def test_a_datetime_is_judged_on_its_vietnam_date(matcher):
    late_utc = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)  # 1 July, 01:00 in Vietnam
    result = matcher.match(title="Sở GDĐT Ninh Bình họp", published=late_utc)
    assert units(result) == ["Sở GDĐT Ninh Bình"]
    assert units(matcher.match(title="Sở GDĐT Ninh Bình họp", published=late_utc.astimezone(VN_TZ)))
    early = datetime(2025, 6, 30, 17, 30).replace(tzinfo=None)  # naive: Vietnam time
    assert units(matcher.match(title="Sở GDĐT Nam Định họp", published=early)) == [
        "Sở GDĐT Nam Định"
    ]


def test_no_date_means_the_names_in_use_today(matcher):
    assert units(matcher.match(title="Sở GDĐT Ninh Bình họp")) == ["Sở GDĐT Ninh Bình"]
    assert units(matcher.match(title="Sở GDĐT Nam Định họp")) == []


def test_the_football_club_is_not_a_school_story(matcher):
    result = matcher.match(
        title="Thép Xanh Nam Định thắng đậm, học sinh cổ vũ trên khán đài", published=BEFORE
    )
    assert not result.edu and not result.local
    assert kinds(result, "place") == []
    assert kinds(result, "exclusion") == ["bong-da-nam-dinh"]
    assert any("bong-da-nam-dinh" in line for line in result.rules)


def test_an_exclusion_with_context_words_applies_only_with_them(matcher):
    stadium = matcher.match(
        title="Cầu thủ ra sân Thiên Trường, học sinh được mời xem trận đấu", published=AFTER
    )
    assert kinds(stadium, "place") == [] and not stadium.local
    ward = matcher.match(title="Học sinh phường Thiên Trường tựu trường", published=AFTER)
    assert kinds(ward, "place") == ["phường Thiên Trường"] and ward.local


# ----------------------------------------------------------------------------- decisions


def test_one_weak_theme_word_is_not_enough_two_are(matcher):
    assert not matcher.match(title="Công bố điểm chuẩn", published=BEFORE).edu
    assert matcher.match(title="Công bố điểm chuẩn và đề thi", published=BEFORE).edu


def test_alert_needs_an_education_story_and_takes_the_highest_severity(matcher):
    assert not matcher.match(title="Ngư dân đuối nước trên biển", published=BEFORE).alert
    result = matcher.match(
        title="Học sinh bị đánh hội đồng, phụ huynh phản ánh lạm thu", published=BEFORE
    )
    assert result.alert and result.severity == 3
    assert set(result.alerts) == {"bao-luc-hoc-duong", "lam-thu"}


def test_explain_shows_terms_fields_spans_and_rules(matcher):
    title = "Sở GD&ĐT Nam Định công bố điểm chuẩn tuyển sinh lớp 10"
    lines = explain(matcher.match(title=title, published=BEFORE), {"title": title})
    text = "\n".join(lines)
    assert "Tin giáo dục (edu): có" in lines
    assert "Thuộc địa bàn (local): có" in lines
    assert "unit      Sở GDĐT Nam Định ← 'sở gd đt nam định' ở title[0:17]" in text
    assert '= "Sở GD&ĐT Nam Định"' in text
    assert "Ngày xét: 2025-06-30." in text
    assert "edu: có — có đơn vị giáo dục 'Sở GDĐT Nam Định'." in text


def test_explain_strips_terminal_escapes_from_article_text(matcher):
    title = "Sở GDĐT Nam \x1b[31mĐịnh\x1b[0m họp"
    text = "\n".join(explain(matcher.match(title="Sở GDĐT Nam Định họp"), {"title": title}))
    assert "\x1b" not in text


def test_an_empty_profile_matches_nothing(tmp_path):
    folder = write_keywords(tmp_path / "kw", {"themes.yaml": "themes:\n"})
    result = Matcher.from_folder(folder).match(title="Học sinh Nam Định")
    assert not result.relevant and result.hits == ()


def test_terms_lists_every_searched_form():
    terms = Matcher.from_folder(FIXTURE_KEYWORDS).terms()
    forms = {(t.kind, t.label, t.text) for t in terms}
    assert ("unit", "Sở GDĐT Nam Định", "sở giáo dục và đào tạo nam định") in forms
    assert ("theme", "thi-cu-tuyen-sinh", "thi tốt nghiệp trung học phổ thông") in forms
    assert not any(t.kind == "context" for t in terms)


def test_a_passing_mention_in_the_summary_is_not_an_education_story(matcher):
    passing = matcher.match(
        title="Ngày hội hiến máu tình nguyện ở Nam Định",
        summary="Nhiều người dân, trong đó có giáo viên, tham gia hiến máu.",
        published=AFTER,
    )
    assert not passing.edu and not passing.local
    assert any("không ở tiêu đề" in line for line in passing.rules)
    headline = matcher.match(
        title="Giáo viên Nam Định tham gia hiến máu tình nguyện",
        summary="Ngày hội diễn ra sáng nay.",
        published=AFTER,
    )
    assert headline.edu and headline.local
    twice = matcher.match(
        title="Ngày hội hiến máu ở Nam Định",
        summary="Học sinh và giáo viên cùng tham gia.",
        published=AFTER,
    )
    assert twice.edu  # two distinct strong terms in the summary are more than a passing mention


SCREEN_CASES = [
    "Trường THPT Nguyễn Trường Thuý, Nam Định khai giảng",  # old tone style in a unit name
    "Sở GD - ĐT Nam Định: kỹ năng sống cho học sinh",  # a run of punctuation inside a name
    "Bão số 3 gây thiệt hại ở Thái Bình Dương",  # no keyword at all
    "Chuyện hoà nhập của em",  # the only keyword in the other tone style
    "İzmir: Sở GDĐT Nam Định",  # a capital whose lower case is longer
    unicodedata.normalize("NFD", "Bạo lực học đường ở Nam Định"),
    "“Trường THPT Trần Hưng Đạo”—học phí, Nam Định 北京",
]


@pytest.mark.parametrize("title", SCREEN_CASES)
def test_matching_on_the_screen_form_decides_as_on_the_normalised_text(matcher, title, monkeypatch):
    screened = matcher.match(title=title, summary=title.upper(), published=BEFORE)
    monkeypatch.setattr("dumon.matching.index.screen_form", lambda text: None)  # normalise all
    assert matcher.match(title=title, summary=title.upper(), published=BEFORE) == screened


def screened(matcher, text):
    return matcher._index.screen.find(screen_form(text).code)


def test_an_article_without_keywords_is_screened_out_and_one_with_them_is_not(matcher):
    assert screened(matcher, "Bão số 3 gây thiệt hại lớn ở miền Trung") == []
    assert screened(matcher, "Chuyện hoa nhập của em") == []  # no diacritic: another word
    for spelling in ("Chuyện hòa nhập của em", "CHUYỆN HOÀ, NHẬP CỦA EM"):
        assert len(screened(matcher, spelling)) == 1
        assert kinds(matcher.match(title=spelling), "theme") == ["chinh-sach"]
