"""`kpi ingest` as a user meets it: exit codes, one-line errors, the report, repeatability."""

from __future__ import annotations

import hashlib
import os
import stat

import pandas as pd
import pytest

from conftest import GOOD_CONTACT, TEST_KEY, contacts_csv
from kpi.cli import main
from kpi.data.files import write_atomically
from kpi.data.pseudonym import load_key, pseudonymise

SECOND_CONTACT = "C2,P2,11/02/2017 10:00,Health,Enquiry,,"


def _run(project, *args):
    return main(["ingest", "--config", str(project.config_path), "--quiet", *args])


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_missing_file_exits_2_with_one_line(project, capsys):
    project.write_config({"contacts": {"path": "nowhere.csv"}})
    assert _run(project) == 2
    line = _one_line_error(capsys)
    assert "nowhere.csv: file not found" in line


def test_empty_file_exits_2(project, capsys):
    project.write_text("contacts.csv", "")
    project.write_config({"contacts": {"path": "contacts.csv"}})
    assert _run(project) == 2
    assert "contacts.csv: the file is empty" in _one_line_error(capsys)


def test_required_column_absent_exits_2_naming_it(project, capsys):
    project.write_text("contacts.csv", "Contact ID,Person ID,Contact Source,Contact Type\nC1,P1,Police,Referral\n")
    project.write_config({"contacts": {"path": "contacts.csv"}})
    assert _run(project) == 2
    line = _one_line_error(capsys)
    assert "contacts.csv: required column 'received_at' not found" in line


def test_unknown_config_key_exits_2_naming_the_key(project, capsys):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv", "colums": {}}})
    assert _run(project) == 2
    assert "unknown key 'sources.contacts.colums'" in _one_line_error(capsys)


def test_mapping_to_an_unknown_canonical_column_is_named(project, capsys):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv", "columns": {"recieved_at": "Date Received"}}})
    assert _run(project) == 2
    assert "unknown column 'recieved_at'" in _one_line_error(capsys)


def test_strict_exits_1_when_a_row_was_rejected(project, capsys):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, "C2,P2,31/02/2017,Police,Referral,,"))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    assert _run(project) == 0
    assert _run(project, "--strict") == 1


def test_summary_and_report_count_every_row(project, capsys):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, SECOND_CONTACT, "C3,P3,31/02/2017,Police,Referral,,"))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    assert _run(project) == 0
    out = capsys.readouterr().out
    assert "invalid_date (1)" in out
    report = pd.read_csv(project.root / "data/processed/ingest_report.csv")
    row = report.iloc[0]
    assert (row["rows_read"], row["rows_accepted"], row["rows_rejected"]) == (3, 2, 1)
    assert row["sha256"] == hashlib.sha256((project.root / "contacts.csv").read_bytes()).hexdigest()


def test_glob_reads_every_monthly_file_and_finds_repeats_across_them(project):
    project.write_text("monthly/2017-02.csv", contacts_csv(GOOD_CONTACT))
    project.write_text("monthly/2017-03.csv", contacts_csv(GOOD_CONTACT, SECOND_CONTACT))
    project.write_config({"contacts": {"path": "monthly/*.csv"}})
    result = project.ingest()
    files = {f.file: (f.rows_read, f.rows_accepted, f.rows_rejected) for f in result.tables["contacts"].files}
    assert files == {"monthly/2017-02.csv": (1, 1, 0), "monthly/2017-03.csv": (2, 1, 1)}
    assert project.rejected("contacts").loc[0, "reason"] == "exact duplicate of row 2 of monthly/2017-02.csv"


def test_ingest_twice_gives_the_same_tables_and_never_touches_raw_files(project):
    raw = project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, SECOND_CONTACT))
    before = raw.read_bytes(), raw.stat().st_mtime_ns
    project.write_config({"contacts": {"path": "contacts.csv"}})
    project.ingest()
    first = project.accepted("contacts")
    project.ingest()
    pd.testing.assert_frame_equal(first, project.accepted("contacts"))
    assert (raw.read_bytes(), raw.stat().st_mtime_ns) == before


def test_source_removed_from_config_leaves_no_stale_table(project):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    project.ingest()
    assert (project.root / "data/processed/contacts.parquet").exists()
    project.write_config({})
    project.ingest()
    assert not (project.root / "data/processed/contacts.parquet").exists()


def test_processed_folder_can_be_set_in_config(project):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}}, processed="out/tables")
    project.ingest()
    assert (project.root / "out/tables/contacts.parquet").exists()


def test_no_raw_child_id_reaches_processed_files(project):
    project.write_text("contacts.csv", contacts_csv(
        "C1,RAWCHILD001,10/02/2017 09:00,Police,Referral,,",
        "C2,RAWCHILD002,31/02/2017 09:00,Police,Referral,,"))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    project.ingest()
    for path in (project.root / "data/processed").rglob("*"):
        if path.is_file():
            assert b"RAWCHILD" not in path.read_bytes(), path


def test_identifying_columns_are_never_loaded(project):
    project.write_text("contacts.csv", contacts_csv(
        "C1,P1,10/02/2017 09:00,Police,Referral,,,Jane Bloggs,01/01/2010",
        header="Contact ID,Person ID,Date Received,Contact Source,Contact Type,Decision Date,Outcome,"
               "Child Name,Date of Birth"))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    result = project.ingest()
    assert result.tables["contacts"].files[0].identifying_columns_not_loaded == "Child Name; Date of Birth"
    for path in (project.root / "data/processed").rglob("*"):
        if path.is_file() and path.name != "ingest_report.csv":
            assert b"Bloggs" not in path.read_bytes()


def test_pseudonyms_are_stable_across_files_and_runs_and_depend_on_the_key():
    ids = pd.Series(["P1", "P2", "P1", None], dtype="string")
    once = pseudonymise(ids, b"k1", prefix="C-")
    assert once[0] == once[2] != once[1]
    assert pd.isna(once[3])
    assert once.equals(pseudonymise(ids, b"k1", prefix="C-"))
    assert once[0] != pseudonymise(ids, b"k2", prefix="C-")[0]


def test_key_file_is_created_once_and_readable_by_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("KPI_PSEUDONYM_KEY")
    key_file = tmp_path / "data" / ".pseudonym_key"
    first = load_key(key_file)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert load_key(key_file) == first
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
    assert load_key(key_file) == TEST_KEY.encode()


def test_an_interrupted_write_leaves_the_previous_table(tmp_path):
    target = tmp_path / "table.parquet"
    target.write_text("previous")

    def crash(path):
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, crash)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_readme_documents_every_canonical_column():
    from pathlib import Path

    from kpi.data.tables import load_tables

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for table in load_tables().values():
        assert f"**{table.name}**" in readme, table.name
        for column in table.columns:
            assert f"`{column}`" in readme, f"{table.name}.{column}"


def test_console_summary_folds_many_monthly_files_into_one_line(project):
    from kpi.data.ingest_outputs import summary_lines

    for month in range(1, 6):
        project.write_text(f"monthly/2017-{month:02d}.csv",
                           contacts_csv(f"C{month},P{month},1{month}/0{month}/2017 09:00,Police,Referral,,"))
    project.write_config({"contacts": {"path": "monthly/*.csv"}})
    lines = summary_lines(project.ingest())
    contacts = [line for line in lines if line.startswith("contacts")]
    assert len(contacts) == 1 and "5 files" in contacts[0]
    assert len(project.ingest().report) == 5  # the report still has every file


def test_canonical_comparators_without_optional_number_columns_load(project):
    project.write_text("comparators.csv", "indicator_id,area_code,area_name,area_type,period,value\n"
                                          "rereferrals_within_12m_pct,W06000001,Ynys Mon,authority,2018-19,21.5\n"
                                          "rereferrals_within_12m_pct,W06000002,Gwynedd,authority,2018-19,c\n")
    project.write_config({"comparators": {"path": "comparators.csv"}})
    project.ingest()
    accepted = project.accepted("comparators")
    assert accepted["numerator"].isna().all() and accepted["denominator"].isna().all()
    assert accepted["value"].tolist()[0] == 21.5 and pd.isna(accepted["value"].tolist()[1])
    assert accepted["note"].fillna("").tolist() == ["", "c"]
