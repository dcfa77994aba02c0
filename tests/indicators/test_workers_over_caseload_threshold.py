"""workers_over_caseload_threshold: at the quarter's last caseload snapshot, the case-holding social workers
with more open cases than the threshold (kpi.yml's caseload_threshold)."""

import pytest

from by_hand import ids, period_data, worker
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["workers_over_caseload_threshold"]
CASELOADS = [
    worker("2018-08-31", "W4", "social_worker", 1.0, 25),  # an earlier snapshot: not used
    worker("2018-09-28", "W1", "social_worker", 1.0, 22),  # over 20
    worker("2018-09-28", "W2", "senior_practitioner", 0.5, 20),  # exactly 20: not over
    worker("2018-09-28", "W3", "team_manager", 1.0, 21),  # over, but not a case holder
    worker("2018-09-28", "W4", "social_worker", 0.8, 16),
]


def test_counts_case_holders_over_the_threshold():
    # W1 of W1, W2, W4: 1 (a count, shown with the 3 case holders)
    tally = MEASURE(period_data({"caseloads": CASELOADS}, caseload_threshold=20))
    assert (tally.numerator, tally.denominator, tally.value) == (1, 3, 1)
    assert MEASURE(period_data({"caseloads": CASELOADS}, caseload_threshold=15)).value == 3  # W1, W2, W4


def test_the_records_are_those_over_among_the_case_holders():
    counted = MEASURE.counted(period_data({"caseloads": CASELOADS}, caseload_threshold=20))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["W1"], ["W1", "W2", "W4"])


def test_unavailable_without_a_snapshot_in_the_quarter():
    with pytest.raises(Unavailable, match="no caseload snapshot was taken in the period"):
        MEASURE(period_data({"caseloads": [worker("2018-06-30", "W1", "social_worker", 1.0, 30)]}))
