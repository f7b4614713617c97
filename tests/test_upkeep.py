"""`dumon db backup|vacuum|prune|path|migrate` on real SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from typer.testing import CliRunner

from dumon.cli import app
from dumon.desk import Desk
from dumon.models import Article
from dumon.storage import migrations, store
from dumon.storage.lock import DeskLock
from dumon.verdicts import Hit, MatchResult
from dumon.vntime import VN_TZ

NOW = datetime.now(VN_TZ)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def add(db, n: int, *, days_old: int, relevant: bool, body: str = "") -> None:
    """Store one article published `days_old` days ago, with a hit when relevant."""
    article = Article(
        url=f"http://127.0.0.1/bai/{n}.html",
        title=f"Bài số {n} {'về trường học' if relevant else 'về giá vàng'} "
        f"{'năm ngoái' if days_old > 365 else 'tuần này'}",
        outlet="Báo Thử",
        summary="Tóm tắt",
        body=body,
        published=NOW - timedelta(days=days_old),
    )
    match = None
    if relevant:
        hit = Hit("theme", "truong-hoc", "trường học", "title", 10, 19)
        match = MatchResult(edu=True, local=False, alert=False, themes=("truong-hoc",), hits=(hit,))
    with db.atomic():
        store.store_articles(db, [(article, match)], seen=store.now_iso())


def make_db(desk_root, *, old_plain=3, old_relevant=2, recent=2, body: str = ""):
    db = store.open_db(desk_root / "dumon.db")
    n = 0
    for _ in range(old_plain):
        n += 1
        add(db, n, days_old=400, relevant=False, body=body)
    for _ in range(old_relevant):
        n += 1
        add(db, n, days_old=400, relevant=True, body=body)
    for _ in range(recent):
        n += 1
        add(db, n, days_old=3, relevant=False, body=body)
    db.close()


def count(path, sql: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchone()[0]


def test_backup_is_online_consistent_and_verified(isolated_home, tmp_path):
    make_db(isolated_home)
    # A scan in the middle of a transaction: the backup must not wait for it or copy half of it.
    writer = sqlite3.connect(isolated_home / "dumon.db", isolation_level=None)
    writer.execute("begin immediate")
    writer.execute(
        "insert into articles (url, title, first_seen) values ('http://x/9', 'dở dang', '2026')"
    )
    target = tmp_path / "copy.db"
    result = invoke("db", "backup", str(target))
    writer.execute("rollback")
    writer.close()
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output and "toàn vẹn: ok" in result.output
    assert count(target, "select count(*) from articles") == 7
    assert count(target, "select count(*) from articles where title = 'dở dang'") == 0
    assert not (tmp_path / "copy.db-wal").exists()
    assert not list(tmp_path.glob("*.part"))


def test_backup_into_a_folder_keeps_the_newest_copies(isolated_home, tmp_path):
    make_db(isolated_home, recent=1)
    folder = tmp_path / "backups"
    folder.mkdir()
    for stamp in ("20260101-000000", "20260102-000000"):
        (folder / f"dumon-{stamp}.db").write_bytes(b"old")
    result = invoke("db", "backup", f"{folder}/", "--keep", "2")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and "dumon-20260101-000000.db" not in names
    assert "Đã xóa bản cũ dumon-20260101-000000.db" in result.output


def test_backup_refuses_to_overwrite_the_database_and_explains_missing_pieces(
    isolated_home, tmp_path
):
    result = invoke("db", "backup", str(tmp_path / "x.db"))
    assert result.exit_code == 2 and "Chưa có cơ sở dữ liệu" in result.output
    make_db(isolated_home)
    result = invoke("db", "backup", str(isolated_home / "dumon.db"))
    assert result.exit_code == 1 and "trùng với chính cơ sở dữ liệu" in result.output
    result = invoke("db", "backup", str(tmp_path / "no-such-folder" / "x.db"))
    assert result.exit_code == 1 and "Không có thư mục" in result.output


def test_prune_keeps_relevant_articles_unless_asked(isolated_home):
    make_db(isolated_home)
    db_file = isolated_home / "dumon.db"
    result = invoke("db", "prune", "--older-than", "365")
    assert result.exit_code == 0, result.output
    assert "Đã xóa 3 bài" in result.output and "Giữ lại 2 bài" in result.output
    assert count(db_file, "select count(*) from articles") == 4
    assert count(db_file, "select count(*) from hits") == 2
    # The full-text index follows the deletions (its triggers ran).
    fts = "select count(*) from articles_fts where articles_fts match "
    assert count(db_file, fts + "'vàng AND ngoái'") == 0
    assert count(db_file, fts + "'trường AND ngoái'") == 2

    result = invoke("db", "prune", "--older-than", "365", "--include-hits")
    assert result.exit_code == 0 and "Đã xóa 2 bài" in result.output
    assert count(db_file, "select count(*) from articles") == 2
    assert count(db_file, "select count(*) from hits") == 0
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []


def test_prune_refuses_nonsense(isolated_home):
    make_db(isolated_home)
    result = invoke("db", "prune", "--older-than", "0")
    assert result.exit_code == 1 and "từ 1 trở lên" in result.output


def test_vacuum_gives_space_back_and_waits_for_no_scan(isolated_home):
    make_db(isolated_home, old_plain=200, old_relevant=0, recent=1, body="Nội dung dài. " * 500)
    assert invoke("db", "prune", "--older-than", "30").exit_code == 0
    before = (isolated_home / "dumon.db").stat().st_size
    with DeskLock(Desk(isolated_home).lock_path):
        busy = invoke("db", "vacuum")
    assert busy.exit_code == 4 and "lượt quét khác" in busy.output
    result = invoke("db", "vacuum")
    assert result.exit_code == 0, result.output
    assert (isolated_home / "dumon.db").stat().st_size < before / 2
    assert count(isolated_home / "dumon.db", "select count(*) from articles") == 1


def test_path_and_migrate(isolated_home):
    result = invoke("db", "path")
    assert result.exit_code == 0 and result.output.strip() == str(isolated_home / "dumon.db")
    store.open_db(isolated_home / "dumon.db", migrate=False).close()  # a blank, unmigrated file
    result = invoke("db", "migrate")
    assert result.exit_code == 0 and "bước nâng cấp: m001_initial" in result.output
    assert migrations.latest() in result.output
    assert count(isolated_home / "dumon.db", "select count(*) from articles") == 0
    result = invoke("db", "migrate")
    assert result.exit_code == 0 and "không có gì để làm" in result.output
