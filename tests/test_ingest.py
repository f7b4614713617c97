"""`dumon import --jsonl`: backfills stored as if scanned; bad lines reported, never fatal."""

from __future__ import annotations

import gzip
import json
import sqlite3

from typer.testing import CliRunner

from dumon.cli import app
from dumon.collecting.ingest import import_jsonl
from dumon.desk import Desk


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return path


RECORDS = [
    {
        "id": "a1",
        "title": "Khai giảng năm học mới ở Hải Hậu",
        "summary": "Các trường học &amp; học sinh",
        "body": "",
        "url": "https://bao.example/giao-duc/khai-giang.html?utm_medium=x",
        "outlet": "Báo A",
        "date": "2025-09-05",
    },
    {
        "id": "a2",
        "title": "Thi tốt nghiệp THPT",
        "summary": "",
        "body": "Nội dung",
        "url": None,
        "outlet": "Báo B",
        "date": "2026-06-26T09:15:00",
    },
    {"id": "a3", "title": "", "url": "https://bao.example/x"},
]


def test_import_stores_articles_with_dates_and_reports_bad_lines(tmp_path, isolated_home):
    path = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    report = import_jsonl(Desk(isolated_home), path)
    assert (report.lines, report.articles_new, len(report.rejected)) == (3, 2, 1)
    assert report.rejected[0][0] == 3 and "tiêu đề" in report.rejected[0][1]
    with sqlite3.connect(isolated_home / "dumon.db") as db:
        stored = dict(db.execute("select title, published from articles").fetchall())
        urls = {u for (u,) in db.execute("select url from articles")}
        summary = db.execute("select summary from articles where external_id='a1'").fetchone()[0]
    assert stored["Khai giảng năm học mới ở Hải Hậu"] == "2025-09-05T00:00:00+07:00"
    assert stored["Thi tốt nghiệp THPT"] == "2026-06-26T09:15:00+07:00"  # naive = Vietnam time
    assert "https://bao.example/giao-duc/khai-giang.html" in urls and "urn:dumon:a2" in urls
    assert summary == "Các trường học & học sinh"

    again = import_jsonl(Desk(isolated_home), path)
    assert again.articles_new == 0 and again.duplicates == 2


def test_import_reads_gzip_through_the_cli(tmp_path, isolated_home):
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(RECORDS[0], ensure_ascii=False) + "\n{broken json\n")
    result = CliRunner().invoke(app, ["import", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 bài mới" in result.stdout and "dòng 2" in result.stdout


def test_missing_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["import", "--jsonl", str(tmp_path / "khong-co.jsonl")])
    assert result.exit_code == 2 and "không tìm thấy tệp" in result.stderr
