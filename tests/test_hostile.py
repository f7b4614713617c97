"""Article text is data: hostile titles are stored as written and shown inert everywhere.

A loopback feed carries titles with HTML and scripts, rich markup, Markdown, ANSI escapes,
control characters, bidi overrides and a 100 kB line; a real scan stores them, and every output
(terminal, text, Markdown, HTML, DOCX, JSON, mail through a real SMTP server on loopback) must
show them as text. Feeds and redirects must not make dumon read anything but http(s).
"""

from __future__ import annotations

import email
import io
import json
import re
import socket
import sqlite3
import zipfile
from email import policy
from html.parser import HTMLParser
from xml.sax.saxutils import escape

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from dumon.cli import app
from dumon.desk import BUNDLED_ROOT
from dumon.models import TITLE_MAX
from support.faultserver import write_sources

SCRIPT = 'Sở GD&ĐT Ninh Bình cảnh báo <script>alert("xss")</script> <img src=x onerror=alert(1)>'
MARKUP = "Trường THPT chuyên Lương Văn Tụy [bold red]giả mạo[/bold red] **đậm** `mã` # tiêu đề"
ANSI = "Sở GD&ĐT Ninh Bình \x1b[2J\x1b[31mđỏ\x1b[0m \x1b]0;đổi tên cửa sổ\x07 chuông\x07 kết thúc"
BIDI = "Sở GD&ĐT Ninh Bình \u202egnp.exe\u202c thông báo \u200fphải\u200f"
LONG = "Sở GD&ĐT Ninh Bình " + "rất dài " * 12_800  # ~100 kB on one line
SUMMARY = '<p>Học sinh <b>giỏi</b></p><script>document.cookie</script><a href="javascript:x">x</a>'
DATES = ("--since", "2026-11-26", "--until", "2026-11-28")


# Five different stories (the digest would rightly merge five copies of one story).
TOPICS = (
    "Khai giảng năm học mới ở các điểm trường vùng cao.",
    "Hội thi giáo viên dạy giỏi cấp tỉnh khép lại sau ba tuần.",
    "Lịch nghỉ Tết Bính Ngọ của học sinh phổ thông đã được công bố.",
    "Đề án tuyển sinh lớp 10 chuyên thêm một môn thi.",
    "Quỹ khuyến học trao 300 suất học bổng cho học sinh nghèo.",
)


def json_feed(base: str) -> str:
    items = [
        {
            "id": str(i),
            "url": f"{base}/bai/{i}.html",
            "title": title,
            "content_html": f"{SUMMARY}<p>{topic}</p>",
            "date_published": "2026-11-27T08:30:00+07:00",
        }
        for i, (title, topic) in enumerate(
            zip((SCRIPT, MARKUP, ANSI, BIDI, LONG), TOPICS, strict=True)
        )
    ]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items})


@pytest.fixture
def hostile_desk(loopback, isolated_home):
    (isolated_home / "keywords").symlink_to(BUNDLED_ROOT / "keywords")
    loopback.route(
        "/feed.json", body=json_feed(loopback.base_url), content_type="application/feed+json"
    )
    write_sources(isolated_home, [("doc-hai", loopback.url("/feed.json"))])
    result = CliRunner().invoke(app, ["scan"])
    assert result.exit_code == 0, result.output
    return isolated_home


def stored_titles(desk) -> dict[str, str]:
    with sqlite3.connect(desk / "dumon.db") as conn:
        return {
            url.rsplit("/", 1)[1]: title
            for url, title in conn.execute("select url, title from articles")
        }


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def active_html(html: str) -> list[str]:
    """Scripts, event handlers and javascript: links the document would run."""
    parser = TagCollector()
    parser.feed(html)
    found = [tag for tag, _ in parser.tags if tag in ("script", "img", "iframe", "object")]
    for tag, attrs in parser.tags:
        found += [f"{tag} {k}" for k in attrs if k.lower().startswith("on")]
        found += [f"{tag} href" for v in attrs.values() if v and v.lower().startswith("javascript")]
    return found


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_titles_are_stored_as_written(hostile_desk):
    titles = stored_titles(hostile_desk)
    assert titles["0.html"] == SCRIPT  # a title quoting markup keeps it, as text
    assert titles["1.html"] == MARKUP
    # A 100 kB title is cut at a word to the kept length, "…" marking the cut.
    kept = titles["4.html"]
    assert len(kept) <= TITLE_MAX and kept.endswith("…")
    assert LONG.startswith(kept[:-1]) and LONG[len(kept) - 1] == " "
    assert "\u202e" in titles["3.html"]  # directional marks are the reader's business
    assert "\x1b" not in titles["2.html"] and "đổi tên cửa sổ" in titles["2.html"]
    with sqlite3.connect(hostile_desk / "dumon.db") as conn:
        body = conn.execute("select body from articles limit 1").fetchone()[0]
    assert body.startswith("Học sinh giỏi") and "cookie" not in body and "javascript" not in body


def digest(fmt: str, tmp_path) -> str | bytes:
    target = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(app, ["digest", *DATES, "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target.read_bytes() if fmt == "docx" else target.read_text(encoding="utf-8")


def test_html_digest_runs_nothing(hostile_desk, tmp_path):
    html = digest("html", tmp_path)
    assert "giả mạo" in html and "alert" in html  # the titles are there…
    assert active_html(html) == []  # …as text only
    assert not CONTROL.search(html)


def test_markdown_and_text_digests_are_literal(hostile_desk, tmp_path):
    markdown = digest("markdown", tmp_path)
    assert not re.search(r"(?<!\\)<", markdown.replace("<http", ""))  # every < escaped
    assert "\\<script\\>" in markdown
    assert "\\*\\*đậm\\*\\*" in markdown and "\\[bold red\\]" in markdown
    text = digest("text", tmp_path)
    assert "[bold red]giả mạo[/bold red]" in text
    for output in (markdown, text):
        assert not CONTROL.search(output)
        assert "gnp.exe" in output  # shown, without the override that would reverse it


def test_json_digest_round_trips(hostile_desk, tmp_path):
    data = json.loads(digest("json", tmp_path))
    titles = json.dumps(data, ensure_ascii=False)
    assert "<script>alert" in titles  # JSON carries the text; the consumer escapes


def test_docx_digest_holds_text_not_markup(hostile_desk, tmp_path):
    with zipfile.ZipFile(io.BytesIO(digest("docx", tmp_path))) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;" in xml and "<script" not in xml
    assert "[bold red]giả mạo[/bold red]" in xml
    assert not CONTROL.search(xml)


def test_terminal_output_prints_markup_as_text(hostile_desk):
    result = CliRunner().invoke(app, ["digest", *DATES, "--format", "terminal"])
    assert result.exit_code == 0, result.output
    assert "[bold red]giả mạo[/bold red]" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    searched = CliRunner().invoke(app, ["search", "giả mạo"])
    assert searched.exit_code == 0, searched.output
    assert "[bold red]" in searched.output and "\x1b" not in searched.output


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def test_mailed_digest_is_inert(hostile_desk, tmp_path):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        (hostile_desk / "settings.yaml").write_text(
            "mail:\n  host: 127.0.0.1\n"
            f"  port: {port}\n  security: none\n"
            "  from: dumon@so-gddt.example.vn\n  recipients: [lanhdao@so-gddt.example.vn]\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["digest", *DATES, "--send"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(inbox.messages[0], policy=policy.default)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert active_html(html) == [] and "alert" in html
    assert "[bold red]giả mạo[/bold red]" in text
    assert not CONTROL.search(html) and not CONTROL.search(text)


def test_a_feed_cannot_make_dumon_read_files(loopback, isolated_home):
    """Links to file:// and friends are never fetched, and redirects to them are refused."""
    base = loopback.base_url
    items = [
        ("Sở GD&amp;ĐT Ninh Bình tệp", "file:///etc/passwd"),
        ("Sở GD&amp;ĐT Ninh Bình ftp", "ftp://127.0.0.1/x"),
        ("Sở GD&amp;ĐT Ninh Bình chuyển", f"{base}/chuyen-huong"),
    ]
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        + "".join(f"<item><title>{t}</title><link>{escape(u)}</link></item>" for t, u in items)
        + "</channel></rss>"
    )
    loopback.route("/rss", body=feed, content_type="application/rss+xml")
    loopback.route("/chuyen-huong", status=302, headers={"Location": "file:///etc/passwd"})
    loopback.route("/nguon-chuyen", status=301, headers={"Location": "file:///etc/hostname"})
    write_sources(
        isolated_home,
        [("doc-hai", loopback.url("/rss")), ("chuyen", loopback.url("/nguon-chuyen"))],
    )
    (isolated_home / "sources.yaml").write_text(
        (isolated_home / "sources.yaml")
        .read_text()
        .replace("    tier: central\n", "    tier: central\n    fetch_body: true\n", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["scan", "--json"])
    payload = json.loads(result.stdout)
    failure = {f["source"]: f["error"] for f in payload["failures"]}
    assert "không phải web" in failure["chuyen"] or "http(s)" in failure["chuyen"]
    with sqlite3.connect(isolated_home / "dumon.db") as conn:
        everything = " ".join(
            str(v)
            for row in conn.execute("select url, title, summary, body from articles")
            for v in row
        )
        kinds = dict(conn.execute("select source, error_kind from run_sources"))
    assert "root:" not in everything and "file://" not in everything and "ftp://" not in everything
    assert kinds["chuyen"] == "bad_scheme"
    assert loopback.hits("/chuyen-huong") <= 1  # the redirect was looked at, not followed


def test_sources_yaml_cannot_name_a_file(isolated_home):
    write_sources(isolated_home, [("tep", "file:///etc/passwd")])
    result = CliRunner().invoke(app, ["scan"])
    assert result.exit_code == 2 and "bắt đầu bằng https://" in result.output
