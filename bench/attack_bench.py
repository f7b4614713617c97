"""Attack suite: every hostile-input and failing-machine attack, pass or fail, with figures.

Runs each attack of tests/support/attacks.py (loopback servers, a real SQLite file, real
`python -m dumon` processes) in a fresh folder and prints one line per attack: PASS, FAIL (with
what went wrong) or SKIP (no mount namespaces for the full-disk and read-only attacks). Then
the figures the issue sets targets for: the peak RSS of any dumon process under the big-page
attack (target ≤ 600 MB) and the time of each quadratic input (target ≤ the scan deadline
plus 5 s), each beside its baseline measured in the same run (a scan of a healthy feed).

    python bench/attack_bench.py [--only NAME]… [--against SRC]

`--against SRC` runs the attacks on another checkout's `src/` (for instance the main
branch's) to show which fail there. Exit status 1 when an attack fails.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.attacks import (  # noqa: E402
    ATTACKS,
    DEADLINE,
    RSS_LIMIT_MB,
    SHORT_DEADLINE,
    SLOW_GRACE,
    Lab,
    Skipped,
    rss,
    school_items,
)


def baseline(folder: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of a scan of one healthy feed: what any scan costs."""
    with Lab(folder) as lab:
        server = lab.server()
        server.route("/rss", body=rss(school_items(server.base_url, "tot", 20)))
        lab.keywords()
        lab.sources([{"name": "tot", "url": server.url("/rss")}])
        run = lab.dumon("scan", "--json", sample=True)
        return run.seconds, run.peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(ATTACKS), default=None)
    parser.add_argument("--against", type=Path, help="run on this src/ folder instead")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.against:
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(args.against.resolve()), os.environ.get("PYTHONPATH", "")]
        )
        print(f"dumon from {args.against.resolve()}")
    names = args.only or list(ATTACKS)
    failed = 0
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="dumon-attacks-") as tmp:
        base_seconds, base_mb = baseline(Path(tmp) / "baseline")
        print(f"{'attack':<34}{'point':>5}  {'result':<6}{'s':>6}  detail")
        for number, name in enumerate(names):
            attack = ATTACKS[name]
            started = time.monotonic()
            try:
                with Lab(Path(tmp) / f"{number}-{name}") as lab:
                    verdict = attack.run(lab)
                result, detail = ("PASS" if verdict.passed else "FAIL"), verdict.detail
                figures[name] = verdict.figures
            except Skipped as reason:
                result, detail = "SKIP", str(reason)
            except Exception as exc:  # an attack that breaks the harness counts as failed
                result, detail = "FAIL", f"{type(exc).__name__}: {exc}"
            failed += result == "FAIL"
            seconds = time.monotonic() - started
            print(f"{name:<34}{attack.point:>5}  {result:<6}{seconds:6.1f}  {detail[:150]}")
    print()
    print(f"baseline: a scan of one healthy feed, {base_seconds:.1f} s, peak RSS {base_mb:.0f} MB")
    big = figures.get("big-article-pages")
    if big:
        verdict = "OK" if big["peak_mb"] <= RSS_LIMIT_MB else "OVER"
        print(
            f"big pages (30 × 9.5 MB): peak RSS of any dumon process {big['peak_mb']:.0f} MB "
            f"({big['peak_mb'] / base_mb:.1f}× baseline), target ≤ {RSS_LIMIT_MB:.0f} MB: "
            f"{verdict}; scan {big['seconds']:.1f} s, {big.get('stored', 0):.0f} articles "
            f"stored, {big.get('bodies', 0):.0f} with bodies"
        )
    limit = DEADLINE + SLOW_GRACE
    for name in names:
        if name.startswith("quadratic-") or name == "deadline-stops-a-long-job":
            seconds = figures.get(name, {}).get("seconds")
            if seconds is None:
                continue
            target = SHORT_DEADLINE + SLOW_GRACE if name.startswith("deadline") else limit
            verdict = "OK" if seconds <= target else "OVER"
            print(
                f"{name:<34} scan {seconds:5.1f} s ({seconds / base_seconds:.1f}× baseline), "
                f"target ≤ {target:g} s: {verdict}"
            )
    print(f"{len(names) - failed}/{len(names)} attacks pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
