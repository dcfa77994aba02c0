"""A plain-English headline for each indicator, generated from the numbers with care.

The rule that matters: only say "improving" or "deteriorating" when SPC finds special cause;
otherwise say there is no significant change and give the range of normal variation.
Then say where the value stands against the target and the Wales (or England) average, joining
the clauses with "and" or "but" as the news is good or bad.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.catalogue import Indicator
from kpi.pack.text import Text
from kpi.presentation import format_count, format_value


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
    monthly: bool = False  # the chart (and so SPC) is of monthly values
    missing_source: str | None = None  # the tables, when the extract it needs was not supplied ("caseloads")
    nation_period: str | None = None  # the published period of the nation's figure ("2025-26")
    disclosure_threshold: int = 5  # counts of children from 1 to this are withheld in a public pack


# Sources in words, for "no data: caseloads not supplied".
SOURCE_WORDS = {"contacts": "contacts", "contact_counts": "monthly contact counts", "assessments": "assessments",
                "caseloads": "caseloads", "comparators": "published comparator figures"}


def missing_source_words(missing: str, text: Text) -> str:
    """'contacts or contact_counts' -> 'contacts / monthly contact counts' (in the pack's language)."""
    return " / ".join(text(SOURCE_WORDS.get(name, name)) for name in missing.split(" or "))


_SPECIAL = {
    "improvement_high": "This is a significant improvement since {since}",
    "improvement_low": "This is a significant improvement since {since}",
    "concern_high": "This is a significant deterioration since {since}",
    "concern_low": "This is a significant deterioration since {since}",
    "neutral_high": "This is a significant rise since {since}",
    "neutral_low": "This is a significant fall since {since}",
}
_VALENCE = {"improvement_high": 1, "improvement_low": 1, "concern_high": -1, "concern_low": -1}


def _position(value: float, other: float) -> str:
    return "above" if value > other else "below" if value < other else "level with"


def _target_clause(indicator: Indicator, facts: HeadlineFacts, text: Text, fmt) -> tuple[str, int] | None:
    if facts.target is None or pd.isna(facts.target) or indicator.polarity == "neutral":
        return None
    where = _position(facts.value, facts.target)
    sign = 1 if indicator.polarity == "higher_is_better" else -1
    good = (facts.value - facts.target) * sign >= 0
    shown = format_value(facts.target, indicator.unit, 0) if float(facts.target).is_integer() else fmt(facts.target)
    clause = text({"above": "above the {target} target", "below": "below the {target} target",
                   "level with": "on the {target} target"}[where], target=shown)
    return clause, 1 if good else -1


def _nation_clause(indicator: Indicator, facts: HeadlineFacts, text: Text, fmt) -> tuple[str, int] | None:
    if facts.nation_value is None or pd.isna(facts.nation_value):
        return None
    where = _position(facts.value, facts.nation_value)
    message = {"above": "above the {nation} average of {average}", "below": "below the {nation} average of {average}",
               "level with": "level with the {nation} average of {average}"}[where]
    clause = text(message, nation=facts.nation_name, average=fmt(facts.nation_value))
    if facts.nation_period:  # the average is for a published year, not this period: say which
        clause += f" ({text('in {period}', period=facts.nation_period)})"
    if indicator.polarity == "neutral" or where == "level with":
        return clause, 0
    sign = 1 if indicator.polarity == "higher_is_better" else -1
    return clause, 1 if (facts.value - facts.nation_value) * sign > 0 else -1


def _join(opening: str, opening_valence: int, clauses: list[tuple[str, int]], text: Text) -> str:
    """'X and Y, but Z': 'but' where the news turns from good to bad or back."""
    sentence, current = opening, opening_valence
    for clause, valence in clauses:
        turns = current != 0 and valence != 0 and valence != current
        sentence += (text(", but") if turns else text(" and")) + " " + clause
        current = valence or current
    return sentence + "."


def _possible_range(indicator: Indicator, low: float, high: float) -> tuple[float, float]:
    """Process limits can fall outside what is possible (below 0%, above 100%): say what is possible."""
    if indicator.is_proportion:
        return max(low, 0.0), min(high, 100.0)
    if indicator.unit in ("count", "ratio", "days"):
        return max(low, 0.0), high
    return low, high


def headline(indicator: Indicator, facts: HeadlineFacts, text: Text) -> str:
    """First the number, then whether it has really changed, then target and average."""
    fmt = lambda v: format_value(v, indicator.unit, indicator.decimals)  # noqa: E731
    if facts.suppressed:
        return text("This figure is withheld because it could reveal a count of 1 to {threshold} children.",
                    threshold=facts.disclosure_threshold)
    if facts.missing_source:
        return text("No data: {source} not supplied.", source=missing_source_words(facts.missing_source, text))
    if pd.isna(facts.value):
        return text("No figure is available for {period}.", period=facts.period_label)
    template = indicator.headline.get(text.language) or indicator.headline.get("en") or "{value} in {period}."
    if text.language != "en" and not indicator.welsh_reviewed:
        text.unreviewed.add(f"headline:{indicator.id}")
    direction = text("rose") if facts.value > 0 else text("fell") if facts.value < 0 else text("did not change")
    first = template.format(
        value=fmt(facts.value), abs_value=fmt(abs(facts.value)), direction=direction,
        number=f"{facts.value:,.{indicator.decimals}f}", numerator=format_count(facts.numerator),
        denominator=format_count(facts.denominator) if pd.notna(facts.denominator) else "",
        period=facts.period_label, timescale=facts.timescale, threshold=format_count(facts.threshold))
    first = first[0].upper() + first[1:]
    clauses = [c for c in (_target_clause(indicator, facts, text, fmt), _nation_clause(indicator, facts, text, fmt)) if c]
    icon = facts.variation_icon
    if icon in _SPECIAL:
        second = _join(text(_SPECIAL[icon], since=facts.since_label), _VALENCE.get(icon, 0), clauses, text)
        return f"{first} {second}"
    if facts.normal_low is not None and pd.notna(facts.normal_low):
        low, high = _possible_range(indicator, facts.normal_low, facts.normal_high)
        message = ("There is no significant change: monthly values between {low} and {high} are normal variation."
                   if facts.monthly else
                   "There is no significant change: values between {low} and {high} are normal variation.")
        spc_sentence = text(message, low=fmt(low), high=fmt(high))
    else:
        spc_sentence = text("There are too few periods yet to tell real change from normal variation.")
    if not clauses:
        return f"{first} {spc_sentence}"
    (lead, valence), rest = clauses[0], clauses[1:]
    return f"{first} {spc_sentence} {_join(text('It is') + ' ' + lead, valence, rest, text)}"
