"""caseload_per_social_worker_fte: at the quarter's last caseload snapshot, as DfE's children's social work
workforce statistics define it: the cases held by every registered social worker (team managers and agency
workers included, support workers not) over the FTE of those holding one or more cases. kpi.yml
`workforce_definition: local` keeps the earlier one: social workers and senior practitioners, all their FTE."""

import pytest

from by_hand import ids, period_data, worker
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["caseload_per_social_worker_fte"]
CASELOADS = [
    worker("2018-08-31", "W1", "social_worker", 1.0, 30),  # an earlier snapshot: not used
    worker("2018-09-28", "W1", "social_worker", 1.0, 22),  # the last snapshot in the quarter
    worker("2018-09-28", "W2", "senior_practitioner", 0.5, 10),
    worker("2018-09-28", "W3", "team_manager", 1.0, 5),  # a registered social worker holding cases: counts
    worker("2018-09-28", "W4", "social_worker", 0.8, 18, agency=True),  # agency workers count too
    worker("2018-09-28", "W5", "social_worker", 0.6, 0),  # no cases: not in DfE's FTE
    worker("2018-09-28", "W6", "support_worker", 1.0, 9),  # not a registered social worker
    worker("2018-10-31", "W1", "social_worker", 1.0, 40),  # after the quarter
]


def test_cases_per_fte_of_the_case_holders_as_dfe_defines_it():
    # (22 + 10 + 5 + 18 + 0) / (1.0 + 0.5 + 1.0 + 0.8) = 55 / 3.3 = 16.7
    tally = MEASURE(period_data({"caseloads": CASELOADS}))
    assert (tally.numerator, tally.denominator) == (55, pytest.approx(3.3))
    assert tally.value == pytest.approx(55 / 3.3)


def test_the_local_definition_only_when_asked_for_by_name():
    # social workers and senior practitioners, all their FTE: (22 + 10 + 18 + 0) / (1.0 + 0.5 + 0.8 + 0.6) = 50 / 2.9
    tally = MEASURE(period_data({"caseloads": CASELOADS}, workforce_definition="local"))
    assert (tally.numerator, tally.denominator) == (50, pytest.approx(2.9))


def test_the_records_are_the_registered_social_workers_and_those_holding_cases():
    counted = MEASURE.counted(period_data({"caseloads": CASELOADS}))
    assert ids(counted.numerator) == ["W1", "W2", "W3", "W4", "W5"]
    assert ids(counted.denominator) == ["W1", "W2", "W3", "W4"]
    assert counted.numerator["snapshot_date"].dt.day.unique().tolist() == [28]


def test_unavailable_without_a_snapshot_or_a_social_worker_holding_cases():
    with pytest.raises(Unavailable, match="no caseload snapshot was taken in the period"):
        MEASURE(period_data({"caseloads": [worker("2018-06-30", "W1", "social_worker", 1.0, 20), CASELOADS[-1]]}))
    with pytest.raises(Unavailable, match="no social workers in the last snapshot"):
        MEASURE(period_data({"caseloads": [CASELOADS[5], CASELOADS[6]]}))  # no cases; a support worker
