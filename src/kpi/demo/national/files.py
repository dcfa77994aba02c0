"""Columns and files for millions of rows: Arrow arrays built from numpy, written by pyarrow.

No Python string is made per row. An id such as C0000001 is a number looked up in one list of the
numbered ids (made once, with numpy); a category word is a small code with its dictionary of words;
a date or date-time is a count of days or seconds. CSV is written by pyarrow's writer without
quotes (no value contains a comma: the writer refuses one rather than write a broken file), dates
as 2020-04-01 and date-times as 2020-04-01 09:15:00, which `kpi ingest` reads. Parquet is written in
row groups, with dates as timestamps (pandas 3 would read Arrow dates as Python date objects).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from kpi.data.files import write_atomically

FORMATS = ("csv", "parquet")
ROW_GROUP = 1 << 20
CSV_BATCH = 1 << 16  # rows formatted at a time: pyarrow's default of 1,024 is several times slower
MIN_DIGITS = 7
_FOUR_DIGITS = np.array([f"{n:04d}" for n in range(10_000)], dtype="S4").view(np.uint32)


def _numbered_bytes(prefix: str, largest: int, digits: int) -> np.ndarray:
    """[prefix + 0...0, ..., prefix + largest] as fixed-width ASCII (numpy bytes), zero-padded to `digits`."""
    count = largest + 1
    blocks = -(-digits // 4)
    numbers = np.arange(count, dtype=np.int64)
    grid = np.empty((count, blocks), dtype=np.uint32)
    for block in range(blocks - 1, -1, -1):  # a loop over groups of four digits
        numbers, grid[:, block] = np.divmod(numbers, 10_000)
        grid[:, block] = _FOUR_DIGITS[grid[:, block]]
    text = grid.view(np.uint8).reshape(count, blocks * 4)[:, blocks * 4 - digits:]
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    data = np.concatenate([np.broadcast_to(head, (count, len(head))), text], axis=1)
    return np.ascontiguousarray(data).view(f"S{len(head) + digits}").ravel()


def _strings(fixed: np.ndarray) -> pa.StringArray:
    """Fixed-width ASCII (numpy bytes) as an Arrow string array, without a Python string per row."""
    width = fixed.dtype.itemsize
    offsets = np.arange(len(fixed) + 1, dtype=np.int64 if len(fixed) * width >= 2**31 else np.int32) * width
    kind = pa.large_string() if offsets.dtype == np.int64 else pa.string()
    return pa.Array.from_buffers(kind, len(fixed), [None, pa.py_buffer(offsets), pa.py_buffer(fixed)])


def ids(prefix: str, numbers: np.ndarray, digits: int | None = None) -> pa.Array:
    """Ids such as C0000001 for whole numbers from 1: `digits` digits (default: at least MIN_DIGITS, more if
    needed). Each row's id is copied from one list of the numbered ids."""
    largest = int(numbers.max(initial=1))
    digits = digits or max(MIN_DIGITS, len(str(largest)))
    return _strings(_numbered_bytes(prefix, largest, digits)[numbers])


def person_ids(numbers: np.ndarray, adult: np.ndarray, digits: int) -> pa.Array:
    """A child's id C0000001, an adult's A0000001: the person's number with the letter for its kind."""
    largest = int(numbers.max(initial=1))
    both = np.concatenate([_numbered_bytes("C", largest, digits), _numbered_bytes("A", largest, digits)])
    return _strings(both[numbers + adult * np.int32(largest + 1)])


def words(codes: np.ndarray, vocabulary: list[str], missing: np.ndarray | None = None) -> pa.DictionaryArray:
    """A category column: each row's code (a small whole number) into `vocabulary`; empty where `missing`."""
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=missing), pa.array(vocabulary, pa.string()))


def dates(day: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(day.astype(np.int32, copy=False), pa.date32(), mask=missing)


def date_times(day: np.ndarray, minute: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    seconds = np.multiply(day, 86_400, dtype=np.int64)
    seconds += np.multiply(minute, 60, dtype=np.int64)
    return pa.array(seconds, pa.timestamp("s"), mask=missing)


def write_table(table: pa.Table, folder: Path, name: str, file_format: str) -> Path:
    """`name`.csv or `name`.parquet in `folder`, whole or not at all."""
    path = folder / f"{name}.{file_format}"
    if file_format == "csv":
        write_atomically(path, lambda temporary: _write_csv(table, temporary))
    else:
        write_atomically(path, lambda temporary: _write_parquet(table, temporary))
    return path


def _write_csv(table: pa.Table, path: Path) -> None:
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(quoting_style="none", quoting_header="none", batch_size=CSV_BATCH)
    pacsv.write_csv(table, path, options)


def _write_parquet(table: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq

    fields = [pa.field(f.name, pa.timestamp("s")) if pa.types.is_date32(f.type) else f for f in table.schema]
    table = table.cast(pa.schema(fields))
    categories = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]  # ids are not worth a dictionary
    pq.write_table(table, path, row_group_size=ROW_GROUP, use_dictionary=categories, compression="snappy")
