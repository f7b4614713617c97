"""Incidents (sự vụ): stages over simulated days, severity, the office's response flag, and
how the build opens and joins incidents from the stories of each day (real SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dumon.output import incident_actions as actions
from dumon.output import incidents
from dumon.output.digest import Editorial
from dumon.output.incident_build import build_incidents
from dumon.output.ranking import Signal
from dumon.settings import IncidentSettings, Settings
from dumon.storage import incident_reads as reads
from dumon.storage import incidents as stored
from dumon.storage.incidents import CLOSED, COOLING, NEW, SPREADING, Coverage, Event, Incident
from support.store import Doc, make_store, vn  # noqa: F401

RULES = IncidentSettings()
TIERS = {"Báo Trung Ương": "central", "Báo Tỉnh": "local", "Báo Ngành": "sector"}
EDITORIAL = Editorial(
    {},
    {
        "dien-bien": Signal("Diễn biến vụ việc", "development", 1),
        "vu-viec": Signal("Nhắc lại vụ việc", "followup", 1),
    },
)


def coverage(when: str, outlet: str, *, tier: str = "local", severity: int = 2, local=False):
    return Coverage(
        0,
        f"http://127.0.0.1/{outlet}/{when}",
        "t",
        outlet,
        tier,
        vn(when),
        "joined",
        severity,
        local,
    )


def incident(*articles: Coverage, events: tuple[Event, ...] = ()) -> Incident:
    ordered = tuple(sorted(articles, key=lambda a: a.published))
    return Incident(1, "Sự vụ thử", ordered[0].published, ordered, events)


# --- stages over simulated days ------------------------------------------------------------


def test_one_outlet_is_new_and_three_outlets_within_a_day_spread():
    first = coverage("2026-03-02 08:00", "Báo A")
    one = incident(first)
    assert incidents.stage_at(one, vn("2026-03-02 09:00"), RULES) == NEW
    three = incident(
        first, coverage("2026-03-02 10:00", "Báo B"), coverage("2026-03-02 20:00", "Báo C")
    )
    assert incidents.stage_at(three, vn("2026-03-02 19:00"), RULES) == NEW  # two so far
    assert incidents.stage_at(three, vn("2026-03-02 20:00"), RULES) == SPREADING


def test_three_outlets_further_apart_than_a_day_do_not_spread_by_count():
    spread_out = incident(
        coverage("2026-03-02 08:00", "Báo A"),
        coverage("2026-03-02 23:00", "Báo B"),
        coverage("2026-03-03 06:00", "Báo C"),
    )
    rules = IncidentSettings(spread_hours=12)
    # three outlets within 22 h but not within 12: not spreading by count; a second day is
    assert incidents.stage_at(spread_out, vn("2026-03-02 23:30"), rules) == NEW
    assert incidents.stage_at(spread_out, vn("2026-03-03 06:00"), rules) == SPREADING


def test_a_central_outlet_spreads_at_once_unless_the_office_turns_that_rule_off():
    central = incident(coverage("2026-03-02 08:00", "Báo Trung Ương", tier="central"))
    assert incidents.stage_at(central, vn("2026-03-02 08:00"), RULES) == SPREADING
    no_tier_rule = IncidentSettings(spread_tiers=())
    assert incidents.stage_at(central, vn("2026-03-02 08:00"), no_tier_rule) == NEW


def test_quiet_for_72_hours_cools_and_for_14_days_closes_and_a_new_article_reopens():
    first = coverage("2026-03-02 08:00", "Báo A")
    second = coverage("2026-03-03 08:00", "Báo A")  # a second day: spreading
    seen = incident(first, second)
    assert incidents.stage_at(seen, vn("2026-03-06 07:59"), RULES) == SPREADING
    assert incidents.stage_at(seen, vn("2026-03-06 08:00"), RULES) == COOLING
    assert incidents.stage_at(seen, vn("2026-03-17 08:00"), RULES) == CLOSED
    back = incident(first, second, coverage("2026-03-20 08:00", "Báo B"))
    assert incidents.stage_at(back, vn("2026-03-20 09:00"), RULES) == SPREADING
    history = [
        (at, stage)
        for at, stage in incidents.stage_history(back, RULES, until=vn("2026-04-30 00:00"))
    ]
    assert [stage for _, stage in history] == [
        NEW,
        SPREADING,
        COOLING,
        CLOSED,
        SPREADING,
        COOLING,
        CLOSED,
    ]
    assert history[2][0] == vn("2026-03-06 08:00")  # when it cooled: 72 h after the last


def test_thresholds_come_from_the_settings():
    rules = IncidentSettings(cooling_hours=24, quiet_days=3)
    seen = incident(coverage("2026-03-02 08:00", "Báo A"))
    assert incidents.stage_at(seen, vn("2026-03-03 08:00"), rules) == COOLING
    assert incidents.stage_at(seen, vn("2026-03-05 08:00"), rules) == CLOSED


def test_the_office_closes_and_a_later_article_reopens():
    closed = Event(vn("2026-03-04 10:00"), "close", "đã xử lý")
    seen = incident(coverage("2026-03-02 08:00", "Báo A"), events=(closed,))
    assert incidents.stage_at(seen, vn("2026-03-04 09:00"), RULES) == NEW
    assert incidents.stage_at(seen, vn("2026-03-04 10:00"), RULES) == CLOSED
    again = incident(
        coverage("2026-03-02 08:00", "Báo A"),
        coverage("2026-03-05 08:00", "Báo B"),
        events=(closed,),
    )
    assert incidents.stage_at(again, vn("2026-03-05 09:00"), RULES) == SPREADING


def test_severity_is_the_highest_raised_when_local_and_three_when_the_central_press_has_it():
    elsewhere = incident(coverage("2026-03-02 08:00", "Báo A", severity=2))
    assert incidents.severity(elsewhere, RULES) == 2
    ours = incident(coverage("2026-03-02 08:00", "Báo Tỉnh", severity=1, local=True))
    assert incidents.severity(ours, RULES) == 2
    national = incident(
        coverage("2026-03-02 08:00", "Báo Tỉnh", severity=1, local=True),
        coverage("2026-03-02 09:00", "Báo Trung Ương", tier="central", severity=1),
    )
    assert incidents.severity(national, RULES) == 3


def test_a_spreading_incident_without_response_is_flagged_after_response_hours():
    seen = incident(
        coverage("2026-03-02 08:00", "Báo A", local=True), coverage("2026-03-03 08:00", "Báo B")
    )
    rules = IncidentSettings(response_hours=24)
    assert incidents.unanswered_hours(seen, vn("2026-03-03 07:00"), rules) is None  # new
    assert incidents.unanswered_hours(seen, vn("2026-03-03 10:00"), rules) == 26
    elsewhere = incident(
        coverage("2026-03-02 08:00", "Báo A"), coverage("2026-03-03 08:00", "Báo B")
    )
    assert incidents.unanswered_hours(elsewhere, vn("2026-03-03 10:00"), rules) is None
    answered = incident(
        coverage("2026-03-02 08:00", "Báo A", local=True),
        coverage("2026-03-03 08:00", "Báo B"),
        events=(Event(vn("2026-03-03 09:00"), "response", response="phat-ngon"),),
    )
    assert incidents.unanswered_hours(answered, vn("2026-03-03 10:00"), rules) is None
    assert answered.response_delay() == timedelta(hours=25)


# --- building from the stories of each day -------------------------------------------------

SCHOOL = "Trường THCS Hoa Sen"


def _build(db, now: str):
    return build_incidents(
        db,
        settings=Settings(),
        editorial=EDITORIAL,
        tier_of=lambda outlet, source: TIERS.get(outlet, "other"),
        now=vn(now),
    )


def _members(db) -> list[list[str]]:
    rows = db.execute(
        "select i.id, a.title from incident_articles ia join incidents i on i.id = "
        "ia.incident_id join articles a on a.id = ia.article_id order by i.id, ia.published, a.id"
    ).fetchall()
    out: dict[int, list[str]] = {}
    for incident_id, title in rows:
        out.setdefault(incident_id, []).append(title)
    return list(out.values())


CASE = [
    Doc(
        "Học sinh Trường THCS Hoa Sen bị nhóm bạn đánh hội đồng sau giờ tan học",
        "Báo Tỉnh",
        "2026-03-02 09:00",
        summary="Clip ghi cảnh nữ sinh lớp 8 Trường THCS Hoa Sen bị đánh hội đồng lan truyền.",
        alerts=("bao-luc-hoc-duong",),
        severity=2,
        edu=True,
        places=("tinh-dong",),
    ),
    Doc(
        "Nữ sinh lớp 8 Trường THCS Hoa Sen bị bạn đánh hội đồng sau giờ tan học",
        "Báo Ngành",
        "2026-03-02 15:00",
        summary="Một nữ sinh lớp 8 Trường THCS Hoa Sen bị nhóm bạn đánh hội đồng, clip lan truyền.",
        alerts=("bao-luc-hoc-duong",),
        severity=2,
        edu=True,
        places=("tinh-dong",),
    ),
]
FOLLOW_UP = Doc(
    "Vụ nữ sinh Trường THCS Hoa Sen bị đánh hội đồng: kết quả xác minh của nhà trường",
    "Báo Tỉnh",
    "2026-03-04 10:00",
    summary="Nhà trường công bố kết quả xác minh vụ nữ sinh lớp 8 bị nhóm bạn đánh hội đồng.",
    alerts=("bao-luc-hoc-duong",),
    severity=2,
    edu=True,
    places=("tinh-dong",),
    signals=(("dien-bien", "title"), ("vu-viec", "title")),
)
OTHER_PLACE = Doc(
    "Nữ sinh lớp 8 bị nhóm bạn đánh hội đồng sau giờ tan học ở tỉnh Tây",
    "Báo Ngành",
    "2026-03-02 16:00",
    summary="Một nữ sinh lớp 8 bị nhóm bạn đánh hội đồng sau giờ học, clip lan truyền.",
    alerts=("bao-luc-hoc-duong",),
    severity=2,
    edu=True,
    places=("tinh-tay",),
)


def test_copies_of_a_story_and_its_follow_up_are_one_incident(make_store):
    db = make_store([*CASE, FOLLOW_UP])
    report = _build(db, "2026-03-05 08:00")
    assert report.opened == 1
    assert _members(db) == [[d.title for d in CASE] + [FOLLOW_UP.title]]
    [found] = stored.load_incidents(db.conn)
    assert [a.how for a in found.articles] == ["opened", "opened", "joined"]
    assert incidents.stage_at(found, vn("2026-03-05 08:00"), RULES) == SPREADING  # 2nd day


def test_the_same_kind_of_incident_in_another_place_is_another_incident(make_store):
    db = make_store([*CASE, OTHER_PLACE])
    _build(db, "2026-03-03 08:00")
    assert sorted(map(len, _members(db))) == [1, 2]


def test_a_follow_up_weeks_later_joins_only_with_words_of_what_happened_next(make_store):
    late = Doc(
        "Vụ nữ sinh Trường THCS Hoa Sen bị đánh hội đồng: kỷ luật nhóm học sinh",
        "Báo Tỉnh",
        "2026-03-30 10:00",
        summary="Nhà trường kỷ luật nhóm học sinh đánh hội đồng nữ sinh lớp 8 hồi đầu tháng.",
        alerts=("bao-luc-hoc-duong",),
        severity=2,
        edu=True,
        places=("tinh-dong",),
        signals=(("dien-bien", "title"),),
    )
    db = make_store([*CASE, late])
    _build(db, "2026-04-01 08:00")
    [found] = stored.load_incidents(db.conn)
    assert found.articles[-1].how == "followup"


def test_without_words_of_what_happened_next_a_story_weeks_later_opens_its_own(make_store):
    late = Doc(
        "Nữ sinh Trường THCS Hoa Sen lại bị nhóm bạn đánh hội đồng sau giờ tan học",
        "Báo Tỉnh",
        "2026-03-30 10:00",
        summary="Một nữ sinh lớp 8 Trường THCS Hoa Sen bị nhóm bạn đánh hội đồng.",
        alerts=("bao-luc-hoc-duong",),
        severity=2,
        edu=True,
        places=("tinh-dong",),
    )
    db = make_store([*CASE, late])
    _build(db, "2026-04-01 08:00")
    assert sorted(map(len, _members(db))) == [1, 2]


def test_two_schools_are_two_events_even_on_the_same_day(make_store):
    other_school = Doc(
        "Nữ sinh lớp 8 Trường THCS Mai Vàng bị bạn đánh hội đồng sau giờ tan học",
        "Báo Ngành",
        "2026-03-02 17:00",
        summary="Một nữ sinh lớp 8 Trường THCS Mai Vàng bị nhóm bạn đánh hội đồng.",
        alerts=("bao-luc-hoc-duong",),
        severity=2,
        edu=True,
        places=("tinh-dong",),
    )
    db = make_store([*CASE, other_school])
    _build(db, "2026-03-03 08:00")
    assert [other_school.title] in _members(db)


def test_a_story_that_is_no_alert_never_opens_an_incident(make_store):
    db = make_store(
        [
            Doc(
                "Trường THCS Hoa Sen khai giảng năm học mới",
                "Báo Tỉnh",
                "2026-03-02 09:00",
                themes=("truong-hoc",),
            )
        ]
    )
    assert _build(db, "2026-03-03 08:00").opened == 0
    assert _members(db) == []


def test_a_build_day_by_day_ends_where_one_build_over_all_days_ends(make_store):
    days = [*CASE, OTHER_PLACE, FOLLOW_UP]
    db = make_store(days[:2])
    _build(db, "2026-03-02 20:00")
    from support.store import fill_store

    fill_store(db, days[2:])
    _build(db, "2026-03-05 08:00")
    stepwise = _members(db)
    one = make_store([])  # the same desk file: start over
    for table in ("incident_events", "incident_articles", "incidents", "incident_build"):
        one.execute(f"delete from {table}")
    one.conn.commit()
    _build(one, "2026-03-05 08:00")
    assert sorted(_members(one)) == sorted(stepwise)


def test_stages_are_stored_with_their_history_and_advance_as_time_passes(make_store):
    db = make_store([*CASE, FOLLOW_UP])
    _build(db, "2026-03-05 08:00")
    assert db.execute("select stage from incidents").fetchone()[0] == SPREADING
    _build(db, "2026-03-08 08:00")  # nothing new: 72 h after the last article
    row = db.execute("select stage, stage_since from incidents").fetchone()
    assert row == (COOLING, "2026-03-07T10:00:00+07:00")
    _build(db, "2026-03-20 08:00")
    assert db.execute("select stage, closed_by from incidents").fetchone() == (CLOSED, "quiet")
    stages = [
        r[0]
        for r in db.execute("select stage from incident_events where kind = 'stage' order by at")
    ]
    assert stages == [NEW, SPREADING, COOLING, CLOSED]


def test_an_incident_of_the_province_is_local_and_one_level_more_severe(make_store):
    ours = Doc(
        "Học sinh trường THPT Sông Đáy bị đánh hội đồng ngay tại lớp",
        "Báo Tỉnh",
        "2026-03-02 09:00",
        summary="Nam sinh lớp 10 trường THPT Sông Đáy bị nhóm bạn đánh hội đồng.",
        units=("Trường THPT Sông Đáy",),
        alerts=("bao-luc-hoc-duong",),
        severity=2,
    )
    db = make_store([ours])
    _build(db, "2026-03-02 10:00")
    assert db.execute("select local, severity, units from incidents").fetchone() == (
        1,
        3,
        '["Trường THPT Sông Đáy"]',
    )


@pytest.mark.parametrize("kind", ["phat-ngon", "thong-cao", "dinh-chinh", "tra-loi"])
def test_every_kind_of_response_is_accepted(make_store, kind):
    db = make_store(CASE)
    _build(db, "2026-03-02 20:00")
    incident_id = db.execute("select id from incidents").fetchone()[0]
    found = actions.respond(
        db, incident_id, kind, at=vn("2026-03-02 19:00"), rules=RULES, now=vn("2026-03-02 20:00")
    )
    assert found.first_response is not None and found.first_response.response == kind


def test_a_response_in_the_future_or_long_before_the_incident_is_refused(make_store):
    from dumon.errors import QueryError

    db = make_store(CASE)
    _build(db, "2026-03-02 20:00")
    incident_id = db.execute("select id from incidents").fetchone()[0]
    for at in ("2026-03-05 09:00", "2026-02-01 09:00"):
        with pytest.raises(QueryError) as caught:
            actions.respond(
                db, incident_id, "phat-ngon", at=vn(at), rules=RULES, now=vn("2026-03-02 20:00")
            )
        assert "Cách sửa" in caught.value.message


def test_merge_moves_articles_and_actions_and_split_makes_a_new_incident(make_store):
    db = make_store([*CASE, OTHER_PLACE])
    _build(db, "2026-03-03 08:00")
    small, big = sorted(
        db.execute("select id, articles from incidents").fetchall(), key=lambda r: r[1]
    )
    now = vn("2026-03-03 09:00")
    actions.note(db, small[0], "cùng một vụ, báo viết sai địa danh", now=now)
    kept = actions.merge(db, big[0], small[0], rules=RULES, now=now)
    assert len(kept.articles) == 3
    assert any(e.kind == "note" for e in kept.events)
    gone = incidents.get_incident(db.conn, small[0])
    assert gone.merged_into == big[0] and gone.articles == ()
    with pytest.raises(Exception) as caught:
        actions.note(db, small[0], "x", now=now)
    assert f"dùng số {big[0]}" in caught.value.message
    moved = [a.article_id for a in kept.articles if a.outlet == "Báo Ngành"][:1]
    new = actions.split(db, big[0], moved, rules=RULES, now=now)
    assert [a.article_id for a in new.articles] == moved
    assert len(incidents.get_incident(db.conn, big[0]).articles) == 2


# --- names the keywords do not know, schools named after places, roundups ------------------


def _alert(title: str, outlet: str, when: str, summary: str, **extra) -> Doc:
    fields = {"alerts": ("mat-tich",), "severity": 2, "edu": True, **extra}
    return Doc(title, outlet, when, summary=summary, **fields)


def test_a_rare_name_the_keywords_do_not_know_joins_the_next_days_story(make_store):
    first = _alert(
        "Nam sinh mất tích trên núi Tam Đảo, hơn 100 người đang tìm kiếm",
        "Báo Tỉnh",
        "2026-04-20 09:00",
        "Xã huy động hơn 100 người tìm kiếm một nam sinh mất tích khi leo núi Tam Đảo.",
    )
    found = _alert(
        "Đã tìm thấy nam sinh mất tích ở Tam Đảo",
        "Báo Ngành",
        "2026-04-21 10:00",
        "Sau 37 giờ trong rừng, cậu sinh viên 19 tuổi được đưa ra khỏi khu vực nguy hiểm.",
    )
    unrelated = [  # the day's other news: "Tam Đảo" is rare in it
        Doc(f"Tin trong ngày số {n} về giao thông và thời tiết", "Báo Tỉnh", "2026-04-21 08:00")
        for n in range(3)
    ]
    db = make_store([first, found, *unrelated])
    _build(db, "2026-04-22 08:00")
    assert _members(db) == [[first.title, found.title]]


def test_a_school_named_after_a_place_is_still_another_school(make_store):
    case = _alert(
        "Thịt lợn bệnh trong bếp ăn Trường mầm non Hòa Bình, tạm đình chỉ hiệu trưởng",
        "Báo Tỉnh",
        "2026-04-08 09:00",
        "Xã tạm đình chỉ hiệu trưởng Trường mầm non Hòa Bình vì thịt lợn bệnh trong bếp ăn.",
        alerts=("ngo-doc",),
    )
    other = _alert(
        "Hiệu trưởng Trường mầm non Nam Hòa bị bắt vì thịt lợn bệnh trong bếp ăn",
        "Báo Ngành",
        "2026-04-09 10:00",
        "Hiệu trưởng Trường mầm non Nam Hòa nhận tiền để thịt lợn bệnh vào bếp ăn.",
        alerts=("ngo-doc",),
        signals=(("dien-bien", "title"),),
    )
    db = make_store([case, other])
    _build(db, "2026-04-10 08:00")
    assert sorted(_members(db)) == [[other.title], [case.title]]


def test_a_roundup_is_read_after_the_stories_it_retells(make_store):
    case = _alert(
        "Sinh viên bức xúc vì tiền hỗ trợ tập luyện A80 bị cắt xén",
        "Báo Tỉnh",
        "2026-03-01 09:00",
        "Sinh viên Trường cao đẳng Hoa Sen nhận tiền hỗ trợ tập luyện A80 chỉ bằng một nửa.",
        alerts=("lam-thu",),
    )
    roundup = _alert(
        "Điểm tin 11h: Giá vàng lập đỉnh | Hiệu trưởng cao đẳng Hoa Sen ăn chặn tiền A80 bị bắt",
        "Báo Ngành",
        "2026-03-15 11:00",
        "Giá vàng lập đỉnh mới; thành phố lập khu thương mại tự do...",
        alerts=("lam-thu",),
    )
    arrest = _alert(
        "Khởi tố hiệu trưởng cao đẳng Hoa Sen ăn chặn tiền A80 của sinh viên",
        "Báo Tỉnh",
        "2026-03-15 10:00",
        "Công an khởi tố hiệu trưởng vì ăn chặn tiền hỗ trợ tập luyện A80 của sinh viên.",
        alerts=("lam-thu",),
        signals=(("dien-bien", "title"),),
    )
    db = make_store([case, roundup, arrest])
    editorial = Editorial(EDITORIAL.names, EDITORIAL.signals, roundups=("diem tin",))
    build_incidents(
        db,
        settings=Settings(),
        editorial=editorial,
        tier_of=lambda outlet, source: TIERS.get(outlet, "other"),
        now=vn("2026-03-16 08:00"),
    )
    assert _members(db) == [[case.title, arrest.title, roundup.title]]


def test_a_build_up_to_a_morning_leaves_the_later_windows_for_the_next_build(make_store):
    days = [*CASE, OTHER_PLACE, FOLLOW_UP]
    db = make_store(days)
    first = build_incidents(
        db,
        settings=Settings(),
        editorial=EDITORIAL,
        tier_of=lambda outlet, source: TIERS.get(outlet, "other"),
        now=vn("2026-03-05 08:00"),
        until=vn("2026-03-03 07:00"),  # the digest of the morning of 3 March
    )
    assert first.windows == 1 and reads.stale(db.conn)
    assert sorted(map(len, _members(db))) == [1, 2]  # the follow-up of 4 March not read yet
    _build(db, "2026-03-05 08:00")
    stepwise = _members(db)
    assert sorted(map(len, stepwise)) == [1, 3]
    for table in ("incident_events", "incident_articles", "incidents", "incident_build"):
        db.execute(f"delete from {table}")
    db.conn.commit()
    _build(db, "2026-03-05 08:00")
    assert sorted(_members(db)) == sorted(stepwise)
