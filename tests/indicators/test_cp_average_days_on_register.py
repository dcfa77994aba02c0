"""cp_average_days_on_register (Wales PM28): over the registrations that ended in the quarter, the days from
registration to deregistration, added up, over how many ended."""

import pytest

from by_hand import ids, period_data, registration
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["cp_average_days_on_register"]
REGISTRATIONS = [
    registration("R0", "K0", "2018-01-01", "2018-06-30"),  # ended the day before the quarter
    registration("R1", "K1", "2018-03-01", "2018-07-01"),  # ended on the first day: 122 days
    registration("R2", "K2", "2018-07-02", "2018-07-02"),  # ended the day it began: 0 days, counted
    registration("R3", "K3", "2017-09-30", "2018-09-30"),  # ended on the last day: 365 days
    registration("R4", "K4", "2018-05-01", "2018-10-01"),  # ended the day after the quarter
    registration("R5", "K5", "2018-04-01"),  # still on the register: no length yet
    registration("R6", "K6", "2018-08-01", "2018-09-10"),  # 40 days
]


def test_average_days_of_the_registrations_that_ended():
    # (122 + 0 + 365 + 40) / 4 = 527 / 4 = 131.75 days
    tally = MEASURE(period_data({"child_protection": REGISTRATIONS}))
    assert (tally.numerator, tally.denominator, tally.value) == (527, 4, 131.75)


def test_the_records_are_the_ended_registrations_both_sides():
    counted = MEASURE.counted(period_data({"child_protection": REGISTRATIONS}))
    assert ids(counted.numerator) == ids(counted.denominator) == ["R1", "R2", "R3", "R6"]
    assert counted.numerator.set_index("registration_id")["days_on_register"].to_dict() == {
        "R1": 122, "R2": 0, "R3": 365, "R6": 40}


def test_unavailable_when_none_ended():
    # R4 ended the day after the quarter, R5 has not ended: nothing to average, not 0 days
    with pytest.raises(Unavailable, match="no registrations ended in the period"):
        MEASURE(period_data({"child_protection": [REGISTRATIONS[4], REGISTRATIONS[5]]}))


def test_unavailable_outside_the_data_or_without_the_register():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"child_protection": REGISTRATIONS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
