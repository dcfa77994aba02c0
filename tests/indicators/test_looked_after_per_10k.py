"""looked_after_per_10k: our children looked after at the end of the quarter per 10,000 children living in
the area (kpi.yml child_population, the ONS mid-year estimate of children aged 0 to 17)."""

import pytest

from by_hand import episode, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["looked_after_per_10k"]
EPISODES = [
    episode("E0", "L0", "2018-01-01", "2018-09-30"),  # left care on the last day: not counted
    episode("E1", "L1", "2018-09-30"),  # came into care on the last day: counted
    episode("E2", "L2", "2017-05-01", "2018-10-01"),  # left the day after: counted
    episode("E3", "L3", "2016-04-01", "2018-07-01"),  # L3 moved on 1 July ...
    episode("E4", "L3", "2018-07-01"),  # ... counted once
    episode("E5", "L5", "2018-02-01", placed_by_other_authority=True),  # another authority's child
    episode("E6", "L6", "2018-10-01"),  # came into care the day after
]


def test_children_looked_after_per_10000_children():
    # L1, L2, L3 = 3 children of 2,500: 3 / 2,500 x 10,000 = 12 per 10,000
    tally = MEASURE(period_data({"looked_after": EPISODES}, child_population=2500))
    assert (tally.numerator, tally.denominator) == (3, 2500) and tally.value == pytest.approx(12)


def test_the_records_are_the_children_looked_after():
    counted = MEASURE.counted(period_data({"looked_after": EPISODES}, child_population=2500))
    assert ids(counted.numerator) == ["E1", "E2", "E4"]


def test_unavailable_without_the_child_population():
    # a rate per nobody is not 0 (nor infinite): kpi.yml must give the population
    for population in (None, 0):
        with pytest.raises(Unavailable, match="no child population in kpi.yml"):
            MEASURE(period_data({"looked_after": EPISODES}, child_population=population))


def test_unavailable_outside_the_data_or_without_looked_after_children():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"looked_after": EPISODES}, parse_period("2018-19Q3"), child_population=2500))
    with pytest.raises(NoSource):
        MEASURE(period_data({}, child_population=2500))
