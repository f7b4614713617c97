"""How a story's importance adds up: where, who acts, what kind of act, outlets, soft content."""

from __future__ import annotations

from dumon.output.ranking import Signal, importance

BOOK = {
    "bo-gddt": Signal("Bộ GDĐT", "actor", 3),
    "dia-phuong": Signal("Chính quyền địa phương", "actor", 1),
    "van-ban": Signal("Văn bản, chính sách", "act", 2),
    "thi": Signal("Thi cử", "act", 2),
    "quang-cao": Signal("Quảng cáo", "soft", 2),
}


def score(scope="national", signals=(), outlets=1):
    return importance(scope=scope, signals=signals, outlets=outlets, book=BOOK)


def test_the_province_comes_before_the_nation_before_one_other_province():
    assert score("local").score > score("national").score > score("province").score
    assert score("neighbour").score > score("province").score > score("abroad").score


def test_who_acts_counts_double_in_the_headline_and_only_the_strongest_actor():
    in_title = score(signals=[("bo-gddt", "title")])
    in_text = score(signals=[("bo-gddt", "summary")])
    both = score(signals=[("bo-gddt", "title"), ("dia-phuong", "title")])
    assert in_title.score - score().score == 6 and in_text.score - score().score == 3
    assert both.score == in_title.score
    assert "Bộ GDĐT ở tiêu đề +6" in in_title.reasons


def test_acts_add_up_to_a_cap_and_outlets_to_theirs():
    acts = score(signals=[("van-ban", "title"), ("thi", "title")])
    assert acts.score - score().score == 4
    assert score(outlets=10).score - score().score == 3
    assert "10 báo đăng +3" in score(outlets=10).reasons


def test_soft_content_sinks_and_says_why():
    advert = score(signals=[("quang-cao", "title")])
    assert advert.score == score().score - 4
    assert "Quảng cáo -4" in advert.reasons


def test_unknown_signal_keys_count_for_nothing():
    assert score(signals=[("gone", "title")]) == score()
