"""Loading, validating, expanding and linting the keywords folder."""

from __future__ import annotations

from datetime import date

import pytest

from dumon.errors import ConfigError
from dumon.matching.expand import expand
from dumon.matching.keywords import load_keywords
from dumon.matching.lint import lint_keywords
from dumon.yamlload import load_yaml_with_lines
from support.keywords import FIXTURE_KEYWORDS, write_keywords

PLACES = {"nam định": {"tỉnh", "thành phố", "tp"}, "hải hậu": {"huyện"}}


def test_the_fixture_profile_loads_with_dates_and_old_names():
    profile = load_keywords(FIXTURE_KEYWORDS)
    units = {u.key: u for u in profile.units}
    assert units["so-gddt-nam-dinh"].valid_until == date(2025, 6, 30)
    assert units["thpt-a-tran-hung-dao"].old_names[0].name == "Trường THPT Trần Hưng Đạo"
    assert units["thpt-a-tran-hung-dao"].old_names[0].generic is True
    assert {p.key for p in profile.places if p.ambiguous} == {"xa-xuan-truong"}
    assert [a.severity for a in profile.alerts if a.key == "bao-luc-hoc-duong"] == [3]


def test_department_names_expand_across_the_gddt_family_and_the_province_word():
    forms = expand("Sở GDĐT Nam Định", "unit", PLACES, "so")
    for written in (
        "Sở Giáo dục và Đào tạo Nam Định",
        "Sở GD&ĐT Nam Định",
        "Sở GD-ĐT Nam Định",
        "Sở GD và ĐT Nam Định",
        "Sở GDĐT tỉnh Nam Định",
        "SGDĐT Nam Định",
    ):
        assert written.lower().replace("&", " ").replace("-", " ") in forms, written
    assert "sở gdđt thành phố nam định" not in forms  # the city has no department
    assert "bộ gdđt nam định" not in forms


def test_school_names_expand_letter_position_school_word_and_abbreviation():
    forms = expand("THPT A Hải Hậu", "unit", PLACES, "thpt")
    assert {
        "thpt a hải hậu",
        "thpt hải hậu a",
        "trường thpt a hải hậu",
        "trường thpt hải hậu a",
        "trường trung học phổ thông hải hậu a",
    } <= set(forms)
    assert not any("thcs" in f or "cơ sở" in f for f in forms)


def test_trường_is_dropped_only_before_a_school_type():
    assert "thcs lê lợi" in expand("Trường THCS Lê Lợi", "unit")
    assert "tiểu học hồ tùng mậu" in expand("Trường TH Hồ Tùng Mậu", "unit")
    assert expand("trường Lê", "unit") == ["trường lê"]  # a nickname, not "Lê"


def test_centre_and_city_families():
    forms = expand("Trung tâm GDNN-GDTX huyện Hải Hậu", "unit", PLACES, "gdtx")
    assert "tt gdnn gdtx hải hậu" in forms
    assert "trung tâm giáo dục nghề nghiệp giáo dục thường xuyên hải hậu" in forms
    assert "thành phố nam định" in expand("TP. Nam Định", "place")


def test_theme_terms_expand_pupils_and_exams_but_not_school_word_rules():
    forms = expand("học sinh đuối nước", "alert")
    assert forms == ["học sinh đuối nước", "hs đuối nước"]
    assert "thi tốt nghiệp trung học phổ thông" in expand("thi tốt nghiệp THPT", "theme")


def test_yaml_lines_are_kept_for_keys_and_items(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("units:\n  - key: a\n    name: A\n  - {key: b, name: B}\n", encoding="utf-8")
    data, lines = load_yaml_with_lines(path)
    assert lines.item(data["units"], 0) == 2
    assert lines.item(data["units"], 1) == 4
    assert lines.key(data["units"][0], "name") == 3


BAD_FOLDERS = {
    "unknown key": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            alias: ["Sở Nam Định"]
        """,
        4,
        "alias",
    ),
    "duplicate key in a mapping": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            name: "Sở GDĐT"
        """,
        4,
        "lặp lại",
    ),
    "a date that does not exist": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            valid_until: 2025-06-31
        """,
        4,
        "2025-06-31",
    ),
    "a date in another format": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            valid_from: 1/7/2025
        """,
        4,
        "YYYY-MM-DD",
    ),
    "valid_from after valid_until": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            valid_from: 2025-07-01
            valid_until: 2025-06-30
        """,
        5,
        "valid_from",
    ),
    "unknown parent": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
          - key: phong
            name: "Phòng GDĐT Hải Hậu"
            parent: so-gddt
        """,
        6,
        "so-gddt",
    ),
    "empty terms": (
        """
        alerts:
          - key: lam-thu
            severity: 2
            terms: []
        """,
        2,
        "lam-thu",
    ),
    "empty alias": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            aliases: ["Sở Nam Định", "  "]
        """,
        4,
        "mục thứ 2",
    ),
    "unknown kind": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            kind: department
        """,
        4,
        "department",
    ),
    "missing name": (
        """
        units:
          - key: so
            kind: so
        """,
        2,
        "thiếu khóa 'name'",
    ),
    "a subject without a role": (
        """
        subjects:
          - key: nguoi-hoc
            terms: ["học sinh"]
        """,
        2,
        "role",
    ),
    "an alert that needs an unknown role": (
        """
        alerts:
          - key: duoi-nuoc
            severity: 3
            needs: [pupil, parent]
            terms: ["đuối nước"]
        """,
        4,
        "parent",
    ),
    "a region with an unknown where": (
        """
        regions:
          - key: gia-lai
            where: elsewhere
            terms: ["Gia Lai"]
        """,
        3,
        "elsewhere",
    ),
    "a signal weight out of range": (
        """
        signals:
          - key: chinh-phu
            kind: actor
            weight: 5
            terms: ["Thủ tướng"]
        """,
        4,
        "weight",
    ),
    "an exclusion limited to an unknown field": (
        """
        exclusions:
          - key: the-thao
            terms: ["bóng đá"]
            cancels: [edu]
            fields: [headline]
        """,
        5,
        "headline",
    ),
    "a value YAML cannot read": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            generic: !!bool có
        """,
        4,
        "generic",
    ),
    "a region label written as a name": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
            region: Nam Định cũ
        """,
        4,
        "region 'Nam Định cũ'",
    ),
    "broken YAML": (
        """
        units:
          - key: so
            name: "Sở GDĐT Nam Định
          - key: b
        """,
        None,
        "YAML",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FOLDERS))
def test_mistakes_name_the_file_the_line_and_the_fix(tmp_path, case):
    text, line, words = BAD_FOLDERS[case]
    folder = write_keywords(tmp_path / "kw", {"units/so.yaml": text})
    with pytest.raises(ConfigError) as caught:
        load_keywords(folder)
    error = caught.value
    assert error.path.name == "so.yaml"
    if line is not None:
        assert error.line == line
    assert words in error.message
    assert "Cách sửa:" in error.message


def test_a_new_region_label_needs_no_change_to_dumon(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "units/so.yaml": """
            units:
              - key: so
                name: "Sở GDĐT Nam Định"
                region: ex-thai-binh
            """
        },
    )
    assert [u.region for u in load_keywords(folder).units] == ["ex-thai-binh"]


def test_the_same_key_twice_in_the_folder_is_an_error(tmp_path):
    entry = """
        units:
          - key: so
            name: "Sở GDĐT Nam Định"
        """
    folder = write_keywords(tmp_path / "kw", {"units/a.yaml": entry, "units/b.yaml": entry})
    with pytest.raises(ConfigError, match="trùng với mục ở a.yaml dòng 2"):
        load_keywords(folder)


def test_a_missing_folder_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError, match="dumon init"):
        load_keywords(tmp_path / "nowhere")


def test_lint_reports_a_name_written_for_two_units_at_the_same_time(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "units/schools.yaml": """
            units:
              - key: thpt-nguyen-du
                name: "Trường THPT Nguyễn Du"
              - key: thpt-nguyen-du-2
                name: "Trường THPT Nguyễn Du"
            """
        },
    )
    problems = lint_keywords(load_keywords(folder))
    errors = [p for p in problems if p.level == "error"]
    assert len(errors) == 1
    assert errors[0].line == 4
    assert "trường thpt nguyễn du" in errors[0].message
    assert "thpt-nguyen-du" in errors[0].message


def test_lint_only_warns_when_names_meet_through_expansion(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "units/schools.yaml": """
            units:
              - key: thpt-nguyen-du
                name: "Trường THPT Nguyễn Du"
              - key: thpt-nguyen-du-2
                name: "Trường Trung học phổ thông Nguyễn Du"
            """
        },
    )
    problems = lint_keywords(load_keywords(folder))
    assert problems
    assert {p.level for p in problems} == {"warning"}


def test_lint_accepts_a_name_reused_after_the_first_unit_ended(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "units/so.yaml": """
            units:
              - key: old
                name: "Sở GDĐT Nam Định"
                valid_until: 2025-06-30
              - key: new
                name: "Sở GDĐT Nam Định"
                valid_from: 2025-07-01
            """
        },
    )
    assert [p for p in lint_keywords(load_keywords(folder)) if p.level == "error"] == []


def test_lint_warns_about_an_exclusion_that_always_cancels_its_own_place(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "places.yaml": """
            places:
              - key: nam-dinh
                name: "Nam Định"
                kind: province
            """,
            "exclusions.yaml": """
            exclusions:
              - key: bong-da
                terms: ["Nam Định"]
                cancels: [place]
            """,
        },
    )
    (problem,) = lint_keywords(load_keywords(folder))
    assert problem.level == "warning"
    assert problem.path.name == "exclusions.yaml"
    assert "luôn bị hủy" in str(problem)


def test_the_fixture_profile_lints_clean():
    assert lint_keywords(load_keywords(FIXTURE_KEYWORDS)) == []
