"""vacancy_rate_pct: at the quarter's last establishment snapshot, the teams' vacant social worker posts (FTE)
over their funded posts (FTE), as DfE defines it: a post covered by an agency worker is still vacant."""

import pytest

from by_hand import establishment, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable

MEASURE = MEASURES["vacancy_rate_pct"]
ESTABLISHMENT = [
    establishment("2018-06-30", "North", 10, 5),  # before the quarter
    establishment("2018-08-31", "North", 10, 3),  # an earlier snapshot in the quarter: not used
    establishment("2018-08-31", "West", 5, 5),  # West is not in the last snapshot: not counted
    establishment("2018-09-28", "North", 10, 2, agency=1.5),  # agency cover: the 2 posts are still vacant
    establishment("2018-09-28", "South", 8, 0),
    establishment("2018-09-28", "East", 2, 1),
    establishment("2018-10-31", "North", 10, 9),  # after the quarter
]


def test_vacant_fte_over_funded_fte_at_the_last_snapshot():
    # 28 September: North 2 + South 0 + East 1 = 3 vacant of 10 + 8 + 2 = 20 funded: 15%
    tally = MEASURE(period_data({"establishment": ESTABLISHMENT}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, 20, 15)


def test_the_records_are_the_teams_with_vacancies_among_the_teams():
    counted = MEASURE.counted(period_data({"establishment": ESTABLISHMENT}))
    assert ids(counted.numerator) == [("2018-09-28", "East"), ("2018-09-28", "North")]
    assert ids(counted.denominator) == [("2018-09-28", "East"), ("2018-09-28", "North"), ("2018-09-28", "South")]


def test_no_vacancies_is_zero():
    # South alone: 0 vacant of 8 funded is a real 0%
    assert MEASURE(period_data({"establishment": [ESTABLISHMENT[4]]})).value == 0


def test_unavailable_without_a_snapshot_in_the_quarter():
    with pytest.raises(Unavailable, match="no establishment snapshot was taken in the period"):
        MEASURE(period_data({"establishment": [ESTABLISHMENT[0], ESTABLISHMENT[-1]]}))


def test_unavailable_without_funded_posts_or_an_establishment():
    with pytest.raises(Unavailable, match="no funded posts in the last establishment snapshot"):
        MEASURE(period_data({"establishment": [establishment("2018-09-28", "North", 0, 0)]}))
    with pytest.raises(NoSource, match="no establishment data"):
        MEASURE(period_data({}))
