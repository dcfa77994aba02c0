"""UK financial periods: one syntax everywhere.

`2018-19Q2` is July-September 2018 (Q1 = April-June ... Q4 = January-March);
`2018-19` is the financial year April 2018 - March 2019; `latest` is the latest complete quarter
in the data. These sit on pandas' `Q-MAR` and `Y-MAR` periods, whose year is the year in which
the financial year ends (2018-19 is 2019).

Display labels are "2018-19 Q2" in English and "Ch2 2018-19" in Welsh (chwarter = quarter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpi.errors import UnusableInput

QUARTER = "Q-MAR"
YEAR = "Y-MAR"
MONTH = "M"
Aggregation = Literal["month", "quarter", "year", "rolling_12_months"]

_PERIOD = re.compile(
    r"^\s*(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{2}|\d{4})\s*(?:Q(?P<quarter>[1-4]))?\s*$", re.IGNORECASE
)
_WELSH_QUARTER = re.compile(r"^\s*Ch\s*(?P<quarter>[1-4])\s+(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{2}|\d{4})\s*$", re.I)


class PeriodError(UnusableInput, ValueError):
    """A period written in a way we cannot read."""


def parse_period(text: str) -> pd.Period:
    """'2018-19Q2' (or '2018-19 Q2', 'Ch2 2018-19') -> a Q-MAR quarter; '2018-19' -> a Y-MAR year."""
    match = _PERIOD.match(str(text)) or _WELSH_QUARTER.match(str(text))
    if not match:
        raise PeriodError(f"'{text}' is not a financial period (expected e.g. 2018-19Q2 or 2018-19)")
    start = int(match["start"])
    end = match["end"]
    follows = int(end) == (start + 1 if len(end) == 4 else (start + 1) % 100)
    end_year = start + 1
    if not follows:
        raise PeriodError(f"'{text}' is not a financial period: {end} should follow {start}")
    if match["quarter"]:
        return pd.Period(year=end_year, quarter=int(match["quarter"]), freq=QUARTER)
    return pd.Period(year=end_year, freq=YEAR)


def parse_period_range(text: str) -> list[pd.Period]:
    """'2016-17Q4..2018-19Q3' -> every quarter from the first to the last; a single period -> [it]."""
    if ".." not in str(text):
        return [parse_period(text)]
    first, last = (parse_period(part) for part in str(text).split("..", 1))
    if first.freqstr != last.freqstr:
        raise PeriodError(f"'{text}': both ends of a range must be quarters, or both years")
    if last < first:
        raise PeriodError(f"'{text}': the range ends before it starts")
    return list(pd.period_range(first, last, freq=first.freq))


def code(period: pd.Period) -> str:
    """The syntax we write everywhere: 2018-19Q2, 2018-19, or 2018-07 for a month."""
    if _is_month(period):
        return period.strftime("%Y-%m")
    fy = financial_year_label(period)
    return f"{fy}Q{period.quarter}" if _is_quarter(period) else fy


def label(period: pd.Period, language: str = "en") -> str:
    """'2018-19 Q2' in English, 'Ch2 2018-19' in Welsh; a year is '2018-19' in both; a month 'Jul 2018'."""
    if _is_month(period):
        from babel.dates import format_date

        return format_date(period.start_time.date(), "MMM y", locale="cy" if language == "cy" else "en_GB")
    fy = financial_year_label(period)
    if not _is_quarter(period):
        return fy
    return f"Ch{period.quarter} {fy}" if language == "cy" else f"{fy} Q{period.quarter}"


def months_label(period: pd.Period, language: str = "en") -> str:
    """The months a period covers in words: 'July to September 2018', 'Gorffennaf – Medi 2018'."""
    from babel.dates import format_date

    locale = "cy" if language == "cy" else "en_GB"
    first, last = period.start_time.date(), period.end_time.date()
    first_month = format_date(first, "LLLL", locale=locale)
    last_month = format_date(last, "LLLL y", locale=locale)
    joiner = " – " if language == "cy" else " to "  # a dash avoids Welsh mutation after "i"
    if first.year != last.year:
        first_month = format_date(first, "LLLL y", locale=locale)
    return f"{first_month}{joiner}{last_month}"


def financial_year_label(period: pd.Period) -> str:
    end_year = period.qyear if _is_quarter(period) else period.year
    return f"{end_year - 1}-{end_year % 100:02d}"


def _is_quarter(period: pd.Period) -> bool:
    return period.freqstr.startswith("Q")


def _is_month(period: pd.Period) -> bool:
    return period.freqstr.startswith("M")


def quarter_of(dates: pd.Series) -> pd.Series:
    """The financial quarter each date falls in."""
    return dates.dt.to_period(QUARTER)


def bounds(period: pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and last day of a period (both inclusive, at midnight)."""
    return period.start_time.normalize(), period.end_time.normalize()


def rolling_12_months(period: pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The 12 months ending with the last day of this period."""
    end = period.end_time.normalize()
    start = (end + pd.Timedelta(days=1)) - pd.DateOffset(months=12)
    return start, end


def window(period: pd.Period, aggregation: Aggregation = "quarter") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates an indicator for `period` covers under an aggregation."""
    if aggregation == "rolling_12_months":
        return rolling_12_months(period)
    if aggregation == "year" and _is_quarter(period):
        return bounds(period.asfreq(YEAR))
    return bounds(period)


def latest_complete_quarter(last_date: pd.Timestamp) -> pd.Period:
    """The latest quarter that has ended on or before the last date the data cover."""
    day = pd.Timestamp(last_date).normalize()
    quarter = day.to_period(QUARTER)
    return quarter if day == quarter.end_time.normalize() else quarter - 1


def same_quarter_last_year(period: pd.Period) -> pd.Period:
    return period - 4 if _is_quarter(period) else period - 1


@dataclass(frozen=True)
class PeriodChoice:
    """What `--period` asked for, resolved to concrete periods."""

    periods: list[pd.Period]

    @property
    def latest(self) -> pd.Period:
        return self.periods[-1]


def resolve(text: str, last_date: pd.Timestamp | None) -> PeriodChoice:
    """Resolve a period, a range, or 'latest' (alone or as a range's end: '2016-17Q4..latest')."""
    text = str(text).strip()
    if "latest" in text.lower():
        if last_date is None or pd.isna(last_date):
            raise PeriodError("'latest' needs data with dates; none were found (run `kpi ingest` first)")
        text = re.sub("latest", code(latest_complete_quarter(last_date)), text, flags=re.IGNORECASE)
    return PeriodChoice(parse_period_range(text))
