"""Small numbers in the weekly officers' outputs: a breakdown shown with its total.

A public front-door report or traffic light shows counts of contacts and assessments by band, type or
source beside their total. A count of 1 to the threshold is withheld, and so, as DfE's secondary
suppression does, are the smallest other counts of the same breakdown until the withheld counts add up
to more than the threshold, so that no withheld count can be worked out from the total and the rest.
The policy (threshold, symbol, Welsh Government rounding) is the pack's: kpi.indicators.disclosure.Policy.
"""

from __future__ import annotations

import pandas as pd

from kpi.indicators.disclosure import Policy, round_to_five, withhold_until_safe


def withheld_parts(counts: pd.Series, threshold: int) -> pd.Series:
    """True for each count of a breakdown that must be withheld when the breakdown's total is shown."""
    counts = counts.astype("float64")
    withheld = counts.between(1, threshold)
    if not withheld.any():
        return withheld
    # Only a handful of categories: the smallest others, one at a time, until the withheld are safe.
    withheld = withhold_until_safe(counts, withheld, counts[~withheld & counts.gt(0)].sort_values(kind="stable").index,
                                   threshold)
    if counts[withheld].sum() <= threshold or withheld.sum() < 2:
        withheld = counts.gt(0)  # cannot be made safe: withhold every count that is not zero
    return withheld


def shown_counts(counts: pd.Series, policy: Policy, *, total: str | None = None) -> pd.Series:
    """The counts as a public output prints them (text): withheld counts as the policy's symbol, and in
    the Welsh Government style every count rounded to 5. With `total`, a row of that name is added,
    itself withheld when small (and then every part with it)."""
    counts = counts.astype("float64")
    withheld = withheld_parts(counts, policy.threshold)
    whole = counts.sum()
    if total is not None and policy.is_small(whole):
        withheld[:] = counts.gt(0)
    if total is not None:
        counts = pd.concat([counts, pd.Series({total: whole})])
        withheld = pd.concat([withheld, pd.Series({total: policy.is_small(whole)})])
    if policy.style == "welsh_government":
        counts = round_to_five(counts)
    text = counts.map(lambda value: f"{value:,.0f}")
    return text.mask(withheld.astype(bool), policy.symbol).astype("string")


def shown_share(numerator: float, denominator: float, policy: Policy) -> str:
    """A percentage in a public output: withheld when its numerator, denominator or complement is small."""
    if not denominator:
        return "–"
    if any(policy.is_small(count) for count in (numerator, denominator, denominator - numerator)):
        return policy.symbol
    return f"{numerator / denominator:.0%}"
