"""An incident build killed at any moment leaves a sound database and resumes where its last
window was committed, ending with the incidents an uninterrupted build makes (real
processes, real SIGKILLs)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dumon.output.incident_build import build_incidents
from dumon.settings import Settings
from dumon.storage import store
from support.store import Doc, fill_store

pytestmark = pytest.mark.slow

DAYS = 240
FILLER = 40
PLACES = ("Hòa An", "Bình Sơn", "Đông Triều", "Tây Hồ", "Nam Sách", "Kim Bảng")
NAMES = ("Lam", "Hồng", "Cúc", "Mai", "Đào", "Sen", "Trúc", "Tùng", "Quế", "Liễu")
WORDS = ("giá", "vàng", "thời", "tiết", "bóng", "đá", "chứng", "khoán", "xăng", "dầu")


def docs() -> list[Doc]:
    rng = random.Random(14)
    out = []
    for day in range(DAYS):
        when = f"{2025 + day // 336}-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}"
        place = PLACES[day % len(PLACES)]
        school = f"Trường THCS {NAMES[day % 10]} {NAMES[day // 10 % 10]} {NAMES[day // 100]}"
        for outlet, hour in (("Báo A", "09:00"), ("Báo B", "11:00")):
            out.append(
                Doc(
                    f"Học sinh {school} ở {place} bị bạn đánh hội đồng, clip lan truyền",
                    outlet,
                    f"{when} {hour}",
                    summary=f"Nữ sinh {school} bị nhóm bạn đánh hội đồng ở {place}.",
                    alerts=("bao-luc-hoc-duong",),
                    severity=2,
                    edu=True,
                    places=(f"noi-{day}",),
                )
            )
        for i in range(FILLER):
            words = " ".join(rng.choice(WORDS) for _ in range(8))
            out.append(Doc(f"Tin {words} số {day}-{i}", "Báo C", f"{when} 12:00", edu=False))
    return out


def memberships(path: Path) -> set[frozenset[str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "select incident_id, url from incident_articles order by incident_id"
    ).fetchall()
    conn.close()
    groups: dict[int, set[str]] = {}
    for incident_id, url in rows:
        groups.setdefault(incident_id, set()).add(url)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A desk of three months of articles, incidents not built yet."""
    root = tmp_path_factory.mktemp("incidents")
    (root / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    db = store.open_db(root / "dumon.db")
    fill_store(db, docs())
    db.close()
    return root


@pytest.fixture(scope="module")
def reference(fresh, tmp_path_factory) -> set[frozenset[str]]:
    copy = tmp_path_factory.mktemp("clean")
    shutil.copy(fresh / "dumon.db", copy / "dumon.db")
    db = store.open_db(copy / "dumon.db")
    build_incidents(db, settings=Settings())
    db.close()
    found = memberships(copy / "dumon.db")
    assert len(found) >= DAYS  # an incident a day, each of two outlets
    return found


def build_process(desk: Path) -> subprocess.Popen:
    env = {**os.environ, "DUMON_HOME": str(desk)}
    return subprocess.Popen(
        [sys.executable, "-m", "dumon", "incident", "list", "--all", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("seed", range(4))
def test_a_killed_build_resumes_to_the_same_incidents(fresh, reference, tmp_path, seed):
    desk = tmp_path / "killed"
    desk.mkdir()
    shutil.copy(fresh / "sources.yaml", desk / "sources.yaml")
    shutil.copy(fresh / "dumon.db", desk / "dumon.db")
    process = build_process(desk)
    # Kill once the build has committed its first windows, a random moment later.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = sqlite3.connect(f"file:{desk / 'dumon.db'}?mode=ro", uri=True, timeout=1)
            started = conn.execute("select 1 from incident_build where key = 'done'").fetchone()
            conn.close()
        except sqlite3.OperationalError:  # not migrated yet
            started = None
        if started:
            break
        time.sleep(0.02)
    time.sleep(random.Random(seed).uniform(0.0, 0.4))
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    conn = sqlite3.connect(desk / "dumon.db")
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    # The kill landed inside the build: windows committed, the rest still to do.
    state = dict(conn.execute("select key, value from incident_build").fetchall())
    assert "target" in state and "done" in state, state
    # No article in two incidents, no incident row without its articles' windows half-done.
    assert conn.execute(
        "select count(*) - count(distinct article_id) from incident_articles"
    ).fetchone() == (0,)
    conn.close()
    done = build_process(desk)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    assert len(json.loads(out)) == len(reference)
    assert memberships(desk / "dumon.db") == reference
