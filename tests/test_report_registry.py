"""The year-end report is about the department: education articles only, every unit of the
registry in force during the period (0 where nothing was written, the Sở first, current
names with old names counted in), --unit by any name, tiers of imported outlets, and months
without data shown as missing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.matching.registry import load_registry
from dumon.output import periods, report
from support.keywords import write_keywords
from support.store import Doc, add_run

SO_ND = "Sở Giáo dục và Đào tạo Nam Định"
SO_NB = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"
THD = "Trường THPT A Trần Hưng Đạo"
HH = "Trường THPT A Hải Hậu"
KEYWORDS = {
    "units/units.yaml": f"""
        units:
          - key: so-nam-dinh
            name: "{SO_ND}"
            kind: so
            valid_until: 2025-06-30
          - key: so-ninh-binh
            name: "{SO_NB}"
            kind: so
            valid_from: 2025-07-01
          - key: phong-hai-hau
            name: "Phòng GDĐT huyện Hải Hậu"
            kind: phong-gddt
            valid_until: 2025-06-30
          - key: thpt-hai-hau-a
            name: "{HH}"
            kind: thpt
          - key: thpt-a-tran-hung-dao
            name: "{THD}"
            kind: thpt
            valid_from: 2025-07-01
            old_names:
              - {{name: "Trường THPT Trần Hưng Đạo", valid_until: 2025-06-30}}
    """,
    "themes.yaml": """
        themes:
          - key: tuyen-sinh
            name: "Thi cử, tuyển sinh"
            strong: ["tuyển sinh"]
    """,
}
YEAR = periods.school_year("2025-2026")
DOCS = (
    Doc("Sở họp về tuyển sinh", "VnExpress", "2025-09-10 08:00", units=(SO_NB,)),
    # Tagged under the school's old name by an earlier version of the keywords.
    Doc(
        "Trường cũ khai giảng",
        "vnexpress.net",
        "2025-09-12 08:00",
        units=("Trường THPT Trần Hưng Đạo",),
    ),
    Doc("Trường mới đoạt giải", "Báo Ninh Bình", "2025-11-02 08:00", units=(THD,), alerts=("x",)),
    Doc("Bóng đá: Nam Định thắng", "VnExpress", "2025-10-01 08:00", edu=False, local=False),
    Doc("Sở cũ tổng kết năm học", "Báo Nam Định", "2025-05-20 08:00", units=(SO_ND,)),
)


@pytest.fixture
def desk(make_store, isolated_home):
    write_keywords(isolated_home / "keywords", KEYWORDS)
    db = make_store(DOCS)
    return db, load_registry(isolated_home / "keywords")


def test_every_unit_in_force_appears_grouped_with_the_so_first(desk):
    db, registry = desk
    r = report.build_report(db.conn, YEAR, registry=registry)
    assert [(c.name, c.kind, c.articles) for c in r.by_unit] == [
        (SO_NB, "so", 1),
        (THD, "thpt", 2),  # its old name counted in
        (HH, "thpt", 0),  # nothing written: still listed
    ]
    assert SO_ND not in {c.name for c in r.by_unit}  # ended before the school year


def test_figures_are_about_education_articles(desk):
    db, registry = desk
    r = report.build_report(db.conn, YEAR, registry=registry)
    assert (r.articles, r.local, r.alerts, r.all_articles) == (3, 3, 1, 4)
    vne = next(c for c in r.by_outlet if c.name == "VnExpress")
    assert (vne.articles, vne.output) == (1, 2)  # the football story is output, not education


@pytest.mark.parametrize(
    ("fragment", "period", "chosen"),
    [
        ("So Giao duc", "2025-2026", SO_NB),
        ("So Giao duc", "2024-2025", SO_ND),
        ("ninh binh", "2025-2026", SO_NB),
        ("sở gd&đt nam định", "2024-2025", SO_ND),
        ("tran hung dao", "2025-2026", THD),
        ("Hai Hau A", "2025-2026", HH),
    ],
)
def test_unit_is_found_by_any_name_preferring_the_one_in_force(desk, fragment, period, chosen):
    db, registry = desk
    r = report.build_report(db.conn, periods.school_year(period), unit=fragment, registry=registry)
    assert r.units_matched == (chosen,)
    assert [c.name for c in r.by_unit] == [chosen]


def test_a_unit_report_counts_old_names_in(desk):
    db, registry = desk
    r = report.build_report(db.conn, YEAR, unit="THPT A Tran Hung Dao", registry=registry)
    assert r.articles == 2


def test_imported_outlets_take_the_tier_of_their_site(desk):
    db, registry = desk
    tiers = report.tier_map(
        db.conn,
        [("vne", "VnExpress", "https://vnexpress.net/rss/giao-duc.rss", "central")],
        overrides={"Báo Ninh Bình": "local"},
    )
    r = report.build_report(db.conn, YEAR, registry=registry, tiers=tiers)
    assert {c.name: c.tier for c in r.by_outlet} == {
        "VnExpress": "central",
        "vnexpress.net": "central",  # imported from an aggregator: matched by its site
        "Báo Ninh Bình": "local",
    }
    assert {c.name: c.articles for c in r.by_tier} == {"central": 2, "local": 1}


def test_a_month_with_a_scan_but_no_article_is_zero_not_missing(desk):
    db, registry = desk
    add_run(db, "2025-12-05 06:00", [])
    months = {m.name: m for m in report.build_report(db.conn, YEAR, registry=registry).by_month}
    assert not months["2025-09"].missing and months["2025-09"].articles == 2
    assert not months["2025-12"].missing and months["2025-12"].articles == 0
    assert months["2026-01"].missing


def test_report_command_resolves_units_and_fits_80_columns(desk):
    runner = CliRunner()
    result = runner.invoke(
        app, ["report", "--school-year", "2025-2026", "--unit", "ninh binh", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units_matched"] == [SO_NB]
    result = runner.invoke(app, ["report", "--school-year", "2025-2026", "--format", "text"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert text.index("Sở Giáo dục và Đào tạo") < text.index("Trường THPT")
    assert "Chưa có dữ liệu" in text and "01/2026" in text


def test_search_shows_names_resolves_units_and_says_what_it_searched(desk):
    runner = CliRunner()
    db, _ = desk
    db.execute("update articles set themes = '[\"tuyen-sinh\"]' where title like 'Sở họp%'")
    db.conn.commit()
    result = runner.invoke(app, ["search", "so", "hop", "--unit", "ninh binh"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert 'Đã tìm: "so hop"' in out and f"đơn vị {SO_NB!r}" in out
    assert "Thi cử, tuyển sinh" in out and "tuyen-sinh" not in out
    result = runner.invoke(app, ["search", "so", "hopp"])
    assert "Không tìm thấy bài nào khớp với câu tìm kiếm." in result.stdout
    assert 'Gợi ý: dumon search "so hop" — 1 bài khớp' in result.stdout
