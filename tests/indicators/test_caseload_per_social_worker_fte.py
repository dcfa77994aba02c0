"""caseload_per_social_worker_fte: at the quarter's last caseload snapshot, the open cases of the case-holding
social workers (social workers and senior practitioners) over their FTE, as DfE counts cases per FTE."""

import pytest

from by_hand import ids, period_data, worker
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["caseload_per_social_worker_fte"]
CASELOADS = [
    worker("2018-08-31", "W1", "social_worker", 1.0, 30),  # an earlier snapshot: not used
    worker("2018-09-28", "W1", "social_worker", 1.0, 22),  # the last snapshot in the quarter
    worker("2018-09-28", "W2", "senior_practitioner", 0.5, 10),
    worker("2018-09-28", "W3", "team_manager", 1.0, 5),  # not a case holder
    worker("2018-09-28", "W4", "social_worker", 0.8, 18),
    worker("2018-10-31", "W1", "social_worker", 1.0, 40),  # after the quarter
]


def test_cases_per_fte_at_the_last_snapshot():
    # (22 + 10 + 18) / (1.0 + 0.5 + 0.8) = 50 / 2.3 = 21.7
    tally = MEASURE(period_data({"caseloads": CASELOADS}))
    assert (tally.numerator, tally.denominator) == (50, pytest.approx(2.3))
    assert tally.value == pytest.approx(50 / 2.3)


def test_the_records_are_the_case_holders_at_the_last_snapshot_both_sides():
    counted = MEASURE.counted(period_data({"caseloads": CASELOADS}))
    assert ids(counted.numerator) == ids(counted.denominator) == ["W1", "W2", "W4"]
    assert counted.numerator["snapshot_date"].dt.day.unique().tolist() == [28]


def test_unavailable_without_a_snapshot_or_a_social_worker():
    with pytest.raises(Unavailable, match="no caseload snapshot was taken in the period"):
        MEASURE(period_data({"caseloads": [worker("2018-06-30", "W1", "social_worker", 1.0, 20), CASELOADS[-1]]}))
    with pytest.raises(Unavailable, match="no social workers in the last snapshot"):
        MEASURE(period_data({"caseloads": [CASELOADS[3]]}))
