"""Feeds as a press officer receives them: every format, broken XML, wrong charsets, end to end."""

from __future__ import annotations

import asyncio
import os
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dumon.collecting.feeds import parse_feed
from dumon.collecting.fetch import Fetcher
from dumon.models import FetchPolicy, Source
from dumon.urls import is_http_url
from dumon.vntime import VN_TZ
from support.cleantext import encode_windows_1258

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SOURCE = Source(
    name="bao-thu", url="http://127.0.0.1/rss", kind="rss", outlet="Báo Thử", tier="other"
)
BASE = "http://127.0.0.1:8080/rss/giao-duc.rss"
FAST = FetchPolicy(timeout=3.0, connect_timeout=1.0, retries=0, backoff=0.01)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(content: bytes, headers: dict[str, str] | None = None):
    return parse_feed(content, headers or {}, source=SOURCE, base_url=BASE)


def titles(parsed) -> list[str]:
    return [a.title for a in parsed.articles]


# --- formats -------------------------------------------------------------------------------------


def test_rss20_items_become_clean_articles():
    parsed = parse(fixture("rss20.xml"))
    assert parsed.kind == "rss20"
    first, second, third = parsed.articles
    # Relative link resolved against the feed's URL; tracking parameters gone.
    assert first.url == (
        "http://127.0.0.1:8080/giao-duc/so-gddt-hoi-nghi-an-toan-truong-hoc-20261128073000.htm"
    )
    assert first.title == "Sở GD&ĐT tổ chức hội nghị về an toàn trường học mùa mưa lũ"
    # Old and new tone styles stay as written; HTML and entities are gone.
    assert first.summary == (
        "Sáng 28/11, Sở Giáo dục và Đào tạo tổ chức hội nghị hoà thuỷ & khoẻ mạnh."
    )
    assert first.body == (
        "Sáng 28/11, Sở Giáo dục và Đào tạo tổ chức hội nghị.\n\n"
        "Các trường được yêu cầu rà soát phương án phòng chống thiên tai; năm học hòa bình."
    )
    assert first.published == datetime(2026, 11, 28, 7, 30, tzinfo=VN_TZ)
    assert first.external_id == "bao-thu-1001"
    assert first.outlet == "Báo Thử" and first.source == "bao-thu"
    assert second.url.endswith("-20261127180000.htm")  # fragment dropped
    assert second.published == datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
    # A Vietnamese-style pubDate without zone is Vietnam time.
    assert third.published == datetime(2026, 11, 28, 9, 15, tzinfo=VN_TZ)
    assert parsed.problem == "1 mục không có đường dẫn hợp lệ nên đã bỏ qua"


def test_unusable_link_falls_back_to_a_permalink_guid():
    content = rss("Tin").replace(
        "<link>http://127.0.0.1/tin-1.html</link>",
        "<link>javascript:void(0)</link><guid>http://127.0.0.1/tin-that.html</guid>",
    )
    (article,) = parse(content.encode()).articles
    assert article.url == "http://127.0.0.1/tin-that.html"


def test_rss10_rdf_with_naive_dc_date_is_vietnam_time():
    parsed = parse(fixture("rss10.rdf"))
    assert parsed.kind == "rss10" and parsed.problem is None
    (article,) = parsed.articles
    assert article.title == "Phòng Giáo dục huyện Ý Yên hướng dẫn khai giảng"
    assert article.published == datetime(2026, 9, 4, 7, 30, tzinfo=VN_TZ)


def test_atom_uses_xml_base_and_strips_escaped_html():
    parsed = parse(fixture("atom.xml"))
    assert parsed.kind == "atom10"
    (article,) = parsed.articles
    assert article.url == "http://127.0.0.1/bai-viet/giao-vien-vung-lu"
    assert article.title == "Giáo viên vùng lũ vượt khó đến trường"
    assert article.body == "Đoạn một về các thầy cô.\n\nĐoạn hai: quý thầy cô được khen thưởng."
    assert article.published == datetime(2026, 11, 28, 8, 0, tzinfo=VN_TZ)


def test_json_feed_is_parsed_by_content_not_only_by_header():
    for headers in ({"Content-Type": "application/feed+json"}, {}):
        parsed = parse(fixture("feed.json"), headers)
        assert parsed.kind == "json"
        (article,) = parsed.articles
        assert article.url == "http://127.0.0.1/tin/hoc-sinh-doat-giai.html"
        assert article.title == "Học sinh tỉnh Ninh Bình đoạt giải & được khen"
        assert (
            article.body
            == "Em Nguyễn Thị Thuỷ đoạt giải nhất.\n\nNhà trường tổ chức lễ khen thưởng."
        )
        assert article.published == datetime(2026, 11, 27, 20, 15, tzinfo=VN_TZ)
        assert parsed.problem == "1 mục không có đường dẫn hợp lệ nên đã bỏ qua"


def test_json_escapes_that_no_file_can_store_are_dropped():
    document = '{"items": [{"url": "http://127.0.0.1/a", "title": "Tin \\ud800 l\\u1ed7i"}]}'
    (article,) = parse(document.encode()).articles
    assert article.title == "Tin lỗi"
    article.title.encode("utf-8")


def test_content_decides_over_a_wrong_content_type():
    parsed = parse(fixture("rss20.xml"), {"content-type": "application/json"})
    assert parsed.kind == "rss20" and len(parsed.articles) == 3
    parsed = parse(fixture("feed.json"), {"content-type": "text/xml"})
    assert parsed.kind == "json" and len(parsed.articles) == 1


def test_broken_json_says_so():
    parsed = parse(b'{"items": [', {"content-type": "application/json"})
    assert parsed.articles == ()
    assert "JSON bị lỗi" in parsed.problem


# --- bad input -----------------------------------------------------------------------------------


def test_malformed_xml_keeps_recovered_items_and_reports_the_line():
    parsed = parse(fixture("malformed.xml"))
    assert titles(parsed)[:2] == [
        "Bài thứ nhất vẫn đọc được",
        "Bài thứ hai cũng đọc được & có dấu và sai",
    ]
    assert "lỗi định dạng XML ở dòng" in parsed.problem


def test_html_page_instead_of_a_feed_is_reported():
    page = "<html><body><h1>Trang chủ</h1><p>Không phải RSS</p></body></html>".encode()
    parsed = parse(page, {"content-type": "text/html; charset=utf-8"})
    assert parsed.articles == ()
    assert "không phải RSS/Atom/JSON Feed" in parsed.problem


def test_external_entities_are_never_resolved(tmp_path, loopback):
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT")
    loopback.route("/dtd", body="<!ENTITY x 'lộ'>")
    evil = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY file SYSTEM "file://{secret}">
  <!ENTITY remote SYSTEM "{loopback.url("/dtd")}">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>Tin &file; &remote;</title><link>http://127.0.0.1/a</link></item>
</channel></rss>""".encode()
    parsed = parse(evil)
    assert all("BÍ MẬT" not in a.title for a in parsed.articles)
    assert loopback.hits("/dtd") == 0


# --- charsets ------------------------------------------------------------------------------------

VIETNAMESE = "Hoà thuỷ – khoẻ mạnh – hòa thủy: Sở Giáo dục và Đào tạo tỉnh Ninh Bình"


def rss(title: str, declaration: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{declaration}\n<rss version="2.0"><channel><title>Kênh</title>'
        f"<item><title>{title}</title><link>http://127.0.0.1/tin-1.html</link>"
        f"<description>Học sinh đến trường an toàn, quý thầy cô yên tâm.</description>"
        f"</item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        pytest.param(rss(VIETNAMESE).encode(), {"content-type": "text/xml"}, id="utf8-undeclared"),
        pytest.param(
            rss(VIETNAMESE).encode(),
            {"content-type": "application/rss+xml; charset=iso-8859-1"},
            id="utf8-header-says-latin1",
        ),
        pytest.param(rss(VIETNAMESE).encode("utf-16"), {}, id="utf16-bom"),
        pytest.param(
            rss(VIETNAMESE, '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16"),
            {"content-type": "text/xml"},
            id="utf16-declared",
        ),
        pytest.param(
            encode_windows_1258(rss(VIETNAMESE, '<?xml version="1.0" encoding="windows-1258"?>')),
            {},
            id="windows-1258-declared",
        ),
        pytest.param(
            encode_windows_1258(rss(VIETNAMESE)),
            {"content-type": "text/xml"},
            id="windows-1258-undeclared",
        ),
        pytest.param(
            encode_windows_1258(rss(VIETNAMESE)),
            {"content-type": "text/xml; charset=utf-8"},
            id="windows-1258-header-says-utf8",
        ),
    ],
)
def test_vietnamese_survives_any_charset(content, headers):
    parsed = parse(content, headers)
    (article,) = parsed.articles
    assert article.title == VIETNAMESE
    assert article.summary == "Học sinh đến trường an toàn, quý thầy cô yên tâm."
    assert unicodedata.is_normalized("NFC", article.title)


def test_decomposed_input_comes_out_nfc():
    decomposed = unicodedata.normalize("NFD", VIETNAMESE)
    (article,) = parse(rss(decomposed).encode()).articles
    assert article.title == VIETNAMESE


# --- end to end over HTTP ------------------------------------------------------------------------


def fetch_and_parse(url: str):
    async def run():
        # The URL plays a configured source, which may be on a local address.
        async with Fetcher(FAST, private_hosts=[urlsplit(url).hostname]) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(run())
    assert result.ok, result.error
    return parse_feed(
        result.content, result.headers, source=SOURCE, base_url=result.final_url or url
    )


def test_gzipped_feed_served_over_http(loopback):
    loopback.route(
        "/rss/giao-duc.rss",
        body=fixture("rss20.xml"),
        gzip=True,
        content_type="application/rss+xml; charset=utf-8",
    )
    parsed = fetch_and_parse(loopback.url("/rss/giao-duc.rss"))
    assert len(parsed.articles) == 3
    assert parsed.articles[0].url == (
        f"{loopback.base_url}/giao-duc/so-gddt-hoi-nghi-an-toan-truong-hoc-20261128073000.htm"
    )
    assert parsed.articles[0].title.startswith("Sở GD&ĐT")


def test_windows_1258_feed_without_charset_served_over_http(loopback):
    loopback.route("/rss", body=encode_windows_1258(rss(VIETNAMESE)), content_type="text/xml")
    parsed = fetch_and_parse(loopback.url("/rss"))
    assert titles(parsed) == [VIETNAMESE]


def test_redirected_feed_resolves_links_against_the_final_url(make_loopback):
    server = make_loopback("127.0.0.2")
    server.route("/rss", status=301, headers={"Location": server.url("/moi/rss")})
    server.route(
        "/moi/rss", body=fixture("atom.xml").replace(b' xml:base="http://127.0.0.1/bai-viet/"', b"")
    )
    parsed = fetch_and_parse(server.url("/rss"))
    assert parsed.articles[0].url == server.url("/moi/giao-vien-vung-lu")


# --- the feedparser project's own test corpus ------------------------------------------------


def _corpus() -> Path | None:
    root = Path(os.environ.get("DUMON_CORPUS", Path(__file__).parents[2] / "shared" / "corpus"))
    folder = root / "feeds" / "feedparser_tests"
    return folder if folder.is_dir() else None


def test_feedparser_corpus_invariants():
    folder = _corpus()
    if folder is None:
        pytest.skip("corpus absent: set DUMON_CORPUS or put it in ../shared/corpus")
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix in {".xml", ".json", ".rdf"}
    )
    assert files
    started = time.monotonic()
    failures = []
    articles = 0
    for path in files:
        try:
            parsed = parse_feed(
                path.read_bytes(), {}, source=SOURCE, base_url="http://127.0.0.1/feed/"
            )
        except Exception as exc:  # the invariant under test: no input makes parse_feed raise
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        for a in parsed.articles:
            articles += 1
            if not (is_http_url(a.url) and isinstance(a.title, str) and a.title):
                failures.append(f"{path.name}: bad url/title {a.url!r} {a.title!r}")
            if a.published is not None and a.published.utcoffset() is None:
                failures.append(f"{path.name}: naive date {a.published!r}")
    assert not failures, "\n".join(failures[:20])
    assert articles > 50
    assert time.monotonic() - started < 30


def test_placeholder_and_far_future_dates_become_unknown():
    for stamp in ("Thu, 01 Jan 1970 00:00:00 +0000", "0001-01-01T00:00:00", "01/01/2099 07:00"):
        content = rss("Tin").replace("</item>", f"<pubDate>{stamp}</pubDate></item>").encode()
        (article,) = parse(content).articles
        assert article.published is None, stamp


def test_dates_are_never_naive_even_for_odd_zones():
    for stamp in ("Sat, 28 Nov 2026 07:30:00 -0000", "Sat, 28 Nov 2026 07:30:00 EST", "2026-11-28"):
        content = rss("Tin").replace("</item>", f"<pubDate>{stamp}</pubDate></item>").encode()
        (article,) = parse(content).articles
        assert article.published is not None and article.published.utcoffset() is not None
    content = rss("Tin").replace(
        "</item>", "<pubDate>Sat, 28 Nov 2026 07:30:00 -0000</pubDate></item>"
    )
    (article,) = parse(content.encode()).articles
    assert article.published.utcoffset() == timedelta(0)


def test_markup_quoted_in_a_title_is_kept_as_text():
    quoted = "Cảnh báo &amp;lt;script&amp;gt; giả mạo [bold]thông báo[/bold] tuyển sinh"
    for title in (quoted, quoted.replace("&amp;lt;", "&lt;").replace("&amp;gt;", "&gt;")):
        (article,) = parse(rss(title).encode()).articles
        assert article.title == "Cảnh báo <script> giả mạo [bold]thông báo[/bold] tuyển sinh"
    (article,) = parse(rss("Tin <![CDATA[<b>nóng</b>]]> hôm nay").encode()).articles
    assert article.title == "Tin nóng hôm nay"


def test_blank_lines_before_the_xml_declaration_are_not_an_error():
    for prefix in (b"\n\n  ", b"\xef\xbb\xbf\n"):
        parsed = parse(prefix + fixture("rss20.xml"))
        assert len(parsed.articles) == 3
        assert "XML" not in (parsed.problem or "")


def test_empty_response_is_reported():
    parsed = parse(b"  \n")
    assert parsed.articles == () and "rỗng" in parsed.problem


def test_entity_expansion_bomb_is_defused():
    lols = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + ("" if i == 1 else str(i - 1)) + ";") * 10}">'
        for i in range(1, 10)
    )
    bomb = rss("&lol9; Tin thật").replace("<rss", f"<!DOCTYPE rss [{lols}]>\n<rss")
    started = time.monotonic()
    (article,) = parse(bomb.encode()).articles
    assert time.monotonic() - started < 1
    assert "lollol" not in article.title and "Tin thật" in article.title
