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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from kpi.spc.icons import assurance_icon, special_cause_since, variation_icon
from kpi.spc.rules import (_DIRECTION, LIMIT_FACTOR, SCREENING_FACTOR, Improvement, _check_baseline, _direction,
                           _evaluate, _points_frame, _resolve_settings)


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
