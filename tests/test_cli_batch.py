"""Matching JSON lines as a batch (``dumon-match``, and ``dumon match --jsonl`` through Typer):
shared between processes, started without Typer, the compiled profile kept in the desk; and
the ``dumon`` commands importing only what the command used needs."""

from __future__ import annotations

import io
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dumon.matching.batch as engine
from dumon.cli import app
from dumon.errors import CRASH_EXIT
from support.keywords import FIXTURE_KEYWORDS

KW = ["--keywords", str(FIXTURE_KEYWORDS)]
TITLES = [
    "Sở GD&ĐT Nam Định công bố điểm chuẩn",
    "Giá vàng tăng mạnh",
    "Học sinh huyện Vụ Bản đuối nước",
    "not json",
    "Thép Xanh Nam Định thắng",
]


def run(*args, **kwargs):
    return CliRunner().invoke(app, list(args), catch_exceptions=False, **kwargs)


def write_lines(path: Path, count: int) -> Path:
    lines = []
    for i in range(count):
        title = TITLES[i % len(TITLES)]
        item = {"id": i, "title": title, "date": "2024-06-01" if i % 2 else None}
        lines.append(title if title == "not json" else json.dumps(item, ensure_ascii=False))
        if i % 7 == 0:
            lines.append("   ")  # blank lines are skipped but still counted in line numbers
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_lines_shared_between_forked_processes_come_out_in_input_order(tmp_path, monkeypatch, jobs):
    source = write_lines(tmp_path / "in.jsonl", 95)
    one = run("match", *KW, "--jobs", "1", "--jsonl", str(source))
    monkeypatch.setattr(engine, "_MIN_SHARE_BYTES", 100)  # fork even for a few lines
    monkeypatch.setattr(engine, "_BLOCK_BYTES", 1500)  # and in several blocks
    many = run("match", *KW, "--jobs", jobs, "--jsonl", str(source))
    assert one.exit_code == many.exit_code == 1
    assert many.stdout == one.stdout
    assert many.stderr == one.stderr == 'Lỗi: 19 dòng không đọc được (xem các dòng có "error").\n'
    out = [json.loads(line) for line in many.stdout.splitlines()]
    assert [o.get("id") for o in out if "error" not in o] == [i for i in range(95) if i % 5 != 3]
    assert out[3]["error"].startswith("dòng 5:")  # line numbers of the file, blanks included


@pytest.mark.parametrize(
    ("case", "encode"),
    [
        ("windows line ends", lambda text: text.replace("\n", "\r\n").encode()),
        ("old mac line ends", lambda text: text.replace("\n", "\r").encode()),
        ("byte order mark", lambda text: b"\xef\xbb\xbf" + text.encode()),
        ("no final newline", lambda text: text.rstrip("\n").encode()),
        ("not utf-8 near the end", lambda text: text.encode() + "Nam Định\n".encode("utf-16")),
        ("not utf-8 at the start", lambda text: "Nam Định\n".encode("utf-16") + text.encode()),
    ],
)
def test_shared_input_is_read_as_the_line_by_line_reader_reads_it(
    tmp_path, monkeypatch, case, encode
):
    text = write_lines(tmp_path / "lines.jsonl", 60).read_text(encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_bytes(encode(text))
    one = run("match", *KW, "--jobs", "1", "--jsonl", str(source))
    monkeypatch.setattr(engine, "_MIN_SHARE_BYTES", 100)
    monkeypatch.setattr(engine, "_BLOCK_BYTES", 1500)
    for args in (["--jsonl", str(source)], ["--jsonl", "-"]):
        two = run("match", *KW, "--jobs", "2", *args, input=source.read_bytes())
        assert two.exit_code == one.exit_code, case
        if one.exit_code == 2:  # the whole input is refused, naming the file or stdin
            assert "không phải văn bản UTF-8" in two.stderr
        else:
            assert (two.stdout, two.stderr) == (one.stdout, one.stderr), case


def test_a_failing_matching_process_fails_the_run(tmp_path, monkeypatch):
    source = write_lines(tmp_path / "in.jsonl", 40)
    monkeypatch.setattr(engine, "_MIN_SHARE_BYTES", 100)
    parent = os.getpid()
    real = engine._match_lines

    def crash_in_children(chunk, matcher):
        if os.getpid() != parent:
            raise MemoryError("a child ran out of memory")
        time.sleep(0.2)  # slow here, so the child is sure to take a share
        return real(chunk, matcher)

    monkeypatch.setattr(engine, "_match_lines", crash_in_children)
    result = run("match", *KW, "--jobs", "2", "--jsonl", str(source))
    # A crash, not a partial answer: its own status, one line naming the log.
    assert result.exit_code == CRASH_EXIT
    assert "matching process failed" in result.stderr and "dumon.log" in result.stderr


def test_a_process_on_a_busy_cpu_leaves_shares_to_the_others(tmp_path, monkeypatch):
    source = write_lines(tmp_path / "in.jsonl", 95)
    one = run("match", *KW, "--jobs", "1", "--jsonl", str(source))
    monkeypatch.setattr(engine, "_MIN_SHARE_BYTES", 100)
    parent = os.getpid()
    takers = tmp_path / "takers.txt"
    real = engine._match_lines

    def parent_is_slow(chunk, matcher):
        with takers.open("a", encoding="utf-8") as note:
            note.write("parent\n" if os.getpid() == parent else "child\n")
        if os.getpid() == parent:
            time.sleep(0.5)
        return real(chunk, matcher)

    monkeypatch.setattr(engine, "_match_lines", parent_is_slow)
    two = run("match", *KW, "--jobs", "2", "--jsonl", str(source))
    assert (two.exit_code, two.stdout) == (one.exit_code, one.stdout)  # same lines, in order
    taken = takers.read_text(encoding="utf-8").split()
    assert len(taken) == 2 * engine._SHARES_PER_PROCESS
    assert taken.count("child") > taken.count("parent")


def test_match_keeps_the_compiled_profile_in_the_desk(isolated_home, tmp_path, monkeypatch):
    shutil.copytree(FIXTURE_KEYWORDS, isolated_home / "keywords")
    source = write_lines(tmp_path / "in.jsonl", 5)
    first = run("match", "--jsonl", str(source))
    assert len(list((isolated_home / ".dumon-cache").iterdir())) == 1

    def no_loading(folder):
        raise AssertionError("the profile was compiled again")

    monkeypatch.setattr("dumon.matching.keywords.load_keywords", no_loading)
    assert run("match", "--jsonl", str(source)).stdout == first.stdout
    assert run("keywords", "list", "--json").exit_code == 0


def test_keywords_outside_any_desk_still_match(tmp_path, monkeypatch):
    monkeypatch.setenv("DUMON_HOME", str(tmp_path / "no-such-desk"))
    result = run("match", *KW, "--json", "--text", "Sở GDĐT Ninh Bình họp", "--date", "2025-08-01")
    assert json.loads(result.stdout)["units"] == ["Sở GDĐT Ninh Bình"]
    assert not (tmp_path / "no-such-desk").exists()


# ----------------------------------------------------------------------------- without Typer


# An entry point in a fresh process that says at exit which modules it imported.
RUN_ENTRY = """
import atexit, json, os, sys
out = os.environ["MODULES_FILE"]
atexit.register(lambda: open(out, "w", encoding="utf-8").write(json.dumps(sorted(sys.modules))))
if sys.argv[1] == "dumon-match":
    from dumon.batch import main
    sys.argv = sys.argv[1:]
    sys.exit(main())
from dumon.cli import main
sys.argv = sys.argv[1:]
main()
"""


def entry(tmp_path, program, *args, stdin=None, env=None):
    """Run ``program`` (``dumon`` or ``dumon-match``); its result and the modules it imported."""
    modules = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", RUN_ENTRY, program, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {}), "MODULES_FILE": str(modules)},
    )
    return result, set(json.loads(modules.read_text(encoding="utf-8")))


@pytest.mark.parametrize("case", ["good", "bad lines", "no such file", "no desk"])
def test_dumon_match_answers_exactly_as_dumon_match_jsonl_does(tmp_path, case):
    source = write_lines(tmp_path / "in.jsonl", 12)
    args = [*KW, "--jsonl", "-"]
    stdin = "\n".join(
        json.dumps({"id": i, "title": t}, ensure_ascii=False) for i, t in enumerate(TITLES[:3])
    )
    env = {}
    if case == "bad lines":
        args[-1] = str(source)
    elif case == "no such file":
        args[-1] = str(tmp_path / "missing.jsonl")
    elif case == "no desk":
        args = ["--jsonl", str(source)]
        env = {"DUMON_HOME": str(tmp_path / "no-such-desk")}
    expected = CliRunner(env=env).invoke(app, ["match", *args], input=stdin)
    actual, imported = entry(tmp_path, "dumon-match", *args, stdin=stdin, env=env)
    assert actual.returncode == expected.exit_code == {"good": 0, "bad lines": 1}.get(case, 2)
    assert actual.stdout == expected.stdout
    assert actual.stderr == expected.stderr
    heavy = {"typer", "pydantic", "rich", "yaml", "dumon.cli", "logging"}
    if case not in ("no such file", "no desk"):  # the profile comes from the cache
        heavy.add("dumon.matching.keywords")
    assert not imported & heavy


def test_dumon_match_takes_its_options_in_any_order(tmp_path):
    shutil.copytree(FIXTURE_KEYWORDS, tmp_path / "keywords")
    item = {"id": 1, "title": TITLES[0], "date": "2024-06-01"}
    line = json.dumps(item, ensure_ascii=False) + "\n"
    first, _ = entry(tmp_path, "dumon-match", "--home", str(tmp_path), "--jsonl", "-", stdin=line)
    (cached,) = (tmp_path / ".dumon-cache").iterdir()
    cached.write_text("not a cache\n", encoding="utf-8")
    again, _ = entry(
        tmp_path, "dumon-match", "-v", "--jsonl=-", "--jobs", "1", "--home", str(tmp_path),
        stdin=line,
    )  # fmt: skip
    assert first.returncode == again.returncode == 0
    assert again.stdout == first.stdout and json.loads(again.stdout)["units"]
    assert "INFO" in again.stderr and "rebuilding it" in again.stderr  # -v: what the cache did
    assert first.stderr == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--jsonl", "x", "--jobs", "0"], "Lỗi: Giá trị không hợp lệ cho '--jobs': '0' không"),
        (["--jsonl", "x", "--jobs", "two"], "Lỗi: Giá trị không hợp lệ cho '--jobs': 'two'"),
        ([], "Lỗi: Thiếu tùy chọn --jsonl."),
        (["--jsonl"], "Lỗi: Tùy chọn --jsonl cần một giá trị."),
        (["--jsonl", "x", "--explain"], "Lỗi: Không nhận ra: --explain."),
        (["--jsonl", "x", "--job", "2"], "Lỗi: Không nhận ra: --job 2."),  # no abbreviations
    ],
)
def test_dumon_match_usage_errors_are_vietnamese_with_exit_2(tmp_path, args, expected):
    result, _ = entry(tmp_path, "dumon-match", *args)
    assert result.returncode == 2 and result.stdout == ""
    assert expected in result.stderr
    assert "Cách dùng: dumon-match" in result.stderr and "Xem hướng dẫn" in result.stderr
    assert "usage:" not in result.stderr and "error:" not in result.stderr


def test_the_installed_dumon_match_script_shows_its_help_in_vietnamese():
    script = Path(sys.executable).parent / "dumon-match"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("Cách dùng: dumon-match --jsonl TỆP")
    assert "Tùy chọn:" in result.stdout and "--jobs N" in result.stdout
    assert "usage:" not in result.stdout and "options:" not in result.stdout


# ----------------------------------------------------------------------------- one app, light


@pytest.mark.parametrize("args", [["--help"], ["db", "path"], ["doctor", "--help"]])
def test_a_command_does_not_pay_for_the_others(tmp_path, args):
    """Every command is built for each run; what they need is imported only by the one run."""
    (tmp_path / "keywords").mkdir()  # a desk
    result, imported = entry(tmp_path, "dumon", "--home", str(tmp_path), *args)
    assert result.returncode == 0, result.stderr
    heavy = {"rich", "httpx", "sqlite_utils", "bs4", "feedparser", "matplotlib", "docx"}
    heavy |= {"dumon.matching", "dumon.collecting.scan", "dumon.output.digest", "dumon.storage"}
    assert not imported & heavy


@pytest.mark.parametrize("item_id", [7, 'bài "một" \\ </script>', None, 1.5, ["a", {"b": True}]])
def test_a_written_out_line_is_exactly_what_json_writes(item_id):
    from dumon.verdicts import Hit, MatchResult

    hits = (
        Hit("unit", 'Trường "Ba" \\ \x07', "trường ba", "title", 0, 10, 100.0),
        Hit("theme", "[bold]<b>", "học sinh\u2028", "summary", 3, 11, 87.5, False),
        Hit("alert", "bạo lực", "bạo lực", "url", 1, 2, 80.0, True),
    )
    result = MatchResult(
        edu=True,
        local=False,
        alert=True,
        units=('Trường "Ba" \\ \x07',),
        themes=("[bold]<b>",),
        alerts=("bạo lực",),
        severity=3,
        hits=hits,
        rules=("x",),
    )
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    expected = json.dumps(engine.result_json(result, item_id), **compact)
    line = engine._result_line(result, json.dumps(item_id, **compact))
    assert line == expected + "\n"
    assert json.loads(line)["hits"][1]["score"] == 87.5


class _Trickle(io.RawIOBase):
    """A raw stream giving at most ``step`` bytes a read, as a slow pipe does."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._step, self._at = data, step, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        piece = self._data[self._at : self._at + min(self._step, len(buffer))]
        buffer[: len(piece)] = piece
        self._at += len(piece)
        return len(piece)


@pytest.mark.parametrize("step", [1, 2, 5, 64])
@pytest.mark.parametrize(
    "data",
    [
        "một\r\nhai\r\n\r\nba".encode(),
        "một\rhai\r\rba\r".encode(),
        b"\xef\xbb\xbf" + "Nam Định\nNinh Bình\n".encode(),
        b"\xef\xbb",  # half a byte order mark, then the end
    ],
    ids=["crlf", "cr", "bom", "half bom"],
)
@pytest.mark.parametrize("whole", [False, True])
def test_input_blocks_hold_the_lines_a_text_reader_reads(data, step, whole):
    reader = io.BufferedReader(_Trickle(data, step), buffer_size=8)
    blocks = list(engine._blocks(reader, 4, whole=whole))
    text_reader = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace")
    assert b"".join(blocks).decode(errors="replace") == text_reader.read()
    assert all(block.endswith(b"\n") for block in blocks[:-1])  # only whole lines


def test_one_process_answers_each_line_as_it_comes(tmp_path):
    """A program that writes a line and waits for the answer before the next one."""
    command = [sys.executable, "-m", "dumon.batch", "--home", str(tmp_path), *KW]
    with subprocess.Popen(
        [*command, "--jobs", "1", "--jsonl", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as process:
        for number, title in enumerate(["Sở GD&ĐT Nam Định họp", "Giá vàng tăng"], 1):
            line = json.dumps({"id": number, "title": title}, ensure_ascii=False) + "\n"
            process.stdin.write(line.encode())
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready, "no answer while the input stays open"
            assert json.loads(process.stdout.readline())["id"] == number
        process.stdin.close()
        assert process.wait(timeout=30) == 0


def test_a_text_field_that_is_not_a_string_is_a_bad_line_not_a_crash(tmp_path):
    lines = '{"id": 1, "title": 5}\n{"id": 2, "title": "Học sinh", "summary": ["x"]}\n'
    lines += '{"id": 3, "title": "Sở GD&ĐT Nam Định", "date": "2024-06-01"}\n'
    result = run("match", *KW, "--jsonl", "-", input=lines)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 2, 3]
    assert out[0]["error"].startswith("dòng 1: 'title' phải là chuỗi văn bản")
    assert out[1]["error"].startswith("dòng 2: 'summary'")
    assert out[2]["units"]
    assert "2 dòng không đọc được" in result.stderr


@pytest.mark.parametrize(
    "line",
    [
        '{"id": 1}',
        '  {"id": 1}',
        '{"id": 1}  ',
        '{"id": 1} x',
        "[1, 2]",
        '"a"',
        "",
        "{",
        "\ufeff{}",
    ],
)
def test_lines_are_read_exactly_as_json_reads_them(line):
    parse, _ = engine._json()
    try:
        expected = json.loads(line)
    except ValueError as error:
        with pytest.raises(ValueError) as raised:
            parse(line)
        assert str(raised.value) == str(error)
    else:
        assert parse(line) == expected
