"""One story across outlets: reprints, rewrites and same-day follow-ups of one event.

Every article of the window takes part, the ones the digest keeps and the others: words are
weighed by how rare they are among all of the window's articles (a day's "học sinh" weighs
little, "Bình Quới Tây" a lot), and an article the digest would not keep on its own may join
a kept story as its reprint. An article is a bag of accent-folded words and word pairs of its
title and lead; two articles tell the same story when their bags are close (cosine of
rarity-weighted counts) or when they share a rare proper name ("Tô Hiến Thành", "Steve Jobs
Việt Nam") and are somewhat close. Only pairs that share a rare word pair or name are compared
(blocking), and only within three days, which keeps a month-long window fast.

A news roundup ("Xem nhanh 20h: Thôi chức Chủ tịch Hội đồng Trường Tô Hiến Thành | …") is
read by the story it leads with, so it joins that story.

How well this works on the reference mornings: ``bench/stories_eval.py``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from dumon.textnorm import fold

# Function syllables of Vietnamese headlines (folded): they carry no topic.
# fmt: off
STOPWORDS = frozenset((
    "va", "cua", "la", "co", "cho", "voi", "trong", "cac", "nhung", "mot", "duoc", "bi", "khi",
    "tai", "de", "o", "nay", "da", "se", "thi", "tu", "ve", "ra", "len", "vao", "the", "nao",
    "gi", "khong", "hon", "sau", "truoc", "nhu", "vi", "do", "den", "nhieu", "con", "rat", "cung",
    "van", "lai", "moi", "hay", "nen", "ma", "neu", "phai", "dang", "tren", "duoi", "gan", "qua",
    "giua", "theo", "ngay", "nam", "thang", "sang", "chieu", "toi",
))
# fmt: on
LEAD_TOKENS = 60  # the lead is enough; long bodies would blur the signal
MAX_GAP_HOURS = 72  # copies and follow-ups of one story appear within a few days
NAME_DF = 6  # a proper name in at most this many of the window's articles is rare…
NAME_SHARE = 20  # …and in at most one in this many of them (a handful of articles: two)
SAMPLE = 1500  # articles not kept that weigh words in a long window (all of them in a day's)
BLOCK_DF = 40  # features shared by more articles than this do not propose pairs
SMOOTH = 100  # added to the count of articles when weighing words: a few articles weigh alike
MIN_WORDS = 3  # an article with fewer distinct words is too generic to join by similarity

# Proper names: two or more capitalised words in a row ("Tô Hiến Thành", "Steve Jobs").
# Loose: it also takes a word starting with a lower-case accented letter ("và Đào" → "à Đào",
# "ở Ninh Bình"); clustering's figures on the reference mornings were measured with it (a
# strict pattern lost a third of the reprints), so it stays, and incidents use the strict one,
# which also keeps a name's last word before a comma ("trường THPT Anh Hùng Núp, bị…").
_NAME_RE = re.compile(r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹđ]*(?:[ \t]+|$)){2,}")
_UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper())
_PROPER_RE = re.compile(rf"(?<!\w)[{_UPPER}]\w*(?:[ \t]+[{_UPPER}]\w*)+")
# A proper name written after the kind of body it names: "Trường tiểu học Đặng Thùy Trâm".
_BODY_RE = re.compile(
    rf"(?i:trường|thpt|thcs|tiểu học|mầm non|đại học|cao đẳng|học viện)[ \t]+"
    rf"([{_UPPER}]\w*(?:[ \t]+[{_UPPER}]\w*)+)"
)
_ROUNDUP_CUT = re.compile(r"\s[|;]\s")
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class StoryItem:
    """What clustering needs to know of an article."""

    title: str
    summary: str = ""
    outlet: str = ""
    published: str = ""  # ISO 8601 with offset, so text order is time order
    kept: bool = True  # the digest keeps it on its own; others only join kept stories
    roundup: bool = False  # a news roundup: read by its first item only


@dataclass(frozen=True)
class Thresholds:
    """When two articles are the same story (cosine similarity of rarity-weighted words)."""

    kept: float = 0.35  # two articles the digest keeps
    joining: float = 0.45  # an article the digest would not keep, joining a kept one
    shared_name: float = 0.15  # added when both name the same rare person, school or place


@dataclass
class _Features:
    counts: Counter[str]
    names: frozenset[str]
    title: str
    words: int  # distinct words of the title and lead
    vector: dict[str, float] | None = None
    text: str = ""  # the title and lead read (a roundup's first item)
    _proper: frozenset[str] | None = None

    @property
    def proper(self) -> frozenset[str]:
        """Proper names, strictly (every word capitalised)."""
        if self._proper is None:
            self._proper = _names(self.text, _PROPER_RE)
        return self._proper

    @property
    def bodies(self) -> frozenset[str]:
        """Proper names of schools and other bodies, written after their kind."""
        found = set()
        for match in _BODY_RE.finditer(self.text):
            words = _LETTERS.findall(fold(match.group(1)).lower())
            if len(words) >= 2:
                found.add(" ".join(words))
        return frozenset(found)


def _words(text: str) -> list[str]:
    """The accent-folded words, lower case, without function words and numbers (folding
    removes the tone marks, so the tone style needs no normalising)."""
    return [w for w in _LETTERS.findall(fold(text).lower()) if w not in STOPWORDS]


def _names(text: str, pattern: re.Pattern[str] = _NAME_RE) -> frozenset[str]:
    found = set()
    for match in pattern.finditer(text):
        words = _LETTERS.findall(fold(match.group()).lower())
        if len(words) >= 2:
            found.add(" ".join(words))
    return frozenset(found)


def _features(item: StoryItem) -> _Features:
    title, lead = item.title, item.summary
    if item.roundup:  # the first item of the roundup only
        title = _ROUNDUP_CUT.split(title.split(":", 1)[-1], 1)[0]
        lead = _ROUNDUP_CUT.split(lead.split(":", 1)[-1], 1)[0]
    title_words, lead_words = _words(title), _words(lead)[:LEAD_TOKENS]
    counts: Counter[str] = Counter()
    for words in (title_words, lead_words):
        counts.update(words)
        counts.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    distinct = len(set(title_words) | set(lead_words))
    text = f"{title} . {lead}"
    return _Features(counts, _names(text), " ".join(title_words), distinct, text=text)


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Of two unit vectors; the shared keys are found by the set machinery, in C."""
    return sum(a[k] * b[k] for k in a.keys() & b.keys())


def _hours(published: str) -> float | None:
    try:
        return datetime.fromisoformat(published).timestamp() / 3600 if published else None
    except ValueError:
        return None


def cluster_stories(
    items: Sequence[StoryItem], *, limits: Thresholds | None = None, rarity: Rarity | None = None
) -> list[list[int]]:
    """Group indices of `items` into stories; each group starts with its first publisher.

    Every group holds at least one kept item (the others are left out); groups are returned
    in the order of their leads' publication time. `rarity` is ``Rarity(items)`` when the
    caller has it already."""
    limits = limits or Thresholds()
    n = len(items)
    rarity = rarity or Rarity(items)
    features = rarity.features
    df, names_df, rare_name = rarity.df, rarity.names_df, rarity.rare_name
    # In a long window the others only weigh words: a month's view does without their copies.
    joining = len(features) == n

    def vector(f: _Features) -> dict[str, float]:
        if f.vector is None:
            f.vector = rarity.vector(f.counts)
        return f.vector

    hours = [_hours(item.published) for item in items]
    parent = list(range(n))
    members_of = {i: [i] for i in range(n)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Pairs worth comparing: a rare word pair or a rare name in common, one of them kept.
    postings: dict[str, list[int]] = defaultdict(list)
    for i, f in sorted(features.items()):
        if not (joining or items[i].kept):
            continue
        for key in f.counts:
            if " " in key and df[key] <= BLOCK_DF:
                postings[key].append(i)
        for name in f.names:
            if names_df[name] <= rare_name:
                postings["\0" + name].append(i)
    compared: set[tuple[int, int]] = set()
    for members in postings.values():
        kept_members = [i for i in members if items[i].kept]
        if not kept_members or len(members) < 2:
            continue
        for i in kept_members:
            for j in members:
                pair = (i, j) if i < j else (j, i)
                if i == j or pair in compared:
                    continue
                compared.add(pair)
                hi, hj = hours[i], hours[j]
                if hi is not None and hj is not None and abs(hi - hj) > MAX_GAP_HOURS:
                    continue
                if find(i) == find(j):
                    continue
                a, b = features[i], features[j]
                if _same_story(
                    a,
                    b,
                    _cosine(vector(a), vector(b)),
                    names_df,
                    rare_name,
                    limits,
                    items[i].kept and items[j].kept,
                ):
                    ri, rj = find(i), find(j)
                    if not _cohesive(members_of[ri], members_of[rj], features, vector):
                        continue
                    root, other = min(ri, rj), max(ri, rj)
                    parent[other] = root
                    members_of[root] += members_of.pop(other)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    kept = [g for g in groups.values() if any(items[i].kept for i in g)]
    ordered = [sorted(g, key=lambda i: _lead_order(items[i], i)) for g in kept]
    ordered.sort(key=lambda g: (items[g[0]].published or "~", g[0]))
    return ordered


COHESION = 0.2  # two stories merge only when their articles are this close on average


def _cohesive(
    a: list[int],
    b: list[int],
    features: dict[int, _Features],
    vector: Callable[[_Features], dict[str, float]],
) -> bool:
    """Whether two stories about to merge are close as wholes, not only by one pair: single
    links chain a day's many khai giảng stories into one."""
    if len(a) == 1 and len(b) == 1:
        return True
    total = sum(_cosine(vector(features[i]), vector(features[j])) for i in a for j in b)
    return total / (len(a) * len(b)) >= COHESION


class Rarity:
    """How rare each word and proper name is among a window's articles: the weights
    `cluster_stories` compares articles with, also used to compare a story with the words of
    an incident of earlier days (``incident_build``)."""

    def __init__(
        self, items: Sequence[StoryItem], features: dict[int, _Features] | None = None
    ) -> None:
        features = _weighable(items) if features is None else features
        n = len(items)
        self.df: dict[str, float] = defaultdict(float)
        self.names_df: dict[str, float] = defaultdict(float)
        self.features = features
        self._items = items
        self._proper_df: dict[str, float] | None = None
        self._vectors: dict[int, tuple[Bag, dict[str, float]]] = {}
        others = [i for i in range(n) if not items[i].kept]
        scale = len(others) / max(1, sum(1 for i in others if i in features))
        for i, f in features.items():
            share = 1.0 if items[i].kept else scale
            for key in f.counts:
                self.df[key] += share
            for name in f.names:
                self.names_df[name] += share
        self.weight = {k: math.log((n + SMOOTH) / (c + 0.5)) for k, c in self.df.items()}
        self.unseen = math.log((n + SMOOTH) / 1.5)  # a word the sample did not hold is rare
        self.rare_name = max(2, min(NAME_DF, n // NAME_SHARE))

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """The unit vector of rarity-weighted counts."""
        raw = {k: c * self.weight.get(k, self.unseen) for k, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in raw.values())) or 1.0
        return {k: x / norm for k, x in raw.items()}

    def similarity(self, a: Bag, b: Bag) -> float:
        """Cosine of two bags of words, weighed by this window's rarity."""
        return _cosine(self._bag_vector(a), self._bag_vector(b))

    def _bag_vector(self, bag: Bag) -> dict[str, float]:
        """A bag's vector, computed once per bag in this window (bags are never changed)."""
        known = self._vectors.get(id(bag))
        if known is None or known[0] is not bag:
            known = (bag, self.vector(bag.counts))
            self._vectors[id(bag)] = known
        return known[1]

    def shared_rare_names(self, a: Bag, b: Bag) -> frozenset[str]:
        """Proper names both bags hold that are rare in this window (a name the window does
        not hold at all is rare)."""
        if self._proper_df is None:  # counted on first use: clustering does not need them
            self._proper_df = defaultdict(float)
            others = [i for i, item in enumerate(self._items) if not item.kept]
            scale = len(others) / max(1, sum(1 for i in others if i in self.features))
            for i, f in self.features.items():
                for name in f.proper:
                    self._proper_df[name] += 1.0 if self._items[i].kept else scale
        df = self._proper_df
        return frozenset(n for n in a.names & b.names if df.get(n, 0.0) <= self.rare_name)


@dataclass(frozen=True)
class Bag:
    """The words (and word pairs) and proper names of one or more articles' title and lead."""

    counts: Counter[str]
    names: frozenset[str]
    bodies: frozenset[str] = frozenset()  # the names of schools and bodies among them

    @property
    def words(self) -> int:
        return sum(1 for key in self.counts if " " not in key)


def bag_of(items: Sequence[StoryItem]) -> Bag:
    """The words of a group of articles taken together (a story, an incident), with their
    proper names (strictly: every word capitalised)."""
    counts: Counter[str] = Counter()
    names: set[str] = set()
    bodies: set[str] = set()
    for item in items:
        f = _features(item)
        counts.update(f.counts)
        names |= f.proper
        bodies |= f.bodies
    return Bag(counts, frozenset(names), frozenset(bodies))


def _weighable(items: Sequence[StoryItem]) -> dict[int, _Features]:
    """The features of the kept items and of the others that weigh words: all of them in a
    day's window (and they may join a kept story); in a long one (a month), an even sample
    of ``SAMPLE`` others, whose counts then stand for all: the weights barely move, the cost
    of a month's digest does."""
    others = [i for i, item in enumerate(items) if not item.kept]
    step = max(1, math.ceil(len(others) / SAMPLE))
    chosen = {i for i, item in enumerate(items) if item.kept} | set(others[::step])
    return {i: _features(items[i]) for i in sorted(chosen)}


def _lead_order(item: StoryItem, index: int) -> tuple[bool, bool, str, int]:
    """The lead of a story is its first publisher among kept articles, never a roundup."""
    return (item.roundup, not item.kept, item.published or "~", index)


def _same_story(
    a: _Features,
    b: _Features,
    similarity: float,
    names_df: dict[str, float],
    rare_name: int,
    limits: Thresholds,
    both_kept: bool,
) -> bool:
    if a.title and a.title == b.title:
        return True
    if min(a.words, b.words) < MIN_WORDS:
        return False
    if any(names_df[name] <= rare_name for name in a.names & b.names):
        similarity += limits.shared_name
    return similarity >= (limits.kept if both_kept else limits.joining)
