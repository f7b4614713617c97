"""Source health: statuses from real scans, weighted automatic disabling, enable/disable.

Time is simulated by moving the dates the scans recorded back into the past.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from typer.testing import CliRunner

from dumon.cli import app
from dumon.collecting import health
from dumon.collecting.scan import run_scan
from dumon.desk import Desk
from dumon.models import SourceOutcome
from dumon.settings import HealthSettings
from dumon.storage import sources, store
from dumon.storage.sources import SourceState
from dumon.vntime import VN_TZ
from support.faultserver import write_sources

NOW = datetime.now(VN_TZ)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def backdate(desk, name: str, column: str, days: float) -> None:
    when = store.to_iso(NOW - timedelta(days=days))
    with sqlite3.connect(desk / "dumon.db") as conn:
        conn.execute(f"update sources set {column} = ? where name = ?", [when, name])


def states(desk) -> dict[str, health.SourceHealth]:
    db = store.open_db(desk / "dumon.db")
    try:
        return {h.name: h for h in health.source_health(db, NOW)}
    finally:
        db.close()


def history(kinds: list[str], *, days: float) -> SourceState:
    """A source's state after failures of these kinds, spread over `days` days, via the store."""
    db = store.open_db(":memory:")
    db["sources"].insert({"name": "nguon", "outlet": "Báo Nguồn"})
    for i, kind in enumerate(kinds):
        when = NOW - timedelta(days=days) + timedelta(days=days) * i / max(1, len(kinds) - 1)
        outcome = SourceOutcome("nguon", "failed", error=f"lỗi {kind}", error_kind=kind)
        sources.update_source_state(db, "nguon", outcome, now=store.to_iso(when) or "")
    state = sources.source_state(db.conn, "nguon")
    assert state is not None
    return state


def test_statuses_after_real_scans(faults, isolated_home):
    write_sources(
        isolated_home,
        [("tot", faults.url("/feed/1")), ("mat", faults.url("/gone")), ("moi", faults.url("/x"))],
    )
    run_scan(Desk(isolated_home), only=["tot", "mat"])
    found = states(isolated_home)
    assert found["tot"].status == "ok" and "hoạt động tốt" in found["tot"].summary
    assert found["mat"].status == "failing"
    assert "đang lỗi từ" in found["mat"].summary and "404" in found["mat"].summary
    assert found["moi"].status == "new" and not found["moi"].healthy
    assert found["moi"].summary.startswith("moi: chưa kiểm chứng — chưa đọc được lần nào.")
    assert next(iter(found)) == "mat"  # worst first


def test_a_source_that_answers_but_brings_nothing_new_is_silent(faults, isolated_home):
    write_sources(isolated_home, [("lang", faults.url("/feed/2"))])
    run_scan(Desk(isolated_home))
    run_scan(Desk(isolated_home))  # 200 again, same items: nothing new
    backdate(isolated_home, "lang", "last_new_article", 9)
    found = states(isolated_home)["lang"]
    assert found.status == "silent" and found.days == 9
    assert "im lặng 9 ngày" in found.summary and "dumon sources check" in found.summary


def test_hard_failures_make_a_source_dead_but_timeouts_do_not():
    settings = HealthSettings()
    dead = health.assess(history(["http_4xx"] * 12, days=4), NOW, settings)
    assert dead.status == "dead" and "ngừng hoạt động" in dead.summary
    assert "sửa url trong sources.yaml" in dead.summary
    slow = health.assess(history(["timeout"] * 12, days=4), NOW, settings)
    assert slow.status == "failing" and "12 lần liên tiếp" in slow.summary


def test_weights_decide_when_a_failing_source_is_switched_off():
    settings = HealthSettings(disable_after_days=14)
    assert health.due_for_disabling(history(["http_4xx"] * 30, days=15), NOW, settings)
    assert not health.due_for_disabling(history(["timeout"] * 30, days=15), NOW, settings)
    assert health.due_for_disabling(history(["timeout"] * 60, days=29), NOW, settings)
    assert not health.due_for_disabling(history(["dns"] * 10, days=10), NOW, settings)


def test_scan_switches_off_a_long_dead_source_and_skips_it_until_enabled(faults, isolated_home):
    write_sources(isolated_home, [("tot", faults.url("/feed/3")), ("mat", faults.url("/gone"))])
    desk = Desk(isolated_home)
    run_scan(desk)
    backdate(isolated_home, "mat", "failing_since", 15)
    report = run_scan(desk)
    assert {o.source for o in report.outcomes} == {"tot", "mat"}
    found = states(isolated_home)["mat"]
    assert found.status == "disabled"
    assert "đã tự động tắt" in found.summary and "dumon sources enable mat" in found.summary
    asked = faults.hits["/gone"]
    report = run_scan(desk)
    assert [o.source for o in report.outcomes] == ["tot"] and report.exit_code == 0
    assert faults.hits["/gone"] == asked  # not fetched while off

    result = invoke("sources", "enable", "mat")
    assert result.exit_code == 0 and "Đã bật lại nguồn mat" in result.output
    report = run_scan(desk)
    assert {o.source for o in report.outcomes} == {"tot", "mat"}
    assert states(isolated_home)["mat"].status == "failing"  # a fresh period, not off again


def test_settings_shorten_the_period_before_disabling(faults, isolated_home):
    (isolated_home / "settings.yaml").write_text(
        "health:\n  disable_after_days: 3\n", encoding="utf-8"
    )
    write_sources(isolated_home, [("mat", faults.url("/gone"))])
    run_scan(Desk(isolated_home))
    backdate(isolated_home, "mat", "failing_since", 4)
    run_scan(Desk(isolated_home))
    assert states(isolated_home)["mat"].status == "disabled"


def test_disable_by_hand_and_unknown_names(faults, isolated_home):
    write_sources(isolated_home, [("tot", faults.url("/feed/4")), ("phu", faults.url("/feed/5"))])
    result = invoke("sources", "disable", "phu")
    assert result.exit_code == 0 and "Đã tắt nguồn phu" in result.output
    announced: list[int] = []
    report = run_scan(Desk(isolated_home), on_start=announced.append)
    assert [o.source for o in report.outcomes] == ["tot"]
    assert announced == [1]  # the progress bar counts only the sources really read
    assert "/feed/5" not in faults.hits
    found = states(isolated_home)["phu"]
    assert found.status == "disabled" and "tắt bằng tay" in found.summary

    result = invoke("sources", "enable", "khong-co")
    assert result.exit_code == 2 and "không có nguồn tên 'khong-co'" in result.output

    result = invoke("sources", "health")
    assert result.exit_code == 0
    assert "phu: đã tắt bằng tay" in result.output and "tot: hoạt động tốt" in result.output
