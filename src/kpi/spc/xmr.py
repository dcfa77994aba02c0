"""Statistical process control: tell real change from noise (NHS England's "Making Data Count").

An XmR chart (Wheeler's "process behaviour chart") puts a mean and two process limits around a series.
Points inside the limits that follow no pattern are *common cause* variation - noise - and should not be
reported as improvement or decline. Special-cause rules pick out the signals worth a committee's time.

The algorithm, for each rebase group (the points from one rebase to the next), in period order:

* Baseline: the first ``baseline_points`` points of the group (at least 12; counted by position, missing
  values included, as NHSRplotthedots' ``fix_after_n_points``), or all of them.
* mean = mean of the baseline; moving ranges mr = |y[i] - y[i-1]| between neighbouring baseline points;
  amr = mean of the moving ranges.
* Screening (optional): moving ranges above 3.267 x amr are dropped and amr is recomputed from those left,
  so that one wild jump does not widen the limits.
* Process limits: mean -/+ 2.66 x amr (three sigma). "Near" limits: mean -/+ (2 x 2.66 / 3) x amr (two sigma).
* Rules (never looking across a rebase):
  - outside limits: a point above the upper or below the lower process limit (strictly);
  - run: ``run_length`` or more points in a row on the same side of the mean (a point on the mean breaks it);
  - trend: ``trend_length`` or more points in a row each strictly higher (or each strictly lower) than the one
    before (a tie breaks it);
  - two-in-three: in a window of three points in a row, all strictly on the same side of the mean, two or
    more are beyond the near limit; those points are flagged. Mode "mdc" (MDC's 2023 rule) counts a point
    beyond the process limit as beyond the near limit too; mode "nhsr" (NHSRplotthedots) counts only points
    between the near and the process limit.
* Each special-cause point gets one label (``special_cause_type``) and a direction, which with the
  improvement direction give ``special_cause_improvement``, ``special_cause_concern`` or, for a neutral
  indicator, ``special_cause_neutral_high`` / ``special_cause_neutral_low``. A point can be in two patterns
  at once that point different ways (below the lower limit and the first point of a rising trend; the peak
  where a rising and a falling trend meet). ``conflicts`` says which wins:
  - "improvement" (MDC's Excel tool, which shows improvement when a point is both, NHSRplotthedots issue
    194): a point in any pattern in the improvement direction is an improvement point, labelled with the
    first of its improvement-direction rules in the order below; a trend's direction is the trend's own.
  - "precedence" (NHSRplotthedots v0.2.2): one label by precedence, outside_limits > trend > two_in_three >
    run, with its direction (above or below the mean; for a trend, its direction as NHSRplotthedots reads
    it: where two trends meet, or a trend point's next point is in a trend, the step to the right).
  A neutral indicator has no improvement to prefer: its points follow precedence either way.
* ``short_group_warning``: the rebase group has fewer than 13 points: its limits are trial limits. (The
  13 is NHSRplotthedots v0.2.2's default for its ``ptd_spc.warning_threshold`` option, in
  R/ptd_add_short_group_warnings.R; that file's comment and warning text still say 12.)
* Variation icon: from the last point with a value. Assurance icon (only with a target and a non-neutral
  direction): from the latest rebase group's limits - a target beyond a process limit is always met or always
  missed; a target between the limits is hit and miss ("inconsistent").

Presets: ``preset="nhsr"`` reproduces the R package NHSRplotthedots v0.2.2 (screening on, its two-in-three
rule, precedence for conflicts); ``preset="mdc"`` is the MDC Excel tool (no screening, 2023 two-in-three rule,
improvement wins a conflict) and the default.
Keyword arguments given explicitly override the preset. Every choice used is in ``result.settings``.

Output (``result.points``, one row per input value, in input order): ``period`` (when given), ``value``,
``rebase_group`` (0, 1, ...), ``mean``, ``lpl``, ``upl``, ``near_lpl``, ``near_upl``, ``amr``, ``moving_range``
(the ones used; NaN if left out), ``in_baseline``, ``outside_limits``, ``relative_to_mean`` (-1, 0, +1),
``close_to_limits``, ``run``, ``trend``, ``two_in_three`` (each rule's own flag), ``special_cause_type``
(none / outside_limits / trend / two_in_three / run), ``special_cause_flag``, ``point_type``,
``short_group_warning`` and ``warning`` (text, empty when all is well).

Missing values (NaN): the point stays in the output (with its period) but its flags and point type are empty
(<NA>). It is left out of the mean, and the moving ranges on either side of it are left out (a gap is not a
change). Runs, trends and two-in-three windows skip over it: it neither breaks nor joins them.
A group with fewer than 2 points with values has no limits; its points are common cause and carry a
``warning``.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
VARIATION_ICONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_ICONS = ("pass", "fail", "inconsistent")


@dataclass
class SpcResult:
    """One series' XmR chart: a row per point, the two icons, and the choices that produced them."""

    points: pd.DataFrame
    variation_icon: str
    assurance_icon: str | None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def special_cause_since(self) -> Any:
        """Period (or position) of the first point of the special-cause spell the latest point is in."""
        return special_cause_since(self.points)


def _remember_explicit(func: Callable) -> Callable:
    """Tell the function which keyword arguments the caller wrote, so they can override a preset."""
    signature = inspect.signature(func)
    public = signature.replace(parameters=[p for p in signature.parameters.values() if p.name != "_explicit"])

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, _explicit=frozenset(kwargs), **kwargs)

    wrapper.__signature__ = public  # type: ignore[attr-defined]
    return wrapper


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


# --------------------------------------------------------------------------------------------------------
# The engine: numpy arrays sorted by group (a group is one rebase group of one series), in period order.
# --------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------
# Icons
# --------------------------------------------------------------------------------------------------------

_VARIATION_FROM_POINT = {
    ("special_cause_improvement", 1): "improvement_high",
    ("special_cause_improvement", -1): "improvement_low",
    ("special_cause_concern", 1): "concern_low",
    ("special_cause_concern", -1): "concern_high",
    ("special_cause_neutral_high", 0): "neutral_high",
    ("special_cause_neutral_low", 0): "neutral_low",
}


def variation_icon(last_point_type: Any, improvement: str) -> str:
    """Variation icon from the latest point's type and the improvement direction."""
    if last_point_type is None or pd.isna(last_point_type):
        return "common_cause"
    return _VARIATION_FROM_POINT.get((last_point_type, _direction(improvement)), "common_cause")


def assurance_icon(target: float | None, lpl: float, upl: float, improvement: str) -> str | None:
    """Will the process meet the target? Only for a target and a direction; strict comparisons."""
    direction = _direction(improvement)
    if target is None or pd.isna(target) or direction == 0 or pd.isna(lpl) or pd.isna(upl):
        return None
    if target > upl:
        return "fail" if direction > 0 else "pass"
    if target < lpl:
        return "pass" if direction > 0 else "fail"
    return "inconsistent"


def special_cause_since(points: pd.DataFrame) -> Any:
    """Where the latest point's special-cause spell began: the period (or row position), else None.

    A spell is the unbroken stretch of points with values, in the latest rebase group, that share the latest
    point's type.
    """
    with_values = points[points["value"].notna()]
    if with_values.empty:
        return None
    last = with_values.iloc[-1]
    if last["point_type"] == "common_cause" or pd.isna(last["point_type"]):
        return None
    same_group = with_values[with_values["rebase_group"] == last["rebase_group"]]
    different = (same_group["point_type"] != last["point_type"]).to_numpy()
    first = len(different) - int(np.argmax(different[::-1])) if different.any() else 0
    row = same_group.iloc[first]
    return row["period"] if "period" in points.columns else int(same_group.index[first])


# --------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------


def _rebase_positions(rebase_at: Iterable[Any], periods: Sequence[Any] | None, n: int) -> list[int]:
    """Rebase points as 0-based positions (period labels are looked up when periods are given)."""
    positions = []
    for item in rebase_at:
        if periods is not None:
            matches = [i for i, period in enumerate(periods) if period == item]
            if not matches:
                raise ValueError(f"rebase_at: period {item!r} is not among the periods")
            positions.append(matches[0])
        else:
            if not 0 <= int(item) < n:
                raise ValueError(f"rebase_at: position {item!r} is outside 0..{n - 1}")
            positions.append(int(item))
    return sorted(set(positions))


def _warn_short_groups(points: pd.DataFrame, threshold: int) -> None:
    if points["short_group_warning"].any():
        warnings.warn(
            f"some rebase groups have fewer than {threshold} points: their limits are trial limits",
            UserWarning,
            stacklevel=3,
        )


@_remember_explicit
def spc(
    values: Sequence[float] | pd.Series,
    *,
    periods: Sequence[Any] | None = None,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_at: Iterable[Any] = (),
    baseline_points: int | None = None,
    screen_outliers: bool = False,
    run_length: int = 7,
    trend_length: int = 7,
    two_in_three: Literal["mdc", "nhsr"] = "mdc",
    conflicts: Literal["improvement", "precedence"] = "improvement",
    preset: Literal["mdc", "nhsr"] | None = None,
    _explicit: frozenset[str] = frozenset(),
) -> SpcResult:
    """XmR chart of one series: limits, special-cause flags, point types and icons.

    Values are taken in the order given (period order). `rebase_at` holds 0-based positions, or period labels
    when `periods` is given, of the first point of each new group (`kpi.spc.phases.rebase_points` finds them from
    the recorded process changes). `conflicts` settles a point that is both improvement and concern (see the
    module docstring); the preset chooses it unless it is given.
    """
    y = pd.to_numeric(pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values)
    y = y.astype("float64").to_numpy(copy=True)
    n = len(y)
    if n == 0:
        raise ValueError("spc needs at least one value")
    if periods is not None:
        periods = list(periods)
        if len(periods) != n:
            raise ValueError(f"periods has {len(periods)} labels for {n} values")
    _direction(improvement)
    _check_baseline(baseline_points)
    chosen = _resolve_settings(preset, dict(screen_outliers=screen_outliers, run_length=run_length,
                                            trend_length=trend_length, two_in_three=two_in_three,
                                            conflicts=conflicts), _explicit)
    rebase_positions = _rebase_positions(rebase_at, periods, n)
    starts_group = np.zeros(n, dtype=np.int64)
    starts_group[rebase_positions] = 1
    group = np.cumsum(starts_group)  # numbered as NHSRplotthedots does: a rebase on the first point gives group 1
    settings = {
        "preset": preset or "mdc",
        "improvement": improvement,
        "target": target,
        "rebase_at": list(rebase_at),
        "baseline_points": baseline_points,
        **chosen,
        "limit_factor": LIMIT_FACTOR,
        "screening_factor": SCREENING_FACTOR,
        "missing_values": "kept with empty flags; left out of mean and moving ranges; skipped by the rules",
    }
    engine_group = group - group[0]
    arrays = _evaluate(y, engine_group, np.full(engine_group[-1] + 1, _DIRECTION[improvement]), settings)
    points = _points_frame(arrays, group)
    points.insert(0, "value", y)
    if periods is not None:
        points.insert(0, "period", periods)
    _warn_short_groups(points, chosen["short_group_points"])
    latest = points[points["rebase_group"] == group[-1]].iloc[0]
    with_values = points[points["value"].notna()]
    last_type = with_values["point_type"].iloc[-1] if len(with_values) else None
    return SpcResult(
        points=points,
        variation_icon=variation_icon(last_type, improvement),
        assurance_icon=assurance_icon(target, latest["lpl"], latest["upl"], improvement),
        settings=settings,
    )


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


def _variation_table() -> np.ndarray:
    """Variation icon by point-type code (row, as POINT_TYPES) and improvement direction + 1 (column)."""
    table = np.full((len(POINT_TYPES), 3), "common_cause", dtype=object)
    for (point_type, direction), icon in _VARIATION_FROM_POINT.items():
        table[POINT_TYPES.index(point_type), direction + 1] = icon
    return table


_VARIATION_TABLE = _variation_table()


def _assurance_icons(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """`assurance_icon` for many series at once (None where it does not apply)."""
    up_pass, up_fail = np.where(direction > 0, "pass", "fail"), np.where(direction > 0, "fail", "pass")
    with np.errstate(invalid="ignore"):
        icon = np.select([target > upl, target < lpl], [up_fail, up_pass], default="inconsistent").astype(object)
    icon[np.isnan(target) | (direction == 0) | np.isnan(lpl) | np.isnan(upl)] = None
    return icon


VARIATION_LABELS = {
    "common_cause": "No significant change",
    "improvement_high": "Special cause: improvement (higher)",
    "improvement_low": "Special cause: improvement (lower)",
    "concern_high": "Special cause: concern (higher)",
    "concern_low": "Special cause: concern (lower)",
    "neutral_high": "Special cause: higher (neither better nor worse)",
    "neutral_low": "Special cause: lower (neither better nor worse)",
}
ASSURANCE_LABELS = {
    "pass": "Will consistently meet the target",
    "fail": "Will consistently miss the target",
    "inconsistent": "Will hit and miss the target at random",
    None: "No target",
}


def icon_table(results: Mapping[str, SpcResult]) -> pd.DataFrame:
    """The pack's summary page: one row per indicator with its two icons in words."""
    columns: dict[str, list[Any]] = {
        "indicator_id": [],
        "variation_icon": [],
        "variation_label": [],
        "assurance_icon": [],
        "assurance_label": [],
        "special_cause_since": [],
    }
    for indicator_id, result in results.items():
        columns["indicator_id"].append(indicator_id)
        columns["variation_icon"].append(result.variation_icon)
        columns["variation_label"].append(VARIATION_LABELS[result.variation_icon])
        columns["assurance_icon"].append(result.assurance_icon)
        columns["assurance_label"].append(ASSURANCE_LABELS[result.assurance_icon])
        columns["special_cause_since"].append(result.special_cause_since)
    # object columns, so that "no icon" stays None rather than becoming NaN
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})
