"""How long do SPC charts for many indicators take? Prints timings; not a test.

Run: .venv/bin/python benchmarks/spc_benchmark.py [series] [points]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from kpi.spc.xmr import spc_many


def make_frame(series: int, points: int, seed: int = 1) -> pd.DataFrame:
    """Random series with a shift half way through and a few missing values."""
    rng = np.random.default_rng(seed)
    values = rng.normal(50, 5, (series, points))
    values[:, points // 2 :] += rng.normal(0, 6, (series, 1))
    values[rng.random((series, points)) < 0.02] = np.nan
    return pd.DataFrame(
        {
            "indicator_id": np.repeat([f"ind{i:05d}" for i in range(series)], points),
            "period": np.tile(np.arange(points), series),
            "value": values.ravel(),
            "rebase": np.tile(np.arange(points) == points // 2, series) & (np.arange(series * points) % 3 == 0),
        }
    )


def best_of(runs: int, work) -> float:
    """Fastest of a few runs, in seconds (the least disturbed by anything else on the machine)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(series: int = 10_000, points: int = 40) -> None:
    warnings.filterwarnings("ignore", "some rebase groups")  # a third of the series are rebased into short groups
    frame = make_frame(series, points)
    improvement = {f"ind{i:05d}": ("increase", "decrease", "neutral")[i % 3] for i in range(series)}
    for preset in ("mdc", "nhsr"):
        seconds = best_of(
            5, lambda: spc_many(frame, improvement=improvement, target=55.0, rebase="rebase", preset=preset)
        )
        rows = series * points
        print(f"spc_many preset={preset}: {series:,} series x {points} points ({rows:,} rows) "
              f"in {seconds:.3f} s (best of 5; {rows / seconds / 1e6:.1f} million points a second)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
