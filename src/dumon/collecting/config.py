"""Load and validate ``sources.yaml`` into frozen dataclasses.

Every mistake becomes a ConfigError naming the file, the line and the fix, because the people
who edit this file are press officers, not programmers: read with ``yamlload`` (lines kept,
duplicate keys refused) and checked with ``yamlcheck``, like the desk's other YAML files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dumon.errors import ConfigError
from dumon.models import KINDS, TIERS, FetchPolicy, Selectors, Source
from dumon.urls import is_http_url
from dumon.yamlcheck import Checker
from dumon.yamlload import load_yaml_with_lines

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
_URL_FIX = "ghi địa chỉ đầy đủ bắt đầu bằng https:// hoặc http://"


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


def load_sources(path: Path) -> SourcesConfig:
    """Parse and validate a sources.yaml file."""
    if not path.is_file():
        raise ConfigError(
            path,
            None,
            "không tìm thấy tệp danh sách nguồn",
            "tạo thư mục làm việc bằng `dumon init`",
        )
    data, lines = load_yaml_with_lines(path)
    if data is None:
        raise ConfigError(path, None, "tệp rỗng", "thêm mục `sources:` với ít nhất một nguồn")
    check = Checker(path, lines)
    top = check.mapping(data, "tệp", {"defaults", "sources"})
    policy = FetchPolicy()
    if "defaults" in top:
        policy = _load_policy(check, check.mapping(top["defaults"], "defaults", POLICY_FIELDS, top))
    if "sources" not in top:
        raise ConfigError(path, 1, "thiếu mục `sources:`", "thêm `sources:` với danh sách nguồn")
    if top["sources"] is None:
        raise check.fail(
            top, "sources", "sources để trống", "thêm các nguồn, mỗi nguồn bắt đầu bằng `- name:`"
        )
    entries = check.sequence(top, "sources", "mỗi nguồn bắt đầu bằng `- name:`")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for i in range(len(entries)):
        source = _load_source(check, entries, i)
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


def _load_policy(check: Checker, fields: dict[str, Any]) -> FetchPolicy:
    values: dict[str, Any] = {}
    for key in fields:
        expected = POLICY_FIELDS[key]
        if expected == "bool":
            values[key] = check.flag(fields, key)
        elif expected == "str":
            values[key] = check.required(fields, key)
        else:
            value = check.number(fields, key, zero=key in ZERO_ALLOWED)
            values[key] = int(value) if expected == "int" else value
    return FetchPolicy(**values)


def _load_source(check: Checker, entries: list[Any], index: int) -> Source:
    fields = check.mapping(
        entries[index], "nguồn", SOURCE_KEYS, entries, index, example="- name: …"
    )
    check.require(fields, ("name", "url", "kind", "outlet", "tier"), "nguồn")
    # `outlet:` left empty is YAML's null, which would be stored as the word "None".
    name = check.required(fields, "name", fix="ghi một tên ngắn, không dấu cách", numbers=True)
    outlet = check.required(
        fields, "outlet", fix="ghi tên báo, ví dụ `outlet: VnExpress`", numbers=True
    )
    url = check.required(fields, "url", fix=_URL_FIX)
    if not is_http_url(url):
        raise check.fail(fields, "url", f"địa chỉ '{url}' không hợp lệ", _URL_FIX)
    kind = check.one_of(fields, "kind", KINDS, fix="dùng `rss` hoặc `html`")
    tier = check.one_of(fields, "tier", TIERS)
    fetch_body, verified = check.flag(fields, "fetch_body"), check.flag(fields, "verified")
    enabled = check.flag(fields, "enabled", True)
    selectors = None
    if "selectors" in fields:
        selectors = _load_selectors(check, fields)
    if kind == "html" and (selectors is None or not selectors.item):
        raise check.fail(
            entries,
            index,
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
        fetch_body=fetch_body,
        verified=verified,
        enabled=enabled,
        line=check.line(entries, index),
    )


def _load_selectors(check: Checker, source: dict[str, Any]) -> Selectors:
    fields = check.mapping(source["selectors"], "selectors", SELECTOR_KEYS, source)
    values: dict[str, str] = {}
    for key in fields:
        value = check.required(fields, key, fix="ghi một CSS selector, ví dụ `article h3 a`")
        problem = _selector_problem(value)
        if problem:
            raise check.fail(
                fields,
                key,
                f"selector '{key}' sai cú pháp CSS ({problem})",
                "sửa lại bộ chọn, ví dụ `article h3 a` (thử trong công cụ Inspect của trình duyệt)",
            )
        values[key] = value
    check.require(fields, ("item",), "selectors", fix="thêm `item: <CSS của mỗi bài>`")
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
