"""looked_after_at_end: our children looked after at the end of the quarter's last day - an episode started
on or before it and not ended by it - each child once; children other authorities placed here are not ours."""

import pytest

from by_hand import episode, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["looked_after_at_end"]
OTHER = {"placed_by_other_authority": True}
EPISODES = [
    episode("E1", "L1", "2018-09-30"),  # came into care on the last day: looked after
    episode("E2", "L2", "2018-10-01"),  # the day after: not yet
    episode("E3", "L3", "2018-01-01", "2018-09-30"),  # left care on the last day: not at the end of it
    episode("E4", "L4", "2018-01-01", "2018-10-01"),  # left the day after: looked after
    episode("E5", "L5", "2017-05-01", "2018-08-01"),  # L5 moved placement on 1 August ...
    episode("E6", "L5", "2018-08-01"),  # ... and is in this one: L5 once
    episode("E7", "L6", "2018-03-01", **OTHER),  # another authority's child placed here: not ours
    episode("E8", "L7", "2018-02-01", "2018-04-01"),  # left care long before
    episode("E9", "L8", "2018-06-01", placed_by_other_authority=None),  # not marked as another's: ours
    episode("E10", "L9", "2018-05-01"),  # two episodes open at once (a recording slip) ...
    episode("E11", "L9", "2018-07-15"),  # ... L9 once, in the later one
]


def test_counts_our_children_looked_after_at_the_end():
    # L1, L4, L5, L8, L9 -> 5
    tally = MEASURE(period_data({"looked_after": EPISODES}))
    assert (tally.numerator, tally.denominator, tally.value) == (5, None, 5)


def test_the_records_are_each_childs_current_episode():
    counted = MEASURE.counted(period_data({"looked_after": EPISODES}))
    assert ids(counted.numerator) == ["E1", "E11", "E4", "E6", "E9"]


def test_a_covered_quarter_with_none_is_zero():
    # E8 and E2 reach from before the quarter to after it; nobody of ours is in care at 30 September
    assert MEASURE(period_data({"looked_after": [EPISODES[7], EPISODES[1], EPISODES[6]]})).value == 0


def test_unavailable_outside_the_data_or_without_looked_after_children():
    # the data end on 1 October: who was in care at 31 December is not known, not 0
    with pytest.raises(Unavailable, match="the looked_after data do not cover this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource, match="no looked_after data"):
        MEASURE(period_data({}))
