"""Timing helpers shared by the benchmarks: median wall time and the CPU time behind it."""

from __future__ import annotations

import resource
import statistics
import time


def median_ms(fn, repeat: int) -> float:
    """Median wall time; the CPU time (own and children's) is kept in CPU_MS for the record."""
    fn()  # warm the page cache
    times, cpu = [], []
    for _ in range(repeat):
        before = cpu_seconds()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - before)
    CPU_MS.append(1000 * statistics.median(cpu))
    return 1000 * statistics.median(times)


CPU_MS: list[float] = []


def cpu() -> str:
    return f" (CPU {CPU_MS[-1]:.0f} ms)"


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children: the figure the machine's load
    (other jobs on the 2 cores) does not inflate."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
