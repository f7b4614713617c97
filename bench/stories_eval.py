"""Measure story clustering on the shared corpus (the tintuchangngay RSS items of VnExpress,
Thanh Niên and Tuổi Trẻ): clusters per day, cross-outlet merges, speed, and a random sample of
cross-outlet merged pairs to check by eye (printed, never stored in the repository).

Method: each day's items are clustered as one digest would be; the pairwise precision is
estimated by judging a random sample of merged cross-outlet pairs (same event or not) by eye.

    python bench/stories_eval.py [--corpus DIR] [--days 30] [--sample 40] [--seed 1]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from dumon.stories import StoryItem, cluster_stories

FILE = "articles/tintuchangngay_2025-08_to_2026-06.jsonl.gz"


def corpus_dir(given: str | None) -> Path | None:
    for candidate in (given, os.environ.get("DUMON_CORPUS"), "../shared/corpus"):
        if candidate and (Path(candidate) / FILE).is_file():
            return Path(candidate)
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    root = corpus_dir(args.corpus)
    if root is None:
        print("Bỏ qua: không thấy kho dữ liệu ../shared/corpus (hoặc $DUMON_CORPUS).")
        return 0
    by_day: dict[str, list[dict]] = defaultdict(list)
    with gzip.open(root / FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("date"):
                by_day[record["date"]].append(record)
    days = sorted(by_day)[-args.days :]
    rng = random.Random(args.seed)
    merged_pairs: list[tuple[dict, dict]] = []
    totals = defaultdict(int)
    elapsed = 0.0
    for day in days:
        records = by_day[day]
        items = [
            StoryItem(r["title"], r.get("summary") or "", r["outlet"], r.get("fetched") or day)
            for r in records
        ]
        t0 = time.perf_counter()
        groups = cluster_stories(items)
        elapsed += time.perf_counter() - t0
        totals["articles"] += len(items)
        totals["clusters"] += len(groups)
        for g in groups:
            if len(g) < 2:
                continue
            totals["multi"] += 1
            outlets = {records[i]["outlet"] for i in g}
            if len(outlets) > 1:
                totals["cross_outlet"] += 1
            totals["pairs"] += len(g) * (len(g) - 1) // 2
            for x, i in enumerate(g):
                for j in g[x + 1 :]:
                    if records[i]["outlet"] != records[j]["outlet"]:
                        merged_pairs.append((records[i], records[j]))
    print(f"days {len(days)} ({days[0]} … {days[-1]}), articles {totals['articles']}")
    print(
        f"clusters {totals['clusters']}, of which multi-article {totals['multi']}, "
        f"cross-outlet {totals['cross_outlet']}; merged pairs {totals['pairs']} "
        f"(cross-outlet {len(merged_pairs)}; the sample below is drawn from these)"
    )
    per_day = elapsed / len(days)
    print(
        f"clustering time: {elapsed:.2f} s total, {per_day * 1000:.0f} ms per day "
        f"(~{totals['articles'] / len(days):.0f} articles/day)"
    )
    sample = rng.sample(merged_pairs, min(args.sample, len(merged_pairs)))
    for k, (a, b) in enumerate(sample, 1):
        print(f"\n#{k} [{a['outlet']}] {a['title']}\n    [{b['outlet']}] {b['title']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
