"""The digest on a terminal, with rich: headings, numbered stories, alerts in red.

Article text only ever enters rich as ``Text`` (never parsed as markup), already cleaned of
escape sequences and bidi controls, so a title like ``[bold]`` or ``\\x1b[2J`` prints as text.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from dumon.output.digest_records import Digest
from dumon.render import digest_parts as parts


def print_digest(console: Console | None, digest: Digest) -> None:
    """Print on `console` (tests pass one writing to a StringIO), else on standard output."""
    console = console or Console(highlight=False)
    console.print(Text(parts.department(digest).upper(), style="bold"), justify="center")
    console.print(Text(parts.TITLE, style="bold"), justify="center")
    console.print(
        Text(f"{parts.date_line(digest)} ({parts.window_text(digest)})", style="italic"),
        justify="center",
    )
    section = ""
    for block in parts.blocks(digest):
        if block.kind == "section":
            section = block.text
            console.print()
            console.print(Rule(Text(block.text, style="bold"), align="left"))
        elif block.kind == "group":
            console.print(Text(f"▸ {block.text}", style="bold cyan"))
        elif block.kind == "para":
            console.print(Text(block.text))
        elif block.kind == "source":
            console.print(Padding(Text(f"• {block.text}", style="yellow"), (0, 0, 0, 1)))
        elif block.story is not None:
            console.print(_story(block.story, block.number, section == parts.SECTIONS["alerts"]))


def _story(story: parts.StoryLines, number: int, alert: bool) -> Padding:
    title = Text(f"{number:>2}. ", style="bold")
    link = Style(link=story.url) if story.url else Style()
    title.append(story.title, style=Style(bold=True, color="red" if alert else None) + link)
    details: list[Text] = []
    if story.byline:
        details.append(Text(story.byline, style="dim"))
    if story.excerpt:
        details.append(Text(story.excerpt))
    if story.tags:
        details.append(Text(story.tags, style="red" if alert else "cyan"))
    if story.also_in:
        details.append(Text(story.also_in, style="dim"))
    if story.why:
        details.append(Text(story.why, style="italic"))
    if story.url:
        details.append(Text(story.url, style=Style(dim=True, link=story.url)))
    return Padding(Group(title, Padding(Group(*details), (0, 0, 0, 4))), (0, 0, 1, 0))
