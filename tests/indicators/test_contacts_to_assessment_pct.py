"""contacts_to_assessment_pct: the share of the quarter's contacts whose outcome was an assessment."""

import pytest

from by_hand import contact, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource

MEASURE = MEASURES["contacts_to_assessment_pct"]
CONTACTS = [
    contact("C0", "K0", "2018-06-30 09:00", outcome="assessment"),  # before the quarter
    contact("C1", "K1", "2018-07-02 09:00", decided="2018-07-02 10:00", outcome="assessment"),
    contact("C2", "K2", "2018-08-01 09:00", decided="2018-08-01 10:00", outcome="assessment"),
    contact("C3", "K3", "2018-08-02 09:00", decided="2018-08-02 10:00", outcome="advice"),
    contact("C4", "K4", "2018-09-03 09:00", decided=None),  # not decided yet: no outcome, not an assessment
    contact("C5", "K5", "2018-10-01 09:00", outcome="assessment"),  # after the quarter
]


def test_share_to_assessment():
    # C1, C2 of C1 - C4: 2 / 4 = 50%
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 4, 50)


def test_the_records_are_the_contacts_to_assessment_among_all():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["C1", "C2"], ["C1", "C2", "C3", "C4"])


def test_monthly_totals_cannot_say():
    months = [{"month": "2018-07-01", "source": "health", "contact_type": "enquiry", "count": 4}]
    with pytest.raises(NoSource, match="no contacts data"):
        MEASURE(period_data({"contact_counts": months}))
