"""Each indicator on a table small enough to check by hand (the working is in the comments)."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.indicators.measures import MEASURES, PeriodData, Settings, Unavailable
from kpi.time.periods import bounds, parse_period
from kpi.data.processed import ProcessedData
from tables import assessment, canonical, contact, worker

Q2 = parse_period("2018-19Q2")  # July - September 2018


def _run(indicator_id, data: ProcessedData, period=Q2, **settings):
    start, end = bounds(period)
    return MEASURES[indicator_id](PeriodData(data.tables, data.spans, start, end, Settings(**settings)))


@pytest.fixture
def assessments_data():
    rows = [
        # Referral Monday 2 July 2018. Working days after it: 3-6 Jul (4), then 5 a week to Fri 24 Aug (39);
        # Monday 27 August 2018 is a bank holiday, so Tue 28 = 40, Wed 29 = 41, Thu 30 = 42.
        assessment("A1", "2018-07-02", "2018-08-30", child_seen=True, language="welsh"),  # 42: in time
        assessment("A2", "2018-07-02", "2018-08-31", language="not_recorded"),  # 43: late
        assessment("A3", "2018-09-03", "2018-09-03", child_seen=False, language="english"),  # 0: in time
        assessment("A4", "2018-06-01", None, language="english"),  # still open, far past 42 days
        assessment("A5", "2018-06-15", "2018-10-05", language="english"),  # open at 30 Sep, past 42 days
        assessment("A6", "2018-09-20", "2018-10-10", language="other"),  # open at 30 Sep, within 42 days
        assessment("A0", "2018-01-05", "2018-02-01", language="english"),  # history: the data start 5 Jan
    ]
    return ProcessedData.from_tables({"assessments": canonical("assessments", rows)})


def test_assessments_within_timescale_counts_bank_holidays(assessments_data):
    tally = _run("assessments_within_timescale_pct", assessments_data, timescale=42)
    assert (tally.numerator, tally.denominator) == (2, 3)  # A1 and A3 of A1, A2, A3
    assert tally.value == pytest.approx(200 / 3)


def test_timescale_comes_from_settings(assessments_data):
    tally = _run("assessments_within_timescale_pct", assessments_data, timescale=45)
    assert (tally.numerator, tally.denominator) == (3, 3)


def test_assessments_completed_and_overdue_average(assessments_data):
    assert _run("assessments_completed", assessments_data).value == 3
    overdue = _run("assessments_overdue_avg_working_days", assessments_data, timescale=42)
    assert (overdue.numerator, overdue.denominator, overdue.value) == (43, 1, 43)


def test_open_assessments_at_period_end(assessments_data):
    assert _run("assessments_open_at_period_end", assessments_data).value == 3  # A4, A5, A6
    over = _run("assessments_open_over_timescale", assessments_data, timescale=42)
    assert (over.numerator, over.denominator) == (2, 3)  # A4 and A5


def test_child_seen_counts_not_recorded_as_not_seen(assessments_data):
    tally = _run("assessments_child_seen_pct", assessments_data)
    assert (tally.numerator, tally.denominator) == (1, 3)


def test_language_recorded_uses_assessments_referred_in_the_period(assessments_data):
    tally = _run("assessments_language_recorded_pct", assessments_data)
    assert (tally.numerator, tally.denominator) == (3, 4)  # A1 welsh, A3 english, A6 other; A2 not recorded


def test_quarter_with_no_completions_is_unavailable_not_zero(assessments_data):
    q1 = parse_period("2018-19Q1")  # April - June 2018: covered by the data, nothing completed
    assert _run("assessments_completed", assessments_data, period=q1).value == 0
    with pytest.raises(Unavailable, match="no assessments completed in the period"):
        _run("assessments_within_timescale_pct", assessments_data, period=q1)


def test_period_outside_the_data_is_unavailable(assessments_data):
    with pytest.raises(Unavailable, match="do not cover this period"):
        _run("assessments_completed", assessments_data, period=parse_period("2018-19Q4"))


def test_missing_table_is_unavailable(assessments_data):
    with pytest.raises(Unavailable, match="no caseloads data"):
        _run("caseload_per_social_worker_fte", assessments_data)


@pytest.fixture
def contacts_rows():
    return [
        contact("C1", "K1", "2018-07-06 17:00", "police", "referral", "2018-07-09 09:00"),  # Fri -> Mon: 1 wd
        contact("C2", "K2", "2018-07-10 10:00", "health", "enquiry", "2018-07-12 10:00"),  # 2 wd: late
        contact("C3", "K1", "2018-07-11 10:00", "police", "referral", "2018-07-11 15:00",  # re-referral of K1
                strategy_discussion=True, outcome="strategy"),
        contact("C4", "K3", "2018-08-01 10:00", "education", "information_only"),  # never decided
        contact("C7", "K4", "2018-09-01 10:00", "self_or_family", "referral", "2018-09-01 12:00",
                outcome="assessment"),  # K4's last referral was 16 months ago: not a re-referral
        contact("C8", "K5", "2018-09-15 10:00", "health", "referral", "2018-09-15 11:00", about="adult"),
        # History: the same quarter a year earlier (3 contacts), and K4's earlier referral.
        contact("C5", "K4", "2017-05-01 10:00", "health", "referral", "2017-05-01 11:00"),
        contact("C9", "K6", "2017-08-01 10:00", "police", "enquiry", "2017-08-01 11:00"),
        contact("C10", "K7", "2017-08-02 10:00", "police", "enquiry", "2017-08-02 11:00"),
        contact("C11", "K8", "2017-09-10 10:00", "health", "enquiry", "2017-09-11 11:00"),
        # The extract runs into the next quarter, so the data cover the whole of 2018-19 Q2.
        contact("C12", "K9", "2018-10-02 10:00", "health", "enquiry", "2018-10-02 11:00"),
    ]


@pytest.fixture
def contacts_data(contacts_rows):
    return ProcessedData.from_tables({"contacts": canonical("contacts", contacts_rows)})


def test_contact_counts_and_shares(contacts_data):
    assert _run("contacts_received", contacts_data).value == 6  # C1, C2, C3, C4, C7, C8
    police = _run("contacts_from_police_pct", contacts_data)
    assert (police.numerator, police.denominator) == (2, 6)
    decided = _run("contacts_decided_within_1wd_pct", contacts_data)
    assert (decided.numerator, decided.denominator) == (4, 6)  # C1, C3, C7, C8
    strategy = _run("contacts_to_strategy_pct", contacts_data)
    assert (strategy.numerator, strategy.denominator) == (1, 6)
    to_assessment = _run("contacts_to_assessment_pct", contacts_data)
    assert (to_assessment.numerator, to_assessment.denominator) == (1, 6)


def test_rereferrals_look_back_twelve_months_and_only_count_children(contacts_data):
    tally = _run("rereferrals_within_12m_pct", contacts_data)
    assert (tally.numerator, tally.denominator) == (1, 3)  # C3 of C1, C3, C7 (C8 is about an adult)


def test_rereferrals_need_twelve_months_of_history(contacts_data):
    with pytest.raises(Unavailable, match="12 months before this period"):
        _run("rereferrals_within_12m_pct", contacts_data, period=parse_period("2017-18Q2"))


def test_change_on_last_year(contacts_data):
    tally = _run("contacts_change_on_last_year_pct", contacts_data)
    assert (tally.numerator, tally.denominator, tally.value) == (6, 3, 100)


def test_change_on_last_year_unavailable_without_last_years_data(contacts_data):
    with pytest.raises(Unavailable, match="a year earlier"):
        _run("contacts_change_on_last_year_pct", contacts_data, period=parse_period("2017-18Q2"))


def test_monthly_contact_counts_give_the_same_counts(contacts_rows):
    contacts = canonical("contacts", contacts_rows)
    months = (contacts.assign(month=contacts["received_at"].dt.to_period("M").dt.to_timestamp())
              .groupby(["month", "source", "contact_type"]).size().rename("count").reset_index())
    data = ProcessedData.from_tables({"contact_counts": canonical("contact_counts", months.to_dict("records"))})
    assert _run("contacts_received", data).value == 6
    police = _run("contacts_from_police_pct", data)
    assert (police.numerator, police.denominator) == (2, 6)
    assert _run("contacts_change_on_last_year_pct", data).value == 100
    with pytest.raises(Unavailable, match="no contacts data"):
        _run("contacts_decided_within_1wd_pct", data)


@pytest.fixture
def caseload_data():
    rows = [
        worker("2018-06-30", "W1", "social_worker", 1.0, 30),
        worker("2018-08-31", "W1", "social_worker", 1.0, 25),
        worker("2018-09-30", "W1", "social_worker", 1.0, 22, agency=False),
        worker("2018-09-30", "W2", "senior_practitioner", 0.5, 10, agency=False),
        worker("2018-09-30", "W3", "team_manager", 1.0, 5, agency=False),
        worker("2018-09-30", "W4", "social_worker", 0.8, 18, agency=True),
    ]
    return ProcessedData.from_tables({"caseloads": canonical("caseloads", rows)})


def test_caseload_per_social_worker_uses_the_last_snapshot(caseload_data):
    tally = _run("caseload_per_social_worker_fte", caseload_data)
    assert (tally.numerator, tally.denominator) == (50, pytest.approx(2.3))  # 22 + 10 + 18 over 1 + 0.5 + 0.8
    assert tally.value == pytest.approx(50 / 2.3)


def test_workers_over_threshold_and_agency_share(caseload_data):
    over = _run("workers_over_caseload_threshold", caseload_data, caseload_threshold=20)
    assert (over.numerator, over.denominator) == (1, 3)  # W1 only; the team manager is not counted
    assert _run("workers_over_caseload_threshold", caseload_data, caseload_threshold=15).numerator == 2
    agency = _run("caseload_agency_social_workers_pct", caseload_data)
    assert (agency.numerator, agency.denominator) == (1, 3)


def test_every_catalogue_indicator_has_a_measure_and_every_measure_an_entry():
    assert set(catalogue()) == set(MEASURES)


def test_catalogue_entries_are_complete():
    for indicator in catalogue().values():
        assert indicator.title["en"] and indicator.title["cy"], indicator.id
        assert indicator.unit in ("count", "percent", "days", "ratio")
        assert indicator.polarity in ("higher_is_better", "lower_is_better", "neutral")
        if indicator.unit == "percent":
            assert indicator.denominator, f"{indicator.id} is a percentage without a denominator definition"
        if indicator.target is not None:
            assert indicator.polarity != "neutral", f"{indicator.id}: a target needs a polarity"


def test_bounds_are_whole_days():
    start, end = bounds(Q2)
    assert (start, end) == (pd.Timestamp("2018-07-01"), pd.Timestamp("2018-09-30"))
