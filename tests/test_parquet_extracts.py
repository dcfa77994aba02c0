"""A Parquet extract (a warehouse's export) is ingested as a CSV file of the same rows would be: its column
names are the header, its rows are numbered from 2, and a value that breaks a rule is rejected with that row
number and the reason, never dropped."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpi.errors import UnusableInput


def _write(project, table: pa.Table, name: str = "contacts.parquet"):
    path = project.root / name
    pq.write_table(table, path, row_group_size=2)  # several row groups, as a large export has
    project.write_config({"contacts": {"path": name}})
    return path


def _contacts(**changes) -> dict:
    columns = {
        "Contact ID": ["K1", "K2", "K3", "K4", "K5"],
        "Person ID": ["P1", "P2", None, "P4", "P5"],
        "Date Received": pa.array([dt.datetime(2019, 4, 1, 9, 30), dt.datetime(2019, 4, 2, 10), None,
                                   dt.datetime(2019, 4, 3, 11), dt.datetime(2019, 4, 4, 12)], pa.timestamp("ms")),
        "Contact Source": pa.array(["Police", "Health", "School", "Martians", "Police"]).dictionary_encode(),
        "Contact Type": ["Referral", "Enquiry", "Referral", "Referral", "Referral"],
        "Decision Date": pa.array([dt.date(2019, 4, 2), dt.date(2019, 4, 3), None, dt.date(2019, 4, 4),
                                   dt.date(2019, 4, 5)], pa.date32()),
        "Outcome": ["NFA", "Signposted", "NFA", "NFA", "NFA"],
    }
    columns.update(changes)
    return columns


def test_a_parquet_extract_is_loaded_and_its_bad_rows_rejected_with_their_row_numbers(project):
    _write(project, pa.table(_contacts()))
    result = project.ingest()
    report = result.tables["contacts"].files[0]
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (5, 3, 2)
    accepted = project.accepted("contacts").sort_values("source_row")
    assert accepted["contact_id"].tolist() == ["K1", "K2", "K5"]
    assert accepted["source_row"].tolist() == [2, 3, 6]  # the names are row 1
    assert accepted["received_at"].iloc[0] == dt.datetime(2019, 4, 1, 9, 30)
    assert accepted["source"].tolist() == ["police", "health", "police"]
    rejected = project.rejected("contacts").set_index("source_row")
    assert "received_at is empty" in rejected.loc["4", "reason"]
    assert "'Martians'" in rejected.loc["5", "reason"]
    assert rejected.loc["5", "contact_id"] == "K4"


def test_a_whole_number_and_true_false_columns_read_as_their_text(project):
    counts = {"Contact ID": pa.array([1, 2], pa.int64()), "Person ID": ["P1", "P2"],
              "Date Received": pa.array([dt.datetime(2019, 4, 1), dt.datetime(2019, 4, 2)], pa.timestamp("us")),
              "Contact Source": ["Police", "Health"], "Contact Type": ["Referral", "Referral"],
              "Decision Date": pa.array([dt.datetime(2019, 4, 1), dt.datetime(2019, 4, 2)], pa.timestamp("us")),
              "Outcome": ["NFA", "NFA"], "Strategy discussion": [True, False]}
    _write(project, pa.table(counts))
    project.ingest()
    accepted = project.accepted("contacts").sort_values("source_row")
    assert accepted["contact_id"].tolist() == ["1", "2"]
    assert accepted["strategy_discussion"].tolist() == [True, False]


def test_a_file_that_is_not_parquet_is_one_clear_line(project):
    (project.root / "contacts.parquet").write_bytes(b"Contact ID,Person ID\nK1,P1\n")
    project.write_config({"contacts": {"path": "contacts.parquet"}})
    with pytest.raises(UnusableInput, match="contacts.parquet: cannot be read as a Parquet file"):
        project.ingest()
