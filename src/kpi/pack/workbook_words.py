"""The workbook's words (workbook_words.yml) in the pack's language, and the way back from them.

A pack workbook has plain headings in its own language ("Indicator", "Dangosydd"); code that reads a
workbook back (kpi.pack.disclosure_check, the tests) works with the codes (`indicator_id`). `read_workbook`
turns the sheets and headings of an English or Welsh workbook back into codes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

Translate = Callable[[str], str]
# Coded columns and the kind of words they take (workbook_words.yml `values:`).
CODED = {"rag": "rag", "travel_on_previous": "travel", "travel_on_last_year": "travel", "variation": "variation",
         "status": "status", "unit": "unit", "point_type": "point_type", "special_cause_type": "special_cause_type",
         "comparator_value_source": "source", "value_source": "source", "nation_method": "source",
         "quartiles_source": "quartiles_source", "comparator_position": "comparator_position",
         "area_type": "area_type", "table": "table", "format": "format", "setting": "setting"}


@cache
def words() -> dict:
    return yaml.safe_load(resources.files("kpi.pack").joinpath("workbook_words.yml").read_text(encoding="utf-8"))


def sheet_name(code: str, translate: Translate) -> str:
    return translate(words()["sheets"][code])[:31]


def heading(column: str, translate: Translate, computed: bool = False) -> str:
    """A column's heading; a column without words keeps its code. `computed`: the heading of a comparisons
    sheet whose figures were computed from every authority's records, which must not say "published"."""
    english = (computed and words()["computed_columns"].get(column)) or words()["columns"].get(column)
    return translate(english) if english else column


def value_words(kind: str, translate: Translate) -> dict[str, str]:
    """{code: words} for a coded column (rag, travel, variation, ...), in the pack's language."""
    return {code: translate(english) for code, english in words()["values"][kind].items()}


def in_words(frame: pd.DataFrame, kinds: dict[str, str], translate: Translate) -> pd.DataFrame:
    """The coded columns of `frame` ({column: kind of value}) in words; codes without words stay as they are."""
    frame = frame.copy()
    for column, kind in kinds.items():
        if column in frame:
            mapping = value_words(kind, translate)
            frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    return frame


@cache
def _codes(language: str) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]]]:
    """{sheet name: code}, {heading: column code} and {kind: {words: code}} in a language."""
    from kpi.words.text import Text

    translate = Text(language)
    sheets = {sheet_name(code, translate): code for code in words()["sheets"]}
    columns = {heading(code, translate, computed): code
               for computed in (False, True) for code in words()["columns"]}  # a heading either way, to its code
    values = {kind: {said: code for code, said in value_words(kind, translate).items()} for kind in words()["values"]}
    return sheets, columns, values


def read_workbook(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a pack workbook, by sheet code, with its columns and coded values by code
    (whether the workbook is in English or Welsh)."""
    # calamine (Rust) reads the same values as openpyxl, with the same types, in a tenth of the time
    raw = pd.read_excel(Path(path), sheet_name=None, engine="calamine", dtype=object)
    for language in ("en", "cy"):
        sheets, columns, values = _codes(language)
        if not any(name in sheets for name in raw):
            continue
        found: dict[str, pd.DataFrame] = {}
        for name, frame in raw.items():
            frame = frame.rename(columns=lambda c: columns.get(str(c), str(c)))
            for column, kind in CODED.items():
                if column in frame:
                    frame[column] = frame[column].map(lambda v, m=values[kind]: m.get(v, v) if isinstance(v, str) else v)
            found[sheets.get(name, name)] = frame
        return found
    return raw
