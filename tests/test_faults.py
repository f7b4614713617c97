"""The fault matrix: each misbehaving server is survived, reported plainly, and isolated.

One scan reads every fault of `FAULTS` together with healthy sources on another loopback
address; the scan must end within its deadline, store every healthy source's articles, report
each fault in Vietnamese in `run_sources.error`, and keep its memory bounded.
"""

from __future__ import annotations

import re
import resource
import sqlite3
import time

import pytest

from dumon.collecting.scan import run_scan
from dumon.desk import Desk
from support.faultserver import FAULTS, Blackhole, FaultServer, write_sources

HEALTHY = 3
# What each fault must end as: failed with one of these kinds, or read ("ok") where the content
# is usable despite the fault (a feed labelled as an image is still a feed).
EXPECTED: dict[str, tuple[str, set[str]]] = {
    "connect-timeout": ("failed", {"connect", "timeout"}),
    "headers-timeout": ("failed", {"timeout"}),
    "body-timeout": ("failed", {"timeout"}),
    "slow-drip": ("failed", {"timeout"}),
    "reset": ("failed", {"connect"}),
    "reset-mid-body": ("failed", {"connect"}),
    "truncated-gzip": ("failed", {"decode"}),
    "gzip-bomb": ("failed", {"too_large"}),
    "endless-redirects": ("failed", {"too_many_redirects", "redirect_loop"}),
    "rate-limited": ("failed", {"rate_limited"}),
    "server-error": ("failed", {"http_5xx"}),
    "wrong-content-type": ("ok", set()),
    "html-instead-of-xml": ("failed", {"parse"}),
    "huge-body": ("failed", {"too_large"}),
    "huge-undeclared": ("failed", {"too_large"}),
    "invalid-utf8": ("ok", set()),
    "ten-thousand-items": ("ok", set()),
    "dns-failure": ("failed", {"dns"}),
}
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
DEADLINE = 60.0  # 10,000 items take ~20 s to parse and store on 2 cores


def fault_url(name: str, faults: FaultServer, hole: Blackhole) -> str:
    path = FAULTS[name]
    if path == "blackhole":
        return hole.url()
    if path == "dns":
        return "http://nguon-khong-ton-tai.invalid/rss"
    return faults.url(path)


def rows(desk, sql: str) -> list[tuple]:
    with sqlite3.connect(desk / "dumon.db") as conn:
        return conn.execute(sql).fetchall()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    "names",
    [
        pytest.param([n for n in FAULTS if n != "ten-thousand-items"], id="fast"),
        pytest.param(list(FAULTS), id="all", marks=pytest.mark.slow),
    ],
)
def test_every_fault_is_survived_reported_and_isolated(names, faults, blackhole, isolated_home):
    healthy = FaultServer("127.0.0.5")
    try:
        sources = [(f"tot-{i}", healthy.url(f"/feed/{i}")) for i in range(HEALTHY)]
        sources += [(name, fault_url(name, faults, blackhole)) for name in names]
        write_sources(isolated_home, sources, defaults={"scan_deadline": DEADLINE})
        before = peak_rss_mb()
        started = time.monotonic()
        report = run_scan(Desk(isolated_home))
        elapsed = time.monotonic() - started
    finally:
        healthy.close()
    assert elapsed < DEADLINE + 5
    assert peak_rss_mb() - before < 250  # 50 MB bodies and the bomb are never held whole
    outcomes = {o.source: o for o in report.outcomes}
    for i in range(HEALTHY):
        assert outcomes[f"tot-{i}"].status == "ok" and outcomes[f"tot-{i}"].articles_new == 3
    stored = {r[0] for r in rows(isolated_home, "select url from articles")}
    for i in range(HEALTHY):
        assert {f"{healthy.base_url}/bai/{i}/{n}.html" for n in range(3)} <= stored
    problems = []
    for name in names:
        status, kinds = EXPECTED[name]
        outcome = outcomes[name]
        if outcome.status != status or (kinds and outcome.error_kind not in kinds):
            problems.append(f"{name}: {outcome.status}/{outcome.error_kind}: {outcome.error}")
        if outcome.status == "failed":
            error = outcome.error or ""
            if not VIETNAMESE.search(error) or re.search(r"Error|Exception|Traceback", error):
                problems.append(f"{name}: not a plain Vietnamese reason: {error!r}")
    assert not problems, "\n".join(problems)
    if "ten-thousand-items" in names:
        assert outcomes["ten-thousand-items"].articles_new == 10_000
    # What the digest and `dumon sources` read: the run's rows carry the same reasons.
    recorded = dict(rows(isolated_home, "select source, error from run_sources where error != ''"))
    assert recorded["gzip-bomb"] == outcomes["gzip-bomb"].error


def test_a_truncated_gzip_body_is_a_failure_not_a_short_feed(faults, isolated_home):
    """Half a compressed feed must not be stored as if it were the whole feed."""
    write_sources(isolated_home, [("cut", faults.url("/truncated-gzip"))])
    report = run_scan(Desk(isolated_home))
    outcome = report.outcomes[0]
    assert outcome.status == "failed" and outcome.error_kind == "decode", outcome.error
    assert rows(isolated_home, "select count(*) from articles") == [(0,)]


def test_a_hung_server_cannot_stall_the_scan_past_its_deadline(faults, isolated_home):
    # A generous fetch timeout: only the scan's overall deadline can stop the drip.
    write_sources(
        isolated_home,
        [("tot", faults.url("/feed/7")), ("nho-giot", faults.url("/drip"))],
        defaults={"timeout": 120, "scan_deadline": 3},
    )
    started = time.monotonic()
    report = run_scan(Desk(isolated_home))
    assert time.monotonic() - started < 8
    outcomes = {o.source: o for o in report.outcomes}
    assert outcomes["tot"].articles_new == 3
    assert outcomes["nho-giot"].error_kind == "deadline"
    assert "Hết thời hạn của lượt quét" in (outcomes["nho-giot"].error or "")
    assert report.exit_code == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_fault_alone_next_to_a_healthy_source(name, faults, blackhole, isolated_home):
    write_sources(
        isolated_home,
        [("tot", faults.url("/feed/8")), (name, fault_url(name, faults, blackhole))],
        defaults={"scan_deadline": 15},
    )
    started = time.monotonic()
    report = run_scan(Desk(isolated_home))
    assert time.monotonic() - started < 20
    outcomes = {o.source: o for o in report.outcomes}
    assert outcomes["tot"].status == "ok" and outcomes["tot"].articles_new == 3
    status, kinds = EXPECTED[name]
    assert outcomes[name].status == status
    assert not kinds or outcomes[name].error_kind in kinds, outcomes[name].error
