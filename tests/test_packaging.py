"""The dependency floors CI tests are the floors pyproject.toml declares: .ci/lowest.txt pins
each dependency to its floor, and CI installs those pins and runs the tests. A floor raised or
lowered in one file and not the other would have CI test versions no installer picks."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def declared_floors() -> dict[str, Version]:
    """Each dependency of the package and of its test extra, by name, with its `>=` floor."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {}
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        requirement = Requirement(line)
        lower = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        assert len(lower) == 1, f"{line!r} needs exactly one '>=' floor"
        floors[canonicalize_name(requirement.name)] = Version(lower[0])
    return floors


def pinned_floors() -> dict[str, Version]:
    """Each `NAME==VERSION` line of .ci/lowest.txt, by name."""
    pins = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{line!r} must pin one version with '=='"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{requirement.name} is pinned twice"
        pins[name] = Version(spec.version)
    return pins


def test_lowest_pins_are_the_declared_floors():
    declared, pinned = declared_floors(), pinned_floors()
    unpinned, undeclared = sorted(declared.keys() - pinned), sorted(pinned.keys() - declared)
    assert (unpinned, undeclared) == ([], []), "(declared, not pinned), (pinned, not declared)"
    differ = {
        name: (str(floor), str(pinned[name]))
        for name, floor in declared.items()
        if floor != pinned[name]
    }
    assert differ == {}, "pyproject.toml floor vs .ci/lowest.txt pin"
