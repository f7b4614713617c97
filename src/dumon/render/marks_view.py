"""Rendering of the office's marks and of the keyword changes they suggest.

A suggestion is shown as the YAML it would add and the `dumon rematch --dry-run` report of
what it would change (``scan_view.print_rematch_report``). Titles and notes are outside text:
cleaned, and printed as ``Text`` (never read as markup).
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.text import Text

from dumon.output.feedback import MarkResult
from dumon.output.marks import KINDS
from dumon.output.suggestions import Suggestion
from dumon.render import clean_text, safe_url
from dumon.render.scan_view import print_rematch_report
from dumon.storage.marks import Mark


def marks_json(marks: list[Mark]) -> str:
    return json.dumps(
        [
            {
                "kind": m.kind,
                "url": m.url,
                "title": m.title,
                "at": m.at,
                "note": m.note or None,
                "article_id": m.article_id,
            }
            for m in marks
        ],
        ensure_ascii=False,
        indent=2,
    )


def print_marks(console: Console, marks: list[Mark]) -> None:
    if not marks:
        console.print(Text("Chưa có bài nào được đánh dấu."))
        return
    for mark in marks:
        line = Text(f"{mark.at[:16].replace('T', ' ')}  ", style="dim")
        line.append(f"{KINDS.get(mark.kind, mark.kind)}: ", style="bold")
        line.append(clean_text(mark.title) or clean_text(mark.url))
        if mark.article_id is not None:
            line.append(f" [{mark.article_id}]", style="dim")
        else:
            line.append(" (bài không còn trong cơ sở dữ liệu)", style="yellow")
        if mark.note:
            line.append(f" — {clean_text(mark.note)}", style="italic")
        console.print(line)
    console.print(
        Text(
            f"{len(marks)} dấu. Đề xuất sửa từ khóa từ các dấu lặp lại: dumon marks --suggest",
            style="dim",
        )
    )


def print_mark_result(console: Console, result: MarkResult, *, undo: bool) -> None:
    article = result.article
    title = clean_text(article.title) or clean_text(article.url)
    if undo:
        console.print(Text(f"Đã bỏ {result.removed} dấu của bài [{article.id}] {title}."))
        return
    if result.added:
        words = ", ".join(KINDS[k] for k in result.added)
        console.print(Text(f"Đã đánh dấu bài [{article.id}] {title}: {words}."))
    else:
        console.print(Text(f"Bài [{article.id}] {title} đã có các dấu này."))
    if result.incident is not None:
        console.print(
            Text(
                f"Bài đã được đưa ra khỏi sự vụ #{result.incident} (dumon incident show "
                f"{result.incident})."
            )
        )
    url = safe_url(article.url)
    if url:
        console.print(Text(url, style="dim"))


def _yaml_shown(entry: str) -> str:
    """The YAML a suggestion adds, each line cleaned (its words come from articles) and its
    indentation kept."""
    lines = entry.rstrip("\n").split("\n")
    return "\n".join(line[: len(line) - len(line.lstrip())] + clean_text(line) for line in lines)


def print_suggestions(console: Console, suggestions: list[Suggestion]) -> None:
    if not suggestions:
        console.print(
            Text(
                "Chưa có đề xuất: cần ít nhất 2 bài đánh dấu cùng loại do cùng một từ khóa. "
                "Đánh dấu thêm bằng `dumon mark`."
            )
        )
        return
    for s in suggestions:
        console.print(
            Text(f"Đề xuất {s.number} ({s.file}): ", style="bold").append(
                clean_text(s.description), style=""
            )
        )
        for title in s.marked[:5]:
            console.print(Text(f"    bài đã đánh dấu: {clean_text(title)}", style="dim"))
        console.print(Text("  Thêm vào keywords/" + s.file + ":"))
        console.print(Text(_yaml_shown(s.entry), style="cyan"))
        if s.diff is not None:
            console.print(Text("  Nếu áp dụng (như `dumon rematch --dry-run`):"))
            print_rematch_report(console, s.diff)
        console.print(
            Text(f"  Áp dụng: dumon marks --apply {s.number}, rồi dumon rematch", style="dim")
        )
        console.print()
