"""Periods shorter than a quarter that an officer names: months, weeks, days and spans of dates.

kpi.time.periods is the one entry point that parses, writes and labels any period; this module holds the
short ones, which the service is run by between committees ("week ending 10 February 2017: 263
contacts", "22 assessments over 42 days on 17 December 2018"):

    2017-02                 a month (pandas Period, freq "M").
    2017-W06                an ISO week, Monday to Sunday (freq "W-SUN"); also '2017W06', '2017-w6'.
    we2017-02-10            the reporting week ending on that day (kpi.yml `week_ending`, Friday unless set):
                            Saturday 4 to Friday 10 February 2017 (freq "W-FRI"). A reporting week that
                            ends on a Sunday is the ISO week, and is written as one.
    2017-02-04/2017-02-10   an ISO 8601 interval of dates, both days included (`DateSpan`).
    2018-12-17              one day (freq "D"): what `--as-at 2018-12-17` means. Counts of open work are
                            counted at the period's end, which for a day is that day. An interval of one
                            day ('2018-12-17/2018-12-17') is that day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

MONTH, DAY, ISO_WEEK = "M", "D", "W-SUN"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_DATE = r"\d{4}-\d{2}-\d{2}"
_MONTH = re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{2})\s*$")
_ISO_WEEK = re.compile(r"^\s*(?P<year>\d{4})-?W(?P<week>\d{1,2})\s*$", re.IGNORECASE)
_WEEK_ENDING = re.compile(rf"^\s*we\s*(?P<day>{_DATE})\s*$", re.IGNORECASE)
_DAY = re.compile(rf"^\s*(?P<day>{_DATE})\s*$")
_INTERVAL = re.compile(rf"^\s*(?P<first>{_DATE})\s*/\s*(?P<last>{_DATE})\s*$")


def _refuse(message: str) -> Exception:
    from kpi.time.periods import PeriodError  # periods imports this module

    return PeriodError(message)


@dataclass(frozen=True, order=True, repr=False)
class DateSpan:
    """The days `first` to `last` (both included), as an ISO 8601 interval names them: 2017-02-04/2017-02-10.

    Like QuarterSpan it answers what the package asks of a pandas Period: start_time, end_time (the last
    nanosecond of the last day, as pandas), freqstr ('DAYS', so no check for quarters, months or years
    takes it for one), ==, < and a hash.
    """

    first: pd.Timestamp
    last: pd.Timestamp

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", pd.Timestamp(self.first).normalize())
        object.__setattr__(self, "last", pd.Timestamp(self.last).normalize())
        if self.last < self.first:
            raise _refuse(f"{self.first:%Y-%m-%d}/{self.last:%Y-%m-%d}: the interval ends before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start_time(self) -> pd.Timestamp:
        return self.first

    @property
    def end_time(self) -> pd.Timestamp:
        return self.last + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")

    @property
    def freqstr(self) -> str:
        return "DAYS"

    def __str__(self) -> str:
        return f"{self.first:%Y-%m-%d}/{self.last:%Y-%m-%d}"

    def __repr__(self) -> str:
        return f"DateSpan('{self}')"


def days(first, last) -> pd.Period | DateSpan:
    """The days first to last: one day is a day period, more are a DateSpan."""
    span = DateSpan(first, last)
    return pd.Period(span.first, freq=DAY) if span.days == 1 else span


def as_at(text: str) -> pd.Period:
    """`--as-at 2018-12-17` (or 17/12/2018): the one-day period of that date; open-work counts are
    taken at a period's end, which for a day is that day."""
    written = str(text).strip()
    try:
        day = (dt.date.fromisoformat(written) if "-" in written
               else dt.datetime.strptime(written, "%d/%m/%Y").date())
    except ValueError:
        raise _refuse(f"--as-at '{written}' is not a date (expected e.g. 2018-12-17 or 17/12/2018)") from None
    return pd.Period(day, freq=DAY)


def week_freq(week_ending: str) -> str:
    """'friday' -> 'W-FRI': the pandas frequency of weeks ending on that day."""
    day = str(week_ending).strip().lower()
    if day not in WEEKDAYS:
        raise _refuse(f"week_ending '{week_ending}' is not a day of the week ({', '.join(WEEKDAYS)})")
    return f"W-{day[:3].upper()}"


def week_of(dates: pd.Series, week_ending: str = "friday") -> pd.Series:
    """The reporting week each date (or time) falls in, as a Period ending on `week_ending`."""
    return pd.to_datetime(pd.Series(dates)).dt.to_period(week_freq(week_ending))


def latest_complete_week(last_date, week_ending: str = "friday") -> pd.Period:
    """The latest reporting week that has ended on or before `last_date`."""
    day = pd.Timestamp(last_date).normalize()
    week = day.to_period(week_freq(week_ending))
    return week if day == week.end_time.normalize() else week - 1


def weeks_ending(last_day, count: int, week_ending: str = "friday") -> list[pd.Period]:
    """The `count` reporting weeks up to the last complete one on or before `last_day`, oldest first
    (the points of a weekly chart)."""
    last = latest_complete_week(last_day, week_ending)
    return list(pd.period_range(end=last, periods=int(count), freq=last.freq))


def parse_short(text: str, week_ending: str | None = None) -> pd.Period | DateSpan | None:
    """A month, ISO week, reporting week, day or interval written as in the module docstring; None when
    the text is none of these (it may be a financial period). `week_ending` checks a we-date's weekday;
    None takes the week to end on the day written (how codes we wrote are read back)."""
    text = str(text)
    if match := _MONTH.match(text):
        if not 1 <= int(match["month"]) <= 12:
            raise _refuse(f"'{text.strip()}' is not a month (expected e.g. 2017-02)")
        return pd.Period(year=int(match["year"]), month=int(match["month"]), freq=MONTH)
    if match := _ISO_WEEK.match(text):
        try:
            monday = dt.date.fromisocalendar(int(match["year"]), int(match["week"]), 1)
        except ValueError:
            raise _refuse(f"'{text.strip()}': {match['year']} has no ISO week {int(match['week'])}") from None
        return pd.Period(monday, freq=ISO_WEEK)
    if match := _WEEK_ENDING.match(text):
        return _reporting_week(_date(match["day"], text), week_ending)
    if match := _DAY.match(text):
        return pd.Period(_date(match["day"], text), freq=DAY)
    if match := _INTERVAL.match(text):
        return days(_date(match["first"], text), _date(match["last"], text))
    return None


def _date(written: str, text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(dt.date.fromisoformat(written))
    except ValueError:
        raise _refuse(f"'{text.strip()}': {written} is not a date (expected year-month-day, e.g. 2017-02-10)") from None


def _reporting_week(last_day: pd.Timestamp, week_ending: str | None) -> pd.Period:
    """The week ending on `last_day`, which must be the configured weekday."""
    weekday = WEEKDAYS[last_day.weekday()]
    if week_ending is not None and weekday != str(week_ending).lower():
        raise _refuse(f"we{last_day:%Y-%m-%d}: {last_day:%d %B %Y} is a {weekday.title()}, but reporting weeks end "
                      f"on a {str(week_ending).title()} (week_ending in kpi.yml)")
    return pd.Period(last_day, freq=week_freq(weekday))


def short_kind(period) -> str | None:
    """'month', 'iso_week', 'week', 'day' or 'days'; None for anything else."""
    if isinstance(period, DateSpan):
        return "days"
    if not isinstance(period, pd.Period):
        return None
    freq = period.freqstr
    if freq == MONTH:
        return "month"
    if freq == DAY:
        return "day"
    if freq == ISO_WEEK:
        return "iso_week"
    if freq in {week_freq(day) for day in WEEKDAYS}:
        return "week"
    return None


def short_code(period) -> str:
    """2017-02, 2017-W06, we2017-02-10, 2018-12-17 or 2017-02-04/2017-02-10."""
    which = short_kind(period)
    if which == "month":
        return period.strftime("%Y-%m")
    if which == "iso_week":
        year, week, _ = period.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    if which == "week":
        return f"we{period.end_time:%Y-%m-%d}"
    if which == "day":
        return f"{period.start_time:%Y-%m-%d}"
    return str(period)


def short_label(period, language: str = "en") -> str:
    """'Feb 2017', '2017 week 6' / 'wythnos 6 2017', 'week ending 10 February 2017' / 'wythnos yn diweddu
    10 Chwefror 2017', '17 December 2018' / '17 Rhagfyr 2018', '4 to 10 February 2017' / '4 – 10 Chwefror 2017'."""
    from babel.dates import format_date

    locale = "cy" if language == "cy" else "en_GB"
    welsh = language == "cy"
    which = short_kind(period)
    if which == "month":
        return format_date(period.start_time.date(), "MMM y", locale=locale)
    if which == "iso_week":
        year, week, _ = period.start_time.isocalendar()
        return f"wythnos {week} {year}" if welsh else f"{year} week {week}"
    last = format_date(period.end_time.date(), "d MMMM y", locale=locale)
    if which == "week":
        return f"wythnos yn diweddu {last}" if welsh else f"week ending {last}"
    if which == "day":
        return last
    return dates_label(period, language)


def dates_label(period, language: str = "en") -> str:
    """The days a period covers in words: '4 to 10 February 2017', '28 January to 3 February 2017',
    '4 – 10 Chwefror 2017' (a dash avoids Welsh mutation after "i")."""
    from babel.dates import format_date

    locale = "cy" if language == "cy" else "en_GB"
    first, last = period.start_time.date(), period.end_time.date()
    last_text = format_date(last, "d MMMM y", locale=locale)
    if first == last:
        return last_text
    pattern = "d" if (first.year, first.month) == (last.year, last.month) else (
        "d MMMM" if first.year == last.year else "d MMMM y")
    joiner = " – " if language == "cy" else " to "
    return f"{format_date(first, pattern, locale=locale)}{joiner}{last_text}"


def short_previous(period):
    """The month, week or day before; for a span of days, the span of the same length just before."""
    if isinstance(period, DateSpan):
        return DateSpan(period.first - pd.Timedelta(days=period.days), period.first - pd.Timedelta(days=1))
    return period - 1


def short_a_year_earlier(period):
    """The same month a year earlier; the week 52 weeks earlier (so it ends on the same weekday and the
    dates fall a day or two later); the same day or dates a year earlier (29 February -> 28 February)."""
    which = short_kind(period)
    if which == "month":
        return period - 12
    if which in ("week", "iso_week"):
        return period - 52
    year = pd.DateOffset(years=1)
    if which == "day":
        return pd.Period(period.start_time - year, freq=DAY)
    return DateSpan(period.first - year, period.last - year)
