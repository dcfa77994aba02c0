"""Cells that are data, not formulas: text a spreadsheet would run is written so it stays text.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula, and some programs
trim leading blanks first, so a tab or carriage return at the start, or spaces before one of those
signs, count too (OWASP's list); Excel with an East Asian input method also runs the full-width signs. A quarantined extract cell, a file name or a manager's comment can begin that way, and the
officer who opens the file would run it (OWASP "CSV injection"). Numbers are never touched.

CSV has no cell types, so a risky text gets a leading apostrophe, Excel's own way of saying "this
is text" and OWASP's advice. The prefix is reversible: texts that already begin with apostrophes
before a risky start get one more, so `from_csv_text` strips exactly what `as_csv_text` added and
nothing a person wrote (Welsh "'r" stays). A plain number written as text ("-5", "+1.5e3") is left
alone: every spreadsheet reads it as a constant, never as a formula.

XLSX has cell types, so the text is kept exact: the cell is a string cell (openpyxl would otherwise
store a str beginning with "=" as a formula and "#N/A" as an error) with Excel's quote prefix set,
so Excel shows the text without an apostrophe and keeps it text even when someone edits the cell.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # openpyxl is loaded where a workbook is written, not by every CSV writer
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

APOSTROPHE = "'"
# Written out rather than \s and \d, so that Python's re and pyarrow's RE2 (which pandas uses for
# pyarrow-backed text, and which is far faster on a large quarantine) agree on every text.
_SPACE = "[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
# Full-width = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20): Excel with an East Asian input method runs them too.
_START = f"(?:[\t\r]|{_SPACE}*[=+\\-@\uff1d\uff0b\uff0d\uff20])"
_NUMBER = "[+\\-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+\\-]?[0-9]+)?"
# As CSV cells: any apostrophes (a person's, or the one the writer adds), then a start that would run.
_RISKY_IN_CSV = "'*" + _START
_ESCAPED_IN_CSV = "'+" + _START
_NUMBER_IN_CSV = "'*" + _NUMBER


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would run this text as a formula if it were typed or opened from CSV."""
    return re.match(_START, text) is not None and re.fullmatch(_NUMBER, text) is None


# --- CSV ------------------------------------------------------------------------------------------


def _text_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns that can hold text (string; object holding str; text categories)."""
    found = []
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = pd.Series(column.cat.categories)
        if pd.api.types.is_string_dtype(column.dtype) and pd.api.types.infer_dtype(column, skipna=True) in (
                "string", "mixed", "mixed-integer", "empty"):
            found.append(position)
    return found


def _rewrite(column: pd.Series, start: str, change) -> pd.Series:
    """Apply `change` (str Series -> str Series) to the text cells that begin with `start` and are
    not plain numbers; vectorised (pyarrow's RE2 for pyarrow-backed text)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = pd.Series(column.cat.categories, dtype=object)
        hit = _hits(categories, start)
        if not hit.any():
            return column
        return column.cat.rename_categories(categories.mask(hit, change(categories[hit].astype(str))).tolist())
    hit = _hits(column, start)
    if not hit.any():
        return column
    column = column.copy()
    column[hit] = change(column[hit].astype(str))
    return column


def _hits(column: pd.Series, start: str) -> pd.Series:
    if column.dtype == object and len(column) > 1000:
        # A table's text repeats (ids, periods, units, reasons): each distinct text is looked at once.
        codes, distinct = pd.factorize(column)
        found = np.append(_hits(pd.Series(distinct, dtype=object), start).to_numpy(dtype=bool), False)
        return pd.Series(found[codes], index=column.index)  # a missing cell (code -1) is the False at the end
    hit = column.str.match(start, na=False).astype(bool)
    if hit.any():
        hit[hit] = ~column[hit].str.fullmatch(_NUMBER_IN_CSV, na=False).astype(bool)
    return hit


def _add_apostrophe(text: pd.Series) -> pd.Series:
    return APOSTROPHE + text


def _drop_apostrophe(text: pd.Series) -> pd.Series:
    return text.str.slice(1)


def _convert(frame: pd.DataFrame, start: str, change) -> pd.DataFrame:
    """The frame with `change` applied to matching text cells and column names; the same frame if none match."""
    changed = {}
    for position in _text_columns(frame):
        column = frame.iloc[:, position]
        rewritten = _rewrite(column, start, change)
        if rewritten is not column:
            changed[position] = rewritten
    labels = pd.Series(frame.columns, dtype=object)
    label_hit = labels.map(lambda v: isinstance(v, str) and re.match(start, v) is not None
                           and re.fullmatch(_NUMBER_IN_CSV, v) is None).astype(bool)
    if not changed and not label_hit.any():
        return frame
    out = frame.copy(deep=False)
    for position, rewritten in changed.items():
        out.isetitem(position, rewritten)
    if label_hit.any():
        out.columns = labels.mask(label_hit, change(labels[label_hit].astype(str))).tolist()
    return out


def as_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it may be written to CSV: each text cell (and column name) a spreadsheet would
    run starts with an apostrophe; numbers, and plain numbers written as text, are left alone."""
    return _convert(frame, _RISKY_IN_CSV, _add_apostrophe)


def from_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it was before `as_csv_text`: removes the one apostrophe the writer added, no more."""
    return _convert(frame, _ESCAPED_IN_CSV, _drop_apostrophe)


BOM = "\ufeff"  # UTF-8's byte-order mark (EF BB BF in the file)


def write_csv(frame: pd.DataFrame, target: str | Path | TextIO, *, bom: bool | None = None) -> None:
    """Write a table as CSV that a spreadsheet opens as data: `as_csv_text`, no index, UTF-8 with a
    byte-order mark, and CRLF line ends (RFC 4180, as Excel writes): with them the csv module quotes a
    cell holding a carriage return, which would otherwise split the row in two.

    Excel reads a CSV without the byte-order mark in the PC's code page, so "Môn" opens as "MÃ´n" and
    "ŵ" as "Åµ"; with it, Excel reads UTF-8. pandas (`read_csv`) and `open(..., encoding="utf-8-sig")`
    drop the mark, so the first column's name reads back exactly.

    A file named by its path always gets the mark. An open text stream gets it when `bom` says so or,
    by default, when it is a regular file written from its start (`kpi indicators --format csv > q3.csv`)
    and does not add a mark itself (encoding utf-8-sig); a terminal, a pipe or a StringIO gets none."""
    safe = as_csv_text(frame)
    if isinstance(target, (str, Path)):
        from kpi.data import fast_csv

        if fast_csv.writable(safe):  # the same bytes, several times faster for a large table
            fast_csv.write(safe, Path(target), bom=bom is not False)
            return
        safe.to_csv(target, index=False, encoding="utf-8" if bom is False else "utf-8-sig", lineterminator="\r\n")
        return
    if _wants_bom(target) if bom is None else bom:
        target.write(BOM)
    safe.to_csv(target, index=False, lineterminator="\r\n")


def _wants_bom(stream: TextIO) -> bool:
    """Whether a text stream is the start of a file someone will open (not a terminal, a pipe or memory)."""
    if str(getattr(stream, "encoding", "") or "").lower().replace("_", "-") in ("utf-8-sig", "utf8-sig"):
        return False  # the stream writes its own mark
    try:
        found = os.fstat(stream.fileno())
        return stat.S_ISREG(found.st_mode) and found.st_size == 0 and stream.tell() == 0  # not `>>` onto a file
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and a ValueError
        return False


# --- XLSX -----------------------------------------------------------------------------------------


def keep_as_text(cell: Cell) -> Cell:
    """Make a cell holding text a string cell that Excel shows and edits as text, value unchanged."""
    if isinstance(cell.value, str) and (cell.data_type in ("f", "e") or runs_as_formula(cell.value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable) -> None:
    """`sheet.append(values)`, with every text cell kept as text; numbers stay numbers."""
    from openpyxl.cell.cell import Cell

    sheet.append([keep_as_text(Cell(sheet, value=v)) if isinstance(v, str) else v for v in values])
