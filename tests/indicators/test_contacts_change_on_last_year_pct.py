"""contacts_change_on_last_year_pct: contacts this quarter against the same quarter a year earlier."""

import pytest

from by_hand import contact, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["contacts_change_on_last_year_pct"]
CONTACTS = [
    contact("L1", "K1", "2017-07-01 09:00"),  # a year earlier: 2 contacts in July - September 2017
    contact("L2", "K2", "2017-09-30 16:00"),
    contact("L3", "K3", "2017-10-01 09:00"),  # 2017-18 Q3: not last year's quarter
    contact("C1", "K1", "2018-07-02 09:00"),  # this quarter: 3 contacts
    contact("C2", "K4", "2018-08-01 09:00"),
    contact("C3", "K5", "2018-09-28 09:00"),
    contact("C4", "K6", "2018-10-01 09:00"),  # the next quarter
]


def test_change_on_the_same_quarter_a_year_earlier():
    # (3 / 2 - 1) x 100 = +50%; the numerator is this year's count, the denominator last year's
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, 2, 50)


def test_the_records_are_this_years_and_last_years_contacts():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["C1", "C2", "C3"], ["L1", "L2"])


def test_unavailable_without_last_years_data_or_contacts():
    this_year_only = [contact("C0", "K0", "2018-06-30 09:00"), *CONTACTS[3:]]  # the data start in June 2018
    with pytest.raises(Unavailable, match="do not cover this period a year earlier"):
        MEASURE(period_data({"contacts": this_year_only}))
    quiet_year = [contact("L0", "K0", "2017-06-30 09:00"), *CONTACTS[2:]]  # covered, but no contact in it
    with pytest.raises(Unavailable, match="no contacts in the same period a year earlier"):
        MEASURE(period_data({"contacts": quiet_year}))
