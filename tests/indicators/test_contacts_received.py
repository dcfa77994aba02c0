"""contacts_received: contacts received in the quarter, from the records or from monthly totals."""

import pytest

from by_hand import Q2, contact, ids, period_data
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["contacts_received"]
CONTACTS = [
    contact("C1", "K1", "2018-06-30 23:59"),  # the day before the quarter: not counted
    contact("C2", "K2", "2018-07-01 00:00"),  # the first minute of the quarter
    contact("C3", "K3", "2018-08-15 10:00"),
    contact("C4", "K4", "2018-09-30 23:59"),  # the last minute of the quarter
    contact("C5", "K5", "2018-10-01 00:00"),  # the next quarter: not counted
]


def test_counts_the_contacts_received_in_the_quarter():
    # C2, C3, C4 -> 3 (a count: no denominator)
    tally = MEASURE(period_data({"contacts": CONTACTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, None, 3)


def test_the_records_are_the_contacts_counted():
    counted = MEASURE.counted(period_data({"contacts": CONTACTS}))
    assert ids(counted.numerator) == ["C2", "C3", "C4"] and counted.denominator is None


def test_monthly_totals_give_the_same_count():
    # June 5 and October 1 are outside; July 4 + August 3 + September 2 = 9
    months = [{"month": month, "source": "health", "contact_type": "enquiry", "count": n}
              for month, n in [("2018-06-01", 5), ("2018-07-01", 4), ("2018-08-01", 3), ("2018-09-01", 2),
                               ("2018-10-01", 1)]]
    counted = MEASURE.counted(period_data({"contact_counts": months}))
    assert counted.tally.value == 9
    assert counted.numerator["count"].tolist() == [4, 3, 2]  # one record a month


def test_unavailable_outside_the_data_or_without_contacts():
    with pytest.raises(Unavailable, match="do not cover this period"):
        MEASURE(period_data({"contacts": CONTACTS}, parse_period("2018-19Q3")))
    with pytest.raises(NoSource, match="no contacts or contact_counts data"):
        MEASURE(period_data({}, Q2))
