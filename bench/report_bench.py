"""Report speed on a desk (the 1 M store of bench/build_store.py, or the shared-corpus desk):
`build_report` for a school year and for one unit, the whole `dumon report` process, and the
whole `dumon digest` process for a month; medians, with a baseline measured in the same run
(a bare count of the period's articles).

    python bench/report_bench.py --desk /tmp/dumon-bench

Targets: report and month-long digest ≤ 1 s on the shared-corpus desk, ≤ 2 s on the 1 M store.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from dumon.matching.registry import load_registry
from dumon.output import periods, report
from dumon.storage.sqlitefile import open_reader
from timing import cpu, median_ms

BUNDLED_KEYWORDS = Path(__file__).resolve().parents[1] / "keywords"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desk", type=Path, default=Path("/tmp/dumon-bench"))
    parser.add_argument("--school-year", default="2025-2026")
    parser.add_argument("--unit", default="le hong phong")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--month", default="2026-03", help="the month of the digest timing")
    args = parser.parse_args()
    db_path = args.desk / "dumon.db"
    if not db_path.is_file():
        sys.exit(f"Không thấy {db_path}: chạy bench/build_store.py trước. Bỏ qua.")
    open_reader(db_path).close()  # migrate once, outside the timings
    db = open_reader(db_path)
    keywords = args.desk / "keywords"
    registry = load_registry(keywords if keywords.is_dir() else BUNDLED_KEYWORDS)
    period = periods.school_year(args.school_year)
    total = db.execute("select count(*) from articles").fetchone()[0]
    in_period = db.execute(
        "select count(*) from articles where published >= ? and published < ?",
        [period.start, period.end],
    ).fetchone()[0]
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"store: {total:,} articles; {in_period:,} in {period.label}")
    baseline = median_ms(
        lambda: db.execute(
            "select count(*), sum(alert) from articles where published >= ? and published < ?",
            [period.start, period.end],
        ).fetchone(),
        args.repeat,
    )
    print(f"baseline: count(*), sum(alert) over the period: {baseline:.0f} ms{cpu()}")
    result = report.build_report(db, period, registry=registry)
    ms = median_ms(lambda: report.build_report(db, period, registry=registry), args.repeat)
    print(
        f"build_report({period.label}): {ms:.0f} ms — {result.articles:,} education articles "
        f"of {result.all_articles:,}, {len(result.by_unit)} units listed, "
        f"{len(result.top_stories)} top stories{cpu()}"
    )
    result = report.build_report(db, period, unit=args.unit, registry=registry)
    ms = median_ms(
        lambda: report.build_report(db, period, unit=args.unit, registry=registry), args.repeat
    )
    print(
        f"build_report(unit={args.unit!r} → {', '.join(result.units_matched)}): {ms:.0f} ms — "
        f"{result.articles:,} articles{cpu()}"
    )
    db.close()
    cmd = [
        sys.executable,
        "-m",
        "dumon",
        "--home",
        str(args.desk),
        "report",
        "--school-year",
        args.school_year,
        "--format",
        "json",
    ]
    ms = median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True), args.repeat)
    print(
        f"process: dumon report --school-year {args.school_year} --format json: {ms:.0f} ms{cpu()}"
    )
    cmd[-1] = "html"
    ms = median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True), args.repeat)
    print(f"process: … --format html: {ms:.0f} ms{cpu()}")
    year, month = (int(x) for x in args.month.split("-"))
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
    digest = [sys.executable, "-m", "dumon", "--home", str(args.desk), "digest"]
    digest += ["--since", f"{args.month}-01", "--until", last, "--format", "text"]
    ms = median_ms(lambda: subprocess.run(digest, check=True, capture_output=True), args.repeat)
    print(f"process: dumon digest --since {args.month}-01 --until {last}: {ms:.0f} ms{cpu()}")


if __name__ == "__main__":
    main()
