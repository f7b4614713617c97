"""The compiled-profile cache: reused while nothing changed, rebuilt silently otherwise."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from dumon.errors import ConfigError
from dumon.matching import Matcher
from support.keywords import FIXTURE_KEYWORDS

TITLES = [
    "Sở GD&ĐT Nam Định công bố điểm chuẩn",
    "Học sinh huyện Vụ Bản đuối nước",
    "Thép Xanh Nam Định thắng trên sân Thiên Trường",
    "hoc sinh nam dinh",
]


@pytest.fixture
def keywords(tmp_path):
    return shutil.copytree(FIXTURE_KEYWORDS, tmp_path / "keywords")


def decisions(matcher):
    return [matcher.match(title=t, published=date(2024, 6, 1)) for t in TITLES]


def cache_files(cache):
    return sorted(p.name for p in cache.iterdir())


def test_a_cached_matcher_decides_exactly_like_a_fresh_one(keywords, tmp_path):
    cache = tmp_path / "cache"
    fresh = Matcher.from_folder(keywords)
    first = Matcher.from_folder(keywords, cache_dir=cache)
    assert len(cache_files(cache)) == 1
    cached = Matcher.from_folder(keywords, cache_dir=cache)
    assert cached.terms() == first.terms() == fresh.terms()
    assert decisions(cached) == decisions(fresh)


def test_the_cache_is_used_while_nothing_changed(keywords, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    Matcher.from_folder(keywords, cache_dir=cache)

    def no_loading(folder):
        raise AssertionError("the profile was compiled again")

    monkeypatch.setattr("dumon.matching.keywords.load_keywords", no_loading)
    assert Matcher.from_folder(keywords, cache_dir=cache).terms()


def test_a_folder_named_another_way_reads_the_same_cache(keywords, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.chdir(tmp_path)
    Matcher.from_folder("keywords", cache_dir=cache)
    cached = Matcher.from_folder(keywords, cache_dir=cache)  # absolute this time
    assert len(cache_files(cache)) == 1
    assert {t.path.parent for t in cached.terms()} <= {keywords, keywords / "units"}


def test_an_edited_keywords_file_rebuilds_the_cache(keywords, tmp_path):
    cache = tmp_path / "cache"
    before = Matcher.from_folder(keywords, cache_dir=cache)
    title = "Trường THPT Hoa Sen tổ chức hội thảo"
    assert not before.match(title=title).units
    (keywords / "units" / "extra.yaml").write_text(
        "units:\n  - key: hoa-sen\n    name: THPT Hoa Sen\n    kind: thpt\n", encoding="utf-8"
    )
    after = Matcher.from_folder(keywords, cache_dir=cache)
    assert after.match(title=title).units == ("THPT Hoa Sen",)
    assert Matcher.from_folder(keywords, cache_dir=cache).match(title=title).units


def test_a_stale_cache_never_hides_an_error_in_the_keywords(keywords, tmp_path):
    cache = tmp_path / "cache"
    Matcher.from_folder(keywords, cache_dir=cache)
    (keywords / "places.yaml").write_text(
        "places:\n  - key: vu-ban\n    name: Vụ Bản\n    valid_until: 2025-06-31\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        Matcher.from_folder(keywords, cache_dir=cache)
    assert raised.value.path.name == "places.yaml" and raised.value.line == 4


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b'{"key": 1}', b"[]", b"\xff\xfe", b"{}"],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(keywords, tmp_path, content):
    cache = tmp_path / "cache"
    Matcher.from_folder(keywords, cache_dir=cache)
    (path,) = cache.iterdir()
    path.write_bytes(content)
    assert decisions(Matcher.from_folder(keywords, cache_dir=cache)) == decisions(
        Matcher.from_folder(keywords)
    )
    assert path.read_bytes() != content


def _drop_first_pattern(line):
    return line.split(b",", 1)[1]


def _one_more_number(line):
    return line.replace(b"[", b"[1,", 1)


@pytest.mark.parametrize(
    ("line", "breaks"),
    [(2, _drop_first_pattern), (3, _one_more_number), (4, _one_more_number), (6, _one_more_number)],
    ids=["screen", "exact", "folded", "a term"],
)
def test_a_cache_with_the_right_key_but_a_broken_part_is_rebuilt(keywords, tmp_path, line, breaks):
    cache = tmp_path / "cache"
    Matcher.from_folder(keywords, cache_dir=cache)
    (path,) = cache.iterdir()
    lines = path.read_bytes().split(b"\n")
    broken = breaks(lines[line])
    assert broken != lines[line]
    path.write_bytes(b"\n".join([*lines[:line], broken, *lines[line + 1 :]]))
    assert decisions(Matcher.from_folder(keywords, cache_dir=cache)) == decisions(
        Matcher.from_folder(keywords)
    )
    assert path.read_bytes().split(b"\n")[line] == lines[line]  # rewritten


def test_a_cache_folder_that_cannot_be_written_only_loses_the_speed(keywords, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    matcher = Matcher.from_folder(keywords, cache_dir=blocked)
    assert decisions(matcher) == decisions(Matcher.from_folder(keywords))


def test_a_missing_keywords_folder_is_reported_not_cached(tmp_path):
    with pytest.raises(ConfigError, match="không có thư mục từ khóa"):
        Matcher.from_folder(tmp_path / "nowhere", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_a_cache_of_the_earlier_single_json_form_is_removed(keywords, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    earlier = cache / "matcher-0123456789abcdef.json"
    earlier.write_text('{"key": "x", "state": {}}', encoding="utf-8")
    Matcher.from_folder(keywords, cache_dir=cache)
    assert not earlier.exists()
    assert len(cache_files(cache)) == 1
