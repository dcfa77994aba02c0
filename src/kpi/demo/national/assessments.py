"""Assessments: one for every contact that went to assessment or to a strategy discussion.

As in the single demo (kpi.demo.assessments), with each authority's own timeliness: the chance of
finishing within the timescale is the authority's, moving a little from year to year. The timescale
is the nation's: 42 working days from the referral in Wales, 45 from the assessment's start in
England (as kpi counts them for each nation). Assessments referred in the quarter before the data
start and still open at the start are in the extract too (carried in), as in a real one; their
contacts are not, and their children are numbered after the authority's others.

A child's language preference is the same in every assessment of that child: it is drawn from a
hash of the authority and the child's number rather than stored per child.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpi.demo import assessments as single_demo
from kpi.demo.national import chances, files
from kpi.demo.national.areas import ENGLAND, Authorities
from kpi.demo.national.calendar import MOST_WORKING_DAYS, Calendar
from kpi.demo.national.contacts import Contacts
from kpi.demo.national.teams import assessment_team, team_names
from kpi.demo.span import is_working_day

TIMESCALE = {ENGLAND: 45, "wales": single_demo.TIMESCALE}
ON_TIME_DAYS = {ENGLAND: (33.0, 8.0), "wales": (31.0, 7.0)}  # mean and spread of working days taken, in time
LATE_DAYS = (1.6, 9.0)  # gamma shape and scale of the working days beyond the timescale
YEARLY_WOBBLE = 0.025  # how far an authority's timeliness moves from one year to the next
START_WITHIN = 5  # working days from referral to start: 1 to this
LANGUAGES = ["english", "welsh", "other", "not_recorded"]
OTHER_LANGUAGE = 0.03
NOT_RECORDED_LATE = 0.02  # recording improves over the years to this
OUTCOMES = {
    ENGLAND: {"Child in need plan": 0.30, "Child protection conference": 0.12, "No further action": 0.28,
              "Early help": 0.20, "Child looked after": 0.05, "Information and advice": 0.05},
    # The single demo's, with no comma in them (the CSV is written without quotes).
    "wales": {k.replace(",", ""): v for k, v in single_demo.OUTCOMES.items()},
}


@dataclass
class CarriedIn:
    """Assessments referred before the start (all of them: those finished before it are dropped later)."""

    authority: np.ndarray
    day: np.ndarray  # referral day
    person: np.ndarray


@dataclass
class Assessments:
    """Every assessment as arrays, ordered by authority and referral date."""

    authority: np.ndarray
    person: np.ndarray  # the child's number in the authority (as in the contacts)
    referral_day: np.ndarray
    start_day: np.ndarray
    completion_day: np.ndarray
    team: np.ndarray  # code into teams.team_names()
    child_seen: np.ndarray  # 0 no, 1 yes, 2 not recorded
    language: np.ndarray  # code into LANGUAGES
    outcome: np.ndarray  # code into the nation's OUTCOMES
    started: np.ndarray  # started before the extract was taken
    completed: np.ndarray  # completed before the extract was taken

    def __len__(self) -> int:
        return len(self.referral_day)


def generate(areas: Authorities, calendar: Calendar, contacts: Contacts, carried: CarriedIn,
             rng: np.random.Generator) -> Assessments:
    """The assessments of the contacts that went to one, and those `carried` in from before the start."""
    referred = np.flatnonzero(contacts.to_assessment)
    regular = (contacts.authority[referred], contacts.day[referred], contacts.person[referred])
    authority, referral_day, person = _in_order(areas, regular, (carried.authority, carried.day, carried.person))
    n = len(referral_day)
    start_day = calendar.working_days_after(referral_day, 1 + ((chances.draws(rng, n).astype(np.int64) *
                                                                START_WITHIN) >> 16))
    completion_day = _completion(areas, calendar, authority, referral_day, start_day, rng)
    kept = completion_day >= calendar.start  # the carried-in ones still open at the start
    columns = [authority, person, referral_day, start_day, completion_day]
    authority, person, referral_day, start_day, completion_day = (c[kept] for c in columns)
    n = len(referral_day)
    completed = completion_day < calendar.today
    seen = np.where(chances.draws(rng, n) < chances.threshold(single_demo.CHILD_SEEN), 1, 0).astype(np.int8)
    seen[~completed & (chances.draws(rng, n) < chances.threshold(0.5))] = 2
    outcomes = OUTCOMES[areas.nation]
    return Assessments(
        authority=authority, person=person, referral_day=referral_day, start_day=start_day,
        completion_day=completion_day, team=assessment_team(areas, authority, chances.draws(rng, n)),
        child_seen=seen, language=_languages(areas, calendar, authority, person, referral_day, rng),
        outcome=chances.table(list(outcomes.values()))[chances.draws(rng, n)], started=start_day < calendar.today,
        completed=completed)


def carried_in(areas: Authorities, calendar: Calendar, contacts: Contacts, rng: np.random.Generator) -> CarriedIn:
    """Referrals on the working days of the quarter before the start, at each authority's usual rate;
    the children are new, numbered after the authority's last (so they are known before the others)."""
    days = np.arange(calendar.run_in, calendar.start, dtype=np.int32)
    days = days[is_working_day(days.astype("datetime64[D]"))]
    referred = np.bincount(contacts.authority[contacts.to_assessment], minlength=len(areas))
    per_day = referred / max(int(calendar.working.sum()), 1)
    counts = rng.poisson(np.repeat(per_day, len(days)).reshape(len(areas), len(days)))
    per_authority = counts.sum(axis=1)
    authority = np.repeat(np.arange(len(areas), dtype=np.int16), per_authority)
    day = np.tile(days, len(areas))
    day = np.repeat(day, counts.ravel())
    last = np.maximum.reduceat(contacts.person, contacts.starts)
    first = np.concatenate([[0], np.cumsum(per_authority)[:-1]])
    person = last[authority] + np.arange(len(day), dtype=np.int32) - np.repeat(first, per_authority).astype(
        np.int32) + 1
    return CarriedIn(authority=authority, day=day, person=person)


def _in_order(areas: Authorities, regular, carried):
    """The carried-in assessments first in each authority, then the others (both already in date order)."""
    carried_counts = np.bincount(carried[0], minlength=len(areas))
    regular_counts = np.bincount(regular[0], minlength=len(areas))
    both = carried_counts + regular_counts
    before = np.cumsum(both) - both  # rows of the authorities before
    places = []
    for (authority, *_), counts, ahead in ((carried, carried_counts, 0), (regular, regular_counts, carried_counts)):
        within = np.arange(len(authority)) - np.repeat(np.cumsum(counts) - counts, counts)
        places.append((before + ahead)[authority] + within)
    merged = []
    for column in range(3):  # authority, referral day, child
        out = np.empty(int(both.sum()), dtype=regular[column].dtype)
        out[places[0]] = carried[column]
        out[places[1]] = regular[column]
        merged.append(out)
    return merged


def _completion(areas: Authorities, calendar: Calendar, authority, referral_day, start_day, rng) -> np.ndarray:
    """Within the timescale with the authority's chance that year; late ones a few weeks over, some long."""
    n = len(referral_day)
    nation = areas.nation
    timescale = TIMESCALE[nation]
    years = int(calendar.year_index(calendar.days[-1:])[0]) + 1
    chance = areas.mix["in_time"][:, None] + np.cumsum(rng.normal(0, YEARLY_WOBBLE, (len(areas), years)), axis=1)
    chance = np.clip(chance, 0.3, 0.99)
    year = calendar.year_index(referral_day)
    in_time = chances.draws(rng, n) < chances.threshold(chance).ravel()[authority.astype(np.int64) * years + year]
    mean, spread = ON_TIME_DAYS[nation]
    on_time = np.clip(np.rint(rng.normal(mean, spread, n)), 3, timescale)
    late = timescale + 1 + np.rint(rng.gamma(*LATE_DAYS, n))
    taken = np.minimum(np.where(in_time, on_time, late), MOST_WORKING_DAYS).astype(np.int64)
    if nation == ENGLAND:  # counted from the start
        return calendar.working_days_after(start_day, taken)
    return np.maximum(calendar.working_days_after(referral_day, taken), start_day)  # never before the start


def _languages(areas: Authorities, calendar: Calendar, authority, person, referral_day, rng) -> np.ndarray:
    """The child's language (the same in all their assessments), or not recorded (less so over the years)."""
    child_draw = _hashed(authority, person, rng)
    welsh = chances.threshold(areas.mix["welsh_speakers"])[authority]
    other = chances.threshold(OTHER_LANGUAGE)
    language = np.where(child_draw < welsh, 1, np.where(child_draw < welsh.astype(np.int32) + other, 2, 0))
    years = max(int(calendar.year_index(calendar.days[-1:])[0]), 1)
    progress = np.minimum(calendar.year_index(referral_day) / years * 2, 1.0)  # better by half-way
    early = areas.mix["not_recorded"][authority]
    not_recorded = chances.draws(rng, len(person)) < chances.threshold(early + (NOT_RECORDED_LATE - early) * progress)
    return np.where(not_recorded, 3, language).astype(np.int8)


def _hashed(authority: np.ndarray, person: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A draw from 0 to 65,535 fixed for each (authority, child): splitmix64 of the pair, salted by the seed."""
    salt = np.uint64(rng.integers(0, 1 << 63))
    with np.errstate(over="ignore"):
        x = (authority.astype(np.uint64) << np.uint64(32)) + person.astype(np.uint64) + salt
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(48)).astype(np.uint16)


def table(assessments: Assessments, areas: Authorities, people_digits: int) -> pa.Table:
    """The assessments file: canonical columns and words, and the authority's code."""
    a = assessments
    n = len(a)
    starts = np.searchsorted(a.authority, np.arange(len(areas)))
    number = np.arange(1, n + 1, dtype=np.int64) - np.repeat(starts, np.diff(np.append(starts, n)))
    outcomes = list(OUTCOMES[areas.nation])
    return pa.table({
        "assessment_id": files.ids("AS", number),
        "child_id": files.ids("C", a.person, people_digits),
        "referral_date": files.dates(a.referral_day),
        "start_date": files.dates(a.start_day, ~a.started),
        "completion_date": files.dates(a.completion_day, ~a.completed),
        "team": files.words(a.team, team_names(areas)),
        "child_seen": pa.array(a.child_seen == 1, mask=a.child_seen == 2),
        "language": files.words(a.language, LANGUAGES),
        "outcome": files.words(a.outcome, outcomes, ~a.completed),
        "authority": files.words(a.authority, areas.codes),
    })
