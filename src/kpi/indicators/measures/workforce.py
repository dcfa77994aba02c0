"""Caseloads and workforce, read from the last caseload snapshot taken in the period.

As DfE's children's social work workforce statistics define them (kpi.yml `workforce_definition: dfe`, the
default; the LAIT data dictionary quotes both):
- caseload per FTE: the cases held by every registered children and family social worker (team managers
  included, agency workers included) over the FTE of those who held one or more cases;
- agency rate: agency social workers' FTE over the FTE of all social workers, agency and employed.
`workforce_definition: local` keeps the earlier local definitions: social workers and senior practitioners
only (Settings.case_holding_roles), every one's FTE in the caseload, the agency rate by head.
Support workers are not registered social workers and never count.
"""

from __future__ import annotations

import pandas as pd

from kpi.data.processed import last_snapshot
from kpi.indicators.measures import (Counted, PeriodData, Unavailable, count_among, measure, percent,
                                     ratio, rows_where, share_of)


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
    recorded; the local definition counts heads."""
    workers = data.once(_registered)
    recorded = workers[workers["agency"].notna()]
    agency = rows_where(recorded, recorded["agency"])
    nothing = "no social workers with agency status recorded in the last snapshot"
    if data.settings.workforce_definition == "local":
        return share_of(agency, recorded, nothing=nothing)
    return Counted(percent(float(agency["fte"].sum()), float(recorded["fte"].sum()), nothing=nothing), agency,
                   recorded)
