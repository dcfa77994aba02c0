"""Periods: one syntax everywhere, for UK financial periods and the shorter ones an officer names.

What `parse_period` and `resolve` read, and `code` writes (Q1 = April-June ... Q4 = January-March):

    2018-19Q2      a quarter: July-September 2018. Also '2018-19 Q2', '2018/19Q2', '2018-2019Q2', 'Ch2 2018-19'.
    2018-19        the financial year April 2018 - March 2019.
    2025-26H1      a half-year: April-September 2025 (Q1-Q2). 2025-26H2 is October 2025 - March 2026 (Q3-Q4).
                   Also '2025-26 H1'.
    2025-26Q1-Q3   a year to date: Q1 to Q3 of 2025-26 (April-December 2025). Also '2025-26 Q1-Q3',
                   'Ch1-Ch3 2025-26'. It always starts at Q1. Spans that name another period are
                   written as that period: Q1-Q1 is Q1, Q1-Q2 is H1, Q3-Q4 is H2, Q1-Q4 is the year.
                   Any other span (Q2-Q3, Q2-Q4, ...) is refused.
    2025-26YTD     (`resolve` only) Q1 up to the latest complete quarter of 2025-26 in the data; the year
                   itself once all four quarters are complete.
    latest         (`resolve` only) the latest complete quarter in the data.
    A..B           (`resolve`, `parse_period_range`) every quarter, or every year, from A to B;
                   'latest' may stand for either end. Halves and years to date do not make ranges.
    2018-07        a month. 2010-11 is the financial year, not November 2010 (a financial year wins).
    2017-W06, we2017-02-10, 2017-02-04/2017-02-10, 2018-12-17
                   an ISO week, the reporting week ending on a date (kpi.yml `week_ending`), an interval of
                   dates and one day (an as-at date): see kpi.time.short_periods. A range A..B of months,
                   weeks or days gives every one ('2017-W01..2017-W06', 'we2017-01-06..we2017-02-10').

Months, quarters and years are pandas Periods (freq "M", "Q-MAR", "Y-MAR"; weeks "W-SUN", "W-FRI", ...;
days "D"; the year of a Q-MAR or Y-MAR
period is the year in which the financial year ends, so 2018-19 is 2019). Halves and years to date are
`QuarterSpan`s and intervals of dates `DateSpan`s, which answer the Period questions the package asks (start_time, end_time, freqstr,
comparison, hashing). Ask `kind`, `previous`, `a_year_earlier`, `quarters_in`, `last_quarter` and
`financial_year` rather than doing arithmetic that depends on `freqstr`.

Display labels: "2018-19 Q2" in English and "Ch2 2018-19" in Welsh (chwarter = quarter); a year is "2018-19" in
both. Halves and years to date are said as spans of quarters, so Welsh needs no new abbreviation:
"2025-26 Q1-Q2" / "Ch1-Ch2 2025-26", "2025-26 Q3-Q4" / "Ch3-Ch4 2025-26", "2025-26 Q1-Q3" / "Ch1-Ch3 2025-26".
Weeks and days are said in words: "week ending 10 February 2017" / "wythnos yn diweddu 10 Chwefror 2017".
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpi.errors import UnusableInput
from kpi.time import short_periods as short
from kpi.time.short_periods import (DateSpan, as_at, days, latest_complete_week, week_of,  # noqa: F401
                                    weeks_ending)

SHORT = ("day", "days", "week", "iso_week", "month")  # the kinds kpi.time.short_periods holds
QUARTER = "Q-MAR"
YEAR = "Y-MAR"
MONTH = "M"
Aggregation = Literal["month", "quarter", "year", "rolling_12_months"]
Kind = Literal["day", "days", "week", "iso_week", "month", "quarter", "half", "year_to_date", "year"]

_YEARS = r"(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{2}|\d{4})"
_PERIOD = re.compile(
    rf"^\s*{_YEARS}\s*(?:Q(?P<first>[1-4])(?:\s*[-–]\s*Q(?P<last>[1-4]))?|H(?P<half>[12])|(?P<ytd>YTD))?\s*$",
    re.IGNORECASE)
_WELSH_QUARTER = re.compile(rf"^\s*Ch\s*(?P<first>[1-4])(?:\s*[-–]\s*Ch\s*(?P<last>[1-4]))?\s+{_YEARS}\s*$", re.I)
_YEAR_TO_DATE = re.compile(rf"{_YEARS}\s*YTD", re.IGNORECASE)


class PeriodError(UnusableInput, ValueError):
    """A period written in a way we cannot read."""


@dataclass(frozen=True, order=True, repr=False)
class QuarterSpan:
    """Quarters `first` to `last` of one financial year taken together: a half-year (Q1-Q2 or Q3-Q4)
    or a year to date (Q1-Q3). Q1-Q4 is the year and one quarter is a quarter, so neither is a span.

    Build one with `parse_period('2025-26H1')`, `half_year(...)` or `year_to_date(...)`.
    It has what the package asks of a pandas Period: `start_time`, `end_time` (the last nanosecond of the
    last day, as pandas), `freqstr`, ==, <, and a hash (so it can be a set member or dict key). Its freqstr
    ('HALF-MAR' or 'FYTD-MAR') starts with no Q, M, Y or A, so no check meant for quarters, months or years
    takes it for one. It has no `freq`, so pandas cannot build ranges of it: use `quarters_in`.
    Halves step with + and - (2025-26H1 - 1 is 2024-25H2); a year to date has no neighbour of its kind
    (use `a_year_earlier`).
    """

    first: pd.Period
    last: pd.Period

    def __post_init__(self) -> None:
        if not all(isinstance(q, pd.Period) and q.freqstr == QUARTER for q in (self.first, self.last)):
            raise PeriodError(f"a QuarterSpan runs between two {QUARTER} quarters, not {self.first!r} and {self.last!r}")
        if (self.first.qyear != self.last.qyear
                or (self.first.quarter, self.last.quarter) not in ((1, 2), (3, 4), (1, 3))):
            raise PeriodError(f"{code(self.first)} to {code(self.last)} is neither a half-year nor a year to date")

    @property
    def is_half(self) -> bool:
        return self.last.quarter == self.first.quarter + 1

    @property
    def start_time(self) -> pd.Timestamp:
        return self.first.start_time

    @property
    def end_time(self) -> pd.Timestamp:
        return self.last.end_time

    @property
    def freqstr(self) -> str:
        return "HALF-MAR" if self.is_half else "FYTD-MAR"

    def __add__(self, halves: int) -> QuarterSpan:
        if not isinstance(halves, numbers.Integral) or isinstance(halves, bool):
            return NotImplemented
        if not self.is_half:
            raise TypeError(f"{code(self)} is a year to date: it has no next or previous (use a_year_earlier)")
        return QuarterSpan(self.first + 2 * int(halves), self.last + 2 * int(halves))

    __radd__ = __add__

    def __sub__(self, halves: int) -> QuarterSpan:
        if not isinstance(halves, numbers.Integral) or isinstance(halves, bool):
            return NotImplemented
        return self + (-int(halves))

    def __str__(self) -> str:
        return code(self)

    def __repr__(self) -> str:
        return f"QuarterSpan('{code(self)}')"


AnyPeriod = pd.Period | QuarterSpan | DateSpan  # what every function here takes


def _follows(match: re.Match) -> bool:
    start, end = int(match["start"]), match["end"]
    return int(end) == (start + 1 if len(end) == 4 else (start + 1) % 100)


def parse_period(text: str, week_ending: str | None = None) -> AnyPeriod:
    """'2018-19Q2' (or '2018-19 Q2', 'Ch2 2018-19') -> a Q-MAR quarter; '2018-19' -> a Y-MAR year;
    '2025-26H1' -> a half; '2025-26Q1-Q3' -> a year to date (normalised, see the module docstring);
    '2017-02', '2017-W06', 'we2017-02-10', '2018-12-17', '2017-02-04/2017-02-10' -> a month, week, day or
    interval. `week_ending` (kpi.yml) checks the weekday of a we-date typed by an officer; without it a
    we-date is the week ending on the day written (as codes we wrote are read back)."""
    match = _PERIOD.match(str(text)) or _WELSH_QUARTER.match(str(text))
    if not (match and _follows(match)):
        found = short.parse_short(text, week_ending)
        if found is not None:
            return found
    if not match:
        raise PeriodError(f"'{text}' is not a period (expected e.g. 2018-19Q2, 2018-19H1, 2018-19Q1-Q3, 2018-19, "
                          "2017-02, 2017-W06, we2017-02-10, 2017-02-04/2017-02-10 or 2018-12-17)")
    parts = match.groupdict()  # the Welsh form has no half or YTD
    start = int(parts["start"])
    end = parts["end"]
    if not _follows(match):
        raise PeriodError(f"'{text}' is not a financial period: {end} should follow {start}")
    year = pd.Period(year=start + 1, freq=YEAR)
    if parts.get("ytd"):
        raise PeriodError(f"'{text}': a year to date depends on the data; resolve it with the data's last date "
                          "(`resolve`, or --period)")
    if parts.get("half"):
        return half_year(year, int(parts["half"]))
    if parts["first"]:
        return _quarters(year, int(parts["first"]), int(parts["last"] or parts["first"]), text)
    return year


def _quarter(year: pd.Period, number: int) -> pd.Period:
    return pd.Period(year=year.year, quarter=number, freq=QUARTER)


def _quarters(year: pd.Period, first: int, last: int, text: str) -> AnyPeriod:
    """Quarters `first` to `last` of a year, written as the one period they make."""
    if first == last:
        return _quarter(year, first)
    if (first, last) == (3, 4):
        return half_year(year, 2)
    if first != 1 or last < first:
        raise PeriodError(f"'{text}': a span of quarters must start at Q1 (a year to date, e.g. 2025-26Q1-Q3) "
                          "or be a half-year (2025-26H1, 2025-26H2)")
    return year_to_date(_quarter(year, last))


def half_year(year: pd.Period, half: int) -> QuarterSpan:
    """H1 (Q1-Q2, April-September) or H2 (Q3-Q4, October-March) of a Y-MAR financial year."""
    if half not in (1, 2):
        raise PeriodError(f"a financial year has halves 1 and 2, not {half}")
    first = _quarter(financial_year(year), 2 * half - 1)
    return QuarterSpan(first, first + 1)


def year_to_date(quarter: pd.Period) -> AnyPeriod:
    """Q1 of the quarter's financial year up to that quarter: Q1 itself, H1, Q1-Q3 or the whole year."""
    if quarter.quarter == 1:
        return quarter
    if quarter.quarter == 4:
        return quarter.asfreq(YEAR)
    return QuarterSpan(quarter - (quarter.quarter - 1), quarter)


RANGED = ("day", "week", "iso_week", "month", "quarter", "year")  # kinds a range A..B steps through


def parse_period_range(text: str, week_ending: str | None = None) -> list[AnyPeriod]:
    """'2016-17Q4..2018-19Q3' -> every quarter from the first to the last (or every year, month, week or
    day); a single period -> [it]."""
    if ".." not in str(text):
        return [parse_period(text, week_ending)]
    first, last = (parse_period(part, week_ending) for part in str(text).split("..", 1))
    if kind(first) not in RANGED or kind(last) not in RANGED:
        raise PeriodError(f"'{text}': a range runs over days, weeks, months, quarters or years; give a half-year, "
                          "a year to date or an interval of dates on its own")
    if kind(first) != kind(last) or first.freqstr != last.freqstr:
        raise PeriodError(f"'{text}': both ends of a range must be of one kind (both quarters, both years, ...)")
    if last < first:
        raise PeriodError(f"'{text}': the range ends before it starts")
    return list(pd.period_range(first, last, freq=first.freq))


# ---- What a period is, and the periods around it ---------------------------------------------------


def kind(period: AnyPeriod) -> Kind:
    """'day', 'days' (an interval), 'week' (a reporting week), 'iso_week', 'month', 'quarter', 'half',
    'year_to_date' or 'year': ask this instead of reading freqstr."""
    shorter = short.short_kind(period)
    if shorter is not None:
        return shorter
    if isinstance(period, QuarterSpan):
        return "half" if period.is_half else "year_to_date"
    if isinstance(period, pd.Period):
        if period.freqstr == MONTH:
            return "month"
        if period.freqstr == QUARTER:
            return "quarter"
        if period.freqstr in (YEAR, "A-MAR"):
            return "year"
    raise PeriodError(f"{period!r} is not a period (a day, an interval of days, a week, a month, a {QUARTER} "
                      f"quarter, a half-year, a year to date or a {YEAR} year)")


def previous(period: AnyPeriod) -> AnyPeriod | None:
    """The period just before, of the same kind (the previous day, week, month, quarter, half or year, or
    the interval of the same length just before); None for a year to date, which has no previous period
    of its kind (compare it a year earlier)."""
    which = kind(period)
    if which == "year_to_date":
        return None
    if which in SHORT:
        return short.short_previous(period)
    return period - 1


def a_year_earlier(period: AnyPeriod) -> AnyPeriod:
    """The same span a year earlier: 2025-26Q2 -> 2024-25Q2, 2025-26H1 -> 2024-25H1, 2025-26Q1-Q3 ->
    2024-25Q1-Q3, 2025-07 -> 2024-07, 2025-26 -> 2024-25. A week: the week 52 weeks earlier (ending on
    the same weekday); a day or an interval: the same dates a year earlier."""
    steps = {"quarter": 4, "half": 2, "year": 1}
    which = kind(period)
    if which in SHORT:
        return short.short_a_year_earlier(period)
    if which == "year_to_date":
        return QuarterSpan(period.first - 4, period.last - 4)
    return period - steps[which]


def quarters_in(period: AnyPeriod) -> list[pd.Period]:
    """The Q-MAR quarters a period covers, in order (for a month, week or day, the quarter it falls in;
    a week or interval across two quarters touches both)."""
    kind(period)  # refuse anything that is not a financial period
    return list(pd.period_range(period.start_time, period.end_time, freq=QUARTER))


def last_quarter(period: AnyPeriod) -> pd.Period:
    """The quarter containing the period's last day (a quarterly chart of a half ends here)."""
    kind(period)
    return pd.Period(period.end_time, freq=QUARTER)


def financial_year(period: AnyPeriod) -> pd.Period:
    """The Y-MAR financial year the period belongs to (a week or interval: that of its last day)."""
    kind(period)
    return pd.Period(period.end_time, freq=YEAR)


# ---- Writing periods -------------------------------------------------------------------------------


def code(period: AnyPeriod) -> str:
    """The syntax we write everywhere: 2018-19Q2, 2018-19, 2025-26H1, 2025-26Q1-Q3, 2018-07 for a month,
    2017-W06, we2017-02-10, 2018-12-17 and 2017-02-04/2017-02-10."""
    which = kind(period)
    if which in SHORT:
        return short.short_code(period)
    fy = financial_year_label(period)
    if which == "quarter":
        return f"{fy}Q{period.quarter}"
    if which == "half":
        return f"{fy}H{(period.first.quarter + 1) // 2}"
    if which == "year_to_date":
        return f"{fy}Q1-Q{period.last.quarter}"
    return fy


def label(period: AnyPeriod, language: str = "en") -> str:
    """'2018-19 Q2' in English, 'Ch2 2018-19' in Welsh; a half or year to date as its quarters
    ('2025-26 Q1-Q2', 'Ch1-Ch2 2025-26'); a year is '2018-19' in both; a month 'Jul 2018'; a week
    'week ending 10 February 2017' (see kpi.time.short_periods for the others)."""
    which = kind(period)
    if which in SHORT:
        return short.short_label(period, language)
    fy = financial_year_label(period)
    if which == "year":
        return fy
    quarters = quarters_in(period)
    first, last = quarters[0].quarter, quarters[-1].quarter
    if language == "cy":
        return f"Ch{first} {fy}" if first == last else f"Ch{first}-Ch{last} {fy}"
    return f"{fy} Q{first}" if first == last else f"{fy} Q{first}-Q{last}"


def months_label(period: AnyPeriod, language: str = "en") -> str:
    """The months a period covers in words: 'July to September 2018', 'Gorffennaf – Medi 2018'; a week,
    day or interval says its days: '4 to 10 February 2017'."""
    from babel.dates import format_date

    if kind(period) in SHORT and kind(period) != "month":
        return short.dates_label(period, language)
    locale = "cy" if language == "cy" else "en_GB"
    first, last = period.start_time.date(), period.end_time.date()
    if (first.year, first.month) == (last.year, last.month):
        return format_date(last, "LLLL y", locale=locale)
    first_month = format_date(first, "LLLL", locale=locale)
    last_month = format_date(last, "LLLL y", locale=locale)
    joiner = " – " if language == "cy" else " to "  # a dash avoids Welsh mutation after "i"
    if first.year != last.year:
        first_month = format_date(first, "LLLL y", locale=locale)
    return f"{first_month}{joiner}{last_month}"


def financial_year_label(period: AnyPeriod) -> str:
    """'2018-19' for the financial year a period belongs to."""
    end_year = financial_year(period).year
    return f"{end_year - 1}-{end_year % 100:02d}"


def quarter_of(dates: pd.Series) -> pd.Series:
    """The financial quarter each date falls in."""
    return dates.dt.to_period(QUARTER)


# ---- Dates a period covers -------------------------------------------------------------------------


def bounds(period: AnyPeriod) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and last day of a period (both inclusive, at midnight)."""
    return period.start_time.normalize(), period.end_time.normalize()


def rolling_12_months(period: AnyPeriod) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The 12 months ending with the last day of this period."""
    end = period.end_time.normalize()
    start = (end + pd.Timedelta(days=1)) - pd.DateOffset(months=12)
    return start, end


def window(period: AnyPeriod, aggregation: Aggregation = "quarter") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates an indicator for `period` covers under an aggregation ('year': the whole financial year
    of a quarter, half or year to date)."""
    if aggregation == "rolling_12_months":
        return rolling_12_months(period)
    if aggregation == "year" and kind(period) not in SHORT:
        return bounds(financial_year(period))
    return bounds(period)


def latest_complete_quarter(last_date: pd.Timestamp) -> pd.Period:
    """The latest quarter that has ended on or before the last date the data cover."""
    day = pd.Timestamp(last_date).normalize()
    quarter = day.to_period(QUARTER)
    return quarter if day == quarter.end_time.normalize() else quarter - 1


def same_quarter_last_year(period: AnyPeriod) -> AnyPeriod:
    """Kept for old callers: use `a_year_earlier`."""
    return a_year_earlier(period)


# ---- What --period asked for -------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodChoice:
    """What `--period` asked for, resolved to concrete periods."""

    periods: list[AnyPeriod]

    @property
    def latest(self) -> AnyPeriod:
        return self.periods[-1]


def resolve(text: str, last_date: pd.Timestamp | None, week_ending: str | None = None) -> PeriodChoice:
    """Resolve a period, a range, 'latest' (alone or as a range's end: '2016-17Q4..latest'),
    or a year to date ('2025-26YTD') against the last date the data cover. `week_ending` (kpi.yml)
    checks that a we-date is the configured weekday."""
    text = str(text).strip()
    needs_data = "latest" in text.lower() or _YEAR_TO_DATE.search(text)
    if needs_data and (last_date is None or pd.isna(last_date)):
        raise PeriodError(f"'{text}' needs data with dates; none were found (run `kpi ingest` first)")
    if _YEAR_TO_DATE.search(text):
        if ".." in text:
            raise PeriodError(f"'{text}': a year to date stands on its own, not in a range")
        text = _YEAR_TO_DATE.sub(lambda m: code(_year_to_date_in_data(m, last_date)), text)
    if "latest" in text.lower():
        text = re.sub("latest", code(latest_complete_quarter(last_date)), text, flags=re.IGNORECASE)
    return PeriodChoice(parse_period_range(text, week_ending))


def _year_to_date_in_data(match: re.Match, last_date: pd.Timestamp) -> AnyPeriod:
    """'2025-26YTD' -> Q1 up to the latest complete quarter of 2025-26 the data reach."""
    year = parse_period(f"{match['start']}-{match['end']}")
    latest = latest_complete_quarter(last_date)
    if latest.qyear < year.year:
        raise PeriodError(f"'{match[0]}': no quarter of {code(year)} is complete in the data "
                          f"(they end on {pd.Timestamp(last_date):%d %B %Y})")
    if latest.qyear > year.year:
        return year
    return year_to_date(latest)
