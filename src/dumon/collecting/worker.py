"""The worker side of a scan: parsing and matching, run in separate processes.

Kept apart from `scan` so that a spawned worker imports only what it needs (feeds, pages,
matching), not the HTTP client or the database layer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from dumon.collecting.cleantext import shorten
from dumon.models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, Article, Source
from dumon.storage.rows import ArticleRecord, article_record
from dumon.verdicts import MatchResult

log = logging.getLogger(__name__)
# What one odd article can raise on its way to a row (a value of the wrong type, a date no
# zone can show): that article is set aside, never its neighbours.
_ITEM_ERRORS = (ValueError, TypeError, OverflowError, RecursionError)

_worker_matcher = None


def init_worker(keywords_dir: str | None, cache_dir: str | None, scan_pid: int) -> None:
    global _worker_matcher
    threading.Thread(target=_exit_with_parent, args=(scan_pid,), daemon=True).start()
    if keywords_dir:
        _worker_matcher = load_matcher(Path(keywords_dir), Path(cache_dir) if cache_dir else None)


def _exit_with_parent(parent: int) -> None:
    """A worker whose scan was killed (OOM killer, SIGKILL) must not live on as an orphan.

    Workers are spawned (they inherit no socket, lock or database handle of the scan), so
    their parent is the scan itself: a changed parent means the scan is gone. The scan's pid
    is passed in, since the scan may die before this process gets this far.
    """
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def load_matcher(keywords_dir: Path, cache_dir: Path | None = None):
    from dumon.matching import Matcher

    return Matcher.from_folder(keywords_dir, cache_dir=cache_dir)


def bounded(article: Article) -> Article:
    """The article with its title, summary and body cut to what is kept (models.TITLE_MAX…)."""
    if (
        len(article.title) <= TITLE_MAX
        and len(article.summary) <= SUMMARY_MAX
        and len(article.body) <= BODY_MAX
    ):
        return article
    return replace(
        article,
        title=shorten(article.title, TITLE_MAX),
        summary=shorten(article.summary, SUMMARY_MAX),
        body=shorten(article.body, BODY_MAX),
    )


def match_articles(
    articles: list[Article], matcher=None
) -> list[tuple[Article, MatchResult | None]]:
    """Pair each article (cut to the kept length) with the matcher's decision (None when no
    keywords are configured)."""
    matcher = matcher or _worker_matcher
    articles = [bounded(a) for a in articles]
    if matcher is None:
        return [(a, None) for a in articles]
    return [(a, _match_one(matcher, a)) for a in articles]


def _match_one(matcher, article: Article) -> MatchResult | None:
    def match(published):
        return matcher.match(
            title=article.title,
            summary=article.summary,
            body=article.body,
            url=article.url,
            outlet=article.outlet,
            published=published,
        )

    try:
        return match(article.published)
    except _ITEM_ERRORS as exc:
        log.warning("%s: matched without its date (%s)", article.url, exc)
        return match(None)


def prepare_articles(articles: list[Article]) -> list[ArticleRecord]:
    """Match the articles and build their database rows, ready for the scan's writer; an
    article whose row cannot be built is left out (and logged), its neighbours go on."""
    records = []
    for article, match in match_articles(articles):
        try:
            records.append(article_record(article, match))
        except _ITEM_ERRORS as exc:
            log.warning("%s: left out (%s: %s)", article.url, type(exc).__name__, exc)
    return records


@dataclass(frozen=True)
class ParseJobResult:
    articles: tuple[Article, ...]
    problem: str | None


def parse_source(
    source: Source, content: bytes, headers: dict[str, str], base_url: str
) -> ParseJobResult:
    """Turn a fetched feed or listing page into articles (runs in a worker)."""
    if source.kind == "html":
        from dumon.collecting.pages import parse_listing

        parsed = parse_listing(content, headers, source=source, base_url=base_url)
    else:
        from dumon.collecting.feeds import parse_feed

        parsed = parse_feed(content, headers, source=source, base_url=base_url)
    return ParseJobResult(tuple(parsed.articles), parsed.problem)


def extract_page(content: bytes, headers: dict[str, str], url: str, selector: str | None) -> str:
    """The body text of one fetched article page, "" when none is found (runs in a worker:
    one page per job, so a worker holds one parsed page at a time)."""
    from dumon.collecting.bodies import extract_body

    try:
        return extract_body(content, headers, url=url, selector=selector)
    except _ITEM_ERRORS as exc:
        log.warning("%s: body not extracted (%s: %s)", url, type(exc).__name__, exc)
        return ""
