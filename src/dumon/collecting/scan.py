"""The scan use case: fetch every source, parse, match, store; one report per run.

Fetching runs on one asyncio loop (global and per-host limits live in the Fetcher); parsing,
matching and building the database rows are CPU work, so they run in worker processes and never
stall the fetch loop; storing happens on a writer thread of its own, one transaction per source.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from dumon.collecting import health
from dumon.collecting.config import SourcesConfig, load_sources
from dumon.collecting.fetch import Fetcher, resendable
from dumon.collecting.scan_writes import Fetched, Writer, give_up_run, record_outcome, store_source
from dumon.collecting.worker import (
    extract_page,
    load_matcher,
    parse_source,
    prepare_articles,
)
from dumon.collecting.worker_pool import Jobs, start_workers, stop_workers
from dumon.desk import Desk
from dumon.models import Article, FetchStatus, ScanReport, Source, SourceOutcome
from dumon.settings import HealthSettings, load_settings
from dumon.storage import sources as source_table
from dumon.storage import store
from dumon.storage.lock import DeskLock
from dumon.storage.rows import ArticleRecord
from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

Progress = Callable[[SourceOutcome], None]

# --- the scan ------------------------------------------------------------------------------


def run_scan(
    desk: Desk,
    *,
    only: list[str] | None = None,
    progress: Progress | None = None,
    deadline: float | None = None,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
) -> ScanReport:
    """Scan the desk's sources (or the named subset) and store what is new.

    `on_start` learns how many sources will be read, `progress` each one's outcome.
    """
    config = load_sources(desk.sources_path)
    health_settings = load_settings(desk.settings_path).health  # health: validated up front
    sources = config.select(only)
    keywords_dir = desk.keywords_dir if desk.keywords_dir.is_dir() else None
    if keywords_dir is not None:
        # Validate the keywords before fetching anything; compiling them here also leaves the
        # compiled profile in the desk's cache, where each worker reads it in a few ms.
        load_matcher(keywords_dir, desk.cache_dir)
    with DeskLock(desk.lock_path):
        pool = start_workers(keywords_dir, desk.cache_dir, workers)
        jobs = Jobs()
        every_job_ended = False
        try:
            report = _scan_with(
                desk,
                config,
                sources,
                pool,
                only=only,
                on_start=on_start,
                progress=progress,
                deadline=deadline or config.policy.scan_deadline,
                health_settings=health_settings,
                jobs=jobs,
            )
            every_job_ended = not jobs.abandoned
            return report
        finally:
            stop_workers(pool, wait=every_job_ended)


def _scan_with(
    desk: Desk,
    config: SourcesConfig,
    sources: tuple[Source, ...],
    pool: Executor,
    *,
    only: list[str] | None,
    on_start: Callable[[int], None] | None,
    progress: Progress | None,
    deadline: float,
    health_settings: HealthSettings,
    jobs: Jobs,
) -> ScanReport:
    db = store.open_db(desk.db_path)
    try:
        store.close_abandoned_runs(db)
        source_table.sync_sources(db, config.sources)
        if not only:  # health: sources switched off in the database are skipped
            sources = health.active_sources(db, sources)
        if on_start:
            on_start(len(sources))
        run_id = store.start_run(db, pid=os.getpid(), sources=len(sources))
        started = datetime.now(VN_TZ)
        try:
            outcomes = asyncio.run(
                _scan_all(
                    db,
                    config,
                    sources,
                    pool,
                    db_path=desk.db_path,
                    run_id=run_id,
                    progress=progress,
                    deadline=deadline,
                    jobs=jobs,
                )
            )
            report = ScanReport(run_id, tuple(outcomes), started, datetime.now(VN_TZ))
            # health: switch off the sources that have failed for too long
            health.disable_failing(db, settings=health_settings)
            store.finish_run(db, run_id, "done" if report.exit_code == 0 else "done_with_errors")
        except BaseException:
            give_up_run(db, run_id)
            raise
        return report
    finally:
        db.close()


async def _scan_all(
    db: store.Database,
    config: SourcesConfig,
    sources: tuple[Source, ...],
    pool: Executor,
    *,
    db_path: Path,
    run_id: int,
    progress: Progress | None,
    deadline: float,
    jobs: Jobs,
) -> list[SourceOutcome]:
    states = source_table.source_states(db.conn)
    writer = Writer(db_path)
    results: dict[str, SourceOutcome] = {}
    end = time.monotonic() + deadline
    # Configured sources may be on the office network; what they link to may not.
    hosts = {urlsplit(s.url).hostname or "" for s in config.sources}
    pages = _PageBudget(config.policy, end=end, deadline=deadline, jobs=jobs)
    try:
        async with Fetcher(config.policy, private_hosts=hosts) as fetcher:
            tasks = {
                asyncio.create_task(
                    _scan_one(
                        writer,
                        fetcher,
                        pool,
                        source,
                        states.get(source.name),
                        run_id,
                        pages,
                    )
                ): source
                for source in sources
            }
            pending = set(tasks)
            while pending:
                timeout = end - time.monotonic()
                if timeout <= 0:
                    break
                done, pending = await asyncio.wait(
                    pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    outcome = task.result()
                    results[outcome.source] = outcome
                    if progress:
                        progress(outcome)
            for task in pending:
                task.cancel()
            if pending:
                jobs.abandoned = True
                await asyncio.gather(*pending, return_exceptions=True)
            for task in pending:
                source = tasks[task]
                outcome = SourceOutcome(
                    source=source.name,
                    status="failed",
                    error=f"Hết thời hạn của lượt quét ({deadline:g} giây); sẽ thử lại lần sau",
                    error_kind="deadline",
                )
                await writer.call(record_outcome, run_id, outcome)
                results[source.name] = outcome
                if progress:
                    progress(outcome)
    finally:
        writer.close()
    return [results[s.name] for s in sources if s.name in results]


async def _scan_one(
    writer: Writer,
    fetcher: Fetcher,
    pool: Executor,
    source: Source,
    state: source_table.SourceState | None,
    run_id: int,
    pages: _PageBudget,
) -> SourceOutcome:
    began = time.monotonic()
    loop = asyncio.get_running_loop()
    try:
        result = await fetcher.fetch(
            source.url,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
        )
        if result.status is FetchStatus.NOT_MODIFIED:
            outcome = SourceOutcome(
                source.name,
                "unchanged",
                http_status=result.http_status,
                elapsed=time.monotonic() - began,
            )
            await writer.call(record_outcome, run_id, outcome)
            return outcome
        if not result.ok:
            outcome = SourceOutcome(
                source.name,
                "failed",
                error=result.error,
                error_kind=result.error_kind,
                http_status=result.http_status,
                elapsed=time.monotonic() - began,
            )
            await writer.call(record_outcome, run_id, outcome)
            return outcome
        base_url = result.final_url or source.url
        parsed = await loop.run_in_executor(
            pool, parse_source, source, result.content, result.headers, base_url
        )
        articles = list(parsed.articles)
        if not articles and parsed.problem:
            outcome = SourceOutcome(
                source.name,
                "failed",
                error=parsed.problem,
                error_kind="parse",
                http_status=result.http_status,
                elapsed=time.monotonic() - began,
            )
            await writer.call(record_outcome, run_id, outcome)
            return outcome
        known = await writer.call(store.known_urls, [a.url for a in articles])
        fresh = _dedupe([a for a in articles if a.url not in known])
        if source.fetch_body and fresh:
            fresh = await _fill_bodies(fetcher, pool, source, fresh, pages)
        records = await _prepare(pool, fresh, pages)
        return await writer.call(
            store_source,
            run_id,
            source.name,
            records,
            Fetched(
                items=len(articles),
                problem=parsed.problem,
                http_status=result.http_status,
                # Only validators that can be sent back (an ETag with non-ASCII bytes would
                # make every later request fail before it is sent).
                etag=resendable(result.headers.get("etag")),
                last_modified=resendable(result.headers.get("last-modified")),
                began=began,
            ),
        )
    except (asyncio.CancelledError, sqlite3.Error):
        raise  # the database failing is the whole scan's problem, not this source's
    except Exception as exc:  # one broken source must never stop the others
        log.exception("source %s failed unexpectedly", source.name)
        outcome = SourceOutcome(
            source.name,
            "failed",
            error=f"Lỗi không mong đợi khi xử lý nguồn ({type(exc).__name__}: {exc})",
            error_kind="internal",
            elapsed=time.monotonic() - began,
        )
        await writer.call(record_outcome, run_id, outcome)
        return outcome


def _dedupe(articles: list[Article]) -> list[Article]:
    seen: set[str] = set()
    out = []
    for article in articles:
        if article.url not in seen:
            seen.add(article.url)
            out.append(article)
    return out


_CHUNK_ARTICLES = 16  # articles matched per worker job: the workers share a big source
_CHUNK_CHARS = 60_000  # …and at most this much text (two long bodies), so a late job loses little


def _chunks(articles: list[Article]) -> list[list[Article]]:
    """The articles cut into worker jobs by count and by text: matching costs grow with the
    text (more than linearly where keywords are dense), and what a job has not finished at
    the deadline is lost with it."""
    chunks: list[list[Article]] = []
    size = 0
    for article in articles:
        length = len(article.title) + len(article.summary) + len(article.body)
        if not chunks or len(chunks[-1]) >= _CHUNK_ARTICLES or size + length > _CHUNK_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(article)
        size += length
    return chunks


async def _prepare(
    pool: Executor, articles: list[Article], pages: _PageBudget
) -> list[ArticleRecord]:
    """Match the articles and build their rows in chunks, on every worker; what is not done a
    second before the deadline is left to the next scan (its URLs are not stored, so they
    are new again then), and what is done is stored."""
    if not articles:
        return []
    loop = asyncio.get_running_loop()
    parts = _chunks(articles)
    jobs = [
        asyncio.ensure_future(loop.run_in_executor(pool, prepare_articles, part)) for part in parts
    ]
    done, late = await asyncio.wait(jobs, timeout=max(0.0, pages.end - 1.0 - time.monotonic()))
    for job in late:
        job.cancel()
    if late:
        pages.jobs.abandoned = True
        left = sum(len(part) for part, job in zip(parts, jobs, strict=True) if job in late)
        log.warning("%d articles left for the next scan at the deadline", left)
    return [record for job in jobs if job in done for record in job.result()]


class _PageBudget:
    """Article pages across the whole scan: how many may be held at once (fetched or being
    extracted), how much of each is kept, and until when bodies are worth waiting for."""

    def __init__(self, policy, *, end: float, deadline: float, jobs: Jobs):
        self.jobs = jobs
        self.max_bytes = policy.page_max_bytes
        self.per_source = policy.fetch_articles_limit
        self.slots = asyncio.Semaphore(
            max(1, policy.pages_in_flight_bytes // max(1, policy.page_max_bytes))
        )
        self.end = end
        # Bodies stop in time for the articles to be matched and stored before the deadline.
        self.until = end - min(30.0, max(2.0, deadline / 4))


async def _fill_bodies(
    fetcher: Fetcher, pool: Executor, source: Source, articles: list[Article], pages: _PageBudget
) -> list[Article]:
    """Fetch article pages of summary-only items and extract their bodies, one page per job.

    Pages that are not in by the budget's time are left out: their articles are stored with
    the feed's summary, which is what succeeded."""
    wanted = [a for a in articles if not a.body][: pages.per_source]
    selector = source.selectors.body if source.selectors else None
    loop = asyncio.get_running_loop()

    async def fill(article: Article) -> Article:
        async with pages.slots:
            result = await fetcher.fetch(article.url, within=source.url, max_bytes=pages.max_bytes)
            if not result.ok:
                log.info("%s: article page not read: %s", article.url, result.error)
                return article
            body = await loop.run_in_executor(
                pool, extract_page, result.content, result.headers, article.url, selector
            )
        return replace(article, body=body) if body else article

    jobs = [asyncio.create_task(fill(a)) for a in wanted]
    if not jobs:
        return articles
    done, late = await asyncio.wait(jobs, timeout=max(0.0, pages.until - time.monotonic()))
    for job in late:
        job.cancel()
    if late:
        pages.jobs.abandoned = True
        log.warning("%s: %d article pages left out at the deadline", source.name, len(late))
        await asyncio.gather(*late, return_exceptions=True)
    by_url = {}
    for job in done:
        if job.exception() is None:
            filled = job.result()
            by_url[filled.url] = filled
        else:
            log.warning("%s: article page failed: %r", source.name, job.exception())
    return [by_url.get(a.url, a) for a in articles]
