"""The office's marks on articles: what they are, and what they change.

A mark is the office's word over the matcher's: ``not-relevant`` hides an article (from
digests, reports, incidents and trends), ``not-local`` and ``not-alert`` take the flag away,
``important`` promotes it (shown even when the matcher did not keep it, ranked first). Marks
live in their own table (``storage/marks.py``, migration m010) and are applied when articles
are read, so the stored verdict stays the matcher's: ``dumon rematch`` never undoes a mark, and
an article stored again under the same URL or outlet number keeps it.

Marking an article is ``feedback.py``; the keyword changes repeated marks suggest are
``suggestions.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from dumon.errors import QueryError
from dumon.storage import marks as stored_marks
from dumon.storage.marks import ArticleRef
from dumon.storage.reports import CoverageRow
from dumon.storage.rows import ArticleRow

KINDS = {
    "not-relevant": "không liên quan",
    "not-local": "không phải tin của tỉnh",
    "not-alert": "không phải sự cố",
    "important": "quan trọng",
}
IMPORTANT_POINTS = 10
"""Added to a story's importance when the office marked one of its articles important."""

Marked = dict[int, frozenset[str]]  # article id → the kinds of its marks


def overlay(row: ArticleRow, kinds: Iterable[str]) -> ArticleRow | None:
    """The article as the office judged it: None when hidden (not relevant); otherwise a copy
    without the flags the marks take away, and kept (``edu``) when marked important though the
    matcher did not keep it."""
    kinds = set(kinds)
    if "not-relevant" in kinds:
        return None
    changes: dict[str, Any] = {}
    if "not-local" in kinds:
        changes["local"] = 0
        if row.scope == "local":
            changes["scope"] = "national"
    if "not-alert" in kinds:
        changes.update(alert=0, severity=0)
    judged = replace(row, **changes) if changes else row
    if "important" in kinds and not judged.relevant:
        judged = replace(judged, edu=1)  # the office keeps what the matcher did not
    return judged


def apply_marks(
    conn: sqlite3.Connection, rows: list[ArticleRow], found: Marked | None = None
) -> list[ArticleRow]:
    """The rows with the office's marks applied (hidden ones left out); `found` is
    ``marked(conn)`` when the caller already has it."""
    found = stored_marks.marked(conn) if found is None else found
    if not found:
        return rows
    out = []
    for row in rows:
        kinds = found.get(row.id)
        if not kinds:
            out.append(row)
            continue
        changed = overlay(row, kinds)
        if changed is not None:
            out.append(changed)
    return out


def important(found: Marked) -> frozenset[int]:
    """The articles the office marked important."""
    return frozenset(i for i, kinds in found.items() if "important" in kinds)


def find_article(conn: sqlite3.Connection, ref: str) -> ArticleRef:
    """The article a reference names (its id, its URL or another URL of the same outlet
    article); a QueryError saying how to find it when none."""
    found = stored_marks.find_article(conn, ref)
    if found is None:
        raise QueryError(
            f"Không tìm thấy bài '{ref}'. Cách sửa: ghi số (id) của bài hoặc địa chỉ đầy đủ "
            "(https://…) như trong điểm tin; tìm bài bằng `dumon search`."
        )
    return found


def report_corrections(
    conn: sqlite3.Connection, start: str, end: str, *, by_day: bool = False
) -> list[CoverageRow]:
    """Rows to add to a report's coverage rows so that the period's counts are the office's:
    for each marked article published in [start, end), its stored row counted -1 and the
    marked row +1 (nothing for a hidden one). ``month`` is the day with `by_day`."""
    found = stored_marks.marked(conn)
    if not found:
        return []
    out: list[CoverageRow] = []
    for row in stored_marks.articles_published_between(conn, list(found), start, end):
        when = (row.published or "")[: 10 if by_day else 7]
        outlet, source = row.outlet or "", row.source or ""
        units, themes = row.units or "[]", row.themes or "[]"
        out.append(
            CoverageRow(when, outlet, source, row.edu, row.alert, row.local, units, themes, -1)
        )
        changed = overlay(row, found[row.id])
        if changed is not None:
            flags = (changed.edu, changed.alert, changed.local)
            out.append(CoverageRow(when, outlet, source, *flags, units, themes, 1))
    return out
