"""Welsh that no Welsh speaker has checked yet: list it for the translation unit, take their corrections back.

Under the Welsh Language Standards a council's translation unit checks the Welsh before it is
published. `kpi translations --status` lists every unchecked Welsh string (fuzzy entries of
locale/cy/LC_MESSAGES/kpi.po, and titles and headlines of indicators.yml marked `welsh_reviewed:
false`) as a CSV or workbook with empty "Reviewed Welsh" and "Checked by" columns.
`kpi translations --import` takes the filled-in file (or a .po edited in Poedit) back: each reviewed
Welsh replaces the catalogue's and clears its fuzzy mark, so the pack stops saying its Welsh needs review.

indicators.yml is not written: it is the indicator catalogue, reviewed like code, with comments
that PyYAML would drop (ruamel.yaml, which keeps them, is not a dependency); its changes are
printed for its owner to apply. A reviewed Welsh that drops or adds a {placeholder} would break
or mislead the pack, so the whole import is refused, naming each such row.

The glossary (kpi.words.glossary) keeps one Welsh word for each term; the status list shows where a
translation strays from it and the import warns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from kpi.errors import UnusableInput
from kpi.words.glossary import Glossary

COLUMNS = ("Where", "English", "Current Welsh", "Reviewed Welsh", "Checked by", "Glossary notes")
SHEET = "Welsh to review"
PO_WIDTH = 100  # the catalogue's own line width, so that a rewrite changes only what was reviewed
CATALOGUE_NAME = "kpi.po"
INDICATORS_NAME = "indicators.yml"
_WHERE_INDICATOR = re.compile(r"indicators\.yml: (\S+) (title|headline)(?: \((\w+)\))?$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DEFAULT_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"


def catalogue_path() -> Path:
    """The Welsh catalogue the pack reads."""
    return Path(str(resources.files("kpi").joinpath("words/locale/cy/LC_MESSAGES/kpi.po")))


def indicators_path() -> Path:
    return Path(str(resources.files("kpi").joinpath("catalogue/indicators.yml")))


def placeholders(text: str) -> set[str]:
    """{value}, {period}: the names a template fills in."""
    return set(_PLACEHOLDER.findall(text))


# --- what needs review ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unchecked:
    """One Welsh string no Welsh speaker has checked: where it lives, its English and its Welsh now."""

    where: str
    english: str
    welsh: str


def read_catalogue(path: Path) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale="cy")
    except (OSError, ValueError) as err:  # babel raises ValueError subclasses for a broken .po
        raise UnusableInput(f"{path}: not a readable .po catalogue ({err})") from None


def indicator_texts(spec: dict) -> Iterator[tuple[str, str, str, bool]]:
    """(where, English, Welsh, reviewed) for every title and headline in indicators.yml."""
    for indicator_id, entry in spec.items():
        reviewed = bool(entry.get("welsh_reviewed", False))
        title = entry.get("title") or {}
        yield f"indicators.yml: {indicator_id} title", title.get("en", ""), title.get("cy", ""), reviewed
        headline = entry.get("headline") or {}
        if "en" in headline or "cy" in headline:
            yield f"indicators.yml: {indicator_id} headline", headline.get("en", ""), headline.get("cy", ""), reviewed
        else:  # one whole sentence for each case: rose, fell, same
            for case, words in headline.items():
                yield (f"indicators.yml: {indicator_id} headline ({case})", (words or {}).get("en", ""),
                       (words or {}).get("cy", ""), reviewed)


def _indicator_spec(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def unchecked(catalogue: Path | None = None, indicators: Path | None = None) -> list[Unchecked]:
    """Every Welsh string still to be checked: fuzzy or untranslated catalogue entries, then the
    titles and headlines of indicators whose Welsh is not reviewed."""
    found = [Unchecked(CATALOGUE_NAME, m.id, m.string or "") for m in read_catalogue(catalogue or catalogue_path())
             if m.id and isinstance(m.id, str) and (m.fuzzy or not m.string)]
    found += [Unchecked(where, en, cy) for where, en, cy, reviewed
              in indicator_texts(_indicator_spec(indicators or indicators_path())) if not reviewed]
    return found


def status_table(rows: list[Unchecked], glossary: Glossary | None = None) -> pd.DataFrame:
    """The rows as the translation unit sees them, with empty columns for their Welsh and name."""
    glossary = glossary or Glossary.load()
    return pd.DataFrame([(r.where, r.english, r.welsh, "", "", "; ".join(glossary.problems(r.english, r.welsh)))
                         for r in rows], columns=list(COLUMNS))


def write_status(table: pd.DataFrame, out: Path | None, glossary: Glossary | None = None) -> None:
    """CSV (UTF-8 with a byte-order mark, so Excel shows ŵ and ŷ), XLSX, or CSV on standard output."""
    from kpi.data.cells import write_csv
    from kpi.data.files import write_atomically
    from kpi.data.versions import refusals_as_one_line

    if out is None:
        write_csv(table, sys.stdout)
        return
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UnusableInput(f"{out}: --out must end in .csv or .xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)

    def csv_file(path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(table, handle)

    with refusals_as_one_line(out):
        write_atomically(out, csv_file if suffix == ".csv" else
                         lambda path: _status_workbook(table, glossary or Glossary.load()).save(path))


def _status_workbook(table: pd.DataFrame, glossary: Glossary):
    from openpyxl import Workbook

    from kpi.data.cells import append_row
    from kpi.data.sheets import lay_out

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    append_row(sheet, list(COLUMNS))
    for values in table.itertuples(index=False):
        append_row(sheet, [v if v else None for v in values])
    lay_out(sheet, {"A": 34, "B": 60, "C": 60, "D": 60, "E": 20, "F": 40}, freeze="D2")
    terms = book.create_sheet("Glossary")
    append_row(terms, ["English", "Welsh", "Other forms", "Notes"])
    for term in glossary.terms:
        append_row(terms, [term.en[0], term.cy[0], ", ".join(term.cy[1:]), term.notes])
    for letter, width in {"A": 28, "B": 28, "C": 40, "D": 80}.items():
        terms.column_dimensions[letter].width = width
    notes = book.create_sheet("How to")
    for line in (("Fill in 'Reviewed Welsh' for each row you have checked (copy the current Welsh if it is "
                  "right) and your name in 'Checked by'. Leave a row's 'Reviewed Welsh' empty if it still needs work."),
                 ("Keep every {placeholder} exactly as it is in the English: the pack fills them in with numbers "
                  "and dates. A row that drops or adds one is refused."),
                 "Do not change the 'Where' or 'English' columns: they say which text your Welsh replaces.",
                 "Use the Glossary sheet's Welsh for its terms, so that the pack uses one word for each idea.",
                 "Send the file back to the performance team, who run: kpi translations --import <this file>"):
        append_row(notes, [line])
    notes.column_dimensions["A"].width = 120
    return book


# --- taking the corrections back ------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewed:
    """One reviewed Welsh string, and where in the reviewed file it was (for messages)."""

    row: str
    where: str
    english: str
    welsh: str
    checked_by: str = ""


@dataclass
class ImportResult:
    applied: list[str] = field(default_factory=list)  # the English of each catalogue entry updated
    indicator_changes: list[str] = field(default_factory=list)  # lines for indicators.yml's owner
    unknown: list[str] = field(default_factory=list)  # one line per row that matched nothing
    glossary_notes: list[str] = field(default_factory=list)  # imported, but not as the glossary says
    still_to_review: int = 0  # rows with no reviewed Welsh yet


def _key(heading: object) -> str:
    return re.sub(r"[^a-z]", "", str(heading or "").lower())


def _rows_from_table(path: Path, header: list, body: list[list], first_row: int) -> list[Reviewed]:
    columns = {_key(h): i for i, h in enumerate(header)}
    wanted = {"where": "Where", "english": "English", "reviewedwelsh": "Reviewed Welsh"}
    missing = [name for key, name in wanted.items() if key not in columns]
    if missing:
        raise UnusableInput(f"{path}: no {', '.join(repr(m) for m in missing)} column (use the file "
                            "`kpi translations --status --out` wrote)")

    def cell(values: list, key: str) -> str:
        i = columns.get(key)
        value = values[i] if i is not None and i < len(values) else None
        return "" if value is None else str(value).replace("\r\n", "\n")

    found = []
    for number, values in enumerate(body, start=first_row):
        if not any(v not in (None, "") for v in values):
            continue
        found.append(Reviewed(row=f"{path.name} row {number}", where=cell(values, "where").strip(),
                              english=cell(values, "english"), welsh=cell(values, "reviewedwelsh"),
                              checked_by=cell(values, "checkedby").strip()))
    return found


def _read_csv(path: Path) -> list[Reviewed]:
    from kpi.data.cells import from_csv_text

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput(f"{path}: not UTF-8 text; Welsh letters such as ŵ and ŷ would be lost. In Excel, "
                            "save it as 'CSV UTF-8 (Comma delimited)', or send back the .xlsx") from None
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise UnusableInput(f"{path}: the file is empty")
    width = max(len(r) for r in records)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records[1:]], dtype=object)
    frame = from_csv_text(frame) if len(frame) else frame  # the apostrophe that kept '=...' as text
    return _rows_from_table(path, records[0], frame.values.tolist(), first_row=2)


def _read_xlsx(path: Path) -> list[Reviewed]:
    """Checked before it is opened (kpi.data.workbook_check), as every workbook the tool reads."""
    from openpyxl import load_workbook

    from kpi.data import workbook_check
    from kpi.config import InputLimits

    limits = InputLimits()
    parts = workbook_check.sheet_parts(path, limits)
    name = SHEET if SHEET in parts else next(iter(parts), None)
    if name is None:
        raise UnusableInput(f"{path}: the workbook has no sheets")
    workbook_check.check_sheet(path, name, parts[name], limits)
    book = load_workbook(path, read_only=True, data_only=False, rich_text=False)
    try:
        rows = [[getattr(v, "text", v) for v in row] for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise UnusableInput(f"{path}: sheet '{name}' is empty")
    return _rows_from_table(path, list(rows[0]), [list(r) for r in rows[1:]], first_row=2)


def _read_po(path: Path) -> list[Reviewed]:
    """A .po edited in a translation tool: each entry with Welsh and no fuzzy mark has been checked."""
    catalogue = read_catalogue(path)
    checker = catalogue.last_translator if catalogue.last_translator != _DEFAULT_TRANSLATOR else ""
    found = []
    for message in catalogue:
        if not message.id or message.fuzzy or not message.string:
            continue
        if not isinstance(message.id, str):
            raise UnusableInput(f"{path} line {message.lineno}: plural entries are not used by the pack")
        found.append(Reviewed(row=f"{path.name} line {message.lineno}", where=CATALOGUE_NAME, english=message.id,
                              welsh=message.string, checked_by=checker or ""))
    return found


def read_reviewed(path: Path) -> list[Reviewed]:
    """The rows of a reviewed .xlsx, .csv or .po (every row; those with no reviewed Welsh too)."""
    if not path.is_file():
        raise UnusableInput(f"{path}: no such file")
    readers = {".xlsx": _read_xlsx, ".csv": _read_csv, ".po": _read_po}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise UnusableInput(f"{path}: a reviewed file must be .xlsx, .csv or .po")
    return reader(path)


def _placeholder_problem(row: Reviewed) -> str | None:
    english, welsh = placeholders(row.english), placeholders(row.welsh)
    if english == welsh:
        return None
    parts = []
    if english - welsh:
        parts.append("drops " + ", ".join(f"{{{p}}}" for p in sorted(english - welsh)))
    if welsh - english:
        parts.append("adds " + ", ".join(f"{{{p}}}" for p in sorted(welsh - english)))
    return f"{row.row} ({row.where}): the reviewed Welsh {' and '.join(parts)}; the English has " \
           f"{', '.join(f'{{{p}}}' for p in sorted(english)) or 'none'}"


def _indicator_text(spec: dict, where: str) -> tuple[str, str] | None:
    """(English, Welsh) now in indicators.yml at a 'Where' the status file gave; None if there is none."""
    match = _WHERE_INDICATOR.match(where)
    if not match or match.group(1) not in spec:
        return None
    indicator_id, part, case = match.groups()
    words = (spec[indicator_id] or {}).get(part) or {}
    if case:
        words = words.get(case) or {}
    return (words.get("en", ""), words.get("cy", "")) if isinstance(words, dict) and "en" in words else None


def import_reviewed(path: Path, catalogue: Path | None = None, indicators: Path | None = None,
                    glossary: Glossary | None = None, now: dt.datetime | None = None) -> ImportResult:
    """Put each reviewed Welsh into the catalogue and clear its fuzzy mark; indicators.yml's are returned
    as lines to print. Nothing is written if any reviewed Welsh drops or adds a placeholder."""
    catalogue = catalogue or catalogue_path()
    rows = read_reviewed(path)
    result = ImportResult()
    filled = [r for r in rows if r.welsh.strip()]
    result.still_to_review = len(rows) - len(filled)
    refused = [p for p in map(_placeholder_problem, filled) if p]
    if refused:
        raise UnusableInput(f"{path}: nothing imported; {len(refused)} row(s) change the placeholders:\n  "
                            + "\n  ".join(refused))
    messages = read_catalogue(catalogue)
    spec = _indicator_spec(indicators or indicators_path())
    glossary = glossary or Glossary.load()
    for row in filled:
        for problem in glossary.problems(row.english, row.welsh):
            result.glossary_notes.append(f"{row.row}: {problem}")
        if row.where.startswith("indicators.yml"):
            _indicator_change(row, spec, result)
            continue
        message = messages.get(row.english)
        if message is None or not row.english:
            result.unknown.append(f"{row.row}: the English is not in {CATALOGUE_NAME} (changed since the status file "
                                  f"was made?): {row.english[:80]!r}")
            continue
        message.string = _edges_as_in(row.english, row.welsh)
        message.flags.discard("fuzzy")
        note = f"checked by {row.checked_by}" if row.checked_by else "checked by the translation unit"
        message.user_comments = [c for c in message.user_comments if not c.startswith("checked by ")] + [note]
        result.applied.append(row.english)
    if result.applied:
        messages.revision_date = now or dt.datetime.now(dt.UTC)
        _write_catalogue(messages, catalogue)
    return result


def _edges_as_in(english: str, welsh: str) -> str:
    """A stray space or line break a spreadsheet left at either end goes; one the English has (" and") stays."""
    if english == english.lstrip():
        welsh = welsh.lstrip()
    if english == english.rstrip():
        welsh = welsh.rstrip()
    return welsh


def _indicator_change(row: Reviewed, spec: dict, result: ImportResult) -> None:
    found = _indicator_text(spec, row.where)
    if found is None or found[0] != row.english:
        result.unknown.append(f"{row.row}: {row.where!r} with this English is not in {INDICATORS_NAME} "
                              f"(changed since the status file was made?): {row.english[:80]!r}")
        return
    checked = f" (checked by {row.checked_by})" if row.checked_by else ""
    if found[1] == row.welsh:
        result.indicator_changes.append(f"{row.where}: cy unchanged{checked}")
    else:
        result.indicator_changes.append(f"{row.where}: cy {found[1]!r} -> {row.welsh!r}{checked}")


def _write_catalogue(messages: Catalog, path: Path) -> None:
    """Babel's writer at the catalogue's own width, comments kept, replacing the file in one step."""
    from kpi.data.files import write_atomically
    from kpi.data.versions import refusals_as_one_line

    def write(temporary: Path) -> None:
        with temporary.open("wb") as handle:
            write_po(handle, messages, width=PO_WIDTH)

    with refusals_as_one_line(path, "the catalogue is unchanged"):
        write_atomically(path, write)
