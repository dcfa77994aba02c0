"""The XmR engine: the settings a chart is drawn with, and the rules run over numpy arrays.

Kept apart from `kpi.spc.xmr` (one series, the public `spc`) and `kpi.spc.many` (many series at once) so
that both run exactly the same rules; the module docstring of `kpi.spc.xmr` describes the algorithm.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

Improvement = Literal["increase", "decrease", "neutral"]

LIMIT_FACTOR = 2.66  # 3 / d2 with d2 = 1.128: three sigma from the mean moving range
SCREENING_FACTOR = 3.267  # upper range limit for moving ranges (D4 for n = 2)
MIN_BASELINE = 12

DEFAULTS: dict[str, Any] = {
    "screen_outliers": False,
    "run_length": 7,
    "trend_length": 7,
    "two_in_three": "mdc",
    "conflicts": "improvement",  # a point both improvement and concern is improvement (MDC's tool)
    "short_group_points": 13,  # groups with fewer points than this have trial limits (issue 4)
}
PRESETS: dict[str, dict[str, Any]] = {
    "mdc": dict(DEFAULTS),
    # NHSRplotthedots v0.2.2: getOption("ptd_spc.warning_threshold", 13), so 13 as in the defaults
    "nhsr": {**DEFAULTS, "screen_outliers": True, "two_in_three": "nhsr", "conflicts": "precedence"},
}
_DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}

POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
SPECIAL_CAUSE_TYPES = ("none", "outside_limits", "trend", "two_in_three", "run")
WARNINGS = ("", "fewer than 2 points with values: no process limits")
def _resolve_settings(preset: str | None, given: dict[str, Any], explicit: Iterable[str]) -> dict[str, Any]:
    """Preset values first, then whatever the caller set explicitly."""
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)} or None, not {preset!r}")
    chosen = dict(PRESETS[preset or "mdc"])
    chosen.update({name: value for name, value in given.items() if name in explicit or preset is None})
    if chosen["two_in_three"] not in ("mdc", "nhsr"):
        raise ValueError(f"two_in_three must be 'mdc' or 'nhsr', not {chosen['two_in_three']!r}")
    if chosen["conflicts"] not in ("improvement", "precedence"):
        raise ValueError(f"conflicts must be 'improvement' or 'precedence', not {chosen['conflicts']!r}")
    for name in ("run_length", "trend_length"):
        if int(chosen[name]) < 2:
            raise ValueError(f"{name} must be at least 2")
    return chosen


def _check_baseline(baseline_points: int | None) -> None:
    if baseline_points is not None and baseline_points < MIN_BASELINE:
        raise ValueError(f"baseline_points must be at least {MIN_BASELINE} (got {baseline_points})")


def _direction(improvement: str) -> int:
    if improvement not in _DIRECTION:
        raise ValueError(f"improvement must be 'increase', 'decrease' or 'neutral', not {improvement!r}")
    return _DIRECTION[improvement]


def _group_starts(group: np.ndarray) -> np.ndarray:
    """True where a new group begins."""
    starts = np.ones(len(group), dtype=bool)
    starts[1:] = group[1:] != group[:-1]
    return starts


def _group_mean(values: np.ndarray, use: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of `values` where `use`, per group (NaN for a group with nothing to average)."""
    total = np.bincount(group, weights=np.where(use, values, 0.0), minlength=n_groups)
    count = np.bincount(group, weights=use.astype(float), minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _limits(y: np.ndarray, group: np.ndarray, n_groups: int, baseline_points: int | None, screen: bool):
    """Mean and mean moving range per group, from the baseline points."""
    starts = _group_starts(group)
    first_row = np.flatnonzero(starts)
    position = np.arange(len(y)) - first_row[group]
    in_baseline = ~np.isnan(y)
    if baseline_points is not None:
        in_baseline &= position < baseline_points
    mean = _group_mean(y, in_baseline, group, n_groups)

    has_range = in_baseline.copy()
    has_range[1:] &= in_baseline[:-1]
    has_range &= ~starts
    moving_range = np.full(len(y), np.nan)
    moving_range[1:] = np.abs(np.diff(y))
    amr = _group_mean(moving_range, has_range, group, n_groups)
    if screen:
        with np.errstate(invalid="ignore"):
            has_range &= moving_range < SCREENING_FACTOR * amr[group]
        amr = _group_mean(moving_range, has_range, group, n_groups)
    return mean, amr, np.where(has_range, moving_range, np.nan), in_baseline


def _lengths_of_runs(change: np.ndarray) -> np.ndarray:
    """For each element, the length of the stretch of equal elements it belongs to (`change` marks starts)."""
    run_id = np.cumsum(change) - 1
    return np.bincount(run_id)[run_id]


def _previous(a: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(a)
    out[:1] = fill
    out[1:] = a[:-1]
    return out


def _next(a: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(a)
    out[-1:] = fill
    out[:-1] = a[1:]
    return out


def _runs(side: np.ndarray, starts: np.ndarray, run_length: int) -> np.ndarray:
    """Points in a run of `run_length` or more on the same side of the mean."""
    change = starts | (side != _previous(side, 0))
    return (side != 0) & (_lengths_of_runs(change) >= run_length)


def _trends(y: np.ndarray, group: np.ndarray, starts: np.ndarray, trend_length: int):
    """Points in a rising trend, points in a falling trend, and NHSRplotthedots' one direction per point.

    A peak belongs to both the rising and the falling trend. NHSRplotthedots v0.2.2 gives a trend point the
    direction of the step to its right when its next point is in a trend too (so a peak is falling), else
    the step to its left; the "precedence" reading of conflicts uses that direction.
    """
    step = np.sign(y - _previous(y, np.nan))
    step[starts] = 0
    change = starts | (step != _previous(step, 0))
    trend_step = (step != 0) & (_lengths_of_runs(change) >= trend_length - 1)  # a step ending a trend's point
    same_group_next = _next(group, -1) == group

    def members(steps: np.ndarray) -> np.ndarray:  # both ends of each trend step
        return steps | (_next(steps, False) & same_group_next)

    rising, falling = members(trend_step & (step > 0)), members(trend_step & (step < 0))
    in_trend = rising | falling
    next_in_trend = _next(in_trend, False) & same_group_next
    chosen_step = np.where(in_trend & next_in_trend, _next(step, 0), step)
    nhsr_direction = np.where(chosen_step == 1, 1, -1) * in_trend
    return rising, falling, nhsr_direction.astype(np.int8)


def _two_in_three(close: np.ndarray, side: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Close-to-limit points in a window of three, all on one side of the mean, two or more close."""
    n = len(side)
    flagged = np.zeros(n, dtype=bool)
    if n < 3:
        return flagged
    start = np.arange(n - 2)
    window = [start, start + 1, start + 2]
    close_count = sum(close[i].astype(np.int8) for i in window)
    side_sum = sum(side[i].astype(np.int8) for i in window)
    signal = (group[start] == group[start + 2]) & (close_count >= 2) & (np.abs(side_sum) == 3)
    for offset in range(3):
        flagged[start + offset] |= signal
    return flagged & close


def _evaluate(
    y: np.ndarray,
    group: np.ndarray,
    direction_of_group: np.ndarray,
    settings: dict[str, Any],
) -> dict[str, np.ndarray]:
    """Limits, rules and point types for sorted points; `group` holds 0..n_groups-1 in blocks."""
    n_groups = int(group.max()) + 1 if len(group) else 0
    mean, amr, moving_range, in_baseline = _limits(
        y, group, n_groups, settings["baseline_points"], settings["screen_outliers"]
    )
    width = LIMIT_FACTOR * amr
    lpl, upl = mean - width, mean + width
    near_lpl, near_upl = mean - width * 2 / 3, mean + width * 2 / 3

    has_value = ~np.isnan(y)
    rows = np.flatnonzero(has_value)  # rules work on the points with values, so a gap neither breaks nor joins
    yv, gv = y[rows], group[rows]
    starts = _group_starts(gv)
    side = np.sign(yv - mean[gv]).astype(np.int8)
    with np.errstate(invalid="ignore"):
        outside = (yv > upl[gv]) | (yv < lpl[gv])
        beyond_near = (yv > near_upl[gv]) | (yv < near_lpl[gv])
    close = beyond_near if settings["two_in_three"] == "mdc" else beyond_near & ~outside
    run = _runs(side, starts, settings["run_length"])
    rising, falling, trend_direction = _trends(yv, gv, starts, settings["trend_length"])
    trend = rising | falling
    two_in_three = _two_in_three(close, side, gv)
    improvement = direction_of_group[gv]

    # Labels as codes into SPECIAL_CAUSE_TYPES and POINT_TYPES (fast; they become categoricals).
    cause = np.select([outside, trend, two_in_three, run], [1, 2, 3, 4], default=0).astype(np.int8)
    if settings["conflicts"] == "improvement":
        # A trend's own direction; only a peak or trough (in both) keeps NHSRplotthedots' reading.
        trend_direction = np.where(rising != falling, np.where(rising, 1, -1), trend_direction)
        # Any pattern in the improvement direction makes the point an improvement point (MDC's tool).
        towards = (side == improvement) & (improvement != 0)
        improving_trend = np.where(improvement > 0, rising, np.where(improvement < 0, falling, False))
        improving_cause = np.select(
            [outside & towards, improving_trend, two_in_three & towards, run & towards], [1, 2, 3, 4], default=0
        ).astype(np.int8)
        improving = improving_cause != 0
        cause = np.where(improving, improving_cause, cause)
        label_direction = np.where(improving, improvement, np.where(cause == 2, trend_direction, side))
    else:
        label_direction = np.where(cause == 2, trend_direction, side)
    label_direction = label_direction.astype(np.int8)
    flag = cause != 0
    point_type = np.select(
        [
            ~flag,
            (improvement == 0) & (label_direction > 0),
            improvement == 0,
            label_direction * improvement > 0,
        ],
        [0, 3, 4, 1],
        default=2,
    ).astype(np.int8)

    def spread(values: np.ndarray, fill) -> np.ndarray:
        full = np.full(len(y), fill, dtype=values.dtype)
        full[rows] = values
        return full

    group_size = np.bincount(group, minlength=n_groups)
    usable = np.bincount(group, weights=has_value.astype(float), minlength=n_groups)
    too_few = usable[group] < 2
    return {
        "mean": mean[group],
        "lpl": lpl[group],
        "upl": upl[group],
        "near_lpl": near_lpl[group],
        "near_upl": near_upl[group],
        "amr": amr[group],
        "moving_range": moving_range,
        "in_baseline": in_baseline,
        "has_value": has_value,
        "outside_limits": spread(outside, False),
        "relative_to_mean": spread(side, 0),
        "close_to_limits": spread(close, False),
        "run": spread(run, False),
        "trend": spread(trend, False),
        "trend_direction": spread(trend_direction.astype(np.int8), 0),
        "two_in_three": spread(two_in_three, False),
        "special_cause_type": spread(cause, -1),
        "special_cause_flag": spread(flag, False),
        "point_type": spread(point_type, -1),
        "short_group_warning": group_size[group] < settings["short_group_points"],
        "too_few_points": too_few,
    }


def _points_frame(result: dict[str, np.ndarray], group_number: np.ndarray) -> pd.DataFrame:
    """Arrays from `_evaluate` as a DataFrame with explicit dtypes; empty (<NA>) flags where no value."""
    missing = ~result["has_value"]

    def flags(name: str) -> pd.arrays.BooleanArray:
        return pd.arrays.BooleanArray(result[name], missing)

    def labels(name: str, categories: tuple[str, ...]) -> pd.Categorical:
        return pd.Categorical.from_codes(result[name], categories=list(categories))

    warning = pd.Categorical.from_codes(result["too_few_points"].astype(np.int8), categories=list(WARNINGS))
    columns = {
        "rebase_group": group_number.astype(np.int64),
        "mean": result["mean"],
        "lpl": result["lpl"],
        "upl": result["upl"],
        "near_lpl": result["near_lpl"],
        "near_upl": result["near_upl"],
        "amr": result["amr"],
        "moving_range": result["moving_range"],
        "in_baseline": result["in_baseline"],
        "outside_limits": flags("outside_limits"),
        "relative_to_mean": pd.arrays.IntegerArray(result["relative_to_mean"], missing),
        "close_to_limits": flags("close_to_limits"),
        "run": flags("run"),
        "trend": flags("trend"),
        "two_in_three": flags("two_in_three"),
        "special_cause_type": labels("special_cause_type", SPECIAL_CAUSE_TYPES),
        "special_cause_flag": flags("special_cause_flag"),
        "point_type": labels("point_type", POINT_TYPES),
        "short_group_warning": result["short_group_warning"],
        "warning": warning,
    }
    return pd.DataFrame(columns, copy=False)
