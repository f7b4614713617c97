"""Record what dumon answers on the shared corpus, and compare two records: a restructuring
must change none of it.

    python bench/same_outputs.py record DIR [--corpus DIR] [--mornings DIR] [--dumon EXE]
    python bench/same_outputs.py compare OLD_DIR NEW_DIR

`record` writes, into DIR (outside the repository: it holds corpus text):
- ``match.jsonl.gz``: `dumon match --jsonl` on every article of the corpus files;
- ``quality.txt``: the quality gate's figures, misses and false alarms on the dev labels (the
  gate imports dumon: run this script with the Python of the dumon being recorded);
- ``digest-DAY.json``: `dumon digest --format json` of each reference morning, on a desk that
  imported those mornings (the generation time is blanked, it is the only clock-bound field);
- ``search.json``: `dumon search --json` for a fixed list of queries on that desk.

`compare` prints, per file, "same" or the first lines that differ, and exits 1 when any does.
Run `record` before a restructuring and again after it, then `compare`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import corpus_root
from search_bench import ADJACENCY_QUERIES

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MORNINGS = REPO.parent / "shared" / "mornings" / "dev"
SEARCHES = (*ADJACENCY_QUERIES, '"Tô Hiến Thành"')  # the office's queries, and a name
OUTLETS = {"vnexpress.net": "VnExpress", "thanhnien.vn": "Thanh Niên", "tuoitre.vn": "Tuổi Trẻ"}


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, **kwargs)
    if result.returncode not in (0, 1):
        sys.exit(f"{args[1:4]} failed (exit {result.returncode}): {result.stderr[-400:]!r}")
    return result


def record(out: Path, corpus: Path, mornings: Path, dumon: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = sorted((corpus / "articles").glob("*.jsonl.gz"))
    if not files:
        sys.exit(f"no corpus articles under {corpus}: nothing to record")
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp) / "desk"
        _run([dumon, "init", desk], check=True)
        with gzip.open(out / "match.jsonl.gz", "wb") as sink:
            for path in files:
                matched = _run(
                    [dumon, "--home", desk, "match", "--jsonl", "-"],
                    input=gzip.decompress(path.read_bytes()),
                )
                sink.write(matched.stdout)
        print(f"match: {len(files)} corpus files")

        gate = _run(
            [sys.executable, REPO / "bench" / "quality_gate.py", "--corpus", corpus]
            + ["--show", "100000"],
            text=True,
        )
        timeless = [line for line in gate.stdout.splitlines() if not line.startswith("(")]
        (out / "quality.txt").write_text("\n".join(timeless), encoding="utf-8")

        refs = sorted(mornings.glob("*.json"))
        items = Path(tmp) / "items.jsonl"
        with items.open("w", encoding="utf-8") as f:
            for ref in refs:
                for o in json.loads(ref.read_text(encoding="utf-8"))["items"]:
                    row = {k: o.get(k) for k in ("id", "title", "summary", "body", "url", "date")}
                    row["outlet"] = OUTLETS.get(o.get("outlet"), o.get("outlet"))
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        _run([dumon, "--home", desk, "import", "--jsonl", items], check=True)
        for ref in refs:
            day = ref.stem
            digest = _run(
                [dumon, "--home", desk, "digest", "--date", day, "--format", "json"], text=True
            )
            data = json.loads(digest.stdout)
            data["generated"] = None
            (out / f"digest-{day}.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
            )
        print(f"digest: {len(refs)} mornings")
        answers = {}
        for query in SEARCHES:
            found = _run([dumon, "--home", desk, "search", query, "--json"], text=True)
            answers[query] = json.loads(found.stdout or "null")
        (out / "search.json").write_text(
            json.dumps(answers, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        print(f"search: {len(SEARCHES)} queries")


def _lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).splitlines()


def compare(old: Path, new: Path) -> int:
    names = sorted({p.name for p in old.iterdir()} | {p.name for p in new.iterdir()})
    differ = 0
    for name in names:
        a, b = old / name, new / name
        if not (a.exists() and b.exists()):
            print(f"{name}: only in {'the old' if a.exists() else 'the new'} record")
            differ += 1
            continue
        left, right = _lines(a), _lines(b)
        if left == right:
            print(f"{name}: same ({len(left)} lines)")
            continue
        differ += 1
        changed = [i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y]
        print(f"{name}: DIFFERENT ({len(left)} vs {len(right)} lines, {len(changed)} differ)")
        for i in changed[:3]:
            print(f"  line {i + 1}:\n    old {left[i][:300]!r}\n    new {right[i][:300]!r}")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--corpus")
    rec.add_argument("--mornings", type=Path, default=DEFAULT_MORNINGS)
    rec.add_argument("--dumon", default=str(Path(sys.executable).parent / "dumon"))
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.action == "compare":
        return compare(args.old, args.new)
    corpus = corpus_root(args.corpus)
    if not (corpus / "articles").is_dir():
        print(f"skipped: no shared corpus at {corpus}")
        return 0
    record(args.out, corpus, args.mornings, args.dumon)
    return 0


if __name__ == "__main__":
    sys.exit(main())
