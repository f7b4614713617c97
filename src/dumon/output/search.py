"""Full-text search of past coverage: running the query (see `query`), filters, order,
snippets, and what to suggest when nothing is found (see `suggest`).

Newest first by default, bm25 on request (docs/measured.md: ranking a common word over a large
store takes seconds, so relevance falls back to newest above RANK_LIMIT matches). A query
typed with diacritics finds accented text written that way; articles written without any
diacritic are then searched accent-less and listed after them.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dumon import textnorm
from dumon.errors import QueryError
from dumon.matching.registry import loose
from dumon.output.suggest import Suggestion, suggest
from dumon.storage import searching
from dumon.storage.query import QueryTerm, compile_query, describe, fold, is_plain
from dumon.storage.searching import FoundArticle, Narrowing
from dumon.vntime import VN_TZ, parse_moment

log = logging.getLogger(__name__)

RANK_LIMIT = 20_000
"""Above this many matches bm25 takes >100 ms (29 k: 110-200 ms measured): newest is used."""
BM25_WEIGHTS = (8.0, 3.0, 1.0, 1.0)  # title, summary, body, folded
SNIPPET_WORDS = 28
ORDERS = ("newest", "relevance")
MAX_LIMIT = 100_000

_WORD = re.compile(r"\w+")


# --- dates ---------------------------------------------------------------------------------


def parse_bound(value: str | date | datetime | None, *, end: bool = False) -> str | None:
    """An ISO bound in Vietnam time comparable with stored text; an end date covers its day."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            moment = parse_moment(value)
        except ValueError:
            raise QueryError(
                f"Không hiểu thời điểm '{value}'. Cách sửa: dùng dạng YYYY-MM-DD hoặc "
                "YYYY-MM-DDTHH:MM (có thể kèm múi giờ, ví dụ 2025-09-05T07:00+07:00)."
            ) from None
        at = moment.end() if end else moment.at
    elif isinstance(value, datetime):
        at = value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    else:
        at = datetime.combine(value + timedelta(days=1) if end else value, time(0), VN_TZ)
    return at.astimezone(VN_TZ).isoformat(timespec="seconds")


# --- the search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What narrows a search or a report besides the words."""

    since: str | None = None  # ISO, inclusive
    until: str | None = None  # ISO, exclusive
    unit: str | None = None  # a fragment of a unit's name, as typed
    theme: str | None = None
    outlet: str | None = None
    alerts: bool = False
    local: bool = False
    edu: bool = False
    unit_names: tuple[str, ...] | None = None  # the names --unit resolved to (registry)
    unit_label: str | None = None  # the unit's current name, to say what was searched

    def describe(self) -> str:
        """The filters in words, for "Đã tìm: …"."""
        parts = []
        if self.since:
            parts.append(f"từ {_vn_moment(self.since)}")
        if self.until:
            parts.append(f"trước {_vn_moment(self.until)}")
        if self.unit:
            parts.append(f"đơn vị {self.unit_label or self.unit!r}")
        if self.theme:
            parts.append(f"chủ đề '{self.theme}'")
        if self.outlet:
            parts.append(f"báo '{self.outlet}'")
        if self.edu:
            parts.append("chỉ tin giáo dục")
        if self.local:
            parts.append("chỉ tin địa phương")
        if self.alerts:
            parts.append("chỉ tin cần lưu ý")
        return ", ".join(parts)


def _vn_moment(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    day = f"{moment.day:02d}/{moment.month:02d}/{moment.year}"
    return day if moment.time() == time(0) else f"{moment:%H:%M} {day}"


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    url: str
    outlet: str
    published: str | None
    snippet: tuple[tuple[str, bool], ...]  # (text, marked) segments
    units: tuple[str, ...]
    themes: tuple[str, ...]  # display names
    alert: bool
    theme_keys: tuple[str, ...] = ()
    accentless: bool = False  # an article written without diacritics, found accent-less

    @property
    def snippet_text(self) -> str:
        """The snippet with matched words between « and »."""
        return "".join(f"«{text}»" if marked else text for text, marked in self.snippet)

    @property
    def snippet_plain(self) -> str:
        """The snippet without marks (CSV: a spreadsheet cell)."""
        return "".join(text for text, _ in self.snippet)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "snippet": self.snippet_text,
            "units": list(self.units),
            "themes": list(self.themes),
            "theme_keys": list(self.theme_keys),
            "alert": self.alert,
            "accentless": self.accentless,
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    expression: str
    hits: tuple[SearchHit, ...]
    matches: int  # articles matching the words, before filters
    order: str  # the order actually used
    fell_back: bool = False  # relevance asked, newest used because the match set is huge
    searched: str = ""  # what was searched, in words (query and filters)
    suggestions: tuple[Suggestion, ...] = field(default=())
    also_units: tuple[str, ...] = ()  # other units the --unit fragment fits


def _fold_contains(needle: str, names: list[str]) -> list[str]:
    wanted = loose(needle)
    return [name for name in names if wanted and wanted in loose(name)]


@dataclass(frozen=True)
class Names:
    """The stored names that the user's accent-insensitive fragments designate."""

    units: list[str] | None = None
    themes: list[str] | None = None
    outlets: list[str] | None = None


def resolve_names(
    conn: sqlite3.Connection, filters: Filters, theme_names: Mapping[str, str] | None = None
) -> Names:
    """Unit names, theme keys and outlets matching the filters.

    Units come from the registry when --unit was resolved there (``unit_names``), else from
    the stored names containing the fragment; a theme matches by key or display name.
    """
    units = None
    if filters.unit_names is not None:
        units = list(filters.unit_names)
    elif filters.unit:
        units = _fold_contains(filters.unit, searching.tag_names(conn, "unit"))
    themes = None
    if filters.theme:
        names = theme_names or {}
        themes = [
            key
            for key in searching.tag_names(conn, "theme")
            if _fold_contains(filters.theme, [key, names.get(key, key)])
        ]
    outlets = None
    if filters.outlet:
        outlets = _fold_contains(filters.outlet, searching.outlet_names(conn))
    return Names(units, themes, outlets)


def narrowing(
    conn: sqlite3.Connection, filters: Filters, theme_names: Mapping[str, str] | None = None
) -> Narrowing:
    """The filters in stored names; a --unit, --theme or --outlet naming nothing stored is
    refused (see `_designates_something`)."""
    names = resolve_names(conn, filters, theme_names)
    _designates_something(filters, names)

    def chosen(found: list[str] | None) -> tuple[str, ...] | None:
        return None if found is None else tuple(found)

    return Narrowing(
        since=filters.since,
        until=filters.until,
        units=chosen(names.units),
        themes=chosen(names.themes),
        outlets=chosen(names.outlets),
        alerts=filters.alerts,
        local=filters.local,
        edu=filters.edu,
    )


def _designates_something(filters: Filters, names: Names) -> None:
    """A --unit, --theme or --outlet that names nothing stored is a mistake to report, not a
    search to run: its empty result would read as "the press wrote nothing"."""
    for option, fragment, found, example in (
        ("--unit", filters.unit, names.units, "le hong phong"),
        ("--theme", filters.theme, names.themes, "tuyen sinh"),
        ("--outlet", filters.outlet, names.outlets, "vnexpress"),
    ):
        if fragment and found == [] and not (option == "--unit" and filters.unit_names):
            raise QueryError(
                f"{option} '{fragment}' không khớp tên nào trong các bài đã lưu. Cách sửa: gõ "
                f'một phần tên (không dấu cũng được), ví dụ {option} "{example}".'
            )


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    filters: Filters | None = None,
    limit: int = 20,
    order: str = "newest",
    theme_names: Mapping[str, str] | None = None,
) -> SearchResult:
    """The newest (or most relevant) articles matching the query and the filters.

    `theme_names` maps theme keys to display names (the desk's keywords/themes.yaml).
    """
    if order not in ORDERS:
        raise QueryError(f"Không có thứ tự '{order}'. Cách sửa: dùng newest hoặc relevance.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"--limit phải từ 1 đến {MAX_LIMIT}. Cách sửa: ví dụ --limit 20.")
    compiled = compile_query(query)
    filters = filters or Filters()
    log.debug("FTS5 expression: %s", compiled.expression)
    narrowed = narrowing(conn, filters, theme_names)

    def count(expression: str) -> int:
        return searching.count_matching(conn, expression)

    try:
        matches = count(compiled.expression)
        used, fell_back = order, False
        if order == "relevance" and matches > RANK_LIMIT:
            used, fell_back = "newest", True
        if used == "relevance":
            rows = searching.most_relevant(
                conn, compiled.expression, narrowed, limit=limit, weights=BM25_WEIGHTS
            )
        else:
            rows = searching.newest_matching(
                conn, compiled.expression, narrowed, limit=limit, matches=matches
            )
        accentless: list[FoundArticle] = []
        if compiled.loose and len(rows) < limit:
            accentless = searching.accentless_matching(
                conn, compiled.loose, compiled.expression, narrowed, room=limit - len(rows)
            )
        suggestions: tuple[Suggestion, ...] = ()
        if not rows and not accentless or _looks_glued(compiled.terms):
            suggestions = suggest(conn, compiled.tree, matches=matches, count=count)
    except sqlite3.OperationalError as exc:  # should not happen: the expression is ours
        log.error("FTS5 rejected %r: %s", compiled.expression, exc)
        raise QueryError(
            "Không thực hiện được câu tìm kiếm này. Cách sửa: viết lại đơn giản hơn, ví dụ bỏ "
            "bớt ngoặc hoặc toán tử."
        ) from exc
    names = theme_names or {}
    hits = tuple(_hit(row, compiled.terms, names) for row in rows) + tuple(
        _hit(row, compiled.terms, names, accentless=True) for row in accentless
    )
    searched = describe(compiled.tree)
    if filters.describe():
        searched += "; " + filters.describe()
    return SearchResult(
        query,
        compiled.expression,
        hits,
        matches + len(accentless),
        used,
        fell_back,
        searched,
        suggestions,
    )


_GLUED = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


def _looks_glued(terms: tuple[QueryTerm, ...]) -> bool:
    """A number typed against a word ("lop10"): worth suggesting the separated form."""
    return any(_GLUED.search(w) for t in terms for w in t.words)


def _hit(
    row: FoundArticle,
    terms: tuple[QueryTerm, ...],
    theme_names: Mapping[str, str],
    *,
    accentless: bool = False,
) -> SearchHit:
    keys = tuple(json.loads(row.themes or "[]"))
    return SearchHit(
        id=row.id,
        title=row.title,
        url=row.url,
        outlet=row.outlet or "",
        published=row.published,
        snippet=_best_snippet(row.title, " ".join(filter(None, (row.summary, row.body))), terms),
        units=tuple(json.loads(row.units or "[]")),
        themes=tuple(theme_names.get(k, k) for k in keys),
        alert=bool(row.alert),
        theme_keys=keys,
        accentless=accentless,
    )


# --- snippets ------------------------------------------------------------------------------


def _best_snippet(title: str, text: str, terms: tuple[QueryTerm, ...]):
    """The lead around the first match; the title when only the title matched."""
    snippet = make_snippet(text, terms) if text else ()
    if any(marked for _, marked in snippet):
        return snippet
    marked_title = make_snippet(title, terms)
    return marked_title if any(m for _, m in marked_title) else (snippet or marked_title)


def _word_test(word: str, prefix: bool):
    """A predicate on a text token: does it spell this query word (as the query asks)?"""
    if is_plain(word):
        target = fold(word)
        if prefix:
            return lambda low, folded: folded.startswith(target)
        return lambda low, folded: folded == target
    forms = tuple(textnorm.spellings(word))
    if prefix:
        return lambda low, folded: low.startswith(forms)
    return lambda low, folded: low in forms


def _mark(tokens: list[str], terms: tuple[QueryTerm, ...]) -> list[bool]:
    """Flag the tokens that are part of an occurrence of a term (a phrase in sequence)."""
    lows = [t.lower() for t in tokens]
    folds = [fold(t) for t in lows]
    flags = [False] * len(tokens)
    for term in terms:
        tests = [_word_test(w, star) for w, star in zip(term.words, term.stars, strict=True)]
        for i in range(len(tokens) - len(tests) + 1):
            if all(test(lows[i + k], folds[i + k]) for k, test in enumerate(tests)):
                for k in range(len(tests)):
                    flags[i + k] = True
    return flags


def make_snippet(text: str, terms: tuple[QueryTerm, ...], words: int = SNIPPET_WORDS):
    """About `words` words of text around the first matched word, matched words marked."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return ((text, False),) if text else ()
    flags = _mark([t.group() for t in tokens], terms)
    first = flags.index(True) if True in flags else 0
    start_tok = max(0, first - words // 3)
    end_tok = min(len(tokens), start_tok + words)
    start = tokens[start_tok].start() if start_tok else 0
    end = tokens[end_tok - 1].end() if end_tok < len(tokens) else len(text)
    segments: list[tuple[str, bool]] = [("…", False)] if start else []
    cursor = start
    for token, flag in zip(tokens[start_tok:end_tok], flags[start_tok:end_tok], strict=True):
        if flag:
            if token.start() > cursor:
                segments.append((text[cursor : token.start()], False))
            segments.append((token.group(), True))
            cursor = token.end()
    if end > cursor:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append(("…", False))
    return tuple(segments)
