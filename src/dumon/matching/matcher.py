"""The matcher: a compiled keyword profile that decides, per article, what it is about.

``Matcher.from_folder`` compiles the keywords folder (or reads the compiled form kept in the
desk, :mod:`dumon.matching.cache`); ``match`` finds the terms (:mod:`dumon.matching.index`)
and lets the rules decide (:mod:`dumon.matching.rules`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from dumon.matching import cache
from dumon.matching.index import TermIndex
from dumon.matching.rules import RuleBook, Sentences, decide, nothing_found, opening
from dumon.terms import Term
from dumon.verdicts import MatchResult
from dumon.vntime import VN_TZ, as_date

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

    from dumon.matching.keywords import KeywordProfile


class Matcher:
    """A compiled profile. Build once (``from_folder``), then call ``match`` per article."""

    def __init__(self, index: TermIndex, book: RuleBook) -> None:
        self._index = index
        self._book = book
        self._empty: dict[tuple[Any, ...], MatchResult] = {}

    @classmethod
    def compile(cls, profile: KeywordProfile) -> Matcher:
        """The matcher of a loaded profile."""
        from dumon.matching.expand import build_terms  # not needed by a matcher read from its cache

        book = RuleBook(
            severity={a.key: a.severity for a in profile.alerts},
            exclusions={x.key: x for x in profile.exclusions},
            needs={a.key: a.needs for a in profile.alerts if a.needs},
        )
        return cls(TermIndex.build(build_terms(profile)), book)

    @classmethod
    def from_folder(cls, folder: Path | str, *, cache_dir: Path | None = None) -> Matcher:
        """Compile the folder's profile. With ``cache_dir``, reuse the compiled form saved there
        while the keyword files and the code that compiles them are unchanged: building is
        most of the start-up of a ``dumon match``."""
        if cache_dir is None:
            return cls.compile(_load(folder))
        folder = Path(folder)
        key = cache.cache_key(folder)
        path = cache.cache_path(cache_dir, folder)
        if key is not None:
            cached = cache.read(path, key, folder)
            if cached is not None:
                return cls(*cached)
        matcher = cls.compile(_load(folder))  # stale or no cache: errors name file and line
        if key is not None:
            cache.write(path, key, matcher._index, matcher._book, folder)
        return matcher

    def terms(self) -> list[Term]:
        """Every surface form searched, in profile order."""
        terms = (self._index.terms[n] for n in range(len(self._index.terms)))
        return [t for t in terms if t.kind != "context"]

    def match(
        self,
        *,
        title: str,
        summary: str = "",
        body: str = "",
        url: str = "",
        outlet: str = "",
        published: date | datetime | None = None,
    ) -> MatchResult:
        """Decide about one article. ``published`` None means today (current names apply)."""
        day = as_date(published)
        dated = day is not None
        if day is None:
            day = datetime.now(VN_TZ).date()
        notes: list[str] = []  # names found but not valid on the day
        fields = (("title", title), ("summary", summary), ("body", body), ("url", url))
        found = self._index.find(fields, day, notes)
        if not found:  # most articles of a general feed: nothing to weigh
            return self._nothing(dated, day, outlet, tuple(notes))
        rules = [*opening(dated, day, outlet), *notes]
        sentences = Sentences()
        if any(h.kind == "alert" for h, _ in found):  # only incidents are read by sentence
            sentences = Sentences(_sentence_ends(summary), _sentence_ends(body))
        return decide(found, day=day, book=self._book, rules=rules, sentences=sentences)

    def _nothing(self, dated: bool, day: date, outlet: str, notes: tuple[str, ...]) -> MatchResult:
        """The result of an article without hits; the same few recur, so they are kept."""
        key = (dated, day, outlet, notes)
        result = self._empty.get(key)
        if result is None:
            if len(self._empty) >= 1024:
                self._empty.clear()
            result = self._empty[key] = nothing_found([*opening(dated, day, outlet), *notes])
        return result


_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")
_INITIALS = re.compile(r"(?:^|[\s(])(?:[A-ZĐ][a-zđ]?\.)*[A-ZĐ]{1,3}$")


def _sentence_ends(text: str) -> tuple[int, ...]:
    """Where each sentence of a text ends; the period of initials ("N.Q.A.", "TP.") or of an
    abbreviation ("Th.S.") ends none."""
    return tuple(
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if m.group() != "." or not _INITIALS.search(text, max(0, m.start() - 12), m.start())
    )


def _load(folder: Path | str) -> KeywordProfile:
    from dumon.matching import keywords  # not needed by a matcher read from its cache

    return keywords.load_keywords(folder)
