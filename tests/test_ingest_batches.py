"""An extract read a batch at a time gives exactly what it gives read whole.

`kpi ingest` reads a CSV in batches of `limits.csv_batch_bytes` and parses small files together up to
kpi.data.ingest.GROUP_ROWS rows, so that memory holds a batch however large the file. Wherever the
boundaries fall (through a repeated row and its first, a clash of ids, blank rows, a broken row, a cell
over two lines, a month of monthly files), the tables, the quarantine and the report are the same.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import CONTACTS_HEADER
from kpi.config import InputLimits
from kpi.data import ingest as ingest_module
from kpi.data.readers import input_limits

SOURCES = ["Police", "Health", "School", "Self", "Other LA"]


def _contacts(rows: int, start: int = 0) -> list[str]:
    lines = []
    for n in range(start, start + rows):
        note = f'"Call {n}, from ""the school""\nsecond line"' if n % 11 == 0 else "none"
        lines.append(f"C{n},P{n % 37},{n % 28 + 1:02d}/03/2019 10:{n % 60:02d},{SOURCES[n % 5]},Referral,"
                     f"{n % 28 + 1:02d}/03/2019 11:00,NFA,{note}")
    return lines


def _awkward(lines: list[str]) -> list[str]:
    """Every kind of row whose fate depends on other rows or on where it stands."""
    lines = list(lines)
    lines[40] = lines[3]  # an exact repeat, far from its first
    lines[90] = lines[90].replace(",NFA,", ",Advice,").replace(f"C{90},", "C7,")  # C7 again, different
    lines[120] = ",,,,,,,"  # a blank row in the middle
    lines[150] = lines[150].replace("/03/2019 10", "/13/2019 10")  # month first
    lines[160] = lines[160].replace(",NFA,", ",NFA,surplus,")  # a value too many
    lines[170] = "Total,170,,,,,,"
    lines[175] = lines[175].replace(",Police,", ",Martians,")
    lines[180] = lines[180].replace("11:00", "09:00")  # decided before it was received
    return lines + [",,,,,,,", ""]  # trailing blank rows are formatting


def _ingest(project, batch_bytes: int | None = None):
    limits = InputLimits(csv_batch_bytes=batch_bytes) if batch_bytes else InputLimits()
    with input_limits(limits):
        result = project.ingest()
    report = result.report.drop(columns=["sha256"])
    return project.accepted("contacts"), project.rejected("contacts"), report


@pytest.mark.parametrize("group_rows", [1, 7, 100_000])
def test_tiny_batches_give_what_one_batch_gives(project, monkeypatch, group_rows):
    text = "\n".join([CONTACTS_HEADER + ",Notes", *_awkward(_contacts(200))]) + "\n"
    project.write_text("contacts.csv", text)
    project.write_config({"contacts": {"path": "contacts.csv"}})
    whole = _ingest(project)

    monkeypatch.setattr(ingest_module, "GROUP_ROWS", group_rows)
    batched = _ingest(project, batch_bytes=1024)

    for one, other in zip(whole, batched):
        pd.testing.assert_frame_equal(one, other)
    accepted, rejected, report = batched
    assert list(report[["rows_read", "rows_accepted", "rows_rejected"]].iloc[0]) == [200, 191, 9]
    assert set(rejected["reason_code"]) == {"duplicate_row", "conflicting_id", "blank_row", "invalid_date",
                                            "ragged_row", "totals_row", "unknown_category", "dates_out_of_order"}
    repeat = rejected[rejected["reason_code"] == "duplicate_row"].iloc[0]
    assert (repeat["source_row"], repeat["reason"]) == ("42", "exact duplicate of row 5")
    clash = rejected[rejected["reason_code"] == "conflicting_id"]
    assert list(clash["source_row"]) == ["9", "92"]
    assert set(clash["reason"]) == {"conflicting rows share the same contact_id C7 (rows 9, 92)"}


def test_monthly_files_parsed_together_or_apart_give_the_same(project, monkeypatch):
    header = CONTACTS_HEADER + ",Notes"
    first, second = _contacts(30), _contacts(30, start=30)
    second[5] = first[2]  # repeated next month
    second[8] = second[8].replace("C38,", "C4,")  # an id given again next month, to another contact
    project.write_text("monthly/2019-03.csv", "\n".join([header, *first]) + "\n")
    project.write_text("monthly/2019-04.csv", "\n".join([header, *second]) + "\n")
    project.write_config({"contacts": {"path": "monthly/*.csv"}})
    together = _ingest(project)

    monkeypatch.setattr(ingest_module, "GROUP_ROWS", 4)
    apart = _ingest(project, batch_bytes=1024)

    for one, other in zip(together, apart):
        pd.testing.assert_frame_equal(one, other)
    rejected = apart[1]
    assert "exact duplicate of row 4 of monthly/2019-03.csv" in set(rejected["reason"])
    assert "conflicting rows share the same contact_id C4 (rows 6, 10)" in set(rejected["reason"])


def test_a_file_of_blank_rows_after_its_header_has_no_rows(project):
    project.write_text("contacts.csv", CONTACTS_HEADER + "\n" + ",,,,,,\n" * 500)
    project.write_config({"contacts": {"path": "contacts.csv"}})
    accepted, rejected, report = _ingest(project, batch_bytes=1024)
    assert accepted.empty and rejected.empty
    assert report["rows_read"].tolist() == [0]


def test_rows_keep_their_numbers_after_blank_rows_that_span_batches(project):
    lines = _contacts(5) + [",,,,,,,"] * 300 + _contacts(1, start=5)[0:1]
    project.write_text("contacts.csv", "\n".join([CONTACTS_HEADER + ",Notes", *lines]) + "\n")
    project.write_config({"contacts": {"path": "contacts.csv"}})
    accepted, rejected, _ = _ingest(project, batch_bytes=1024)
    assert accepted["source_row"].tolist() == [2, 3, 4, 5, 6, 307]
    assert len(rejected) == 300 and set(rejected["reason_code"]) == {"blank_row"}
