"""The unit of a published figure, so that a count is never ranked against a percentage.

A comparator's unit comes from the file where it says so (a `unit` column in the canonical layout, the
StatsWales Measure label such as Percentage or Number, the LAIT data dictionary's axis), else from
published_measures.yml (by the publication's id, or an Explore Education Statistics column by the end
of its name). `check_units` runs on every comparators file as soon as it is read: a record whose unit
differs from the unit of the indicator it is mapped to (by the source's options, or by the catalogue's
comparator ids) stops `kpi ingest` with one line naming the file, the row as Excel numbers it, the
column and what was expected (exit status 2).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
import yaml

from kpi.catalogue import Indicator, catalogue
from kpi.errors import UnusableInput
from kpi.data.tables import normalise_label

UNITS = ("percent", "count", "ratio", "days", "rate")
WORDS = {"percent": "a percentage", "count": "a count", "ratio": "a ratio", "days": "a number of days",
         "rate": "a rate"}
# Labels a publication uses for its figures (matched ignoring case, spaces and punctuation).
_LABELS = {"percentage": "percent", "percent": "percent", "pct": "percent", "number": "count",
           "count": "count", "ratio": "ratio", "days": "days", "workingdays": "days"}
_PREFIXES = (("numberof", "count"), ("countof", "count"), ("rateper", "rate"), ("percentageof", "percent"))


@cache
def _published() -> tuple[dict[str, str], dict[str, str]]:
    """({published id: unit}, {column name ending: unit}) from published_measures.yml."""
    text = resources.files("kpi.data.published").joinpath("published_measures.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    measures = {str(key): str(spec["unit"]) for key, spec in data["measures"].items()}
    return measures, {str(k): str(v) for k, v in (data.get("suffixes") or {}).items()}


def _of_label(label: str) -> str | None:
    text = str(label).strip()
    if text.startswith("%") or text.endswith("(%)"):
        return "percent"
    key = normalise_label(text)
    if key in UNITS:
        return key
    if key in _LABELS:
        return _LABELS[key]
    return next((unit for prefix, unit in _PREFIXES if key.startswith(prefix)), None)


def unit_of_label(labels: pd.Series) -> pd.Series:
    """The unit a label says ('Percentage', '% completed to time' -> percent; 'Number', 'Number of
    children' -> count; 'Rate per 10,000' -> rate); missing where it does not say."""
    text = labels.astype("string")
    lookup = {label: _of_label(label) for label in text.dropna().unique()}  # a handful of labels
    return text.map(lookup, na_action="ignore").astype("string")


def unit_of_measure(ids: pd.Series) -> pd.Series:
    """The unit published_measures.yml gives a published id (or an EES column by its ending)."""
    measures, suffixes = _published()
    text = ids.astype("string")

    def one(name: str) -> str | None:
        return measures.get(name) or next((u for end, u in suffixes.items() if name.endswith(end)), None)

    lookup = {name: one(name) for name in text.dropna().unique()}
    return text.map(lookup, na_action="ignore").astype("string")


@cache
def _indicators() -> dict[str, Indicator]:
    """Every id that reaches an indicator: its own id, then its comparator ids."""
    found: dict[str, Indicator] = {}
    indicators = catalogue()
    for indicator in indicators.values():
        found[indicator.id] = indicator
    for indicator in indicators.values():
        for other in (indicator.comparator, *indicator.comparator_ids):
            if other:
                found.setdefault(other, indicator)
    return found


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = frame[column].astype("string").str.strip()
    return text.mask(text.eq(""))


def check_units(file: str, extract, match, original: pd.DataFrame) -> None:
    """Refuse the file if any record's unit differs from the unit of the indicator it is mapped to."""
    ids = _text(original, "indicator_id")
    if ids.isna().all():
        return
    published = _text(original, "published_id").fillna(ids)
    stated = unit_of_label(_text(original, "unit"))
    unit = stated.fillna(unit_of_measure(published))
    indicators = _indicators()
    expected = ids.map(lambda i: indicators[i].unit if i in indicators else None, na_action="ignore")
    expected = expected.astype("string")
    wrong = (unit.notna() & expected.notna() & unit.ne(expected)).fillna(False).astype(bool).to_numpy()
    if not wrong.any():
        return
    at = int(wrong.argmax())
    row = int(extract.source_rows.iloc[at])
    if pd.notna(stated.iloc[at]):
        column = match.headers.get("unit", "unit")
    else:
        column = match.headers.get("published_id") or match.headers.get("indicator_id") or published.iloc[at]
    indicator = indicators[ids.iloc[at]]
    found, wanted = WORDS.get(unit.iloc[at], unit.iloc[at]), WORDS.get(indicator.unit, indicator.unit)
    mapped = (f"it is mapped to {indicator.id}, {wanted}" if ids.iloc[at] == indicator.id else
              f"the catalogue (indicators.yml) lists it as a comparator of {indicator.id}, {wanted}")
    more = int(wrong.sum()) - 1
    raise UnusableInput(
        f"{file} row {row}, column {column}: {published.iloc[at]} is {found}, but {mapped}; map it to an "
        f"indicator measured as {found} or leave it out"
        + (f" ({more} more row{'s' if more != 1 else ''} of the file like it)" if more else ""))


def fill_units(typed: pd.DataFrame) -> pd.DataFrame:
    """The `unit` of each record: as the file says, else as published_measures.yml says."""
    if "unit" not in typed:
        return typed
    published = typed["published_id"].astype("string") if "published_id" in typed else typed["indicator_id"]
    published = published.fillna(typed["indicator_id"].astype("string"))
    typed = typed.copy()
    typed["unit"] = typed["unit"].astype("string").fillna(unit_of_measure(published))
    return typed
