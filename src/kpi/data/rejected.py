"""The quarantine of a table: one line per rejected row, its cells as read and every reason found.

A row's problems are listed in the order they were found (kpi.data.ingest keeps them so); a reason found
twice, and a column named twice, is given once. The line's reason code is its first problem's.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.data.tables import Table

REJECTED_EXTRA = ["source_file", "source_row", "column", "reason", "reason_code"]


def rejected_table(table: Table, cells: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """`cells`: the rejected rows' cells with source_file and source_row, indexed by row; `problems`:
    kpi.data.loading.PROBLEM_COLUMNS for the same rows. Sorted by file and row number."""
    columns = list(table.columns)
    if problems.empty:
        return pd.DataFrame(columns=columns + REJECTED_EXTRA)
    problems = problems.drop_duplicates(["row", "column", "reason"]).sort_values("row", kind="stable")
    reasons = _joined(problems.drop_duplicates(["row", "reason"]), "reason")
    named = problems[problems["column"].fillna("").ne("")].drop_duplicates(["row", "column"])
    joined = pd.DataFrame({
        "column": _joined(named, "column").reindex(reasons.index).fillna(""),
        "reason": reasons,
        "reason_code": problems.drop_duplicates("row").set_index("row")["code"],
    })
    out = cells.reindex(index=joined.index)
    out = out[columns].astype("string").assign(source_file=out["source_file"].astype("string"),
                                               source_row=out["source_row"].astype("int64"))
    out = out.join(joined)
    return out.sort_values(["source_file", "source_row"], kind="stable").reset_index(drop=True)


def _joined(problems: pd.DataFrame, column: str) -> pd.Series:
    """Per row (in order), its values of `column` joined with '; ', in the order they come."""
    rows = pa.table({"row": pa.array(problems["row"].to_numpy()),
                     "value": pa.array(problems[column].array, type=pa.large_string(), from_pandas=True)})
    grouped = rows.group_by("row", use_threads=False).aggregate([("value", "list")])
    text = pc.binary_join(grouped.column("value_list"), pa.scalar("; ", pa.large_string()))
    return pd.Series(text.to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get).array,
                     index=pd.Index(grouped.column("row").to_numpy(), name="row"), dtype="string")
