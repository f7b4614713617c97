"""Every form searched for a name written once in the ``keywords/`` folder, and the terms.

Abbreviation families expand automatically ("Sở GDĐT" also finds "Sở Giáo dục và Đào tạo",
"THPT A Hải Hậu" also "Trường THPT Hải Hậu A"; ``keywords/README.md`` lists them), and
``build_terms`` turns a loaded profile into the searched terms the matcher compiles.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dumon.terms import Term
from dumon.textnorm import normalize

if TYPE_CHECKING:
    from dumon.matching.keyword_entries import Place
    from dumon.matching.keywords import KeywordProfile

log = logging.getLogger(__name__)

MAX_FORMS = 256  # per written name; the families below give far fewer in practice

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
        dates = {"valid_from": u.valid_from, "valid_until": u.valid_until}
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
