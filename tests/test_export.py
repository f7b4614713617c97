"""Export of articles and hits: CSV and JSON lines read back, periods, batching, and a JSONL
export imported into a fresh desk with `dumon import`'s own function."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dumon.desk import Desk
from dumon.errors import QueryError
from dumon.output import export, search
from dumon.storage import store
from support.store_reading import ROWS, SO


@pytest.fixture
def db(reading_db):
    database = store.open_db(reading_db)
    yield database
    database.close()


def jsonl(db, **kwargs) -> list[dict]:
    buffer = io.StringIO()
    export.export(db.conn, buffer, fmt="jsonl", **kwargs)
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_jsonl_holds_every_article_with_its_hits_in_time_order(db):
    records = jsonl(db)
    assert len(records) == len(ROWS)
    assert [r["date"] for r in records] == sorted(r["date"] for r in records)
    first = next(r for r in records if r["url"] == "http://127.0.0.1/bai/2")
    assert first["units"] == [SO, "THPT chuyên Lê Hồng Phong"]
    assert first["local"] is True and first["alert"] is False
    assert [(h["kind"], h["key"]) for h in first["hits"]] == [
        ("unit", SO),
        ("unit", "THPT chuyên Lê Hồng Phong"),
        ("theme", "tuyen_sinh"),
    ]
    untagged = next(r for r in records if r["title"].startswith("Tieu de"))
    assert untagged["hits"] == [] and untagged["units"] == []


def test_period_bounds(db):
    records = jsonl(
        db,
        since=search.parse_bound("2025-10-12"),
        until=search.parse_bound("2025-11-20", end=True),
    )
    assert [r["url"][-1] for r in records] == ["1", "2", "3"]


def test_batches_keep_hits_with_their_articles(db, monkeypatch):
    whole = jsonl(db)
    monkeypatch.setattr(export, "BATCH", 2)
    assert jsonl(db) == whole


def test_csv_reads_back(db):
    buffer = io.StringIO()
    summary = export.export(db.conn, buffer, fmt="csv")
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert summary.articles == len(rows) == len(ROWS)
    assert summary.hits == sum(len(r["hits"].split("; ")) for r in rows if r["hits"])
    row = next(r for r in rows if r["url"] == "http://127.0.0.1/bai/8")
    assert row["title"] == "Bài có [bold]đậm[/bold] và <script>alert(1)</script> trong tiêu đề"
    assert row["units"] == SO and row["local"] == "1"
    assert row["hits"] == f"unit:{SO}={SO}@summary; theme:dao_tao=dao_tao@title"


def test_unknown_format(db):
    with pytest.raises(QueryError):
        export.export(db.conn, io.StringIO(), fmt="xml")


def test_jsonl_export_imports_into_another_desk(db, tmp_path):
    from dumon.collecting.ingest import import_jsonl

    path = tmp_path / "export.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        export.export(db.conn, handle, fmt="jsonl")
    other = tmp_path / "other"
    other.mkdir()
    imported = import_jsonl(Desk(other), path)
    assert imported.articles_new == len(ROWS) and not imported.rejected
    copy = store.open_db(other / "dumon.db")
    try:
        back = {
            r["url"]: (r["title"], r["summary"], r["published"], r["outlet"])
            for r in copy["articles"].rows
        }
    finally:
        copy.close()
    original = {
        r["url"]: (r["title"], r["summary"], r["published"], r["outlet"])
        for r in db["articles"].rows
    }
    assert back.keys() == original.keys()
    for url, (title, summary, published, outlet) in original.items():
        assert back[url][1:] == (summary, published, outlet)
        if "<" not in title:  # the import strips HTML tags from titles, as for any feed
            assert back[url][0] == title
