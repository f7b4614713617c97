"""Report speed on a large store (build it with bench/build_store.py): `build_report` for a
school year, for one unit, and the whole `dumon report` process, medians, with a baseline
measured in the same run (a bare count of the period's articles).

    python bench/report_bench.py --desk /tmp/dumon-bench
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dumon import report, store
from timing import cpu, median_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desk", type=Path, default=Path("/tmp/dumon-bench"))
    parser.add_argument("--school-year", default="2025-2026")
    parser.add_argument("--unit", default="le hong phong")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db_path = args.desk / "dumon.db"
    if not db_path.is_file():
        sys.exit(f"Không thấy {db_path}: chạy bench/build_store.py trước. Bỏ qua.")
    db = store.open_db(db_path)
    period = report.school_year(args.school_year)
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
    result = report.build_report(db, period)
    ms = median_ms(lambda: report.build_report(db, period), args.repeat)
    print(
        f"build_report({period.label}): {ms:.0f} ms — {result.articles:,} articles, "
        f"{len(result.by_unit)} units, {len(result.top_stories)} top stories{cpu()}"
    )
    result = report.build_report(db, period, unit=args.unit)
    ms = median_ms(lambda: report.build_report(db, period, unit=args.unit), args.repeat)
    print(f"build_report(unit={args.unit!r}): {ms:.0f} ms — {result.articles:,} articles{cpu()}")
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


if __name__ == "__main__":
    main()
