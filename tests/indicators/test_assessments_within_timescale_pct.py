"""assessments_within_timescale_pct: assessments completed in the quarter within the timescale (42 working
days from referral in Wales, 45 in England), over all completed in the quarter."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable
from kpi.time.periods import parse_period

MEASURE = MEASURES["assessments_within_timescale_pct"]
# Referral Mon 2 July 2018. Working days after it: 3-6 Jul (4), then 5 a week to Fri 24 Aug (39); Mon
# 27 August 2018 is a bank holiday, so Tue 28 = 40, Wed 29 = 41, Thu 30 = 42, Fri 31 = 43.
ASSESSMENTS = [
    assessment("A0", "2018-03-01", "2018-03-29"),  # completed before the quarter (and 2018-19 Q1)
    assessment("A1", "2018-07-02", "2018-08-30"),  # 42 working days: in time
    assessment("A2", "2018-07-02", "2018-08-31"),  # 43: late in Wales, in time in England
    assessment("A3", "2018-09-03", "2018-09-03"),  # completed on the day of referral: 0, in time
    assessment("A4", "2018-09-20", "2018-10-10"),  # completed after the quarter
]


def test_within_42_working_days():
    # A1, A3 of A1, A2, A3: 2 / 3 = 66.7%
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}, timescale=42))
    assert (tally.numerator, tally.denominator) == (2, 3)
    assert tally.value == pytest.approx(200 / 3)


def test_the_timescale_comes_from_the_settings():
    # England, 45 working days: A1, A2, A3 of 3 = 100%
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}, timescale=45))
    assert (tally.numerator, tally.denominator, tally.value) == (3, 3, 100)


def test_the_records_are_those_in_time_among_those_completed():
    counted = MEASURE.counted(period_data({"assessments": ASSESSMENTS}, timescale=42))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["A1", "A3"], ["A1", "A2", "A3"])
    assert counted.denominator["working_days_to_complete"].tolist() == [42, 43, 0]


def test_a_quarter_with_no_completions_is_unavailable_not_zero():
    with pytest.raises(Unavailable, match="no assessments completed in the period"):
        MEASURE(period_data({"assessments": ASSESSMENTS}, parse_period("2018-19Q1")))  # April - June: none


def test_in_england_the_timescale_counts_from_the_start_of_the_assessment():
    # The CIN census (Data to Insight's rule 8670Q) counts from the assessment's start: A1 started on Wed 4 July,
    # two working days after its referral, so it took 40 working days (in time); A2 started on 2 July, 43 (late);
    # A3 has no start recorded, so it cannot be shown to be in time. 1 of 3.
    started = [ASSESSMENTS[0],  # completed before the quarter (the extract reaches back before it)
               assessment("A1", "2018-07-02", "2018-08-30", start_date="2018-07-04"),
               assessment("A2", "2018-07-02", "2018-08-31", start_date="2018-07-02"),
               assessment("A3", "2018-09-03", "2018-09-03"),
               ASSESSMENTS[-1]]  # completed after the quarter (the extract reaches past it)
    tally = MEASURE(period_data({"assessments": started}, timescale=42, timescale_from="start"))
    assert (tally.numerator, tally.denominator) == (1, 3)
    counted = MEASURE.counted(period_data({"assessments": started}, timescale=42, timescale_from="start"))
    days = counted.denominator.set_index("assessment_id")["working_days_to_complete"]
    assert (days["A1"], days["A2"], ids(counted.numerator)) == (40, 43, ["A1"])
