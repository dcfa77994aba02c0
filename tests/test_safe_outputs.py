"""Every officer-facing and public CSV/XLSX the tool writes holds data, not formulas, and reads back exactly;
`kpi ingest` refuses a key kept in the reports or processed folder with one line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import GOOD_CONTACT, contacts_csv
from kpi.pack.workbook_words import read_workbook
from kpi.data.cells import from_csv_text, runs_as_formula
from kpi.cli import main
from kpi.pack import Pack
from kpi.pack.build import build_pack
from kpi.pack.restatements import published_before
from kpi.pack.workbook import write_workbook
from kpi.time.periods import parse_period
from kpi.data.provenance import ingest_summary, rejected_rows

RISKY_CONTACTS = [
    "C2,P2,=1+1,Police,Referral,10/02/2017 11:00,NFA",  # a date that is a formula
    "C3,P3,10/02/2017 09:00,@SUM(A1),Referral,10/02/2017 11:00,NFA",  # an unknown source
    "-2+3+cmd,P4,+44 1,Police,Referral,10/02/2017 11:00,NFA",  # the classic DDE payload as an id
    '"=HYPERLINK(""http://example.org"",""x"")",P5,-1,Police,Referral,10/02/2017 11:00,NFA',
]


def _fields(path_or_text: Path | str) -> list[list[str]]:
    text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    return list(csv.reader(io.StringIO(text, newline="")))


def _formulas(rows: list[list[str]]) -> list[str]:
    return [field for row in rows for field in row if runs_as_formula(field)]


def test_quarantine_and_ingest_report_are_text_and_read_back_exactly(project):
    project.write_text("=contacts.csv", contacts_csv(GOOD_CONTACT, *RISKY_CONTACTS))
    project.write_config({"contacts": {"path": "=contacts.csv"}})
    project.ingest()
    processed = project.root / "data/processed"
    quarantine, report = processed / "rejected/contacts.csv", processed / "ingest_report.csv"
    for path in (quarantine, report):
        assert _formulas(_fields(path)) == [], path

    rejected = from_csv_text(project.rejected("contacts"))
    assert rejected["contact_id"].tolist() == ["C2", "C3", "-2+3+cmd", '=HYPERLINK("http://example.org","x")']
    assert rejected["received_at"].tolist() == ["=1+1", "10/02/2017 09:00", "+44 1", "-1"]
    assert rejected["source"].tolist()[1] == "@SUM(A1)"
    assert set(rejected["source_file"]) == {"=contacts.csv"}
    assert rejected["reason"].str.startswith("'=1+1'").sum() == 1  # the reason quotes the cell, exactly
    # The readers behind the data-quality page get the words back without the writer's apostrophe.
    assert ingest_summary(processed)["file"].tolist() == ["=contacts.csv"]
    assert set(rejected_rows(processed)["source_file"]) == {"=contacts.csv"}
    counts = pd.read_csv(report)
    assert counts["rows_rejected"].dtype == "int64" and counts["rows_rejected"].tolist() == [4]


ASSESSMENTS = "Assessment ID,Person ID,Date of Referral,Assessment Completed,Team,Child Seen,Language"
TEAMS = ["=North", "-Duty and Assessment", "@East", "+West"]


@pytest.fixture
def team_project(project):
    rows = [ASSESSMENTS]
    for t, team in enumerate(TEAMS):
        rows += [f"A{t}{i},P{t}{i},01/07/2018,{10 + i % 20:02d}/07/2018,{team},Yes,English" for i in range(12)]
    project.write_text("assessments.csv", "\n".join(rows) + "\n")
    project.write_config({"assessments": {"path": "assessments.csv"}}, extract_date="2018-09-30")
    project.ingest()
    return project


def test_kpi_indicators_csv_has_team_names_as_text_and_numbers_as_numbers(team_project, capsys):
    out = team_project.root / "indicators.csv"
    config = str(team_project.config_path)
    assert main(["indicators", "--config", config, "--period", "2018-19Q2", "--by", "team", "--format", "csv",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["indicators", "--config", config, "--period", "2018-19Q2", "--by", "team", "--format", "csv"]) == 0
    printed = capsys.readouterr().out
    for rows in (_fields(out), _fields(printed)):
        assert _formulas(rows) == []
    table = pd.read_csv(out)
    assert pd.api.types.is_numeric_dtype(table["value"])
    teams = from_csv_text(pd.read_csv(out, dtype=str, keep_default_na=False))["team"]
    assert set(TEAMS) <= set(teams)


def test_a_key_file_in_the_reports_folder_stops_kpi_ingest_with_one_line(project, monkeypatch, capsys):
    monkeypatch.delenv("KPI_PSEUDONYM_KEY")
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}}, pseudonym_key_file="reports/.pseudonym_key")
    assert main(["ingest", "--config", str(project.config_path), "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "pseudonym_key_file" in error and "reports" in error
    assert not (project.root / "reports/.pseudonym_key").exists()


def test_a_short_key_stops_kpi_ingest_with_one_line(project, monkeypatch, capsys):
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", "k")
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    assert main(["ingest", "--config", str(project.config_path), "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "at least 32" in error


@pytest.fixture(scope="module")
def demo(ingested_demo):
    """The demo made for 2026-11-22 and ingested: this module's own copy (conftest.ingested_demo)."""
    return ingested_demo("safe")


def test_public_pack_workbook_and_figures_hold_no_formula_and_keep_the_text(demo, tmp_path):
    content = build_pack(demo / "kpi.yml", "2026-27Q2", audience="public")
    content.table["title"] = "=" + content.table["title"]  # titles, file names, versions: text from elsewhere
    content.ingest["file"] = "-" + content.ingest["file"].astype(str)
    content.parameters["kpi_version"] = "+0.1.0-dev@local"
    path = tmp_path / "pack.en.xlsx"
    write_workbook(content, path)

    book = openpyxl.load_workbook(path)  # data_only=False: a formula would show as one
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type in ("f", "e")] == []
    sheets = read_workbook(path)
    summary = sheets["summary"]
    assert set(summary["title"].dropna()) == set(content.table["title"])
    assert all(t.startswith("=") for t in summary["title"].dropna())
    assert set(content.ingest["file"]) <= set(sheets["provenance_files"]["file"].dropna())
    numbers = summary["denominator"].dropna()
    assert len(numbers) and all(isinstance(v, (int, float)) for v in numbers)

    folder = tmp_path / "reports" / "2026-27Q2"
    folder.mkdir(parents=True)
    Pack(content).write_figures(folder / "pack.en.figures.csv")
    assert _formulas(_fields(folder / "pack.en.figures.csv")) == []
    earlier = published_before(tmp_path / "reports", parse_period("2026-27Q3"))
    assert set(earlier["kpi_version"]) == {"+0.1.0-dev@local"}
    assert pd.api.types.is_numeric_dtype(earlier["value"])
