"""referrals_from_police_pct: of the quarter's contacts that were referrals, the share from the police (DfE's
referrals by source)."""

import pytest

from by_hand import assessment, contact, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["referrals_from_police_pct"]
REFERRAL = {"kind": "referral"}
CONTACTS = [
    contact("C0", "K0", "2018-06-30 23:59", source="police", **REFERRAL),  # the minute before the quarter
    contact("C1", "K1", "2018-07-01 00:00", source="police", **REFERRAL),  # its first minute: counted
    contact("C2", "K2", "2018-08-01 09:00", source="police"),  # from the police, but an enquiry
    contact("C3", "K3", "2018-08-02 09:00", source="health", **REFERRAL),
    contact("C4", "K4", "2018-09-03 09:00", source="education", **REFERRAL),
    contact("C5", "K5", "2018-09-04 09:00", source="police", kind="information_only"),  # not a referral
    contact("C6", "K6", "2018-09-30 23:59", source="police", **REFERRAL),  # its last minute: counted
    contact("C7", "K7", "2018-10-01 00:00", source="police", **REFERRAL),  # after the quarter
]


def test_share_of_referrals_from_the_police():
    # C1, C6 of the referrals C1, C3, C4, C6 (C2 and C5 are not referrals): 2 / 4 = 50%
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (2, 4, 50)


def test_the_records_are_the_police_referrals_among_the_referrals():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["C1", "C6"], ["C1", "C3", "C4", "C6"])


def test_monthly_totals_give_the_share_too():
    # July: 2 police referrals (the 4 police enquiries are not referrals); August: 3 health referrals;
    # September: 1 police referral; June and October are outside the quarter -> 3 / 6 = 50%
    months = [{"month": m, "source": s, "contact_type": t, "count": n}
              for m, s, t, n in [("2018-06-01", "police", "referral", 5), ("2018-07-01", "police", "referral", 2),
                                 ("2018-07-01", "police", "enquiry", 4), ("2018-08-01", "health", "referral", 3),
                                 ("2018-09-01", "police", "referral", 1), ("2018-10-01", "police", "referral", 7)]]
    tally = MEASURE(period_data({"contact_counts": months}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, 6, 50)


def test_a_quarter_with_no_referrals_is_unavailable_not_zero():
    # C2 and C5 came from the police in the quarter, but neither is a referral
    with pytest.raises(Unavailable, match="no referrals received in the period"):
        MEASURE(period_data({"contacts": [CONTACTS[0], CONTACTS[2], CONTACTS[5], CONTACTS[7]]}))


def test_unavailable_outside_the_data_or_without_contacts():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"contacts": CONTACTS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource):
        MEASURE(period_data({"assessments": [assessment("A1", "2018-07-02")]}))
