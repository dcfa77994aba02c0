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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kpi.errors import UnusableInput

SCAN_BYTES = 8 * 2**20  # how much is read at a time while working out the encoding
_NOT_IN_CP1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")  # bytes Windows-1252 leaves undefined
_ARROW_ENCODING = {"utf-8": "utf8", "utf-8-sig": "utf8", "utf8": "utf8"}


@dataclass
class CsvRows:
    """Rows below the header: the cells read, and the rows whose values did not line up."""

    cells: pd.DataFrame  # columns: positions in the header that were read; index 0..n-1, one per row
    cell_counts: pd.Series  # the number of values in each row that does not match the header; NA elsewhere
    # (a row of nothing but delimiters and spaces is blank, whatever its count: its cells are NA, its count too)
    batches: int  # how many of the reader's batches these rows came in
    first: int = 0  # how many rows of the file come before these


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
    """Every row from byte `offset` (just after the header) to the end, together (see `row_batches`)."""
    parts = list(row_batches(path, offset=offset, encoding=encoding, delimiter=delimiter, width=width,
                             columns=columns, batch_bytes=batch_bytes))
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return _aligned(pa.schema([(f"c{i}", pa.large_string()) for i in columns]).empty_table(), columns,
                        np.empty(0, np.int64), np.empty(0, np.int64), 0)
    return CsvRows(pd.concat([p.cells for p in parts], ignore_index=True),
                   pd.concat([p.cell_counts for p in parts], ignore_index=True), sum(p.batches for p in parts))


def row_batches(path: Path, *, offset: int, encoding: str, delimiter: str, width: int, columns: list[int],
                batch_bytes: int) -> Iterator[CsvRows]:
    """The rows from byte `offset` (just after the header) to the end, about `batch_bytes` of the file at
    a time, so that one batch is held however large the file.

    `width` is the number of columns the header has; `columns` the positions to read. Each batch says how
    many rows come before it (`first`). Empty rows at the end of a batch are held back until a row with
    something in it follows (trailing empty rows are formatting, not records), and dropped at the end.
    """
    if offset >= path.stat().st_size:
        return
    names = [f"c{i}" for i in range(width)]
    wanted = [names[i] for i in columns]
    schema = pa.schema([(n, pa.large_string()) for n in wanted])
    spans = _Spans()
    nothing = delimiter + " \t\r\n"

    def misaligned(row) -> str:
        # Only the row's number and how many values it has are kept, never its text. A row of nothing but
        # delimiters and spaces is a blank row, not a broken one (its count is kept as 0).
        spans.misaligned(row.number, 0 if not row.text.strip(nothing) else row.actual_columns)
        return "skip"

    source = pa.OSFile(str(path))
    source.seek(offset)
    try:
        reader = _one_line(path, encoding, batch_bytes, lambda: pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=names, block_size=batch_bytes, use_threads=False,
                                           encoding=_ARROW_ENCODING.get(encoding.lower(), encoding)),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=False, invalid_row_handler=misaligned),
            convert_options=pacsv.ConvertOptions(include_columns=wanted,
                                                 column_types={n: pa.large_string() for n in wanted},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        ))
        held, emitted = None, 0  # empty rows not yet known to be followed by a record; rows handed over
        while True:
            batch = _one_line(path, encoding, batch_bytes, lambda: next(reader, None))
            table = schema.empty_table() if batch is None else pa.Table.from_batches([batch], schema=schema)
            bad, counts = spans.cover(table.num_rows, last=batch is None)
            rows = _aligned(table, columns, bad, counts, int(batch is not None))
            if held is not None:
                rows = CsvRows(pd.concat([held.cells, rows.cells], ignore_index=True),
                               pd.concat([held.cell_counts, rows.cell_counts], ignore_index=True),
                               held.batches + rows.batches)
            filled = _filled_rows(rows)
            if filled:
                yield CsvRows(rows.cells.iloc[:filled], rows.cell_counts.iloc[:filled], rows.batches, emitted)
                emitted += filled
            held = None if filled == len(rows.cells) else CsvRows(
                rows.cells.iloc[filled:], rows.cell_counts.iloc[filled:], 0)
            if batch is None:
                return
    finally:
        source.close()


class _Spans:
    """Which rows each batch covers. The reader numbers the rows below the header from 1 and skips the
    misaligned ones, noting them as it parses a block (before that block's batch is handed over): a
    batch of n rows covers those n and the misaligned rows before and among them."""

    def __init__(self):
        self.rows, self.counts = array("q"), array("q")  # each misaligned row's number and values
        self.next_row = 1  # the first row no batch covers yet
        self.placed = 0  # misaligned rows already in a batch

    def misaligned(self, number: int, count: int) -> None:
        self.rows.append(number)
        self.counts.append(count)

    def cover(self, rows: int, *, last: bool) -> tuple[np.ndarray, np.ndarray]:
        """The misaligned rows of the next batch of `rows` good rows (every one left, for the `last`):
        their numbers within the batch (from 1) and their counts of values."""
        bad = np.array(self.rows[self.placed:], dtype=np.int64)
        if last:
            found = len(bad)
        else:
            end = self.next_row + rows - 1
            while rows:  # the batch's last row is a good one: past every misaligned row at or before it
                moved = self.next_row + rows - 1 + int(np.searchsorted(bad, end, side="right"))
                if moved == end:
                    break
                end = moved
            found = int(np.searchsorted(bad, end, side="right")) if rows else 0
        numbers = bad[:found] - (self.next_row - 1)
        counts = np.array(self.counts[self.placed:self.placed + found], dtype=np.int64)
        self.placed += found
        self.next_row += rows + found
        return numbers, counts


def _one_line(path: Path, encoding: str, batch_bytes: int, step):
    """Run a step of the reader; an error is one line that never quotes the file's content."""
    try:
        return step()
    except (pa.ArrowException, UnicodeDecodeError, LookupError) as err:
        raise UnusableInput(_why_unreadable(path, err, encoding, batch_bytes)) from None


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
    """Put the misaligned rows (numbered from 1 within the batch) back in their places, as rows with no
    cells: blank ones as blank rows, the others with their count of values."""
    total = table.num_rows + len(bad_rows)
    misaligned = np.zeros(total, dtype=bool)
    misaligned[bad_rows - 1] = True
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
    return CsvRows(cells, counts, batches)


def _filled_rows(rows: CsvRows) -> int:
    """How many rows there are up to the last one with anything in it (a broken row counts)."""
    filled = rows.cell_counts.notna().to_numpy(dtype=bool, copy=True)
    for position in rows.cells.columns:
        cells = pa.array(rows.cells[position].array, type=pa.large_string(), from_pandas=True)
        blank = pc.or_kleene(pc.utf8_is_space(cells), pc.equal(pc.binary_length(cells), 0)).fill_null(True)
        filled |= ~blank.to_numpy(zero_copy_only=False)
    return int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
