"""Read the processed tables that `kpi ingest` wrote, and say which dates each covers.

The tables are as ingest wrote them: what an indicator works out from a record (working days to a
decision or a completion, whether a referral is a re-referral) is worked out by its measure, in
kpi.indicators.measures, over the records it counts.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.config import Config
from kpi.data.tables import AUTHORITY, TABLE_NAMES

# The date that places a row of each table in time, and how far the table's dates reach.
MAIN_DATE = {
    "contacts": "received_at",
    "contact_counts": "month",
    "assessments": "referral_date",
    "caseloads": "snapshot_date",
    "child_protection": "registration_date",
    "strategy_discussions": "concern_date",
    "looked_after": "start_date",
    "allocations": "opened_date",
    "establishment": "snapshot_date",
}
ALL_DATES = {
    "contacts": ("received_at", "decision_at"),
    "contact_counts": ("month",),
    "assessments": ("referral_date", "start_date", "completion_date"),
    "caseloads": ("snapshot_date",),
    "child_protection": ("registration_date", "end_date"),
    "strategy_discussions": ("concern_date", "discussion_date"),
    "looked_after": ("start_date", "end_date"),
    "allocations": ("opened_date", "allocated_date", "closed_date"),
    "establishment": ("snapshot_date",),
}


class TablesOnDisk(Mapping):
    """The processed tables by name, each read from its parquet file the first time it is asked for: a
    national analyst's 25 million contacts are read into pandas only when a chart or list needs them (the
    SQL engine reads the files itself)."""

    def __init__(self, files: dict[str, Path]):
        self.files = files
        # Each file is opened now, so that a table read later is this version's even if a `kpi ingest` has
        # since switched the folder and removed it (an open file lives on until it is closed).
        self._open = {name: file.open("rb") for name, file in files.items()}
        weakref.finalize(self, _close_all, list(self._open.values()))  # closed when no longer needed, or at exit
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            handle = self._open[name]
            handle.seek(0)
            self._read[name] = pd.read_parquet(handle)
        return self._read[name]

    def dates(self, name: str) -> pd.DataFrame:
        """The earliest and latest of each of the table's dates (two rows: all its span needs): from the
        statistics parquet keeps for each row group, else read from the file's date columns only."""
        if name in self._read:
            return self._read[name]
        handle = self._open[name]
        handle.seek(0)
        metadata = pq.read_metadata(handle)
        columns = [c for c in ALL_DATES.get(name, ()) if c in metadata.schema.names]
        ends = _ends_from_statistics(metadata, columns)
        if ends is None:
            handle.seek(0)
            table = pq.read_table(handle, columns=columns)
            if table.num_rows == 0:
                return table.to_pandas()
            ends = {c: (lambda e: (e["min"].as_py(), e["max"].as_py()))(pc.min_max(table.column(c))) for c in columns}
        return pd.DataFrame({column: pd.to_datetime(list(pair)) for column, pair in ends.items()})

    def distinct(self, name: str, column: str) -> list:
        """The values one column of a table holds (none missing), reading that column only."""
        if name in self._read:
            frame = self._read[name]
            return list(frame[column].dropna().unique()) if column in frame else []
        handle = self._open[name]
        handle.seek(0)
        if column not in pq.read_schema(handle).names:
            return []
        handle.seek(0)
        return pc.unique(pq.read_table(handle, columns=[column]).column(column)).drop_null().to_pylist()

    def rows_where(self, name: str, column: str, value: object) -> pd.DataFrame:
        """The rows of a table whose `column` is `value`, as the whole table would give them (its pandas types):
        row groups the file's statistics rule out are not read (one authority of 153, say)."""
        if name in self._read:
            return _rows_where(self._read[name], column, value)
        handle = self._open[name]
        handle.seek(0)
        return pd.read_parquet(handle, filters=[(column, "==", value)])

    def has_column(self, name: str, column: str) -> bool:
        """Whether a table has this column, from the file's schema (the table is not read)."""
        if name in self._read:
            return column in self._read[name]
        handle = self._open[name]
        handle.seek(0)
        return column in pq.read_schema(handle).names

    def __iter__(self):
        return iter(self.files)

    def __contains__(self, name: object) -> bool:  # (Mapping's own would read the table to find out)
        return name in self.files

    def __len__(self) -> int:
        return len(self.files)


def _ends_from_statistics(metadata, columns: list[str]) -> dict | None:
    """(earliest, latest) of each column from the row groups' statistics; None when a row group has none for
    a column that has values (then the column is read)."""
    if metadata.num_rows == 0:
        return None
    positions = {metadata.schema.column(i).name: i for i in range(metadata.num_columns)}
    ends = {}
    for column in columns:
        lows, highs = [], []
        for group in range(metadata.num_row_groups):
            chunk = metadata.row_group(group).column(positions[column])
            statistics = chunk.statistics
            if statistics is None or not statistics.has_min_max:
                if statistics is not None and statistics.null_count == chunk.num_values:
                    continue  # nothing but empty dates in this row group
                return None
            lows.append(statistics.min)
            highs.append(statistics.max)
        ends[column] = (min(lows), max(highs)) if lows else (None, None)
    return ends


def _rows_where(frame: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    """The rows of a frame in memory whose `column` is `value` (a missing value is not it)."""
    return frame[frame[column].eq(value).fillna(False).to_numpy(dtype=bool)]


def _close_all(handles: list) -> None:
    for handle in handles:
        handle.close()


@dataclass
class ProcessedData:
    """The canonical tables that exist and the dates they cover."""

    tables: Mapping[str, pd.DataFrame]
    spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = field(default_factory=dict)
    extract_dates: dict[str, object] = field(default_factory=dict)  # kpi.yml's, by table, where it gives one

    @property
    def files(self) -> dict[str, Path]:
        """The parquet file of each table, when the tables are read from disk (else empty)."""
        return self.tables.files if isinstance(self.tables, TablesOnDisk) else {}

    def has(self, name: str) -> bool:
        return name in self.tables

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], extract_dates: dict[str, object] | None = None
                    ) -> ProcessedData:
        """Canonical tables -> the span of dates each covers.

        A table covers from its first record to its last date, or to its extract date when the
        config gives one (an extract taken on 5 October covers September even if the last contact
        came on the 28th).
        """
        spans = {}
        for name in tables:
            source = tables.dates(name) if isinstance(tables, TablesOnDisk) else tables[name]
            span = _span(name, source) if name in MAIN_DATE else None
            if span:
                extract = (extract_dates or {}).get(name)
                end = max(span[1], pd.Timestamp(extract)) if extract is not None else span[1]
                spans[name] = (span[0], end)
        return cls(tables, spans, dict(extract_dates or {}))

    def authorities(self) -> list[str]:
        """Every authority the record tables name, in code order (none: the data are one authority's). Tables
        on disk are not read for it, only their authority column."""
        found: set[str] = set()
        for name in self.tables:
            if name == "comparators":
                continue
            if isinstance(self.tables, TablesOnDisk):
                found |= set(self.tables.distinct(name, AUTHORITY))
            elif AUTHORITY in self.tables[name]:
                found |= set(self.tables[name][AUTHORITY].dropna().unique())
        return sorted(code for code in found if code)

    def of_authority(self, code: str) -> ProcessedData:
        """One authority's records, as if the data were its own: each record table cut to the rows naming it
        (so its figures reach as far as its own records do; a row naming no authority is no authority's), the
        published comparators whole. Tables on disk give only that authority's rows."""
        on_disk = isinstance(self.tables, TablesOnDisk)
        tables = {}
        for name in self.tables:
            if name == "comparators":
                tables[name] = self.tables[name]
            elif on_disk and self.tables.has_column(name, AUTHORITY):
                tables[name] = self.tables.rows_where(name, AUTHORITY, code)
            elif not on_disk and AUTHORITY in self.tables[name]:
                tables[name] = _rows_where(self.tables[name], AUTHORITY, code)
            else:
                tables[name] = self.tables[name].iloc[:0]
        return ProcessedData.from_tables(tables, self.extract_dates)

    @property
    def last_date(self) -> pd.Timestamp | None:
        """The last day any record-level table covers (for `--period latest`)."""
        ends = [end for name, (_, end) in self.spans.items() if name != "comparators"]
        return max(ends) if ends else None


def _span(name: str, frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first main date and the last of any date."""
    if frame.empty:
        return None
    start = frame[MAIN_DATE[name]].min()
    end = max(frame[c].max() for c in ALL_DATES[name] if c in frame and frame[c].notna().any())
    return _whole_days(name, start, end)


def _whole_days(name: str, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    if name == "contact_counts":
        end = end + pd.offsets.MonthEnd(0)
    return start.normalize(), end.normalize()


def load_processed(config: Config) -> ProcessedData:
    """Every processed table that exists for this config (a table never ingested is simply absent), each read
    when first asked for."""
    tables = _read_tables(config.processed_dir)
    extract_dates = {}
    for name, sources in config.sources.present().items():
        dates = [s.extract_date or config.extract_date for s in sources]
        if all(d is not None for d in dates):
            extract_dates[name] = min(dates)
    return ProcessedData.from_tables(tables, extract_dates)


def _read_tables(processed_dir: Path, attempts: int = 3) -> dict[str, pd.DataFrame]:
    """All tables from one version of the folder: `kpi ingest` switches the whole folder at once
    (kpi.data.versions), so the link is resolved once and every table read from what it pointed to. If an
    ingest switched and removed that version meanwhile, start again from the new one."""
    version = processed_dir.resolve()
    for _ in range(attempts - 1):
        try:
            return _read_version(version)
        except FileNotFoundError:
            now = processed_dir.resolve()
            if now == version:
                raise
            version = now
    return _read_version(version)


def _read_version(folder: Path) -> TablesOnDisk:
    """The tables the folder holds, listed first: a table gone part way through is then an error, not absent."""
    present = set(os.listdir(folder)) if folder.is_dir() else set()
    return TablesOnDisk({name: folder / f"{name}.parquet" for name in TABLE_NAMES if f"{name}.parquet" in present})


def assessments_open_on(assessments: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Assessments referred on or before `day` and not completed by the end of it."""
    referred = assessments["referral_date"] <= day
    not_done = assessments["completion_date"].isna() | (assessments["completion_date"] > day)
    return referred & not_done


def last_snapshot(caseloads: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of the latest caseload snapshot taken within [start, end]."""
    dates = caseloads["snapshot_date"]
    inside = dates.between(start, end)
    if not inside.any():
        return caseloads.iloc[0:0]
    return caseloads[dates.eq(dates[inside].max())]


def share(numerator: float, denominator: float) -> float:
    """numerator / denominator as a percentage; NaN when the denominator is zero."""
    return float(numerator) / float(denominator) * 100 if denominator else np.nan


def require_covered(data: ProcessedData, period, hint: str = "") -> None:
    """Stop with one line when no extract covers the whole period: a pack of dashes helps nobody."""
    from kpi.errors import UnusableInput
    from kpi.time.periods import bounds, label, months_label

    start, end = bounds(period)
    spans = [span for name, span in data.spans.items() if name != "comparators"]
    if any(first <= start and end <= last for first, last in spans):
        return
    covered = (f"the data cover {min(s for s, _ in spans):%d %B %Y} to {max(e for _, e in spans):%d %B %Y}"
               if spans else "there are no dated data")
    raise UnusableInput(f"{label(period)} ({months_label(period)}) is not covered by the extracts: {covered}. "
                        f"Choose a period inside them{', ' + hint if hint else ''}.")
