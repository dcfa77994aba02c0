"""pandera schemas for the canonical tables, built from the data dictionary (tables.yml).

A schema states what an accepted row must satisfy: types, required values, allowed categories,
unique ids, ranges, dates within the extract's time span, and the order of related dates.
Each check's `error` is the reason a failing row is quarantined with.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

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


def _uk(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _column_checks(column: Column, earliest: dt.date, latest: dt.date) -> list[tuple[pa.Check, str]]:
    """Checks on one column, each with the reason code it is reported under."""
    checks = []
    if column.type == "category" and column.values:
        checks.append((pa.Check.isin(list(column.values), error=f"is not one of: {', '.join(column.values)}"),
                       "unknown_category"))
    if column.min is not None:
        checks.append((pa.Check.ge(column.min, error=f"is below {column.min:g} (the lowest allowed)"), "out_of_range"))
    if column.min_exclusive is not None:
        checks.append((pa.Check.gt(column.min_exclusive, error=f"is not above {column.min_exclusive:g}"),
                       "out_of_range"))
    if column.max is not None:
        checks.append((pa.Check.le(column.max, error=f"is above {column.max:g} (the highest allowed)"), "out_of_range"))
    if column.type == "count":
        checks.append((pa.Check.ge(0, error="is negative (expected a whole number from 0)"), "invalid_count"))
    if column.type in DATE_TYPES:
        end_of_extract = pd.Timestamp(latest) + pd.Timedelta(days=1)
        checks.append((pa.Check.lt(end_of_extract, error=f"is after the extract date {_uk(latest)}"),
                       "date_after_extract"))
        checks.append((pa.Check.ge(pd.Timestamp(earliest), error=f"is before {_uk(earliest)} (an impossible year)"),
                       "date_too_early"))
    return checks


def _order_check(later: str, earlier: str, reason: str) -> pa.Check:
    def not_before(frame: pd.DataFrame) -> pd.Series:
        return frame[later].isna() | frame[earlier].isna() | (frame[later] >= frame[earlier])

    return pa.Check(not_before, error=reason, name=f"{later}_not_before_{earlier}")


def build_schema(table: Table, *, earliest: dt.date, latest: dt.date) -> tuple[pa.DataFrameSchema, dict[str, str]]:
    """The schema an accepted row of `table` satisfies, and the reason code of each check's error."""
    codes = {"not_nullable": "missing_value", "field_uniqueness": "conflicting_id"}
    columns = {}
    for name, column in table.columns.items():
        checks = _column_checks(column, earliest, latest)
        codes.update({check.error: code for check, code in checks})
        columns[name] = pa.Column(
            DTYPES[column.type],
            checks=[check for check, _ in checks],
            nullable=not column.required,
            unique=(name == table.id),
            required=True,
        )
    frame_checks = []
    for check in table.checks:
        frame_checks.append(_order_check(check.column, check.other, check.reason))
        codes[check.reason] = "dates_out_of_order" if check.check == "not_before" else "out_of_range"
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False), codes


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failed check as rows of: row (index label), column, check, error text."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        return pd.DataFrame({
            "row": cases["index"].astype("int64"),
            "column": cases["column"].astype("string"),
            "check": cases["check"].astype("string"),
            "context": cases["schema_context"].astype("string"),
        }).reset_index(drop=True)
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "column": pd.Series(dtype="string"),
                         "check": pd.Series(dtype="string"), "context": pd.Series(dtype="string")})
