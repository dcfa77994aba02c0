"""Read an extract as its owner sees it: cells, header row and row numbers as Excel shows them.

Case management systems export CSV in UTF-8, UTF-8 with a byte-order mark or Windows-1252,
and Excel workbooks with title rows above the header, merged header cells and formulas.
The readers return the cells untouched (text, or the value Excel stored) so that a rejected row
can be quarantined with its original values, and number each row as the officer would find it.

Extracts can be large or hostile: a CSV is read in batches (kpi.data.csv_batches) and a workbook is
checked before it is opened (kpi.data.workbook_check), within the limits in force (`limits:` in kpi.yml).
A caller may read only some columns, chosen from the header: the rest (names, addresses, NHS
numbers) are never held.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.data import csv_batches

from kpi.data import workbook_check
from kpi.config import InputLimits
from kpi.errors import UnusableInput

HEADER_SEARCH_ROWS = 30
HEAD_BYTES = 2**20  # the header is looked for in the file's first megabyte
PARQUET_BATCH_ROWS = 100_000  # rows of a Parquet file read at a time (fewer if limits.csv_batch_bytes is small)
_LIMITS: ContextVar[InputLimits | None] = ContextVar("input_limits", default=None)


@contextmanager
def input_limits(limits: InputLimits) -> Iterator[None]:
    """Read every extract within `limits` (from kpi.yml) until the block ends."""
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


def limits_in_force() -> InputLimits:
    """The limits set by the innermost `input_limits` block; the defaults outside any."""
    return _LIMITS.get() or InputLimits()


@dataclass
class RawExtract:
    """One file's cells below its header, with each row's number as Excel shows it."""

    path: Path
    headers: list[str]
    cells: pd.DataFrame  # columns are positions in `headers` (all of them, or those the caller chose)
    source_rows: pd.Series  # Excel row number of each row of `cells`
    header_row: int
    encoding: str | None = None
    sheet: str | None = None
    formula_without_value: pd.DataFrame | None = None  # same shape as cells
    ragged_rows: pd.Series | None = None  # rows whose values do not line up with the header
    # CSV: the number of values in each ragged row (NA elsewhere). Such a row's cells are empty: its values
    # may have moved into the wrong columns, so none is kept. (A workbook's cells cannot move: there a ragged
    # row has values beyond the header's last column, and its cells under the header are kept.)
    cell_counts: pd.Series | None = None
    batches: int = 1  # how many batches the rows were read in
    notes: list[str] = field(default_factory=list)
    # Published files reshaped onto the table (kpi.data.published): rows of the file may turn into several
    # records, be merged into another row's record, or be left out on purpose. Each is accounted for.
    rows_in_file: int | None = None  # data rows in the file (None: one record per row of `cells`)
    left_out: pd.Series | None = None  # why each left-out row was not loaded; index: row number
    merged_into: pd.Series | None = None  # row number of the record each merged row went into; index: row number


HeaderScorer = Callable[[list[str], list[str] | None], int]
# Given the header, the positions of the columns to read (None: every column).
ColumnChooser = Callable[[list[str]], Iterable[int]]


def read_extract(
    path: Path,
    *,
    score_header: HeaderScorer,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: ColumnChooser | None = None,
    limits: InputLimits | None = None,
) -> RawExtract:
    """Read a CSV or XLSX file; `score_header` says how well a row looks like our header, `columns`
    which columns to read once the header is known, and `limits` how large the file may be."""
    return joined(list(extract_batches(path, score_header=score_header, sheet=sheet, header_row=header_row,
                                       encoding=encoding, delimiter=delimiter, columns=columns, limits=limits)))


def extract_batches(
    path: Path,
    *,
    score_header: HeaderScorer,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: ColumnChooser | None = None,
    limits: InputLimits | None = None,
) -> Iterator[RawExtract]:
    """`read_extract` a batch of rows at a time (a CSV in batches of `limits.csv_batch_bytes`, a workbook
    whole), so that a large CSV is never held at once. Each batch is a RawExtract of its own rows, with
    their row numbers as in the file; there is always at least one (perhaps with no rows)."""
    limits = limits or limits_in_force()
    if not path.exists():
        raise UnusableInput(f"{path}: file not found")
    if not path.is_file():
        raise UnusableInput(f"{path}: not a file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield _read_xlsx(path, score_header, sheet, header_row, columns, limits)
    elif suffix in (".csv", ".txt", ".tsv"):
        yield from _read_csv(path, score_header, header_row, encoding, delimiter, columns, limits)
    elif suffix == ".parquet":
        yield from _read_parquet(path, columns, limits)
    elif suffix == ".xls":
        raise UnusableInput(f"{path}: old Excel .xls files cannot be read; save it as .xlsx or .csv")
    else:
        raise UnusableInput(f"{path}: unknown file type '{suffix}' (expected .csv, .xlsx or .parquet)")


def joined(batches: list[RawExtract]) -> RawExtract:
    """The batches of one file as one extract."""
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    together = lambda name: pd.concat([getattr(b, name) for b in batches], ignore_index=True)  # noqa: E731
    return RawExtract(path=first.path, headers=first.headers, cells=together("cells"),
                      source_rows=together("source_rows"), header_row=first.header_row, encoding=first.encoding,
                      sheet=first.sheet, ragged_rows=together("ragged_rows"), cell_counts=together("cell_counts"),
                      batches=sum(b.batches for b in batches), notes=first.notes)


# --- CSV ---------------------------------------------------------------------------------------


def _guess_delimiter(text: str) -> str:
    head = text[:20_000]
    counts = {d: head.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def _read_csv(path: Path, score_header: HeaderScorer, header_row: int | None, encoding: str | None,
              delimiter: str | None, columns: ColumnChooser | None, limits: InputLimits) -> Iterator[RawExtract]:
    """The header from the file's first megabyte; the rows below it in batches (kpi.data.csv_batches)."""
    used = encoding or csv_batches.sniff_encoding(path)
    head, whole = _head(path, used)
    if not head.strip():
        raise UnusableInput(f"{path}: the file is empty")
    delimiter = delimiter or _guess_delimiter(head)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    records, lines_read = [], []
    for record in reader:  # only the first rows, to find the header
        records.append(record)
        lines_read.append(reader.line_num)
        if len(records) >= max(HEADER_SEARCH_ROWS, header_row or 0) + 1:
            break
    if not whole and len(records) > 1:
        records, lines_read = records[:-1], lines_read[:-1]  # the last may be cut off by the end of the head
    index, headers = _locate_header(path, records, score_header, header_row)
    chosen = _chosen(columns, headers)
    found = 0
    for rows in csv_batches.row_batches(path, offset=_end_of_line(path, used, head, lines_read[index]),
                                        encoding=used, delimiter=delimiter, width=len(headers), columns=chosen,
                                        batch_bytes=limits.csv_batch_bytes):
        found += 1
        yield _csv_extract(path, headers, index, used, rows)
    if not found:
        yield _csv_extract(path, headers, index, used, csv_batches.read_rows(
            path, offset=path.stat().st_size, encoding=used, delimiter=delimiter, width=len(headers),
            columns=chosen, batch_bytes=limits.csv_batch_bytes))


def _csv_extract(path: Path, headers: list[str], index: int, encoding: str, rows: csv_batches.CsvRows) -> RawExtract:
    start = index + 2 + rows.first  # the Excel row number of the batch's first row
    source_rows = pd.Series(np.arange(start, start + len(rows.cells)), dtype="int64")
    return RawExtract(path=path, headers=headers, cells=rows.cells, source_rows=source_rows, header_row=index + 1,
                      encoding=encoding, ragged_rows=rows.cell_counts.notna().reset_index(drop=True),
                      cell_counts=rows.cell_counts, batches=rows.batches)


def _head(path: Path, encoding: str) -> tuple[str, bool]:
    """The text of the file's first megabyte, and whether that is the whole file."""
    with path.open("rb") as handle:
        data = handle.read(HEAD_BYTES + 1)
    whole = len(data) <= HEAD_BYTES
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
        return decoder.decode(data[:HEAD_BYTES], final=whole), whole
    except (UnicodeDecodeError, LookupError) as err:
        raise UnusableInput(f"{path}: cannot be read as {encoding} ({err})") from None


def _end_of_line(path: Path, encoding: str, head: str, lines: int) -> int:
    """The byte offset just after the first `lines` lines (ending in LF, CRLF or CR, as csv counts them)."""
    ends = [m.end() for _, m in zip(range(lines), re.finditer(r"\r\n|\r|\n", head))]
    if len(ends) < lines:  # the header is the last line and has no line break after it
        return path.stat().st_size
    return len(head[:ends[-1]].encode(encoding))


def _chosen(columns: ColumnChooser | None, headers: list[str]) -> list[int]:
    if columns is None:
        return list(range(len(headers)))
    return sorted(set(columns(headers)))


# --- Parquet -----------------------------------------------------------------------------------


def _read_parquet(path: Path, columns: ColumnChooser | None, limits: InputLimits) -> Iterator[RawExtract]:
    """A Parquet file (a national body's export, or `kpi demo --format parquet`) a row group's worth of rows at
    a time. Its column names are the header (row 1) and its rows are numbered from 2, as if it were a CSV
    file, and each value is written as the text a CSV file would hold, so that it is checked, parsed and
    pseudonymised exactly as a CSV file's would be."""
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise UnusableInput(f"{path}: cannot be read as a Parquet file ({type(err).__name__})") from None
    headers = list(source.schema_arrow.names)
    if not headers:
        raise UnusableInput(f"{path}: the file has no columns")
    chosen = _chosen(columns, headers)
    rows = max(1, min(PARQUET_BATCH_ROWS, limits.csv_batch_bytes // 64))
    first = 0
    with source:
        for batch in source.iter_batches(batch_size=rows, columns=[headers[i] for i in chosen]):
            yield _parquet_extract(path, headers, chosen, batch, first)
            first += batch.num_rows
        if not first:
            yield _parquet_extract(path, headers, chosen, None, 0)  # a file with no rows: one empty batch


def _parquet_extract(path: Path, headers: list[str], chosen: list[int], batch: pa.RecordBatch | None,
                     first: int) -> RawExtract:
    """One batch of rows as an extract: text cells, and the row numbers a CSV file of them would have."""
    as_text = {pa.large_string(): pd.StringDtype()}.get
    length = 0 if batch is None else batch.num_rows
    cells = pd.DataFrame({position: (_as_csv_text(batch.column(i)).to_pandas(types_mapper=as_text)
                                     if batch is not None else pd.Series(dtype="string"))
                          for i, position in enumerate(chosen)}, index=pd.RangeIndex(length), columns=chosen)
    source_rows = pd.Series(np.arange(first + 2, first + 2 + length), dtype="int64")
    return RawExtract(path=path, headers=headers, cells=cells, source_rows=source_rows, header_row=1,
                      ragged_rows=pd.Series(False, index=cells.index), cell_counts=pd.Series(pd.NA, index=cells.index,
                                                                                            dtype="Int64"))


def _as_csv_text(values: pa.Array) -> pa.Array:
    """A column as the text of a CSV cell: dates as 2025-04-01 (with the time, 2025-04-01 08:53:00, where any
    has one), true/false, numbers as written, and an empty cell for a missing value."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_date(values.type):
        values = pc.strftime(values.cast(pa.timestamp("s")), format="%Y-%m-%d")
    elif pa.types.is_timestamp(values.type):
        seconds = values.cast(pa.timestamp("s", tz=values.type.tz), safe=False)
        timed = pc.any(pc.not_equal(seconds, pc.floor_temporal(seconds, unit="day"))).as_py()
        values = pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S" if timed else "%Y-%m-%d")
    elif pa.types.is_boolean(values.type):
        values = pc.if_else(values, "true", "false")
    return pc.fill_null(values.cast(pa.large_string()), "")


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(path: Path, score_header: HeaderScorer, sheet: str | int | None, header_row: int | None,
               columns: ColumnChooser | None, limits: InputLimits) -> RawExtract:
    """Checked before it is opened (kpi.data.workbook_check); then values and merged ranges through calamine
    (fast); formulas, only if the sheet has any, through openpyxl, so a formula Excel never calculated is
    reported rather than read as empty."""
    from python_calamine import CalamineWorkbook

    parts = workbook_check.sheet_parts(path, limits)
    name = _sheet_name(list(parts), sheet, path)
    scan = workbook_check.check_sheet(path, name, parts[name], limits)
    try:
        worksheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    except Exception as err:  # calamine raises its own error types for a damaged file
        raise UnusableInput(f"{path}: not a readable Excel workbook ({type(err).__name__}: {err})") from None
    values = [list(row) for row in worksheet.to_python(skip_empty_area=False)]
    _fill_merged_cells(values, worksheet.merged_cell_ranges or [])
    if not any(_row_has_value(r) for r in values):
        raise UnusableInput(f"{path}: sheet '{name}' is empty")
    index, headers = _locate_header(path, values, score_header, header_row)
    extract = _sheet_extract(path, headers, index, values[index + 1:], _chosen(columns, headers))
    extract.sheet = name
    empty = extract.cells.isna() | extract.cells.map(lambda v: isinstance(v, str) and not v.strip())
    extract.formula_without_value = (_formulas_without_values(path, name, extract, empty) if scan.has_formulas
                                     else empty & False)
    return extract


def _sheet_extract(path: Path, headers: list[str], index: int, body: list[list], chosen: list[int]) -> RawExtract:
    """The chosen columns below the header: trailing empty rows dropped, values beyond the header's last
    column noted (a cell of a sheet cannot move, so the row's other cells are kept)."""
    width = len(headers)
    grid = np.array(_padded(body, width), dtype=object) if body else np.empty((0, width), dtype=object)
    cells = pd.DataFrame(grid[:, chosen], columns=chosen)
    beyond = pd.DataFrame(grid[:, width:])
    ragged = _filled(beyond)
    has_value = _filled(cells) | ragged
    last = int(np.flatnonzero(has_value)[-1]) + 1 if has_value.any() else 0  # trailing empty rows are formatting
    cells = cells.iloc[:last]
    cells = cells.where(cells.notna(), None)
    source_rows = pd.Series(range(index + 2, index + 2 + last), dtype="int64")
    return RawExtract(path=path, headers=headers, cells=cells, source_rows=source_rows, header_row=index + 1,
                      ragged_rows=pd.Series(ragged[:last]))


def _filled(frame: pd.DataFrame) -> np.ndarray:
    """Per row: does any cell hold something other than spaces?"""
    found = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        found |= frame[column].astype("string").str.strip().ne("").fillna(False).to_numpy(dtype=bool)
    return found


def _formulas_without_values(path: Path, sheet: str, extract: RawExtract, empty: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds a formula but no saved result (e.g. a file written by a script)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    start, width = extract.header_row, len(extract.headers)
    rows = [(r + [None] * width)[:width] for r in formulas[start:start + len(extract.cells)]]
    rows += [[None] * width] * (len(extract.cells) - len(rows))
    frame = pd.DataFrame(rows, index=extract.cells.index, columns=range(width))[list(extract.cells.columns)]
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
