"""assessments_open_over_timescale: of the assessments open at the quarter's end, how many have been open
longer than the timescale (working days from referral to the quarter's last day)."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["assessments_open_over_timescale"]
# To Sun 30 September 2018: September has 20 working days; August after Tue 31 July has 22 (Mon 27 Aug is a
# bank holiday). So a referral on Tue 31 July is 42 working days old, one on Mon 30 July 43.
ASSESSMENTS = [
    assessment("A1", "2018-07-30"),  # 43: over
    assessment("A2", "2018-07-31"),  # 42: not over
    assessment("A3", "2018-07-02", "2018-10-01"),  # completed the day after the quarter: open, 43 + 20 = 63
    assessment("A4", "2018-09-01"),  # open, well within
    assessment("A5", "2018-06-29", "2018-09-28"),  # completed in the quarter: not open
]


def test_counts_those_open_past_the_timescale():
    # A1, A3 of the open A1, A2, A3, A4: 2 (a count, shown with 4 open)
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}, timescale=42))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 4, 2)


def test_the_records_are_those_past_the_timescale_among_those_open():
    counted = MEASURE.counted(period_data({"assessments": ASSESSMENTS}, timescale=42))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["A1", "A3"], ["A1", "A2", "A3", "A4"])
    assert counted.denominator["working_days_open_at_period_end"].tolist() == [43, 42, 63, 20]


def test_unavailable_outside_the_data():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"assessments": ASSESSMENTS}, parse_period("2018-19Q3")))
