"""The days the national data cover, how busy each is, and working days counted ahead from each.

The data cover `years` whole financial years and the quarters of the current one up to the latest
complete quarter before `today`, as the single demo does for six. Dates are whole days since
1 January 1970 (numpy's datetime64[D] as integers), so that 25 million of them cost little; working
days ahead are looked up in a table made once per run, from a quarter before the start (assessments
still open at the start were referred then) to two months after the end (an assessment referred
at the end starts after it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from kpi.demo import contacts as single_demo
from kpi.demo.span import FULL_YEARS, Span, add_working_days, is_working_day, span_for
from kpi.time.workdays import bank_holidays

RUN_IN_MONTHS = 3  # assessments carried in were referred in the quarter before the start
DAYS_BEYOND_END = 62
MOST_WORKING_DAYS = 320  # the longest assessment (the late ones' tail is cut here) and then some


def national_span(years: int, today: dt.date | None = None) -> Span:
    """`years` whole financial years and the current one's complete quarters, ending before `today`."""
    span = span_for(today)
    start = pd.Timestamp(span.start.year + FULL_YEARS - years, 4, 1)
    return Span(start=start, end=span.end, today=span.today)


def day_number(stamp: pd.Timestamp) -> int:
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


@dataclass(frozen=True)
class Calendar:
    """Every day of the data, with what the generators need to know of it."""

    span: Span

    @cached_property
    def days(self) -> np.ndarray:
        """Day numbers from the start (1 April) to the end of the latest complete quarter."""
        return np.arange(self.start, day_number(self.span.end) + 1, dtype=np.int32)

    @property
    def start(self) -> int:
        return day_number(self.span.start)

    @property
    def run_in(self) -> int:
        """The first day of the quarter before the start."""
        return day_number(self.span.start - pd.DateOffset(months=RUN_IN_MONTHS))

    @property
    def today(self) -> int:
        """The day the extract was taken: nothing on or after it is known yet."""
        return day_number(self.span.today)

    @cached_property
    def working(self) -> np.ndarray:
        return is_working_day(self.days.astype("datetime64[D]"))

    @cached_property
    def busyness(self) -> np.ndarray:
        """Relative volume of contacts on each day (1 on an average day), as the single demo has it:
        quieter in August, at weekends, on bank holidays and at Christmas."""
        dates = pd.DatetimeIndex(self.days.astype("datetime64[D]"))
        factor = dates.month.map(single_demo.MONTH_FACTOR).to_numpy(dtype=float)
        weekend = dates.day_of_week.to_numpy() >= 5
        holiday = np.isin(self.days.astype("datetime64[D]"), bank_holidays()) & ~weekend
        christmas = ((dates.month == 12) & (dates.day >= 24)) | ((dates.month == 1) & (dates.day == 1))
        factor = factor * np.where(weekend, single_demo.WEEKEND_FACTOR, 1.0)
        factor = factor * np.where(holiday, single_demo.HOLIDAY_FACTOR, 1.0)
        factor = factor * np.where(christmas, single_demo.CHRISTMAS_FACTOR, 1.0)
        return factor / factor.mean()

    @cached_property
    def _ahead(self) -> np.ndarray:
        """_ahead[d, k]: the day on which k working days have elapsed since the run-in's d-th day."""
        last = int(self.days[-1]) + DAYS_BEYOND_END
        days = np.arange(self.run_in, last + 1).astype("datetime64[D]")
        steps = np.arange(MOST_WORKING_DAYS + 1)
        table = add_working_days(np.repeat(days, len(steps)), np.tile(steps, len(days)))
        return table.astype(np.int32).reshape(len(days), len(steps))

    def working_days_after(self, day: np.ndarray, count: np.ndarray) -> np.ndarray:
        """The day on which `count` working days have elapsed since `day` ((day, result] convention)."""
        row = day.astype(np.int64) - self.run_in
        return self._ahead.ravel()[row * (MOST_WORKING_DAYS + 1) + np.clip(count, 0, MOST_WORKING_DAYS)]

    @cached_property
    def next_working_day(self) -> np.ndarray:
        """For each day of the data, the next working day after it."""
        return self._ahead[self.start - self.run_in:self.start - self.run_in + len(self.days), 1]

    def year_index(self, day: np.ndarray) -> np.ndarray:
        """Financial years since the start (the run-in counts as the first)."""
        months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        first = np.datetime64(self.span.start.date(), "M").astype(np.int64)
        return np.maximum((months - first) // 12, 0)
