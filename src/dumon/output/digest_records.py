"""What a digest is made of: stories with their copies, the groups and sections they are
shown in, what was cut and why, and the sources that failed. Renderers read these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from dumon.output.window import Window

if TYPE_CHECKING:  # records only: the digest's modules import what they build
    from dumon.output.incident_briefs import Brief
    from dumon.output.trends import Week


@dataclass(frozen=True)
class Copy:
    """Another publication of a story ("đăng lại")."""

    outlet: str
    url: str
    published: datetime | None = None


@dataclass(frozen=True)
class Story:
    title: str
    url: str
    outlet: str
    published: datetime | None
    excerpt: str
    edu: bool
    local: bool
    alert: bool
    severity: int
    units: tuple[str, ...]
    themes: tuple[str, ...]  # display names
    alerts: tuple[str, ...]  # display names of the alert themes
    also_in: tuple[Copy, ...]
    scope: str = "national"  # local, national, neighbour, province, abroad
    importance: int = 0
    why: tuple[str, ...] = ()  # how the importance adds up, in Vietnamese
    soft: str = ""  # the soft content it is (advertorial, celebrity), or ""
    incident: int | None = None  # the incident (sự vụ) it tells, if any
    update: bool = False  # it tells an incident known before the window: shown as its update

    @property
    def coverage(self) -> int:
        """How many outlets carried the story."""
        return len({self.outlet, *(c.outlet for c in self.also_in)})


@dataclass(frozen=True)
class Cut:
    """A story not shown in the sections, listed in the appendix "Tin khác", and why."""

    story: Story
    reason: str  # limit, soft, abroad


CUT_REASONS = {
    "limit": "ngoài giới hạn mục IV",
    "soft": "quảng cáo, giải trí",
    "abroad": "tin nước ngoài",
}


@dataclass(frozen=True)
class StoryGroup:
    name: str
    stories: tuple[Story, ...]


@dataclass(frozen=True)
class SourceIssue:
    """A source that failed in the window's scans, went silent or was switched off."""

    name: str
    outlet: str
    problem: str  # dead, failed, disabled, silent, new (never read: "chưa kiểm chứng")
    detail: str  # Vietnamese, for the reader
    failures: int = 0
    since: str | None = None


@dataclass(frozen=True)
class Overview:
    stories: int
    articles: int
    local: int
    alerts: int
    outlets: int


@dataclass(frozen=True)
class Digest:
    window: Window
    department: str
    generated: datetime
    overview: Overview
    alerts: tuple[Story, ...]
    local_groups: tuple[StoryGroup, ...]
    national: tuple[Story, ...]
    national_more: int
    sources: tuple[SourceIssue, ...]
    cut: tuple[Cut, ...] = ()
    explain: bool = False  # show how each story's importance adds up
    incidents: tuple[Brief, ...] = ()  # the province's incidents, leading section II
    briefs: dict[int, Brief] = field(default_factory=dict)  # every incident a story tells
    week: Week | None = None  # the weekly digest's trends and the week ahead

    @property
    def empty(self) -> bool:
        return self.overview.articles == 0

    @property
    def local_alerts(self) -> tuple[Story, ...]:
        """The province's incidents: shown in section II, pointed to from section III."""
        return tuple(s for s in self.alerts if s.local)

    @property
    def stories(self) -> tuple[Story, ...]:
        """Every story shown, in the order of the sections."""
        local = tuple(s for g in self.local_groups for s in g.stories)
        return self.alerts + local + self.national
