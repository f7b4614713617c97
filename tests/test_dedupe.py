"""One article is one article: a second URL of the same outlet article (the outlet's article
number) or a reprint of the same text by the same outlet is recognised when stored and in
existing data (migration m006), so counts do not double."""

from __future__ import annotations

from datetime import datetime

import pytest

from dumon.models import Article
from dumon.output import periods, report
from dumon.storage import migrations, store
from dumon.storage.rows import article_record
from dumon.urls import article_key
from dumon.verdicts import MatchResult
from dumon.vntime import VN_TZ

MATCH = MatchResult(True, True, False, units=("Sở GDĐT Ninh Bình",), themes=("tuyen-sinh",))


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://vnexpress.net/hoc-sinh-gioi-4925206.html", "vnexpress.net#4925206"),
        ("https://vnexpress.net/hoc-sinh-gioi-quoc-gia-4925206.html", "vnexpress.net#4925206"),
        ("https://m.vnexpress.net/a-4925206.html", "vnexpress.net#4925206"),
        ("https://vnexpress.net/hop-bao-4927525-tong-thuat.html", "vnexpress.net#4927525"),
        ("https://thanhnien.vn/loc-xoay-185250825225844236.htm", "thanhnien.vn#185250825225844236"),
        ("https://www.nhandan.vn/giaoduc/de-an-post875146.html", "nhandan.vn#875146"),
        ("https://baonamdinh.vn/channel/5086/201511/truong-2451400/", "baonamdinh.vn#2451400"),
        ("https://x.vn/nam-2025-co-1000000-nguoi-4912345.html", "x.vn#4912345"),
        ("https://bench.invalid/baomoi-22872837-2", None),  # a copy number, not a variant
        ("http://www.example.vn/About.aspx?id=876", None),
        ("https://example.vn/lop-10-nam-2026.html", None),
    ],
)
def test_article_key_is_the_outlets_article_number(url, key):
    assert article_key(url) == key


def _article(url: str, title: str, *, outlet="VnExpress", summary="Tóm tắt bài.") -> Article:
    return Article(
        url=url,
        title=title,
        outlet=outlet,
        summary=summary,
        published=datetime(2025, 10, 1, 8, 0, tzinfo=VN_TZ),
        source="vne",
    )


def _store(db, *articles: Article) -> int:
    with db.atomic():
        return store.store_articles(db, [(a, MATCH) for a in articles], seen="x").articles_new


def test_a_second_url_of_the_same_article_is_not_stored_again(make_store):
    db = make_store()
    first = _article("https://vnexpress.net/tuyen-sinh-lop-10-4925206.html", "Tuyển sinh lớp 10")
    renamed = _article(
        "https://vnexpress.net/ninh-binh-tuyen-sinh-lop-10-4925206.html",
        "Ninh Bình công bố tuyển sinh lớp 10",
    )
    assert _store(db, first, renamed) == 1
    assert store.known_urls(db, [renamed.url, "https://vnexpress.net/khac-4999999.html"]) == {
        renamed.url
    }
    year = periods.school_year("2025-2026")
    assert report.build_report(db.conn, year).articles == 1


def test_a_reprint_counts_once_per_outlet(make_store):
    db = make_store()
    original = _article("http://127.0.0.1/a/1", "Khai giảng năm học mới", outlet="Báo A")
    reprint = _article("http://127.0.0.1/a/2", "Khai giảng năm học mới", outlet="Báo A")
    elsewhere = _article("http://127.0.0.1/b/1", "Khai giảng năm học mới", outlet="Báo B")
    assert _store(db, original, reprint, elsewhere) == 2
    outlets = report.build_report(db.conn, periods.school_year("2025-2026")).by_outlet
    assert {c.name: c.articles for c in outlets} == {"Báo A": 1, "Báo B": 1}


def test_a_recurring_headline_alone_is_not_a_reprint(make_store):
    db = make_store()
    one = _article("http://127.0.0.1/a/1", "Điểm tin sáng", outlet="Báo A", summary="")
    two = _article("http://127.0.0.1/a/2", "Điểm tin sáng", outlet="Báo A", summary="")
    assert _store(db, one, two) == 2


def test_the_migration_removes_duplicates_already_stored(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    before = [name for name, _ in migrations._MIGRATIONS if name < "m006"]
    monkeypatch.setattr(
        migrations, "_MIGRATIONS", [m for m in migrations._MIGRATIONS if m[0] in before]
    )
    db = store.open_db(path)  # the schema before m006: nothing stops the duplicates
    rows = [
        ("https://vnexpress.net/a-4925206.html", "Bài gốc", "VnExpress", "x", "h1"),
        ("https://vnexpress.net/b-4925206.html", "Bài đổi tên", "VnExpress", "x", "h2"),
        ("https://baoa.vn/tin/1", "Bài in lại", "Báo A", "có tóm tắt", "h3"),
        ("https://baoa.vn/tin/2", "Bài in lại", "Báo A", "có tóm tắt", "h3"),
        ("https://baob.vn/tin/1", "Bài in lại", "Báo B", "có tóm tắt", "h3"),
    ]
    with db.atomic():
        for i, (url, title, outlet, summary, digest) in enumerate(rows, start=1):
            db.execute(
                "insert into articles (id, url, title, outlet, summary, content_hash, "
                "published, first_seen, edu, units) values (?, ?, ?, ?, ?, ?, "
                "'2025-10-01T08:00:00+07:00', 'x', 1, '[\"Sở\"]')",
                [i, url, title, outlet, summary, digest],
            )
            db.execute("insert into hits (article_id, kind, key) values (?, 'unit', 'Sở')", [i])
        db.execute(
            "insert into coverage (day, outlet, source, edu, alert, local, units, themes, n) "
            "select substr(published, 1, 10), outlet, '', edu, alert, local, units, themes, "
            "count(*) from articles group by 1, 2, 3, 4, 5, 6, 7, 8"
        )
        db.execute(
            "insert into article_tags (article_id, kind, name, published) "
            "select id, 'unit', 'Sở', published from articles"
        )
    db.close()
    monkeypatch.undo()
    db = store.open_db(path)
    urls = [row[0] for row in db.execute("select url from articles order by id")]
    assert urls == ["https://vnexpress.net/a-4925206.html", "https://baoa.vn/tin/1", rows[4][0]]
    assert db.execute("select count(*) from hits").fetchone() == (3,)
    assert db.execute("select count(*) from article_tags").fetchone() == (3,)
    assert db.execute("select sum(n) from coverage").fetchone() == (3,)
    assert db.execute("select count(*) from articles_fts").fetchone() == (3,)
    db.execute("insert into articles_fts(articles_fts) values('integrity-check')")
    # From now on the store itself refuses them.
    with db.atomic():
        stored = store.store_articles(
            db, [(_article("https://vnexpress.net/c-4925206.html", "Lần ba"), MATCH)], seen="x"
        )
    assert stored.articles_new == 0
    db.close()


def test_the_duplicate_checks_use_indexes(make_store):
    """Each stored article looks up its number and its text by index: reading the outlet's
    whole history per insert made a million-article import 40 times slower."""
    db = make_store()
    record = article_record(_article("https://vnexpress.net/a-4925206.html", "Một bài"), MATCH)
    params = store._insert_params(record.values, "x")
    plan = db.execute("explain query plan " + store._INSERT_ARTICLE, params).fetchall()
    details = [row[-1] for row in plan]
    assert not any(d.startswith("SCAN articles") for d in details), details
    assert not any("outlet" in d for d in details), details
    assert any("idx_articles_key" in d for d in details)
    assert any("idx_articles_content" in d for d in details)


def test_an_import_counts_other_urls_of_an_article_as_already_there(tmp_path, isolated_home):
    import json

    from dumon.collecting.ingest import import_jsonl
    from dumon.desk import Desk

    lines = [
        {"id": 1, "title": "Bài gốc", "url": "https://vnexpress.net/bai-goc-4925206.html"},
        {"id": 2, "title": "Bài đổi tên", "url": "https://vnexpress.net/doi-ten-4925206.html"},
        {"id": 3, "title": "Bài khác", "url": "https://vnexpress.net/bai-khac-4925207.html"},
    ]
    path = tmp_path / "bai.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    report = import_jsonl(Desk(isolated_home), path)
    assert (report.articles_new, report.duplicates) == (2, 1)
