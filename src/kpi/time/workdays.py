"""Working days between two dates, as the assessment timescale counts them.

Convention (also printed in the pack's methods appendix):
    working days elapsed = the number of working days in the half-open interval
    (referral_date, completion_date]: the referral day itself is not counted, the completion day is.
So a referral on a Friday completed on the Monday took 1 working day, and an assessment completed
on the day of referral took 0. An assessment is within timescale when that count is at most the
timescale (42 working days in Wales, 45 in England).

Working days are Monday to Friday, excluding England-and-Wales bank holidays, taken from the
`holidays` package (never a hand-typed list) and counted with numpy's business-day functions,
so a million assessments take milliseconds.
"""

from __future__ import annotations

from functools import cache

import holidays
import numpy as np
import pandas as pd

WEEKMASK = "1111100"  # Monday to Friday


@cache
def bank_holidays(first_year: int = 2000, last_year: int = 2035) -> np.ndarray:
    """England-and-Wales bank holidays (including substitute days) as numpy dates."""
    calendar = holidays.UK(subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(calendar), dtype="datetime64[D]")


@cache
def calendar() -> np.busdaycalendar:
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=bank_holidays())


def _days(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]")


def working_days_elapsed(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days in (start, end] for each pair; missing where either date is missing.

    numpy counts [a, b); counting [start + 1 day, end + 1 day) is the same as (start, end].
    """
    start = pd.Series(start)
    end = pd.Series(end, index=start.index)
    result = pd.Series(pd.NA, index=start.index, dtype="Int64")
    known = start.notna() & end.notna()
    if known.any():
        first = _days(start[known]) + np.timedelta64(1, "D")
        last = _days(end[known]) + np.timedelta64(1, "D")
        counted = np.busday_count(first, last, busdaycal=calendar())
        result[known] = counted
    return result


def add_working_days(start: pd.Series, days: int) -> pd.Series:
    """The date on which `days` working days have elapsed since `start` (the last day of the timescale)."""
    start = pd.Series(start)
    result = pd.Series(pd.NaT, index=start.index, dtype="datetime64[us]")
    known = start.notna()
    if known.any():
        # Rolling a weekend or holiday start back to the working day before gives the same count,
        # because under the half-open convention the start day itself is never counted.
        moved = np.busday_offset(_days(start[known]), days, roll="backward", busdaycal=calendar())
        result[known] = pd.to_datetime(moved).astype("datetime64[us]")
    return result


def is_working_day(dates: pd.Series) -> pd.Series:
    dates = pd.Series(dates)
    return pd.Series(np.is_busday(_days(dates), busdaycal=calendar()), index=dates.index)
