"""``dumon keywords check``: what a profile that loads may still get wrong.

Loading refuses what cannot be read (:mod:`dumon.matching.keywords`); the lint finds what reads
but will not work as meant: one name for two units at once, an exclusion that always cancels
its own kind, a theme word that is a name, an old name outliving the new one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dumon.matching.expand import build_terms
from dumon.matching.keywords import KeywordProfile
from dumon.terms import Term
from dumon.textnorm import normalize


@dataclass(frozen=True)
class Problem:
    """A finding of ``lint_keywords``; errors make ``dumon keywords check`` exit 2."""

    level: str  # error | warning
    path: Path
    line: int | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.path}, dòng {self.line}" if self.line else str(self.path)
        label = "Lỗi" if self.level == "error" else "Cảnh báo"
        return f"{label}: {where}: {self.message}. Cách sửa: {self.fix}"


def _overlap(a: Term, b: Term) -> bool:
    return (a.valid_until is None or b.valid_from is None or b.valid_from <= a.valid_until) and (
        b.valid_until is None or a.valid_from is None or a.valid_from <= b.valid_until
    )


def lint_keywords(profile: KeywordProfile) -> list[Problem]:
    """Problems a loaded profile still has: shared names, self-cancelling exclusions, dates."""
    problems: list[Problem] = []
    terms = build_terms(profile)
    by_text: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        by_text[term.text].append(term)
    reported: set[tuple[str, str, str]] = set()
    for text, seen in by_text.items():
        units = [t for t in seen if t.kind == "unit"]
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                if a.key == b.key or not _overlap(a, b):
                    continue
                pair = tuple(sorted((a.key, b.key)))
                if (pair[0], pair[1], "unit") in reported:  # once per pair of units
                    continue
                reported.add((pair[0], pair[1], "unit"))
                written = normalize(a.written) == text and normalize(b.written) == text
                problems.append(
                    Problem(
                        "error" if written else "warning",
                        b.path,
                        b.line,
                        f"tên '{text}' dùng cho cả '{a.key}' ({a.path.name} dòng {a.line}) và "
                        f"'{b.key}' trong cùng thời gian",
                        "giữ tên ở một đơn vị, hoặc đặt valid_from/valid_until để hai tên không "
                        "trùng thời gian",
                    )
                )
        kinds = {t.kind for t in seen}
        for x in (t for t in seen if t.kind == "exclusion"):
            excl = next(e for e in profile.exclusions if e.key == x.key)
            if excl.requires_any:  # cancels only with its context words: intended
                continue
            hit = kinds & set(excl.cancels)
            if hit:
                problems.append(
                    Problem(
                        "warning",
                        x.path,
                        x.line,
                        f"loại trừ '{x.key}' có từ '{text}' trùng với một từ khóa loại "
                        f"{', '.join(sorted(hit))}: từ khóa đó sẽ luôn bị hủy",
                        "bỏ từ này khỏi loại trừ, hoặc viết cụ thể hơn",
                    )
                )
        if "theme" in kinds and kinds & {"unit", "place"}:
            t = next(t for t in seen if t.kind == "theme")
            other = next(o for o in seen if o.kind in ("unit", "place"))
            if (t.key, other.key, "theme") in reported:
                continue
            reported.add((t.key, other.key, "theme"))
            problems.append(
                Problem(
                    "warning",
                    t.path,
                    t.line,
                    f"từ khóa '{t.written}' của chủ đề '{t.key}' cũng là tên của '{other.label}' "
                    f"({other.path.name} dòng {other.line})",
                    "giữ từ ở một chỗ",
                )
            )
    for unit in profile.units:
        for old in unit.old_names:
            if unit.valid_from and (old.valid_until is None or old.valid_until >= unit.valid_from):
                problems.append(
                    Problem(
                        "warning",
                        unit.path,
                        unit.line,
                        f"tên cũ '{old.name}' của '{unit.key}' còn hiệu lực sau khi tên hiện tại "
                        f"bắt đầu ({unit.valid_from})",
                        f"đặt valid_until của tên cũ trước {unit.valid_from}",
                    )
                )
    return problems
