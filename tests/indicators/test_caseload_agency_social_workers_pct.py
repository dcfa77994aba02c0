"""caseload_agency_social_workers_pct: at the quarter's last caseload snapshot, as DfE defines the agency
rate: the FTE of agency social workers over the FTE of all registered social workers (agency and employed,
team managers included), among those whose agency status is recorded. kpi.yml `workforce_definition:
local` keeps the earlier one: social workers and senior practitioners, counted by head."""

import pytest

from by_hand import establishment, ids, period_data, worker
from kpi.indicators.measures import MEASURES, NoSource, Unavailable

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

# ------------------------------------------------------------------ from the teams' establishment
# caseload_agency_social_workers_pct from the teams' establishment: when kpi.yml supplies it, the agency rate is
# DfE's from its last snapshot in the quarter - agency FTE over agency FTE plus the FTE of social workers in post
# (funded less vacant) - among the teams whose agency FTE is recorded. kpi.yml `workforce_definition: local`
# still counts heads in the caseload snapshot.

ESTABLISHMENT = [
    establishment("2018-08-31", "North", 10, 4, agency=4),  # an earlier snapshot: not used
    establishment("2018-09-28", "North", 10, 2, agency=1.5),  # 8 in post
    establishment("2018-09-28", "South", 6, 1, agency=0.5),  # 5 in post
    establishment("2018-09-28", "East", 4, 0),  # agency FTE not recorded: left out
    establishment("2018-09-28", "West", 3, 1, agency=0),  # 2 in post, no agency cover
    establishment("2018-10-31", "North", 10, 9, agency=9),  # after the quarter
]
CASELOADS_BESIDE = [  # the caseload snapshot on its own would give 0.5 / 2.5 FTE = 20% (DfE), 1 / 2 heads (local)
    worker("2018-09-28", "W1", "social_worker", 0.5, 11, agency=True),
    worker("2018-09-28", "W2", "senior_practitioner", 1.0, 10, agency=False),
    worker("2018-09-28", "W3", "social_worker", 0.8, 18),
    worker("2018-09-28", "W4", "team_manager", 1.0, 5, agency=False),
]


def test_agency_fte_over_agency_and_in_post_fte_from_the_establishment():
    # 28 September, North, South, West: agency 1.5 + 0.5 + 0 = 2 over 2 + in post (8 + 5 + 2 = 15) = 17: 11.8%
    tally = MEASURE(period_data({"establishment": ESTABLISHMENT, "caseloads": CASELOADS_BESIDE}))
    assert (tally.numerator, tally.denominator) == (2, 17)
    assert tally.value == pytest.approx(200 / 17)


def test_the_establishment_alone_is_enough():
    assert MEASURE(period_data({"establishment": ESTABLISHMENT})).value == pytest.approx(200 / 17)


def test_the_records_are_the_teams_with_agency_cover_among_those_recorded():
    # East, its agency FTE missing, is in neither; West (0 agency) only among those recorded
    counted = MEASURE.counted(period_data({"establishment": ESTABLISHMENT, "caseloads": CASELOADS_BESIDE}))
    assert ids(counted.numerator) == [("2018-09-28", "North"), ("2018-09-28", "South")]
    assert ids(counted.denominator) == [("2018-09-28", "North"), ("2018-09-28", "South"), ("2018-09-28", "West")]


def test_the_local_definition_still_counts_heads_in_the_caseload_snapshot():
    # W1 of W1, W2 (W3's status not recorded, team managers not counted): 1 / 2 = 50%
    counted = MEASURE.counted(period_data({"establishment": ESTABLISHMENT, "caseloads": CASELOADS_BESIDE},
                                          workforce_definition="local"))
    assert (counted.tally.numerator, counted.tally.denominator, counted.tally.value) == (1, 2, 50)
    assert (ids(counted.numerator), ids(counted.denominator)) == (["W1"], ["W1", "W2"])
    with pytest.raises(NoSource, match="no caseloads data"):
        MEASURE(period_data({"establishment": ESTABLISHMENT}, workforce_definition="local"))


def test_unavailable_when_no_agency_fte_is_recorded():
    # East alone: its agency FTE is missing, so nothing is known (not 0%)
    with pytest.raises(Unavailable, match="no social workers in post or agency in the last establishment snapshot"):
        MEASURE(period_data({"establishment": [ESTABLISHMENT[3]], "caseloads": CASELOADS_BESIDE}))


def test_unavailable_without_an_establishment_snapshot_in_the_quarter():
    # the establishment is supplied, so the rate is its: with snapshots only in June and October it is not
    # known for the quarter (not taken from the caseload snapshot instead)
    before = establishment("2018-06-30", "North", 10, 2, agency=1)
    with pytest.raises(Unavailable, match="no establishment snapshot was taken in the period"):
        MEASURE(period_data({"establishment": [before, ESTABLISHMENT[-1]], "caseloads": CASELOADS_BESIDE}))
