"""How much a story matters to the department's leadership: a score, and the reasons for it.

The digest ranks each section by this score (alerts first by place and severity). What adds
up, each with the words of ``keywords/signals.yaml`` and ``keywords/regions.yaml``:

- where: the province's own story first, then a nationwide one, a neighbour's, another
  province's; a story abroad without a Vietnamese angle is not shown;
- who acts: the Party centre, the National Assembly, the Government, the Ministry (weight 3),
  other ministries (2), a province's authorities (1) — counted twice in the headline;
- what kind of act: a draft, a decree, a rule, an exam calendar, a figure for every school;
- how many outlets carry it;
- soft content (advertorials, celebrities, human-interest features) sinks.

Everything here is plain arithmetic over what the matcher stored (hits, scope, flags), so a
rank can be explained line by line (``dumon digest --explain``, the JSON's ``why``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SCOPE_POINTS = {"local": 10, "national": 3, "neighbour": 2, "province": 0, "abroad": -6}
SCOPE_WORDS = {
    "local": "tin của tỉnh",
    "national": "phạm vi cả nước",
    "neighbour": "tỉnh lân cận",
    "province": "một địa phương khác",
    "abroad": "nước ngoài",
}
MAX_ACTS = 4  # acts add up to this many points
MAX_OUTLETS = 3  # extra outlets add up to this many points


@dataclass(frozen=True)
class Signal:
    """What a signal key of the profile means (from ``signals.yaml``)."""

    name: str
    kind: str  # actor, act, soft, roundup
    weight: int


@dataclass(frozen=True)
class Importance:
    score: int
    reasons: tuple[str, ...]  # Vietnamese, one per point source: "Bộ GDĐT ở tiêu đề +6"


def importance(
    *,
    scope: str,
    signals: Iterable[tuple[str, str]],
    outlets: int,
    book: dict[str, Signal],
) -> Importance:
    """The score of a story from where it happens, its signal hits (key, field) and how many
    outlets carry it."""
    points = SCOPE_POINTS.get(scope, 0)
    reasons = [f"{SCOPE_WORDS.get(scope, 'phạm vi chưa rõ')} {points:+d}"] if points else []
    best: dict[str, tuple[int, str]] = {}  # kind → (points, reason) of the best actor
    acts: dict[str, int] = {}
    soft: dict[str, int] = {}
    for key, field in signals:
        signal = book.get(key)
        if signal is None:
            continue
        in_title = field == "title"
        if signal.kind == "actor":
            value = signal.weight * (2 if in_title else 1)
            if value > best.get("actor", (0, ""))[0]:
                where = "ở tiêu đề" if in_title else "trong bài"
                best["actor"] = (value, f"{signal.name} {where} {value:+d}")
        elif signal.kind == "act":
            value = signal.weight if in_title else signal.weight // 2
            acts[signal.name] = max(acts.get(signal.name, 0), value)
        elif signal.kind == "soft":
            value = signal.weight * (2 if in_title else 1)
            soft[signal.name] = max(soft.get(signal.name, 0), value)
    if "actor" in best:
        value, reason = best["actor"]
        points += value
        reasons.append(reason)
    act_points = min(MAX_ACTS, sum(acts.values()))
    if act_points:
        points += act_points
        names = ", ".join(name for name, value in acts.items() if value)
        reasons.append(f"{names} {act_points:+d}")
    for name, value in soft.items():
        points -= value
        reasons.append(f"{name} {-value:+d}")
    extra = min(MAX_OUTLETS, outlets - 1)
    if extra > 0:
        points += extra
        reasons.append(f"{outlets} báo đăng {extra:+d}")
    return Importance(points, tuple(reasons))
