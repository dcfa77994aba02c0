"""Caseloads and workforce, read from the last caseload snapshot taken in the period.

As DfE's children's social work workforce statistics define them (kpi.yml `workforce_definition: dfe`, the
default; the LAIT data dictionary quotes both):
- caseload per FTE: the cases held by every registered children and family social worker (team managers
  included, agency workers included) over the FTE of those who held one or more cases;
- agency rate: agency social workers' FTE over the FTE of all social workers, agency and employed.
Where kpi.yml gives the teams' establishment (funded posts, vacancies, agency cover, sickness), the agency rate
and the vacancy rate come from its last snapshot in the period, as DfE defines them: agency FTE over agency
FTE plus the FTE of social workers in post (funded less vacant); vacant FTE over funded FTE.
Unallocated cases come from `allocations`: a case open at the end of the period with no worker yet.
`workforce_definition: local` keeps the earlier local definitions: social workers and senior practitioners
only (Settings.case_holding_roles), every one's FTE in the caseload, the agency rate by head.
Support workers are not registered social workers and never count.
"""

from __future__ import annotations

import pandas as pd

from kpi.data.processed import last_snapshot
from kpi.indicators.measures import (Counted, NoSource, PeriodData, Tally, Unavailable, count_among, count_of, measure,
                                     percent, ratio, rows_where, share_of)


def _snapshot(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("caseloads", whole_period=False)
    snapshot = last_snapshot(frame, data.start, data.end)
    if snapshot.empty:
        raise Unavailable("no caseload snapshot was taken in the period")
    return snapshot


def _social_workers(data: PeriodData) -> pd.DataFrame:
    """Social workers and senior practitioners: the workers the caseload threshold is about."""
    snapshot = data.once(_snapshot)
    return snapshot[snapshot["role"].isin(data.settings.case_holding_roles)]


def _registered(data: PeriodData) -> pd.DataFrame:
    """Registered children and family social workers, as DfE counts them (or the local roles)."""
    if data.settings.workforce_definition == "local":
        return data.once(_social_workers)
    snapshot = data.once(_snapshot)
    return snapshot[snapshot["role"].isin(data.settings.registered_roles)]


@measure
def caseload_per_social_worker_fte(data: PeriodData) -> Counted:
    """Their open cases (added up) over the FTE (added up) of those holding one or more cases (DfE); the
    local definition divides by every social worker's FTE."""
    workers = data.once(_registered)
    holding = workers if data.settings.workforce_definition == "local" else rows_where(
        workers, workers["open_cases"].ge(1) & workers["fte"].gt(0))
    tally = ratio(float(workers["open_cases"].sum()), float(holding["fte"].sum()),
                  nothing="no social workers in the last snapshot of the period")
    return Counted(tally, workers, holding)


@measure
def workers_over_caseload_threshold(data: PeriodData) -> Counted:
    """A count (of those over the threshold), shown with all the social workers as its denominator. The
    threshold is per FTE (a worker's open cases over their FTE: 18 cases at 0.8 FTE is 22.5) unless kpi.yml
    says `caseload_threshold_per: worker` (the cases as they are)."""
    workers = data.once(_social_workers)
    load = workers["open_cases"] / workers["fte"] if data.settings.caseload_threshold_per == "fte" \
        else workers["open_cases"]
    over = rows_where(workers, load.gt(data.settings.caseload_threshold))
    return count_among(over, workers)


@measure
def caseload_agency_social_workers_pct(data: PeriodData) -> Counted:
    """Agency social workers' FTE over all social workers' FTE (DfE), among those whose agency status is
    recorded, from the establishment when there is one, else from the caseload snapshot; the local
    definition counts heads in the caseload snapshot."""
    if "establishment" in data.tables and data.settings.workforce_definition != "local":
        return _agency_from_establishment(data)
    if "establishment" not in data.tables and "caseloads" not in data.tables:
        raise NoSource(("establishment", "caseloads"))  # either would do (as the catalogue says)
    workers = data.once(_registered)
    recorded = workers[workers["agency"].notna()]
    agency = rows_where(recorded, recorded["agency"])
    nothing = "no social workers with agency status recorded in the last snapshot"
    if data.settings.workforce_definition == "local":
        return share_of(agency, recorded, nothing=nothing)
    return Counted(percent(float(agency["fte"].sum()), float(recorded["fte"].sum()), nothing=nothing), agency,
                   recorded)


# ------------------------------------------------------------------------------------- establishment


def _establishment(data: PeriodData) -> pd.DataFrame:
    """Every team's row in the last establishment snapshot of the period, with its FTE in post."""
    _, frame = data.table("establishment", whole_period=False)
    snapshot = last_snapshot(frame, data.start, data.end)
    if snapshot.empty:
        raise Unavailable("no establishment snapshot was taken in the period")
    return snapshot.assign(in_post_fte=snapshot["funded_fte"] - snapshot["vacant_fte"])


def _agency_from_establishment(data: PeriodData) -> Counted:
    teams = data.once(_establishment)
    recorded = teams[teams["agency_fte"].notna()]
    agency = float(recorded["agency_fte"].sum())
    return Counted(percent(agency, agency + float(recorded["in_post_fte"].sum()),
                           nothing="no social workers in post or agency in the last establishment snapshot"),
                   rows_where(recorded, recorded["agency_fte"].gt(0)), recorded)


@measure
def vacancy_rate_pct(data: PeriodData) -> Counted:
    """Vacant FTE over funded FTE, in the last establishment snapshot of the period (DfE's vacancy rate)."""
    teams = data.once(_establishment)
    return Counted(percent(float(teams["vacant_fte"].sum()), float(teams["funded_fte"].sum()),
                           nothing="no funded posts in the last establishment snapshot"),
                   rows_where(teams, teams["vacant_fte"].gt(0)), teams)


@measure
def sickness_days_per_fte(data: PeriodData) -> Counted:
    """Working days lost to sickness in the period (every snapshot taken in it) over the FTE in post at its
    last snapshot. A team whose sickness is not recorded in every snapshot of the period is left out of both."""
    _, frame = data.table("establishment")
    snapshots = frame[data.during(frame, "snapshot_date")]
    unrecorded = snapshots.loc[snapshots["sickness_days"].isna(), "team"]
    counted = snapshots[~snapshots["team"].isin(unrecorded)]
    teams = data.once(_establishment)
    teams = teams[teams["team"].isin(counted["team"])]
    tally = ratio(float(counted["sickness_days"].sum()), float(teams["in_post_fte"].sum()),
                  nothing="no FTE in post with sickness recorded in the period")
    return Counted(tally, counted, teams)


# ---------------------------------------------------------------------------------------- allocations


def _unallocated(data: PeriodData) -> pd.DataFrame:
    """Cases open at the end of the period with no worker allocated yet, with the days they have waited."""
    _, frame = data.table("allocations")
    day = data.end
    waiting = frame["opened_date"].le(day) & (frame["allocated_date"].isna() | frame["allocated_date"].gt(day)) & (
        frame["closed_date"].isna() | frame["closed_date"].gt(day))
    unallocated = frame[waiting]
    return unallocated.assign(days_waiting=(day - unallocated["opened_date"]).dt.days)


@measure
def unallocated_cases_at_end(data: PeriodData) -> Counted:
    return count_of(data.once(_unallocated))


@measure
def unallocated_average_days_waiting(data: PeriodData) -> Counted:
    """The days since each unallocated case was opened, added up, over how many there are."""
    waiting = data.once(_unallocated)
    if waiting.empty:
        raise Unavailable("no cases were waiting for a worker at the end of the period")
    total = float(waiting["days_waiting"].sum())
    return Counted(Tally(total, float(len(waiting)), total / len(waiting)), waiting, waiting)
