"""Build a large store from the shared corpus for the search and report benchmarks.

The corpus (about 250,000 real items) is repeated with fresh ids and URLs until N articles are
stored, through ``dumon.storage.store.store_articles`` (the scan's own write path, FTS
triggers included). Import speed through ``dumon.collecting.ingest.import_jsonl`` is measured
on a sample too.

Units, themes and alerts: with ``--match`` the project's matcher labels each corpus item once
(copies reuse it); otherwise a deterministic synthetic labelling (~12 % local with one or two
units, ~40 % with a theme, ~2 % alerts) so that reports have realistic work to do. Which one
was used is printed.

    python bench/build_store.py --n 1000000 --desk /tmp/dumon-bench
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from corpus import corpus_root
from dumon.desk import Desk
from dumon.models import Article, Source
from dumon.storage import store
from dumon.verdicts import MatchResult
from dumon.vntime import VN_TZ

FILES = (
    "articles/tintuchangngay_2025-08_to_2026-06.jsonl.gz",
    "articles/baomoi_2018-05.jsonl.gz",
)
BAOMOI_DATE = "2018-05-15"  # the corpus README: baomoi items were published in May 2018
UNITS = [
    "Sở Giáo dục và Đào tạo tỉnh Ninh Bình",
    "Sở Giáo dục và Đào tạo Nam Định",
    "THPT chuyên Lê Hồng Phong",
    "THPT A Trần Hưng Đạo",
    "THPT B Nguyễn Khuyến",
    "THPT B Nguyễn Huệ",
    "THPT Ngô Quyền",
    "THPT Mỹ Lộc",
    "Phòng GDĐT thành phố Nam Định",
    "Phòng GDĐT huyện Hải Hậu",
    "Phòng GDĐT huyện Giao Thủy",
    "Phòng GDĐT huyện Ý Yên",
    "Trường Cao đẳng Sư phạm Nam Định",
] + [f"Trường THCS số {i}" for i in range(1, 28)]
THEMES = ["tuyen_sinh", "thi_cu", "hoc_phi", "an_toan", "doi_ngu", "co_so_vat_chat", "thanh_tich"]
OUTLET_TIER = {
    "vnexpress.net": "central",
    "thanhnien.vn": "central",
    "tuoitre.vn": "central",
    "baomoi.com (aggregator)": "other",
}


def corpus_dir(arg: str | None) -> Path:
    path = corpus_root(arg)
    if not (path / FILES[0]).is_file():
        sys.exit(f"Không thấy bộ dữ liệu ở {path}: đặt DUMON_CORPUS hoặc --corpus. Bỏ qua.")
    return path


def read_corpus(root: Path) -> list[dict]:
    records = []
    for name in FILES:
        with gzip.open(root / name, "rt", encoding="utf-8") as handle:
            records.extend(json.loads(line) for line in handle if line.strip())
    return records


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def synthetic_match(record: dict) -> MatchResult:
    """Deterministic labels derived from the item id (not from its meaning)."""
    h = _digest(record["id"])
    local = h % 100 < 12
    units = (
        tuple(UNITS[(h >> s) % len(UNITS)] for s in (8, 16)[: 1 + (h >> 24) % 2]) if local else ()
    )
    themes = (THEMES[(h >> 32) % len(THEMES)],) if (h >> 40) % 100 < 40 else ()
    alert = (h >> 48) % 100 < 2
    return MatchResult(
        edu=bool(units or themes),
        local=local,
        alert=alert,
        units=tuple(dict.fromkeys(units)),
        themes=themes,
        severity=2 if alert else 0,
    )


def published(record: dict) -> datetime:
    """The item's date with a deterministic hour, so time order within a day is spread."""
    day = date.fromisoformat(record.get("date") or BAOMOI_DATE)
    minutes = _digest(record["id"] + "t") % (24 * 60)
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=VN_TZ)


def article(record: dict, copy: int) -> Article:
    """A stored article for one copy of a corpus item. Copies differ by invisible word
    joiners at the end of the body: the store keeps one copy of a reprint (the same text
    from the same outlet), and the bench wants a million distinct articles, not 250,000."""
    slug = f"{record['id']}-{copy}"
    return Article(
        url=f"https://bench.invalid/{slug}",
        title=record["title"] or "(không tiêu đề)",
        outlet=record["outlet"],
        summary=record.get("summary") or "",
        body=(record.get("body") or "") + "\u2060" * copy,
        published=published(record),
        source=record["outlet"],
        external_id=slug,
    )


def matcher_labels(root: Path, records: list[dict]) -> list[MatchResult]:
    from dumon.matching import Matcher

    matcher = Matcher.from_folder(Path(__file__).resolve().parents[1] / "keywords")
    return [
        matcher.match(
            title=r["title"] or "", summary=r.get("summary") or "", body=r.get("body") or ""
        )
        for r in records
    ]


def measure_import(records: list[dict], sample: int) -> None:
    """Articles per second through `import_jsonl` (no keywords: storage only)."""
    from dumon.collecting.ingest import import_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk(Path(tmp))
        path = Path(tmp) / "sample.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in records[:sample]:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        report = import_jsonl(desk, path)
        elapsed = time.perf_counter() - started
    print(
        f"import_jsonl: {report.articles_new} articles in {elapsed:.1f} s "
        f"= {report.articles_new / elapsed:,.0f} articles/s (sample of {sample}, no matcher)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--desk", type=Path, default=Path("/tmp/dumon-bench"))
    parser.add_argument("--corpus")
    parser.add_argument("--match", action="store_true", help="label with the real matcher")
    parser.add_argument("--import-sample", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()

    root = corpus_dir(args.corpus)
    records = read_corpus(root)
    print(f"corpus: {len(records)} items from {root}")
    if args.import_sample:
        measure_import(records, args.import_sample)

    started = time.perf_counter()
    labels = matcher_labels(root, records) if args.match else [synthetic_match(r) for r in records]
    print(
        f"labels: {'matcher' if args.match else 'synthetic'} in "
        f"{time.perf_counter() - started:.1f} s"
    )

    args.desk.mkdir(parents=True, exist_ok=True)
    db_path = args.desk / "dumon.db"
    if db_path.exists():
        sys.exit(f"{db_path} already exists: remove it or choose another --desk")
    db = store.open_db(db_path)
    store.sync_sources(
        db,
        [
            Source(outlet, f"https://{outlet.split()[0]}/rss", "rss", outlet, tier)
            for outlet, tier in OUTLET_TIER.items()
        ],
    )
    started = time.perf_counter()
    done = 0
    copy = 0
    seen = store.now_iso()
    while done < args.n:
        for i in range(0, len(records), args.batch):
            chunk = range(i, min(i + args.batch, len(records), i + args.n - done))
            pairs = [(article(records[j], copy), labels[j]) for j in chunk]
            with db.atomic():
                done += store.store_articles(db, pairs, seen=seen).articles_new
            if done >= args.n:
                break
            if (done // args.batch) % 20 == 0:
                rate = done / (time.perf_counter() - started)
                print(f"  {done:,} stored, {rate:,.0f}/s", flush=True)
        copy += 1
    elapsed = time.perf_counter() - started
    db.conn.execute("pragma optimize")
    db.conn.execute("insert into articles_fts(articles_fts) values ('optimize')")
    db.close()
    size = db_path.stat().st_size / 2**20
    print(
        f"store_articles: {done:,} articles in {elapsed:.0f} s = {done / elapsed:,.0f} articles/s; "
        f"{db_path} {size:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
