"""The time span of the demo data and the calendar it is generated on.

The data end on the last day of the latest financial quarter that was complete before `today`
and start on 1 April six financial years earlier, so there are always at least six full years
for the SPC charts and the comparators. Follow-up events (a contact's decision, an assessment's
start and completion) are kept only when they happened before `today`, the day the extract was
"taken"; anything later is not yet known, so an assessment referred near the end is still open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.time.periods import QUARTER, latest_complete_quarter
from kpi.time.workdays import calendar

FULL_YEARS = 6


@dataclass(frozen=True)
class Span:
    start: pd.Timestamp  # first day of the data (1 April)
    end: pd.Timestamp  # last day of the latest complete quarter
    today: pd.Timestamp  # the day the extract was taken; later follow-up events are unknown

    @property
    def latest_quarter(self) -> pd.Period:
        return self.end.to_period(QUARTER)

    @property
    def first_quarter(self) -> pd.Period:
        return self.start.to_period(QUARTER)

    def quarter_index(self, dates) -> np.ndarray:
        """Quarters since the first quarter of the data (0 for the first), for each date."""
        stamps = pd.DatetimeIndex(pd.to_datetime(dates))
        months = (stamps.year - self.start.year) * 12 + (stamps.month - self.start.month)
        return np.asarray(months // 3, dtype=np.int64)

    @property
    def full_years(self) -> list[pd.Period]:
        """The complete financial years in the data, as Y-MAR periods."""
        first = self.start.to_period("Y-MAR")
        last = (self.end + pd.Timedelta(days=1)).to_period("Y-MAR") - 1
        return list(pd.period_range(first, last, freq="Y-MAR"))

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.start, self.end, freq="M")


def span_for(today: dt.date | None = None) -> Span:
    """The demo's span for an extract taken on `today` (default: the real today)."""
    today = pd.Timestamp(today or dt.date.today()).normalize()
    quarter = latest_complete_quarter(today - pd.Timedelta(days=1))
    end = quarter.end_time.normalize()
    following = end + pd.Timedelta(days=1)
    first_year_of_next = following.year if following.month >= 4 else following.year - 1
    start = pd.Timestamp(first_year_of_next - FULL_YEARS, 4, 1)
    return Span(start=start, end=end, today=today)


def days64(dates) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]")


def add_working_days(days: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The date on which `count` working days have elapsed since `days` ((start, end] convention)."""
    return np.busday_offset(days, count, roll="backward", busdaycal=calendar())


def is_working_day(days: np.ndarray) -> np.ndarray:
    return np.is_busday(days, busdaycal=calendar())
