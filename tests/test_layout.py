"""The import rules of docs/architecture.md, checked on the code: stages import downwards
only, and each outside library is used by the one place that owns it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dumon

PACKAGE = Path(dumon.__file__).parent
STAGES = ("storage", "matching", "collecting", "output", "upkeep", "render", "cli")
# What each part may import besides itself; "base" is dumon's top-level modules.
ALLOWED = {
    "base": {"base"},
    "storage": {"base"},
    "matching": {"base", "storage"},
    "collecting": {"base", "storage", "matching"},
    "output": {"base", "storage", "matching", "collecting"},
    "upkeep": {"base", "storage", "matching", "collecting"},
    "render": {"base", "storage", "matching", "collecting", "output", "upkeep"},
    "cli": {"base", *STAGES},
}
ENTRY_POINTS = {"dumon.__main__", "dumon.runlog", "dumon.batch"}  # programs: may import any part
# Outside libraries and the modules (or packages) allowed to import them.
OWNERS = {
    "typer": ("dumon.cli",),
    "click": ("dumon.cli",),
    "rich": ("dumon.render",),
    "httpx": (
        "dumon.collecting.fetch",
        "dumon.collecting.netguard",
        "dumon.collecting.http_failures",
    ),
    "httpcore": ("dumon.collecting.fetch", "dumon.collecting.netguard"),
    "feedparser": ("dumon.collecting.feeds",),
    "bs4": ("dumon.collecting.pages", "dumon.collecting.bodies"),
    "rapidfuzz": ("dumon.matching.index",),
    "sqlite_utils": ("dumon.storage",),
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _imports(tree: ast.Module) -> set[str]:
    """Every module named by an import, at any depth (imports inside functions count)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "dumon":
                names |= {f"dumon.{alias.name}" for alias in node.names}
            else:
                names.add(node.module)
    return names


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "base"


def _within(module: str, owners: tuple[str, ...]) -> bool:
    return any(module == o or module.startswith(o + ".") for o in owners)


def test_stages_import_only_the_stages_below_them():
    wrong = []
    for module, tree in _modules().items():
        for name in _imports(tree):
            if not name.startswith("dumon.") or module in ENTRY_POINTS:
                continue
            here, there = _part(module), _part(name)
            if there != here and there not in ALLOWED[here]:
                wrong.append(f"{module} imports {name} ({here} may import {ALLOWED[here]})")
    assert not wrong, "\n".join(wrong)


def test_each_outside_library_is_imported_only_where_it_belongs():
    wrong = []
    for module, tree in _modules().items():
        for name in _imports(tree):
            owners = OWNERS.get(name.split(".")[0])
            if owners and not _within(module, owners):
                wrong.append(f"{module} imports {name}, which only {owners} may")
    assert not wrong, "\n".join(wrong)


def test_the_rules_see_every_part_of_the_package():
    """A new package directory must be placed in the rules, not slip past them as 'base'."""
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders <= set(STAGES)


_SQL_TEXT = re.compile(
    r"\s*(select\b.*\bfrom\s+\w|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s"
    r"|pragma\s+\w+\s*[=(;]?\s*\w*\s*$|create\s+(table|index|trigger|view)\s)",
    re.I | re.S,
)
_SQL_CALLS = {"execute", "executemany", "executescript", "query"}


def test_sql_is_written_only_under_storage():
    """Outside `storage/` a module may hold a connection (a type) but runs no statement."""
    wrong = []
    for module, tree in _modules().items():
        if _part(module) == "storage":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _SQL_CALLS
            ):
                wrong.append(f"{module}:{node.lineno} calls .{node.func.attr}()")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _SQL_TEXT.match(node.value)
            ):
                wrong.append(f"{module}:{node.lineno} holds SQL: {node.value[:40]!r}")
    assert not wrong, "\n".join(wrong)
