"""assessments_language_recorded_pct: assessments referred in the quarter with a language preference
recorded (English, Welsh or other; "not recorded" is not)."""

import pytest

from by_hand import assessment, ids, period_data
from kpi.indicators.measures import MEASURES, Unavailable

MEASURE = MEASURES["assessments_language_recorded_pct"]
ASSESSMENTS = [
    assessment("A0", "2018-06-30", "2018-07-02", language="english"),  # referred the day before the quarter
    assessment("A1", "2018-07-01", language="welsh"),  # referred in the quarter, whether completed or not
    assessment("A2", "2018-07-02", "2018-08-01", language="english"),
    assessment("A3", "2018-08-01", language="other"),
    assessment("A4", "2018-09-03", language="not_recorded"),
    assessment("A5", "2018-09-30"),  # no language given: not recorded
    assessment("A6", "2018-10-01", language="welsh"),  # referred after the quarter
]


def test_share_with_a_language_recorded():
    # A1, A2, A3 of A1 - A5: 3 / 5 = 60%
    tally = MEASURE(period_data({"assessments": ASSESSMENTS}))
    assert (tally.numerator, tally.denominator, tally.value) == (3, 5, 60)


def test_the_records_are_those_recorded_among_those_referred():
    counted = MEASURE.counted(period_data({"assessments": ASSESSMENTS}))
    assert (ids(counted.numerator), ids(counted.denominator)) == (["A1", "A2", "A3"], ["A1", "A2", "A3", "A4", "A5"])


def test_a_quarter_with_no_referrals_is_unavailable_not_zero():
    with pytest.raises(Unavailable, match="no assessments referred in the period"):
        MEASURE(period_data({"assessments": [ASSESSMENTS[0], ASSESSMENTS[-1]]}))
