"""The search query language: parsing what the user typed, its safe translation to FTS5, and
a Vietnamese description of what is searched.

Vietnamese words are one to four syllables and FTS5 indexes syllables, so syllables typed
one after another are a word: they must appear adjacent and in that order ("lạm thu" is not
"lạm phát … thu nhập"). Quotes make a phrase explicitly; AND, OR, NOT (in capitals) and
parentheses combine; a star makes a syllable a prefix (``tuyen*``).

The user's query is rebuilt as an FTS5 expression made only of quoted strings, column
filters and operators, so user text never reaches MATCH raw. Syllables typed without
diacritics search the application-folded column (FTS5 never folds đ, docs/measured.md);
syllables typed with diacritics match as written, in either tone style (hoá/hóa) and i/y
spelling (kĩ/kỹ). Accented words are not also sought accent-less in accented text: "lạm thu"
would then find every "làm thủ tục"; accent-less articles are searched apart (``loose``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dumon import textnorm
from dumon.errors import QueryError

TEXT_COLUMNS = "{title summary body}"
FOLDED_COLUMN = "folded"

_TOKEN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class QueryTerm:
    """Syllables to find adjacent and in order (NFC, lower case), each maybe a prefix."""

    words: tuple[str, ...]
    stars: tuple[bool, ...] = ()  # per word: typed with a star (a prefix); () means none

    def __post_init__(self) -> None:
        if not self.stars:
            object.__setattr__(self, "stars", (False,) * len(self.words))

    @property
    def plain(self) -> bool:
        """Typed without any diacritic (nor đ): searched in the folded column."""
        return all(is_plain(w) for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(
            w + ("*" if star else "") for w, star in zip(self.words, self.stars, strict=True)
        )


@dataclass(frozen=True)
class Node:
    """An operator over sub-expressions: AND, OR or NOT (left NOT right)."""

    op: str
    children: tuple[Node | QueryTerm, ...]


Tree = Node | QueryTerm


@dataclass(frozen=True)
class CompiledQuery:
    tree: Tree
    expression: str  # the FTS5 MATCH expression
    terms: tuple[QueryTerm, ...]  # positive terms, for marking snippets
    loose: str | None = None  # accented terms folded, for articles written without diacritics


def fold(word: str) -> str:
    return textnorm.fold(word).lower()


def is_plain(word: str) -> bool:
    """True when the word carries no diacritic and no đ (the user typed it accent-less)."""
    return "đ" not in word and not any(
        unicodedata.combining(c) for c in unicodedata.normalize("NFD", word)
    )


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


# --- parsing -------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    for token in tokens:
        if token.startswith('"') and (len(token) == 1 or not token.endswith('"')):
            raise QueryError(
                'Câu tìm kiếm thiếu dấu ngoặc kép đóng ("). Cách sửa: đặt cụm từ giữa hai dấu '
                'ngoặc kép, ví dụ "tuyển sinh lớp 10".'
            )
    return tokens


def _bare(token: str | None) -> bool:
    """A token of plain words (not a quote, parenthesis or operator)."""
    return token is not None and token not in ("(", ")", *_OPERATORS) and token[0] != '"'


def _words(token: str) -> tuple[list[str], list[bool]]:
    """The syllables of a token and which are prefixes (a star right after them)."""
    words: list[str] = []
    stars: list[bool] = []
    body = token[1:-1] if token.startswith('"') else token
    for match in re.finditer(r"(\w+)(\s*\*)?", _clean(body)):
        words.append(match.group(1))
        stars.append(bool(match.group(2)))
    if body.rstrip().endswith("*") and stars:
        stars[-1] = True
    return words, stars


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not (AND? not)*; not := atom (NOT atom)*;
    an atom is a quoted phrase, a parenthesised expression, or a run of bare words."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Tree:
        node = self.parse_or()
        if self.peek() is not None:
            raise QueryError(
                "Dấu ngoặc đóng ')' không có ngoặc mở tương ứng. Cách sửa: kiểm tra lại các cặp "
                "ngoặc trong câu tìm kiếm."
            )
        return node

    def parse_or(self) -> Tree:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and(after="OR"))
        return parts[0] if len(parts) == 1 else Node("OR", tuple(parts))

    def parse_and(self, after: str | None = None) -> Tree:
        parts = [self.parse_not(after)]
        while (token := self.peek()) is not None and token not in ("OR", "NOT", ")"):
            if token == "AND":
                self.take()
                parts.append(self.parse_not("AND"))
            else:
                parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else Node("AND", tuple(parts))

    def parse_not(self, after: str | None = None) -> Tree:
        node = self.parse_atom(after)
        while self.peek() == "NOT":
            self.take()
            node = Node("NOT", (node, self.parse_atom("NOT")))
        return node

    def parse_atom(self, after: str | None) -> Tree:
        token = self.peek()
        if token is None or token in (")", *_OPERATORS):
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
        tokens = [token]
        if _bare(token):  # syllables typed one after another are one word
            while _bare(self.peek()):
                tokens.append(self.take())
        words: list[str] = []
        stars: list[bool] = []
        for part in tokens:
            found, starred = _words(part)
            words += found
            stars += starred
        if not words:
            raise QueryError(
                f"'{' '.join(tokens)}' không chứa chữ hay số nào để tìm. Cách sửa: bỏ nó khỏi câu "
                "tìm kiếm."
            )
        return QueryTerm(tuple(words), tuple(stars))


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


def parse_query(text: str) -> Tree:
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


def phrase(words: tuple[str, ...] | list[str], stars: tuple[bool, ...] | list[bool]) -> str:
    """FTS5 phrase: quoted syllables in order; a prefix syllable ends its own quoted part."""
    parts: list[str] = []
    run: list[str] = []
    for word, star in zip(words, stars, strict=True):
        run.append(word)  # words are \w+ runs: they hold no quote
        if star:
            parts.append('"' + " ".join(run) + '" *')
            run = []
    if run:
        parts.append('"' + " ".join(run) + '"')
    return " + ".join(parts)


def folded_fts(term: QueryTerm) -> str:
    return f"{FOLDED_COLUMN} : ({phrase([fold(w) for w in term.words], term.stars)})"


def term_fts(term: QueryTerm) -> str:
    if term.plain:
        return folded_fts(term)
    if any(is_plain(w) for w in term.words):
        # Accented and plain syllables mixed: the folded phrase finds the candidates, the
        # accented syllables must also appear as written.
        parts = [folded_fts(term)]
        parts += [term_fts(QueryTerm((w,))) for w in term.words if not is_plain(w)]
        return "(" + " AND ".join(parts) + ")"
    # Each word in either spelling (textnorm's: tone style, i/y): all first, all last, as typed.
    spelt = [sorted(textnorm.spellings(w)) for w in term.words]
    styles = {tuple(forms[0] for forms in spelt), tuple(forms[-1] for forms in spelt)}
    styles.add(term.words)
    alternatives = " OR ".join(f"({phrase(s, term.stars)})" for s in sorted(styles))
    return f"{TEXT_COLUMNS} : ({alternatives})"


def tree_fts(node: Tree, *, loose: bool = False) -> str:
    """The FTS5 expression; `loose` searches every term accent-less (the folded column)."""
    if isinstance(node, QueryTerm):
        return folded_fts(node) if loose else term_fts(node)
    return "(" + f" {node.op} ".join(tree_fts(c, loose=loose) for c in node.children) + ")"


def positive_terms(node: Tree) -> list[QueryTerm]:
    if isinstance(node, QueryTerm):
        return [node]
    children = node.children[:1] if node.op == "NOT" else node.children
    return [term for child in children for term in positive_terms(child)]


def all_terms(node: Tree) -> list[QueryTerm]:
    if isinstance(node, QueryTerm):
        return [node]
    return [term for child in node.children for term in all_terms(child)]


def compile_query(text: str) -> CompiledQuery:
    """The user's query as a safe FTS5 expression plus the terms to mark in snippets."""
    tree = parse_query(text)
    accented = any(not t.plain for t in all_terms(tree))
    return CompiledQuery(
        tree,
        tree_fts(tree),
        tuple(positive_terms(tree)),
        tree_fts(tree, loose=True) if accented else None,
    )


# --- what was searched, in words -----------------------------------------------------------

_JOIN = {"AND": " và ", "OR": " hoặc "}


def describe(node: Tree, *, top: bool = True) -> str:
    """The query as the user should read it back ("lạm thu" đúng dấu, liền nhau…)."""
    if isinstance(node, QueryTerm):
        how = "không dấu, khớp mọi cách bỏ dấu" if node.plain else "đúng dấu"
        if len(node.words) > 1:
            how = "các từ liền nhau, " + how
        return f'"{node.text}" ({how})'
    if node.op == "NOT":
        left, right = (describe(c, top=False) for c in node.children)
        text = f"{left} nhưng không có {right}"
    else:
        text = _JOIN[node.op].join(describe(c, top=False) for c in node.children)
    return text if top else f"[{text}]"


def rebuild(node: Tree) -> str:
    """The query as text the user can type again (terms quoted, operators in capitals)."""
    if isinstance(node, QueryTerm):
        return f'"{node.text}"' if len(node.words) > 1 else node.text
    inner = f" {node.op} ".join(
        rebuild(c) if isinstance(c, QueryTerm) else f"({rebuild(c)})" for c in node.children
    )
    return inner
