"""looked_after_placed_outside_pct: of our children looked after at the end of the quarter, those whose
placement then is outside the authority's area ("out of county")."""

import pytest

from by_hand import episode, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["looked_after_placed_outside_pct"]
EPISODES = [
    episode("E1", "L1", "2018-03-01", placed_outside=True),  # outside: counted
    episode("E2", "L2", "2018-03-01", placed_outside=False),
    episode("E3", "L3", "2018-03-01"),  # where is not recorded: looked after, not counted as outside
    episode("E4", "L4", "2018-01-01", "2018-09-30", placed_outside=True),  # left care on the last day
    episode("E5", "L5", "2018-01-01", "2018-08-01", placed_outside=True),  # L5 was outside until 1 August ...
    episode("E6", "L5", "2018-08-01", placed_outside=False),  # ... and is inside at the end
    episode("E7", "L6", "2018-03-01", placed_outside=True, placed_by_other_authority=True),  # not ours
    episode("E8", "L7", "2018-10-01", placed_outside=True),  # came into care the day after
    episode("E9", "L8", "2018-09-30", placed_outside=True),  # came into care on the last day, outside
]


def test_share_placed_outside_the_area():
    # L1, L8 of L1, L2, L3, L5, L8: 2 / 5 = 40%
    tally = MEASURE(period_data({"looked_after": EPISODES}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 5, 40)


def test_the_records_are_the_placements_outside_among_those_at_the_end():
    counted = MEASURE.counted(period_data({"looked_after": EPISODES}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["E1", "E9"], ["E1", "E2", "E3", "E6", "E9"])


def test_unavailable_when_nobody_is_looked_after_at_the_end():
    # E4 left on the last day, E8 came the day after, E7 is another authority's: nobody to divide by
    with pytest.raises(Unavailable, match="no children looked after at the end of the period"):
        MEASURE(period_data({"looked_after": [EPISODES[3], EPISODES[6], EPISODES[7]]}))


def test_unavailable_outside_the_data_or_without_looked_after_children():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))


@pytest.mark.parametrize("order", [1, -1], ids=["E2_first", "E1_first"])
def test_of_two_placements_begun_the_same_day_the_later_episode_id_counts_whatever_the_row_order(order):
    # L1 has two open placements from 1 March (recorded twice by mistake): E2 (inside) is the later id, so
    # L1 is inside at the end: 0 / 1, whichever row comes first in the extract
    rows = [episode("E2", "L1", "2018-03-01", placed_outside=False),
            episode("E1", "L1", "2018-03-01", placed_outside=True)][::order]
    tally = MEASURE(period_data({"looked_after": rows}, extract_dates={"looked_after": "2018-10-05"}))
    assert (tally.numerator, tally.denominator) == (0, 1)
