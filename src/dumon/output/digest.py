"""The digest ("điểm tin") of a window: what leadership reads each morning.

Owns the stories of a window (``window.py``; every article takes part in clustering,
``stories.py``; a story is kept when one of its articles is relevant), their importance
(``ranking.py``) and the sections: I. overview counts, II. alerts (the province's own first,
then by severity and importance), III. local stories grouped by unit or theme (local incidents
are in II, and III says so), IV. national education stories by importance, up to
``national_limit``, V. sources that failed or went silent; and an appendix, "Tin khác", of
what was not shown: beyond the limit, advertorials and celebrities, stories abroad.
Renderers in ``render/digest_*.py`` turn a :class:`Digest` (``digest_records.py``) into text.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dumon.desk import Desk
from dumon.errors import DumonError, QueryError
from dumon.matching.registry import profile_theme_names
from dumon.output import marks as office_marks
from dumon.output.digest_records import (
    Copy,
    Cut,
    Digest,
    Overview,
    Story,
    StoryGroup,
)
from dumon.output.incident_briefs import window_briefs, with_incidents
from dumon.output.ranking import Importance, Signal, importance
from dumon.output.source_issues import source_issues
from dumon.output.stories import StoryItem, cluster_stories
from dumon.output.window import Window, resolve_window
from dumon.settings import Settings, load_settings
from dumon.storage.marks import marked
from dumon.storage.reading import ranking_hits, window_articles
from dumon.storage.rows import ArticleRow, to_iso
from dumon.storage.sqlitefile import open_reader
from dumon.textnorm import fold, normalize
from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

EXCERPT_CHARS = 260
OTHER_GROUP = "Tin khác của tỉnh"


# --- reading the store ---------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """What the matcher stored about the relevant articles beyond their flags: alert keys,
    and the ranking signals found with the field they were found in."""

    alerts: dict[int, list[str]]
    signals: dict[int, list[tuple[str, str]]]
    important: frozenset[int] = frozenset()  # the articles the office marked important


def article_marks(conn: sqlite3.Connection, article_ids: list[int]) -> Marks:
    alerts: dict[int, list[str]] = defaultdict(list)
    signals: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for hit in ranking_hits(conn, article_ids):
        if hit.kind == "alert":
            if hit.key not in alerts[hit.article_id]:
                alerts[hit.article_id].append(hit.key)
        else:
            signals[hit.article_id].append((hit.key, hit.field))
    return Marks(alerts, signals)


# --- stories -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def make_excerpt(summary: str, body: str, *, title: str = "", limit: int = EXCERPT_CHARS) -> str:
    """The article's own lead: its summary, else its first sentences, cut on a word boundary."""
    text = " ".join((summary or "").split())
    if not text or text == " ".join(title.split()):
        text = ""
        for sentence in _SENTENCE_END.split(" ".join((body or "").split())):
            if text and len(text) + len(sentence) > limit:
                break
            text = f"{text} {sentence}".strip()
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def _loads(value: str | None) -> list[str]:
    try:
        parsed = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(v) for v in parsed] if isinstance(parsed, list) else []


def _when(row: ArticleRow) -> datetime | None:
    value = row.published or row.first_seen
    return datetime.fromisoformat(value) if value else None


def _merge_unique(lists: list[list[str]]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for values in lists:
        for v in values:
            out.setdefault(v, None)
    return tuple(out)


@dataclass(frozen=True)
class Editorial:
    """What the digest reads of the keyword profile: display names of themes and alerts,
    the ranking signals, the words a news roundup starts with, and the names of places
    (accent-folded), which name no event on their own (incidents)."""

    names: dict[str, str]
    signals: dict[str, Signal]
    roundups: tuple[str, ...] = ()
    places: frozenset[str] = frozenset()

    def is_roundup(self, title: str) -> bool:
        head = normalize(title)[:40]
        return any(head.startswith(word) for word in self.roundups)


NO_EDITORIAL = Editorial({}, {})
_WIDEST = ("local", "national", "neighbour", "province", "abroad")  # a story's scope: widest


def story_items(rows: list[ArticleRow], editorial: Editorial) -> list[StoryItem]:
    """What clustering reads of the window's articles (the relevant ones are kept)."""
    return [
        StoryItem(
            r.title or "",
            r.summary or "",
            r.outlet or "",
            r.published or r.first_seen or "",
            kept=r.relevant,
            roundup=editorial.is_roundup(r.title or ""),
        )
        for r in rows
    ]


def build_stories(rows: list[ArticleRow], *, editorial: Editorial, marks: Marks) -> list[Story]:
    """Cluster the window's articles and make one Story per cluster with a relevant article
    (lead = its first publisher among the relevant ones)."""
    items = story_items(rows, editorial)
    return [_story([rows[i] for i in group], editorial, marks) for group in cluster_stories(items)]


def _story(members: list[ArticleRow], editorial: Editorial, marks: Marks) -> Story:
    relevant = [m for m in members if m.relevant]
    lead = members[0]
    excerpt = ""
    for member in members:  # a copy may carry the lead its first publisher's feed lacked
        excerpt = make_excerpt(member.summary or "", member.body or "", title=member.title)
        if excerpt:
            break
    copies: dict[str, Copy] = {}
    for member in members[1:]:
        if member.url != lead.url:
            copies.setdefault(member.url, Copy(member.outlet or "", member.url, _when(member)))
    names = editorial.names
    theme_keys = _merge_unique([_loads(m.themes) for m in relevant])
    alert_names = _merge_unique([marks.alerts.get(m.id, []) for m in relevant])
    outlets = len({m.outlet or "" for m in members})
    local = any(m.local for m in relevant)
    scopes = {m.scope or "national" for m in relevant}
    scope = next(s for s in _WIDEST if s in scopes) if scopes <= set(_WIDEST) else "national"
    signals = [hit for m in relevant for hit in marks.signals.get(m.id, [])]
    rank = importance(scope=scope, signals=signals, outlets=outlets, book=editorial.signals)
    if any(m.id in marks.important for m in members):  # the office's mark
        points = office_marks.IMPORTANT_POINTS
        rank = Importance(
            rank.score + points, (*rank.reasons, f"văn phòng đánh dấu quan trọng {points:+d}")
        )
    severity = max((m.severity or 0) for m in relevant)
    alert = any(m.alert for m in relevant)
    if alert and local and outlets > 1:
        severity = 3  # the province's own incident, and the press is spreading it
    return Story(
        title=lead.title,
        url=lead.url,
        outlet=lead.outlet or "",
        published=_when(lead),
        excerpt=excerpt,
        edu=any(m.edu for m in relevant),
        local=local,
        alert=alert,
        severity=severity,
        units=_merge_unique([_loads(m.units) for m in relevant]),
        themes=tuple(names.get(k, k) for k in theme_keys),
        alerts=tuple(names.get(k, k) for k in alert_names),
        also_in=tuple(copies.values()),
        scope=scope,
        importance=rank.score,
        why=rank.reasons,
        soft=_soft(signals, editorial.signals),
    )


def _soft(signals: list[tuple[str, str]], book: dict[str, Signal]) -> str:
    """The name of the soft content a story's headline is (an advertorial, a celebrity), when
    no actor of weight is in a headline too ("" otherwise)."""
    soft = ""
    for key, field in signals:
        signal = book.get(key)
        if signal is None or field != "title":
            continue
        if signal.kind == "actor" and signal.weight >= 2:
            return ""
        if signal.kind == "soft" and signal.weight >= 2:
            soft = soft or signal.name
    return soft


def _by_time(story: Story) -> str:
    return to_iso(story.published) or ""


def _group_local(stories: list[Story]) -> list[StoryGroup]:
    """Units first (largest group first), then themes, then the rest."""
    groups: dict[tuple[int, str], list[Story]] = defaultdict(list)
    for story in stories:
        if story.units:
            groups[(0, story.units[0])].append(story)
        elif story.themes:
            groups[(1, story.themes[0])].append(story)
        else:
            groups[(2, OTHER_GROUP)].append(story)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]), fold(kv[0][1])))
    return [StoryGroup(name, tuple(sorted(items, key=_by_time))) for (_, name), items in ordered]


def _rank(story: Story) -> tuple[int, int, str]:
    return (-story.importance, -story.coverage, _by_time(story))


def build_digest(
    conn: sqlite3.Connection,
    window: Window,
    *,
    settings: Settings | None = None,
    editorial: Editorial = NO_EDITORIAL,
    now: datetime | None = None,
    explain: bool = False,
) -> Digest:
    """The digest of `window` read from the database, with the office's marks applied and
    the incidents (sự vụ) its stories tell."""
    settings = settings or Settings()
    found = marked(conn)
    rows = office_marks.apply_marks(
        conn, window_articles(conn, window.start_iso, window.end_iso), found
    )
    relevant = [r for r in rows if r.relevant]
    marks = replace(
        article_marks(conn, [r.id for r in relevant]), important=office_marks.important(found)
    )
    clusters = cluster_stories(story_items(rows, editorial))
    groups = [[rows[i].id for i in group] for group in clusters]
    stories = [_story([rows[i] for i in group], editorial, marks) for group in clusters]
    member_of, briefs, lead = window_briefs(
        conn, window.start, window.end, [r.id for r in rows], settings.incidents
    )
    stories = with_incidents(stories, groups, member_of, briefs)
    leading = set(lead)
    # Section II: the province's incidents first, then alerts by place, severity and rank;
    # a story that tells a known incident is its update there, even when no alert itself.
    alert_stories = sorted(
        (s for s in stories if s.alert or s.update),
        key=lambda s: (s.incident not in leading, not s.local, -s.severity, *_rank(s)),
    )
    shown = {id(s) for s in alert_stories}
    stories = [s for s in stories if id(s) not in shown] + alert_stories
    local = [s for s in stories if s.local and id(s) not in shown]
    cut: list[Cut] = []
    national: list[Story] = []
    for story in sorted(
        (s for s in stories if s.edu and not s.local and id(s) not in shown), key=_rank
    ):
        if story.scope == "abroad":
            cut.append(Cut(story, "abroad"))
        elif story.soft:
            cut.append(Cut(story, "soft"))
        else:
            national.append(story)
    limit = settings.national_limit
    cut = [Cut(s, "limit") for s in national[limit:]] + cut
    return Digest(
        window=window,
        department=settings.department,
        generated=(now or datetime.now(VN_TZ)).astimezone(VN_TZ),
        overview=Overview(
            stories=len(stories),
            articles=len(relevant),
            local=sum(1 for s in stories if s.local),
            alerts=len(alert_stories),
            outlets=len({r.outlet for r in relevant if r.outlet}),
        ),
        alerts=tuple(alert_stories),
        local_groups=tuple(_group_local(local)),
        national=tuple(national[:limit]),
        national_more=max(0, len(national) - limit),
        sources=tuple(source_issues(conn, window, health=settings.health)),
        cut=tuple(cut),
        explain=explain,
        incidents=tuple(briefs[i] for i in lead),
        briefs=briefs,
    )


def load_editorial(desk: Desk) -> Editorial:
    """What the digest reads of the desk's keyword profile (nothing when it cannot be read:
    the digest still reads well with keys, and the scan reports the problem)."""
    if not desk.keywords_dir.is_dir():
        return NO_EDITORIAL
    from dumon.matching.keywords import load_keywords

    try:
        profile = load_keywords(desk.keywords_dir)
    except DumonError as error:
        log.warning("keywords not loaded for the digest: %s", error.message)
        return NO_EDITORIAL
    names = profile_theme_names(profile)
    names.update({alert.key: alert.name for alert in profile.alerts})
    signals = {s.key: Signal(s.name, s.kind, s.weight) for s in profile.signals}
    roundups = tuple(
        normalize(term) for s in profile.signals if s.kind == "roundup" for term in s.terms
    )
    forms = [f for r in profile.regions for f in (r.name, *r.terms)]
    forms += [f for p in profile.places for f in (p.name, *p.aliases)]
    places = frozenset(" ".join(fold(form).lower().split()) for form in forms)
    return Editorial(names, signals, roundups, places)


def make_digest(
    desk: Desk,
    *,
    on: str | None = None,
    since: str | None = None,
    until: str | None = None,
    now: datetime | None = None,
    explain: bool = False,
    week: bool = False,
    refresh: bool = False,
) -> Digest:
    """The digest asked for on the command line, read from the desk; with `week`, the seven
    days ending on the morning asked, and a section of trends and the week ahead; with
    `refresh`, the desk's incidents are first brought up to the window's end."""
    settings = load_settings(desk.settings_path)
    if week and (since or until):
        raise QueryError(
            "--week không dùng cùng --since/--until. Cách sửa: dùng --week (tuần kết thúc sáng "
            "nay) hoặc --week --date YYYY-MM-DD."
        )
    window = resolve_window(on=on, since=since, until=until, hour=settings.digest_hour, now=now)
    if week:
        window = Window(window.end - timedelta(days=7), window.end)
    if not desk.db_path.exists():  # a desk not scanned yet: its empty database, as a scan makes it
        from dumon.storage import store

        store.open_db(desk.db_path).close()
    if refresh:
        from dumon.output.incident_build import ensure_current

        ensure_current(desk, now=now, until=window.end)
    editorial = load_editorial(desk)
    conn = open_reader(desk.db_path)
    try:
        digest = build_digest(
            conn, window, settings=settings, editorial=editorial, now=now, explain=explain
        )
        if week:
            from dumon.output.trends import week_of

            digest = replace(digest, week=week_of(desk, conn, window, settings))
        return digest
    finally:
        conn.close()
