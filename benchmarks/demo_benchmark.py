"""How long `kpi demo` takes, and how its calibration holds up from seed to seed.

    .venv/bin/python benchmarks/demo_benchmark.py [--seeds 2017 1 2 3] [--today 2026-11-22]

For each seed it writes the demo into a temporary folder (timed), then prints the figures the
product brief asks for, computed from the canonical tables: contacts a year, police share,
decided within one working day, strategy share, re-referrals, assessments a year, and
assessment timeliness by the quarter of completion (42 working days from referral).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import pandas as pd

from kpi.demo import generate, write_demo
from kpi.demo.assessments import DIP_QUARTERS
from kpi.time.periods import code, financial_year_label
from kpi.data.processed import rereferral_flags
from kpi.time.workdays import working_days_elapsed


def calibration(seed: int, today: dt.date) -> dict[str, object]:
    tables = generate(seed, today)
    contacts, assessments = tables["contacts"], tables["assessments"]
    years = contacts["received_at"].dt.to_period("Y-MAR")
    decided = working_days_elapsed(contacts["received_at"].dt.normalize(), contacts["decision_at"].dt.normalize())
    rereferral = rereferral_flags(contacts)
    done = assessments[assessments["completion_date"].notna()]
    in_time = working_days_elapsed(done["referral_date"], done["completion_date"]).le(42)
    quarters = done["completion_date"].dt.to_period("Q-MAR")
    by_quarter = (in_time.groupby(quarters).mean() * 100).round(1)
    last = contacts["received_at"].max().to_period("Q-MAR")
    by_quarter = by_quarter[by_quarter.index <= last]
    first = by_quarter.index.min()
    dip = [first + i for i in DIP_QUARTERS]
    return {
        "contacts a year": {financial_year_label(y): n for y, n in contacts.groupby(years).size().items()},
        "police %": round(contacts["source"].eq("police").mean() * 100, 1),
        "decided within 1 working day %": round(decided.le(1).fillna(False).mean() * 100, 2),
        "to strategy %": round(contacts["strategy_discussion"].mean() * 100, 1),
        "re-referrals %": round(rereferral.dropna().astype(bool).mean() * 100, 1),
        "assessments a year (by referral)": {
            financial_year_label(y): n
            for y, n in assessments.groupby(assessments["referral_date"].dt.to_period("Y-MAR")).size().items()},
        "timeliness by quarter %": {code(q): v for q, v in by_quarter.items()},
        "dip quarters": [code(q) for q in dip],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2017, 1, 2, 3])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            write_demo(out=Path(folder) / "demo", seed=seed, config_path=Path(folder) / "kpi.yml", today=args.today)
            seconds = time.perf_counter() - started
        print(f"seed {seed}: write_demo took {seconds:.2f} s")
        for name, value in calibration(seed, args.today).items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items())
            print(f"  {name}: {value}")
        print()


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    main()
