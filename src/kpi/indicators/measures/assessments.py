"""Assessments: how many were completed, how many within the timescale, what is still open.

The timescale is counted in working days from the referral (see kpi.time.workdays for the convention):
42 working days in Wales (PM24 / CH/012), 45 in England, or as kpi.yml says.
"""

from __future__ import annotations

import pandas as pd

from kpi.data.processed import assessments_open_on
from kpi.indicators.measures import (Counted, PeriodData, Tally, Unavailable, count_among, count_of, measure,
                                     rows_where, share_of)
from kpi.time.workdays import working_days_elapsed

NONE_COMPLETED = "no assessments completed in the period"
RECORDED_LANGUAGES = ["english", "welsh", "other"]  # a language preference recorded (not "not_recorded")


def timescale_from(data: PeriodData) -> str:
    """The column the timescale is counted from: the referral in Wales (PM24), the assessment's start in
    England (the CIN census, as Data to Insight's validator rule 8670Q reads it); kpi.yml may say otherwise.
    An assessment with no date to count from is not counted as within the timescale."""
    return "start_date" if data.settings.timescale_from == "start" else "referral_date"


def _completed(data: PeriodData) -> pd.DataFrame:
    """Assessments completed in the period, with the working days from referral (or start) to completion."""
    _, frame = data.table("assessments")
    done = rows_where(frame, frame["completion_date"].notna() & data.during(frame, "completion_date"))
    return done.assign(working_days_to_complete=working_days_elapsed(done[timescale_from(data)],
                                                                     done["completion_date"]))


def _open_at_end(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("assessments")
    return frame[assessments_open_on(frame, data.end)]


@measure
def assessments_completed(data: PeriodData) -> Counted:
    return count_of(data.once(_completed))


@measure
def assessments_within_timescale_pct(data: PeriodData) -> Counted:
    done = data.once(_completed)
    in_time = rows_where(done, done["working_days_to_complete"].le(data.settings.timescale))
    return share_of(in_time, done, nothing=NONE_COMPLETED)


@measure
def assessments_overdue_avg_working_days(data: PeriodData) -> Counted:
    """The total working days of the late assessments over how many there were."""
    done = data.once(_completed)
    late = rows_where(done, done["working_days_to_complete"].gt(data.settings.timescale))
    if late.empty:
        raise Unavailable("no assessment completed in the period exceeded the timescale")
    total = float(late["working_days_to_complete"].sum())
    return Counted(Tally(total, float(len(late)), total / len(late)), late, late)


@measure
def assessments_open_at_period_end(data: PeriodData) -> Counted:
    return count_of(data.once(_open_at_end))


@measure
def assessments_open_over_timescale(data: PeriodData) -> Counted:
    """A count (of those past the timescale), shown with the open assessments as its denominator."""
    still_open = data.once(_open_at_end)
    still_open = still_open.assign(working_days_open_at_period_end=working_days_elapsed(
        still_open[timescale_from(data)], pd.Series(data.end, index=still_open.index)))
    over = rows_where(still_open, still_open["working_days_open_at_period_end"].gt(data.settings.timescale))
    return count_among(over, still_open)


@measure
def assessments_child_seen_pct(data: PeriodData) -> Counted:
    """Not recorded counts as not seen."""
    done = data.once(_completed)
    return share_of(rows_where(done, done["child_seen"]), done, nothing=NONE_COMPLETED)


@measure
def assessments_language_recorded_pct(data: PeriodData) -> Counted:
    _, frame = data.table("assessments")
    referred = frame[data.during(frame, "referral_date")]
    recorded = rows_where(referred, referred["language"].isin(RECORDED_LANGUAGES))
    return share_of(recorded, referred, nothing="no assessments referred in the period")
