"""The sources use cases: list each source with its health, and check each by fetching it once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from dumon.collecting import health
from dumon.collecting.config import load_sources
from dumon.collecting.fetch import Fetcher
from dumon.desk import Desk
from dumon.models import FetchStatus, Source
from dumon.settings import load_settings
from dumon.storage.sources import SourceState, source_states
from dumon.storage.sqlitefile import open_reader
from dumon.vntime import VN_TZ


@dataclass(frozen=True)
class SourceRow:
    name: str
    kind: str
    outlet: str
    tier: str
    url: str
    enabled: bool
    verified: bool
    status: str
    last_success: str | None
    consecutive_failures: int
    days_since_new: int | None
    last_error: str | None
    health: str = "new"  # the health status (see `health`): "new" is never read, unverified


def _days_since(value: str | None, now: datetime) -> int | None:
    if not value:
        return None
    return (now - datetime.fromisoformat(value)).days


def list_sources(desk: Desk) -> list[SourceRow]:
    """Every configured source with what the database knows of its health."""
    config = load_sources(desk.sources_path)
    states: dict[str, SourceState] = {}
    if desk.db_path.exists():
        conn = open_reader(desk.db_path)
        try:
            states = source_states(conn)
        finally:
            conn.close()
    now = datetime.now(VN_TZ)
    settings = load_settings(desk.settings_path).health
    rows = []
    for source in config.sources:
        state = states.get(source.name) or SourceState(source.name, outlet=source.outlet)
        judged = health.assess(state, now, settings, configured=source)
        rows.append(
            SourceRow(
                name=source.name,
                kind=source.kind,
                outlet=source.outlet,
                tier=source.tier,
                url=source.url,
                enabled=source.enabled and not state.disabled_at,
                verified=source.verified,
                status=state.status or "new",
                last_success=state.last_success,
                consecutive_failures=state.consecutive_failures or 0,
                days_since_new=_days_since(state.last_new_article, now),
                last_error=state.last_error,
                health=judged.status,
            )
        )
    return rows


@dataclass(frozen=True)
class CheckRow:
    name: str
    url: str
    ok: bool
    http_status: int | None
    items: int
    detail: str
    elapsed: float


def check_sources(desk: Desk, *, only: list[str] | None = None) -> list[CheckRow]:
    """Fetch each source once, without conditional headers and without storing anything."""
    config = load_sources(desk.sources_path)
    sources = config.select(only)
    return asyncio.run(_check_all(config.policy, sources))


async def _check_all(policy, sources: tuple[Source, ...]) -> list[CheckRow]:
    from dumon.collecting.worker import parse_source

    hosts = {urlsplit(s.url).hostname or "" for s in sources}  # configured: may be local
    async with Fetcher(policy, private_hosts=hosts) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(s.url) for s in sources))
    rows = []
    for source, result in zip(sources, results, strict=True):
        if result.status is not FetchStatus.OK:
            rows.append(
                CheckRow(
                    source.name,
                    source.url,
                    False,
                    result.http_status,
                    0,
                    result.error or "",
                    result.elapsed,
                )
            )
            continue
        parsed = parse_source(
            source, result.content, result.headers, result.final_url or source.url
        )
        ok = bool(parsed.articles)
        detail = parsed.problem or ("" if ok else "Không đọc được bài nào từ nguồn này")
        rows.append(
            CheckRow(
                source.name,
                source.url,
                ok,
                result.http_status,
                len(parsed.articles),
                detail,
                result.elapsed,
            )
        )
    return rows
