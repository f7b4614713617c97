"""The office's commands through the CLI: `dumon incident …` (the JSON contract, the actions
and their errors) and the digest's section II for an incident known before the window."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from dumon.cli import app
from dumon.vntime import VN_TZ
from support.store import Doc, make_store  # noqa: F401

NOW = datetime.now(VN_TZ).replace(microsecond=0)


def ago(hours: float) -> str:
    """'YYYY-MM-DD HH:MM' this many hours before now (the CLI reads incidents as of now)."""
    return (NOW - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def case_docs(place: str = "tinh-dong") -> list[Doc]:
    return [
        Doc(
            "Học sinh Trường THCS Hoa Sen bị nhóm bạn đánh hội đồng sau giờ tan học",
            "Báo Tỉnh",
            ago(2),
            summary="Clip ghi cảnh nữ sinh lớp 8 Trường THCS Hoa Sen bị đánh hội đồng.",
            url="http://127.0.0.1/tinh/hoa-sen-1",
            alerts=("bao-luc-hoc-duong",),
            severity=2,
            edu=True,
            places=(place,),
        ),
        Doc(
            "Nữ sinh lớp 8 Trường THCS Hoa Sen bị bạn đánh hội đồng sau giờ tan học",
            "Báo Ngành",
            ago(2),
            summary="Một nữ sinh lớp 8 Trường THCS Hoa Sen bị nhóm bạn đánh hội đồng.",
            url="http://127.0.0.1/nganh/hoa-sen-2",
            alerts=("bao-luc-hoc-duong",),
            severity=2,
            edu=True,
            places=(place,),
        ),
    ]


OLD = Doc(
    "Cháy phòng thí nghiệm Trường THPT Bến Gỗ, học sinh sơ tán an toàn",
    "Báo Tỉnh",
    "2025-10-01 09:00",
    summary="Đám cháy ở phòng thí nghiệm Trường THPT Bến Gỗ, học sinh được sơ tán.",
    url="http://127.0.0.1/tinh/ben-go",
    alerts=("tai-nan",),
    severity=2,
    edu=True,
)
LOCAL = Doc(
    "Phụ huynh phản ánh lạm thu ở Trường THPT Sông Đáy",
    "Báo Tỉnh",
    ago(5),
    summary="Nhiều phụ huynh Trường THPT Sông Đáy phản ánh các khoản thu đầu năm.",
    url="http://127.0.0.1/tinh/song-day",
    units=("Trường THPT Sông Đáy",),
    alerts=("lam-thu",),
    severity=2,
)


@pytest.fixture
def desk(make_store):
    db = make_store([*case_docs(), OLD, LOCAL])
    db.close()


def incident_ids() -> dict[str, int]:
    rows = json.loads(run("incident", "list", "--all", "--json").stdout)
    return {row["title"]: row["id"] for row in rows}


def test_list_json_is_the_contract_and_shows_open_incidents_by_default(desk):
    result = run("incident", "list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["title"] for r in rows} == {case_docs()[0].title, LOCAL.title}
    for row in rows:
        assert set(row) == {
            "id",
            "title",
            "stage",
            "severity",
            "local",
            "first_seen",
            "last_seen",
            "articles",
            "responses",
        }
        assert all(set(a) == {"url", "outlet", "published"} for a in row["articles"])
    case = next(r for r in rows if r["title"] == case_docs()[0].title)
    assert [a["url"] for a in case["articles"]] == [d.url for d in case_docs()]
    assert case["stage"] == "mới" and case["local"] is False and case["responses"] == []
    everything = json.loads(run("incident", "list", "--all", "--json").stdout)
    old = next(r for r in everything if r["title"] == OLD.title)
    assert old["stage"] == "khép lại"


def test_list_local_keeps_the_provinces_incidents(desk):
    rows = json.loads(run("incident", "list", "--local", "--json").stdout)
    assert [r["title"] for r in rows] == [LOCAL.title]
    assert rows[0]["local"] is True and rows[0]["severity"] == 3


def test_list_at_a_past_moment_reads_the_incidents_as_they_stood(desk):
    rows = json.loads(run("incident", "list", "--at", "2025-10-02", "--json").stdout)
    assert [r["title"] for r in rows] == [OLD.title]
    assert rows[0]["stage"] == "mới"


def test_respond_is_measured_and_listed_and_show_prints_the_timeline(desk):
    case = incident_ids()[case_docs()[0].title]
    at = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    result = run(
        "incident",
        "respond",
        str(case),
        "--kind",
        "thong-cao",
        "--at",
        at,
        "--by",
        "Văn phòng Sở",
        "--url",
        "http://127.0.0.1/thong-cao",
    )
    assert result.exit_code == 0, result.output
    assert f"Đã ghi phản hồi cho sự vụ #{case}" in result.output
    row = next(r for r in json.loads(run("incident", "list", "--json").stdout) if r["id"] == case)
    assert row["responses"] == [
        {
            "kind": "thong-cao",
            "at": f"{at}:00+07:00",
            "by": "Văn phòng Sở",
            "url": "http://127.0.0.1/thong-cao",
        }
    ]
    shown = json.loads(run("incident", "show", str(case), "--json").stdout)
    assert shown["response_after_hours"] == 1.0
    kinds = [e["kind"] for e in shown["timeline"]]
    assert kinds.count("article") == 2 and "response" in kinds and "stage" in kinds
    text = run("incident", "show", str(case)).output
    assert "Thông cáo báo chí" in text and "Báo Ngành:" in text
    assert "phản hồi: thông cáo báo chí sau 1 giờ" in text


def test_note_and_close_then_the_incident_is_no_longer_open(desk):
    case = incident_ids()[case_docs()[0].title]
    assert run("incident", "note", str(case), "Đã gọi điện cho nhà trường").exit_code == 0
    result = run("incident", "close", str(case), "--reason", "nhà trường đã xử lý")
    assert result.exit_code == 0 and "Đã khép lại sự vụ" in result.output
    open_now = {r["id"] for r in json.loads(run("incident", "list", "--json").stdout)}
    assert case not in open_now
    shown = json.loads(run("incident", "show", str(case), "--json").stdout)
    assert shown["stage"] == "khép lại"
    notes = [e for e in shown["timeline"] if e["kind"] in ("note", "close")]
    assert [e["text"] for e in notes] == ["Đã gọi điện cho nhà trường", "nhà trường đã xử lý"]


def test_merge_and_split_by_article_address(desk):
    ids = incident_ids()
    case, local = ids[case_docs()[0].title], ids[LOCAL.title]
    assert run("incident", "merge", str(case), str(local)).exit_code == 0
    merged = json.loads(run("incident", "show", str(case), "--json").stdout)
    assert len(merged["articles"]) == 3 and merged["local"] is True
    result = run("incident", "split", str(case), LOCAL.url)
    assert result.exit_code == 0, result.output
    assert "Đã tách 1 bài" in result.output
    rows = json.loads(run("incident", "list", "--json").stdout)
    by_title = {r["title"]: r for r in rows}
    assert len(by_title[LOCAL.title]["articles"]) == 1
    assert len(by_title[case_docs()[0].title]["articles"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("incident", "show", "999"), "Không có sự vụ số 999"),
        (("incident", "respond", "1", "--kind", "phat-ngon", "--at", "sáng nay"), "--at 2026"),
        (("incident", "split", "1", "http://127.0.0.1/khong-co"), "Không tìm thấy bài"),
        (("incident", "merge", "1", "1"), "Hai số sự vụ trùng nhau"),
        (("incident", "list", "--open", "--all"), "Chỉ chọn một"),
    ],
)
def test_mistakes_get_a_vietnamese_error_with_the_fix_and_status_2(desk, args, message):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2
    assert result.output.startswith("Lỗi: ") and message in result.output
    assert "Cách sửa" in result.output


def test_a_response_kind_outside_the_list_is_a_usage_error(desk):
    result = CliRunner().invoke(
        app, ["incident", "respond", "1", "--kind", "hop-bao", "--at", "2026-01-01T08:00"]
    )
    assert result.exit_code == 2 and "phat-ngon" in result.output


def test_rebuild_refuses_to_lose_the_offices_work_unless_forced(desk):
    case = incident_ids()[case_docs()[0].title]
    run("incident", "note", str(case), "ghi chú")
    refused = CliRunner().invoke(app, ["incident", "rebuild"])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = run("incident", "rebuild", "--force")
    assert forced.exit_code == 0 and "Đã dựng lại sự vụ" in forced.output
    assert len(incident_ids()) == 3


# --- the digest ----------------------------------------------------------------------------


def test_the_digest_leads_section_ii_with_the_provinces_incident_and_its_change(make_store):
    first = Doc(
        "Phụ huynh phản ánh lạm thu ở Trường THPT Sông Đáy",
        "Báo Tỉnh",
        "2026-03-02 09:00",
        summary="Nhiều phụ huynh Trường THPT Sông Đáy phản ánh các khoản thu đầu năm.",
        units=("Trường THPT Sông Đáy",),
        alerts=("lam-thu",),
        severity=2,
    )
    update = Doc(
        "Trường THPT Sông Đáy trả lại tiền lạm thu sau phản ánh của phụ huynh",
        "Báo Ngành",
        "2026-03-03 09:00",
        summary="Trường THPT Sông Đáy hoàn trả các khoản lạm thu cho phụ huynh.",
        units=("Trường THPT Sông Đáy",),
        alerts=("lam-thu",),
        severity=2,
    )
    make_store([first, update]).close()
    result = run("digest", "--date", "2026-03-04", "--format", "json")
    assert result.exit_code == 0, result.output
    digest = json.loads(result.stdout)
    [lead] = digest["incidents"]
    assert lead["stage_before"] == "mới" and lead["stage"] == "lan rộng"
    assert lead["new_articles"] == 1 and lead["new_outlets"] == ["Báo Ngành"]
    assert lead["unanswered_hours"] is not None and lead["local"] is True
    story = next(s for s in digest["stories"] if s["url"] == lead["stories"][0])
    assert story["section"] == "alerts" and story["incident"]["update"] is True
    text = run("digest", "--date", "2026-03-04", "--format", "text").stdout
    section = text[text.index("II. Cần lưu ý") : text.index("III.")]
    assert f"Sự vụ #{lead['id']} của tỉnh" in section
    assert "mới → lan rộng: +1 bài" in section
    assert "chưa có phát ngôn sau" in section
    assert update.title in section


def test_an_article_of_a_known_incident_is_its_update_even_when_no_alert(make_store):
    opened = [Doc(**{**d.__dict__, "when": "2026-03-02 09:00", "url": None}) for d in case_docs()]
    later = Doc(
        "Trường THCS Hoa Sen họp phụ huynh sau vụ nữ sinh bị đánh hội đồng",
        "Báo Tỉnh",
        "2026-03-03 10:00",
        summary="Trường THCS Hoa Sen họp phụ huynh sau vụ nữ sinh lớp 8 bị đánh hội đồng.",
        themes=("truong-hoc",),
        edu=True,
        places=("tinh-dong",),
        signals=(("vu-viec", "title"),),
    )
    make_store([*opened, later]).close()
    digest = json.loads(run("digest", "--date", "2026-03-04", "--format", "json").stdout)
    [story] = digest["stories"]
    assert story["title"] == later.title
    assert story["section"] == "alerts" and story["alert"] is False
    assert story["incident"]["update"] is True
