"""The desk (where dumon works) and the one-scan-at-a-time lock."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from dumon.desk import init_desk, resolve_home
from dumon.errors import DeskError, LockedError
from dumon.storage.lock import DeskLock, lock_holder


def test_home_option_beats_environment_beats_cwd(tmp_path, monkeypatch, isolated_home):
    other = tmp_path / "other"
    other.mkdir()
    (other / "dumon.db").touch()
    assert resolve_home(other).root == other.resolve()
    assert resolve_home().root == isolated_home.resolve()
    monkeypatch.delenv("DUMON_HOME")
    monkeypatch.chdir(other)
    assert resolve_home().root == other.resolve()


def test_missing_home_says_how_to_create_it(tmp_path):
    with pytest.raises(DeskError) as info:
        resolve_home(tmp_path / "khong-co")
    assert "dumon init" in info.value.message


def test_a_folder_without_desk_files_is_refused_and_left_untouched(tmp_path, monkeypatch):
    stray = tmp_path / "stray"
    stray.mkdir()
    monkeypatch.delenv("DUMON_HOME")
    monkeypatch.chdir(stray)
    with pytest.raises(DeskError) as info:
        resolve_home()
    for fix in ("--home", "DUMON_HOME", "dumon init"):
        assert fix in info.value.message
    assert str(stray) in info.value.message
    assert list(stray.iterdir()) == []


@pytest.mark.parametrize(
    "args", [["digest"], ["search", "tuyen sinh"], ["report"], ["scan"], ["sources", "list"]]
)
def test_commands_run_outside_a_desk_exit_2_and_create_nothing(tmp_path, monkeypatch, args):
    from typer.testing import CliRunner

    from dumon.cli import app

    stray = tmp_path / "stray"
    stray.mkdir()
    monkeypatch.delenv("DUMON_HOME")
    monkeypatch.chdir(stray)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Lỗi: {stray} không phải thư mục làm việc")
    assert list(stray.iterdir()) == []


def test_init_lays_bundled_defaults_and_refuses_to_overwrite(tmp_path):
    desk = init_desk(tmp_path / "so-gddt")
    assert desk.sources_path.is_file()
    assert (desk.keywords_dir / "README.md").is_file()
    assert desk.digests_dir.is_dir() and desk.logs_dir.is_dir()
    with pytest.raises(DeskError) as info:
        init_desk(tmp_path / "so-gddt")
    assert "--force" in info.value.message
    desk.sources_path.write_text("sources: []\n", encoding="utf-8")
    init_desk(tmp_path / "so-gddt", force=True)
    assert "vnexpress" in desk.sources_path.read_text(encoding="utf-8")


HOLDER = """
import sys, time
from pathlib import Path
from dumon.storage.lock import DeskLock
with DeskLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_second_holder_is_refused_and_a_dead_holders_lock_is_taken_over(tmp_path):
    path = tmp_path / "scan.lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        assert lock_holder(path) == proc.pid
        with pytest.raises(LockedError) as info, DeskLock(path):
            pass
        assert str(proc.pid) in info.value.message
        assert info.value.exit_code == 4
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    deadline = time.monotonic() + 5
    while lock_holder(path) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    with DeskLock(path):
        assert lock_holder(path) == os.getpid()  # taken over from the dead holder
    assert lock_holder(path) is None
