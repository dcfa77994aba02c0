"""Read an extract as its owner sees it: cells, header row and row numbers as Excel shows them.

Case management systems export CSV in UTF-8, UTF-8 with a byte-order mark or Windows-1252,
and Excel workbooks with title rows above the header, merged header cells and formulas.
The readers return the cells untouched (text, or the value Excel stored) so that a rejected row
can be quarantined with its original values, and number each row as the officer would find it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.errors import UnusableInput

HEADER_SEARCH_ROWS = 30
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


@dataclass
class RawExtract:
    """One file's cells below its header, with each row's number as Excel shows it."""

    path: Path
    headers: list[str]
    cells: pd.DataFrame  # columns are positions 0..n-1, matching `headers`
    source_rows: pd.Series  # Excel row number of each row of `cells`
    header_row: int
    encoding: str | None = None
    sheet: str | None = None
    formula_without_value: pd.DataFrame | None = None  # same shape as cells
    ragged_rows: pd.Series | None = None  # rows with more values than the header has columns
    notes: list[str] = field(default_factory=list)
    # Published files reshaped onto the table (kpi.comparators): rows of the file may turn into several
    # records, be merged into another row's record, or be left out on purpose. Each is accounted for.
    rows_in_file: int | None = None  # data rows in the file (None: one record per row of `cells`)
    left_out: pd.Series | None = None  # why each left-out row was not loaded; index: row number
    merged_into: pd.Series | None = None  # row number of the record each merged row went into; index: row number


HeaderScorer = Callable[[list[str], list[str] | None], int]


def read_extract(
    path: Path,
    *,
    score_header: HeaderScorer,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawExtract:
    """Read a CSV or XLSX file; `score_header` says how well a row looks like our header."""
    if not path.exists():
        raise UnusableInput(f"{path}: file not found")
    if not path.is_file():
        raise UnusableInput(f"{path}: not a file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, score_header, sheet, header_row)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, score_header, header_row, encoding, delimiter)
    if suffix == ".xls":
        raise UnusableInput(f"{path}: old Excel .xls files cannot be read; save it as .xlsx or .csv")
    raise UnusableInput(f"{path}: unknown file type '{suffix}' (expected .csv or .xlsx)")


# --- CSV ---------------------------------------------------------------------------------------


def decode(data: bytes, encoding: str | None, path: Path) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (with or without BOM), else Windows-1252."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as err:
            raise UnusableInput(f"{path}: cannot be read as {encoding} ({err})") from None
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Bytes that Windows-1252 leaves undefined: Latin-1 reads every byte, so nothing is lost.
        return data.decode("latin-1"), "latin-1"


def _guess_delimiter(text: str) -> str:
    head = text[:20_000]
    counts = {d: head.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def _read_csv(path: Path, score_header: HeaderScorer, header_row: int | None, encoding: str | None,
              delimiter: str | None) -> RawExtract:
    data = path.read_bytes()
    text, used = decode(data, encoding, path)
    if not text.strip():
        raise UnusableInput(f"{path}: the file is empty")
    delimiter = delimiter or _guess_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head, lines_read = [], []
    for record in reader:  # only the first rows, to find the header
        head.append(record)
        lines_read.append(reader.line_num)
        if len(head) >= max(HEADER_SEARCH_ROWS, header_row or 0):
            break
    index, headers = _locate_header(path, head, score_header, header_row)
    body = _csv_body(text, delimiter, lines_read[index], len(headers))
    if body is None:  # a row longer than the header by two or more: read it the slow, tolerant way
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[index + 1:]
        body = pd.DataFrame(_padded(records, len(headers)), dtype=object) if records else None
    return _extract(path, headers, index, body, encoding=used, text_only=True)


def _csv_body(text: str, delimiter: str, skip_lines: int, width: int) -> pd.DataFrame | None:
    """The rows below the header through pandas' C parser, with one spare column to catch rows
    that are one value too long; None when a row is longer still."""
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width + 1), index_col=False,
                           skiprows=skip_lines, dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=range(width + 1), dtype=str)
    except pd.errors.ParserError:
        return None


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(path: Path, score_header: HeaderScorer, sheet: str | int | None, header_row: int | None) -> RawExtract:
    """Values and merged ranges through calamine (fast); formulas, only if the workbook has any,
    through openpyxl, so a formula Excel never calculated is reported rather than read as empty."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine raises its own error types for a damaged file
        raise UnusableInput(f"{path}: not a readable Excel workbook ({type(err).__name__}: {err})") from None
    name = _sheet_name(book.sheet_names, sheet, path)
    worksheet = book.get_sheet_by_name(name)
    values = [list(row) for row in worksheet.to_python(skip_empty_area=False)]
    _fill_merged_cells(values, worksheet.merged_cell_ranges or [])
    if not any(_row_has_value(r) for r in values):
        raise UnusableInput(f"{path}: sheet '{name}' is empty")
    extract = _from_records(path, values, score_header, header_row, encoding=None, text_only=False)
    extract.sheet = name
    extract.formula_without_value = _formulas_without_values(path, name, extract)
    return extract


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(_FORMULA.search(archive.read(item)) for item in archive.namelist()
                   if item.startswith("xl/worksheets/") and item.endswith(".xml"))


def _formulas_without_values(path: Path, sheet: str, extract: RawExtract) -> pd.DataFrame:
    """True where a cell holds a formula but no saved result (e.g. a file written by a script)."""
    empty = extract.cells.isna() | extract.cells.map(lambda v: isinstance(v, str) and not v.strip())
    if not _has_formulas(path):
        return empty & False
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    start, width = extract.header_row, len(extract.headers)
    rows = [(r + [None] * width)[:width] for r in formulas[start:start + len(extract.cells)]]
    rows += [[None] * width] * (len(extract.cells) - len(rows))
    frame = pd.DataFrame(rows, index=extract.cells.index, columns=extract.cells.columns)
    return frame.map(lambda v: isinstance(v, str) and v.startswith("=")) & empty


def _sheet_name(names: list[str], sheet: str | int | None, path: Path) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if 1 <= sheet <= len(names):
            return names[sheet - 1]
        raise UnusableInput(f"{path}: there is no sheet number {sheet} (the workbook has {len(names)})")
    for name in names:
        if name.strip().casefold() == str(sheet).strip().casefold():
            return name
    raise UnusableInput(f"{path}: sheet '{sheet}' not found (sheets: {', '.join(names)})")


def _fill_merged_cells(rows: list[list], merged_ranges) -> None:
    """Give every cell of a merged range its top-left value, as the officer sees it on screen.

    Ranges come from calamine as ((first row, first column), (last row, last column)), 0-based.
    """
    for (top, left), (bottom, right) in merged_ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom + 1, len(rows))):
            row = rows[r]
            for c in range(left, min(right + 1, len(row))):
                row[c] = value


# --- both --------------------------------------------------------------------------------------


def _row_has_value(row: list) -> bool:
    return any(v is not None and str(v).strip() != "" for v in row)


def _header_text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def find_header_row(records: list[list], score_header: HeaderScorer) -> int | None:
    """0-based index of the row that looks most like our header (title rows may stand above it)."""
    best, best_score = None, 0
    for index, row in enumerate(records[:HEADER_SEARCH_ROWS]):
        above = [_header_text(v) for v in records[index - 1]] if index else None
        score = score_header([_header_text(v) for v in row], above)
        if score > best_score:
            best, best_score = index, score
    return best


def _locate_header(path: Path, records: list[list], score_header: HeaderScorer, header_row: int | None
                   ) -> tuple[int, list[str]]:
    """0-based index of the header row and the column names (two-level headers combined)."""
    if not any(_row_has_value(r) for r in records):
        raise UnusableInput(f"{path}: the file is empty")
    if header_row is not None:
        if header_row > len(records):
            raise UnusableInput(f"{path}: header_row {header_row} is beyond the last row ({len(records)})")
        index = header_row - 1
    else:
        found = find_header_row(records, score_header)
        if found is None:
            raise UnusableInput(
                f"{path}: no header row found in the first {HEADER_SEARCH_ROWS} rows; "
                "set header_row or map the columns in kpi.yml"
            )
        index = found
    header = [_header_text(v) for v in records[index]]
    above = [_header_text(v) for v in records[index - 1]] if index else None
    return index, _combine_two_level_header(header, above, score_header)


def _from_records(path: Path, records: list[list], score_header: HeaderScorer, header_row: int | None,
                  encoding: str | None, text_only: bool) -> RawExtract:
    index, headers = _locate_header(path, records, score_header, header_row)
    body = records[index + 1:]
    cells = pd.DataFrame(_padded(body, len(headers)), dtype=object) if body else None
    return _extract(path, headers, index, cells, encoding=encoding, text_only=text_only)


def _extract(path: Path, headers: list[str], index: int, body: pd.DataFrame | None, *, encoding: str | None,
             text_only: bool) -> RawExtract:
    """The cells below the header: trailing empty rows dropped, rows longer than the header noted."""
    width = len(headers)
    cells = body if body is not None else pd.DataFrame(columns=range(width), dtype=object)
    cells = cells.reset_index(drop=True)
    for missing in range(cells.shape[1], width):
        cells[missing] = None
    filled = cells.astype("string").apply(lambda c: c.str.strip().ne("")).fillna(False).astype(bool)
    has_value = filled.any(axis=1).to_numpy()
    last = int(np.flatnonzero(has_value)[-1]) + 1 if has_value.any() else 0
    cells, filled = cells.iloc[:last], filled.iloc[:last]  # trailing empty rows are formatting, not records
    ragged = filled.iloc[:, width:].any(axis=1)
    cells = cells.iloc[:, :width].copy()
    cells.columns = range(width)
    cells = cells.astype("string") if text_only else cells.where(cells.notna(), None)
    source_rows = pd.Series(range(index + 2, index + 2 + len(cells)), dtype="int64")
    return RawExtract(path=path, headers=headers, cells=cells, source_rows=source_rows,
                      header_row=index + 1, encoding=encoding, ragged_rows=ragged.reset_index(drop=True))


def _padded(body: list[list], width: int) -> list[list]:
    """Give short rows empty cells so every row is as long as the longest (or the header)."""
    lengths = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    longest = max(int(lengths.max()), width)
    for i in np.flatnonzero(lengths < longest):
        body[i] = list(body[i]) + [None] * (longest - int(lengths[i]))
    return body


def _combine_two_level_header(header: list[str], above: list[str] | None, score_header: HeaderScorer) -> list[str]:
    """Where a merged group title stands above a sub-header ('Dates' over 'Referral'), use 'Dates Referral'
    when that is the name we know and the sub-header alone is not."""
    if not above:
        return header
    combined = []
    for i, name in enumerate(header):
        parent = above[i] if i < len(above) else ""
        joined = f"{parent} {name}".strip()
        if parent and parent != name and score_header([joined], None) > score_header([name], None):
            combined.append(joined)
        else:
            combined.append(name)
    return combined
