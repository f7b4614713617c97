"""Matcher speed on the shared corpus, against a naive matcher and a bare-Python floor.

Run from the repository root::

    python bench/match_bench.py [--articles 10000] [--naive 100] [--items 20000]

Reads ``../shared/corpus/articles/*.jsonl.gz`` (or ``$DUMON_CORPUS/articles``) at run time and
copies none of it into the repository; skips with a message when the corpus is absent.

Prints, for the bundled profile (``keywords/`` of the repository) and for a synthetic profile
of more than 5,000 searched forms (the bundled one plus generated school names):
index build time and memory, the time to read the compiled profile back from its cache,
articles/s and MB/s on one core, and the naive matcher
(rapidfuzz ``partial_ratio`` of every term against every article, on a sample) measured in the
same run. Then the whole batch matcher process (``python -m dumon.batch``, the ``dumon-match``
entry point other programs start) on title+summary items against the floor: a bare Python
process that reads the same JSON lines and writes one line per item; its desk (the profile
cache) is a temporary folder, started once without the cache. ``dumon match --jsonl`` (the
same engine behind Typer's start-up) is measured beside it.
Targets (issue 3): ≥ 100× naive; ≤ 4× the floor; 5,000 terms within 2× of the bundled
throughput.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from rapidfuzz import fuzz

from dumon.matching import Matcher
from dumon.matching.expand import build_terms
from dumon.matching.keywords import load_keywords

REPO = Path(__file__).resolve().parents[1]

FLOOR = """
import json, sys
write = sys.stdout.write
for line in sys.stdin:
    item = json.loads(line)
    write(json.dumps({"id": item.get("id")}) + "\\n")
"""

_NAMES = {
    "family": "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Mai Tô Cao",
    "middle": "Văn Thị Hữu Đức Minh Quang Thành Xuân Hồng Trọng Công Bá Đình Ngọc Thế Khắc",
    "given": "An Bình Cường Dũng Giang Hải Hòa Hùng Khánh Lâm Long Nam Phong Phúc Quý Sơn Tâm "
    "Thắng Thủy Tiến Trung Tuấn Việt Yên Hiếu Nghĩa Lộc Thịnh Hưng Lợi Đạt Huy Khoa Ngân",
}
FAMILY, MIDDLE, GIVEN = (_NAMES[k].split() for k in ("family", "middle", "given"))
TYPES = ("Trường THCS", "Trường Tiểu học", "Trường Mầm non", "Trường THPT")


def corpus_dir() -> Path | None:
    env = os.environ.get("DUMON_CORPUS")
    folder = Path(env) if env else REPO.parent / "shared" / "corpus"
    return folder if (folder / "articles").is_dir() else None


def read_articles(folder: Path, limit: int) -> list[dict]:
    """Articles from every JSONL file, interleaved so both periods are represented."""
    files = sorted((folder / "articles").glob("*.jsonl.gz"))
    per_file = -(-limit // max(1, len(files)))
    out: list[dict] = []
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            out.extend(json.loads(line) for line in islice(handle, per_file))
    random.Random(3).shuffle(out)
    return out[:limit]


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def build(folder: Path, cache: Path) -> tuple[Matcher, float, float, float, float]:
    """The matcher, its build seconds, Python peak allocation (MiB), RSS growth (MiB), and
    the seconds to read it back from the compiled-profile cache."""
    gc.collect()
    before = rss_kib()
    tracemalloc.start()
    start = time.perf_counter()
    matcher = Matcher.from_folder(folder)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = (rss_kib() - before) / 1024
    Matcher.from_folder(folder, cache_dir=cache)  # writes the cache
    start = time.perf_counter()
    Matcher.from_folder(folder, cache_dir=cache)
    cached = time.perf_counter() - start
    return matcher, seconds, peak / 2**20, rss, cached


def throughput(matcher: Matcher, articles: list[dict]) -> tuple[float, float]:
    """Articles/s and MB/s over title, summary, body and URL, best of two passes."""
    size = sum(
        len((a.get(k) or "").encode())
        for a in articles
        for k in ("title", "summary", "body", "url")
    )
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for a in articles:
            matcher.match(
                title=a.get("title") or "",
                summary=a.get("summary") or "",
                body=a.get("body") or "",
                url=a.get("url") or "",
                outlet=a.get("outlet") or "",
                published=None,
            )
        best = min(best, time.perf_counter() - start)
    return len(articles) / best, size / best / 1e6


def naive(matcher: Matcher, articles: list[dict]) -> float:
    """Articles/s of rapidfuzz partial_ratio of every searched form against every article."""
    terms = sorted({t.text for t in matcher.terms()})
    start = time.perf_counter()
    for a in articles:
        text = " ".join(a.get(k) or "" for k in ("title", "summary", "body", "url")).lower()
        for term in terms:
            fuzz.partial_ratio(term, text, score_cutoff=90)
    return len(articles) / (time.perf_counter() - start)


def synthetic_profile(target: Path, terms_wanted: int) -> int:
    """The bundled profile plus generated school names until the profile searches at least
    ``terms_wanted`` forms; returns the number of forms."""
    shutil.copytree(REPO / "keywords", target)
    rng = random.Random(7)
    names: set[str] = set()
    count = len(build_terms(load_keywords(target)))
    batch = []
    while count < terms_wanted:
        name = f"{rng.choice(TYPES)} {rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name in names:
            continue
        names.add(name)
        batch.append(name)
        count += 4  # "Trường X", "X", and the spelled-out type word of each
    lines = ["units:"]
    for i, name in enumerate(batch):
        lines += [f"  - key: synthetic-{i}", f'    name: "{name}"', "    kind: school"]
    (target / "units" / "synthetic.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(build_terms(load_keywords(target)))


def wall(
    command: list[str], stdin: Path, repeat: int = 3, before: Callable[[], None] = lambda: None
) -> float:
    best = float("inf")
    for _ in range(repeat):
        before()
        with stdin.open("rb") as source:
            start = time.perf_counter()
            subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, check=True, cwd=REPO)
            best = min(best, time.perf_counter() - start)
    return best


def clear(desk: Path) -> None:
    """Remove the desk's compiled-profile cache, so the next start compiles the profile."""
    shutil.rmtree(desk / ".dumon-cache", ignore_errors=True)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=100, help="articles for the naive matcher")
    parser.add_argument("--items", type=int, default=20_000, help="items for the whole process")
    args = parser.parse_args()
    corpus = corpus_dir()
    if corpus is None:
        print("SKIP: no corpus at ../shared/corpus/articles (set DUMON_CORPUS to its folder)")
        return 0
    articles = read_articles(corpus, max(args.articles, args.items))
    sample = articles[: args.articles]
    mb = sum(len((a.get("title") or "") + (a.get("summary") or "")) for a in sample)
    print(
        f"corpus: {len(sample)} articles, ~{mb / len(sample):.0f} characters of title+summary each"
    )
    print(f"one core: pid {os.getpid()}, {os.cpu_count()} CPUs on the machine\n")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = Path(tmp) / "keywords-5000"
        forms = synthetic_profile(synthetic, 5_000)
        for label, folder in (("bundled", REPO / "keywords"), (f"{forms} forms", synthetic)):
            matcher, seconds, peak, rss, cached = build(folder, Path(tmp) / f"cache-{len(rows)}")
            rate, mbs = throughput(matcher, sample)
            slow = naive(matcher, sample[: args.naive])
            rows.append((label, len(matcher.terms()), seconds, cached, peak, rss, rate, mbs, slow))

        print(
            f"{'profile':<12} {'forms':>6} {'build s':>8} {'cached s':>8} {'py MiB':>7} "
            f"{'RSS MiB':>8} {'art/s':>8} {'MB/s':>6} {'naive/s':>8} {'× naive':>8}"
        )
        for label, n, seconds, cached, peak, rss, rate, mbs, slow in rows:
            print(
                f"{label:<12} {n:>6} {seconds:>8.3f} {cached:>8.3f} {peak:>7.1f} {rss:>8.1f} "
                f"{rate:>8.0f} {mbs:>6.2f} {slow:>8.1f} {rate / slow:>8.0f}"
            )
        ratio = rows[0][6] / rows[1][6]
        print(f"\nbundled / 5,000-form throughput: {ratio:.2f}× (target ≤ 2×)")
        print(f"× naive: {min(r[6] / r[8] for r in rows):.0f} at worst (target ≥ 100×)")

        items = Path(tmp) / "items.jsonl"
        with items.open("w", encoding="utf-8") as out:
            for a in articles[: args.items]:
                item = {k: a.get(k) for k in ("id", "title", "summary", "outlet", "date")}
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        desk = Path(tmp) / "desk"  # holds the compiled-profile cache, not the repository
        desk.mkdir()
        keywords = str(REPO / "keywords")
        batch = [sys.executable, "-m", "dumon.batch", "--home", str(desk), "--keywords", keywords]
        through_typer = [sys.executable, "-m", "dumon", "--home", str(desk), "match"]
        through_typer += ["--keywords", keywords]
        empty = Path(tmp) / "empty.jsonl"
        empty.write_text("", encoding="utf-8")
        floor = wall([sys.executable, "-c", FLOOR], items)
        bare = wall([sys.executable, "-c", "pass"], empty)
        cold = wall([*batch, "--jsonl", "-"], empty, repeat=1, before=lambda: clear(desk))
        start = wall([*batch, "--jsonl", "-"], empty)
        one = wall([*batch, "--jobs", "1", "--jsonl", "-"], items)
        two = wall([*batch, "--jobs", "2", "--jsonl", "-"], items)
        default = wall([*batch, "--jsonl", "-"], items)
        typer_start = wall([*through_typer, "--jsonl", "-"], empty)
        typer_default = wall([*through_typer, "--jsonl", "-"], items)
        print(f"\nwhole process on {args.items} title+summary items (best of 3):")
        print(f"  floor (read JSON lines, write one line each): {floor:.2f} s")
        print(f"    of which the interpreter's own start:       {bare:.2f} s")
        print(f"  dumon-match, no input, profile compiled: {cold:.2f} s")
        print(f"  dumon-match, no input, profile cached:   {start:.2f} s")
        print(f"  dumon-match --jobs 1: {one:.2f} s = {one / floor:.2f}× the floor")
        print(f"  dumon-match --jobs 2: {two:.2f} s = {two / floor:.2f}× the floor")
        print(f"  dumon-match ({_cpus()} CPUs): {default:.2f} s = {default / floor:.2f}× the floor")
        print("  (target ≤ 4× the floor)")
        print("the same through Typer (what the `dumon` command line costs to start):")
        print(f"  dumon match --jsonl, no input, profile cached: {typer_start:.2f} s")
        print(
            f"  dumon match --jsonl ({_cpus()} CPUs): {typer_default:.2f} s = "
            f"{typer_default / floor:.2f}× the floor"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
