"""Listing pages, article bodies and charsets, as a press officer would see the result."""

from __future__ import annotations

import asyncio
import codecs
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dumon.collecting.bodies import extract_body
from dumon.collecting.dates import parse_datetime
from dumon.collecting.fetch import Fetcher
from dumon.collecting.pages import decode_html, parse_listing
from dumon.models import FetchPolicy, Selectors, Source
from dumon.vntime import VN_TZ

PAGES = Path(__file__).parent / "fixtures" / "pages"
HTML = {"Content-Type": "text/html; charset=utf-8"}
SELECTORS = Selectors(
    item="article.story",
    link=".story__title a",
    title=".story__title",
    summary=".story__sapo",
    date=".story__time",
)
POLICY = FetchPolicy(timeout=5, retries=0, respect_robots=False)


def source(selectors: Selectors | None = SELECTORS) -> Source:
    return Source(
        name="bao-thu-giao-duc",
        url="http://127.0.0.1/giao-duc/",
        kind="html",
        outlet="Báo Thử Nghiệm",
        tier="local",
        selectors=selectors,
    )


def fetch_all(*urls: str):
    async def run():
        async with Fetcher(POLICY, private_hosts=["127.0.0.1"]) as f:
            return await asyncio.gather(*(f.fetch(u) for u in urls))

    return asyncio.run(run())


def to_windows_1258(text: str) -> bytes:
    """Encode as a Vietnamese Windows page would: base letters precomposed, tone marks combining."""
    modifiers = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn
    out: list[str] = []
    base, marks = "", []
    for char in unicodedata.normalize("NFD", text) + "\0":
        if unicodedata.combining(char):
            marks.append(char)
            continue
        if base:
            mods = "".join(m for m in marks if m in modifiers)
            tones = "".join(m for m in marks if m not in modifiers)
            out.append(unicodedata.normalize("NFC", base + mods) + tones)
        base, marks = char, []
    return "".join(out).encode("cp1258")


# --- listing pages ------------------------------------------------------------------------------


def test_listing_served_and_parsed(loopback):
    loopback.route("/giao-duc/", body=(PAGES / "listing.html").read_bytes(), headers=HTML)
    (result,) = fetch_all(loopback.url("/giao-duc/"))
    parsed = parse_listing(
        result.content, result.headers, source=source(), base_url=result.final_url
    )
    articles = {a.title: a for a in parsed.articles}
    assert list(articles) == [
        "Sở GD&ĐT Nam Định tổng kết năm học, khen thưởng giáo viên",
        "Học sinh Giao Thuỷ hoà nhập với mô hình trường học mới",
        "Giữ sức khỏe cho trẻ mùa đông: lời khuyên của bác sĩ",
        "Cảnh báo <script> giả mạo [bold]thông báo[/bold] tuyển sinh",
    ]
    first = parsed.articles[0]
    # Relative link made absolute; tracking parameters and the fragment dropped.
    assert first.url == loopback.url("/giao-duc/so-gddt-nam-dinh-tong-ket-nam-hoc-2026112807.htm")
    assert first.summary.startswith("Sáng 28/11, Sở Giáo dục và Đào tạo tổ chức hội nghị tổng kết")
    assert "\n" not in first.summary
    assert first.published == datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)
    assert first.outlet == "Báo Thử Nghiệm" and first.source == "bao-thu-giao-duc"
    assert articles["Học sinh Giao Thuỷ hoà nhập với mô hình trường học mới"].published == (
        datetime(2026, 11, 27, 21, 5, tzinfo=VN_TZ)
    )
    # "2 giờ trước" is relative: no date rather than a wrong one.
    assert articles["Giữ sức khỏe cho trẻ mùa đông: lời khuyên của bác sĩ"].published is None
    assert articles["Giữ sức khỏe cho trẻ mùa đông: lời khuyên của bác sĩ"].url == (
        "http://127.0.0.9/xa-hoi/khoe-manh-mua-dong.htm"
    )
    assert articles["Cảnh báo <script> giả mạo [bold]thông báo[/bold] tuyển sinh"].published == (
        datetime(2026, 11, 26, 16, 0, tzinfo=VN_TZ)
    )
    # The item without a link and the javascript: one are counted; the duplicate is dropped.
    assert parsed.problem == "Bỏ qua 2/7 mục không có đường dẫn hoặc tiêu đề"
    assert parsed.kind == "html"
    for article in parsed.articles:
        assert unicodedata.is_normalized("NFC", article.title)


def test_listing_selector_matching_nothing_is_explained():
    content = (PAGES / "listing.html").read_bytes()
    parsed = parse_listing(
        content, {}, source=source(Selectors(item="div.tin-moi")), base_url="http://127.0.0.1/"
    )
    assert parsed.articles == ()
    assert "div.tin-moi" in parsed.problem and "sửa selectors" in parsed.problem


def test_listing_without_selectors_is_explained():
    parsed = parse_listing(b"<html></html>", {}, source=source(None), base_url="http://127.0.0.1/")
    assert parsed.articles == () and "selectors" in parsed.problem


def test_listing_link_selector_defaults_to_first_link_and_base_tag():
    html = """<html><head><base href="http://127.0.0.1/chuyen-muc/"></head><body>
      <div class="tin"><a href="bai-1.htm">Khai giảng năm học mới ở Hải Hậu</a></div>
      <div class="tin"><a href="bai-2.htm"><img alt="Thi học sinh giỏi cấp tỉnh"></a></div>
    </body></html>"""
    parsed = parse_listing(
        html.encode(), {}, source=source(Selectors(item="div.tin")), base_url="http://127.0.0.2/"
    )
    assert [(a.url, a.title) for a in parsed.articles] == [
        ("http://127.0.0.1/chuyen-muc/bai-1.htm", "Khai giảng năm học mới ở Hải Hậu"),
        ("http://127.0.0.1/chuyen-muc/bai-2.htm", "Thi học sinh giỏi cấp tỉnh"),
    ]


# --- article bodies -----------------------------------------------------------------------------


def test_body_with_selector_is_clean_paragraphs(loopback):
    loopback.route("/bai.htm", body=(PAGES / "article.html").read_bytes(), headers=HTML)
    (result,) = fetch_all(loopback.url("/bai.htm"))
    body = extract_body(
        result.content, result.headers, url=result.final_url, selector=".detail-content"
    )
    paragraphs = body.split("\n\n")
    assert paragraphs[0] == (
        "Sáng 28/11, Sở Giáo dục và Đào tạo Nam Định tổ chức hội nghị tổng kết năm học "
        "2025-2026 với sự tham dự của hơn 300 đại biểu đến từ các trường học trên địa bàn."
    )
    assert "Quang cảnh hội nghị." in paragraphs
    assert paragraphs[-1].endswith("giữ gìn sức khoẻ cho học sinh trong mùa đông.")
    assert "quảng cáo chèn giữa bài" not in body  # script text is not article text
    assert "Tin liên quan" not in body and "Trang chủ" not in body


def test_body_fallback_finds_known_cms_container():
    content = (PAGES / "article.html").read_bytes()
    with_selector = extract_body(content, HTML, url="http://127.0.0.1/", selector=".detail-content")
    assert extract_body(content, HTML, url="http://127.0.0.1/") == with_selector


def test_body_selector_missing_falls_back():
    content = (PAGES / "article.html").read_bytes()
    body = extract_body(content, HTML, url="http://127.0.0.1/", selector=".khong-co")
    assert body.startswith("Sáng 28/11, Sở Giáo dục và Đào tạo Nam Định")


def test_body_fallback_by_text_density_on_unknown_layout():
    content = (PAGES / "article_unknown_layout.html").read_bytes()
    body = extract_body(content, {}, url="http://127.0.0.1/")
    assert "hơn 800 học sinh của trường đã trở lại lớp học" in body
    assert "Phòng Văn hóa - Xã hội phường Nam Định đã hỗ trợ sách vở" in body
    # Menus and link lists around the article are left out.
    assert "Lịch công tác tuần" not in body and "Thư viện ảnh" not in body


def test_body_of_page_without_text_is_empty():
    assert extract_body(b"<html><body><img src=x></body></html>", {}, url="http://127.0.0.1/") == ""


# --- charsets -----------------------------------------------------------------------------------

TEXT = "Sở Giáo dục và Đào tạo Nam Định khen thưởng học sinh giỏi; Giao Thuỷ, hoà nhập, khỏe mạnh"


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><p>{text}</p></body></html>"


def test_decode_undeclared_utf8():
    assert TEXT in decode_html(page(TEXT).encode("utf-8"), {})


def test_decode_undeclared_windows_1258():
    decoded = decode_html(to_windows_1258(page(TEXT * 3)), {"content-type": "text/html"})
    assert TEXT in decoded and unicodedata.is_normalized("NFC", decoded)


def test_decode_windows_1258_declared_in_meta():
    html = page(TEXT, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    assert TEXT in decode_html(to_windows_1258(html), {})


def test_decode_wrong_header_charset_falls_back_to_meta():
    html = page(TEXT, '<meta charset="windows-1258">')
    decoded = decode_html(to_windows_1258(html), {"Content-Type": "text/html; charset=utf-8"})
    assert TEXT in decoded


def test_decode_utf16_with_bom():
    content = codecs.BOM_UTF16_LE + page(TEXT).encode("utf-16-le")
    assert TEXT in decode_html(content, {})


def test_decode_keeps_tone_style_and_returns_nfc():
    nfd = unicodedata.normalize("NFD", TEXT)
    decoded = decode_html(page(nfd).encode("utf-8"), {})
    assert TEXT in decoded  # NFC, and "thuỷ"/"hoà" stay in the old style as written


def test_body_of_windows_1258_page():
    content = to_windows_1258(page(TEXT * 4, '<meta charset="windows-1258">'))
    assert extract_body(content, {}, url="http://127.0.0.1/", selector="p") == TEXT * 4


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28/11/2026 07:30", datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)),
        ("Thứ bảy, 28/11/2026, 07:30 (GMT+7)", datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)),
        ("07:30 28-11-2026", datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)),
        ("28/11/2026 - 7:30 CH", datetime(2026, 11, 28, 19, 30, tzinfo=VN_TZ)),
        ("Cập nhật: 28.11.2026 7h30", datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)),
        ("ngày 28 tháng 11 năm 2026", datetime(2026, 11, 28, tzinfo=VN_TZ)),
        ("2026-11-28T00:30:00Z", datetime(2026, 11, 28, 0, 30, tzinfo=UTC)),
        ("2026-11-28 07:30", datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)),
        ("Sat, 28 Nov 2026 07:30:00 +0700", datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)),
        (
            "Sat, 28 Nov 2026 07:30:00 GMT",
            datetime(2026, 11, 28, 7, 30, tzinfo=UTC),
        ),
        (
            "Thứ Bảy, 28/11/2026 08:30 (GMT+8)",
            datetime(2026, 11, 28, 8, 30, tzinfo=timezone(timedelta(hours=8))),
        ),
    ],
)
def test_dates_as_vietnamese_sites_print_them(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize("text", ["2 giờ trước", "Hôm qua", "", "31/02/2026", None])
def test_unusable_dates_give_none(text):
    assert parse_datetime(text) is None
