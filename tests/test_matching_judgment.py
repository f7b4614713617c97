"""The matcher's judgment: slugs as evidence, incidents that need an education subject, where
a story happens, and headlines about something else. On sentences written for these tests."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from dumon.matching import Matcher, explain
from support.keywords import FIXTURE_KEYWORDS, write_keywords

DAY = date(2025, 9, 5)

EXTRA = {
    "alerts.yaml": """
        alerts:
          - key: bao-luc-hoc-duong
            name: "Bạo lực học đường"
            severity: 2
            needs: [pupil, school]
            terms: ["đánh hội đồng", "hành hung"]
          - key: lam-thu
            name: "Lạm thu"
            severity: 2
            terms: ["lạm thu"]
          - key: duoi-nuoc
            name: "Đuối nước"
            severity: 3
            needs: [pupil, school, staff]
            terms: ["đuối nước"]
          - key: tai-nan
            name: "Tai nạn chết người"
            severity: 3
            needs: [pupil, school, staff]
            terms: ["tử vong", "nguy kịch"]
          - key: gian-lan-thi
            name: "Sai sót thi cử"
            severity: 2
            needs: [exam]
            terms: ["chấm sai"]
          - key: du-luan
            name: "Dư luận bức xúc"
            severity: 2
            needs: [pupil, staff, school]
            terms: ["lộ clip"]
            weak: ["bức xúc"]
    """,
    "subjects.yaml": """
        subjects:
          - key: nguoi-hoc
            name: "Học sinh"
            role: pupil
            terms: ["học sinh", "nữ sinh"]
          - key: nha-giao
            name: "Giáo viên"
            role: staff
            terms: ["giáo viên", "cô giáo"]
          - key: nha-truong
            name: "Nhà trường"
            role: school
            terms: ["nhà trường", "tại trường"]
          - key: ky-thi
            name: "Kỳ thi"
            role: exam
            terms: ["đề thi", "kỳ thi"]
    """,
    "regions.yaml": """
        regions:
          - key: thanh-hoa
            name: "Thanh Hóa"
            where: neighbour
            terms: ["Thanh Hóa"]
          - key: gia-lai
            name: "Gia Lai"
            where: province
            terms: ["Gia Lai"]
          - key: ca-nuoc
            name: "Cả nước"
            where: nation
            terms: ["cả nước", "Việt Nam", "du học sinh"]
          - key: nuoc-ngoai
            name: "Nước ngoài"
            where: abroad
            terms: ["Nhật Bản", "Hàn Quốc"]
    """,
    "signals.yaml": """
        signals:
          - key: chinh-phu
            name: "Chính phủ"
            kind: actor
            weight: 3
            terms: ["Thủ tướng"]
          - key: dia-phuong
            name: "Địa phương"
            kind: actor
            weight: 1
            terms: ["Chủ tịch UBND"]
          - key: bo-nganh
            name: "Bộ, ngành khác"
            kind: actor
            weight: 2
            terms: ["Bộ Y tế"]
          - key: van-ban
            name: "Văn bản"
            kind: act
            weight: 2
            terms: ["lộ trình", "biên chế"]
    """,
    "sport.yaml": """
        exclusions:
          - key: the-thao
            name: "Thể thao"
            terms: ["bóng đá", "cầu thủ"]
            cancels: [edu]
            scope: article
            fields: [title]
    """,
}


@pytest.fixture(scope="module")
def matcher(tmp_path_factory):
    folder = shutil.copytree(FIXTURE_KEYWORDS, tmp_path_factory.mktemp("kw") / "keywords")
    return Matcher.from_folder(write_keywords(folder, EXTRA))


def judge(matcher, title, summary="", url=""):
    return matcher.match(title=title, summary=summary, url=url, published=DAY)


# ------------------------------------------------------------------------- the URL slug


def test_a_place_read_only_in_the_slug_does_not_make_a_local_story(matcher):
    result = judge(
        matcher,
        "Phụ huynh hỏi về dịch vụ bán trú của học sinh",
        url="https://example.vn/dich-vu-ban-tru-cho-hoc-sinh-4923494.html",
    )
    assert result.edu and not result.local
    assert "place" not in {h.kind for h in result.hits}
    assert any("chỉ thấy trong đường dẫn" in line for line in explain(result))


def test_a_slug_confirms_what_the_title_says(matcher):
    result = judge(
        matcher,
        "Học sinh xã Vụ Bản nhận quà",
        url="https://example.vn/hoc-sinh-xa-vu-ban-nhan-qua-49.html",
    )
    assert result.local
    assert {("place", "url"), ("place", "title")} <= {(h.kind, h.field) for h in result.hits}


def test_a_long_school_name_in_the_slug_stands_on_its_own(matcher):
    result = judge(
        matcher,
        "Lễ tri ân cuối năm",
        url="https://example.vn/truong-thpt-a-hai-hau-to-chuc-le-tri-an-12.html",
    )
    assert result.units == ("Trường THPT A Hải Hậu",)


# ------------------------------------------------------------------------------ incidents


def test_an_incident_told_in_the_lead_about_pupils_is_an_education_alert(matcher):
    result = judge(
        matcher,
        "Quảng Ninh: khởi tố chủ quán bar",
        "Sau vụ điện giật khiến hai học sinh tử vong, chủ quán bị khởi tố. Quán đã đóng cửa.",
    )
    assert result.edu and result.alert and result.severity == 3
    assert any("xảy ra với học sinh" in rule for rule in result.rules)


def test_the_same_harm_without_an_education_subject_is_no_alert(matcher):
    assert not judge(matcher, "Ngư dân đuối nước trên biển Gia Lai").alert
    assert not judge(matcher, "Cụ ông tử vong", "Học sinh trong xóm kể lại.").edu


def test_a_pupil_named_in_another_sentence_than_the_harm_is_not_its_victim(matcher):
    result = judge(
        matcher,
        "Học sinh vào phòng thi sau ngày chịu tang",
        "Mẹ em mất tuần trước. Người lái xe gây nạn đã tử vong tại chỗ.",
    )
    assert result.edu and not result.alert
    assert any("trong cùng câu" in rule for rule in result.rules)


def test_initials_do_not_end_the_lead_sentence(matcher):
    result = judge(
        matcher,
        "Khởi tố hai thanh niên",
        "N.Q.A. (17 tuổi) và P.T.Đ. hành hung, đánh hội đồng hai học sinh. Video lan truyền.",
    )
    assert result.edu and result.alert


def test_harm_to_staff_alone_is_followed_not_urgent(matcher):
    result = judge(matcher, "Cô giáo nguy kịch sau khi ăn bún tại nhà")
    assert result.alert and result.severity == 2
    pupils = judge(matcher, "Học sinh nguy kịch sau bữa trưa tại trường")
    assert pupils.severity == 3


def test_an_entry_that_needs_an_exam_ignores_a_marking_slip_in_class(matcher):
    assert not judge(matcher, "Học sinh giải đúng nhưng giáo viên chấm sai").alert
    assert judge(matcher, "Đề thi bị chấm sai, học sinh thiệt thòi").alert


def test_a_weak_word_counts_in_a_title_with_its_subject_only(matcher):
    assert judge(matcher, "Học sinh bức xúc vì phải trả phí chụp ảnh tại trường").alert
    quiet = judge(matcher, "Học sinh chụp ảnh kỷ yếu", "Nhiều người bức xúc vì trời mưa.")
    assert quiet.edu and not quiet.alert


def test_a_local_scandal_told_as_spreading_is_urgent(matcher):
    result = judge(matcher, "Lộ clip cô giáo Trường THPT A Hải Hậu đánh hội đồng học sinh")
    assert result.local and result.alert and result.severity == 3


# ----------------------------------------------------------------- where the story happens


@pytest.mark.parametrize(
    ("title", "scope"),
    [
        ("Học sinh Thanh Hóa khai giảng", "neighbour"),
        ("Học sinh Gia Lai khai giảng", "province"),
        ("Học sinh cả nước khai giảng", "national"),
        ("Học sinh xã Vụ Bản khai giảng", "local"),
        ("Học sinh Nhật Bản khai giảng", "abroad"),
        ("Du học sinh Việt Nam ở Nhật Bản khai giảng", "national"),
    ],
)
def test_the_scope_says_where_the_story_happens(matcher, title, scope):
    assert judge(matcher, title).scope == scope


def test_an_incident_abroad_is_not_an_alert(matcher):
    result = judge(matcher, "Học sinh Hàn Quốc bị đánh hội đồng tại trường")
    assert result.edu and not result.alert and result.scope == "abroad"
    assert "nước ngoài" in " ".join(result.rules)


# ----------------------------------------------------------------- what the headline is about


def test_a_sport_headline_is_not_an_education_story_but_a_sport_word_in_the_text_is(matcher):
    assert not judge(matcher, "Học sinh đá bóng đá giao hữu với cầu thủ trẻ").edu
    assert judge(matcher, "Học sinh khai giảng", "Một cầu thủ cũ về thăm trường.").edu


def test_a_national_body_deciding_about_the_sector_makes_an_education_story(matcher):
    assert judge(matcher, "Thủ tướng: ưu tiên đất dôi dư cho lớp học").edu
    assert not judge(matcher, "Chủ tịch UBND: ưu tiên đất dôi dư cho lớp học").edu


def test_another_ministry_makes_an_education_story_only_with_an_act_of_policy(matcher):
    assert judge(matcher, "Bộ Y tế công bố lộ trình biên chế cho lớp học bán trú").edu
    assert not judge(matcher, "Bộ Y tế khen thưởng cán bộ dạy lớp học sơ cứu").edu


def test_a_pupils_death_at_play_is_not_sport_news(matcher):
    result = judge(matcher, "Học sinh tử vong khi chơi bóng đá ở sân nhà văn hóa")
    assert result.edu and result.alert and result.severity == 3
    assert not judge(matcher, "Học sinh giành cúp bóng đá cấp tỉnh").edu
