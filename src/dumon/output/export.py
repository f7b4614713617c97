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
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TextIO

from dumon.errors import QueryError
from dumon.output.search import Filters, filter_sql
from dumon.storage.rows import HIT_COLUMNS

FORMATS = ("csv", "jsonl")
BATCH = 2000
ARTICLE_COLUMNS = (
    "id",
    "url",
    "title",
    "summary",
    "body",
    "outlet",
    "source",
    "published",
    "first_seen",
    "edu",
    "local",
    "alert",
    "severity",
    "units",
    "themes",
)
CSV_COLUMNS = (*[c if c != "published" else "date" for c in ARTICLE_COLUMNS], "hits")


@dataclass(frozen=True)
class ExportSummary:
    articles: int
    hits: int


def iter_records(
    db,
    *,
    since: str | None = None,
    until: str | None = None,
    filters: Filters | None = None,
) -> Iterator[dict]:
    """Articles published in [since, until) and passing the filters (search's: unit, theme,
    outlet, education, local, alerts), in time order, each with its list of hits."""
    conn = db.conn if hasattr(db, "conn") else db
    chosen = replace(filters or Filters(), since=since, until=until)
    where, params = filter_sql(conn, chosen, alias="articles")
    cursor = conn.execute(
        f"select {', '.join(ARTICLE_COLUMNS)} from articles where 1{where} order by published, id",
        params,
    )
    while rows := cursor.fetchmany(BATCH):
        records = [dict(zip(ARTICLE_COLUMNS, row, strict=True)) for row in rows]
        hits = _hits(conn, [r["id"] for r in records])
        for record in records:
            record["date"] = record.pop("published")
            record["units"] = json.loads(record["units"] or "[]")
            record["themes"] = json.loads(record["themes"] or "[]")
            for flag in ("edu", "local", "alert"):
                record[flag] = bool(record[flag])
            record["hits"] = hits.get(record["id"], [])
            yield record


def _hits(conn, ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    marks = ",".join("?" * len(ids))
    sql = (
        f"select article_id, {', '.join('[' + c + ']' for c in HIT_COLUMNS)} from hits "
        f"where article_id in ({marks}) order by article_id, id"
    )
    for article_id, *values in conn.execute(sql, ids):
        hit = dict(zip(HIT_COLUMNS, values, strict=True))
        hit["folded"] = bool(hit["folded"])
        found[article_id].append(hit)
    return found


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
    db,
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
    for record in iter_records(db, since=since, until=until, filters=filters):
        if writer:
            writer.writerow(_csv_row(record))
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        articles += 1
        hits += len(record["hits"])
    return ExportSummary(articles, hits)
