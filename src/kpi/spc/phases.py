"""Phases of change: known process changes become SPC phases, and we say whether a change has held.

Making Data Count recalculates the process limits when the process changes (a new team, an improvement
board), so that the points after the change are judged against their own mean and limits, not against a
history that no longer applies. The seeds' failure was "positive performance information ... has not been
sustained": so for each indicator we also say whether the latest change is real and whether it has held.

Three jobs, all returning data (the pack writes the words through its translation catalogue):

* `rebase_points`: the officer's process changes (``process_changes`` in kpi.yml) and older ``spc.rebase``
  periods, as the chart periods where new limits start.
* `suggest_rebase`: a sustained shift with no recorded change, for the officer to decide on.
* `sustained`: whether the latest improvement or deterioration is real and has held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi.config import Config
from kpi.time.periods import bounds, label, parse_period
from kpi.spc.icons import special_cause_since
from kpi.spc.xmr import SpcResult

_IMPROVEMENT_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}


# ---------------------------------------------------------------------------------------------- rebase points


@dataclass(frozen=True)
class RebasePoint:
    """Where new limits start: the chart period, its 0-based position, and the changes that land there.

    `descriptions` are the officers' short descriptions ("Improvement board set up"), in date order; an
    ``spc.rebase`` entry adds a date but no description. `dates` are the changes' own dates.
    """

    period: Any
    position: int
    descriptions: tuple[str, ...]
    dates: tuple[dt.date, ...]


def rebase_points(config: Config, indicator_id: str, periods: Sequence[pd.Period], language: str = "en"
                  ) -> list[RebasePoint]:
    """Every process change that applies to the indicator, and every ``spc.rebase`` period for it, as rebase
    points on a chart of `periods` (in order).

    A change starts a new phase where `rebase_positions` says; changes that land on the same period become
    one point.
    """
    changes = [(change.date, change.description_in(language)) for change in config.process_changes
               if change.indicators is None or indicator_id in change.indicators]
    changes += [(bounds(parse_period(code))[0].date(), None) for code in config.spc.rebase.get(indicator_id, [])]
    changes.sort(key=lambda change: change[0])
    positions = rebase_positions([date for date, _ in changes], periods)
    found: dict[int, tuple[list[str], list[dt.date]]] = {}
    for position, (date, description) in zip(positions, changes):
        if position is not None:
            descriptions, its_dates = found.setdefault(position, ([], []))
            if description and description not in descriptions:
                descriptions.append(description)
            its_dates.append(date)
    return [RebasePoint(periods[position], position, tuple(descriptions), tuple(its_dates))
            for position, (descriptions, its_dates) in sorted(found.items())]


def rebase_positions(dates: Sequence, periods: Sequence[pd.Period]) -> list[int | None]:
    """For each date of a change, the 0-based position of the chart period (of `periods`, in order) where
    new limits start: the first period that starts on or after it (a period in which the process changed
    part way through stays with the old phase). None for a change on or before the first period's start,
    or after the last period's start: it splits nothing on this chart."""
    if len(dates) == 0 or len(periods) == 0:
        return [None] * len(dates)
    starts = pd.DatetimeIndex([period.start_time for period in periods])
    if not starts.is_monotonic_increasing:
        raise ValueError("rebase points need the periods in order")
    positions = starts.searchsorted(pd.DatetimeIndex([pd.Timestamp(date) for date in dates]), side="left")
    return [position if 0 < position < len(periods) else None for position in positions.tolist()]


def rebase_periods(dates: Sequence, periods: Sequence[pd.Period]) -> list[pd.Period]:
    """The chart periods where new limits start for changes on `dates`, in order, each once."""
    return [periods[position] for position in sorted({p for p in rebase_positions(dates, periods) if p is not None})]


# ---------------------------------------------------------------------------------------------- helpers


def _period_text(period: Any) -> str:
    return label(period, "en") if isinstance(period, pd.Period) else str(period)


def _final_run(sides: np.ndarray) -> int:
    """How many of the last elements equal the last one (0 for an empty array)."""
    if len(sides) == 0:
        return 0
    different = np.flatnonzero(sides != sides[-1])
    return len(sides) - 1 - int(different[-1]) if len(different) else len(sides)


def _longest_run_on(sides: np.ndarray, side: int) -> int:
    """Length of the longest unbroken stretch of `side` in `sides`."""
    if len(sides) == 0:
        return 0
    starts = np.r_[True, sides[1:] != sides[:-1]]
    run_id = np.cumsum(starts) - 1
    lengths = np.bincount(run_id)[run_id]
    on_side = sides == side
    return int(lengths[on_side].max()) if on_side.any() else 0


def _latest(result: SpcResult) -> tuple[pd.DataFrame, np.ndarray, int] | None:
    """The points (positions 0..n-1), which have values, and the position of the latest value."""
    points = result.points.reset_index(drop=True)
    has_value = points["value"].notna().to_numpy()
    if not has_value.any():
        return None
    return points, has_value, int(np.flatnonzero(has_value)[-1])


def _period_at(points: pd.DataFrame, position: int) -> Any:
    return points["period"].iloc[position] if "period" in points.columns else position


# ---------------------------------------------------------------------------------------------- suggestion


@dataclass(frozen=True)
class RebaseSuggestion:
    """A run on one side of the mean that reaches the latest point, with no recorded change where it starts.

    `period` is the run's first period (or position, for a chart without periods); `points` the points with
    values in the run; `side` "above" or "below"; `mean` the mean they are all on one side of.
    """

    period: Any
    points: int
    side: str
    mean: float

    @property
    def message(self) -> str:
        """Plain English for the console (`kpi indicators`); the pack words its own."""
        return (f"limits may need recalculating from {_period_text(self.period)}: "
                f"{self.points} points {self.side} the mean since then")


def suggest_rebase(result: SpcResult) -> RebaseSuggestion | None:
    """Suggest new limits from the start of a shift: when the latest point with a value is in a run
    (``run_length`` or more points in a row on one side of the mean) in the latest rebase group.

    None when there is no such run, or when it starts at the group's first point (the limits already start
    there). A suggestion only: the officer decides, and records the change in kpi.yml if there was one.
    """
    latest = _latest(result)
    if latest is None:
        return None
    points, has_value, last = latest
    groups = points["rebase_group"].to_numpy()
    rows = np.flatnonzero(has_value & (groups == groups[last]))
    sides = points["relative_to_mean"].to_numpy(dtype=float)[rows]
    length = _final_run(sides)
    if sides[-1] == 0 or length < int(result.settings.get("run_length", 7)) or length == len(rows):
        return None
    first = int(rows[-length])
    return RebaseSuggestion(period=_period_at(points, first), points=length,
                            side="above" if sides[-1] > 0 else "below", mean=float(points["mean"].iloc[last]))


# ---------------------------------------------------------------------------------------------- sustained


@dataclass(frozen=True)
class Sustainment:
    """Whether the latest change is real and has held. See `sustained` for the rules.

    basis: "phase" (judged against the phase before a recorded change) or "special_cause" (a special-cause
        spell with no recorded change in it).
    since: the first period of the latest phase, or of the spell (a position for a chart without periods).
    periods: periods from `since` to the latest point with a value, both counted (gaps included).
    movement: "higher" or "lower" (None when the means are equal): where the new level lies. Sign-free, so it
        may always be printed.
    direction: "improvement" or "deterioration" (by the improvement direction), "higher" or "lower" for a
        neutral indicator; None unless the change is real, so that no better/worse word is ever said
        without special cause.
    real: special cause shows the change (always True for basis "special_cause").
    sustained: real, and the newest point still sits in the new level (see `sustained`).
    previous_mean: the old level: the previous phase's mean, or the mean whose limits the spell broke.
    new_mean: the new level: the latest phase's mean, or the mean of the spell's values.
    """

    basis: str
    since: Any
    periods: int
    movement: str | None
    direction: str | None
    real: bool
    sustained: bool
    previous_mean: float
    new_mean: float


def _direction_word(sign: int, improvement_sign: int) -> str:
    if improvement_sign == 0:
        return "higher" if sign > 0 else "lower"
    return "improvement" if sign == improvement_sign else "deterioration"


def _special_cause_sign(point_type: Any, improvement_sign: int) -> int:
    """+1 when a point's special cause is upwards, -1 downwards, 0 for common cause (or no value)."""
    if pd.isna(point_type):
        return 0
    return {"special_cause_improvement": improvement_sign, "special_cause_concern": -improvement_sign,
            "special_cause_neutral_high": 1, "special_cause_neutral_low": -1}.get(str(point_type), 0)


def sustained(result: SpcResult, improvement: str | None = None) -> Sustainment | None:
    """Has the latest improvement or deterioration been sustained? (The seeds' "has not been sustained".)

    In a councillor's words: a change is real when, after it, at least one point falls outside the old
    limits or seven in a row sit on the same side of the old average; it is sustained while the newest point
    is still on that side and is not itself a signal of a return to the old level. Precisely:

    (A) The latest point with a value is in a phase that follows a recorded change (a rebase), and the phase
        before it has limits. The latest phase's points are judged against the previous phase's mean and
        limits. The movement is the side of the previous mean on which the latest phase's mean lies. The
        change is *real* when special cause shows it on that side: a point beyond the previous limit on that
        side, or a run of ``run_length`` or more points in a row on that side of the previous mean. It is
        *sustained* when it is real, the newest point is on that side of the previous mean, and the newest
        point is not special cause, within its own phase, back towards the old level.
    (B) Otherwise, when the latest point is special cause: the spell since `special_cause_since` is a real
        change in the spell's direction. It is *sustained* when the newest point is in a run of
        ``run_length`` or more on that side of the mean (a shift); a single point outside the limits, a
        trend or two-in-three is not yet sustained.
    (C) Otherwise None: nothing has changed.

    `improvement` defaults to the direction `spc` was given.
    """
    latest = _latest(result)
    if latest is None:
        return None
    points, has_value, last = latest
    improvement = improvement or result.settings.get("improvement", "increase")
    if improvement not in _IMPROVEMENT_SIGN:
        raise ValueError(f"improvement must be one of {sorted(_IMPROVEMENT_SIGN)}, not {improvement!r}")
    better = _IMPROVEMENT_SIGN[improvement]
    run_length = int(result.settings.get("run_length", 7))
    groups = points["rebase_group"].to_numpy()
    earlier = np.flatnonzero(groups < groups[last])
    if len(earlier) and not pd.isna(points["lpl"].iloc[earlier[-1]]):
        return _against_previous_phase(points, has_value, last, int(earlier[-1]), better, run_length)
    return _special_cause_spell(points, has_value, last, better)


def _against_previous_phase(points: pd.DataFrame, has_value: np.ndarray, last: int, previous: int, better: int,
                            run_length: int) -> Sustainment:
    """Branch (A): the latest phase judged against the mean and limits of the one before it."""
    groups = points["rebase_group"].to_numpy()
    first = int(np.flatnonzero(groups == groups[last])[0])
    old_mean, old_lpl, old_upl = (float(points[column].iloc[previous]) for column in ("mean", "lpl", "upl"))
    new_mean = float(points["mean"].iloc[last])
    y = points["value"].to_numpy(dtype=float)[first:last + 1][has_value[first:last + 1]]
    sign = int(np.sign(new_mean - old_mean))
    sides = np.sign(y - old_mean).astype(int)
    beyond = (y > old_upl) if sign > 0 else (y < old_lpl)
    real = sign != 0 and (bool(beyond.any()) or _longest_run_on(sides, sign) >= run_length)
    back = _special_cause_sign(points["point_type"].iloc[last], better) == -sign
    held = real and sides[-1] == sign and not back
    return Sustainment(
        basis="phase", since=_period_at(points, first), periods=last - first + 1,
        movement={1: "higher", -1: "lower"}.get(sign), direction=_direction_word(sign, better) if real else None,
        real=real, sustained=held, previous_mean=old_mean, new_mean=new_mean)


def _special_cause_spell(points: pd.DataFrame, has_value: np.ndarray, last: int, better: int) -> Sustainment | None:
    """Branch (B): the special-cause spell the latest point is in, or None (branch C)."""
    sign = _special_cause_sign(points["point_type"].iloc[last], better)
    if sign == 0:
        return None
    since = special_cause_since(points)
    if "period" in points.columns:
        first = int(np.flatnonzero((points["period"] == since).to_numpy())[0])
    else:
        first = int(since)
    spell = points["value"].to_numpy(dtype=float)[first:last + 1][has_value[first:last + 1]]
    shift = bool(points["run"].iloc[last]) and int(points["relative_to_mean"].iloc[last]) == sign
    return Sustainment(
        basis="special_cause", since=since, periods=last - first + 1, movement="higher" if sign > 0 else "lower",
        direction=_direction_word(sign, better), real=True, sustained=shift,
        previous_mean=float(points["mean"].iloc[last]), new_mean=float(spell.mean()))
