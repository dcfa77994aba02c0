"""Contacts to every authority's front door, all authorities drawn at once.

The single demo's model (kpi.demo.contacts) at national scale: each authority's daily volume is
Poisson around its size, busier on weekdays and quieter in August and at Christmas, growing a
little each year; times, sources, types, decisions and outcomes follow the demo's shares, moved by
each authority's own mix (kpi.demo.national.areas). Every column is an array over all contacts of
all authorities, in the order authority, day, time received; per-authority values are spread over
its rows with np.repeat (the rows of one authority are together).

Children: a referral is a re-referral (about a child referred 7 to 330 days earlier) with the
authority's re-referral share, and another contact about a child comes back to a child already
known with the demo's 30%. A returning contact picks, at random, a contact that started a child
on the day its lag points to, in the same authority (each day of each authority is a "cell", and
the cells' starting contacts are counted once), so no search is needed. Children are numbered
from 1 in each authority in order of first contact, so every authority has a person number 1 (adults,
a few in a thousand contacts, share the count: their ids start with A, so C0000002 may be followed by
A0000003).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpi.demo import contacts as single_demo
from kpi.demo.national import chances, files
from kpi.demo.national.areas import ENGLAND, Authorities
from kpi.demo.national.calendar import Calendar

CONTACT_TYPES = single_demo.CONTACT_TYPES  # referral first
REFERRAL = 0
OTHER_TYPES = chances.table(single_demo.WREXHAM_WEEK[1:]) + 1  # enquiry, information only, awaiting information
ADULT_TYPES = chances.table([0.45, 0.55]) + 1  # enquiry or information only: an adult is never a referral
SOURCES = list(single_demo.SOURCES)  # police first
OTHER_SOURCES = chances.table([single_demo.SOURCES[s][0] for s in SOURCES[1:]]) + 1
OUTCOMES = list(single_demo.CLOSED_OUTCOMES) + ["assessment", "strategy"]
CLOSED = chances.table(list(single_demo.CLOSED_OUTCOMES.values()))
ASSESSMENT, STRATEGY = OUTCOMES.index("assessment"), OUTCOMES.index("strategy")
ADVICE, SIGNPOSTED = OUTCOMES.index("advice"), OUTCOMES.index("signposted")
ADULT_ADVICE = 0.6
# Of the contacts that are not referrals, the share that go to assessment, by type (enquiry, information
# only, awaiting information): in England an assessment nearly always follows a referral; Wales as the demo.
OTHERS_TO_ASSESSMENT = {ENGLAND: [0.03, 0.01, 0.05],
                        "wales": [single_demo.TO_ASSESSMENT[t] for t in CONTACT_TYPES[1:]]}

# Minutes after midnight by share of the day's contacts (even between the points): on working days 2.4%
# before 08:30, 88% in office hours to 17:30, the rest in the evening; on other days 07:00 to 23:55.
WORKING_DAY_TIMES = ([0.0, 0.024, 0.904, 1.0], [0.0, 510.0, 1050.0, 1435.0])
OTHER_DAY_TIMES = ([0.0, 1.0], [420.0, 1435.0])
OFFICE_HOURS = (510, 1050)
MINUTE_BITS = 11  # a minute of the day fits in 11 bits
SAME_DAY_WAIT = (10 + np.arange(chances.SCALE) * 231 // chances.SCALE).astype(np.int16)  # minutes: 10 to 240
LATER_MINUTE = (525 + np.arange(chances.SCALE) * 525 // chances.SCALE).astype(np.int16)  # 08:45 to 17:29


@dataclass
class Contacts:
    """Every contact as arrays, ordered by authority and time received."""

    authority: np.ndarray  # position in Authorities
    starts: np.ndarray  # per authority: the position of its first contact
    day: np.ndarray  # day number received
    minute: np.ndarray
    contact_type: np.ndarray  # code into CONTACT_TYPES
    source: np.ndarray  # code into SOURCES
    about_child: np.ndarray
    outcome: np.ndarray  # code into OUTCOMES
    decision_day: np.ndarray
    decision_minute: np.ndarray
    decided: np.ndarray  # decided before the extract was taken
    person: np.ndarray  # the child (or adult) within the authority, numbered from 1

    def __len__(self) -> int:
        return len(self.day)

    @property
    def to_assessment(self) -> np.ndarray:
        return self.decided & (self.outcome >= ASSESSMENT)


def generate(areas: Authorities, calendar: Calendar, rng: np.random.Generator) -> Contacts:
    """Every contact of every authority."""
    counts = _daily_volumes(areas, calendar, rng)
    per_authority = counts.sum(axis=1)
    cell = np.repeat(np.arange(counts.size, dtype=np.int32), counts.ravel())
    day_index = cell % len(calendar.days)
    authority = np.repeat(np.arange(len(areas), dtype=np.int16), per_authority)
    starts = np.concatenate([[0], np.cumsum(per_authority)[:-1]])
    n = len(cell)
    working = calendar.working[day_index]
    minute = _times(cell, working, rng)
    about_child = chances.draws(rng, n) >= chances.threshold(single_demo.ADULT_SHARE)
    adults = np.flatnonzero(~about_child)
    contact_type = _types(areas, per_authority, adults, rng)
    source = _sources(areas, per_authority, rng)
    outcome = _outcomes(areas, authority, contact_type, adults, rng)
    office = working & (minute >= OFFICE_HOURS[0]) & (minute < OFFICE_HOURS[1])
    day = calendar.days[day_index]
    decision_day, decision_minute = _decisions(calendar, day, day_index, minute, office, rng)
    person = _people(areas, counts, cell, day_index, contact_type, about_child, per_authority, starts, rng)
    return Contacts(authority=authority, starts=starts, day=day, minute=minute, contact_type=contact_type,
                    source=source, about_child=about_child, outcome=outcome, decision_day=decision_day,
                    decision_minute=decision_minute, decided=decision_day < calendar.today, person=person)


def _daily_volumes(areas: Authorities, calendar: Calendar, rng: np.random.Generator) -> np.ndarray:
    """Contacts on each day (columns) of each authority (rows): Poisson around its size."""
    years_to_end = (calendar.days - calendar.days[-1]) / 365.25
    per_day = areas.contacts_per_year[:, None] / 365.25 * calendar.busyness[None, :]
    counts = rng.poisson(per_day * (1 + areas.growth[:, None]) ** years_to_end[None, :])
    counts[:, -1] = np.maximum(counts[:, -1], 1)  # every authority's data reach the last day
    return counts


def _times(cell: np.ndarray, working: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Minutes after midnight, in order within each day of each authority (the cells)."""
    shares = (np.arange(chances.SCALE) + 0.5) / chances.SCALE
    minutes = np.concatenate([np.interp(shares, *OTHER_DAY_TIMES), np.interp(shares, *WORKING_DAY_TIMES)])
    draw = chances.draws(rng, len(cell)).astype(np.int32) + working * np.int32(chances.SCALE)
    wide = np.int64 if int(cell[-1]) >= 1 << (31 - MINUTE_BITS) else np.int32
    key = (cell.astype(wide) << MINUTE_BITS) + minutes.astype(wide)[draw]
    key.sort()  # cells are in order already, so this orders the times within each cell
    return (key & ((1 << MINUTE_BITS) - 1)).astype(np.int16)


def _types(areas: Authorities, per_authority: np.ndarray, adults: np.ndarray, rng) -> np.ndarray:
    """Referral with the authority's referral share; the other types as the Wrexham week had them."""
    n = int(per_authority.sum())
    referral = chances.draws(rng, n) < np.repeat(chances.threshold(areas.mix["referral_share"]), per_authority)
    contact_type = np.where(referral, REFERRAL, OTHER_TYPES[chances.draws(rng, n)]).astype(np.int8)
    contact_type[adults] = ADULT_TYPES[chances.draws(rng, len(adults))]
    return contact_type


def _sources(areas: Authorities, per_authority: np.ndarray, rng) -> np.ndarray:
    """The police with the authority's police share; the other sources in the demo's proportions."""
    n = int(per_authority.sum())
    police = chances.draws(rng, n) < np.repeat(chances.threshold(areas.mix["police_share"]), per_authority)
    return np.where(police, 0, OTHER_SOURCES[chances.draws(rng, n)]).astype(np.int8)


def _outcomes(areas: Authorities, authority, contact_type, adults, rng) -> np.ndarray:
    """To assessment with the chance for the type (referrals: the authority's), and of those the authority's
    share to a strategy discussion; the rest closed as the demo closes them (adults: advice or signposted)."""
    n = len(contact_type)
    others = np.asarray(OTHERS_TO_ASSESSMENT[areas.nation])
    assess = np.column_stack([areas.mix["referrals_to_assessment"], np.tile(others, (len(areas), 1))])
    strategy = assess * areas.mix["strategy_share"][:, None]
    which = authority.astype(np.int32) * len(CONTACT_TYPES) + contact_type
    draw = chances.draws(rng, n)
    outcome = CLOSED[chances.draws(rng, n)]
    outcome[draw < chances.threshold(assess).ravel()[which]] = ASSESSMENT
    outcome[draw < chances.threshold(strategy).ravel()[which]] = STRATEGY
    adult_draw = chances.draws(rng, len(adults))
    outcome[adults] = np.where(adult_draw < chances.threshold(ADULT_ADVICE), ADVICE, SIGNPOSTED)
    return outcome


def _decisions(calendar: Calendar, day, day_index, minute, office, rng) -> tuple[np.ndarray, np.ndarray]:
    """Most contacts in office hours decided the same day, 10 minutes to 4 hours after they came in; the
    rest the next working day, 1% in two to five working days (the demo's shares), between 08:45 and 17:30."""
    n = len(day)
    draw = chances.draws(rng, n)
    same_day = office & (draw < chances.threshold(single_demo.SAME_DAY_DECISION))
    decision_day = np.where(same_day, day, calendar.next_working_day[day_index])
    late = np.flatnonzero(draw >= chances.threshold(1 - single_demo.LATE_DECISION))
    decision_day[late] = calendar.working_days_after(day[late], 2 + (draw[late] & 3))
    when = chances.draws(rng, n)
    same_day_minute = np.minimum(minute + SAME_DAY_WAIT[when], 1439)
    return decision_day, np.where(same_day, same_day_minute, LATER_MINUTE[when])


def _people(areas, counts, cell, day_index, contact_type, about_child, per_authority, starts, rng) -> np.ndarray:
    """The child (or adult) each contact is about, numbered from 1 within each authority."""
    n = len(cell)
    referral = about_child & (contact_type == REFERRAL)
    comes_back = np.repeat(chances.threshold(areas.mix["rereferral_share"]), per_authority)
    comes_back[~referral] = chances.threshold(single_demo.RECURRING_SHARE)
    returning = about_child & (chances.draws(rng, n) < comes_back)
    first_contact = about_child & ~returning
    lag_draw = chances.draws(rng, n)
    pick_draw = chances.draws(rng, n)
    returns, earlier = [], []  # contacts about a known person, and the contact that started that person
    for members, pool, (low, high) in (
        (np.flatnonzero(returning & referral), first_contact & referral, single_demo.REREFERRAL_LAG_DAYS),
        (np.flatnonzero(returning & ~referral), first_contact, single_demo.RECURRING_LAG_DAYS),
    ):
        # The lag is drawn within the data's own history, so the first year is not short of returns.
        longest = np.minimum(high, day_index[members])
        lag = low + ((lag_draw[members].astype(np.int64) * (longest - low + 1)) >> 16)
        in_pool = np.flatnonzero(pool)
        pool_counts = np.bincount(cell[in_pool], minlength=counts.size)
        pool_starts = np.cumsum(pool_counts) - pool_counts
        target = cell[members] - lag
        available = pool_counts[target]
        found = (longest >= low) & (available > 0)
        pick = pool_starts[target] + ((pick_draw[members].astype(np.int64) * available) >> 16)
        returns.append(members[found])
        earlier.append(in_pool[pick[found]])
    returns, earlier = np.concatenate(returns), np.concatenate(earlier)
    # Everyone else is a new person (children and adults in one count: an adult's id starts with A).
    new = np.ones(n, dtype=bool)
    new[returns] = False
    number = np.cumsum(new, dtype=np.int32)
    number -= np.repeat(number[starts] - 1, per_authority)  # from 1 in each authority
    number[returns] = number[earlier]  # a starting contact is never itself a return
    return number


def table(contacts: Contacts, areas: Authorities, people_digits: int) -> pa.Table:
    """The contacts file: canonical columns and words, and the authority's code; a person's id has
    `people_digits` digits, as in the assessments."""
    c = contacts
    n = len(c)
    undecided = ~c.decided
    adult = ~c.about_child
    number = np.arange(1, n + 1, dtype=np.int32) - np.repeat(c.starts.astype(np.int32), np.diff(np.append(c.starts, n)))
    return pa.table({
        "contact_id": files.ids("CT", number),
        "child_id": files.person_ids(c.person, adult, people_digits),
        "received_at": files.date_times(c.day, c.minute),
        "source": files.words(c.source, SOURCES),
        "contact_type": files.words(c.contact_type, CONTACT_TYPES),
        "decision_at": files.date_times(c.decision_day, c.decision_minute, undecided),
        "outcome": files.words(c.outcome, OUTCOMES, undecided),
        "strategy_discussion": pa.array((c.outcome == STRATEGY) & c.decided),
        "about": files.words(adult.view(np.int8), ["child", "adult"]),
        "authority": files.words(c.authority, areas.codes),
    })
