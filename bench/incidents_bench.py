"""Incidents (sự vụ) built from every alert story of the shared corpus: how many, how big, how
they were joined, the two cases the issue names, and a sample printed for judging by eye.

    python bench/incidents_bench.py [--desk DESK] [--sample 40] [--seed 14]
                                    [--judged bench/incidents_judged.json]

DESK is a desk filled with `dumon import` from the shared tintuchangngay file; without it, one
is made in a temporary folder from the corpus (about a minute). The incidents are built again
from nothing in a copy of the desk's database, so the desk itself is not changed.

The sample is the incidents of a seeded random draw of articles (most incidents hold one
article; joining goes wrong in the big ones). Each is printed with its articles (corpus id,
date, outlet, title) and its neighbours: other incidents within two weeks sharing title
words. A reader judges which articles do not belong to the incident's event (wrongly joined)
and which articles of the neighbours do (wrongly split). Judgments are kept by corpus id
(never text) in the --judged
file: {"seed", "size", "incidents": {first article's corpus id: {"wrong": [its articles that
tell another event], "split": [articles of other incidents that tell its event]}}}. Wrongly
joined: the wrong articles among the sample's; wrongly split: of the events the sample
touches, the articles outside each event's largest incident. The shares are printed when the
file judges every incident of the sample printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from corpus import corpus_root
from dumon.collecting.ingest import import_jsonl
from dumon.desk import init_desk, resolve_home
from dumon.output.incident_build import refresh_incidents
from dumon.output.stories import STOPWORDS
from dumon.textnorm import fold

CORPUS_FILE = "articles/tintuchangngay_2025-08_to_2026-06.jsonl.gz"
JUDGED = Path(__file__).resolve().parent / "incidents_judged.json"
FIELDS = ("id", "title", "summary", "body", "url", "outlet", "date")


def make_desk(root: Path, corpus: Path) -> Path:
    """A desk filled from the corpus file (converted to the import lines in `root`)."""
    source = corpus / CORPUS_FILE
    lines = root / "import.jsonl"
    with gzip.open(source, "rt", encoding="utf-8") as f, lines.open("w", encoding="utf-8") as out:
        for line in f:
            record = json.loads(line)
            out.write(json.dumps({k: record.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")
    desk = init_desk(root / "desk")
    report = import_jsonl(desk, lines)
    lines.unlink()
    print(f"desk made from the corpus: {report.articles_new:,} articles")
    return desk.root


def copy_desk(desk: Path, root: Path) -> Path:
    """The desk's files and a copy of its database (SQLite's online backup)."""
    target = root / "copy"
    target.mkdir()
    for name in ("sources.yaml", "settings.yaml"):
        if (desk / name).is_file():
            shutil.copy(desk / name, target / name)
    shutil.copytree(desk / "keywords", target / "keywords")
    source = sqlite3.connect(desk / "dumon.db")
    copy = sqlite3.connect(target / "dumon.db")
    source.backup(copy)
    source.close()
    copy.close()
    return target


def words(title: str) -> set[str]:
    return {w for w in fold(title).lower().split() if w.isalpha() and w not in STOPWORDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desk", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--judged", type=Path, default=JUDGED)
    parser.add_argument("--quiet", action="store_true", help="figures only, no sample")
    args = parser.parse_args()
    corpus = corpus_root(str(args.corpus) if args.corpus else None)
    with tempfile.TemporaryDirectory(prefix="dumon-incidents-") as tmp:
        root = Path(tmp)
        if args.desk is None:
            if not (corpus / CORPUS_FILE).is_file():
                print(f"incidents bench skipped: no corpus at {corpus}")
                return 0
            desk_path = make_desk(root, corpus)
        else:
            desk_path = copy_desk(args.desk, root)
        desk = resolve_home(desk_path)
        started = time.perf_counter()
        built = refresh_incidents(desk, rebuild=True, force=True)
        elapsed = time.perf_counter() - started
        print(
            f"built: {built.windows} windows, {built.articles:,} articles read in "
            f"{elapsed:.1f} s; {built.opened} incidents opened, {built.joined} articles in them"
        )
        conn = sqlite3.connect(desk.db_path)
        try:
            return report(conn, args)
        finally:
            conn.close()


def report(conn: sqlite3.Connection, args: argparse.Namespace) -> int:
    sizes = [n for (n,) in conn.execute("select articles from incidents where articles > 0")]
    alerts = conn.execute(
        "select count(*), sum(id in (select article_id from incident_articles)) from articles "
        "where alert = 1 and (edu = 1 or local = 1) and coalesce(scope, '') != 'abroad'"
    ).fetchone()
    print(
        f"incidents: {len(sizes)}; articles in them: {sum(sizes)}; alert articles (not abroad) "
        f"in an incident: {alerts[1]}/{alerts[0]}"
    )
    buckets = Counter(
        "1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else ">10"
        for n in sizes
    )
    print(
        "sizes: "
        + ", ".join(f"{k}: {buckets[k]}" for k in ("1", "2", "3-5", "6-10", ">10"))
        + f"; mean {sum(sizes) / max(1, len(sizes)):.2f}, largest {max(sizes, default=0)}"
    )
    how = dict(conn.execute("select how, count(*) from incident_articles group by 1"))
    print("how articles came in: " + ", ".join(f"{k} {v}" for k, v in sorted(how.items())))
    print(
        "stages now: "
        + ", ".join(
            f"{k} {v}"
            for k, v in conn.execute(
                "select stage, count(*) from incidents group by 1 order by 2 desc"
            )
        )
    )
    cases(conn)
    if not args.quiet:
        sample(conn, args)
    return 0


def _incident_of(conn, article_id: int) -> int | None:
    row = conn.execute(
        "select incident_id from incident_articles where article_id = ?", [article_id]
    ).fetchone()
    return row[0] if row else None


def _is_clip(text: str) -> bool:
    clip = "clip" in text or "video" in text
    return "tô hiến thành" in text or (
        clip and ("thân mật" in text or "phản cảm" in text) and "trường" in text
    )


def _is_marks(text: str) -> bool:
    return "tô hiến thành" in text and "điểm" in text or "nâng, hạ điểm" in text


def cases(conn: sqlite3.Connection) -> None:
    """The Tô Hiến Thành chairman's clip (Nov 2025) and the same name's marks case (Jan–Feb
    2026, followed up in March): which incidents their articles are in."""
    found = {}
    for name, since, until, test in (
        ("clip", "2025-11-01", "2025-12-01", _is_clip),
        ("marks", "2026-01-01", "2026-04-01", _is_marks),
    ):
        rows = conn.execute(
            "select id, external_id, substr(published, 1, 10), title, coalesce(summary, '') "
            "from articles where published >= ? and published < ? and (edu = 1 or alert = 1)",
            [since, until],
        ).fetchall()
        rows = [r for r in rows if test(f"{r[3]} {r[4]}".lower())]
        incidents = Counter(_incident_of(conn, r[0]) for r in rows)
        found[name] = incidents
        verdict = (
            "one incident"
            if len(incidents) == 1 and None not in incidents
            else f"spread over {len(incidents)} ({dict(incidents)})"
        )
        print(f"case {name}: {len(rows)} articles → {verdict}")
        for r in rows:
            print(f"    {r[1]} {r[2]} incident {_incident_of(conn, r[0])}")
    clip, marks = set(found["clip"]), set(found["marks"])
    print(f"clip and marks cases apart: {'yes' if not clip & marks else 'NO'}")


def sample(conn: sqlite3.Connection, args: argparse.Namespace) -> None:
    # Articles are drawn, and their incidents judged: most incidents hold one article, and
    # the articles of the big ones are where joining goes wrong.
    held = conn.execute("select incident_id from incident_articles order by article_id").fetchall()
    drawn = random.Random(args.seed).sample(held, min(args.sample, len(held)))
    chosen = sorted({incident_id for (incident_id,) in drawn})
    judged = {}
    if args.judged.is_file():
        data = json.loads(args.judged.read_text(encoding="utf-8"))
        if data.get("seed") == args.seed and data.get("size") == args.sample:
            judged = data.get("incidents", {})
    total = wrong = 0
    complete = True
    events: set[frozenset[str]] = set()
    print(
        f"\nsample: the incidents of {len(drawn)} articles drawn at random (seed {args.seed}), "
        f"{len(chosen)} incidents, for judging by eye:"
    )
    for incident_id in chosen:
        members = members_of(conn, incident_id)
        key = members[0][0]
        print(f"\n#{incident_id} [{key}] {len(members)} articles")
        for ext, day, outlet, how, title in members:
            print(f"    {ext} {day} {outlet:<13} {how:<8} {title[:110]}")
        for other, rows in neighbours(conn, incident_id, members):
            print(f"  neighbour #{other}:")
            for ext, day, outlet, _, title in rows:
                print(f"      {ext} {day} {outlet:<13} {title[:104]}")
        verdict = judged.get(key)
        if verdict is None:
            complete = False
            continue
        bad = set(verdict.get("wrong", []))
        total += len(members)
        wrong += len(bad)
        # The event: the incident's own articles that belong, and those of other incidents
        # that tell it too.
        events.add(frozenset({m[0] for m in members} - bad | set(verdict.get("split", []))))
    if judged and complete:
        split = told = 0
        for event in events:
            parts = Counter(_incident_of_external(conn, ext) for ext in event)
            told += len(event)
            split += len(event) - max(parts.values())
        print(
            f"\njudged sample: {total} articles in {len(chosen)} incidents; wrongly joined "
            f"{wrong} ({100 * wrong / max(1, total):.1f} %); {len(events)} events of "
            f"{told} articles, wrongly split {split} ({100 * split / max(1, told):.1f} %: "
            "articles outside their event's largest incident)"
        )
    elif judged:
        print("\nthe judgments file does not judge every incident of this sample: no shares")


def _incident_of_external(conn, external_id: str) -> int | None:
    row = conn.execute(
        "select ia.incident_id from incident_articles ia join articles a on a.id = "
        "ia.article_id where a.external_id = ?",
        [external_id],
    ).fetchone()
    return row[0] if row else None


def members_of(conn, incident_id: int) -> list[tuple]:
    return conn.execute(
        "select coalesce(a.external_id, ia.article_id), substr(ia.published, 1, 10), ia.outlet, "
        "ia.how, ia.title from incident_articles ia left join articles a on a.id = ia.article_id "
        "where ia.incident_id = ? order by ia.published, ia.article_id",
        [incident_id],
    ).fetchall()


def neighbours(conn, incident_id: int, members: list[tuple]) -> list[tuple[int, list[tuple]]]:
    """Other incidents within two weeks that may tell the same event."""
    first = datetime.fromisoformat(members[0][1])
    last = datetime.fromisoformat(members[-1][1])
    mine = set().union(*(words(m[4]) for m in members))
    keys = set(
        json.loads(
            conn.execute("select alerts from incidents where id = ?", [incident_id]).fetchone()[0]
        )
    )
    out = []
    for other, alerts in conn.execute(
        "select id, alerts from incidents where id != ? and articles > 0 and "
        "substr(last_seen, 1, 10) >= ? and substr(first_seen, 1, 10) <= ?",
        [
            incident_id,
            str((first - timedelta(days=14)).date()),
            str((last + timedelta(days=14)).date()),
        ],
    ):
        rows = members_of(conn, other)
        theirs = set().union(*(words(r[4]) for r in rows))
        overlap = len(mine & theirs) / max(1, len(mine | theirs))
        if overlap >= 0.2 or (keys & set(json.loads(alerts)) and overlap >= 0.12):
            out.append((overlap, other, rows))
    out.sort(key=lambda x: -x[0])
    return [(other, rows) for _, other, rows in out[:6]]


if __name__ == "__main__":
    sys.exit(main())
