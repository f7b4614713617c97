"""The search, report and export commands through the CLI: exit codes, messages, formats, and
article text shown as text (a title holds `[bold]` and `<script>`)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from dumon.cli import app


@pytest.fixture
def run(reading_db):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_search_prints_hits_newest_first_with_marked_snippets(run):
    result = run("search", '"tuyen sinh lop 10"')
    assert result.exit_code == 0
    out = result.output
    assert out.index("Hà Nội công bố") < out.index("Ninh Bình công bố") < out.index("Đề án")
    assert "«tuyển» «sinh» «lớp» «10»" in out
    assert "http://127.0.0.1/bai/6" in out


def test_search_json_contract(run):
    result = run("search", "dao tao", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    for row in rows:
        assert set(row) == {
            "title",
            "url",
            "outlet",
            "published",
            "snippet",
            "units",
            "themes",
            "theme_keys",
            "alert",
            "accentless",
        }
        assert isinstance(row["units"], list) and isinstance(row["alert"], bool)
    special = next(r for r in rows if "script" in r["title"])
    assert special["title"] == "Bài có [bold]đậm[/bold] và <script>alert(1)</script> trong tiêu đề"


def test_search_csv_contract(run):
    result = run("search", "dao tao", "--csv", "--since", "2025-08-01", "--until", "2025-12-31")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "title",
        "url",
        "outlet",
        "published",
        "snippet",
        "units",
        "themes",
        "alert",
    ]
    assert {r["title"][:6] for r in rows} == {"Đề án ", "Bài có"}


def test_search_title_markup_is_shown_as_text(run):
    result = run("search", "script")
    assert "[bold]đậm[/bold]" in result.output
    assert "<script>alert(1)</script>" in result.output


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ('"tuyen sinh', "ngoặc kép"),
        ("(tuyen sinh", "ngoặc đóng"),
        ("NOT hoc phi", "NOT"),
        ("", "trống"),
        ("hoc OR", "OR"),
    ],
)
def test_bad_syntax_gives_a_message_and_exit_2(run, query, words):
    result = run("search", query)
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: ")
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_bad_date_and_bad_order_exit_2(run):
    assert run("search", "x", "--since", "hôm qua").exit_code == 2
    assert run("search", "x", "--order", "best").exit_code == 2


def test_search_filters_from_the_command_line(run):
    result = run("search", '"tuyen sinh"', "--unit", "le hong phong", "--json")
    assert [r["title"] for r in json.loads(result.stdout)] == [
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026"
    ]
    result = run("search", "hoc sinh OR phu huynh", "--alerts", "--outlet", "giao duc", "--json")
    assert [r["url"] for r in json.loads(result.stdout)] == ["http://127.0.0.1/bai/3"]
    result = run("search", '"tuyen sinh"', "--local", "--limit", "1", "--json")
    assert [r["url"] for r in json.loads(result.stdout)] == ["http://127.0.0.1/bai/2"]


def test_search_without_a_database_says_what_to_do(tmp_path):
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "search", "x"])
    assert result.exit_code == 2
    assert "dumon scan" in result.stderr
    assert not (tmp_path / "dumon.db").exists()


def test_report_terminal_text(run):
    result = run("report", "--school-year", "2025-2026")
    assert result.exit_code == 0
    out = result.output
    assert "năm học 2025-2026" in out
    assert "7 tin giáo dục (trong 7 bài đã đọc); 5 tin về địa phương (71,4%); 2 tin" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "Sở Giáo dục và Đào tạo tỉnh Ninh" in out and "█" in out


def test_report_json_and_unit(run):
    result = run(
        "report",
        "--from",
        "2025-09-01",
        "--to",
        "2026-08-31",
        "--unit",
        "le hong",
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    assert data["units_matched"] == ["THPT chuyên Lê Hồng Phong"]
    assert data["totals"]["articles"] == 2


def test_report_html_and_png_files(run, tmp_path):
    html = tmp_path / "bc.html"
    assert (
        run("report", "--school-year", "2025-2026", "--format", "html", "-o", str(html)).exit_code
        == 0
    )
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    png = tmp_path / "bc.png"
    assert (
        run("report", "--school-year", "2025-2026", "--format", "png", "-o", str(png)).exit_code
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args",
    [
        ("--period", "year"),
        ("--school-year", "2025"),
        ("--from", "2025-09-01"),
        ("--from", "2026-01-01", "--to", "2025-01-01"),
        ("--period", "month", "--school-year", "2025-2026"),
        ("--format", "pdf"),
        ("--format", "png"),
        ("--unit", "khong co"),
    ],
)
def test_report_bad_options_exit_2(run, args):
    result = run("report", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: ") and "Cách sửa" in result.stderr


def test_export_jsonl_to_stdout_and_csv_to_file(run, tmp_path):
    result = run("export", "--format", "jsonl", "--from", "2025-10-01", "--to", "2025-10-31")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in lines] == ["http://127.0.0.1/bai/1", "http://127.0.0.1/bai/2"]
    assert "Đã xuất 2 bài" in result.stderr
    target = tmp_path / "x.csv"
    result = run("export", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9 and list(rows[0])[0] == "id"
    assert run("export", "--format", "xml").exit_code == 2


def test_every_reading_command_has_help(run):
    for command in ("search", "report", "export"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Ví dụ" in result.output or "Xuất" in result.output
