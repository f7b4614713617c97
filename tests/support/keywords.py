"""The small keyword profile of the matching tests (tests/fixtures/keywords) and helpers.

from support.keywords import FIXTURE_KEYWORDS, write_keywords
from support.keywords import fixture_matcher as fixture_matcher  # noqa: F401 (fixture)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dumon.matching import Matcher

FIXTURE_KEYWORDS = Path(__file__).resolve().parents[1] / "fixtures" / "keywords"


@pytest.fixture(scope="session")
def fixture_matcher() -> Matcher:
    """The fixture profile, compiled once for the whole session."""
    return Matcher.from_folder(FIXTURE_KEYWORDS)


def write_keywords(folder: Path, files: dict[str, str]) -> Path:
    """Write a keywords folder from {relative path: YAML text (dedented)}."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder
