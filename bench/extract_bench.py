"""Article body extraction: time per page, and how much of the article text the fallback gets.

Reads the Dân trí article pages of the shared corpus at run time (``../shared/corpus`` next to
the repository, or ``$DUMON_CORPUS``, or ``--corpus DIR``); prints a clear message and exits 0
when they are absent. Nothing from the corpus is copied anywhere.

There is no gold text, so the per-site selector's output is the reference, and the fallback
(no selector) is scored against it with token precision/recall. Two fallbacks are measured:
the full one (known CMS containers first) and its generic text-density part alone, which is
what a site with an unknown layout gets. Baselines measured in the same run: decoding only,
and parsing only (html.parser, and lxml when it happens to be installed — not a dependency).

    python bench/extract_bench.py [--corpus DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable

from bs4 import BeautifulSoup

from corpus import corpus_root
from dumon.collecting.bodies import extract_body, fallback_body
from dumon.collecting.pages import decode_html, parse_listing
from dumon.models import Selectors, Source

LISTINGS = {
    # folder under pages/ → (glob of category listing pages, the per-site listing selectors)
    "dantri/dantri_2022_jaybmf": (
        "*.html",  # the category pages: names without "_"
        Selectors(
            item="article.article-item",
            link=".article-title a",
            title=".article-title",
            summary=".article-excerpt",
        ),
    ),
}
SITES = {
    # folder under pages/ → (glob of article pages, the per-site body selector)
    "dantri/dantri_2022_jaybmf": ("*_*.html", ".singular-content"),
}
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def precision_recall(candidate: str, reference: str) -> tuple[float, float]:
    got, want = tokens(candidate), tokens(reference)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return precision, recall


def per_page_ms(
    funcs: dict[str, Callable[[bytes], object]], pages: list[bytes], repeat: int
) -> dict[str, list[float]]:
    """Per function, each page's median time in ms; runs interleaved so load hits all alike."""
    runs: dict[str, list[list[float]]] = {name: [[] for _ in pages] for name in funcs}
    for _ in range(repeat):
        for index, content in enumerate(pages):
            for name, func in funcs.items():
                started = time.perf_counter()
                func(content)
                runs[name][index].append((time.perf_counter() - started) * 1000)
    return {name: [statistics.median(r) for r in per_page] for name, per_page in runs.items()}


def describe(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):6.1f}  min {min(values):6.1f}  max {max(values):6.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="the shared corpus folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page (median kept)")
    args = parser.parse_args()
    root = corpus_root(args.corpus) / "pages"
    if not root.is_dir():
        print(f"extract_bench skipped: no corpus pages at {root} (set DUMON_CORPUS or --corpus)")
        return 0

    for folder, (pattern, selector) in SITES.items():
        files = sorted((root / folder).glob(pattern))
        if not files:
            print(f"{folder}: no article pages matching {pattern}; skipped")
            continue
        pages = [f.read_bytes() for f in files]
        size = statistics.median(len(p) for p in pages) / 1000
        print(f"{folder}: {len(pages)} article pages, median {size:.0f} kB, selector {selector}")

        def with_selector(content: bytes, selector: str = selector) -> str:
            return extract_body(content, {}, url="http://127.0.0.1/", selector=selector)

        def fallback(content: bytes) -> str:
            return extract_body(content, {}, url="http://127.0.0.1/")

        def density_only(content: bytes) -> str:
            soup = BeautifulSoup(decode_html(content, {}), "html.parser")
            return fallback_body(soup, known_classes=False)

        timings = {
            "decode only (baseline)": lambda c: decode_html(c, {}),
            "decode + html.parser (baseline)": lambda c: BeautifulSoup(
                decode_html(c, {}), "html.parser"
            ),
        }
        try:
            import lxml  # noqa: F401  (optional: measured for comparison only)

            timings["decode + lxml parser (not a dependency)"] = lambda c: BeautifulSoup(
                decode_html(c, {}), "lxml"
            )
        except ImportError:
            pass
        timings |= {
            "extract_body with selector": with_selector,
            "extract_body fallback": fallback,
            "density-only fallback": density_only,
        }
        print(f"\ntime per page, ms (median of {args.repeat} runs per page):")
        for name, values in per_page_ms(timings, pages, args.repeat).items():
            print(f"  {name:42s} {describe(values)}")

        print("\nagreement with the selector's text (token precision / recall):")
        references = [with_selector(p) for p in pages]
        for name, func in (("fallback", fallback), ("density-only fallback", density_only)):
            pairs = zip(pages, references, strict=True)
            scores = [precision_recall(func(page), ref) for page, ref in pairs]
            precisions = [s[0] for s in scores]
            recalls = [s[1] for s in scores]
            print(
                f"  {name:24s} precision mean {statistics.mean(precisions):.3f} "
                f"min {min(precisions):.3f}   recall mean {statistics.mean(recalls):.3f} "
                f"min {min(recalls):.3f}"
            )
        empty = sum(1 for ref in references if not ref)
        chars = statistics.median(len(ref) for ref in references)
        print(f"  reference: median {chars:.0f} characters; {empty} pages with no text")

    for folder, (pattern, selectors) in LISTINGS.items():
        files = sorted(f for f in (root / folder).glob(pattern) if "_" not in f.name)
        if not files:
            continue
        source = Source(
            name="bench",
            url="http://127.0.0.1/",
            kind="html",
            outlet="bench",
            tier="other",
            selectors=selectors,
        )

        def listing(content: bytes, source: Source = source) -> object:
            return parse_listing(content, {}, source=source, base_url="http://127.0.0.1/")

        pages = [f.read_bytes() for f in files]
        found = [len(listing(p).articles) for p in pages]
        times = per_page_ms({"parse_listing": listing}, pages, args.repeat)["parse_listing"]
        print(f"\n{folder}: {len(pages)} listing pages, {sum(found)} articles found ({found})")
        print(f"  {'parse_listing, ms per page':42s} {describe(times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
