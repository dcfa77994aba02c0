"""contacts_to_strategy_pct: the share of the quarter's contacts that led to a strategy discussion."""

import pytest

from by_hand import contact, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["contacts_to_strategy_pct"]
CONTACTS = [
    contact("C0", "K0", "2018-06-30 09:00", strategy_discussion=True),  # before the quarter
    contact("C1", "K1", "2018-07-02 09:00", strategy_discussion=True, outcome="strategy"),
    contact("C2", "K2", "2018-07-03 09:00", strategy_discussion=False, outcome="assessment"),
    contact("C3", "K3", "2018-08-01 09:00", outcome="advice"),  # not recorded: no strategy discussion
    contact("C4", "K4", "2018-09-30 09:00", strategy_discussion=True, outcome="assessment"),  # held, then assessed
    contact("C5", "K5", "2018-10-01 09:00", strategy_discussion=True),  # after the quarter
]


def test_share_to_a_strategy_discussion():
    # C1, C4 of C1 - C4: 2 / 4 = 50%
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 4, 50)


def test_the_records_are_the_strategy_discussions_among_all():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["C1", "C4"], ["C1", "C2", "C3", "C4"])


def test_a_quarter_with_no_contacts_is_unavailable_not_zero():
    with pytest.raises(Unavailable, match="no contacts received in the period"):
        MEASURE(period_data({"contacts": [CONTACTS[0], CONTACTS[-1]]}))
