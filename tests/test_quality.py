"""The data-quality checks on tables small enough to check by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpi import quality
from kpi.periods import PeriodError, parse_period
from kpi.processed import ProcessedData
from tables import assessment, canonical, contact, worker

Q1, Q2, Q3 = (parse_period(f"2018-19Q{n}") for n in (1, 2, 3))
CHILD_A = "C-" + "a" * 20
CHILD_B = "C-" + "b" * 20


# ------------------------------------------------------------------------------------------------ periods


def test_a_single_quarter_comes_with_the_quarters_before_it():
    assert quality.quarters("2018-19Q3", None, history=3) == [Q1, Q2, Q3]
    last_day = pd.Timestamp("2018-12-31")  # latest complete quarter: 2018-19 Q3
    assert quality.quarters("latest", last_day, history=2) == [Q2, Q3]


def test_a_range_or_a_year_is_taken_as_given():
    assert quality.quarters("2018-19Q1..2018-19Q2", None, history=8) == [Q1, Q2]
    assert quality.quarters("2018-19", None) == [Q1, Q2, Q3, parse_period("2018-19Q4")]
    with pytest.raises(PeriodError, match="give quarters"):
        quality.quarters("2017-18..2018-19", None)


# ------------------------------------------------------------------------------------- the ingest's files

REPORT = """table,file,sha256,rows_read,rows_accepted,rows_rejected,commonest_reasons
contacts,raw/contacts.csv,x,100,96,4,"invalid_date (3), duplicate_row (1)"
contacts,raw/contacts_old.csv,y,10,10,0,
caseloads,raw/caseloads.csv,z,50,49,1,totals_row (1)
"""
REJECTED_CONTACTS = """contact_id,source_file,source_row,column,reason,reason_code
C1,raw/contacts.csv,5,received_at,bad date,invalid_date
C2,raw/contacts.csv,9,received_at,bad date,invalid_date
C3,raw/contacts.csv,12,decision_at,bad date,invalid_date
C3,raw/contacts.csv,13,,exact duplicate of row 12,duplicate_row
"""
REJECTED_CASELOADS = """snapshot_date,source_file,source_row,column,reason,reason_code
Total,raw/caseloads.csv,51,,totals row,totals_row
"""


@pytest.fixture
def processed_dir(tmp_path):
    (tmp_path / "rejected").mkdir()
    (tmp_path / "ingest_report.csv").write_text(REPORT, encoding="utf-8")
    (tmp_path / "rejected" / "contacts.csv").write_text(REJECTED_CONTACTS, encoding="utf-8")
    (tmp_path / "rejected" / "caseloads.csv").write_text(REJECTED_CASELOADS, encoding="utf-8")
    return tmp_path


def test_ingest_by_table_adds_up_each_tables_files(processed_dir):
    table = quality.ingest_by_table(processed_dir).set_index("table")
    assert table.loc["contacts"].tolist() == [2, 110, 106, 4]
    assert table.loc["caseloads"].tolist() == [1, 50, 49, 1]


def test_rejections_by_file_gives_a_column_per_reason_for_each_file(processed_dir):
    table = quality.rejections_by_file(processed_dir)
    assert list(table.columns) == ["table", "file", "rows_read", "rows_accepted", "rows_rejected",
                                   "invalid_date", "duplicate_row", "totals_row"]  # commonest reason first
    assert table["file"].tolist() == ["raw/contacts.csv", "raw/caseloads.csv"]  # a file with none is left out
    contacts = table.iloc[0]
    assert (contacts["rows_read"], contacts["invalid_date"], contacts["duplicate_row"], contacts["totals_row"]) == (
        100, 3, 1, 0)
    assert table.iloc[1]["totals_row"] == 1


def test_rejections_by_file_when_nothing_was_rejected(tmp_path):
    assert quality.rejections_by_file(tmp_path).empty


def test_duplicate_summary_lists_rejected_and_kept_duplicates(processed_dir):
    rows = [contact("K1", CHILD_A, "2018-07-02 10:00", decided="2018-07-02 11:00", source_row=2),
            contact("K2", CHILD_A, "2018-07-02 10:00", decided="2018-07-02 12:00", source_row=3),
            contact("K3", CHILD_B, "2018-07-02 10:00", decided="2018-07-02 12:00", source_row=4)]
    data = ProcessedData.from_tables({"contacts": canonical("contacts", rows).assign(source_row=[2, 3, 4])})
    summary = quality.duplicate_summary(processed_dir, data)
    found = {(r.table, r.what_happened): r.rows for r in summary.itertuples()}
    assert found == {("contacts", "rejected at ingest"): 1, ("contacts", "kept: check in the system"): 2}


# ------------------------------------------------------------------------------------------- completeness


@pytest.fixture
def assessments_data():
    rows = [
        # 2018-19 Q1 (referred April-June): one of two with a language; both completed, child seen recorded once.
        assessment("A1", "2018-04-10", "2018-05-01", language="welsh", child_seen=True, start_date="2018-04-11"),
        assessment("A2", "2018-05-10", "2018-06-01", language="not_recorded", start_date="2018-05-11"),
        # 2018-19 Q2: every language recorded; A4 is still open, so whether the child was seen is not asked yet.
        assessment("A3", "2018-07-10", "2018-08-01", language="english", child_seen=False, team="South",
                   start_date="2018-07-12"),
        assessment("A4", "2018-08-10", None, language="other", team="South", start_date="2018-08-13"),
        # 2018-19 Q2, North: completed with no start date.
        assessment("A5", "2018-09-03", "2018-09-20", language="english", child_seen=True),
    ]
    return ProcessedData.from_tables({"assessments": canonical("assessments", rows)},
                                     extract_dates={"assessments": "2018-12-31"})


def test_completeness_over_time_by_field_and_quarter(assessments_data):
    table = quality.completeness_over_time(assessments_data, [Q1, Q2, Q3])
    by_field = table.droplevel(["table", "description"])
    assert list(table.columns) == ["2018-19Q1", "2018-19Q2", "2018-19Q3"]
    assert by_field.loc["language"].tolist()[:2] == [50.0, 100.0]
    assert by_field.loc["child_seen"].tolist()[:2] == [50.0, 100.0]  # A4 (open) is not counted
    assert by_field.loc["start_date"].tolist()[:2] == [100.0, 66.7]  # A5 of A3, A4, A5 has none
    assert math.isnan(by_field.loc["language", "2018-19Q3"])  # no referrals: empty, not 0%
    assert "contacts" not in table.index.get_level_values("table")  # a table we do not have


def test_completeness_by_team_asks_about_the_child_only_of_completed_assessments(assessments_data):
    seen = quality.completeness_by_team(assessments_data, "child_seen", [Q1, Q2])
    # South in Q2: A3 recorded, A4 still open - 100%, not the 50% an open assessment would make it.
    assert seen.loc["South", "2018-19Q2"] == 100.0
    assert seen.loc["North", "2018-19Q1"] == 50.0
    language = quality.completeness_by_team(assessments_data, "language", [Q2, Q3])
    assert list(language.columns) == ["2018-19Q2", "2018-19Q3"]  # the quarters asked for, in order
    assert language.loc["South", "2018-19Q2"] == 100.0
    assert math.isnan(language.loc["North", "2018-19Q3"])


def test_completeness_by_team_of_caseload_agency_status():
    rows = [worker("2018-07-31", "W1", "social_worker", 1.0, 18, agency=True),
            worker("2018-07-31", "W2", "social_worker", 1.0, 18, agency=None),
            worker("2018-07-31", "W3", "social_worker", 1.0, 18, agency=False, team="South")]
    data = ProcessedData.from_tables({"caseloads": canonical("caseloads", rows)})
    table = quality.completeness_by_team(data, "agency")
    assert table["2018-19Q2"].to_dict() == {"North": 50.0, "South": 100.0}


def test_completeness_by_team_keeps_its_old_default(assessments_data):
    table = quality.completeness_by_team(assessments_data)  # language, every quarter in the data
    assert table.loc["North"].tolist() == [50.0, 100.0]


# ------------------------------------------------------------------------------------------ late recording


def test_decisions_without_time_are_those_at_midnight():
    rows = [contact("K1", CHILD_A, "2018-07-02 09:00", decided="2018-07-03 00:00"),  # a date without a time
            contact("K2", CHILD_A, "2018-07-02 09:30", decided="2018-07-02 14:10"),
            contact("K3", CHILD_B, "2018-07-03 10:00", decided=None),  # no decision yet
            contact("K4", CHILD_B, "2018-10-01 10:00", decided="2018-10-01 00:01")]  # one minute past
    data = ProcessedData.from_tables({"contacts": canonical("contacts", rows)})
    table = quality.decisions_without_time(data, [Q1, Q2, Q3]).set_index("period")
    assert table.loc["2018-19Q2"].to_dict() == {"contacts": 3, "no_decision": 1, "decision_without_time": 1}
    assert table.loc["2018-19Q3", "decision_without_time"] == 0
    assert table.loc["2018-19Q1"].sum() == 0  # no contacts: a row of zeros


def test_assessments_left_open_past_the_timescale(assessments_data):
    table = quality.assessments_left_open(assessments_data, timescale=42, quarters=[Q1, Q2]).set_index("period")
    # A4 (referred 10 August) is open at 31 December, far past 42 working days; A5 has no start date.
    assert table.loc["2018-19Q2"].to_dict() == {"referred": 3, "still_open": 1, "open_past_timescale": 1,
                                                "completed_without_start_date": 1}
    assert table.loc["2018-19Q1", "still_open"] == 0
    not_yet = quality.assessments_left_open(assessments_data, timescale=200, quarters=[Q2]).set_index("period")
    assert not_yet.loc["2018-19Q2", "open_past_timescale"] == 0


# -------------------------------------------------------------------------------------- possible duplicates


def test_possible_duplicates_are_the_same_child_at_the_same_time_with_different_ids():
    contacts = canonical("contacts", [
        contact("K1", CHILD_A, "2018-07-02 10:00", decided="2018-07-02 11:00"),
        contact("K2", CHILD_A, "2018-07-02 10:00", decided="2018-07-02 12:00"),  # same child, same minute
        contact("K3", CHILD_A, "2018-07-02 10:01", decided="2018-07-02 12:00"),  # a minute later: not alike
        contact("K4", CHILD_B, "2018-07-02 10:00", decided="2018-07-02 12:00"),  # another child
    ]).assign(source_file="raw/contacts.csv", source_row=[2, 3, 4, 5])
    assessments = canonical("assessments", [
        assessment("A1", "2018-07-10", child_id=CHILD_B), assessment("A2", "2018-07-10", child_id=CHILD_B),
        assessment("A3", "2018-07-10", child_id=CHILD_B), assessment("A4", "2018-07-11", child_id=CHILD_B),
    ]).assign(source_file="raw/assessments.xlsx", source_row=[4, 5, 6, 7])
    data = ProcessedData.from_tables({"contacts": contacts, "assessments": assessments})
    found = quality.possible_duplicates(data)
    assert found[["table", "source_row", "group"]].values.tolist() == [
        ["contacts", 2, 1], ["contacts", 3, 1], ["assessments", 4, 1], ["assessments", 5, 1], ["assessments", 6, 1]]
    assert not {"contact_id", "assessment_id", "child_id"} & set(found.columns)  # where to look, not who


def test_no_possible_duplicates_gives_an_empty_typed_table():
    data = ProcessedData.from_tables({"assessments": canonical("assessments", [assessment("A1", "2018-07-10")])})
    found = quality.possible_duplicates(data)
    assert found.empty and str(found["source_row"].dtype) == "Int64"
