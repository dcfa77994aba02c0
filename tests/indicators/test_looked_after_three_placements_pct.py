"""looked_after_three_placements_pct: of our children looked after at the end of the quarter, those with three
or more of our episodes (placements) in the 12 months up to its last day - 1 October 2017 to 30 September 2018
for 2018-19 Q2; the placement a child was in when the 12 months began counts as one."""

import pytest

from by_hand import episode, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["looked_after_three_placements_pct"]
OTHER = {"placed_by_other_authority": True}
EPISODES = [
    # L1: 3 - E1 ended on the 12 months' first day, so it was a placement in them
    episode("E1", "L1", "2017-06-01", "2017-10-01"),
    episode("E2", "L1", "2017-10-01", "2018-03-01"),
    episode("E3", "L1", "2018-03-01"),
    # L2: 2 - E4 ended the day before the 12 months began
    episode("E4", "L2", "2017-06-01", "2017-09-30"),
    episode("E5", "L2", "2017-09-30", "2018-05-01"),
    episode("E6", "L2", "2018-05-01"),
    # L3: 3, but left care on the last day: not looked after at the end, so not counted either side
    episode("E7", "L3", "2018-01-01", "2018-02-01"),
    episode("E8", "L3", "2018-02-01", "2018-06-01"),
    episode("E9", "L3", "2018-06-01", "2018-09-30"),
    # L4: 2 - E12 began the day after the 12 months
    episode("E10", "L4", "2017-11-01", "2018-01-01"),
    episode("E11", "L4", "2018-01-01", "2018-10-01"),
    episode("E12", "L4", "2018-10-01"),
    # L5: 2 of ours - E14's row is another authority's
    episode("E13", "L5", "2018-02-01", "2018-04-01"),
    episode("E14", "L5", "2018-04-01", "2018-06-01", **OTHER),
    episode("E15", "L5", "2018-06-01"),
    # L6: 1
    episode("E16", "L6", "2018-08-01"),
    # L7: 4
    episode("E17", "L7", "2017-12-01", "2018-01-15"),
    episode("E18", "L7", "2018-01-15", "2018-03-01"),
    episode("E19", "L7", "2018-03-01", "2018-07-01"),
    episode("E20", "L7", "2018-07-01"),
]


def test_share_with_three_or_more_placements_in_the_year():
    # L1 (3), L7 (4) of L1, L2, L4, L5, L6, L7 looked after at the end: 2 / 6 = 33.3%
    tally = MEASURE(period_data({"looked_after": EPISODES}))
    assert (tally.numerator, tally.denominator) == (2, 6)
    assert tally.value == pytest.approx(100 / 3)


def test_the_records_are_the_current_episodes_of_those_who_moved_among_all_at_the_end():
    counted = MEASURE.counted(period_data({"looked_after": EPISODES}))
    assert ids(counted.numerator) == ["E20", "E3"]
    assert ids(counted.denominator) == ["E11", "E15", "E16", "E20", "E3", "E6"]


def test_unavailable_without_the_twelve_months_up_to_the_end():
    # 2017-18 Q2 would need episodes from October 2016: the data start in June 2017
    with pytest.raises(Unavailable, match="the 12 months up to the end of this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2017-18Q2")))


def test_unavailable_when_nobody_is_looked_after_at_the_end():
    # L3's three placements in the year, but it left care on the last day
    with pytest.raises(Unavailable, match="no children looked after at the end of the period"):
        MEASURE(period_data({"looked_after": [EPISODES[0], *EPISODES[6:9], EPISODES[11]]}))


def test_unavailable_outside_the_data_or_without_looked_after_children():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
