"""Feed parsing cost: dumon's parse_feed against plain feedparser on the same bytes, same run.

Reads the real VnExpress RSS snapshots of the shared corpus at run time (``../shared/corpus``
next to the repository, ``$DUMON_CORPUS`` or ``--corpus DIR``); prints a clear message and exits
0 when they are absent. Nothing from the corpus is copied anywhere.

Baselines: feedparser with its defaults (sanitising, resolving relative URIs) and feedparser with
both switched off, as parse_feed calls it. parse_feed adds charset settling, NFC, HTML→text and
canonical URLs on top.

    python bench/feed_bench.py [--corpus DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable

import feedparser

from corpus import corpus_root
from dumon.collecting.feeds import parse_feed
from dumon.models import Source

SOURCE = Source(
    name="bench",
    url="https://vnexpress.net/rss/tin-moi-nhat.rss",
    kind="rss",
    outlet="VnExpress",
    tier="central",
)


def per_feed_ms(
    funcs: dict[str, Callable[[bytes], object]], feeds: list[bytes], repeat: int
) -> dict[str, float]:
    """Median over `repeat` rounds of the mean time per feed, in ms; rounds interleave the
    functions so load from other processes hits all of them alike."""
    rounds: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            started = time.perf_counter()
            for content in feeds:
                func(content)
            rounds[name].append((time.perf_counter() - started) / len(feeds) * 1000)
    return {name: statistics.median(times) for name, times in rounds.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="the shared corpus folder")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    folder = corpus_root(args.corpus) / "feeds" / "vnexpress_2017"
    files = sorted(folder.glob("*.xml")) if folder.is_dir() else []
    if not files:
        print(f"Corpus absent ({folder}): nothing to measure. Pass --corpus or set DUMON_CORPUS.")
        return 0
    feeds = [path.read_bytes() for path in files]
    items = sum(len(parse_feed(f, {}, source=SOURCE, base_url=SOURCE.url).articles) for f in feeds)
    print(f"{len(feeds)} feeds, {items / len(feeds):.1f} items per feed, median of {args.repeat}")
    runs = {
        "feedparser, defaults": lambda b: feedparser.parse(io.BytesIO(b)),
        "feedparser, no sanitize/resolve": lambda b: feedparser.parse(
            io.BytesIO(b), sanitize_html=False, resolve_relative_uris=False
        ),
        "dumon parse_feed": lambda b: parse_feed(
            b, {"content-type": "text/xml"}, source=SOURCE, base_url=SOURCE.url
        ),
    }
    for name, ms in per_feed_ms(runs, feeds, args.repeat).items():
        print(f"  {name:<34} {ms:6.1f} ms per feed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
