"""Caseloads and workforce, read from the last caseload snapshot taken in the period.

Case-holding social workers are the roles in Settings.case_holding_roles (social workers and
senior practitioners unless changed): team managers and support workers do not count.
"""

from __future__ import annotations

import pandas as pd

from kpi.data.processed import last_snapshot
from kpi.indicators.measures import (Counted, PeriodData, Unavailable, count_among, measure, ratio, rows_where,
                                     share_of)


def _social_workers(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("caseloads", whole_period=False)
    snapshot = last_snapshot(frame, data.start, data.end)
    if snapshot.empty:
        raise Unavailable("no caseload snapshot was taken in the period")
    return snapshot[snapshot["role"].isin(data.settings.case_holding_roles)]


@measure
def caseload_per_social_worker_fte(data: PeriodData) -> Counted:
    """Their open cases (added up) over their FTE (added up), as DfE counts cases per FTE."""
    workers = data.once(_social_workers)
    tally = ratio(float(workers["open_cases"].sum()), float(workers["fte"].sum()),
                  nothing="no social workers in the last snapshot of the period")
    return Counted(tally, workers, workers)


@measure
def workers_over_caseload_threshold(data: PeriodData) -> Counted:
    """A count (of those over the threshold), shown with all the social workers as its denominator."""
    workers = data.once(_social_workers)
    over = rows_where(workers, workers["open_cases"].gt(data.settings.caseload_threshold))
    return count_among(over, workers)


@measure
def caseload_agency_social_workers_pct(data: PeriodData) -> Counted:
    """Over the social workers whose agency status is recorded."""
    workers = data.once(_social_workers)
    recorded = workers[workers["agency"].notna()]
    return share_of(rows_where(recorded, recorded["agency"]), recorded,
                    nothing="no social workers with agency status recorded in the last snapshot")
