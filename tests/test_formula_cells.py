"""kpi.data.cells: text a spreadsheet would run is written as text, in CSV and in XLSX; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import openpyxl
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kpi.data.cells import append_row, as_csv_text, from_csv_text, runs_as_formula, write_csv

# What an extract, a file name or a manager can put at the start of a cell.
RISKY = ["=1+1", '=HYPERLINK("http://example.org","x")', "+44 1978 292000", "-2+3+cmd|' /C calc'!A0",
         "@SUM(A1:A9)", "\t=1+1", "\r=1+1", " =1+1", "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "-",
         "=Two posts filled", "-10% agency", "+ improved", "@home visits", "\tIndented"]
# Left exactly as they are in the file: no spreadsheet runs them.
PLAIN = ["Two posts filled", "'r ysgol", "a=b", "50%", "", "-5", "+1.5", "-1e3", ".5", "C-0a1b2c3d4e5f6a7b8c9d"]
# Texts that already begin with apostrophes before a risky start: one more apostrophe, so readers
# can strip exactly what the writer added.
APOSTROPHES = ["'=1+1", "''-x", "'@a"]


def _quarantine() -> pd.DataFrame:
    texts = RISKY + PLAIN + APOSTROPHES
    return pd.DataFrame({
        "cell": pd.array(texts, dtype="string"),
        "object_cell": pd.Series(texts, dtype=object),
        "count": [i - len(texts) // 2 for i in range(len(texts))],
        "rate": [-1.5 + i for i in range(len(texts))],
        "team": pd.Categorical(["=North"] * 3 + ["South"] * (len(texts) - 3)),
    })


def _written(frame: pd.DataFrame) -> str:
    buffer = io.StringIO(newline="")
    write_csv(frame, buffer)
    return buffer.getvalue()


def test_openpyxl_stores_a_str_beginning_with_equals_as_a_formula_unless_told():
    """Why kpi.data.cells exists for XLSX: openpyxl alone turns such text into a live formula or an error."""
    sheet = Workbook().active
    sheet.append(["=Two posts filled", "#N/A", "-10% agency"])
    assert [c.data_type for c in sheet[1]] == ["f", "e", "s"]


def test_risky_text_is_recognised_and_plain_numbers_are_not():
    assert all(runs_as_formula(text) for text in RISKY)
    assert not any(runs_as_formula(text) for text in PLAIN)


def test_csv_cells_read_back_by_the_csv_module_never_start_a_formula():
    text = _written(_quarantine())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["cell", "object_cell", "count", "rate", "team"]
    for row in rows[1:]:
        assert not any(runs_as_formula(field) for field in row), row
    cells = [row[0] for row in rows[1:]]
    assert cells[:len(RISKY)] == ["'" + t for t in RISKY]
    assert cells[len(RISKY):len(RISKY) + len(PLAIN)] == PLAIN
    assert cells[len(RISKY) + len(PLAIN):] == ["'" + t for t in APOSTROPHES]


def test_csv_round_trip_with_pandas_keeps_numbers_numbers_and_text_exact():
    original = _quarantine()
    text = _written(original)
    typed = pd.read_csv(io.StringIO(text))
    assert typed["count"].dtype == "int64" and typed["count"].tolist() == original["count"].tolist()
    assert typed["rate"].tolist() == original["rate"].tolist() and typed["rate"].min() < 0
    back = from_csv_text(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    assert back["cell"].tolist() == original["cell"].tolist()
    assert back["object_cell"].tolist() == original["object_cell"].tolist()
    assert back["team"].tolist() == list(original["team"])


def test_the_frame_given_is_not_changed_and_a_safe_frame_is_returned_as_is():
    original = _quarantine()
    before = original.copy()
    as_csv_text(original)
    pd.testing.assert_frame_equal(original, before)
    safe = pd.DataFrame({"a": ["North", "South"], "n": [-1, 2]})
    assert as_csv_text(safe) is safe


def test_column_names_that_would_run_are_escaped_and_restored():
    frame = pd.DataFrame({"=cmd": ["x"], "ok": [1]})
    text = _written(frame)
    assert text.splitlines()[0] == "'=cmd,ok"
    assert list(from_csv_text(pd.read_csv(io.StringIO(text), dtype=str))) == ["=cmd", "ok"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["string", "str", object]), st.lists(st.text(alphabet=st.one_of(st.sampled_from("=+-@'\t\r\n .eE05\uff1d\uff0b\uff0d\uff20"),
                                           st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
                        max_size=8), min_size=1, max_size=6))
def test_any_text_survives_the_csv_round_trip_and_is_never_a_formula_in_the_file(dtype, texts):
    """pyarrow-backed text goes through RE2 and object text through Python's re: same answer."""
    text = _written(pd.DataFrame({"cell": pd.Series(texts, dtype=dtype), "row": range(len(texts))}))
    fields = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert not any(runs_as_formula(field) for field in fields)
    back = from_csv_text(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    assert back["cell"].tolist() == texts


def test_xlsx_cells_are_text_never_formulas_and_values_are_identical(tmp_path):
    values = [*RISKY, *(p for p in PLAIN if p), *APOSTROPHES, "#N/A", "#DIV/0!"]  # openpyxl reads "" as None
    numbers = [-5, -1.5, 0, 42]
    book = Workbook()
    sheet = book.active
    append_row(sheet, ["text", "number"])
    for index, value in enumerate(values):
        append_row(sheet, [value, numbers[index % len(numbers)]])
    path = tmp_path / "out.xlsx"
    book.save(path)

    for data_only in (False, True):
        read = openpyxl.load_workbook(path, data_only=data_only).active
        cells = [c for row in read.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
        assert [row[0].value for row in read.iter_rows(min_row=2)] == values
        assert [row[1].value for row in read.iter_rows(min_row=2)] == [numbers[i % 4] for i in range(len(values))]
        assert all(row[1].data_type == "n" for row in read.iter_rows(min_row=2))
    # Excel's quote prefix: shown without an apostrophe, and still text when someone edits the cell.
    read = openpyxl.load_workbook(path).active
    prefixed = {row[0].value for row in read.iter_rows(min_row=2) if row[0].quotePrefix}
    assert prefixed == set(RISKY) | {"#N/A", "#DIV/0!"}
    frame = pd.read_excel(path, dtype=object, keep_default_na=False, engine="openpyxl")
    assert frame["text"].tolist() == values


@pytest.mark.parametrize("value", [None, 3, -2.5])
def test_xlsx_non_text_is_left_to_openpyxl(value):
    sheet = Workbook().active
    append_row(sheet, [value])
    assert sheet["A1"].value == value and not sheet["A1"].quotePrefix


def test_a_long_text_column_is_escaped_cell_for_cell_as_a_short_one_is():
    """A column of more than a thousand cells is looked at one distinct text at a time: every cell comes out
    as it does in a short column, a formula escaped, a number written as text, a missing cell and a number
    left alone."""
    values = ["=SUM(A1)", "-12", "+44 20 7946 0000", "@risk", "plain", None, np.nan, 5, "-3.5", "\t=1"]
    short = as_csv_text(pd.DataFrame({"cell": pd.Series(values, dtype=object)}))["cell"].tolist()
    long = as_csv_text(pd.DataFrame({"cell": pd.Series(values * 300, dtype=object)}))["cell"].tolist()
    for n, (got, expected) in enumerate(zip(long, short * 300)):
        assert got == expected or (pd.isna(got) and pd.isna(expected)), (n, got, expected)
    assert short[:5] == ["'=SUM(A1)", "-12", "'+44 20 7946 0000", "'@risk", "plain"] and short[7] == 5
