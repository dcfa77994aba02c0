"""Front door: contacts received, where they came from, how fast they were decided, where they went.

Counts work from record-level contacts or, where a council only has monthly totals, from
contact_counts; the rest need record-level contacts.
"""

from __future__ import annotations

import pandas as pd

from kpi.indicators.measures import (Counted, PeriodData, Tally, Unavailable, count_of, measure, percent,
                                     rows_where, share_of)
from kpi.time.workdays import working_days_elapsed

NO_CONTACTS = "no contacts received in the period"
LOOK_BACK = pd.DateOffset(months=12)  # a re-referral follows another referral of the child within this


def _received(data: PeriodData) -> pd.DataFrame:
    """Contacts received in the period: the records, or the monthly totals when that is all we have."""
    name, frame = data.table("contacts", "contact_counts")
    return frame[data.during(frame, "received_at" if name == "contacts" else "month")]


def _how_many(received: pd.DataFrame) -> int:
    """Contacts in rows from `_received`: one a record, or a monthly total's count."""
    return int(received["count"].sum()) if "count" in received else len(received)


def _record_level(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("contacts")
    return frame[data.during(frame, "received_at")]


@measure
def contacts_received(data: PeriodData) -> Counted:
    received = data.once(_received)
    return count_of(received, _how_many(received))


@measure
def contacts_change_on_last_year_pct(data: PeriodData) -> Counted:
    this_year = data.once(_received)
    try:
        last_year = _received(data.a_year_earlier())
    except Unavailable as reason:
        raise Unavailable(f"{reason} a year earlier") from None
    now, then = _how_many(this_year), _how_many(last_year)
    if not then:
        raise Unavailable("no contacts in the same period a year earlier")
    return Counted(Tally(float(now), float(then), (now / then - 1) * 100), this_year, last_year)


@measure
def contacts_from_police_pct(data: PeriodData) -> Counted:
    received = data.once(_received)
    police = rows_where(received, received["source"].eq("police"))
    return Counted(percent(_how_many(police), _how_many(received), nothing=NO_CONTACTS), police, received)


@measure
def referrals_from_police_pct(data: PeriodData) -> Counted:
    """Of the contacts received in the period that were referrals, those from the police (as DfE's
    referrals by source count them)."""
    received = data.once(_received)
    referrals = rows_where(received, received["contact_type"].eq("referral"))
    police = rows_where(referrals, referrals["source"].eq("police"))
    return Counted(percent(_how_many(police), _how_many(referrals), nothing="no referrals received in the period"),
                   police, referrals)


@measure
def contacts_decided_within_1wd_pct(data: PeriodData) -> Counted:
    """Same-day decisions count (0 working days); a contact not yet decided counts as not in time."""
    received = data.once(_record_level)
    received = received.assign(working_days_to_decision=working_days_elapsed(
        received["received_at"].dt.normalize(), received["decision_at"].dt.normalize()))
    in_time = rows_where(received, received["working_days_to_decision"].le(1))
    return share_of(in_time, received, nothing=NO_CONTACTS)


@measure
def contacts_to_strategy_pct(data: PeriodData) -> Counted:
    received = data.once(_record_level)
    strategy = rows_where(received, received["strategy_discussion"])
    return share_of(strategy, received, nothing=NO_CONTACTS)


@measure
def contacts_to_assessment_pct(data: PeriodData) -> Counted:
    received = data.once(_record_level)
    to_assessment = rows_where(received, received["outcome"].eq("assessment"))
    return share_of(to_assessment, received, nothing=NO_CONTACTS)


@measure
def rereferrals_within_12m_pct(data: PeriodData) -> Counted:
    """Referrals about a child in the period, and those whose child had another referral in the 12 months
    before. The flags are worked out over the period and the year before it (all a flag looks back to)."""
    received = data.once(_record_level)
    # A re-referral looks back 12 months: without that history the count would be too low.
    data.require_cover("contacts", data.start - LOOK_BACK, "the 12 months before this period")
    _, frame = data.table("contacts")
    since_a_year_before = frame.loc[data.during(frame, "received_at", since=data.start - LOOK_BACK),
                                    ["child_id", "received_at", "contact_type", "about"]]
    flags = rereferral_flags(since_a_year_before).reindex(received.index)
    referrals = rows_where(received, flags.notna())
    return share_of(rows_where(referrals, flags[referrals.index]), referrals,
                    nothing="no referrals about children in the period")


def rereferral_flags(contacts: pd.DataFrame) -> pd.Series:
    """True for a referral about a child whose previous referral was within the 12 months before it.

    Only referrals about children count (as in the DfE and Welsh definitions); other contacts get NA.
    A referral's flag is right when `contacts` hold at least the 12 months before it.
    """
    referral = contacts["contact_type"].eq("referral") & contacts["about"].eq("child") & contacts["child_id"].notna()
    referrals = rows_where(contacts, referral)[["child_id", "received_at"]].sort_values(["child_id", "received_at"],
                                                                                  kind="stable")
    previous = referrals.groupby("child_id", sort=False)["received_at"].shift()
    window_start = referrals["received_at"] - LOOK_BACK
    flags = pd.Series(pd.NA, index=contacts.index, dtype="boolean")
    flags.loc[referrals.index] = (previous.notna() & (previous >= window_start)).to_numpy()
    return flags
