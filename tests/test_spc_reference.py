"""Cases ported from NHSRplotthedots v0.2.2's own tests (tests/testthat/*.R and their readable snapshots).

Expected numbers are the reference's, copied from its test files; none come from our own output.
"""

from __future__ import annotations

import numpy as np
import pytest

from kpi.spc.rules import _runs, _trends, _two_in_three
from kpi.spc.xmr import spc

pytestmark = pytest.mark.filterwarnings("ignore:some rebase groups")

# set.seed(123); rnorm(20) - the data of test-ptd_spc_standard.R
RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_spc_standard_snapshot_r1_screened():
    # _snaps/ptd_spc_standard.md, r1: mean_col 0.1416238, lpl -3.01138, upl 3.294627
    points = spc(RNORM_20, preset="nhsr").points
    assert points["mean"].iloc[0] == pytest.approx(0.1416238, abs=5e-8)
    assert points["lpl"].iloc[0] == pytest.approx(-3.01138, abs=5e-6)
    assert points["upl"].iloc[0] == pytest.approx(3.294627, abs=5e-7)
    assert points["relative_to_mean"].tolist()[:15] == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert points["outside_limits"].tolist()[:8] == [False] * 8  # the snapshot shows the first eight
    assert points["close_to_limits"].tolist()[:8] == [False] * 8


def test_spc_standard_snapshot_r2_outlier_screened():
    # r2: y[15] <- 10 with screening: mean_col 0.6694159, lpl -2.383666, upl 3.722497
    values = RNORM_20.copy()
    values[14] = 10
    points = spc(values, preset="nhsr").points
    assert points["mean"].iloc[0] == pytest.approx(0.6694159, abs=5e-8)
    assert points["lpl"].iloc[0] == pytest.approx(-2.383666, abs=5e-7)
    assert points["upl"].iloc[0] == pytest.approx(3.722497, abs=5e-7)
    assert points["relative_to_mean"].tolist()[:14] == [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]


def test_spc_standard_snapshot_r3_outlier_not_screened():
    # r3: the same without screening: lpl -4.596625, upl 5.935457 (a wider range than r2)
    values = RNORM_20.copy()
    values[14] = 10
    points = spc(values, preset="nhsr", screen_outliers=False).points
    assert points["lpl"].iloc[0] == pytest.approx(-4.596625, abs=5e-7)
    assert points["upl"].iloc[0] == pytest.approx(5.935457, abs=5e-7)


def test_fix_after_n_points_changes_the_limits():
    # test-ptd_spc_standard.R: "setting fix_after_n_points changes the calculations"
    assert spc(RNORM_20, preset="nhsr", baseline_points=12).points["lpl"].iloc[0] != pytest.approx(-3.01138, abs=1e-5)


def test_rebase_group_numbering():
    # test-ptd_spc_standard.R: rebase on the 11th of 20 points -> groups 0 x 10, 1 x 10
    assert spc(RNORM_20, preset="nhsr", rebase_at=[10]).points["rebase_group"].tolist() == [0] * 10 + [1] * 10


def test_two_close_points_on_opposite_sides_are_common_cause():
    # test-ptd_spc_standard.R: symmetrical data with 5.5 and -5.5 as the last two points
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    r = spc(values, preset="nhsr")
    assert r.points["point_type"].tolist()[-2:] == ["common_cause", "common_cause"]


# test-ptd_calculate_point_type.R: the rules on their own --------------------------------------------------


def _starts(n: int) -> np.ndarray:
    starts = np.zeros(n, dtype=bool)
    starts[:1] = True
    return starts


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [1] * 8 + [0]),
        ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
        ([1] + [-1] * 8 + [1], [0] + [1] * 8 + [0]),
    ],
)
def test_seven_points_one_side_of_the_mean(side, expected):
    side = np.array(side, dtype=np.int8)
    assert _runs(side, _starts(len(side)), 7).astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("y", "expected", "direction"),
    [
        (list(range(1, 7)), [0] * 6, 0),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7, 0),
        (list(range(1, 8)), [1] * 7, 1),
        ([2, *range(1, 8), 3], [0] + [1] * 7 + [0], 1),
        (list(range(7, 0, -1)), [1] * 7, -1),
        ([2, *range(7, 0, -1), 3], [0] + [1] * 7 + [0], -1),
    ],
)
def test_seven_point_trend(y, expected, direction):
    y = np.array(y, dtype=float)
    rising, falling, trend_direction = _trends(y, np.zeros(len(y), dtype=np.int64), _starts(len(y)), 7)
    in_trend = rising | falling
    assert in_trend.astype(int).tolist() == expected
    assert set(trend_direction[in_trend].tolist()) <= {direction}
    assert not (rising & falling).any()  # no peak in these series
    assert (rising if direction > 0 else falling).astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("close", "side", "expected"),
    [
        ([0, 0, 0], [1, 1, 1], [0, 0, 0]),
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        # "when points are on opposite sides of the mean" (v0.2.2 bug fix #143)
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    ],
)
def test_part_of_two_in_three(close, side, expected):
    flagged = _two_in_three(
        np.array(close, dtype=bool), np.array(side, dtype=np.int8), np.zeros(len(close), dtype=np.int64)
    )
    assert flagged.astype(int).tolist() == expected


def test_special_cause_type_precedence_and_labels():
    # ptd_special_cause_type: outside limits > trend > two-in-three > run; a point outside below the mean is
    # "Below LCL". Here through spc(): far below, a rising trend back, then seven points above the mean.
    values = [10, 11] * 6 + [-20, 4, 5, 6, 7, 8, 9] + [12] * 7
    r = spc(values, preset="nhsr", baseline_points=12)
    # mean 10.5, amr 1: limits 7.84 / 13.16, near limits 8.73 / 12.27; -20 .. 7 are below the lower limit,
    # -20 .. 12 rise for eight points, and the 12s are a run of seven (the first is labelled trend).
    assert r.points["upl"].iloc[0] == pytest.approx(10.5 + 2.66)
    assert r.points["special_cause_type"].tolist()[12:] == ["outside_limits"] * 5 + ["trend"] * 3 + ["run"] * 6
    assert r.points["point_type"].tolist()[12:17] == ["special_cause_concern"] * 5
    assert r.points["point_type"].tolist()[17:] == ["special_cause_improvement"] * 9


@pytest.mark.parametrize(("screen", "upl", "lpl"), [(True, 4.6, -0.72), (False, 6.95, -3.06)])
def test_vignette_outlier_screening(screen, upl, lpl):
    # vignettes (outlier screening): mean 1.94; the 10 is the only special cause point, an improvement.
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    r = spc(values, preset="nhsr", screen_outliers=screen)
    assert round(r.points["mean"].iloc[0], 2) == 1.94
    assert round(r.points["upl"].iloc[0], 2) == upl
    assert round(r.points["lpl"].iloc[0], 2) == lpl
    assert r.points["point_type"].tolist() == ["common_cause"] * 4 + ["special_cause_improvement"] + [
        "common_cause"
    ] * 13
