"""The digest as Markdown (for a wiki, a chat channel or a file kept with the office notes).

Article text is escaped so that a title like ``**x**`` or ``[x](javascript:…)`` stays text;
links are written only for http(s) URLs, inside angle brackets.
"""

from __future__ import annotations

import re

from dumon.output.digest_records import Digest
from dumon.render import digest_parts as parts

# The characters that start emphasis, code, links, HTML, entities, tables or strikethrough
# anywhere in a line; escaping only these keeps the file readable as plain text.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~!&])")
# What makes a line a heading, quote, list item or rule when it starts it.
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """Text shown literally by any CommonMark renderer."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_start, text)


def _escape_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    return indent + (mark + "\\" if mark[0].isdigit() else "\\" + mark)


def _link(url: str) -> str:
    # Inside <…> only '<', '>' and whitespace end the destination; safe_url already refused
    # whitespace, and percent-encoding the brackets keeps the link valid.
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


def render_markdown(digest: Digest) -> str:
    out = [
        f"# {parts.TITLE}",
        "",
        f"**{md_escape(parts.department(digest))}** — {md_escape(parts.date_line(digest))} "
        f"({md_escape(parts.window_text(digest))})",
    ]
    for block in parts.blocks(digest):
        if block.kind == "section":
            out += ["", f"## {md_escape(block.text)}", ""]
        elif block.kind == "group":
            out += ["", f"### {md_escape(block.text)}", ""]
        elif block.kind == "para":
            out += ["", md_escape(block.text)]
        elif block.kind == "source":
            out.append(f"- {md_escape(block.text)}")
        elif block.story is not None:
            out += _story(block.story, block.number)
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"


def _story(story: parts.StoryLines, number: int) -> list[str]:
    title = md_escape(story.title)
    head = f"{number}. **{title}**" + (f" — {_link(story.url)}" if story.url else "")
    lines = [head]
    for text in (story.byline, story.excerpt, story.tags):
        if text:
            lines.append(f"   {md_escape(text)}  ")
    if story.why:
        lines.append(f"   *{md_escape(story.why)}*  ")
    if story.copies:
        copies = ", ".join(
            f"{md_escape(outlet)} {_link(url)}" if url else md_escape(outlet)
            for outlet, url in story.copies
        )
        lines.append(f"   Đăng lại: {copies}")
    return [*lines, ""]
