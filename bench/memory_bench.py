"""Memory benchmark: peak RSS of `dumon scan` over 500 sources, worker processes included.

Serves N synthetic feeds (bench/feedserver.py) on loopback, runs `python -m dumon scan` as a
subprocess on a fresh desk with the bundled keywords, and samples the resident memory of the
scan's whole process tree (main process + parse/match workers) every 20 ms. Prints the peak of
the sum, the peak of each process, and as baseline, in the same run, the tree of an idle
interpreter that has imported dumon and built the matcher (what any scan pays before fetching).

    python bench/memory_bench.py [--feeds 500] [--hosts 25] [--items 20] [--latency 0.05]

Target: peak < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedserver import served_feeds  # noqa: E402
from scan_bench import write_desk  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except OSError:
        return 0


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(_children(current))
    return out


def watch(command: list[str], env: dict[str, str]) -> tuple[int, float, dict[int, int], float]:
    """Run the command; return its status, the peak summed RSS (MB), per-process peaks, wall."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    per_process: dict[int, int] = {}
    while process.poll() is None:
        total = 0
        for pid in tree(process.pid):
            rss = _rss(pid)
            total += rss
            per_process[pid] = max(per_process.get(pid, 0), rss)
        peak = max(peak, total)
        time.sleep(0.02)
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode not in (0, 1):
        print(stderr, file=sys.stderr)
    return process.returncode, peak / 1e6, per_process, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=25)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()

    feeds = served_feeds(args.feeds, args.hosts, args.latency, args.items)
    with feeds as urls, tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp) / "desk"
        desk.mkdir()
        write_desk(desk, urls)
        env = {**os.environ, "DUMON_HOME": str(desk)}
        keywords = str(desk / "keywords")
        baseline = [
            sys.executable,
            "-c",
            "import dumon.collecting.scan, dumon.collecting.fetch, dumon.collecting.feeds, "
            "dumon.storage.store; "
            f"from dumon.matching import Matcher; Matcher.from_folder({keywords!r})",
        ]
        _, base_peak, _, _ = watch(baseline, env)
        status, peak, per_process, wall = watch(
            [sys.executable, "-m", "dumon", "scan", "--json"], env
        )
        status2, peak2, _, wall2 = watch([sys.executable, "-m", "dumon", "scan", "--json"], env)
        print(
            f"{args.feeds} feeds × {args.items} items on {args.hosts} loopback hosts, "
            f"latency {args.latency * 1000:.0f} ms"
        )
        print(f"baseline (interpreter + dumon imports + matcher): peak {base_peak:6.1f} MB")
        print(
            f"first scan  (all new):  exit {status}, peak {peak:6.1f} MB over "
            f"{len(per_process)} processes, {wall:5.1f} s"
        )
        biggest = sorted(per_process.values(), reverse=True)[:4]
        print("  largest processes: " + ", ".join(f"{b / 1e6:.1f} MB" for b in biggest))
        print(f"second scan (304s):     exit {status2}, peak {peak2:6.1f} MB, {wall2:5.1f} s")
        verdict = "OK" if max(peak, peak2) < 300 else "OVER"
        print(f"target < 300 MB: {verdict}")


if __name__ == "__main__":
    main()
