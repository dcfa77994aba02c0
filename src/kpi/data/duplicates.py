"""Rows given twice: exact repeats (all but the first rejected) and different rows sharing an id (all rejected).

A record may come again in next month's file, so this is decided over every file of a table at once,
from the rows kept on disk while they were read (kpi.data.row_store). Only rows whose cells could all be
read take part. Two rows can only be the same, or clash, if they share their identity (the table's id
or key, within their authority: Table.identity_in_authority), so DuckDB first finds the rows whose
identity is shared, out of memory if need be, and only those few are compared in full.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.data import loading
from kpi.data.row_store import FILE, ROW, SOURCE_ROW, RowStore
from kpi.data.tables import AUTHORITY, Table

DUCKDB_MEMORY = "1GB"  # beyond this DuckDB works through files in the table's scratch folder (kpi.data.scratch)


def duplicate_problems(store: RowStore, files: list[str]) -> pd.DataFrame:
    """Problems (kpi.data.loading.problems_frame, rows numbered as in the store) for every repeated row
    and every row clashing with another over its id."""
    table = store.table
    candidates = _sharing_identity(store)
    if candidates.empty:
        return loading.empty_problems()
    names = pd.Series(files, dtype="string")
    shown_files = pd.Series(names.to_numpy()[candidates[FILE].to_numpy()], index=candidates.index, dtype="string")
    rows = candidates[SOURCE_ROW].astype("int64")
    return _problems(table, candidates[list(table.columns)], shown_files, rows)


def _sharing_identity(store: RowStore) -> pd.DataFrame:
    """The readable rows whose identity another readable row shares, indexed by their number in the
    store, in order: typed values, file and Excel row."""
    partition = ", ".join(f'"{name}"' for name in store.identity)
    connection = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "preserve_insertion_order": False,
                                        "temp_directory": str(store.scratch.path / "duckdb")})
    try:
        shared = connection.execute(
            f"SELECT {ROW} FROM read_parquet(?) QUALIFY count(*) OVER (PARTITION BY {partition}) > 1",
            [str(store.identity_path)]).fetchnumpy()[ROW]
    finally:
        connection.close()
    if not len(shared):
        return pd.DataFrame()
    found = store.rows_numbered(np.asarray(shared, dtype=np.int64), [*store.table.columns, ROW, FILE, SOURCE_ROW])
    frame = store.typed(found)
    frame.index = pd.Index(found.column(ROW).to_numpy())
    frame[FILE] = found.column(FILE).to_numpy()
    frame[SOURCE_ROW] = found.column(SOURCE_ROW).to_numpy()
    return frame


def _problems(table: Table, candidates: pd.DataFrame, files: pd.Series, rows: pd.Series) -> pd.DataFrame:
    """Exact repeats (all but the first rejected) and conflicting rows sharing an id (all rejected)."""
    columns = list(table.columns)
    first_of = candidates.groupby(columns, dropna=False, sort=False).cumcount()
    repeat = first_of.gt(0)
    found = []
    if repeat.any():
        first_index = candidates.reset_index().groupby(columns, dropna=False, sort=False)["index"].transform("first")
        first_index.index = candidates.index
        origin = first_index[repeat]
        where = "row " + rows[origin].astype("string").to_numpy()
        other_file = files[origin].to_numpy() != files[origin.index].to_numpy()
        where = pd.Series(where, index=origin.index).where(
            ~other_file, where + " of " + files[origin].to_numpy())
        found.append(loading.problems_frame(origin.index, "", "exact duplicate of " + where, "duplicate_row"))
    identity = list(table.identity)
    if identity:
        distinct = candidates[~repeat]
        scope = list(table.identity_in_authority)
        conflicting = distinct.duplicated(scope, keep=False) & distinct[identity].notna().all(axis=1)
        if conflicting.any():
            clash = distinct[conflicting]
            shown_rows = rows[clash.index].astype("string")
            label = _joined_across(clash[identity].astype("string"), " and ")
            if AUTHORITY in scope and AUTHORITY not in identity:
                label = label + (" in authority " + clash[AUTHORITY].astype("string")).fillna("")
            group_rows = _joined_within(label, shown_rows, ", ")
            names = " and ".join(identity)
            found.append(loading.problems_frame(
                clash.index, ", ".join(identity),
                f"conflicting rows share the same {names} " + label + " (rows " + group_rows + ")",
                "conflicting_id"))
    return pd.concat(found, ignore_index=True) if found else loading.empty_problems()


def _joined_across(frame: pd.DataFrame, separator: str) -> pd.Series:
    """Each row's values (text, none missing) joined."""
    first, *rest = (frame[c] for c in frame.columns)
    return first.str.cat(rest, sep=separator) if rest else first


def _joined_within(groups: pd.Series, values: pd.Series, separator: str) -> pd.Series:
    """For each row, the values of every row of its group joined, in row order."""
    keyed = pa.table({"group": pa.array(groups.array, type=pa.large_string(), from_pandas=True),
                      "value": pa.array(values.array, type=pa.large_string(), from_pandas=True)})
    joined = keyed.group_by("group", use_threads=False).aggregate([("value", "list")])
    text = pc.binary_join(joined.column("value_list"), pa.scalar(separator, pa.large_string()))
    lookup = pd.Series(text.to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get).array,
                       index=joined.column("group").to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get))
    return pd.Series(lookup.reindex(groups.to_numpy()).to_numpy(), index=groups.index, dtype="string")
