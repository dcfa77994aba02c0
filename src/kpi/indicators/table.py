"""The indicator table: one row per indicator and period (and team), with its judgements.

Columns, in order: indicator_id, period, numerator, denominator, value, unit, then status and reason
(why a value is unavailable), target, tolerance, RAG, the change (as printed, and up/down/no change)
against the previous period and the same period a year earlier, the 95% interval for proportions, and
the indicator's title, domain, polarity and decimals. kpi.compare.table adds how each compares with the
published figures (what `kpi indicators` prints and the pack shows).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi.time import periods as fp
from kpi import engine
from kpi.catalogue import Indicator, catalogue
from kpi.config import Config
from kpi.indicators.disclosure import Policy
from kpi.indicators.judgements import change, rag, travel, wilson_interval
from kpi.indicators.measures import MEASURES, NoSource, PeriodData, Settings, Unavailable
from kpi.data.processed import ProcessedData

ALL = "All"
GROUPABLE = ("team", "authority")

COLUMNS = [
    "indicator_id", "period", "numerator", "denominator", "value", "unit", "status", "reason", "missing_source",
    "target", "tolerance", "rag", "previous_period", "previous_value", "change_on_previous", "travel_on_previous",
    "last_year_period", "last_year_value", "change_on_last_year", "travel_on_last_year", "ci_lower", "ci_upper",
    "title", "domain", "polarity", "decimals",
]
WITHHELD = ["suppressed", "previous_suppressed", "last_year_suppressed"]  # in a public table


def settings_from(config: Config) -> Settings:
    return Settings(timescale=config.timescale, caseload_threshold=config.caseload_threshold,
                    caseload_threshold_per=config.caseload_threshold_per, timescale_from=config.timescale_anchor,
                    workforce_definition=config.workforce_definition,
                    strategy_timescale=config.strategy_discussion_working_days,
                    child_population=config.child_population)


def _tables_for_group(data: ProcessedData, by: str | None, group: str) -> dict[str, pd.DataFrame]:
    if by is None or group == ALL:
        return data.tables
    return {name: frame[frame[by].eq(group)] for name, frame in data.tables.items() if by in frame}


def groups_of(data: ProcessedData, by: str | None) -> list[str]:
    if by is None:
        return [ALL]
    found: set[str] = set()
    for frame in data.tables.values():
        if by in frame:
            found |= set(frame[by].dropna().unique())
    return [ALL, *sorted(found)]


def _applies_to_group(indicator: Indicator, tables: dict[str, pd.DataFrame], by: str | None, group: str) -> bool:
    """A team row only for indicators whose data are recorded by team."""
    if by is None or group == ALL:
        return True
    return all(any(t in tables for t in alternatives) for alternatives in indicator.tables)


def compute_values(data: ProcessedData, indicators: dict[str, Indicator], periods: Iterable[pd.Period],
                   settings: Settings, by: str | None = None) -> pd.DataFrame:
    """numerator, denominator and value (or the reason it is unavailable) for every combination.

    The SQL engine (kpi.engine) computes every indicator it has a query for, for the whole of the data or for
    each authority, in one query each; the pandas measures compute the rest and every breakdown by team."""
    periods = list(periods)
    if by in (None, "authority"):
        in_sql = {i: indicator for i, indicator in indicators.items() if engine.has_rule(i)}
        others = {i: indicator for i, indicator in indicators.items() if i not in in_sql}
        if in_sql:
            frames = [engine.compute_values(data, in_sql, periods, settings, by)]
            if others:
                frames.append(measure_values(data, others, periods, settings, by))
            frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            return frame if not others else _in_order(frame, indicators, periods, by)
    return measure_values(data, indicators, periods, settings, by)


def _in_order(frame: pd.DataFrame, indicators: dict[str, Indicator], periods: list, by: str | None) -> pd.DataFrame:
    """Rows by group (the whole first), period and indicator, as the measures give them."""
    keys = {"period": {fp.code(p): n for n, p in enumerate(periods)}, "indicator_id": {i: n for n, i in
                                                                                     enumerate(indicators)}}
    if by:
        keys = {by: {g: n for n, g in enumerate([ALL, *sorted(set(frame[by]) - {ALL})])}, **keys}
    return frame.sort_values(list(keys), key=lambda column: column.map(keys[column.name]),
                             kind="stable").reset_index(drop=True)


def measure_values(data: ProcessedData, indicators: dict[str, Indicator], periods: Iterable[pd.Period],
                   settings: Settings, by: str | None = None) -> pd.DataFrame:
    """compute_values by the pandas measures, one period and group at a time (the reference the engine is
    checked against, and the route for a breakdown by team)."""
    rows = []
    for group in groups_of(data, by):
        tables = _tables_for_group(data, by, group)
        # An authority's figures reach as far as its own records do (a team's, as far as its authority's).
        spans = ProcessedData.from_tables(tables, data.extract_dates).spans \
            if by == "authority" and group != ALL else data.spans
        for period in periods:
            start, end = fp.bounds(period)
            period_data = PeriodData(tables, spans, start, end, settings)
            for indicator in indicators.values():
                if not _applies_to_group(indicator, tables, by, group):
                    continue
                row = {"indicator_id": indicator.id, "period": fp.code(period), "_period": period}
                if by:
                    row[by] = group
                try:
                    tally = MEASURES[indicator.id](period_data)
                    row.update(numerator=tally.numerator, denominator=tally.denominator, value=tally.value,
                               status="ok", reason=None, missing_source=None)
                except Unavailable as why:
                    row.update(numerator=np.nan, denominator=np.nan, value=np.nan, status="unavailable",
                               reason=str(why),
                               missing_source=" or ".join(why.tables) if isinstance(why, NoSource) else None)
                rows.append(row)
    frame = pd.DataFrame(rows)
    frame["denominator"] = frame["denominator"].astype("float64")
    return frame


def _add_catalogue(frame: pd.DataFrame, indicators: dict[str, Indicator], language: str) -> pd.DataFrame:
    meta = pd.DataFrame([{
        "indicator_id": i.id, "unit": i.unit, "polarity": i.polarity, "decimals": i.decimals,
        "target": i.target, "tolerance": i.tolerance, "title": i.title_in(language), "domain": i.domain,
        "is_proportion": i.is_proportion,
    } for i in indicators.values()])
    meta[["target", "tolerance"]] = meta[["target", "tolerance"]].astype("float64")
    return frame.merge(meta, on="indicator_id", how="left")


def _add_travel(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Values of the previous period and of the same period a year earlier, looked up by period (not by
    position in the table): a quarter's previous is the quarter before, a half's the half before; a
    year to date has none."""
    withheld = "suppressed" in frame
    lookup = frame[[*keys, "period", "value", *(["suppressed"] if withheld else [])]]
    # Each period's previous and year-earlier periods are worked out once per period, not once per row (a
    # national table has a row per authority, indicator and period).
    periods = frame.drop_duplicates("period")
    for column, step in (("previous_value", fp.previous), ("last_year_value", fp.a_year_earlier)):
        earlier_of = {code: (fp.code(e) if (e := step(p)) is not None else None)
                      for code, p in zip(periods["period"], periods["_period"])}
        period_column = column.replace("_value", "_period")
        frame[period_column] = frame["period"].map(earlier_of)
        earlier = lookup.rename(columns={"period": period_column, "value": column,
                                         "suppressed": column.replace("_value", "_suppressed")})
        frame = frame.merge(earlier, on=[*keys, period_column], how="left")
    for column, earlier in (("previous", "previous_value"), ("last_year", "last_year_value")):
        frame[f"change_on_{column}"] = change(frame["value"], frame[earlier], frame["decimals"])
        frame[f"travel_on_{column}"] = travel(frame["value"], frame[earlier], frame["decimals"])
    return frame


def build_table(data: ProcessedData, config: Config, periods: list[pd.Period], *, by: str | None = None,
                language: str = "en", indicator_ids: Iterable[str] | None = None,
                audience: str = "restricted") -> pd.DataFrame:
    """The indicator table for the given periods (the previous periods and those a year earlier are
    computed too, for the change columns, but not returned)."""
    indicators = catalogue(config.targets)
    if indicator_ids is not None:
        indicators = {i: indicators[i] for i in indicator_ids}
    wanted = {fp.code(p) for p in periods}
    earlier = {e for p in periods for e in (fp.previous(p), fp.a_year_earlier(p)) if e is not None}
    needed = sorted(earlier | set(periods), key=lambda p: (p.start_time, p.end_time))
    frame = compute_values(data, indicators, needed, settings_from(config), by)
    frame = _add_catalogue(frame, indicators, language)
    # A public table withholds every figure (this period's, the previous one's, a year earlier's) that
    # could reveal a small count of children, before anything is compared or judged.
    frame = Policy.from_config(config).withhold(frame, indicators) if audience == "public" else frame.assign(
        suppressed=False)
    keys = ["indicator_id", *([by] if by else [])]
    frame = _add_travel(frame, keys)
    frame = frame[frame["period"].isin(wanted)].reset_index(drop=True)
    frame["rag"] = rag(frame["value"], frame["target"], frame["tolerance"], frame["polarity"], frame["decimals"])
    is_share = frame["is_proportion"].astype(bool)
    lower, upper = wilson_interval(frame["numerator"].where(is_share), frame["denominator"].where(is_share))
    frame["ci_lower"], frame["ci_upper"] = lower, upper
    order = [*COLUMNS[:2], *([by] if by else []), *COLUMNS[2:]]
    return frame[order + WITHHELD] if audience == "public" else frame[order]
