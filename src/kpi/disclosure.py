"""Small numbers in a public pack.

A published pack must not let anyone identify a child. As in DfE publications, counts of children
from 1 to 4 are shown as "<5" in a public pack, and a rate built on such a count is withheld.
Figures about the workforce (staff, not children) and zeros are shown as they are.
Restricted (draft) packs show every number.
"""

from __future__ import annotations

import pandas as pd

THRESHOLD = 5
CHILD_DOMAINS = ("front_door", "assessments")
SUPPRESSED = "<5"


def small(count: pd.Series) -> pd.Series:
    """True where a count is between 1 and THRESHOLD - 1."""
    return count.gt(0) & count.lt(THRESHOLD)


def is_small(count) -> bool:
    """One count: between 1 and THRESHOLD - 1 (a missing count is not small)."""
    return count is not None and not pd.isna(count) and 0 < count < THRESHOLD


def small_number_rule(domain: str):
    """For a public pack: a test of (numerator, denominator) saying a figure must be withheld, or None
    for figures about staff, which are shown as they are."""
    if domain not in CHILD_DOMAINS:
        return None
    return lambda numerator, denominator: is_small(numerator) or is_small(denominator)


def withhold_small_numbers(frame: pd.DataFrame, domains: pd.Series) -> pd.DataFrame:
    """A copy with numerators, denominators and values built on small counts of children removed,
    and `suppressed` True on those rows (the pack prints "<5" there)."""
    frame = frame.copy()
    about_children = domains.isin(CHILD_DOMAINS).to_numpy()
    tiny = (small(frame["numerator"]) | small(frame["denominator"])).to_numpy() & about_children
    frame["suppressed"] = tiny
    for column in ("numerator", "denominator", "value"):
        frame.loc[tiny, column] = float("nan")
    for column in ("ci_lower", "ci_upper", "previous_value", "last_year_value", "change_on_previous",
                   "change_on_last_year"):
        if column in frame:
            frame.loc[tiny, column] = float("nan")
    for column in ("rag", "travel_on_previous", "travel_on_last_year"):  # each says something about the value
        if column in frame:
            frame.loc[tiny, column] = pd.NA
    return frame
