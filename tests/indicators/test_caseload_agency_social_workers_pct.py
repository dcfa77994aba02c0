"""caseload_agency_social_workers_pct: at the quarter's last caseload snapshot, as DfE defines the agency
rate: the FTE of agency social workers over the FTE of all registered social workers (agency and employed,
team managers included), among those whose agency status is recorded. kpi.yml `workforce_definition:
local` keeps the earlier one: social workers and senior practitioners, counted by head."""

import pytest

from by_hand import ids, period_data, worker
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["caseload_agency_social_workers_pct"]
CASELOADS = [
    worker("2018-08-31", "W5", "social_worker", 1.0, 20, agency=True),  # an earlier snapshot: not used
    worker("2018-09-28", "W1", "social_worker", 0.5, 11, agency=True),
    worker("2018-09-28", "W2", "senior_practitioner", 1.0, 10, agency=False),
    worker("2018-09-28", "W3", "social_worker", 0.8, 18),  # agency status not recorded: left out
    worker("2018-09-28", "W4", "team_manager", 1.0, 5, agency=False),  # a registered social worker
    worker("2018-09-28", "W6", "support_worker", 1.0, 4, agency=True),  # not a social worker
]


def test_agency_fte_over_all_social_workers_fte():
    # W1's 0.5 FTE of W1, W2, W4's 0.5 + 1.0 + 1.0 = 2.5 FTE: 20%
    tally = MEASURE(period_data({"caseloads": CASELOADS}))
    assert (tally.numerator, tally.denominator) == (0.5, 2.5) and tally.value == pytest.approx(20)


def test_the_local_definition_counts_heads():
    # W1 of W1, W2 (team managers not counted): 1 / 2 = 50%
    tally = MEASURE(period_data({"caseloads": CASELOADS}, workforce_definition="local"))
    assert (tally.numerator, tally.denominator, tally.value) == (1, 2, 50)


def test_the_records_are_the_agency_workers_among_those_recorded():
    counted = MEASURE.counted(period_data({"caseloads": CASELOADS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["W1"], ["W1", "W2", "W4"])


def test_unavailable_when_no_agency_status_is_recorded():
    with pytest.raises(Unavailable, match="no social workers with agency status recorded"):
        MEASURE(period_data({"caseloads": [CASELOADS[3], CASELOADS[5]]}))
