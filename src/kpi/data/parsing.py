"""Turn raw cells (text from a CSV, or whatever Excel stored) into typed values.

Every parser works on a whole column at once and returns the typed values together with a
reason for each cell it could not read (empty where the cell was fine), so a bad cell rejects
its row with an explanation instead of stopping the run or being silently coerced.

Dates are UK day-first. A value that is not a valid day-first date is rejected; it is never
read month-first, because 02/13/2017 in a UK extract is a data error, not the 13th of February.
"""

from __future__ import annotations

import datetime as dt
import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.data.date_layouts import read_common_layouts
from kpi.data.tables import Column, category_synonyms, normalise_label

# Symbols that published statistics use in place of a number (DfE, Welsh Government, LAIT).
PUBLISHED_SYMBOLS = ("c", "x", "z", "u", "k", "low", "*", "-", ":", "..", ".", "[c]", "[x]", "[z]", "[u]", "[low]")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}

_TIME = r"(?:[ T]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2})(?:\.\d+)?)?)?"
_DAY_FIRST = r"^(?P<day>\d{1,2})[/\-.](?P<month>\d{1,2})[/\-.](?P<year>\d{4}|\d{2})" + _TIME + r"$"
_ISO = r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?$"
_NAMED_MONTH = r"^(?P<day>\d{1,2})[ \-/](?P<month>[A-Za-z]{3,9})[ \-/,]+(?P<year>\d{4}|\d{2})" + _TIME + r"$"

_COMMON_LAYOUTS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")

COUNT_CEILING = 2**53  # the largest whole number a float holds exactly

_TRUE = {"yes", "y", "true", "t", "1", "seen", "ie", "oes", "do"}
_FALSE = {"no", "n", "false", "f", "0", "notseen", "na", "nac", "naddo", "nacoes"}


def is_blank(raw: pd.Series) -> pd.Series:
    """Cells with nothing in them (None, NaN or only spaces)."""
    if _all_text(raw):
        text = arrow_text(raw)
        blank = pc.or_kleene(pc.utf8_is_space(text), pc.equal(pc.binary_length(text), 0)).fill_null(True)
        return pd.Series(blank.to_numpy(zero_copy_only=False), index=raw.index)
    return raw.isna() | raw.map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)


def _all_text(raw: pd.Series) -> bool:
    return pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty")


def as_text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed text; Excel whole numbers (12345.0) become '12345'."""
    if not _all_text(raw):
        raw = raw.map(_cell_to_text, na_action="ignore")
    text = raw.astype("string").str.strip()
    return text.mask(text.eq(""))


def _cell_to_text(value: object) -> str:
    """A cell as an officer sees it in Excel: whole numbers without '.0', UK dates."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == dt.time(0) else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _split_native(raw: pd.Series, kinds: tuple[type, ...]) -> tuple[pd.Series, pd.Series]:
    """Cells Excel already typed (e.g. dates) and the rest as text."""
    if _all_text(raw):
        return pd.Series(False, index=raw.index), as_text(raw)
    native = raw.map(lambda v: isinstance(v, kinds) and not isinstance(v, bool)).astype(bool)
    return native, as_text(raw.where(~native))


def _assemble(parts: pd.DataFrame) -> pd.Series:
    """Build timestamps from year/month/day/... text parts; impossible dates become NaT."""
    numbers = parts.apply(pd.to_numeric, errors="coerce")
    year = numbers["year"]
    numbers["year"] = year.where(year >= 100, year + 2000)
    for part in ("hour", "minute", "second"):
        numbers[part] = numbers[part].fillna(0) if part in numbers else 0
    ok = numbers[["year", "month", "day"]].notna().all(axis=1)
    ok &= numbers["month"].between(1, 12) & numbers["day"].between(1, 31)
    ok &= numbers["hour"].between(0, 23) & numbers["minute"].between(0, 59) & numbers["second"].between(0, 59)
    stamps = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[us]")
    if ok.any():
        chosen = numbers.loc[ok, ["year", "month", "day", "hour", "minute", "second"]].astype("int64")
        stamps.loc[ok] = pd.to_datetime(chosen, errors="coerce").astype("datetime64[us]")
    return stamps


def parse_day_first(raw: pd.Series, *, with_time: bool) -> tuple[pd.Series, pd.Series]:
    """UK dates (10/02/2017, 10/02/2017 14:35, 10 Feb 2017) and ISO dates (2017-02-10)."""
    native, text = _split_native(raw, (dt.datetime, dt.date, pd.Timestamp))
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if native.any():
        result.loc[native] = pd.to_datetime(raw[native].astype(object)).astype("datetime64[us]")
    # Fastest: the layouts nearly every extract uses, read as whole columns of bytes.
    read, stamps = read_common_layouts(text)
    if read.any():
        values = result.to_numpy(copy=True)
        values[read] = stamps[read]
        result = pd.Series(values, index=raw.index, dtype="datetime64[us]")
    # Then the common exact layouts, parsed strictly (an impossible date stays NaT).
    for layout in _COMMON_LAYOUTS:
        todo = text.notna() & result.isna()
        if todo.sum() < 1:
            break
        parsed = pd.to_datetime(text[todo], format=layout, errors="coerce")
        result.loc[parsed.index] = result.loc[parsed.index].fillna(parsed.astype("datetime64[us]"))
    # Everything else (two-digit years, dots, month names, odd spacing) through the patterns.
    for pattern in (_DAY_FIRST, _ISO, _NAMED_MONTH):
        todo = text.notna() & result.isna()
        if not todo.any():
            break
        parts = text[todo].str.extract(pattern)
        matched = parts["year"].notna()
        if not matched.any():
            continue
        parts = parts[matched]
        if pattern == _NAMED_MONTH:
            parts["month"] = parts["month"].str.lower().map(_MONTHS)
        result.loc[parts.index] = _assemble(parts)
    if not with_time:
        result = result.dt.normalize()
    expected = "DD/MM/YYYY or DD/MM/YYYY HH:MM" if with_time else "DD/MM/YYYY"
    reason = _reason(text.notna() & result.isna(), raw, f"is not a valid day-first date (expected {expected})")
    return result, reason


def parse_month(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A month as the first day of it: 2019-04, 04/2019, Apr 2019, April-2019 or any full date."""
    native, text = _split_native(raw, (dt.datetime, dt.date, pd.Timestamp))
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if native.any():
        result.loc[native] = pd.to_datetime(raw[native].astype(object)).astype("datetime64[us]")
    patterns = {
        r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})$": False,
        r"^(?P<month>\d{1,2})[-/](?P<year>\d{4})$": False,
        r"^(?P<month>[A-Za-z]{3,9})[ \-/,]+(?P<year>\d{4}|\d{2})$": True,
    }
    for pattern, named in patterns.items():
        todo = text.notna() & result.isna()
        parts = text[todo].str.extract(pattern).dropna()
        if parts.empty:
            continue
        if named:
            parts["month"] = parts["month"].str.lower().map(_MONTHS)
        parts["day"] = "1"
        result.loc[parts.index] = _assemble(parts)
    todo = text.notna() & result.isna()
    if todo.any():
        full, _ = parse_day_first(text[todo], with_time=False)
        result.loc[todo] = full
    result = result.dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
    reason = _reason(text.notna() & result.isna(), raw, "is not a month (expected e.g. 2019-04 or Apr 2019)")
    return result, reason


def parse_number(raw: pd.Series, *, symbols: bool = False) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers, also when stored as text ('1,234', ' 15.20 ', '8.37E+1').

    With `symbols`, a published symbol such as 'c' or 'x' becomes a missing value and is
    returned in the third series so it can be kept in the `note` column.
    """
    native, text = _split_native(raw, (int, float, np.integer, np.floating))
    result = pd.Series(np.nan, index=raw.index, dtype="float64")
    if native.any():
        result.loc[native] = raw[native].astype("float64")
    cleaned = text.str.replace(",", "", regex=False).str.replace("%", "", regex=False).str.strip()
    result = result.fillna(pd.to_numeric(cleaned, errors="coerce").astype("float64"))
    infinite = np.isinf(result)  # 'inf' or 1e400 is no figure anyone recorded
    result = result.mask(infinite)
    symbol = pd.Series(pd.NA, index=raw.index, dtype="string")
    if symbols:
        is_symbol = text.str.lower().isin(PUBLISHED_SYMBOLS).fillna(False).astype(bool) & result.isna()
        symbol = symbol.mask(is_symbol, text.str.strip("[]"))
    bad = (text.notna() & result.isna() & symbol.isna()) | infinite
    return result, _reason(bad, raw, "is not a number"), symbol


def parse_count(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A whole number from 0 (a count of cases or contacts). How large a count may plausibly be is
    said per column in tables.yml (`max`); beyond 2**53 a number cannot even be held exactly."""
    number, reason, _ = parse_number(raw)
    negative = number.lt(0)
    fractional = number.notna() & number.ne(np.floor(number))
    huge = number.gt(COUNT_CEILING)
    reason = reason.fillna(_reason(negative, raw, "is negative (expected a whole number from 0)"))
    reason = reason.fillna(_reason(fractional, raw, "is not a whole number (expected a whole number from 0)"))
    reason = reason.fillna(_reason(huge, raw, "is far too large to be a count"))
    valid = number.where(reason.isna())
    return valid.round().astype("Int64"), reason


def by_distinct(text: pd.Series, work, dtype: str = "string") -> pd.Series:
    """`work` (a list of distinct texts -> a list of results, None for none) done once per distinct text of
    a column, not once per row: an extract repeats its codes, words and ids on row after row."""
    array = arrow_text(text)
    if not len(array):
        return pd.Series(index=text.index, dtype=dtype)
    encoded = array.dictionary_encode()
    collecting = gc.isenabled()
    gc.disable()  # a million new strings would set the collector off again and again, to find nothing
    try:
        results = pa.array(work(encoded.dictionary.to_pylist()), type=_ARROW_TYPES[dtype])
    finally:
        if collecting:
            gc.enable()
    values = results.take(encoded.indices)
    if dtype == "string":
        return pd.Series(pd.arrays.ArrowStringArray(values), index=text.index).astype("string")
    return pd.Series(values.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get).array, index=text.index,
                     dtype=dtype)


_ARROW_TYPES = {"string": pa.large_string(), "boolean": pa.bool_()}


def no_text(index: pd.Index) -> pd.Series:
    """A text column with nothing in it."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string())), index=index).astype("string")


def arrow_text(text: pd.Series) -> pa.LargeStringArray:
    """A text column as one Arrow array (without copying, when pandas holds it in Arrow as one piece)."""
    array = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def normalise_labels(text: pd.Series) -> pd.Series:
    """normalise_label for a whole column: each distinct value is worked out once."""
    return by_distinct(text, lambda values: [normalise_label(v) for v in values])


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/No, Y/N, True/False, 1/0 (and Welsh Ie/Na) as true or false."""
    if not _all_text(raw):
        raw = raw.map(lambda v: str(int(v)) if isinstance(v, (bool, int, float)) and v == v else v)
    text = as_text(raw)
    answer = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
    result = by_distinct(text, lambda values: [answer.get(normalise_label(v)) for v in values], "boolean")
    return result, _reason(text.notna() & result.isna(), raw, "is not yes or no")


def parse_category(raw: pd.Series, column: Column, extra: dict[str, str] | None = None) -> tuple[pd.Series, pd.Series]:
    """Map the words a system uses onto our category values through the synonym table."""
    words = dict(category_synonyms().get(column.name, {}))
    words.update({normalise_label(v): v for v in column.values})
    words.update({normalise_label(k): v for k, v in (extra or {}).items()})
    text = as_text(raw)
    result = by_distinct(text, lambda values: [words.get(normalise_label(v)) for v in values])
    allowed = ", ".join(column.values)
    return result, _reason(text.notna() & result.isna(), raw, f"is not a known {column.name} (expected one of: {allowed})")


def _reason(bad: pd.Series, raw: pd.Series, message: str) -> pd.Series:
    """'<value>' <message> for the bad cells, missing elsewhere."""
    reason = no_text(raw.index)
    if bad.any():
        shown = as_text(raw[bad]).fillna("")
        reason.loc[bad] = "'" + shown + "' " + message
    return reason
