"""Crash benchmark: N rounds of SIGKILL during `dumon scan`, each block ended by a full scan.

A loopback feed server (tests/support/faultserver.py) serves many sources with a little
latency; each round starts `python -m dumon scan` and kills its whole process group at a random
moment. After every kill: `PRAGMA integrity_check`, the full-text index's own check, duplicate
articles and hits, dangling rows. Rounds come in blocks on a fresh desk (once a desk holds
everything, scans are all 304s and a kill proves little); each block ends with a scan run to
completion whose articles must equal a clean run's on a fresh desk (the baseline, same run).

    python bench/crash_bench.py [--rounds 100] [--block 5] [--sources 40] [--items 15] [--seed N]

Target: zero integrity errors, zero duplicates, the same articles as the clean run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.faultserver import (  # noqa: E402
    FaultServer,
    database_problems,
    kill_group,
    start_scan,
    stored_urls,
    write_sources,
)


def make_desk(root: Path, server: FaultServer, sources: int) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(ROOT / "keywords", root / "keywords")
    write_sources(
        root,
        [(f"nguon-{n:03d}", server.url(f"/feed/{n}")) for n in range(sources)],
        defaults={"per_host": 4, "scan_deadline": 120},
    )
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--sources", type=int, default=40)
    parser.add_argument("--items", type=int, default=15)
    parser.add_argument("--block", type=int, default=5, help="kills per fresh desk")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    server = FaultServer("127.0.0.6", feed_items=args.items, feed_delay=0.15)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            clean = make_desk(Path(tmp) / "clean", server, args.sources)
            started = time.perf_counter()
            start_scan(clean).communicate(timeout=300)
            clean_wall = time.perf_counter() - started
            expected = stored_urls(clean / "dumon.db")
            print(
                f"seed {args.seed}; clean run: {len(expected)} articles in {clean_wall:.1f} s "
                f"({args.sources} sources × {args.items} items)"
            )

            integrity_errors = duplicates = mid_scan = pending = mismatches = 0
            started = time.perf_counter()
            blocks = max(1, -(-args.rounds // args.block))
            for block in range(blocks):
                # A fresh desk per block, so kills keep landing while there is work to write.
                desk = make_desk(Path(tmp) / f"crashed-{block}", server, args.sources)
                for round_no in range(min(args.block, args.rounds - block * args.block)):
                    scan = start_scan(desk)
                    time.sleep(rng.uniform(0.2, clean_wall * 1.1))
                    mid_scan += scan.poll() is None
                    kill_group(scan)
                    problems = database_problems(desk / "dumon.db")
                    if (desk / "dumon.db").exists():
                        pending += len(stored_urls(desk / "dumon.db")) < len(expected)
                    for problem in problems:
                        print(f"block {block} round {round_no}: {problem}")
                        if problem.startswith("duplicate"):
                            duplicates += 1
                        else:
                            integrity_errors += 1
                final = start_scan(desk)
                final.communicate(timeout=300)
                after = database_problems(desk / "dumon.db")
                got = stored_urls(desk / "dumon.db")
                if final.returncode != 0 or after or got != expected:
                    mismatches += 1
                    print(
                        f"block {block}: final exit {final.returncode}, problems {after}, "
                        f"missing {len(expected - got)}, extra {len(got - expected)}"
                    )
            wall = time.perf_counter() - started
            print(
                f"{args.rounds} kills in {blocks} blocks of {args.block}, {wall:.0f} s: "
                f"{mid_scan} landed mid-scan, {pending} left work pending; "
                f"{integrity_errors} integrity errors, {duplicates} duplicate findings"
            )
            print(
                f"after each block a complete scan: {blocks - mismatches}/{blocks} stored exactly "
                "the clean run's articles"
            )
            ok = not integrity_errors and not duplicates and not mismatches
            print(f"target: {'OK' if ok else 'FAILED'}")
    finally:
        server.close()


if __name__ == "__main__":
    main()
