"""workers_over_caseload_threshold: at the quarter's last caseload snapshot, the social workers and senior
practitioners whose caseload is over kpi.yml's caseload_threshold: per FTE (their open cases over their
FTE) unless kpi.yml says `caseload_threshold_per: worker` (their open cases as they are)."""

import pytest

from by_hand import ids, period_data, worker
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["workers_over_caseload_threshold"]
CASELOADS = [
    worker("2018-08-31", "W4", "social_worker", 1.0, 25),  # an earlier snapshot: not used
    worker("2018-09-28", "W1", "social_worker", 1.0, 22),  # 22 per FTE: over 20 either way
    worker("2018-09-28", "W2", "senior_practitioner", 0.5, 10),  # 10 cases, but 20 per FTE: exactly 20, not over
    worker("2018-09-28", "W3", "team_manager", 1.0, 21),  # over, but the threshold is about case holders
    worker("2018-09-28", "W4", "social_worker", 0.8, 18),  # 18 cases, 22.5 per FTE: over per FTE only
]


def test_counts_case_holders_over_the_threshold_per_fte():
    # W1 (22), W4 (22.5) of W1, W2, W4: 2 (a count, shown with the 3 case holders)
    tally = MEASURE(period_data({"caseloads": CASELOADS}, caseload_threshold=20))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 3, 2)
    assert MEASURE(period_data({"caseloads": CASELOADS}, caseload_threshold=19.9)).value == 3  # W2's 20 too


def test_per_worker_when_kpi_yml_says_so():
    # W1's 22 cases only: W2 holds 10 and W4 18, whatever their FTE
    tally = MEASURE(period_data({"caseloads": CASELOADS}, caseload_threshold=20, caseload_threshold_per="worker"))
    assert (tally.numerator, tally.denominator) == (1, 3)


def test_the_records_are_those_over_among_the_case_holders():
    counted = MEASURE.counted(period_data({"caseloads": CASELOADS}, caseload_threshold=20))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["W1", "W4"], ["W1", "W2", "W4"])


def test_unavailable_without_a_snapshot_in_the_quarter():
    with pytest.raises(Unavailable, match="no caseload snapshot was taken in the period"):
        MEASURE(period_data({"caseloads": [worker("2018-06-30", "W1", "social_worker", 1.0, 30)]}))
