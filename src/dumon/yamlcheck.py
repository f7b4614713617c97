"""Reading the fields of a loaded YAML file, each mistake a ConfigError with the line and a fix.

``sources.yaml``, ``settings.yaml`` and the ``keywords/`` folder are edited by press officers,
so their readers share one way of saying what is wrong: the file, the line of the value (from
:class:`dumon.yamlload.LineMap`), the problem and the fix, in Vietnamese. Each reader keeps its
own schema (which keys, which values) and subclasses :class:`Checker` for the checks only it
needs; the checks every reader makes are here, worded once.

Absent keys: the optional readers (``text``, ``choice``, ``sequence``) give None or an empty
list for a key that is missing or written empty (``valid_until:``, ``valid_until: null``);
``required``, ``one_of`` and ``require`` are for keys that must be there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from dumon.errors import ConfigError
from dumon.yamlload import LineMap


class Checker:
    """The checks of one loaded file; every failure names ``path`` and the value's line."""

    def __init__(self, path: Path, lines: LineMap) -> None:
        self.path = path
        self.lines = lines

    def line(self, container: Any, key: Any) -> int | None:
        """The line of ``container[key]``: a mapping's key, a list's item, else the container's."""
        if isinstance(container, list) and isinstance(key, int):
            return self.lines.item(container, key)
        if isinstance(container, dict):
            return self.lines.key(container, key)
        return self.lines.of(container)

    def fail(self, container: Any, key: Any, problem: str, fix: str) -> ConfigError:
        """The error to raise about ``container[key]``."""
        return ConfigError(self.path, self.line(container, key), problem, fix)

    def mapping(
        self,
        value: Any,
        what: str,
        allowed: Collection[str] | None,
        parent: Any = None,
        key: Any = None,
        *,
        example: str = "khóa: giá trị",
    ) -> dict[Any, Any]:
        """``value`` as a mapping whose keys are all ``allowed`` (any key when None).

        ``what`` names it in messages; ``parent[key]`` (``key`` defaults to ``what``) is where
        it was written, for the line when it is not a mapping at all.
        """
        if not isinstance(value, dict):
            where = what if key is None else key
            line = self.lines.of(value) if parent is None else self.line(parent, where)
            raise ConfigError(
                self.path,
                line,
                f"{what} phải là một bảng khóa: giá trị",
                f"viết dạng `{example}`",
            )
        if allowed is not None:
            for name in value:
                if name not in allowed:
                    raise self.unknown_key(value, name, what, allowed)
        return value

    def unknown_key(
        self, mapping: dict[Any, Any], key: Any, what: str, allowed: Collection[str]
    ) -> ConfigError:
        """The error for a key that is not ``allowed``, with the closest allowed one."""
        import difflib  # only when a file is wrong

        names = ", ".join(sorted(allowed))
        guess = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
        fix = (
            f"có lẽ là '{guess[0]}'; dùng một trong: {names}"
            if guess
            else f"dùng một trong: {names}"
        )
        return self.fail(mapping, key, f"khóa không hợp lệ '{key}' trong {what}", fix)

    def require(
        self, mapping: dict[Any, Any], keys: Iterable[str], what: str, *, fix: str | None = None
    ) -> None:
        """Each of ``keys`` is in ``mapping`` (written, even if empty)."""
        for key in keys:
            if key not in mapping:
                raise ConfigError(
                    self.path,
                    self.lines.of(mapping),
                    f"{what} thiếu khóa '{key}'",
                    fix or f"thêm dòng `{key}: …`",
                )

    def sequence(self, mapping: dict[Any, Any], key: str, fix: str) -> list[Any]:
        """``mapping[key]`` as a list; empty when the key is missing or written empty."""
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(mapping, key, f"{key} phải là một danh sách", fix)
        return value

    def text(
        self, mapping: dict[Any, Any], key: str, *, fix: str | None = None, numbers: bool = False
    ) -> str | None:
        """``mapping[key]`` as stripped, non-blank text; None when absent or written empty.
        ``numbers``: a bare number counts as its digits (a source named 2024)."""
        if mapping.get(key) is None:
            return None
        return self.required(mapping, key, fix=fix, numbers=numbers)

    def required(
        self, mapping: dict[Any, Any], key: str, *, fix: str | None = None, numbers: bool = False
    ) -> str:
        """``mapping[key]`` as stripped, non-blank text, which must be written."""
        if key not in mapping:
            raise ConfigError(
                self.path, self.lines.of(mapping), f"thiếu khóa '{key}'", f"thêm dòng `{key}: …`"
            )
        value = mapping[key]
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
        blank = value is None or isinstance(value, str)
        raise self.fail(
            mapping,
            key,
            f"{key} để trống" if blank else f"{key} phải là chữ (đang là '{value}')",
            fix or f'ghi chữ trong ngoặc kép, ví dụ `{key}: "…"`',
        )

    def flag(self, mapping: dict[Any, Any], key: str, default: bool = False) -> bool:
        """``mapping[key]`` as true or false; ``default`` when absent."""
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(
                mapping, key, f"{key} phải là true hoặc false", f"ghi `{key}: true` hoặc `false`"
            )
        return value

    def integer(
        self, mapping: dict[Any, Any], key: str, low: int, high: int, default: int | None = None
    ) -> int:
        """``mapping[key]`` as a whole number from ``low`` to ``high``; ``default`` when absent."""
        if key not in mapping and default is not None:
            return default
        value = mapping.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(
                mapping,
                key,
                f"giá trị '{value}' của {key} không hợp lệ",
                f"ghi một số nguyên từ {low} đến {high}",
            )
        return value

    def number(
        self,
        mapping: dict[Any, Any],
        key: str,
        *,
        zero: bool = False,
        above: float = 0,
        high: float | None = None,
    ) -> int | float:
        """``mapping[key]`` as a number greater than ``above`` (a positive one by default, or 0
        too when ``zero``: no retry, no wait) and, with ``high``, not greater than ``high``."""
        value = mapping.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value < above
            or (value == above and not zero)
            or (high is not None and value > high)
        ):
            if high is not None:
                fix = f"ghi một số lớn hơn {above:g} và không quá {high:g}"
            else:
                fix = "ghi một số từ 0 trở lên" if zero else "ghi một số dương"
            raise self.fail(mapping, key, f"giá trị '{value}' của {key} không hợp lệ", fix)
        return value

    def choice(
        self, mapping: dict[Any, Any], key: str, allowed: Iterable[str], *, fix: str | None = None
    ) -> str | None:
        """``mapping[key]``, one of ``allowed``; None when absent or written empty."""
        if mapping.get(key) is None:
            return None
        return self.one_of(mapping, key, allowed, fix=fix)

    def one_of(
        self, mapping: dict[Any, Any], key: str, allowed: Iterable[str], *, fix: str | None = None
    ) -> str:
        """``mapping[key]``, one of ``allowed``, which must be written."""
        value = mapping.get(key)
        allowed = tuple(allowed)
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(
                mapping,
                key,
                f"{key} '{value}' không hợp lệ",
                fix or f"dùng một trong: {', '.join(allowed)}",
            )
        return value
