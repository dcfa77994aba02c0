"""The records behind an indicator's figure for one quarter: restricted use only, pseudonyms only.

The records are the ones the indicator's measure counts (`MEASURES[id].counted`), so the list an officer
reads always adds up to the figure in the pack: there is no second set of rules to keep in step.
"""

from __future__ import annotations

import re

import pandas as pd

from kpi.catalogue import Indicator
from kpi.data.processed import MAIN_DATE, ProcessedData
from kpi.data.tables import load_tables
from kpi.errors import UnusableInput
from kpi.indicators.measures import MEASURES, Counted, PeriodData, Settings
from kpi.time import periods as fp

AUDIENCES = ("public", "restricted")
PSEUDONYM = re.compile(r"[A-Z]-[0-9a-f]{20}")  # kpi.data.pseudonym: a prefix and 20 hex digits
HIDDEN_ID = "(hidden: not a pseudonym)"


class RestrictedUse(UnusableInput):
    """Record-level data asked for outside restricted use."""


def check_audience(audience: str) -> None:
    if audience not in AUDIENCES:
        raise UnusableInput(f"audience '{audience}' is not one of: {', '.join(AUDIENCES)}")


def records_behind(data: ProcessedData, indicator: Indicator, quarter: pd.Period, settings: Settings, *,
                   audience: str) -> pd.DataFrame:
    """The records behind an indicator's value for one quarter - restricted use only.

    Refuses (RestrictedUse) unless `audience` is "restricted". Person ids are the pseudonyms ingest stored
    (anything else is hidden); the case management system's record ids are left out. `in_numerator` says
    which records the numerator counts; the records that pull the figure the wrong way come first, then
    in date order. `source_file` and `source_row` find a record in the extract it came from.
    Raises Unavailable when the data cannot answer for that quarter.
    """
    check_audience(audience)
    if audience != "restricted":
        raise RestrictedUse(f"The records behind an indicator are for restricted use only: run with "
                            f"audience='restricted' (this run's audience is '{audience}').")
    start, end = fp.bounds(quarter)
    records, in_numerator = records_counted(MEASURES[indicator.id].counted(
        PeriodData(data.tables, data.spans, start, end, settings)))
    table_name = _table_of(records)
    records = _pseudonyms_only(records.copy(), table_name)
    sort = [MAIN_DATE[table_name]] if table_name else []
    ascending = [True]
    if in_numerator is not None:
        records["in_numerator"] = in_numerator
        # Worth a look first: not counted when higher is better; counted when lower is better or neutral.
        sort.insert(0, "in_numerator")
        ascending.insert(0, indicator.polarity == "higher_is_better")
    records = records.sort_values(sort, ascending=ascending[:len(sort)], kind="stable") if sort else records
    tail = [c for c in ("source_file", "source_row") if c in records]
    return records[[c for c in records.columns if c not in tail] + tail].reset_index(drop=True)


def records_counted(counted: Counted) -> tuple[pd.DataFrame, pd.Series | None]:
    """The records to list, and which of them the numerator counts (None when it counts them all).

    For a share (and a count shown with its denominator) the numerator's records are among the
    denominator's: list the denominator's and mark the numerator's. Otherwise list the numerator's: the
    records a count counts, an average or a ratio adds up, or this period's side of a change on last year.
    """
    numerator, denominator = counted.numerator, counted.denominator
    if denominator is None or denominator is numerator or not numerator.index.isin(denominator.index).all():
        return numerator, None
    return denominator, pd.Series(denominator.index.isin(numerator.index), index=denominator.index)


def _table_of(records: pd.DataFrame) -> str | None:
    """Which canonical table the records come from (by its main date column)."""
    return next((name for name, date in MAIN_DATE.items() if date in records.columns), None)


def _pseudonyms_only(records: pd.DataFrame, table_name: str | None) -> pd.DataFrame:
    """Without the system's record ids (contact and assessment ids), and with person ids shown only when
    they are pseudonyms as `kpi ingest` stores them; anything else is hidden, never shown or reversed."""
    spec = load_tables().get(table_name) if table_name else None
    columns = spec.columns if spec else {}
    drop = [name for name, column in columns.items() if column.type == "id" and name in records]
    if "authority" in records and records["authority"].isna().all():  # one authority's extract
        drop.append("authority")
    records = records.drop(columns=drop)
    for name, column in columns.items():
        if column.type == "person_id" and name in records:
            values = records[name].astype("string")
            records[name] = values.where(values.isna() | values.str.fullmatch(PSEUDONYM.pattern).fillna(False),
                                         HIDDEN_ID)
    return records
