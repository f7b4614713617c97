"""Export of stored articles and their keyword hits for a period, as CSV or JSON lines.

Streamed in batches, so a year of a large store never sits in memory. JSON lines carry the
fields ``dumon import`` reads (``id``, ``title``, ``summary``, ``body``, ``url``, ``outlet``,
``source``, ``date``), so an export can be imported into another desk. JSON lines carry the
text as stored; in CSV, which a clerk opens in a spreadsheet, a text cell that begins with
``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so it is shown, never run as a formula (as
``search --csv`` does).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, TextIO

from dumon.errors import QueryError
from dumon.output.search import Filters, narrowing
from dumon.storage.rows import ArticleRow
from dumon.storage.searching import StoredHit, hits_of, period_articles

FORMATS = ("csv", "jsonl")
BATCH = 2000
CSV_COLUMNS = (
    "id",
    "url",
    "title",
    "summary",
    "body",
    "outlet",
    "source",
    "date",
    "first_seen",
    "edu",
    "local",
    "alert",
    "severity",
    "units",
    "themes",
    "hits",
)


@dataclass(frozen=True)
class ExportSummary:
    articles: int
    hits: int


def iter_records(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    filters: Filters | None = None,
) -> Iterator[dict[str, Any]]:
    """Articles published in [since, until) and passing the filters (search's: unit, theme,
    outlet, education, local, alerts), in time order, each with its list of hits."""
    chosen = replace(filters or Filters(), since=since, until=until)
    for batch in period_articles(conn, narrowing(conn, chosen), batch=BATCH):
        hits = hits_of(conn, [article.id for article in batch])
        for article in batch:
            yield _record(article, hits.get(article.id, []))


def _record(article: ArticleRow, hits: list[StoredHit]) -> dict[str, Any]:
    """The article as `dumon import` reads it back (the key order is the files' own)."""
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "outlet": article.outlet,
        "source": article.source,
        "first_seen": article.first_seen,
        "edu": bool(article.edu),
        "local": bool(article.local),
        "alert": bool(article.alert),
        "severity": article.severity,
        "units": json.loads(article.units or "[]"),
        "themes": json.loads(article.themes or "[]"),
        "date": article.published,
        "hits": [
            {
                "kind": hit.kind,
                "key": hit.key,
                "term": hit.term,
                "field": hit.field,
                "start": hit.start,
                "end": hit.end,
                "score": hit.score,
                "folded": bool(hit.folded),
            }
            for hit in hits
        ],
    }


def _csv_row(record: dict) -> list:
    """Lists become '; '-joined cells; hits 'kind:key=term@field' (the JSONL keeps them whole)."""
    row = dict(record)
    row["units"] = "; ".join(record["units"])
    row["themes"] = "; ".join(record["themes"])
    row["hits"] = "; ".join(
        f"{h['kind']}:{h['key']}={h['term']}@{h['field']}" for h in record["hits"]
    )
    for flag in ("edu", "local", "alert"):
        row[flag] = int(record[flag])
    return [_inert(row[c]) for c in CSV_COLUMNS]


def _inert(value: object) -> object:
    """A cell a spreadsheet shows rather than runs (=HYPERLINK(…), @SUM(…) come from the web)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export(
    conn: sqlite3.Connection,
    out: TextIO,
    *,
    fmt: str,
    since: str | None = None,
    until: str | None = None,
    filters: Filters | None = None,
) -> ExportSummary:
    """Write the period's articles with their hits to `out`; return how many were written."""
    if fmt not in FORMATS:
        raise QueryError(f"Không có định dạng xuất '{fmt}'. Cách sửa: dùng csv hoặc jsonl.")
    articles = hits = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(CSV_COLUMNS)
    for record in iter_records(conn, since=since, until=until, filters=filters):
        if writer:
            writer.writerow(_csv_row(record))
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        articles += 1
        hits += len(record["hits"])
    return ExportSummary(articles, hits)
