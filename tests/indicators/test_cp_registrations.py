"""cp_registrations: registrations on the child protection register (child protection plans starting, in
England) in the quarter: every registration, so a child registered twice is counted twice."""

import pytest

from by_hand import ids, period_data, registration
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["cp_registrations"]
REGISTRATIONS = [
    registration("R0", "K0", "2018-06-30"),  # the day before the quarter
    registration("R1", "K1", "2018-07-01", "2018-08-01"),  # the first day: counted
    registration("R2", "K2", "2018-08-15", "2018-09-01"),  # ended in the quarter: still registered in it
    registration("R3", "K3", "2018-09-30"),  # the last day: counted
    registration("R4", "K4", "2018-10-01"),  # the day after
    registration("R5", "K1", "2018-09-10"),  # K1 registered again: a second registration, counted
    registration("R6", "K6", "2017-11-01"),  # long before, still on the register: not a registration now
]


def test_counts_the_registrations_in_the_quarter():
    # R1, R2, R3, R5 -> 4 (K1's two registrations both count)
    tally = MEASURE(period_data({"child_protection": REGISTRATIONS}))
    assert (tally.numerator, tally.denominator, tally.value) == (4, None, 4)


def test_the_records_are_the_registrations():
    assert ids(MEASURE.counted(period_data({"child_protection": REGISTRATIONS})).numerator) == ["R1", "R2", "R3", "R5"]


def test_a_covered_quarter_with_none_is_zero():
    # R0 and R4 reach from before the quarter to after it: the data cover it, and nobody was registered
    assert MEASURE(period_data({"child_protection": [REGISTRATIONS[0], REGISTRATIONS[4]]})).value == 0


def test_unavailable_outside_the_data_or_without_the_register():
    # the data end on 1 October (R4): October to December is not covered, so not 0
    with pytest.raises(Unavailable, match="the child_protection data do not cover this period"):
        MEASURE(period_data({"child_protection": REGISTRATIONS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource, match="no child_protection data"):
        MEASURE(period_data({}))
