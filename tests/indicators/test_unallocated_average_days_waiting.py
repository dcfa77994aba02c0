"""unallocated_average_days_waiting: for the cases waiting for a worker at the end of the quarter (opened by
its last day, not allocated or closed by then), the calendar days from opening to that last day, on average."""

import pytest

from by_hand import case, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["unallocated_average_days_waiting"]
CASES = [
    case("U1", "2018-09-30"),  # opened on the last day: waiting 0 days
    case("U2", "2018-10-01"),  # opened the day after
    case("U3", "2018-09-01", allocated="2018-09-30"),  # allocated on the last day: not waiting
    case("U4", "2018-09-01", allocated="2018-10-01"),  # allocated the day after: 29 days
    case("U5", "2018-06-01", closed="2018-09-30"),  # closed on the last day: not waiting
    case("U6", "2018-06-01", closed="2018-10-02"),  # closed after the quarter: 121 days
    case("U7", "2018-03-01", allocated="2018-03-05"),  # allocated long before
    case("U8", "2017-09-30"),  # never allocated: 365 days
]


def test_average_days_waiting():
    # (0 + 29 + 121 + 365) / 4 = 515 / 4 = 128.75 days
    tally = MEASURE(period_data({"allocations": CASES}))
    assert (tally.numerator, tally.denominator, tally.value) == (515, 4, 128.75)


def test_the_records_are_the_waiting_cases_both_sides():
    counted = MEASURE.counted(period_data({"allocations": CASES}))
    assert ids(counted.numerator) == ids(counted.denominator) == ["U1", "U4", "U6", "U8"]
    assert counted.numerator.set_index("case_id")["days_waiting"].to_dict() == {
        "U1": 0, "U4": 29, "U6": 121, "U8": 365}


def test_unavailable_when_no_case_is_waiting():
    # every case allocated or closed by 30 September: no average wait, not 0 days
    with pytest.raises(Unavailable, match="no cases were waiting for a worker at the end of the period"):
        MEASURE(period_data({"allocations": [CASES[1], CASES[2], CASES[4], CASES[6]]}))


def test_unavailable_outside_the_data_or_without_allocations():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"allocations": CASES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
