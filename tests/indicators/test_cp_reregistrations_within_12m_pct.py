"""cp_reregistrations_within_12m_pct (Wales PM27): of the registrations in the quarter, those of a child whose
different, earlier registration ended on or before this registration's date and no more than 12 months
before it."""

import pytest

from by_hand import ids, period_data, registration
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["cp_reregistrations_within_12m_pct"]
REGISTRATIONS = [
    registration("H0", "K0", "2017-06-01", "2017-06-20"),  # the data start over a year before the quarter
    # Earlier registrations:
    registration("E1", "K1", "2017-09-01", "2018-07-10"),  # ended on the day K1 was registered again (R1)
    registration("E1b", "K1", "2017-06-10", "2017-08-01"),  # K1's other earlier one, also within 12 months
    registration("E2", "K2", "2017-06-15", "2017-07-11"),  # ended exactly 12 months before R2
    registration("E3", "K3", "2017-06-15", "2017-07-10"),  # ended 12 months and a day before R3
    registration("E4", "K4", "2018-05-01"),  # not ended: R4 is not a re-registration
    registration("E8", "K8", "2018-06-01", "2018-08-20"),  # ended after R9 began: not before it
    # The quarter:
    registration("R0", "K1", "2018-06-30"),  # the day before the quarter: not counted
    registration("R1", "K1", "2018-07-10"),  # re-registration (E1 ended that day)
    registration("R2", "K2", "2018-07-11"),  # re-registration (E2 ended 12 months before, to the day)
    registration("R3", "K3", "2018-07-11"),  # previous one ended more than 12 months before
    registration("R4", "K4", "2018-08-01"),  # the earlier registration has not ended
    registration("R5", "K5", "2018-08-02"),  # a first registration
    registration("R6", "K6", "2018-07-02", "2018-07-20"),  # K6 twice in the quarter: the first is not ...
    registration("R7", "K6", "2018-09-30"),  # ... the second, on the last day, is (R6 ended 20 July)
    registration("R8", "K7", "2018-09-05", "2018-09-05"),  # ended the day it began: itself is not "earlier"
    registration("R9", "K8", "2018-08-10"),  # E8 was still open that day
    registration("R10", "K1", "2018-10-01"),  # after the quarter
]


def test_share_of_registrations_that_are_re_registrations():
    # R1, R2, R7 of R1 - R9: 3 / 9 = 33.3%
    tally = MEASURE(period_data({"child_protection": REGISTRATIONS}))
    assert (tally.numerator, tally.denominator) == (3, 9)
    assert tally.value == pytest.approx(100 / 3)


def test_the_records_are_the_re_registrations_among_the_registrations():
    # R1 once, although two of K1's earlier registrations ended within the 12 months before it
    counted = MEASURE.counted(period_data({"child_protection": REGISTRATIONS}))
    assert ids(counted.numerator) == ["R1", "R2", "R7"]
    assert ids(counted.denominator) == ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"]


def test_unavailable_without_twelve_months_of_history():
    # 2017-18 Q2 would need registrations from July 2016: a count from less would be too low
    with pytest.raises(Unavailable, match="the 12 months before this period"):
        MEASURE(period_data({"child_protection": REGISTRATIONS}, parse_period("2017-18Q2")))


def test_a_quarter_with_no_registrations_is_unavailable_not_zero():
    # the data (H0 to R10) cover the quarter and the year before it, but nobody was registered in it
    with pytest.raises(Unavailable, match="no registrations on the child protection register in the period"):
        MEASURE(period_data({"child_protection": [REGISTRATIONS[0], REGISTRATIONS[-1]]}))


def test_unavailable_outside_the_data_or_without_the_register():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"child_protection": REGISTRATIONS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
