"""A table's rows on disk while its files are read, so that `kpi ingest` holds one batch at a time.

Most of a row's fate is decided in its batch: whether its cells can be read, and the table's rules. What
needs every file (a row repeated, or an id used twice, months apart) is decided over this store once
all are in (kpi.data.duplicates), and the store is then read back a batch at a time to write the
accepted rows and pick out the rejected ones (kpi.data.accepted).

For each row it keeps the typed values, the row's number in the table, its file and Excel row, whether
its cells could all be read, and, for the quarantine, its cells as read (text). A child's or
worker's id is only ever kept as its pseudonym. The store is an Arrow IPC file (written and read back
at the speed of the disk) in a private scratch folder (kpi.data.scratch), kept as long as the table's
result needs it: its accepted rows are written from it. Beside it, a parquet file holds the identity
(Table.identity_in_authority) and number of each readable row, for DuckDB to find the shared ones.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.data import parsing
from kpi.data.schemas import DTYPES
from kpi.data.scratch import Scratch
from kpi.data.tables import Table

ROW, FILE, SOURCE_ROW, READABLE = "__row", "__file", "__source_row", "__readable"
CELL = "__cell__"  # before a column's name: its cells as read


def person_columns(table: Table) -> list[str]:
    """The columns holding a child's or worker's id: stored (and quarantined) as pseudonyms only."""
    return [c.name for c in table.columns.values() if c.type == "person_id"]


class RowStore:
    """Rows of one table, appended a batch at a time and read back a batch at a time."""

    def __init__(self, table: Table):
        self.table = table
        self.scratch = Scratch()
        self.path = self.scratch.path / f"{table.name}.arrow"
        self.rows = 0
        self.cells = [c for c in table.columns if c not in person_columns(table)]
        self.schema = _schema(table, self.cells)
        self._sink = pa.OSFile(str(self.path), "wb")
        self._writer = pa.ipc.new_file(self._sink, self.schema)
        self.identity = list(table.identity_in_authority or table.columns)
        self.identity_path = self.scratch.path / f"{table.name}.identity.parquet"
        self._identities = pq.ParquetWriter(
            self.identity_path, pa.schema([self.schema.field(c) for c in [*self.identity, ROW]]),
            compression="none", use_dictionary=False)

    def add(self, typed: pd.DataFrame, original: pd.DataFrame, files: np.ndarray, source_rows: np.ndarray,
            readable: np.ndarray) -> None:
        """A batch of rows: typed values, cells as read, each row's file (a number) and Excel row, and
        whether its cells could all be read. Rows are numbered on from the last batch."""
        columns = {name: pa.array(typed[name].array, type=self.schema.field(name).type, from_pandas=True)
                   for name in self.table.columns}
        for name in self.cells:
            cells = original[name] if name in original else parsing.no_text(typed.index)
            if not isinstance(cells.dtype, pd.StringDtype):  # values Excel typed: as the officer sees them
                cells = parsing.as_text(cells)
            columns[CELL + name] = pa.array(cells.array, type=pa.large_string(), from_pandas=True)
        columns[ROW] = pa.array(np.arange(self.rows, self.rows + len(typed), dtype=np.int64))
        columns[FILE] = pa.array(np.asarray(files, dtype=np.int32))
        columns[SOURCE_ROW] = pa.array(np.asarray(source_rows, dtype=np.int64))
        columns[READABLE] = pa.array(np.asarray(readable, dtype=bool))
        rows = pa.Table.from_arrays([columns[f.name] for f in self.schema], schema=self.schema)
        self._writer.write_table(rows)
        self._identities.write_table(rows.select([*self.identity, ROW]).filter(columns[READABLE]))
        self.rows += len(typed)

    def close(self) -> None:
        """No more rows: the store can be read."""
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._identities.close()
            self._writer = None

    def batches(self, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """The rows in the order they were added, a batch at a time (only `columns`, if given)."""
        with pa.memory_map(str(self.path)) as source:  # only the columns asked for are read from disk
            reader = pa.ipc.open_file(source)
            for number in range(reader.num_record_batches):
                batch = reader.get_batch(number)
                yield batch.select(columns) if columns is not None else batch

    def rows_numbered(self, rows: np.ndarray, columns: list[str]) -> pa.Table:
        """The rows with these numbers (in order), only `columns`: only their own values are read."""
        wanted = np.zeros(self.rows, dtype=bool)
        wanted[rows] = True
        picked, start = [], 0
        for batch in self.batches(columns):
            mine = np.flatnonzero(wanted[start:start + batch.num_rows])
            if len(mine):
                picked.append(batch.take(pa.array(mine)))
            start += batch.num_rows
        return pa.Table.from_batches(picked, schema=pa.schema([self.schema.field(c) for c in columns]))

    def typed(self, batch: pa.RecordBatch | pa.Table) -> pd.DataFrame:
        """Rows' typed values as the table's columns, with the dtypes parsing gave them."""
        frame = batch.select(list(self.table.columns)).to_pandas(types_mapper=_PANDAS_TYPES.get)
        return frame.astype({c.name: DTYPES[c.type] for c in self.table.columns.values()})


_PANDAS_TYPES = {pa.large_string(): pd.StringDtype(), pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype(),
                 pa.int64(): pd.Int64Dtype()}


def _schema(table: Table, cells: list[str]) -> pa.Schema:
    typed = pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.type]) for c in table.columns.values()})
    fields = list(pa.Schema.from_pandas(typed, preserve_index=False))
    fields += [pa.field(CELL + name, pa.large_string()) for name in cells]
    fields += [pa.field(ROW, pa.int64()), pa.field(FILE, pa.int32()), pa.field(SOURCE_ROW, pa.int64()),
               pa.field(READABLE, pa.bool_())]
    return pa.schema(fields)
