"""A table's accepted rows, and its rejected rows picked out, once every row of it has been judged.

What is accepted is then known by row number; the rows themselves stay in the table's row store
(kpi.data.row_store) until the processed table is written, so `kpi check`, which writes nothing, never
gathers them. Writing gathers one table at a time, the one place an ingest holds a whole table (as
pandas' `to_parquet` needs it); everything before it holds one batch of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi.data import parsing
from kpi.data.row_store import CELL, FILE, ROW, SOURCE_ROW, RowStore, person_columns

ROW_GROUP = 128 * 1024
UNIQUE_TYPES = ("id", "person_id")  # column types whose values (nearly) never repeat
REPEATING_TYPES = ("category", "text", "bool", "period", "month")  # column types whose values mostly repeat


class AcceptedRows:
    """The rows of a row store that are not `rejected` (a flag per row), with the file each came from."""

    def __init__(self, store: RowStore, rejected: np.ndarray, files: list[str]):
        self.store, self.rejected, self.files = store, rejected, files
        self.rows = int(len(rejected) - rejected.sum())

    def frame(self) -> pd.DataFrame:
        """The accepted rows: the table's columns, typed, then source_file and source_row."""
        table = self.store.table
        columns = [*table.columns, FILE, SOURCE_ROW, ROW]
        kept = []
        for batch in self.store.batches(columns):
            keep = ~self.rejected[batch.column(ROW).to_numpy()]
            if keep.all():
                kept.append(batch)
            elif keep.any():
                kept.append(batch.filter(pa.array(keep)))
        rows = pa.Table.from_batches(kept, schema=pa.schema([self.store.schema.field(c) for c in columns]))
        frame = self.store.typed(rows)
        names = pa.array(self.files, type=pa.large_string())
        frame["source_file"] = names.take(rows.column(FILE)).to_pandas(
            types_mapper={pa.large_string(): pd.StringDtype()}.get).astype("string")
        frame["source_row"] = rows.column(SOURCE_ROW).to_numpy().astype("int64")
        return frame

    def write(self, target) -> None:
        """The processed table's parquet file, in row groups of ROW_GROUP rows: DuckDB reads a file's row
        groups in parallel, one per thread, so a table in one group would be read by one core.

        Only columns whose values repeat (codes, words, yes or no, the file) are written as a dictionary of
        their values, and an id (a record's, or a pseudonym) without its least and greatest value: for a
        column of all but unique values both are work thrown away (a third of the time of writing the
        contacts, and the file is smaller)."""
        table = self.store.table
        frame = self.frame()
        repeating = [name for name, column in table.columns.items() if column.type in REPEATING_TYPES]
        summarised = [name for name in frame.columns
                      if name not in table.columns or table.columns[name].type not in UNIQUE_TYPES]
        frame.to_parquet(target, index=False, row_group_size=ROW_GROUP, use_dictionary=[*repeating, "source_file"],
                         write_statistics=summarised)


def pick_rejected(store: RowStore, rejected: np.ndarray, files: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """How many rows of each file are accepted, and the `rejected` rows' cells as read (a child's or worker's
    id as its pseudonym) under the table's column names, with source_file and source_row, indexed by row."""
    table = store.table
    cells = [*(CELL + c for c in store.cells), *person_columns(table)]
    accepted = np.zeros(len(files), dtype=np.int64)
    start = 0
    for batch in store.batches([FILE]):
        out = rejected[start:start + batch.num_rows]
        accepted += np.bincount(batch.column(FILE).to_numpy()[~out], minlength=len(files))
        start += batch.num_rows
    rows = store.rows_numbered(np.flatnonzero(rejected), [*cells, FILE, SOURCE_ROW, ROW])
    text = {pa.large_string(): pd.StringDtype()}.get
    if not rows.num_rows:
        frame = pd.DataFrame({c: pd.Series(dtype="string") for c in table.columns})
        return accepted, frame.assign(source_file=pd.Series(dtype="string"), source_row=pd.Series(dtype="int64"))
    frame = pd.DataFrame({c.removeprefix(CELL): parsing.as_text(rows.column(c).to_pandas(types_mapper=text))
                          for c in cells})
    frame = frame[list(table.columns)].astype("string")
    frame["source_file"] = pa.array(files, type=pa.large_string()).take(rows.column(FILE)).to_pandas(types_mapper=text)
    frame["source_row"] = rows.column(SOURCE_ROW).to_numpy()
    frame.index = pd.Index(rows.column(ROW).to_numpy())
    return accepted, frame
