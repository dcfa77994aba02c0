"""strategy_discussions_within_timescale_pct: of the strategy discussions about concerns raised in the
quarter, those held within kpi.yml's timescale (strategy_discussion_working_days: 1 unless set), counted in
working days from the concern (working days in (concern, discussion]: the same day is 0). A discussion not
yet held is not held in time."""

import pytest

from by_hand import discussion, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["strategy_discussions_within_timescale_pct"]
DISCUSSIONS = [
    discussion("S0", "K0", "2018-06-29", "2018-07-02"),  # concern the Friday before the quarter: not counted
    discussion("S1", "K1", "2018-07-02", "2018-07-02", contact_id="C1"),  # Mon -> the same day: 0, in time
    discussion("S2", "K2", "2018-07-06", "2018-07-09"),  # Fri -> Mon: 1, in time
    discussion("S3", "K3", "2018-07-10", "2018-07-12"),  # Tue -> Thu: 2, late
    discussion("S4", "K4", "2018-08-24", "2018-08-28"),  # Fri -> Tue after the bank holiday (27 Aug): 1, in time
    discussion("S5", "K5", "2018-09-28"),  # not yet held: not in time
    discussion("S6", "K6", "2018-09-30", "2018-10-01"),  # concern on the last day (Sun), held Mon: 1, in time
    discussion("S7", "K7", "2018-07-01", "2018-07-03"),  # concern on the first day (Sun), held Tue: 2, late
    discussion("S8", "K8", "2018-10-01", "2018-10-01"),  # concern after the quarter
]


def test_share_held_within_the_timescale():
    # S1, S2, S4, S6 of S1 - S7: 4 / 7 = 57.1%
    tally = MEASURE(period_data({"strategy_discussions": DISCUSSIONS}))
    assert (tally.numerator, tally.denominator) == (4, 7)
    assert tally.value == pytest.approx(400 / 7)


def test_a_longer_local_timescale():
    # 2 working days: S3 and S7 are in time as well; S5, not yet held, is still not: 6 / 7
    tally = MEASURE(period_data({"strategy_discussions": DISCUSSIONS}, strategy_timescale=2))
    assert (tally.numerator, tally.denominator) == (6, 7)


def test_the_records_are_those_in_time_among_the_concerns():
    counted = MEASURE.counted(period_data({"strategy_discussions": DISCUSSIONS}))
    assert ids(counted.numerator) == ["S1", "S2", "S4", "S6"]
    assert ids(counted.denominator) == ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]
    days = counted.denominator.set_index("discussion_id")["working_days_to_discussion"]
    assert days.drop("S5").to_dict() == {"S1": 0, "S2": 1, "S3": 2, "S4": 1, "S6": 1, "S7": 2}
    assert days.isna()["S5"]


def test_a_quarter_with_no_concerns_is_unavailable_not_zero():
    # S0 and S8 reach from before the quarter to after it, but no concern was raised in it
    with pytest.raises(Unavailable, match="no strategy discussions about concerns raised in the period"):
        MEASURE(period_data({"strategy_discussions": [DISCUSSIONS[0], DISCUSSIONS[-1]]}))


def test_unavailable_outside_the_data_or_without_strategy_discussions():
    with pytest.raises(Unavailable, match="the strategy_discussions data do not cover this period"):
        MEASURE(period_data({"strategy_discussions": DISCUSSIONS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource, match="no strategy_discussions data"):
        MEASURE(period_data({}))
