"""The main text of an article page, by the source's selector or by a fallback heuristic.

The fallback tries, in order: schema.org `articleBody`, the content classes of common
Vietnamese CMSs, `<article>`/`<main>`, then the element holding the most paragraph text with
the fewest links (text density). bench/extract_bench.py measures it.
"""

from __future__ import annotations

import logging

from bs4 import BeautifulSoup, NavigableString, Tag

from dumon.collecting.pages import NOT_TEXT, SKIP_TAGS, element_text, parse_html, select_one

log = logging.getLogger(__name__)

# Content containers of common Vietnamese CMSs (Dân trí, VnExpress, Tuổi Trẻ, Thanh Niên,
# VietNamNet, Báo Mới, provincial papers on the same platforms, WordPress).
_BODY_CONTAINERS = (
    "itemprop=articleBody",
    ".singular-content",
    ".dt-news__content",
    ".fck_detail",
    ".detail__content",
    ".detail-content",
    ".detail-cmain",
    ".detail__cmain-main",
    ".content-detail",
    ".article-content",
    ".article__body",
    ".maincontent",
    ".main-content-detail",
    ".entry-content",
    ".post-content",
    "#content_detail",
    "#divNewsContent",
)
_MIN_BODY_CHARS = 200
_MIN_PARAGRAPH_CHARS = 25


def extract_body(
    content: bytes, headers: dict[str, str], *, url: str, selector: str | None = None
) -> str:
    """The main text of an article page as plain NFC paragraphs ("" when none is found)."""
    soup = parse_html(content, headers)
    if selector:
        node = select_one(soup, selector)
        text = element_text(node) if node is not None else ""
        if text:
            return text
        # A redesigned site: better the heuristic's text than none, but say so in the log.
        log.info("%s: body selector %r found no text; using the fallback", url, selector)
    return fallback_body(soup)


def fallback_body(soup: BeautifulSoup, *, known_classes: bool = True) -> str:
    """The article text without a per-site selector (known containers, then text density)."""
    if known_classes:
        for node in _known_containers(soup):
            text = element_text(node)
            if len(text) >= _MIN_BODY_CHARS:
                return text
        for name in ("article", "main"):
            nodes = [n for n in soup.find_all(name) if isinstance(n, Tag)]
            if len(nodes) == 1:
                text = element_text(nodes[0])
                if len(text) >= _MIN_BODY_CHARS:
                    return _densest(nodes[0]) or text
    body = soup.body if isinstance(soup.body, Tag) else soup
    return _densest(body)


def _known_containers(soup: BeautifulSoup) -> list[Tag]:
    """The first element of each known content container, in priority order (one tree walk:
    soupsieve's select_one costs ~8 ms per selector on a 120 kB page, the walk ~3 ms total)."""
    wanted = {key: rank for rank, key in enumerate(_BODY_CONTAINERS)}
    found: dict[int, Tag] = {}
    for node in soup.find_all(True):
        keys = [f".{c}" for c in node.get_attribute_list("class") if c]
        if node.get("id"):
            keys.append(f"#{node.get('id')}")
        if node.get("itemprop") == "articleBody":
            keys.append("itemprop=articleBody")
        for key in keys:
            rank = wanted.get(key)
            if rank is not None and rank not in found:
                found[rank] = node
    return [found[rank] for rank in sorted(found)]


_PARAGRAPHS = frozenset({"p", "h2", "h3", "blockquote", "li", "td", "div"})
_WRAPPERS = frozenset({"div", "td", "li"})  # paragraphs only when they hold no p or div


def _densest(root: Tag) -> str:
    """The text of the element holding the most paragraph text with the fewest links.

    One walk, children before parents, adds up each element's text length, its text inside
    links and whether it holds a p or div, so no subtree is read twice (measuring each
    paragraph on its own cost its depth times the page on crafted nesting)."""
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    # Per open element: [tag, its children left, text length, linked length, holds p/div].
    stack: list[list] = [[root, iter(root.contents), 0, 0, False]]
    while stack:
        frame = stack[-1]
        child = next(frame[1], None)
        if isinstance(child, NavigableString):
            if not isinstance(child, NOT_TEXT):
                words = len(" ".join(child.split()))
                frame[2] += words + 1 if words else 0
            continue
        if isinstance(child, Tag):
            if child.name not in SKIP_TAGS:
                stack.append([child, iter(child.contents), 0, 0, False])
            continue
        if child is not None:
            continue
        tag, _, text, linked, holds_block = stack.pop()
        if not stack:
            break
        name = tag.name
        if (
            name in _PARAGRAPHS
            and not (name in _WRAPPERS and holds_block)
            and text >= _MIN_PARAGRAPH_CHARS
        ):
            weight = text * (1.0 - min(1.0, linked / max(1, text)))
            parent = tag.parent
            share = 1.0
            for _level in range(3):
                if weight <= 0 or not isinstance(parent, Tag):
                    break
                key = id(parent)
                nodes[key] = parent
                scores[key] = scores.get(key, 0.0) + weight * share
                parent = parent.parent
                share /= 2
        outer = stack[-1]
        outer[2] += text
        outer[3] += text if name == "a" else linked
        outer[4] = outer[4] or holds_block or name in ("p", "div")
    if not scores:
        return ""
    return element_text(nodes[max(scores, key=lambda k: scores[k])])
