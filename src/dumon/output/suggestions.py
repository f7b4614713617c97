"""The keyword changes the office's repeated marks suggest, tried before they are written.

`suggest` reads the hits behind the marked verdicts: when two marked articles or more owe the
same wrong flag to the same term, it proposes an exclusion in ``keywords/exclusions.yaml`` —
the words around the term they share ("CLB Nam Định"), else the term itself for that kind —
and for articles marked important that the matcher did not keep, a new term of a theme "Văn
phòng quan tâm". Each proposal comes with what ``dumon rematch --dry-run`` would change with it,
on the articles it can touch (the keywords copied aside with the proposal added); `apply`
appends it to the desk's file, checked with the keywords loader and put back if refused.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from dumon.desk import Desk
from dumon.errors import ConfigError, QueryError
from dumon.matching.rematch import RematchReport, rematch
from dumon.output import marks as office_marks
from dumon.storage import marks as stored_marks
from dumon.storage.rows import ArticleRow
from dumon.storage.sqlitefile import open_reader
from dumon.textnorm import fold, normalize

REPEATED = 2  # marks of one kind owed to one term before a change is proposed
# The kinds of hits behind each wrong flag.
CAUSES = {
    "not-alert": ("alert",),
    "not-local": ("unit", "place"),
    "not-relevant": ("theme", "alert", "unit", "place"),
}
EXCLUSIONS, THEMES = "exclusions.yaml", "themes.yaml"
_WORD = re.compile(r"\w+")


@dataclass
class Suggestion:
    number: int
    kind: str  # the mark kind it answers
    file: str  # the keywords file it adds to
    entry: str  # the YAML text appended
    description: str  # in Vietnamese
    marked: list[str]  # titles of the marked articles it answers
    affected: list[int] = field(default_factory=list)  # articles it can change
    diff: RematchReport | None = None


def suggest(desk: Desk) -> list[Suggestion]:
    """The keyword changes the marks suggest, each with its dry-run diff on the articles it
    can touch."""
    proposals = _read_proposals(desk)
    for proposal in proposals:
        with tempfile.TemporaryDirectory(prefix="dumon-suggest-") as tmp:
            folder = Path(tmp) / "keywords"
            shutil.copytree(desk.keywords_dir, folder)
            _append(folder / proposal.file, proposal.entry)
            from dumon.matching import Matcher

            matcher = Matcher.from_folder(folder)
            proposal.diff = rematch(desk, dry_run=True, matcher=matcher, only=proposal.affected)
    return proposals


def apply(desk: Desk, number: int) -> Suggestion:
    """Write proposal `number` (as `suggest` numbers them) into the desk's keywords; the file
    is put back as it was when the keywords no longer load."""
    from dumon.matching.keywords import load_keywords

    chosen = next((p for p in _read_proposals(desk) if p.number == number), None)
    if chosen is None:
        raise QueryError(
            f"Không có đề xuất số {number}. Cách sửa: xem các đề xuất bằng `dumon marks --suggest`."
        )
    path = desk.keywords_dir / chosen.file
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    _append(path, chosen.entry)
    try:
        load_keywords(desk.keywords_dir)
    except ConfigError:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        raise
    return chosen


def _read_proposals(desk: Desk) -> list[Suggestion]:
    if not desk.db_path.is_file():
        return []
    conn = open_reader(desk.db_path)
    try:
        return proposals(conn)
    finally:
        conn.close()


def proposals(conn: sqlite3.Connection) -> list[Suggestion]:
    """The proposals the stored marks make, numbered from 1, without their dry runs."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for article_id, kinds in stored_marks.marked(conn).items():
        for kind in kinds:
            by_kind[kind].append(article_id)
    out: list[Suggestion] = []
    for kind, causes in CAUSES.items():
        ids = sorted(by_kind.get(kind, []))
        if len(ids) >= REPEATED:
            out += _exclusions(conn, kind, ids, causes)
    out += _new_terms(conn, sorted(by_kind.get("important", [])))
    for number, suggestion in enumerate(out, 1):
        suggestion.number = number
    return out


# --- a wrong flag repeated: an exclusion ---------------------------------------------------


def _field_text(row: ArticleRow, where: str) -> str:
    return {"title": row.title, "summary": row.summary, "body": row.body}.get(where) or ""


def _contexts(text: str, start: int, end: int) -> set[str]:
    """The hit with the word before it, the word after it, and both, normalised ("clb nam
    định", "phim bạo lực học đường")."""
    before = _WORD.findall(text[:start])[-1:]
    after = _WORD.findall(text[end:])[:1]
    term = text[start:end]
    return {
        normalize(" ".join(words))
        for words in ([*before, term], [term, *after], [*before, term, *after])
        if len(words) > 1
    }


def _exclusions(
    conn: sqlite3.Connection, kind: str, ids: list[int], causes: tuple[str, ...]
) -> list[Suggestion]:
    """Each term two marked articles or more owe this wrong flag to, as an exclusion: of the
    words around it they share when they share some, else of the term for that kind."""
    texts = {row.id: row for row in stored_marks.whole_articles(conn, ids)}
    owed: dict[tuple[str, str, str], dict[int, set[str]]] = defaultdict(dict)
    for hit in stored_marks.term_hits(conn, ids, causes):
        row = texts.get(hit.article_id)
        if row is None:
            continue
        contexts = owed[(hit.kind, hit.key, hit.term)].setdefault(hit.article_id, set())
        contexts |= _contexts(_field_text(row, hit.field), hit.start, hit.end)
    out = []
    for (hit_kind, key, term), per_article in sorted(
        owed.items(), key=lambda kv: (-len(kv[1]), kv[0])
    ):
        if len(per_article) < REPEATED:
            continue
        shared = Counter(c for contexts in per_article.values() for c in contexts)
        # The context most marked articles share, the longest of those.
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
        phrase, count = ranked[0] if ranked else ("", 0)
        wide = count >= REPEATED and phrase != normalize(term)
        words = phrase if wide else normalize(term)
        description = (
            f"{len(per_article)} bài đánh dấu '{office_marks.KINDS[kind]}' đều do từ khóa "
            f"'{term}' ({hit_kind} {key}); "
            + (
                f"đề xuất loại trừ cụm '{words}' (chỉ hủy '{term}' khi đứng trong cụm này)."
                if wide
                else f"đề xuất bỏ hẳn '{term}' cho loại {hit_kind} (không tìm được cụm chung)."
            )
        )
        out.append(
            Suggestion(
                number=0,
                kind=kind,
                file=EXCLUSIONS,
                entry=_exclusion(words, hit_kind, term),
                description=description,
                marked=[texts[i].title for i in sorted(per_article)],
                affected=stored_marks.articles_with_hit(conn, hit_kind, key, term),
            )
        )
    return out


def _slug(words: str) -> str:
    return "-".join(_WORD.findall(fold(words).lower()))[:60] or "van-phong"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _exclusion(words: str, kind: str, term: str) -> str:
    why = (
        f"'{term}' sai trong cụm này"
        if words != normalize(term)
        else f"'{term}' không còn được tính là {kind}"
    )
    return (
        f"\n  # Văn phòng đề xuất (dumon marks --suggest): {why}.\n"
        f"  - key: van-phong-{_slug(words)}\n"
        f"    name: {_quote('Văn phòng: ' + words)}\n"
        f"    terms: [{_quote(words)}]\n"
        f"    cancels: [{kind}]\n"
        "    scope: span\n"
    )


# --- important articles the matcher left: a new term ---------------------------------------


def _new_terms(conn: sqlite3.Connection, ids: list[int]) -> list[Suggestion]:
    """Articles marked important that the matcher did not keep: a word pair their headlines
    share becomes a term of a theme "Văn phòng quan tâm"."""
    if len(ids) < REPEATED:
        return []
    rows = stored_marks.unkept_articles(conn, ids)
    pairs: Counter[str] = Counter()
    for row in rows:
        words = normalize(row.title).split()
        pairs.update({" ".join(p) for p in zip(words, words[1:], strict=False)})
    common = [p for p, n in pairs.most_common() if n >= REPEATED and len(p) > 6]
    if not common:
        return []
    phrase = common[0]
    entry = (
        "\n  # Văn phòng đề xuất (dumon marks --suggest): bài có cụm này là tin cần đọc.\n"
        f"  - key: van-phong-{_slug(phrase)}\n"
        f"    name: {_quote('Văn phòng quan tâm: ' + phrase)}\n"
        f"    strong: [{_quote(phrase)}]\n"
    )
    return [
        Suggestion(
            number=0,
            kind="important",
            file=THEMES,
            entry=entry,
            description=(
                f"{len(rows)} bài đánh dấu 'quan trọng' mà dumon không giữ đều có '{phrase}' "
                "ở tiêu đề; đề xuất thêm từ khóa này (chủ đề 'Văn phòng quan tâm')."
            ),
            marked=[r.title for r in rows],
            affected=stored_marks.articles_matching(conn, f'"{phrase}"'),
        )
    ]


def _append(path: Path, entry: str) -> None:
    """Add an entry at the end of a keywords file (its list is the file's last section)."""
    section = "exclusions" if path.name == EXCLUSIONS else "themes"
    text = path.read_text(encoding="utf-8") if path.is_file() else f"{section}:\n"
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + entry, encoding="utf-8")
