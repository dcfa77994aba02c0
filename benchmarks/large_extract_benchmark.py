"""Peak memory and time to read and to ingest a very large contacts CSV (prints figures; not a test).

Writes a synthetic contacts extract of the size asked (default 2 GiB, with name, address, NHS number and
postcode columns, as a careless extract would have) to a temporary folder under /tmp, then, each in a
fresh process: reads it as `kpi ingest` reads a file (kpi.data.loading.read_part: only the canonical columns,
in batches), and runs the whole `kpi ingest`. Each process reports its own peak resident memory
(ru_maxrss); a watchdog stops a process that goes past --cap GiB, so the machine never runs out. The
file is deleted at the end.

    .venv/bin/python benchmarks/large_extract_benchmark.py [--gib 2] [--cap 14] [--reader-only]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

BLOCK_ROWS = 500_000
SOURCES = np.array(["Police", "Health", "Education", "Self", "Other LA", "Voluntary", "Anonymous"])
TYPES = np.array(["Referral", "Enquiry", "Information only", "Awaiting information"])
OUTCOMES = np.array(["NFA", "Advice", "Signposted", "Assessment", "Strategy discussion", "Early help", ""])

READ = """
import resource, sys, time
from pathlib import Path
from kpi.config import Source
from kpi.data.loading import read_part
from kpi.data.tables import table
started = time.perf_counter()
extract, match, original = read_part(table("contacts"), Source(path=sys.argv[1]), Path(sys.argv[1]))
seconds = time.perf_counter() - started
print(len(original), extract.batches, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

INGEST = """
import resource, sys, time
from kpi.config import load_config
from kpi.data.ingest import ingest
started = time.perf_counter()
result = ingest(load_config(sys.argv[1]))
seconds = time.perf_counter() - started
report = result.report.iloc[0]
print(report["rows_read"], report["rows_rejected"], seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def write_extract(path: Path, size: int) -> int:
    """A contacts CSV of about `size` bytes; returns its rows."""
    rng = np.random.default_rng(2017)
    rows = 0
    with pa.OSFile(str(path), "wb") as sink:
        header = True
        while sink.tell() < size:
            n = np.arange(rows, rows + BLOCK_ROWS)
            day = pd.Timestamp("2019-04-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, BLOCK_ROWS), unit="min")
            decided = day + pd.to_timedelta(rng.integers(30, 4 * 24 * 60, BLOCK_ROWS), unit="min")
            ids = pd.Series(n).astype(str)
            frame = pd.DataFrame({
                "Contact ID": "CON" + ids,
                "Person ID": "PER" + pd.Series(rng.integers(0, rows + BLOCK_ROWS, BLOCK_ROWS)).astype(str),
                "Child Name": "Forename" + ids + " Surname",
                "Address": ids + " High Street, Wrexham",
                "NHS Number": pd.Series(rng.integers(4_000_000_000, 9_999_999_999, BLOCK_ROWS)).astype(str),
                "Date Received": day.strftime("%d/%m/%Y %H:%M"),
                "Contact Source": SOURCES[rng.integers(0, len(SOURCES), BLOCK_ROWS)],
                "Contact Type": TYPES[rng.integers(0, len(TYPES), BLOCK_ROWS)],
                "Decision Date": decided.strftime("%d/%m/%Y %H:%M"),
                "Outcome": OUTCOMES[rng.integers(0, len(OUTCOMES), BLOCK_ROWS)],
                "Postcode": "LL" + pd.Series(rng.integers(11, 14, BLOCK_ROWS)).astype(str) + " 1AA",
            })
            pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), sink,
                            write_options=pacsv.WriteOptions(include_header=header))
            header = False
            rows += BLOCK_ROWS
    return rows


def measure(code: str, argument: str, cap: int) -> tuple[list[str] | None, float]:
    """Run `code` in a fresh Python; its printed figures, or None if the watchdog stopped it; its peak RSS."""
    env = dict(os.environ, KPI_PSEUDONYM_KEY=os.environ.get("KPI_PSEUDONYM_KEY", "benchmark-key-" + "x" * 32))
    process = subprocess.Popen([sys.executable, "-c", code, argument], stdout=subprocess.PIPE, text=True, env=env)
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            rss = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) * 1024
            peak = max(peak, rss)
        except (OSError, StopIteration):
            pass
        if peak > cap:
            process.kill()
            process.wait()
            return None, peak
        time.sleep(0.2)
    out = process.stdout.read().split()
    return (out if process.returncode == 0 and out else None), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="size of the CSV to write (GiB)")
    parser.add_argument("--cap", type=float, default=14.0, help="stop a process whose memory passes this (GiB)")
    parser.add_argument("--reader-only", action="store_true", help="measure reading only, not the whole ingest")
    args = parser.parse_args()
    cap = int(args.cap * 2**30)
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="kpi-large-") as folder:
        root = Path(folder)
        path = root / "contacts.csv"
        started = time.perf_counter()
        rows = write_extract(path, int(args.gib * 2**30))
        size = path.stat().st_size
        print(f"extract:   {size / 2**30:.2f} GiB, {rows:,} rows, 11 columns (4 identifying), "
              f"written in {time.perf_counter() - started:.0f} s")
        (root / "kpi.yml").write_text("authority: {name: Benchmark, code: W06000099, nation: wales}\n"
                                      "extract_date: 2020-03-31\nsources:\n  contacts: {path: contacts.csv}\n",
                                      encoding="utf-8")
        figures, polled = measure(READ, str(path), cap)
        if figures:
            read, batches, seconds, peak = int(figures[0]), int(figures[1]), float(figures[2]), int(figures[3])
            print(f"reading:   peak RSS {peak / 2**30:.2f} GiB ({peak / size:.2f} x the file), {seconds:.0f} s, "
                  f"{read:,} rows in {batches} batches")
        else:
            print(f"reading:   stopped or failed (peak RSS at least {polled / 2**30:.2f} GiB)")
        if not args.reader_only:
            figures, polled = measure(INGEST, str(root / "kpi.yml"), cap)
            if figures:
                read, rejected, seconds, peak = int(figures[0]), int(figures[1]), float(figures[2]), int(figures[3])
                print(f"kpi ingest: peak RSS {peak / 2**30:.2f} GiB ({peak / size:.2f} x the file), {seconds:.0f} s, "
                      f"{read:,} rows read, {rejected:,} rejected")
            else:
                print(f"kpi ingest: stopped at the {args.cap:g} GiB cap or failed "
                      f"(peak RSS at least {polled / 2**30:.2f} GiB)")


if __name__ == "__main__":
    main()
