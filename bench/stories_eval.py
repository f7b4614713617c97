"""Measure story clustering against the reference mornings: which articles tell one story.

Each reference morning (``../shared/mornings/dev`` or ``--refs``) holds every article of one
day and, for those worth reading, a ``group`` shared by the articles of one story. Every
article of the day is clustered as a digest would (the matcher of ``keywords/`` says which
are kept), then pairs of judged articles are counted:

- recall: pairs of one group put in one story;
- precision: pairs put in one story that belong to one group (an unjudged article is a
  group of its own).

    python bench/stories_eval.py [--refs DIR] [--keywords DIR] [--show]

The articles belong to their publishers: they are read at run time and never copied.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from datetime import date
from pathlib import Path

from dumon.matching import Matcher
from dumon.output.stories import StoryItem, cluster_stories

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFS = REPO.parent / "shared" / "mornings" / "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refs", type=Path, default=DEFAULT_REFS)
    parser.add_argument("--keywords", type=Path, default=REPO / "keywords")
    parser.add_argument("--show", action="store_true", help="print the pairs missed or wrong")
    args = parser.parse_args()
    refs = sorted(args.refs.glob("*.json"))
    if not refs:
        print(f"skipped: no reference mornings in {args.refs}")
        return 0
    matcher = Matcher.from_folder(args.keywords)
    totals = [0, 0, 0, 0]
    seconds = 0.0
    for path in refs:
        ref = json.loads(path.read_text(encoding="utf-8"))
        items = ref["items"]
        group = {j["id"]: j["group"] for j in ref["judgments"]}
        stories = []
        for o in items:
            day = date.fromisoformat(o["date"]) if o.get("date") else None
            kept = matcher.match(
                title=o.get("title") or "",
                summary=o.get("summary") or "",
                url=o.get("url") or "",
                published=day,
            ).relevant
            stories.append(
                StoryItem(
                    o.get("title") or "",
                    o.get("summary") or "",
                    o.get("outlet") or "",
                    f"{o['date']}T12:00:00+07:00" if o.get("date") else "",
                    kept=kept,
                )
            )
        started = time.perf_counter()
        clusters = cluster_stories(stories)
        seconds += time.perf_counter() - started
        story_of = {items[i]["id"]: k for k, members in enumerate(clusters) for i in members}
        judged = [i for i in group if i in story_of]
        same = [(a, b) for a, b in itertools.combinations(judged, 2) if group[a] == group[b]]
        together = [
            (items[a]["id"], items[b]["id"])
            for members in clusters
            for a, b in itertools.combinations(members, 2)
        ]
        right = sum(1 for a, b in same if story_of[a] == story_of[b])
        ok = sum(1 for a, b in together if group.get(a, a) == group.get(b, b))
        totals = [
            totals[0] + right,
            totals[1] + len(same),
            totals[2] + ok,
            totals[3] + len(together),
        ]
        print(f"{ref['date']}: recall {right}/{len(same)}, precision {ok}/{len(together)}")
        if args.show:
            title = {o["id"]: o.get("title") or "" for o in items}
            for a, b in same:
                if story_of[a] != story_of[b]:
                    print(f"    apart:    {title[a][:60]} || {title[b][:60]}")
            for a, b in together:
                if group.get(a, a) != group.get(b, b):
                    print(f"    together: {title[a][:60]} || {title[b][:60]}")
    recall = totals[0] / totals[1] if totals[1] else 1.0
    precision = totals[2] / totals[3] if totals[3] else 1.0
    print(
        f"TOTAL recall {totals[0]}/{totals[1]} = {recall:.3f}, precision {totals[2]}/{totals[3]}"
        f" = {precision:.3f}; clustering {seconds * 1000 / len(refs):.0f} ms per morning"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
