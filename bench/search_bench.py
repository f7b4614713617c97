"""Search speed on a large store (build it with bench/build_store.py): the function and the
whole `dumon search` process, median of repeated runs, with baselines measured in the same run
(a bare FTS5 query for the function; Python start-up and `dumon --help` for the process).

    python bench/search_bench.py --desk /tmp/dumon-bench
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dumon import search, store
from timing import CPU_MS, cpu, median_ms

QUERIES = (
    ("two words, accent-less", "tuyen sinh", "newest"),
    ("two words, accent-less", "hoc phi", "newest"),
    ("phrase, accented", '"tuyển sinh lớp 10"', "newest"),
    ("phrase, accent-less", '"hoc sinh gioi"', "newest"),
    ("common word", "nam", "newest"),
    ("filter --local --since", "giao vien", "newest"),
    ("relevance, rare phrase", '"đuối nước"', "relevance"),
    ("relevance, common (fallback)", "hoc sinh", "relevance"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desk", type=Path, default=Path("/tmp/dumon-bench"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--process-repeat", type=int, default=7)
    args = parser.parse_args()
    db_path = args.desk / "dumon.db"
    if not db_path.is_file():
        sys.exit(f"Không thấy {db_path}: chạy bench/build_store.py trước. Bỏ qua.")
    db = store.open_db(db_path)
    total = db.execute("select count(*) from articles").fetchone()[0]
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"store: {total:,} articles in {db_path}")

    baseline = median_ms(
        lambda: db.execute(
            "select rowid from articles_fts where articles_fts match 'folded : tuyen' "
            "order by rowid desc limit 20"
        ).fetchall(),
        args.repeat,
    )
    print(f"baseline: bare FTS5 newest-rowid 20 for one word: {baseline:.1f} ms{cpu()}")
    print(f"{'case':32} {'query':24} {'order':10} {'matches':>9} {'wall ms':>8} {'CPU ms':>7}")
    for label, query, order in QUERIES:
        filters = search.Filters()
        if label.startswith("filter"):
            filters = search.Filters(local=True, since=search.parse_bound("2025-09-01"))
        result = search.search(db, query, filters=filters, order=order)
        ms = median_ms(
            lambda q=query, o=order, f=filters: search.search(db, q, filters=f, order=o),
            args.repeat,
        )
        used = result.order + (" (fallback)" if result.fell_back else "")
        print(f"{label:32} {query:24} {used:10} {result.matches:>9,} {ms:>8.1f} {CPU_MS[-1]:>7.1f}")
    db.close()

    def process(*argv: str, check: bool = True) -> float:
        cmd = [sys.executable, *argv]
        return median_ms(
            lambda: subprocess.run(cmd, check=check, capture_output=True), args.process_repeat
        )

    print(f"process baseline: python -c pass: {process('-c', 'pass'):.0f} ms{cpu()}")
    print(f"process baseline: dumon --help: {process('-m', 'dumon', '--help'):.0f} ms{cpu()}")
    floor = process("-m", "dumon", "--home", str(args.desk), "search", '"', check=False)
    print(
        f"process baseline: dumon search with a syntax error (start-up only): {floor:.0f} ms{cpu()}"
    )
    for query in ("tuyen sinh", '"tuyển sinh lớp 10"'):
        ms = process("-m", "dumon", "--home", str(args.desk), "search", query, "--json")
        print(f"process: dumon search {query!r} --json: {ms:.0f} ms{cpu()}")


if __name__ == "__main__":
    main()
