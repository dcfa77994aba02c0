"""XmR charts for many series at once (every indicator, or every authority), by the same rules as `spc`:
one pass over numpy arrays, never a loop over the series."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from kpi.spc.icons import _VARIATION_TABLE, _assurance_icons
from kpi.spc.rules import (_DIRECTION, Improvement, _check_baseline, _direction, _evaluate, _group_starts,
                           _points_frame, _resolve_settings)
from kpi.spc.xmr import _remember_explicit, _warn_short_groups


def _per_series(setting: Any, series_ids: pd.Index, default: Any) -> pd.Series:
    """A setting given once for all series, or as a mapping from series id."""
    if isinstance(setting, Mapping | pd.Series):
        return pd.Series(setting).reindex(series_ids).where(lambda s: s.notna(), default)
    return pd.Series([setting] * len(series_ids), index=series_ids, dtype=object)


@_remember_explicit
def spc_many(
    frame: pd.DataFrame,
    *,
    value: str = "value",
    series: str = "indicator_id",
    period: str = "period",
    improvement: Improvement | Mapping[Any, str] = "increase",
    target: float | Mapping[Any, float] | None = None,
    rebase: str | None = None,
    baseline_points: int | None = None,
    screen_outliers: bool = False,
    run_length: int = 7,
    trend_length: int = 7,
    two_in_three: Literal["mdc", "nhsr"] = "mdc",
    conflicts: Literal["improvement", "precedence"] = "improvement",
    preset: Literal["mdc", "nhsr"] | None = None,
    _explicit: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """XmR charts for many series at once (same rules as `spc`), sorted by series and period.

    `improvement` and `target` are one value for all series or a mapping from series id. `rebase` names a
    boolean column that is True on the first point of each new rebase group.
    Returns (points, summary): one row per point, and one row per series with its icons.
    """
    _check_baseline(baseline_points)
    chosen = _resolve_settings(preset, dict(screen_outliers=screen_outliers, run_length=run_length,
                                            trend_length=trend_length, two_in_three=two_in_three,
                                            conflicts=conflicts), _explicit)
    settings = {"baseline_points": baseline_points, **chosen}
    data = frame.sort_values([series, period], kind="stable").reset_index(drop=True)
    series_codes, series_ids = pd.factorize(data[series], sort=True)
    series_ids = pd.Index(series_ids, name=series)
    new_series = _group_starts(series_codes)
    rebased = np.zeros(len(data), dtype=bool)
    if rebase:
        rebased = data[rebase].fillna(False).to_numpy(dtype=bool, copy=True)
    rebase_group = pd.Series(rebased).groupby(series_codes).cumsum().to_numpy()
    group = np.cumsum(new_series | rebased) - 1

    directions = _per_series(improvement, series_ids, "increase")
    for direction in set(directions):
        _direction(direction)
    group_series = series_codes[_group_starts(group)]
    direction_of_group = directions.map(_DIRECTION).to_numpy(dtype=np.int8)[group_series]

    y = pd.to_numeric(data[value]).astype("float64").to_numpy()
    arrays = _evaluate(y, group, direction_of_group, settings)
    points = _points_frame(arrays, rebase_group)
    points.insert(0, "value", y)
    points.insert(0, period, data[period].array)
    points.insert(0, series, data[series].array)
    _warn_short_groups(points, chosen["short_group_points"])
    targets = _per_series(target, series_ids, None)
    return points, _summary(points, arrays, series_codes, series_ids, directions, targets, period)


def _summary(
    points: pd.DataFrame,
    arrays: dict[str, np.ndarray],
    series_codes: np.ndarray,
    series_ids: pd.Index,
    directions: pd.Series,
    targets: pd.Series,
    period: str,
) -> pd.DataFrame:
    """One row per series: the latest value, the latest group's limits, and the two icons."""
    last_row = np.flatnonzero(np.r_[series_codes[1:] != series_codes[:-1], True])
    row_if_value = np.where(arrays["has_value"], np.arange(len(series_codes)), -1)
    last_with_value = np.maximum.reduceat(row_if_value, np.r_[0, last_row[:-1] + 1])
    has_any = last_with_value >= 0
    take = np.where(has_any, last_with_value, last_row)
    direction = directions.map(_DIRECTION).to_numpy(dtype=np.int8)
    point_type = np.where(has_any, arrays["point_type"][take], 0)  # no value at all: common cause
    lpl, upl = arrays["lpl"][last_row], arrays["upl"][last_row]
    target = pd.to_numeric(targets, errors="coerce").to_numpy(dtype=float)
    return pd.DataFrame(
        {
            series_ids.name: series_ids,
            "last_period": points[period].to_numpy()[take],
            "last_value": np.where(has_any, points["value"].to_numpy()[take], np.nan),
            "mean": arrays["mean"][last_row],
            "lpl": lpl,
            "upl": upl,
            "improvement": directions.to_numpy(dtype=object),
            "target": target,
            "variation_icon": _VARIATION_TABLE[point_type, direction + 1],
            "assurance_icon": pd.Series(_assurance_icons(target, lpl, upl, direction), dtype=object),
            "short_group_warning": arrays["short_group_warning"][last_row],
        }
    )
