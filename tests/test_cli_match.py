"""`dumon match` and `dumon keywords list|check` through the real CLI."""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from support.keywords import FIXTURE_KEYWORDS, write_keywords

KW = ["--keywords", str(FIXTURE_KEYWORDS)]


def run(*args):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_match_text_prints_the_decision():
    result = run(
        "match", *KW, "--text", "Sở GD&ĐT Nam Định công bố điểm chuẩn", "--date", "2025-06-01"
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        "Tin giáo dục (edu): có",
        "Thuộc địa bàn (local): có",
        "Cần chú ý (alert): không",
        "Đơn vị: Sở GDĐT Nam Định",
    ]
    assert "Quy tắc" not in result.stdout


def test_match_explain_lists_hits_with_spans_and_the_rules():
    result = run(
        "match", *KW, "--explain", "--date", "2024-05-10",
        "--text", "Học sinh huyện Vụ Bản <script>alert(1)</script> đuối nước",
    )  # fmt: skip
    assert result.exit_code == 0
    out = result.stdout
    assert (
        "place     huyện Vụ Bản ← 'huyện vụ bản' ở title[9:21] = \"huyện Vụ Bản\", điểm 100" in out
    )
    assert "alert     duoi-nuoc ← 'đuối nước'" in out
    assert "Cần chú ý (alert): có, mức 3" in out
    assert "Quy tắc:\n  Ngày xét: 2024-05-10." in out
    assert "local: có — địa danh thuộc địa bàn 'huyện Vụ Bản'" in out


def test_match_json_is_one_object_with_rules():
    result = run("match", *KW, "--json", "--date", "2025-07-01", "--text", "Sở GDĐT Ninh Bình họp")
    data = json.loads(result.stdout)
    assert data["units"] == ["Sở GDĐT Ninh Bình"]
    assert data["edu"] is True and data["local"] is True and data["alert"] is False
    assert data["hits"][0] == {
        "kind": "unit", "key": "Sở GDĐT Ninh Bình", "term": "sở gdđt ninh bình",
        "field": "title", "start": 0, "end": 17, "score": 100.0,
    }  # fmt: skip
    assert any(line.startswith("edu: có") for line in data["rules"])


def test_match_file_reads_title_then_body(tmp_path):
    path = tmp_path / "bai.txt"
    path.write_text(
        "Khai giảng năm học mới\n\nTrường THPT A Hải Hậu đón 500 học sinh lớp 10.\n",
        encoding="utf-8",
    )
    result = run("match", *KW, "--json", "--date", "2024-09-05", "--file", str(path))
    data = json.loads(result.stdout)
    (unit,) = [h for h in data["hits"] if h["kind"] == "unit"]
    assert unit["field"] == "body"
    body = path.read_text(encoding="utf-8").partition("\n")[2].strip()
    assert body[unit["start"] : unit["end"]] == "Trường THPT A Hải Hậu"


def test_match_url_fetches_the_page(loopback):
    page = (
        "<html><head><title>Học sinh Vụ Bản đoạt giải</title></head><body><article>"
        "<p>Sáng 5/9, học sinh Trường THPT A Hải Hậu dự lễ khai giảng năm học mới cùng thầy cô "
        "và phụ huynh. Nhà trường trao thưởng cho học sinh giỏi cấp tỉnh.</p>"
        "<p>Đây là đoạn văn thứ hai của bài, đủ dài để được coi là thân bài của trang.</p>"
        "</article></body></html>"
    )
    loopback.route(
        "/bai.html", body=page.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    result = run("match", *KW, "--json", "--date", "2024-09-05", "--url", loopback.url("/bai.html"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"] == ["Trường THPT A Hải Hậu"]
    assert {h["field"] for h in data["hits"]} >= {"title", "body"}


def test_match_url_that_fails_says_so(loopback):
    loopback.route("/gone", status=404)
    result = run("match", *KW, "--url", loopback.url("/gone"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: không tải được")


def test_match_needs_exactly_one_input():
    for args in ([], ["--text", "a", "--file", "b"]):
        result = run("match", *KW, *args)
        assert result.exit_code == 2
        assert "--text, --file, --url, --jsonl" in result.stderr


def test_match_rejects_a_bad_date():
    result = run("match", *KW, "--text", "x", "--date", "30/6/2025")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


LINES = [
    {"id": "a", "title": "Học sinh Vũ Bản đuối nước", "summary": "", "date": "2024-06-01"},
    {
        "id": "b",
        "title": "Khai giảng",
        "summary": "Sở GD&ĐT Ninh Bình dự lễ khai giảng",
        "body": None,
        "url": "http://127.0.0.1/so-gddt-ninh-binh",
        "outlet": "baoninhbinh.org.vn",
        "date": "2025-09-05T08:00:00+07:00",
    },
    {"id": 3, "title": "Giá vàng tăng", "date": None},
    {
        "id": "d",
        "title": "Thép Xanh Nam Định thắng",
        "summary": "CLB Nam Định",
        "date": "2024-06-01",
    },
]


def test_jsonl_gives_one_line_per_line_in_order_with_the_contract_fields(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in LINES) + "\n", encoding="utf-8"
    )
    result = run("match", *KW, "--jsonl", str(source))
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", 3, "d"]
    for o in out:
        assert list(o) == ["id", "edu", "local", "alert", "units", "themes", "hits"]
        for hit in o["hits"]:
            assert list(hit) == ["kind", "key", "term", "field", "start", "end", "score"]
    a, b, c, d = out
    assert a["edu"] and a["alert"] and not a["local"]
    assert b["units"] == ["Sở GDĐT Ninh Bình"] and b["local"]
    unit = next(h for h in b["hits"] if h["kind"] == "unit" and h["field"] == "summary")
    assert LINES[1]["summary"][unit["start"] : unit["end"]] == "Sở GD&ĐT Ninh Bình"
    assert any(h["field"] == "url" and h["score"] < 100 for h in b["hits"])
    assert c == {
        "id": 3,
        "edu": False,
        "local": False,
        "alert": False,
        "units": [],
        "themes": [],
        "hits": [],
    }
    assert not d["edu"] and not d["local"]


def test_jsonl_from_stdin_reports_bad_lines_and_keeps_going():
    lines = (
        '{"id": 1, "title": "Học sinh"}\nnot json\n{"id": 2, "title": "x", "date": "2025-13-01"}\n'
    )
    lines += '{"id": 4, "title": "Sở GDĐT Ninh Bình", "date": "2025-08-01"}\n'
    result = CliRunner().invoke(app, ["match", *KW, "--jsonl", "-"], input=lines)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, None, 2, 4]
    assert out[1]["error"].startswith("dòng 2:")
    assert out[2]["error"].startswith("dòng 3: ngày '2025-13-01' không hợp lệ")
    assert out[3]["units"] == ["Sở GDĐT Ninh Bình"]
    assert "2 dòng không đọc được" in result.stderr


def test_match_uses_the_desks_keywords_by_default(isolated_home):
    shutil.copytree(FIXTURE_KEYWORDS, isolated_home / "keywords")
    result = run("match", "--json", "--date", "2025-08-01", "--text", "Sở GDĐT Ninh Bình họp")
    assert json.loads(result.stdout)["units"] == ["Sở GDĐT Ninh Bình"]


def test_match_without_a_keywords_folder_says_how_to_fix_it():
    result = run("match", "--text", "x")
    assert result.exit_code == 2
    assert "keywords" in result.stderr and "dumon init" in result.stderr


def test_keywords_list_json_has_every_expanded_form():
    result = run("keywords", "list", *KW, "--json")
    rows = json.loads(result.stdout)
    assert {"kind": "unit", "key": "Sở GDĐT Nam Định", "term": "sở gd và đt nam định"} in rows
    assert {"kind": "place", "key": "huyện Vụ Bản", "term": "vụ bản"} in rows
    assert {row["kind"] for row in rows} == {"unit", "place", "theme", "alert", "exclusion"}


def test_keywords_check_passes_a_good_folder():
    result = run("keywords", "check", *KW)
    assert result.exit_code == 0
    assert result.stdout.startswith("Từ khóa hợp lệ")


def test_keywords_check_names_file_and_line_of_an_error(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "places.yaml": (
                "places:\n  - key: vu-ban\n    name: Vụ Bản\n    valid_until: 2025-06-31\n"
            )
        },
    )
    result = run("keywords", "check", "--keywords", str(folder))
    assert result.exit_code == 2
    assert "places.yaml, dòng 4" in result.stderr
    assert "Cách sửa:" in result.stderr


def test_keywords_check_fails_on_a_name_shared_by_two_units(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "units/a.yaml": 'units:\n  - key: a\n    name: "THPT Nguyễn Du"\n',
            "units/b.yaml": 'units:\n  - key: b\n    name: "THPT Nguyễn Du"\n',
        },
    )
    result = run("keywords", "check", "--keywords", str(folder))
    assert result.exit_code == 2
    assert "b.yaml, dòng 2" in result.stderr
    assert "a.yaml dòng 2" in result.stderr


def test_keywords_check_prints_warnings_and_exits_zero(tmp_path):
    folder = write_keywords(
        tmp_path / "kw",
        {
            "places.yaml": "places:\n  - key: nd\n    name: Nam Định\n    kind: province\n",
            "exclusions.yaml": "exclusions:\n  - key: x\n    terms: [Nam Định]\n",
        },
    )
    result = run("keywords", "check", "--keywords", str(folder))
    assert result.exit_code == 0
    assert "Cảnh báo: " in result.stdout
    assert "1 cảnh báo" in result.stdout


@pytest.mark.parametrize("command", [["match"], ["keywords", "list"], ["keywords", "check"]])
def test_commands_have_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "--keywords" in result.stdout


def test_jsonl_with_several_workers_gives_the_same_lines_in_the_same_order(tmp_path):
    titles = [
        "Sở GD&ĐT Nam Định công bố điểm chuẩn",
        "Giá vàng tăng mạnh",
        "Học sinh huyện Vụ Bản đuối nước",
        "not json",
    ]
    lines = []
    for i in range(450):  # more than two chunks of work
        title = titles[i % len(titles)]
        item = {"id": i, "title": title, "date": "2024-06-01"}
        lines.append(title if title == "not json" else json.dumps(item, ensure_ascii=False))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run("match", *KW, "--jobs", "1", "--jsonl", str(source))
    two = run("match", *KW, "--jobs", "2", "--jsonl", str(source))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    out = [json.loads(line) for line in two.stdout.splitlines()]
    assert len(out) == 450
    assert [o.get("id") for o in out[:3]] == [0, 1, 2]
    assert out[2]["alert"] and out[0]["units"] == ["Sở GDĐT Nam Định"]


def test_jsonl_that_is_not_utf8_says_how_to_fix_it(tmp_path):
    source = tmp_path / "in.jsonl"
    line = unicodedata.normalize("NFD", '{"id": 1, "title": "Nam Định"}\n')
    source.write_bytes(line.encode("windows-1258"))  # a legacy Vietnamese code page
    result = run("match", *KW, "--jobs", "1", "--jsonl", str(source))
    assert result.exit_code == 2
    assert "không phải văn bản UTF-8" in result.stderr
