"""Load and validate ``sources.yaml`` into frozen dataclasses.

Every mistake becomes a ConfigError naming the file, the line and the fix, because the people
who edit this file are press officers, not programmers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dumon.errors import ConfigError
from dumon.models import KINDS, TIERS, FetchPolicy, Selectors, Source
from dumon.urls import is_http_url

SOURCE_KEYS = {
    "name",
    "url",
    "kind",
    "outlet",
    "tier",
    "selectors",
    "fetch_body",
    "verified",
    "enabled",
    "note",
}
SELECTOR_KEYS = {f.name for f in dataclasses.fields(Selectors)}
POLICY_FIELDS = {f.name: f.type for f in dataclasses.fields(FetchPolicy)}
# Policy values where 0 means "none" (no retry, no wait) rather than a mistake.
ZERO_ALLOWED = {"retries", "backoff", "max_retry_after"}


@dataclass(frozen=True)
class SourcesConfig:
    path: Path
    policy: FetchPolicy
    sources: tuple[Source, ...]

    def select(self, names: list[str] | None) -> tuple[Source, ...]:
        """The enabled sources, or the named ones (enabled or not) when names are given."""
        if not names:
            return tuple(s for s in self.sources if s.enabled)
        by_name = {s.name: s for s in self.sources}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise ConfigError(
                self.path,
                None,
                f"không có nguồn tên {', '.join(missing)}",
                "xem danh sách bằng `dumon sources list` và dùng đúng tên ở cột đầu",
            )
        return tuple(by_name[n] for n in names)


# Builds a value from a composed scalar node (its tag is already resolved): serialising the node
# and parsing it again cost ~0.3 ms a value, a third of a second for 200 sources.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(path: Path, node: yaml.Node, what: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(
            path, _line(node), f"{what} phải là một giá trị đơn", f"ghi {what}: <giá trị>"
        )
    build = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if build is None:  # a tag such as `!weird 3`
        raise ConfigError(
            path,
            _line(node),
            f"{what} có nhãn YAML lạ '{node.tag}'",
            f"bỏ nhãn, ghi {what}: <giá trị>",
        )
    try:
        return build(_CONSTRUCTOR, node)
    except (yaml.constructor.ConstructorError, ValueError):  # `!!int abc`, a bad date
        raise ConfigError(
            path,
            _line(node),
            f"giá trị '{node.value}' của {what} không đọc được",
            f"bỏ nhãn YAML (!!…) và ghi lại {what}",
        ) from None


def _mapping(path: Path, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(
            path,
            _line(node),
            f"{what} phải là một bảng khóa: giá trị",
            f"viết {what} dạng `khóa: giá trị`",
        )
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in out:
            raise ConfigError(
                path, _line(key_node), f"khóa '{key}' lặp lại", "xóa một trong hai dòng"
            )
        out[key] = (key_node, value_node)
    return out


def load_sources(path: Path) -> SourcesConfig:
    """Parse and validate a sources.yaml file."""
    if not path.is_file():
        raise ConfigError(
            path,
            None,
            "không tìm thấy tệp danh sách nguồn",
            "tạo thư mục làm việc bằng `dumon init`",
        )
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError:
        raise ConfigError(
            path, None, "tệp không phải UTF-8", "lưu lại tệp với mã hóa UTF-8"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(
            path,
            line,
            f"sai cú pháp YAML ({exc.problem})",
            "kiểm tra thụt lề (dùng dấu cách, không dùng tab) và dấu ':' sau mỗi khóa",
        ) from None
    if root is None:
        raise ConfigError(path, None, "tệp rỗng", "thêm mục `sources:` với ít nhất một nguồn")
    top = _mapping(path, root, "tệp")
    unknown = set(top) - {"defaults", "sources"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(
            path,
            _line(top[key][0]),
            f"khóa không hợp lệ '{key}'",
            "chỉ dùng `defaults:` và `sources:`",
        )
    policy = _load_policy(path, top["defaults"][1]) if "defaults" in top else FetchPolicy()
    if "sources" not in top:
        raise ConfigError(path, 1, "thiếu mục `sources:`", "thêm `sources:` với danh sách nguồn")
    sources_node = top["sources"][1]
    if not isinstance(sources_node, yaml.SequenceNode):
        raise ConfigError(
            path,
            _line(sources_node),
            "`sources:` phải là một danh sách",
            "mỗi nguồn bắt đầu bằng `- name:`",
        )
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for item in sources_node.value:
        source = _load_source(path, item)
        if source.name in seen:
            raise ConfigError(
                path,
                source.line,
                f"tên nguồn '{source.name}' trùng với nguồn ở dòng {seen[source.name]}",
                "đặt cho mỗi nguồn một tên riêng",
            )
        seen[source.name] = source.line or 0
        sources.append(source)
    return SourcesConfig(path=path, policy=policy, sources=tuple(sources))


def _load_policy(path: Path, node: yaml.Node) -> FetchPolicy:
    values: dict[str, Any] = {}
    for key, (key_node, value_node) in _mapping(path, node, "defaults").items():
        if key not in POLICY_FIELDS:
            raise ConfigError(
                path,
                _line(key_node),
                f"khóa không hợp lệ '{key}' trong defaults",
                f"dùng một trong: {', '.join(sorted(POLICY_FIELDS))}",
            )
        value = _scalar(path, value_node, key)
        expected = POLICY_FIELDS[key]
        low = 0 if key in ZERO_ALLOWED else None
        if expected == "bool":
            ok = isinstance(value, bool)
        elif expected == "str":
            ok = isinstance(value, str)
        else:
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and (value > 0 or value == low)
            )
        if not ok:
            number = "dùng một số từ 0 trở lên" if low == 0 else "dùng một số dương"
            raise ConfigError(
                path,
                _line(value_node),
                f"giá trị '{value}' của {key} không hợp lệ",
                number if expected not in ("bool", "str") else f"dùng kiểu {expected}",
            )
        values[key] = int(value) if expected == "int" else value
    return FetchPolicy(**values)


def _load_source(path: Path, node: yaml.Node) -> Source:
    fields = _mapping(path, node, "mỗi nguồn")
    line = _line(node)
    for key, (key_node, _) in fields.items():
        if key not in SOURCE_KEYS:
            raise ConfigError(
                path,
                _line(key_node),
                f"khóa không hợp lệ '{key}'",
                f"dùng một trong: {', '.join(sorted(SOURCE_KEYS))}",
            )
    for required in ("name", "url", "kind", "outlet", "tier"):
        if required not in fields:
            raise ConfigError(path, line, f"nguồn thiếu khóa '{required}'", f"thêm `{required}: …`")
    values = {k: _scalar(path, v, k) for k, (_, v) in fields.items() if k != "selectors"}
    for key in ("name", "outlet"):
        # `outlet:` left empty is YAML's null, which would be stored as the word "None".
        if not isinstance(values[key], str | int | float) or isinstance(values[key], bool):
            raise ConfigError(
                path,
                _line(fields[key][1]),
                f"{key} để trống hoặc không phải chữ",
                f"ghi `{key}: <tên>`"
                if key == "name"
                else "ghi tên báo, ví dụ `outlet: VnExpress`",
            )
    name = str(values["name"]).strip()
    if not name:
        raise ConfigError(path, line, "tên nguồn để trống", "ghi một tên ngắn, không dấu cách")
    outlet = str(values["outlet"]).strip()
    if not outlet:
        raise ConfigError(
            path,
            _line(fields["outlet"][1]),
            "outlet để trống",
            "ghi tên báo, ví dụ `outlet: VnExpress`",
        )
    url = str(values["url"]).strip()
    if not is_http_url(url):
        raise ConfigError(
            path,
            _line(fields["url"][1]),
            f"địa chỉ '{url}' không hợp lệ",
            "ghi địa chỉ đầy đủ bắt đầu bằng https:// hoặc http://",
        )
    kind = values["kind"]
    if kind not in KINDS:
        raise ConfigError(
            path, _line(fields["kind"][1]), f"kind '{kind}' không hợp lệ", "dùng `rss` hoặc `html`"
        )
    tier = values["tier"]
    if tier not in TIERS:
        raise ConfigError(
            path,
            _line(fields["tier"][1]),
            f"tier '{tier}' không hợp lệ",
            f"dùng một trong: {', '.join(TIERS)}",
        )
    for flag in ("fetch_body", "verified", "enabled"):
        if flag in values and not isinstance(values[flag], bool):
            raise ConfigError(
                path,
                _line(fields[flag][1]),
                f"{flag} phải là true hoặc false",
                f"ghi `{flag}: true`",
            )
    selectors = None
    if "selectors" in fields:
        selectors = _load_selectors(path, fields["selectors"][1])
    if kind == "html" and (selectors is None or not selectors.item):
        raise ConfigError(
            path,
            line,
            f"nguồn html '{name}' thiếu `selectors:` (ít nhất `item`)",
            "thêm `selectors: {item: <CSS của mỗi bài>, link: a}`",
        )
    return Source(
        name=name,
        url=url,
        kind=kind,
        outlet=outlet,
        tier=tier,
        selectors=selectors,
        fetch_body=values.get("fetch_body", False),
        verified=values.get("verified", False),
        enabled=values.get("enabled", True),
        line=line,
    )


def _load_selectors(path: Path, node: yaml.Node) -> Selectors:
    values: dict[str, str] = {}
    for key, (key_node, value_node) in _mapping(path, node, "selectors").items():
        if key not in SELECTOR_KEYS:
            raise ConfigError(
                path,
                _line(key_node),
                f"khóa không hợp lệ '{key}' trong selectors",
                f"dùng một trong: {', '.join(sorted(SELECTOR_KEYS))}",
            )
        value = _scalar(path, value_node, key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                path,
                _line(value_node),
                f"selector '{key}' để trống",
                "ghi một CSS selector, ví dụ `article h3 a`",
            )
        problem = _selector_problem(value.strip())
        if problem:
            raise ConfigError(
                path,
                _line(value_node),
                f"selector '{key}' sai cú pháp CSS ({problem})",
                "sửa lại bộ chọn, ví dụ `article h3 a` (thử trong công cụ Inspect của trình duyệt)",
            )
        values[key] = value.strip()
    if "item" not in values:
        raise ConfigError(
            path, _line(node), "selectors thiếu `item`", "thêm `item: <CSS của mỗi bài>`"
        )
    return Selectors(**values)


def _selector_problem(selector: str) -> str | None:
    """Why a CSS selector cannot be used, or None; checked when the file is read, so a typo
    is named with its line instead of failing the source at every scan."""
    import soupsieve  # bs4's selector engine; only html sources have selectors

    try:
        soupsieve.compile(selector)
    except (soupsieve.SelectorSyntaxError, ValueError, TypeError) as exc:
        return str(exc).splitlines()[0]
    return None
