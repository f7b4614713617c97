"""The digest as one self-contained HTML page: the body of the digest e-mail, and printable.

No external resources (mail clients block them); styles are in the page; every piece of
article text goes through ``html.escape``; links are written only for http(s) URLs.
"""

from __future__ import annotations

from html import escape

from dumon.output.digest_records import Digest
from dumon.render import digest_parts as parts

_CSS = """
body{font-family:"Times New Roman",Georgia,serif;color:#1a1a1a;max-width:760px;margin:24px auto;
padding:0 16px;line-height:1.45;font-size:16px}
header{text-align:center;border-bottom:2px solid #1a1a1a;padding-bottom:8px;margin-bottom:16px}
header .dept{font-weight:bold;text-transform:uppercase;font-size:15px}
header h1{font-size:24px;margin:8px 0 4px}
header .when{font-style:italic;font-size:14px}
h2{font-size:18px;border-bottom:1px solid #999;margin:22px 0 8px;padding-bottom:2px}
h3{font-size:16px;margin:14px 0 6px;color:#333}
ol{padding-left:24px;margin:0}
li{margin:0 0 12px}
.title{font-weight:bold}
.title a{color:#0b3d91;text-decoration:none}
.meta,.copies{font-size:13px;color:#555}
.tags{font-size:13px;color:#333}
.alert .tags{color:#a40000}
.excerpt{margin:2px 0}
.empty{font-style:italic}
ul.sources{padding-left:20px}
footer{margin-top:24px;font-size:12px;color:#777;border-top:1px solid #ccc;padding-top:6px}
@media print{body{margin:0;max-width:none;font-size:12pt}a{color:#000}
li{break-inside:avoid}}
"""


def render_html(digest: Digest) -> str:
    title = f"{parts.TITLE} — {parts.date_line(digest)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        "<header>",
        f'<div class="dept">{escape(parts.department(digest))}</div>',
        f"<h1>{escape(parts.TITLE)}</h1>",
        f'<div class="when">{escape(parts.date_line(digest))} '
        f"({escape(parts.window_text(digest))})</div>",
        "</header>",
    ]
    list_open = ""
    section = ""
    for block in parts.blocks(digest):
        if list_open and (block.kind, list_open) not in (
            ("story", "ol"),
            ("cut", "ol"),
            ("source", "ul"),
        ):
            out.append("</ol>" if list_open == "ol" else "</ul>")
            list_open = ""
        if block.kind == "section":
            section = block.text
            out.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "group":
            out.append(f"<h3>{escape(block.text)}</h3>")
        elif block.kind == "para":
            css = "empty" if block.text in parts.NONE.values() else "para"
            out.append(f'<p class="{css}">{escape(block.text)}</p>')
        elif block.kind == "source":
            if not list_open:
                out.append('<ul class="sources">')
                list_open = "ul"
            out.append(f"<li>{escape(block.text)}</li>")
        elif block.story is not None:
            if not list_open:
                out.append(f'<ol start="{block.number}">')
                list_open = "ol"
            alert = section == parts.SECTIONS["alerts"]
            out.append(_story(block.story, alert=alert))
    if list_open:
        out.append("</ol>" if list_open == "ol" else "</ul>")
    out.append(
        f"<footer>Tổng hợp tự động bằng dumon lúc "
        f"{escape(digest.generated.strftime('%H:%M %d/%m/%Y'))}.</footer>"
    )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _a(text: str, url: str | None) -> str:
    if not url:
        return escape(text)
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def _story(story: parts.StoryLines, *, alert: bool) -> str:
    pieces = [f'<li class="{"alert" if alert else "story"}">']
    pieces.append(f'<div class="title">{_a(story.title, story.url)}</div>')
    if story.byline:
        pieces.append(f'<div class="meta">{escape(story.byline)}</div>')
    if story.excerpt:
        pieces.append(f'<div class="excerpt">{escape(story.excerpt)}</div>')
    if story.tags:
        pieces.append(f'<div class="tags">{escape(story.tags)}</div>')
    if story.copies:
        links = ", ".join(_a(outlet, url) for outlet, url in story.copies)
        pieces.append(f'<div class="copies">Đăng lại: {links}</div>')
    if story.why:
        pieces.append(f'<div class="why">{escape(story.why)}</div>')
    pieces.append("</li>")
    return "".join(pieces)
