"""Load, validate, expand and lint the ``keywords/`` folder (format: ``keywords/README.md``).

Owns: the profile records (units, places, themes, alerts, exclusions), their validation into
ConfigError(file, line, problem, fix), the automatic expansion of abbreviation families so a
name is written once ("Sở GDĐT" also finds "Sở Giáo dục và Đào tạo", "THPT A Hải Hậu" also
"Trường THPT Hải Hậu A"), the list of searched terms, and ``lint_keywords`` for
``dumon keywords check``. The Term and Exclusion records are in ``terms.py``; matching itself
is in the ``matching`` package.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dumon.errors import ConfigError
from dumon.terms import Exclusion, Term
from dumon.textnorm import normalize

if TYPE_CHECKING:
    from dumon.yamlload import LineMap

log = logging.getLogger(__name__)

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
REGIONS = ("ex-nam-dinh", "ex-ninh-binh", "ex-ha-nam", "province")
CANCEL_KINDS = ("place", "unit", "theme", "alert", "subject", "region", "signal", "edu")
SCOPES = ("span", "article")
FIELDS = ("title", "summary", "body", "url")
SUBJECT_ROLES = ("pupil", "student", "staff", "school", "exam", "authority")
WHERE = ("neighbour", "province", "nation", "abroad")
SIGNAL_KINDS = ("actor", "act", "soft", "roundup", "followup")
SECTIONS = (
    "units",
    "places",
    "themes",
    "alerts",
    "exclusions",
    "subjects",
    "regions",
    "signals",
)
MAX_FORMS = 256  # per written name; the families below give far fewer in practice

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
    region: str | None = None


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
    region: str | None = None


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


@dataclass(frozen=True)
class KeywordProfile:
    folder: Path
    units: tuple[Unit, ...] = ()
    places: tuple[Place, ...] = ()
    themes: tuple[Theme, ...] = ()
    alerts: tuple[Alert, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    subjects: tuple[Subject, ...] = ()
    regions: tuple[Region, ...] = ()
    signals: tuple[Signal, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A finding of ``lint_keywords``; errors make ``dumon keywords check`` exit 2."""

    level: str  # error | warning
    path: Path
    line: int | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.path}, dòng {self.line}" if self.line else str(self.path)
        label = "Lỗi" if self.level == "error" else "Cảnh báo"
        return f"{label}: {where}: {self.message}. Cách sửa: {self.fix}"


# --------------------------------------------------------------------------- loading


class _Reader:
    """Validates one file's entries, raising ConfigError with the line of the bad value."""

    def __init__(self, path: Path, lines: LineMap) -> None:
        self.path = path
        self.lines = lines

    def fail(self, container: Any, key: Any, problem: str, fix: str) -> ConfigError:
        line = self.lines.key(container, key) if isinstance(container, dict) else None
        if isinstance(container, list) and isinstance(key, int):
            line = self.lines.item(container, key)
        return ConfigError(self.path, line, problem, fix)

    def entry(self, items: list[Any], index: int, what: str, allowed: set[str]) -> dict[str, Any]:
        entry = items[index]
        if not isinstance(entry, dict):
            raise self.fail(items, index, f"mục {what} phải là một bảng khóa", "viết `- key: …`")
        for key in entry:
            if key not in allowed:
                raise self.fail(
                    entry,
                    key,
                    f"khóa '{key}' không dùng được trong {what}",
                    f"dùng một trong: {', '.join(sorted(allowed))}",
                )
        return entry

    def required(self, entry: dict[str, Any], key: str) -> str:
        value = self.text(entry, key)
        if value is None:
            raise self.fail(entry, key, f"thiếu '{key}'", f"thêm dòng `{key}: …`")
        return value

    def text(self, entry: dict[str, Any], key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, key, f"'{key}' phải là một chữ không rỗng", f'viết `{key}: "…"`')
        return value.strip()

    def texts(self, entry: dict[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(
                entry, key, f"'{key}' phải là một danh sách", f'viết `{key}: ["…", "…"]`'
            )
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not normalize(item):
                raise ConfigError(
                    self.path,
                    self.lines.item(value, i),
                    f"mục thứ {i + 1} của '{key}' rỗng hoặc không phải chữ",
                    "xóa mục đó hoặc viết chữ trong ngoặc kép",
                )
            out.append(item.strip())
        return tuple(out)

    def flag(self, entry: dict[str, Any], key: str, default: bool = False) -> bool:
        value = entry.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(entry, key, f"'{key}' phải là true hoặc false", f"viết `{key}: true`")
        return value

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

    def choice(self, entry: dict[str, Any], key: str, allowed: Iterable[str]) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        allowed = tuple(allowed)
        if value not in allowed:
            raise self.fail(
                entry,
                key,
                f"'{key}: {value}' không hợp lệ",
                f"dùng một trong: {', '.join(allowed)}",
            )
        return str(value)

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

    def level(self, entry: dict[str, Any], key: str) -> int:
        """A level from 1 to 3 (severity, weight); 1 when not written."""
        value = entry.get(key, 1)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
            raise self.fail(entry, key, f"{key} '{value}' không hợp lệ", "dùng 1, 2 hoặc 3")
        return value

    def key(self, entry: dict[str, Any]) -> str:
        key = self.required(entry, "key")
        if not _KEY_RE.match(key):
            raise self.fail(
                entry,
                "key",
                f"key '{key}' phải viết thường, không dấu, nối bằng '-'",
                "ví dụ `key: thpt-a-hai-hau`",
            )
        return key


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


def _read_unit(r: _Reader, items: list[Any], i: int) -> Unit:
    e = r.entry(items, i, "units", _UNIT_KEYS)
    key = r.key(e)
    valid_from, valid_until = r.dates(e)
    generic = r.flag(e, "generic")
    olds = []
    raw_olds = e.get("old_names") or []
    if not isinstance(raw_olds, list):
        raise r.fail(e, "old_names", "'old_names' phải là một danh sách", "viết `- {name: …}`")
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
        region=r.choice(e, "region", REGIONS),
    )


def _read_place(r: _Reader, items: list[Any], i: int) -> Place:
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
        region=r.choice(e, "region", REGIONS),
    )


def _read_theme(r: _Reader, items: list[Any], i: int) -> Theme:
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


def _read_alert(r: _Reader, items: list[Any], i: int) -> Alert:
    e = r.entry(items, i, "alerts", _ALERT_KEYS)
    key = r.key(e)
    severity = r.level(e, "severity")
    terms, weak = r.texts(e, "terms"), r.texts(e, "weak")
    if not terms and not weak:
        raise r.fail(e, "key", f"cảnh báo '{key}' không có từ khóa nào", "thêm `terms: [...]`")
    needs = r.choices(e, "needs", SUBJECT_ROLES)
    name = r.text(e, "name") or key
    return Alert(key, name, severity, r.path, r.lines.item(items, i), terms, weak, needs)


def _read_subject(r: _Reader, items: list[Any], i: int) -> Subject:
    e = r.entry(items, i, "subjects", _SUBJECT_KEYS)
    key = r.key(e)
    role = r.choice(e, "role", SUBJECT_ROLES)
    if role is None:
        raise r.fail(e, "key", f"thiếu 'role' của '{key}'", f"thêm `role: {SUBJECT_ROLES[0]}`")
    name = r.text(e, "name") or key
    return Subject(key, name, role, r.path, r.lines.item(items, i), _terms(r, e))


def _read_region(r: _Reader, items: list[Any], i: int) -> Region:
    e = r.entry(items, i, "regions", _REGION_KEYS)
    key = r.key(e)
    where = r.choice(e, "where", WHERE)
    if where is None:
        raise r.fail(e, "key", f"thiếu 'where' của '{key}'", "thêm `where: province`")
    name = r.text(e, "name") or key
    return Region(key, name, where, r.path, r.lines.item(items, i), _terms(r, e))


def _read_signal(r: _Reader, items: list[Any], i: int) -> Signal:
    e = r.entry(items, i, "signals", _SIGNAL_KEYS)
    key = r.key(e)
    kind = r.choice(e, "kind", SIGNAL_KINDS)
    if kind is None:
        raise r.fail(e, "key", f"thiếu 'kind' của '{key}'", "thêm `kind: actor`")
    weight = r.level(e, "weight")
    name = r.text(e, "name") or key
    return Signal(key, name, kind, weight, r.path, r.lines.item(items, i), _terms(r, e))


def _terms(r: _Reader, e: dict[str, Any]) -> tuple[str, ...]:
    terms = r.texts(e, "terms")
    if not terms:
        raise r.fail(e, "key", f"'{e['key']}' không có từ khóa nào", "thêm `terms: [...]`")
    return terms


def _read_exclusion(r: _Reader, items: list[Any], i: int) -> Exclusion:
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


_READERS: dict[str, Callable[[_Reader, list[Any], int], Any]] = {
    "units": _read_unit,
    "places": _read_place,
    "themes": _read_theme,
    "alerts": _read_alert,
    "exclusions": _read_exclusion,
    "subjects": _read_subject,
    "regions": _read_region,
    "signals": _read_signal,
}


def load_keywords(folder: Path | str) -> KeywordProfile:
    """Read every ``*.yaml`` under the folder into a validated profile."""
    from dumon.yamlload import load_yaml_with_lines  # a matcher read from its cache needs no YAML

    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(
            folder,
            None,
            "không có thư mục từ khóa",
            "tạo thư mục keywords/ (chạy `dumon init`) hoặc chỉ đúng thư mục bằng --keywords",
        )
    found: dict[str, list[Any]] = {name: [] for name in SECTIONS}
    parent_lines: dict[tuple[Path, str], int | None] = {}
    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
        data, lines = load_yaml_with_lines(path)
        if data is None:
            continue
        reader = _Reader(path, lines)
        if not isinstance(data, dict):
            raise ConfigError(
                path,
                lines.of(data),
                "tệp phải bắt đầu bằng một danh sách có tên",
                "ví dụ `units:` ở dòng đầu",
            )
        for section, items in data.items():
            if section not in _READERS:
                raise reader.fail(
                    data, section, f"phần '{section}' không có", f"dùng: {', '.join(SECTIONS)}"
                )
            if items is None:
                continue
            if not isinstance(items, list):
                raise reader.fail(
                    data, section, f"'{section}' phải là danh sách", "mỗi mục bắt đầu bằng '- '"
                )
            found[section].extend(_READERS[section](reader, items, i) for i in range(len(items)))
            if section == "units":  # parents may be in later files: checked after all are read
                for item, unit in zip(items, found["units"][-len(items) :], strict=True):
                    parent_lines[(path, unit.key)] = lines.key(item, "parent")
    for entries in found.values():
        seen: dict[str, Any] = {}
        for entry in entries:
            if entry.key in seen:
                first = seen[entry.key]
                raise ConfigError(
                    entry.path,
                    entry.line,
                    f"key '{entry.key}' trùng với mục ở {first.path.name} dòng {first.line}",
                    "đặt một key khác cho một trong hai mục",
                )
            seen[entry.key] = entry
    unit_keys = {u.key for u in found["units"]}
    for unit in found["units"]:
        if unit.parent and unit.parent not in unit_keys:
            raise ConfigError(
                unit.path,
                parent_lines.get((unit.path, unit.key), unit.line),
                f"parent '{unit.parent}' của '{unit.key}' không phải key của đơn vị nào",
                "sửa parent thành key của một đơn vị có trong units/, hoặc xóa dòng parent",
            )
    return KeywordProfile(folder, *(tuple(found[name]) for name in SECTIONS))


# --------------------------------------------------------------------------- expansion

# Families of equivalent normalised phrases; a name written with one member is also searched
# with the others. Members are whole words of normalised text ("GD&ĐT" and "GD-ĐT" normalise
# to "gd đt").
_COMMON_FAMILIES = (
    ("giáo dục và đào tạo", "giáo dục đào tạo", "gd và đt", "gdđt", "gd đt"),
    ("giáo dục nghề nghiệp giáo dục thường xuyên", "gdnn gdtx"),
    ("giáo dục thường xuyên", "gdtx"),
    ("trung tâm gdnn", "tt gdnn"),
    ("trung tâm gdtx", "tt gdtx"),
    ("trung học phổ thông", "thpt", "ptth"),
    ("trung học cơ sở", "thcs"),
    ("cao đẳng sư phạm", "cđsp"),
    ("thành phố", "tp"),
    ("ủy ban nhân dân", "ubnd"),
)
_UNIT_FAMILIES = (
    ("tiểu học", "th"),
    ("mầm non", "mn"),
    ("sở gdđt", "sgdđt"),
    ("phòng gdđt", "pgdđt", "pgd"),
    ("đại học", "đh"),
    ("cao đẳng", "cđ"),
)
_PEOPLE_FAMILIES = (("học sinh", "hs"), ("giáo viên", "gv"))

_SCHOOL_TYPES = (
    "trung học phổ thông",
    "trung học cơ sở",
    "tiểu học",
    "mầm non",
    "thpt",
    "thcs",
    "ptth",
    "th",
    "mn",
    "phổ thông",
    "liên cấp",
    "cao đẳng",
    "cđsp",
    "cđ",
    "đại học",
    "đh",
    "trung cấp",
)
_ADMIN_BY_KIND = {
    "province": ("tỉnh",),
    "district": ("huyện",),
    "city": ("thành phố", "tp"),
    "ward": ("phường",),
    "commune": ("xã",),
}
# Which administrative words a unit's own name may carry before its place.
_ADMIN_FOR_UNIT = {
    "so": ("tỉnh",),
    "so-office": ("tỉnh",),
    "union": ("tỉnh",),
    "phong-gddt": ("huyện", "thành phố", "tp"),
    "gdtx": ("huyện", "thành phố", "tp"),
}
_ADMIN_WORDS = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "tp", "xã", "phường")
# Words that, written before a name, say what it is; fuzzy matching compares only what follows.
_TYPE_WORDS_TEXT = (
    "trường sở phòng trung tâm tt thpt thcs th mn ptth chuyên tiểu học mầm non cơ phổ thông "
    "gdđt gd đt và giáo dục đào tạo gdnn gdtx nghề nghiệp thường xuyên cao đẳng sư phạm cđsp "
    "cđ đại đh sgdđt pgdđt pgd công đoàn ngành tỉnh huyện thành phố tp xã phường"
)
_TYPE_WORDS = frozenset(_TYPE_WORDS_TEXT.split())


_Family = tuple[re.Pattern[str], tuple[str, ...], frozenset[str]]


def _family_regex(families: tuple[tuple[str, ...], ...]) -> list[_Family]:
    out = []
    for members in families:
        alternatives = "|".join(re.escape(m) for m in sorted(members, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)")
        out.append((pattern, members, frozenset(m.split()[0] for m in members)))
    return out


_COMMON_RE = _family_regex(_COMMON_FAMILIES)
_UNIT_RE = _family_regex(_UNIT_FAMILIES)
_PEOPLE_RE = _family_regex(_PEOPLE_FAMILIES)
_TYPES_ALT = "|".join(re.escape(t) for t in sorted(_SCHOOL_TYPES, key=len, reverse=True))
_SCHOOL_START_RE = re.compile(rf"^(?:{_TYPES_ALT})(?!\S)")
_LETTER_BEFORE_RE = re.compile(r"^(.*?(?:thpt|trung học phổ thông|ptth)) ([a-d]) (.+)$")
_LETTER_AFTER_RE = re.compile(r"^(.*?(?:thpt|trung học phổ thông|ptth)) (.+) ([a-d])$")


def _swap_families(form: str, rules: list[_Family]) -> set[str]:
    out = set()
    words = set(form.split())
    for pattern, members, first_words in rules:
        if first_words.isdisjoint(words):  # cheap test before the regex
            continue
        for m in pattern.finditer(form):
            for other in members:
                if other != m.group(0):
                    out.add(form[: m.start()] + other + form[m.end() :])
    return out


def _school_forms(form: str) -> set[str]:
    out = set()
    if form.startswith("trường ") and _SCHOOL_START_RE.match(form[7:]):
        out.add(form[7:])
    elif _SCHOOL_START_RE.match(form):
        out.add("trường " + form)
    for regex in (_LETTER_BEFORE_RE, _LETTER_AFTER_RE):
        m = regex.match(form)
        if m:
            out.add(f"{m.group(1)} {m.group(3)} {m.group(2)}")
    return out


def _admin_forms(form: str, places: dict[str, set[str]], unit_kind: str) -> set[str]:
    """Drop the administrative word before a place name ending a unit's name, or insert the
    ones that fit the unit ("Sở GDĐT Nam Định" → "Sở GDĐT tỉnh Nam Định")."""
    allowed = _ADMIN_FOR_UNIT.get(unit_kind, ())
    out = set()
    words = form.split()
    for n in range(1, min(4, len(words))):
        tail = " ".join(words[-n:])
        if tail not in places:
            continue
        head = words[:-n]
        head_text = " ".join(head)
        for admin in _ADMIN_WORDS:
            if head_text.endswith(" " + admin) and len(head) > len(admin.split()):
                out.add(head_text[: -len(admin)] + tail)
        if not any(head_text.endswith(" " + a) or head_text == a for a in _ADMIN_WORDS):
            out.update(f"{head_text} {admin} {tail}" for admin in places[tail] if admin in allowed)
    return out


def _place_admin_index(places: Iterable[Place]) -> dict[str, set[str]]:
    """Bare place names ("hải hậu") → the administrative words that may precede them."""
    index: dict[str, set[str]] = defaultdict(set)
    for place in places:
        admins = _ADMIN_BY_KIND.get(place.kind, ())
        if not admins:
            continue
        for written in (place.name, *place.aliases):
            bare = normalize(written)
            for admin in _ADMIN_WORDS:
                if bare.startswith(admin + " "):
                    bare = bare[len(admin) + 1 :]
                    break
            if bare:
                index[bare].update(admins)
    return index


def expand(
    written: str, kind: str, places: dict[str, set[str]] | None = None, unit_kind: str = ""
) -> list[str]:
    """Every normalised form searched for a name written once in the keywords folder."""
    start = normalize(written)
    rules = list(_COMMON_RE)
    if kind == "unit":
        rules += _UNIT_RE
    if kind in ("theme", "alert", "subject", "signal"):
        rules += _PEOPLE_RE
    forms = {start}
    if kind == "unit":  # on the written form only, so a dropped word is not put back as another
        forms |= _admin_forms(start, places or {}, unit_kind)
    queue = list(forms)
    while queue and len(forms) < MAX_FORMS:
        form = queue.pop()
        new = _swap_families(form, rules)
        if kind == "unit":
            new |= _school_forms(form)
        for candidate in new - forms:
            if len(forms) >= MAX_FORMS:
                log.warning("%r: more than %d forms; the rest are not searched", written, MAX_FORMS)
                break
            forms.add(candidate)
            queue.append(candidate)
    if kind == "unit":  # after the closure, so a gloss is not itself expanded again
        forms |= {g for f in forms for g in _glossed_forms(f)}
    return sorted(forms, key=lambda f: (f != start, f))


# The press often glosses a spelled-out type with its abbreviation: "Sở Giáo dục và Đào tạo
# (GD&ĐT) Nam Định", "Trường Trung học phổ thông (THPT) Nguyễn Du".
_GLOSSES = (
    ("giáo dục và đào tạo", ("gdđt", "gd đt")),
    ("trung học phổ thông", ("thpt",)),
    ("trung học cơ sở", ("thcs",)),
    ("giáo dục nghề nghiệp giáo dục thường xuyên", ("gdnn gdtx",)),
    ("cao đẳng sư phạm", ("cđsp",)),
)


def _glossed_forms(form: str) -> set[str]:
    out: set[str] = set()
    padded = f" {form} "
    for long, shorts in _GLOSSES:
        if f" {long} " in padded:
            out.update(
                padded.replace(f" {long} ", f" {long} {short} ", 1).strip() for short in shorts
            )
    return out


def _name_start(form: str) -> int:
    """Offset of the first word after the leading type words (where fuzzy comparison starts)."""
    pos = 0
    for word in form.split(" "):
        if word not in _TYPE_WORDS:
            return pos
        pos += len(word) + 1
    return len(form)


def unit_forms(profile: KeywordProfile) -> dict[str, list[str]]:
    """Every normalised form searched for each unit (name, aliases, old names), by key."""
    places = _place_admin_index(profile.places)
    return {
        u.key: sorted(
            {
                form
                for written in (u.name, *u.aliases, *(old.name for old in u.old_names))
                for form in expand(written, "unit", places, u.kind)
            }
        )
        for u in profile.units
    }


def build_terms(profile: KeywordProfile) -> list[Term]:
    """All searched forms of the profile, each carrying its meaning and dates."""
    places = _place_admin_index(profile.places)
    terms: list[Term] = []

    def add(kind: str, entry: Any, label: str, written: str, **extra: Any) -> None:
        for form in expand(
            written, kind, places, getattr(entry, "kind", "") if kind == "unit" else ""
        ):
            terms.append(
                Term(
                    kind=kind,
                    key=entry.key,
                    label=label,
                    text=form,
                    written=written,
                    path=entry.path,
                    line=entry.line,
                    name_start=_name_start(form) if kind == "unit" else 0,
                    first_word=form.split(" ", 1)[0],
                    **extra,
                )
            )

    for u in profile.units:
        dates = {"valid_from": u.valid_from, "valid_until": u.valid_until, "region": u.region}
        for written in dict.fromkeys((u.name, *u.aliases)):
            add("unit", u, u.name, written, generic=u.generic, **dates)
        for old in u.old_names:
            add(
                "unit",
                u,
                u.name,
                old.name,
                generic=old.generic,
                valid_from=old.valid_from,
                valid_until=old.valid_until,
                region=u.region,
            )
    for p in profile.places:
        for written in dict.fromkeys((p.name, *p.aliases)):
            add(
                "place",
                p,
                p.name,
                written,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
                ambiguous=p.ambiguous,
                region=p.region,
                place_kind=p.kind,
            )
    for t in profile.themes:
        for role, written_terms in (("strong", t.strong), ("weak", t.weak)):
            for written in written_terms:
                add("theme", t, t.key, written, role=role)
    for a in profile.alerts:
        for role, written_terms in (("", a.terms), ("weak", a.weak)):
            for written in written_terms:
                add("alert", a, a.key, written, severity=a.severity, role=role)
    for subject in profile.subjects:
        for written in subject.terms:
            add("subject", subject, subject.key, written, role=subject.role)
    for region in profile.regions:
        for written in region.terms:
            add("region", region, region.key, written, role=region.where)
    for signal in profile.signals:
        for written in signal.terms:
            add("signal", signal, signal.key, written, role=signal.kind, severity=signal.weight)
    for x in profile.exclusions:
        for written in x.terms:
            add("exclusion", x, x.key, written)
        for written in x.requires_any:
            add("context", x, x.key, written)
    return _dedupe(terms)


def _dedupe(terms: list[Term]) -> list[Term]:
    """One term per (kind, key, form, dates): expansions of two aliases often coincide."""
    seen: dict[tuple[Any, ...], Term] = {}
    for term in terms:
        ident = (term.kind, term.key, term.text, term.valid_from, term.valid_until, term.role)
        seen.setdefault(ident, term)
    return list(seen.values())


# --------------------------------------------------------------------------- lint


def _overlap(a: Term, b: Term) -> bool:
    return (a.valid_until is None or b.valid_from is None or b.valid_from <= a.valid_until) and (
        b.valid_until is None or a.valid_from is None or a.valid_from <= b.valid_until
    )


def lint_keywords(profile: KeywordProfile) -> list[Problem]:
    """Problems a loaded profile still has: shared names, self-cancelling exclusions, dates."""
    problems: list[Problem] = []
    terms = build_terms(profile)
    by_text: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        by_text[term.text].append(term)
    reported: set[tuple[str, str, str]] = set()
    for text, seen in by_text.items():
        units = [t for t in seen if t.kind == "unit"]
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                if a.key == b.key or not _overlap(a, b):
                    continue
                pair = tuple(sorted((a.key, b.key)))
                if (pair[0], pair[1], "unit") in reported:  # once per pair of units
                    continue
                reported.add((pair[0], pair[1], "unit"))
                written = normalize(a.written) == text and normalize(b.written) == text
                problems.append(
                    Problem(
                        "error" if written else "warning",
                        b.path,
                        b.line,
                        f"tên '{text}' dùng cho cả '{a.key}' ({a.path.name} dòng {a.line}) và "
                        f"'{b.key}' trong cùng thời gian",
                        "giữ tên ở một đơn vị, hoặc đặt valid_from/valid_until để hai tên không "
                        "trùng thời gian",
                    )
                )
        kinds = {t.kind for t in seen}
        for x in (t for t in seen if t.kind == "exclusion"):
            excl = next(e for e in profile.exclusions if e.key == x.key)
            if excl.requires_any:  # cancels only with its context words: intended
                continue
            hit = kinds & set(excl.cancels)
            if hit:
                problems.append(
                    Problem(
                        "warning",
                        x.path,
                        x.line,
                        f"loại trừ '{x.key}' có từ '{text}' trùng với một từ khóa loại "
                        f"{', '.join(sorted(hit))}: từ khóa đó sẽ luôn bị hủy",
                        "bỏ từ này khỏi loại trừ, hoặc viết cụ thể hơn",
                    )
                )
        if "theme" in kinds and kinds & {"unit", "place"}:
            t = next(t for t in seen if t.kind == "theme")
            other = next(o for o in seen if o.kind in ("unit", "place"))
            if (t.key, other.key, "theme") in reported:
                continue
            reported.add((t.key, other.key, "theme"))
            problems.append(
                Problem(
                    "warning",
                    t.path,
                    t.line,
                    f"từ khóa '{t.written}' của chủ đề '{t.key}' cũng là tên của '{other.label}' "
                    f"({other.path.name} dòng {other.line})",
                    "giữ từ ở một chỗ",
                )
            )
    for unit in profile.units:
        for old in unit.old_names:
            if unit.valid_from and (old.valid_until is None or old.valid_until >= unit.valid_from):
                problems.append(
                    Problem(
                        "warning",
                        unit.path,
                        unit.line,
                        f"tên cũ '{old.name}' của '{unit.key}' còn hiệu lực sau khi tên hiện tại "
                        f"bắt đầu ({unit.valid_from})",
                        f"đặt valid_until của tên cũ trước {unit.valid_from}",
                    )
                )
    return problems
