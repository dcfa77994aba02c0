"""Front door: contacts received, where they came from, how fast they were decided, where they went.

Counts work from record-level contacts or, where a council only has monthly totals, from
contact_counts; the rest need record-level contacts.
"""

from __future__ import annotations

import pandas as pd

from kpi.indicators.measures import PeriodData, Tally, Unavailable, count, measure, percent

NO_CONTACTS = "no contacts received in the period"


def _contacts_in_period(data: PeriodData) -> tuple[int, int]:
    """(all contacts, contacts from the police) received in the period, from either form."""
    name, frame = data.table("contacts", "contact_counts")
    if name == "contacts":
        inside = frame[data.during(frame, "received_at")]
        return len(inside), int(inside["source"].eq("police").sum())
    inside = frame[data.during(frame, "month")]
    return int(inside["count"].sum()), int(inside.loc[inside["source"].eq("police"), "count"].sum())


def _record_level(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("contacts")
    return frame[data.during(frame, "received_at")]


@measure
def contacts_received(data: PeriodData) -> Tally:
    return count(_contacts_in_period(data)[0])


@measure
def contacts_change_on_last_year_pct(data: PeriodData) -> Tally:
    this_year, _ = _contacts_in_period(data)
    a_year_earlier = PeriodData(data.tables, data.spans, data.start - pd.DateOffset(years=1),
                                data.end - pd.DateOffset(years=1), data.settings)
    try:
        last_year, _ = _contacts_in_period(a_year_earlier)
    except Unavailable as reason:
        raise Unavailable(f"{reason} a year earlier") from None
    if not last_year:
        raise Unavailable("no contacts in the same period a year earlier")
    return Tally(float(this_year), float(last_year), (this_year / last_year - 1) * 100)


@measure
def contacts_from_police_pct(data: PeriodData) -> Tally:
    total, police = _contacts_in_period(data)
    return percent(police, total, nothing=NO_CONTACTS)


@measure
def contacts_decided_within_1wd_pct(data: PeriodData) -> Tally:
    inside = _record_level(data)
    in_time = inside["working_days_to_decision"].le(1).fillna(False)
    return percent(int(in_time.sum()), len(inside), nothing=NO_CONTACTS)


@measure
def contacts_to_strategy_pct(data: PeriodData) -> Tally:
    inside = _record_level(data)
    return percent(int(inside["strategy_discussion"].fillna(False).sum()), len(inside), nothing=NO_CONTACTS)


@measure
def contacts_to_assessment_pct(data: PeriodData) -> Tally:
    inside = _record_level(data)
    return percent(int(inside["outcome"].eq("assessment").fillna(False).sum()), len(inside), nothing=NO_CONTACTS)


@measure
def rereferrals_within_12m_pct(data: PeriodData) -> Tally:
    inside = _record_level(data)
    # A re-referral looks back 12 months: without that history the count would be too low.
    data.require_cover("contacts", data.start - pd.DateOffset(months=12), "the 12 months before this period")
    referrals = inside["is_rereferral"].notna()
    return percent(int(inside.loc[referrals, "is_rereferral"].sum()), int(referrals.sum()),
                   nothing="no referrals about children in the period")
