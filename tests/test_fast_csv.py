"""A large table is written by DuckDB (kpi.data.fast_csv) byte for byte as pandas writes it: the same
numbers, quoting, missing values, byte-order mark and line ends; a table DuckDB would write otherwise is
left to pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.data import fast_csv
from kpi.data.cells import as_csv_text, write_csv

TEXTS = ["plain", "with,comma", 'with "quote"', "line\nbreak", "cr\rreturn", "", None, " lead", "'apos",
         "tab\tx", "Ynys Môn ŵ", "=1+1", '"', ",", 'a""b', "NULL", "nan", "\\back"]
NUMBERS = [1.0, np.nan, 0.1, 1e16, -0.0, 2.5, np.inf, 1 / 3, 100.0, 3e-7, 48112.0, -np.inf, 12345678901234567.0,
           7.25, 0.0, 99.99, 1e-5, 5.0]


def _table(rows: int = fast_csv.LARGE + 7) -> pd.DataFrame:
    repeat = -(-rows // len(TEXTS))
    frame = pd.DataFrame({
        "text": pd.Series(TEXTS * repeat, dtype=object), "string": pd.Series(TEXTS * repeat, dtype="string"),
        "value": NUMBERS * repeat, "count": np.arange(len(TEXTS) * repeat, dtype="int64"),
        "maybe": pd.array([1, None] * (len(TEXTS) * repeat // 2), dtype="Int64"),
        "band": pd.Categorical(["A", "B,C"] * (len(TEXTS) * repeat // 2)),
        "empty": pd.Series([None] * (len(TEXTS) * repeat), dtype=object)})
    return frame.iloc[:rows]


def _as_pandas_writes(frame: pd.DataFrame, path) -> bytes:
    as_csv_text(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path.read_bytes()


def test_duckdb_writes_a_large_table_as_pandas_does(tmp_path):
    frame = _table()
    assert fast_csv.writable(as_csv_text(frame))
    write_csv(frame, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_bytes() == _as_pandas_writes(frame, tmp_path / "pandas.csv")
    assert not list(tmp_path.glob(".*"))  # the body written by DuckDB is gone


def test_without_the_byte_order_mark_when_asked(tmp_path):
    write_csv(_table(), tmp_path / "plain.csv", bom=False)
    assert (tmp_path / "plain.csv").read_bytes() == _as_pandas_writes(_table(), tmp_path / "pandas.csv")[3:]


@pytest.mark.parametrize("change", [
    lambda f: f.assign(flag=True), lambda f: f.assign(day=pd.Timestamp("2024-04-01")), lambda f: f[["text"]],
    lambda f: f.rename(columns={"text": "a, b"}), lambda f: f.head(10)])
def test_what_duckdb_would_write_otherwise_is_left_to_pandas(change, tmp_path):
    frame = change(_table())
    assert not fast_csv.writable(as_csv_text(frame))
    write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == _as_pandas_writes(frame, tmp_path / "pandas.csv")
