"""Compile a keyword profile once and decide, per article, what it is about and why.

Owns: the automaton over every searched form, candidate verification (exact after
normalisation; accent-folded only where a field has no diacritics; a fuzzy check for one wrong
diacritic in a long unit name), word boundaries and the "thị trường is not a school" guards,
the rules (validity dates, generic units, ambiguous places, exclusions, the longer unit wins)
and the decisions ``edu``, ``local``, ``alert`` with lines that explain them; and the cache of
a compiled profile (JSON in the desk, keyed by a digest of the keyword files and of this code).

Aho-Corasick automata hold every searched form padded with spaces, so only whole words match
and the cost per article does not grow with the number of terms: the exact forms for accented
text, the accent-folded forms for text without diacritics (URL slugs, accent-less outlets).
Accented text is folded only when it holds the exact type words of a long unit name, and a
folded candidate then needs the similarity thresholds of MEASURED.md on the rest of the name;
that is what stops "lạm thu" from matching "làm thủ tục" and "Vụ Bản" from matching "Vũ Bản".
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import unicodedata
import zlib
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import ahocorasick_rs

from dumon.terms import Exclusion, Term
from dumon.textnorm import (
    Prepared,
    ScreenForm,
    fold,
    has_diacritics,
    in_screen_code,
    screen_form,
    screen_patterns,
)
from dumon.verdicts import Hit, MatchResult
from dumon.vntime import VN_TZ, as_date

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see docs)
if TYPE_CHECKING:
    from typing import Any

    from dumon.keywords import KeywordProfile


FIELDS = ("title", "summary", "body", "url")
FOLDED_SCORE = 80.0  # an accent-less hit: counted, but ranked below any exact or fuzzy one
HEADLINE_FIELDS = frozenset({"title", "url"})
WEAK_NEEDED = 2  # distinct weak theme terms that make an education story on their own

# A term starting with one of these words does not match where the word is the second half
# of another word: "thị trường" (market), "cơ sở" (facility), "quốc phòng" (defence).
_BEFORE_TRUONG = "thị môi hiện chiến quảng lập sở đấu pháp công nông lâm ngư phi từ điện hậu tựu"
_GUARDS = {
    "trường": frozenset(_BEFORE_TRUONG.split()),
    "sở": frozenset(["cơ", "trụ", "hữu"]),
    "phòng": frozenset(["quốc", "dự", "đề", "văn", "canh", "biên", "phòng"]),
}
_GUARDS_FOLDED = {k: frozenset(fold(w) for w in v) for k, v in _GUARDS.items()}
_NOTHING = "không có đơn vị hay từ khóa chủ đề giáo dục"
_SEP = "\n\u2c30\n"  # a letter no term contains, between fields searched as one text


def _fuzzy_threshold(length: int) -> float | None:
    """Thresholds that held up on real text (MEASURED.md), by length of the name part."""
    if length <= 6:
        return None
    if length <= 10:
        return 94.0
    if length <= 16:
        return 90.0
    return 86.0


class _Index:
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

    @property
    def patterns(self) -> list[str]:
        return self._parsed()[0]

    @property
    def entries(self) -> list[list[int]]:
        return self._parsed()[1]

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


class _Screen:
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


class _CachedTerms:
    """The terms of a cached profile by number, each decoded when first asked for: a run
    meets a few hundred of the thousands of forms a profile holds."""

    def __init__(self, rows: list[bytes], decode: Callable[[list[Any]], Term]) -> None:
        self._rows = rows
        self._decode = decode
        self._terms: list[Term | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, number: int) -> Term:
        term = self._terms[number]
        if term is None:
            term = self._terms[number] = self._decode(json.loads(self._rows[number]))
        return term


def _keyed(
    terms: list[Term], form: Callable[[Term], str], keep: Callable[[Term], bool] = bool
) -> dict[str, list[int]]:
    """Space-padded pattern → numbers of the terms searched by it (those kept)."""
    keyed: dict[str, list[int]] = {}
    for number, term in enumerate(terms):
        if keep(term):
            keyed.setdefault(" " + form(term) + " ", []).append(number)
    return keyed


def _fuzzy_ok(term: Term) -> bool:
    """A unit name long enough, after exact type words, to tolerate a wrong diacritic."""
    return (
        term.kind == "unit"
        and term.name_start > 0
        and fold(term.text) != term.text
        and _fuzzy_threshold(len(term.text) - term.name_start) is not None
    )


class Matcher:
    """A compiled profile. Build once (``from_folder``), then call ``match`` per article.

    Accented fields are searched for the exact normalised forms; fields without diacritics
    (slugs, accent-less outlets) for the folded forms. Only when an accented text holds the
    exact type words of a long unit name ("trường thpt") is it folded too, to find that name
    written with one diacritic wrong.
    """

    def __init__(self, profile: KeywordProfile) -> None:
        from dumon.keywords import build_terms  # not needed by a matcher read from its cache

        terms = build_terms(profile)
        self._terms: list[Term] | _CachedTerms = terms
        # The exact automaton also holds the type words of fuzzy-eligible names ("trường
        # thpt"): one pass tells whether the folded search is worth doing.
        keyed = _keyed(terms, lambda t: t.text)
        prefixes = {" " + t.text[: t.name_start].strip() + " " for t in terms if _fuzzy_ok(t)}
        for prefix in prefixes:
            keyed.setdefault(prefix, [])
        self._exact = _Index(list(keyed), list(keyed.values()))
        spelled: dict[bytes, int] = {}
        for index, pattern in enumerate(keyed):
            sure = in_screen_code(pattern)
            for code in screen_patterns(pattern):
                spelled[code] = index if sure and code not in spelled else -1
        screen = sorted(spelled)
        self._screen = _Screen(screen, [spelled[code] for code in screen])
        self._prefix_ids = frozenset(i for i, p in enumerate(keyed) if p in prefixes)
        folded = _keyed(terms, lambda t: fold(t.text))
        self._folded = _Index(list(folded), list(folded.values()))
        fuzzy = _keyed(terms, lambda t: fold(t.text), _fuzzy_ok)
        self._fuzzy = _Index(list(fuzzy), list(fuzzy.values()))
        self._severity = {a.key: a.severity for a in profile.alerts}
        self._exclusions = {x.key: x for x in profile.exclusions}
        self._empty: dict[tuple[Any, ...], MatchResult] = {}

    @classmethod
    def from_folder(cls, folder: Path | str, *, cache_dir: Path | None = None) -> Matcher:
        """Compile the folder's profile. With ``cache_dir``, reuse the compiled form saved there
        while the keyword files and the code that compiles them are unchanged: building is
        most of the start-up of a ``dumon match``."""
        if cache_dir is None:
            return cls(_load(folder))
        folder = Path(folder)
        key = _cache_key(folder)
        where = f"{zlib.crc32(str(folder.resolve()).encode()):08x}"
        path = cache_dir / f"matcher-{where}.json"
        if key is not None:
            cached = _read_cache(path, key, folder)
            if cached is not None:
                return cached
        matcher = cls(_load(folder))  # stale or no cache: errors name file and line
        if key is not None:
            _write_cache(path, key, matcher._cache_lines(folder))
        return matcher

    def _cache_lines(self, folder: Path) -> list[bytes]:
        """The compiled profile as lines of the cache file: terms by number, the files they
        come from by position and relative to the folder (which may be named another way
        next time).

        One JSON text a line, each parsed when first needed (a term when a hit needs it):
        most of a start-up would otherwise go to parts of the profile a run never uses.
        The screen's patterns are bytes of their one-byte code, joined by a comma (a
        non-word character, so in no pattern)."""
        terms = [self._terms[n] for n in range(len(self._terms))]
        exclusions = list(self._exclusions.values())
        files = dict.fromkeys(x.path for x in [*terms, *exclusions])
        where = {p: i for i, p in enumerate(files)}
        common = {
            "paths": [str(p.relative_to(folder)) for p in files],
            "prefix_ids": sorted(self._prefix_ids),
            "screen_owners": self._screen.owners,
            "severity": self._severity,
            "exclusions": [_encode(x, where) for x in exclusions],
        }
        parts: list[Any] = [common]
        parts += [[i.patterns, i.entries] for i in (self._exact, self._folded, self._fuzzy)]
        lines = [json.dumps(part, ensure_ascii=False, separators=(",", ":")) for part in parts]
        lines += [json.dumps(_encode(t, where), ensure_ascii=False) for t in terms]
        encoded = [line.encode() for line in lines]
        return [encoded[0], b",".join(self._screen.patterns), *encoded[1:]]

    @classmethod
    def _from_cache_lines(cls, lines: list[bytes], folder: Path) -> Matcher:
        common, screen, exact, folded, fuzzy, *terms = lines
        state = json.loads(common)
        paths = [folder / p for p in state["paths"]]
        matcher = cls.__new__(cls)
        matcher._terms = _CachedTerms(terms, _decoder(Term, paths))
        matcher._exact = _Index(text=exact)
        matcher._screen = _Screen(screen.split(b",") if screen else [], state["screen_owners"])
        matcher._prefix_ids = frozenset(state["prefix_ids"])
        matcher._folded = _Index(text=folded)
        matcher._fuzzy = _Index(text=fuzzy)
        matcher._severity = dict(state["severity"])
        exclusions = list(map(_decoder(Exclusion, paths), state["exclusions"]))
        matcher._exclusions = {x.key: x for x in exclusions}
        matcher._empty = {}
        return matcher

    def terms(self) -> list[Term]:
        """Every surface form searched, in profile order."""
        terms = (self._terms[n] for n in range(len(self._terms)))
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
        accented: list[tuple[str, str]] = []
        plain: list[tuple[str, str]] = []
        for name, text in (("title", title), ("summary", summary), ("body", body), ("url", url)):
            if text:
                (accented if has_diacritics(text) else plain).append((name, text))
        notes: list[str] = []  # names found but not valid on the day
        found: list[tuple[Hit, Term]] = []
        if accented:
            self._find(accented, True, day, notes, found)
        if plain:
            self._find(plain, False, day, notes, found)
        if not found:  # most articles of a general feed: nothing to weigh
            return self._nothing(dated, day, outlet, tuple(notes))
        rules = [*_opening(dated, day, outlet), *notes]
        return self._decide(_prefer_longer(found), day, rules)

    def _nothing(self, dated: bool, day: date, outlet: str, notes: tuple[str, ...]) -> MatchResult:
        """The result of an article without hits; the same few recur, so they are kept."""
        key = (dated, day, outlet, notes)
        result = self._empty.get(key)
        if result is None:
            if len(self._empty) >= 1024:
                self._empty.clear()
            rules = [*_opening(dated, day, outlet), *notes, f"edu: không — {_NOTHING}."]
            rules.append("local: không — không phải tin giáo dục.")
            result = self._empty[key] = MatchResult(
                edu=False, local=False, alert=False, rules=tuple(dict.fromkeys(rules))
            )
        return result

    # ------------------------------------------------------------------ candidates

    def _find(
        self,
        parts: list[tuple[str, str]],
        accented: bool,
        day: date,
        notes: list[str],
        found: list[tuple[Hit, Term]],
    ) -> None:
        """Hits in fields of one kind (all accented, or all without diacritics), searched as
        one text; the separator keeps any term from spanning two fields."""
        joined = parts[0][1] if len(parts) == 1 else _SEP.join([t for _, t in parts])
        terms = self._terms
        if accented:
            form = screen_form(joined)
            if form is not None:
                screened = self._screen.find(form.code)
                if not screened:
                    return
                prefix_ids = self._prefix_ids
                if all(index >= 0 and index not in prefix_ids for index, _, _ in screened):
                    entries = self._exact.entries
                    candidates = [
                        (terms[number], start, end - 2, 100.0)
                        for index, start, end in screened
                        for number in entries[index]
                    ]
                    self._keep(parts, form, candidates, True, day, notes, found)
                    return
        prepared = Prepared(joined)
        norm = prepared.norm
        candidates = []
        if accented:
            found_exact = self._exact.find(" " + norm + " ")
            if not found_exact:
                return
            entries, prefix_ids = self._exact.entries, self._prefix_ids
            typed = False
            for index, start, end in found_exact:
                if index in prefix_ids:
                    typed = True
                for number in entries[index]:
                    candidates.append((terms[number], start, end - 2, 100.0))
            if typed:
                for index, start, end in self._fuzzy.find(" " + prepared.folded + " "):
                    surface = norm[start : end - 2]
                    for number in self._fuzzy.entries[index]:
                        term = terms[number]
                        score = _fuzzy_score(term, surface)
                        if score is not None:
                            candidates.append((term, start, end - 2, score))
        else:
            for index, start, end in self._folded.find(" " + prepared.folded + " "):
                surface = norm[start : end - 2]
                for number in self._folded.entries[index]:
                    term = terms[number]
                    score = 100.0 if surface == term.text else FOLDED_SCORE
                    candidates.append((term, start, end - 2, score))
        self._keep(parts, prepared, candidates, accented, day, notes, found)

    def _keep(
        self,
        parts: list[tuple[str, str]],
        source: Prepared | ScreenForm,
        candidates: list[tuple[Term, int, int, float]],
        accented: bool,
        day: date,
        notes: list[str],
        found: list[tuple[Hit, Term]],
    ) -> None:
        """The candidates that pass the guards and their dates, as hits on the fields
        (positions in the normalised text, mapped back by ``source``)."""
        starts = []
        pos = 0
        for _, text in parts:
            starts.append(pos)
            pos += len(text) + len(_SEP)
        for term, start, end, score in candidates:
            if term.first_word in _GUARDS:
                if accented:
                    before = source.word_before(start)
                    guards = _GUARDS[term.first_word]
                else:  # only a Prepared: an unaccented text is always normalised
                    before = source.word_before(start, folded=True)  # type: ignore[call-arg]
                    guards = _GUARDS_FOLDED[term.first_word]
                if before in guards:
                    continue
            if term.kind in ("unit", "place") and not term.valid_on(day):
                notes.append(_expired_note(term, source.surface(start, end)))
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

    # ------------------------------------------------------------------ rules

    def _decide(self, found: list[tuple[Hit, Term]], day: date, rules: list[str]) -> MatchResult:
        found, cancel_edu = self._apply_exclusions(found, rules)
        places: list[tuple[Hit, Term]] = []
        units: list[tuple[Hit, Term]] = []
        has_province = firm_unit = False
        for h, t in found:
            if h.kind == "place":
                places.append((h, t))
                has_province = has_province or t.place_kind == "province"
            elif h.kind == "unit":
                units.append((h, t))
                firm_unit = firm_unit or not t.generic
        anchors = [h for h, t in places if not t.ambiguous or has_province or firm_unit]
        for h, t in places:
            if t.ambiguous and h not in anchors:
                rules.append(
                    f"Địa danh '{h.key}' ({h.field}) trùng tên nơi khác: chỉ tính khi có tên tỉnh "
                    "hoặc một đơn vị."
                )
        unanchored = [] if anchors else [(h, t) for h, t in units if t.generic]
        for h, _ in unanchored:
            rules.append(
                f"Đơn vị '{h.key}' ({h.field}) có tên chung với nơi khác: không tính vì bài không "
                "có địa danh thuộc địa bàn."
            )
        dropped = {id(h) for h, _ in unanchored}
        kept = [(h, t) for h, t in found if h.kind != "context" and id(h) not in dropped]
        kept_units: list[Hit] = []
        strong_set: set[str] = set()
        weak_set: set[str] = set()
        headline: set[str] = set()
        alert_keys: dict[str, None] = {}
        for h, t in kept:
            if h.kind == "unit":
                kept_units.append(h)
            elif h.kind == "theme":
                if t.role == "strong":
                    strong_set.add(t.text)
                elif t.role == "weak":
                    weak_set.add(t.text)
                if h.field in HEADLINE_FIELDS:
                    headline.add(t.text)
            elif h.kind == "alert":
                alert_keys[h.key] = None
        strong, weak = sorted(strong_set), sorted(weak_set)
        if kept_units:
            edu, why = True, f"có đơn vị giáo dục '{kept_units[0].key}'"
        elif strong:
            edu, why = True, f"có từ khóa chủ đề mạnh '{strong[0]}'"
        elif len(weak) >= WEAK_NEEDED:
            edu, why = True, f"có {len(weak)} từ khóa chủ đề: {', '.join(repr(w) for w in weak)}"
        elif unanchored:
            edu, why = True, f"có tên trường/đơn vị giáo dục '{unanchored[0][0].key}' (nơi khác)"
        else:
            edu = False
            why = f"chỉ có {len(weak)} từ khóa chủ đề yếu (cần {WEAK_NEEDED})" if weak else _NOTHING
        if edu and not kept_units and not unanchored and not headline and len(strong) < 2:
            # A passing mention ("giảng viên trường đại học" quoted in a health story) is not an
            # education story: the headline or slug says what the story is about.
            edu = False
            why = "từ khóa giáo dục chỉ nhắc qua trong tóm tắt/nội dung, không ở tiêu đề"
        if edu and cancel_edu and not kept_units:
            edu, why = False, f"loại trừ '{cancel_edu}' cho biết đây không phải tin giáo dục"
        rules.append(f"edu: {'có' if edu else 'không'} — {why}.")

        if not edu:
            local, why = False, "không phải tin giáo dục"
        elif kept_units:
            local, why = True, f"đơn vị thuộc địa bàn '{kept_units[0].key}' (ở ngày {day})"
        elif anchors:
            local, why = True, f"địa danh thuộc địa bàn '{anchors[0].key}' (ở ngày {day})"
        else:
            local, why = False, f"không có đơn vị hay địa danh thuộc địa bàn ở ngày {day}"
        rules.append(f"local: {'có' if local else 'không'} — {why}.")

        alerts = tuple(alert_keys)
        alert = edu and bool(alerts)
        severity = max((self._severity[k] for k in alerts), default=0) if alert else 0
        if alerts:
            verdict = (
                f"có — '{alerts[0]}' (mức {severity})"
                if alert
                else "không — không phải tin giáo dục"
            )
            rules.append(f"alert: {verdict}.")
        hits = sorted([h for h, _ in kept], key=_hit_order)
        unit_keys: dict[str, None] = {}
        theme_keys: dict[str, None] = {}
        for h in hits:
            if h.kind == "unit":
                unit_keys[h.key] = None
            elif h.kind == "theme":
                theme_keys[h.key] = None
        return MatchResult(
            edu=edu,
            local=local,
            alert=alert,
            units=tuple(unit_keys),
            themes=tuple(theme_keys),
            alerts=alerts,
            severity=severity,
            hits=tuple(hits),
            rules=tuple(dict.fromkeys(rules)),
        )

    def _apply_exclusions(
        self, found: list[tuple[Hit, Term]], rules: list[str]
    ) -> tuple[list[tuple[Hit, Term]], str]:
        excl_hits = [h for h, t in found if t.kind == "exclusion"]
        if not excl_hits:
            return found, ""
        contexts = {h.key for h, t in found if t.kind == "context"}
        cancelled: set[int] = set()
        cancel_edu = ""
        for hit in excl_hits:
            excl = self._exclusions[hit.key]
            if excl.requires_any and excl.key not in contexts:
                rules.append(
                    f"Loại trừ '{excl.key}' ('{hit.term}', {hit.field}) không áp dụng: "
                    "thiếu từ đi kèm."
                )
                continue
            if "edu" in excl.cancels:
                cancel_edu = excl.key
            victims = [
                (h, t)
                for h, t in found
                if h.kind in excl.cancels
                and (
                    excl.scope == "article"
                    or (h.field == hit.field and h.start < hit.end and hit.start < h.end)
                )
            ]
            for h, _ in victims:
                cancelled.add(id(h))
            names = ", ".join(sorted({f"{h.kind} '{h.key}'" for h, _ in victims})) or "không có gì"
            rules.append(f"Loại trừ '{excl.key}' ('{hit.term}', {hit.field}): hủy {names}.")
        return [(h, t) for h, t in found if id(h) not in cancelled], cancel_edu


# ------------------------------------------------------------------ the compiled-profile cache

_CACHE_FORMAT = 4  # the layout of the cache file; the code itself is hashed into the key
_CACHE_CODE = ("keywords.py", "matching.py", "terms.py", "textnorm.py", "yamlload.py")


def _load(folder: Path | str) -> KeywordProfile:
    from dumon import keywords  # not needed by a matcher read from its cache

    return keywords.load_keywords(folder)


def _cache_key(folder: Path) -> str | None:
    """A checksum of everything the compiled profile depends on: every keywords file, the
    code that reads and compiles them, and the Python that runs it. None when unreadable.
    CRC-32 and Adler-32 together: a change detector, cheaper to start than hashlib."""
    if not folder.is_dir():
        return None  # loading reports it
    chunks = [f"{_CACHE_FORMAT}\0{sys.version}\0".encode()]
    try:
        here = Path(__file__).parent
        code = [(name, here / name) for name in _CACHE_CODE]
        data = sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml"))
        for name, file in [*code, *((str(f.relative_to(folder)), f) for f in data)]:
            content = file.read_bytes()
            chunks += [f"{name}\0{len(content)}\0".encode(), content]
    except OSError:
        return None
    crc, adler = 0, 1
    for chunk in chunks:
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    return f"{crc:08x}{adler:08x}"


def _read_cache(path: Path, key: str, folder: Path) -> Matcher | None:
    """The cached matcher, or None when missing, stale or unreadable (then it is rebuilt).

    The file is a header line (the key, and a checksum of the rest) and the profile's
    lines: most are parsed only when first used, so the checksum is what vouches for them."""
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        head = json.loads(header)
        if head["key"] != key:
            return None
        if head["check"] != zlib.crc32(body):
            raise ValueError("content does not match its checksum")
        return Matcher._from_cache_lines(body.split(b"\n"), folder)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        _note("profile cache %s unreadable (%s): rebuilding it", path, exc)
        return None


def _write_cache(path: Path, key: str, lines: list[bytes]) -> None:
    """Save atomically; a desk we cannot write to only loses the speed-up."""
    body = b"\n".join(lines)
    header = json.dumps({"key": key, "check": zlib.crc32(body)}).encode()
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(header + b"\n" + body)
        os.replace(temp, path)
    except OSError as exc:
        _note("profile cache %s not written: %s", path, exc)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return
    for old in path.parent.glob("matcher-" + "[0-9a-f]" * 16 + ".json"):
        with contextlib.suppress(OSError):  # the single-JSON form of versions before lines
            old.unlink()


def _note(message: str, *args: Any) -> None:
    """Log what happened to the cache at INFO; logging is imported only then (rarely)."""
    import logging

    logging.getLogger(__name__).info(message, *args)


def _encode(record: Any, paths: dict[Path, int]) -> list[Any]:
    """A Term or an Exclusion as a JSON list in field order (paths by their position)."""
    out: list[Any] = []
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, Path):
            value = paths[value]
        elif isinstance(value, date):
            value = value.isoformat()
        out.append(value)
    return out


def _decoder(kind: type[Any], paths: list[Path]) -> Callable[[list[Any]], Any]:
    """The inverse of :func:`_encode` for one record type (field order is guarded by hashing
    terms.py into the cache key)."""
    fields = dataclasses.fields(kind)
    steps: list[tuple[int, Callable[[Any], Any]]] = []
    for i, field in enumerate(fields):
        if field.name == "path":
            steps.append((i, paths.__getitem__))
        elif field.name.startswith("valid_"):
            steps.append((i, lambda v: v if v is None else date.fromisoformat(v)))
        elif str(field.type).startswith("tuple"):
            steps.append((i, tuple))

    def decode(values: list[Any]) -> Any:
        if len(values) != len(fields):
            raise ValueError(f"{kind.__name__}: {len(values)} values for {len(fields)} fields")
        args = list(values)
        for i, convert in steps:
            args[i] = convert(args[i])
        return kind(*args)

    return decode


def _fuzzy_score(term: Term, surface: str) -> float | None:
    """The similarity of a name written with other diacritics, if close enough to count."""
    if surface == term.text:
        return None  # found by the exact search already
    cut = term.name_start
    if surface[:cut] != term.text[:cut]:  # the type words (THPT, Sở…) must be exact
        return None
    from rapidfuzz.fuzz import ratio  # rarely needed: kept off the start-up path

    threshold = _fuzzy_threshold(len(term.text) - cut)
    score = ratio(surface[cut:], term.text[cut:])
    return round(score, 1) if threshold is not None and score >= threshold else None


def _opening(dated: bool, day: date, outlet: str) -> list[str]:
    """The first rules of every explanation: the day names are judged on, the outlet."""
    if dated:
        rules = [f"Ngày xét: {day}."]
    else:
        rules = [f"Không có ngày đăng: xét theo tên còn hiệu lực hôm nay ({day})."]
    if outlet:
        rules.append(f"Nguồn: {outlet}.")
    return rules


def _expired_note(term: Term, surface: str) -> str:
    window = []
    if term.valid_from:
        window.append(f"từ {term.valid_from}")
    if term.valid_until:
        window.append(f"đến {term.valid_until}")
    return f"Bỏ '{surface}': tên của '{term.label}' chỉ dùng {' '.join(window)}."


_FIELD_ORDER = {field: i for i, field in enumerate(FIELDS)}


def _hit_order(hit: Hit) -> tuple[int, int, int]:
    return _FIELD_ORDER.get(hit.field, 9), hit.start, -hit.end


def _prefer_longer(found: list[tuple[Hit, Term]]) -> list[tuple[Hit, Term]]:
    """Within one field and kind, drop a hit covered by a longer one; of two equal spans with
    the same key keep the better score ("THPT chuyên Lê Hồng Phong" over "Lê Hồng Phong")."""
    if len(found) < 2:
        return found
    found.sort(key=lambda ht: (ht[0].field, ht[0].kind, ht[0].start, -ht[0].end, -ht[0].score))
    out: list[tuple[Hit, Term]] = []
    group_key = None
    covers: list[tuple[int, int, str]] = []
    for hit, term in found:
        key = (hit.field, hit.kind)
        if key != group_key:
            group_key, covers = key, []
        inside = False
        for s, e, k in covers:
            if (
                s <= hit.start
                and hit.end <= e
                and ((e - s) > (hit.end - hit.start) or k == hit.key)
            ):
                inside = True
                break
        if not inside:
            out.append((hit, term))
            covers.append((hit.start, hit.end, hit.key))
    return out


def explain(result: MatchResult, texts: dict[str, str] | None = None) -> list[str]:
    """Lines saying what was decided and why; ``texts`` (field → text) adds the words found."""
    yes = {True: "có", False: "không"}
    lines = [
        f"Tin giáo dục (edu): {yes[result.edu]}",
        f"Thuộc địa bàn (local): {yes[result.local]}",
        f"Cần chú ý (alert): {yes[result.alert]}"
        + (f", mức {result.severity}" if result.alert else ""),
    ]
    if result.units:
        lines.append("Đơn vị: " + "; ".join(result.units))
    if result.themes:
        lines.append("Chủ đề: " + ", ".join(result.themes))
    if result.alerts:
        lines.append("Sự cố: " + ", ".join(result.alerts))
    lines.append(f"Từ khóa tìm thấy ({len(result.hits)}):")
    for hit in result.hits:
        where = f"{hit.field}[{hit.start}:{hit.end}]"
        seen = ""
        if texts and texts.get(hit.field):
            seen = f' = "{_printable(texts[hit.field][hit.start : hit.end])}"'
        how = " (không dấu)" if hit.folded else ""
        lines.append(
            f"  {hit.kind:<9} {hit.key} ← '{hit.term}' ở {where}{seen}, điểm {hit.score:g}{how}"
        )
    lines.append("Quy tắc:")
    lines.extend(f"  {rule}" for rule in result.rules)
    return lines


def _printable(text: str) -> str:
    """Article text for a terminal: control characters (escape sequences) removed."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C" or c == " ")
