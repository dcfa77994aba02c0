"""sickness_days_per_fte: working days lost to sickness in the quarter (added up over the establishment
snapshots dated in it, each holding the days lost since the team's previous one) over the FTE of social
workers in post (funded less vacant) at its last snapshot. A team whose sickness is missing from any snapshot
of the quarter is left out of both."""

import pytest

from by_hand import establishment, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["sickness_days_per_fte"]
ESTABLISHMENT = [
    # 30 June: June's sickness, before the quarter: not counted
    establishment("2018-06-30", "North", 10, 2, sickness=9),
    establishment("2018-06-30", "South", 6, 1, sickness=7),
    establishment("2018-06-30", "East", 4, 0, sickness=8),
    establishment("2018-07-31", "North", 10, 2, sickness=4),
    establishment("2018-07-31", "South", 6, 1, sickness=3),
    establishment("2018-07-31", "East", 4, 0, sickness=1.5),
    establishment("2018-08-31", "North", 10, 2, sickness=6),
    establishment("2018-08-31", "South", 6, 1),  # South's August sickness is missing: South left out
    establishment("2018-08-31", "East", 4, 0, sickness=0),  # none lost: a real 0, East stays in
    # 30 September, the last day: counted, and the FTE in post is this snapshot's
    establishment("2018-09-30", "North", 10, 2, sickness=2),  # 8 in post
    establishment("2018-09-30", "South", 6, 1, sickness=5),
    establishment("2018-09-30", "East", 4, 0, sickness=2.5),  # 4 in post
    establishment("2018-10-31", "North", 10, 2, sickness=20),  # after the quarter
]


def test_sickness_days_over_fte_in_post():
    # North 4 + 6 + 2 = 12, East 1.5 + 0 + 2.5 = 4: 16 days over North 8 + East 4 = 12 FTE = 1.33 days per FTE
    tally = MEASURE(period_data({"establishment": ESTABLISHMENT}))
    assert (tally.numerator, tally.denominator) == (16, 12)
    assert tally.value == pytest.approx(4 / 3)


def test_the_records_are_the_snapshots_added_up_and_the_teams_in_post():
    counted = MEASURE.counted(period_data({"establishment": ESTABLISHMENT}))
    assert ids(counted.numerator) == [(day, team) for day in ("2018-07-31", "2018-08-31", "2018-09-30")
                                      for team in ("East", "North")]
    assert ids(counted.denominator) == [("2018-09-30", "East"), ("2018-09-30", "North")]


def test_unavailable_when_no_team_has_sickness_recorded_throughout():
    # South alone: its August sickness is missing, so nothing is left to count (not 8 days over 5 FTE)
    south = [row for row in ESTABLISHMENT if row["team"] == "South"]
    with pytest.raises(Unavailable, match="no FTE in post with sickness recorded in the period"):
        MEASURE(period_data({"establishment": south}))


def test_unavailable_outside_the_data_or_without_an_establishment():
    # the snapshots end on 31 October: October to December's sickness is not all there
    with pytest.raises(Unavailable, match="the establishment data do not cover this period"):
        MEASURE(period_data({"establishment": ESTABLISHMENT}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({}))
