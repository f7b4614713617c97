"""Records passed between stages: sources, fetch results, articles, scan reports.

Plain frozen dataclasses; no I/O here. Datetimes are always timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

TIERS = ("central", "local", "sector", "other")
KINDS = ("rss", "html")


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how hard to fetch; the `defaults:` block of sources.yaml."""

    timeout: float = 20.0
    connect_timeout: float = 10.0
    concurrency: int = 64
    per_host: int = 4
    max_redirects: int = 5
    max_bytes: int = 10_000_000
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    user_agent: str = "dumon/0.1 (press monitor of a Department of Education and Training)"
    respect_robots: bool = True
    scan_deadline: float = 600.0
    fetch_articles_limit: int = 30
    # Article pages (fetch_body): the first this-many bytes of each are kept (the text comes
    # first), and at most `pages_in_flight_bytes` of them are held at once across the scan.
    page_max_bytes: int = 2_000_000
    pages_in_flight_bytes: int = 24_000_000


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of an html source's listing page (and optionally its article pages)."""

    item: str
    link: str = "a"
    title: str | None = None
    summary: str | None = None
    date: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class Source:
    """One entry of sources.yaml."""

    name: str
    url: str
    kind: str
    outlet: str
    tier: str
    selectors: Selectors | None = None
    fetch_body: bool = False
    verified: bool = False
    enabled: bool = True
    line: int | None = None


class FetchStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one HTTP fetch. `error` is a short Vietnamese reason when FAILED."""

    url: str
    status: FetchStatus
    http_status: int | None = None
    final_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    error: str | None = None
    # timeout, connect, dns, http_4xx, http_5xx, rate_limited, too_large, redirect_loop,
    # too_many_redirects, bad_scheme, robots, decode, invalid
    error_kind: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status is FetchStatus.OK


# What is kept of an article's text; more is cut at a word ("…"). A title of 100 kB is no
# title, and a press article runs to 5,000-30,000 characters: a longer body is a page's
# clutter, and matching it cost seconds (half a million characters full of keywords: 15 s;
# 30,000: 0.1 s).
TITLE_MAX = 1_000
SUMMARY_MAX = 5_000
BODY_MAX = 30_000


@dataclass(frozen=True)
class Article:
    """An article as extracted from a source, before storage."""

    url: str  # canonical
    title: str
    outlet: str
    summary: str = ""
    body: str = ""
    published: datetime | None = None
    source: str | None = None
    original_url: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class ParsedItems:
    """What a feed or listing page yielded: the articles, and what went wrong if anything.

    `problem` is a short Vietnamese note (malformed XML recovered, items without links skipped,
    a selector that matched nothing); `kind` names the format found (rss20, atom10, json, html…).
    """

    articles: tuple[Article, ...] = ()
    problem: str | None = None
    kind: str = ""


@dataclass(frozen=True)
class SourceOutcome:
    """The result of scanning one source in one run."""

    source: str
    status: str  # ok, unchanged, failed
    error: str | None = None
    error_kind: str | None = None
    http_status: int | None = None
    items: int = 0
    articles_new: int = 0
    hits_new: int = 0
    elapsed: float = 0.0


@dataclass(frozen=True)
class ScanReport:
    run_id: int
    outcomes: tuple[SourceOutcome, ...]
    started: datetime
    finished: datetime

    @property
    def sources_total(self) -> int:
        return len(self.outcomes)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def articles_new(self) -> int:
        return sum(o.articles_new for o in self.outcomes)

    @property
    def hits_new(self) -> int:
        return sum(o.hits_new for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 all ok or unchanged; 1 some failed; 3 all failed (documented in the README)."""
        failed = self.count("failed")
        if not self.outcomes or failed == 0:
            return 0
        return 3 if failed == len(self.outcomes) else 1
