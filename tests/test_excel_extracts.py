"""Excel extracts: named sheets, title rows, merged headers, date cells, formulas, numbers as text."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

ASSESSMENT_HEADERS = ["Assessment Ref", "Person ID", "Date of Referral", "Assessment Start",
                      "Assessment Completed", "Team", "Child Seen", "Language Preference", "Outcome"]


def _workbook(path, rows, *, sheet="Assessments", title_rows=(), merge=()):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first["A1"] = "This sheet explains the extract."
    ws = book.create_sheet(sheet)
    for row in [*title_rows, *rows]:
        ws.append(list(row))
    for cells in merge:
        ws.merge_cells(cells)
    book.save(path)


def _assessment(ref, referral, completed, team="North", seen="Yes", language="Welsh"):
    return [ref, "P" + ref, referral, referral, completed, team, seen, language, "Care and support plan"]


def _config(project, **source):
    project.write_config({"assessments": {"path": "assessments.xlsx", "sheet": "Assessments", **source}})


def test_named_sheet_with_title_rows_and_excel_date_cells(project):
    rows = [ASSESSMENT_HEADERS,
            _assessment("A1", dt.datetime(2019, 4, 1), dt.datetime(2019, 5, 20)),
            _assessment("A2", "02/04/2019", None, language="Not recorded")]
    _workbook(project.root / "assessments.xlsx", rows, title_rows=[["Assessments extract"], []])
    _config(project, columns={"referral_date": "Date of Referral", "completion_date": "Assessment Completed"})
    result = project.ingest()
    report = result.tables["assessments"].files[0]
    assert (report.sheet, report.header_row, report.rows_read, report.rows_rejected) == ("Assessments", 3, 2, 0)
    accepted = project.accepted("assessments").set_index("assessment_id")
    assert accepted.loc["A1", "completion_date"] == dt.datetime(2019, 5, 20)
    assert accepted.loc["A2", "referral_date"] == dt.datetime(2019, 4, 2)  # a text date, day-first
    assert accepted.loc["A2", "language"] == "not_recorded"
    assert accepted.loc["A1", "child_seen"]
    assert list(accepted["source_row"]) == [4, 5]


def test_missing_sheet_is_unusable_and_names_the_sheets(project):
    _workbook(project.root / "assessments.xlsx", [ASSESSMENT_HEADERS])
    project.write_config({"assessments": {"path": "assessments.xlsx", "sheet": "Assessment"}})
    from kpi.errors import UnusableInput

    with pytest.raises(UnusableInput, match=r"sheet 'Assessment' not found \(sheets: Notes, Assessments\)"):
        project.ingest()


def test_merged_two_level_header_is_read_as_the_officer_sees_it(project):
    # Row 1: "Assessment Ref" and "Person ID" merged down over row 2; "Referral" and "Assessment"
    # are group titles merged across the date columns below them.
    top = ["Assessment Ref", "Person ID", "Referral", "Assessment", None, "Team"]
    sub = [None, None, "Date", "Start", "Completed", None]
    data = ["A1", "P1", dt.datetime(2019, 4, 1), dt.datetime(2019, 4, 2), dt.datetime(2019, 5, 1), "North"]
    _workbook(project.root / "assessments.xlsx", [top, sub, data],
              merge=["A1:A2", "B1:B2", "D1:E1", "F1:F2"])
    _config(project)
    result = project.ingest()
    assert result.tables["assessments"].files[0].header_row == 2
    accepted = project.accepted("assessments")
    assert accepted.loc[0, "referral_date"] == dt.datetime(2019, 4, 1)
    assert accepted.loc[0, "start_date"] == dt.datetime(2019, 4, 2)
    assert accepted.loc[0, "completion_date"] == dt.datetime(2019, 5, 1)
    assert accepted.loc[0, "team"] == "North"


def test_formula_without_a_saved_value_is_rejected_with_that_reason(project):
    rows = [ASSESSMENT_HEADERS,
            _assessment("A1", dt.datetime(2019, 4, 1), dt.datetime(2019, 5, 20)),
            _assessment("A2", dt.datetime(2019, 4, 1), "=C3+30")]
    _workbook(project.root / "assessments.xlsx", rows)
    _config(project)
    project.ingest()
    rejected = project.rejected("assessments")
    assert list(rejected["source_row"]) == ["3"]
    assert rejected.loc[0, "column"] == "completion_date"
    assert rejected.loc[0, "reason_code"] == "formula_without_value"
    assert "formula with no saved value" in rejected.loc[0, "reason"]


def test_completion_before_referral_is_rejected(project):
    rows = [ASSESSMENT_HEADERS, _assessment("A1", dt.datetime(2019, 4, 10), dt.datetime(2019, 4, 1))]
    _workbook(project.root / "assessments.xlsx", rows)
    _config(project)
    project.ingest()
    rejected = project.rejected("assessments")
    assert (rejected.loc[0, "source_row"], rejected.loc[0, "column"], rejected.loc[0, "reason"]) == (
        "2", "completion_date, referral_date", "completion date is before the referral date")
    # Quarantined Excel dates read as the officer sees them in Excel, not as Python prints them.
    assert (rejected.loc[0, "referral_date"], rejected.loc[0, "completion_date"]) == ("10/04/2019", "01/04/2019")


CASELOAD_HEADER = "Snapshot,Worker,Team,Job Title,FTE,Caseload,Agency Worker"


@pytest.mark.parametrize(
    ("bad", "column", "reason", "code"),
    [
        ("31/03/2019,W2,North,Social Worker,1,-3,No", "open_cases",
         "'-3' is negative (expected a whole number from 0)", "invalid_count"),
        ("31/03/2019,W2,North,Social Worker,1,12.5,No", "open_cases",
         "'12.5' is not a whole number (expected a whole number from 0)", "invalid_count"),
        ("31/03/2019,W2,North,Social Worker,full time,12,No", "fte", "'full time' is not a number", "invalid_number"),
        ("31/03/2019,W2,North,Social Worker,0,12,No", "fte", "'0' is not above 0", "out_of_range"),
        ("31/03/2019,W2,North,Social Worker,1.8,12,No", "fte", "'1.8' is above 1.5 (the highest allowed)",
         "out_of_range"),
        ("31/03/2019,W2,North,Social Worker,1,12,Sometimes", "agency", "'Sometimes' is not yes or no",
         "invalid_yes_no"),
        # Absurd values: no worker holds 201 open cases, let alone 10^12 (limits in tables.yml).
        ("31/03/2019,W2,North,Social Worker,1,201,No", "open_cases", "'201' is above 200 (the highest allowed)",
         "out_of_range"),
        ("31/03/2019,W2,North,Social Worker,1,1000000000000,No", "open_cases",
         "'1000000000000' is above 200 (the highest allowed)", "out_of_range"),
        ("31/03/2019,W2,North,Social Worker,1,1e400,No", "open_cases", "'1e400' is not a number", "invalid_count"),
        ("31/03/2019,W2,North,Social Worker,1,1e19,No", "open_cases", "'1e19' is far too large to be a count",
         "invalid_count"),
        ("31/03/2019,W2,North,Social Worker,inf,12,No", "fte", "'inf' is not a number", "invalid_number"),
        ("31/03/2019,W2,North,Social Worker,1.51,12,No", "fte", "'1.51' is above 1.5 (the highest allowed)",
         "out_of_range"),
        ("31/12/1999,W2,North,Social Worker,1,12,No", "snapshot_date",
         "'31/12/1999' is before 01/01/2000 (an impossible year)", "date_too_early"),
        ("01/04/2020,W2,North,Social Worker,1,12,No", "snapshot_date",
         "'01/04/2020' is after the extract date 31/03/2020", "date_after_extract"),
    ],
)
def test_caseload_numbers_are_checked(project, bad, column, reason, code):
    project.write_text("caseloads.csv", "\n".join([CASELOAD_HEADER, "31/03/2019,W1,North,Social Worker,1,18,No",
                                                   bad]) + "\n")
    project.write_config({"caseloads": {"path": "caseloads.csv"}})
    rejected = project.ingest().tables["caseloads"].rejected  # as found (the CSV keeps text from running as a formula)
    assert len(rejected) == 1
    assert tuple(rejected.loc[0, ["source_row", "column", "reason", "reason_code"]]) == (3, column, reason, code)


def test_the_highest_plausible_caseload_and_fte_are_accepted(project):
    project.write_text("caseloads.csv", "\n".join([CASELOAD_HEADER, "31/03/2019,W1,North,Team Manager,1.5,200,No"]))
    project.write_config({"caseloads": {"path": "caseloads.csv"}})
    project.ingest()
    assert list(project.accepted("caseloads")["open_cases"]) == [200]


def test_caseload_numbers_stored_as_text_in_excel_are_read(project):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(CASELOAD_HEADER.split(","))
    ws.append([dt.datetime(2019, 3, 31), "W1", "North", "SW", "0.8", " 17 ", "yes"])
    ws.append([dt.datetime(2019, 3, 31), 1002.0, "North", "Team Manager", 1, 3.0, False])
    book.save(project.root / "caseloads.xlsx")
    project.write_config({"caseloads": {"path": "caseloads.xlsx"}})
    project.ingest()
    accepted = project.accepted("caseloads")
    assert list(accepted["fte"]) == [0.8, 1.0]
    assert list(accepted["open_cases"]) == [17, 3]
    assert list(accepted["role"]) == ["social_worker", "team_manager"]
    assert list(accepted["agency"]) == [True, False]


@pytest.mark.parametrize(("content", "message"), [
    ("empty", "sheet 'Assessments' is empty"),
    ("corrupt", "not a readable Excel workbook"),
])
def test_unusable_workbooks_exit_2_with_one_line(project, capsys, content, message):
    from kpi.cli import main

    path = project.root / "assessments.xlsx"
    if content == "empty":
        _workbook(path, [])
    else:
        path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    _config(project)
    assert main(["ingest", "--config", str(project.config_path), "--quiet"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and message in error[0] and "assessments.xlsx" in error[0]
