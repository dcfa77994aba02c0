"""unallocated_cases_at_end: cases opened on or before the quarter's last day, not allocated to a worker and
not closed by the end of it."""

import pytest

from by_hand import case, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["unallocated_cases_at_end"]
CASES = [
    case("U1", "2018-09-30"),  # opened on the last day, no worker: waiting
    case("U2", "2018-10-01"),  # opened the day after
    case("U3", "2018-09-01", allocated="2018-09-30"),  # allocated on the last day: not waiting
    case("U4", "2018-09-01", allocated="2018-10-01"),  # allocated the day after: waiting at 30 September
    case("U5", "2018-06-01", closed="2018-09-30"),  # closed unallocated on the last day: no longer waiting
    case("U6", "2018-06-01", closed="2018-10-02"),  # closed after the quarter: waiting
    case("U7", "2018-03-01", allocated="2018-03-05"),  # allocated long before
    case("U8", "2017-09-30"),  # never allocated: waiting
]


def test_counts_the_cases_waiting_for_a_worker_at_the_end():
    # U1, U4, U6, U8 -> 4
    tally = MEASURE(period_data({"allocations": CASES}))
    assert (tally.numerator, tally.denominator, tally.value) == (4, None, 4)


def test_the_records_are_the_waiting_cases():
    assert ids(MEASURE.counted(period_data({"allocations": CASES})).numerator) == ["U1", "U4", "U6", "U8"]


def test_none_waiting_is_zero():
    # the data (U7 to U2) cover the quarter, and every case is allocated or closed
    assert MEASURE(period_data({"allocations": [CASES[1], CASES[2], CASES[4], CASES[6]]})).value == 0


def test_unavailable_outside_the_data_or_without_allocations():
    # the data end on 2 October: which cases waited at 31 December is not known, not 0
    with pytest.raises(Unavailable, match="the allocations data do not cover this period"):
        MEASURE(period_data({"allocations": CASES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource, match="no allocations data"):
        MEASURE(period_data({}))
