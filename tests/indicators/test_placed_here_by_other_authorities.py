"""placed_here_by_other_authorities: children another authority looks after and has placed in our area, at
the end of the quarter's last day, each once (rows marked placed_by_other_authority; never counted as ours)."""

import pytest

from by_hand import episode, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["placed_here_by_other_authorities"]
OTHER = {"placed_by_other_authority": True}
EPISODES = [
    episode("O1", "L1", "2018-09-30", **OTHER),  # placed here on the last day: counted
    episode("O2", "L2", "2018-01-01", "2018-09-30", **OTHER),  # left on the last day: not counted
    episode("O3", "L3", "2018-01-01", "2018-10-01", **OTHER),  # left the day after: counted
    episode("O4", "L4", "2018-10-01", **OTHER),  # placed here the day after
    episode("E5", "L5", "2018-03-01"),  # one of ours: not counted here
    episode("O6", "L6", "2018-02-01", "2018-06-01", **OTHER),  # L6 moved to another placement here ...
    episode("O7", "L6", "2018-06-01", **OTHER),  # ... counted once
]


def test_counts_other_authorities_children_placed_here_at_the_end():
    # L1, L3, L6 -> 3
    tally = MEASURE(period_data({"looked_after": EPISODES}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, None, 3)


def test_the_records_are_their_current_episodes():
    assert ids(MEASURE.counted(period_data({"looked_after": EPISODES})).numerator) == ["O1", "O3", "O7"]


def test_they_are_not_counted_as_ours():
    # of these rows only E5 is ours
    assert MEASURES["looked_after_at_end"](period_data({"looked_after": EPISODES})).value == 1


def test_a_covered_quarter_with_none_is_zero():
    assert MEASURE(period_data({"looked_after": [EPISODES[1], EPISODES[3], EPISODES[4]]})).value == 0


def test_unavailable_outside_the_data_or_without_looked_after_children():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
