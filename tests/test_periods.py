"""UK financial periods: one syntax, the right months, Welsh labels."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.periods import (PeriodError, bounds, code, label, latest_complete_quarter, parse_period,
                         parse_period_range, resolve, rolling_12_months)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2018-19Q1", "2018-04-01", "2018-06-30"),
    ("2018-19Q2", "2018-07-01", "2018-09-30"),
    ("2018-19Q3", "2018-10-01", "2018-12-31"),
    ("2018-19Q4", "2019-01-01", "2019-03-31"),
    ("2018-19", "2018-04-01", "2019-03-31"),
    ("2019-20Q4", "2020-01-01", "2020-03-31"),  # a leap year's February is inside
    ("1999-00Q1", "1999-04-01", "1999-06-30"),  # the century turns
])
def test_periods_cover_the_right_days(text, first, last):
    assert bounds(parse_period(text)) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("text", ["2018-19 Q2", "2018/19Q2", "2018-2019Q2", "Ch2 2018-19", "2018-19q2"])
def test_other_spellings_of_a_quarter(text):
    assert code(parse_period(text)) == "2018-19Q2"


@pytest.mark.parametrize("text", ["2018-20Q2", "2018-19Q5", "Q2 2018", "July 2018", ""])
def test_impossible_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_labels_in_english_and_welsh():
    quarter = parse_period("2018-19Q2")
    assert label(quarter) == "2018-19 Q2"
    assert label(quarter, "cy") == "Ch2 2018-19"
    assert label(parse_period("2018-19")) == "2018-19"


def test_range_gives_every_quarter():
    quarters = parse_period_range("2016-17Q4..2018-19Q3")
    assert [code(q) for q in quarters][:3] == ["2016-17Q4", "2017-18Q1", "2017-18Q2"]
    assert len(quarters) == 8
    assert code(quarters[-1]) == "2018-19Q3"


def test_range_backwards_or_mixed_is_refused():
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period_range("2018-19Q3..2016-17Q4")
    with pytest.raises(PeriodError, match="both ends"):
        parse_period_range("2017-18..2018-19Q3")


def test_latest_is_the_last_complete_quarter():
    assert code(latest_complete_quarter(pd.Timestamp("2018-12-31 16:00"))) == "2018-19Q3"
    assert code(latest_complete_quarter(pd.Timestamp("2018-12-30"))) == "2018-19Q2"
    assert [code(p) for p in resolve("latest", pd.Timestamp("2019-01-05")).periods] == ["2018-19Q3"]
    assert len(resolve("2017-18Q4..latest", pd.Timestamp("2019-01-05")).periods) == 4


def test_latest_without_data_is_refused():
    with pytest.raises(PeriodError, match="run `kpi ingest` first"):
        resolve("latest", None)


def test_rolling_twelve_months_ends_with_the_period():
    assert rolling_12_months(parse_period("2018-19Q2")) == (pd.Timestamp("2017-10-01"), pd.Timestamp("2018-09-30"))
