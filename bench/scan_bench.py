"""Scan benchmark: N feeds × 20 items on H loopback hosts with injected latency.

Runs, in one process tree and one run:
  1. a naive baseline (one asyncio loop, 16 connections, feedparser and SQLite inline),
  2. `dumon scan` (the service function) on a fresh desk — the first scan,
  3. the same scan again with nothing changed (conditional requests; nothing new stored).
Prints wall and CPU time of each (CPU includes worker processes), the ideal fetch time
(latency × feeds ÷ concurrency), and the ratios the targets are about.

    python bench/scan_bench.py [--feeds 200] [--hosts 20] [--latency 0.2] [--broken 0]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedserver import served_feeds  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def write_desk(root: Path, urls: list[str]) -> None:
    lines = ["defaults:", "  respect_robots: false", "sources:"]
    for i, url in enumerate(urls):
        lines += [
            f"  - name: feed-{i}",
            f"    url: {url}",
            "    kind: rss",
            f"    outlet: Báo {i % 20}",
            "    tier: central",
        ]
    (root / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    repo_keywords = Path(__file__).resolve().parents[1] / "keywords"
    if repo_keywords.is_dir():
        import shutil

        shutil.copytree(repo_keywords, root / "keywords")


def naive_scan(urls: list[str], db_path: Path) -> int:
    """What a first attempt looks like: one loop does everything."""
    import feedparser
    import httpx

    db = sqlite3.connect(db_path)
    db.execute("create table if not exists a (url text primary key, title text, summary text)")

    async def main() -> int:
        stored = 0
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def one(url: str) -> None:
                nonlocal stored
                response = await client.get(url)
                parsed = feedparser.parse(response.content)
                for entry in parsed.entries:
                    db.execute(
                        "insert or ignore into a values (?, ?, ?)",
                        (entry.link, entry.title, entry.get("summary", "")),
                    )
                    db.commit()
                    stored += 1

            await asyncio.gather(*(one(u) for u in urls))
        return stored

    try:
        return asyncio.run(main())
    finally:
        db.close()


def timed(fn):
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall0, cpu_seconds() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument(
        "--broken", type=int, default=0, help="how many feeds are served as malformed XML"
    )
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()

    from dumon.collecting.config import load_sources
    from dumon.collecting.scan import run_scan
    from dumon.desk import Desk

    feeds = served_feeds(args.feeds, args.hosts, args.latency, args.items, args.broken)
    with feeds as urls, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        desk_root = root / "desk"
        desk_root.mkdir()
        write_desk(desk_root, urls)
        desk = Desk(desk_root)
        policy = load_sources(desk.sources_path).policy
        print(
            f"{args.feeds} feeds × {args.items} items on {args.hosts} hosts, "
            f"latency {args.latency * 1000:.0f} ms, {args.broken} malformed; "
            f"policy: concurrency {policy.concurrency}, "
            f"per host {policy.per_host}"
        )
        naive_wall = None
        if not args.skip_naive:
            stored, naive_wall, naive_cpu = timed(lambda: naive_scan(urls, root / "naive.db"))
            print(
                f"naive single loop     : {naive_wall:6.2f} s wall, {naive_cpu:5.2f} s CPU, "
                f"{stored} items"
            )
        first, wall1, cpu1 = timed(lambda: run_scan(desk))
        print(
            f"dumon scan, first     : {wall1:6.2f} s wall, {cpu1:5.2f} s CPU, "
            f"{first.articles_new} new articles, {first.count('failed')} failed"
        )
        second, wall2, cpu2 = timed(lambda: run_scan(desk))
        print(
            f"dumon scan, unchanged : {wall2:6.2f} s wall, {cpu2:5.2f} s CPU, "
            f"{second.articles_new} new, {second.count('unchanged')} unchanged"
        )
        concurrency = min(policy.concurrency, policy.per_host * args.hosts)
        ideal = args.latency * args.feeds / concurrency
        ideal16 = args.latency * args.feeds / 16
        print(f"ideal fetch time      : {ideal:6.2f} s (latency × feeds ÷ {concurrency})")
        print(f"ideal with 16 conns   : {ideal16:6.2f} s")
        if naive_wall:
            print(f"first scan vs naive   : {wall1 / naive_wall:6.2f}× the naive wall time")
        print(f"second/first CPU      : {cpu2 / cpu1:6.2%} (target ≤ 60 %)")
        print(f"first scan wall       : {wall1:6.2f} s (target ≤ 3.5 s for 200 feeds / 20 hosts)")


if __name__ == "__main__":
    main()
