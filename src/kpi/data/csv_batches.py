"""Read the rows of a CSV extract in batches, so that a file of any size is read in bounded memory.

Only the columns asked for are converted into cells: an identifying column (a name, an address, an
NHS number) is left out by its header before any row is split, so its values are never held. Every
cell stays text, to be parsed later. A row whose number of values differs from the header's is kept
as its row number and that count alone: an unquoted comma in an address moves every later value into
the wrong column, and there is no telling which value is which, so none of them is kept.
"""

from __future__ import annotations

import codecs
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi.errors import UnusableInput

SCAN_BYTES = 8 * 2**20  # how much is read at a time while working out the encoding
_NOT_IN_CP1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")  # bytes Windows-1252 leaves undefined
_ARROW_ENCODING = {"utf-8": "utf8", "utf-8-sig": "utf8", "utf8": "utf8"}


@dataclass
class CsvRows:
    """The rows below the header: the cells read, and the rows whose values did not line up."""

    cells: pd.DataFrame  # columns: positions in the header that were read; index 0..n-1, one per row
    cell_counts: pd.Series  # the number of values in each row that does not match the header; NA elsewhere
    # (a row of nothing but delimiters and spaces is blank, whatever its count: its cells are NA, its count too)
    batches: int  # how many batches the file was read in


def sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark) when every byte reads as UTF-8, else Windows-1252,
    else Latin-1 (which reads every byte, so nothing is lost). Reads the file a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        first = handle.read(3)
        handle.seek(0)
        try:
            for block in iter(lambda: handle.read(SCAN_BYTES), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if first == b"\xef\xbb\xbf" else "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        for block in iter(lambda: handle.read(SCAN_BYTES), b""):
            if any(byte in block for byte in _NOT_IN_CP1252):
                return "latin-1"
    return "cp1252"


def read_rows(path: Path, *, offset: int, encoding: str, delimiter: str, width: int, columns: list[int],
              batch_bytes: int) -> CsvRows:
    """The rows from byte `offset` (just after the header) to the end, `batch_bytes` at a time.

    `width` is the number of columns the header has; `columns` the positions to read.
    """
    names = [f"c{i}" for i in range(width)]
    wanted = [names[i] for i in columns]
    bad_rows, bad_counts = array("q"), array("q")
    nothing = delimiter + " \t\r\n"

    def misaligned(row) -> str:
        # Only the row's number and how many values it has are kept, never its text. A row of nothing but
        # delimiters and spaces is a blank row, not a broken one (its count is kept as 0).
        bad_rows.append(row.number)
        bad_counts.append(0 if not row.text.strip(nothing) else row.actual_columns)
        return "skip"

    batches = []
    if offset < path.stat().st_size:
        source = pa.OSFile(str(path))
        source.seek(offset)
        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(column_names=names, block_size=batch_bytes, use_threads=False,
                                               encoding=_ARROW_ENCODING.get(encoding.lower(), encoding)),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                 ignore_empty_lines=False, invalid_row_handler=misaligned),
                convert_options=pacsv.ConvertOptions(include_columns=wanted,
                                                     column_types={n: pa.large_string() for n in wanted},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
            batches = list(reader)
        except (pa.ArrowException, UnicodeDecodeError, LookupError) as err:
            raise UnusableInput(_why_unreadable(path, err, encoding, batch_bytes)) from None
        finally:
            source.close()
    table = pa.Table.from_batches(batches, schema=pa.schema([(n, pa.large_string()) for n in wanted]))
    return _aligned(table, columns, np.frombuffer(bad_rows, dtype=np.int64),
                    np.frombuffer(bad_counts, dtype=np.int64), len(batches))


def _why_unreadable(path: Path, err: Exception, encoding: str, batch_bytes: int) -> str:
    """One line, never quoting the file's content (an error may carry a row's text)."""
    text = str(err)
    if "straddl" in text or "block size" in text:
        return (f"{path}: a row is longer than {batch_bytes:,} bytes (limits.csv_batch_bytes in kpi.yml); "
                "check the file, or raise the limit if the row is right")
    if "UTF8" in text or isinstance(err, (UnicodeDecodeError, LookupError)):
        return f"{path}: cannot be read as {encoding} (set `encoding:` for this source in kpi.yml)"
    return f"{path}: cannot be read as a CSV file ({type(err).__name__})"


def _aligned(table: pa.Table, columns: list[int], bad_rows: np.ndarray, bad_counts: np.ndarray,
             batches: int) -> CsvRows:
    """Put the misaligned rows back in their places, as rows with no cells (blank ones as blank rows),
    and drop trailing empty rows."""
    total = table.num_rows + len(bad_rows)
    misaligned = np.zeros(total, dtype=bool)
    misaligned[bad_rows - 1] = True  # the reader numbers the rows below the header from 1
    if len(bad_rows):
        order = np.zeros(total, dtype=np.int64)
        order[~misaligned] = np.arange(table.num_rows)
        table = table.take(pa.array(order, mask=misaligned))
    as_text = {pa.large_string(): pd.StringDtype()}.get
    cells = pd.DataFrame({position: table.column(i).to_pandas(types_mapper=as_text)
                          for i, position in enumerate(columns)}, index=pd.RangeIndex(total), columns=columns)
    blank = np.zeros(total, dtype=bool)
    blank[bad_rows[bad_counts == 0] - 1] = True
    counts = pd.Series(pd.NA, index=cells.index, dtype="Int64")
    counts[misaligned & ~blank] = bad_counts[bad_counts > 0]
    filled = misaligned & ~blank
    for position in columns:
        filled |= cells[position].str.strip().ne("").fillna(False).to_numpy(dtype=bool)
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0  # trailing empty rows are formatting
    return CsvRows(cells.iloc[:last], counts.iloc[:last], batches)
