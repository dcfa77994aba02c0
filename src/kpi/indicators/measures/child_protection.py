"""Child protection: registrations on the register, how long children stay on it, and strategy discussions.

A registration is one row of `child_protection` (a child protection plan in England). Wales's performance
measures define the two the committee asks about most:
- PM27: re-registrations within 12 months - registrations in the period of a child whose previous
  registration ended (the child was deregistered) within the 12 months before this registration;
- PM28: the average length of time on the register - here, of the registrations that ended in the period.
Strategy discussions are counted from the concern that led to them, in working days (kpi.yml
`strategy_discussion_working_days`, the local timescale).
"""

from __future__ import annotations

import pandas as pd

from kpi.indicators.measures import (Counted, PeriodData, Tally, Unavailable, count_of, measure, rows_where,
                                     share_of)
from kpi.time.workdays import working_days_elapsed

LOOK_BACK = pd.DateOffset(months=12)  # a re-registration follows a deregistration within this
NO_REGISTRATIONS = "no registrations on the child protection register in the period"


def _registrations(data: PeriodData) -> pd.DataFrame:
    """Registrations that started in the period."""
    _, frame = data.table("child_protection")
    return frame[data.during(frame, "registration_date")]


def on_register(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Registrations open at the end of `day`: registered on or before it, not yet ended by it."""
    return frame["registration_date"].le(day) & (frame["end_date"].isna() | frame["end_date"].gt(day))


@measure
def cp_registrations(data: PeriodData) -> Counted:
    return count_of(data.once(_registrations))


@measure
def cp_reregistrations_within_12m_pct(data: PeriodData) -> Counted:
    """Registrations of a child whose earlier registration ended in the 12 months up to this one (PM27)."""
    registrations = data.once(_registrations)
    # Without the year before the period an earlier deregistration could be missed.
    data.require_cover("child_protection", data.start - LOOK_BACK, "the 12 months before this period")
    _, frame = data.table("child_protection")
    ended = frame.loc[frame["end_date"].notna(), ["child_id", "registration_id", "end_date"]]
    pairs = registrations[["child_id", "registration_id", "registration_date"]].reset_index().merge(
        ended, on="child_id", suffixes=("", "_earlier"))
    within = pairs["registration_id"].ne(pairs["registration_id_earlier"]) & pairs["end_date"].le(
        pairs["registration_date"]) & pairs["end_date"].ge(pairs["registration_date"] - LOOK_BACK)
    again = registrations.index.isin(pairs.loc[within, "index"])
    return share_of(registrations[again], registrations, nothing=NO_REGISTRATIONS)


@measure
def cp_average_days_on_register(data: PeriodData) -> Counted:
    """The days from registration to deregistration, added up over the registrations that ended in the
    period, over how many ended (PM28)."""
    _, frame = data.table("child_protection")
    ended = rows_where(frame, frame["end_date"].notna() & data.during(frame, "end_date"))
    if ended.empty:
        raise Unavailable("no registrations ended in the period")
    days = ended.assign(days_on_register=(ended["end_date"] - ended["registration_date"]).dt.days)
    total = float(days["days_on_register"].sum())
    return Counted(Tally(total, float(len(days)), total / len(days)), days, days)


@measure
def cp_on_register_at_end(data: PeriodData) -> Counted:
    """Children on the register at the end of the period (a child counted once)."""
    _, frame = data.table("child_protection")
    open_at_end = frame[on_register(frame, data.end)]
    return count_of(open_at_end.drop_duplicates("child_id"))


# --------------------------------------------------------------------------------- strategy discussions


def _concerns(data: PeriodData) -> pd.DataFrame:
    """Strategy discussions about concerns raised in the period, with the working days to the discussion."""
    _, frame = data.table("strategy_discussions")
    raised = frame[data.during(frame, "concern_date")]
    return raised.assign(working_days_to_discussion=working_days_elapsed(raised["concern_date"],
                                                                        raised["discussion_date"]))


@measure
def strategy_discussions_within_timescale_pct(data: PeriodData) -> Counted:
    """A discussion not yet held counts as not in time."""
    raised = data.once(_concerns)
    in_time = rows_where(raised, raised["working_days_to_discussion"].le(data.settings.strategy_timescale))
    return share_of(in_time, raised, nothing="no strategy discussions about concerns raised in the period")


@measure
def strategy_discussions_to_s47_pct(data: PeriodData) -> Counted:
    """Of the discussions held in the period, those that decided on a section 47 enquiry."""
    _, frame = data.table("strategy_discussions")
    held = rows_where(frame, frame["discussion_date"].notna() & data.during(frame, "discussion_date"))
    enquiry = rows_where(held, held["section_47"])
    return share_of(enquiry, held, nothing="no strategy discussions held in the period")
