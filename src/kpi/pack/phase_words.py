"""The pack's words about phases of change: has the latest change held, and where limits might need
recalculating. The judgements are kpi.spc.phases'; this module only says them, in the pack's language.

"Positive performance information ... has not been sustained" is the failure the seeds describe, so every
indicator gets one sentence on it, and better or worse is said only where SPC shows a real change.
"""

from __future__ import annotations

from kpi.time import periods as fp
from kpi.catalogue import Indicator
from kpi.words.text import Text
from kpi.spc.phases import RebasePoint, RebaseSuggestion, Sustainment
from kpi.words.formatting import format_value

DIRECTION_WORDS = {"improvement": "improvement", "deterioration": "deterioration", "higher": "rise",
                   "lower": "fall"}
UNITS = {"quarter": ("quarter", "quarters"), "month": ("month", "months")}


def _units(period, count: int, text: Text) -> str:
    kind = fp.kind(period) if isinstance(period, fp.AnyPeriod) else "quarter"
    one, many = UNITS.get(kind, UNITS["quarter"])
    return text("{n} " + (one if count == 1 else many), n=count)


def _label(period, text: Text) -> str:
    return fp.label(period, text.language) if isinstance(period, fp.AnyPeriod) else str(period)


def _because(changes: list[RebasePoint], since) -> str:
    """The officers' description of the change that started the phase, if they gave one."""
    for change in changes:
        if change.period == since and change.descriptions:
            return "; ".join(change.descriptions)
    return ""


def sustainment_sentence(indicator: Indicator, held: Sustainment | None, changes: list[RebasePoint],
                         text: Text) -> str:
    """One sentence: is there a real change since a point in time, and has it held?"""
    if held is None:
        return text("No real change to sustain: the latest figures are within normal variation.")
    fmt = lambda v: format_value(v, indicator.unit, indicator.decimals, text.language)  # noqa: E731
    since, span = _label(held.since, text), _units(held.since, held.periods, text)
    if held.basis == "phase":
        because = _because(changes, held.since)
        opening = (text("Since {since} ({because}), the average has been {new} against {old} before",
                        since=since, because=because, new=fmt(held.new_mean), old=fmt(held.previous_mean))
                   if because else
                   text("Since {since}, the average has been {new} against {old} before", since=since,
                        new=fmt(held.new_mean), old=fmt(held.previous_mean)))
        if not held.real:
            return opening + text(": not a real change yet (within the earlier limits).")
        change = text(DIRECTION_WORDS[held.direction])
        if held.sustained:
            return opening + text(": a real {change}, sustained for {span} and still at the new level.",
                                  change=change, span=span)
        return opening + text(": a real {change}, but the latest figure is no longer at the new level, so it "
                              "has not been sustained.", change=change)
    change = text(DIRECTION_WORDS[held.direction])
    if held.sustained:
        return text("A real {change} since {since}, sustained for {span}.", change=change, since=since, span=span)
    return text("A real {change} since {since} ({span}), not yet sustained: it is not a run of points at a new "
                "level.", change=change, since=since, span=span)


def suggestion_sentence(suggestion: RebaseSuggestion, text: Text) -> str:
    """For officers (restricted pack only): a shift that no recorded change explains."""
    side = text("above the mean") if suggestion.side == "above" else text("below the mean")
    return text("For officers: limits may need recalculating from {since}: {n} points {side} since then, and no "
                "process change is recorded. If the way the service works changed then, add it under "
                "process_changes in kpi.yml; if not, leave it.", since=_label(suggestion.period, text),
                n=suggestion.points, side=side)
