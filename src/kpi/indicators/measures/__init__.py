"""One small function per indicator, named after it, each checkable by hand on a tiny table.

A measure takes a `PeriodData` (the tables, the period's first and last day, the settings) and
returns what it `Counted`: the records its numerator counts, the records its denominator counts and
the `Tally` (numerator, denominator, value) worked out from them. So the figure and the records behind
it (which the explorer lists) come from one selection of rows. When the data cannot answer - the table
is missing, the period is outside the data, nothing to divide by - it raises `Unavailable` with the
reason: an indicator is never reported as 0 because it could not be computed.

Callers that want the figure only call the registered measure: `MEASURES[id](period_data) -> Tally`;
`MEASURES[id].counted(period_data)` gives the records as well.

Where to find an indicator `<id>`: its definition in kpi/catalogue/indicators.yml, its measure (the
function `<id>`) in the module of its domain here, and its hand-checked test in tests/indicators/test_<id>.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

T = TypeVar("T")


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
    caseload_threshold_per: str = "fte"  # "fte": cases / FTE against the threshold; "worker": cases as they are
    timescale_from: str = "referral"  # "referral" (Wales, PM24) or "start" (England, the CIN census)
    workforce_definition: str = "dfe"  # "dfe" (DfE's workforce statistics) or "local"
    # The local definitions count social workers and senior practitioners; DfE counts every registered
    # children and family social worker, team managers included (support workers are not registered).
    case_holding_roles: tuple[str, ...] = ("social_worker", "senior_practitioner")
    registered_roles: tuple[str, ...] = ("social_worker", "senior_practitioner", "team_manager")
    strategy_timescale: int = 1  # working days from the concern to the strategy discussion (kpi.yml)
    child_population: int | None = None  # children aged 0 to 17 in the area (kpi.yml), for rates per 10,000


@dataclass
class PeriodData:
    """What a measure sees: the tables (perhaps one team's rows), the period and the settings."""

    tables: dict[str, pd.DataFrame]
    spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]]
    start: pd.Timestamp  # first day of the period
    end: pd.Timestamp  # last day of the period
    settings: Settings
    _selected: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def once(self, selection: Callable[[PeriodData], T]) -> T:
        """`selection(self)`, worked out once for the period however many measures count its rows (the
        indicator table computes every measure of a period from one PeriodData)."""
        if selection not in self._selected:
            self._selected[selection] = selection(self)
        return self._selected[selection]

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

    def during(self, frame: pd.DataFrame, column: str, since: pd.Timestamp | None = None) -> pd.Series:
        """Rows whose `column` falls on a day within the period, or from `since` to its end (times of
        day included)."""
        values = frame[column]
        return (values >= (self.start if since is None else since)) & (values < self.end + pd.Timedelta(days=1))

    def a_year_earlier(self) -> PeriodData:
        """The same tables and settings, for the same period a year earlier."""
        year = pd.DateOffset(years=1)
        return PeriodData(self.tables, self.spans, self.start - year, self.end - year, self.settings)


# ----------------------------------------------------------------------------------- the records behind


@dataclass(frozen=True)
class Counted:
    """A figure and the records behind it.

    `numerator`: the records the numerator counts (or, for a total or an average, adds up);
    `denominator`: the records the denominator counts or adds up, None for a count. For a share the
    numerator's records are among the denominator's; for a ratio or an average they are the same
    records; for a change on last year they are this period's and last year's.
    """

    tally: Tally
    numerator: pd.DataFrame
    denominator: pd.DataFrame | None = None


def rows_where(frame: pd.DataFrame, condition: pd.Series) -> pd.DataFrame:
    """The rows where `condition` holds; where it is missing (not recorded), it does not."""
    return frame[condition.fillna(False).astype("bool")]


def count_of(records: pd.DataFrame, how_many: int | None = None) -> Counted:
    """A count of the records (or `how_many`, when a record stands for several, as a monthly total does)."""
    return Counted(count(len(records) if how_many is None else how_many), records)


def count_among(numerator: pd.DataFrame, denominator: pd.DataFrame) -> Counted:
    """A count of the numerator's records (the value), shown with the denominator's: those it is counted among."""
    return Counted(Tally(float(len(numerator)), float(len(denominator)), float(len(numerator))), numerator, denominator)


def share_of(numerator: pd.DataFrame, denominator: pd.DataFrame, *, nothing: str) -> Counted:
    """The numerator's records as a percentage of the denominator's; Unavailable(nothing) when there are none."""
    return Counted(percent(len(numerator), len(denominator), nothing=nothing), numerator, denominator)


class Measure:
    """A registered measure: called, it gives the figure (a Tally); `counted` gives the records behind it too."""

    def __init__(self, function: Callable[[PeriodData], Counted]):
        self.counted = function
        self.id = function.__name__
        functools.update_wrapper(self, function)

    def __call__(self, data: PeriodData) -> Tally:
        return self.counted(data).tally

    def __repr__(self) -> str:
        return f"<measure {self.id}>"


MEASURES: dict[str, Measure] = {}


def measure(function: Callable[[PeriodData], Counted]) -> Measure:
    """Register a function as the measure of the indicator with its name."""
    MEASURES[function.__name__] = Measure(function)
    return MEASURES[function.__name__]


from kpi.indicators.measures import (assessments, child_protection, front_door, looked_after,  # noqa: E402,F401
                                     workforce)  # (importing them registers the measures)
