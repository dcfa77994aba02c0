"""What an ingest produces and how it is written: the report per file, the accepted and rejected rows per
table, the processed folder written all at once (kpi.data.versions), and the summary printed for the officer.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi.data.accepted import AcceptedRows
from kpi.data.cells import write_csv
from kpi.data.tables import TABLE_NAMES
from kpi.data.versions import VersionedFolder, refusals_as_one_line

REPORT_COLUMNS = ["table", "file", "sha256", "format", "encoding", "sheet", "header_row", "rows_read",
                  "rows_accepted", "rows_rejected", "commonest_reasons", "columns_ignored",
                  "identifying_columns_not_loaded", "rows_in_file", "rows_left_out", "left_out_reasons",
                  "rows_flagged", "flag_reasons"]


@dataclass
class FileReport:
    table: str
    file: str
    sha256: str
    format: str = "canonical"
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    rows_read: int = 0  # records read into the table (= accepted + rejected)
    rows_accepted: int = 0
    rows_rejected: int = 0
    commonest_reasons: str = ""
    columns_ignored: str = ""
    identifying_columns_not_loaded: str = ""
    rows_in_file: int = 0  # the file's own data rows (more or fewer than rows_read for a reshaped file)
    rows_left_out: int = 0  # rows of the file not loaded on purpose (e.g. a geographic level not kept)
    left_out_reasons: str = ""
    rows_flagged: int = 0  # accepted records loaded with a warning in `note` (e.g. % disagrees with n/d)
    flag_reasons: str = ""


@dataclass
class TableResult:
    name: str
    accepted_rows: AcceptedRows  # on disk (kpi.data.accepted): a large table is never held whole
    rejected: pd.DataFrame
    files: list[FileReport] = field(default_factory=list)

    @property
    def accepted(self) -> pd.DataFrame:
        """The accepted rows, read into memory."""
        return self.accepted_rows.frame()


@dataclass
class IngestResult:
    tables: dict[str, TableResult]
    processed_dir: Path

    @property
    def report(self) -> pd.DataFrame:
        rows = [vars(f) for t in self.tables.values() for f in t.files]
        return pd.DataFrame(rows, columns=REPORT_COLUMNS)

    @property
    def rows_rejected(self) -> int:
        return sum(len(t.rejected) for t in self.tables.values())


def commonest(codes: pd.Series, limit: int = 3) -> str:
    """The commonest reason codes with their counts: 'invalid_date (3), duplicate_row (1)'."""
    counts = codes.value_counts()
    return ", ".join(f"{code} ({count})" for code, count in counts.head(limit).items())


def output_names() -> set[str]:
    """Every file `kpi ingest` makes in the processed folder (relative paths); anything else there is
    someone else's and is kept from run to run."""
    return {"ingest_report.csv"} | {f"{name}.parquet" for name in TABLE_NAMES} | {
        f"rejected/{name}.csv" for name in TABLE_NAMES}


UNCHANGED = "the processed tables are as they were before this run"


def write_outputs(result: IngestResult) -> None:
    """Write every table, its quarantine and the report into a new version of the processed folder,
    then switch to it in one step (kpi.data.versions): readers see the previous run's set or this one's,
    never a mix. A table whose source left kpi.yml is simply not in the new version."""
    processed = VersionedFolder(result.processed_dir)
    ours = output_names()
    with processed.building() as version:
        processed.carry_over(version, leave=ours.__contains__)
        # Two tables at a time: writing parquet is one core's work per file, and mostly outside Python's lock.
        with ThreadPoolExecutor(max_workers=2) as pool:
            written = [pool.submit(_write, version, f"{name}.parquet", result,
                                   lambda p, t=tables: t.accepted_rows.write(p))
                       for name, tables in result.tables.items()]
            for name, tables in result.tables.items():
                _write(version, f"rejected/{name}.csv", result, lambda p, t=tables: write_csv(t.rejected, p))
            _write(version, "ingest_report.csv", result, lambda p: write_csv(result.report, p))
            for table in written:
                table.result()  # an error writing a table is raised here, as if written one after another
        processed.switch(version)


def _write(version: Path, relative: str, result: IngestResult, write: Callable[[Path], None]) -> None:
    """One output into the version being built, naming its usual path if the disk refuses."""
    with refusals_as_one_line(result.processed_dir / relative, UNCHANGED):
        (version / relative).parent.mkdir(exist_ok=True)
        write(version / relative)


def summary_lines(result: IngestResult, files_per_table: int = 3) -> list[str]:
    """The console summary: per file (or per table, when it has many monthly files), rows read,
    accepted and rejected, and the commonest reasons. The report CSV always has every file."""
    report = result.report
    if report.empty:
        return ["No sources are configured in kpi.yml: nothing was ingested."]
    shown = []
    for table, files in report.groupby("table", sort=False):
        if len(files) <= files_per_table:
            shown += [row._asdict() for row in files.itertuples(index=False)]
            continue
        rejected = result.tables[table].rejected["reason_code"]
        shown.append({"table": table, "file": f"{len(files)} files, e.g. {files['file'].iloc[0]}",
                      "rows_read": files["rows_read"].sum(), "rows_accepted": files["rows_accepted"].sum(),
                      "rows_rejected": files["rows_rejected"].sum(), "commonest_reasons": commonest(rejected)})
    width = max(12, max(len(row["file"]) for row in shown))
    names = max(13, max(len(row["table"]) for row in shown)) + 2  # the longest table name, then two spaces
    # Ten million rows and more: the counts' columns widen, so that no two numbers run together.
    read = max(9, len(f"{report['rows_read'].sum():,}"))
    counts = max(10, read + 1)
    lines = [f"{'table':<{names}}{'file':<{width + 2}}{'read':>{read}}{'accepted':>{counts}}{'rejected':>{counts}}"
             "  commonest reasons"]
    for row in shown:
        lines.append(f"{row['table']:<{names}}{row['file']:<{width + 2}}{row['rows_read']:>{read},}"
                     f"{row['rows_accepted']:>{counts},}{row['rows_rejected']:>{counts},}  {row['commonest_reasons']}")
    lines.append(f"{'total':<{names}}{'':<{width + 2}}{report['rows_read'].sum():>{read},}"
                 f"{report['rows_accepted'].sum():>{counts},}{report['rows_rejected'].sum():>{counts},}")
    for row in report.itertuples():
        if row.identifying_columns_not_loaded:
            lines.append(f"{row.file}: identifying columns not loaded: {row.identifying_columns_not_loaded}")
        if row.rows_in_file != row.rows_read or row.rows_left_out:  # a published file reshaped onto a table
            left_out = f"; {row.rows_left_out:,} left out: {row.left_out_reasons}" if row.rows_left_out else ""
            lines.append(f"{row.file}: {row.rows_in_file:,} rows in the file gave {row.rows_read:,} records{left_out}")
        if row.rows_flagged:
            lines.append(f"{row.file}: {row.rows_flagged:,} record{'s' if row.rows_flagged != 1 else ''} loaded with a "
                         f"warning in `note`: {row.flag_reasons}")
    lines.append(f"Tables written to {result.processed_dir}; rejected rows with reasons in "
                 f"{result.processed_dir / 'rejected'}; every file in {result.processed_dir / 'ingest_report.csv'}")
    return lines
