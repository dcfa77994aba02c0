"""Dates in the layouts nearly every extract uses, read straight from the text's bytes.

A case management system writes its dates the same way on every row: 10/02/2017, 10/02/2017 14:35,
10/02/2017 14:35:07, 2017-02-10 or 2017-02-10 14:35:07, always two digits a part and a four-digit year.
Reading a million of those one by one costs seconds; checked and converted as whole columns of bytes it
costs milliseconds. A text in exactly one of these layouts is read here, to the same value the general
reader (kpi.data.parsing.parse_day_first) gives it: the date and time it says, or none when there is no
such moment (31/02/2017, 24:00). Any other text (one-digit parts, a year before 1000 or after 2999, month
names, spaces, other digits) is left to the general reader.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

DIGIT = "9"  # in a layout: a digit 0-9
# Each layout as its characters, and where its parts are (first character, number of characters).
_LAYOUTS = {
    "99/99/9999": {"day": (0, 2), "month": (3, 2), "year": (6, 4)},
    "99/99/9999 99:99": {"day": (0, 2), "month": (3, 2), "year": (6, 4), "hour": (11, 2), "minute": (14, 2)},
    "99/99/9999 99:99:99": {"day": (0, 2), "month": (3, 2), "year": (6, 4), "hour": (11, 2), "minute": (14, 2),
                            "second": (17, 2)},
    "9999-99-99": {"year": (0, 4), "month": (5, 2), "day": (8, 2)},
    "9999-99-99 99:99:99": {"year": (0, 4), "month": (5, 2), "day": (8, 2), "hour": (11, 2), "minute": (14, 2),
                            "second": (17, 2)},
}
# Every month of the years 1000 to 2999: its first day (days since 1 January 1970) and its number of days.
_FIRST_YEAR = 1000
_STARTS = np.arange(np.datetime64("1000-01", "M"), np.datetime64("3000-02", "M")).astype("datetime64[D]").astype(np.int64)
_MONTH_START, _MONTH_LENGTH = _STARTS[:-1], np.diff(_STARTS)


def read_common_layouts(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """For trimmed text: which cells are in a common layout, and their moments (NaT where no such moment
    exists; NaT for the cells not read)."""
    array = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    read = np.zeros(len(array), dtype=bool)
    stamps = np.full(len(array), np.datetime64("NaT"), dtype="datetime64[us]")
    start = 0
    for chunk in chunks:
        _read_chunk(chunk, read[start:start + len(chunk)], stamps[start:start + len(chunk)])
        start += len(chunk)
    return read, stamps


def _read_chunk(array: pa.LargeStringArray, read: np.ndarray, stamps: np.ndarray) -> None:
    if not len(array):
        return
    data = np.frombuffer(array.buffers()[2] or b"", dtype=np.uint8)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    lengths = np.diff(offsets)
    if array.null_count:
        lengths = np.where(np.asarray(array.is_valid()), lengths, 0)
    for layout, parts in _LAYOUTS.items():
        width = len(layout)
        same = lengths == width
        if same.all():  # every cell in this layout's width, one after another: the bytes are the grid
            rows, grid = np.arange(len(array)), data[offsets[0]:offsets[-1]].reshape(len(array), width)
        else:
            rows = np.flatnonzero(same)
            if not len(rows):
                continue
            # Each row's characters side by side: a window of the layout's width at each row's start.
            grid = np.lib.stride_tricks.sliding_window_view(data, width)[offsets[rows]]
        fits = _fits(grid, layout)
        if not fits.all():
            rows, grid = rows[fits], grid[fits]
        read[rows] = True
        stamps[rows] = _moments(grid, parts)


def _fits(grid: np.ndarray, layout: str) -> np.ndarray:
    """Rows of bytes in exactly this layout, the year beginning 1 or 2."""
    digits = [n for n, character in enumerate(layout) if character == DIGIT]
    marks = [n for n, character in enumerate(layout) if character != DIGIT]
    fits = ((grid[:, digits] - np.uint8(ord("0"))) < 10).all(axis=1)  # below '0' wraps round to large
    fits &= (grid[:, marks] == np.frombuffer(layout.encode("ascii"), dtype=np.uint8)[marks]).all(axis=1)
    century = grid[:, layout.index("9999")]
    return fits & ((century == ord("1")) | (century == ord("2")))


def _moments(grid: np.ndarray, parts: dict[str, tuple[int, int]]) -> np.ndarray:
    """The moment each row of bytes says; NaT where there is no such day or time."""
    number = {name: _number(grid, start, width) for name, (start, width) in parts.items()}
    month = number["month"] - 1
    exists = (month >= 0) & (month <= 11)
    which = (number["year"] - _FIRST_YEAR) * 12 + np.where(exists, month, 0)  # every year read is 1000-2999
    day = number["day"]
    exists &= (day >= 1) & (day <= _MONTH_LENGTH[which])
    seconds = np.zeros(len(grid), dtype=np.int64)
    for name, limit, size in (("hour", 23, 3600), ("minute", 59, 60), ("second", 59, 1)):
        if name in number:
            exists &= number[name] <= limit
            seconds += number[name] * size
    moments = (_MONTH_START[which] + (day - 1)) * 86_400_000_000 + seconds * 1_000_000
    return np.where(exists, moments, np.iinfo(np.int64).min).view("datetime64[us]")


def _number(grid: np.ndarray, start: int, width: int) -> np.ndarray:
    """The number written in each row's characters start to start + width (all digits)."""
    value = (grid[:, start] - np.uint8(ord("0"))).astype(np.int32)
    for position in range(start + 1, start + width):
        value = value * 10 + (grid[:, position] - np.uint8(ord("0")))
    return value
