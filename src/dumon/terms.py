"""The records a compiled profile is made of: searched forms (``Term``) and exclusions.

Kept apart from ``matching/keywords.py`` and ``matching/expand.py`` (which read and expand the
folder) so that a matcher read back from its cache does not import the loader, YAML and the
expansion rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Exclusion:
    key: str
    name: str
    path: Path
    line: int | None
    terms: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ("place",)
    scope: str = "span"
    requires_any: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # where a term of it must be to apply (empty: anywhere)


@dataclass(frozen=True)
class Term:
    """One normalised surface form to search, and what a hit on it means."""

    # unit, place, theme, alert, exclusion, context (an exclusion's requires_any), subject,
    # region, signal
    kind: str
    key: str  # the entry's key
    label: str  # what a Hit reports as key: a unit's or place's name, else the entry key
    text: str  # the normalised form searched
    written: str  # the form as written in the file, before expansion
    path: Path
    line: int | None
    valid_from: date | None = None
    valid_until: date | None = None
    generic: bool = False
    ambiguous: bool = False
    # themes: strong | weak; alerts: "" | weak; subjects: pupil | staff | school | exam |
    # authority; regions: neighbour | province | nation | abroad; signals: actor | act | soft
    role: str = ""
    severity: int = 0  # alerts: 1..3; signals: their weight 1..3
    name_start: int = 0  # units: where the name starts after the type words (fuzzy part)
    place_kind: str = ""
    first_word: str = ""

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )
