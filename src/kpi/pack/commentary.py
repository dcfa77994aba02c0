"""Officers' commentary: a workbook for service managers to fill in, read back into the pack.

`kpi commentary --period P` writes reports/<P>/commentary.xlsx with a row per indicator (its latest
value and RAG for context, an empty commentary column and an owner column). Running it again
keeps whatever has been written. The pack reads the workbook back, or a commentary.yml beside it:

    assessments_within_timescale_pct:
      owner: Head of Assessment
      commentary: Two posts were filled in August ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from kpi.errors import UnusableInput

COLUMNS = ["indicator_id", "title", "latest_value", "rag", "commentary", "commentary_cy", "owner"]
HEADINGS = {
    "indicator_id": "Indicator id (do not change)",
    "title": "Indicator",
    "latest_value": "Latest value",
    "rag": "RAG",
    "commentary": "Commentary (English)",
    "commentary_cy": "Sylwadau (Cymraeg)",
    "owner": "Owner",
}


@dataclass(frozen=True)
class Commentary:
    text: str | None
    owner: str | None


def workbook_path(reports_dir: Path, period_code: str) -> Path:
    return reports_dir / period_code / "commentary.xlsx"


def _existing(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.read_excel(path, dtype=str, engine="openpyxl").rename(columns={v: k for k, v in HEADINGS.items()})
    return frame.reindex(columns=COLUMNS)


def write_commentary_workbook(path: Path, rows: pd.DataFrame) -> int:
    """Write the workbook; commentary and owners already in it are kept. Returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    kept = _existing(path).set_index("indicator_id")[["commentary", "commentary_cy", "owner"]]
    rows = rows.set_index("indicator_id")
    for column in ("commentary", "commentary_cy", "owner"):
        rows[column] = kept[column].reindex(rows.index) if column in kept else None
    rows = rows.reset_index()[COLUMNS]

    book = Workbook()
    sheet = book.active
    sheet.title = "Commentary"
    sheet.append([HEADINGS[c] for c in COLUMNS])
    for values in rows.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in values])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="12436D")
    widths = {"A": 34, "B": 44, "C": 14, "D": 8, "E": 70, "F": 70, "G": 24}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return len(rows)


def read_commentary(folder: Path, language: str = "en") -> dict[str, Commentary]:
    """Commentary by indicator id from commentary.xlsx or commentary.yml in the period's folder."""
    found: dict[str, Commentary] = {}
    workbook, notes = folder / "commentary.xlsx", folder / "commentary.yml"
    if workbook.exists():
        try:
            frame = _existing(workbook)
        except Exception as err:  # a damaged or half-saved workbook
            raise UnusableInput(f"{workbook}: cannot be read ({err}); is it open in Excel?") from None
        column = "commentary_cy" if language == "cy" else "commentary"
        for row in frame.itertuples(index=False):
            text = getattr(row, column)
            text = text if isinstance(text, str) and text.strip() else None
            owner = row.owner if isinstance(row.owner, str) and row.owner.strip() else None
            found[str(row.indicator_id)] = Commentary(text.strip() if text else None, owner)
    if notes.exists():
        entries = yaml.safe_load(notes.read_text(encoding="utf-8")) or {}
        for indicator_id, entry in entries.items():
            entry = entry if isinstance(entry, dict) else {"commentary": entry}
            text = entry.get("commentary_cy" if language == "cy" else "commentary")
            found[indicator_id] = Commentary(str(text).strip() if text else None, entry.get("owner"))
    return found
