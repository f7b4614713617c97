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

from dumon.render import clean_text, safe_url
from dumon.search import SearchHit, SearchResult

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
    return line


def print_search(console: Console, result: SearchResult) -> None:
    """Each hit: title, outlet and time, snippet with matched words highlighted, link."""
    if not result.hits:
        console.print(Text("Không tìm thấy bài nào khớp với câu tìm kiếm và bộ lọc."))
        return
    console.print(Text(_summary_line(result), style="dim"))
    for number, hit in enumerate(result.hits, start=1):
        console.print()
        head = Text(f"{number}. ", style="bold")
        head.append(clean_text(hit.title), style="bold")
        if hit.alert:
            head.append("  [cần lưu ý]", style="bold red")
        console.print(head)
        console.print(Text(f"   {clean_text(hit.outlet)} · {_when(hit)}", style="cyan"))
        snippet = Text("   ")
        for text, marked in hit.snippet:
            snippet.append(clean_text(text), style="bold yellow reverse" if marked else "")
        console.print(snippet)
        tags = [*hit.units, *hit.themes]
        if tags:
            console.print(Text("   " + "; ".join(clean_text(t) for t in tags), style="dim"))
        url = safe_url(hit.url)
        if url:
            console.print(Text(f"   {url}", style="blue"))


def search_text(result: SearchResult) -> str:
    """Plain text (cron mail, pipes): matched words between « and »."""
    if not result.hits:
        return "Không tìm thấy bài nào khớp với câu tìm kiếm và bộ lọc.\n"
    lines = [_summary_line(result)]
    for number, hit in enumerate(result.hits, start=1):
        lines.append("")
        flag = "  [cần lưu ý]" if hit.alert else ""
        lines.append(f"{number}. {clean_text(hit.title)}{flag}")
        lines.append(f"   {clean_text(hit.outlet)} · {_when(hit)}")
        lines.append("   " + clean_text(hit.snippet_text))
        tags = [*hit.units, *hit.themes]
        if tags:
            lines.append("   " + "; ".join(clean_text(t) for t in tags))
        lines.append(f"   {safe_url(hit.url) or ''}".rstrip())
    return "\n".join(lines) + "\n"


def search_json(result: SearchResult) -> str:
    return json.dumps([hit.as_json() for hit in result.hits], ensure_ascii=False, indent=2)


def search_csv(result: SearchResult) -> str:
    """One row per hit; units and themes joined by '; ' (a spreadsheet cell each)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for hit in result.hits:
        row = hit.as_json()
        row["units"] = "; ".join(hit.units)
        row["themes"] = "; ".join(hit.themes)
        row["alert"] = int(hit.alert)
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()
