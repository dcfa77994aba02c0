"""What the published-format readers share: options, periods, exact decimals, and the extract they hand
to `kpi ingest`.

A reader turns a published table into records of the canonical `comparators` table (one per indicator,
area and period) while keeping the published cell text, so that the common pipeline parses, validates
and quarantines them like any other extract. Every row of the published file is accounted for: it is the
source of one or more records, merged into another row's record, or left out on purpose with a reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.data.columns import ColumnMatch
from kpi.config import Source
from kpi.errors import ConfigError, UnusableInput
from kpi.data.readers import RawExtract
from kpi.data.tables import normalise_label

COLUMNS = ["indicator_id", "area_code", "area_name", "area_type", "period", "value", "numerator",
           "denominator", "note", "unit", "published_id"]
ROW = "_row"  # the published row a record comes from, as Excel (or a text editor) numbers it
ENGLAND_CODE = "E92000001"
WALES_CODE = "W92000004"

# How a single year N is read. Each maps to the UK financial year the figure belongs to.
YEAR_KINDS = {
    "march": "a year ending 31 March N (financial year (N-1)-N), e.g. the children in need census",
    "september": "a snapshot on 30 September N (financial year N-(N+1)), e.g. the social work workforce census",
    "academic": "the academic year (N-1)/N, shown as financial year (N-1)-N",
    "calendar": "the calendar year N, shown as financial year N-(N+1), which holds nine of its months",
}


# --- options -----------------------------------------------------------------------------------


def options_of(source: Source, fmt: str, allowed: dict[str, str]) -> dict[str, Any]:
    """The source's options, refusing a key the format does not know (a misspelt key would be ignored)."""
    unknown = [key for key in source.options if key not in allowed]
    if unknown:
        known = "; ".join(f"{key}: {meaning}" for key, meaning in allowed.items())
        raise ConfigError(f"sources.comparators.options: unknown key '{unknown[0]}' for format {fmt} "
                          f"(the keys are - {known})")
    return dict(source.options)


def year_kind(value: Any, key: str = "reporting_year") -> str:
    text = str(value).strip().lower()
    if text not in YEAR_KINDS:
        choices = "; ".join(f"{k}: {v}" for k, v in YEAR_KINDS.items())
        raise ConfigError(f"sources.comparators.options.{key}: '{value}' is not one of - {choices}")
    return text


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def resolve_beside(path: Path, name: str, key: str) -> Path:
    """A file named in the options: absolute, or relative to the folder of the file being read."""
    candidate = Path(name).expanduser()
    candidate = candidate if candidate.is_absolute() else path.parent / candidate
    if not candidate.is_file():
        raise UnusableInput(f"{candidate}: file not found (sources.comparators.options.{key}; a relative "
                            f"path is read from the folder of {path.name})")
    return candidate


# --- finding columns ---------------------------------------------------------------------------


def find_column(headers: list[str], cells: pd.DataFrame, wanted: str, path: Path, *,
                required: bool = True, what: str = "") -> int | None:
    """The position of a column by its published name: exact, then ignoring case, then ignoring case,
    spaces and punctuation. A name that appears twice is used only if both columns hold the same cells."""
    stripped = [h.strip() for h in headers]
    for compare in (lambda h: h, str.casefold, normalise_label):
        target = compare(wanted.strip())
        found = [i for i, h in enumerate(stripped) if compare(h) == target]
        if found:
            break
    else:
        if not required:
            return None
        listed = ", ".join(h for h in headers if h)
        raise UnusableInput(f"{path}: column '{wanted}'{what} not found; the headers are: {listed}")
    if len(found) > 1:
        first = cells[found[0]].astype("string").fillna("")
        if not all(first.equals(cells[i].astype("string").fillna("")) for i in found[1:]):
            from openpyxl.utils import get_column_letter  # only for this message: openpyxl is slow to load

            letters = " and ".join(get_column_letter(i + 1) for i in found)
            raise UnusableInput(f"{path}: column '{wanted}'{what} appears {len(found)} times (columns {letters}) "
                                "with different values; rename one of them in the file")
    return found[0]


def cell_text(cells: pd.DataFrame, position: int | None) -> pd.Series:
    """A column's cells as trimmed text (missing where empty or absent)."""
    if position is None:
        return pd.Series(pd.NA, index=cells.index, dtype="string")
    text = cells[position].astype("string").str.strip()
    return text.mask(text.eq(""))


def matches_any(text: pd.Series, allowed: list[str]) -> pd.Series:
    """Cells equal to one of `allowed`, ignoring case, spaces and punctuation."""
    labels = {normalise_label(a) for a in allowed}
    distinct = text.dropna().unique()
    lookup = {value: normalise_label(value) in labels for value in distinct}
    return text.map(lookup, na_action="ignore").fillna(False).astype(bool)


# --- periods -----------------------------------------------------------------------------------

_SUFFIX = re.compile(r"\s*\((?:[^)]*)\)\s*$")  # '2016-17 (OT)', '2018 (Rev)', '2020 (Final)'
_SINGLE = re.compile(r"^(\d{4})$")
_PAIR = re.compile(r"^(\d{4})\s*[-/]?\s*(\d{2}|\d{4})$")  # 2018-19, 2018/19, 201819, 2018-2019
_QUARTER = re.compile(r"^(\d{4})\s*[-/]?\s*(\d{2}|\d{4})\s*Q([1-4])$", re.IGNORECASE)


def fy_code(end_year: int) -> str:
    return f"{end_year - 1}-{end_year % 100:02d}"


def _pair_end(start: str, end: str) -> int | None:
    first = int(start)
    last = int(end) if len(end) == 4 else (first // 100) * 100 + int(end)
    if len(end) == 2 and last < first:
        last += 100
    return last if last == first + 1 else None


def period_code(text: Any, kind: str) -> str | None:
    """The financial period a published year stands for ('2018-19', '2018-19Q2'), or None when the text
    is not one year (a span such as '2014-16', or a code we do not know)."""
    if text is None or pd.isna(text):
        return None
    text = _SUFFIX.sub("", str(text)).strip()
    quarter = _QUARTER.match(text)
    if quarter:
        end = _pair_end(quarter[1], quarter[2])
        return f"{fy_code(end)}Q{quarter[3]}" if end else None
    single = _SINGLE.match(text)
    if single:
        year = int(single[1])
        return fy_code(year + 1 if kind in ("september", "calendar") else year)
    pair = _PAIR.match(text)
    if pair:
        end = _pair_end(pair[1], pair[2])
        return fy_code(end) if end else None
    return None


def translate_periods(text: pd.Series, kind: pd.Series | str) -> pd.Series:
    """`period_code` for a whole column, worked out once per distinct (text, kind); missing where the text
    is not one year (callers keep the published text then, so the row is rejected with it in the reason)."""
    kinds = kind if isinstance(kind, pd.Series) else pd.Series(kind, index=text.index)
    frame = pd.DataFrame({"text": text.astype("string"), "kind": kinds.astype("string").fillna("march")})
    distinct = frame.dropna(subset=["text"]).drop_duplicates()
    distinct["code"] = [period_code(t, k) for t, k in zip(distinct["text"], distinct["kind"])]
    merged = frame.merge(distinct, on=["text", "kind"], how="left")
    return pd.Series(merged["code"].to_numpy(), index=text.index, dtype="string")


# --- exact decimals ----------------------------------------------------------------------------

SIGNIFICANT = 15


def exact_decimals(values: pd.Series) -> pd.Series:
    """Numbers as published: '83.400000000000006' or '8.34E+1' becomes exactly 83.4.

    Float artefacts sit in the 16th and 17th significant digits, where a double's own precision ends;
    rounding to 15 significant digits gives the nearest double to the published decimal, whatever it was
    computed from. (Dividing an exactly represented whole number by an exact power of ten is correctly
    rounded, so the result is the same double as float('83.4').)
    """
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    out = x.copy()
    usable = np.isfinite(x) & (x != 0)
    if usable.any():
        magnitude = np.floor(np.log10(np.abs(x[usable])))
        places = (SIGNIFICANT - 1 - magnitude).astype(int)
        ok = (places >= 0) & (places <= 22)  # powers of ten up to 1e22 are exact doubles
        scale = np.power(10.0, places[ok])
        chosen = x[usable][ok]
        rounded = out[usable]
        rounded[ok] = np.round(chosen * scale) / scale
        out[usable] = rounded
    return pd.Series(out, index=values.index, dtype="float64")


# --- the extract handed to ingest --------------------------------------------------------------


def extract_for(path: Path, records: pd.DataFrame, *, rows_in_file: int, left_out: pd.Series,
                headers: dict[str, str], ignored: list[str], header_row: int | None, encoding: str | None,
                merged_into: pd.Series | None = None, sheet: str | None = None
                ) -> tuple[RawExtract, ColumnMatch, pd.DataFrame]:
    """(extract, match, original) as `kpi.data.loading.read_part` returns them, for reshaped records.

    `records` has the canonical columns (published cell text) and ROW; `left_out` a reason per published
    row not loaded (index: row number); `merged_into` the record row each merged row went into.
    """
    columns = COLUMNS  # all of them, even when the file has no numerator or note
    records = records.reset_index(drop=True)
    original = pd.DataFrame({c: records[c].astype("string") if c in records else
                             pd.Series(pd.NA, index=records.index, dtype="string") for c in columns})
    cells = original.set_axis(range(len(columns)), axis=1)
    source_rows = records[ROW].reset_index(drop=True).astype("int64")
    extract = RawExtract(
        path=path, headers=columns, cells=cells, source_rows=source_rows, header_row=header_row,
        encoding=encoding, sheet=sheet, ragged_rows=pd.Series(False, index=cells.index),
        rows_in_file=rows_in_file, left_out=left_out.astype("string"),
        merged_into=merged_into if merged_into is not None else pd.Series(dtype="int64"),
    )
    match = ColumnMatch(positions={c: i for i, c in enumerate(columns)}, headers=headers, ignored=ignored,
                        identifying=[])
    return extract, match, original


def blank_rows(cells: pd.DataFrame) -> pd.Series:
    """Rows with nothing in any cell."""
    if not len(cells.columns):
        return pd.Series(True, index=cells.index)
    text = cells.astype("string")
    return (text.isna() | text.apply(lambda c: c.str.strip().eq(""))).all(axis=1)


def reason_per_row(rows: pd.Series, reason: pd.Series | str) -> pd.Series:
    """Reasons indexed by published row number."""
    if isinstance(reason, str):
        return pd.Series(reason, index=pd.Index(rows.to_numpy(), dtype="int64"), dtype="string")
    return pd.Series(reason.to_numpy(), index=pd.Index(rows.to_numpy(), dtype="int64"), dtype="string")
