"""assessments_overdue_avg_working_days: for the assessments completed in the quarter after the timescale,
the average working days from referral to completion."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["assessments_overdue_avg_working_days"]
# Referral Mon 2 July 2018: Thu 30 Aug is working day 42 (Mon 27 Aug a bank holiday), Fri 31 Aug 43,
# Mon 3 - Fri 7 Sep 44 - 48.
ASSESSMENTS = [
    assessment("A0", "2018-03-01", "2018-06-29"),  # late, but completed before the quarter
    assessment("A1", "2018-07-02", "2018-08-30"),  # 42: in time, not counted
    assessment("A2", "2018-07-02", "2018-08-31"),  # 43: late
    assessment("A3", "2018-07-02", "2018-09-07"),  # 48: late
    assessment("A4", "2018-07-02"),  # still open: counted when completed
]


def test_average_working_days_of_the_late_assessments():
    # (43 + 48) / 2 = 45.5 working days
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}, extract_dates={"assessments": "2018-10-05"},
                                timescale=42))
    assert (tally.numerator, tally.denominator, tally.value) == (91, 2, 45.5)


def test_the_records_are_the_late_assessments_both_sides():
    counted = MEASURE.counted(period_data({"assessments": ASSESSMENTS}, extract_dates={"assessments": "2018-10-05"}))
    assert ids(counted.numerator) == ids(counted.denominator) == ["A2", "A3"]
    assert counted.numerator["working_days_to_complete"].tolist() == [43, 48]


def test_unavailable_when_none_was_late():
    # England's 45 working days: A2 (43) is in time, A3 (48) still late; 50 days: none late
    assert MEASURE(period_data({"assessments": ASSESSMENTS}, extract_dates={"assessments": "2018-10-05"},
                               timescale=45)).value == 48
    with pytest.raises(Unavailable, match="no assessment completed in the period exceeded the timescale"):
        MEASURE(period_data({"assessments": ASSESSMENTS}, extract_dates={"assessments": "2018-10-05"}, timescale=50))
