"""Case allocations, and each team's establishment (funded posts, vacancies, agency cover, sickness).

Allocations: a case opens to a long-term team when an assessment concludes that the child needs a care
and support plan, a child protection conference or to be looked after (about half of those
assessments open a new case; the rest join a case already open): some 120-180 cases a quarter. Most
are allocated to a social worker within a few working days; some wait weeks. While the Child
Protection and Court team is under pressure (kpi.demo.caseloads.PRESSURE, the stretch in which its
caseloads are above 20 per FTE) its cases wait longer. At a month end some 5-25 cases are waiting for
a worker (an empty allocation date); about 2.5% close before anyone is allocated (a family moves away,
or the need is met another way). Cases close months later; an allocation or closure on or after the
day the extract was taken is not yet known.

Establishment: one row per team per caseload snapshot (month end), consistent with the caseload
snapshot of the same day. Among the registered social workers (team managers, senior practitioners and
social workers, kpi.demo.comparators.REGISTERED_ROLES) whose agency status is recorded, agency_fte is
the FTE of the agency workers and the employed FTE that of the others. The vacancy rate is about
10-20% (DfE's children's social work workforce statistics: 14-20% in England from 2017 to 2025,
`../shared/data/published/dfe-csc-outcomes/csww_indicators_2017_to_2025.csv`), higher in a team with
more agency cover, drifting from month to month; vacant_fte is rounded to 0.1 FTE and funded_fte is
employed + vacant, so that vacant / funded is the vacancy rate and agency / (agency + funded - vacant)
is exactly the snapshot's FTE agency rate. Sickness: working days lost since the previous snapshot,
about 3.5% of the employed FTE's working days (DfE absence rate 2.9-3.5%; 8.9 days per FTE in 2025),
some months with a long spell of sickness in the team. Everything is drawn with numpy; the loops are
over months (the drift of the vacancy rate) and teams.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.assessments import TEAMS
from kpi.demo.caseloads import PRESSURE
from kpi.demo.comparators import REGISTERED_ROLES
from kpi.demo.span import Span, add_working_days, days64
from kpi.time.workdays import calendar

# --- allocations -------------------------------------------------------------------------------
OPENS_A_CASE = {"Care and support plan": 0.5, "Child protection conference": 0.5, "Child looked after": 0.5}
TEAM_FOR = {
    "Care and support plan": {"Children and Families East": 0.4, "Children and Families West": 0.4,
                              "Disabled Children's Team": 0.2},
    "Child protection conference": {"Child Protection and Court": 0.9, "Children and Families East": 0.05,
                                    "Children and Families West": 0.05},
    "Child looked after": {"Children and Families East": 0.4, "Children and Families West": 0.4,
                           "Child Protection and Court": 0.2},
}
# Working days from opening to allocation: (fewest, most, share)
WAITS = [(0, 3, 0.73), (4, 10, 0.17), (11, 30, 0.08), (31, 60, 0.02)]
WAITS_UNDER_PRESSURE = [(0, 3, 0.45), (4, 10, 0.25), (11, 30, 0.22), (31, 70, 0.08)]
CLOSED_BEFORE_ALLOCATION = 0.025
CLOSED_AFTER_WORKING_DAYS = (3, 30)
CASE_MONTHS = 9.0  # mean time a case stays open after allocation (exponential, at least a month)

# --- establishment -----------------------------------------------------------------------------
VACANCY_RANGE = (0.11, 0.17)  # each team's usual vacancy rate
VACANCY_WITH_AGENCY = 0.4  # a team with more agency cover has more vacancies
AVERAGE_AGENCY = 0.12
VACANCY_DRIFT = 0.85  # month-to-month persistence of the drift ...
VACANCY_DRIFT_SD = 0.02  # ... and its size
ABSENCE_RATE = 0.035
LONG_SPELL_DAYS = (5, 15)


def _choose(rng: np.random.Generator, table: dict, size: int) -> np.ndarray:
    weights = np.asarray(list(table.values()), dtype=float)
    return np.asarray(list(table), dtype=object)[rng.choice(len(weights), size=size, p=weights / weights.sum())]


def _waits(rng: np.random.Generator, bands, size: int) -> np.ndarray:
    band = rng.choice(len(bands), size=size, p=[share for _, _, share in bands])
    low = np.array([b[0] for b in bands])[band]
    high = np.array([b[1] for b in bands])[band]
    return low + np.floor(rng.random(size) * (high - low + 1)).astype(np.int64)


def allocations(span: Span, assessments: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per case opened in the data, with when it was allocated and closed."""
    done = assessments[assessments["outcome"].isin(list(OPENS_A_CASE))
                       & assessments["completion_date"].between(span.start, span.end)]
    done = done[rng.random(len(done)) < done["outcome"].map(OPENS_A_CASE).to_numpy(float)]
    n = len(done)
    opened = days64(done["completion_date"])
    outcome = done["outcome"].to_numpy(object)
    team = np.empty(n, dtype=object)
    for name, teams in TEAM_FOR.items():  # a loop over three outcomes
        mine = outcome == name
        team[mine] = _choose(rng, teams, int(mine.sum()))

    quarter = span.quarter_index(opened)
    pressure = np.zeros(n, dtype=bool)
    for name, first, last, _ in PRESSURE:  # the caseload pressure of kpi.demo.caseloads
        pressure |= (team == name) & (quarter >= first) & (quarter <= last)
    wait = np.where(pressure, _waits(rng, WAITS_UNDER_PRESSURE, n), _waits(rng, WAITS, n))
    allocated = add_working_days(opened, wait)
    never = rng.random(n) < CLOSED_BEFORE_ALLOCATION
    closed_early = add_working_days(opened, rng.integers(*CLOSED_AFTER_WORKING_DAYS, size=n))
    open_days = np.rint(30 + rng.exponential(CASE_MONTHS * 30.4 - 30, size=n)).astype(np.int64)
    closed = np.where(never, closed_early, allocated + open_days.astype("timedelta64[D]"))

    today = span.today.to_datetime64().astype("datetime64[D]")
    frame = pd.DataFrame({
        "child_id": done["child_id"].to_numpy(object),
        "opened_date": pd.Series(opened).astype("datetime64[us]"),
        "allocated_date": pd.Series(allocated).astype("datetime64[us]").mask(never | (allocated >= today)),
        "closed_date": pd.Series(closed).astype("datetime64[us]").mask(closed >= today),
        "team": team,
    })
    frame = frame.sort_values(["opened_date", "child_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "case_id", "CS" + pd.Series(np.arange(len(frame)) + 120_001).astype(str))
    return frame


def _working_days_in_month(dates: pd.Series) -> np.ndarray:
    last = days64(dates)
    first = days64(dates.dt.to_period("M").dt.start_time)
    return np.busday_count(first, last + np.timedelta64(1, "D"), busdaycal=calendar())


def establishment(span: Span, caseloads: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per team per caseload snapshot date."""
    registered = caseloads[caseloads["role"].isin(REGISTERED_ROLES) & caseloads["agency"].notna()]
    agency = registered["agency"].astype(bool)
    sums = pd.DataFrame({
        "snapshot_date": registered["snapshot_date"], "team": registered["team"],
        "agency_fte": registered["fte"].where(agency, 0.0), "employed_fte": registered["fte"].where(~agency, 0.0),
    }).groupby(["snapshot_date", "team"], sort=True).sum()
    dates = pd.DatetimeIndex(sorted(caseloads["snapshot_date"].unique()))
    grid = pd.MultiIndex.from_product([dates, list(TEAMS)], names=["snapshot_date", "team"])
    frame = sums.reindex(grid, fill_value=0.0).reset_index()
    frame["agency_fte"] = frame["agency_fte"].round(1)
    frame["employed_fte"] = frame["employed_fte"].round(1)

    months, teams = len(dates), len(TEAMS)
    usual = rng.uniform(*VACANCY_RANGE, size=teams)
    shocks = rng.normal(0, VACANCY_DRIFT_SD, size=(months, teams))
    drift = np.zeros((months, teams))
    drift[0] = shocks[0]
    for month in range(1, months):  # a loop over months: the drift carries over
        drift[month] = VACANCY_DRIFT * drift[month - 1] + shocks[month]
    staffed = frame["agency_fte"] + frame["employed_fte"]
    agency_share = (frame["agency_fte"] / staffed.where(staffed > 0)).fillna(AVERAGE_AGENCY).to_numpy()
    rate = usual[np.tile(np.arange(teams), months)] + drift.ravel() + VACANCY_WITH_AGENCY * (
        agency_share - AVERAGE_AGENCY)
    rate = np.clip(rate, 0.03, 0.35)
    employed = frame["employed_fte"].to_numpy()
    frame["vacant_fte"] = np.round(employed * rate / (1 - rate), 1)
    frame["funded_fte"] = np.round(employed + frame["vacant_fte"].to_numpy(), 1)

    expected = employed * _working_days_in_month(frame["snapshot_date"]) * ABSENCE_RATE
    short = rng.gamma(2.0, np.maximum(expected, 1e-9) * 0.3)
    spell = rng.random(len(frame)) < np.clip(0.4 * expected / np.mean(LONG_SPELL_DAYS), 0, 0.9)
    long = np.where(spell, rng.uniform(*LONG_SPELL_DAYS, size=len(frame)), 0.0)
    frame["sickness_days"] = np.round((short + long) * 2) / 2  # to the half day
    return frame[["snapshot_date", "team", "funded_fte", "vacant_fte", "agency_fte", "sickness_days",
                  "employed_fte"]]
