"""Whether a story tells an incident's event: the comparison ``incident_build`` makes for each
story of a window against each incident it may join.

A story and an incident are compared by their words (the window's rarity-weighted cosine,
``stories.Rarity``, against the incident's words as a whole, its headlines, and its latest
articles one by one), and by what names them:

- **never the same event**: two places that differ, or two schools named apart, unless a
  distinctive name or one of our units is shared;
- **the same event**: a distinctive name in common (a person's full name, a named school or
  body, never a newspaper's or a province's name), a unit of ours, the same place and kind of
  incident within days with words somewhat close, or words close enough on their own.

Names are read strictly (every word capitalised) and without the places and the words
naming a kind of body or a person's title in front ("Trường THPT", "Sở", "ông").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dumon.output.stories import Bag, Rarity

NAME_BONUS = 0.15  # a rare proper name in common ("Tô Hiến Thành")
UNIT_BONUS = 0.15  # a unit of ours in common
KIND_BONUS = 0.05  # the same kind of incident (an alert key in common)
ALONE = 0.45  # without a name or a unit in common, words alone must be this close…
PLACE_WORDS = 0.3  # …or this close in the same place for the same kind of incident, within
PLACE_DAYS = 3  # this many days of its latest article
RARE_PAIR = 3  # a word pair in at most this many of the day's articles is rare
RECENT = 8  # the latest articles of an incident compared one by one
NAME_WORDS = 3  # a proper name this long (places taken out) names one event, or one word
# less after a body's kind: "Trường Trưng Vương". Folded words at the front of a name that say
# what kind of body it is, or a person's title: not part of what distinguishes the name.
BODY_WORDS = frozenset(
    ("truong", "thpt", "thcs", "th", "tieu", "mam", "non", "mn", "so", "bo", "ubnd", "hdnd")
    + ("cong", "ty", "vien", "benh", "khoa", "phong")
)
TITLE_WORDS = frozenset(("ong", "ba", "thay", "co", "em", "chau", "anh", "chi", "nu", "nam"))
GENERIC_WORDS = BODY_WORDS | frozenset(("gd", "dt", "gddt", "tp", "hcm", "so", "bo"))
PRESS_WORDS = frozenset(("bao", "tap", "dai", "kenh", "tong"))  # Báo…, Tạp chí…, Đài…


@dataclass
class Facts:
    """What the stored hits say of a story: units, places and regions, alert keys, and
    whether it tells what happened next in a case."""

    units: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    alerts: set[str] = field(default_factory=set)
    development: bool = False


@dataclass
class Known:
    """An incident as the build compares stories with it."""

    id: int
    first: datetime
    last: datetime
    bag: Bag
    recent: list[Bag]
    units: set[str]
    places: set[str]
    alerts: set[str]
    titles: Bag  # the words of its headlines

    @classmethod
    def empty(cls, incident_id: int, when: datetime) -> Known:
        nothing = Bag(Counter(), frozenset())
        return cls(incident_id, when, when, nothing, [], set(), set(), set(), nothing)

    def take(self, dated: list[tuple[datetime, Bag, Bag]], facts: Facts) -> None:
        """Add articles (their time, words and headline words, in time order) and what their
        hits say."""
        for when, bag, title in dated:
            self.first, self.last = min(self.first, when), max(self.last, when)
            self.bag = Bag(
                self.bag.counts + bag.counts,
                self.bag.names | bag.names,
                self.bag.bodies | bag.bodies,
            )
            self.titles = Bag(self.titles.counts + title.counts, self.titles.names)
            self.recent = [*self.recent, bag][-RECENT:]
        self.units |= facts.units
        self.places |= facts.places
        self.alerts |= facts.alerts


class Likeness:
    """The comparisons of a build; `places` are the accent-folded names of places (which
    name no event on their own)."""

    def __init__(self, places: frozenset[str]) -> None:
        self.places = places
        self._cores: dict[str, tuple[list[str], bool]] = {}

    def score(
        self,
        bag: Bag,
        facts: Facts,
        known: Known,
        rarity: Rarity,
        *,
        anchored: bool = True,
        when: datetime | None = None,
    ) -> float | None:
        """How close a story is to an incident (None: it cannot be the same event; with
        `anchored`, also when words alone are not close enough without a name or a unit)."""
        # Close to the incident as a whole, to one of its latest articles, or, headline to
        # headline, to its titles (a roundup's item is a headline alone).
        words = max(
            [rarity.similarity(bag, known.bag), rarity.similarity(bag, known.titles)]
            + [rarity.similarity(bag, b) for b in known.recent]
        )
        shared = self._shared_names(bag, known.bag)
        names = bool(shared)
        units = bool(facts.units & known.units)
        elsewhere = facts.places and known.places and not facts.places & known.places
        if elsewhere and not names:
            return None  # two places: the same words tell two events
        if not names and not units and self._two_schools(bag, known.bag):
            return None  # two schools: "ngộ độc ở trường A" is not "… ở trường B"
        # Same place and same kind of incident, within days: the same event when the words
        # are somewhat close ("40 học sinh ngộ độc ở Quảng Trị" and the vice-principal who kept
        # them from hospital).
        # So is a rare name of a place or body the keywords do not know ("Tam Đảo").
        kind = bool(facts.alerts & known.alerts)
        here = bool(facts.places & known.places) or self._rare_names(bag, known, rarity)
        soon = when is not None and when - known.last <= timedelta(days=PLACE_DAYS)
        near = here and kind and soon and words >= PLACE_WORDS
        if anchored and not (names or units or near) and words < ALONE:
            return None
        score = words + NAME_BONUS * names + UNIT_BONUS * units
        score += KIND_BONUS * kind
        return score

    def headline_pairs(
        self, title: Bag, known: Known, rarity: Rarity, running: Counter[str]
    ) -> int:
        """The rare word pairs a headline shares with an incident's headlines, apart from one
        another ("lộ clip", "thân mật"; not "học kỳ" and "kỳ học"), naming no body or place;
        a pair in several headlines of those days (`running`) is a running topic ("tuyển
        sinh đầu cấp"), not the event."""
        words: set[str] = set()
        pairs = 0
        for key in sorted(title.counts.keys() & known.titles.counts.keys()):
            parts = set(key.split())
            rare = rarity.df.get(key, 0.0) <= RARE_PAIR and running[key] <= 1
            named = parts & GENERIC_WORDS or key in self.places  # "Sở GD-ĐT TP.HCM"
            if len(parts) == 2 and rare and not named and not parts & words:
                words |= parts
                pairs += 1
        return pairs

    # --- names -----------------------------------------------------------------------------

    def _core(self, name: str) -> tuple[list[str], bool]:
        """A proper name without the places in it and the words naming a kind of body or a
        person's title in front ("Trường THPT", "Sở", "ông"); and whether it named a body."""
        found = self._cores.get(name)
        if found is None:
            found = self._cores[name] = self._trim(name)
        return found

    def _trim(self, name: str) -> tuple[list[str], bool]:
        text = f" {name} "
        for place in self.places:
            if f" {place} " in text:
                text = text.replace(f" {place} ", " ")
        words = text.split()
        body = False
        while words and (words[0] in BODY_WORDS or words[0] in TITLE_WORDS):
            body = body or words[0] in BODY_WORDS
            words = words[1:]
        return words, body

    def _distinctive(self, name: str, *, body: bool = False) -> bool:
        """A name that tells one event: a person's full name, a named school or body ("Tô
        Hiến Thành", "Nguyễn Văn Đạt", "Trường Trưng Vương", "Bình Quới Tây"), not a place,
        a body's kind, half a name or a newspaper ("TP HCM", "Sở Giáo", "Trường THCS
        Nguyễn", "Báo Thanh Niên")."""
        if name.split(" ", 1)[0] in PRESS_WORDS:
            return False
        core, kind = self._core(name)
        return len(core) >= NAME_WORDS or ((body or kind) and len(core) >= NAME_WORDS - 1)

    def _shared_names(self, a: Bag, b: Bag) -> set[str]:
        """Distinctive names both hold, one within the other once trimmed ("THPT Tô Hiến
        Thành" is "Trường THPT Tô Hiến Thành")."""
        shared = set()
        for x in a.names | a.bodies:
            for y in b.names | b.bodies:
                short, long = sorted((x, y), key=len)
                core, _ = self._core(short)
                other, _ = self._core(long)
                inside = f" {' '.join(core)} " in f" {' '.join(other)} "
                body = short in a.bodies or short in b.bodies
                if core and inside and self._distinctive(short, body=body):
                    shared.add(" ".join(core))
        return shared

    def _bodies(self, bag: Bag) -> set[str]:
        """The distinctive names of schools and other bodies a bag holds ("Trường THPT Tô
        Hiến Thành", "tiểu học Bình Quới Tây"). Two stories naming different schools tell
        different events; a person named (an official, a parent) is no such sign."""
        found = set()
        for name in bag.names | bag.bodies:
            core, body = self._core(name)
            body = body or name in bag.bodies
            if core and body and self._distinctive(name, body=True):
                found.add(" ".join(core))
        return found

    def _schools(self, bag: Bag) -> set[str]:
        """The names of the schools and bodies a bag holds, distinctive or not: a school
        named after a place or a person's title is still that school ("Trường mầm non Hòa
        Bình", "Mầm non Nam Hòa")."""
        found = self._bodies(bag)
        for name in bag.bodies:
            words = name.split()
            while words and words[0] in BODY_WORDS:
                words = words[1:]
            if len(words) >= 2:
                found.add(" ".join(words))
        return found

    def _two_schools(self, a: Bag, b: Bag) -> bool:
        """Whether two bags name schools and none of one's is one of the other's."""
        ours, theirs = self._schools(a), self._schools(b)
        return bool(ours and theirs) and not any(
            f" {x} " in f" {y} " or f" {y} " in f" {x} " for x in ours for y in theirs
        )

    def _rare_names(self, bag: Bag, known: Known, rarity: Rarity) -> bool:
        """Whether a story and an incident share a proper name rare in the window that is
        more than a body's kind, a title or a newspaper ("Tam Đảo", not "Bộ Y", "Báo Thanh")."""
        for name in rarity.shared_rare_names(bag, known.bag):
            core, _ = self._core(name)
            if len(core) >= 2 and core[0] not in PRESS_WORDS and not set(core) & GENERIC_WORDS:
                return True
        return False
