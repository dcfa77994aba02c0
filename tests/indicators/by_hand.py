"""What each indicator's test needs: a period's data from rows written by hand, and the ids of records.

Every test in this folder is about one indicator (test_<id>.py): its rows, the numerator, denominator and
value worked out by hand in a comment, the records the measure counts (the explorer lists the same), and
when it is Unavailable rather than 0.
"""

from __future__ import annotations

import pandas as pd

from kpi.data.processed import ProcessedData
from kpi.indicators.measures import PeriodData, Settings
from kpi.time.periods import bounds, parse_period
from tables import (assessment, canonical, case, contact, discussion, episode, establishment,  # noqa: F401
                    registration, worker)  # (the row builders the tests use)

Q2 = parse_period("2018-19Q2")  # Sunday 1 July to Sunday 30 September 2018


def period_data(tables: dict[str, list[dict]], period: pd.Period = Q2, *, extract_dates: dict | None = None,
                **settings) -> PeriodData:
    """What a measure sees for `period`: the canonical tables made from `tables` (rows by table name),
    covering the dates their rows (or `extract_dates`) reach, with `Settings(**settings)`."""
    data = ProcessedData.from_tables({name: canonical(name, rows) for name, rows in tables.items()}, extract_dates)
    start, end = bounds(period)
    made = PeriodData(data.tables, data.spans, start, end, Settings(**settings))
    MADE.append((data, period, made))
    return made


# Every period's data a test made, so that the_engine_agrees (tests/conftest.py) can ask the SQL engine the
# same question afterwards.
MADE: list[tuple[ProcessedData, pd.Period, PeriodData]] = []


# A strategy discussion's row also has the contact_id it came in by: its own id is looked for first.
ID_COLUMNS = ("registration_id", "discussion_id", "episode_id", "case_id", "contact_id", "assessment_id",
              "worker_id")


def ids(records: pd.DataFrame) -> list:
    """The record ids (contact, assessment, worker, registration, discussion, episode or case id), sorted:
    which records a measure counted. An establishment row has no id: its key, (snapshot date, team)."""
    column = next((c for c in ID_COLUMNS if c in records), None)
    if column is None:
        return sorted(zip(records["snapshot_date"].dt.strftime("%Y-%m-%d"), records["team"]))
    return sorted(records[column])
