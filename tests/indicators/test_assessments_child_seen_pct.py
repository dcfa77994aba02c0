"""assessments_child_seen_pct: assessments completed in the quarter in which the child was seen."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["assessments_child_seen_pct"]
ASSESSMENTS = [
    assessment("A0", "2018-03-01", "2018-03-29", child_seen=True),  # completed before the quarter
    assessment("A1", "2018-07-02", "2018-08-01", child_seen=True),
    assessment("A2", "2018-07-02", "2018-08-02", child_seen=False),
    assessment("A3", "2018-07-02", "2018-08-03"),  # not recorded: counts as not seen
    assessment("A4", "2018-09-03", "2018-09-30", child_seen=True),
    assessment("A5", "2018-09-03", child_seen=True),  # still open: not yet counted
]


def test_share_in_which_the_child_was_seen():
    # A1, A4 of A1 - A4: 2 / 4 = 50%
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}, extract_dates={"assessments": "2018-10-05"}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 4, 50)


def test_the_records_are_those_seen_among_those_completed():
    counted = MEASURE.counted(period_data({"assessments": ASSESSMENTS}, extract_dates={"assessments": "2018-10-05"}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["A1", "A4"], ["A1", "A2", "A3", "A4"])


def test_a_quarter_with_no_completions_is_unavailable_not_zero():
    with pytest.raises(Unavailable, match="no assessments completed in the period"):
        MEASURE(period_data({"assessments": ASSESSMENTS}, parse_period("2018-19Q1")))
