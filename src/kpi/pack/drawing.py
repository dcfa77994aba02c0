"""Drawing a pack's charts on every core, when `kpi pack` asks for it (the notebook's `chart_workers`).

Charts are most of a pack's time (a fifth of a second each, and there are forty or so), and the kernel that
runs the notebook uses one core. Each worker is a forked copy of the kernel: it starts with everything the pack
has worked out, is told only which chart to draw, and sends back the PNG and its alt text, the same bytes the
kernel would have drawn. Fork is used only where it is the platform's own (Linux); elsewhere, with one worker,
or if a worker dies, the charts are drawn here, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_WORK: dict[Hashable, Callable[[], object]] = {}  # what the forked workers find in their copy of this process


def _draw(key: Hashable) -> object:
    return _WORK[key]()


def processors() -> int:
    """The processors this process may use (fewer than the machine's in a container or a batch queue)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def draw_all(work: dict[Hashable, Callable[[], T]], workers: int) -> dict[Hashable, T]:
    """Every job's result, by key: in `workers` forked processes, or here when that is not possible or not
    worth it. An error in a job is raised here, as if it had run here."""
    if workers <= 1 or len(work) <= 1 or not can_fork():
        return {key: job() for key, job in work.items()}
    global _WORK
    _WORK = dict(work)
    done: dict[Hashable, T] = {}
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns that a process with threads (the kernel's) is forked; the workers only draw.
            warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
            with ProcessPoolExecutor(min(workers, len(work)), mp_context=multiprocessing.get_context("fork")) as pool:
                futures = {key: pool.submit(_draw, key) for key in work}
                for key, future in futures.items():
                    done[key] = future.result()
    except BrokenProcessPool:  # a worker was killed (out of memory, say): draw what is left here
        pass
    finally:
        _WORK = {}
    return {key: done[key] if key in done else job() for key, job in work.items()}
