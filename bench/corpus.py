"""Where the shared corpus lives: `--corpus DIR`, else `$DUMON_CORPUS`, else `../shared/corpus`.

The corpus belongs to its publishers: benchmarks read it at run time and never copy it.
"""

from __future__ import annotations

import os
from pathlib import Path


def corpus_root(arg: str | None = None) -> Path:
    if arg:
        return Path(arg)
    if os.environ.get("DUMON_CORPUS"):
        return Path(os.environ["DUMON_CORPUS"])
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
