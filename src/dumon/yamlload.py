"""YAML loading that remembers the line of every mapping key and list item.

The desk's YAML files are edited by press officers, so every validation error must name the
file, the line and the fix. PyYAML's plain ``safe_load`` forgets lines and silently keeps the
last of two duplicate keys; this loader records lines and rejects duplicates.

Usage::

    data, lines = load_yaml_with_lines(path)
    lines.of(data)              # line where the top mapping/list starts
    lines.key(entry, "name")    # line of the key ``name`` inside the mapping ``entry``
    lines.item(entries, 3)      # line of the fourth list item

Lines are 1-based. Dates written ``YYYY-MM-DD`` load as ``datetime.date``. A value no
constructor can build (a date that does not exist, ``!!int năm``, a tag of no known kind) is
refused here with its line and the key that holds it, so readers only meet plain values.
Reading the values is :mod:`dumon.yamlcheck`'s job.
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


class _Unreadable(Exception):
    """A node no constructor could build; the mapping holding it names its key."""

    def __init__(self, node: yaml.Node, why: str) -> None:
        super().__init__(why)
        self.line = _line(node)
        self.why = why  # tag | date | value
        self.tag = node.tag
        self.text = node.value if isinstance(node, yaml.ScalarNode) else "…"

    def error(self, path: Path, key: Any) -> ConfigError:
        """The ConfigError a reader sees; ``key`` None when the value is outside any mapping."""
        of = "" if key is None else f" của {key}"
        if self.why == "tag":
            return ConfigError(
                path,
                self.line,
                f"giá trị{of} có nhãn YAML lạ '{self.tag}'",
                f"bỏ nhãn, ghi {key or 'khóa'}: <giá trị>",
            )
        if self.why == "date":
            return ConfigError(
                path,
                self.line,
                f"ngày '{self.text}'" + ("" if key is None else f" ở '{key}'") + " không hợp lệ",
                "viết ngày có thật dạng YYYY-MM-DD, ví dụ 2025-07-01",
            )
        return ConfigError(
            path,
            self.line,
            f"giá trị '{self.text}'{of} không đọc được",
            f"bỏ nhãn YAML (!!…) và ghi lại {key or 'giá trị'}",
        )


# libyaml's parser when PyYAML was built with it: ten times faster, same nodes and marks.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The constructors that can fail on what a person writes. Text and null cannot (`!!str [1]`
# is a MarkedYAMLError with its line), and are most values: they stay unwrapped.
_FALLIBLE = {
    tag: build
    for tag, build in yaml.SafeLoader.yaml_constructors.items()
    if tag is not None and tag.rpartition(":")[2] not in ("map", "seq", "str", "null")
}


def _guarded(build: Any) -> Any:
    """A constructor whose failures (``!!int năm``, ``!!bool có``, 2025-02-30) become
    :class:`_Unreadable` with the node's line instead of a bare ValueError."""

    def construct(loader: Any, node: yaml.Node) -> Any:
        try:
            return build(loader, node)
        except ValueError:
            timestamp = node.tag == "tag:yaml.org,2002:timestamp"
            raise _Unreadable(node, "date" if timestamp else "value") from None
        except (KeyError, TypeError, yaml.constructor.ConstructorError):
            raise _Unreadable(node, "value") from None

    return construct


def _make_loader(path: Path, lines: LineMap) -> type[yaml.SafeLoader]:
    class _Loader(_BASE):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader: Any, node: yaml.Node) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):  # `!!map x`
            raise _Unreadable(node, "value")
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
            try:
                result[key] = loader.construct_object(value_node, deep=True)
            except _Unreadable as unreadable:
                raise unreadable.error(path, key) from None
            parts[key] = _line(key_node)
        lines._record(result, _line(node), parts)
        return result

    def construct_sequence(loader: Any, node: yaml.Node) -> list[Any]:
        if not isinstance(node, yaml.SequenceNode):  # `!!seq x`
            raise _Unreadable(node, "value")
        result = [loader.construct_object(child, deep=True) for child in node.value]
        lines._record(result, _line(node), {i: _line(c) for i, c in enumerate(node.value)})
        return result

    def construct_unknown(loader: Any, node: yaml.Node) -> Any:
        raise _Unreadable(node, "tag")

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    for tag, build in _FALLIBLE.items():
        _Loader.add_constructor(tag, _guarded(build))
    _Loader.add_constructor(None, construct_unknown)
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
    except _Unreadable as unreadable:  # a value outside any mapping (a list or a bare value)
        raise unreadable.error(path, None) from None
    finally:
        loader.dispose()
    return data, lines
