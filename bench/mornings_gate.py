"""The editorial gate: the digest against the reference mornings, with pinned floors.

The reference mornings (``../shared/mornings``: one careful reader's judgment of every article
of ten days, and the scorer ``score.py``) are read at run time and never copied. This runs
the scorer with this checkout's ``dumon``, prints its per-morning lines, and compares the
totals with ``bench/mornings_floors.json``: a figure below its floor (or a count above its
ceiling) by more than a small epsilon fails.

    python bench/mornings_gate.py [--mornings DIR] [--refs DIR] [--dumon EXE] [--write-floors]

Exit 0 when every figure holds (or the mornings are absent: skipped), 1 on a regression, 2
when the scorer cannot run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MORNINGS = REPO.parent / "shared" / "mornings"
FLOORS = Path(__file__).resolve().parent / "mornings_floors.json"
EPSILON = 0.005
# Figures where less is better: a ceiling instead of a floor.
CEILINGS = ("alert_inversions", "shown_mean", "digest_s_max")
# Figures pinned with this much room, because they measure the machine as much as the code.
ROOM = {"digest_s_max": 1.0}


def run_scorer(mornings: Path, refs: Path | None, dumon: str) -> dict:
    command = [sys.executable, str(mornings / "score.py"), "--dumon", dumon, "--json"]
    if refs is not None:
        command += ["--refs", str(refs)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        print(f"the scorer failed (exit {result.returncode}): {result.stderr[-500:]}")
        sys.exit(2)
    return json.loads(result.stdout)


def compare(total: dict, floors: dict) -> list[str]:
    failures = []
    for name, pinned in floors.items():
        value = total.get(name)
        if value is None:
            continue
        if name in CEILINGS and value > pinned + EPSILON:
            failures.append(f"{name} {value} > ceiling {pinned}")
        elif name not in CEILINGS and value < pinned - EPSILON:
            failures.append(f"{name} {value} < floor {pinned}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mornings", type=Path, default=Path(os.environ.get("DUMON_MORNINGS", DEFAULT_MORNINGS))
    )
    parser.add_argument("--refs", type=Path, help="reference mornings (default: the scorer's dev)")
    parser.add_argument("--dumon", default=str(Path(sys.executable).parent / "dumon"))
    parser.add_argument("--floors", type=Path, default=FLOORS)
    parser.add_argument("--write-floors", action="store_true", help="pin the current figures")
    args = parser.parse_args(argv)
    if not (args.mornings / "score.py").is_file():
        print(f"mornings gate skipped: no reference mornings at {args.mornings}")
        return 0
    figures = run_scorer(args.mornings, args.refs, args.dumon)
    for day in figures["days"]:
        print(
            f"{day['day']}: shown {day['shown']} | A {day['A'][0]}/{day['A'][1]} "
            f"local {day['local'][0]}/{day['local'][1]} alert {day['alert'][0]}/{day['alert'][1]}"
            f" | relevant {day['precision'][0]}/{day['precision'][1]} | reprints "
            f"{day['reprint_recall'][0]}/{day['reprint_recall'][1]} | nDCG@10 {day['ndcg10']}"
        )
    total = figures["total"]
    print("TOTAL " + " ".join(f"{k}={v}" for k, v in total.items()))
    if args.write_floors:
        pinned = {
            k: round(v + ROOM.get(k, 0), 3)
            for k, v in total.items()
            if k != "mornings" and isinstance(v, int | float)
        }
        args.floors.write_text(json.dumps(pinned, indent=2) + "\n", encoding="utf-8")
        print(f"floors written to {args.floors}")
        return 0
    failures = compare(total, json.loads(args.floors.read_text(encoding="utf-8")))
    if failures:
        print("REGRESSION: " + "; ".join(failures))
        return 1
    print("all figures at or above their floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
