"""How a value is judged: RAG against its target, direction of travel, and a 95% Wilson interval.

Each judgement respects the indicator's polarity: for a lower-is-better indicator (re-referrals,
caseloads) a fall is an improvement and a value below target is green.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GREEN, AMBER, RED = "green", "amber", "red"


def _better_sign(polarity: pd.Series) -> pd.Series:
    """+1 where higher is better, -1 where lower is better, 0 where neither."""
    return polarity.map({"higher_is_better": 1, "lower_is_better": -1}).fillna(0).astype("int64")


def rag(value: pd.Series, target: pd.Series, tolerance: pd.Series, polarity: pd.Series) -> pd.Series:
    """green = meets the target; amber = misses it by no more than the tolerance; red = worse.

    No RAG (missing) where there is no target, no value, or the indicator has no polarity.
    """
    sign = _better_sign(polarity)
    shortfall = (target - value) * sign  # how far short of the target, in the bad direction
    tolerance = tolerance.fillna(0)
    result = pd.Series(pd.NA, index=value.index, dtype="string")
    judged = value.notna() & target.notna() & sign.ne(0)
    result[judged & shortfall.le(0)] = GREEN
    result[judged & shortfall.gt(0) & shortfall.le(tolerance)] = AMBER
    result[judged & shortfall.gt(tolerance)] = RED
    return result


def travel(now: pd.Series, before: pd.Series, polarity: pd.Series, decimals: pd.Series) -> pd.Series:
    """'improved', 'worsened' or 'no change' (judged with polarity; 'up'/'down' for neutral).

    Values are compared as shown (rounded to the indicator's decimal places), so a change too
    small to see in the pack is 'no change'.
    """
    places = decimals.fillna(1).astype("int64")
    factor = 10.0 ** places
    change = np.round(now * factor) - np.round(before * factor)
    sign = _better_sign(polarity)
    result = pd.Series(pd.NA, index=now.index, dtype="string")
    known = now.notna() & before.notna()
    result[known & change.eq(0)] = "no change"
    moved = known & change.ne(0)
    better = (change * sign).gt(0)
    result[moved & sign.ne(0) & better] = "improved"
    result[moved & sign.ne(0) & ~better] = "worsened"
    result[moved & sign.eq(0) & change.gt(0)] = "up"
    result[moved & sign.eq(0) & change.lt(0)] = "down"
    return result


def wilson_interval(numerator: pd.Series, denominator: pd.Series, z: float = 1.959963984540054
                    ) -> tuple[pd.Series, pd.Series]:
    """95% Wilson score interval for a proportion, as percentages (missing where denominator is 0).

    Wilson rather than the simple normal interval because it stays sensible near 0% and 100%
    and for the small denominators a single team or quarter can have.
    """
    n = denominator.astype("float64")
    p = numerator.astype("float64") / n.where(n > 0)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half) * 100, (centre + half) * 100
