"""Caseloads and workforce, read from the last caseload snapshot taken in the period.

Case-holding social workers are the roles in Settings.case_holding_roles (social workers and
senior practitioners unless changed): team managers and support workers do not count.
"""

from __future__ import annotations

from kpi.indicators.measures import PeriodData, Tally, Unavailable, measure, percent, ratio
from kpi.data.processed import last_snapshot


def _social_workers(data: PeriodData):
    _, frame = data.table("caseloads", whole_period=False)
    snapshot = last_snapshot(frame, data.start, data.end)
    if snapshot.empty:
        raise Unavailable("no caseload snapshot was taken in the period")
    return snapshot[snapshot["role"].isin(data.settings.case_holding_roles)]


@measure
def caseload_per_social_worker_fte(data: PeriodData) -> Tally:
    workers = _social_workers(data)
    return ratio(float(workers["open_cases"].sum()), float(workers["fte"].sum()),
                 nothing="no social workers in the last snapshot of the period")


@measure
def workers_over_caseload_threshold(data: PeriodData) -> Tally:
    workers = _social_workers(data)
    over = int(workers["open_cases"].gt(data.settings.caseload_threshold).sum())
    return Tally(float(over), float(len(workers)), float(over))


@measure
def caseload_agency_social_workers_pct(data: PeriodData) -> Tally:
    workers = _social_workers(data)
    recorded = workers["agency"].notna()
    return percent(int(workers.loc[recorded, "agency"].sum()), int(recorded.sum()),
                   nothing="no social workers with agency status recorded in the last snapshot")
