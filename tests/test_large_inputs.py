"""Large and hostile inputs: CSVs read in batches, workbooks checked before they are opened.

The files are built small in each test; the limits are set small to meet them (`limits:` in kpi.yml,
applied with kpi.data.readers.input_limits), so nothing large is ever written.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from conftest import CONTACTS_HEADER
from kpi.config import InputLimits, Source, load_config
from kpi.errors import ConfigError, UnusableInput
from kpi.data.loading import read_part
from kpi.data.readers import input_limits, read_extract
from kpi.data.tables import table

SOURCES = ["Police", "Health", "Ysgol Tâf", "Self", "Other LA"]


def _contacts(rows: int, bad: bool = True) -> str:
    """Contacts with a notes column (quoted, over two lines, with commas), and two bad rows."""
    lines = [CONTACTS_HEADER + ",Notes"]
    for n in range(rows):
        day = n % 28 + 1
        note = f'"Call {n}, from ""the school""\nsecond line"' if n % 7 == 0 else "none"
        lines.append(f"C{n},P{n % 97},{day:02d}/03/2019 10:{n % 60:02d},{SOURCES[n % 5]},Referral,,NFA,{note}")
    if bad:
        lines[1500] = lines[1500].replace("/03/2019", "/13/2019")  # a month-first date
        lines[2500] = lines[2500].replace(",NFA,", ",NFA,surplus,")  # one value too many
    return "\n".join(lines) + "\n"


def _ingest(project, limits: InputLimits | None = None):
    with input_limits(limits or InputLimits()):
        result = project.ingest()
    return result, project.accepted("contacts"), project.rejected("contacts")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_csv_larger_than_a_batch_is_read_in_batches_with_the_same_result(project, encoding):
    project.write_text("contacts.csv", _contacts(3000), encoding=encoding)
    size = (project.root / "contacts.csv").stat().st_size
    project.write_config({"contacts": {"path": "contacts.csv", "categories": {"source": {"Ysgol Tâf": "education"}}}})
    small = InputLimits(csv_batch_bytes=4096)
    assert size > 40 * small.csv_batch_bytes

    with input_limits(small):
        extract, _, _ = read_part(table("contacts"), Source(path="contacts.csv"), project.root / "contacts.csv")
    assert extract.batches >= size // small.csv_batch_bytes // 2
    assert extract.encoding == encoding
    assert len(extract.cells) == 3000

    result, accepted, rejected = _ingest(project, small)
    _, whole_accepted, whole_rejected = _ingest(project)
    pd.testing.assert_frame_equal(accepted, whole_accepted)
    pd.testing.assert_frame_equal(rejected, whole_rejected)
    report = result.tables["contacts"].files[0]
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (3000, 2998, 2)
    # Excel row numbers count records, not lines: the notes over two lines do not shift them.
    assert list(rejected["source_row"]) == ["1501", "2501"]
    assert list(rejected["reason_code"]) == ["invalid_date", "ragged_row"]
    assert set(accepted.loc[accepted["contact_id"].isin(["C2", "C7"]), "source"]) == {"education"}


def test_a_row_longer_than_a_batch_is_refused_with_one_line(project):
    project.write_text("contacts.csv", _contacts(20, bad=False).replace("none", "x" * 5000, 1))
    project.write_config({"contacts": {"path": "contacts.csv"}}, limits={"csv_batch_bytes": 2048})
    with pytest.raises(UnusableInput) as raised:
        project.ingest()
    message = str(raised.value)
    assert "contacts.csv" in message and "limits.csv_batch_bytes" in message and "\n" not in message


def test_a_csv_with_only_its_header_has_no_rows(project):
    project.write_text("contacts.csv", CONTACTS_HEADER)  # not even a line break after it
    project.write_config({"contacts": {"path": "contacts.csv"}})
    result, accepted, rejected = _ingest(project)
    assert result.tables["contacts"].files[0].rows_read == 0
    assert accepted.empty and rejected.empty


# --- workbooks ---------------------------------------------------------------------------------

CASELOAD_HEADER = ["Snapshot", "Worker", "Team", "Job Title", "FTE", "Caseload"]


def _caseloads(path, rows: int = 3):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Caseloads"
    sheet.append(CASELOAD_HEADER)
    for n in range(rows):
        sheet.append(["31/03/2019", f"W{n}", "North", "Social Worker", 1, 10 + n % 5])
    book.save(path)


def _rewrite(path, change):
    """Rewrite a workbook's parts: change(name, data) returns the new data (or None to keep it)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, change(name, data) or data)


def _sheet_xml(cells_xml: str, dimension: str | None = None) -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + declared.encode() + b"<sheetData>" + cells_xml.encode() + b"</sheetData></worksheet>")


def _refused_by_cli(project, capsys) -> str:
    from kpi.cli import main

    project.write_config({"caseloads": {"path": "caseloads.xlsx"}})
    assert main(["ingest", "--config", str(project.config_path), "--quiet"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "caseloads.xlsx" in error[0]
    return error[0]


def test_a_zip_bomb_is_refused_before_it_is_opened(project, capsys):
    path = project.root / "caseloads.xlsx"
    _caseloads(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(4 * 2**20))  # 4 MB of zeros: about 4 KB zipped
    message = _refused_by_cli(project, capsys)
    assert "xl/media/padding.bin" in message and "limits.xlsx_compression_ratio" in message
    assert re.search(r"unzips [\d,]+ times over \([\d.]+ KB to 4\.0 MB\)", message)


def test_a_workbook_that_unzips_beyond_the_limit_is_refused(project):
    path = project.root / "caseloads.xlsx"
    _caseloads(path, rows=400)
    project.write_config({"caseloads": {"path": "caseloads.xlsx"}}, limits={"xlsx_uncompressed_bytes": 10_000})
    refused = r"caseloads\.xlsx: the workbook unzips to [\d.]+ KB, more than the limit of 9\.8 KB " \
              r"\(limits\.xlsx_uncompressed_bytes in kpi\.yml\)"
    with pytest.raises(UnusableInput, match=refused):
        project.ingest()
    project.write_config({"caseloads": {"path": "caseloads.xlsx"}}, limits={"xlsx_uncompressed_bytes": 1_000_000})
    project.ingest()
    assert len(project.accepted("caseloads")) == 400


def test_a_part_that_hides_its_size_is_measured_as_it_unzips(project):
    """A zip may declare a small size for a large part; what really comes out is what counts."""
    path = project.root / "caseloads.xlsx"
    _caseloads(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(3 * 2**20))
    data = bytearray(path.read_bytes())
    name = b"xl/media/padding.bin"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        start = data.rindex(signature, 0, data.rindex(name) if signature == b"PK\x01\x02" else data.index(name))
        data[start + size_at:start + size_at + 4] = (1000).to_bytes(4, "little")  # "1,000 bytes"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/media/padding.bin").file_size == 1000
    project.write_config({"caseloads": {"path": "caseloads.xlsx"}})
    with pytest.raises(UnusableInput, match=r"xl/media/padding\.bin unzips [\d,]+ times over .* to 3\.0 MB\)"):
        project.ingest()


def test_a_sheet_declaring_a_huge_dimension_is_refused(project, capsys):
    path = project.root / "caseloads.xlsx"
    _caseloads(path)
    _rewrite(path, lambda name, data: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
             if name == "xl/worksheets/sheet1.xml" else None)
    message = _refused_by_cli(project, capsys)
    assert ("sheet 'Caseloads' declares 1,048,576 rows x 16,384 columns (A1:XFD1048576), more than the limit of "
            "10,000,000 cells (limits.xlsx_cells in kpi.yml)") in message


def test_one_value_in_the_last_cell_of_a_sheet_is_refused_whatever_the_sheet_declares(project, capsys):
    path = project.root / "caseloads.xlsx"
    _caseloads(path)
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    _rewrite(path, lambda name, data: re.sub(rb"</sheetData>", far.encode(), data)
             if name == "xl/worksheets/sheet1.xml" else None)
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:F4"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")  # a lie
    message = _refused_by_cli(project, capsys)
    assert "has values out to row 1,048,576 and column 16,384" in message and "limits.xlsx_cells" in message


def test_a_sheet_written_with_a_namespace_prefix_is_scanned_too(project):
    path = project.root / "caseloads.xlsx"
    _caseloads(path)
    prefixed = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main"><x:dimension ref="A1:A1"/><x:sheetData><x:row r="1"><x:c r="A1" '
                't="inlineStr"><x:is><x:t>Snapshot</x:t></x:is></x:c></x:row><x:row r="900000"><x:c r="AA900000">'
                '<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    _rewrite(path, lambda name, data: prefixed.encode() if name == "xl/worksheets/sheet1.xml" else None)
    project.write_config({"caseloads": {"path": "caseloads.xlsx"}})
    with pytest.raises(UnusableInput, match=r"has values out to row 900,000 and column 27 \(24,300,000 cells\)"):
        project.ingest()


def test_cells_that_do_not_give_their_place_are_counted(project):
    """Some writers leave out each cell's reference: the cells are then counted in order."""
    path = project.root / "caseloads.xlsx"
    _caseloads(path)
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in CASELOAD_HEADER + ["Notes"] * 4)
    rows = "".join("<row>" + "<c><v>1</v></c>" * 10 + "</row>" for _ in range(9))
    _rewrite(path, lambda name, data: _sheet_xml(f"<row>{header}</row>{rows}")
             if name == "xl/worksheets/sheet1.xml" else None)

    def read(cells: int):
        with input_limits(InputLimits(xlsx_cells=cells)):
            return read_extract(path, score_header=lambda row, above: int("Caseload" in row))

    with pytest.raises(UnusableInput, match=r"has values out to row 10 and column 10 \(100 cells\), more than the "
                                            r"limit of 99 cells"):
        read(99)
    extract = read(100)
    assert extract.headers[:6] == CASELOAD_HEADER and extract.cells.shape == (9, 10)


def test_limits_are_set_in_kpi_yml(project):
    project.write_config({}, limits={"xlsx_cells": 5000, "csv_batch_bytes": 65536})
    limits = load_config(project.config_path).limits
    assert (limits.xlsx_cells, limits.csv_batch_bytes) == (5000, 65536)
    assert limits.xlsx_uncompressed_bytes == InputLimits().xlsx_uncompressed_bytes
    project.write_config({}, limits={"xlsx_cell": 5000})
    with pytest.raises(ConfigError, match=r"unknown key 'limits\.xlsx_cell'"):
        load_config(project.config_path)


def test_limits_in_kpi_yml_apply_to_ingest(project):
    _caseloads(project.root / "caseloads.xlsx", rows=400)
    project.write_config({"caseloads": {"path": "caseloads.xlsx"}}, limits={"xlsx_uncompressed_bytes": 10_000})
    with pytest.raises(UnusableInput, match="limits.xlsx_uncompressed_bytes"):
        project.ingest()


def test_every_default_limit_lets_a_year_of_contacts_through():
    """A year of contacts is about 100,000 rows; a workbook of it (15 columns) must be well within limits."""
    limits = InputLimits()
    assert limits.xlsx_cells >= 5 * 100_000 * 15
    assert limits.xlsx_uncompressed_bytes >= 5 * 100_000 * 15 * 60  # about 60 bytes of XML a cell
    assert limits.csv_batch_bytes >= 2**20
