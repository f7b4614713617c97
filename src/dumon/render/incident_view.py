"""Rendering of incidents (sự vụ): the list, one incident's timeline, and the JSON contract.

``incident list --json`` prints a list of ``{"id", "title", "stage", "severity", "local",
"first_seen", "last_seen", "articles": [{"url", "outlet", "published"}], "responses":
[{"kind", "at", "by", "url"}]}``. ``incident show --json`` prints the same object with the
timeline besides. Titles are outside text: ``Text`` for rich, data for JSON.
"""

from __future__ import annotations

import json
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dumon.output.incident_actions import View
from dumon.output.incidents import EVENT_WORDS, RESPONSES
from dumon.render import clean_text, safe_url, time_label
from dumon.storage.incidents import CLOSED, SPREADING
from dumon.storage.rows import to_iso

SEVERITY = {3: "khẩn", 2: "cao", 1: "theo dõi", 0: "—"}
HOW = {
    "opened": "mở sự vụ",
    "story": "cùng tin",
    "joined": "nối vào",
    "followup": "diễn biến sau",
    "earlier": "dấu hiệu trước",
    "office": "văn phòng chuyển",
}


def incident_dict(item: View) -> dict:
    """The contract of `dumon incident list --json` for one incident."""
    incident = item.incident
    return {
        "id": incident.id,
        "title": incident.title,
        "stage": item.stage,
        "severity": item.severity,
        "local": incident.local,
        "first_seen": to_iso(incident.first_seen),
        "last_seen": to_iso(incident.last_seen),
        "articles": [
            {"url": a.url, "outlet": a.outlet, "published": to_iso(a.published)}
            for a in incident.articles
        ],
        "responses": [
            {"kind": e.response, "at": to_iso(e.at), "by": e.by or None, "url": e.url or None}
            for e in incident.responses
        ],
    }


def list_json(items: list[View]) -> str:
    return json.dumps([incident_dict(i) for i in items], ensure_ascii=False, indent=2)


def show_json(item: View) -> str:
    out = incident_dict(item)
    out["timeline"] = [
        {"at": to_iso(at), "kind": kind, **detail} for at, kind, detail in _timeline(item)
    ]
    out["unanswered_hours"] = item.unanswered_hours
    delay = item.incident.response_delay()
    out["response_after_hours"] = round(delay.total_seconds() / 3600, 1) if delay else None
    return json.dumps(out, ensure_ascii=False, indent=2)


def _response_state(item: View) -> str:
    first = item.incident.first_response
    delay = item.incident.response_delay()
    if first is not None and delay is not None:
        kind = RESPONSES.get(first.response, first.response)
        return f"{kind} sau {int(delay.total_seconds() // 3600)} giờ"
    if item.unanswered_hours is not None:
        return f"chưa có, đã {item.unanswered_hours} giờ"
    return "chưa có" if item.stage != CLOSED else "—"


def print_list(console: Console, items: list[View], *, every: bool) -> None:
    if not items:
        what = "sự vụ nào" if every else "sự vụ nào đang mở"
        console.print(Text(f"Không có {what}."))
        return
    table = Table(show_lines=False, pad_edge=False, expand=False)
    for head, style in (("Số", "bold"), ("Sự vụ", ""), ("Giai đoạn", ""), ("Mức", "")):
        table.add_column(head, style=style or None, overflow="fold")
    table.add_column("Bài", justify="right")
    table.add_column("Phản hồi", overflow="fold")
    for item in items:
        incident = item.incident
        title = Text(clean_text(incident.title))
        if incident.local:
            title.append(" (tỉnh)", style="bold")
        title.append(f" {incident.first_seen:%d/%m}–{incident.last_seen:%d/%m}", style="dim")
        stage = Text(item.stage, style="red" if item.stage == SPREADING else "")
        table.add_row(
            str(incident.id),
            title,
            stage,
            SEVERITY.get(item.severity, str(item.severity)),
            f"{len(incident.articles)}/{len(incident.outlets)} báo",
            _response_state(item),
        )
    console.print(table)
    console.print(Text(f"{len(items)} sự vụ. Xem chi tiết: dumon incident show SỐ", style="dim"))


def _timeline(item: View) -> list[tuple[datetime, str, dict]]:
    """Articles, stage changes and the office's actions, in time order."""
    rows: list[tuple[datetime, str, dict]] = []
    for a in item.incident.articles:
        rows.append(
            (
                a.published,
                "article",
                {
                    "title": a.title,
                    "outlet": a.outlet,
                    "url": a.url,
                    "article_id": a.article_id,
                    "how": a.how,
                    "tier": a.tier,
                },
            )
        )
    for at, stage in item.history:
        rows.append((at, "stage", {"stage": stage}))
    for e in item.incident.events:
        if e.kind == "stage":
            continue
        detail = {"text": e.text or None, "by": e.by or None, "url": e.url or None}
        if e.kind == "response":
            detail["response"] = e.response
        rows.append((e.at, e.kind, detail))
    order = {"article": 0, "stage": 1}
    rows.sort(key=lambda r: (r[0], order.get(r[1], 2)))
    return rows


def print_show(console: Console, item: View) -> None:
    incident = item.incident
    head = Text(f"Sự vụ #{incident.id}: ", style="bold")
    head.append(clean_text(incident.title), style="bold")
    console.print(head)
    facts = [
        f"Giai đoạn: {item.stage}",
        f"mức: {SEVERITY.get(item.severity, item.severity)}",
        "của tỉnh" if incident.local else "ngoài tỉnh",
        f"{len(incident.articles)} bài trên {len(incident.outlets)} báo",
        f"từ {time_label(incident.first_seen)} đến {time_label(incident.last_seen)}",
        f"phản hồi: {_response_state(item)}",
    ]
    console.print(Text("; ".join(facts) + "."))
    if incident.merged_into is not None:
        console.print(Text(f"Đã gộp vào sự vụ #{incident.merged_into}.", style="yellow"))
    console.print()
    for at, kind, detail in _timeline(item):
        when = f"{at:%H:%M %d/%m/%Y}"
        if kind == "article":
            line = Text(f"{when}  ", style="dim")
            line.append(f"[{detail['article_id']}] ", style="dim")
            line.append(clean_text(detail["outlet"]) + ": ", style="bold")
            line.append(clean_text(detail["title"]))
            line.append(f" ({HOW.get(detail['how'], detail['how'])})", style="dim")
            console.print(line)
            url = safe_url(detail["url"])
            if url:
                console.print(Text(f"{' ' * 18}{url}", style="dim"))
        elif kind == "stage":
            console.print(Text(f"{when}  → giai đoạn: {detail['stage']}", style="cyan"))
        else:
            word = EVENT_WORDS.get(kind, kind)
            if kind == "response":
                word = RESPONSES.get(detail.get("response") or "", word)
            line = Text(f"{when}  ", style="dim")
            line.append(f"{word.capitalize()}", style="bold green")
            for key in ("text", "by"):
                if detail.get(key):
                    line.append(f" — {clean_text(detail[key])}")
            console.print(line)
            url = safe_url(detail.get("url"))
            if url:
                console.print(Text(f"{' ' * 18}{url}", style="dim"))
