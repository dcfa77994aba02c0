"""Small numbers in a public pack: the one policy every public figure goes through.

A published pack must not let anyone work out a count of 1 to `threshold` children (5 by default, as
DfE suppresses 1-5), by any route: the number itself, a rate and its denominator, a complement (the
children NOT in a share: 40 of 43 reveals 3), or a total and its other parts (a quarter and two of
its months reveal the third). Figures about the workforce (staff, not children) and zeros are shown as
they are; restricted (draft) packs show every number.

The rules, applied to figures about children (the front door and assessments domains):

* Primary: a figure is withheld when a count of children in it (its numerator, unless that is a sum of
  days, and its denominator) is from 1 to `threshold`.
* Complement (DfE's secondary suppression of a share): a share (a percentage of its denominator, or a
  count out of a larger count) is withheld when denominator - numerator is from 1 to `threshold`.
* Rates built on a withheld count are withheld with it: numerator, denominator and value go together.
* Parts of a total (monthly points of a quarterly count): where a month is withheld and its quarter's
  total is published, the smallest other months of that quarter are withheld too, until the withheld
  months add up to more than `threshold` (so neither a month nor the withheld months together can be
  worked out); if that cannot be done, the quarter's months are all withheld. Deterministic: smallest
  first, then earliest.
* Style "welsh_government": as Welsh Government tables do, the counts of children shown are also
  rounded to the nearest 5 (rates are worked out before rounding), and the symbol is `*`.

Every public figure is built from tables that went through `withhold` (one row per indicator and
period), `withhold_series` (chart points) or `figure_rule` (a single figure such as our own value for a
published year). The public pack is then checked by kpi.pack.disclosure_check, an independent routine that
tries every route a reader has, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The tables whose records are about children (or their cases); the others are about staff.
CHILD_TABLES = ("contacts", "contact_counts", "assessments", "child_protection", "strategy_discussions", "looked_after",
                "allocations")
SYMBOLS = {"dfe": "c", "welsh_government": "*"}
# Columns that say something about a withheld figure and go with it.
NUMBERS_OF_A_FIGURE = ("numerator", "denominator", "value", "ci_lower", "ci_upper")
WORDS_OF_A_FIGURE = ("rag",)


@dataclass(frozen=True)
class Policy:
    """The disclosure policy of a public pack (kpi.yml `disclosure:`)."""

    threshold: int = 5
    style: str = "dfe"

    @classmethod
    def from_config(cls, config) -> Policy:
        settings = getattr(config, "disclosure", None)
        return cls(settings.threshold, settings.style) if settings is not None else cls()

    @property
    def symbol(self) -> str:
        """What a withheld figure is shown as: `c` (DfE) or `*` (Welsh Government)."""
        return SYMBOLS[self.style]

    def small(self, counts) -> pd.Series:
        """True where a count is from 1 to the threshold (a missing count is not small)."""
        counts = pd.Series(counts, dtype="float64") if not isinstance(counts, pd.Series) else counts.astype("float64")
        return counts.ge(1) & counts.le(self.threshold)

    def is_small(self, count) -> bool:
        return count is not None and not pd.isna(count) and 1 <= float(count) <= self.threshold

    # --- one figure ------------------------------------------------------------------------------

    def figure_rule(self, indicator) -> Callable[[float, float], bool] | None:
        """For one figure of an indicator: a test of (numerator, denominator) saying it must be withheld,
        or None for figures about staff, which are shown as they are."""
        if not about_children(indicator):
            return None
        counts_numerator, share = numerator_counts_children(indicator), is_share(indicator)

        def withheld(numerator, denominator) -> bool:
            if counts_numerator and self.is_small(numerator):
                return True
            if self.is_small(denominator):
                return True
            return share and not pd.isna(numerator) and not pd.isna(denominator) and \
                self.is_small(float(denominator) - float(numerator))

        return withheld

    # --- tables of figures ------------------------------------------------------------------------

    def to_withhold(self, frame: pd.DataFrame, indicators: dict) -> pd.Series:
        """True for each row (one indicator and period) whose figure must be withheld."""
        ids = frame["indicator_id"]
        children = ids.map({i: about_children(ind) for i, ind in indicators.items()}).fillna(False)
        counts_numerator = ids.map({i: numerator_counts_children(ind) for i, ind in indicators.items()}).fillna(True)
        share = ids.map({i: is_share(ind) for i, ind in indicators.items()}).fillna(False)
        numerator, denominator = frame["numerator"].astype("float64"), frame["denominator"].astype("float64")
        primary = (self.small(numerator) & counts_numerator.astype(bool)) | self.small(denominator)
        complement = share.astype(bool) & self.small(denominator - numerator)
        return (children.astype(bool) & (primary | complement)).astype(bool)

    def withhold(self, frame: pd.DataFrame, indicators: dict) -> pd.DataFrame:
        """A copy with every figure that could reveal a small count of children withheld (`suppressed`
        True; its numbers empty), and, in the Welsh Government style, the counts shown rounded to 5."""
        return self._rounded(blank(frame, self.to_withhold(frame, indicators)), indicators)

    def withhold_series(self, series: pd.DataFrame, indicators: dict) -> pd.DataFrame:
        """A chart's points: each withheld as `withhold` does, and, for monthly points of a count, further
        months withheld so that no withheld month (nor the withheld months together) can be worked out from
        its quarter's total. Expects `indicator_id`, `period_object`, `numerator`, `denominator`, `value`."""
        primary = self.to_withhold(series, indicators)
        withheld = primary | parts_to_withhold(series, primary, indicators, self.threshold)
        return self._rounded(blank(series, withheld), indicators)

    def _rounded(self, frame: pd.DataFrame, indicators: dict) -> pd.DataFrame:
        """Welsh Government style: counts of children shown to the nearest 5 (rates are not rounded)."""
        if self.style != "welsh_government":
            return frame
        children = frame["indicator_id"].map({i: about_children(ind)
                                              for i, ind in indicators.items()}).fillna(False).astype(bool)
        frame = frame.copy()
        for column in ("numerator", "denominator"):
            frame.loc[children, column] = round_to_five(frame.loc[children, column])
        counts = children & frame["indicator_id"].map({i: ind.unit == "count" for i, ind in
                                                             indicators.items()}).fillna(False).astype(bool)
        frame.loc[counts, "value"] = round_to_five(frame.loc[counts, "value"])
        return frame


def parts_to_withhold(series: pd.DataFrame, withheld: pd.Series, indicators: dict, threshold: int) -> pd.Series:
    """The further monthly points to withhold, quarter by quarter (a loop over the few quarters that hold
    a withheld month: tens at most). Decided on the true values, smallest shown month first."""
    counts = series["indicator_id"].map({i: ind.unit == "count" and ind.denominator is None
                                         for i, ind in indicators.items()}).fillna(False).astype(bool)
    monthly = series["period_object"].map(lambda p: isinstance(p, pd.Period) and p.freqstr.startswith("M"))
    parts = series[counts & monthly.astype(bool) & series["value"].notna()]
    extra = pd.Series(False, index=series.index)
    if parts.empty or not withheld[parts.index].any():
        return extra
    quarter = parts["period_object"].map(lambda p: p.asfreq("Q-MAR"))
    hidden_quarters = pd.DataFrame({"id": parts["indicator_id"], "quarter": quarter})[withheld[parts.index]]
    for indicator_id, each in hidden_quarters.drop_duplicates().itertuples(index=False):
        months = parts[(parts["indicator_id"] == indicator_id) & (quarter == each)]
        shown = months[~withheld[months.index]].sort_values(["value", "period_object"]).index
        hidden = withhold_until_safe(months["value"], withheld[months.index], shown, threshold)
        if float(months.loc[hidden, "value"].sum()) <= threshold:  # even the whole quarter is small: all go
            hidden[:] = True
        extra[hidden[hidden].index] = True
    return extra & ~withheld


def withhold_until_safe(values: pd.Series, hidden: pd.Series, candidates, threshold: int) -> pd.Series:
    """Secondary suppression, as DfE does it: beside the counts already `hidden`, hide the `candidates` one at
    a time (in the order given: the smallest first) until the hidden counts add up to more than the
    threshold and at least two are hidden, so that none of them can be worked out from a total shown with
    the rest. The pack's monthly points and the weekly reports' breakdowns both use it."""
    hidden = hidden.astype(bool).copy()
    for label in candidates:
        if float(values[hidden].sum()) > threshold and hidden.sum() >= 2:
            break
        hidden[label] = True
    return hidden


def blank(frame: pd.DataFrame, withheld: pd.Series) -> pd.DataFrame:
    """A copy with `suppressed` set and the numbers and words of withheld rows emptied."""
    frame = frame.copy()
    withheld = pd.Series(np.asarray(withheld, dtype=bool), index=frame.index)
    frame["suppressed"] = withheld | (frame["suppressed"].astype(bool) if "suppressed" in frame else False)
    rows = frame["suppressed"].to_numpy()
    for column in NUMBERS_OF_A_FIGURE:
        if column in frame:
            frame.loc[rows, column] = np.nan
    for column in WORDS_OF_A_FIGURE:
        if column in frame:
            frame.loc[rows, column] = pd.NA
    return frame


def round_to_five(values: pd.Series) -> pd.Series:
    """To the nearest 5, halves upwards (Welsh Government's rounding of published counts)."""
    return np.floor(values.astype("float64") / 5 + 0.5) * 5


def about_children(indicator) -> bool:
    """Its figures count children or their cases (any table it needs is about children), so small counts are
    withheld in public; figures about staff (caseloads, establishment) are shown as they are."""
    return any(name in CHILD_TABLES for alternatives in indicator.tables for name in alternatives)


def numerator_counts_children(indicator) -> bool:
    """The numerator is a count of children's records (not a sum of working days)."""
    return indicator.unit != "days"


def is_share(indicator) -> bool:
    """The numerator is part of the denominator (so the rest, denominator - numerator, is a count too)."""
    return bool(indicator.is_proportion or (indicator.unit == "count" and indicator.denominator is not None))


def withhold_completeness(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The data-quality page's completeness rows about children: records, recorded and the rest are counts
    of children's records too (\"4 / 3 / 75.0%\" would reveal 1 child without a language recorded)."""
    if frame.empty:
        return frame
    children = frame["table"].isin(CHILD_TABLES)
    records, recorded = frame["records"].astype("float64"), frame["recorded"].astype("float64")
    withheld = children & (policy.small(records) | policy.small(recorded) | policy.small(records - recorded))
    frame = frame.copy()
    frame["suppressed"] = withheld
    for column in ("records", "recorded", "percent"):
        frame[column] = frame[column].astype("float64").mask(withheld)
    return frame
