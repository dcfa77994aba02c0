"""The rules an accepted row satisfies, built from the data dictionary (tables.yml).

A schema states what an accepted row must satisfy beyond being readable: allowed categories, ranges,
dates within the extract's time span, and the order of related dates. Each rule's `error` is the reason
a failing row is quarantined with. Types and required values are settled when the cells are parsed
(kpi.data.loading), and ids when repeated rows are found (kpi.data.duplicates).

Every rule is a comparison on whole columns, run on a batch of rows at once. An empty value never fails
a rule (a required one is reported as empty when it is parsed). The failures are listed in the order
kpi's earlier pandera schemas gave them: the checks across columns first, then each column's checks in
the dictionary's order.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.data.tables import Column, Table

DTYPES = {
    "id": "string",
    "person_id": "string",
    "text": "string",
    "category": "string",
    "period": "string",
    "datetime": "datetime64[us]",
    "date": "datetime64[us]",
    "month": "datetime64[us]",
    "bool": "boolean",
    "number": "float64",
    "count": "Int64",
}
DATE_TYPES = ("datetime", "date", "month")
ACROSS = "across"  # the kind of a rule comparing two columns of a row (reported with both columns)


@dataclass(frozen=True)
class Rule:
    """A comparison a row's value must pass: `passes(value, limit)`, or `passes(column, other)` for a rule
    across two columns (`limit` None)."""

    error: str  # the reason a failing row is quarantined with
    columns: tuple[str, ...]  # the column it checks, or the later and the earlier one
    passes: Callable[[pd.Series, object], pd.Series]  # operator.ge, ..., or Series.isin
    limit: object = None


@dataclass(frozen=True)
class Schema:
    """A table's rules in the order their failures are listed, and its required columns."""

    across: tuple[Rule, ...]  # rules comparing two columns of a row
    by_column: dict[str, tuple[Rule, ...]]  # each column's rules, the columns in the dictionary's order
    required: tuple[str, ...]


def _uk(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _column_checks(column: Column, earliest: dt.date, latest: dt.date) -> list[tuple[Rule, str]]:
    """Checks on one column, each with the reason code it is reported under."""
    name = (column.name,)
    checks = []
    if column.type == "category" and column.values:
        checks.append((Rule(f"is not one of: {', '.join(column.values)}", name, pd.Series.isin, list(column.values)),
                       "unknown_category"))
    if column.min is not None:
        checks.append((Rule(f"is below {column.min:g} (the lowest allowed)", name, operator.ge, column.min),
                       "out_of_range"))
    if column.min_exclusive is not None:
        checks.append((Rule(f"is not above {column.min_exclusive:g}", name, operator.gt, column.min_exclusive),
                       "out_of_range"))
    if column.max is not None:
        checks.append((Rule(f"is above {column.max:g} (the highest allowed)", name, operator.le, column.max),
                       "out_of_range"))
    if column.type == "count":
        checks.append((Rule("is negative (expected a whole number from 0)", name, operator.ge, 0), "invalid_count"))
    if column.type in DATE_TYPES:
        end_of_extract = pd.Timestamp(latest) + pd.Timedelta(days=1)
        checks.append((Rule(f"is after the extract date {_uk(latest)}", name, operator.lt, end_of_extract),
                       "date_after_extract"))
        checks.append((Rule(f"is before {_uk(earliest)} (an impossible year)", name, operator.ge,
                            pd.Timestamp(earliest)), "date_too_early"))
    return checks


def build_schema(table: Table, *, earliest: dt.date, latest: dt.date) -> tuple[Schema, dict[str, str]]:
    """The rules an accepted row of `table` satisfies, and the reason code of each rule's error."""
    codes = {"not_nullable": "missing_value"}
    across = []
    for check in table.checks:
        across.append(Rule(check.reason, (check.column, check.other), operator.ge))
        codes[check.reason] = "dates_out_of_order" if check.check == "not_before" else "out_of_range"
    by_column = {}
    for column in table.columns.values():
        checks = _column_checks(column, earliest, latest)
        codes.update({rule.error: code for rule, code in checks})
        by_column[column.name] = tuple(rule for rule, _ in checks)
    return Schema(tuple(across), by_column, tuple(table.required)), codes


def failures(schema: Schema, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failed check as rows of: row (index label), column, check (its error, or not_nullable), and
    context ('Column' for a check of one column, 'across' for one comparing two)."""
    found = []

    def add(failed: pd.Series, column: str, check: str, context: str) -> None:
        failed = failed.to_numpy(dtype=bool)
        if failed.any():  # most checks fail on no row: no table is made for them
            found.append(_cases(frame.index[failed], column, check, context))

    for rule in schema.across:
        later, earlier = (frame[c] for c in rule.columns)
        add(later.notna() & earlier.notna() & ~_passed(rule.passes(later, earlier)), rule.columns[0], rule.error,
            ACROSS)
    for name, rules in schema.by_column.items():
        values = frame[name]
        if name in schema.required:
            add(values.isna(), name, "not_nullable", "Column")
        for rule in rules:
            add(values.notna() & ~_passed(rule.passes(values, rule.limit)), name, rule.error, "Column")
    return pd.concat(found, ignore_index=True) if found else _cases([], "", "", "")


def _passed(result) -> pd.Series:
    """A comparison's result with missing counted as passing (an empty value fails no check)."""
    return pd.Series(result).fillna(True).astype(bool)


def _cases(rows, column: str, check: str, context: str) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=np.int64)
    return pd.DataFrame({"row": rows, "column": pd.Series([column] * len(rows), dtype="string"),
                         "check": pd.Series([check] * len(rows), dtype="string"),
                         "context": pd.Series([context] * len(rows), dtype="string")})
