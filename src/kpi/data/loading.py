"""Load one extract onto a canonical table: match columns, parse cells, note every problem.

The result keeps three things side by side, row for row: the original cells (for quarantine),
the typed values (for the processed table) and the problems found (for the reasons).
Nothing is dropped here; deciding which rows are rejected happens once all files are in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from kpi.data import parsing
from kpi.data.columns import ColumnMatch, header_scorer, match_columns
from kpi.config import Source
from kpi.errors import ConfigError
from kpi.time.periods import PeriodError, code, parse_period
from kpi.data.readers import RawExtract, extract_batches, joined
from kpi.data.schemas import DTYPES
from kpi.data.tables import Column, Table

PERSON_ID_PREFIX = {"child_id": "C-", "worker_id": "W-"}
_TOTALS = r"(?i)^\s*(?:grand\s+|sub\s*-?\s*)?totals?\b"

# The columns of a problems table: row (position in the part), column, reason, code.
PROBLEM_COLUMNS = ["row", "column", "reason", "code"]


@dataclass
class LoadedPart:
    """One file on its way into a canonical table."""

    file: Path
    original: pd.DataFrame  # canonical columns, cells as in the file
    typed: pd.DataFrame  # canonical columns, typed values
    source_rows: pd.Series
    problems: pd.DataFrame  # PROBLEM_COLUMNS
    details: dict = field(default_factory=dict)  # encoding, sheet, header row, ignored columns


def problems_frame(rows, column, reason, code) -> pd.DataFrame:
    """A problems table; `column`, `reason` and `code` may be single values or aligned Series."""
    frame = pd.DataFrame({"row": pd.Series(rows, dtype="int64")})
    if frame.empty:
        return _EMPTY_PROBLEMS.copy()
    for name, value in (("column", column), ("reason", reason), ("code", code)):
        frame[name] = pd.Series(value.to_numpy() if isinstance(value, pd.Series) else value,
                                index=frame.index, dtype="string")
    return frame


_EMPTY_PROBLEMS = pd.DataFrame({"row": pd.Series(dtype="int64"), "column": pd.Series(dtype="string"),
                                "reason": pd.Series(dtype="string"), "code": pd.Series(dtype="string")})


def empty_problems() -> pd.DataFrame:
    return _EMPTY_PROBLEMS.copy()


def check_category_mapping(table: Table, source: Source, source_name: str) -> None:
    """An officer's category words must map onto allowed values of real category columns."""
    for column_name, words in source.categories.items():
        column = table.columns.get(column_name)
        if column is None or column.type != "category":
            choices = ", ".join(c.name for c in table.columns.values() if c.type == "category")
            raise ConfigError(f"sources.{source_name}.categories: '{column_name}' is not a category column "
                              f"of {table.name} (those are: {choices})")
        for word, value in words.items():
            if value not in column.values:
                raise ConfigError(f"sources.{source_name}.categories.{column_name}: '{word}' maps to '{value}', "
                                  f"which is not one of: {', '.join(column.values)}")


def read_part(table: Table, source: Source, path: Path) -> tuple[RawExtract, ColumnMatch, pd.DataFrame]:
    """Read a file and pick out the canonical columns (original cells, nothing parsed yet).

    Only the canonical columns are read: the others, and above all identifying ones (names,
    addresses, NHS numbers), are left out by their header before any row is split into cells.
    """
    parts = list(read_part_batches(table, source, path))
    if len(parts) == 1:
        return parts[0]
    extract, match = joined([e for e, _, _ in parts]), parts[0][1]
    return extract, match, _canonical_cells(extract, match)


def read_part_batches(table: Table, source: Source, path: Path
                      ) -> Iterator[tuple[RawExtract, ColumnMatch, pd.DataFrame]]:
    """`read_part` a batch of rows at a time (kpi.data.readers.extract_batches): a large CSV is never held whole."""
    match = None
    for extract in extract_batches(
        path,
        score_header=header_scorer(table, source.columns),
        sheet=source.sheet,
        header_row=source.header_row,
        encoding=source.encoding,
        delimiter=source.delimiter,
        columns=lambda headers: match_columns(table, headers, source.columns, path).positions.values(),
    ):
        if match is None:
            match = match_columns(table, extract.headers, source.columns, path)
        yield extract, match, _canonical_cells(extract, match)


def _canonical_cells(extract: RawExtract, match: ColumnMatch) -> pd.DataFrame:
    return pd.DataFrame({col: extract.cells[pos] for col, pos in match.positions.items()}, index=extract.cells.index)


def whole_row_problems(extract: RawExtract, match: ColumnMatch, original: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Rows that are not records at all: rows whose values do not line up with the header, blank rows,
    totals rows."""
    cells = extract.cells
    ragged = extract.ragged_rows.set_axis(cells.index)
    blank = _all_blank(cells) & ~ragged
    totals = _totals_rows(cells, original, table) & ~blank & ~ragged
    parts = [
        problems_frame(cells.index[ragged], "", _ragged_reasons(extract, ragged), "ragged_row"),
        problems_frame(cells.index[blank], "", "blank row", "blank_row"),
        problems_frame(cells.index[totals], "", "totals row (a sum, not a record)", "totals_row"),
    ]
    if extract.formula_without_value is not None:
        position_to_column = {pos: col for col, pos in match.positions.items()}
        flagged = extract.formula_without_value[list(position_to_column)].rename(columns=position_to_column)
        stacked = flagged.stack()
        stacked = stacked[stacked]
        if len(stacked):
            rows = stacked.index.get_level_values(0)
            columns = pd.Series(stacked.index.get_level_values(1), dtype="string")
            parts.append(problems_frame(
                rows, columns,
                "cell holds a formula with no saved value (open and save the file in Excel, or paste values)",
                "formula_without_value"))
    return pd.concat(parts, ignore_index=True)


def _ragged_reasons(extract: RawExtract, ragged: pd.Series) -> pd.Series | str:
    """Why each ragged row is rejected. In a CSV its values may have moved into other columns (an
    unquoted comma in an address), so none is kept: the reason says so, and where to look."""
    if extract.cell_counts is None:
        return "row has values beyond the last column of the header"
    counts = extract.cell_counts.set_axis(ragged.index)[ragged]
    values = counts.astype("string") + counts.eq(1).map({True: " value", False: " values"}).astype("string")
    return ("row has " + values + f" but the header has {len(extract.headers)} columns: its values may be in the "
            "wrong columns, so none is kept (see the row in the file)")


def _all_blank(frame: pd.DataFrame) -> pd.Series:
    """Rows with nothing in any of the frame's cells (every row, when it has no columns)."""
    blank = pd.Series(True, index=frame.index)
    for position in range(frame.shape[1]):
        blank &= parsing.is_blank(frame.iloc[:, position]).to_numpy(dtype=bool)
    return blank


def _says_total(frame: pd.DataFrame) -> pd.Series:
    found = np.zeros(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        text = frame.iloc[:, position].astype("string")
        # Only a cell with 'total' in it can say so: the regular expression is tried on those alone.
        maybe = pc.match_substring(parsing.arrow_text(text), "total", ignore_case=True).fill_null(False)
        maybe = maybe.to_numpy(zero_copy_only=False)
        if maybe.any():
            found[maybe] |= text[maybe].str.match(_TOTALS).fillna(False).to_numpy(dtype=bool)
    return pd.Series(found, index=frame.index)


def _totals_rows(cells: pd.DataFrame, original: pd.DataFrame, table: Table) -> pd.Series:
    """A row whose id is empty or says 'Total', and which has 'Total' (or 'Grand total') in a cell."""
    identity = [c for c in table.identity if c in original]
    if identity:
        no_id = _all_blank(original[identity])
        candidates = no_id | _says_total(original[identity])
    else:
        candidates = pd.Series(True, index=cells.index)
    found = pd.Series(False, index=cells.index)
    if candidates.any():
        found[candidates] = _says_total(cells[candidates])
    return found


def parse_column(column: Column, cells: pd.Series, extra_words: dict[str, str] | None) -> tuple[pd.Series, pd.Series, str]:
    """Typed values, a reason per unreadable cell, and the reason code."""
    kind = column.type
    if kind in ("datetime", "date"):
        values, reason = parsing.parse_day_first(cells, with_time=(kind == "datetime"))
        return values, reason, "invalid_date"
    if kind == "month":
        values, reason = parsing.parse_month(cells)
        return values, reason, "invalid_month"
    if kind == "number":
        values, reason, _ = parsing.parse_number(cells, symbols=column.symbols)
        return values, reason, "invalid_number"
    if kind == "count":
        values, reason = parsing.parse_count(cells)
        return values, reason, "invalid_count"
    if kind == "bool":
        values, reason = parsing.parse_bool(cells)
        return values, reason, "invalid_yes_no"
    if kind == "category":
        values, reason = parsing.parse_category(cells, column, extra_words)
        return values, reason, "unknown_category"
    if kind == "period":
        return _parse_periods(cells)
    return parsing.as_text(cells), pd.Series(pd.NA, index=cells.index, dtype="string"), ""


def _parse_periods(cells: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    text = parsing.as_text(cells)
    lookup = {}
    for value in text.dropna().unique():
        try:
            lookup[value] = code(parse_period(value))
        except PeriodError:
            lookup[value] = pd.NA
    values = text.map(lookup, na_action="ignore").astype("string")
    bad = text.notna() & values.isna()
    reason = pd.Series(pd.NA, index=cells.index, dtype="string")
    reason[bad] = "'" + text[bad] + "' is not a financial period (expected e.g. 2018-19 or 2018-19Q2)"
    return values, reason, "invalid_period"


def typed_table(table: Table, original: pd.DataFrame, source: Source, key: bytes,
                pseudonymise) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse every canonical column; fill defaults; replace person ids with pseudonyms."""
    typed = {}
    problems = []
    index = original.index
    for column in table.columns.values():
        if column.name not in original:
            typed[column.name] = pd.Series(index=index, dtype=DTYPES[column.type])  # all missing
            continue
        cells = original[column.name]
        values, reason, reason_code = parse_column(column, cells, source.categories.get(column.name))
        if column.required:
            missing = parsing.is_blank(cells).to_numpy(dtype=bool)
            problems.append(problems_frame(index[missing], column.name,
                                           f"{column.name} is empty (a value is required)", "missing_value"))
        bad = reason.notna()
        if bad.any():
            problems.append(problems_frame(index[bad], column.name, reason[bad], reason_code))
        if column.type in PERSON_ID_PREFIX or column.name in PERSON_ID_PREFIX:
            values = pseudonymise(values, key, prefix=PERSON_ID_PREFIX.get(column.name, "P-"))
        typed[column.name] = values.astype(DTYPES[column.type])
    frame = pd.DataFrame(typed, index=index)
    _apply_defaults(table, frame, original)
    _keep_published_symbols(table, frame, original)
    return frame, (pd.concat(problems, ignore_index=True) if problems else empty_problems())


def _keep_published_symbols(table: Table, frame: pd.DataFrame, original: pd.DataFrame) -> None:
    """A value published as 'c' or 'x' is missing, not zero: keep the symbol in `note`."""
    if "note" not in frame:
        return
    for column in table.columns.values():
        if column.symbols and column.name in original:
            _, _, symbol = parsing.parse_number(original[column.name], symbols=True)
            frame["note"] = frame["note"].fillna(symbol)


def _apply_defaults(table: Table, frame: pd.DataFrame, original: pd.DataFrame) -> None:
    for column in table.columns.values():
        if column.default is None:
            continue
        blank = (parsing.is_blank(original[column.name]) if column.name in original
                 else pd.Series(True, index=frame.index))
        if column.default == "from_outcome":
            frame.loc[blank, column.name] = frame.loc[blank, "outcome"].eq("strategy").fillna(False)
        else:
            frame.loc[blank, column.name] = column.default
