"""The bundled unit registry: the whole department from 1 July 2025, dated and anchored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dumon.matching import Matcher
from dumon.matching.keywords import load_keywords
from dumon.matching.lint import lint_keywords

BUNDLED = Path(__file__).resolve().parents[1] / "keywords"
AFTER = date(2025, 10, 1)
BEFORE = date(2025, 3, 1)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Matcher:
    return Matcher.from_folder(BUNDLED, cache_dir=tmp_path_factory.mktemp("cache"))


def _units(result) -> list[str]:
    return list(result.units)


def test_the_bundled_registry_loads_and_lints_clean():
    profile = load_keywords(BUNDLED)
    assert lint_keywords(profile) == []
    regions = {u.region for u in profile.units if u.kind in {"thpt", "chuyen"}}
    assert {"ex-nam-dinh", "ex-ninh-binh", "ex-ha-nam"} <= regions


@pytest.mark.parametrize(
    ("title", "unit"),
    [
        ("Trường THPT Kim Sơn A khai giảng năm học mới", "Trường THPT Kim Sơn A"),
        ("Học sinh Trường THPT Nho Quan A đoạt giải", "Trường THPT Nho Quan A"),
        ("Trường THPT Bình Lục A tổ chức lễ tri ân", "Trường THPT A Bình Lục"),
        ("Thầy trò Trường THPT A Phủ Lý đón năm học mới", "Trường THPT A Phủ Lý"),
    ],
)
def test_a_school_of_the_other_former_provinces_is_ours_after_the_merger(bundled, title, unit):
    after = bundled.match(title=title, published=AFTER)
    assert unit in _units(after) and after.local
    before = bundled.match(title=title, published=BEFORE)
    assert unit not in _units(before)


def test_a_shared_school_name_needs_a_place_of_the_province(bundled):
    elsewhere = bundled.match(
        title="Trường THPT Bình Minh (Hoài Đức, Hà Nội) chụp kỷ yếu", published=AFTER
    )
    assert "Trường THPT Bình Minh" not in _units(elsewhere) and not elsewhere.local
    ours = bundled.match(
        title="Trường THPT Bình Minh ở Kim Sơn, tỉnh Ninh Bình chụp kỷ yếu", published=AFTER
    )
    assert "Trường THPT Bình Minh" in _units(ours) and ours.local


def test_ly_nhan_tong_stays_the_nam_dinh_school(bundled):
    result = bundled.match(title="Trường THPT Lý Nhân Tông (Nam Định) khai giảng", published=AFTER)
    assert "Trường THPT Lý Nhân Tông" in _units(result)
    assert "Trường THPT Lý Nhân" not in _units(result)
