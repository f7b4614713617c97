"""The quality gate: score the matcher against the hand labels of the shared corpus.

Owns: reading ``labels/dev_labels.tsv`` and the labelled articles of ``articles/*.jsonl.gz``
(at run time, never copied into the repo), precision / recall / F1 for ``local`` (scope ==
local), ``edu`` and ``alert``, the list of misses and false alarms with the matcher's reasons,
and the comparison with the floors pinned in ``bench/quality_floors.json``.

    python bench/quality_gate.py [--corpus DIR] [--keywords DIR] [--show N] [--write-floors]

Exit 0 when every metric is at or above its floor (or the corpus is absent: skipped), 1 on a
regression beyond EPSILON, 2 on a usage or data error. The corpus is ``../shared/corpus`` next
to the repository, or $DUMON_CORPUS, or --corpus.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dumon.matching import Matcher
from dumon.verdicts import MatchResult

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_FLOORS = Path(__file__).resolve().parent / "quality_floors.json"
LABELS = Path("labels") / "dev_labels.tsv"
METRICS = ("local", "edu", "alert")
MEASURES = ("precision", "recall", "f1")
EPSILON = 0.005  # below the floor by more than this is a regression
# baomoi items carry no date; they were published in May 2018 (corpus README).
DATASET_DAY = {"baomoi_tc201805": date(2018, 5, 15)}


@dataclass
class Score:
    """Confusion counts of one binary decision, with the ids of the errors."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def add(self, article_id: str, *, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.false_alarms.append(article_id)
        elif truth:
            self.fn += 1
            self.misses.append(article_id)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _corpus_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    env = os.environ.get("DUMON_CORPUS")
    return Path(env) if env else DEFAULT_CORPUS


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """Label rows by article id (columns: id, edu, scope, alert, units, note)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    missing = {"id", "edu", "scope", "alert"} - set(rows[0] if rows else ())
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    return {row["id"]: row for row in rows}


def read_articles(folder: Path, wanted: set[str]) -> dict[str, dict]:
    """The labelled articles, streamed from every ``*.jsonl.gz`` of the folder."""
    found: dict[str, dict] = {}
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                # Cheap pre-filter: decode only lines whose id is labelled.
                start = line.find('"id": "')
                if start >= 0:
                    end = line.find('"', start + 7)
                    if line[start + 7 : end] not in wanted:
                        continue
                item = json.loads(line)
                if item.get("id") in wanted:
                    found[item["id"]] = item
    return found


def article_day(item: dict) -> date | None:
    """The date the labels were judged at: the item's own, else its dataset's period."""
    raw = item.get("date")
    if raw:
        return date.fromisoformat(str(raw)[:10])
    return DATASET_DAY.get(item.get("dataset", ""))


def printable(text: str, limit: int = 110) -> str:
    """Article text for a terminal: control characters dropped, one line, cut to ``limit``."""
    clean = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text or "")
    clean = " ".join(clean.split())
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def reasons(result: MatchResult) -> str:
    """The matcher's decisive hits and verdict lines, compactly."""
    fields: dict[tuple[str, str, str], list[str]] = {}
    for h in result.hits:
        if h.kind != "exclusion":
            seen = fields.setdefault((h.kind, h.key, h.term), [])
            if h.field not in seen:
                seen.append(h.field)
    hits = [f"{kind}:{key}←'{term}'@{'+'.join(f)}" for (kind, key, term), f in fields.items()]
    shown = ", ".join(hits[:8]) + (f", … (+{len(hits) - 8})" if len(hits) > 8 else "")
    verdicts = [r for r in result.rules if r.startswith(("edu:", "local:", "alert:", "Loại trừ"))]
    return (shown or "không có từ khóa nào") + " | " + " ".join(verdicts)


def score(
    matcher: Matcher, labels: dict[str, dict[str, str]], articles: dict[str, dict]
) -> tuple[dict[str, Score], dict[str, MatchResult]]:
    """Run the matcher on every labelled article and count agreements per metric."""
    scores = {name: Score() for name in METRICS}
    results = {}
    for article_id, row in labels.items():
        item = articles[article_id]
        result = matcher.match(
            title=item.get("title") or "",
            summary=item.get("summary") or "",
            body=item.get("body") or "",
            url=item.get("url") or "",
            outlet=item.get("outlet") or "",
            published=article_day(item),
        )
        results[article_id] = result
        scores["local"].add(article_id, truth=row["scope"] == "local", predicted=result.local)
        scores["edu"].add(article_id, truth=row["edu"] == "y", predicted=result.edu)
        scores["alert"].add(article_id, truth=row["alert"] == "y", predicted=result.alert)
    return scores, results


def figures(scores: dict[str, Score]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per metric, rounded for printing and pinning."""
    return {name: {m: round(getattr(s, m), 4) for m in MEASURES} for name, s in scores.items()}


def compare(current: dict, floors: dict) -> list[str]:
    """Each metric that fell below its pinned floor by more than EPSILON."""
    failures = []
    for name, measures in floors.items():
        for measure, floor in measures.items():
            value = current.get(name, {}).get(measure)
            if value is not None and value < floor - EPSILON:
                failures.append(f"{name} {measure} {value:.3f} < floor {floor:.3f}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", help="shared corpus folder (default ../shared/corpus or $DUMON_CORPUS)"
    )
    parser.add_argument("--keywords", default=str(REPO / "keywords"), help="keywords folder")
    parser.add_argument("--floors", default=str(DEFAULT_FLOORS), help="floors file (JSON)")
    parser.add_argument(
        "--show", type=int, default=10, help="misses and false alarms shown per metric"
    )
    parser.add_argument(
        "--write-floors", action="store_true", help="pin the current figures as floors"
    )
    args = parser.parse_args(argv)

    corpus = _corpus_dir(args.corpus)
    labels_path = corpus / LABELS
    if not labels_path.is_file():
        print(f"quality gate skipped: no labels at {labels_path} (set --corpus or $DUMON_CORPUS)")
        return 0

    started = time.perf_counter()
    matcher = Matcher.from_folder(args.keywords)
    try:
        labels = read_labels(labels_path)
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    articles = read_articles(corpus / "articles", set(labels))
    absent = sorted(set(labels) - set(articles))
    if absent:
        print(f"error: {len(absent)} labelled ids not found in {corpus / 'articles'}: {absent[:5]}")
        return 2
    scores, results = score(matcher, labels, articles)
    elapsed = time.perf_counter() - started

    current = figures(scores)
    print(f"Quality gate: {len(labels)} labelled articles, keywords {args.keywords}")
    print(f"(loading, matching and scoring took {elapsed:.1f} s)")
    print(f"{'metric':<7} {'precision':>9} {'recall':>7} {'f1':>6}   tp  fp  fn")
    for name in METRICS:
        s = scores[name]
        print(
            f"{name:<7} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}  "
            f"{s.tp:>3} {s.fp:>3} {s.fn:>3}"
        )
    for name in METRICS:
        s = scores[name]
        for title, ids in (("misses", s.misses), ("false alarms", s.false_alarms)):
            if not ids or args.show <= 0:
                continue
            print(f"\n{name} {title} ({len(ids)}):")
            for article_id in ids[: args.show]:
                item = articles[article_id]
                print(f"  {article_id}  {printable(item.get('title', ''))}")
                print(f"      {reasons(results[article_id])}")

    floors_path = Path(args.floors)
    if args.write_floors:
        pinned = {
            name: {m: math.floor(v * 100) / 100 for m, v in measures.items()}
            for name, measures in current.items()
        }
        floors_path.write_text(json.dumps(pinned, indent=2) + "\n", encoding="utf-8")
        print(f"\nfloors written to {floors_path}")
        return 0
    if not floors_path.is_file():
        print(f"\nno floors at {floors_path}: run with --write-floors to pin them")
        return 0
    failures = compare(current, json.loads(floors_path.read_text(encoding="utf-8")))
    if failures:
        print("\nREGRESSION: " + "; ".join(failures))
        return 1
    print("\nall metrics at or above their floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
