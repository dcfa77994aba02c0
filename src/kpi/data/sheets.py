"""A worksheet laid out for people to read and fill in: a dark-blue heading row (the Analysis Function's
dark blue, as in the pack), set column widths, wrapped text and frozen headings. One home, so that the pack's
workbook, the commentary workbook and the translation status look alike."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="12436D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAPPED = Alignment(wrap_text=True, vertical="top")


def style_headings(sheet, row: int = 1) -> None:
    """White bold words on dark blue, wrapped, for the heading row."""
    for cell in sheet[row]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAPPED


def lay_out(sheet, widths: dict[str, float], freeze: str) -> None:
    """Headings styled, columns at `widths` (by letter), every cell below wrapped, panes frozen at `freeze`."""
    style_headings(sheet)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAPPED
    sheet.freeze_panes = freeze
