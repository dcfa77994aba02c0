"""The seed figures as extracts: the front-door week and the December open-work snapshot.

Both are built to match what the seeds quote, so a test can check the tool gets the same answers:
- "for the week ending 10 February 2017, 263 contacts were received": 31 referrals, 81 enquiries,
  108 information only, 43 awaiting further information; about 40% from the police; weekend and Friday
  contacts decided the next working day; 18 to a strategy discussion. One contact (awaiting further
  information, received on Thursday 9 February) waits until Monday 13 February: 262 of 263 are decided
  within one working day.
- "the number of ongoing assessments was 159 with the number of assessments open and over 42 days being
  22 on the 17 December 2018" (42 working days from referral, Wales).

The frames are in the shape a case management system exports (the demo's headers, dates as dd/mm/yyyy):
write them with `to_csv(index=False)` and ingest them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEK_FIRST_DAY = pd.Timestamp("2017-02-04")  # Saturday; the week ends on Friday 10 February
CONTACTS_A_DAY = [10, 8, 55, 50, 48, 47, 45]  # Saturday to Friday: 263
CONTACT_TYPES = {"Referral": 31, "Enquiry": 81, "Information Only": 108, "Awaiting Further Information": 43}
SOURCES = {"Police": 105, "Health": 50, "Education": 45, "Self or family": 33, "Other": 30}  # police 39.9%
STRATEGY_DISCUSSIONS = 18
ADULTS = 13  # information-only contacts about an adult
LATE_CONTACT_DAY = pd.Timestamp("2017-02-09")  # Thursday: decided Monday 13th, two working days on
AS_AT = pd.Timestamp("2018-12-17")


def _shuffled(counts: dict[str, int], seed: int) -> np.ndarray:
    """Each label repeated its count, in a fixed mixed order."""
    labels = np.repeat(np.array(list(counts), dtype=object), list(counts.values()))
    return np.random.default_rng(seed).permutation(labels)


def seed_week_contacts() -> pd.DataFrame:
    """The 263 contacts of the week ending Friday 10 February 2017, one row each."""
    day_number = np.repeat(np.arange(7), CONTACTS_A_DAY)
    day = WEEK_FIRST_DAY + pd.to_timedelta(day_number, unit="D")
    nth_that_day = pd.Series(day_number).groupby(day_number).cumcount().to_numpy()
    weekend = day.day_of_week >= 5
    received = day + np.where(weekend, pd.Timedelta(hours=10) + nth_that_day * pd.Timedelta(hours=1),
                              pd.Timedelta(hours=8, minutes=30) + nth_that_day * pd.Timedelta(minutes=7))
    # Monday to Thursday: decided three hours later; the weekend's on Monday 6th; Friday's on Monday 13th.
    decided = np.where(weekend, pd.Timestamp("2017-02-06 09:30"),
                       np.where(day.day_of_week == 4, pd.Timestamp("2017-02-13 10:00"), received + pd.Timedelta(hours=3)))
    decided = pd.DatetimeIndex(decided)

    kind = _shuffled(CONTACT_TYPES, seed=2017)
    referral_number = np.cumsum(kind == "Referral")
    strategy = (kind == "Referral") & (referral_number <= STRATEGY_DISCUSSIONS)
    outcome = np.select(
        [strategy, kind == "Referral", kind == "Enquiry", kind == "Information Only"],
        ["Strategy discussion", "Assessment", np.where(np.arange(len(kind)) % 2, "Advice", "Signposted"),
         "No further action"], default="Other")
    adult = (kind == "Information Only") & (np.cumsum(kind == "Information Only") <= ADULTS)

    late = np.flatnonzero((kind == "Awaiting Further Information") & (day == LATE_CONTACT_DAY))[0]
    decided = decided.where(np.arange(len(kind)) != late, pd.Timestamp("2017-02-13 11:00"))

    number = np.arange(1, len(kind) + 1)
    return pd.DataFrame({
        "Contact ID": [f"CT17{n:05d}" for n in number],
        "Person ID": [f"WC{700000 + n}" for n in number],
        "Date Received": received.strftime("%d/%m/%Y %H:%M"),
        "Contact Source": _shuffled(SOURCES, seed=10),
        "Contact Type": kind,
        "Decision Date": decided.strftime("%d/%m/%Y %H:%M"),
        "Outcome": outcome,
        "Strategy Discussion Held": np.where(strategy, "Yes", "No"),
        "Child or Adult": np.where(adult, "Adult", "Child"),
    })


def _dates(first: str, last: str, count: int) -> pd.DatetimeIndex:
    """`count` dates spread evenly from first to last (both included)."""
    return pd.DatetimeIndex(np.linspace(pd.Timestamp(first).value, pd.Timestamp(last).value, count)).normalize()


def seed_december_assessments() -> pd.DataFrame:
    """159 assessments open on 17 December 2018, 22 of them over 42 working days since referral, and 40
    completed by then (which do not count).

    Over the timescale: referrals from 20 August (before the August bank holiday) to Wednesday 17
    October, 43 working days before the 17th. Within it: Thursday 18 October (exactly 42 working days)
    to the 17th itself; those up to early November are over 42 calendar days, so counting calendar days
    instead of working days gives a different answer.
    """
    over = _dates("2018-08-20", "2018-10-17", 22)
    within = _dates("2018-10-18", "2018-12-17", 137)
    completed_referrals = _dates("2018-08-01", "2018-11-30", 40)
    referral = pd.Series(over.append(within).append(completed_referrals))
    # Completed 20 to 40 days after referral, and never after the 17th (one on the 17th itself).
    took = pd.Series(pd.to_timedelta(20 + np.arange(len(referral)) % 21, unit="D")).where(referral.index >= 159)
    completion = (referral + took).clip(upper=AS_AT)
    completion.iloc[-1] = AS_AT
    teams = np.resize(np.array(["North", "South", "East", "Disabled Children's Team"], dtype=object), len(referral))
    number = np.arange(1, len(referral) + 1)
    return pd.DataFrame({
        "Assessment ID": [f"AS18{n:04d}" for n in number],
        "Person ID": [f"WC{800000 + n}" for n in number],
        "Referral Date": referral.dt.strftime("%d/%m/%Y"),
        "Start Date": (referral + pd.Timedelta(days=1)).clip(upper=AS_AT).dt.strftime("%d/%m/%Y"),
        "Completion Date": completion.dt.strftime("%d/%m/%Y").fillna(""),
        "Team": teams,
        "Child Seen": np.where(completion.notna(), "Yes", ""),
        "Language": np.resize(np.array(["English", "Welsh", "Not recorded"], dtype=object), len(referral)),
    })
