"""contacts_from_police_pct: the share of the quarter's contacts that came from the police."""

import pytest

from by_hand import contact, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["contacts_from_police_pct"]
CONTACTS = [
    contact("C0", "K0", "2018-06-30 09:00", source="police"),  # before the quarter
    contact("C1", "K1", "2018-07-02 09:00", source="police"),
    contact("C2", "K2", "2018-08-01 09:00", source="police"),
    contact("C3", "K3", "2018-08-02 09:00", source="health"),
    contact("C4", "K4", "2018-09-03 09:00", source="education"),
    contact("C5", "K5", "2018-09-04 09:00", source="other_local_authority"),
    contact("C6", "K6", "2018-10-01 09:00", source="police"),  # after the quarter
]


def test_share_from_the_police():
    # C1, C2 of C1 - C5: 2 / 5 = 40%
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 5, 40)


def test_the_records_are_the_police_contacts_among_all():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["C1", "C2"], ["C1", "C2", "C3", "C4", "C5"])


def test_monthly_totals_give_the_same_share():
    # July: 2 police, 1 health; September: 3 health -> 2 / 6
    months = [{"month": m, "source": s, "contact_type": "enquiry", "count": n}
              for m, s, n in [("2018-06-01", "police", 9), ("2018-07-01", "police", 2), ("2018-07-01", "health", 1),
                              ("2018-09-01", "health", 3)]]
    tally = MEASURE(period_data({"contact_counts": months}))
    assert (tally.numerator, tally.denominator) == (2, 6)


def test_a_quarter_with_no_contacts_is_unavailable_not_zero():
    with pytest.raises(Unavailable, match="no contacts received in the period"):
        MEASURE(period_data({"contacts": [CONTACTS[0], CONTACTS[-1]]}))
