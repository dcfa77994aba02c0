"""The columnar compute core: every indicator for every authority and period in one query each, in SQL.

Each indicator's numerator and denominator are a DuckDB query in `sql/<id>.sql`, readable by an analyst and
portable to a national body's own SQL warehouse; kpi.engine.rules says how the top lines of a file turn them
into a figure. The pandas measures in kpi.indicators.measures stay the hand-checked definitions and list
the records behind a figure (the explorer); tests/test_engine_matches_measures.py checks that the two agree
on every indicator, period and authority.

What a query may read (all dates are TIMESTAMPs at midnight, or with a time of day where the table has one):
- the canonical tables by name (`contacts`, `assessments`, ...), every column of tables.yml, with
  `authority` never NULL ('' when the data are one authority's and say no more). A table not supplied is
  there, empty, so a query may read a table it only sometimes needs;
- selections shared by several queries, from `sql/views/` (e.g. `front_door_received_by_day`: the contacts
  counted by authority and day), each worked out once (a table, made in file-name order, so a later one may
  read an earlier one);
- `periods`: one row per period: `period` (its code), `period_start`, `period_end` (first and last day),
  `period_after` (the day after the last: a time falls in the period when >= period_start and <
  period_after), `year_before_start` (12 months before the start), `year_to_end_start` (the first day of the
  12 months ending with the period), `earlier_start`, `earlier_end`, `earlier_after` (the same period a year
  earlier);
- `grid`: every `authority` with every period (the columns of `periods` too), for a query that must say
  something about an authority and period with no rows;
- `calendar`: `day` (DATE) and `working_day`: the working days in (a, b] are
  `working_day(b) - working_day(a)` (kpi.engine.calendar);
- `settings`: one row: `timescale`, `caseload_threshold`, `caseload_threshold_per`, `timescale_from`,
  `workforce_definition`, `case_holding_roles` and `registered_roles` (lists), `strategy_timescale`,
  `child_population`, and `has_<table>` (true when that table was supplied).
Sums of numbers that are not whole (FTE, days of sickness) are taken in order (`sum(fte ORDER BY fte)`), so
that DuckDB's threads add them up the same way every run and a figure never changes in its last digit.

What it returns: `authority`, `period`, `numerator`, `denominator` (NULL for a count), and optionally
`reason` (why there is no figure, when it says so itself) and `missing_source` (the extract whose absence is
the reason, when the query knows it: the agency rate's local definition needs the caseloads even where an
establishment was supplied); one row per authority and period at most.

`--by authority` gives each authority's figures and the nation's: the sum of the numerators over the sum of
the denominators of the authorities with a figure (so a national figure never counts a child twice because
two authorities use the same id).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.catalogue import Indicator
from kpi.data.processed import ALL_DATES, MAIN_DATE, ProcessedData
from kpi.data.tables import TABLE_NAMES, table as canonical_table
from kpi.engine.calendar import calendar_table
from kpi.engine.rules import COVERS, Rule, rule_for, shared_views
from kpi.indicators.measures import NoSource, Settings
from kpi.time import periods as fp

ALL = "All"
RECORD_TABLES = tuple(t for t in TABLE_NAMES if t != "comparators")
SQL_TYPES = {"id": "VARCHAR", "person_id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR",
             "datetime": "TIMESTAMP", "date": "TIMESTAMP", "month": "TIMESTAMP", "period": "VARCHAR",
             "bool": "BOOLEAN", "number": "DOUBLE", "count": "BIGINT"}
YEAR = pd.DateOffset(years=1)
MONTHS_12 = pd.DateOffset(months=12)


def has_rule(indicator_id: str) -> bool:
    return rule_for(indicator_id) is not None


# ------------------------------------------------------------------------------------------ the database


def _columns_sql(name: str, present: Iterable[str]) -> str:
    """The canonical columns of a table, each from the data or NULL of its type, authority never NULL."""
    have = set(present)
    parts = []
    for column in canonical_table(name).columns.values():
        sql_type = SQL_TYPES[column.type]
        if column.name == "authority":
            parts.append("coalesce(CAST(authority AS VARCHAR), '') AS authority" if "authority" in have
                         else "'' AS authority")
        elif column.name in have:
            parts.append(f'CAST("{column.name}" AS {sql_type}) AS "{column.name}"')
        else:
            parts.append(f'CAST(NULL AS {sql_type}) AS "{column.name}"')
    if "authority" not in canonical_table(name).columns:
        parts.append("coalesce(CAST(authority AS VARCHAR), '') AS authority" if "authority" in have
                     else "'' AS authority")
    return ", ".join(parts)


def _periods_frame(periods: list) -> pd.DataFrame:
    rows = []
    for period in periods:
        start, end = fp.bounds(period)
        rows.append({
            "period": fp.code(period), "period_start": start, "period_end": end,
            "period_after": end + pd.Timedelta(days=1), "year_before_start": start - MONTHS_12,
            "year_to_end_start": end - MONTHS_12 + pd.Timedelta(days=1),
            "earlier_start": start - YEAR, "earlier_end": end - YEAR,
            "earlier_after": end - YEAR + pd.Timedelta(days=1),
        })
    frame = pd.DataFrame(rows, columns=["period", "period_start", "period_end", "period_after", "year_before_start",
                                        "year_to_end_start", "earlier_start", "earlier_end", "earlier_after"])
    for column in frame.columns[1:]:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def _settings_frame(settings: Settings, present: set[str]) -> pa.Table:
    values = {
        "timescale": [settings.timescale], "caseload_threshold": [float(settings.caseload_threshold)],
        "caseload_threshold_per": [settings.caseload_threshold_per], "timescale_from": [settings.timescale_from],
        "workforce_definition": [settings.workforce_definition],
        "case_holding_roles": [list(settings.case_holding_roles)],
        "registered_roles": [list(settings.registered_roles)],
        "strategy_timescale": [settings.strategy_timescale],
        "child_population": pa.array([settings.child_population], type=pa.int64()),
    }
    values.update({f"has_{name}": [name in present] for name in RECORD_TABLES})
    return pa.table(values)


class Database:
    """One DuckDB connection holding the tables, the periods, the calendar and the settings."""

    def __init__(self, data: ProcessedData, periods: list, settings: Settings):
        # Nothing here depends on the order rows are stored in (every query groups or is placed by position).
        self.connection = duckdb.connect(config={"preserve_insertion_order": False})
        self.present = {name for name in RECORD_TABLES if data.has(name)}
        con = self.connection
        for name in RECORD_TABLES:
            if name in data.files:  # read by DuckDB from the parquet file, never through pandas
                source = "read_parquet('" + str(data.files[name]).replace("'", "''") + "')"
                columns = pq.read_schema(data.files[name]).names
                con.execute(f"CREATE VIEW {name} AS SELECT {_columns_sql(name, columns)} FROM {source}")
            elif name in self.present:  # a table in memory is copied: a registered frame is seen by one cursor only
                frame = data.tables[name]
                con.register(f"input_{name}", frame)
                con.execute(f"CREATE TABLE {name} AS SELECT {_columns_sql(name, frame.columns)} FROM input_{name}")
            else:
                con.execute(f"CREATE VIEW {name} AS SELECT {_columns_sql(name, ())} WHERE false")
        con.register("input_periods", _periods_frame(periods))
        con.execute("CREATE TABLE periods AS SELECT * FROM input_periods")
        con.register("input_calendar", calendar_table())
        con.execute("CREATE TABLE calendar AS SELECT * FROM input_calendar")
        con.register("input_settings", _settings_frame(settings, self.present))
        con.execute("CREATE TABLE settings AS SELECT * FROM input_settings")
        self.authorities = self._authorities()
        con.register("input_authorities", pd.DataFrame({"authority": self.authorities}, dtype=object))
        con.execute("CREATE TABLE grid AS SELECT a.authority, p.* FROM input_authorities a CROSS JOIN periods p")
        self._made: dict[tuple, pd.DataFrame] = {}  # the grid and its spans (`grid`, `spans_of_grid`)
        self.spans, self.extract_dates = data.spans, data.extract_dates
        # The shared selections and each authority's span are worked out once, however many queries read them;
        # two at a time, as the queries are (`run`).
        views = [functools.partial(_make_view, name, query) for name, query in shared_views()]
        spans = self._authority_spans() if len(self.authorities) > 1 else {}
        done = self._in_pairs([*spans.values(), *views])
        self.authority_spans = dict(zip(spans, done))

    def _in_pairs(self, jobs: list[Callable]) -> list:
        """`job(cursor)` for each job, two at a time, each with a cursor of its own: DuckDB runs one statement
        without Python's lock while the other is prepared or its rows shaped."""
        def one(job):
            with self.connection.cursor() as cursor:
                return job(cursor)

        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(one, jobs))

    def _authorities(self) -> list[str]:
        """Every authority in the record-level tables ('' when they name none)."""
        if not self.present:
            return [""]
        union = " UNION ".join(f"SELECT DISTINCT authority FROM {name}" for name in sorted(self.present))
        found = sorted(row[0] for row in self.connection.execute(union).fetchall())
        return found or [""]

    def _authority_spans(self) -> dict[str, Callable]:
        """Per table, how to work out the dates each authority's own records cover (`authority`, `first`,
        `last`) with a cursor, as kpi.data.processed works out the whole table's: one authority's extract may
        end before another's, and its last period must then say so rather than count too few. An extract date
        (kpi.yml) carries each authority's span to it, as it does the whole table's."""
        def span(cursor, name: str) -> pd.DataFrame:
            latest = ", ".join(f'max("{column}")' for column in ALL_DATES[name])
            frame = cursor.execute(
                f'SELECT authority, min("{MAIN_DATE[name]}") AS first, greatest({latest}) AS last '
                f"FROM {name} GROUP BY authority").df()
            frame["first"] = pd.to_datetime(frame["first"]).dt.normalize()
            frame["last"] = pd.to_datetime(frame["last"]).dt.normalize()
            if name == "contact_counts":
                frame["last"] = frame["last"] + pd.offsets.MonthEnd(0)
            extract = self.extract_dates.get(name)
            if extract is not None:
                frame["last"] = frame["last"].clip(lower=pd.Timestamp(extract))
            return frame

        return {name: functools.partial(span, name=name) for name in sorted(self.present & set(MAIN_DATE))}

    def grid(self, periods: pd.DataFrame) -> pd.DataFrame:
        """Every authority and period (`authority`, `period`), authority by authority: the rows of each
        indicator's figures. Made once, however many indicators there are."""
        key = ("grid", tuple(periods["period"]))
        if key not in self._made:
            grid = pd.MultiIndex.from_product([self.authorities, periods["period"]], names=["authority", "period"])
            self._made[key] = pd.DataFrame(index=grid).reset_index()
        return self._made[key]

    def spans_of_grid(self, table: str, periods: pd.DataFrame) -> pd.DataFrame:
        """The grid's rows with their period's bounds and the span the table's data cover (see
        `_spans_of_rows`): the same for every indicator of the table, so worked out once per table."""
        key = ("spans", table, tuple(periods["period"]))
        if key not in self._made:
            self._made[key] = _spans_of_rows(self, table, self.grid(periods), periods)
        return self._made[key]

    def run(self, rule: Rule) -> pd.DataFrame:
        """The query's rows; safe to call from several threads at once (each has a cursor of its own)."""
        with self.connection.cursor() as cursor:
            frame = cursor.execute(rule.sql).df()
        for optional in ("reason", "missing_source"):
            if optional not in frame:
                frame[optional] = None
        return frame[["authority", "period", "numerator", "denominator", "reason", "missing_source"]]


# ------------------------------------------------------------------------------------------ the figures


def _make_view(name: str, query: str, cursor) -> None:
    cursor.execute(f"CREATE TABLE {name} AS {query}")


def _value(kind: str, numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """The figure from its numerator and denominator, with the same arithmetic as the pandas measures."""
    n, d = numerator.to_numpy(dtype="float64"), denominator.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = {
            "count": n, "count_among": n, "share": n / d * 100, "ratio": n / d, "per_10000": n / d * 10_000,
            "change": (n / d - 1) * 100,
        }[kind]
    return pd.Series(value, index=numerator.index)


def _needs_denominator(kind: str) -> bool:
    return kind not in ("count", "count_among")


def _cover_reasons(rule: Rule, table: str, rows: pd.DataFrame) -> pd.Series:
    """Per row (a period, with the `first` and `last` day the table's data cover for it), why the data do not
    reach far enough (the first span that fails), or NA. No `first`: the table has no records there."""
    reasons = pd.Series(pd.NA, index=rows.index, dtype="object")
    for span in rule.covers:
        start_column, end_column = COVERS[span]
        failing = rows["first"].isna() | (rows[start_column] < rows["first"]) | (rows[end_column] > rows["last"])
        reasons = reasons.where(reasons.notna() | ~failing, f"the {table} data do not cover {span}")
    return reasons


def _spans_of_rows(database: Database, table: str, frame: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Each authority-and-period row of `frame` with its period's bounds and the span its data cover: the
    authority's own where the data hold several authorities, else the whole table's."""
    rows = frame[["authority", "period"]].merge(periods, on="period", how="left")
    own = database.authority_spans.get(table)
    if own is not None:
        rows = rows.merge(own, on="authority", how="left")
    else:
        first, last = database.spans.get(table, (None, None))
        rows["first"], rows["last"] = pd.Timestamp(first) if first is not None else pd.NaT, \
            pd.Timestamp(last) if last is not None else pd.NaT
    return rows.set_axis(frame.index)


def _on_grid(database: Database, periods: pd.DataFrame, result: pd.DataFrame, rule: Rule) -> dict[str, np.ndarray]:
    """The query's rows placed on the grid of every authority and period (Database.grid), by position:
    numerator, denominator, reason, missing_source, and whether the query gave the row at all."""
    authorities, codes = pd.Index(database.authorities), pd.Index(periods["period"])
    authority_at, period_at = authorities.get_indexer(result["authority"]), codes.get_indexer(result["period"])
    on_grid = (authority_at >= 0) & (period_at >= 0)  # a row outside the grid is not one of its figures
    at = (authority_at * len(codes) + period_at)[on_grid]
    if len(np.unique(at)) != len(at):
        raise AssertionError(f"the query for {rule.id} gave two rows for one authority and period; "
                             "please report this as a bug")
    size = len(authorities) * len(codes)
    found = {"has_row": np.zeros(size, dtype=bool), "numerator": np.full(size, np.nan),
             "denominator": np.full(size, np.nan), "reason": np.full(size, pd.NA, dtype=object),
             "missing_source": np.full(size, None, dtype=object)}
    found["has_row"][at] = True
    kept = result[on_grid]
    found["numerator"][at] = kept["numerator"].to_numpy(dtype="float64", na_value=np.nan)
    found["denominator"][at] = kept["denominator"].to_numpy(dtype="float64", na_value=np.nan)
    found["reason"][at] = kept["reason"].where(kept["reason"].notna(), pd.NA).to_numpy(dtype=object)
    found["missing_source"][at] = kept["missing_source"].where(kept["missing_source"].notna(), None).to_numpy(
        dtype=object)
    return found


def _one_indicator(database: Database, indicator: Indicator, rule: Rule, periods: pd.DataFrame) -> pd.DataFrame:
    """Every authority and period of one indicator: numerator, denominator, value, status and reason."""
    grid = database.grid(periods)
    frame = grid.copy()
    frame["numerator"] = np.nan
    frame["denominator"] = np.nan
    frame["reason"] = pd.Series(pd.NA, index=frame.index, dtype="object")
    frame["missing_source"] = None
    missing = [alternatives for alternatives in indicator.tables
               if not any(t in database.present for t in alternatives)]
    if missing:
        why = NoSource(missing[0])
        return frame.assign(reason=str(why), missing_source=" or ".join(why.tables), value=np.nan,
                            status="unavailable")
    table = next(t for t in indicator.tables[0] if t in database.present)
    frame["reason"] = _cover_reasons(rule, table, database.spans_of_grid(table, periods))
    found = _on_grid(database, periods, database.run(rule), rule)
    has_row = found["has_row"]
    frame["numerator"] = found["numerator"]
    frame["denominator"] = found["denominator"]
    own_reason = found["reason"]
    frame["missing_source"] = found["missing_source"]
    if rule.empty:
        frame["reason"] = frame["reason"].where(frame["reason"].notna() | has_row, rule.empty)
    elif rule.kind in ("count", "count_among"):
        frame.loc[~has_row, "numerator"] = 0.0
        if rule.kind == "count_among":
            frame.loc[~has_row, "denominator"] = 0.0
    frame["reason"] = frame["reason"].where(frame["reason"].notna(), pd.Series(own_reason, index=frame.index))
    if _needs_denominator(rule.kind):
        nothing = ~(frame["denominator"].fillna(0) != 0)
        frame["reason"] = frame["reason"].where(frame["reason"].notna() | ~nothing, rule.nothing)
    frame["value"] = _value(rule.kind, frame["numerator"], frame["denominator"])
    unavailable = frame["reason"].notna()
    frame.loc[unavailable, ["numerator", "denominator", "value"]] = np.nan
    if rule.kind == "count":
        frame["denominator"] = np.nan
    frame["status"] = np.where(unavailable, "unavailable", "ok")
    frame["reason"] = frame["reason"].where(unavailable, None)
    return frame


def _nation(frame: pd.DataFrame, rules: dict[str, Rule]) -> pd.DataFrame:
    """Each indicator and period over all authorities: the sums of the numerators and denominators of the
    authorities with a figure. One authority's figures are the nation's as they are."""
    if frame["authority"].nunique() <= 1:
        return frame.assign(authority=ALL)
    ok = frame[frame["status"].eq("ok")]
    sums = ok.groupby(["indicator_id", "period"], sort=False)[["numerator", "denominator"]].sum(min_count=1)
    reasons = frame.groupby(["indicator_id", "period"], sort=False).agg(
        reason=("reason", "first"), missing_source=("missing_source", "first"))
    nation = reasons.join(sums).reset_index()
    nation["authority"] = ALL
    kinds = nation["indicator_id"].map({i: r.kind for i, r in rules.items()})
    nation["value"] = np.nan
    for kind, rows in nation.groupby(kinds, sort=False).groups.items():
        nation.loc[rows, "value"] = _value(kind, nation.loc[rows, "numerator"], nation.loc[rows, "denominator"])
    has_figure = nation["numerator"].notna()
    nation["status"] = np.where(has_figure, "ok", "unavailable")
    nation["reason"] = nation["reason"].where(~has_figure, None)
    nation["missing_source"] = nation["missing_source"].where(~has_figure, None)
    is_count = kinds.eq("count")
    nation.loc[is_count, "denominator"] = np.nan
    return nation


def compute_values(data: ProcessedData, indicators: dict[str, Indicator], periods: list, settings: Settings,
                   by: str | None = None) -> pd.DataFrame:
    """numerator, denominator and value (or the reason there is none) of every indicator and period, for the
    whole of the data (by=None) or for each authority and the nation (by="authority"): the columns of
    kpi.indicators.table.compute_values."""
    periods = list(periods)
    database = Database(data, periods, settings)
    period_frame = _periods_frame(periods)
    rules = {i: rule_for(i) for i in indicators}

    def one(indicator_id: str) -> pd.DataFrame:
        return _one_indicator(database, indicators[indicator_id], rules[indicator_id], period_frame).assign(
            indicator_id=indicator_id)

    # Two at a time: while DuckDB runs one query (without Python's lock), pandas shapes another's rows.
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(one, indicators))
    frame = pd.concat(parts, ignore_index=True)
    nation = _nation(frame, rules)
    if by == "authority":
        frame = pd.concat([nation, frame[frame["authority"].ne("")]], ignore_index=True) \
            if frame["authority"].nunique() > 1 or frame["authority"].iloc[0] != "" else nation
    else:
        frame = nation.drop(columns="authority")
    by_period = dict(zip((fp.code(p) for p in periods), periods))
    frame["_period"] = frame["period"].map(by_period)
    # In the order of the pandas route: the nation, then each authority; each period; each indicator.
    order = {"authority": lambda a: [ALL, *sorted(set(a) - {ALL})], "period": lambda p: list(by_period),
             "indicator_id": lambda i: list(indicators)}
    places = [pd.Categorical(frame[k], categories=order[k](frame[k])).codes for k in order if k in frame]
    frame = frame.iloc[np.lexsort(places[::-1])].reset_index(drop=True)  # stable; the first key counts most
    frame["denominator"] = frame["denominator"].astype("float64")
    columns = ["indicator_id", "period", "_period", *(["authority"] if by else []), "numerator", "denominator",
               "value", "status", "reason", "missing_source"]
    return frame[columns]
