"""The digest as plain text: what cron mails and the plain part of the digest e-mail."""

from __future__ import annotations

import textwrap

from dumon.output.digest_records import Digest
from dumon.render import digest_parts as parts

WIDTH = 78


def render_text(digest: Digest) -> str:
    lines = [
        parts.department(digest).upper(),
        parts.TITLE,
        f"{parts.date_line(digest)} ({parts.window_text(digest)})",
        "",
    ]
    for block in parts.blocks(digest):
        if block.kind == "section":
            lines += (
                ["", block.text, "-" * len(block.text)]
                if lines[-1]
                else [block.text, "-" * len(block.text)]
            )
        elif block.kind == "group":
            lines += ["", f"* {block.text}"]
        elif block.kind == "para":
            lines += textwrap.wrap(block.text, WIDTH) or [""]
        elif block.kind == "source":
            lines += textwrap.wrap(block.text, WIDTH, initial_indent="- ", subsequent_indent="  ")
        elif block.story is not None:
            lines += ["", *_story(block.story, block.number)]
    return "\n".join(lines) + "\n"


def _story(story: parts.StoryLines, number: int) -> list[str]:
    head = f"{number:>2}. "
    pad = " " * len(head)
    out = textwrap.wrap(story.title, WIDTH, initial_indent=head, subsequent_indent=pad)
    for text in (story.byline, story.excerpt, story.tags, story.also_in, story.why):
        if text:
            out += textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad)
    if story.url:
        out.append(pad + story.url)
    return out
