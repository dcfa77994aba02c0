"""How long ingest and the indicator table take at national scale (prints figures; not a test).

Builds a contacts extract of about a million rows by stacking the demo authority's contacts
under many synthetic authority codes, ingests it, then computes every quarter's indicators.

    .venv/bin/python benchmarks/ingest_benchmark.py [authorities]   # default 15 (about 1 million contacts)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import datetime as dt

import pandas as pd

from kpi.config import load_config
from kpi.demo import write_demo
from kpi.compare.table import indicator_table
from kpi.data.ingest import ingest


def main(authorities: int = 15) -> None:
    os.environ.setdefault("KPI_PSEUDONYM_KEY", "benchmark")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_demo(out=root / "demo", config_path=root / "demo.yml", today=dt.date(2026, 11, 22))
        one = pd.read_csv(root / "demo/contacts.csv", dtype=str, keep_default_na=False)
        frames = []
        for n in range(authorities):
            copy = one.copy()
            copy["Contact ID"] = f"A{n}-" + copy["Contact ID"]
            copy["Person ID"] = f"A{n}-" + copy["Person ID"]
            frames.append(copy)
        big = pd.concat(frames, ignore_index=True)
        big.to_csv(root / "contacts.csv", index=False)
        (root / "kpi.yml").write_text(
            "authority: {name: Benchmark, code: W06000099, nation: wales}\n"
            "extract_date: 2026-11-22\n"
            "sources:\n  contacts: {path: contacts.csv, categories: {source: {Heddlu Gogledd Cymru: police}}}\n",
            encoding="utf-8")
        config = load_config(root / "kpi.yml")
        started = time.perf_counter()
        result = ingest(config)
        ingest_seconds = time.perf_counter() - started
        report = result.report.iloc[0]
        started = time.perf_counter()
        table = indicator_table(config, "2020-21Q1..2026-27Q2")
        table_seconds = time.perf_counter() - started
    print(f"contacts rows read:      {report['rows_read']:,} ({report['rows_accepted']:,} accepted, "
          f"{report['rows_rejected']:,} rejected)")
    print(f"kpi ingest:              {ingest_seconds:.1f} s ({report['rows_read'] / ingest_seconds:,.0f} rows/s)")
    print(f"indicator table:         {table_seconds:.1f} s for {table['period'].nunique()} quarters x "
          f"{table['indicator_id'].nunique()} indicators")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
