"""contacts_decided_within_1wd_pct: contacts decided on the day received or the next working day."""

import pytest

from by_hand import contact, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource

MEASURE = MEASURES["contacts_decided_within_1wd_pct"]
CONTACTS = [
    contact("C0", "K0", "2018-06-29 09:00", decided="2018-06-29 10:00"),  # before the quarter
    contact("C1", "K1", "2018-07-02 09:00", decided="2018-07-02 15:00"),  # Mon, same day: 0 working days
    contact("C2", "K2", "2018-07-06 17:00", decided="2018-07-09 09:00"),  # Fri -> Mon over a weekend: 1
    contact("C3", "K3", "2018-07-03 10:00", decided="2018-07-05 09:00"),  # Tue -> Thu: 2, late
    contact("C4", "K4", "2018-08-24 16:00", decided="2018-08-28 09:00"),  # Fri -> Tue, Mon 27 Aug a bank holiday: 1
    contact("C5", "K5", "2018-08-01 10:00", decided=None),  # never decided: not in time
    contact("C6", "K6", "2018-09-03 23:30", decided="2018-09-04 00:30"),  # by the date, not the hour: 1
    contact("C7", "K7", "2018-10-01 09:00", decided="2018-10-01 10:00"),  # after the quarter
]


def test_decided_within_one_working_day():
    # C1, C2, C4, C6 of C1 - C6: 4 / 6 = 66.7%
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator) == (4, 6)
    assert tally.value == pytest.approx(400 / 6)


def test_the_records_are_the_contacts_decided_in_time_among_all():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert ids(counted.numerator) == ["C1", "C2", "C4", "C6"]
    assert ids(counted.denominator) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert counted.denominator.set_index("contact_id")["working_days_to_decision"].to_dict() == {
        "C1": 0, "C2": 1, "C3": 2, "C4": 1, "C5": None, "C6": 1}


def test_monthly_totals_cannot_say():
    months = [{"month": "2018-07-01", "source": "health", "contact_type": "enquiry", "count": 4}]
    with pytest.raises(NoSource, match="no contacts data"):
        MEASURE(period_data({"contact_counts": months}))
