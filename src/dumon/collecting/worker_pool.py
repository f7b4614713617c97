"""The scan's worker processes: started with the scan, stopped (or killed) with it.

Workers are spawned, not forked (docs/architecture.md: forked workers inherited the scan's
sockets and lock); each parses, extracts and matches (`collecting.worker`).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from pathlib import Path

from dumon.collecting.worker import init_worker


class Jobs:
    """Whether the scan left worker jobs running (past the deadline): then its workers are
    killed rather than waited for."""

    abandoned = False


def stop_workers(pool: ProcessPoolExecutor, *, wait: bool) -> None:
    """Shut the workers down; unless every job ended (`wait`), kill them.

    A job still running past the scan's deadline (a page that takes minutes to parse) would
    otherwise hold the scan, and its lock, until it ends: its source is already recorded as
    failed, so what it would return is not wanted.
    """
    if wait:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    # The executor has no public way to stop a running job; its processes are all we need.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


def start_workers(
    keywords_dir: Path | None, cache_dir: Path, workers: int | None
) -> ProcessPoolExecutor:
    """The parsing and matching processes, started now so that their start-up (an interpreter,
    imports, the keyword index: ~0.3 s each) overlaps the first requests instead of following
    the first response."""
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(str(keywords_dir) if keywords_dir else None, str(cache_dir), os.getpid()),
    )
    with _workers_skip_main_script():
        for _ in range(workers):  # a process is spawned per task submitted while none is idle
            pool.submit(os.getpid)
    return pool


@contextmanager
def _workers_skip_main_script() -> Iterator[None]:
    """A spawned process first runs the parent's main script again (as ``__mp_main__``) unless
    it is a package's ``__main__``. For the ``dumon`` console script that is the whole CLI,
    ~0.2 s of imports per worker for nothing: workers only run `collecting.worker`. So while
    they start, the script is presented as what it stands for, ``python -m dumon``."""
    main = sys.modules["__main__"]
    if getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = ModuleSpec("dumon.__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None
