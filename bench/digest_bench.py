"""Time the morning digest on a large store (target: ≤ 1 s on 1,000,000 articles).

Reuses the store built by ``bench/build_store.py`` (default /tmp/dumon-bench/dumon.db, or
--db / $DUMON_BENCH_DB); it only reads it. For several mornings it prints the window's size
and the median of: the window query (every article of the window: all take part in
clustering), clustering, the whole ``build_digest``
(query + stories + sections + sources) and rendering text and HTML.

    python bench/build_store.py --n 1000000 --desk /tmp/dumon-bench   # once
    python bench/digest_bench.py [--db PATH] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from dumon.output.digest import (
    NO_EDITORIAL,
    article_marks,
    build_digest,
    build_stories,
)
from dumon.output.window import resolve_window
from dumon.render.digest_html import render_html
from dumon.render.digest_text import render_text
from dumon.storage.reading import window_articles
from dumon.storage.sqlitefile import open_reader

MORNINGS = ("2025-09-06", "2025-12-16", "2026-03-11", "2026-06-20")


def _median(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--db", default=os.environ.get("DUMON_BENCH_DB", "/tmp/dumon-bench/dumon.db")
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mornings", nargs="*", default=list(MORNINGS))
    args = parser.parse_args()
    path = Path(args.db)
    if not path.is_file():
        print(
            f"Bỏ qua: không có kho {path}. Tạo bằng: python bench/build_store.py --n 1000000 "
            "--desk /tmp/dumon-bench"
        )
        return 0
    db = open_reader(path)
    total = db.execute("select max(id) from articles").fetchone()[0]
    print(f"store {path}: ~{total:,} articles; median of {args.repeat} runs per morning")
    print(
        f"{'morning':<12}{'window':>8}{'articles':>10}{'stories':>9}{'query':>9}"
        f"{'cluster':>9}{'digest':>9}{'text':>8}{'html':>8}"
    )
    worst = 0.0
    for day in args.mornings:
        window = resolve_window(on=day)
        in_window = db.execute(
            "select count(*) from articles where published >= ? and published < ?",
            [window.start_iso, window.end_iso],
        ).fetchone()[0]
        q, rows = _median(lambda w=window: window_articles(db, w.start_iso, w.end_iso), args.repeat)
        marks = article_marks(db, [r.id for r in rows if r.relevant])
        c, stories = _median(
            lambda r=rows, m=marks: build_stories(r, editorial=NO_EDITORIAL, marks=m), args.repeat
        )
        d, digest = _median(lambda w=window: build_digest(db, w), args.repeat)
        t, _ = _median(lambda g=digest: render_text(g), args.repeat)
        h, _ = _median(lambda g=digest: render_html(g), args.repeat)
        worst = max(worst, d + h)
        print(
            f"{day:<12}{in_window:>8}{len(rows):>10}{len(stories):>9}{q * 1000:>7.0f}ms"
            f"{c * 1000:>7.0f}ms{d * 1000:>7.0f}ms{t * 1000:>6.0f}ms{h * 1000:>6.0f}ms"
        )
    db.close()
    print(f"slowest digest + HTML: {worst * 1000:.0f} ms (target ≤ 1000 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
