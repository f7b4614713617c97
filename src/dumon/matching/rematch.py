"""Re-apply the keywords to stored articles: try a rule on past coverage before it goes live.

A dry run reports what would be added and removed (with examples) and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from dumon.desk import Desk
from dumon.errors import QueryError
from dumon.storage import store
from dumon.verdicts import MatchResult
from dumon.vntime import parse_moment

if TYPE_CHECKING:
    from dumon.matching import Matcher

EXAMPLES = 5


@dataclass
class Change:
    """How one label (edu, local, alert, a unit, a theme) moved across the stored articles."""

    label: str
    added: int = 0
    removed: int = 0
    examples_added: list[str] = field(default_factory=list)
    examples_removed: list[str] = field(default_factory=list)


@dataclass
class RematchReport:
    articles: int = 0
    changed: int = 0
    applied: bool = False
    changes: dict[str, Change] = field(default_factory=dict)

    def note(self, label: str, *, added: bool, title: str) -> None:
        change = self.changes.setdefault(label, Change(label))
        if added:
            change.added += 1
            if len(change.examples_added) < EXAMPLES:
                change.examples_added.append(title)
        else:
            change.removed += 1
            if len(change.examples_removed) < EXAMPLES:
                change.examples_removed.append(title)


def _labels(
    edu: bool,
    local: bool,
    alert: bool,
    units: Iterable[str],
    themes: Iterable[str],
    severity: int = 0,
    scope: str = "",
) -> set[str]:
    labels = {name for name, on in (("edu", edu), ("local", local), ("alert", alert)) if on}
    labels |= {f"đơn vị: {u}" for u in units}
    labels |= {f"chủ đề: {t}" for t in themes}
    if severity:
        labels.add(f"mức: {severity}")
    if scope:
        labels.add(f"phạm vi: {scope}")
    return labels


def _new_hits(result: MatchResult) -> set[store.HitKey]:
    if not result.relevant:
        return set()
    return {(h.kind, h.key, h.field, h.start, h.end) for h in result.hits}


def rematch(
    desk: Desk,
    *,
    since: str | None = None,
    dry_run: bool = False,
    matcher: Matcher | None = None,
    only: Iterable[int] | None = None,
) -> RematchReport:
    """Match every stored article again (optionally only those since a date, or only the
    articles of `only`: those a proposed keyword change can touch)."""
    if since is not None:
        try:
            since = parse_moment(since).day.isoformat()
        except ValueError:
            raise QueryError(
                f"Ngày '{since}' không hợp lệ. "
                "Cách sửa: ghi ngày dạng YYYY-MM-DD, ví dụ 2025-07-01."
            ) from None
    if matcher is None:
        from dumon.matching import Matcher

        matcher = Matcher.from_folder(desk.keywords_dir, cache_dir=desk.cache_dir)
    report = RematchReport(applied=not dry_run)
    db = store.open_db(desk.db_path)
    try:
        pending: list[tuple[int, MatchResult]] = []
        rows = (
            store.iter_articles(db, since=since)
            if only is None
            else store.articles_with_ids(db, only)
        )
        for row in rows:
            report.articles += 1
            published = datetime.fromisoformat(row.published) if row.published else None
            result = matcher.match(
                title=row.title,
                summary=row.summary or "",
                body=row.body or "",
                url=row.url,
                outlet=row.outlet or "",
                published=published,
            )
            before = _labels(
                bool(row.edu),
                bool(row.local),
                bool(row.alert),
                json.loads(row.units or "[]"),
                json.loads(row.themes or "[]"),
                row.severity or 0,
                row.scope or "",
            )
            after = _labels(
                result.edu,
                result.local,
                result.alert,
                result.units,
                result.themes,
                result.severity,
                result.scope,
            )
            if before == after:
                # the verdict stands; what it rests on (hits the digest ranks by) may not
                was_relevant = row.edu or row.local or row.alert
                stored = store.stored_hits(db, row.id) if was_relevant else set()
                if not dry_run and stored != _new_hits(result):
                    pending.append((row.id, result))
                continue
            report.changed += 1
            for label in sorted(after - before):
                report.note(label, added=True, title=row.title)
            for label in sorted(before - after):
                report.note(label, added=False, title=row.title)
            if not dry_run:
                pending.append((row.id, result))
                if len(pending) >= 1000:
                    store.update_matches(db, pending)
                    pending = []
        if pending:
            store.update_matches(db, pending)
    finally:
        db.close()
    return report
