"""Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed bytes → articles.

Owns `parse_feed`. feedparser reads RSS and Atom from memory only (bytes in a BytesIO, headers
passed in): it never fetches, and its SAX parser has external entities switched off and unsafe
ENTITY declarations stripped. JSON Feed is parsed here. The charset is settled before feedparser
sees the bytes (BOM, header, XML declaration, UTF-8, detection — windows-1258 included), because
feedparser alone reads undeclared windows-1258 as windows-1252 and text/xml without a charset as
ASCII. A broken feed yields what could be recovered plus a Vietnamese `problem`.
"""

from __future__ import annotations

import io
import json
import logging
import re
import xml.sax
from datetime import UTC, datetime
from typing import Any

from dumon.collecting.cleantext import charset_from_content_type, clean_text, decode_bytes, shorten
from dumon.collecting.dates import looks_dated, parse_datetime, plausible
from dumon.collecting.fastfeed import read_entries
from dumon.models import Article, ParsedItems, Source
from dumon.urls import canonical_url, is_http_url

log = logging.getLogger(__name__)

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECL_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)(["'])""")
_ROOT = re.compile(r"<[A-Za-z]")
# Each of these stops at the next "[" or ">" (or matches at once), so finding the internal
# subset is linear however many openers a crafted prolog repeats.
_SUBSET_OPEN = re.compile(r"<!DOCTYPE\s[^\[>]*\[")
_SUBSET_CLOSE = re.compile(r"\][ \t\r\n]*>")
_DATE_FIELDS = ("published", "updated", "created")
_SUMMARY_MAX = 400
_UNTITLED = "(không có tiêu đề)"


def parse_feed(
    content: bytes, headers: dict[str, str], *, source: Source, base_url: str
) -> ParsedItems:
    """Parse a fetched feed; malformed input gives the recoverable articles and a `problem`."""
    headers = {k.lower(): v for k, v in headers.items()}
    if _looks_like_json(content, headers.get("content-type", "")):
        return _parse_json_feed(content, headers, source=source, base_url=base_url)
    return _parse_xml_feed(content, headers, source=source, base_url=base_url)


def _looks_like_json(content: bytes, content_type: str) -> bool:
    """JSON by its first character; the header only breaks ties (servers mislabel feeds)."""
    first = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"["):
        return True
    return first != b"<" and "json" in content_type.lower()


# --- RSS and Atom --------------------------------------------------------------------------------


def _utf8_document(content: bytes, content_type: str) -> bytes:
    """Re-encode the document as UTF-8 with a matching XML declaration."""
    declared = _XML_DECL.search(content[:500])
    text, _ = decode_bytes(
        content,
        (charset_from_content_type(content_type), declared.group(1).decode() if declared else None),
    )
    # Blank lines before "<?xml" (common from PHP templates) make a strict parser give up.
    text = _XML_DECL_TEXT.sub(r"\g<1>utf-8\g<3>", text.lstrip("\ufeff \t\r\n"), count=1)
    return _drop_internal_subset(text).encode("utf-8")


def _drop_internal_subset(text: str) -> str:
    """Remove the DOCTYPE's inline declarations (`<!DOCTYPE rss [ <!ENTITY …> ]>`).

    Real feeds do not need them, and nested entities ("billion laughs") cost expat seconds of
    CPU before its amplification guard stops them. Undeclared entities then make the feed
    "malformed", and feedparser's lenient parser keeps them as text.
    """
    root = _ROOT.search(text)
    prolog = text[: root.start()] if root else text
    opened = _SUBSET_OPEN.search(prolog)
    if opened is None:
        return text
    closed = _SUBSET_CLOSE.search(prolog, opened.end())
    # An unterminated subset runs to the root element: all of it goes.
    rest = prolog[closed.end() :] if closed else ""
    return prolog[: opened.end() - 1] + ">" + rest + text[len(prolog) :]


def _parse_xml_feed(
    content: bytes, headers: dict[str, str], *, source: Source, base_url: str
) -> ParsedItems:
    if not content.strip():
        return ParsedItems((), "Máy chủ trả về nội dung rỗng thay vì bản tin RSS", "unknown")
    data = _utf8_document(content, headers.get("content-type", ""))
    plain = read_entries(data)
    if plain is not None:
        kind, entries, problem = plain[0], plain[1], None
    else:
        kind, entries, problem = _read_tolerantly(data)
    articles: list[Article] = []
    skipped = 0
    for entry in entries:
        article = _isolated(_entry_article, entry, source=source, base_url=base_url)
        if article is None:
            skipped += 1
        else:
            articles.append(article)
    if not kind and not entries:
        return ParsedItems(
            (),
            "Nội dung tải về không phải RSS/Atom/JSON Feed (có thể là trang HTML hoặc trang báo "
            "lỗi); kiểm tra lại địa chỉ nguồn",
            "unknown",
        )
    problems = []
    if isinstance(problem, xml.sax.SAXParseException):
        where = f" ở dòng {problem.getLineNumber()}" if problem.getLineNumber() else ""
        problems.append(f"Nguồn tin bị lỗi định dạng XML{where}; đã đọc được {len(articles)} tin")
    elif problem is not None:
        log.info("feed %s: feedparser note %s: %s", source.name, type(problem).__name__, problem)
    if skipped:
        problems.append(f"{skipped} mục không có đường dẫn hợp lệ nên đã bỏ qua")
    return ParsedItems(tuple(articles), "; ".join(problems) or None, kind)


def _isolated(build, entry: Any, *, source: Source, base_url: str) -> Article | None:
    """One item's article, or None when the item cannot be read: one bad item (an odd
    value, a date no zone can show) must not take its neighbours down."""
    try:
        return build(entry, source=source, base_url=base_url)
    except (ValueError, TypeError, OverflowError, RecursionError, AttributeError) as exc:
        log.warning("feed %s: an item could not be read (%s: %s)", source.name, type(exc), exc)
        return None


def _read_tolerantly(data: bytes) -> tuple[str, list[Any], Exception | None]:
    """feedparser, for every feed the fast reader declines: its version, entries, problem."""
    import feedparser  # ~0.1 s to import; a scan of well-formed feeds never needs it

    parsed = feedparser.parse(
        io.BytesIO(data),
        # No content-location: relative links are resolved once, by canonical_url below
        # (feedparser would urljoin every element against it, ~15 % of its time).
        response_headers={"content-type": "application/xml; charset=utf-8"},
        resolve_relative_uris=False,  # links inside HTML are stripped with the HTML
        sanitize_html=False,  # clean_text drops tags, scripts and styles itself
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    return parsed.get("version") or "", parsed.entries, problem


def _first_http(links: list[Any], guid: Any, base_url: str) -> tuple[str, str] | None:
    """The first usable link, else a guid that is itself an absolute http(s) URL.

    Returns (as written, canonical). Links may be relative; a guid is an identifier, so a
    relative-looking one ("bao-1001") is never turned into an address.
    """
    for value in links:
        if isinstance(value, str) and value.strip():
            url = canonical_url(value.strip(), base_url)
            if is_http_url(url):
                return value.strip(), url
    if isinstance(guid, str) and is_http_url(guid):
        return guid.strip(), canonical_url(guid)
    return None


def _entry_link(entry: Any, base_url: str) -> tuple[str, str] | None:
    alternates = [
        link.get("href")
        for link in entry.get("links", ())
        if link.get("rel", "alternate") == "alternate"
    ]
    return _first_http([entry.get("link"), *alternates], entry.get("id"), base_url)


def _entry_body(entry: Any) -> str:
    texts = [
        clean_text(str(c.get("value") or ""), keep_paragraphs=True, html=_is_html(c))
        for c in entry.get("content", ())
    ]
    return max(texts, key=len, default="")


def _is_html(detail: Any) -> bool | None:
    """What feedparser says a text construct is: HTML, plain text ("<b>" kept), or unknown."""
    kind = detail.get("type") if isinstance(detail, dict) else None
    if not kind:
        return None
    return "html" in kind


def _entry_article(entry: Any, *, source: Source, base_url: str) -> Article | None:
    link = _entry_link(entry, base_url)
    if link is None:
        return None
    raw_link, url = link
    body = _entry_body(entry)
    summary = clean_text(
        str(entry.get("summary") or ""), html=_is_html(entry.get("summary_detail"))
    )
    if body and summary == clean_text(body):  # the feed repeated the full text as summary
        summary = _shorten(body.split("\n\n", 1)[0])
    title = clean_text(str(entry.get("title") or ""), html=_is_html(entry.get("title_detail")))
    title = title or _shorten(summary or body) or _UNTITLED
    guid = entry.get("id")
    return Article(
        url=url,
        title=title,
        outlet=source.outlet,
        summary=summary,
        body=body,
        published=_entry_date(entry),
        source=source.name,
        original_url=raw_link if raw_link != url else None,
        external_id=str(guid) if guid else None,
    )


def _shorten(text: str, limit: int = _SUMMARY_MAX) -> str:
    return shorten(text, limit)


def _entry_date(entry: Any) -> datetime | None:
    for name in _DATE_FIELDS:
        raw = entry.get(name)
        value = parse_datetime(raw) if isinstance(raw, str) else None
        if value is not None:
            return plausible(value)
    for name in _DATE_FIELDS:  # feedparser's own parsers know more formats, but give only UTC
        parsed = entry.get(f"{name}_parsed")
        raw = entry.get(name)
        if not parsed or (isinstance(raw, str) and looks_dated(raw)):
            # A date written out that we refused is wrong (30 February, year 0001), and
            # feedparser would roll it over into another one (2 March, 2001).
            continue
        try:
            year, month, day, hour, minute, second = parsed[:6]
            return plausible(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
        except (TypeError, ValueError, OverflowError):
            continue
    return None


# --- JSON Feed -----------------------------------------------------------------------------------


def _parse_json_feed(
    content: bytes, headers: dict[str, str], *, source: Source, base_url: str
) -> ParsedItems:
    text, _ = decode_bytes(content, (charset_from_content_type(headers.get("content-type")),))
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        return ParsedItems((), f"Nội dung JSON bị lỗi ở dòng {exc.lineno}, không đọc được", "json")
    except RecursionError:
        deep = "Nội dung JSON lồng nhau quá sâu (không phải JSON Feed thật), không đọc được"
        return ParsedItems((), deep, "json")
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        return ParsedItems(
            (), "Nội dung JSON không phải JSON Feed (thiếu danh sách 'items')", "json"
        )
    base = base_url
    if isinstance(document.get("home_page_url"), str) and is_http_url(document["home_page_url"]):
        base = canonical_url(document["home_page_url"], base_url)
    articles = []
    skipped = 0
    for item in items:
        article = (
            _isolated(_json_article, item, source=source, base_url=base)
            if isinstance(item, dict)
            else None
        )
        if article is None:
            skipped += 1
        else:
            articles.append(article)
    problem = f"{skipped} mục không có đường dẫn hợp lệ nên đã bỏ qua" if skipped else None
    return ParsedItems(tuple(articles), problem, "json")


def _json_article(item: dict[str, Any], *, source: Source, base_url: str) -> Article | None:
    link = _first_http([item.get("url"), item.get("external_url")], item.get("id"), base_url)
    if link is None:
        return None
    raw_link, url = link
    # JSON Feed: content_html is HTML; content_text, summary and title are plain text. A value
    # of another type (an object for a title) is no text at all, not its Python repr.
    if _json_text(item, "content_html"):
        body = clean_text(_json_text(item, "content_html"), keep_paragraphs=True, html=True)
    else:
        body = clean_text(_json_text(item, "content_text"), keep_paragraphs=True, html=False)
    summary = clean_text(_json_text(item, "summary"), html=False)
    title = clean_text(_json_text(item, "title"), html=False)
    title = title or _shorten(summary or body) or _UNTITLED
    published = None
    for name in ("date_published", "date_modified"):
        value = item.get(name)
        published = plausible(parse_datetime(value)) if isinstance(value, str) else None
        if published is not None:
            break
    guid = item.get("id")
    if not isinstance(guid, str | int):
        guid = None
    return Article(
        url=url,
        title=title,
        outlet=source.outlet,
        summary=summary,
        body=body,
        published=published,
        source=source.name,
        original_url=raw_link if raw_link != url else None,
        external_id=str(guid) if guid is not None else None,
    )


def _json_text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""
