"""SPC rules on small hand-made series. Expected numbers are worked out by hand (shown in comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpi.spc.many import spc_many
from kpi.spc.xmr import spc

pytestmark = pytest.mark.filterwarnings("ignore:some rebase groups")

# Wheeler, Making Sense of Data, p. 382: "a data set for verifying software".
WHEELER = [5045, 4350, 4350, 3975, 4290, 4430, 4485, 4285, 3980, 3925, 3645, 3760, 3300, 3685, 3463, 5200]

# A steady baseline: mean 10, every moving range 2 -> limits 10 -/+ 5.32, near limits 10 -/+ 3.5467.
BASE = [10, 12, 10, 8] * 3


def types(result) -> list[str]:
    return list(result.points["point_type"])


def causes(result) -> list[str]:
    return list(result.points["special_cause_type"])


# ---------------------------------------------------------------------------------------------- limits


def test_wheeler_without_screening():
    points = spc(WHEELER, screen_outliers=False).points
    assert points["mean"].iloc[0] == pytest.approx(4135.5)
    assert points["amr"].iloc[0] == pytest.approx(5339 / 15)  # 355.93
    assert points["lpl"].iloc[0] == pytest.approx(3188.72, abs=0.005)
    assert points["upl"].iloc[0] == pytest.approx(5082.28, abs=0.005)
    assert points["near_upl"].iloc[0] == pytest.approx(4135.5 + 2 * 2.66 / 3 * 5339 / 15)


def test_wheeler_rules_mdc():
    # near limits 3504.31 / 4766.69: 5045 is close (not outside); 3300 and 3463 close below; 5200 outside.
    r = spc(WHEELER, preset="mdc")
    expected = ["none"] * 8 + ["run"] * 4 + ["two_in_three", "run", "two_in_three", "outside_limits"]
    assert causes(r) == expected
    assert types(r)[8:15] == ["special_cause_concern"] * 7
    assert types(r)[15] == "special_cause_improvement"
    assert r.variation_icon == "improvement_high"


def test_wheeler_with_screening():
    # The moving range 1737 (3463 -> 5200) is >= 3.267 x 355.93 = 1162.8, so amr = 3602 / 14 = 257.29.
    points = spc(WHEELER, screen_outliers=True).points
    assert points["amr"].iloc[0] == pytest.approx(3602 / 14)
    assert points["lpl"].iloc[0] == pytest.approx(4135.5 - 2.66 * 3602 / 14)  # 3451.12
    assert points["upl"].iloc[0] == pytest.approx(4135.5 + 2.66 * 3602 / 14)  # 4819.88
    assert math.isnan(points["moving_range"].iloc[15])


def test_wheeler_nhsr_preset():
    # Screened limits 3451.12 / 4819.88, near 3679.25 / 4591.75: 5045, 3300 and 5200 are outside; only 3645 and
    # 3463 are close (nhsr counts only points between the near and the process limit) -> no two-in-three.
    r = spc(WHEELER, preset="nhsr")
    expected = ["outside_limits"] + ["none"] * 7 + ["run"] * 4 + ["outside_limits", "run", "run", "outside_limits"]
    assert causes(r) == expected
    assert types(r)[0] == "special_cause_improvement"
    assert types(r)[12] == "special_cause_concern"
    assert r.settings["screen_outliers"] is True and r.settings["two_in_three"] == "nhsr"


def test_explicit_argument_overrides_preset():
    r = spc(WHEELER, preset="nhsr", screen_outliers=False)
    assert r.points["upl"].iloc[0] == pytest.approx(5082.28, abs=0.005)
    assert r.settings["screen_outliers"] is False
    assert r.settings["two_in_three"] == "nhsr"


def test_baseline_fixes_limits():
    # Limits from the first 12 points only (mean 10, amr 2) whatever comes after.
    r = spc(BASE + [14, 15, 13, 14, 15, 14], baseline_points=12)
    assert r.points["mean"].tolist() == [10.0] * 18
    assert r.points["lpl"].iloc[-1] == pytest.approx(4.68)
    assert r.points["upl"].iloc[-1] == pytest.approx(15.32)
    assert r.points["in_baseline"].tolist() == [True] * 12 + [False] * 6


def test_baseline_must_be_at_least_12():
    with pytest.raises(ValueError, match="at least 12"):
        spc(BASE, baseline_points=11)


# ---------------------------------------------------------------------------------------------- runs

# Mean exactly 10: seven 9s below it, seven 11s above. No ties-free trend; 8 and 12 alternate across the mean.
RUNS = [8, 12, 8, 12] + [9] * 7 + [11] * 7


def test_run_of_seven_either_side():
    r = spc(RUNS)
    assert r.points["mean"].iloc[0] == pytest.approx(10)
    assert causes(r) == ["none"] * 4 + ["run"] * 14
    assert types(r) == ["common_cause"] * 4 + ["special_cause_concern"] * 7 + ["special_cause_improvement"] * 7


def test_point_on_the_mean_breaks_a_run():
    # Swap a 9 and an 11 for 10s: mean stays 10, and the runs are only three long.
    broken = [8, 12, 8, 12, 9, 9, 9, 10, 9, 9, 9, 11, 11, 11, 10, 11, 11, 11]
    r = spc(broken)
    assert r.points["mean"].iloc[0] == pytest.approx(10)
    assert r.points["relative_to_mean"].iloc[7] == 0
    assert not r.points["run"].any()
    assert set(types(r)) == {"common_cause"}
    # 9,9,9 | 10 | 9,9,9 then 11,11,11 | 10 | 11,11,11: with run_length=3 every stretch of three is a run.
    expected = [False] * 4 + [True] * 3 + [False] + [True] * 6 + [False] + [True] * 3
    assert spc(broken, run_length=3).points["run"].tolist() == expected


def test_runs_for_a_decrease_indicator():
    assert types(spc(RUNS, improvement="decrease"))[4:] == ["special_cause_improvement"] * 7 + [
        "special_cause_concern"
    ] * 7


# ---------------------------------------------------------------------------------------------- trends

# Mean 5; big alternations keep the limits wide (amr 68/14); 2..8 is a rising trend of seven.
TREND = [1, 9, 1, 9, 2, 3, 4, 5, 6, 7, 8, 1, 9, 1, 9]


# Up 1..7 then down 7..1 (the 7 belongs to both trends); big swings either side keep the limits wide
# (mean 105 / 21 = 5, amr 122 / 20 = 6.1 -> limits -11.23 / 21.23; near limits -5.82 / 15.82; no run of 7).
PEAK = [0, 14, 0, 14, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 14, 0, 14, 0]


def test_where_two_trends_meet_the_peak_takes_the_falling_direction_in_nhsr():
    r = spc(PEAK, preset="nhsr")
    assert causes(r)[4:17] == ["trend"] * 13
    assert types(r)[4:10] == ["special_cause_improvement"] * 6
    assert types(r)[10] == "special_cause_concern"  # the peak: direction of the step to its right
    assert types(r)[11:17] == ["special_cause_concern"] * 6


@pytest.mark.parametrize(("improvement", "before", "after"), [("increase", "improvement", "concern"),
                                                               ("decrease", "concern", "improvement")])
def test_the_peak_of_two_trends_is_an_improvement_in_mdc(improvement, before, after):
    # The 7 is in the rising trend and in the falling one: one of them is always the improvement.
    r = spc(PEAK, improvement=improvement)
    assert causes(r)[4:17] == ["trend"] * 13
    assert types(r)[4:10] == [f"special_cause_{before}"] * 6
    assert types(r)[10] == "special_cause_improvement"
    assert types(r)[11:17] == [f"special_cause_{after}"] * 6


def test_trend_of_seven():
    r = spc(TREND)
    assert causes(r) == ["none"] * 4 + ["trend"] * 7 + ["none"] * 4
    # The trend's own direction decides: the rising points below the mean are improvement too.
    assert types(r)[4:11] == ["special_cause_improvement"] * 7


def test_falling_trend_for_a_decrease_indicator():
    r = spc(TREND[::-1], improvement="decrease")
    assert causes(r) == ["none"] * 4 + ["trend"] * 7 + ["none"] * 4
    assert types(r)[4:11] == ["special_cause_improvement"] * 7


def test_tie_breaks_a_trend():
    tied = [1, 9, 1, 9, 2, 3, 4, 4, 6, 7, 8, 1, 9, 1, 9]
    assert not spc(tied).points["trend"].any()
    # 4, 6, 7, 8 is a trend of four; 2, 3, 4 only three.
    assert spc(tied, trend_length=4).points["trend"].tolist() == [False] * 7 + [True] * 4 + [False] * 4


# ---------------------------------------------------------------------------------------------- two-in-three


def test_two_in_three_same_side():
    # Near upper limit 13.5467: 14, 11, 14 all above the mean, two beyond the near limit -> the 14s flagged.
    r = spc(BASE + [10, 14, 11, 14, 10, 12, 10, 8], baseline_points=12)
    assert r.points["two_in_three"].tolist() == [False] * 13 + [True, False, True] + [False] * 4
    assert types(r)[13] == "special_cause_improvement"
    assert types(r)[14] == "common_cause"


def test_two_in_three_opposite_sides_is_not_a_signal():
    r = spc(BASE + [10, 14, 6, 10, 12, 10, 8], baseline_points=12)
    assert r.points["close_to_limits"].tolist()[13:15] == [True, True]
    assert not r.points["two_in_three"].any()


@pytest.mark.parametrize("mode", ["mdc", "nhsr"])
def test_two_in_three_needs_the_third_point_on_the_same_side(mode):
    # 14, 9, 14: two close above, but 9 is below the mean.
    r = spc(BASE + [10, 14, 9, 14, 10, 12, 10, 8], baseline_points=12, two_in_three=mode)
    assert not r.points["two_in_three"].any()


def test_two_in_three_with_a_point_beyond_the_limit_mdc():
    # 16 is outside (> 15.32); in the 2023 rule it also counts as beyond the near limit, so 14 is flagged.
    r = spc(BASE + [10, 16, 14, 11, 10, 12, 10, 8], baseline_points=12, two_in_three="mdc")
    assert causes(r)[13:16] == ["outside_limits", "two_in_three", "none"]
    assert r.points["close_to_limits"].tolist()[13:15] == [True, True]


def test_two_in_three_with_a_point_beyond_the_limit_nhsr():
    r = spc(BASE + [10, 16, 14, 11, 10, 12, 10, 8], baseline_points=12, two_in_three="nhsr")
    assert causes(r)[13:16] == ["outside_limits", "none", "none"]
    assert r.points["close_to_limits"].tolist()[13:15] == [False, True]


# ---------------------------------------------------------------------------------------------- precedence


# Mean 65 / 13 = 5, moving ranges 0,0,3,1,1,1,1,1,1,3,0,0 -> amr 1, limits 2.34 / 7.66, near limits 3.23 / 6.77.
# The rising trend 2..8 starts and ends outside the limits: the 2 is a concern (below the lower limit) and an
# improvement (first point of a rising trend) at once; the 8 is an improvement both ways.
BOTH = [5, 5, 5, 2, 3, 4, 5, 6, 7, 8, 5, 5, 5]


def test_outside_limits_beats_trend_with_precedence():
    r = spc(BOTH, two_in_three="nhsr", conflicts="precedence")
    assert r.points["upl"].iloc[0] == pytest.approx(7.66)
    assert causes(r) == ["none"] * 3 + ["outside_limits"] + ["trend"] * 5 + ["outside_limits"] + ["none"] * 3
    assert types(r)[3] == "special_cause_concern"  # below the lower limit
    assert types(r)[9] == "special_cause_improvement"


@pytest.mark.parametrize("preset", ["mdc", "nhsr"])
def test_a_point_both_improvement_and_concern(preset):
    r = spc(BOTH, preset=preset)
    if preset == "mdc":  # MDC's tool shows improvement, labelled by the rule that found it
        assert r.settings["conflicts"] == "improvement"
        assert (causes(r)[3], types(r)[3]) == ("trend", "special_cause_improvement")
    else:  # NHSRplotthedots: one label by precedence, outside the limits first
        assert r.settings["conflicts"] == "precedence"
        assert (causes(r)[3], types(r)[3]) == ("outside_limits", "special_cause_concern")
    assert types(r)[4:10] == ["special_cause_improvement"] * 6
    assert causes(r)[:3] + causes(r)[10:] == ["none"] * 6


@pytest.mark.parametrize("preset", ["mdc", "nhsr"])
def test_lower_is_better(preset):
    # The 2, below the lower limit, is an improvement in both (outside_limits comes first anyway); the 8, above
    # the upper limit and in the rising trend, is a concern every way.
    r = spc(BOTH, improvement="decrease", preset=preset)
    assert (causes(r)[3], types(r)[3]) == ("outside_limits", "special_cause_improvement")
    assert (causes(r)[9], types(r)[9]) == ("outside_limits", "special_cause_concern")
    assert types(r)[5:9] == ["special_cause_concern"] * 4
    # The 3 (below the near limit 3.23) is in the rising trend, a concern. In mdc's two-in-three rule it is also
    # beyond two sigma below the mean with the 2 (outside counts as beyond two sigma): an improvement, which
    # wins. NHSRplotthedots' rule does not count the 2, so the 3 is only in the trend.
    expected = ("two_in_three", "special_cause_improvement") if preset == "mdc" else ("trend", "special_cause_concern")
    assert (causes(r)[4], types(r)[4]) == expected


def test_spc_many_settles_conflicts_as_spc_does():
    frame = pd.DataFrame({"indicator_id": ["a"] * 13 + ["b"] * 21, "period": list(range(13)) + list(range(21)),
                          "value": BOTH + PEAK})
    for preset, expected in (("mdc", "special_cause_improvement"), ("nhsr", "special_cause_concern")):
        points, _ = spc_many(frame, preset=preset)
        assert points["point_type"].iloc[3] == expected  # BOTH's 2
        assert points["point_type"].iloc[13 + 10] == expected  # PEAK's 7


# ---------------------------------------------------------------------------------------------- rebase

STEP = [10, 12, 10, 8] * 3 + [20, 22, 20, 18] * 3  # group 1: 4.68 / 15.32; group 2: 14.68 / 25.32


def test_rebase_gives_each_group_its_own_limits():
    r = spc(STEP, rebase_at=[12])
    assert r.points["rebase_group"].tolist() == [0] * 12 + [1] * 12
    assert r.points["mean"].tolist() == [10.0] * 12 + [20.0] * 12
    assert r.points["upl"].iloc[0] == pytest.approx(15.32)
    assert r.points["upl"].iloc[-1] == pytest.approx(25.32)
    assert set(types(r)) == {"common_cause"}
    assert math.isnan(r.points["moving_range"].iloc[12])  # no moving range across the rebase


def test_rules_do_not_cross_a_rebase():
    # Eight 11s in a row, four either side of the rebase: a run without the rebase, none with it.
    values = [10, 12, 10, 8] * 2 + [11] * 4 + [11] * 4 + [10, 12, 10, 8] * 2
    assert spc(values).points["run"].sum() == 8
    rebased = spc(values, rebase_at=[12])
    assert not rebased.points["run"].any()
    assert rebased.points["upl"].iloc[0] == pytest.approx(124 / 12 + 2.66 * 17 / 11)


def test_rebase_by_period_label():
    periods = [f"P{i:02d}" for i in range(24)]
    r = spc(STEP, periods=periods, rebase_at=["P12"])
    assert r.points["rebase_group"].iloc[12] == 1
    assert r.points["period"].tolist() == periods


@pytest.mark.parametrize(
    ("target", "improvement", "icon"),
    [
        (16, "increase", "inconsistent"),  # would be "fail" against the first group's upper limit 15.32
        (26, "increase", "fail"),
        (26, "decrease", "pass"),
        (14, "increase", "pass"),
        (14, "decrease", "fail"),
        (20, "neutral", None),
        (None, "increase", None),
    ],
)
def test_assurance_uses_the_latest_group(target, improvement, icon):
    assert spc(STEP, rebase_at=[12], target=target, improvement=improvement).assurance_icon == icon


def test_assurance_ties_are_inconsistent():
    r = spc(STEP, rebase_at=[12])
    upl, lpl = r.points["upl"].iloc[-1], r.points["lpl"].iloc[-1]
    assert spc(STEP, rebase_at=[12], target=upl).assurance_icon == "inconsistent"
    assert spc(STEP, rebase_at=[12], target=lpl, improvement="decrease").assurance_icon == "inconsistent"
    assert spc(STEP, rebase_at=[12], target=upl + 1e-9).assurance_icon == "fail"


# ---------------------------------------------------------------------------------------------- icons


@pytest.mark.parametrize(
    ("values", "improvement", "icon"),
    [
        (WHEELER, "increase", "improvement_high"),
        (WHEELER, "decrease", "concern_high"),
        (WHEELER, "neutral", "neutral_high"),
        ([-v for v in WHEELER], "increase", "concern_low"),
        ([-v for v in WHEELER], "decrease", "improvement_low"),
        ([-v for v in WHEELER], "neutral", "neutral_low"),
        (BASE, "increase", "common_cause"),
        (BASE, "neutral", "common_cause"),
    ],
)
def test_variation_icon_from_the_last_point(values, improvement, icon):
    assert spc(values, improvement=improvement, screen_outliers=False).variation_icon == icon


def test_neutral_point_types():
    r = spc(WHEELER, improvement="neutral")
    assert types(r)[15] == "special_cause_neutral_high"
    assert types(r)[12] == "special_cause_neutral_low"


# ---------------------------------------------------------------------------------------------- missing values


def test_missing_value_is_kept_with_empty_flags():
    values = BASE[:5] + [np.nan] + BASE[5:]
    r = spc(values)
    row = r.points.iloc[5]
    assert len(r.points) == 13 and math.isnan(row["value"])
    assert pd.isna(row["point_type"]) and pd.isna(row["special_cause_flag"]) and pd.isna(row["outside_limits"])
    # Left out of the mean and of the moving ranges on both sides: still mean 10, amr 2.
    assert r.points["mean"].iloc[0] == pytest.approx(10)
    assert r.points["amr"].iloc[0] == pytest.approx(2)
    assert math.isnan(r.points["moving_range"].iloc[6])


def test_missing_value_neither_breaks_nor_joins_a_run():
    with_gap = [8, 12, 8, 12] + [9] * 3 + [np.nan] + [9] * 4 + [11] * 7
    assert spc(with_gap).points["run"].tolist() == [False] * 4 + [True] * 3 + [pd.NA] + [True] * 11
    short = [8, 12, 8, 12] + [9] * 3 + [np.nan] + [9] * 3 + [10, 11, 11, 11, 11, 11, 11]
    assert not spc(short).points["run"].iloc[:11].any()


def test_missing_value_does_not_break_a_trend():
    values = [1, 9, 1, 9, 2, 3, 4, np.nan, 5, 6, 7, 8, 1, 9, 1, 9]
    assert spc(values).points["trend"].tolist() == [False] * 4 + [True] * 3 + [pd.NA] + [True] * 4 + [False] * 4


def test_last_value_missing_uses_the_last_point_with_a_value():
    assert spc(WHEELER + [np.nan]).variation_icon == "improvement_high"


@pytest.mark.parametrize("values", [[5.0], [5.0, np.nan], [np.nan, np.nan]])
def test_fewer_than_two_points(values):
    r = spc(values)
    assert r.points["lpl"].isna().all() and r.points["upl"].isna().all()
    assert r.variation_icon == "common_cause"
    assert r.assurance_icon is None
    assert r.points["warning"].str.contains("fewer than 2").all()
    assert not r.points["special_cause_flag"].fillna(False).any()


@pytest.mark.parametrize("preset", ["mdc", "nhsr"])
def test_short_group_warning_below_13_points(preset):
    # MDC: 13 points; NHSRplotthedots v0.2.2: getOption("ptd_spc.warning_threshold", 13).
    with pytest.warns(UserWarning, match="fewer than 13 points"):
        short = spc(BASE, preset=preset)  # 12 points
    assert short.points["short_group_warning"].all()
    assert short.settings["short_group_points"] == 13
    assert not spc(BASE + [10], preset=preset).points["short_group_warning"].any()  # 13 points


def test_short_group_warning_is_per_rebase_group():
    r = spc(STEP + [20], rebase_at=[12])  # groups of 12 and 13 points
    assert r.points["short_group_warning"].tolist() == [True] * 12 + [False] * 13


# ---------------------------------------------------------------------------------------------- settings, many


def test_settings_record_every_choice():
    s = spc(BASE, preset="nhsr", target=12, rebase_at=[4]).settings
    for key in ("preset", "improvement", "target", "rebase_at", "baseline_points", "screen_outliers", "run_length",
                "trend_length", "two_in_three", "conflicts", "limit_factor", "screening_factor", "missing_values"):
        assert key in s
    assert s["preset"] == "nhsr" and s["target"] == 12 and s["rebase_at"] == [4]


def test_bad_arguments():
    with pytest.raises(ValueError):
        spc(BASE, improvement="up")
    with pytest.raises(ValueError):
        spc(BASE, preset="excel")
    with pytest.raises(ValueError):
        spc(BASE, two_in_three="wheeler")
    with pytest.raises(ValueError, match="conflicts"):
        spc(BASE, conflicts="concern")


def test_conflicts_can_be_chosen_against_the_preset():
    r = spc(BOTH, preset="nhsr", conflicts="improvement")
    assert r.settings["conflicts"] == "improvement" and r.settings["screen_outliers"] is True
    assert types(r)[3] == "special_cause_improvement"


def _frame_of_series() -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(4)
    frames, settings = [], {}
    for i, improvement in enumerate(["increase", "decrease", "neutral"] * 4):
        n = int(rng.integers(1, 40))
        values = rng.normal(50, 5, n).round(1) + np.where(np.arange(n) > n / 2, rng.normal(0, 8), 0)
        values[rng.random(n) < 0.1] = np.nan
        rebase = np.zeros(n, dtype=bool)
        if n > 20 and i % 2:
            rebase[n // 2] = True
        frames.append(pd.DataFrame({"indicator_id": f"ind{i:02d}", "period": np.arange(n), "value": values,
                                    "rebase": rebase}))
        settings[f"ind{i:02d}"] = (improvement, 50.0 + i, list(np.flatnonzero(rebase)))
    return pd.concat(frames).sample(frac=1, random_state=1), settings


@pytest.mark.parametrize("preset", ["mdc", "nhsr"])
def test_spc_many_agrees_with_spc(preset):
    frame, settings = _frame_of_series()
    improvements = {k: v[0] for k, v in settings.items()}
    targets = {k: v[1] for k, v in settings.items()}
    points, summary = spc_many(frame, improvement=improvements, target=targets, rebase="rebase", preset=preset)
    assert len(points) == len(frame)
    for indicator_id, (improvement, target, rebase_at) in settings.items():
        one = frame[frame["indicator_id"] == indicator_id].sort_values("period")
        r = spc(one["value"].tolist(), improvement=improvement, target=target, rebase_at=rebase_at, preset=preset)
        mine = points[points["indicator_id"] == indicator_id].reset_index(drop=True)
        expected = r.points.drop(columns=[]).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine[expected.columns], expected, check_dtype=False)
        row = summary.set_index("indicator_id").loc[indicator_id]
        assert row["variation_icon"] == r.variation_icon
        assert row["assurance_icon"] == r.assurance_icon
        assert row["upl"] == pytest.approx(r.points["upl"].iloc[-1], nan_ok=True)


def test_icons_and_special_cause_spell_of_one_series():
    wheeler = spc(WHEELER, target=3000, periods=[f"Q{i}" for i in range(16)])
    base = spc(BASE)
    assert (wheeler.variation_icon, wheeler.assurance_icon, wheeler.special_cause_since) == (
        "improvement_high", "pass", "Q15")
    assert (base.variation_icon, base.assurance_icon, base.special_cause_since) == ("common_cause", None, None)
