"""An article's database row and hit rows, built without a database connection.

Scan workers build them beside the matcher, in parallel and off the main process: the scan's
writer then only executes SQL, and what crosses the process boundary is a few tuples per
article instead of the article and its whole match explanation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from dumon import textnorm
from dumon.models import Article
from dumon.verdicts import MatchResult
from dumon.vntime import VN_TZ

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (workers start lean)
if TYPE_CHECKING:
    from typing import Any

# The articles columns a scan writes, in the order of `ArticleRecord.values`; the time the
# article was first seen is added by the writer, in the transaction that stores it.
ARTICLE_COLUMNS = (
    "url",
    "title",
    "summary",
    "body",
    "outlet",
    "source",
    "published",
    "content_hash",
    "folded",
    "external_id",
    "edu",
    "local",
    "alert",
    "severity",
    "units",
    "themes",
    "scope",
)
# The hits columns after article_id, in the order of `ArticleRecord.hits`.
HIT_COLUMNS = ("kind", "key", "term", "field", "start", "end", "score", "folded")
HitRow = tuple[str, str, str, str, int, int, float, int]


@dataclass(slots=True)  # read in bulk: not frozen (see `dumon.storage`)
class ArticleRow:
    """A stored article as read back (units, themes: the stored JSON lists). The digest reads
    its text shortened (`storage.reading`); export and rematch read it whole."""

    id: int
    url: str
    title: str
    summary: str | None
    body: str | None
    outlet: str | None
    source: str | None
    published: str | None
    first_seen: str
    edu: int
    local: int
    alert: int
    severity: int | None
    units: str | None
    themes: str | None
    scope: str | None

    @property
    def relevant(self) -> bool:
        """Found relevant by the matcher: it can make a story (the others only join one)."""
        return bool(self.edu or self.local or self.alert)


ARTICLE_ROW_COLUMNS = ", ".join(f"[{name}]" for name in ArticleRow.__dataclass_fields__)
# The same columns read briefly (incidents, marks): a summary's first 600 characters, no body.
ARTICLE_ROW_BRIEF = (
    "id, url, title, substr(coalesce(summary, ''), 1, 600), '', outlet, source, published, "
    "first_seen, edu, local, alert, severity, units, themes, scope"
)


@dataclass(frozen=True)
class ArticleRecord:
    values: tuple[Any, ...]  # ARTICLE_COLUMNS
    hits: tuple[HitRow, ...]  # HIT_COLUMNS; only for articles the matcher found relevant
    tags: tuple[tuple[str, str, str | None], ...]  # (kind, name, published) of article_tags
    coverage_key: tuple[Any, ...]  # the article's row of the coverage table (migrations.m005)


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 in Vietnam time, so text order is time order."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ).isoformat(timespec="seconds")


def content_hash(article: Article) -> str:
    text = f"{article.title}\n{article.summary}\n{article.body}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def match_columns(match: MatchResult | None) -> dict[str, Any]:
    if match is None:
        return {
            "edu": 0,
            "local": 0,
            "alert": 0,
            "severity": 0,
            "units": "[]",
            "themes": "[]",
            "scope": None,
        }
    return {
        "edu": int(match.edu),
        "local": int(match.local),
        "alert": int(match.alert),
        "severity": match.severity,
        "units": json.dumps(list(match.units), ensure_ascii=False),
        "themes": json.dumps(list(match.themes), ensure_ascii=False),
        "scope": match.scope or None,
    }


def article_record(article: Article, match: MatchResult | None) -> ArticleRecord:
    folded = textnorm.fold(" ".join(filter(None, (article.title, article.summary, article.body))))
    verdict = match_columns(match)
    published = to_iso(article.published)
    values = (
        article.url,
        article.title,
        article.summary,
        article.body,
        article.outlet,
        article.source,
        published,
        content_hash(article),
        folded,
        article.external_id,
        verdict["edu"],
        verdict["local"],
        verdict["alert"],
        verdict["severity"],
        verdict["units"],
        verdict["themes"],
        verdict["scope"],
    )
    units = match.units if match is not None else ()
    themes = match.themes if match is not None else ()
    coverage_key = (
        (published or "")[:10],
        article.outlet or "",
        article.source or "",
        verdict["edu"],
        verdict["alert"],
        verdict["local"],
        verdict["units"],
        verdict["themes"],
    )
    tags = tuple(("unit", name, published) for name in units) + tuple(
        ("theme", name, published) for name in themes
    )
    return ArticleRecord(values, hit_rows(match), tags, coverage_key)


def hit_rows(match: MatchResult | None) -> tuple[HitRow, ...]:
    """The hits worth storing: those of an article the matcher found relevant."""
    if match is None or not match.relevant:
        return ()
    return tuple(
        (h.kind, h.key, h.term, h.field, h.start, h.end, h.score, int(h.folded)) for h in match.hits
    )
