"""The digest as JSON, for other programs: the contract documented in the README.

``{"window": {"start", "end"}, "stories": [{"title", "url", "outlet", "published", "edu",
"local", "alert", "severity", "units", "themes", "also_in": [{"outlet", "url"}], "scope",
"importance", "why"}], "cut": [the same, with "reason" (limit, soft, abroad)],
"local_alerts": [url], "sources": [{"name", "outlet", "problem" (dead, failed, disabled,
silent), "detail", "failures", "since"}], "incidents": [the province's incidents leading
section II: {"id", "title", "stage", "stage_before", "severity", "local", "first_seen",
"last_seen", "articles", "outlets", "new_articles", "new_outlets", "new_central",
"unanswered_hours", "response": {"kind", "at", "by", "url", "after_hours"} | null,
"stories": [url]}], "week": the trends of `dumon trends --json` (weekly digest) | null}``;
a story telling an incident has "incident": {"id", "stage", "update"}.
Text is kept as data; characters that could reorder a terminal are written as ``\\uXXXX``.
"section" (and "group" for local stories) says where the story stands in the digest; the
stories of the appendix "Tin khác" are in "cut" (section "cut"), not in "stories".
"""

from __future__ import annotations

import json
import re
from typing import Any

from dumon.output.digest_records import Digest, Story
from dumon.output.incident_briefs import Brief
from dumon.render.trends_view import week_dict
from dumon.storage.rows import to_iso

# Characters json.dumps leaves raw that would reorder or hide text when the JSON is printed
# on a terminal (C1 controls, bidi overrides, line separators): written as \uXXXX escapes,
# so the data is unchanged for a parser.
_INVISIBLE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def digest_dict(digest: Digest) -> dict:
    stories = [_story(s, "alerts", digest=digest) for s in digest.alerts]
    stories += [
        _story(s, "local", g.name, digest=digest) for g in digest.local_groups for s in g.stories
    ]
    stories += [_story(s, "national", digest=digest) for s in digest.national]
    return {
        "window": {"start": digest.window.start_iso, "end": digest.window.end_iso},
        "department": digest.department,
        "overview": {
            "stories": digest.overview.stories,
            "articles": digest.overview.articles,
            "local": digest.overview.local,
            "alerts": digest.overview.alerts,
            "outlets": digest.overview.outlets,
        },
        "stories": stories,
        "national_more": digest.national_more,
        "cut": [dict(_story(c.story, "cut"), reason=c.reason) for c in digest.cut],
        "local_alerts": [s.url for s in digest.local_alerts],
        "sources": [
            {
                "name": i.name,
                "outlet": i.outlet,
                "problem": i.problem,
                "detail": i.detail,
                "failures": i.failures,
                "since": i.since,
            }
            for i in digest.sources
        ],
        "incidents": [_brief(b, digest) for b in digest.incidents],
        "week": week_dict(digest.week) if digest.week is not None else None,
    }


def _brief(brief: Brief, digest: Digest) -> dict:
    response = None
    if brief.response is not None and brief.response_delay is not None:
        response = {
            "kind": brief.response.response,
            "at": to_iso(brief.response.at),
            "by": brief.response.by or None,
            "url": brief.response.url or None,
            "after_hours": round(brief.response_delay.total_seconds() / 3600, 1),
        }
    return {
        "id": brief.id,
        "title": brief.title,
        "stage": brief.stage,
        "stage_before": brief.stage_before,
        "severity": brief.severity,
        "local": brief.local,
        "first_seen": to_iso(brief.first_seen),
        "last_seen": to_iso(brief.last_seen),
        "articles": brief.articles,
        "outlets": brief.outlets,
        "new_articles": brief.new_articles,
        "new_outlets": list(brief.new_outlets),
        "new_central": brief.new_central,
        "unanswered_hours": brief.unanswered_hours,
        "response": response,
        "stories": [s.url for s in digest.alerts if s.incident == brief.id],
    }


def _story(
    story: Story, section: str, group: str | None = None, *, digest: Digest | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": story.title,
        "url": story.url,
        "outlet": story.outlet,
        "published": to_iso(story.published),
        "edu": story.edu,
        "local": story.local,
        "alert": story.alert,
        "severity": story.severity,
        "units": list(story.units),
        "themes": list(story.themes),
        "alerts": list(story.alerts),
        "excerpt": story.excerpt,
        "section": section,
        "also_in": [{"outlet": c.outlet, "url": c.url} for c in story.also_in],
        "scope": story.scope,
        "importance": story.importance,
        "why": list(story.why),
    }
    if group is not None:
        out["group"] = group
    if story.incident is not None:
        brief = digest.briefs.get(story.incident) if digest else None
        out["incident"] = {
            "id": story.incident,
            "stage": brief.stage if brief else None,
            "update": story.update,
        }
    return out


def render_json(digest: Digest) -> str:
    text = json.dumps(digest_dict(digest), ensure_ascii=False, indent=2)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
