"""A plain-English headline for each indicator, generated from the numbers with care.

The rule that matters: only say "improving" or "deteriorating" when SPC finds special cause;
otherwise say there is no significant change and give the range of normal variation.
Then say where the value stands against the target and the Wales (or England) average (for the
period the average is of, and, where kpi computed it from every authority's records rather than took it
from a publication, saying so). Every case is a whole sentence of its own, so that Welsh (or any
language) words each case with its own grammar instead of gluing translated pieces together.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.catalogue import Indicator
from kpi.words.text import Text
from kpi.words.formatting import format_count, format_value


@dataclass
class HeadlineFacts:
    """The numbers a headline speaks about (already through any small-number suppression)."""

    value: float
    numerator: float
    denominator: float
    period_label: str
    variation_icon: str | None
    since_label: str | None
    normal_low: float | None
    normal_high: float | None
    target: float | None
    nation_value: float | None
    nation_name: str
    timescale: int
    threshold: float
    suppressed: bool = False
    strategy_timescale: int = 1  # working days from a concern to its strategy discussion (kpi.yml)
    threshold_per: str = "fte"  # the caseload threshold is per FTE or per worker (kpi.yml caseload_threshold_per)
    monthly: bool = False  # the chart (and so SPC) is of monthly values
    missing_source: str | None = None  # the tables, when the extract it needs was not supplied ("caseloads")
    nation_period: str | None = None  # the period of the nation's figure ("2025-26"), compared like for like
    nation_computed: bool = False  # the nation's figure was computed from every authority's records, not published
    disclosure_threshold: int = 5  # counts of children from 1 to this are withheld in a public pack


# Sources in words, for "no data: caseloads not supplied".
SOURCE_WORDS = {"contacts": "contacts", "contact_counts": "monthly contact counts", "assessments": "assessments",
                "caseloads": "caseloads", "child_protection": "child protection registrations",
                "strategy_discussions": "strategy discussions", "looked_after": "periods of care",
                "allocations": "case allocations", "establishment": "team establishment",
                "comparators": "published comparator figures"}


def missing_source_words(missing: str, text: Text) -> str:
    """'contacts or contact_counts' -> 'contacts / monthly contact counts' (in the pack's language)."""
    return " / ".join(text(SOURCE_WORDS.get(name, name)) for name in missing.split(" or "))


# Whole sentences, one per case, so that each language can word every case with its own grammar
# (no clauses glued together with "and"/"but", which cannot be translated piece by piece).
_SPECIAL = {
    "improvement_high": "This is a significant improvement since {since}.",
    "improvement_low": "This is a significant improvement since {since}.",
    "concern_high": "This is a significant deterioration since {since}.",
    "concern_low": "This is a significant deterioration since {since}.",
    "neutral_high": "This is a significant rise since {since}.",
    "neutral_low": "This is a significant fall since {since}.",
}
_TARGET = {"above": "It is above the {target} target.", "below": "It is below the {target} target.",
           "level with": "It is on the {target} target."}
_NATION = {"above": "It is above the {nation} average of {average} ({period}).",
           "below": "It is below the {nation} average of {average} ({period}).",
           "level with": "It is level with the {nation} average of {average} ({period})."}
_NATION_NO_PERIOD = {"above": "It is above the {nation} average of {average}.",
                     "below": "It is below the {nation} average of {average}.",
                     "level with": "It is level with the {nation} average of {average}."}
# The nation's figure kpi computed from every authority's records (a batch pack of national data): never
# to be taken for the published average.
_NATION_COMPUTED = {
    "above": "It is above the {nation} average of {average} ({period}), computed from every authority's records.",
    "below": "It is below the {nation} average of {average} ({period}), computed from every authority's records.",
    "level with": "It is level with the {nation} average of {average} ({period}), computed from every "
                  "authority's records."}
_NATION_COMPUTED_NO_PERIOD = {
    "above": "It is above the {nation} average of {average}, computed from every authority's records.",
    "below": "It is below the {nation} average of {average}, computed from every authority's records.",
    "level with": "It is level with the {nation} average of {average}, computed from every authority's records."}


def _position(value: float, other: float) -> str:
    return "above" if value > other else "below" if value < other else "level with"


def _target_sentence(indicator: Indicator, facts: HeadlineFacts, text: Text, fmt) -> str | None:
    if facts.target is None or pd.isna(facts.target) or indicator.polarity == "neutral":
        return None
    shown = format_value(facts.target, indicator.unit, 0, text.language) if float(facts.target).is_integer() \
        else fmt(facts.target)
    return text(_TARGET[_position(facts.value, facts.target)], target=shown)


def _nation_sentence(facts: HeadlineFacts, text: Text, fmt) -> str | None:
    """Against the nation's figure, with the period it is for (it is not this period's), and where it was
    computed from every authority's records rather than published, saying so."""
    if facts.nation_value is None or pd.isna(facts.nation_value):
        return None
    where = _position(facts.value, facts.nation_value)
    with_period, without = (_NATION_COMPUTED, _NATION_COMPUTED_NO_PERIOD) if facts.nation_computed else (
        _NATION, _NATION_NO_PERIOD)
    if facts.nation_period:
        return text(with_period[where], nation=facts.nation_name, average=fmt(facts.nation_value),
                    period=facts.nation_period)
    return text(without[where], nation=facts.nation_name, average=fmt(facts.nation_value))


def _possible_range(indicator: Indicator, low: float, high: float) -> tuple[float, float]:
    """Process limits can fall outside what is possible (below 0%, above 100%): say what is possible."""
    if indicator.is_proportion:
        return max(low, 0.0), min(high, 100.0)
    if indicator.unit in ("count", "ratio", "rate", "days"):
        return max(low, 0.0), high
    return low, high


def _opening(indicator: Indicator, facts: HeadlineFacts, text: Text) -> str:
    """The indicator's own sentence; a change on last year has one for each way it went."""
    templates = indicator.headline
    if {"rose", "fell", "same"} <= set(templates):
        case = "rose" if facts.value > 0 else "fell" if facts.value < 0 else "same"
        templates = templates[case]
    return templates.get(text.language) or templates.get("en") or "{value} in {period}."


def headline(indicator: Indicator, facts: HeadlineFacts, text: Text) -> str:
    """First the number, then whether it has really changed, then target and average: one sentence each."""
    fmt = lambda v: format_value(v, indicator.unit, indicator.decimals, text.language)  # noqa: E731
    if facts.suppressed:
        return text("This figure is withheld because it could reveal a count of 1 to {threshold} children.",
                    threshold=facts.disclosure_threshold)
    if facts.missing_source:
        return text("No data: {source} not supplied.", source=missing_source_words(facts.missing_source, text))
    if pd.isna(facts.value):
        return text("No figure is available for {period}.", period=facts.period_label)
    if text.language != "en" and not indicator.welsh_reviewed:
        text.unreviewed.add(f"headline:{indicator.id}")
    first = _opening(indicator, facts, text).format(
        value=fmt(facts.value), abs_value=fmt(abs(facts.value)),
        number=f"{facts.value:,.{indicator.decimals}f}", numerator=format_count(facts.numerator),
        denominator=format_count(facts.denominator) if pd.notna(facts.denominator) else "",
        period=facts.period_label, timescale=facts.timescale, threshold=threshold_words(facts, text),
        strategy_timescale=strategy_timescale_words(facts.strategy_timescale, text))
    sentences = [first[0].upper() + first[1:]]
    icon = facts.variation_icon
    if icon in _SPECIAL:
        sentences.append(text(_SPECIAL[icon], since=facts.since_label))
    elif facts.normal_low is not None and pd.notna(facts.normal_low):
        low, high = _possible_range(indicator, facts.normal_low, facts.normal_high)
        message = ("There is no significant change: monthly values between {low} and {high} are normal variation."
                   if facts.monthly else
                   "There is no significant change: values between {low} and {high} are normal variation.")
        sentences.append(text(message, low=fmt(low), high=fmt(high)))
    else:
        sentences.append(text("There are too few periods yet to tell real change from normal variation."))
    sentences += [s for s in (_target_sentence(indicator, facts, text, fmt), _nation_sentence(facts, text, fmt)) if s]
    return " ".join(sentences)


def strategy_timescale_words(days: int, text) -> str:
    """'the same day', 'one working day' or '3 working days': the local timescale for a strategy discussion."""
    if days == 0:
        return text("the same day")
    return text("one working day") if days == 1 else text("{n} working days", n=days)


def threshold_words(facts: HeadlineFacts, text) -> str:
    """'20 open cases per FTE' or '20 open cases': the caseload threshold as it is computed, never the other."""
    said = "{n} open cases per FTE" if facts.threshold_per == "fte" else "{n} open cases"
    return text(said, n=format_count(facts.threshold))
