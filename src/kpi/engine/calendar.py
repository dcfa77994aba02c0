"""The working-day calendar as a table: a working day's number for every date, so that the working days
between two dates are a subtraction.

`working_day` counts the working days from the calendar's first date up to and including each date. The
working days in (a, b] - the convention of kpi.time.workdays: the start day is not counted, the end day is -
are then `working_day(b) - working_day(a)`, for any a and b, working days or not. The working days and bank
holidays are kpi.time.workdays's own (Monday to Friday, England-and-Wales bank holidays from `holidays`), so
SQL and numpy count alike.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from kpi.time.workdays import calendar as working_calendar

FIRST, LAST = np.datetime64("1950-01-01"), np.datetime64("2100-12-31")


@cache
def calendar_table() -> pa.Table:
    """day (date) and working_day (int64), one row per date from 1950 to 2100."""
    days = np.arange(FIRST, LAST + np.timedelta64(1, "D"), dtype="datetime64[D]")
    working = np.is_busday(days, busdaycal=working_calendar())
    return pa.table({"day": pa.array(days, type=pa.date32()),
                     "working_day": pa.array(np.cumsum(working, dtype=np.int64))})
