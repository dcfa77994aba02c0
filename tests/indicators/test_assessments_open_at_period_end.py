"""assessments_open_at_period_end: assessments referred by the quarter's last day and not completed by
the end of it."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["assessments_open_at_period_end"]
ASSESSMENTS = [
    assessment("A1", "2018-09-30"),  # referred on the last day, still open: open
    assessment("A2", "2018-10-01"),  # referred the day after: not yet
    assessment("A3", "2018-09-03", "2018-09-30"),  # completed on the last day: not open
    assessment("A4", "2018-09-03", "2018-10-01"),  # completed the day after: open at 30 September
    assessment("A5", "2017-11-01"),  # referred the year before and never completed: open
    assessment("A6", "2018-01-05", "2018-02-01"),  # long finished
]


def test_counts_those_open_at_the_end_of_the_quarter():
    # A1, A4, A5 -> 3
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, None, 3)


def test_the_records_are_the_open_assessments():
    assert ids(MEASURE.counted(period_data({"assessments": ASSESSMENTS})).numerator) == ["A1", "A4", "A5"]


def test_unavailable_outside_the_data():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"assessments": ASSESSMENTS}, parse_period("2018-19Q3")))
