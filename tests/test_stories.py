"""Story clustering: copies and rewrites of one story merge; different stories do not."""

from __future__ import annotations

from dumon.output.stories import StoryItem, bag_of, cluster_stories


def _titles(items: list[StoryItem], groups: list[list[int]]) -> list[list[str]]:
    return [[items[i].title for i in g] for g in groups]


def test_syndicated_and_rewritten_titles_become_one_story_led_by_the_first_publisher():
    items = [
        StoryItem(
            "Ninh Bình: Học sinh lớp 9 bị đuối nước khi tắm sông Đáy",
            "Chiều qua, một nam sinh lớp 9 ở xã Ý Yên bị đuối nước khi tắm sông Đáy cùng bạn.",
            "VnExpress",
            "2026-11-27T15:10:00+07:00",
        ),
        StoryItem(
            "Nam sinh lớp 9 đuối nước khi tắm sông Đáy ở Ninh Bình",
            "Một nam sinh lớp 9 ở xã Ý Yên tử vong do đuối nước khi đi tắm sông Đáy.",
            "Báo Ninh Bình",
            "2026-11-27T14:00:00+07:00",
        ),
        StoryItem(  # aggregator copy: the same title as the original, a later time
            "Nam sinh lớp 9 đuối nước khi tắm sông Đáy ở Ninh Bình",
            "",
            "Báo Mới",
            "2026-11-27T16:30:00+07:00",
        ),
        StoryItem(
            "Ninh Bình khai mạc hội khỏe Phù Đổng cấp tỉnh năm 2026",
            "Hơn 3.000 vận động viên là học sinh các trường tham gia hội khỏe Phù Đổng.",
            "Báo Ninh Bình",
            "2026-11-27T09:00:00+07:00",
        ),
    ]
    groups = cluster_stories(items)
    assert _titles(items, groups) == [
        ["Ninh Bình khai mạc hội khỏe Phù Đổng cấp tỉnh năm 2026"],
        [
            "Nam sinh lớp 9 đuối nước khi tắm sông Đáy ở Ninh Bình",
            "Ninh Bình: Học sinh lớp 9 bị đuối nước khi tắm sông Đáy",
            "Nam sinh lớp 9 đuối nước khi tắm sông Đáy ở Ninh Bình",
        ],
    ]
    assert items[groups[1][0]].outlet == "Báo Ninh Bình"  # the first publisher leads


def test_different_stories_sharing_a_place_name_stay_apart():
    items = [
        StoryItem(
            "Ninh Bình công bố lịch thi tuyển sinh lớp 10 năm 2027",
            "Sở GDĐT Ninh Bình công bố lịch thi vào lớp 10 với ba môn.",
            "A",
            "1",
        ),
        StoryItem(
            "Ninh Bình: Xe khách lật trên cao tốc, 5 người bị thương",
            "Chiếc xe khách chở 30 người lật trên cao tốc qua Ninh Bình.",
            "B",
            "2",
        ),
        StoryItem(
            "Ninh Bình đón hơn một triệu lượt khách du lịch dịp lễ",
            "Các khu du lịch Tràng An, Tam Cốc đông khách.",
            "C",
            "3",
        ),
        StoryItem(
            "Giáo viên Ninh Bình được tăng phụ cấp ưu đãi từ năm 2027",
            "HĐND tỉnh Ninh Bình thông qua nghị quyết tăng phụ cấp cho giáo viên.",
            "D",
            "4",
        ),
    ]
    assert len(cluster_stories(items)) == 4


def test_accents_tone_style_and_case_do_not_split_a_story():
    items = [
        StoryItem("Trường THPT Hoà Bình bị phản ánh lạm thu đầu năm học", "", "A", "1"),
        StoryItem("TRƯỜNG THPT HÒA BÌNH BỊ PHẢN ÁNH LẠM THU ĐẦU NĂM HỌC", "", "B", "2"),
        StoryItem("Truong THPT Hoa Binh bi phan anh lam thu dau nam hoc", "", "C", "3"),
    ]
    assert [len(g) for g in cluster_stories(items)] == [3]


def test_short_generic_titles_merge_only_when_identical():
    items = [
        StoryItem("Điểm chuẩn lớp 10", "", "A", "1"),
        StoryItem("Điểm thi lớp 10", "", "B", "2"),
        StoryItem("Điểm chuẩn lớp 10", "", "C", "3"),
    ]
    assert sorted(len(g) for g in cluster_stories(items)) == [1, 2]


def test_empty_input_gives_no_stories():
    assert cluster_stories([]) == []


def _day(*items: StoryItem, filler: int = 60) -> list[StoryItem]:
    """The items among a day of unrelated news, as a digest clusters them (rarity is weighed
    over the whole window)."""
    topics = ("giá vàng", "bão số", "bóng đá", "chứng khoán", "xăng dầu", "thời tiết")
    others = [
        StoryItem(f"Tin {topics[n % 6]} số {n}: diễn biến mới nhất hôm nay {n}", kept=False)
        for n in range(filler)
    ]
    return [*items, *others]


def test_follow_ups_naming_the_same_rare_person_join():
    items = _day(
        StoryItem(
            "Cho thôi chức chủ tịch hội đồng trường đối với ông Nguyễn Văn Đạt",
            "Hội đồng Trường THPT Tô Hiến Thành thống nhất cho thôi chức ông Nguyễn Văn Đạt.",
            "Thanh Niên",
            "2026-11-11T09:00:00+07:00",
        ),
        StoryItem(
            "Cho thôi việc chủ tịch Hội đồng trường sau video thân mật",
            "Ông Nguyễn Văn Đạt, Chủ tịch Hội đồng trường THPT Tô Hiến Thành, bị buộc thôi việc.",
            "VnExpress",
            "2026-11-11T10:00:00+07:00",
        ),
    )
    assert [0, 1] in cluster_stories(items)


def test_an_article_not_kept_joins_a_kept_story_but_never_makes_one():
    copy = StoryItem(
        "Hai học sinh lớp 3 chết đuối khi tắm suối Đakrông",
        "Hai học sinh lớp 3 tử vong khi tắm suối Đakrông chiều qua.",
        "Tuổi Trẻ",
        "2026-02-12T10:00:00+07:00",
        kept=False,
    )
    kept = StoryItem(
        "Tắm suối, hai học sinh lớp 3 đuối nước tử vong",
        "Hai học sinh lớp 3 đuối nước tử vong khi tắm suối Đakrông chiều qua.",
        "Thanh Niên",
        "2026-02-12T09:00:00+07:00",
    )
    stories = cluster_stories(_day(kept, copy))
    assert [0, 1] in stories
    assert all(any(i == 0 for i in story) for story in stories)  # only the kept one's story


def test_a_roundup_is_read_by_its_first_item():
    story = StoryItem(
        "Khởi tố hiệu trưởng Trường cao đẳng Du lịch vụ ăn chặn tiền của sinh viên",
        "Hiệu trưởng bị khởi tố vì ăn chặn tiền hỗ trợ sinh viên tham gia diễu binh A80.",
        "Tuổi Trẻ",
        "2025-12-16T09:00:00+07:00",
    )
    roundup = StoryItem(
        "Xem nhanh 12h: Khởi tố hiệu trưởng ăn chặn tiền A80 | Giá vàng lập đỉnh | Bão số 15",
        "Xem nhanh 12h có: Khởi tố hiệu trưởng ăn chặn tiền của sinh viên; giá vàng; bão.",
        "Thanh Niên",
        "2025-12-16T12:00:00+07:00",
        roundup=True,
    )
    stories = cluster_stories(_day(roundup, story))
    assert [1, 0] in stories  # joined, and never the lead


def test_a_proper_name_keeps_its_last_word_before_a_comma():
    bag = bag_of([StoryItem("Cô giáo ở trường THPT Anh Hùng Núp, bị cho nghỉ việc")])
    assert "thpt anh hung nup" in bag.names
    assert "thpt anh hung nup" in bag.bodies
