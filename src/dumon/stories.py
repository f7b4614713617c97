"""One story across outlets: cluster syndicated copies, aggregator copies and rewrites.

Each article becomes a bag of accent-folded syllables (title, and title + lead), weighted by
how rare each syllable is among the articles being clustered, so that sharing "Nam Định" or
"học sinh" says little and sharing "đuối nước" or a school's name says a lot. Identical titles
(aggregator copies) join at once; otherwise only pairs that share a rare syllable or pair of
syllables of their titles and appeared within three days of each other are compared
(blocking), which keeps a day of a few thousand articles well under a second. Pairs above the
thresholds are joined; the earliest article of a cluster is its lead (the first publisher),
the others are "đăng lại". How well this works on real news: ``bench/stories_eval.py``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

from dumon.textnorm import fold, normalize

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
SUMMARY_TOKENS = 60  # the lead is enough; long bodies would blur the signal
MAX_SHINGLE_SHARE = 0.02  # a shingle in more than 2 % of the titles is too common to block on
MIN_SHINGLE_DF = 30
MAX_SHINGLE_DF = 200  # …and never more than this, so a month-long window stays fast
MAX_GAP_HOURS = 72  # copies and rewrites of one story appear within a few days


@dataclass(frozen=True)
class StoryItem:
    """What clustering needs to know of an article."""

    title: str
    summary: str = ""
    outlet: str = ""
    published: str = ""  # ISO 8601 with offset, so text order is time order


@dataclass(frozen=True)
class Thresholds:
    """When two articles are the same story (weighted Jaccard of folded syllables, 0..1)."""

    title_alone: float = 0.62  # titles this close are the same story whatever the lead says
    title_with_lead: float = 0.38  # looser titles need the leads to agree too
    lead: float = 0.30
    title_min: float = 0.25  # …or leads this close (0.42) with titles sharing at least this
    lead_alone: float = 0.42
    ratio: float = 92.0  # rapidfuzz token_sort_ratio of the folded titles (typos, punctuation)
    min_tokens: int = 4  # shorter titles are too generic to merge on their own


@dataclass
class _Features:
    title_tokens: list[str]
    title_set: frozenset[str]
    text_set: frozenset[str]
    title_text: str
    title_weight: float = 0.0  # sums of the weights of each set, computed once per batch
    text_weight: float = 0.0


def _tokens(text: str) -> list[str]:
    return fold(normalize(text)).split() if text else []


def _features(item: StoryItem) -> _Features:
    title = _tokens(item.title)
    lead = _tokens(item.summary)[:SUMMARY_TOKENS]
    title_set = frozenset(t for t in title if t not in STOPWORDS)
    return _Features(
        title_tokens=title,
        title_set=title_set,
        text_set=title_set | frozenset(t for t in lead if t not in STOPWORDS),
        title_text=" ".join(title),
    )


def _weighted_jaccard(
    a: frozenset[str], b: frozenset[str], a_weight: float, b_weight: float, weight: dict[str, float]
) -> float:
    """Σ weight(a ∩ b) / Σ weight(a ∪ b), with the sums of a and b given."""
    if not a or not b:
        return 0.0
    inter = sum(weight[t] for t in a & b)
    union = a_weight + b_weight - inter
    return inter / union if union > 0 else 0.0


def _same_story(a: _Features, b: _Features, weight: dict[str, float], limits: Thresholds) -> bool:
    """Whether two articles tell the same story."""
    if min(len(a.title_set), len(b.title_set)) < limits.min_tokens:
        return a.title_text == b.title_text and len(a.title_tokens) >= 3
    title = _weighted_jaccard(a.title_set, b.title_set, a.title_weight, b.title_weight, weight)
    if title >= limits.title_alone:
        return True
    if title >= limits.title_min:
        lead = _weighted_jaccard(a.text_set, b.text_set, a.text_weight, b.text_weight, weight)
        if lead >= limits.lead_alone or (title >= limits.title_with_lead and lead >= limits.lead):
            return True
    return fuzz.token_sort_ratio(a.title_text, b.title_text) >= limits.ratio


def _shingles(tokens: list[str]) -> set[str]:
    return {f"{x} {y}" for x, y in zip(tokens, tokens[1:], strict=False)} | {
        t for t in tokens if t not in STOPWORDS and len(t) > 1 and not t.isdigit()
    }


def _hours(published: str) -> float | None:
    try:
        return datetime.fromisoformat(published).timestamp() / 3600 if published else None
    except ValueError:
        return None


def cluster_stories(
    items: Sequence[StoryItem], *, limits: Thresholds | None = None
) -> list[list[int]]:
    """Group indices of `items` into stories; each group starts with its first publisher.

    Groups are returned in the order of their leads' publication time.
    """
    limits = limits or Thresholds()
    features = [_features(item) for item in items]
    n = len(items)
    df: dict[str, int] = defaultdict(int)
    for f in features:
        for token in f.text_set:
            df[token] += 1
    # Smoothed idf: on a handful of articles every word weighs about the same.
    weight = {t: math.log((n + 20) / (c + 1)) for t, c in df.items()}
    for f in features:
        f.title_weight = sum(weight[t] for t in f.title_set)
        f.text_weight = sum(weight[t] for t in f.text_set)

    hours = [_hours(item.published) for item in items]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def close_in_time(i: int, j: int) -> bool:
        hi, hj = hours[i], hours[j]
        return hi is None or hj is None or abs(hi - hj) <= MAX_GAP_HOURS

    # Identical titles (aggregator copies, syndication) are one story straight away; only the
    # first of them is compared with the rest.
    first_with_title: dict[str, int] = {}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(features):
        if len(f.title_tokens) >= 3:
            earlier = first_with_title.setdefault(f.title_text, i)
            if earlier != i and close_in_time(earlier, i):
                parent[i] = find(earlier)
                continue
            first_with_title[f.title_text] = i
        for shingle in _shingles(f.title_tokens):
            postings[shingle].append(i)

    cap = min(MAX_SHINGLE_DF, max(MIN_SHINGLE_DF, int(n * MAX_SHINGLE_SHARE)))
    compared: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) < 2 or len(members) > cap:
            continue
        # In time order (undated first), so the scan of later members stops past the gap.
        members.sort(key=lambda k: -math.inf if hours[k] is None else hours[k])
        for x, i in enumerate(members):
            hi = hours[i]
            for j in members[x + 1 :]:
                if hi is not None and hours[j] - hi > MAX_GAP_HOURS:
                    break
                pair = (i, j) if i < j else (j, i)
                ri, rj = find(i), find(j)
                if ri == rj or pair in compared:
                    continue
                compared.add(pair)
                if _same_story(features[i], features[j], weight, limits):
                    parent[max(ri, rj)] = min(ri, rj)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    ordered = [sorted(g, key=lambda i: (items[i].published or "~", i)) for g in groups.values()]
    ordered.sort(key=lambda g: (items[g[0]].published or "~", g[0]))
    return ordered
