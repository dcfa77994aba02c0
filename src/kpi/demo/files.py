"""Write the demo files so that the same seed and day give byte-identical files.

The workbook is written by openpyxl (in its fast write-only mode) with real date cells; openpyxl
stamps the clock into the file, so the document properties and the zip entries' times are then
set to fixed values, and the same data always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def csv_bytes(frame: pd.DataFrame, line_end: str = "\n") -> bytes:
    return frame.to_csv(index=False, lineterminator=line_end).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------


def _cell(sheet, value, *, number_format: str | None = None, bold: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _column_values(sheet, values: pd.Series, override: pd.Series | None) -> list:
    """One column as cells: dates as real Excel date cells, empty values as empty cells, and any
    override (a date typed as text, as officers' extracts sometimes have) in place of the value."""
    if pd.api.types.is_datetime64_any_dtype(values):
        cells = [None if pd.isna(v) else _cell(sheet, v.to_pydatetime(), number_format="dd/mm/yyyy")
                 for v in values]
    else:
        cells = [None if pd.isna(v) else v for v in values.astype(object)]
    if override is not None:
        for position in np.flatnonzero(override.notna().to_numpy()):
            cells[position] = str(override.iloc[position])
    return cells


def _fixed_times(workbook: bytes, title: str, produced: dt.date) -> bytes:
    """The same workbook with the creation time set to `produced` and every zip entry dated
    FIXED_ZIP_TIME, so the same data always give the same bytes (openpyxl stamps the clock)."""
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import tostring

    stamp = dt.datetime.combine(produced, dt.time())
    properties = DocumentProperties(creator="kpi demo (synthetic data)", title=title, created=stamp,
                                    modified=stamp)
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = tostring(properties.to_tree())
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str, title: str, produced: dt.date, header_row: int = 3,
               widths: dict[str, float] | None = None,
               text_overrides: dict[str, pd.Series] | None = None) -> bytes:
    """A one-sheet workbook written with openpyxl: a title in A1, blank rows, the headers on
    `header_row`, then the data. Datetime columns become date cells; `text_overrides` puts text in
    chosen cells of a column instead."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for position, column in enumerate(frame.columns, start=1):
        worksheet.column_dimensions[get_column_letter(position)].width = (widths or {}).get(column, 16)
    worksheet.freeze_panes = f"A{header_row + 1}"
    worksheet.append([_cell(worksheet, title, bold=True)])
    for _ in range(header_row - 2):
        worksheet.append([])
    worksheet.append([_cell(worksheet, column, bold=True) for column in frame.columns])
    overrides = {c: v.reindex(frame.index) for c, v in (text_overrides or {}).items()}
    columns = [_column_values(worksheet, frame[c], overrides.get(c)) for c in frame.columns]
    for row in zip(*columns):  # openpyxl writes a row at a time; the demo has about 17,000
        worksheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue(), title, produced)


def write_new(path: Path, text: str) -> None:
    """Create a demo's config; one that exists already, or appears meanwhile, is an officer's: left alone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        pass
