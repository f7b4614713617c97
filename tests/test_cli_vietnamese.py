"""The command line speaks Vietnamese, the framework's own words included (help headings,
usage lines, usage errors), and says its version."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from dumon import __version__
from dumon.cli import app
from dumon.cli.vietnamese import translate_message

ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Arguments:",
    "Show this message",
    "[default:",
    "<str>",
    "<int>",
    "<path>",
)


COMMANDS = list(typer.main.get_command(app).commands)


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_help_lists_the_scan_side_then_reading_then_upkeep():
    scan_side = ["init", "scan", "import", "rematch", "match"]
    reading = ["digest", "search", "report", "export", "mark", "marks", "trends"]
    upkeep = ["cron", "doctor"]
    groups = ["sources", "keywords", "incident", "db"]  # sub-apps come after the commands
    assert scan_side + reading + upkeep + groups == COMMANDS
    listed = _invoke("--help").output.split("Lệnh:")[1].split()
    assert [word for word in listed if word in COMMANDS] == COMMANDS


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS), ["sources", "list"]])
def test_help_has_no_english_framework_words(command):
    result = _invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Cách dùng: dumon" in result.output
    assert "Tùy chọn:" in result.output
    for word in ENGLISH:
        assert word not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["search", "x", "--nope"], "Lỗi: Không có tùy chọn --nope."),
        (["serch", "x"], "Lỗi: Không có lệnh 'serch'. Có phải bạn muốn 'search'?"),
        (["init"], "Lỗi: Thiếu đối số directory."),
        (["search", "x", "--limit", "abc"], "Lỗi: Giá trị không hợp lệ cho '--limit': cần một số"),
        (["report", "--to"], "Lỗi: Tùy chọn --to cần một giá trị."),
        (["digest", "--format", "xx"], "'xx' không phải một trong 'terminal'"),
    ],
)
def test_usage_errors_are_vietnamese_with_exit_2(args, expected):
    result = _invoke(*args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Error:" not in result.stderr and "Try '" not in result.stderr
    if args[0] != "report":  # an option missing its value is reported without the usage
        assert "Cách dùng: dumon" in result.stderr and "Xem hướng dẫn: dumon" in result.stderr


def test_an_unknown_message_is_still_shown_after_lỗi():
    assert translate_message("Something new.") == "Something new."


def test_version_option():
    result = _invoke("--version")
    assert result.exit_code == 0 and result.output == f"dumon {__version__}\n"
    process = subprocess.run(
        [sys.executable, "-m", "dumon", "--version"], capture_output=True, text=True, timeout=60
    )
    assert process.returncode == 0 and process.stdout.strip() == f"dumon {__version__}"
