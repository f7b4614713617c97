"""What a coverage report is made of: counts by unit, theme, outlet, tier and month, the top
stories, and the JSON other programs read (the README's contract). Renderers read these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dumon.output.incident_briefs import PeriodIncident, UnitResponses
from dumon.output.periods import Period

UNKNOWN_TIER = "không rõ"
TIERS = ("central", "local", "sector", "other")


@dataclass(frozen=True)
class Count:
    name: str  # the stored name or key
    articles: int  # education articles
    alerts: int = 0
    label: str | None = None  # a display name, when the key is not one (themes)
    local: int = 0  # of them, about the department's area

    @property
    def shown(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class UnitCount(Count):
    kind: str = ""  # the registry's kind (so, thpt…); "" for a name the registry lacks


@dataclass(frozen=True)
class OutletCount(Count):
    tier: str = UNKNOWN_TIER
    output: int = 0  # everything the outlet published in the period (education or not)


@dataclass(frozen=True)
class MonthCount(Count):
    missing: bool = False  # no scan and no article that month: unknown, not zero


@dataclass(frozen=True)
class TopStory:
    title: str
    url: str
    outlet: str  # the first publisher
    published: str | None
    articles: int
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class CoverageReport:
    period: Period
    unit: str | None  # the --unit fragment asked for
    units_matched: tuple[str, ...]  # the current name of the unit it designates
    articles: int  # education articles
    alerts: int
    local: int
    by_unit: tuple[UnitCount, ...]
    by_theme: tuple[Count, ...]
    by_outlet: tuple[OutletCount, ...]
    by_tier: tuple[Count, ...]
    by_month: tuple[MonthCount, ...]
    top_stories: tuple[TopStory, ...] = field(default=())
    all_articles: int = 0  # everything stored for the period, education or not
    also_units: tuple[str, ...] = ()  # other units the --unit fragment fits
    incidents: tuple[PeriodIncident, ...] = ()  # the period's incidents (sự vụ)
    unit_responses: tuple[UnitResponses, ...] = ()  # response times per unit

    @property
    def alert_share(self) -> float:
        return self.alerts / self.articles if self.articles else 0.0

    @property
    def local_share(self) -> float:
        return self.local / self.articles if self.articles else 0.0

    @property
    def missing_months(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.by_month if m.missing)

    def as_json(self) -> dict[str, Any]:
        return {
            "period": {
                "start": self.period.start,
                "end": self.period.end,
                "label": self.period.label,
            },
            "unit": self.unit,
            "units_matched": list(self.units_matched),
            "also_units": list(self.also_units),
            "totals": {
                "articles": self.articles,
                "alerts": self.alerts,
                "alert_share": round(self.alert_share, 4),
                "local": self.local,
                "local_share": round(self.local_share, 4),
                "all_articles": self.all_articles,
            },
            "by_unit": [
                {**_count(c, "unit"), "kind": c.kind, "local": c.local} for c in self.by_unit
            ],
            "by_theme": [_count(c, "theme") for c in self.by_theme],
            "by_outlet": [
                {
                    **_count(c, "outlet"),
                    "local": c.local,
                    "local_share": round(c.local / c.articles, 4) if c.articles else 0.0,
                    "tier": c.tier,
                    "output": c.output,
                    "education_share": round(c.articles / c.output, 4) if c.output else 0.0,
                }
                for c in self.by_outlet
            ],
            "by_tier": [_count(c, "tier") for c in self.by_tier],
            "by_month": [
                {**_count(c, "month"), "local": c.local, "missing": c.missing}
                for c in self.by_month
            ],
            "top_stories": [
                {
                    "title": s.title,
                    "url": s.url,
                    "outlet": s.outlet,
                    "published": s.published,
                    "articles": s.articles,
                    "outlets": list(s.outlets),
                }
                for s in self.top_stories
            ],
            "incidents": [_incident_json(i) for i in self.incidents],
            "responses_by_unit": [
                {
                    "unit": u.unit,
                    "incidents": u.incidents,
                    "answered": u.answered,
                    "median_hours": u.median_hours,
                    "unanswered_spreading": u.unanswered_spreading,
                }
                for u in self.unit_responses
            ],
        }


def _incident_json(item: PeriodIncident) -> dict[str, Any]:
    response = item.response
    return {
        "id": item.id,
        "title": item.title,
        "local": item.local,
        "severity": item.severity,
        "units": list(item.units),
        "stage": item.stage,
        "first_seen": item.first_seen.isoformat(timespec="seconds"),
        "last_seen": item.last_seen.isoformat(timespec="seconds"),
        "articles": item.articles,
        "outlets": item.outlets,
        "stages": [
            {"at": at.isoformat(timespec="seconds"), "stage": st} for at, st in item.history
        ],
        "response": None
        if response is None
        else {"kind": response.response, "at": response.at.isoformat(timespec="seconds")},
        "response_hours": item.response_hours,
    }


def _count(c: Count, key: str) -> dict[str, Any]:
    return {key: c.name, "label": c.shown, "articles": c.articles, "alerts": c.alerts}
