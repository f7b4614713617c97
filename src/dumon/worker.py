"""The worker side of a scan: parsing and matching, run in separate processes.

Kept apart from `scan` so that a spawned worker imports only what it needs (feeds, pages,
matching), not the HTTP client or the database layer.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from dumon.models import Article, Source
from dumon.rows import ArticleRecord, article_record
from dumon.verdicts import MatchResult

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


def match_articles(
    articles: list[Article], matcher=None
) -> list[tuple[Article, MatchResult | None]]:
    """Pair each article with the matcher's decision (None when no keywords are configured)."""
    matcher = matcher or _worker_matcher
    if matcher is None:
        return [(a, None) for a in articles]
    return [
        (
            a,
            matcher.match(
                title=a.title,
                summary=a.summary,
                body=a.body,
                url=a.url,
                outlet=a.outlet,
                published=a.published,
            ),
        )
        for a in articles
    ]


def prepare_articles(articles: list[Article]) -> list[ArticleRecord]:
    """Match the articles and build their database rows, ready for the scan's writer."""
    return [article_record(a, m) for a, m in match_articles(articles)]


@dataclass(frozen=True)
class ParseJobResult:
    articles: tuple[Article, ...]
    problem: str | None


def parse_source(
    source: Source, content: bytes, headers: dict[str, str], base_url: str
) -> ParseJobResult:
    """Turn a fetched feed or listing page into articles (runs in a worker)."""
    if source.kind == "html":
        from dumon.pages import parse_listing

        parsed = parse_listing(content, headers, source=source, base_url=base_url)
    else:
        from dumon.feeds import parse_feed

        parsed = parse_feed(content, headers, source=source, base_url=base_url)
    return ParseJobResult(tuple(parsed.articles), parsed.problem)


def extract_bodies(
    pairs: list[tuple[Article, bytes, dict[str, str]]], selector: str | None
) -> list[Article]:
    """Fill each article's body from its fetched page (runs in a worker)."""
    from dumon.pages import extract_body

    out = []
    for article, content, headers in pairs:
        body = extract_body(content, headers, url=article.url, selector=selector)
        out.append(replace(article, body=body) if body else article)
    return out
