"""The data-quality checks on tables small enough to check by hand."""

from __future__ import annotations

import hashlib
import math
import shutil
import subprocess

import pandas as pd
import pytest

from kpi.data import provenance
from kpi.indicators import quality
from kpi.indicators.measures import MEASURES, PeriodData, Settings
from kpi.time.periods import PeriodError, bounds, code, parse_period
from kpi.data.processed import ProcessedData
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


# ------------------------------------------------------------------------------------ provenance by source

COUNTS_HEADER = "Month,Source,Type,Count\n"
# Monthly files whose names sort differently by letter case and by number: the order is by code point.
MONTHLY = {
    "raw/counts/counts_2019-10.csv": "2019-10,Police,Referral,5\n2019-10,Health,Referral,x\n",
    "raw/counts/counts_2019-04.csv": "2019-04,Police,Referral,3\n2019-04,Health,Enquiry,2\n",
    "raw/counts/Counts_2019-07.csv": "2019-07,Police,Referral,4\n2019-07,Health,Enquiry,1\n",
}


@pytest.fixture
def monthly_project(project):
    for name, rows in MONTHLY.items():
        project.write_text(name, COUNTS_HEADER + rows)
    project.write_text("raw/contacts.csv", "Contact ID,Person ID,Date Received,Contact Source,Contact Type\n"
                                           "C1,P1,10/02/2017 09:00,Police,Referral\n")
    project.write_config({"contact_counts": {"path": "raw/counts/*.csv"}, "contacts": {"path": "raw/contacts.csv"}})
    project.ingest()
    return project


def _sha256sum_listing(root, names) -> str:
    """What `sha256sum` prints for these files, computed here from the files' own bytes."""
    return "".join(f"{hashlib.sha256((root / name).read_bytes()).hexdigest()}  {name}\n" for name in sorted(names))


def test_provenance_is_one_row_per_source_with_first_and_last_file(monthly_project):
    report = provenance.ingest_summary(monthly_project.root / "data/processed")
    table = provenance.provenance_by_source(report)
    assert list(table.columns) == ["table", "files", "first_file", "last_file", "rows_read", "rows_accepted",
                                   "rows_rejected", "sha256"]
    counts = table.set_index("table").loc["contact_counts"]
    assert counts["files"] == 3
    # By name, upper case first (code-point order, as `LC_ALL=C` lists them).
    assert (counts["first_file"], counts["last_file"]) == ("raw/counts/Counts_2019-07.csv",
                                                           "raw/counts/counts_2019-10.csv")
    assert (counts["rows_read"], counts["rows_accepted"], counts["rows_rejected"]) == (6, 5, 1)  # 'x' is no count
    contacts = table.set_index("table").loc["contacts"]
    assert (contacts["files"], contacts["first_file"], contacts["last_file"]) == (1, "raw/contacts.csv",
                                                                                   "raw/contacts.csv")
    assert (table["rows_read"] == table["rows_accepted"] + table["rows_rejected"]).all()


def test_combined_checksum_is_the_sha256_of_the_sha256sum_listing(monthly_project):
    root = monthly_project.root
    table = provenance.provenance_by_source(provenance.ingest_summary(root / "data/processed")).set_index("table")
    listing = _sha256sum_listing(root, MONTHLY)
    assert table.loc["contact_counts", "sha256"] == hashlib.sha256(listing.encode("utf-8")).hexdigest()
    one_file = _sha256sum_listing(root, ["raw/contacts.csv"])
    assert table.loc["contacts", "sha256"] == hashlib.sha256(one_file.encode("utf-8")).hexdigest()


@pytest.mark.skipif(shutil.which("sha256sum") is None or shutil.which("bash") is None, reason="no sha256sum")
def test_combined_checksum_is_what_the_documented_command_prints(monthly_project):
    table = provenance.provenance_by_source(provenance.ingest_summary(monthly_project.root / "data/processed"))
    command = "export LC_ALL=C; sha256sum raw/counts/*.csv | sha256sum"  # as combined_sha256's docstring says
    printed = subprocess.run(["bash", "-c", command], cwd=monthly_project.root, capture_output=True, text=True,
                             check=True).stdout.split()[0]
    assert table.set_index("table").loc["contact_counts", "sha256"] == printed


def test_the_report_keeps_every_file_for_the_workbook(monthly_project):
    report = provenance.ingest_summary(monthly_project.root / "data/processed")
    assert sorted(report.loc[report["table"].eq("contact_counts"), "file"]) == sorted(MONTHLY)


def test_a_checksum_that_looks_like_a_number_stays_text(tmp_path):
    digest = "1e" + "0" * 62  # pandas would read this as 1.0 if it were not told the column is text
    (tmp_path / "ingest_report.csv").write_text(
        f"table,file,sha256,rows_read,rows_accepted,rows_rejected,commonest_reasons\nt,f.csv,{digest},1,1,0,\n",
        encoding="utf-8")
    report = provenance.ingest_summary(tmp_path)
    assert report.loc[0, "sha256"] == digest
    expected = hashlib.sha256(f"{digest}  f.csv\n".encode()).hexdigest()
    assert provenance.provenance_by_source(report).loc[0, "sha256"] == expected


def test_provenance_of_an_empty_report_is_an_empty_table(tmp_path):
    table = provenance.provenance_by_source(provenance.ingest_summary(tmp_path))
    assert table.empty and "sha256" in table.columns


# --------------------------------------------------------------------------------- reasons in plain words


def _words(code: str, form: str) -> str:
    return provenance.reason_words()[code][form]


def test_reasons_text_in_plain_words_with_their_counts():
    text = provenance.reasons_in_words("invalid_date (1), duplicate_row (2), unknown_category (1)")
    assert text == (f"1 {_words('invalid_date', 'one')}, 2 {_words('duplicate_row', 'other')}, "
                    f"1 {_words('unknown_category', 'one')}")
    assert "_" not in text


def test_reason_counts_in_plain_words_in_the_order_given():
    counts = pd.Series({"totals_row": 1, "blank_row": 1200})
    assert provenance.reasons_in_words(counts) == f"1 {_words('totals_row', 'one')}, 1,200 {_words('blank_row', 'other')}"
    assert provenance.reasons_in_words({"missing_value": 2}) == f"2 {_words('missing_value', 'other')}"


def test_an_unknown_reason_reads_as_its_code_and_nothing_crashes():
    assert provenance.reasons_in_words("made_up_reason (3)") == "3 made up reason"
    assert provenance.reasons_in_words("odd text") == "1 odd text"
    assert provenance.reasons_in_words("") == ""
    assert provenance.reasons_in_words(pd.Series(dtype="int64")) == ""


def test_reason_words_can_be_translated_phrase_by_phrase():
    shown = provenance.reasons_in_words("invalid_date (2)", translate=lambda phrase: f"<{phrase}>")
    assert shown == f"2 <{_words('invalid_date', 'other')}>"


def test_parse_reasons_reads_the_reports_text():
    parsed = provenance.parse_reasons("invalid_date (3), duplicate_row (1)")
    assert parsed.to_dict() == {"invalid_date": 3, "duplicate_row": 1}


def test_reasons_by_source_add_up_to_the_rows_rejected(processed_dir):
    reasons = provenance.reasons_by_source(processed_dir)
    assert reasons["contacts"] == f"3 {_words('invalid_date', 'other')}, 1 {_words('duplicate_row', 'one')}"
    assert reasons["caseloads"] == f"1 {_words('totals_row', 'one')}"
    report = provenance.ingest_summary(processed_dir).groupby("table")["rows_rejected"].sum()
    counted = provenance.rejected_rows(processed_dir).groupby("table").size()
    assert counted.to_dict() == report[report > 0].to_dict()


def test_reasons_by_source_when_nothing_was_rejected(tmp_path):
    assert provenance.reasons_by_source(tmp_path).empty


def test_every_reason_has_words_for_one_and_for_several_without_commas():
    for reason_code, forms in provenance.reason_words().items():
        for form in ("one", "other"):
            assert forms[form].strip() and forms[form] != reason_code, (reason_code, form)
            assert "," not in forms[form], f"{reason_code}: a comma would read as the start of the next reason"


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
    # Asked of completed assessments (A4, still open, may rightly not have started): A5 of A3, A5 has none.
    assert by_field.loc["start_date"].tolist()[:2] == [100.0, 50.0]
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


# ---------------------------------------------------------------- completeness over the indicators' cohorts


@pytest.fixture
def pack_data():
    """Q2 (July-September 2018) of every table, with records just outside it on each side."""
    contacts = [
        contact("K1", CHILD_A, "2018-06-29 09:00", decided="2018-06-29 10:00", outcome="advice"),  # Q1
        contact("K2", CHILD_A, "2018-07-02 10:00", decided="2018-07-02 11:00", outcome="assessment"),
        contact("K3", CHILD_B, "2018-08-15 10:00", decided="2018-08-16 09:00", outcome="advice"),
        contact("K4", CHILD_B, "2018-09-30 23:30"),  # the last evening of Q2: no decision or outcome yet
        contact("K5", CHILD_B, "2018-10-01 00:00", decided="2018-10-01 09:00", outcome="advice"),  # Q3
    ]
    assessments = [
        assessment("A0", "2018-03-01", "2018-04-10", language="english", child_seen=True, start_date="2018-03-02"),
        # Referred in Q1, completed in Q2: in Q2's completed cohort, not in its referred cohort.
        assessment("A1", "2018-06-20", "2018-07-20", language="welsh", child_seen=True, start_date="2018-06-21"),
        assessment("A2", "2018-06-25", "2018-08-01", language="english", start_date="2018-06-26"),
        # Referred in Q2.
        assessment("A3", "2018-07-05", "2018-08-10", language="not_recorded"),
        assessment("A4", "2018-09-10", None, language="english"),  # still open
        assessment("A5", "2018-09-28", "2018-10-03", language="other", child_seen=False),  # completed in Q3
    ]
    caseloads = [
        worker("2018-07-15", "W1", "social_worker", 1.0, 18, agency=True),
        worker("2018-07-15", "W2", "social_worker", 1.0, 18),
        worker("2018-07-15", "W3", "team_manager", 1.0, 2),
        # The last snapshot in Q2: three case-holding workers, two with agency status recorded.
        worker("2018-09-14", "W1", "social_worker", 1.0, 22, agency=True),
        worker("2018-09-14", "W2", "senior_practitioner", 0.5, 10),
        worker("2018-09-14", "W3", "team_manager", 1.0, 2, agency=False),
        worker("2018-09-14", "W4", "support_worker", 1.0, 0),
        worker("2018-09-14", "W5", "social_worker", 1.0, 15, agency=False),
        worker("2018-10-15", "W1", "social_worker", 1.0, 20),  # Q3
    ]
    tables = {"contacts": canonical("contacts", contacts), "assessments": canonical("assessments", assessments),
              "caseloads": canonical("caseloads", caseloads)}
    return ProcessedData.from_tables(tables, extract_dates=dict.fromkeys(tables, "2018-12-31"))


def _measure(indicator_id: str, data: ProcessedData, period=Q2):
    start, end = bounds(period)
    return MEASURES[indicator_id](PeriodData(data.tables, data.spans, start, end, Settings()))


def test_each_completeness_row_counts_its_indicators_denominator(pack_data):
    start, end = bounds(Q2)
    table = quality.completeness(pack_data, start, end)
    assert list(table.columns) == ["table", "field", "description", "cohort", "indicator", "records", "recorded",
                                   "percent"]
    assert table["field"].tolist() == ["decision_at", "outcome", "language", "child_seen", "start_date", "agency"]
    for row in table.itertuples():
        if row.field == "agency":  # the agency rate's denominator is an FTE; the cohort is the workers behind it
            registered = MEASURES["caseload_per_social_worker_fte"].counted(
                PeriodData(pack_data.tables, pack_data.spans, start, end, Settings())).numerator
            assert row.records == len(registered), row.field
        else:
            assert row.records == _measure(row.indicator, pack_data).denominator, row.field
    by_field = table.set_index("field")
    assert by_field["records"].to_dict() == {"decision_at": 3, "outcome": 3, "language": 3, "child_seen": 3,
                                             "start_date": 3, "agency": 4}
    assert by_field["recorded"].to_dict() == {"decision_at": 2, "outcome": 2, "language": 2, "child_seen": 1,
                                              "start_date": 2, "agency": 3}


def test_recorded_language_and_agency_status_are_what_their_indicators_count(pack_data):
    start, end = bounds(Q2)
    by_field = quality.completeness(pack_data, start, end).set_index("field")
    assert by_field.loc["language", "recorded"] == _measure("assessments_language_recorded_pct", pack_data).numerator
    # The agency rate is over the registered social workers whose status is recorded (their FTE, as DfE).
    start, end = bounds(Q2)
    counted = MEASURES["caseload_agency_social_workers_pct"].counted(
        PeriodData(pack_data.tables, pack_data.spans, start, end, Settings()))
    assert by_field.loc["agency", "recorded"] == len(counted.denominator)


def test_each_completeness_row_says_its_cohort_in_words(pack_data):
    start, end = bounds(Q2)
    cohorts = quality.completeness(pack_data, start, end).set_index("field")["cohort"].to_dict()
    assert cohorts["child_seen"] == "assessments completed in the period"
    assert cohorts["language"] == "assessments referred in the period"
    assert cohorts["decision_at"] == "contacts received in the period"
    assert "last snapshot" in cohorts["agency"]
    for key in quality.KEY_FIELDS:
        assert key.indicator in MEASURES, key.indicator


def test_the_cohort_follows_the_workforce_definition(pack_data):
    start, end = bounds(Q2)
    agency = quality.completeness(pack_data, start, end).set_index("field").loc["agency"]
    assert (agency["records"], agency["recorded"]) == (4, 3)  # DfE: team managers are registered social workers
    local = Settings(workforce_definition="local")  # social workers and senior practitioners only
    agency = quality.completeness(pack_data, start, end, local).set_index("field").loc["agency"]
    expected = MEASURES["caseload_agency_social_workers_pct"].counted(
        PeriodData(pack_data.tables, pack_data.spans, start, end, local)).denominator
    assert agency["recorded"] == len(expected) and agency["records"] < 4


def test_completeness_over_time_gives_each_quarter_what_completeness_gives_it(pack_data):
    over_time = quality.completeness_over_time(pack_data, [Q1, Q2, Q3]).droplevel(["table", "description"])
    for quarter in (Q1, Q2, Q3):
        start, end = bounds(quarter)
        single = quality.completeness(pack_data, start, end).set_index("field")["percent"].round(1)
        pd.testing.assert_series_equal(over_time[code(quarter)],
                                       single, check_names=False)


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
