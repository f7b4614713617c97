"""Finding the terms of a profile in an article: candidates with their field, span and score.

Owns the automata over every searched form, the one-byte screen that rules most articles
out before they are normalised, the accent-folded and fuzzy searches, and the word guards
("thị trường" is not a school). What comes out, :meth:`TermIndex.find`, is one list of
``(Hit, Term)`` pairs whose spans are in the fields as given, for the names in force on the
article's day (with a note for each name found out of its dates): the rules never see the
normalised text, bytes or encodings.

Aho-Corasick automata hold every searched form padded with spaces, so only whole words match
and the cost per article does not grow with the number of terms: the exact forms for accented
text, the accent-folded forms for text without diacritics (URL slugs, accent-less outlets).
Accented text is folded only when it holds the exact type words of a long unit name, and a
folded candidate then needs the similarity thresholds of ``docs/matching-notes.md`` on the
rest of the name; that is what stops "lạm thu" from matching "làm thủ tục" and "Vụ Bản" from
matching "Vũ Bản".

Two paths find the same candidates: the screen (most articles, no normalising) and the
normalised text (``Prepared``). The screen is the fast one; ``tests/test_matching.py`` checks
that switching it off changes nothing.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import date

import ahocorasick_rs

from dumon.terms import Term
from dumon.textnorm import (
    Prepared,
    fold,
    has_diacritics,
    in_screen_code,
    screen_form,
    screen_patterns,
)
from dumon.verdicts import Hit

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (docs/architecture.md)
if TYPE_CHECKING:
    from typing import Protocol

    class Located(Protocol):
        """A searched form of an article's text (``ScreenForm`` or ``Prepared``) that maps
        its spans back to the text as given."""

        def span(self, start: int, end: int) -> tuple[int, int]: ...

        def surface(self, start: int, end: int) -> str: ...

    class Terms(Protocol):
        """The terms of a profile by number (a list, or a cached profile's lazy rows)."""

        def __len__(self) -> int: ...

        def __getitem__(self, number: int) -> Term: ...


FOLDED_SCORE = 80.0  # an accent-less hit: counted, but ranked below any exact or fuzzy one

# A term starting with one of these words does not match where the word is the second half
# of another word: "thị trường" (market), "cơ sở" (facility), "quốc phòng" (defence).
_BEFORE_TRUONG = "thị môi hiện chiến quảng lập sở đấu pháp công nông lâm ngư phi từ điện hậu tựu"
GUARDS = {
    "trường": frozenset(_BEFORE_TRUONG.split()),
    "sở": frozenset(["cơ", "trụ", "hữu"]),
    "phòng": frozenset(["quốc", "dự", "đề", "văn", "canh", "biên", "phòng"]),
}
_GUARDS_FOLDED = {k: frozenset(fold(w) for w in v) for k, v in GUARDS.items()}
_SEP = "\n\u2c30\n"  # a letter no term contains, between fields searched as one text

# A candidate before it is placed in a field: the term, its span in the searched form, score.
Candidate = tuple[Term, int, int, float]


def fuzzy_threshold(length: int) -> float | None:
    """Thresholds that held up on real text (docs/matching-notes.md), by length of the name
    part after the type words."""
    if length <= 6:
        return None
    if length <= 10:
        return 94.0
    if length <= 16:
        return 90.0
    return 86.0


def fuzzy_ok(term: Term) -> bool:
    """A unit name long enough, after exact type words, to tolerate a wrong diacritic."""
    return (
        term.kind == "unit"
        and term.name_start > 0
        and fold(term.text) != term.text
        and fuzzy_threshold(len(term.text) - term.name_start) is not None
    )


class Automaton:
    """One automaton over space-padded patterns, and the numbers of the terms behind each
    pattern. Read from its JSON text and built on first use: a run may never need the folded
    index, and every millisecond of start-up is paid by every ``dumon match`` batch."""

    def __init__(
        self,
        patterns: list[str] | None = None,
        entries: list[list[int]] | None = None,
        *,
        text: bytes = b"",
    ) -> None:
        self._lists = (patterns or [], entries or []) if not text else None
        self._text = text  # [patterns, entries] as JSON, when read from the cache
        self._automaton: ahocorasick_rs.AhoCorasick | None = None

    @classmethod
    def keyed(
        cls, terms: Sequence[Term], form: Callable[[Term], str], keep: Callable[[Term], bool] = bool
    ) -> Automaton:
        """The automaton of ``form(term)`` for every term kept, numbered as in ``terms``."""
        keyed: dict[str, list[int]] = {}
        for number, term in enumerate(terms):
            if keep(term):
                keyed.setdefault(" " + form(term) + " ", []).append(number)
        return cls(list(keyed), list(keyed.values()))

    @property
    def patterns(self) -> list[str]:
        return self._parsed()[0]

    @property
    def entries(self) -> list[list[int]]:
        return self._parsed()[1]

    def as_json(self) -> str:
        return json.dumps([self.patterns, self.entries], ensure_ascii=False, separators=(",", ":"))

    def _parsed(self) -> tuple[list[str], list[list[int]]]:
        if self._lists is None:
            patterns, entries = json.loads(self._text)
            self._lists = (patterns, entries)
        return self._lists

    def find(self, haystack: str) -> list[tuple[int, int, int]]:
        """(pattern, start, end) of every whole-word match, overlapping ones included."""
        if self._automaton is None:
            if not self.patterns:
                return []
            self._automaton = ahocorasick_rs.AhoCorasick(
                self.patterns, matchkind=ahocorasick_rs.MatchKind.Standard
            )
        return self._automaton.find_matches_as_indexes(haystack, overlapping=True)


class Screen:
    """Every spelling of every exact pattern in the one-byte code of ``screen_form``, and
    the exact pattern each one spells (-1 for a spelling with letters outside the code,
    which other letters share: a match of it is only a maybe).

    Searching an article's screen form is searching its normalised text for the exact
    patterns without normalising it. An article with no match is done: most of a general
    feed. One whose matches are all sure needs no normalising either."""

    def __init__(self, patterns: list[bytes], owners: list[int]) -> None:
        self.patterns = patterns
        self.owners = owners
        self._automaton = ahocorasick_rs.BytesAhoCorasick(patterns) if patterns else None

    @classmethod
    def of(cls, exact: Automaton) -> Screen:
        """The spellings of every pattern of the exact automaton."""
        spelled: dict[bytes, int] = {}
        for index, pattern in enumerate(exact.patterns):
            sure = in_screen_code(pattern)
            for code in screen_patterns(pattern):
                spelled[code] = index if sure and code not in spelled else -1
        screen = sorted(spelled)
        return cls(screen, [spelled[code] for code in screen])

    def find(self, code: bytes) -> list[tuple[int, int, int]]:
        """(exact pattern or -1, start, end) of every match, overlapping ones included, in
        the order the exact index reports them: by end, then by start."""
        if self._automaton is None:
            return []
        matches = self._automaton.find_matches_as_indexes(code, overlapping=True)
        if not matches:  # most articles
            return matches
        owners = self.owners
        found = [(owners[spelling], start, end) for spelling, start, end in matches]
        found.sort(key=_end_then_start)
        return found


def _end_then_start(match: tuple[int, int, int]) -> tuple[int, int]:
    return match[2], match[1]


class TermIndex:
    """Every searched form of a profile, and the automata that find them.

    Accented fields are searched for the exact normalised forms; fields without diacritics
    (slugs, accent-less outlets) for the folded forms. Only when an accented text holds the
    exact type words of a long unit name ("trường thpt") is it folded too, to find that name
    written with one diacritic wrong: the exact automaton also holds those type words
    (``prefix_ids``), so one pass tells whether the folded search is worth doing.
    """

    def __init__(
        self,
        terms: Terms,
        *,
        exact: Automaton,
        screen: Screen,
        prefix_ids: frozenset[int],
        folded: Automaton,
        fuzzy: Automaton,
    ) -> None:
        self.terms = terms
        self.exact = exact
        self.screen = screen
        self.prefix_ids = prefix_ids
        self.folded = folded
        self.fuzzy = fuzzy

    @classmethod
    def build(cls, terms: list[Term]) -> TermIndex:
        keyed: dict[str, list[int]] = {}
        for number, term in enumerate(terms):
            keyed.setdefault(" " + term.text + " ", []).append(number)
        prefixes = {" " + t.text[: t.name_start].strip() + " " for t in terms if fuzzy_ok(t)}
        for prefix in prefixes:
            keyed.setdefault(prefix, [])
        exact = Automaton(list(keyed), list(keyed.values()))
        return cls(
            terms,
            exact=exact,
            screen=Screen.of(exact),
            prefix_ids=frozenset(i for i, p in enumerate(keyed) if p in prefixes),
            folded=Automaton.keyed(terms, lambda t: fold(t.text)),
            fuzzy=Automaton.keyed(terms, lambda t: fold(t.text), fuzzy_ok),
        )

    def find(
        self, fields: Sequence[tuple[str, str]], day: date, notes: list[str]
    ) -> list[tuple[Hit, Term]]:
        """Every candidate in the fields (name, text), as hits on the text as given; the
        fields with diacritics are searched apart from those without. A unit or place name
        out of its dates on ``day`` is not a hit: ``notes`` says so."""
        accented: list[tuple[str, str]] = []
        plain: list[tuple[str, str]] = []
        for name, text in fields:
            if text:
                (accented if has_diacritics(text) else plain).append((name, text))
        found: list[tuple[Hit, Term]] = []
        if accented:
            self._find(accented, True, _Placing(day, notes, found))
        if plain:
            self._find(plain, False, _Placing(day, notes, found))
        return found

    def _find(self, parts: list[tuple[str, str]], accented: bool, placing: _Placing) -> None:
        """Hits in fields of one kind (all accented, or all without diacritics), searched as
        one text; the separator keeps any term from spanning two fields."""
        joined = parts[0][1] if len(parts) == 1 else _SEP.join([t for _, t in parts])
        terms = self.terms
        if accented:
            form = screen_form(joined)
            if form is not None:
                screened = self.screen.find(form.code)
                if not screened:
                    return
                prefix_ids = self.prefix_ids
                if all(index >= 0 and index not in prefix_ids for index, _, _ in screened):
                    entries = self.exact.entries
                    candidates = [
                        (terms[number], start, end - 2, 100.0)
                        for index, start, end in screened
                        for number in entries[index]
                    ]
                    placing.place(parts, form, GUARDS, form.word_before, candidates)
                    return
        prepared = Prepared(joined)
        if accented:
            candidates = self._exact_candidates(prepared)
            placing.place(parts, prepared, GUARDS, prepared.word_before, candidates)
        else:
            candidates = self._folded_candidates(prepared)
            words = prepared.word_before_folded
            placing.place(parts, prepared, _GUARDS_FOLDED, words, candidates)

    def _exact_candidates(self, prepared: Prepared) -> list[Candidate]:
        """The exact forms in a normalised accented text, and the long unit names written
        with one diacritic wrong where their type words are there."""
        norm = prepared.norm
        found_exact = self.exact.find(" " + norm + " ")
        if not found_exact:
            return []
        terms, entries, prefix_ids = self.terms, self.exact.entries, self.prefix_ids
        candidates: list[Candidate] = []
        typed = False
        for index, start, end in found_exact:
            if index in prefix_ids:
                typed = True
            for number in entries[index]:
                candidates.append((terms[number], start, end - 2, 100.0))
        if typed:
            for index, start, end in self.fuzzy.find(" " + prepared.folded + " "):
                surface = norm[start : end - 2]
                for number in self.fuzzy.entries[index]:
                    term = terms[number]
                    score = _fuzzy_score(term, surface)
                    if score is not None:
                        candidates.append((term, start, end - 2, score))
        return candidates

    def _folded_candidates(self, prepared: Prepared) -> list[Candidate]:
        """The folded forms in a text without diacritics (a slug, an accent-less outlet)."""
        norm, terms = prepared.norm, self.terms
        candidates: list[Candidate] = []
        for index, start, end in self.folded.find(" " + prepared.folded + " "):
            surface = norm[start : end - 2]
            for number in self.folded.entries[index]:
                term = terms[number]
                score = 100.0 if surface == term.text else FOLDED_SCORE
                candidates.append((term, start, end - 2, score))
        return candidates


class _Placing:
    """Where the hits of one article go, and the notes about names out of their dates."""

    def __init__(self, day: date, notes: list[str], found: list[tuple[Hit, Term]]) -> None:
        self.day = day
        self.notes = notes
        self.found = found

    def place(
        self,
        parts: list[tuple[str, str]],
        source: Located,
        guards: dict[str, frozenset[str]],
        word_before: Callable[[int], str],
        candidates: list[Candidate],
    ) -> None:
        """The candidates that pass the word guards and their dates, as hits on the fields:
        ``source`` maps a span of the searched form back to the joined fields, and
        ``word_before`` reads the searched form (accented or folded) before a position."""
        starts = []
        pos = 0
        for _, text in parts:
            starts.append(pos)
            pos += len(text) + len(_SEP)
        day, found = self.day, self.found
        for term, start, end, score in candidates:
            guard = guards.get(term.first_word)
            if guard is not None and word_before(start) in guard:
                continue
            if term.kind in ("unit", "place") and not term.valid_on(day):
                self.notes.append(_expired_note(term, source.surface(start, end)))
                continue
            o_start, o_end = source.span(start, end)
            k = bisect_right(starts, o_start) - 1
            hit = Hit(  # positional arguments: cheaper, and this runs for every candidate
                term.kind,
                term.label,
                term.text,
                parts[k][0],
                o_start - starts[k],
                o_end - starts[k],
                score,
                score == FOLDED_SCORE,
            )
            found.append((hit, term))


def _expired_note(term: Term, surface: str) -> str:
    window = []
    if term.valid_from:
        window.append(f"từ {term.valid_from}")
    if term.valid_until:
        window.append(f"đến {term.valid_until}")
    return f"Bỏ '{surface}': tên của '{term.label}' chỉ dùng {' '.join(window)}."


def _fuzzy_score(term: Term, surface: str) -> float | None:
    """The similarity of a name written with other diacritics, if close enough to count."""
    if surface == term.text:
        return None  # found by the exact search already
    cut = term.name_start
    if surface[:cut] != term.text[:cut]:  # the type words (THPT, Sở…) must be exact
        return None
    from rapidfuzz.fuzz import ratio  # rarely needed: kept off the start-up path

    threshold = fuzzy_threshold(len(term.text) - cut)
    score = ratio(surface[cut:], term.text[cut:])
    return round(score, 1) if threshold is not None and score >= threshold else None
