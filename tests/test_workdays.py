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


# --- the bank holidays kept in a cache file --------------------------------------------------------------


def _from_the_package(first: int, last: int) -> list:
    import holidays

    return sorted(holidays.UK(subdiv="ENG", years=range(first, last + 1)))


def test_the_bank_holidays_kept_are_the_packages_and_are_read_back(tmp_path, monkeypatch):
    import numpy as np

    from kpi.time import workdays

    monkeypatch.setenv(workdays.CACHE_VARIABLE, str(tmp_path))
    made = workdays.bank_holidays.__wrapped__(2016, 2027)
    assert [d.item() for d in made] == _from_the_package(2016, 2027)  # Easter Mondays, substitute days...
    (kept,) = tmp_path.glob("bank_holidays_ENG_2016_2027_*.npy")
    np.save(kept, made[:3], allow_pickle=False)  # what is in the file is what is used
    assert len(workdays.bank_holidays.__wrapped__(2016, 2027)) == 3


@pytest.mark.parametrize("damage", [b"not a numpy file", b""])
def test_a_damaged_cache_file_is_worked_out_again_and_replaced(tmp_path, monkeypatch, damage):
    from kpi.time import workdays

    monkeypatch.setenv(workdays.CACHE_VARIABLE, str(tmp_path))
    workdays.bank_holidays.__wrapped__(2020, 2021)
    (kept,) = tmp_path.glob("bank_holidays_ENG_2020_2021_*.npy")
    kept.write_bytes(damage)
    assert [d.item() for d in workdays.bank_holidays.__wrapped__(2020, 2021)] == _from_the_package(2020, 2021)
    assert len(workdays.bank_holidays.__wrapped__(2020, 2021)) == len(_from_the_package(2020, 2021))
    assert kept.stat().st_size > len(damage)


def test_a_cache_folder_that_cannot_be_written_only_costs_the_time(tmp_path, monkeypatch):
    from kpi.time import workdays

    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(workdays.CACHE_VARIABLE, str(blocked))
    assert [d.item() for d in workdays.bank_holidays.__wrapped__(2024, 2025)] == _from_the_package(2024, 2025)
