"""The vectorised rules agree with a slow, literal reading of the rules on random series."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.spc.xmr import spc


def literal_rules(y: list[float], mode: str, screen: bool, conflicts: str = "precedence",
                  better: int = 1) -> dict[str, list]:
    """The rules as the issue states them, one point and one window at a time (one group, no gaps).

    `better` is +1 when higher is better, -1 when lower is better.
    """
    n = len(y)
    mean = sum(y) / n
    ranges = [abs(y[i] - y[i - 1]) for i in range(1, n)]
    amr = sum(ranges) / len(ranges)
    if screen:
        kept = [r for r in ranges if r < 3.267 * amr]
        amr = sum(kept) / len(kept) if kept else math.nan
    lpl, upl = mean - 2.66 * amr, mean + 2.66 * amr
    near_lpl, near_upl = mean - 2 * 2.66 / 3 * amr, mean + 2 * 2.66 / 3 * amr
    side = [(v > mean) - (v < mean) for v in y]
    outside = [v > upl or v < lpl for v in y]
    beyond = [v > near_upl or v < near_lpl for v in y]
    close = [b and (mode == "mdc" or not o) for b, o in zip(beyond, outside, strict=True)]

    run, trend, two = [False] * n, [False] * n, [False] * n
    trend_directions: list[set[int]] = [set() for _ in range(n)]  # +1 in a rising trend, -1 in a falling one
    for start in range(n - 6):
        window = range(start, start + 7)
        if side[start] != 0 and all(side[i] == side[start] for i in window):
            for i in window:
                run[i] = True
        steps = [y[i + 1] - y[i] for i in range(start, start + 6)]
        if all(s > 0 for s in steps) or all(s < 0 for s in steps):
            for i in window:
                trend[i] = True
                trend_directions[i].add(1 if steps[0] > 0 else -1)
    for start in range(n - 2):
        window = range(start, start + 3)
        if abs(sum(side[i] for i in window)) == 3 and sum(close[i] for i in window) >= 2:
            for i in window:
                two[i] = two[i] or close[i]

    cause = []
    for i in range(n):
        cause.append(
            "outside_limits" if outside[i] else "trend" if trend[i] else "two_in_three" if two[i]
            else "run" if run[i] else "none"
        )
    # Point type for "higher is better": a trend point takes the step to its right when the next point is in a
    # trend too, else the step to its left (NHSRplotthedots v0.2.2); other points their side of the mean.
    point_type = []
    for i in range(n):
        if cause[i] == "none":
            point_type.append("common_cause")
            continue
        # Every pattern the point is in, with the way it points, in order of precedence.
        patterns = [("outside_limits", side[i])] if outside[i] else []
        patterns += [("trend", d) for d in sorted(trend_directions[i], key=lambda d: d != better)]
        patterns += [(rule, side[i]) for rule, flags in (("two_in_three", two), ("run", run)) if flags[i]]
        improving = [rule for rule, d in patterns if d == better]
        if conflicts == "improvement" and improving:  # MDC: improvement wins, labelled by its first rule
            cause[i], direction = improving[0], better
        elif conflicts == "improvement":  # every pattern points the other way
            direction = -better
        else:
            direction = side[i]
            if cause[i] == "trend":
                step = y[i + 1] - y[i] if i + 1 < n and trend[i + 1] else y[i] - y[i - 1]
                direction = 1 if step > 0 else -1
        point_type.append("special_cause_improvement" if direction == better else "special_cause_concern")
    return {"point_type": point_type, "outside_limits": outside, "close_to_limits": close, "run": run, "trend": trend,
            "two_in_three": two, "special_cause_type": cause, "lpl": lpl, "upl": upl}


noise = st.lists(st.integers(0, 6), min_size=8, max_size=30)
# Random walks that drift, so that trends (and ties that break them) come up often.
walks = st.tuples(st.lists(st.integers(-1, 3), min_size=8, max_size=30), st.sampled_from([1, -1])).map(
    lambda steps_sign: list(np.cumsum(steps_sign[0]) * steps_sign[1])
)
series = st.one_of(noise, walks).map(lambda v: [float(x) for x in v])


@settings(max_examples=200, deadline=None)
@given(series, st.sampled_from(["mdc", "nhsr"]), st.booleans(), st.sampled_from(["improvement", "precedence"]),
       st.sampled_from([1, -1]))
def test_vectorised_rules_match_the_literal_rules(values, mode, screen, conflicts, better):
    expected = literal_rules(values, mode, screen, conflicts, better)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        points = spc(values, two_in_three=mode, screen_outliers=screen, conflicts=conflicts,
                     improvement="increase" if better > 0 else "decrease").points
    np.testing.assert_allclose(points["upl"].iloc[0], expected["upl"], equal_nan=True)
    np.testing.assert_allclose(points["lpl"].iloc[0], expected["lpl"], equal_nan=True)
    columns = ("outside_limits", "close_to_limits", "run", "trend", "two_in_three", "special_cause_type", "point_type")
    for column in columns:
        assert points[column].tolist() == expected[column], column


@settings(max_examples=60, deadline=None)
@given(series, st.integers(0, 29))
def test_a_missing_value_is_skipped_by_the_rules(values, where):
    # Inserting a gap changes the moving ranges, so fix the limits with a baseline of the first 12 points;
    # the rules' flags on the other points must be those of the series without the gap.
    values = values + [3.0] * max(0, 12 - len(values))
    where = min(where, len(values))
    if where < 12:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = spc(values, baseline_points=12).points
        gapped = spc(values[:where] + [math.nan] + values[where:], baseline_points=12).points.drop(index=where)
    for column in ("run", "trend", "two_in_three", "special_cause_type", "point_type"):
        assert gapped[column].tolist() == plain[column].tolist(), column
