"""Build a real desk database of articles for tests, through the store's own write path.

Usage::

    from support.store import Doc, fill_store, make_store  # noqa: F401

    def test_x(make_store):
        db = make_store([Doc("Tiêu đề", "VnExpress", "2026-11-27 08:00", units=("Sở …",))])

`Doc.when` is Vietnam time ("YYYY-MM-DD HH:MM"); None stores no publication time, so the
article counts by the time it was first seen (`seen`). Units/themes/alerts make the matcher's
verdict: units → local, themes → edu, alerts → alert (with a hit per alert key); signals are
the ranking signals found (a hit each), places the regions named (a hit each) and scope where
the story happens.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from dumon.models import Article, Source, SourceOutcome
from dumon.storage import sources, store
from dumon.verdicts import Hit, MatchResult
from dumon.vntime import VN_TZ

_serial = itertools.count(1)


@dataclass(frozen=True)
class Doc:
    title: str
    outlet: str
    when: str | None
    summary: str = ""
    body: str = ""
    url: str | None = None
    units: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    severity: int = 0
    edu: bool | None = None
    local: bool | None = None
    source: str | None = None
    seen: str | None = None  # first_seen, Vietnam time; defaults to `when`
    signals: tuple[tuple[str, str], ...] = ()  # ranking signals found: (key, field)
    scope: str = ""
    places: tuple[str, ...] = ()  # region keys found (where a story elsewhere happens)


def vn(text: str) -> datetime:
    """A Vietnam-time datetime from 'YYYY-MM-DD HH:MM[:SS]'."""
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def article_of(doc: Doc) -> Article:
    return Article(
        url=doc.url or f"http://127.0.0.1/bai/{next(_serial)}",
        title=doc.title,
        outlet=doc.outlet,
        summary=doc.summary,
        body=doc.body,
        published=vn(doc.when) if doc.when else None,
        source=doc.source,
    )


def match_of(doc: Doc) -> MatchResult:
    hits = tuple(Hit("alert", key, key, "title", 0, 1) for key in doc.alerts)
    hits += tuple(Hit("unit", u, u, "title", 0, 1) for u in doc.units)
    hits += tuple(Hit("signal", key, key, field, 0, 1) for key, field in doc.signals)
    hits += tuple(Hit("region", key, key, "summary", 0, 1) for key in doc.places)
    edu = bool(doc.themes or doc.units) if doc.edu is None else doc.edu
    local = bool(doc.units) if doc.local is None else doc.local
    return MatchResult(
        edu=edu,
        local=local,
        alert=bool(doc.alerts),
        units=doc.units,
        themes=doc.themes,
        alerts=doc.alerts,
        severity=doc.severity,
        hits=hits,
        scope=doc.scope or ("local" if local else "national" if edu else ""),
    )


def fill_store(db: store.Database, docs: Iterable[Doc]) -> None:
    """Store each doc as a scan would (one transaction)."""
    with db.atomic():
        for doc in docs:
            seen = doc.seen or doc.when or "2026-01-01 00:00"
            store.store_articles(
                db, [(article_of(doc), match_of(doc))], seen=store.to_iso(vn(seen)) or ""
            )


def add_source(db: store.Database, name: str, outlet: str, **state: object) -> None:
    """A configured source with the given health columns (status, last_error, …)."""
    sources.sync_sources(
        db, [Source(name, f"http://127.0.0.1/{name}.rss", "rss", outlet, "central")]
    )
    if state:
        db["sources"].update(name, state)


def add_run(db: store.Database, started: str, outcomes: Iterable[SourceOutcome]) -> int:
    """A finished scan run started at `started` (Vietnam time) with these outcomes."""
    table = db["runs"].insert(
        {
            "started": store.to_iso(vn(started)),
            "finished": store.to_iso(vn(started)),
            "status": "done",
            "pid": 1,
            "sources": 0,
        }
    )
    run_id = int(table.last_pk)
    for outcome in outcomes:
        store.record_outcome(db, run_id, outcome)
    return run_id


@pytest.fixture
def make_store(isolated_home: Path) -> Iterator[Callable[..., store.Database]]:
    """A factory: `make_store(docs)` writes the docs into the test desk's dumon.db."""
    opened: list[store.Database] = []

    def _make(docs: Iterable[Doc] = ()) -> store.Database:
        db = store.open_db(isolated_home / "dumon.db")
        opened.append(db)
        fill_store(db, docs)
        return db

    yield _make
    for db in opened:
        db.close()
