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

from kpi.data.files import write_atomically
from kpi.data.versions import refusals_as_one_line
from kpi.data.cells import append_row
from kpi.data.sheets import lay_out
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
    language: str | None = None  # the language `text` is written in (another than the pack's: untranslated)

    def untranslated_in(self, language: str) -> bool:
        """Written, but only in the other language: shown as it is, marked, never dropped."""
        return bool(self.text) and self.language is not None and self.language != language


def workbook_path(reports_dir: Path, period_code: str) -> Path:
    return reports_dir / period_code / "commentary.xlsx"


def _as_text(value) -> str | None:
    """A cell as the manager typed it: a formula comes back as its text ('=Two posts...'), never
    as its cached result, which is empty in a workbook no spreadsheet has recalculated."""
    if value is None:
        return None
    value = getattr(value, "text", value)  # an array formula keeps its text in .text
    return value if isinstance(value, str) else str(value)


def _existing(path: Path) -> pd.DataFrame:
    """The rows already in the workbook, every cell as text, exactly as stored."""
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=False, read_only=True, rich_text=False)
    try:
        rows = [[_as_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    names = {v: k for k, v in HEADINGS.items()}
    width = max(len(row) for row in rows)
    header = [names.get(h, h) for h in rows[0]] + [None] * (width - len(rows[0]))
    frame = pd.DataFrame([row + [None] * (width - len(row)) for row in rows[1:]], columns=header, dtype=object)
    frame = frame.loc[:, ~frame.columns.duplicated()].reindex(columns=COLUMNS)
    return frame[frame["indicator_id"].notna()]


def write_commentary_workbook(path: Path, rows: pd.DataFrame) -> int:
    """Write the workbook; commentary and owners already in it are kept. Returns the rows written."""
    from openpyxl import Workbook

    kept = _existing(path).drop_duplicates("indicator_id").set_index("indicator_id")
    rows = rows.set_index("indicator_id")
    for column in ("commentary", "commentary_cy", "owner"):
        rows[column] = kept[column].reindex(rows.index).astype(object)
    rows = rows.reset_index()[COLUMNS]

    book = Workbook()
    sheet = book.active
    sheet.title = "Commentary"
    append_row(sheet, [HEADINGS[c] for c in COLUMNS])
    for values in rows.itertuples(index=False):
        append_row(sheet, [None if pd.isna(v) else v for v in values])  # '=Two posts filled' stays text
    lay_out(sheet, {"A": 34, "B": 44, "C": 14, "D": 8, "E": 70, "F": 70, "G": 24}, freeze="C2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with refusals_as_one_line(path, "the commentary already there is unchanged"):
        write_atomically(path, book.save)  # a full disk never leaves half the managers' words
    return len(rows)


def _written(value) -> str | None:
    """What the manager wrote, unchanged (a leading '=', '-', '+', '@' or tab included); None if blank."""
    return value if isinstance(value, str) and value.strip() else None


def _in_language(english: str | None, welsh: str | None, owner: str | None, language: str) -> Commentary:
    """The comment in the pack's language; else the other one, marked as untranslated by its language."""
    wanted, other = (welsh, english) if language == "cy" else (english, welsh)
    if wanted:
        return Commentary(wanted, owner, language)
    if other:
        return Commentary(other, owner, "en" if language == "cy" else "cy")
    return Commentary(None, owner)


def read_commentary(folder: Path, language: str = "en") -> dict[str, Commentary]:
    """Commentary by indicator id from commentary.xlsx or commentary.yml in the period's folder, in the pack's
    language; a comment written only in the other language comes back marked with its language."""
    found: dict[str, Commentary] = {}
    workbook, notes = folder / "commentary.xlsx", folder / "commentary.yml"
    if workbook.exists():
        try:
            frame = _existing(workbook)
        except Exception as err:  # a damaged or half-saved workbook
            raise UnusableInput(f"{workbook}: cannot be read ({err}); is it open in Excel?") from None
        for row in frame.itertuples(index=False):
            found[str(row.indicator_id)] = _in_language(_written(row.commentary), _written(row.commentary_cy),
                                                        _written(row.owner), language)
    if notes.exists():
        entries = yaml.safe_load(notes.read_text(encoding="utf-8")) or {}
        for indicator_id, entry in entries.items():
            entry = entry if isinstance(entry, dict) else {"commentary": entry}
            said = {key: str(entry[key]).strip() if entry.get(key) else None for key in ("commentary", "commentary_cy")}
            found[indicator_id] = _in_language(said["commentary"], said["commentary_cy"], entry.get("owner"), language)
    return found


def lacking_translation(folder: Path, language: str) -> list[str]:
    """Indicators whose commentary is written only in the other language (for a warning before a pack)."""
    return sorted(i for i, said in read_commentary(folder, language).items() if said.untranslated_in(language))
