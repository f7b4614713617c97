"""Files the office opens, opened the way the office opens them: CSV in a spreadsheet (a
byte-order mark, no highlight marks, filters as in search), the HTML report in a browser
(parsed: department, period, date made, A4 print rules)."""

from __future__ import annotations

import csv
from datetime import datetime
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.output import periods, report
from dumon.render.report_html import report_html
from dumon.storage import store
from dumon.vntime import VN_TZ
from support.store_reading import LHP, SO

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def run(reading_db):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def _csv_file(path) -> list[dict]:
    """As Excel's import does: the BOM says UTF-8, then comma-separated rows."""
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_search_csv_file_has_a_bom_names_and_no_marks(run, tmp_path):
    target = tmp_path / "tim-kiem.csv"
    result = run("search", "tuyen sinh lop 10", "--csv", "-o", str(target))
    assert result.exit_code == 0
    rows = _csv_file(target)
    assert list(rows[0])[0] == "title"
    assert len(rows) == 3
    for row in rows:
        assert "«" not in row["snippet"] and "»" not in row["snippet"]
        assert "tuyển sinh lớp 10" in row["snippet"].lower() + row["title"].lower()


def test_excel_option_puts_the_bom_on_standard_output(run):
    result = run("search", "tuyen sinh lop 10", "--excel")
    assert result.stdout_bytes.startswith(BOM)
    assert run("search", "tuyen sinh lop 10", "--csv").stdout_bytes[:3] != BOM


def test_export_takes_the_filters_of_search(run, tmp_path):
    target = tmp_path / "xuat.csv"
    result = run("export", "--format", "csv", "--unit", "le hong phong", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = _csv_file(target)
    assert {r["url"] for r in rows} == {"http://127.0.0.1/bai/2", "http://127.0.0.1/bai/5"}
    assert all(LHP in r["units"] for r in rows)
    result = run("export", "--format", "jsonl", "--alerts", "--local")
    assert [line.count('"alert": true') for line in result.stdout.splitlines()] == [1]
    result = run(
        "export", "--format", "jsonl", "--edu", "--from", "2025-10-01", "--to", "2025-10-31"
    )
    assert len(result.stdout.splitlines()) == 2
    assert run("export", "--format", "jsonl", "--excel").exit_code == 2


class _Page(HTMLParser):
    """The parts of the page a reader sees, by element id, and the style sheet."""

    def __init__(self):
        super().__init__()
        self.current: str | None = None
        self.by_id: dict[str, str] = {}
        self.style = ""
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        ids = dict(attrs).get("id")
        if ids:
            self.current = ids
            self.by_id[ids] = ""
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "p":
            self.current = None
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        elif self.current:
            self.by_id[self.current] += data


def test_html_report_names_the_department_period_and_day_and_prints_on_a4(reading_db):
    db = store.open_db(reading_db)
    try:
        made = datetime(2026, 6, 15, 9, 30, tzinfo=VN_TZ)
        html = report_html(
            report.build_report(db.conn, periods.school_year("2025-2026")),
            department="Sở Giáo dục và Đào tạo tỉnh Ninh Bình",
            made=made,
        )
    finally:
        db.close()
    page = _Page()
    page.feed(html)
    assert page.by_id["department"] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH NINH BÌNH"
    assert page.by_id["period"] == "Kỳ báo cáo: năm học 2025-2026. Lập ngày 15/06/2026."
    assert "@page{size:A4" in page.style.replace(" ", "")
    assert SO in html


def test_report_html_command_uses_the_desk_department(run, tmp_path, isolated_home):
    (isolated_home / "settings.yaml").write_text(
        'department: "Sở GDĐT thử nghiệm"\n', encoding="utf-8"
    )
    target = tmp_path / "bc.html"
    assert run("report", "--school-year", "2025-2026", "--format", "html", "-o", str(target))
    page = _Page()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.by_id["department"] == "SỞ GDĐT THỬ NGHIỆM"
    today = datetime.now(VN_TZ)
    assert page.by_id["period"].endswith(f"Lập ngày {today:%d/%m/%Y}.")


def test_settings_tiers_are_checked(isolated_home):
    from dumon.errors import ConfigError
    from dumon.settings import load_settings

    path = isolated_home / "settings.yaml"
    path.write_text("outlet_tiers:\n  vnexpress.net: trung-uong\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "dòng 2" in info.value.message and "central" in info.value.message
    path.write_text("outlet_tiers:\n  vnexpress.net: central\n", encoding="utf-8")
    assert load_settings(path).outlet_tiers == {"vnexpress.net": "central"}
