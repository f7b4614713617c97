"""Renderers: turn results (scan reports, digests, searches, reports) into terminal output,
text, Markdown, HTML, DOCX and JSON.

This package module owns the helpers every renderer shares: making outside text safe to show
(article titles come from the open web and may carry control characters, ANSI escapes or bidi
overrides), accepting only http(s) links, and Vietnamese date labels.
"""

from __future__ import annotations

import re
from datetime import datetime

from dumon.vntime import VN_TZ

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see docs)
if TYPE_CHECKING:
    from rich.console import Console

# ANSI/VT escape sequences (CSI, OSC and two-character ESC forms): they would recolour or
# retitle a terminal, or hide text.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0/C1 controls except tab and newline, and the bidi controls that reorder what is displayed
# (a title can use U+202E to show a link backwards).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\r\n]+")


def console() -> Console:
    """The terminal's console for every view: nothing highlighted that the view did not mark
    (article text is not code), long lines left to the terminal (links stay whole). Rich is
    imported here, by the command that prints, not by every command."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def clean_text(text: str | None, *, one_line: bool = True) -> str:
    """Outside text with escapes, control characters and bidi overrides removed."""
    if not text:
        return ""
    text = _UNSAFE.sub("", _ANSI.sub("", text))
    if one_line:
        return _SPACES.sub(" ", text).strip()
    return text.strip("\r\n").rstrip()  # a line's indentation is kept: it shows structure


def safe_url(url: str | None) -> str | None:
    """The link if it is http(s) and printable, else None (no javascript:, data:, file:)."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"https?://[^\s]+$", url, flags=re.IGNORECASE):
        return None
    if _UNSAFE.search(url) or "\x1b" in url:
        return None
    return url


def vn_datetime(value: datetime) -> datetime:
    return value.astimezone(VN_TZ) if value.tzinfo else value.replace(tzinfo=VN_TZ)


def time_label(value: datetime | None) -> str:
    """HH:MM dd/mm in Vietnam time; the day alone when only the day is known (a feed giving a
    date is stored at midnight: "00:00" would be a time nobody wrote); empty when unknown."""
    if value is None:
        return ""
    moment = vn_datetime(value)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.strftime("%d/%m")
    return moment.strftime("%H:%M %d/%m")


def window_label(start: datetime, end: datetime) -> str:
    """'từ 07:00 ngày 27/11/2026 đến 07:00 ngày 28/11/2026'."""
    s, e = vn_datetime(start), vn_datetime(end)
    return f"từ {s:%H:%M} ngày {s:%d/%m/%Y} đến {e:%H:%M} ngày {e:%d/%m/%Y}"
