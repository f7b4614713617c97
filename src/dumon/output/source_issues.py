"""Section V of the digest: the sources that failed in the window's scans, went silent or
were switched off, worded as `dumon doctor` and `dumon sources list` word them."""

from __future__ import annotations

import sqlite3

from dumon.collecting.health import assess
from dumon.output.digest_records import SourceIssue
from dumon.output.window import Window
from dumon.settings import HealthSettings
from dumon.storage.reading import run_failures
from dumon.storage.rows import to_iso
from dumon.storage.sources import source_states


def source_issues(
    conn: sqlite3.Connection, window: Window, *, health: HealthSettings
) -> list[SourceIssue]:
    """Sources that failed in the window's runs, or are failing, off or silent at its end.

    The wording of each source's state is the health module's, so the digest, `dumon doctor`
    and `dumon sources list` say the same thing.
    """
    failures = run_failures(conn, window.start_iso, window.end_iso)
    issues: list[SourceIssue] = []
    for recorded in sorted(source_states(conn).values(), key=lambda state: state.name):
        state = assess(recorded, window.end, health)
        failed = failures.get(state.name)
        count, error = (failed.count, failed.last_error) if failed else (0, None)
        if state.healthy and not count:
            continue
        text = state.summary.split(": ", 1)[-1]
        if count:
            seen = f"lỗi {count} lần trong khoảng này (lần cuối: {error or 'không rõ lý do'})"
            text = f"{seen}; nay đã đọc lại được." if state.healthy else f"{seen}; {text}"
        problem = (
            state.status if state.status in ("dead", "disabled", "silent", "new") else "failed"
        )
        since = to_iso(state.since) if state.since else None
        issues.append(
            SourceIssue(
                state.name,
                state.outlet,
                problem,
                text,
                max(count, state.consecutive_failures),
                since,
            )
        )
    order = {"dead": 0, "failed": 1, "disabled": 2, "silent": 3, "new": 4}
    issues.sort(key=lambda i: (order[i.problem], -i.failures, i.name))
    return issues
