"""The wording of the digest, shared by every format: headings, the overview sentence, a
story's byline and tags, the "đăng lại" line, a source's problem.

Every string returned here is already cleaned of control characters (``clean_text``) but not
escaped: each format escapes for itself (HTML entities, Markdown backslashes, rich Text).
"""

from __future__ import annotations

from dataclasses import dataclass

from dumon.output.digest_records import CUT_REASONS, Digest, SourceIssue, Story
from dumon.output.incident_briefs import Brief
from dumon.output.incidents import RESPONSES
from dumon.render import clean_text, safe_url, time_label, window_label
from dumon.render.trends_view import lines as week_lines
from dumon.storage.incidents import CLOSED

TITLE = "ĐIỂM TIN BÁO CHÍ"
SECTIONS = {
    "overview": "I. Tổng quan",
    "alerts": "II. Cần lưu ý",
    "local": "III. Tin về ngành giáo dục của tỉnh",
    "national": "IV. Tin giáo dục toàn quốc",
    "sources": "V. Nguồn tin",
    "week": "VI. Xu hướng và tuần tới",
    "cut": "Phụ lục: Tin khác (không đưa vào các mục trên)",
}
NONE = {
    "alerts": "Không có tin cần lưu ý.",
    "local": "Không có tin về ngành giáo dục của tỉnh.",
    "national": "Không có tin giáo dục toàn quốc.",
    "sources": "Mọi nguồn tin đều đọc được bình thường.",
}
SEVERITY = {3: "khẩn", 2: "cao", 1: "theo dõi"}
OTHER_ALERTS = "Tin cần lưu ý khác"


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
        f"… và {digest.national_more} tin giáo dục toàn quốc khác, liệt kê ở phụ lục Tin khác."
        if digest.national_more
        else ""
    )


def local_alerts_line(digest: Digest) -> str:
    """Section III's pointer to the province's incidents, which section II shows."""
    count = len(digest.local_alerts)
    return f"{count} tin sự cố của tỉnh ở mục II (Cần lưu ý)." if count else ""


@dataclass(frozen=True)
class StoryLines:
    """A story as clean pieces of text."""

    title: str
    url: str | None
    byline: str  # "VnExpress · 09:15 27/11"
    excerpt: str
    tags: str  # "Cảnh báo: …; Đơn vị: …; Chủ đề: …"
    copies: list[tuple[str, str | None]]  # (outlet, url)
    why: str = ""  # "Vì sao: …" when the digest explains its ranking

    @property
    def also_in(self) -> str:
        return "Đăng lại: " + ", ".join(o for o, _ in self.copies) if self.copies else ""


def incident_heading(brief: Brief) -> str:
    """'Sự vụ #12 của tỉnh (khẩn): <title> — lan rộng'."""
    level = SEVERITY.get(brief.severity, "")
    where = " của tỉnh" if brief.local else ""
    return (
        f"Sự vụ #{brief.id}{where}{f' ({level})' if level else ''}: "
        f"{clean_text(brief.title)} — {brief.stage}"
    )


def _hours(delay) -> int:
    return max(0, int(delay.total_seconds() // 3600))


def incident_status(brief: Brief) -> str:
    """What changed since the start of the window and whether the office has answered:
    'lan rộng: +3 bài, 2 báo trung ương; chưa có phát ngôn sau 26 giờ'."""
    if brief.stage_before is None:
        head = f"mới xuất hiện, {brief.stage}"
    elif brief.stage_before != brief.stage:
        head = f"{brief.stage_before} → {brief.stage}"
    else:
        head = brief.stage
    parts = []
    if brief.new_articles:
        news = f"+{brief.new_articles} bài"
        if brief.new_central:
            news += f", {brief.new_central} báo trung ương"
        parts.append(news)
    else:
        parts.append(f"không có bài mới từ {brief.last_seen:%d/%m}")
    if brief.stage == CLOSED:
        if brief.closed_by == "office":
            reason = clean_text(brief.close_reason)
            parts.append("văn phòng đã đóng" + (f" ({reason})" if reason else ""))
        else:
            parts.append("không còn bài mới")
    if brief.response is not None and brief.response_delay is not None:
        kind = RESPONSES.get(brief.response.response, brief.response.response)
        parts.append(
            f"đã {kind} lúc {brief.response.at:%H:%M %d/%m} "
            f"(sau {_hours(brief.response_delay)} giờ)"
        )
    elif brief.unanswered_hours is not None:
        parts.append(f"chưa có phát ngôn sau {brief.unanswered_hours} giờ")
    elif brief.stage != CLOSED:
        parts.append("chưa có phát ngôn")
    total = f"tổng {brief.articles} bài trên {brief.outlets} báo từ {brief.first_seen:%d/%m/%Y}"
    return f"{head}: {'; '.join(parts)} ({total})."


def incident_tag(story: Story, brief: Brief | None) -> str:
    """The incident a story tells, for its tags: 'Sự vụ #12 (lan rộng, cập nhật)'."""
    if story.incident is None:
        return ""
    stage = brief.stage if brief else ""
    state = ", ".join(p for p in (stage, "cập nhật" if story.update else "mới") if p)
    return f"Sự vụ #{story.incident} ({state})"


def story_lines(story: Story, *, explain: bool = False, brief: Brief | None = None) -> StoryLines:
    byline = " · ".join(p for p in (clean_text(story.outlet), time_label(story.published)) if p)
    tags = []
    if story.incident is not None:
        tags.append(incident_tag(story, brief))
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
        why=why_line(story) if explain else "",
    )


def why_line(story: Story) -> str:
    parts = "; ".join(clean_text(reason) for reason in story.why) or "không có điểm cộng"
    return f"Vì sao: điểm {story.importance} ({parts})"


def cut_line(story: Story, reason: str) -> StoryLines:
    """A story of the appendix: its title, link and outlet, and why it was left out."""
    byline = " · ".join(p for p in (clean_text(story.outlet), time_label(story.published)) if p)
    return StoryLines(
        title=clean_text(story.title) or "(không có tiêu đề)",
        url=safe_url(story.url),
        byline=f"{byline} — {CUT_REASONS.get(reason, reason)}",
        excerpt="",
        tags="",
        copies=[],
    )


def source_line(issue: SourceIssue) -> str:
    return f"{clean_text(issue.outlet)} ({clean_text(issue.name)}): {clean_text(issue.detail)}"


@dataclass(frozen=True)
class Block:
    """One piece of the digest body, in reading order, for a format to lay out."""

    kind: str  # section, group, para, story, source, cut (a line of the appendix)
    text: str = ""
    story: StoryLines | None = None
    number: int = 0


def blocks(digest: Digest) -> list[Block]:
    """Sections I–V (or the empty-window message and section V), then the appendix of what
    was left out, as a flat list."""
    out: list[Block] = []
    explain = digest.explain
    if digest.empty:
        out.append(Block("para", empty_message(digest)))
    else:
        out += [Block("section", SECTIONS["overview"]), Block("para", overview(digest))]
        out.append(Block("section", SECTIONS["alerts"]))
        out += _alerts(digest)
        out.append(Block("section", SECTIONS["local"]))
        pointer = local_alerts_line(digest)
        if pointer:
            out.append(Block("para", pointer))
        elif not digest.local_groups:
            out.append(Block("para", NONE["local"]))
        number = 0
        for group in digest.local_groups:
            out.append(Block("group", f"{clean_text(group.name)} ({len(group.stories)})"))
            for story in group.stories:
                number += 1
                lines = story_lines(story, explain=explain, brief=_brief(digest, story))
                out.append(Block("story", story=lines, number=number))
        out.append(Block("section", SECTIONS["national"]))
        out += _stories(digest.national, NONE["national"], explain, digest)
        if digest.national_more:
            out.append(Block("para", national_more(digest)))
    out.append(Block("section", SECTIONS["sources"]))
    if not digest.sources:
        out.append(Block("para", NONE["sources"]))
    out += [Block("source", source_line(issue)) for issue in digest.sources]
    if digest.week is not None:
        out.append(Block("section", SECTIONS["week"]))
        out += [Block(kind, text) for kind, text in week_lines(digest.week)]
    if digest.cut:
        out.append(Block("section", SECTIONS["cut"]))
        out += [
            Block("cut", story=cut_line(c.story, c.reason), number=i)
            for i, c in enumerate(digest.cut, 1)
        ]
    return out


def _brief(digest: Digest, story: Story) -> Brief | None:
    return digest.briefs.get(story.incident) if story.incident is not None else None


def _stories(
    stories: tuple[Story, ...], none: str, explain: bool, digest: Digest, start: int = 1
) -> list[Block]:
    if not stories:
        return [Block("para", none)]
    return [
        Block("story", story=story_lines(s, explain=explain, brief=_brief(digest, s)), number=i)
        for i, s in enumerate(stories, start)
    ]


def _alerts(digest: Digest) -> list[Block]:
    """Section II: the province's incidents first, each with where it stands and its
    articles of the window; then the other alerts."""
    if not digest.incidents:
        return _stories(digest.alerts, NONE["alerts"], digest.explain, digest)
    out: list[Block] = []
    number = 0
    leading = {b.id for b in digest.incidents}
    for brief in digest.incidents:
        out += [Block("group", incident_heading(brief)), Block("para", incident_status(brief))]
        mine = tuple(s for s in digest.alerts if s.incident == brief.id)
        out += _stories(mine, "", digest.explain, digest, number + 1) if mine else []
        number += len(mine)
    rest = tuple(s for s in digest.alerts if s.incident not in leading)
    if rest:
        out.append(Block("group", OTHER_ALERTS))
        out += _stories(rest, "", digest.explain, digest, number + 1)
    return out
