"""Search quality and speed on a desk: for the office's real queries, how many of the top 10
hold the typed words side by side (accent-folded), and the query time; then the whole
`dumon search` process. Baselines are measured in the same run (a bare FTS5 query for the
function; Python start-up and `dumon --help` for the process).

    python bench/search_bench.py --desk /tmp/dumon-bench        # the 1 M store (build_store.py)
    python bench/search_bench.py --desk DESK --no-process       # e.g. the shared-corpus desk

Target: every top-10 hit holds the words adjacent, each search ≤ 50 ms of query time on the
1 M-article store.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from dumon import textnorm
from dumon.output import search
from dumon.storage import query
from dumon.storage.sqlitefile import open_reader
from timing import CPU_MS, cpu, median_ms

ADJACENCY_QUERIES = (
    "lạm thu",
    "Ninh Bình",
    "Nam Dinh",
    "hoc phi",
    "tuyen sinh lop 10",
    "bao luc hoc duong",
    "giáo viên",
)
OTHER_QUERIES = (
    ("phrase, accented", '"tuyển sinh lớp 10"', "newest"),
    ("common word", "nam", "newest"),
    ("filter --local --since", "giao vien", "newest"),
    ("relevance, rare phrase", '"đuối nước"', "relevance"),
    ("relevance, common (fallback)", "hoc sinh", "relevance"),
    ("typo: glued number (suggests)", "tuyen sinh lop10", "newest"),
    ("typo: one letter (suggests)", "tuyeen sinh", "newest"),
)
_WORD = re.compile(r"\w+")


def _folded_words(text: str) -> list[str]:
    return _WORD.findall(textnorm.fold(text).lower())


def adjacent(hit: search.SearchHit, db, words: list[str]) -> bool:
    """The article's text holds the words side by side, in order (accent-folded)."""
    row = db.execute("select title, summary, body from articles where id = ?", [hit.id]).fetchone()
    text = _folded_words(" ".join(filter(None, row)))
    n = len(words)
    return any(text[i : i + n] == words for i in range(len(text) - n + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desk", type=Path, default=Path("/tmp/dumon-bench"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--process-repeat", type=int, default=7)
    parser.add_argument("--no-process", action="store_true", help="skip the process timings")
    args = parser.parse_args()
    db_path = args.desk / "dumon.db"
    if not db_path.is_file():
        sys.exit(f"Không thấy {db_path}: chạy bench/build_store.py trước. Bỏ qua.")
    open_reader(db_path).close()  # migrate once, outside the timings
    db = open_reader(db_path)
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
    print()
    print("top 10, words side by side (folded), newest first:")
    print(f"{'query':22} {'matches':>9} {'adjacent':>9} {'wall ms':>8} {'CPU ms':>7}")
    slowest = 0.0
    for text in ADJACENCY_QUERIES:
        words = _folded_words(" ".join(t.text for t in query.all_terms(query.parse_query(text))))
        result = search.search(db, text, limit=10)
        good = sum(adjacent(hit, db, words) for hit in result.hits)
        ms = median_ms(lambda t=text: search.search(db, t, limit=10), args.repeat)
        slowest = max(slowest, ms)
        print(
            f"{text:22} {result.matches:>9,} {good:>5}/{len(result.hits):<3} {ms:>8.1f} "
            f"{CPU_MS[-1]:>7.1f}"
        )
    print(f"slowest of these: {slowest:.1f} ms (target ≤ 50 ms on the 1 M store)")
    print()
    print(f"{'case':32} {'query':24} {'order':10} {'matches':>9} {'wall ms':>8} {'CPU ms':>7}")
    for label, text, order in OTHER_QUERIES:
        filters = search.Filters()
        if label.startswith("filter"):
            filters = search.Filters(local=True, since=search.parse_bound("2025-09-01"))
        result = search.search(db, text, filters=filters, order=order)
        ms = median_ms(
            lambda q=text, o=order, f=filters: search.search(db, q, filters=f, order=o),
            args.repeat,
        )
        used = result.order + (" (fallback)" if result.fell_back else "")
        suggested = f"  → {result.suggestions[0].query!r}" if result.suggestions else ""
        print(
            f"{label:32} {text:24} {used:10} {result.matches:>9,} {ms:>8.1f} "
            f"{CPU_MS[-1]:>7.1f}{suggested}"
        )
    db.close()
    if args.no_process:
        return

    def process(*argv: str, check: bool = True) -> float:
        cmd = [sys.executable, *argv]
        return median_ms(
            lambda: subprocess.run(cmd, check=check, capture_output=True), args.process_repeat
        )

    print()
    print(f"process baseline: python -c pass: {process('-c', 'pass'):.0f} ms{cpu()}")
    print(f"process baseline: dumon --help: {process('-m', 'dumon', '--help'):.0f} ms{cpu()}")
    floor = process("-m", "dumon", "--home", str(args.desk), "search", '"', check=False)
    print(
        f"process baseline: dumon search with a syntax error (start-up only): {floor:.0f} ms{cpu()}"
    )
    for text in ("tuyen sinh", '"tuyển sinh lớp 10"'):
        ms = process("-m", "dumon", "--home", str(args.desk), "search", text, "--json")
        print(f"process: dumon search {text!r} --json: {ms:.0f} ms{cpu()}")


if __name__ == "__main__":
    main()
