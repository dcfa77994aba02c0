"""Write the demo files so that the same seed and day give byte-identical files.

The workbook is written as Office Open XML directly, built column by column with pandas string
operations: writing 17,000 rows cell by cell through openpyxl took most of `kpi demo`'s time, and
openpyxl stamps the clock into the file. The XML is the minimum Excel needs (content types,
relationships, a workbook, one sheet, styles with a dd/mm/yyyy date format, document properties),
dates are real date cells (serial numbers with a date style), and every zip entry carries a fixed
time, so the same data always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
DATE_STYLE, BOLD_STYLE, TITLE_STYLE = 1, 2, 3


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename, so no half-written extract is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # as an ordinary file would be (mkstemp makes it private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def csv_bytes(frame: pd.DataFrame, line_end: str = "\n") -> bytes:
    return frame.to_csv(index=False, lineterminator=line_end).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = _XML + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = _XML + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = _XML + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_STYLES = _XML + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _escape(text: pd.Series) -> pd.Series:
    return text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False).str.replace(
        ">", "&gt;", regex=False)


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Strings:
    """The workbook's shared strings: each distinct text is stored once and cells refer to it."""

    def __init__(self) -> None:
        self.texts: list[pd.Index] = []
        self.size = 0

    def cells(self, refs: pd.Series, values: pd.Series, style: int | None = None) -> pd.Series:
        text = values.astype("string").fillna("")
        codes, uniques = pd.factorize(text, sort=False)
        # Number this column's texts after those already stored (a text seen before is stored again,
        # which Excel allows; it keeps every column independent and vectorised).
        index = (codes + self.size).astype(str)
        self.texts.append(pd.Index(uniques))
        self.size += len(uniques)
        styled = f' s="{style}"' if style else ""
        cells = '<c r="' + refs + f'"{styled} t="s"><v>' + pd.Series(index, index=values.index) + "</v></c>"
        return cells.where(text.ne(""), "")

    def xml(self) -> str:
        every = pd.Series(np.concatenate([t.to_numpy(dtype=object) for t in self.texts]) if self.texts else [],
                          dtype="string")
        items = ("<si><t>" + _escape(every) + "</t></si>").str.cat()
        return _XML + f'<sst xmlns="{_MAIN}" count="{self.size}" uniqueCount="{self.size}">{items}</sst>'


def _cells(refs: pd.Series, values: pd.Series, strings: _Strings) -> pd.Series:
    """The XML of one column's cells; empty values give no cell at all."""
    if pd.api.types.is_datetime64_any_dtype(values):
        delta = values - EXCEL_EPOCH
        days = delta.dt.days
        fraction = (delta - pd.to_timedelta(days, unit="D")) / pd.Timedelta(days=1)
        number = days.astype("Int64").astype("string").where(
            fraction.fillna(0).eq(0), (days + fraction).round(8).astype("string"))
        cells = '<c r="' + refs + f'" s="{DATE_STYLE}"><v>' + number + "</v></c>"
        return cells.fillna("")
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        number = values.astype("Float64").astype("string")
        return ('<c r="' + refs + '"><v>' + number + "</v></c>").fillna("")
    return strings.cells(refs, values)


def _sheet_xml(frame: pd.DataFrame, title: str, header_row: int, widths: dict[str, float],
               text_overrides: dict[str, pd.Series], strings: _Strings) -> str:
    letters = [_column_letter(i) for i in range(len(frame.columns))]
    title_cell = strings.cells(pd.Series(["A1"]), pd.Series([title]), TITLE_STYLE).iloc[0]
    header_cells = strings.cells(pd.Series([f"{letter}{header_row}" for letter in letters]),
                                 pd.Series(list(frame.columns), dtype="string"), BOLD_STYLE).str.cat()
    rows = pd.Series(np.arange(len(frame)) + header_row + 1, index=frame.index).astype(str)
    body = pd.Series("", index=frame.index, dtype=object)
    for letter, column in zip(letters, frame.columns):  # a loop over the columns
        refs = letter + rows
        cells = _cells(refs, frame[column], strings)
        if column in text_overrides:
            override = text_overrides[column].reindex(frame.index)
            cells = cells.where(override.isna(), strings.cells(refs, override))
        body = body + cells.astype(object)
    data_rows = ('<row r="' + rows + '">' + body + "</row>").str.cat()
    last = f"{letters[-1]}{header_row + len(frame)}"
    columns = "".join(f'<col min="{i}" max="{i}" width="{widths.get(c, 16)}" customWidth="1"/>'
                      for i, c in enumerate(frame.columns, start=1))
    return _XML + (
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{columns}</cols>"
        f'<sheetData><row r="1">{title_cell}</row><row r="{header_row}">{header_cells}</row>{data_rows}</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )


def _core_xml(title: str, produced: dt.date) -> str:
    stamp = f"{produced:%Y-%m-%d}T00:00:00Z"
    escaped = _escape(pd.Series([title])).iloc[0]
    return _XML + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escaped}</dc:title><dc:creator>kpi demo (synthetic data)</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str, title: str, produced: dt.date, header_row: int = 3,
               widths: dict[str, float] | None = None,
               text_overrides: dict[str, pd.Series] | None = None) -> bytes:
    """A one-sheet workbook: a title in A1, blank rows, the headers on `header_row`, then the data.

    Datetime columns become date cells; `text_overrides` puts text in chosen cells of a column
    instead (a date typed as text, as officers' extracts sometimes have).
    """
    workbook = _XML + (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{_escape(pd.Series([sheet])).iloc[0]}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    app = _XML + ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                  "<Application>kpi demo</Application></Properties>")
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/core.xml": _core_xml(title, produced),
        "docProps/app.xml": app,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
    }
    strings = _Strings()
    parts["xl/worksheets/sheet1.xml"] = _sheet_xml(frame, title, header_row, widths or {}, text_overrides or {},
                                                   strings)
    parts["xl/sharedStrings.xml"] = strings.xml()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
