"""strategy_discussions_to_s47_pct: of the strategy discussions held in the quarter (by the date held, not the
date of the concern), those that decided on a section 47 enquiry."""

import pytest

from by_hand import discussion, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["strategy_discussions_to_s47_pct"]
DISCUSSIONS = [
    discussion("S0", "K0", "2018-06-28", "2018-06-30", s47=True),  # held the day before the quarter
    discussion("S1", "K1", "2018-06-29", "2018-07-01", s47=True),  # concern before, held on the first day: counted
    discussion("S2", "K2", "2018-07-10", "2018-07-11", s47=False),  # held, no section 47 enquiry
    discussion("S3", "K3", "2018-08-01", "2018-08-02"),  # held, outcome not recorded: held, not a s47
    discussion("S4", "K4", "2018-09-20"),  # not yet held: not counted
    discussion("S5", "K5", "2018-09-28", "2018-09-30", s47=True),  # held on the last day: counted
    discussion("S6", "K6", "2018-09-30", "2018-10-01", s47=True),  # concern in the quarter, held the day after
]


def test_share_of_discussions_held_that_led_to_a_section_47_enquiry():
    # S1, S5 of the discussions held S1, S2, S3, S5: 2 / 4 = 50%
    tally = MEASURE(period_data({"strategy_discussions": DISCUSSIONS}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 4, 50)


def test_the_records_are_the_section_47_discussions_among_those_held():
    counted = MEASURE.counted(period_data({"strategy_discussions": DISCUSSIONS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["S1", "S5"], ["S1", "S2", "S3", "S5"])


def test_a_quarter_with_no_discussion_held_is_unavailable_not_zero():
    # S4's concern was raised in the quarter, but no discussion was held in it
    with pytest.raises(Unavailable, match="no strategy discussions held in the period"):
        MEASURE(period_data({"strategy_discussions": [DISCUSSIONS[0], DISCUSSIONS[4], DISCUSSIONS[6]]}))


def test_unavailable_outside_the_data_or_without_strategy_discussions():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"strategy_discussions": DISCUSSIONS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
