"""Full-text search of past coverage: the query language, its safe translation to FTS5, filters.

The user's query is parsed here and rebuilt as an FTS5 expression made only of quoted strings,
column filters and operators, so user text never reaches MATCH raw. Words typed without
diacritics search the application-folded column (FTS5 never folds đ, MEASURED.md); words typed
with diacritics match as written, in either tone style (hoá/hóa). An accented word is not also
sought accent-less: "hoá" would then find every "hoa" (flower) of accented text.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dumon import textnorm
from dumon.errors import QueryError
from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

TEXT_COLUMNS = "{title summary body}"
FOLDED_COLUMN = "folded"
RANK_LIMIT = 20_000
"""Above this many matches bm25 takes >100 ms (29 k: 110-200 ms measured): newest is used."""
WALK_MIN = 20_000
"""Above this many matches newest-first walks the date index (29 k: 39 ms vs 56 ms sorting)."""
BM25_WEIGHTS = (8.0, 3.0, 1.0, 1.0)  # title, summary, body, folded
SNIPPET_WORDS = 28
ORDERS = ("newest", "relevance")
MAX_LIMIT = 100_000

_OPERATORS = {"AND", "OR", "NOT"}
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
_WORD = re.compile(r"\w+")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_IY = re.compile("[bdhklmnstv][iy][\u0300\u0301\u0303\u0309\u0323]")  # NFD kĩ, lý…


# --- the query language --------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One searchable word or phrase: its words as typed (NFC, lower case)."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def plain(self) -> bool:
        """Typed without any diacritic (nor đ): searched in the folded column."""
        return all(_is_plain(w) for w in self.words)


@dataclass(frozen=True)
class Node:
    """An operator over sub-expressions: AND, OR or NOT (left NOT right)."""

    op: str
    children: tuple[Node | Term, ...]


@dataclass(frozen=True)
class CompiledQuery:
    expression: str  # the FTS5 MATCH expression
    terms: tuple[Term, ...]  # positive terms, for marking snippets


def _fold(word: str) -> str:
    return textnorm.fold(word).lower()


def _is_plain(word: str) -> bool:
    """True when the word carries no diacritic and no đ (the user typed it accent-less)."""
    return "đ" not in word and not any(
        unicodedata.combining(c) for c in unicodedata.normalize("NFD", word)
    )


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _tokens(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    for token in tokens:
        if token.startswith('"') and (len(token) == 1 or not token.endswith('"')):
            raise QueryError(
                'Câu tìm kiếm thiếu dấu ngoặc kép đóng ("). Cách sửa: đặt cụm từ giữa hai dấu '
                'ngoặc kép, ví dụ "tuyển sinh lớp 10".'
            )
    return tokens


def _term(token: str) -> Term | None:
    """A word or a quoted phrase; None when it holds nothing searchable (punctuation only)."""
    prefix = False
    if token.startswith('"'):
        body = token[1:-1]
        if body.rstrip().endswith("*"):
            body, prefix = body.rstrip()[:-1], True
    else:
        body = token
        if body.endswith("*"):
            body, prefix = body.rstrip("*"), True
    words = tuple(_WORD.findall(_clean(body)))
    if not words:
        return None
    return Term(words, prefix)


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not (AND? not)*; not := atom (NOT atom)*."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | Term:
        node = self.parse_or()
        if self.peek() is not None:
            raise QueryError(
                "Dấu ngoặc đóng ')' không có ngoặc mở tương ứng. Cách sửa: kiểm tra lại các cặp "
                "ngoặc trong câu tìm kiếm."
            )
        return node

    def parse_or(self) -> Node | Term:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and(after="OR"))
        return parts[0] if len(parts) == 1 else Node("OR", tuple(parts))

    def parse_and(self, after: str | None = None) -> Node | Term:
        parts = [self.parse_not(after)]
        while (token := self.peek()) is not None and token not in ("OR", "NOT", ")"):
            if token == "AND":
                self.take()
                parts.append(self.parse_not("AND"))
            else:
                parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else Node("AND", tuple(parts))

    def parse_not(self, after: str | None = None) -> Node | Term:
        node = self.parse_atom(after)
        while self.peek() == "NOT":
            self.take()
            node = Node("NOT", (node, self.parse_atom("NOT")))
        return node

    def parse_atom(self, after: str | None) -> Node | Term:
        token = self.peek()
        if token is None or token in (")", "OR", "AND") or token == "NOT":
            raise QueryError(_missing_operand(token, after))
        self.take()
        if token == "(":
            if self.peek() == ")":
                raise QueryError(
                    "Cặp ngoặc '()' không chứa từ nào. Cách sửa: bỏ cặp ngoặc rỗng hoặc đặt từ "
                    "cần tìm vào giữa."
                )
            node = self.parse_or()
            if self.peek() != ")":
                raise QueryError(
                    "Thiếu dấu ngoặc đóng ')'. Cách sửa: kiểm tra lại các cặp ngoặc trong câu tìm "
                    "kiếm."
                )
            self.take()
            return node
        term = _term(token)
        if term is None:
            raise QueryError(
                f"'{token}' không chứa chữ hay số nào để tìm. Cách sửa: bỏ nó khỏi câu tìm kiếm."
            )
        return term


def _missing_operand(token: str | None, after: str | None) -> str:
    if token == "NOT" or after == "NOT":
        return (
            'NOT cần một vế trước và một vế sau, ví dụ: tuyển sinh NOT "Hà Nội". Cách sửa: '
            "thêm từ cần tìm trước NOT và từ cần loại sau NOT."
        )
    if after in ("AND", "OR"):
        return (
            f"Sau {after} còn thiếu từ cần tìm. Cách sửa: thêm một từ hoặc bỏ {after} ở cuối câu."
        )
    if token in ("AND", "OR"):
        return (
            f'{token} cần một vế ở mỗi bên, ví dụ: học phí {token} "lạm thu". Cách sửa: thêm từ '
            f"cần tìm trước {token}."
        )
    if token == ")":
        return "Dấu ngoặc đóng ')' đứng sai chỗ. Cách sửa: kiểm tra lại các cặp ngoặc."
    return 'Câu tìm kiếm trống. Cách sửa: nhập từ cần tìm, ví dụ: dumon search "tuyển sinh lớp 10".'


MAX_TOKENS = 200  # words, phrases, operators and brackets of one query
MAX_NESTING = 20  # brackets inside brackets


def parse_query(text: str) -> Node | Term:
    """Parse the user's query; raise QueryError with a Vietnamese fix on bad syntax.

    Its size is bounded before parsing, so a crafted query cannot nest the parser (or FTS5)
    past its limits."""
    tokens = _tokens(text or "")
    if not tokens:
        raise QueryError(_missing_operand(None, None))
    if len(tokens) > MAX_TOKENS:
        raise QueryError(
            f"Câu tìm kiếm quá dài ({len(tokens)} từ và dấu). Cách sửa: dùng tối đa "
            f"{MAX_TOKENS}, tách thành vài lần tìm."
        )
    depth = deepest = 0
    for token in tokens:
        depth += (token == "(") - (token == ")")
        deepest = max(deepest, depth)
    if deepest > MAX_NESTING:
        raise QueryError(
            f"Câu tìm kiếm lồng quá nhiều lớp ngoặc ({deepest}). Cách sửa: dùng tối đa "
            f"{MAX_NESTING} lớp."
        )
    return _Parser(tokens).parse()


# --- translation to FTS5 -------------------------------------------------------------------


def _tone_variants(word: str) -> list[str]:
    """The spellings of an accented word: both tone styles (hòa/hoà, thủy/thuỷ) and, for a
    consonant + i/y syllable, both letters (kĩ/kỹ, lí/lý)."""
    variants = set(_tone_styles(word))
    nfd = unicodedata.normalize("NFD", word)
    if _IY.fullmatch(nfd):
        swapped = nfd[0] + ("y" if nfd[1] == "i" else "i") + nfd[2:]
        variants.add(unicodedata.normalize("NFC", swapped))
    return sorted(variants)


def _tone_styles(word: str) -> list[str]:
    """The word in both tone styles; itself when they agree."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return [word]
    base = decomposed.replace(tones[0], "")
    letters = unicodedata.normalize("NFC", base)
    if letters.startswith("qu") or not re.search(r"(oa|oe|uy)$", letters):
        return [word]
    # Tone on the last vowel (new style) or on the one before it (old style).
    cut = len(base) - len(unicodedata.normalize("NFD", letters[-1]))
    first = len(base) - len(unicodedata.normalize("NFD", letters[-2:]))
    new = base[:cut] + _mark_after(base[cut:], tones[0])
    old = base[:first] + _mark_after(base[first:cut], tones[0]) + base[cut:]
    variants = {unicodedata.normalize("NFC", new), unicodedata.normalize("NFC", old)}
    return sorted(variants | {word})


def _mark_after(chunk: str, tone: str) -> str:
    """Put the tone after the first base letter of the chunk (and its own marks)."""
    return chunk[:1] + tone + chunk[1:]


def _quote(words: tuple[str, ...] | list[str], prefix: bool) -> str:
    # Words are \w+ runs, so they hold no quote; quoting keeps FTS5 from reading keywords.
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def _term_fts(term: Term) -> str:
    if term.plain:
        return f"{FOLDED_COLUMN} : {_quote([_fold(w) for w in term.words], term.prefix)}"
    if any(_is_plain(w) for w in term.words):
        # A phrase mixing accented and plain words: the folded phrase finds candidates, the
        # accented words must also appear as written.
        accented = [Term((w,)) for w in term.words if not _is_plain(w)]
        parts = [f"{FOLDED_COLUMN} : {_quote([_fold(w) for w in term.words], term.prefix)}"]
        parts += [_term_fts(t) for t in accented]
        return "(" + " AND ".join(parts) + ")"
    styles = {tuple(_tone_variants(w)[0] for w in term.words)}
    styles.add(tuple(_tone_variants(w)[-1] for w in term.words))
    styles.add(term.words)
    alternatives = " OR ".join(_quote(s, term.prefix) for s in sorted(styles))
    return f"{TEXT_COLUMNS} : ({alternatives})"


def _node_fts(node: Node | Term) -> str:
    if isinstance(node, Term):
        return _term_fts(node)
    return "(" + f" {node.op} ".join(_node_fts(child) for child in node.children) + ")"


def _positive_terms(node: Node | Term) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    children = node.children[:1] if node.op == "NOT" else node.children
    return [term for child in children for term in _positive_terms(child)]


def compile_query(text: str) -> CompiledQuery:
    """The user's query as a safe FTS5 expression plus the terms to mark in snippets."""
    tree = parse_query(text)
    return CompiledQuery(_node_fts(tree), tuple(_positive_terms(tree)))


# --- dates ---------------------------------------------------------------------------------


def parse_bound(value: str | date | datetime | None, *, end: bool = False) -> str | None:
    """An ISO bound in Vietnam time comparable with stored text; an end date covers its day."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(
                f"Không hiểu thời điểm '{value}'. Cách sửa: dùng dạng YYYY-MM-DD hoặc "
                "YYYY-MM-DDTHH:MM (có thể kèm múi giờ, ví dụ 2025-09-05T07:00+07:00)."
            ) from None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    else:
        moment = datetime.combine(value + timedelta(days=1) if end else value, time(0), VN_TZ)
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


# --- the search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What narrows a search or a report besides the words."""

    since: str | None = None  # ISO, inclusive
    until: str | None = None  # ISO, exclusive
    unit: str | None = None
    theme: str | None = None
    outlet: str | None = None
    alerts: bool = False
    local: bool = False


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    url: str
    outlet: str
    published: str | None
    snippet: tuple[tuple[str, bool], ...]  # (text, marked) segments
    units: tuple[str, ...]
    themes: tuple[str, ...]
    alert: bool

    @property
    def snippet_text(self) -> str:
        """The snippet with matched words between « and »."""
        return "".join(f"«{text}»" if marked else text for text, marked in self.snippet)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "snippet": self.snippet_text,
            "units": list(self.units),
            "themes": list(self.themes),
            "alert": self.alert,
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    expression: str
    hits: tuple[SearchHit, ...]
    matches: int  # articles matching the words, before filters
    order: str  # the order actually used
    fell_back: bool = False  # relevance asked, newest used because the match set is huge


def _loose(text: str) -> str:
    """Accent-less, lower case, separators as single spaces ("thi-cu_tuyen sinh" → words)."""
    return " ".join(_WORD.findall(_fold(unicodedata.normalize("NFC", text)).replace("_", " ")))


def _fold_contains(needle: str, names: list[str]) -> list[str]:
    wanted = _loose(needle)
    return [name for name in names if wanted and wanted in _loose(name)]


def _known(db, sql: str) -> list[str]:
    return [row[0] for row in db.execute(sql) if row[0]]


@dataclass(frozen=True)
class Names:
    """The stored names that the user's accent-insensitive fragments designate."""

    units: list[str] | None = None
    themes: list[str] | None = None
    outlets: list[str] | None = None


def resolve_names(db, filters: Filters) -> Names:
    """Canonical unit names, theme keys and outlets matching the filters' fragments."""

    def tags(kind: str, fragment: str | None) -> list[str] | None:
        if not fragment:
            return None
        sql = f"select distinct name from article_tags where kind = '{kind}'"
        return _fold_contains(fragment, _known(db, sql))

    outlets = None
    if filters.outlet:
        outlets = _fold_contains(filters.outlet, _known(db, "select distinct outlet from articles"))
    return Names(tags("unit", filters.unit), tags("theme", filters.theme), outlets)


def filter_sql(db, filters: Filters, alias: str = "a") -> tuple[str, list]:
    """A WHERE fragment (starting with ' and') and its parameters for the filters."""
    clauses: list[str] = []
    params: list = []
    bounds: list[str] = []
    if filters.since:
        bounds.append("published >= ?")
        params.append(filters.since)
    if filters.until:
        bounds.append("published < ?")
        params.append(filters.until)
    clauses.extend(f"{alias}.{bound}" for bound in bounds)
    names = resolve_names(db, filters)
    for kind, chosen in (("unit", names.units), ("theme", names.themes)):
        if chosen is None:
            continue
        # The tag table carries the date too, so unit + period is one index range.
        marks = ",".join("?" * len(chosen)) or "null"
        within = "".join(f" and {bound}" for bound in bounds)
        clauses.append(
            f"{alias}.id in (select article_id from article_tags where kind = '{kind}' "
            f"and name in ({marks}){within})"
        )
        params.extend(chosen)
        params.extend(params[: len(bounds)])
    if names.outlets is not None:
        marks = ",".join("?" * len(names.outlets)) or "null"
        clauses.append(f"{alias}.outlet in ({marks})")
        params.extend(names.outlets)
    if filters.alerts:
        clauses.append(f"{alias}.alert = 1")
    if filters.local:
        clauses.append(f"{alias}.local = 1")
    return "".join(f" and {c}" for c in clauses), params


def _narrowing(filters: Filters) -> bool:
    """Filters that may skip most rows, where walking the date index could scan far."""
    return bool(filters.unit or filters.theme or filters.outlet or filters.alerts or filters.local)


def open_reader(path) -> sqlite3.Connection:
    """A read-only connection for the reading commands.

    Plain sqlite3: importing sqlite-utils (and the numpy it probes for) costs ~0.3 s of a
    command's start-up. The scan or import that wrote the database migrated it; a database
    from before the reading tables (migration m002) is migrated once here.
    """
    from dumon.sqlitefile import connect_read_only

    conn = connect_read_only(path)  # also on a read-only desk
    if conn.execute("select 1 from sqlite_master where name = 'article_tags'").fetchone():
        return conn
    conn.close()  # a desk written by an older dumon: bring its schema up to date first
    from dumon import store

    store.open_db(path).close()
    return open_reader(path)


_COLUMNS = (
    "a.id, a.title, a.url, a.outlet, a.published, a.summary, a.body, a.units, a.themes, a.alert"
)


def search(
    db,
    query: str,
    *,
    filters: Filters | None = None,
    limit: int = 20,
    order: str = "newest",
) -> SearchResult:
    """The newest (or most relevant) articles matching the query and the filters."""
    if order not in ORDERS:
        raise QueryError(f"Không có thứ tự '{order}'. Cách sửa: dùng newest hoặc relevance.")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"--limit phải từ 1 đến {MAX_LIMIT}. Cách sửa: ví dụ --limit 20.")
    compiled = compile_query(query)
    filters = filters or Filters()
    log.debug("FTS5 expression: %s", compiled.expression)
    conn = db.conn if hasattr(db, "conn") else db
    where, params = filter_sql(conn, filters)
    try:
        matches = conn.execute(
            "select count(*) from articles_fts where articles_fts match ?", [compiled.expression]
        ).fetchone()[0]
        used, fell_back = order, False
        if order == "relevance" and matches > RANK_LIMIT:
            used, fell_back = "newest", True
        if used == "relevance":
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            sql = (
                f"select {_COLUMNS} from articles_fts f join articles a on a.id = f.rowid "
                f"where articles_fts match ?{where} "
                f"order by bm25(articles_fts, {weights}) limit ?"
            )
        elif matches > WALK_MIN and not _narrowing(filters):
            # Walk the date index newest first and probe the index per row: a common word
            # fills the page within a few rows, where collecting every match takes seconds.
            sql = (
                f"select {_COLUMNS} from articles a where exists (select 1 from articles_fts f "
                f"where f.rowid = a.id and articles_fts match ?){where} "
                "order by a.published desc, a.id desc limit ?"
            )
        else:
            sql = (
                f"select {_COLUMNS} from articles a where a.id in (select rowid from "
                f"articles_fts where articles_fts match ?){where} "
                "order by a.published desc, a.id desc limit ?"
            )
        rows = conn.execute(sql, [compiled.expression, *params, limit]).fetchall()
    except sqlite3.OperationalError as exc:  # should not happen: the expression is ours
        log.error("FTS5 rejected %r: %s", compiled.expression, exc)
        raise QueryError(
            "Không thực hiện được câu tìm kiếm này. Cách sửa: viết lại đơn giản hơn, ví dụ bỏ "
            "bớt ngoặc hoặc toán tử."
        ) from exc
    hits = tuple(_hit(row, compiled.terms) for row in rows)
    return SearchResult(query, compiled.expression, hits, matches, used, fell_back)


def _hit(row, terms: tuple[Term, ...]) -> SearchHit:
    id_, title, url, outlet, published, summary, body, units, themes, alert = row
    return SearchHit(
        id=id_,
        title=title,
        url=url,
        outlet=outlet or "",
        published=published,
        snippet=_best_snippet(title, " ".join(filter(None, (summary, body))), terms),
        units=tuple(json.loads(units or "[]")),
        themes=tuple(json.loads(themes or "[]")),
        alert=bool(alert),
    )


# --- snippets ------------------------------------------------------------------------------


def _best_snippet(title: str, text: str, terms: tuple[Term, ...]):
    """The lead around the first match; the title when only the title matched."""
    snippet = make_snippet(text, terms) if text else ()
    if any(marked for _, marked in snippet):
        return snippet
    marked_title = make_snippet(title, terms)
    return marked_title if any(m for _, m in marked_title) else (snippet or marked_title)


def _word_test(word: str, last_prefix: bool):
    """A predicate on a text token: does it spell this query word (as the query asks)?"""
    if _is_plain(word):
        target = _fold(word)
        if last_prefix:
            return lambda low, folded: folded.startswith(target)
        return lambda low, folded: folded == target
    forms = tuple(_tone_variants(word))
    if last_prefix:
        return lambda low, folded: low.startswith(forms)
    return lambda low, folded: low in forms


def _mark(tokens: list[str], terms: tuple[Term, ...]) -> list[bool]:
    """Flag the tokens that are part of an occurrence of a term (a phrase in sequence)."""
    lows = [t.lower() for t in tokens]
    folds = [_fold(t) for t in lows]
    flags = [False] * len(tokens)
    for term in terms:
        tests = [
            _word_test(w, term.prefix and i == len(term.words) - 1)
            for i, w in enumerate(term.words)
        ]
        for i in range(len(tokens) - len(tests) + 1):
            if all(test(lows[i + k], folds[i + k]) for k, test in enumerate(tests)):
                for k in range(len(tests)):
                    flags[i + k] = True
    return flags


def make_snippet(text: str, terms: tuple[Term, ...], words: int = SNIPPET_WORDS):
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
