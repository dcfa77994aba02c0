"""One small function per indicator, named after it, each checkable by hand on a tiny table.

A measure takes a `PeriodData` (the tables, the period's first and last day, the settings) and
returns a `Tally` (numerator, denominator, value). When the data cannot answer - the table is
missing, the period is outside the data, nothing to divide by - it raises `Unavailable` with the
reason: an indicator is never reported as 0 because it could not be computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


class Unavailable(Exception):
    """The indicator cannot be computed for this period; the message says why."""


class NoSource(Unavailable):
    """The extract the indicator needs was not supplied at all (as opposed to not covering the period)."""

    def __init__(self, tables: tuple[str, ...]):
        self.tables = tables
        super().__init__(f"no {' or '.join(tables)} data (not in kpi.yml, or `kpi ingest` not run)")


@dataclass(frozen=True)
class Tally:
    numerator: float
    denominator: float | None
    value: float


def count(n: int | float) -> Tally:
    return Tally(float(n), None, float(n))


def percent(numerator: int | float, denominator: int | float, *, nothing: str) -> Tally:
    """numerator / denominator x 100, or Unavailable(nothing) when the denominator is 0."""
    if not denominator:
        raise Unavailable(nothing)
    return Tally(float(numerator), float(denominator), float(numerator) / float(denominator) * 100)


def ratio(numerator: float, denominator: float, *, nothing: str) -> Tally:
    if not denominator:
        raise Unavailable(nothing)
    return Tally(float(numerator), float(denominator), float(numerator) / float(denominator))


@dataclass
class Settings:
    timescale: int = 42
    caseload_threshold: float = 20
    case_holding_roles: tuple[str, ...] = ("social_worker", "senior_practitioner")


@dataclass
class PeriodData:
    """What a measure sees: the tables (perhaps one team's rows), the period and the settings."""

    tables: dict[str, pd.DataFrame]
    spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]]
    start: pd.Timestamp  # first day of the period
    end: pd.Timestamp  # last day of the period
    settings: Settings

    def table(self, *names: str, whole_period: bool = True) -> tuple[str, pd.DataFrame]:
        """The first of `names` that we have; unless `whole_period` is False, its dates must
        reach from the start to the end of the period (a snapshot table need not)."""
        for name in names:
            if name in self.tables:
                if whole_period:
                    self.require_cover(name, self.start)
                return name, self.tables[name]
        raise NoSource(names)

    def require_cover(self, name: str, start: pd.Timestamp, what: str = "this period") -> None:
        """Unavailable unless the table's dates reach from `start` to the end of the period."""
        first, last = self.spans.get(name, (None, None))
        if first is None or start < first or self.end > last:
            raise Unavailable(f"the {name} data do not cover {what}")

    def during(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Rows whose `column` falls on a day within the period (times of day included)."""
        values = frame[column]
        return (values >= self.start) & (values < self.end + pd.Timedelta(days=1))


Measure = Callable[[PeriodData], Tally]
MEASURES: dict[str, Measure] = {}


def measure(function: Measure) -> Measure:
    """Register a function as the measure of the indicator with its name."""
    MEASURES[function.__name__] = function
    return function


def as_float(value) -> float:
    return float(value) if pd.notna(value) else np.nan


from kpi.indicators.measures import assessments, front_door, workforce  # noqa: E402,F401  (registers the measures)
