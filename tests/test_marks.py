"""The office's marks: what they hide, take away and promote in digests, reports and
incidents; that they survive rematch and re-import; and the keyword changes they suggest.

Articles enter through `dumon import` and the bundled keywords, so the verdicts are the
real matcher's."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.desk import BUNDLED_ROOT

DAY = "2026-03-02"
ARTICLES = [
    {
        "id": "phim-1",
        "title": "Học sinh xem phim bạo lực học đường tại rạp trong tuần lễ điện ảnh",
        "summary": "Bộ phim kể chuyện một lớp học, học sinh được xem miễn phí.",
        "url": "http://127.0.0.1/bai/phim-1",
        "outlet": "Báo Văn Hóa",
        "date": DAY,
    },
    {
        "id": "phim-2",
        "title": "Nhà trường chiếu phim bạo lực học đường cho học sinh khối 9",
        "summary": "Buổi chiếu phim ngoại khóa cho học sinh khối 9 của nhà trường.",
        "url": "http://127.0.0.1/bai/phim-2",
        "outlet": "Báo Điện Ảnh",
        "date": DAY,
    },
    {
        "id": "that",
        "title": "Nữ sinh lớp 8 bị bạn đánh hội đồng ở cổng trường",
        "summary": "Công an đang xác minh clip nữ sinh lớp 8 bị bạn đánh hội đồng.",
        "url": "http://127.0.0.1/bai/that",
        "outlet": "Báo Thời Sự",
        "date": DAY,
    },
    {
        "id": "tinh",
        "title": "Học sinh giỏi Ninh Bình được tuyên dương",
        "summary": "Tỉnh Ninh Bình tuyên dương học sinh giỏi quốc gia.",
        "url": "http://127.0.0.1/bai/tinh",
        "outlet": "Báo Ninh Bình",
        "date": DAY,
    },
    {
        "id": "nhac",
        "title": "Ca sĩ trẻ ra mắt album mới về tình yêu",
        "summary": "Album gồm mười bài hát.",
        "url": "http://127.0.0.1/bai/nhac",
        "outlet": "Báo Giải Trí",
        "date": DAY,
    },
]


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def desk(isolated_home, tmp_path):
    shutil.copytree(BUNDLED_ROOT / "keywords", isolated_home / "keywords")
    lines = tmp_path / "bai.jsonl"
    lines.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    assert run("import", "--jsonl", str(lines)).exit_code == 0
    return isolated_home, lines


def digest() -> dict:
    result = run("digest", "--since", DAY, "--until", DAY, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def shown(d: dict) -> dict[str, dict]:
    """Each article shown (a story's lead or a copy) → its story."""
    out = {}
    for story in d["stories"]:
        for url in [story["url"], *(c["url"] for c in story["also_in"])]:
            out[url.rsplit("/", 1)[-1]] = story
    return out


def test_the_imported_verdicts_are_what_the_marks_will_correct(desk):
    stories = shown(digest())
    assert stories["phim-1"]["alert"] and stories["that"]["alert"]
    assert stories["tinh"]["local"] and "nhac" not in stories


def test_not_relevant_hides_and_undo_brings_back(desk):
    result = run("mark", "http://127.0.0.1/bai/phim-1", "--not-relevant", "--note", "phim")
    assert result.exit_code == 0 and "không liên quan" in result.output
    assert "phim-1" not in shown(digest())
    listed = json.loads(run("marks", "--json").stdout)
    assert [(m["kind"], m["note"]) for m in listed] == [("not-relevant", "phim")]
    assert run("mark", "http://127.0.0.1/bai/phim-1", "--undo").exit_code == 0
    assert "phim-1" in shown(digest())


def test_not_alert_takes_the_flag_and_the_incident_away(desk):
    run("incident", "list")  # the incidents are built
    before = json.loads(run("incident", "list", "--all", "--json").stdout)
    assert any(a["url"].endswith("/phim-2") for r in before for a in r["articles"])
    article_id = (
        sqlite3.connect(desk[0] / "dumon.db")
        .execute("select id from articles where url like '%phim-2'")
        .fetchone()[0]
    )
    result = run("mark", str(article_id), "--not-alert")
    assert result.exit_code == 0 and "đưa ra khỏi sự vụ" in result.output
    assert shown(digest())["phim-2"]["alert"] is True  # its story's other article still is
    run("mark", "http://127.0.0.1/bai/phim-1", "--not-alert")
    story = shown(digest())["phim-2"]
    assert story["alert"] is False and story["severity"] == 0
    after = json.loads(run("incident", "list", "--all", "--json").stdout)
    assert not any("/phim-" in a["url"] for r in after for a in r["articles"])
    assert any(a["url"].endswith("/that") for r in after for a in r["articles"])


def test_not_local_and_important_change_the_sections_and_rank(desk):
    run("mark", "http://127.0.0.1/bai/tinh", "--not-local")
    run("mark", "http://127.0.0.1/bai/nhac", "--important")
    stories = shown(digest())
    assert stories["tinh"]["local"] is False and stories["tinh"]["section"] == "national"
    assert stories["nhac"]["section"] == "national"
    assert "văn phòng đánh dấu quan trọng +10" in stories["nhac"]["why"]


def test_marks_survive_rematch_and_reimport(desk):
    home, lines = desk
    run("mark", "http://127.0.0.1/bai/tinh", "--not-local")
    assert run("rematch").exit_code == 0
    assert shown(digest())["tinh"]["local"] is False
    conn = sqlite3.connect(home / "dumon.db")
    assert conn.execute("select local from articles where url like '%/tinh'").fetchone() == (1,)
    # The article leaves the store (pruned) and comes back under a new id.
    old_id = conn.execute("select id from articles where url like '%/tinh'").fetchone()[0]
    conn.execute("delete from hits where article_id = ?", [old_id])
    conn.execute("delete from articles where id = ?", [old_id])
    conn.commit()
    conn.close()
    assert run("import", "--jsonl", str(lines)).exit_code == 0
    conn = sqlite3.connect(home / "dumon.db")
    new_id = conn.execute("select id from articles where url like '%/tinh'").fetchone()[0]
    assert new_id != old_id
    assert shown(digest())["tinh"]["local"] is False
    assert json.loads(run("marks", "--json").stdout)[0]["article_id"] == new_id


def test_the_report_counts_what_the_office_marked(desk):
    def totals():
        result = run("report", "--from", DAY, "--to", DAY, "--format", "json")
        return json.loads(result.stdout)["totals"]

    before = totals()
    run("mark", "http://127.0.0.1/bai/tinh", "--not-local")
    run("mark", "http://127.0.0.1/bai/phim-1", "--not-relevant")
    after = totals()
    assert after["local"] == before["local"] - 1
    assert after["articles"] == before["articles"] - 1
    assert after["alerts"] == before["alerts"] - 1


def test_repeated_marks_suggest_an_exclusion_shown_as_a_dry_run_and_applied(desk):
    home, _ = desk
    run("mark", "http://127.0.0.1/bai/phim-1", "--not-alert")
    run("mark", "http://127.0.0.1/bai/phim-2", "--not-alert")
    result = run("marks", "--suggest")
    assert result.exit_code == 0
    out = result.output
    assert "Đề xuất 1 (exclusions.yaml)" in out
    assert 'terms: ["phim bạo lực học đường"]' in out
    assert "chạy thử, chưa ghi" in out and "\n  alert: +0 / -2" in out  # indented under it
    assert "Nữ sinh lớp 8" not in out  # the real incident is not touched
    applied = run("marks", "--apply", "1")
    assert applied.exit_code == 0 and "dumon rematch" in applied.output
    assert "phim bạo lực học đường" in (home / "keywords" / "exclusions.yaml").read_text()
    assert run("keywords", "check").exit_code == 0
    run("rematch")
    conn = sqlite3.connect(home / "dumon.db")
    flags = dict(conn.execute("select substr(url, 22), alert from articles").fetchall())
    assert flags["phim-1"] == 0 and flags["phim-2"] == 0 and flags["that"] == 1


def test_no_suggestion_without_repeated_marks(desk):
    run("mark", "http://127.0.0.1/bai/phim-1", "--not-alert")
    out = run("marks", "--suggest").output
    assert "Chưa có đề xuất" in out
    refused = CliRunner().invoke(app, ["marks", "--apply", "3"])
    assert refused.exit_code == 2 and "Không có đề xuất số 3" in refused.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("mark", "http://127.0.0.1/bai/khong-co", "--important"), "Không tìm thấy bài"),
        (("mark", "http://127.0.0.1/bai/that"), "Chưa chọn loại đánh dấu"),
    ],
)
def test_mark_mistakes_say_what_to_do(desk, args, message):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2 and message in result.output and "Cách sửa" in result.output


def test_listing_marks_on_a_new_desk_creates_no_database(isolated_home):
    result = run("marks")
    assert result.exit_code == 0 and "Chưa có bài nào được đánh dấu" in result.output
    assert json.loads(run("marks", "--json").stdout) == []
    assert not (isolated_home / "dumon.db").exists()
