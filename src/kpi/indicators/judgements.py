"""How a value is judged: RAG against its target, direction of travel, and a 95% Wilson interval.

RAG respects the indicator's polarity: for a lower-is-better indicator (re-referrals, caseloads) a
value below target is green. Direction of travel does NOT judge: it says only whether the figure
went up or down and by how much. Whether a change is real, and so better or worse, is for SPC to
say (kpi.spc.xmr); a quarter-on-quarter step on its own is usually noise, and calling it "worsened" is
how committees end up chasing noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GREEN, AMBER, RED = "green", "amber", "red"


def _better_sign(polarity: pd.Series) -> pd.Series:
    """+1 where higher is better, -1 where lower is better, 0 where neither."""
    return polarity.map({"higher_is_better": 1, "lower_is_better": -1}).fillna(0).astype("int64")


def as_printed(value: pd.Series, decimals: pd.Series) -> pd.Series:
    """Values rounded to the decimals the pack prints, so judgements agree with what a reader sees."""
    factor = 10.0 ** decimals.fillna(1).astype("int64")
    return np.round(value.astype("float64") * factor) / factor


def rag(value: pd.Series, target: pd.Series, tolerance: pd.Series, polarity: pd.Series,
        decimals: pd.Series | None = None) -> pd.Series:
    """green = meets the target; amber = misses it by no more than the tolerance; red = worse.

    The value is judged as printed (rounded to `decimals`, when given): 94.96% prints as 95.0% and
    meets a 95% target. No RAG (missing) where there is no target, no value, or no polarity.
    """
    if decimals is not None:
        value = as_printed(value, decimals)
    sign = _better_sign(polarity)
    shortfall = (target - value) * sign  # how far short of the target, in the bad direction
    tolerance = tolerance.fillna(0)
    result = pd.Series(pd.NA, index=value.index, dtype="string")
    judged = value.notna() & target.notna() & sign.ne(0)
    result[judged & shortfall.le(0)] = GREEN
    result[judged & shortfall.gt(0) & shortfall.le(tolerance)] = AMBER
    result[judged & shortfall.gt(tolerance)] = RED
    return result


def change(now: pd.Series, before: pd.Series, decimals: pd.Series) -> pd.Series:
    """now - before, as printed (each rounded to the indicator's decimals first), so that the change
    a reader works out from the two printed figures is the change the pack states."""
    return as_printed(now, decimals) - as_printed(before, decimals)


def travel(now: pd.Series, before: pd.Series, decimals: pd.Series) -> pd.Series:
    """'up', 'down' or 'no change' (as printed); missing where either value is.

    Deliberately sign-free: up is not better and down is not worse. The pack says better or worse only
    where SPC finds special cause (see kpi.pack.travel)."""
    step = change(now, before, decimals)
    result = pd.Series(pd.NA, index=now.index, dtype="string")
    result[step.eq(0)] = "no change"
    result[step.gt(0)] = "up"
    result[step.lt(0)] = "down"
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
