"""YAML loading that remembers the line of every mapping key and list item.

The desk's YAML files are edited by press officers, so every validation error must name the
file, the line and the fix. PyYAML's plain ``safe_load`` forgets lines and silently keeps the
last of two duplicate keys; this loader records lines and rejects duplicates.

Usage::

    data, lines = load_yaml_with_lines(path)
    lines.of(data)              # line where the top mapping/list starts
    lines.key(entry, "name")    # line of the key ``name`` inside the mapping ``entry``
    lines.item(entries, 3)      # line of the fourth list item

Lines are 1-based. Dates written ``YYYY-MM-DD`` load as ``datetime.date``; a date-like value
that is not a real date (2025-02-30) stays a string so the caller can report it with its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dumon.errors import ConfigError


class LineMap:
    """Lines of the containers of one loaded document, looked up by the container object."""

    def __init__(self) -> None:
        self._start: dict[int, int] = {}
        self._parts: dict[int, dict[Any, int]] = {}
        self._keep: list[Any] = []  # the containers, so their ids stay unique while we live

    def _record(self, container: Any, start: int, parts: dict[Any, int]) -> None:
        self._keep.append(container)
        self._start[id(container)] = start
        self._parts[id(container)] = parts

    def of(self, container: Any) -> int | None:
        """The line where a mapping or list starts."""
        return self._start.get(id(container))

    def key(self, mapping: Any, key: Any) -> int | None:
        """The line of a key of a mapping (else the mapping's own line)."""
        return self._parts.get(id(mapping), {}).get(key, self.of(mapping))

    def item(self, sequence: Any, index: int) -> int | None:
        """The line of a list item (else the list's own line)."""
        return self._parts.get(id(sequence), {}).get(index, self.of(sequence))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


# libyaml's parser when PyYAML was built with it: ten times faster, same nodes and marks.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _make_loader(path: Path, lines: LineMap) -> type[yaml.SafeLoader]:
    class _Loader(_BASE):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        parts: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise ConfigError(
                    path, _line(key_node), "khóa phải là một chữ", "viết khóa dạng `tên: giá trị`"
                )
            if key in result:
                raise ConfigError(
                    path,
                    _line(key_node),
                    f"khóa '{key}' lặp lại (đã có ở dòng {parts[key]})",
                    "xóa hoặc gộp một trong hai dòng",
                )
            result[key] = loader.construct_object(value_node, deep=True)
            parts[key] = _line(key_node)
        lines._record(result, _line(node), parts)
        return result

    def construct_sequence(loader: Any, node: yaml.SequenceNode) -> list[Any]:
        result = [loader.construct_object(child, deep=True) for child in node.value]
        lines._record(result, _line(node), {i: _line(c) for i, c in enumerate(node.value)})
        return result

    def construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            return str(node.value)

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    _Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    return _Loader


def load_yaml_with_lines(path: Path | str) -> tuple[Any, LineMap]:
    """Parse one YAML file; raise ConfigError (file, line, fix) when it cannot be read."""
    path = Path(path)
    lines = LineMap()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            path, None, "không tìm thấy tệp", "tạo tệp hoặc kiểm tra đường dẫn"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            path, None, "tệp không phải UTF-8", "lưu lại tệp với bảng mã UTF-8"
        ) from None
    loader = _make_loader(path, lines)(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(
            path,
            line,
            f"YAML không hợp lệ ({exc.problem or exc.context})",
            "kiểm tra thụt lề bằng dấu cách (không dùng Tab), dấu ':' sau mỗi khóa và dấu "
            "ngoặc kép quanh giá trị có ':' hoặc '#'",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, None, f"YAML không hợp lệ ({exc})", "sửa cú pháp YAML") from None
    finally:
        loader.dispose()
    return data, lines
