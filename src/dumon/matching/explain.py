"""The text of ``dumon match --explain``: what was decided about an article, and why."""

from __future__ import annotations

import unicodedata

from dumon.verdicts import MatchResult


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
