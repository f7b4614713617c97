"""`dumon scan` end to end: a real HTTP server on loopback, a real SQLite desk, the real CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.collecting.scan import run_scan
from dumon.desk import BUNDLED_ROOT, Desk

# Old-style tone placement ("hoà", "thuỷ") must survive as written, in NFC.
TITLE_OLD_STYLE = "Học sinh Giao Thuỷ hoà nhịp ngày hội đọc sách"
TITLE_NFD = unicodedata.normalize("NFD", "Trường THPT chuyên Lê Hồng Phong khai giảng năm học mới")


def rss(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        f"<description>{summary}</description>"
        "<pubDate>Fri, 27 Nov 2026 08:30:00 +0700</pubDate></item>"
        for title, link, summary in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Báo thử</title><link>http://127.0.0.1/</link>{entries}</channel></rss>"
    )


def write_sources(desk: Path, sources: list[dict]) -> None:
    lines = ["defaults:", "  timeout: 3", "  retries: 1", "  backoff: 0.05", "sources:"]
    for source in sources:
        lines.append(f"  - name: {source['name']}")
        for key in ("url", "kind", "outlet", "tier"):
            lines.append(
                f"    {key}: {source.get(key, {'kind': 'rss', 'tier': 'central'}.get(key))}"
            )
        if "extra" in source:
            lines.append(textwrap.indent(textwrap.dedent(source["extra"]).strip(), "    "))
    (desk / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def rows(desk: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(desk / "dumon.db") as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def feed_items():
    return [
        (TITLE_OLD_STYLE, "/bai/1.html?utm_source=rss#top", "Tóm tắt &lt;b&gt;một&lt;/b&gt;"),
        (TITLE_NFD, "/bai/2.html", "Tóm tắt hai"),
        ("Giá vàng hôm nay", "/bai/3.html", "Không liên quan"),
    ]


def test_first_scan_stores_articles_and_second_scan_is_conditional(
    loopback, isolated_home, feed_items
):
    loopback.route(
        "/rss",
        body=rss([(t, loopback.url(link), s) for t, link, s in feed_items]),
        headers={"Content-Type": "application/rss+xml; charset=utf-8", "ETag": '"v1"'},
    )
    write_sources(
        isolated_home, [{"name": "bao-thu", "url": loopback.url("/rss"), "outlet": "Báo Thử"}]
    )

    report = run_scan(Desk(isolated_home))
    assert report.exit_code == 0 and report.articles_new == 3
    stored = dict(rows(isolated_home, "select url, title from articles"))
    # Tracking parameters and fragments are gone from the stored URL.
    assert loopback.url("/bai/1.html") in stored
    titles = set(stored.values())
    assert TITLE_OLD_STYLE in titles  # old-style tone marks kept as written
    assert unicodedata.normalize("NFC", TITLE_NFD) in titles  # NFC
    summary = rows(isolated_home, "select summary from articles where title like 'Học sinh%'")[0][0]
    assert summary == "Tóm tắt một"  # HTML stripped, entities decoded

    again = run_scan(Desk(isolated_home))
    assert again.count("unchanged") == 1 and again.articles_new == 0
    assert loopback.requests_to("/rss")[-1].headers.get("if-none-match") == '"v1"'
    assert rows(isolated_home, "select count(*) from articles")[0][0] == 3


def test_same_article_seen_again_is_not_stored_twice(loopback, isolated_home, feed_items):
    body = rss([(t, loopback.url(link), s) for t, link, s in feed_items])
    loopback.route("/a", body=body, content_type="application/rss+xml")
    loopback.route("/b", body=body, content_type="application/rss+xml")
    write_sources(
        isolated_home,
        [
            {"name": "a", "url": loopback.url("/a"), "outlet": "A"},
            {"name": "b", "url": loopback.url("/b"), "outlet": "B"},
        ],
    )
    report = run_scan(Desk(isolated_home))
    assert report.articles_new == 3
    assert rows(isolated_home, "select count(distinct url), count(*) from articles")[0] == (3, 3)


def test_failed_source_is_reported_and_others_are_stored(loopback, isolated_home, feed_items):
    loopback.route("/rss", body=rss([(t, loopback.url(ln), s) for t, ln, s in feed_items]))
    loopback.route("/gone", status=404)
    write_sources(
        isolated_home,
        [
            {"name": "tot", "url": loopback.url("/rss"), "outlet": "Tốt"},
            {"name": "mat", "url": loopback.url("/gone"), "outlet": "Mất"},
        ],
    )
    result = CliRunner().invoke(app, ["scan", "--json"])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert payload["sources_total"] == 2 and payload["sources_ok"] == 1
    assert payload["sources_failed"] == 1 and payload["articles_new"] == 3
    assert payload["failures"][0]["source"] == "mat"
    assert "404" in payload["failures"][0]["error"]
    assert set(payload) == {
        "run_id",
        "sources_total",
        "sources_ok",
        "sources_unchanged",
        "sources_failed",
        "articles_new",
        "hits_new",
        "failures",
    }
    state = rows(isolated_home, "select consecutive_failures, status from sources where name='mat'")
    assert state == [(1, "failing")]
    assert rows(isolated_home, "select status, error from run_sources where source='mat'")[0][1]


def test_all_sources_failing_exits_3_with_reasons(make_loopback, isolated_home):
    server = make_loopback()
    server.route("/boom", status=500)
    write_sources(
        isolated_home,
        [
            {"name": "hong", "url": server.url("/boom"), "outlet": "Hỏng"},
            {"name": "khong-ton-tai", "url": "http://khong-co-that.invalid/rss", "outlet": "X"},
        ],
    )
    result = CliRunner().invoke(app, ["scan"])
    assert result.exit_code == 3
    assert "hong" in result.stdout and "khong-ton-tai" in result.stdout
    assert "Traceback" not in result.output


def test_listing_page_with_article_bodies(loopback, isolated_home):
    listing = """<html><body>
      <div class="tin"><h3><a href="/bai/a.html">Khánh thành trường mầm non mới</a></h3>
        <p class="tt">Trường có 12 phòng học.</p></div>
      <div class="tin"><h3><a href="/bai/b.html">Thi học sinh giỏi cấp tỉnh</a></h3>
        <p class="tt">Hơn 2.000 thí sinh dự thi.</p></div>
    </body></html>"""
    article = (
        "<html><body><nav>Menu</nav><div class='noi-dung'><p>Đoạn một của bài viết.</p>"
        "<p>Đoạn hai của bài viết.</p></div></body></html>"
    )
    loopback.route("/giao-duc", body=listing, content_type="text/html; charset=utf-8")
    loopback.route("/bai/a.html", body=article, content_type="text/html; charset=utf-8")
    loopback.route("/bai/b.html", body=article, content_type="text/html; charset=utf-8")
    write_sources(
        isolated_home,
        [
            {
                "name": "trang",
                "url": loopback.url("/giao-duc"),
                "kind": "html",
                "outlet": "Trang",
                "tier": "local",
                "extra": """
                    fetch_body: true
                    selectors:
                      item: div.tin
                      link: h3 a
                      title: h3
                      summary: p.tt
                      body: div.noi-dung
                """,
            }
        ],
    )
    report = run_scan(Desk(isolated_home))
    assert report.exit_code == 0 and report.articles_new == 2
    stored = rows(isolated_home, "select title, summary, body from articles order by title")
    assert stored[0][0] == "Khánh thành trường mầm non mới"
    assert stored[0][1] == "Trường có 12 phòng học."
    assert "Đoạn hai của bài viết." in stored[0][2] and "Menu" not in stored[0][2]


def test_config_error_exits_2_naming_file_and_line(isolated_home):
    (isolated_home / "sources.yaml").write_text(
        "sources:\n  - name: x\n    url: ftp://x\n    kind: rss\n"
        "    outlet: X\n    tier: central\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["scan"])
    assert result.exit_code == 2
    assert "sources.yaml, dòng 3" in result.stderr and "Cách sửa" in result.stderr


def test_matching_runs_during_scan(loopback, isolated_home):
    keywords = BUNDLED_ROOT / "keywords"
    if not any(keywords.glob("*.yaml")) and not any(keywords.glob("*/*.yaml")):
        pytest.skip("the bundled keywords are not written yet")
    shutil.copytree(keywords, isolated_home / "keywords")
    items = [
        (
            "Sở GD&ĐT Ninh Bình công bố chỉ tiêu tuyển sinh lớp 10",
            loopback.url("/x/1"),
            "Năm học 2026-2027, toàn tỉnh Ninh Bình tuyển sinh lớp 10 công lập.",
        ),
        ("Giá lúa tăng nhẹ", loopback.url("/x/2"), "Thị trường nông sản ổn định."),
    ]
    loopback.route("/rss", body=rss(items), content_type="application/rss+xml")
    write_sources(isolated_home, [{"name": "b", "url": loopback.url("/rss"), "outlet": "B"}])
    report = run_scan(Desk(isolated_home))
    assert report.hits_new > 0
    flags = dict(rows(isolated_home, "select title, edu from articles"))
    assert flags["Sở GD&ĐT Ninh Bình công bố chỉ tiêu tuyển sinh lớp 10"] == 1
    assert flags["Giá lúa tăng nhẹ"] == 0


def test_entry_point_runs_as_module():
    result = subprocess.run(
        [sys.executable, "-m", "dumon", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("scan", "init", "import", "sources"):
        assert command in result.stdout


def test_every_command_has_help_text():
    import typer.main

    group = typer.main.get_command(app)

    def walk(command, path):
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])
        if path:
            yield path, command

    for path, command in walk(group, []):
        assert (command.help or "").strip(), f"`dumon {' '.join(path)}` has no help"
