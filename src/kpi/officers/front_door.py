"""The front door's week in numbers: contacts by day, type and source, decisions, outcomes, strategy
discussions, the police's share, and the main counts week by week for SPC.

Every function takes the canonical contacts table (kpi.data.tables: contacts) and plain dates, so each
can be checked on a table of a few rows. A week is [start, end], both whole days (kpi.officers.weeks).
A decision is within one working day when at most one working day passes between the day the contact
came in and the day it was decided, counted as the assessment timescale counts (kpi.time.workdays: the
day received is not counted): decided the same day is 0, a contact on Saturday decided on Monday is 1.
"""

from __future__ import annotations

import pandas as pd

from kpi.officers.records import RestrictedUse, _pseudonyms_only, check_audience
from kpi.spc.xmr import SpcResult, spc
from kpi.officers.weeks import week_end_of
from kpi.time.workdays import working_days_elapsed

CONTACT_TYPES = ("referral", "enquiry", "information_only", "awaiting_information")
ABOUT = ("child", "adult")
SOURCES = ("police", "health", "education", "self_or_family", "local_authority", "other_local_authority",
           "voluntary", "anonymous", "other")
OUTCOMES = ("advice", "signposted", "no_further_action", "assessment", "early_help", "strategy", "other")
AWAITING = "awaiting_decision"
DECISION_TIMESCALE = 1  # working days
# The counts charted week by week, as columns of `weekly_counts`.
WEEKLY_COUNTS = ("contacts", "referrals", "police_contacts", "strategy_discussions")


def _day(moments: pd.Series) -> pd.Series:
    return pd.to_datetime(moments).dt.normalize()


def received_between(contacts: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The contacts received from the start of `start` to the end of `end`."""
    day = _day(contacts["received_at"])
    return contacts[day.between(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize())]


def by_day_and_type(week: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Days (rows, every day of the week) by contact type and child or adult (columns), then totals."""
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    columns = pd.MultiIndex.from_product([CONTACT_TYPES, ABOUT], names=["contact_type", "about"])
    table = (week.assign(day=_day(week["received_at"]))
             .groupby(["day", "contact_type", "about"], observed=True).size()
             .unstack(["contact_type", "about"]).reindex(index=days, columns=columns, fill_value=0).fillna(0))
    table[("all", "child")] = table.xs("child", axis=1, level="about").sum(axis=1)
    table[("all", "adult")] = table.xs("adult", axis=1, level="about").sum(axis=1)
    table.loc["total"] = table.sum()
    return table.astype("int64").rename_axis(index="day")


def by_type(week: pd.DataFrame) -> pd.DataFrame:
    """Contact types (rows) by children, adults and all (columns)."""
    table = pd.crosstab(week["contact_type"].astype("string"), week["about"].astype("string"))
    table = table.reindex(index=list(CONTACT_TYPES), columns=list(ABOUT), fill_value=0)
    table["all"] = table.sum(axis=1)
    return table.astype("int64").rename_axis(index="contact_type", columns=None)


def by_source(week: pd.DataFrame) -> pd.DataFrame:
    """Sources (rows) by contacts and referrals (columns)."""
    source = week["source"].astype("string")
    table = pd.DataFrame({"contacts": source.value_counts(),
                          "referrals": source[week["contact_type"].eq("referral")].value_counts()})
    return table.reindex(list(SOURCES), fill_value=0).fillna(0).astype("int64").rename_axis(index="source")


def decided_by(contacts: pd.DataFrame, as_at: pd.Timestamp) -> pd.Series:
    """True where the contact was decided by the end of `as_at`."""
    return contacts["decision_at"].notna() & _day(contacts["decision_at"]).le(pd.Timestamp(as_at).normalize())


def working_days_to_decision(contacts: pd.DataFrame) -> pd.Series:
    return working_days_elapsed(_day(contacts["received_at"]), _day(contacts["decision_at"]))


def decisions(week: pd.DataFrame, as_at: pd.Timestamp) -> pd.Series:
    """contacts, decided the same day, within one working day, later, and awaiting a decision at the end
    of `as_at`; within_one includes the same day's. `not_yet_due`: those awaiting a decision whose working
    day has not yet run out by the end of `as_at` (they may still be decided in time), so that a share for
    a week still under way leaves them out rather than count them as late."""
    decided = decided_by(week, as_at)
    days = working_days_to_decision(week).where(decided)
    same_day = _day(week["received_at"]).eq(_day(week["decision_at"])) & decided
    within = days.le(DECISION_TIMESCALE).fillna(False).astype(bool)
    waited = working_days_elapsed(_day(week["received_at"]), pd.Series(pd.Timestamp(as_at).normalize(),
                                                                       index=week.index))
    not_yet_due = ~decided & waited.lt(DECISION_TIMESCALE).fillna(False).astype(bool)
    return pd.Series({"contacts": len(week), "same_day": int(same_day.sum()), "within_one": int(within.sum()),
                      "later": int((decided & ~within).sum()), "awaiting": int((~decided).sum()),
                      "not_yet_due": int(not_yet_due.sum())}, dtype="int64")


def share_in_time(counts: pd.Series) -> tuple[int, int]:
    """(decided within one working day, contacts whose working day has run out): the share so far, which
    leaves out the contacts still within their working day."""
    return int(counts["within_one"]), int(counts["contacts"] - counts["not_yet_due"])


def awaiting_decision(contacts: pd.DataFrame, as_at: pd.Timestamp, *, audience: str) -> pd.DataFrame:
    """Every contact received by the end of `as_at` and not decided by then, oldest first, with the working
    days it has waited: for managers (restricted use only; pseudonyms, no system references)."""
    check_audience(audience)
    if audience != "restricted":
        raise RestrictedUse("The contacts awaiting a decision are for restricted use only: run with "
                            f"audience='restricted' (this run's audience is '{audience}').")
    day = pd.Timestamp(as_at).normalize()
    waiting = contacts[_day(contacts["received_at"]).le(day) & ~decided_by(contacts, day)]
    waiting = waiting.assign(working_days_waiting=working_days_elapsed(
        _day(waiting["received_at"]), pd.Series(day, index=waiting.index)).astype("Int64"))
    columns = ["child_id", "received_at", "source", "contact_type", "about", "working_days_waiting",
               "source_file", "source_row"]
    listed = _pseudonyms_only(waiting[[c for c in columns if c in waiting]], "contacts")
    return listed.sort_values("received_at", kind="stable").reset_index(drop=True)


def outcomes(week: pd.DataFrame, as_at: pd.Timestamp) -> pd.Series:
    """Contacts by outcome, and those awaiting a decision at the end of `as_at`."""
    outcome = week["outcome"].astype("string").where(decided_by(week, as_at), AWAITING).fillna("other")
    return outcome.value_counts().reindex([*OUTCOMES, AWAITING], fill_value=0).astype("int64")


def strategy_discussions(week: pd.DataFrame) -> pd.Series:
    """Strategy discussions or meetings: in all, of referrals and from the police."""
    held = week["strategy_discussion"].fillna(False).astype(bool)
    return pd.Series({"all": int(held.sum()),
                      "from_referrals": int((held & week["contact_type"].eq("referral")).sum()),
                      "from_police": int((held & week["source"].eq("police")).sum())}, dtype="int64")


def police_share(week: pd.DataFrame) -> pd.DataFrame:
    """Contacts and referrals (rows): from the police, in all, and the police's share (a percentage)."""
    referral = week["contact_type"].eq("referral")
    police = week["source"].eq("police")
    table = pd.DataFrame({"police": [int(police.sum()), int((police & referral).sum())],
                          "all": [len(week), int(referral.sum())]}, index=["contacts", "referrals"])
    table["share"] = (table["police"] / table["all"].where(table["all"].gt(0)) * 100).astype("float64")
    return table


def weekly_counts(contacts: pd.DataFrame, week_ends: pd.DatetimeIndex, week_ending: str) -> pd.DataFrame:
    """For each week (rows, by its last day): contacts, referrals, contacts from the police, strategy
    discussions; a week with no contacts counts 0."""
    week = week_end_of(contacts["received_at"], week_ending)
    counted = pd.DataFrame({
        "week_end": week,
        "contacts": 1,
        "referrals": contacts["contact_type"].eq("referral").astype("int64"),
        "police_contacts": contacts["source"].eq("police").astype("int64"),
        "strategy_discussions": contacts["strategy_discussion"].fillna(False).astype("int64"),
    })
    table = counted[week.isin(week_ends)].groupby("week_end")[list(WEEKLY_COUNTS)].sum()
    return table.reindex(week_ends, fill_value=0).astype("int64").rename_axis(index="week_end")


def weekly_spc(counts: pd.Series) -> SpcResult:
    """The XmR chart of one weekly count: demand is neither good nor bad, so neither direction is improvement."""
    return spc(counts.astype("float64"), periods=list(counts.index), improvement="neutral")
