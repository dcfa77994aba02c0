"""Each authority's processed tables, split from data that hold several authorities' records.

A national analyst's processed tables hold every authority, each row naming its own in the `authority`
column. An authority's pack is an ordinary single-authority pack, so it needs a processed folder of its
own rows: the tables, the rows it had rejected at ingest and an ingest report counting its rows only (so
the data-quality page of its pack still adds up: rows read = accepted + rejected).

Each table is read once, a batch at a time, and its rows sorted into one parquet file per authority with
the table's own schema (the pandas types included), so an authority's table reads back exactly as the
national one filtered to it. Rows that name no authority belong to no authority's pack. The published
comparators are not split: they are about every area, and each authority gets them whole.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.data.cells import from_csv_text, write_csv
from kpi.data.ingest_outputs import commonest
from kpi.data.processed import ProcessedData, TablesOnDisk
from kpi.data.tables import AUTHORITY

REPORT = "ingest_report.csv"
REJECTED = "rejected"
COMPARATORS = "comparators"
BATCH_ROWS = 1_000_000  # rows read at a time: a national contacts table is never held whole


def record_tables(processed: Path) -> dict[str, Path]:
    """The processed tables that hold records (every table but the comparators), by name."""
    from kpi.data.tables import TABLE_NAMES

    return {name: processed / f"{name}.parquet" for name in TABLE_NAMES
            if name != COMPARATORS and (processed / f"{name}.parquet").is_file()}


def authorities_in(processed: Path) -> list[str]:
    """Every authority named in the record tables, in code order (none: the data are one authority's)."""
    return ProcessedData(TablesOnDisk(record_tables(processed))).authorities()


def split_processed(processed: Path, folders: dict[str, Path]) -> None:
    """Write each authority's rows of every record table, its rejected rows and its ingest report into its
    folder (`folders`: authority code -> its processed folder, made here)."""
    processed = processed.resolve()  # `data/processed` is a link to the current version: read that one throughout
    for folder in folders.values():
        (folder / REJECTED).mkdir(parents=True, exist_ok=True)
    accepted: Counter = Counter()  # (authority, table, source file) -> rows
    for name, path in record_tables(processed).items():
        accepted.update(_split_table(name, path, folders))
    rejected = {name: _split_rejected(processed / REJECTED / f"{name}.csv", folders)
                for name in record_tables(processed)}
    report = processed / REPORT
    if report.is_file():
        national = from_csv_text(pd.read_csv(report, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
        for code, folder in folders.items():
            write_csv(authority_report(national, code, accepted, rejected), folder / REPORT)


def _split_table(name: str, path: Path, folders: dict[str, Path]) -> Counter:
    """One pass over a table: each batch sorted by authority (a stable sort keeps the rows' order) and each
    authority's run of rows appended to its file. Every authority gets a file, empty if it has no rows."""
    source = pq.ParquetFile(path)
    schema = source.schema_arrow  # with its pandas metadata: the split reads back with the same types
    writers = {code: pq.ParquetWriter(folder / path.name, schema) for code, folder in folders.items()}
    counts: Counter = Counter()
    try:
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            table = pa.Table.from_batches([batch], schema=schema)
            for code, rows in _runs_by_authority(table):
                if code in writers:
                    writers[code].write_table(rows)
                    counts.update(_rows_by_file(rows, code, name))
    finally:
        for writer in writers.values():
            writer.close()
    return counts


def _rows_by_file(rows: pa.Table, code: str, name: str) -> dict[tuple[str, str, str], int]:
    """How many of an authority's rows came from each extract file (for its ingest report)."""
    if "source_file" not in rows.column_names:
        return {}
    return {(code, name, entry["values"]): entry["counts"]
            for entry in pc.value_counts(rows.column("source_file")).to_pylist()}


def _runs_by_authority(table: pa.Table):
    """(authority, its rows) for each authority in the table, in code order; rows naming none are left out."""
    ordered = table.take(pc.sort_indices(table, [(AUTHORITY, "ascending")]))  # rows naming none come last
    start = 0
    for entry in pc.value_counts(ordered.column(AUTHORITY)).to_pylist():  # in order of first appearance
        yield entry["values"], ordered.slice(start, entry["counts"])
        start += entry["counts"]


def _split_rejected(path: Path, folders: dict[str, Path]) -> pd.DataFrame:
    """Each authority's rejected rows of one table (those whose authority cell names it), written to its folder;
    all of them returned, for the reports."""
    if not path.is_file():
        return pd.DataFrame(columns=[AUTHORITY, "source_file", "reason_code"])
    rows = from_csv_text(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    if AUTHORITY not in rows:
        rows[AUTHORITY] = ""
    for code, folder in folders.items():
        write_csv(rows[rows[AUTHORITY].eq(code)], folder / REJECTED / path.name)
    return rows


def authority_report(national: pd.DataFrame, code: str, accepted: Counter,
                     rejected: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The national ingest report as one authority's: each file's rows of that authority (read = accepted +
    rejected), and the commonest reasons among them. The published comparators' lines stay as they are."""
    report = national.copy()
    for index, line in report.iterrows():  # a line per file: a handful
        if line["table"] not in rejected:
            continue
        refused = rejected[line["table"]]
        mine = refused[refused[AUTHORITY].eq(code) & refused["source_file"].eq(line["file"])]
        taken = accepted[(code, line["table"], line["file"])]
        report.loc[index, ["rows_accepted", "rows_rejected", "rows_read", "rows_in_file"]] = [
            str(taken), str(len(mine)), str(taken + len(mine)), str(taken + len(mine))]
        report.loc[index, "commonest_reasons"] = commonest(mine["reason_code"]) if len(mine) else ""
    return report
