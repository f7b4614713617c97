"""A source never read is "chưa kiểm chứng" everywhere the office looks (doctor, sources list,
the digest's section V), never counted as working; `sources list` speaks Vietnamese and fits
80 columns."""

from __future__ import annotations

from datetime import datetime

from typer.testing import CliRunner

from dumon.cli import app
from dumon.output.digest import build_digest
from dumon.output.window import resolve_window
from dumon.render.digest_text import render_text
from dumon.vntime import VN_TZ
from support.faultserver import write_sources
from support.store import add_source

RECENT = datetime.now(VN_TZ).replace(hour=6, minute=30, second=0, microsecond=0)
READ = {
    "status": "ok",
    "last_success": RECENT.isoformat(),
    "last_attempt": RECENT.isoformat(),
    "last_new_article": RECENT.isoformat(),
}


def _desk(isolated_home, make_store):
    write_sources(
        isolated_home,
        [("da-doc", "http://127.0.0.1:9/a.rss"), ("chua-doc-bao-tinh", "http://127.0.0.1:9/b")],
    )
    db = make_store()
    add_source(db, "da-doc", "Báo da-doc", **READ)
    add_source(db, "chua-doc-bao-tinh", "Báo chua-doc-bao-tinh")
    return db


def test_sources_list_says_unverified_in_vietnamese_within_80_columns(isolated_home, make_store):
    _desk(isolated_home, make_store)
    result = CliRunner().invoke(app, ["sources", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    row = {line.split()[0]: line for line in lines if line.startswith(("da-doc", "chua-doc"))}
    assert (
        "chưa kiểm chứng" in row["chua-doc-bao-tinh"] and "chưa lần nào" in row["chua-doc-bao-tinh"]
    )
    assert "tốt" in row["da-doc"] and f"{RECENT:%d/%m/%y} 06:30" in row["da-doc"]
    assert "trung ương" in row["da-doc"]
    for english in ("new", "central", " ok "):
        assert english not in result.output
    assert "1 nguồn chưa kiểm chứng" in result.output


def test_doctor_never_counts_an_unread_source_as_working(isolated_home, make_store):
    db = _desk(isolated_home, make_store)
    db.close()
    result = CliRunner().invoke(app, ["doctor"])
    assert "1 nguồn chưa kiểm chứng (chưa đọc được lần nào): chua-doc-bao-tinh" in result.output
    assert "1/2 nguồn hoạt động bình thường" in result.output


def test_digest_section_v_lists_the_unread_source(isolated_home, make_store):
    db = _desk(isolated_home, make_store)
    digest = build_digest(db.conn, resolve_window(on=f"{RECENT:%Y-%m-%d}"))
    assert [(i.name, i.problem) for i in digest.sources] == [("chua-doc-bao-tinh", "new")]
    text = render_text(digest)
    assert "chưa kiểm chứng" in text
    assert "Mọi nguồn tin đều đọc được bình thường" not in text
