"""looked_after_new_entries: our children who started a period of care in the quarter, each once. An episode
starts a period of care when the child had no earlier episode, or the previous one ended before the day
before it began (an episode ending the day before, or the same day, is a change of placement)."""

import pytest

from by_hand import episode, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["looked_after_new_entries"]
EPISODES = [
    episode("E1", "L1", "2018-07-01"),  # first day, no earlier episode: new
    episode("E2", "L2", "2018-01-01", "2018-06-30"),  # L2's previous episode ended the day before ...
    episode("E3", "L2", "2018-07-01"),  # ... so this one continues the period of care
    episode("E4", "L3", "2018-01-01", "2018-06-29"),  # L3's previous episode ended two days before ...
    episode("E5", "L3", "2018-07-01"),  # ... a new period of care
    episode("E6", "L4", "2018-02-01", "2018-07-10"),  # L4 moved placement the same day ...
    episode("E7", "L4", "2018-07-10"),  # ... continuing
    episode("E8", "L5", "2018-06-30"),  # came into care the day before the quarter
    episode("E9", "L6", "2018-10-01"),  # the day after
    episode("E10", "L7", "2018-07-15", "2018-07-20"),  # L7 came into care, left ...
    episode("E11", "L7", "2018-09-01"),  # ... and came back: two new periods of care, one child
    episode("E12", "L8", "2018-08-01", placed_by_other_authority=True),  # another authority's child
    episode("E13", "L9", "2018-05-01"),  # L9's earlier episode is still open ...
    episode("E14", "L9", "2018-09-01"),  # ... so this one is not a new period of care
    episode("E15", "L10", "2018-09-30"),  # the last day: new
    episode("E16", "L11", "2018-01-01"),  # L11 in care since January, still open ...
    episode("E17", "L11", "2018-03-01", "2018-04-01"),  # ... an overlapping episode recorded within it ...
    episode("E18", "L11", "2018-08-01"),  # ... so this is not a new period of care (E16 is still open)
]


def test_counts_the_children_who_came_into_care():
    # L1, L3, L7, L10 -> 4 (L7 once, though it came into care twice; L11 has been in care since January)
    tally = MEASURE(period_data({"looked_after": EPISODES}))
    assert (tally.numerator, tally.denominator, tally.value) == (4, None, 4)


def test_the_records_are_each_childs_first_new_episode():
    assert ids(MEASURE.counted(period_data({"looked_after": EPISODES})).numerator) == ["E1", "E10", "E15", "E5"]


def test_a_covered_quarter_with_none_is_zero():
    # E2 - E3 (a change of placement) and E9 reach from before the quarter to after it
    assert MEASURE(period_data({"looked_after": [EPISODES[1], EPISODES[2], EPISODES[8]]})).value == 0


def test_unavailable_outside_the_data_or_without_looked_after_children():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
