"""rereferrals_within_12m_pct: referrals about a child in the quarter whose child had another referral in
the 12 months before it."""

import pytest

from by_hand import contact, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["rereferrals_within_12m_pct"]
REFERRAL = {"kind": "referral"}
CONTACTS = [
    contact("H0", "K0", "2017-06-30 09:00"),  # the data start a year before the quarter
    # The year before: K1 12 months less a day before C1, K2 12 months and a day before C2.
    contact("H1", "K1", "2017-07-11 10:00", **REFERRAL),
    contact("H2", "K2", "2017-07-09 10:00", **REFERRAL),
    contact("H3", "K3", "2018-01-10 10:00"),  # an enquiry, not a referral
    contact("H4", "K4", "2018-02-01 10:00", **REFERRAL),
    # The quarter:
    contact("C1", "K1", "2018-07-10 10:00", **REFERRAL),  # re-referral
    contact("C2", "K2", "2018-07-10 10:00", **REFERRAL),  # previous referral more than 12 months before
    contact("C3", "K3", "2018-07-11 10:00", **REFERRAL),  # only an enquiry before
    contact("C4", "K4", "2018-07-12 10:00", about="adult", **REFERRAL),  # about an adult: not counted
    contact("C5", "K5", "2018-08-01 10:00", **REFERRAL),  # a first referral
    contact("C6", "K6", "2018-07-02 10:00", **REFERRAL),  # K6 twice in the quarter: the first is not ...
    contact("C7", "K6", "2018-08-15 10:00", **REFERRAL),  # ... the second is a re-referral
    contact("C8", None, "2018-09-03 10:00", **REFERRAL),  # no child id: cannot be followed, not counted
    contact("C9", "K1", "2018-09-04 10:00"),  # an enquiry: not counted
    contact("C10", "K9", "2018-10-01 10:00", **REFERRAL),  # after the quarter
]


def test_share_of_referrals_that_are_re_referrals():
    # C1, C7 of the referrals about children C1, C2, C3, C5, C6, C7: 2 / 6 = 33.3%
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator) == (2, 6)
    assert tally.value == pytest.approx(100 / 3)


def test_the_records_are_the_re_referrals_among_the_referrals():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert ids(counted.numerator) == ["C1", "C7"]
    assert ids(counted.denominator) == ["C1", "C2", "C3", "C5", "C6", "C7"]


def test_unavailable_without_twelve_months_of_history():
    # 2017-18 Q2 would need contacts from July 2016: a count from less would be too low
    with pytest.raises(Unavailable, match="12 months before this period"):
        MEASURE(period_data({"contacts": CONTACTS}, parse_period("2017-18Q2")))
