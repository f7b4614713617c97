"""The trend test backtested on a corpus desk: every week of the archive tested against its
eight weeks before, the weeks and series flagged, a sample printed for judging by eye with
the false-alarm rate, and the time of `dumon trends` (target ≤ 1 s) against the start-up of
`dumon --version` measured in the same run.

    python bench/trends_bench.py [--desk DESK] [--sample 30] [--seed 14]
                                 [--judged bench/trends_judged.json]

DESK is a desk filled with `dumon import` from the shared tintuchangngay file; without it,
one is made in a temporary folder from the corpus (about a minute). `dumon trends` brings
the desk's incidents up to date, as it always does. A flag is a
false alarm when the series' articles of that week show no real rise of one topic (noise,
unrelated articles under one theme, a calendar rhythm the baseline already knew). Judgments
are kept by flag ("family:key@YYYY-MM-DD": true for a real rise, false for a false alarm).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from corpus import corpus_root
from dumon.output.trends import FAMILIES, daily_counts, weekly_trends
from dumon.settings import TrendSettings
from dumon.storage.sqlitefile import open_reader
from incidents_bench import CORPUS_FILE, make_desk
from timing import cpu, median_ms

JUDGED = Path(__file__).resolve().parent / "trends_judged.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desk", type=Path)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--judged", type=Path, default=JUDGED)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.desk is not None:
        return backtest(args)
    corpus = corpus_root(str(args.corpus) if args.corpus else None)
    if not (corpus / CORPUS_FILE).is_file():
        print(f"trends bench skipped: no corpus at {corpus}")
        return 0
    with tempfile.TemporaryDirectory(prefix="dumon-trends-") as tmp:
        args.desk = make_desk(Path(tmp), corpus)
        return backtest(args)


def backtest(args: argparse.Namespace) -> int:
    db_path = args.desk / "dumon.db"
    if not db_path.is_file():
        print(f"trends bench skipped: no database at {db_path}")
        return 0
    settings = TrendSettings()
    conn = open_reader(db_path)
    first, last = conn.execute(
        "select min(substr(published, 1, 10)), max(substr(published, 1, 10)) from articles "
        "where published is not null"
    ).fetchone()
    first, last = date.fromisoformat(first), date.fromisoformat(last)
    series, stored = daily_counts(conn, first, last)
    conn.close()
    ends = []
    day = first + timedelta(days=7 * (settings.baseline_weeks + 1) - 1)
    while day.weekday() != 6:  # weeks end on Sunday
        day += timedelta(days=1)
    while day <= last:
        ends.append(day)
        day += timedelta(days=7)
    flags = []
    for end in ends:
        found, weeks = weekly_trends(series, stored, end, settings)
        for family, key, count, mean, _variance, p in found:
            flags.append((end, family, key, count, mean, p, weeks))
    series_tested = len(series)
    print(
        f"test: {settings.baseline_weeks} baseline weeks, p < {settings.p_value}, "
        f"≥ {settings.min_count} articles, ≥ {settings.min_ratio}× the mean"
    )
    print(
        f"backtest: {len(ends)} weeks ({ends[0]} … {ends[-1]}), {series_tested} series, "
        f"{len(ends) * series_tested} tests; {len(flags)} flags in "
        f"{len({f[0] for f in flags})} weeks"
    )
    by_family = Counter(f[1] for f in flags)
    print("flags by family: " + ", ".join(f"{FAMILIES[k]} {v}" for k, v in by_family.items()))
    for end, family, key, count, mean, p, _weeks in flags:
        print(f"  week to {end}: {family}:{key} {count} articles vs {mean:.1f}/week, p={p:.2g}")
    judge(args, flags, db_path)
    timing(args)
    return 0


def judge(args, flags, db_path: Path) -> None:
    chosen = sorted(random.Random(args.seed).sample(flags, min(args.sample, len(flags))))
    judged = {}
    if args.judged.is_file():
        data = json.loads(args.judged.read_text(encoding="utf-8"))
        if data.get("seed") == args.seed and data.get("size") == args.sample:
            judged = data.get("judged", {})
    conn = open_reader(db_path)
    print(f"\nsample of {len(chosen)} flags (seed {args.seed}) for judging by eye:")
    verdicts = []
    for end, family, key, count, mean, p, _ in chosen:
        name = f"{family}:{key}@{end}"
        start = (end - timedelta(days=6)).isoformat()
        stop = (end + timedelta(days=1)).isoformat()
        if family == "alert":
            rows = conn.execute(
                "select substr(a.published,1,10), a.outlet, a.title from articles a where "
                "a.alert = 1 and a.id in (select article_id from hits where kind='alert' and "
                "key = ?) and a.published >= ? and a.published < ? order by a.published",
                [key, start, stop],
            ).fetchall()
        else:
            rows = conn.execute(
                "select substr(a.published,1,10), a.outlet, a.title from article_tags t join "
                "articles a on a.id = t.article_id where t.kind = ? and t.name = ? and "
                "t.published >= ? and t.published < ? and a.edu = 1 order by a.published",
                [family, key, start, stop],
            ).fetchall()
        verdict = judged.get(name)
        verdicts.append(verdict)
        mark = {True: "real rise", False: "FALSE ALARM", None: "not judged"}[verdict]
        print(f"\n{name}: {count} articles vs {mean:.1f}/week (p={p:.2g}) — {mark}")
        for row in rows[:12]:
            print(f"    {row[0]} {row[1]:<13} {row[2][:100]}")
        if len(rows) > 12:
            print(f"    … {len(rows) - 12} more")
    conn.close()
    done = [v for v in verdicts if v is not None]
    if done and len(done) == len(verdicts):
        false = sum(1 for v in done if v is False)
        print(
            f"\njudged sample: {len(done)} flags, {false} false alarms "
            f"(false-alarm rate {100 * false / len(done):.0f} %)"
        )
    elif judged:
        print("\nthe judgments file does not judge every flag of this sample: no rate")


def timing(args) -> None:
    conn = open_reader(args.desk / "dumon.db")
    last = conn.execute("select max(substr(published, 1, 10)) from articles").fetchone()[0]
    conn.close()
    day = (date.fromisoformat(last) - timedelta(days=30)).isoformat()
    exe = str(Path(sys.executable).parent / "dumon")
    base = [exe, "--home", str(args.desk)]
    subprocess.run([*base, "trends", "--date", day], capture_output=True, check=True)  # warm
    started = time.perf_counter()
    baseline = median_ms(
        lambda: subprocess.run([exe, "--version"], capture_output=True, check=True), args.repeat
    )
    print(f"\nbaseline: dumon --version {baseline:.0f} ms{cpu()}")
    ms = median_ms(
        lambda: subprocess.run([*base, "trends", "--date", day], capture_output=True, check=True),
        args.repeat,
    )
    print(
        f"dumon trends --date {day}: {ms:.0f} ms{cpu()} — {ms / baseline:.1f}× the start-up "
        f"(target ≤ 1000 ms); measured in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
