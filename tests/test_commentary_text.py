"""Commentary round-trips unchanged whatever it begins with, and a formula typed in it is never lost."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from kpi.data.cells import runs_as_formula
from kpi.pack.commentary import read_commentary, write_commentary_workbook

TYPED = ["=Two posts filled", "-10% agency", "+ improved", "@home visits up", "\tIndented by the manager",
         "#N/A", "'r ysgol ar agor", "Plain words.", "-5"]
IDS = [f"indicator_{n}" for n in range(len(TYPED))]
COMMENTARY, COMMENTARY_CY, OWNER = 5, 6, 7


def _rows(latest: str = "75.0%") -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": IDS, "title": [f"Title {n}" for n in range(len(IDS))],
                         "latest_value": [latest] * len(IDS), "rag": ["green"] * len(IDS)})


def _fill(path, *, as_formula: bool) -> None:
    """What a manager leaves in the workbook: text cells (Excel with an apostrophe, LibreOffice), or
    formula cells (typed as a formula on purpose, or by a tool that makes '=...' a formula)."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row, text in enumerate(TYPED, start=2):
        for column in (COMMENTARY, COMMENTARY_CY):
            cell = sheet.cell(row=row, column=column, value=text)
            if not as_formula:
                cell.data_type = "s"
        sheet.cell(row=row, column=OWNER, value=text)
    book.save(path)


def _no_formulas(path) -> None:
    sheet = openpyxl.load_workbook(path).active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type in ("f", "e")]


@pytest.mark.parametrize("as_formula", [False, True], ids=["typed as text", "typed as a formula"])
def test_commentary_survives_rerunning_kpi_commentary_exactly(tmp_path, as_formula):
    path = tmp_path / "2026-27Q2" / "commentary.xlsx"
    write_commentary_workbook(path, _rows())
    _fill(path, as_formula=as_formula)

    write_commentary_workbook(path, _rows(latest="80.0%"))  # `kpi commentary` run again
    write_commentary_workbook(path, _rows(latest="80.0%"))  # and again: nothing drifts

    _no_formulas(path)
    sheet = openpyxl.load_workbook(path).active
    assert [sheet.cell(row=r, column=COMMENTARY).value for r in range(2, len(TYPED) + 2)] == TYPED
    assert [sheet.cell(row=r, column=COMMENTARY_CY).value for r in range(2, len(TYPED) + 2)] == TYPED
    assert [sheet.cell(row=r, column=OWNER).value for r in range(2, len(TYPED) + 2)] == TYPED
    assert {sheet.cell(row=r, column=3).value for r in range(2, len(TYPED) + 2)} == {"80.0%"}
    # Excel's quote prefix: a manager who edits the cell later still has text, not a formula.
    prefixed = [sheet.cell(row=r, column=COMMENTARY).quotePrefix for r in range(2, len(TYPED) + 2)]
    assert prefixed == [runs_as_formula(t) or t == "#N/A" for t in TYPED]
    for language in ("en", "cy"):
        found = read_commentary(path.parent, language)
        assert [found[i].text for i in IDS] == TYPED
        assert [found[i].owner for i in IDS] == TYPED


def test_read_commentary_gives_a_formula_as_its_text_never_as_empty(tmp_path):
    """pandas reads a formula cell's cached result, which is empty until a spreadsheet recalculates it."""
    path = tmp_path / "commentary.xlsx"
    write_commentary_workbook(path, _rows())
    book = openpyxl.load_workbook(path)
    book.active["E2"] = "=B2&\" rose\""
    book.active["E3"] = "=Two posts filled"
    book.save(path)
    assert openpyxl.load_workbook(path).active["E2"].data_type == "f"
    found = read_commentary(tmp_path)
    assert found[IDS[0]].text == "=B2&\" rose\""
    assert found[IDS[1]].text == "=Two posts filled"


def test_blank_commentary_is_none_and_the_owner_is_kept(tmp_path):
    path = tmp_path / "commentary.xlsx"
    write_commentary_workbook(path, _rows())
    book = openpyxl.load_workbook(path)
    book.active["E2"], book.active["G2"] = "   ", "Head of Assessment"
    book.save(path)
    found = read_commentary(tmp_path)
    assert found[IDS[0]].text is None and found[IDS[0]].owner == "Head of Assessment"
    assert found[IDS[1]].text is None and found[IDS[1]].owner is None


def test_new_indicator_titles_and_values_that_look_like_formulas_are_written_as_text(tmp_path):
    path = tmp_path / "commentary.xlsx"
    rows = _rows(latest="-3.5").assign(title="=Contacts (per 10,000)", rag="-")
    write_commentary_workbook(path, rows)
    _no_formulas(path)
    sheet = openpyxl.load_workbook(path).active
    assert (sheet["B2"].value, sheet["C2"].value, sheet["D2"].value) == ("=Contacts (per 10,000)", "-3.5", "-")
