"""HTML pages: charset decoding, the parsed tree and its text, listing pages → articles.

Owns `decode_html` (header charset, meta charset, BOM, then detection; windows-1258 included),
`parse_listing` (a source's CSS selectors over its listing page) and the bounded tree walks
both this module and `bodies` (the text of an article page) use. Dates are read by `dates.py`.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterator

from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from dumon.collecting.cleantext import BLOCK_TAGS, charset_from_content_type, decode_bytes
from dumon.collecting.dates import parse_datetime, plausible
from dumon.models import Article, ParsedItems, Source
from dumon.urls import canonical_url, is_http_url

log = logging.getLogger(__name__)

_PARSER = "html.parser"  # stdlib: no extra dependency (bench/extract_bench.py compares lxml)

# --- charset ------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def _meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(content: bytes, headers: dict[str, str]) -> str:
    """Decode an HTML page to NFC text: BOM, header charset, meta charset, then detection."""
    declared = (
        charset_from_content_type(_header(headers, "content-type")),
        _meta_charset(content),
    )
    text, _codec = decode_bytes(content, declared)
    return text


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


# --- text of an element -------------------------------------------------------------------------

_BLOCK = BLOCK_TAGS
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "form",
        "button",
        "select",
        "textarea",
        "input",
        "video",
        "audio",
        "object",
        "embed",
        "canvas",
    ]
)
NOT_TEXT = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
_SPACE = re.compile(r"\s+")


def _pieces(node: Tag) -> Iterator[str]:
    """The element's visible strings in order, a "\n" around each block element.

    A walk with its own stack, not recursion: a page nested thousands of levels deep is
    read like any other."""
    stack: list[Iterator[PageElement] | str] = [iter(node.children)]
    while stack:
        top = stack[-1]
        if isinstance(top, str):  # a block element's closing newline
            stack.pop()
            yield top
            continue
        child = next(top, None)
        if child is None:
            stack.pop()
        elif isinstance(child, NavigableString):
            if not isinstance(child, NOT_TEXT):
                # Line breaks in the HTML source are layout; only block elements end a paragraph.
                yield _SPACE.sub(" ", str(child))
        elif isinstance(child, Tag) and child.name not in SKIP_TAGS:
            if child.name in _BLOCK:
                yield "\n"
                stack.append("\n")
            stack.append(iter(child.children))


def element_text(node: Tag) -> str:
    """Visible text of an element as NFC paragraphs separated by a blank line."""
    raw = "".join(_pieces(node))
    lines = (_SPACE.sub(" ", line).strip() for line in raw.split("\n"))
    text = "\n\n".join(line for line in lines if line)
    return unicodedata.normalize("NFC", text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _inline_text(node: Tag | None) -> str:
    """One line of text from an element, NFC, with double-escaped entities decoded.

    The parser already decoded one level of entities; what is left ("&amp;amp;" in the source)
    was escaped twice by the site. Text that looks like markup ("<script>") is kept as text:
    it is the title as the site shows it, and output escapes it.
    """
    return "" if node is None else _plain("".join(_pieces(node)))


def _plain(text: str) -> str:
    text = " ".join(text.split())
    if _ENTITY.search(text):
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()


# --- the tree -----------------------------------------------------------------------------------

MAX_DEPTH = 128
"""Elements nested deeper than this are dropped. Real pages are a few dozen levels deep; a
crafted one nested 100,000 levels deep would make every search of a subtree cost the whole
page (listing items inside listing items: minutes of CPU)."""


def parse_html(content: bytes, headers: dict[str, str]) -> BeautifulSoup:
    """The parsed page, without what lies deeper than MAX_DEPTH."""
    soup = BeautifulSoup(decode_html(content, headers), _PARSER)
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    too_deep: list[Tag] = []
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if isinstance(child, Tag):
                if depth >= MAX_DEPTH:
                    too_deep.append(child)
                else:
                    stack.append((child, depth + 1))
    for node in too_deep:
        node.decompose()
    return soup


def _first(root: Tag, wanted, *, limit: int | None = None) -> Tag | None:
    """The first element under `root`, in document order, for which `wanted(tag)` is true.

    bs4's own `find` first walks to the subtree's last element, a cost of the whole subtree
    even when the first child is the answer; this walk stops at the answer (or after `limit`
    elements)."""
    stack: list[Iterator[PageElement]] = [iter(root.contents)]
    seen = 0
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if isinstance(child, Tag):
            if wanted(child):
                return child
            seen += 1
            if limit is not None and seen >= limit:
                return None
            stack.append(iter(child.contents))
    return None


# --- listing pages ------------------------------------------------------------------------------

MAX_ITEMS = 500  # a listing page shows tens of articles; beyond this it is not a listing
_ITEM_ELEMENTS = 2_000  # elements searched inside one item for its link, title, date


def parse_listing(
    content: bytes, headers: dict[str, str], *, source: Source, base_url: str
) -> ParsedItems:
    """Articles linked from a listing page, found with the source's CSS selectors."""
    selectors = source.selectors
    if selectors is None:
        return ParsedItems(
            problem="Nguồn kiểu html chưa khai báo selectors (item, link…) trong sources.yaml",
            kind="html",
        )
    soup = parse_html(content, headers)
    base = _document_base(soup, base_url)
    try:
        items = soup.select(selectors.item)
    except ValueError as exc:  # soupsieve's SelectorSyntaxError is a ValueError
        return ParsedItems(
            problem=f"Bộ chọn item '{selectors.item}' sai cú pháp: {exc}", kind="html"
        )
    if not items:
        return ParsedItems(
            problem=(
                f"Bộ chọn item '{selectors.item}' không khớp phần tử nào: "
                "trang có thể đã đổi giao diện, cần sửa selectors"
            ),
            kind="html",
        )
    kept_items = _outermost(items)[:MAX_ITEMS]
    articles: list[Article] = []
    seen: set[str] = set()
    skipped = 0
    for item in kept_items:
        try:
            article = _listing_item(item, selectors, source, base)
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            # One odd item (a date no zone can show) must not take its neighbours down.
            log.warning("listing %s: an item could not be read (%s)", source.name, exc)
            article = None
        if article is None:
            skipped += 1
        elif article.url not in seen:
            seen.add(article.url)
            articles.append(article)
    problem = None
    if skipped:
        problem = f"Bỏ qua {skipped}/{len(kept_items)} mục không có đường dẫn hoặc tiêu đề"
    return ParsedItems(articles=tuple(articles), problem=problem, kind="html")


def _outermost(items: list[Tag]) -> list[Tag]:
    """The items not inside another item. A real listing's items are side by side; nested
    ones (a crafted page, or a selector that also matches a wrapper) would be searched once
    per level."""
    chosen = set(map(id, items))
    return [
        item
        for item in items
        if not any(id(parent) in chosen for parent in item.parents)  # at most MAX_DEPTH
    ]


def _document_base(soup: BeautifulSoup, base_url: str) -> str:
    tag = soup.find("base", href=True)
    if isinstance(tag, Tag):
        href = str(tag.get("href") or "")
        resolved = canonical_url(href, base_url)
        if is_http_url(resolved):
            return resolved
    return base_url


_SIMPLE_SELECTOR = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?(?:([.#])([A-Za-z_][\w-]*))?$")


def select_one(item: Tag, selector: str | None, *, limit: int | None = None) -> Tag | None:
    """`item.select_one(selector)`, with `tag`, `.class`, `#id`, `tag.class` done by a plain
    walk, which is ~10× faster than soupsieve on a full article page; `limit` bounds how
    many elements that walk looks at."""
    if not selector:
        return None
    simple = _SIMPLE_SELECTOR.match(selector.strip())
    if simple and (simple.group(1) or simple.group(2)):
        name, kind, value = simple.groups()

        def wanted(tag: Tag) -> bool:
            if name and tag.name != name.lower():
                return False
            if kind == ".":
                return value in tag.get_attribute_list("class")
            return kind != "#" or tag.get("id") == value

        return _first(item, wanted, limit=limit)
    try:
        return item.select_one(selector)
    except ValueError:
        return None


def _listing_item(item: Tag, selectors, source: Source, base: str) -> Article | None:
    def select(selector: str | None) -> Tag | None:
        return select_one(item, selector, limit=_ITEM_ELEMENTS)

    link = select(selectors.link) if selectors.link else None
    if link is None and item.name == "a":
        link = item
    if link is None or not link.get("href"):
        # A link selector pointing at a wrapper: take its first real link.
        holder = link or item
        link = _first(
            holder, lambda tag: tag.name == "a" and tag.has_attr("href"), limit=_ITEM_ELEMENTS
        )
    if link is None:
        return None
    href = str(link.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    url = canonical_url(href, base)
    if not is_http_url(url):
        return None
    title = _inline_text(select(selectors.title)) or _inline_text(link)
    if not title:
        image = _first(link, lambda tag: tag.name == "img" and tag.has_attr("alt"))
        alt = image.get("alt") if isinstance(image, Tag) else ""
        title = _plain(str(link.get("title") or alt or ""))
    if not title:
        return None
    summary = _inline_text(select(selectors.summary))
    published = None
    date_el = select(selectors.date)
    if date_el is not None:
        published = plausible(
            parse_datetime(
                str(date_el.get("datetime") or date_el.get("title") or "") or _inline_text(date_el)
            )
            or parse_datetime(_inline_text(date_el))
        )
    return Article(
        url=url,
        title=title,
        outlet=source.outlet,
        summary=summary if summary != title else "",
        published=published,
        source=source.name,
        original_url=href if href != url else None,
    )
