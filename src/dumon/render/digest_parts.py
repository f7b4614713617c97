"""The wording of the digest, shared by every format: headings, the overview sentence, a
story's byline and tags, the "đăng lại" line, a source's problem.

Every string returned here is already cleaned of control characters (``clean_text``) but not
escaped: each format escapes for itself (HTML entities, Markdown backslashes, rich Text).
"""

from __future__ import annotations

from dataclasses import dataclass

from dumon.digest import Digest, SourceIssue, Story
from dumon.render import clean_text, safe_url, time_label, window_label

TITLE = "ĐIỂM TIN BÁO CHÍ"
SECTIONS = {
    "overview": "I. Tổng quan",
    "alerts": "II. Cần lưu ý",
    "local": "III. Tin về ngành giáo dục của tỉnh",
    "national": "IV. Tin giáo dục toàn quốc",
    "sources": "V. Nguồn tin",
}
NONE = {
    "alerts": "Không có tin cần lưu ý.",
    "local": "Không có tin về ngành giáo dục của tỉnh.",
    "national": "Không có tin giáo dục toàn quốc.",
    "sources": "Mọi nguồn tin đều đọc được bình thường.",
}
SEVERITY = {3: "khẩn", 2: "cao", 1: "theo dõi"}


def department(digest: Digest) -> str:
    return clean_text(digest.department)


def window_text(digest: Digest) -> str:
    return window_label(digest.window.start, digest.window.end)


def date_line(digest: Digest) -> str:
    """'Ngày 28/11/2026' for a morning or a one-day window, else 'Từ ngày … đến ngày …'."""
    window = digest.window
    if window.morning is not None or window.first_day == window.last_day:
        return f"Ngày {window.last_day:%d/%m/%Y}"
    return f"Từ ngày {window.first_day:%d/%m/%Y} đến ngày {window.last_day:%d/%m/%Y}"


def empty_message(digest: Digest) -> str:
    return f"Không có tin nào trong khoảng {window_text(digest)}."


def overview(digest: Digest) -> str:
    o = digest.overview
    return (
        f"Trong khoảng {window_text(digest)} có {o.stories} tin ({o.articles} bài) "
        f"trên {o.outlets} báo: {o.local} tin về ngành giáo dục của tỉnh, {o.alerts} tin cần "
        "lưu ý."
    )


def national_more(digest: Digest) -> str:
    return (
        f"… và {digest.national_more} tin giáo dục toàn quốc khác." if digest.national_more else ""
    )


@dataclass(frozen=True)
class StoryLines:
    """A story as clean pieces of text."""

    title: str
    url: str | None
    byline: str  # "VnExpress · 09:15 27/11"
    excerpt: str
    tags: str  # "Cảnh báo: …; Đơn vị: …; Chủ đề: …"
    copies: list[tuple[str, str | None]]  # (outlet, url)

    @property
    def also_in(self) -> str:
        return "Đăng lại: " + ", ".join(o for o, _ in self.copies) if self.copies else ""


def story_lines(story: Story) -> StoryLines:
    byline = " · ".join(p for p in (clean_text(story.outlet), time_label(story.published)) if p)
    tags = []
    if story.alerts or story.alert:
        level = SEVERITY.get(story.severity, "")
        names = ", ".join(clean_text(a) for a in story.alerts)
        tags.append(f"Cảnh báo{f' ({level})' if level else ''}: {names or 'có'}")
    if story.units:
        tags.append("Đơn vị: " + ", ".join(clean_text(u) for u in story.units))
    if story.themes:
        tags.append("Chủ đề: " + ", ".join(clean_text(t) for t in story.themes))
    copies = []
    seen: set[str] = set()
    for copy in story.also_in:
        outlet = clean_text(copy.outlet) or "?"
        if outlet not in seen:
            seen.add(outlet)
            copies.append((outlet, safe_url(copy.url)))
    return StoryLines(
        title=clean_text(story.title) or "(không có tiêu đề)",
        url=safe_url(story.url),
        byline=byline,
        excerpt=clean_text(story.excerpt),
        tags="; ".join(tags),
        copies=copies,
    )


def source_line(issue: SourceIssue) -> str:
    return f"{clean_text(issue.outlet)} ({clean_text(issue.name)}): {clean_text(issue.detail)}"


@dataclass(frozen=True)
class Block:
    """One piece of the digest body, in reading order, for a format to lay out."""

    kind: str  # section, group, para, story, source
    text: str = ""
    story: StoryLines | None = None
    number: int = 0


def blocks(digest: Digest) -> list[Block]:
    """Sections I–V (or the empty-window message and section V) as a flat list."""
    out: list[Block] = []
    if digest.empty:
        out.append(Block("para", empty_message(digest)))
    else:
        out += [Block("section", SECTIONS["overview"]), Block("para", overview(digest))]
        out.append(Block("section", SECTIONS["alerts"]))
        out += _stories(digest.alerts, NONE["alerts"])
        out.append(Block("section", SECTIONS["local"]))
        if not digest.local_groups:
            out.append(Block("para", NONE["local"]))
        number = 0
        for group in digest.local_groups:
            out.append(Block("group", f"{clean_text(group.name)} ({len(group.stories)})"))
            for story in group.stories:
                number += 1
                out.append(Block("story", story=story_lines(story), number=number))
        out.append(Block("section", SECTIONS["national"]))
        out += _stories(digest.national, NONE["national"])
        if digest.national_more:
            out.append(Block("para", national_more(digest)))
    out.append(Block("section", SECTIONS["sources"]))
    if not digest.sources:
        out.append(Block("para", NONE["sources"]))
    out += [Block("source", source_line(issue)) for issue in digest.sources]
    return out


def _stories(stories: tuple[Story, ...], none: str) -> list[Block]:
    if not stories:
        return [Block("para", none)]
    return [Block("story", story=story_lines(s), number=i) for i, s in enumerate(stories, 1)]
