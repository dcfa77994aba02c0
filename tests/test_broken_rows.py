"""Personal data stays out even when an extract is broken.

An unquoted comma in an address (or a lost one) moves every later value of its row into the wrong
column: an NHS number under "Date Received", a postcode under "Outcome". Identifying columns are left
out by their header before any row is split, and a row whose number of values differs from the header
is rejected with its row number and the reason alone, so no planted value reaches any output.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pyarrow.parquet as pq
import pytest

from kpi.config import Source
from kpi.data.loading import read_part
from kpi.data.tables import table

HEADER = ["Contact ID", "Person ID", "Child Name", "Date of Birth", "Address", "NHS Number", "Date Received",
          "Contact Source", "Contact Type", "Decision Date", "Outcome", "Postcode"]
# Every identifying value in the file: none may appear in any output.
PEOPLE = [
    ("Ann Jones", "01/02/2010", "1 High Street", "111 222 3333", "LL11 1AA"),
    ("Zebedee Quixote", "03/07/2011", "14 Heol Ddu{d} Rhosllannerchrugog", "943 476 5919", "LL14 9ZZ"),
    ("Bartholomew Smith", "05/06/2012", "2 Low Road", "555 666 7777", "LL12 2BB"),
    ("Cat Lee", "07/08/2013", "3 Mid Lane", "888 999 0000", "LL13 3CC"),
]


def _row(n: int, person: tuple[str, ...], d: str) -> list[str]:
    name, born, address, nhs, postcode = person
    return [f"C{n}", f"P{n}", name, born, address.format(d=d), nhs, f"1{n}/02/2017 09:00", "Police", "Referral",
            f"1{n}/02/2017 11:00", "NFA", postcode]


def _broken_extract(d: str) -> str:
    rows = [_row(n, person, d) for n, person in enumerate(PEOPLE, start=1)]
    # Row 4 lost the delimiter between Person ID and Child Name: every later value moves one column left,
    # so the postcode would land under Outcome and the date received under NHS Number.
    rows[2] = rows[2][:1] + [rows[2][1] + " " + rows[2][2]] + rows[2][3:]
    # Row 3 has an unquoted delimiter in its address (row 1 of PEOPLE is written with `d` inside it):
    # the NHS number would land under Date Received.
    return "\n".join(d.join(r) for r in [HEADER, *rows]) + "\n"


def _planted() -> list[str]:
    values = []
    for name, born, address, nhs, postcode in PEOPLE:
        values += [name, born, nhs, postcode, *address.format(d="|").split("|"), name.split()[-1]]
    return [v.strip() for v in values if v.strip()]


def _every_output_text(project) -> dict[str, str]:
    """Every file under data/processed as text: CSVs as written, parquet tables cell by cell."""
    texts = {}
    for path in (project.root / "data/processed").rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        text = raw.decode("utf-8", "replace")
        if path.suffix == ".parquet":
            text += "\n".join(str(v) for column in pq.read_table(path).to_pydict().values() for v in column)
        texts[str(path.relative_to(project.root))] = text
    return texts


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_ragged_row_keeps_no_identifying_value_anywhere(project, delimiter):
    project.write_text("contacts.csv", _broken_extract(delimiter))
    project.write_config({"contacts": {"path": "contacts.csv", "delimiter": delimiter}})
    result = project.ingest()

    rejected = project.rejected("contacts")
    assert list(rejected["source_row"]) == ["3", "4"]
    assert set(rejected["reason_code"]) == {"ragged_row"}
    assert rejected.loc[0, "reason"].startswith("row has 13 values but the header has 12 columns")
    assert rejected.loc[1, "reason"].startswith("row has 11 values but the header has 12 columns")
    canonical = list(table("contacts").columns)
    assert (rejected[canonical] == "").all().all()  # not even the cells before the break: they may have moved
    assert sorted(project.accepted("contacts")["contact_id"]) == ["C1", "C4"]

    outputs = _every_output_text(project)
    assert any(name.endswith("rejected/contacts.csv") for name in outputs)
    leaks = [(value, name) for name, text in outputs.items() for value in _planted() if value in text]
    assert leaks == []
    in_memory = [f.to_string() for t in result.tables.values() for f in (t.accepted, t.rejected)]
    assert not [value for value in _planted() if any(value in text for text in in_memory)]
    report = result.tables["contacts"].files[0]
    assert report.identifying_columns_not_loaded == "Child Name; Date of Birth; Address; NHS Number; Postcode"
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (4, 2, 2)


def test_identifying_columns_are_never_read_into_cells(project):
    project.write_text("contacts.csv", _broken_extract(","))
    path = project.root / "contacts.csv"
    extract, _, _ = read_part(table("contacts"), Source(path="contacts.csv"), path)
    assert extract.headers == HEADER
    read = {extract.headers[p] for p in extract.cells.columns}
    assert read == {"Contact ID", "Person ID", "Date Received", "Contact Source", "Contact Type", "Decision Date",
                    "Outcome"}
    assert not extract.cells.isin(_planted()).any().any()
    assert list(extract.ragged_rows) == [False, True, True, False]
    assert list(extract.source_rows) == [2, 3, 4, 5]


def test_a_ragged_row_at_the_end_is_still_a_record(project):
    text = _broken_extract(",").rstrip("\n").rsplit("\n", 1)[0] + "\nC9,P9,Only,three\n\n\n"
    project.write_text("contacts.csv", text)
    project.write_config({"contacts": {"path": "contacts.csv"}})
    result = project.ingest()
    assert result.tables["contacts"].files[0].rows_read == 4
    assert list(project.rejected("contacts")["source_row"]) == ["3", "4", "5"]


def test_a_rejected_workbook_row_keeps_no_identifying_value(project):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Assessment Ref", "Person ID", "Child Name", "NHS Number", "Date of Referral", "Team", "Address"])
    sheet.append(["A1", "P1", "Zebedee Quixote", "943 476 5919", dt.datetime(2019, 4, 1), "North", "14 Heol Ddu"])
    sheet.append(["A2", "P2", "Ann Jones", "111 222 3333", "31/02/2019", "North", "1 High Street"])
    book.save(project.root / "assessments.xlsx")
    project.write_config({"assessments": {"path": "assessments.xlsx"}})
    project.ingest()
    assert list(project.rejected("assessments")["reason_code"]) == ["invalid_date"]
    outputs = _every_output_text(project)
    for value in ("Zebedee", "Quixote", "943 476 5919", "Heol Ddu", "Ann Jones", "111 222 3333", "High Street"):
        assert not [name for name, text in outputs.items() if value in text], value


def test_a_row_of_only_delimiters_is_blank_and_a_one_value_row_is_broken(project):
    good = ",".join(_row(1, PEOPLE[0], ","))
    project.write_text("contacts.csv", "\n".join([",".join(HEADER), good, ",,,", "   ", "C9", good.replace("C1", "C2")]))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    rejected = project.ingest().tables["contacts"].rejected
    assert list(rejected["source_row"]) == [3, 4, 5]
    assert list(rejected["reason_code"]) == ["blank_row", "blank_row", "ragged_row"]
    assert rejected.loc[2, "reason"].startswith("row has 1 value but the header has 12 columns")
