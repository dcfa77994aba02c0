"""Caseloads: a snapshot on the last day of every month for about 60 workers in 6 teams.

Each team has ten posts (a team manager, a senior practitioner, six social workers and two support
workers). A post is held by a run of workers: each stays for a while (agency staff for less), leaves,
and after a vacancy someone else starts, so workers come and go over the years. Open cases follow the
team's pressure: the North intake team goes above 20 cases per social worker FTE while its
assessments fall behind, and the child protection team stays above 20 for a long stretch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.assessments import DIP_QUARTERS, TEAMS
from kpi.demo.span import Span

POSTS = [("team_manager", "Team Manager"), ("senior_practitioner", "Senior Practitioner")] + \
    [("social_worker", "Social Worker")] * 6 + [("support_worker", "Family Support Worker")] * 2
AGENCY_SHARE = 0.28  # of the workers who take up a post; they stay less long, so ~12% of snapshot rows
TENURE_MONTHS = {"permanent": 40.0, "agency": 14.0}
MAX_OCCUPANTS = 16  # workers per post over the span; far more than needed
FTE_CHOICES = {1.0: 0.72, 0.8: 0.12, 0.6: 0.09, 0.5: 0.07}

# Open cases per FTE for a social worker in each team, before its pressure periods.
CASES_PER_FTE = {
    "Intake and Assessment North": 18.0,
    "Intake and Assessment South": 16.5,
    "Children and Families East": 16.0,
    "Children and Families West": 17.0,
    "Child Protection and Court": 18.5,
    "Disabled Children's Team": 14.0,
}
# (team, first quarter index, last quarter index, cases per FTE in that stretch)
PRESSURE = [
    ("Intake and Assessment North", DIP_QUARTERS.start - 2, DIP_QUARTERS.stop, 26.0),
    ("Child Protection and Court", 4, 17, 25.0),
]
ROLE_FACTOR = {"social_worker": 1.0, "senior_practitioner": 0.8, "team_manager": 0.1, "support_worker": 0.45}


def _occupants(span: Span, rng: np.random.Generator) -> pd.DataFrame:
    """Every worker who held a post: team, role, start and end (in months from the span start)."""
    teams = list(TEAMS)
    posts = pd.DataFrame([(team, role, label) for team in teams for role, label in POSTS],
                         columns=["team", "role", "role_label"])
    n_posts = len(posts)
    agency = rng.random((n_posts, MAX_OCCUPANTS)) < AGENCY_SHARE
    agency[posts["role"].eq("team_manager").to_numpy(), :] &= rng.random(MAX_OCCUPANTS) < 0.05
    mean = np.where(agency, TENURE_MONTHS["agency"], TENURE_MONTHS["permanent"])
    tenure = np.maximum(3.0, rng.exponential(mean))
    vacancy = rng.choice([0.0, 0.0, 1.0, 2.0, 3.0, 5.0], size=(n_posts, MAX_OCCUPANTS))
    first_start = -rng.uniform(0, 60, size=(n_posts, 1))
    # Who started when: the first worker some years before the data begin; each next one after a vacancy.
    starts = first_start + np.concatenate(
        [np.zeros((n_posts, 1)), np.cumsum(tenure + vacancy, axis=1)[:, :-1]], axis=1)
    ends = starts + tenure
    frame = pd.DataFrame({
        "post": np.repeat(np.arange(n_posts), MAX_OCCUPANTS),
        "start": starts.ravel(),
        "end": ends.ravel(),
        "agency": agency.ravel(),
    })
    frame = frame.join(posts, on="post")
    frame["fte"] = np.where(frame["agency"], 1.0,
                            rng.choice(list(FTE_CHOICES), size=len(frame), p=list(FTE_CHOICES.values())))
    frame["worker_effect"] = rng.normal(0, 1.8, size=len(frame))
    frame = frame[frame["start"] < len(span.months)].reset_index(drop=True)
    frame["worker_id"] = "EMP" + pd.Series(10_000 + rng.permutation(len(frame) * 5)[: len(frame)]).astype(str)
    return frame


def generate(span: Span, rng: np.random.Generator) -> pd.DataFrame:
    """One row per worker in post at the end of each month."""
    workers = _occupants(span, rng)
    months = span.months
    month_index = np.arange(len(months)) + 1.0  # the snapshot is at the end of month i (i months in)
    # Who is in post at each month end: started before it and not yet left.
    active = (workers["start"].to_numpy()[:, None] < month_index[None, :]) & (
        workers["end"].to_numpy()[:, None] >= month_index[None, :])
    worker_pos, month_pos = np.nonzero(active)
    rows = workers.iloc[worker_pos].reset_index(drop=True)
    snapshot = months[month_pos].to_timestamp(how="end").normalize()
    rows.insert(0, "snapshot_date", snapshot.astype("datetime64[us]"))

    quarter = month_pos // 3
    level = rows["team"].map(CASES_PER_FTE).to_numpy(float)
    for team, first, last, pressure in PRESSURE:
        level = np.where((rows["team"].to_numpy() == team) & (quarter >= first) & (quarter <= last), pressure, level)
    # A slow drift shared by all teams, and month-to-month noise.
    drift = 0.8 * np.sin(month_index[month_pos] / 9.0)
    months_in_post = month_index[month_pos] - rows["start"].to_numpy()
    ramp = np.clip(months_in_post / 3.0, 0.35, 1.0)  # new starters build up a caseload
    expected = (level + drift) * rows["role"].map(ROLE_FACTOR).to_numpy(float) * rows["fte"].to_numpy() * ramp
    expected = expected + rows["worker_effect"].to_numpy() * (rows["role"].to_numpy() != "team_manager")
    cases = np.rint(expected + rng.normal(0, 1.2, size=len(rows)))
    rows["open_cases"] = np.clip(cases, 0, None).astype(np.int64)
    rows = rows.sort_values(["snapshot_date", "team", "worker_id"], kind="stable").reset_index(drop=True)
    return rows[["snapshot_date", "worker_id", "team", "role", "role_label", "fte", "open_cases", "agency"]]

