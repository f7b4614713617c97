"""The department's units and the names of themes, as the reading commands use them.

Search, report and export show names, not keys, list every unit of the department (with 0
where nothing was written) and let ``--unit`` name a unit by any of its names, typed with or
without diacritics, abbreviated as the press does (Sở GDĐT ↔ Sở Giáo dục và Đào tạo…). All of
it comes from the desk's ``keywords/``; a desk without one falls back to the stored names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dumon import textnorm
from dumon.errors import DumonError

if TYPE_CHECKING:
    from dumon.matching.keywords import KeywordProfile

log = logging.getLogger(__name__)

KIND_ORDER = (
    "so",
    "so-office",
    "phong-gddt",
    "chuyen",
    "thpt",
    "gdtx",
    "college",
    "school",
    "union",
)
KIND_LABELS = {
    "so": "Sở Giáo dục và Đào tạo",
    "so-office": "Các phòng của Sở",
    "phong-gddt": "Phòng GDĐT cấp huyện",
    "chuyen": "Trường THPT chuyên",
    "thpt": "Trường THPT",
    "gdtx": "Trung tâm GDNN-GDTX",
    "college": "Trường cao đẳng",
    "school": "Trường khác",
    "union": "Công đoàn ngành",
}
_WORDS = re.compile(r"\w+")


def loose(text: str) -> str:
    """Accent-less, lower case, words separated by single spaces: how names are compared."""
    return " ".join(_WORDS.findall(textnorm.fold(text).lower().replace("_", " ")))


@dataclass(frozen=True)
class RegistryUnit:
    """A unit of the department: its current name, kind, dates and every name it goes by."""

    key: str
    name: str
    kind: str
    valid_from: date | None
    valid_until: date | None
    stored_names: tuple[str, ...]  # names articles may be tagged with: current, old, aliases
    forms: tuple[str, ...]  # every searched form of every name, loose (see `loose`)

    def in_force(self, start: date, end: date) -> bool:
        """Valid on at least one day of [start, end)."""
        began = self.valid_from is None or self.valid_from < end
        ended = self.valid_until is not None and self.valid_until < start
        return began and not ended

    @property
    def kind_rank(self) -> int:
        return KIND_ORDER.index(self.kind) if self.kind in KIND_ORDER else len(KIND_ORDER)


@dataclass(frozen=True)
class UnitChoice:
    """What a --unit fragment designates: the unit chosen and the others it also fits."""

    fragment: str
    unit: RegistryUnit
    others: tuple[RegistryUnit, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.unit.stored_names


@dataclass(frozen=True)
class Registry:
    units: tuple[RegistryUnit, ...] = ()
    theme_names: dict[str, str] | None = None

    def theme_name(self, key: str) -> str:
        return (self.theme_names or {}).get(key, key)

    def unit_of(self, stored: str) -> RegistryUnit | None:
        """The unit an article's stored unit name belongs to (its current or an old name)."""
        wanted = loose(stored)
        for unit in self.units:
            if any(loose(name) == wanted for name in unit.stored_names):
                return unit
        return None

    def choose_unit(
        self, fragment: str, *, start: date | None = None, end: date | None = None
    ) -> UnitChoice | None:
        """The unit a fragment of any of its names designates, preferring one in force.

        A name equal to the fragment beats one containing it as whole words, which beats one
        containing it at all; then a unit in force during [start, end) (today without a
        period), then the Sở before its offices and schools, then the shorter name.
        """
        wanted = loose(fragment)
        if not wanted:
            return None
        today = date.today()
        start = start or today
        end = end or date.fromordinal(today.toordinal() + 1)
        scored = []
        for unit in self.units:
            score = _fit(wanted, unit.forms)
            if score:
                rank = (-score, not unit.in_force(start, end), unit.kind_rank, len(unit.name))
                scored.append((rank, unit))
        if not scored:
            return None
        scored.sort(key=lambda pair: (pair[0], pair[1].name))
        best_rank, best = scored[0]
        ties = tuple(u for r, u in scored[1:] if r[:3] == best_rank[:3])
        return UnitChoice(fragment, best, ties)


def _fit(wanted: str, forms: Iterable[str]) -> int:
    """3: a form is the fragment; 2: a form holds it as whole words; 1: as a substring, or
    as word beginnings in a row ("phong gd hai hau" in "phong gddt hai hau")."""
    best = 0
    words = wanted.split()
    for form in forms:
        if form == wanted:
            return 3
        if f" {wanted} " in f" {form} ":
            best = 2
        elif best < 1 and (wanted in form or _word_starts(words, form.split())):
            best = 1
    return best


def _word_starts(words: list[str], form: list[str]) -> bool:
    """Each word begins the form's word at the same place, for some run of the form."""
    return any(
        all(form[i + k].startswith(w) for k, w in enumerate(words))
        for i in range(len(form) - len(words) + 1)
    )


def load_registry(folder: Path) -> Registry:
    """Units and theme names from a keywords folder; empty when it is missing or invalid."""
    if not folder.is_dir():
        return Registry()
    from dumon.matching.expand import unit_forms
    from dumon.matching.keywords import load_keywords

    try:
        profile = load_keywords(folder)
    except DumonError as error:  # the reading still works on stored names; `check` says why
        log.warning("keywords/: %s", error.message)
        return Registry()
    forms_by_key = unit_forms(profile)
    units = []
    for unit in profile.units:
        written = (unit.name, *unit.aliases, *(old.name for old in unit.old_names))
        forms = {loose(form) for form in forms_by_key[unit.key]} | {loose(n) for n in written}
        units.append(
            RegistryUnit(
                key=unit.key,
                name=unit.name,
                kind=unit.kind,
                valid_from=unit.valid_from,
                valid_until=unit.valid_until,
                stored_names=tuple(dict.fromkeys(written)),
                forms=tuple(sorted(forms)),
            )
        )
    return Registry(tuple(units), profile_theme_names(profile))


def profile_theme_names(profile: KeywordProfile) -> dict[str, str]:
    """Theme key → display name, as every reading command shows themes."""
    return {theme.key: theme.name for theme in profile.themes}


def theme_names(folder: Path) -> dict[str, str]:
    """The same names read without validating the whole folder (search's output).

    Search runs often and starts fast; a folder ``dumon keywords check`` would refuse still
    gives the names it can read.
    """
    if not folder.is_dir():
        return {}
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names: dict[str, str] = {}
    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        themes = data.get("themes") if isinstance(data, dict) else None
        for entry in themes if isinstance(themes, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                names[entry["key"]] = str(entry.get("name") or entry["key"])
    return names
