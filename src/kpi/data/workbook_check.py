"""Check a workbook before it is opened, so a hostile or broken one is refused instead of exhausting memory.

An .xlsx file is a zip of XML. A few megabytes can unzip to gigabytes (a zip bomb), and a sheet can
span a million rows by sixteen thousand columns with a single cell (the reader builds the whole grid).
So, before the workbook is opened: the sizes its parts declare, and how much each expands, are checked;
then every part is unzipped as a stream (never more than a megabyte at a time), counting what really
comes out; the sheet to be read is scanned on the way for the dimension it declares, the furthest cell
that holds a value, and whether it has formulas. Anything beyond `limits:` in kpi.yml is refused with
one line naming the file, what was found and the limit.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from kpi.config import InputLimits
from kpi.errors import UnusableInput

CHUNK = 2**20
RATIO_CHECKED_FROM = 2**20  # parts smaller than this once unzipped cannot do harm, whatever their ratio
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_FORMULA_TAGS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")  # <f>, or <x:f> where a prefix is used
# Every cell: its reference when it comes first (as every common writer puts it), and "/" when the cell
# is empty (<c r="B2" s="1"/>). A cell whose reference is missing or later is counted by _counted_extent.
_CELL = re.compile(rb'<(?:\w+:)?c(?=[\s>/])(?:\s+r="([A-Z]{1,3})([0-9]{1,7})")?[^>]*?(/?)>')


@dataclass
class SheetScan:
    declared: str | None  # the dimension the sheet declares, e.g. A1:K5000
    rows: int  # the last row and column holding a value (what the reader will build)
    columns: int
    has_formulas: bool


def sheet_parts(path: Path, limits: InputLimits) -> dict[str, str | None]:
    """Each sheet's name and its XML part, in workbook order, once the declared sizes are within limits.
    A part is None where the workbook does not say (every worksheet is then checked)."""
    with _open(path) as archive:
        _check_declared_sizes(path, archive.infolist(), limits)
        try:
            main = _main_part(archive)
            workbook = ElementTree.fromstring(archive.read(main))
            folder, file = posixpath.split(main)
            links = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", file + ".rels")))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
            raise UnusableInput(f"{path}: not a readable Excel workbook (its list of sheets is missing or "
                                "damaged)") from None
    targets = {link.get("Id"): link.get("Target", "") for link in links}
    sheets = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP_ID))
        sheets[sheet.get("name", "")] = _part_name(folder, target) if target else None
    if not sheets:
        raise UnusableInput(f"{path}: the workbook has no sheets")
    return sheets


def _main_part(archive: zipfile.ZipFile) -> str:
    """The workbook's own part (xl/workbook.xml in every file Excel writes), as the package names it."""
    try:
        for link in ElementTree.fromstring(archive.read("_rels/.rels")):
            if link.get("Type", "").endswith("/officeDocument"):
                return _part_name("", link.get("Target", ""))
    except (KeyError, ElementTree.ParseError):
        pass
    return "xl/workbook.xml"


def _part_name(folder: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def check_sheet(path: Path, name: str, part: str | None, limits: InputLimits) -> SheetScan:
    """Unzip every part as a stream, counting what comes out, and scan the sheet's part; refuse the
    workbook if it expands beyond the limits or the sheet spans more cells than allowed."""
    scans = []
    total = 0
    with _open(path) as archive:
        infos = archive.infolist()
    if part not in {info.filename for info in infos}:
        part = None
    for info in infos:
        is_sheet = info.filename == part if part else info.filename.startswith("xl/worksheets/")
        scanner = _SheetScanner() if is_sheet else None
        size = 0
        for chunk in _unzipped(path, info):
            size += len(chunk)
            if total + size > limits.xlsx_uncompressed_bytes:
                raise UnusableInput(f"{path}: the workbook unzips to more than the limit of "
                                    f"{_size(limits.xlsx_uncompressed_bytes)} (limits.xlsx_uncompressed_bytes "
                                    "in kpi.yml)")
            if scanner:
                scanner.feed(chunk)
        total += size
        _check_ratio(path, info.filename, size, info.compress_size, limits)
        if scanner:
            scans.append(scanner.result(path, info))
    if not scans:
        raise UnusableInput(f"{path}: sheet '{name}' has no worksheet part (not a readable Excel workbook)")
    scan = SheetScan(declared=scans[0].declared, rows=max(s.rows for s in scans),
                     columns=max(s.columns for s in scans), has_formulas=any(s.has_formulas for s in scans))
    _check_cells(path, name, scan, limits)
    return scan


# --- sizes -------------------------------------------------------------------------------------


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise UnusableInput(f"{path}: not a readable Excel workbook ({type(err).__name__}: {err})") from None


def _size(count: int) -> str:
    """Bytes as an officer reads them: 7.4 MB, 3.2 GB."""
    if count < 1024:
        return f"{count:,} bytes"
    for power, unit in ((3, "GB"), (2, "MB"), (1, "KB")):
        if count >= 1024**power:
            return f"{count / 1024**power:,.1f} {unit}"
    return ""


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: InputLimits) -> None:
    total = sum(info.file_size for info in infos)
    if total > limits.xlsx_uncompressed_bytes:
        raise UnusableInput(f"{path}: the workbook unzips to {_size(total)}, more than the limit of "
                            f"{_size(limits.xlsx_uncompressed_bytes)} (limits.xlsx_uncompressed_bytes in kpi.yml)")
    for info in infos:
        _check_ratio(path, info.filename, info.file_size, info.compress_size, limits)
        if info.flag_bits & 0x1:
            raise UnusableInput(f"{path}: the workbook is encrypted; save it without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnusableInput(f"{path}: not a readable Excel workbook (part {info.filename} is compressed "
                                f"with method {info.compress_type}, which Excel does not use)")


def _check_ratio(path: Path, part: str, size: int, compressed: int, limits: InputLimits) -> None:
    if size < RATIO_CHECKED_FROM:
        return
    ratio = size / max(compressed, 1)
    if ratio > limits.xlsx_compression_ratio:
        raise UnusableInput(f"{path}: part {part} unzips {ratio:,.0f} times over ({_size(compressed)} to "
                            f"{_size(size)}), more than the limit of {limits.xlsx_compression_ratio:g} times "
                            "(limits.xlsx_compression_ratio in kpi.yml): a zip bomb, or a damaged file")


def _unzipped(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes as they unzip, a megabyte at most at a time, from its compressed data itself
    (the size the zip declares for it may lie)."""
    with path.open("rb") as raw:
        raw.seek(info.header_offset)
        header = raw.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise UnusableInput(f"{path}: not a readable Excel workbook (part {info.filename} is damaged)")
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[1:]
        raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        left = info.compress_size
        pending = b""
        while left > 0 or pending:
            if not pending:
                pending = raw.read(min(CHUNK, left))
                if not pending:
                    break
                left -= len(pending)
            if inflate is None:
                chunk, pending = pending, b""
            else:
                try:
                    chunk = inflate.decompress(pending, CHUNK)
                except zlib.error:
                    raise UnusableInput(f"{path}: not a readable Excel workbook (part {info.filename} is "
                                        "damaged)") from None
                pending = inflate.unconsumed_tail
            if chunk:
                yield chunk
        if inflate is not None and (rest := inflate.flush()):  # what zlib still held once all input was in
            yield rest


# --- the sheet ---------------------------------------------------------------------------------


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _span(reference: str) -> tuple[int, int]:
    """Rows and columns a reference such as 'A1:XFD1048576' spans (0, 0 when it cannot be read)."""
    ends = [re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})", end.strip().upper()) for end in reference.split(":")]
    if not ends or not all(ends):
        return 0, 0
    rows = [int(end.group(2)) for end in ends]
    columns = [_column_number(end.group(1)) for end in ends]
    return max(rows) - min(rows) + 1, max(columns) - min(columns) + 1


class _SheetScanner:
    """Fed a sheet's XML in chunks: its declared dimension, the furthest cell with a value, formulas."""

    def __init__(self) -> None:
        self.carry = b""
        self.declared: str | None = None
        self.letters: set[bytes] = set()
        self.rows: set[bytes] = set()
        self.formulas = False
        self.in_data = False
        self.unreferenced = False  # a cell without its reference: its place is known only by counting

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")  # a tag is never split between two pieces
        data, self.carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        if not self.in_data:  # the dimension comes before the cells
            if self.declared is None and (found := _DIMENSION.search(data)):
                self.declared = found.group(1).decode("ascii", "replace")
            self.in_data = bool(_SHEET_DATA.search(data))
        self.formulas = self.formulas or any(tag in data for tag in _FORMULA_TAGS)
        cells = _CELL.findall(data)
        self.letters.update({letters for letters, _, empty in cells if not empty})
        self.rows.update({row for _, row, empty in cells if not empty})
        self.unreferenced = self.unreferenced or b"" in self.letters

    def result(self, path: Path, info: zipfile.ZipInfo) -> SheetScan:
        self.feed(b"")
        if self.unreferenced:
            rows, columns = _counted_extent(path, info)
        else:
            rows = max((int(r) for r in self.rows), default=0)
            columns = max((_column_number(c.decode()) for c in self.letters), default=0)
        return SheetScan(self.declared, rows, columns, self.formulas)


def _counted_extent(path: Path, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The furthest row and column with a value, counting cells and rows that do not give their place."""
    place = {"row": 0, "column": 0, "in_cell": False, "value": False, "rows": 0, "columns": 0}

    def start(name: str, attributes: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            place["row"] = int(attributes["r"]) if attributes.get("r", "").isdigit() else place["row"] + 1
            place["column"] = 0
        elif local == "c":
            reference = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", attributes.get("r", ""))
            if reference:
                place["column"], place["row"] = _column_number(reference.group(1)), int(reference.group(2))
            else:
                place["column"] += 1
            place["in_cell"], place["value"] = True, False
        elif local in ("v", "is", "f") and place["in_cell"]:
            place["value"] = True

    def end(name: str) -> None:
        if name.rpartition(":")[2] == "c":
            if place["value"]:
                place["rows"] = max(place["rows"], place["row"])
                place["columns"] = max(place["columns"], place["column"])
            place["in_cell"] = False

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        for chunk in _unzipped(path, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise UnusableInput(f"{path}: not a readable Excel workbook (part {info.filename} is damaged)") from None
    return place["rows"], place["columns"]


def _check_cells(path: Path, name: str, scan: SheetScan, limits: InputLimits) -> None:
    rows, columns = _span(scan.declared) if scan.declared else (0, 0)
    if rows * columns > limits.xlsx_cells:
        raise UnusableInput(f"{path}: sheet '{name}' declares {rows:,} rows x {columns:,} columns ({scan.declared}), "
                            f"more than the limit of {limits.xlsx_cells:,} cells (limits.xlsx_cells in kpi.yml)")
    if scan.rows * scan.columns > limits.xlsx_cells:
        raise UnusableInput(f"{path}: sheet '{name}' has values out to row {scan.rows:,} and column "
                            f"{scan.columns:,} ({scan.rows * scan.columns:,} cells), more than the limit of "
                            f"{limits.xlsx_cells:,} cells (limits.xlsx_cells in kpi.yml)")
