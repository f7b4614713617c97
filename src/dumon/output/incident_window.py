"""One digest window's stories read into incidents (sự vụ).

The window's articles are clustered into stories exactly as the digest does
(``stories.cluster_stories`` over every article of the window, the office's marks applied
first: a hidden article tells nothing, a "not an alert" one opens nothing). For each story
holding a new article:

- a story with an article already in an incident adds its other articles to it (copies);
- an alert story (not abroad) joins the open incident it is closest to (``incident_join``)
  when that incident's articles are within ``join_days``, or ``followup_days`` for a story
  telling what happened next ("kết quả xác minh", "cho thôi việc", "khởi tố":
  ``development`` and ``followup`` signals); otherwise it opens one, which also takes the
  earlier articles of the last two days that were its first signs (a roundup mentioning the
  clip before anyone called it an incident);
- another relevant story joins an incident only on the stricter terms of a follow-up; it
  never opens one.

A news roundup is read item by item, after the day's stories it may retell.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime, timedelta

from dumon.output import incidents
from dumon.output import marks as office_marks
from dumon.output.digest import Editorial, story_items
from dumon.output.incident_join import NAME_BONUS, Facts, Known, Likeness
from dumon.output.stories import Bag, Rarity, StoryItem, bag_of, cluster_stories
from dumon.output.window import Window
from dumon.settings import IncidentSettings
from dumon.storage import incident_reads as reads
from dumon.storage import incidents as stored
from dumon.storage import marks as stored_marks
from dumon.storage.reading import window_articles
from dumon.storage.rows import ArticleRow
from dumon.storage.store import Database
from dumon.vntime import VN_TZ

log = logging.getLogger(__name__)

COPY = 0.30  # another article of a story joins its incident at this score
JOIN = 0.30  # an alert story joins an incident at this score…
FOLLOW = 0.40  # …another relevant story only at this one
LOOKBACK_HOURS = 48  # a new incident takes its first signs from this far back

_ROUNDUP_ITEMS = re.compile(r"\s*[|;]\s+")


def _when(row: ArticleRow) -> datetime:
    return datetime.fromisoformat(row.published or row.first_seen).astimezone(VN_TZ)


class WindowReader:
    """Reads windows, in time order, into incidents; keeps what it knows of the incidents a
    later story may join (`known`)."""

    def __init__(
        self,
        db: Database,
        *,
        rules: IncidentSettings,
        editorial: Editorial,
        tier_of,
        now: datetime,
    ) -> None:
        self.db = db
        self.rules = rules
        self.editorial = editorial
        self.tier_of = tier_of
        self.now = now
        self.known: dict[int, Known] = {}
        self.marked = stored_marks.marked(db.conn)
        self.likeness = Likeness(editorial.places)
        self.developments = {
            key
            for key, signal in editorial.signals.items()
            if signal.kind in ("development", "followup")
        }
        self.opened = 0
        self.joined = 0

    # what is known of incidents -------------------------------------------------------------

    def load_known(self, since: datetime) -> None:
        """The incidents a story of `since` or later may join."""
        ids = stored.incidents_since(self.db.conn, since - timedelta(days=self.rules.followup_days))
        for incident in stored.load_incidents(self.db.conn, ids):
            if incident.articles:
                self._remember(incident.id, [a.article_id for a in incident.articles])

    def forget_before(self, horizon: datetime) -> None:
        """Incidents whose latest article is before `horizon` are joined no more."""
        for incident_id in [k for k, v in self.known.items() if v.last < horizon]:
            del self.known[incident_id]

    def _remember(self, incident_id: int, article_ids: list[int]) -> None:
        rows = self._rows(article_ids)
        if rows:
            first = min(_when(r) for r in rows)
            self.known[incident_id] = Known.empty(incident_id, first)
            self._learn(incident_id, rows)

    def _learn(self, incident_id: int, rows: list[ArticleRow]) -> None:
        """What the build knows of an incident grows with the articles added to it."""
        known = self.known.get(incident_id)
        if known is not None:
            # A roundup's other items would lend the incident words of other events.
            told = [r for r in rows if not self._roundup(r)]
            for row in rows:
                known.first, known.last = min(known.first, _when(row)), max(known.last, _when(row))
            ordered = sorted(told, key=lambda r: (_when(r), r.id))
            known.take(
                [
                    (_when(r), bag_of([self._item(r)]), bag_of([self._item(r, headline=True)]))
                    for r in ordered
                ],
                self._facts(told),
            )

    def _rows(self, ids: list[int]) -> list[ArticleRow]:
        rows = reads.articles_by_id(self.db.conn, ids)
        return office_marks.apply_marks(self.db.conn, rows, self.marked)

    def _item(self, row: ArticleRow, *, headline: bool = False) -> StoryItem:
        """The article as clustering reads it (its headline alone with `headline`)."""
        return StoryItem(
            row.title or "",
            "" if headline else row.summary or "",
            row.outlet or "",
            row.published or row.first_seen or "",
            roundup=self.editorial.is_roundup(row.title or ""),
        )

    def _facts(self, rows: list[ArticleRow]) -> Facts:
        """The facts of articles; alert keys only of those that are alerts."""
        facts = Facts()
        alerting = {r.id for r in rows if r.alert}
        for hit in reads.story_hits(self.db.conn, [r.id for r in rows]):
            if hit.kind == "unit":
                facts.units.add(hit.key)
            elif hit.kind in ("place", "region"):
                facts.places.add(hit.key)
            elif hit.kind == "alert":
                if hit.article_id in alerting:
                    facts.alerts.add(hit.key)
            elif hit.key in self.developments and hit.field in ("title", "summary", "url"):
                facts.development = True
        return facts

    # one window -----------------------------------------------------------------------------

    def window(self, window: Window, fresh: set[int]) -> set[int]:
        """Read one window's new articles into incidents; the incidents touched."""
        conn = self.db.conn
        rows = window_articles(conn, window.start_iso, window.end_iso)
        rows = office_marks.apply_marks(conn, rows, self.marked)
        items = story_items(rows, self.editorial)
        rarity = Rarity(items)
        member_of = stored.incidents_of(conn, [r.id for r in rows])
        touched: set[int] = set()
        queue = [[rows[i] for i in group] for group in cluster_stories(items, rarity=rarity)]
        # A news roundup retells the day's news: a story told by roundups alone (its alerts,
        # else all its articles) is read after the stories it may retell.
        queue.sort(
            key=lambda members: all(
                self._roundup(m) for m in ([m for m in members if m.alert] or members)
            )
        )
        while queue:
            members = queue.pop(0)
            if not any(m.id in fresh for m in members):
                continue
            free = [m for m in members if m.id not in member_of]
            if not free:
                continue
            held = Counter(member_of[m.id] for m in members if m.id in member_of)
            target: int | None
            if held:
                target = held.most_common(1)[0][0]
                known = self.known.get(target)
                copies = [m for m in free if known and self._fits(m, known, rarity, COPY)]
                if copies:
                    self._add(target, copies, "story")
                    touched.add(target)
                    member_of.update({m.id: target for m in copies})
                # An alert the day's clustering put beside the incident's story is read alone.
                queue[:0] = [[m] for m in free if m not in copies and m.alert]
                continue
            relevant = [m for m in free if m.relevant]
            abroad = all((m.scope or "") == "abroad" for m in relevant)
            alerting = [m for m in relevant if m.alert] if not abroad else []
            core = alerting or relevant
            if not core:
                continue
            # The story as the matcher told it: its alerts (else its relevant articles). Each
            # of them must tell the incident's event on its own, or it is read alone (the
            # day's clustering joins a national figure to the case it mentions); the rest of
            # the cluster comes along only when it tells the same.
            when = min(_when(m) for m in core)
            facts = self._facts(core)
            target, how = self._closest(
                self._readings(core), when, facts, rarity, alert=bool(alerting)
            )
            if target is not None:
                known = self.known[target]
                fitting = [m for m in core if self._fits(m, known, rarity, COPY, anchored=False)]
                if not fitting:
                    target = None
            if target is None and not alerting:
                continue
            if target is None:
                target = stored.create(self.db, title=alerting[0].title, opened=when, now=self.now)
                self.opened += 1
                self.known[target] = Known.empty(target, when)
                lead, *others = core
                self._add(target, [lead], "opened")
                # The day's story as the digest tells it, but for what happens elsewhere or
                # at another school (read alone).
                known = self.known[target]
                fitting = [lead] + [
                    m for m in others if self._fits(m, known, rarity, -1.0, anchored=False)
                ]
                if len(fitting) > 1:
                    self._add(target, fitting[1:], "opened")
                how = "opened"
            else:
                log.debug("%s %d: %s", how, target, " / ".join(m.title[:60] for m in fitting))
                self._add(target, fitting, how)
            queue[:0] = [[m] for m in core if m not in fitting]
            known = self.known[target]
            rest = [
                m
                for m in free
                if m not in core and not m.alert and self._fits(m, known, rarity, COPY)
            ]
            if rest:
                self._add(target, rest, "story")
            added = fitting + rest
            if how == "opened":
                added += self._first_signs(target, when, rarity, member_of)
            touched.add(target)
            member_of.update({m.id: target for m in added})
        return touched

    def _fits(
        self, row: ArticleRow, known: Known, rarity: Rarity, need: float, *, anchored: bool = True
    ) -> bool:
        """Whether one article tells an incident's event (its copy, a roundup with it)."""
        facts = self._facts([row])
        scores = [
            self.likeness.score(bag, facts, known, rarity, anchored=anchored, when=_when(row))
            for bag in self._readings([row])
        ]
        best = max((x for x in scores if x is not None), default=None)
        return best is not None and best >= need

    def _add(self, target: int, rows: list[ArticleRow], how: str) -> None:
        self.joined += incidents.add_articles(
            self.db, target, rows, how=how, tier_of=self.tier_of, now=self.now
        )
        self._learn(target, rows)

    def _roundup(self, row: ArticleRow) -> bool:
        return self.editorial.is_roundup(row.title or "")

    def _readings(self, rows: list[ArticleRow]) -> list[Bag]:
        """The ways to read a story: its articles as a whole, and each item of a news roundup
        apart ("Xem nhanh 20h: A | B | C" may be about an incident by its second item; its
        lead is the programme's boilerplate)."""
        told = [r for r in rows if not self._roundup(r)]
        bags = [bag_of([self._item(r) for r in told])] if told else []
        for row in rows:
            if self._roundup(row):
                title = (row.title or "").split(":", 1)[-1]
                bags += [bag_of([StoryItem(part)]) for part in _ROUNDUP_ITEMS.split(title)]
        return bags

    def _closest(
        self, bags: list[Bag], when: datetime, facts: Facts, rarity: Rarity, *, alert: bool
    ) -> tuple[int | None, str]:
        """The incident the story joins, and how (joined, followup); None when none fits."""
        best: tuple[float, int, str] | None = None
        near = timedelta(days=self.rules.join_days)
        far = timedelta(days=self.rules.followup_days)
        pairs = {key for bag in bags for key in bag.counts if " " in key}
        for known in self.known.values():
            gap = max(when - known.last, known.first - when, timedelta(0))
            if gap > far or (gap > near and not facts.development):
                continue
            if pairs.isdisjoint(known.bag.counts) and not facts.units & known.units:
                continue  # not a word pair in common: another event (and no need to weigh)
            scores = [self.likeness.score(bag, facts, known, rarity, when=when) for bag in bags]
            score = max((x for x in scores if x is not None), default=None)
            if score is None:
                continue
            how = "followup" if gap > near else "joined"
            need = JOIN if alert else FOLLOW
            if not alert and not facts.development:
                need = FOLLOW + NAME_BONUS  # a plain story must be very close
            if score >= need and (best is None or score > best[0]):
                best = (score, known.id, how)
        return (best[1], best[2]) if best else (None, "")

    # first signs ----------------------------------------------------------------------------

    def _first_sign(
        self, row: ArticleRow, known: Known, rarity: Rarity, running: Counter[str]
    ) -> bool:
        """Whether an article of the days before an incident opened told its event: close as
        a follow-up would be, or two rare word pairs in common in the headlines ("lộ clip",
        "thân mật") without naming another place, school or person."""
        bag, facts = bag_of([self._item(row)]), self._facts([row])
        score = self.likeness.score(bag, facts, known, rarity)
        if score is not None:
            return score >= FOLLOW
        if self.likeness.score(bag, facts, known, rarity, anchored=False) is None:
            return False  # another place, another school
        title = bag_of([self._item(row, headline=True)])
        return self.likeness.headline_pairs(title, known, rarity, running) >= 2

    def _first_signs(
        self, target: int, when: datetime, rarity: Rarity, member_of: dict[int, int]
    ) -> list[ArticleRow]:
        """Relevant articles of the last two days, in no incident, that told the event before
        it was an alert; they join the incident it opened."""
        known = self.known[target]
        since = when - timedelta(hours=LOOKBACK_HOURS)
        rows = reads.relevant_unattached(self.db.conn, since, when)
        rows = [
            r
            for r in office_marks.apply_marks(self.db.conn, rows, self.marked)
            if r.id not in member_of
        ]
        running: Counter[str] = Counter()
        for row in rows:
            running.update(bag_of([self._item(row, headline=True)]).counts.keys())
        earlier = [row for row in rows if self._first_sign(row, known, rarity, running)]
        if earlier:
            self._add(target, earlier, "earlier")
        return earlier
