"""Incidents and marks in the database: the migrations from the previous schema, the
Datasette view, upkeep (prune) beside them, the ids a prune frees, and the report's
incidents and response times."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dumon.cli import app
from dumon.output import incident_actions as actions
from dumon.output.incident_build import build_incidents
from dumon.settings import Settings
from dumon.storage import incident_reads as reads
from dumon.storage import incidents as stored
from dumon.storage import migrations, store
from support.store import Doc, fill_store, vn

DOCS = [
    Doc(
        "Phụ huynh phản ánh lạm thu ở Trường THPT Sông Đáy",
        "Báo Tỉnh",
        "2026-03-02 09:00",
        summary="Nhiều phụ huynh Trường THPT Sông Đáy phản ánh các khoản thu đầu năm.",
        units=("Trường THPT Sông Đáy",),
        alerts=("lam-thu",),
        severity=2,
    ),
    Doc(
        "Trường THPT Sông Đáy trả lại tiền lạm thu sau phản ánh của phụ huynh",
        "Báo Ngành",
        "2026-03-03 09:00",
        summary="Trường THPT Sông Đáy hoàn trả các khoản lạm thu cho phụ huynh.",
        units=("Trường THPT Sông Đáy",),
        alerts=("lam-thu",),
        severity=2,
    ),
]


def test_a_database_of_the_previous_schema_gains_incidents_and_marks(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    before = [m for m in migrations._MIGRATIONS if m[0] < "m009"]
    monkeypatch.setattr(migrations, "_MIGRATIONS", before)
    db = store.open_db(path)
    fill_store(db, DOCS)
    assert "incidents" not in db.table_names()
    db.close()
    monkeypatch.undo()
    db = store.open_db(path)
    assert {"incidents", "incident_articles", "incident_events", "marks"} <= set(db.table_names())
    assert "incident_timeline" in db.view_names()
    assert db.execute("select count(*) from articles").fetchone() == (2,)
    assert build_incidents(db, settings=Settings(), now=vn("2026-03-04 08:00")).opened == 1
    assert migrations.applied(db)[-2:] == ["m009_incidents", "m010_marks"]


def test_the_timeline_view_reads_articles_and_the_offices_actions(isolated_home):
    db = store.open_db(isolated_home / "dumon.db")
    fill_store(db, DOCS)
    build_incidents(db, settings=Settings(), now=vn("2026-03-04 08:00"))
    incident_id = db.execute("select id from incidents").fetchone()[0]
    actions.note(db, incident_id, "Đã làm việc với nhà trường", now=vn("2026-03-04 09:00"))
    rows = db.execute(
        "select kind, text from incident_timeline where incident_id = ? order by at, kind",
        [incident_id],
    ).fetchall()
    assert ("article", "Báo Tỉnh: " + DOCS[0].title) in rows
    assert ("note", "Đã làm việc với nhà trường") in rows
    assert ("stage", "lan rộng") in rows


def test_a_pruned_article_stays_in_its_incidents_timeline(isolated_home):
    db = store.open_db(isolated_home / "dumon.db")
    fill_store(db, DOCS)
    build_incidents(db, settings=Settings(), now=vn("2026-03-04 08:00"))
    db.close()
    result = CliRunner().invoke(
        app, ["db", "prune", "--older-than", "30", "--include-hits"], catch_exceptions=False
    )
    assert result.exit_code == 0
    db = store.open_db(isolated_home / "dumon.db")
    assert db.execute("select count(*) from articles").fetchone() == (0,)
    [found] = stored.load_incidents(db.conn)
    assert [a.title for a in found.articles] == [d.title for d in DOCS]


def test_an_id_a_prune_freed_at_the_top_is_read_when_given_again(isolated_home):
    db = store.open_db(isolated_home / "dumon.db")
    fill_store(db, DOCS)
    build_incidents(db, settings=Settings(), now=vn("2026-03-04 08:00"))
    top = db.execute("select max(id) from articles").fetchone()[0]
    with db.atomic():
        db.execute("delete from incident_articles where article_id = ?", [top])
        db.execute("delete from hits where article_id = ?", [top])
        db.execute("delete from articles where id = ?", [top])
    fill_store(
        db,
        [
            Doc(
                "Trường THPT Sông Đáy bị kỷ luật vì lạm thu, phụ huynh được hoàn tiền",
                "Báo Ngành",
                "2026-03-04 09:00",
                seen="2026-03-04 09:00",
                summary="Trường THPT Sông Đáy bị kỷ luật vì các khoản lạm thu đầu năm.",
                units=("Trường THPT Sông Đáy",),
                alerts=("lam-thu",),
                severity=2,
            )
        ],
    )
    assert db.execute("select max(id) from articles").fetchone() == (top,)  # the same id
    assert reads.stale(db.conn)
    build_incidents(db, settings=Settings(), now=vn("2026-03-05 08:00"))
    assert db.execute(
        "select count(*) from incident_articles where article_id = ?", [top]
    ).fetchone() == (1,)


def test_the_report_lists_the_periods_incidents_and_response_times_per_unit(isolated_home):
    db = store.open_db(isolated_home / "dumon.db")
    fill_store(db, DOCS)
    build_incidents(db, settings=Settings(), now=vn("2026-03-04 08:00"))
    incident_id = db.execute("select id from incidents").fetchone()[0]
    actions.respond(
        db,
        incident_id,
        "phat-ngon",
        at=vn("2026-03-03 15:00"),
        rules=Settings().incidents,
        now=vn("2026-03-04 08:00"),
    )
    db.close()
    result = CliRunner().invoke(
        app,
        ["report", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"],
        catch_exceptions=False,
    )
    data = json.loads(result.stdout)
    [item] = data["incidents"]
    assert item["response"]["kind"] == "phat-ngon" and item["response_hours"] == 30.0
    assert [s["stage"] for s in item["stages"]][:2] == ["mới", "lan rộng"]
    assert data["responses_by_unit"] == [
        {
            "unit": "Trường THPT Sông Đáy",
            "incidents": 1,
            "answered": 1,
            "median_hours": 30.0,
            "unanswered_spreading": 0,
        }
    ]
    html = (
        CliRunner()
        .invoke(app, ["report", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "html"])
        .stdout
    )
    assert "Sự vụ trong kỳ" in html and "phát ngôn sau 30 giờ" in html
    assert "Thời gian phản hồi theo đơn vị" in html
