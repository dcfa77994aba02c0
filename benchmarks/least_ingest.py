"""The least an ingest can do: read each CSV with pyarrow (as the ingest floor does), replace its ids by their
keyed pseudonyms (kpi's own HMAC, each distinct id once) and write it as parquet. No checks, no quarantine, no
Excel row numbers, no repeated rows found: everything `kpi ingest` does beyond this is what the rules ask for.
benchmarks/limits.py times it beside `kpi ingest` and the parse floor, to show how much of the ingest's time
the rules take and how much reading, pseudonymising and writing alone already take.

    .venv/bin/python benchmarks/least_ingest.py <out folder> <file.csv> ...
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import csv

from kpi.data.loading import PERSON_ID_PREFIX
from kpi.data.pseudonym import pseudonymise

KEY = b"a benchmark key of no value, 32 bytes or more long"


def main(out: Path, files: list[Path]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for file in files:
        table = csv.read_csv(file)
        for name, prefix in PERSON_ID_PREFIX.items():
            if name in table.column_names:
                ids = pd.Series(pd.arrays.ArrowStringArray(table.column(name).cast(pa.large_string())))
                pseudonyms = pseudonymise(ids, KEY, prefix=prefix)
                table = table.set_column(table.column_names.index(name), name,
                                         pa.array(pseudonyms.array, type=pa.large_string(), from_pandas=True))
        pq.write_table(table, out / f"{file.stem}.parquet")


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(f) for f in sys.argv[2:]])
