"""sources.yaml validation: every mistake names the file, the line and the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dumon.collecting.config import load_sources
from dumon.desk import BUNDLED_ROOT
from dumon.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
defaults:
  timeout: 5
  per_host: 2
sources:
  - name: baoa
    url: https://example.test/rss/giao-duc.rss
    kind: rss
    outlet: Báo A
    tier: central
  - name: trang-b
    url: https://example.test/giao-duc
    kind: html
    outlet: Báo B
    tier: local
    fetch_body: true
    selectors:
      item: article
      link: h3 a
"""


def test_valid_file_loads_sources_and_policy(tmp_path):
    config = load_sources(write(tmp_path, GOOD))
    assert [s.name for s in config.sources] == ["baoa", "trang-b"]
    assert config.policy.timeout == 5 and config.policy.per_host == 2
    assert config.sources[1].selectors.item == "article"
    assert config.sources[0].outlet == "Báo A"


def test_bundled_sources_file_is_valid():
    config = load_sources(BUNDLED_ROOT / "sources.yaml")
    assert len(config.sources) >= 15
    assert {s.tier for s in config.sources} >= {"central", "local", "sector"}


@pytest.mark.parametrize(
    ("mutation", "line", "words"),
    [
        (
            ("    tier: central\n", "    tier: central\n    colour: red\n"),
            10,
            ["colour", "Cách sửa"],
        ),
        (("name: trang-b", "name: baoa"), 10, ["trùng", "dòng 5"]),
        (("https://example.test/rss/giao-duc.rss", "example.test/rss"), 6, ["https://"]),
        (("      item: article\n", "      link2: x\n"), 17, ["link2"]),
        (("kind: rss", "kind: atom"), 7, ["rss", "html"]),
        (("  timeout: 5", "  timeout: -1"), 2, ["timeout"]),
        (("  timeout: 5", "  timeout: !giay 5"), 2, ["timeout", "!giay"]),
        (("  timeout: 5", "  timeout: !!int năm"), 2, ["timeout", "năm"]),
        (("outlet: Báo A", "outlet: !!timestamp 2025-02-30"), 8, ["outlet"]),
        (("outlet: Báo A", "outlt: Báo A"), 8, ["outlt", "có lẽ là 'outlet'"]),
    ],
)
def test_mistakes_name_file_line_and_fix(tmp_path, mutation, line, words):
    old, new = mutation
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = info.value.message
    assert str(path) in message
    assert info.value.line == line, message
    assert "Cách sửa" in message
    for word in words:
        assert word in message


def test_html_source_without_selectors_is_rejected(tmp_path):
    text = GOOD.replace("    selectors:\n      item: article\n      link: h3 a\n", "")
    with pytest.raises(ConfigError) as info:
        load_sources(write(tmp_path, text))
    assert "selectors" in info.value.message and info.value.line == 10


def test_an_empty_sources_list_is_named(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_sources(write(tmp_path, "defaults:\n  timeout: 5\nsources:\n"))
    assert info.value.line == 3 and "sources để trống" in info.value.message


def test_broken_yaml_reports_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("    kind: rss\n", "    kind: [rss\n", 1))
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert info.value.line is not None and "YAML" in info.value.message


def test_unknown_source_name_in_selection(tmp_path):
    config = load_sources(write(tmp_path, GOOD))
    with pytest.raises(ConfigError) as info:
        config.select(["khong-co"])
    assert "khong-co" in info.value.message
