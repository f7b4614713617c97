"""The ``keywords/`` folder read into a validated profile (format: ``keywords/README.md``).

``load_keywords`` walks the folder: every ``*.yaml`` file, each section read entry by entry
(:mod:`dumon.matching.keyword_entries`: the records and their schema; the school calendar's
topics, :mod:`dumon.matching.calendar_entries`), then what only the whole folder shows: a key
used twice, a parent that is no unit, a calendar topic's theme that is no theme. Every mistake is a
ConfigError(file, line, problem, fix). Expanding names into searched terms is
:mod:`dumon.matching.expand`; ``dumon keywords check`` is :mod:`dumon.matching.lint`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dumon.errors import ConfigError
from dumon.matching.calendar_entries import Topic, read_topic
from dumon.matching.keyword_entries import (
    READERS,
    Alert,
    EntryReader,
    Place,
    Region,
    Signal,
    Subject,
    Theme,
    Unit,
)
from dumon.terms import Exclusion

SECTIONS = (
    "units",
    "places",
    "themes",
    "alerts",
    "exclusions",
    "subjects",
    "regions",
    "signals",
    "calendar",
)
_READERS = {**READERS, "calendar": read_topic}


@dataclass(frozen=True)
class KeywordProfile:
    folder: Path
    units: tuple[Unit, ...] = ()
    places: tuple[Place, ...] = ()
    themes: tuple[Theme, ...] = ()
    alerts: tuple[Alert, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    subjects: tuple[Subject, ...] = ()
    regions: tuple[Region, ...] = ()
    signals: tuple[Signal, ...] = ()
    calendar: tuple[Topic, ...] = ()


def load_keywords(folder: Path | str) -> KeywordProfile:
    """Read every ``*.yaml`` under the folder into a validated profile."""
    from dumon.yamlload import load_yaml_with_lines  # a matcher read from its cache needs no YAML

    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(
            folder,
            None,
            "không có thư mục từ khóa",
            "tạo thư mục keywords/ (chạy `dumon init`) hoặc chỉ đúng thư mục bằng --keywords",
        )
    found: dict[str, list[Any]] = {name: [] for name in SECTIONS}
    parent_lines: dict[tuple[Path, str], int | None] = {}
    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml")):
        data, lines = load_yaml_with_lines(path)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise ConfigError(
                path,
                lines.of(data),
                "tệp phải bắt đầu bằng một danh sách có tên",
                "ví dụ `units:` ở dòng đầu",
            )
        reader = EntryReader(path, lines)
        for section in reader.mapping(data, "tệp", SECTIONS):
            items = reader.sequence(data, section, "mỗi mục bắt đầu bằng '- '")
            found[section].extend(_READERS[section](reader, items, i) for i in range(len(items)))
            if section == "units" and items:  # parents may be in later files: checked last
                for item, unit in zip(items, found["units"][-len(items) :], strict=True):
                    parent_lines[(path, unit.key)] = lines.key(item, "parent")
    for entries in found.values():
        seen: dict[str, Any] = {}
        for entry in entries:
            if entry.key in seen:
                first = seen[entry.key]
                raise ConfigError(
                    entry.path,
                    entry.line,
                    f"key '{entry.key}' trùng với mục ở {first.path.name} dòng {first.line}",
                    "đặt một key khác cho một trong hai mục",
                )
            seen[entry.key] = entry
    unit_keys = {u.key for u in found["units"]}
    for unit in found["units"]:
        if unit.parent and unit.parent not in unit_keys:
            raise ConfigError(
                unit.path,
                parent_lines.get((unit.path, unit.key), unit.line),
                f"parent '{unit.parent}' của '{unit.key}' không phải key của đơn vị nào",
                "sửa parent thành key của một đơn vị có trong units/, hoặc xóa dòng parent",
            )
    theme_keys = {t.key for t in found["themes"]}
    for topic in found["calendar"]:
        unknown = [k for k in topic.themes if k not in theme_keys]
        if unknown:
            raise ConfigError(
                topic.path,
                topic.line,
                f"chủ đề '{unknown[0]}' của '{topic.key}' không có trong themes.yaml",
                f"dùng key của một chủ đề: {', '.join(sorted(theme_keys))}",
            )
    return KeywordProfile(folder, *(tuple(found[name]) for name in SECTIONS))
