"""What the matcher says about one article: the terms it found and what it decided.

Apart from ``models`` so that the matcher, whose start-up is part of every ``dumon match``
batch, does not create the scan's records too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """One term found in one field of an article."""

    kind: str  # unit, place, theme, alert, exclusion
    key: str  # canonical unit name, place name, theme or alert id
    term: str  # the surface form searched
    field: str  # title, summary, body, url
    start: int
    end: int
    score: float = 100.0
    folded: bool = False  # found only in the accent-folded twin


@dataclass(frozen=True)
class MatchResult:
    """What the matcher decided about one article, and why."""

    edu: bool
    local: bool
    alert: bool
    units: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    severity: int = 0
    hits: tuple[Hit, ...] = ()
    rules: tuple[str, ...] = ()  # human-readable lines for --explain
    # Where the story happens: local, national, neighbour, province, abroad ("" when not edu)
    scope: str = ""

    @property
    def relevant(self) -> bool:
        return self.edu or self.local or self.alert
