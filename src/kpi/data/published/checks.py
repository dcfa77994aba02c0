"""Checks on published figures once parsed: exact decimals, and values that disagree with their own
numerator and denominator.

A published percentage should be its numerator over its denominator, give or take rounding: of the
value to its published decimals, and of the counts (DfE rounds counts to the nearest 10, the Welsh
Government to the nearest 5: `options.count_rounding`, 10 for `ees`, 5 for `statswales`, else 1). A record that disagrees by more than that is still loaded - the published
figure is the official one and other authorities are ranked on it - but it carries a warning in `note`
and is counted under `rows_flagged` in the ingest report, so an officer can check it before quoting it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.data.published.common import exact_decimals
from kpi.data.published.units import fill_units
from kpi.config import Source
from kpi.errors import ConfigError

NUMBER_COLUMNS = ("value", "numerator", "denominator")
SCALES = (1.0, 100.0, 1_000.0, 10_000.0, 100_000.0)  # ratio, percent, per 1,000, per 10,000, per 100,000
COUNT_ROUNDING = {"ees": 10.0, "statswales": 5.0}  # what published counts may be rounded to, by format
DISAGREES = "value disagrees with numerator/denominator"


def after_parsing(source: Source, original: pd.DataFrame, typed: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Each record's unit (as published_measures.yml says where the file does not); exact decimals for
    every number; a warning for each record whose value disagrees with its
    numerator and denominator by more than rounding (the warning is also added to `note`)."""
    typed = fill_units(typed)
    for column in NUMBER_COLUMNS:
        if column in typed:
            typed[column] = exact_decimals(typed[column])
    flags = disagreements(typed, scale=_number_option(source, "scale"),
                          count_rounding=_number_option(source, "count_rounding") or COUNT_ROUNDING.get(source.format, 1.0))
    note = typed["note"]
    typed["note"] = flags.where(note.isna(), note + "; " + flags).fillna(note).astype("string")
    return typed, flags


def _number_option(source: Source, key: str) -> float | None:
    value = source.options.get(key)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if number <= 0:
        raise ConfigError(f"sources.comparators.options.{key}: '{value}' is not a positive number (scale: 100 for "
                          "percentages, 1 for ratios; count_rounding: 10 if counts are rounded to the nearest 10)")
    return number


def decimals_of(values: pd.Series) -> np.ndarray:
    """The fewest decimal places (0-15) that show each value exactly as it is (22.6 -> 1, 632830 -> 0)."""
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    places = np.full(len(x), 15, dtype=int)
    todo = np.isfinite(x)
    for d in range(15, -1, -1):
        exact = todo & (np.round(x, d) == x)
        places[exact] = d
    return places


def _half_unit_of_value(values: pd.Series) -> np.ndarray:
    """Half a unit in the last published decimal place: 22.6 -> 0.05, 21 -> 0.5."""
    return 0.5 * np.power(10.0, -decimals_of(values))


def _half_unit_of_count(values: pd.Series, rounding: float) -> np.ndarray:
    """As for a value; and a published multiple of the rounding unit (nearest 10 for DfE) may be up to
    half that unit away from the true count."""
    half = _half_unit_of_value(values)
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    rounded = np.isfinite(x) & (np.abs(x) >= rounding) & (np.mod(x, rounding) == 0)
    return np.where(rounded, np.maximum(half, rounding / 2), half)


def disagreements(typed: pd.DataFrame, scale: float | None = None, count_rounding: float = 1.0) -> pd.Series:
    """A warning where value, numerator and denominator are all published and the value is not
    numerator / denominator x scale within rounding; missing elsewhere.

    Without a `scale` the one that fits most of each indicator's records is used (100 for percentages,
    1 for a caseload, 10,000 for a rate per 10,000 children), so the check needs no configuration.
    """
    flags = pd.Series(pd.NA, index=typed.index, dtype="string")
    if not all(c in typed for c in NUMBER_COLUMNS):
        return flags
    value, numerator, denominator = (typed[c] for c in NUMBER_COLUMNS)
    checkable = (value.notna() & numerator.notna() & denominator.notna() & denominator.gt(0)).to_numpy()
    if not checkable.any():
        return flags
    v, n, d = (s.to_numpy(dtype="float64", na_value=np.nan)[checkable] for s in (value, numerator, denominator))
    hv = _half_unit_of_value(value[checkable])
    hn = _half_unit_of_count(numerator[checkable], count_rounding)
    hd = _half_unit_of_count(denominator[checkable], count_rounding)
    low = np.maximum(n - hn, 0) / (d + hd)
    with np.errstate(divide="ignore"):
        high = np.where(d - hd > 0, (n + hn) / np.maximum(d - hd, 1e-300), np.inf)
    slack = 1e-9 * np.maximum(np.abs(v), 1)
    fits = np.column_stack([(v + hv + slack >= low * s) & (v - hv - slack <= high * s) for s in SCALES])

    if scale is not None:
        scale_used = np.full(len(v), float(scale))
        fit = (v + hv + slack >= low * scale) & (v - hv - slack <= high * scale)
    else:
        ids = pd.Series(typed["indicator_id"].to_numpy(dtype=object)[checkable]).fillna("")
        counts = pd.DataFrame(fits).groupby(ids).transform("sum").to_numpy()
        chosen = counts.argmax(axis=1)  # the first (smallest) scale wins a tie
        scale_used = np.asarray(SCALES)[chosen]
        fit = fits[np.arange(len(v)), chosen]
    bad = ~fit
    if bad.any():
        where = np.flatnonzero(checkable)[bad]
        ratio = n[bad] / d[bad] * scale_used[bad]
        text = [f"{DISAGREES}: published {_show(vv)}, {_show(nn)} / {_show(dd)}{_times(ss)} = {rr:.2f}"
                for vv, nn, dd, ss, rr in zip(v[bad], n[bad], d[bad], scale_used[bad], ratio)]
        flags.iloc[where] = text  # one string per flagged record (few), not per row of the file
    return flags


def _show(number: float) -> str:
    return f"{number:,.15g}"


def _times(scale: float) -> str:
    return "" if scale == 1 else f" x {scale:,.0f}"
