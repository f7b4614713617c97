"""The fast feed reader: same articles as feedparser, taken only where the feed is plain."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dumon.collecting import feeds
from dumon.collecting.fastfeed import read_entries
from dumon.models import Source

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SOURCE = Source(
    name="bao-thu", url="http://127.0.0.1/rss", kind="rss", outlet="Báo Thử", tier="other"
)
BASE = "http://127.0.0.1:8080/rss/giao-duc.rss"
HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}


def both_ways(content: bytes, monkeypatch, headers=HEADERS):
    """(articles with the fast reader allowed, articles with feedparser alone)."""
    fast = feeds.parse_feed(content, headers, source=SOURCE, base_url=BASE)
    with monkeypatch.context() as patch:
        patch.setattr(feeds, "read_entries", lambda data: None)
        slow = feeds.parse_feed(content, headers, source=SOURCE, base_url=BASE)
    return fast, slow


def took_fast_path(content: bytes) -> bool:
    return read_entries(feeds._utf8_document(content, HEADERS["content-type"])) is not None


def rss(items: str, extra_ns: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"{extra_ns}>'
        f"<channel><title>Báo Thử</title>{items}</channel></rss>"
    ).encode()


TRICKY_ITEMS = [
    # HTML escaped once in a "plain text" title: feedparser reads it as HTML
    "<item><title>Học sinh &lt;b&gt;giỏi&lt;/b&gt; tỉnh Ninh Bình</title>"
    "<link>http://127.0.0.1/a.htm</link></item>",
    # markup that is not HTML stays text
    "<item><title>So sánh a &lt; b &amp; c</title><link>http://127.0.0.1/b.htm</link></item>",
    # a guid that is a permalink stands in for a missing link
    "<item><title>Không có link</title><guid>http://127.0.0.1/c.htm</guid></item>",
    # a guid that is not a permalink never does
    '<item><title>Không dùng</title><guid isPermaLink="false">http://127.0.0.1/d.htm</guid></item>',
    # full text only: it becomes the summary too
    "<item><title>Chỉ có nội dung</title><link>http://127.0.0.1/e.htm</link>"
    "<content:encoded><![CDATA[<p>Đoạn một.</p><p>Đoạn hai về Sở GD&amp;ĐT.</p>]]>"
    "</content:encoded></item>",
    # dc:date instead of pubDate, naive: Vietnam time
    "<item><title>Ngày kiểu DC</title><link>http://127.0.0.1/f.htm</link>"
    "<dc:date>2026-11-28T07:30:00</dc:date><dc:creator>PV</dc:creator></item>",
    # windows-1252 controls as feedparser maps them, and decomposed Vietnamese (NFD)
    "<item><title>Trích dẫn \u0093Hoa\u0300 bi\u0300nh\u0094</title>"
    "<link>http://127.0.0.1/g.htm?a=1&amp;b=2</link><category>Giáo dục</category></item>",
    # UTF-8 that went through Latin-1 once: feedparser repairs it
    "<item><title>GiÃ¡o dá»¥c</title><link>http://127.0.0.1/h.htm</link></item>",
]


@pytest.mark.parametrize("item", TRICKY_ITEMS)
def test_fast_reader_gives_feedparsers_articles(item, monkeypatch):
    content = rss(item)
    assert took_fast_path(content)
    fast, slow = both_ways(content, monkeypatch)
    assert fast == slow


def test_atom_text_constructs_and_links_match_feedparser(monkeypatch):
    content = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Báo Thử</title>
<entry><title type="html">Giáo viên &lt;em&gt;vùng lũ&lt;/em&gt;</title>
<link rel="self" href="http://127.0.0.1/self"/>
<link rel="alternate" type="text/html" href="http://127.0.0.1/bai/1.htm"/>
<id>tag:127.0.0.1,2026:1</id><updated>2026-11-27T08:00:00+07:00</updated>
<summary>Tóm tắt &lt;b&gt; giữ nguyên</summary>
<content type="html">&lt;p&gt;Nội dung &lt;strong&gt;đầy đủ&lt;/strong&gt;&lt;/p&gt;</content>
<author><name>Phóng viên</name></author></entry>
<entry><title>Chỉ có id</title><id>http://127.0.0.1/bai/2.htm</id>
<published>2026-11-26T08:00:00Z</published></entry>
</feed>""".encode()
    assert took_fast_path(content)
    fast, slow = both_ways(content, monkeypatch)
    assert fast == slow
    assert [a.url for a in fast.articles] == [
        "http://127.0.0.1/bai/1.htm",
        "http://127.0.0.1/bai/2.htm",
    ]
    assert fast.articles[0].title == "Giáo viên vùng lũ"
    assert fast.articles[0].summary == "Tóm tắt <b> giữ nguyên"


@pytest.mark.parametrize(
    ("why", "content"),
    [
        ("not well-formed", rss("<item><title>Sở GD&ĐT</title><link>http://x/1</link></item>")),
        ("HTML entity without a DTD", rss("<item><title>a&nbsp;b</title></item>")),
        (
            "markup as child elements",
            rss("<item><title>T</title><description><p>đoạn</p></description></item>"),
        ),
        ("xml:base", rss('<item xml:base="http://x/"><title>T</title><link>1</link></item>')),
        (
            "an element feedparser maps onto the title",
            rss(
                "<item><title>T</title><media:title>M</media:title><link>http://x/1</link></item>",
                ' xmlns:media="http://search.yahoo.com/mrss/"',
            ),
        ),
        ("a date only feedparser reads", rss("<item><pubDate>28 tháng 11</pubDate></item>")),
        ("RSS 0.91", b'<rss version="0.91"><channel><item><title>T</title></item></channel></rss>'),
        ("two titles", rss("<item><title>A</title><title>B</title></item>")),
    ],
)
def test_fast_reader_declines_what_only_feedparser_reads_right(why, content, monkeypatch):
    assert not took_fast_path(content), why
    fast, slow = both_ways(content, monkeypatch)
    assert fast == slow


def test_broken_feed_still_yields_its_items_through_feedparser():
    content = rss(
        "<item><title>Sở GD&ĐT Ninh Bình</title><link>http://127.0.0.1/1.htm</link></item>"
        "<item><title>Trường THPT A</title><link>http://127.0.0.1/2.htm</link></item>"
    )
    parsed = feeds.parse_feed(content, HEADERS, source=SOURCE, base_url=BASE)
    assert [a.title for a in parsed.articles] == ["Sở GD&ĐT Ninh Bình", "Trường THPT A"]
    assert parsed.problem and "lỗi định dạng XML" in parsed.problem


def test_bundled_fixtures_agree(monkeypatch):
    for path in sorted(FIXTURES.glob("*")):
        if path.suffix in {".xml", ".rdf"}:
            fast, slow = both_ways(path.read_bytes(), monkeypatch, headers={})
            assert fast == slow, path.name


def _corpus_feeds() -> list[Path]:
    root = Path(os.environ.get("DUMON_CORPUS", Path(__file__).parents[2] / "shared" / "corpus"))
    folder = root / "feeds"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in {".xml", ".rdf"})


def test_corpus_feeds_agree(monkeypatch):
    """Every feed of the shared corpus (real outlets' feeds, feedparser's own test suite)."""
    paths = _corpus_feeds()
    if not paths:
        pytest.skip("corpus absent: set DUMON_CORPUS or put it in ../shared/corpus")
    differ = []
    fast_count = 0
    for path in paths:
        content = path.read_bytes()
        fast, slow = both_ways(content, monkeypatch, headers={})
        if fast != slow:
            differ.append(path.name)
        if content.strip():
            fast_count += took_fast_path(content)
    assert not differ, differ[:20]
    assert fast_count > len(paths) // 4  # the fast path is really taken, not always declined
