"""Import articles given as JSON lines, as if a scan had found them (backfills, migrations).

Each line holds ``id``, ``title``, ``summary``, ``body``, ``url``, ``outlet``, ``date`` (a date, a
datetime or null). Lines are matched and stored in batches, one transaction per batch, so an
interrupted import keeps whole batches and a rerun adds only what is missing.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dumon.collecting.cleantext import clean_text
from dumon.collecting.worker import match_articles
from dumon.desk import Desk
from dumon.errors import ConfigError
from dumon.models import Article
from dumon.storage import store
from dumon.urls import canonical_url, is_http_url
from dumon.vntime import OutOfCalendar, parse_moment

log = logging.getLogger(__name__)

BATCH = 2000


@dataclass
class ImportReport:
    lines: int = 0
    articles_new: int = 0
    duplicates: int = 0
    hits_new: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    # Lines stored with something left out (a date no calendar shows), and why.
    warnings: list[tuple[int, str]] = field(default_factory=list)


class OutOfRange(ValueError):
    """A date that parses but that no time zone can show (year 0 or 10000 once converted)."""


def parse_date(value: object) -> datetime | None:
    """A date becomes midnight Vietnam time; a naive datetime is Vietnam time."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"ngày không hợp lệ: {value!r}")
    try:
        return parse_moment(value).at
    except OutOfCalendar:
        raise OutOfRange(f"ngày '{value}' nằm ngoài lịch (năm 1 đến 9999)") from None


def _warner(report: ImportReport, number: int) -> Callable[[str], None]:
    """Where a line's warnings go: the report, with the line's number."""
    return lambda why: report.warnings.append((number, why))


def article_from_record(record: dict, warn: Callable[[str], None] | None = None) -> Article:
    """Build an Article from one JSON line; raise ValueError with a Vietnamese reason.

    A date out of range does not lose the article: it is kept without a date, and `warn`
    is told why."""
    if not isinstance(record, dict):
        raise ValueError("dòng không phải một đối tượng JSON")
    title = clean_text(str(record.get("title") or ""))
    if not title:
        raise ValueError("thiếu tiêu đề (title)")
    raw_url = str(record.get("url") or "").strip()
    if raw_url and is_http_url(raw_url):
        url = canonical_url(raw_url)
    elif record.get("id"):
        url = f"urn:dumon:{record['id']}"  # keeps the article unique without a link
    else:
        raise ValueError("thiếu cả url lẫn id")
    try:
        published = parse_date(record.get("date"))
    except OutOfRange as exc:
        published = None
        if warn:
            warn(f"{exc}; đã lưu bài, không có ngày đăng")
    return Article(
        url=url,
        title=title,
        summary=clean_text(str(record.get("summary") or "")),
        body=clean_text(str(record.get("body") or ""), keep_paragraphs=True),
        outlet=str(record.get("outlet") or ""),
        published=published,
        source=str(record.get("source") or "import"),
        original_url=raw_url or None,
        external_id=str(record["id"]) if record.get("id") is not None else None,
    )


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _records(path: Path) -> Iterator[tuple[int, str]]:
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def import_jsonl(
    desk: Desk,
    path: Path,
    *,
    matcher=None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Store the articles of a JSON-lines file (optionally .gz) with their matches."""
    if not path.is_file():
        raise ConfigError(path, None, "không tìm thấy tệp", "kiểm tra lại đường dẫn tệp .jsonl")
    if matcher is None and desk.keywords_dir.is_dir():
        from dumon.matching import Matcher

        matcher = Matcher.from_folder(desk.keywords_dir, cache_dir=desk.cache_dir)

    report = ImportReport()
    db = store.open_db(desk.db_path)
    try:
        batch: list[Article] = []
        for number, line in _records(path):
            report.lines += 1
            try:
                batch.append(article_from_record(json.loads(line), _warner(report, number)))
            except (ValueError, TypeError, RecursionError) as exc:
                reason = "JSON lồng nhau quá sâu" if isinstance(exc, RecursionError) else str(exc)
                report.rejected.append((number, reason))
                continue
            if len(batch) >= BATCH:
                _flush(db, batch, matcher, report)
                batch = []
                if progress:
                    progress(report)
        if batch:
            _flush(db, batch, matcher, report)
        if progress:
            progress(report)
    finally:
        db.close()
    return report


def _flush(db: store.Database, batch: list[Article], matcher, report: ImportReport) -> None:
    known = store.known_urls(db, [a.url for a in batch])
    unique: dict[str, Article] = {}
    for article in batch:
        if article.url in known or article.url in unique:
            report.duplicates += 1
        else:
            unique[article.url] = article
    pairs = match_articles(list(unique.values()), matcher)
    with store.write_transaction(db):
        stored = store.store_articles(db, pairs, seen=store.now_iso())
    report.articles_new += stored.articles_new
    # Not stored although their URL was new: another URL of an article already stored, or a
    # reprint of it by the same outlet (one article is one article, see `store`).
    report.duplicates += len(unique) - stored.articles_new
    report.hits_new += stored.hits_new
