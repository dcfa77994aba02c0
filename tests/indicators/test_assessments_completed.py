"""assessments_completed: assessments completed in the quarter."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["assessments_completed"]
ASSESSMENTS = [
    assessment("A0", "2018-03-01", "2018-03-29"),  # the data start in March
    assessment("A1", "2018-05-01", "2018-06-30"),  # completed the day before the quarter
    assessment("A2", "2018-07-01", "2018-07-01"),  # the first day of the quarter
    assessment("A3", "2018-09-03", "2018-09-30"),  # the last day
    assessment("A4", "2018-09-03", "2018-10-01"),  # the next quarter
    assessment("A5", "2018-08-01"),  # still open
]


def test_counts_the_assessments_completed_in_the_quarter():
    # A2, A3 -> 2
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, None, 2)


def test_the_records_are_the_assessments_completed():
    assert ids(MEASURE.counted(period_data({"assessments": ASSESSMENTS})).numerator) == ["A2", "A3"]


def test_a_covered_quarter_with_none_is_zero_but_outside_the_data_unavailable():
    q1 = parse_period("2018-19Q1")  # April - June: A1 only
    assert MEASURE(period_data({"assessments": ASSESSMENTS}, q1)).value == 1
    assert MEASURE(period_data({"assessments": [ASSESSMENTS[0], *ASSESSMENTS[2:]]}, q1)).value == 0  # covered: 0
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"assessments": ASSESSMENTS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource, match="no assessments data"):
        MEASURE(period_data({}))
