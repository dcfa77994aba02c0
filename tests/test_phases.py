"""Phases of change: recorded changes become rebase points, shifts are suggested, and sustained is judged.

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kpi.charts import spc_chart
from kpi.config import Config
from kpi.spc.phases import RebasePoint, rebase_points, suggest_rebase, sustained
from kpi.spc.xmr import spc

pytestmark = pytest.mark.filterwarnings("ignore:some rebase groups")

QUARTERS = list(pd.period_range("2021-10", periods=20, freq="Q-MAR"))  # 2021-22 Q3 .. 2026-27 Q2
MONTHS = list(pd.period_range("2023-07", periods=12, freq="M"))  # Jul 2023 .. Jun 2024
TIMELINESS = "assessments_within_timescale_pct"
FRONT_DOOR = "contacts_decided_within_1wd_pct"

# A steady phase: mean 10, every moving range 2 -> limits 10 -/+ 5.32 = 4.68 / 15.32.
BASE = [10, 12, 10, 8] * 3


def config(**extra) -> Config:
    return Config.model_validate({"authority": {"name": "Test", "code": "W06000099", "nation": "wales"}, **extra})


CHANGES = config(
    process_changes=[
        {"date": "2023-10-01", "description": "Improvement board set up"},  # starts 2023-24 Q3 (position 8)
        {"date": "2022-05-15", "description": "New front-door team", "indicators": [FRONT_DOOR]},  # -> 2022-23 Q2
        {"date": "2023-11-20", "description": "New manager"},  # -> 2023-24 Q4 (starts 1 January 2024)
        {"date": "2023-12-05", "description": "Recording audit"},  # -> 2023-24 Q4 too
        {"date": "2020-01-01", "description": "Before the chart"},
        {"date": "2021-10-01", "description": "On the chart's first day"},  # splits nothing
        {"date": "2026-08-01", "description": "After the last quarter began"},
    ],
    spc={"rebase": {TIMELINESS: ["2023-24Q3", "2025-26Q1"]}},
)


# ---------------------------------------------------------------------------------------------- rebase points


def test_changes_become_rebase_points_for_the_indicators_they_apply_to():
    assert rebase_points(CHANGES, TIMELINESS, QUARTERS) == [
        RebasePoint(QUARTERS[8], 8, ("Improvement board set up",), (dt.date(2023, 10, 1), dt.date(2023, 10, 1))),
        RebasePoint(QUARTERS[9], 9, ("New manager", "Recording audit"), (dt.date(2023, 11, 20), dt.date(2023, 12, 5))),
        RebasePoint(QUARTERS[14], 14, (), (dt.date(2025, 4, 1),)),  # spc.rebase 2025-26Q1: no description
    ]
    front_door = rebase_points(CHANGES, FRONT_DOOR, QUARTERS)
    assert [(p.position, p.descriptions) for p in front_door] == [
        (3, ("New front-door team",)), (8, ("Improvement board set up",)), (9, ("New manager", "Recording audit"))]
    assert str(front_door[0].period) == "2023Q2"  # pandas' name for July-September 2022 in Q-MAR


def test_monthly_charts_start_the_phase_in_the_first_month_on_or_after_the_change():
    points = rebase_points(CHANGES, TIMELINESS, MONTHS)
    # 1 October 2023 -> Oct 2023 (and spc.rebase 2023-24Q3 starts the same day); 20 November -> Dec 2023;
    # 5 December -> Jan 2024; 2025-26Q1 is after the chart.
    assert [(str(p.period), p.descriptions) for p in points] == [
        ("2023-10", ("Improvement board set up",)), ("2023-12", ("New manager",)), ("2024-01", ("Recording audit",))]


def test_no_changes_no_points():
    assert rebase_points(config(), TIMELINESS, QUARTERS) == []
    assert rebase_points(CHANGES, TIMELINESS, []) == []


def test_periods_must_be_in_order():
    with pytest.raises(ValueError, match="in order"):
        rebase_points(CHANGES, TIMELINESS, QUARTERS[::-1])


def test_a_recorded_change_rebases_the_limits_and_is_named_on_the_chart():
    # What the pack does: two calls. Before the board, mean 10 (limits 4.68 / 15.32); after, mean 20.
    values = [10, 12, 10, 8] * 2 + [20, 22, 20, 18] * 3
    changes = config(process_changes=[{"date": "2023-10-01", "description": "Improvement board set up",
                                       "indicators": [TIMELINESS]}])
    points = rebase_points(changes, TIMELINESS, QUARTERS)
    result = spc(values, periods=QUARTERS, rebase_at=[p.period for p in points], target=15)
    assert result.points["rebase_group"].tolist() == [0] * 8 + [1] * 12
    assert result.points["mean"].tolist() == [10.0] * 8 + [20.0] * 12
    assert result.points["upl"].iloc[0] == pytest.approx(15.32)
    assert result.points["lpl"].iloc[-1] == pytest.approx(14.68)
    figure, alt = spc_chart(result, title="Assessments on time", unit="percent", decimals=0, rebase_points=points)
    assert "Improvement board set up" in [t.get_text() for t in figure.axes[0].texts]
    assert "Limits recalculated from 2023-24 Q3 (Improvement board set up)." in alt
    assert "The chart runs from 2021-22 Q3 to 2026-27 Q2." in alt
    # The change is real (every new point is above the old upper limit) and has held.
    held = sustained(result)
    assert (held.basis, held.since, held.periods, held.direction, held.real, held.sustained) == (
        "phase", QUARTERS[8], 12, "improvement", True, True)
    assert (held.previous_mean, held.new_mean) == (10.0, 20.0)


# ---------------------------------------------------------------------------------------------- suggestion

# Mean (120 + 111) / 20 = 11.55; moving ranges 11 x 2, 6, then 1,1,1,1,1,1,0: amr 34 / 19 = 1.789; limits
# 6.79 / 16.31. The last eight points are all above the mean: a run of 8 from position 12 (2024-25 Q3).
SHIFT = BASE + [14, 13, 14, 15, 14, 13, 14, 14]


def test_a_shift_with_no_recorded_change_is_suggested():
    suggestion = suggest_rebase(spc(SHIFT, periods=QUARTERS))
    assert (suggestion.period, suggestion.points, suggestion.side) == (QUARTERS[12], 8, "above")
    assert suggestion.mean == pytest.approx(11.55)
    assert suggestion.message == "limits may need recalculating from 2024-25 Q3: 8 points above the mean since then"


def test_a_shift_below_the_mean():
    suggestion = suggest_rebase(spc([-v for v in SHIFT], periods=QUARTERS))
    assert (suggestion.points, suggestion.side) == (8, "below")
    assert suggestion.mean == pytest.approx(-11.55)


def test_a_gap_in_the_run_is_skipped():
    values = SHIFT[:15] + [math.nan] + SHIFT[15:]  # 21 values: the run is still 8 points, from position 12
    suggestion = suggest_rebase(spc(values))
    assert (suggestion.period, suggestion.points) == (12, 8)
    assert suggestion.message.startswith("limits may need recalculating from 12: 8 points above")


def test_no_suggestion_without_a_run_reaching_the_latest_point():
    assert suggest_rebase(spc(BASE + [10])) is None
    assert suggest_rebase(spc(SHIFT + [10])) is None  # 10 is below the mean: the run has ended
    six = BASE + [14, 13, 14, 15, 14, 13]  # only six above the mean
    assert suggest_rebase(spc(six)) is None
    assert suggest_rebase(spc(six, run_length=6)).points == 6  # the chart's own run length counts


def test_recording_the_change_ends_the_suggestion():
    # With new limits from position 12 (mean 13.875) the last points sit either side of their own mean.
    assert suggest_rebase(spc(SHIFT, rebase_at=[12])) is None


def test_no_values_no_suggestion():
    assert suggest_rebase(spc([math.nan, math.nan])) is None


# ---------------------------------------------------------------------------------------------- sustained (A)


def test_a_real_change_by_a_run_that_has_held():
    # After the change: seven points between the old mean (10) and the old upper limit (15.32), all above the old
    # mean: a run of 7 shows it is real. New mean 87 / 7 = 12.43; the newest point (12) is above 10, and inside its
    # own limits (12.43 -/+ 2.66): sustained.
    values = BASE + [12, 13, 12, 13, 12, 13, 12]
    held = sustained(spc(values, rebase_at=[12]))
    assert (held.basis, held.since, held.periods, held.movement, held.direction) == (
        "phase", 12, 7, "higher", "improvement")
    assert held.real and held.sustained
    assert held.new_mean == pytest.approx(87 / 7) and held.previous_mean == pytest.approx(10)


@pytest.mark.parametrize(("improvement", "direction"), [("decrease", "deterioration"), ("neutral", "higher")])
def test_the_direction_follows_the_improvement_direction(improvement, direction):
    values = BASE + [12, 13, 12, 13, 12, 13, 12]
    held = sustained(spc(values, rebase_at=[12], improvement=improvement))
    assert held.direction == direction and held.sustained
    assert sustained(spc(values, rebase_at=[12]), improvement).direction == direction  # or said explicitly


def test_a_change_that_is_not_real():
    # 11, 9, 12, 10, 13, 11: mean 11 (higher than 10), but none beyond 15.32 and at most 2 in a row above 10.
    held = sustained(spc(BASE + [11, 9, 12, 10, 13, 11], rebase_at=[12]))
    assert (held.basis, held.movement, held.direction, held.real, held.sustained) == (
        "phase", "higher", None, False, False)


def test_a_real_change_that_has_faded():
    # 16 > 15.32: real. But the newest point, 9, is back below the old mean of 10: not sustained.
    held = sustained(spc(BASE + [16, 17, 16, 18, 17, 16, 9], rebase_at=[12]))
    assert (held.real, held.sustained, held.direction) == (True, False, "improvement")
    assert held.new_mean == pytest.approx(109 / 7)


def test_a_real_change_whose_newest_point_signals_a_return():
    # New phase 16, 16.5 x 4 ... then 12: mean 142 / 9 = 15.78, amr (7 x 0.5 + 4.5) / 8 = 1, lower limit 13.12.
    # 12 is still above the old mean (10) but below its own phase's lower limit: a signal back towards the old
    # level, so not sustained.
    values = BASE + [16, 16.5, 16, 16.5, 16, 16.5, 16, 16.5, 12]
    result = spc(values, rebase_at=[12])
    assert result.points["point_type"].iloc[-1] == "special_cause_concern"
    held = sustained(result)
    assert (held.real, held.sustained) == (True, False)


def test_a_previous_phase_without_limits_is_not_a_yardstick():
    # One point before the rebase: no limits to judge against, so the spell rule (B) answers instead.
    held = sustained(spc([30] + SHIFT, rebase_at=[1]))
    assert (held.basis, held.since, held.periods) == ("special_cause", 13, 8)


# ---------------------------------------------------------------------------------------------- sustained (B, C)


def test_a_shift_with_no_recorded_change_is_real_and_sustained():
    held = sustained(spc(SHIFT, periods=QUARTERS))
    assert (held.basis, held.since, held.periods, held.movement, held.direction, held.real, held.sustained) == (
        "special_cause", QUARTERS[12], 8, "higher", "improvement", True, True)
    assert held.previous_mean == pytest.approx(11.55)
    assert held.new_mean == pytest.approx(111 / 8)


def test_a_shift_the_wrong_way():
    held = sustained(spc(SHIFT, improvement="decrease"))
    assert (held.direction, held.sustained) == ("deterioration", True)


def test_one_point_outside_the_limits_is_not_yet_sustained():
    # Mean (120 + 52) / 16 = 10.75, amr 38 / 15 = 2.533, upper limit 17.49: 20 is outside, alone.
    held = sustained(spc(BASE + [10, 12, 10, 20]))
    assert (held.basis, held.since, held.periods, held.direction, held.real, held.sustained) == (
        "special_cause", 15, 1, "improvement", True, False)
    assert held.new_mean == 20


def test_nothing_to_say_without_special_cause_or_a_change():
    assert sustained(spc(BASE + [10])) is None
    assert sustained(spc([math.nan, math.nan])) is None
    assert sustained(spc([30] + BASE + [10], rebase_at=[1])) is None


def test_bad_improvement():
    with pytest.raises(ValueError):
        sustained(spc(SHIFT), "up")


def test_a_spell_of_one_direction_counts_gaps_as_periods():
    # A gap inside the run: 9 periods from position 12 to the newest point, 8 of them with values.
    values = SHIFT[:15] + [np.nan] + SHIFT[15:]
    held = sustained(spc(values))
    assert (held.since, held.periods, held.sustained) == (12, 9, True)
