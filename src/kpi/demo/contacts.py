"""Contacts to the front door: volumes, timing, sources, types, decisions, outcomes, children.

Calibrated on Wrexham as the 2017 inspection described it (CSSIW 2017 paras 1.13-1.15 and 3.7, in
`../shared/data/published/wales/`): about 10,000 contacts a year and rising, about 40% from the
police, a week of 31 referrals, 81 enquiries, 108 information only and 43 awaiting information
(263, of which 2 about adults), 99.6% decided within 24 hours, about 7% to a strategy discussion and
about three in four closed or signposted. Everything is drawn for all contacts at once (numpy);
the only loops are over the nine sources and over the rounds of pointer jumping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.span import Span, add_working_days, is_working_day
from kpi.time.workdays import bank_holidays

CONTACTS_IN_FIRST_YEAR = 10_000
GROWTH_PER_YEAR = 0.025

# Relative volume by calendar month (school holidays in August, Christmas in December).
MONTH_FACTOR = {1: 1.03, 2: 1.04, 3: 1.06, 4: 0.97, 5: 1.04, 6: 1.06, 7: 1.01, 8: 0.78, 9: 1.02,
                10: 1.08, 11: 1.08, 12: 0.90}
WEEKEND_FACTOR = 0.28
HOLIDAY_FACTOR = 0.32
CHRISTMAS_FACTOR = 0.55  # 24 December to 1 January, on top of the weekend and holiday factors
OFFICE_HOURS_SHARE = 0.88  # of the contacts on a working day; the rest come in the evening or early

# Source: canonical value, its share, and the words the system writes for it (with their weights).
SOURCES = {
    "police": (0.40, {"Police": 0.45, "North Wales Police": 0.30, "NWP": 0.13, "Heddlu Gogledd Cymru": 0.12}),
    "health": (0.16, {"Health Visitor": 0.35, "GP": 0.2, "Hospital": 0.25, "Health": 0.2}),
    "education": (0.13, {"School": 0.7, "Education": 0.3}),
    "self_or_family": (0.09, {"Parent": 0.5, "Self / Family": 0.3, "Relative": 0.2}),
    "local_authority": (0.07, {"Local Authority": 0.5, "Housing": 0.3, "Youth Justice": 0.2}),
    "other_local_authority": (0.03, {"Other Local Authority": 1.0}),
    "voluntary": (0.04, {"Voluntary Sector": 0.6, "Third Sector": 0.4}),
    "anonymous": (0.03, {"Anonymous": 1.0}),
    "other": (0.05, {"Other": 0.5, "Probation": 0.3, "Court": 0.2}),
}
# The Welsh name of North Wales Police is not in the built-in synonyms: kpi.yml maps it.
CUSTOM_SOURCE_WORDS = {"Heddlu Gogledd Cymru": "police"}

CONTACT_TYPES = ["referral", "enquiry", "information_only", "awaiting_information"]
TYPE_LABELS = {"referral": "Referral", "enquiry": "Enquiry", "information_only": "Information Only",
               "awaiting_information": "Awaiting Further Information"}
WREXHAM_WEEK = np.array([31, 81, 108, 43], dtype=float)  # CSSIW 2017 para 1.13
ADULT_SHARE = 2 / 263
ADULT_TYPES = np.array([0.0, 0.45, 0.55, 0.0])  # an adult contact is never a children's referral

# Probability that a contact of each type goes on to an assessment or a strategy discussion.
TO_ASSESSMENT = {"referral": 0.65, "enquiry": 0.25, "information_only": 0.12, "awaiting_information": 0.27}
STRATEGY_SHARE_OF_ASSESSMENTS = 0.28  # so that about 7% of all contacts go to a strategy discussion
CLOSED_OUTCOMES = {"advice": 0.33, "signposted": 0.27, "no_further_action": 0.24, "early_help": 0.13, "other": 0.03}
OUTCOME_LABELS = {"advice": "Advice", "signposted": "Signposted", "no_further_action": "No Further Action",
                  "early_help": "Early Help", "other": "Other", "assessment": "To Assessment",
                  "strategy": "Strategy discussion"}

SAME_DAY_DECISION = 0.75  # of contacts in office hours on a working day
LATE_DECISION = 0.01  # decided after more than one working day (CSSIW: 99.6% within 24 hours)

REREFERRAL_SHARE = 0.20  # referrals about a child referred in the previous 12 months
REREFERRAL_LAG_DAYS = (7, 330)
RECURRING_SHARE = 0.30  # other contacts about a child already known to the front door
RECURRING_LAG_DAYS = (1, 720)

LOCALITIES = ["North", "South", "East", "West"]


def daily_volumes(span: Span, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every day of the span and the number of contacts received on it (Poisson)."""
    days = pd.date_range(span.start, span.end, freq="D")
    day64 = days.to_numpy().astype("datetime64[D]")
    factor = days.month.map(MONTH_FACTOR).to_numpy(dtype=float)
    weekend = days.day_of_week.to_numpy() >= 5
    holiday = np.isin(day64, bank_holidays())
    christmas = ((days.month == 12) & (days.day >= 24)) | ((days.month == 1) & (days.day == 1))
    factor = factor * np.where(weekend, WEEKEND_FACTOR, 1.0) * np.where(holiday & ~weekend, HOLIDAY_FACTOR, 1.0)
    factor = factor * np.where(christmas, CHRISTMAS_FACTOR, 1.0)
    first_year = days < span.start + pd.DateOffset(years=1)
    scale = CONTACTS_IN_FIRST_YEAR / factor[first_year].sum()
    years = ((days - span.start).days.to_numpy() / 365.25)
    expected = scale * factor * (1 + GROWTH_PER_YEAR) ** years
    counts = rng.poisson(expected)
    counts[-1] = max(counts[-1], 1)  # the data must reach the last day of the quarter
    return day64, counts


def _choose(rng: np.random.Generator, labels, weights, size: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(weights), size=size, p=weights / weights.sum())]


def _times(rng: np.random.Generator, day64: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minutes after midnight for each contact, and whether it came in office hours on a working day."""
    n = len(day64)
    working = is_working_day(day64)
    office = working & (rng.random(n) < OFFICE_HOURS_SHARE)
    office_minutes = rng.integers(8 * 60 + 30, 17 * 60 + 30, size=n)
    # Out of hours: mostly the evening, some in the early morning.
    evening = rng.integers(17 * 60 + 30, 23 * 60 + 55, size=n)
    early = rng.integers(0, 8 * 60 + 30, size=n)
    out_of_hours = np.where(rng.random(n) < 0.8, evening, early)
    weekend_minutes = rng.integers(7 * 60, 23 * 60 + 55, size=n)
    minutes = np.where(office, office_minutes, np.where(working, out_of_hours, weekend_minutes))
    return minutes, office


def _children(rng: np.random.Generator, received: np.ndarray, about_child: np.ndarray,
              is_referral: np.ndarray) -> np.ndarray:
    """A child number for every contact: some referrals repeat a child referred in the last year.

    Each contact either starts a new child or points at an earlier contact (a referral at an earlier
    referral less than a year back; any other contact at any earlier contact about a child); the
    pointers are then followed to the first contact of the chain (pointer jumping).
    """
    n = len(received)
    parent = np.arange(n)
    day = received.astype("datetime64[D]")
    referrals = np.flatnonzero(about_child & is_referral)
    others = np.flatnonzero(about_child & ~is_referral)
    children = np.flatnonzero(about_child)
    for members, pool, share, (low, high) in (
        (referrals, referrals, REREFERRAL_SHARE, REREFERRAL_LAG_DAYS),
        (others, children, RECURRING_SHARE, RECURRING_LAG_DAYS),
    ):
        # The lag is drawn within the history the data have, so the first year is not short of repeats.
        history = (day[members] - day[0]).astype(np.int64)
        longest = np.minimum(high, history)
        lag = low + np.floor(rng.random(len(members)) * (longest - low + 1)).astype(np.int64)
        target = day[members] - lag.astype("timedelta64[D]")
        position = np.minimum(np.searchsorted(day[pool], target, side="left"), len(pool) - 1)
        chosen = pool[position]
        ok = (rng.random(len(members)) < share) & (longest >= low) & (chosen < members)
        parent[members[ok]] = chosen[ok]
    while True:
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            break
        parent = jumped
    return parent


def generate(span: Span, rng: np.random.Generator) -> pd.DataFrame:
    """The record-level contacts: canonical values plus the words the extract shows for them."""
    day64, counts = daily_volumes(span, rng)
    day = np.repeat(day64, counts)
    n = len(day)
    minutes, office = _times(rng, day)
    received = day.astype("datetime64[m]") + minutes.astype("timedelta64[m]")
    # The last day gets one contact in office hours, decided that day, that leads to an assessment,
    # so that every table reaches the end of the quarter.
    received[-1] = day[-1].astype("datetime64[m]") + np.timedelta64(10 * 60 + 15, "m")
    order = np.argsort(received, kind="stable")
    received, day, office = received[order], day[order], office[order]
    last = int(np.flatnonzero(order == n - 1)[0])

    about_child = rng.random(n) >= ADULT_SHARE
    about_child[last] = True
    child_types = WREXHAM_WEEK / WREXHAM_WEEK.sum()
    type_code = np.where(about_child, rng.choice(4, size=n, p=child_types), rng.choice(4, size=n, p=ADULT_TYPES))
    type_code[last] = 0
    contact_type = np.asarray(CONTACT_TYPES, dtype=object)[type_code]

    source_names = list(SOURCES)
    source = _choose(rng, source_names, [SOURCES[s][0] for s in source_names], n)
    source[last] = "police"
    source_label = np.empty(n, dtype=object)
    for name in source_names:  # a loop over the nine sources, not over records
        mine = source == name
        words = SOURCES[name][1]
        source_label[mine] = _choose(rng, list(words), list(words.values()), int(mine.sum()))

    to_assessment = rng.random(n) < pd.Series(contact_type).map(TO_ASSESSMENT).to_numpy(dtype=float)
    to_assessment &= about_child
    strategy = to_assessment & (rng.random(n) < STRATEGY_SHARE_OF_ASSESSMENTS)
    closed = _choose(rng, list(CLOSED_OUTCOMES), list(CLOSED_OUTCOMES.values()), n)
    adult_closed = np.where(rng.random(n) < 0.6, "advice", "signposted")
    outcome = np.where(about_child, closed, adult_closed).astype(object)
    outcome[to_assessment] = "assessment"
    outcome[strategy] = "strategy"
    outcome[last] = "assessment"

    # Decisions: same day for most contacts in office hours, otherwise the next working day;
    # about 1% take two to five working days.
    same_day = office & (rng.random(n) < SAME_DAY_DECISION)
    late = rng.random(n) < LATE_DECISION
    offset = np.where(same_day, 0, 1)
    offset = np.where(late, rng.integers(2, 6, size=n), offset)
    offset[last] = 0
    decision_day = add_working_days(day, offset)
    same_day_time = received + rng.integers(10, 241, size=n).astype("timedelta64[m]")
    end_of_day = day.astype("datetime64[m]") + np.timedelta64(23 * 60 + 59, "m")
    same_day_time = np.minimum(same_day_time, end_of_day)
    later_time = decision_day.astype("datetime64[m]") + rng.integers(8 * 60 + 45, 17 * 60 + 30, size=n).astype(
        "timedelta64[m]")
    decision = np.where(offset == 0, same_day_time, later_time)
    undecided = decision.astype("datetime64[D]") >= span.today.to_datetime64().astype("datetime64[D]")

    chain = _children(rng, received, about_child, type_code == 0)
    roots = np.unique(chain)
    numbers = 100_000 + rng.permutation(len(roots) * 4)[: len(roots)]
    number_of_root = np.empty(n, dtype=np.int64)
    number_of_root[roots] = numbers
    child_number = number_of_root[chain]
    child_id = np.where(about_child, "WC", "WA").astype(object) + pd.Series(child_number).astype(str).to_numpy(object)

    frame = pd.DataFrame({
        "contact_id": "CT" + pd.Series(np.arange(n) + 4_200_001).astype(str),
        "child_id": child_id,
        "received_at": pd.Series(received).astype("datetime64[us]"),
        "source": source,
        "source_label": source_label,
        "contact_type": contact_type,
        "type_label": pd.Series(contact_type).map(TYPE_LABELS).to_numpy(object),
        "decision_at": pd.Series(decision).astype("datetime64[us]").mask(undecided),
        "outcome": pd.Series(outcome).mask(undecided).to_numpy(object),
        "about": np.where(about_child, "child", "adult").astype(object),
        "locality": _choose(rng, LOCALITIES, [0.3, 0.3, 0.2, 0.2], n),
    })
    frame["strategy_discussion"] = frame["outcome"].eq("strategy")
    frame["outcome_label"] = frame["outcome"].map(OUTCOME_LABELS)
    return frame
