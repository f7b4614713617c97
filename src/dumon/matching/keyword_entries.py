"""One entry of each section of the ``keywords/`` folder: its record, and how it is read.

The schema of the folder (``keywords/README.md``): which keys an entry of ``units``,
``places``, ``themes``… may hold, which values each takes, and the record it becomes; a new
field is added here, to the record and to its reader. The checks and their wording come from
:mod:`dumon.yamlcheck`; walking the folder is :mod:`dumon.matching.keywords`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dumon.errors import ConfigError
from dumon.terms import Exclusion
from dumon.textnorm import normalize
from dumon.yamlcheck import Checker

UNIT_KINDS = (
    "so",
    "so-office",
    "phong-gddt",
    "thpt",
    "chuyen",
    "gdtx",
    "college",
    "school",
    "union",
)
PLACE_KINDS = ("province", "city", "district", "ward", "commune", "region")
CANCEL_KINDS = ("place", "unit", "theme", "alert", "subject", "region", "signal", "edu")
SCOPES = ("span", "article")
FIELDS = ("title", "summary", "body", "url")
SUBJECT_ROLES = ("pupil", "student", "staff", "school", "exam", "authority")
WHERE = ("neighbour", "province", "nation", "abroad")
SIGNAL_KINDS = ("actor", "act", "soft", "roundup", "followup", "development")

_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class OldName:
    """An earlier name of a unit, with its own dates."""

    name: str
    valid_from: date | None = None
    valid_until: date | None = None
    generic: bool = False


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    kind: str
    path: Path
    line: int | None
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    generic: bool = False
    old_names: tuple[OldName, ...] = ()
    region: str | None = None  # the office's label (a former province); dumon reads nothing from it


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    kind: str
    path: Path
    line: int | None
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    ambiguous: bool = False
    region: str | None = None  # the office's label (a former province); dumon reads nothing from it


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    path: Path
    line: int | None
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    key: str
    name: str
    severity: int
    path: Path
    line: int | None
    terms: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()  # innocent senses too: count only beside another alert term
    needs: tuple[str, ...] = ()  # subject roles it must happen to or be done by (any if empty)


@dataclass(frozen=True)
class Subject:
    """Who or what an incident happens to or is done by: pupils, staff, a school, an exam,
    the education authorities."""

    key: str
    name: str
    role: str
    path: Path
    line: int | None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    """Where a story happens, outside the jurisdiction: a neighbouring province, another
    province, the country as a whole, abroad."""

    key: str
    name: str
    where: str
    path: Path
    line: int | None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signal:
    """A word that says how much a story matters to the reader: who acts, what kind of act,
    soft content (advertorials), a news roundup."""

    key: str
    name: str
    kind: str
    weight: int
    path: Path
    line: int | None
    terms: tuple[str, ...] = ()


class EntryReader(Checker):
    """The folder's own checks: an entry of a section, its key, lists of words, dates."""

    def entry(self, items: list[Any], index: int, what: str, allowed: set[str]) -> dict[str, Any]:
        return self.mapping(items[index], f"mục {what}", allowed, items, index, example="- key: …")

    def key(self, entry: dict[str, Any]) -> str:
        return self._slug(entry, "key", self.required(entry, "key"), "thpt-a-hai-hau")

    def label(self, entry: dict[str, Any], key: str, example: str) -> str | None:
        """An optional label written like a key (``region: ex-nam-dinh``)."""
        value = self.text(entry, key)
        return None if value is None else self._slug(entry, key, value, example)

    def _slug(self, entry: dict[str, Any], key: str, value: str, example: str) -> str:
        if not _KEY_RE.match(value):
            raise self.fail(
                entry,
                key,
                f"{key} '{value}' phải viết thường, không dấu, nối bằng '-'",
                f"ví dụ `{key}: {example}`",
            )
        return value

    def texts(self, entry: dict[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key)
        items = (
            [value]
            if isinstance(value, str)
            else self.sequence(entry, key, f'viết `{key}: ["…", "…"]`')
        )
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not normalize(item):
                raise ConfigError(
                    self.path,
                    self.line(value, i) if isinstance(value, list) else self.line(entry, key),
                    f"mục thứ {i + 1} của '{key}' rỗng hoặc không phải chữ",
                    "xóa mục đó hoặc viết chữ trong ngoặc kép",
                )
            out.append(item.strip())
        return tuple(out)

    def terms(self, entry: dict[str, Any]) -> tuple[str, ...]:
        """``terms``, which an entry must have."""
        terms = self.texts(entry, "terms")
        if not terms:
            raise self.fail(
                entry, "key", f"'{entry['key']}' không có từ khóa nào", "thêm `terms: [...]`"
            )
        return terms

    def day(self, entry: dict[str, Any], key: str) -> date | None:
        value = entry.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        raise self.fail(
            entry,
            key,
            f"ngày '{value}' ở '{key}' không hợp lệ",
            "viết ngày có thật dạng YYYY-MM-DD, ví dụ 2025-07-01",
        )

    def dates(self, entry: dict[str, Any]) -> tuple[date | None, date | None]:
        start, end = self.day(entry, "valid_from"), self.day(entry, "valid_until")
        if start and end and start > end:
            raise self.fail(
                entry,
                "valid_until",
                f"valid_from ({start}) sau valid_until ({end})",
                "đổi lại hai ngày cho đúng thứ tự, hoặc xóa một ngày",
            )
        return start, end

    def choices(self, entry: dict[str, Any], key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        values = self.texts(entry, key)
        for value in values:
            if value not in allowed:
                raise self.fail(
                    entry,
                    key,
                    f"'{key}' có '{value}' không hợp lệ",
                    f"dùng: {', '.join(allowed)}",
                )
        return values


_UNIT_KEYS = {"key", "name", "kind", "parent", "aliases", "valid_from", "valid_until", "generic"}
_UNIT_KEYS |= {"old_names", "region", "note"}
_OLD_KEYS = {"name", "valid_from", "valid_until", "generic", "note"}
_PLACE_KEYS = {"key", "name", "kind", "aliases", "valid_from", "valid_until", "ambiguous"}
_PLACE_KEYS |= {"region", "note"}
_THEME_KEYS = {"key", "name", "strong", "weak", "note"}
_ALERT_KEYS = {"key", "name", "severity", "terms", "weak", "needs", "note"}
_EXCL_KEYS = {"key", "name", "terms", "cancels", "scope", "requires_any", "fields", "note"}
_SUBJECT_KEYS = {"key", "name", "role", "terms", "note"}
_REGION_KEYS = {"key", "name", "where", "terms", "note"}
_SIGNAL_KEYS = {"key", "name", "kind", "weight", "terms", "note"}


def _read_unit(r: EntryReader, items: list[Any], i: int) -> Unit:
    e = r.entry(items, i, "units", _UNIT_KEYS)
    key = r.key(e)
    valid_from, valid_until = r.dates(e)
    generic = r.flag(e, "generic")
    olds = []
    raw_olds = r.sequence(e, "old_names", "viết `- {name: …}`")
    for j in range(len(raw_olds)):
        o = r.entry(raw_olds, j, "old_names", _OLD_KEYS)
        o_from, o_until = r.dates(o)
        olds.append(
            OldName(
                r.required(o, "name"),
                o_from,
                o_until,
                r.flag(o, "generic", generic),
            )
        )
    return Unit(
        key=key,
        name=r.required(e, "name"),
        kind=r.choice(e, "kind", UNIT_KINDS) or "school",
        path=r.path,
        line=r.lines.item(items, i),
        parent=r.text(e, "parent"),
        aliases=r.texts(e, "aliases"),
        valid_from=valid_from,
        valid_until=valid_until,
        generic=generic,
        old_names=tuple(olds),
        region=r.label(e, "region", "ex-nam-dinh"),
    )


def _read_place(r: EntryReader, items: list[Any], i: int) -> Place:
    e = r.entry(items, i, "places", _PLACE_KEYS)
    valid_from, valid_until = r.dates(e)
    return Place(
        key=r.key(e),
        name=r.required(e, "name"),
        kind=r.choice(e, "kind", PLACE_KINDS) or "region",
        path=r.path,
        line=r.lines.item(items, i),
        aliases=r.texts(e, "aliases"),
        valid_from=valid_from,
        valid_until=valid_until,
        ambiguous=r.flag(e, "ambiguous"),
        region=r.label(e, "region", "ex-nam-dinh"),
    )


def _read_theme(r: EntryReader, items: list[Any], i: int) -> Theme:
    e = r.entry(items, i, "themes", _THEME_KEYS)
    key = r.key(e)
    strong, weak = r.texts(e, "strong"), r.texts(e, "weak")
    if not strong and not weak:
        raise r.fail(
            e,
            "key",
            f"chủ đề '{key}' không có từ khóa nào",
            "thêm `strong: [...]` hoặc `weak: [...]`",
        )
    return Theme(key, r.text(e, "name") or key, r.path, r.lines.item(items, i), strong, weak)


def _read_alert(r: EntryReader, items: list[Any], i: int) -> Alert:
    e = r.entry(items, i, "alerts", _ALERT_KEYS)
    key = r.key(e)
    severity = r.integer(e, "severity", 1, 3, default=1)
    terms, weak = r.texts(e, "terms"), r.texts(e, "weak")
    if not terms and not weak:
        raise r.fail(e, "key", f"cảnh báo '{key}' không có từ khóa nào", "thêm `terms: [...]`")
    needs = r.choices(e, "needs", SUBJECT_ROLES)
    name = r.text(e, "name") or key
    return Alert(key, name, severity, r.path, r.lines.item(items, i), terms, weak, needs)


def _read_subject(r: EntryReader, items: list[Any], i: int) -> Subject:
    e = r.entry(items, i, "subjects", _SUBJECT_KEYS)
    key = r.key(e)
    role = r.choice(e, "role", SUBJECT_ROLES)
    if role is None:
        raise r.fail(e, "key", f"thiếu 'role' của '{key}'", f"thêm `role: {SUBJECT_ROLES[0]}`")
    name = r.text(e, "name") or key
    return Subject(key, name, role, r.path, r.lines.item(items, i), r.terms(e))


def _read_region(r: EntryReader, items: list[Any], i: int) -> Region:
    e = r.entry(items, i, "regions", _REGION_KEYS)
    key = r.key(e)
    where = r.choice(e, "where", WHERE)
    if where is None:
        raise r.fail(e, "key", f"thiếu 'where' của '{key}'", "thêm `where: province`")
    name = r.text(e, "name") or key
    return Region(key, name, where, r.path, r.lines.item(items, i), r.terms(e))


def _read_signal(r: EntryReader, items: list[Any], i: int) -> Signal:
    e = r.entry(items, i, "signals", _SIGNAL_KEYS)
    key = r.key(e)
    kind = r.choice(e, "kind", SIGNAL_KINDS)
    if kind is None:
        raise r.fail(e, "key", f"thiếu 'kind' của '{key}'", "thêm `kind: actor`")
    weight = r.integer(e, "weight", 1, 3, default=1)
    name = r.text(e, "name") or key
    return Signal(key, name, kind, weight, r.path, r.lines.item(items, i), r.terms(e))


def _read_exclusion(r: EntryReader, items: list[Any], i: int) -> Exclusion:
    e = r.entry(items, i, "exclusions", _EXCL_KEYS)
    key = r.key(e)
    terms = r.texts(e, "terms")
    if not terms:
        raise r.fail(e, "key", f"loại trừ '{key}' không có từ khóa nào", "thêm `terms: [...]`")
    cancels = r.choices(e, "cancels", CANCEL_KINDS) or ("place",)
    return Exclusion(
        key=key,
        name=r.text(e, "name") or key,
        path=r.path,
        line=r.lines.item(items, i),
        terms=terms,
        cancels=cancels,
        scope=r.choice(e, "scope", SCOPES) or "span",
        requires_any=r.texts(e, "requires_any"),
        fields=r.choices(e, "fields", FIELDS),
    )


READERS: dict[str, Callable[[EntryReader, list[Any], int], Any]] = {
    "units": _read_unit,
    "places": _read_place,
    "themes": _read_theme,
    "alerts": _read_alert,
    "exclusions": _read_exclusion,
    "subjects": _read_subject,
    "regions": _read_region,
    "signals": _read_signal,
}
