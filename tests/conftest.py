"""Shared fixtures. Every test gets its own desk: DUMON_HOME points at a temporary folder
holding an empty sources.yaml (a folder without any desk file is refused, as in real use)."""

from __future__ import annotations

import pytest

# Fixtures shared across test files: the loopback HTTP servers, the fault server, the SMTP
# server, stores built from documents, the keyword fixtures' matcher.
pytest_plugins = [
    "support.faultserver",
    "support.keywords",
    "support.loopback",
    "support.smtp",
    "support.store",
    "support.store_reading",
]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test touches a real desk."""
    home = tmp_path / "desk"
    home.mkdir()
    (home / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    monkeypatch.setenv("DUMON_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home
