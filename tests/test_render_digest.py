"""Every digest format: the sections are there, and hostile article text stays text."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import docx
import pytest
from bs4 import BeautifulSoup
from rich.console import Console

from dumon.output.digest import Editorial, build_digest
from dumon.output.window import resolve_window
from dumon.render.digest_docx import render_docx
from dumon.render.digest_html import render_html
from dumon.render.digest_json import render_json
from dumon.render.digest_markdown import md_escape, render_markdown
from dumon.render.digest_terminal import print_digest
from dumon.render.digest_text import render_text
from support.store import Doc

SO = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"
HOSTILE = (
    "<script>alert(1)</script> [bold]đậm[/bold] **x** [bấm](javascript:alert(2)) "
    "\x1b[31mđỏ\x1b[0m\x07 \u202egnp.exe"
)
SECTIONS = (
    "I. Tổng quan",
    "II. Cần lưu ý",
    "III. Tin về ngành giáo dục của tỉnh",
    "IV. Tin giáo dục toàn quốc",
    "V. Nguồn tin",
)


@pytest.fixture
def digest(make_store):
    db = make_store(
        [
            Doc(
                "Học sinh đuối nước khi tắm sông ở Nghĩa Hưng",
                "Báo Ninh Bình",
                "2026-11-27 10:00",
                summary="Một học sinh lớp 7 bị đuối nước chiều qua.",
                units=(SO,),
                alerts=("duoi-nuoc",),
                severity=3,
            ),
            Doc(
                "Nam sinh lớp 7 đuối nước khi tắm sông ở Nghĩa Hưng",
                "VnExpress",
                "2026-11-27 11:00",
                units=(SO,),
                alerts=("duoi-nuoc",),
                severity=3,
                url="http://127.0.0.1/vne/duoi-nuoc",
            ),
            Doc(
                HOSTILE,
                "Báo <b>Lạ</b>",
                "2026-11-27 12:00",
                summary=HOSTILE,
                units=(SO,),
                themes=("[red]chủ đề[/red]",),
                url="javascript:alert(3)",
            ),
            Doc(
                "Bộ GDĐT công bố quy chế thi tốt nghiệp",
                "Tuổi Trẻ",
                "2026-11-27 13:00",
                themes=("thi-cu",),
            ),
        ]
    )
    editorial = Editorial({"duoi-nuoc": "Đuối nước"}, {})
    return build_digest(db.conn, resolve_window(on="2026-11-28"), editorial=editorial)


def _assert_safe_text(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_terminal_shows_markup_as_text(digest):
    console = Console(file=io.StringIO(), width=100, color_system=None)
    print_digest(console, digest)
    out = console.file.getvalue()
    for heading in SECTIONS:
        assert heading in out
    assert "[bold]đậm[/bold]" in out and "<script>" in out  # literally, not interpreted
    assert "[red]chủ đề[/red]" in out
    _assert_safe_text(out)
    assert "javascript:" not in out.replace("[bấm](javascript:alert(2))", "")
    assert "Đăng lại: VnExpress" in out


def test_text_is_plain_and_safe(digest):
    out = render_text(digest)
    assert out.startswith(
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH NINH BÌNH\nĐIỂM TIN BÁO CHÍ\nNgày 28/11/2026"
    )
    for heading in SECTIONS:
        assert heading in out
    assert "Cảnh báo (khẩn): Đuối nước; Đơn vị: " + SO in out
    _assert_safe_text(out)


def test_html_parses_escapes_and_links_only_http(digest):
    page = render_html(digest)
    HTMLParser().feed(page)  # the standard parser accepts it
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert [h.get_text() for h in soup.find_all("h2")] == list(SECTIONS)
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert all(h.startswith("http://") or h.startswith("https://") for h in hrefs)
    assert "http://127.0.0.1/vne/duoi-nuoc" in hrefs  # the "đăng lại" copy is linked
    text = soup.get_text()
    assert "<script>alert(1)</script>" in text and "Báo <b>Lạ</b>" in text
    assert not soup.find_all(["link", "img"])  # self-contained
    _assert_safe_text(page)


def test_markdown_escapes_article_text(digest):
    out = render_markdown(digest)
    assert "\\*\\*x\\*\\*" in out and "\\[bấm\\](javascript:alert(2))" in out
    assert "\\<script\\>" in out
    assert "<javascript:" not in out
    for heading in SECTIONS:
        assert f"## {md_escape(heading)}" in out
    _assert_safe_text(out)


def test_markdown_escape_neutralises_line_starts():
    assert md_escape("# tiêu đề") == "\\# tiêu đề"
    assert md_escape("1. mục") == "1\\. mục"
    assert md_escape("- gạch") == "\\- gạch"


def test_docx_reads_back_as_an_administrative_document(digest, tmp_path):
    path = tmp_path / "diem-tin.docx"
    path.write_bytes(render_docx(digest))
    document = docx.Document(str(path))
    header = [p.text for cell in document.tables[0].rows[0].cells for p in cell.paragraphs]
    assert header == [
        "UBND TỈNH NINH BÌNH",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Số: …/…",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ninh Bình, ngày 28 tháng 11 năm 2026",
    ]
    body = [p.text for p in document.paragraphs]
    assert "ĐIỂM TIN BÁO CHÍ" in body
    for heading in SECTIONS:
        assert heading in body
    signature = [p.text for cell in document.tables[-1].rows[0].cells for p in cell.paragraphs]
    assert "NGƯỜI TỔNG HỢP" in signature
    joined = "\n".join(body)
    assert "<script>alert(1)</script>" in joined
    _assert_safe_text(joined)


def test_json_keeps_data_and_escapes_invisible_characters(digest):
    out = render_json(digest)
    _assert_safe_text(out)
    data = json.loads(out)
    titles = [s["title"] for s in data["stories"]]
    assert HOSTILE in titles  # the data round-trips exactly
    assert data["stories"][0]["also_in"] == [
        {"outlet": "VnExpress", "url": "http://127.0.0.1/vne/duoi-nuoc"}
    ]


def test_empty_digest_says_so_in_every_text_format(make_store):
    digest = build_digest(make_store([]).conn, resolve_window(on="2026-11-28"))
    message = "Không có tin nào trong khoảng từ 07:00 ngày 27/11/2026 đến 07:00 ngày 28/11/2026."
    assert message in render_text(digest).replace("\n", " ")
    assert message in BeautifulSoup(render_html(digest), "html.parser").get_text()
    assert message in [p.text for p in docx.Document(io.BytesIO(render_docx(digest))).paragraphs]


def test_html_lists_failing_sources_in_one_list(make_store):
    from support.store import add_source

    db = make_store([])
    for name in ("mot", "hai"):
        add_source(
            db,
            name,
            f"Báo {name}",
            consecutive_failures=2,
            status="failing",
            failing_since="2026-11-27T08:00:00+07:00",
            last_error="HTTP 500",
            last_success="2026-11-20T08:00:00+07:00",
        )
    soup = BeautifulSoup(
        render_html(build_digest(db.conn, resolve_window(on="2026-11-28"))), "html.parser"
    )
    [sources] = soup.find_all("ul", class_="sources")
    assert [li.get_text()[:10] for li in sources.find_all("li")] == ["Báo hai (h", "Báo mot (m"]
