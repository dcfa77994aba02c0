"""Caseloads: a snapshot on the last day of every month of every worker in post, in every authority.

The single demo's posts and turnover (kpi.demo.caseloads) for all authorities at once: each team has
ten posts (a team manager, a senior practitioner, six social workers, two support workers); a post
is held by a run of workers, each staying a while (agency staff for less) with a vacancy between
them. Open cases follow the authority's usual cases per FTE, with a slow drift of its own, the
worker's role, FTE and time in post. Workers are numbered from 1 in each authority (W0000001).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpi.demo import caseloads as single_demo
from kpi.demo.national import files
from kpi.demo.national.areas import Authorities
from kpi.demo.national.calendar import Calendar
from kpi.demo.national.teams import POSTS_PER_TEAM, team_names

ROLES = ["social_worker", "senior_practitioner", "team_manager", "support_worker", "other"]
POST_ROLES = np.array([ROLES.index(role) for role, _ in single_demo.POSTS], dtype=np.int8)
ROLE_FACTOR = np.array([single_demo.ROLE_FACTOR.get(role, 0.5) for role in ROLES])
MANAGER_AGENCY = 0.05  # team managers are seldom agency staff
FTE = np.array(list(single_demo.FTE_CHOICES))
FTE_SHARES = np.array(list(single_demo.FTE_CHOICES.values()))
VACANCY_MONTHS = np.array([0.0, 0.0, 1.0, 2.0, 3.0, 5.0])
LARGEST_CASELOAD = 150


@dataclass
class Caseloads:
    """One row per worker per month end, ordered by authority, month end and worker."""

    authority: np.ndarray
    snapshot_day: np.ndarray
    worker: np.ndarray  # number within the authority
    team: np.ndarray  # code into teams.team_names()
    role: np.ndarray  # code into ROLES
    fte: np.ndarray
    open_cases: np.ndarray
    agency: np.ndarray

    def __len__(self) -> int:
        return len(self.snapshot_day)


def generate(areas: Authorities, calendar: Calendar, rng: np.random.Generator) -> Caseloads:
    workers = _workers(areas, len(calendar.span.months), rng)
    months = len(calendar.span.months)
    first = np.maximum(np.floor(workers["start"]).astype(np.int64) + 1, 1)  # month ends in post: start < m <= end
    last = np.minimum(np.floor(workers["end"]).astype(np.int64), months)
    spells = np.maximum(last - first + 1, 0)
    row_worker = np.repeat(np.arange(len(spells)), spells)
    month = first[row_worker] + np.arange(len(row_worker)) - np.repeat(np.cumsum(spells) - spells, spells)
    authority = workers["authority"][row_worker]
    number = workers["number"][row_worker]
    order = np.argsort((authority.astype(np.int64) * (months + 1) + month) * (int(number.max(initial=1)) + 1) + number,
                       kind="stable")
    row_worker, month, authority, number = row_worker[order], month[order], authority[order], number[order]
    w = {name: values[row_worker] for name, values in workers.items()}
    drift = 0.8 * np.sin(month / 9.0 + w["phase"])
    ramp = np.clip((month - w["start"]) / 3.0, 0.35, 1.0)  # new starters build up a caseload
    level = (areas.mix["cases_per_fte"][authority] + drift) * ROLE_FACTOR[w["role"]] * w["fte"] * ramp
    level += w["effect"] * (w["role"] != ROLES.index("team_manager"))
    cases = np.clip(np.rint(level + rng.normal(0, 1.2, len(level))), 0, LARGEST_CASELOAD).astype(np.int32)
    month_ends = calendar.span.months.to_timestamp(how="end").normalize().to_numpy().astype("datetime64[D]")
    return Caseloads(authority=authority, snapshot_day=month_ends.astype(np.int64)[month - 1], worker=number,
                     team=w["team"], role=w["role"], fte=w["fte"], open_cases=cases, agency=w["agency"])


def _workers(areas: Authorities, months: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every worker who held a post while the data run: authority, team, role, start and end in months."""
    posts = areas.posts
    post_authority = np.repeat(np.arange(len(areas), dtype=np.int16), posts)
    within = np.arange(len(post_authority)) - np.repeat(np.cumsum(posts) - posts, posts)
    shape = (len(post_authority), single_demo.MAX_OCCUPANTS)
    role = np.broadcast_to(POST_ROLES[within % POSTS_PER_TEAM][:, None], shape)
    agency_share = np.where(role == ROLES.index("team_manager"), MANAGER_AGENCY,
                            areas.mix["agency_share"][post_authority][:, None])
    agency = rng.random(shape) < agency_share
    tenure = np.maximum(3.0, rng.exponential(np.where(agency, single_demo.TENURE_MONTHS["agency"],
                                                      single_demo.TENURE_MONTHS["permanent"])))
    vacancy = rng.choice(VACANCY_MONTHS, size=shape)
    # The first worker started some years before the data begin; each next one after a vacancy.
    starts = -rng.uniform(0, 60, size=(shape[0], 1)) + np.cumsum(tenure + vacancy, axis=1) - (tenure + vacancy)
    ends = starts + tenure
    fte = np.where(agency, 1.0, rng.choice(FTE, size=shape, p=FTE_SHARES))
    kept = ((starts < months) & (ends >= 1)).ravel()
    authority = np.broadcast_to(post_authority[:, None], shape).ravel()[kept]
    counts = np.bincount(authority, minlength=len(areas))
    number = np.arange(1, len(authority) + 1) - np.repeat(np.cumsum(counts) - counts, counts)
    phase = rng.uniform(0, 2 * np.pi, len(areas))
    return {"authority": authority, "number": number,
            "team": np.broadcast_to((within // POSTS_PER_TEAM)[:, None], shape).ravel()[kept],
            "role": role.ravel()[kept], "start": starts.ravel()[kept], "end": ends.ravel()[kept],
            "agency": agency.ravel()[kept], "fte": fte.ravel()[kept],
            "effect": rng.normal(0, 1.8, shape).ravel()[kept], "phase": phase[authority]}


def table(caseloads: Caseloads, areas: Authorities) -> pa.Table:
    """The caseloads file: canonical columns and words, and the authority's code."""
    c = caseloads
    return pa.table({
        "snapshot_date": files.dates(c.snapshot_day),
        "worker_id": files.ids("W", c.worker),
        "team": files.words(c.team, team_names(areas)),
        "role": files.words(c.role, ROLES),
        "fte": pa.array(c.fte),
        "open_cases": pa.array(c.open_cases),
        "agency": pa.array(c.agency),
        "authority": files.words(c.authority, areas.codes),
    })
