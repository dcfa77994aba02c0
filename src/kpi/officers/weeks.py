"""Reporting weeks as the weekly front-door report, the traffic light's trend and the screen use them:
each known by its last day, the weekday kpi.yml names (`week_ending`, Friday unless set), as in
"week ending 10 February 2017" (code we2017-02-10).

The week arithmetic itself is kpi.time.periods' (reporting weeks are pandas Periods there); these are
its answers as the days the officers' tools put on their pages.
"""

from __future__ import annotations

import pandas as pd

from kpi.errors import UnusableInput
from kpi.time import periods as fp


def week_end_of(dates: pd.Series, week_ending: str = "friday") -> pd.Series:
    """The last day of the reporting week each date (or time) falls in."""
    return fp.week_of(dates, week_ending).dt.end_time.dt.normalize()


def latest_complete_week(last_date: pd.Timestamp, week_ending: str = "friday") -> pd.Timestamp:
    """The last day of the latest week that ends on or before `last_date`."""
    return fp.latest_complete_week(last_date, week_ending).end_time.normalize()


def weeks_ending(last_day: pd.Timestamp, count: int, week_ending: str = "friday") -> pd.DatetimeIndex:
    """The last days of `count` weeks up to the one `last_day` falls in (that week may not be over yet)."""
    last = fp.week_of(pd.Series([pd.Timestamp(last_day)]), week_ending).iloc[0]
    weeks = pd.period_range(end=last, periods=int(count), freq=last.freq)
    return pd.DatetimeIndex(weeks.end_time.normalize())


def week_bounds(week_end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The week's first and last day."""
    end = pd.Timestamp(week_end).normalize()
    return end - pd.Timedelta(days=6), end


def week_code(week_end: pd.Timestamp) -> str:
    """we2017-02-10, as kpi.time.periods writes a reporting week."""
    return f"we{pd.Timestamp(week_end):%Y-%m-%d}"


def parse_week(text: str, week_ending: str = "friday") -> pd.Timestamp:
    """we2017-02-10 (its last day), 2017-W06 (the ISO week: the reporting week that ends in it) or a date
    (the week it falls in) -> the last day of the reporting week. kpi.time.periods reads the codes and
    checks a we-date's weekday against `week_ending`."""
    text = text.strip()
    try:
        period = fp.parse_period(text, week_ending=week_ending)
    except fp.PeriodError as err:
        raise UnusableInput(f"week '{text}': {err} (expected a week like we2017-02-10, 2017-W06 or a date "
                            "like 2017-02-10)") from None
    kind = fp.kind(period)
    if kind == "week":
        return period.end_time.normalize()
    if kind in ("iso_week", "day"):  # an ISO week: the reporting week its Monday falls in
        return week_end_of(pd.Series([period.start_time]), week_ending).iloc[0]
    raise UnusableInput(f"week '{text}' is not a week like we2017-02-10, 2017-W06 or a date like 2017-02-10")
