"""Working days: the (referral, completion] convention, weekends and England-and-Wales bank holidays.

Expected counts are worked out by hand from a calendar; the comments show the working.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.time.workdays import add_working_days, is_working_day, working_days_elapsed


def _elapsed(start: str, end: str) -> int:
    return int(working_days_elapsed(pd.Series([pd.Timestamp(start)]), pd.Series([pd.Timestamp(end)]))[0])


@pytest.mark.parametrize(("start", "end", "days", "why"), [
    ("2018-07-06", "2018-07-09", 1, "Friday to Monday: only Monday counts"),
    ("2018-07-09", "2018-07-09", 0, "completed on the referral day"),
    ("2018-07-07", "2018-07-09", 1, "referral on a Saturday: Monday is the first working day"),
    ("2018-07-07", "2018-07-08", 0, "Saturday to Sunday"),
    ("2018-12-21", "2018-12-27", 2, "Christmas: Mon 24 and Thu 27; 25 and 26 are bank holidays"),
    ("2019-04-18", "2019-04-23", 1, "Easter 2019: Good Friday 19 and Easter Monday 22 are holidays"),
    ("2020-02-27", "2020-03-02", 2, "leap year: Fri 28 Feb and Mon 2 Mar count; Sat 29 Feb is a weekend"),
    ("2024-02-28", "2024-03-01", 2, "leap year: Thu 29 Feb and Fri 1 Mar count"),
    ("2020-05-07", "2020-05-11", 1, "VE day 2020 moved the May bank holiday to Friday 8 May"),
    ("2022-09-16", "2022-09-20", 1, "the Queen's funeral, Monday 19 September 2022"),
    ("2018-07-02", "2018-08-30", 42, "42 working days exactly (summer bank holiday 27 August 2018)"),
])
def test_working_days_elapsed(start, end, days, why):
    assert _elapsed(start, end) == days, why


def test_missing_dates_give_missing_counts():
    result = working_days_elapsed(pd.Series([pd.Timestamp("2018-07-02"), pd.NaT]),
                                  pd.Series([pd.NaT, pd.Timestamp("2018-07-02")]))
    assert result.isna().all()


def test_last_day_of_the_timescale():
    # 42 working days after Monday 2 July 2018 is Thursday 30 August (27 August is a holiday).
    assert add_working_days(pd.Series([pd.Timestamp("2018-07-02")]), 42)[0] == pd.Timestamp("2018-08-30")
    # From a Saturday, one working day on is the Monday.
    assert add_working_days(pd.Series([pd.Timestamp("2018-07-07")]), 1)[0] == pd.Timestamp("2018-07-09")


def test_bank_holidays_are_not_working_days():
    days = pd.Series(pd.to_datetime(["2018-12-25", "2018-12-24", "2018-08-27", "2018-08-28"]))
    assert is_working_day(days).tolist() == [False, True, False, True]
