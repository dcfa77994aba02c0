"""Assessments: how many were completed, how many within the timescale, what is still open.

The timescale is counted in working days from the referral (see kpi.time.workdays for the convention):
42 working days in Wales (PM24 / CH/012), 45 in England, or as kpi.yml says.
"""

from __future__ import annotations

import pandas as pd

from kpi.indicators.measures import PeriodData, Tally, Unavailable, count, measure, percent
from kpi.data.processed import assessments_open_on
from kpi.time.workdays import working_days_elapsed

NONE_COMPLETED = "no assessments completed in the period"


def _completed(data: PeriodData):
    _, frame = data.table("assessments")
    return frame[frame["completion_date"].notna() & data.during(frame, "completion_date")]


def _open_at_end(data: PeriodData):
    _, frame = data.table("assessments")
    return frame[assessments_open_on(frame, data.end)]


@measure
def assessments_completed(data: PeriodData) -> Tally:
    return count(len(_completed(data)))


@measure
def assessments_within_timescale_pct(data: PeriodData) -> Tally:
    done = _completed(data)
    in_time = done["working_days_to_complete"].le(data.settings.timescale)
    return percent(int(in_time.sum()), len(done), nothing=NONE_COMPLETED)


@measure
def assessments_overdue_avg_working_days(data: PeriodData) -> Tally:
    done = _completed(data)
    late = done.loc[done["working_days_to_complete"].gt(data.settings.timescale), "working_days_to_complete"]
    if late.empty:
        raise Unavailable("no assessment completed in the period exceeded the timescale")
    total = float(late.sum())
    return Tally(total, float(len(late)), total / len(late))


@measure
def assessments_open_at_period_end(data: PeriodData) -> Tally:
    return count(len(_open_at_end(data)))


@measure
def assessments_open_over_timescale(data: PeriodData) -> Tally:
    still_open = _open_at_end(data)
    period_end = pd.Series(data.end, index=still_open.index)
    elapsed = working_days_elapsed(still_open["referral_date"], period_end)
    over = int(elapsed.gt(data.settings.timescale).sum())
    return Tally(float(over), float(len(still_open)), float(over))


@measure
def assessments_child_seen_pct(data: PeriodData) -> Tally:
    done = _completed(data)
    return percent(int(done["child_seen"].fillna(False).sum()), len(done), nothing=NONE_COMPLETED)


@measure
def assessments_language_recorded_pct(data: PeriodData) -> Tally:
    _, frame = data.table("assessments")
    referred = frame[data.during(frame, "referral_date")]
    recorded = referred["language"].isin(["english", "welsh", "other"])
    return percent(int(recorded.sum()), len(referred), nothing="no assessments referred in the period")
