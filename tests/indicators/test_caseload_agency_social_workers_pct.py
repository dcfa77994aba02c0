"""caseload_agency_social_workers_pct: at the quarter's last caseload snapshot, the case-holding social
workers who are agency staff, over those whose agency status is recorded."""

import pytest

from by_hand import ids, period_data, worker
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["caseload_agency_social_workers_pct"]
CASELOADS = [
    worker("2018-08-31", "W5", "social_worker", 1.0, 20, agency=True),  # an earlier snapshot: not used
    worker("2018-09-28", "W1", "social_worker", 1.0, 22, agency=True),
    worker("2018-09-28", "W2", "senior_practitioner", 0.5, 10, agency=False),
    worker("2018-09-28", "W3", "social_worker", 0.8, 18),  # agency status not recorded: left out
    worker("2018-09-28", "W4", "team_manager", 1.0, 5, agency=True),  # not a case holder
]


def test_share_of_agency_social_workers():
    # W1 of W1, W2: 1 / 2 = 50%
    tally = MEASURE(period_data({"caseloads": CASELOADS}))
    assert (tally.numerator, tally.denominator, tally.value) == (1, 2, 50)


def test_the_records_are_the_agency_workers_among_those_recorded():
    counted = MEASURE.counted(period_data({"caseloads": CASELOADS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["W1"], ["W1", "W2"])


def test_unavailable_when_no_agency_status_is_recorded():
    with pytest.raises(Unavailable, match="no social workers with agency status recorded"):
        MEASURE(period_data({"caseloads": [CASELOADS[3], CASELOADS[4]]}))
