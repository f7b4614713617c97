"""Shared fixtures. Every test gets its own desk: DUMON_HOME points at a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test touches a real desk."""
    home = tmp_path / "desk"
    home.mkdir()
    monkeypatch.setenv("DUMON_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home
