"""Fault-matrix benchmark: how long a scan takes when every fault of the matrix is present.

Runs, in one process and one run, on loopback (tests/support/faultserver.py):
  1. baseline: a scan of the healthy sources alone,
  2. the matrix: the same healthy sources plus every fault of `FAULTS` in one scan,
  3. each fault alone next to one healthy source (the slowest ones show what bounds the time).
Prints wall times, each fault's outcome (kind and the Vietnamese reason) and the peak RSS of
this process (the scan's fetch loop runs here; parsing runs in worker processes).

    python bench/fault_bench.py [--timeout 3] [--healthy 10]

Target: the whole matrix in under 2 minutes.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dumon.collecting.scan import run_scan  # noqa: E402
from dumon.desk import Desk  # noqa: E402
from support import faultserver  # noqa: E402
from support.faultserver import FAULTS, Blackhole, FaultServer, gzip_bomb, write_sources  # noqa: E402


def fault_url(name: str, faults: FaultServer, hole: Blackhole) -> str:
    path = FAULTS[name]
    if path == "blackhole":
        return hole.url()
    if path == "dns":
        return "http://nguon-khong-ton-tai.invalid/rss"
    return faults.url(path)


def scan(sources: list[tuple[str, str]], deadline: float):
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp)
        write_sources(desk, sources, defaults={"scan_deadline": deadline})
        started = time.perf_counter()
        report = run_scan(Desk(desk))
        return report, time.perf_counter() - started


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=3.0, help="fetch timeout, seconds")
    parser.add_argument("--healthy", type=int, default=10)
    parser.add_argument("--deadline", type=float, default=90.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    faultserver.TIMEOUT = args.timeout
    gzip_bomb()

    faults, healthy, hole = FaultServer("127.0.0.3"), FaultServer("127.0.0.5"), Blackhole()
    try:
        good = [(f"tot-{i}", healthy.url(f"/feed/{i}")) for i in range(args.healthy)]
        print(f"fetch timeout {args.timeout:g} s, retries 1, scan deadline {args.deadline:g} s")
        report, base = scan(good, args.deadline)
        print(f"baseline: {len(good)} healthy sources          {base:6.1f} s")
        matrix = good + [(name, fault_url(name, faults, hole)) for name in FAULTS]
        report, wall = scan(matrix, args.deadline)
        stored_ok = all(
            o.status == "ok" and o.articles_new == 3
            for o in report.outcomes
            if o.source in dict(good)
        )
        print(
            f"matrix:   {len(good)} healthy + {len(FAULTS)} faults in one scan {wall:6.1f} s "
            f"(healthy all stored: {stored_ok}); peak RSS {peak_mb():.0f} MB"
        )
        print(f"target < 120 s: {'OK' if wall < 120 else 'OVER'}")
        print()
        print(f"{'fault':<22}{'alone s':>8}  {'outcome':<24}reason")
        total = 0.0
        for name in FAULTS:
            report, alone = scan(
                [("tot", healthy.url("/feed/99")), (name, fault_url(name, faults, hole))],
                args.deadline,
            )
            total += alone
            outcome = next(o for o in report.outcomes if o.source == name)
            kind = f"{outcome.status}/{outcome.error_kind or '-'}"
            reason = (outcome.error or f"{outcome.articles_new} bài mới")[:70]
            print(f"{name:<22}{alone:8.1f}  {kind:<24}{reason}")
        print(f"each fault alone, sum: {total:.1f} s; peak RSS {peak_mb():.0f} MB")
    finally:
        faults.close()
        healthy.close()
        hole.close()


if __name__ == "__main__":
    main()
