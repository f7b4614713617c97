"""Rendering of search results: the terminal list, plain text, JSON and CSV.

Titles and snippets are outside text: they go into rich as ``Text`` (never parsed as markup)
after control characters and escapes are removed; JSON and CSV carry them as data.
"""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.text import Text

from dumon.output.search import SearchHit, SearchResult
from dumon.render import clean_text, safe_url

CSV_COLUMNS = ("title", "url", "outlet", "published", "snippet", "units", "themes", "alert")


def csv_cell(value: object) -> object:
    """Keep a spreadsheet from running outside text as a formula (=, +, -, @ first)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _when(hit: SearchHit) -> str:
    """dd/mm/yyyy HH:MM from the stored ISO text (already Vietnam time)."""
    if not hit.published:
        return "không rõ ngày"
    day, _, clock = hit.published.partition("T")
    y, m, d = day.split("-")
    if clock.startswith("00:00:00"):  # a date without a time (most feeds' dates)
        return f"{d}/{m}/{y}"
    return f"{d}/{m}/{y} {clock[:5]}".strip()


def _summary_line(result: SearchResult) -> str:
    shown = len(result.hits)
    line = f"{shown} bài (trong {result.matches} bài khớp từ khóa, trước khi lọc)"
    line += ", mới nhất trước." if result.order == "newest" else ", liên quan nhất trước."
    if result.fell_back:
        line += (
            f" Quá nhiều bài khớp ({result.matches}) để xếp theo mức liên quan nhanh: đã xếp mới "
            "nhất trước; thêm từ hoặc bộ lọc để thu hẹp."
        )
    if any(hit.accentless for hit in result.hits):
        line += " Bài viết không dấu (không kiểm được dấu) xếp sau cùng."
    return line


def _header(result: SearchResult) -> list[str]:
    """What was searched, and the other units a --unit fragment also fits."""
    lines = [f"Đã tìm: {result.searched}"] if result.searched else []
    if result.also_units:
        lines.append(
            "Tên đơn vị gõ vào cũng khớp: "
            + "; ".join(result.also_units)
            + ". Gõ tên đầy đủ hơn để chọn đơn vị khác."
        )
    return lines


def _nothing(result: SearchResult) -> list[str]:
    """No article: say why (words or filters) and what to try instead."""
    if result.matches:
        lines = [
            f"Không có bài nào qua được bộ lọc ({result.matches} bài khớp từ khóa). Cách sửa: "
            "bỏ bớt bộ lọc hoặc mở rộng khoảng thời gian."
        ]
    else:
        lines = ["Không tìm thấy bài nào khớp với câu tìm kiếm."]
    for suggestion in result.suggestions:
        lines.append(
            f'Gợi ý: dumon search "{suggestion.query}" — {suggestion.matches} bài khớp '
            f"({suggestion.why})."
        )
    if not result.matches and not result.suggestions:
        lines.append(
            "Cách sửa: thử ít từ hơn, bỏ dấu (gõ không dấu khớp mọi cách viết), hoặc nối các "
            "cụm bằng AND để không cần liền nhau."
        )
    return lines


def _suggestion_lines(result: SearchResult) -> list[str]:
    return [
        f'Có thể bạn muốn tìm: dumon search "{s.query}" — {s.matches} bài khớp ({s.why}).'
        for s in result.suggestions
    ]


def _tags(hit: SearchHit) -> str:
    return "; ".join(clean_text(t) for t in (*hit.units, *hit.themes))


def print_search(console: Console, result: SearchResult) -> None:
    """Each hit: title, outlet and time, snippet with matched words highlighted, link."""
    for line in _header(result):
        console.print(Text(clean_text(line), style="dim"))
    if not result.hits:
        for line in _nothing(result):
            console.print(Text(clean_text(line)))
        return
    console.print(Text(_summary_line(result), style="dim"))
    for line in _suggestion_lines(result):
        console.print(Text(clean_text(line), style="yellow"))
    for number, hit in enumerate(result.hits, start=1):
        console.print()
        head = Text(f"{number}. ", style="bold")
        head.append(clean_text(hit.title), style="bold")
        if hit.alert:
            head.append("  [cần lưu ý]", style="bold red")
        if hit.accentless:
            head.append("  [bài không dấu]", style="dim")
        console.print(head)
        console.print(Text(f"   {clean_text(hit.outlet)} · {_when(hit)}", style="cyan"))
        snippet = Text("   ")
        for text, marked in hit.snippet:
            snippet.append(clean_text(text), style="bold yellow reverse" if marked else "")
        console.print(snippet)
        if _tags(hit):
            console.print(Text("   " + _tags(hit), style="dim"))
        url = safe_url(hit.url)
        if url:
            console.print(Text(f"   {url}", style="blue"))


def search_text(result: SearchResult) -> str:
    """Plain text (cron mail, pipes): matched words between « and »."""
    lines = _header(result)
    if not result.hits:
        return "\n".join(clean_text(line) for line in [*lines, *_nothing(result)]) + "\n"
    lines.append(_summary_line(result))
    lines += _suggestion_lines(result)
    for number, hit in enumerate(result.hits, start=1):
        lines.append("")
        flag = "  [cần lưu ý]" if hit.alert else ""
        flag += "  [bài không dấu]" if hit.accentless else ""
        lines.append(f"{number}. {clean_text(hit.title)}{flag}")
        lines.append(f"   {clean_text(hit.outlet)} · {_when(hit)}")
        lines.append("   " + clean_text(hit.snippet_text))
        if _tags(hit):
            lines.append("   " + _tags(hit))
        lines.append(f"   {safe_url(hit.url) or ''}".rstrip())
    return "\n".join(lines) + "\n"


def search_json(result: SearchResult) -> str:
    return json.dumps([hit.as_json() for hit in result.hits], ensure_ascii=False, indent=2)


def search_csv(result: SearchResult) -> str:
    """One row per hit; units and themes (names) joined by '; ' (a spreadsheet cell each);
    the snippet as plain text, without the marks of matched words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for hit in result.hits:
        row = hit.as_json()
        row["snippet"] = hit.snippet_plain
        row["units"] = "; ".join(hit.units)
        row["themes"] = "; ".join(hit.themes)
        row["alert"] = int(hit.alert)
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()
