"""cp_on_register_at_end: children registered on or before the quarter's last day and not deregistered by
the end of it (a child counted once)."""

import pytest

from by_hand import ids, period_data, registration
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["cp_on_register_at_end"]
REGISTRATIONS = [
    registration("R1", "K1", "2018-09-30"),  # registered on the last day: on the register
    registration("R2", "K2", "2018-10-01"),  # registered the day after: not yet
    registration("R3", "K3", "2018-01-01", "2018-09-30"),  # deregistered on the last day: off
    registration("R4", "K4", "2018-01-01", "2018-10-01"),  # deregistered the day after: on at 30 September
    registration("R5", "K5", "2017-06-01"),  # registered the year before, never ended: on
    registration("R6", "K5", "2018-08-01"),  # K5 again while R5 is open: K5 is one child
    registration("R7", "K6", "2018-02-01", "2018-05-01"),  # long ended
]


def test_counts_the_children_on_the_register_at_the_end():
    # K1, K4, K5 -> 3 (K5 once, though two of its registrations are open)
    tally = MEASURE(period_data({"child_protection": REGISTRATIONS}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, None, 3)


def test_the_records_are_one_open_registration_a_child():
    # K5 by the first of its open registrations in the table, R5
    counted = MEASURE.counted(period_data({"child_protection": REGISTRATIONS}))
    assert ids(counted.numerator) == ["R1", "R4", "R5"]
    assert sorted(counted.numerator["child_id"]) == ["K1", "K4", "K5"]


def test_unavailable_outside_the_data_or_without_the_register():
    # the data end on 1 October: who is on the register at 31 December is not known, not 0
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"child_protection": REGISTRATIONS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
