"""A small known store for the reading commands (search, report, export).

Every article and every figure below is written for these tests; the report tests count on
exactly these rows, so change them together.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from dumon.models import Article, Source
from dumon.storage import sources, store
from dumon.verdicts import Hit, MatchResult
from dumon.vntime import VN_TZ

SOURCES = (
    Source("vne-giaoduc", "http://127.0.0.1/vne.rss", "rss", "VnExpress", "central"),
    Source("tn-giaoduc", "http://127.0.0.1/tn.rss", "rss", "Thanh Niên", "central"),
    Source("bao-nb", "http://127.0.0.1/nb.rss", "rss", "Báo Ninh Bình", "local"),
    Source("gdtd", "http://127.0.0.1/gdtd.rss", "rss", "Giáo dục và Thời đại", "sector"),
)
OUTLET_SOURCE = {s.outlet: s.name for s in SOURCES}

SO = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"
LHP = "THPT chuyên Lê Hồng Phong"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


# (when, outlet, title, summary, units, themes, alert)
ROWS = (
    (
        "2025-09-05 08:00",
        "Báo Ninh Bình",
        "Khai giảng năm học mới ở Ninh Bình",
        "Hơn 400 nghìn học sinh dự lễ khai giảng, Sở GDĐT Ninh Bình chỉ đạo an toàn.",
        (SO,),
        ("khai_giang",),
        False,
    ),
    (
        "2025-10-12 09:30",
        "VnExpress",
        "Đề án tuyển sinh lớp 10 năm 2026 của Ninh Bình",
        "Sở Giáo dục và Đào tạo công bố phương án tuyển sinh lớp 10 với ba môn thi.",
        (SO,),
        ("tuyen_sinh",),
        False,
    ),
    (
        "2025-10-12 10:15",
        "Thanh Niên",
        "Ninh Bình công bố đề án tuyển sinh lớp 10 năm 2026",
        "Thí sinh thi ba môn; trường chuyên Lê Hồng Phong thi thêm môn chuyên.",
        (SO, LHP),
        ("tuyen_sinh",),
        False,
    ),
    (
        "2025-11-20 07:00",
        "Giáo dục và Thời đại",
        "Phụ huynh phản ánh lạm thu đầu năm ở một trường học",
        "Phụ huynh cho biết các khoản thu quỹ lớp vượt mức quy định, Sở đã vào cuộc.",
        (SO,),
        ("hoc_phi",),
        True,
    ),
    (
        "2025-12-01 15:00",
        "VnExpress",
        "Học sinh đuối nước khi tắm sông",
        "Một học sinh lớp 8 bị đuối nước; nhà trường nhắc phòng chống đuối nước.",
        (),
        ("an_toan",),
        True,
    ),
    (
        "2026-01-15 08:45",
        "Báo Ninh Bình",
        "Trường chuyên Lê Hồng Phong đoạt 12 giải học sinh giỏi quốc gia",
        "Đội tuyển hoá học và thuỷ văn của trường chuyên đạt kết quả cao.",
        (LHP,),
        ("thanh_tich",),
        False,
    ),
    (
        "2026-03-08 11:00",
        "Thanh Niên",
        "Hà Nội công bố chỉ tiêu tuyển sinh lớp 10",
        "Thành phố Hà Nội dự kiến tuyển 130 nghìn học sinh vào lớp 10 công lập.",
        (),
        ("tuyen_sinh",),
        False,
    ),
    (
        "2026-09-10 09:00",
        "VnExpress",
        "Tieu de khong dau: dao tao giao vien",
        "Bai viet khong dau ve dao tao giao vien tai Ninh Binh.",
        (),
        (),
        False,
    ),
    (
        "2025-08-20 08:00",
        "Giáo dục và Thời đại",
        "Bài có [bold]đậm[/bold] và <script>alert(1)</script> trong tiêu đề",
        "Đào tạo giáo viên: một tiêu đề chứa ký tự đặc biệt.",
        (SO,),
        ("dao_tao",),
        False,
    ),
)


def make_store(db_path) -> None:
    """Write ROWS (with sources and one hit per unit/theme) into a fresh database."""
    db = store.open_db(db_path)
    sources.sync_sources(db, SOURCES)
    pairs = []
    for i, (when, outlet, title, summary, units, themes, alert) in enumerate(ROWS):
        article = Article(
            url=f"http://127.0.0.1/bai/{i}",
            title=title,
            outlet=outlet,
            summary=summary,
            published=_at(when),
            source=OUTLET_SOURCE[outlet],
        )
        hits = tuple(Hit("unit", u, u, "summary", 0, len(u)) for u in units) + tuple(
            Hit("theme", t, t, "title", 0, len(t)) for t in themes
        )
        match = MatchResult(
            edu=True,
            local=bool(units),
            alert=alert,
            units=units,
            themes=themes,
            alerts=("canh_bao",) if alert else (),
            severity=2 if alert else 0,
            hits=hits,
        )
        pairs.append((article, match))
    with db.atomic():
        store.store_articles(db, pairs, seen="2026-09-11T07:00:00+07:00")
    db.close()


@pytest.fixture
def reading_db(isolated_home):
    """The known store in the test's desk, returning the database path."""
    path = isolated_home / "dumon.db"
    make_store(path)
    return path
