"""One indicator in depth, for officers: by team, by month, SPC with and without a rebase, and the
records behind an outlier quarter.

The numbers come from the same measures as the pack (`compute_values`), so a team's figures add up
to the authority's. The records behind a quarter are the rows each measure counts, selected here by
one small function per indicator (`RECORDS`) and checked against the measure in the tests. Records are
for restricted use only: `records_behind` refuses unless the audience is "restricted", and shows
pseudonyms (never the case management system's ids).

In the notebook (notebooks/indicator_explorer.ipynb) each cell is one call:

    explorer = Explorer.build(config, indicator, period, rebase_at=rebase_at, audience=audience)
    explorer.by_team()
    explorer.spc_chart(rebased=True)
    explorer.records()
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from kpi.time import periods as fp
from kpi.catalogue import Indicator, catalogue
from kpi.charts.chart import Chart
from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.indicators.table import ALL, compute_values, settings_from
from kpi.indicators.measures import PeriodData, Settings, Unavailable
from kpi.data.processed import MAIN_DATE, ProcessedData, assessments_open_on, last_snapshot, load_processed
from kpi.indicators.quality import quarters as quarters_for
from kpi.spc.xmr import SpcResult, spc
from kpi.data.tables import load_tables
from kpi.time.workdays import working_days_elapsed

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

AUDIENCES = ("public", "restricted")
HISTORY_QUARTERS = 20  # a single quarter as the period: it and the 19 before it, as the pack charts
TEAM_QUARTERS = 8  # quarters in the by-team table
MONTH_ROWS = 12  # months in the by-month table
RECORD_ROWS = 200  # records shown in the notebook (the function returns them all)
IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}
PSEUDONYM = re.compile(r"[A-Z]-[0-9a-f]{20}")  # kpi.data.pseudonym: a prefix and 20 hex digits
HIDDEN_ID = "(hidden: not a pseudonym)"


class RestrictedUse(UnusableInput):
    """Record-level data asked for outside restricted use."""


def check_audience(audience: str) -> None:
    if audience not in AUDIENCES:
        raise UnusableInput(f"audience '{audience}' is not one of: {', '.join(AUDIENCES)}")


# ------------------------------------------------------------------------------------------ the numbers


def indicator_of(config: Config, indicator_id: str) -> Indicator:
    """The catalogue's indicator (with kpi.yml's target), or an error that lists the ids."""
    indicators = catalogue(config.targets)
    if indicator_id not in indicators:
        raise UnusableInput(f"unknown indicator '{indicator_id}'; expected one of: {', '.join(indicators)}")
    return indicators[indicator_id]


def months_of(quarters: list[pd.Period]) -> list[pd.Period]:
    """Every month from the first quarter's first month to the last quarter's last."""
    return list(pd.period_range(quarters[0].start_time, quarters[-1].end_time, freq="M"))


def _trim_leading_gaps(series: pd.DataFrame) -> pd.DataFrame:
    """Start where the data start: periods before the first value are not 'no change'."""
    known = series["value"].notna().to_numpy()
    if not known.any():
        return series.iloc[0:0]
    return series.iloc[int(np.argmax(known)):].reset_index(drop=True)


def series(data: ProcessedData, indicator: Indicator, periods: list[pd.Period], settings: Settings
           ) -> pd.DataFrame:
    """period, _period, numerator, denominator, value, status, reason for each period (quarters or
    months), from the first period with a value."""
    values = compute_values(data, {indicator.id: indicator}, periods, settings)
    columns = ["period", "_period", "numerator", "denominator", "value", "status", "reason"]
    values = values[columns].astype({"numerator": "float64", "denominator": "float64", "value": "float64"})
    return _trim_leading_gaps(values)


def team_values(data: ProcessedData, indicator: Indicator, periods: list[pd.Period], settings: Settings
                ) -> pd.DataFrame:
    """The indicator for each team and for all teams ("All"), one row per team and period.

    Only indicators whose tables are recorded by team have team rows; the others have "All" only.
    """
    values = compute_values(data, {indicator.id: indicator}, periods, settings, by="team")
    columns = ["team", "period", "_period", "numerator", "denominator", "value", "status"]
    return values[columns].astype({"team": "string", "numerator": "float64", "denominator": "float64",
                                   "value": "float64"})


def team_table(values: pd.DataFrame, last: int = TEAM_QUARTERS) -> pd.DataFrame:
    """Teams (rows, all teams first) by the `last` periods (columns, labelled), values only."""
    periods = sorted(values["_period"].unique())[-last:]
    recent = values[values["_period"].isin(periods)]
    table = recent.pivot(index="team", columns="period", values="value")
    teams = [ALL, *sorted(t for t in table.index if t != ALL)]
    table = table.reindex(index=teams, columns=[fp.code(p) for p in periods])
    table.columns = [fp.label(p) for p in periods]
    return table.rename(index={ALL: "All teams"}).rename_axis(index="team", columns=None)


def map_rebase(rebase_at: Iterable[pd.Period], periods: list[pd.Period]) -> list[pd.Period]:
    """Rebase quarters as the chart's own periods: the first period starting on or after each, leaving
    out a rebase before the second period (nothing to split) or after the last."""
    chosen = []
    for rebase in rebase_at:
        starts = [p for p in periods if p.start_time >= rebase.start_time]
        if starts and starts[0] != periods[0] and starts[0] not in chosen:
            chosen.append(starts[0])
    return chosen


def indicator_spc(values: pd.DataFrame, indicator: Indicator, *, rebase_at: Iterable[pd.Period] = (),
                  preset: str = "mdc") -> SpcResult:
    """The XmR chart of a series from `series`, as the pack draws it (improvement from the polarity,
    target unless neutral); `rebase_at` quarters start new groups. Short groups are marked on the chart
    ("trial limits"), so the warning is not repeated."""
    periods = list(values["_period"])
    target = indicator.target if indicator.polarity != "neutral" else None
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="some rebase groups have fewer", category=UserWarning)
        return spc(values["value"], periods=periods, improvement=IMPROVEMENT[indicator.polarity], target=target,
                   rebase_at=map_rebase(rebase_at, periods), preset=preset)


def spc_comparison(results: dict[str, SpcResult]) -> pd.DataFrame:
    """For each SPC variant and rebase group: its periods, mean, process limits and special causes."""
    frames = []
    for name, result in results.items():
        points = result.points
        flagged = points["special_cause_flag"].fillna(False).astype("bool")
        frames.append(pd.DataFrame({
            "chart": name, "rebase_group": points["rebase_group"], "period": points["period"],
            "has_value": points["value"].notna(), "mean": points["mean"], "lpl": points["lpl"],
            "upl": points["upl"], "special_cause": flagged,
            "concern": points["point_type"].eq("special_cause_concern").fillna(False).astype("bool"),
            "improvement": points["point_type"].eq("special_cause_improvement").fillna(False).astype("bool"),
        }))
    if not frames:
        return pd.DataFrame()
    points = pd.concat(frames, ignore_index=True)
    grouped = points.groupby(["chart", "rebase_group"], sort=False)
    table = grouped.agg(first=("period", "first"), last=("period", "last"), points=("has_value", "sum"),
                        mean=("mean", "first"), lower_limit=("lpl", "first"), upper_limit=("upl", "first"),
                        special_cause_points=("special_cause", "sum"), concern_points=("concern", "sum"),
                        improvement_points=("improvement", "sum")).reset_index()
    table["first"] = table["first"].map(fp.label)
    table["last"] = table["last"].map(fp.label)
    counts = ["points", "special_cause_points", "concern_points", "improvement_points"]
    return table.astype(dict.fromkeys(counts, "int64")).drop(columns="rebase_group")


def outlier_quarter(result: SpcResult) -> pd.Period | None:
    """The quarter to look behind: the latest special-cause concern, else the latest special-cause point
    of any kind (a neutral indicator has no concerns), else None."""
    points = result.points
    concern = points["point_type"].eq("special_cause_concern").fillna(False).to_numpy(dtype=bool)
    special = points["special_cause_flag"].fillna(False).to_numpy(dtype=bool)
    chosen = concern if concern.any() else special
    if not chosen.any():
        return None
    return points["period"].iloc[int(np.flatnonzero(chosen)[-1])]


# ------------------------------------------------------------------------------ the records behind a figure

# Each function returns the records a measure counts in the period - its denominator's records, or for a
# count the records counted - and which of them are in the numerator (None when all of them are).
RecordRule = Callable[[PeriodData], tuple[pd.DataFrame, "pd.Series | None"]]
RECORDS: dict[str, RecordRule] = {}


def records_rule(*indicator_ids: str) -> Callable[[RecordRule], RecordRule]:
    def register(function: RecordRule) -> RecordRule:
        for indicator_id in indicator_ids:
            RECORDS[indicator_id] = function
        return function

    return register


def _flag(values: pd.Series) -> pd.Series:
    return values.astype("boolean").fillna(False).astype("bool")


def _contacts(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("contacts")
    return frame[data.during(frame, "received_at")]


def _completed(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("assessments")
    return frame[frame["completion_date"].notna() & data.during(frame, "completion_date")]


def _social_workers(data: PeriodData) -> pd.DataFrame:
    _, frame = data.table("caseloads", whole_period=False)
    snapshot = last_snapshot(frame, data.start, data.end)
    if snapshot.empty:
        raise Unavailable("no caseload snapshot was taken in the period")
    return snapshot[snapshot["role"].isin(data.settings.case_holding_roles)]


@records_rule("contacts_received", "contacts_change_on_last_year_pct")
def _contacts_received(data: PeriodData):
    return _contacts(data), None


@records_rule("contacts_from_police_pct")
def _contacts_from_police(data: PeriodData):
    contacts = _contacts(data)
    return contacts, _flag(contacts["source"].eq("police"))


@records_rule("contacts_decided_within_1wd_pct")
def _contacts_decided_within_1wd(data: PeriodData):
    contacts = _contacts(data)
    return contacts, _flag(contacts["working_days_to_decision"].le(1))


@records_rule("contacts_to_strategy_pct")
def _contacts_to_strategy(data: PeriodData):
    contacts = _contacts(data)
    return contacts, _flag(contacts["strategy_discussion"])


@records_rule("contacts_to_assessment_pct")
def _contacts_to_assessment(data: PeriodData):
    contacts = _contacts(data)
    return contacts, _flag(contacts["outcome"].eq("assessment"))


@records_rule("rereferrals_within_12m_pct")
def _rereferrals(data: PeriodData):
    contacts = _contacts(data)
    data.require_cover("contacts", data.start - pd.DateOffset(months=12), "the 12 months before this period")
    referrals = contacts[contacts["is_rereferral"].notna()]
    return referrals, _flag(referrals["is_rereferral"])


@records_rule("assessments_completed")
def _assessments_completed(data: PeriodData):
    return _completed(data), None


@records_rule("assessments_within_timescale_pct")
def _assessments_within_timescale(data: PeriodData):
    done = _completed(data)
    return done, _flag(done["working_days_to_complete"].le(data.settings.timescale))


@records_rule("assessments_overdue_avg_working_days")
def _assessments_overdue(data: PeriodData):
    done = _completed(data)
    return done[_flag(done["working_days_to_complete"].gt(data.settings.timescale))], None


@records_rule("assessments_open_at_period_end")
def _assessments_open(data: PeriodData):
    _, frame = data.table("assessments")
    return frame[assessments_open_on(frame, data.end)], None


@records_rule("assessments_open_over_timescale")
def _assessments_open_over_timescale(data: PeriodData):
    _, frame = data.table("assessments")
    still_open = frame[assessments_open_on(frame, data.end)].copy()
    elapsed = working_days_elapsed(still_open["referral_date"], pd.Series(data.end, index=still_open.index))
    still_open["working_days_open_at_period_end"] = elapsed
    return still_open, _flag(elapsed.gt(data.settings.timescale))


@records_rule("assessments_child_seen_pct")
def _assessments_child_seen(data: PeriodData):
    done = _completed(data)
    return done, _flag(done["child_seen"])


@records_rule("assessments_language_recorded_pct")
def _assessments_language_recorded(data: PeriodData):
    _, frame = data.table("assessments")
    referred = frame[data.during(frame, "referral_date")]
    return referred, _flag(referred["language"].isin(["english", "welsh", "other"]))


@records_rule("caseload_per_social_worker_fte")
def _caseload_per_fte(data: PeriodData):
    return _social_workers(data), None


@records_rule("workers_over_caseload_threshold")
def _workers_over_threshold(data: PeriodData):
    workers = _social_workers(data)
    return workers, _flag(workers["open_cases"].gt(data.settings.caseload_threshold))


@records_rule("caseload_agency_social_workers_pct")
def _agency_social_workers(data: PeriodData):
    workers = _social_workers(data)
    recorded = workers[workers["agency"].notna()]
    return recorded, _flag(recorded["agency"])


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
    if indicator.id not in RECORDS:
        raise UnusableInput(f"{indicator.id}: no record-level rule; the records behind it cannot be listed")
    start, end = fp.bounds(quarter)
    records, counted = RECORDS[indicator.id](PeriodData(data.tables, data.spans, start, end, settings))
    table_name = _table_of(records)
    records = _pseudonyms_only(records.copy(), table_name)
    sort = [MAIN_DATE[table_name]] if table_name else []
    ascending = [True]
    if counted is not None:
        records["in_numerator"] = counted.astype("bool")
        # Worth a look first: not counted when higher is better; counted when lower is better or neutral.
        sort.insert(0, "in_numerator")
        ascending.insert(0, indicator.polarity == "higher_is_better")
    records = records.sort_values(sort, ascending=ascending[:len(sort)], kind="stable") if sort else records
    tail = [c for c in ("source_file", "source_row") if c in records]
    return records[[c for c in records.columns if c not in tail] + tail].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- charts


def team_chart(values: pd.DataFrame, indicator: Indicator, *, language: str = "en") -> Chart:
    """Small multiples: each team's series against all teams' (dashed), on the same scale."""
    from afcharts.af_colours import get_af_colours

    from kpi.charts import STYLE
    from kpi.words.formatting import format_value

    dark_blue, grey = get_af_colours("categorical")[0], "#808080"
    periods = sorted(values["_period"].unique())
    codes = [fp.code(p) for p in periods]
    wide = values.pivot(index="team", columns="period", values="value").reindex(columns=codes)
    teams = sorted(t for t in wide.index if t != ALL)
    title = indicator.title_in(language)
    if not teams:
        raise Unavailable(f"{title} is not recorded by team")
    everyone = wide.loc[ALL].to_numpy(dtype=float) if ALL in wide.index else np.full(len(codes), np.nan)
    columns = min(3, len(teams))
    rows = math.ceil(len(teams) / columns)
    x = np.arange(len(codes))
    fmt = lambda v: format_value(v, indicator.unit, indicator.decimals)  # noqa: E731
    with matplotlib.style.context(STYLE):
        figure = Figure(figsize=(10, 2.4 * rows + 1.3), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
        for ax, team in zip(axes.flat, teams):
            ax.plot(x, everyone, color=grey, linewidth=1.2, linestyle=(0, (4, 2)))
            ax.plot(x, wide.loc[team].to_numpy(dtype=float), color=dark_blue, linewidth=1.8, marker="o",
                    markersize=3)
            ax.set_title(team, loc="left", fontsize=10)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
            ax.tick_params(labelsize=8)
        for ax in list(axes.flat)[len(teams):]:
            ax.set_visible(False)
        ticks = sorted({0, len(codes) // 2, len(codes) - 1})
        for ax in axes[-1]:
            ax.set_xticks(ticks, [fp.label(periods[i], language) for i in ticks])
        figure.suptitle(f"{title} by team", x=0.01, ha="left", fontsize=13)
        figure.legend(handles=[Line2D([], [], color=dark_blue, linewidth=1.8, marker="o", markersize=3,
                                      label="Team"),
                               Line2D([], [], color=grey, linewidth=1.2, linestyle=(0, (4, 2)), label="All teams")],
                      loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    latest = wide[codes[-1]].drop(index=ALL, errors="ignore").sort_values(ascending=False)
    said = "; ".join(f"{team} {fmt(value)}" for team, value in latest.items())
    alt = (f"{title} by team, {fp.label(periods[0], language)} to {fp.label(periods[-1], language)}, each team "
           f"against all teams. In {fp.label(periods[-1], language)}: {said}; all teams {fmt(everyone[-1])}.")
    return Chart(figure, alt)


# --------------------------------------------------------------------------------------- the notebook's API


def _number_format(indicator: Indicator) -> Callable[[float], str]:
    from kpi.words.formatting import format_value

    return lambda v: format_value(v, indicator.unit, indicator.decimals)


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


@dataclass
class Explorer:
    """One indicator over a run of quarters; each method is one notebook cell."""

    config: Config
    data: ProcessedData
    indicator: Indicator
    quarters: list[pd.Period]
    rebase_at: list[pd.Period]
    audience: str = "restricted"
    quarter: pd.Period | None = None  # the quarter whose records to show; None: picked from SPC
    language: str = "en"
    settings: Settings = field(init=False)

    def __post_init__(self) -> None:
        check_audience(self.audience)
        self.settings = settings_from(self.config)

    @classmethod
    def build(cls, config: str | Path | Config, indicator: str, period: str = "latest", *,
              rebase_at: Iterable[str] | None = None, audience: str = "restricted", quarter: str | None = None,
              history: int = HISTORY_QUARTERS) -> Explorer:
        """`period`: a range of quarters ('2020-21Q1..latest') or one quarter with the `history - 1`
        before it; `rebase_at`: quarters where the process changed (None: kpi.yml's spc.rebase)."""
        check_audience(audience)
        config = config if isinstance(config, Config) else load_config(Path(config))
        chosen = indicator_of(config, indicator)
        data = load_processed(config)
        if not data.tables:
            raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
        rebase_text = config.spc.rebase.get(indicator, []) if rebase_at is None else list(rebase_at)
        rebases = [fp.parse_period(text) for text in rebase_text]
        if any(not p.freqstr.startswith("Q") for p in rebases):
            raise UnusableInput(f"rebase_at {rebase_text}: give quarters such as 2023-24Q3")
        return cls(config, data, chosen, quarters_for(period, data.last_date, history), rebases, audience,
                   fp.parse_period(quarter) if quarter else None)

    @property
    def title(self) -> str:
        return self.indicator.title_in(self.language)

    @cached_property
    def quarterly(self) -> pd.DataFrame:
        return series(self.data, self.indicator, self.quarters, self.settings)

    @cached_property
    def monthly(self) -> pd.DataFrame:
        return series(self.data, self.indicator, months_of(self.quarters), self.settings)

    @cached_property
    def teams(self) -> pd.DataFrame:
        shown = list(self.quarterly["_period"]) or self.quarters
        return team_values(self.data, self.indicator, shown, self.settings)

    @cached_property
    def spc_plain(self) -> SpcResult | None:
        if self.quarterly.empty:
            return None
        return indicator_spc(self.quarterly, self.indicator, preset=self.config.spc.preset)

    @cached_property
    def spc_rebased(self) -> SpcResult | None:
        if self.quarterly.empty:
            return None
        return indicator_spc(self.quarterly, self.indicator, rebase_at=self.rebase_at, preset=self.config.spc.preset)

    @property
    def rebase_label(self) -> str:
        mapped = map_rebase(self.rebase_at, list(self.quarterly["_period"]))
        return ", ".join(fp.label(p, self.language) for p in mapped) or "none"

    def definition(self):
        i = self.indicator
        shown = self.quarterly["_period"]
        span = (f"{fp.label(shown.iloc[0])} to {fp.label(shown.iloc[-1])}" if len(shown)
                else "no quarter with a value")
        lines = [
            f"**{self.title}** (`{i.id}`) - {self.config.authority.name}, {span}.",
            "",
            f"- Numerator: {i.numerator}",
            f"- Denominator: {i.denominator or 'none (a count)'}",
            f"- Better when: {i.polarity.replace('_', ' ')}; target: "
            f"{_number_format(i)(i.target) if i.target is not None else 'none'}",
            f"- Assessment timescale: {self.config.timescale} working days; caseload threshold: "
            f"{self.config.caseload_threshold:g}",
            f"- SPC: preset {self.config.spc.preset}; rebase at {self.rebase_label}",
            f"- Audience: {self.audience}",
        ]
        return _markdown("\n".join(lines))

    def by_quarter(self) -> Styler | object:
        """The data behind the quarterly charts: value, numerator, denominator, point type either way."""
        if self.quarterly.empty:
            return _markdown(f"No quarter has a value for {self.title}.")
        table = self.quarterly[["_period", "numerator", "denominator", "value", "reason"]].copy()
        table["without_rebase"] = self.spc_plain.points["point_type"].to_numpy()
        table["with_rebase"] = self.spc_rebased.points["point_type"].to_numpy()
        table["_period"] = table["_period"].map(fp.label)
        table = table.rename(columns={"_period": "quarter"})
        return (table.style.format({"value": _number_format(self.indicator), "numerator": "{:,.0f}",
                                    "denominator": "{:,.0f}"}, na_rep="-")
                .hide(axis="index").set_caption(f"{self.title}, by quarter"))

    def by_team(self) -> Styler | object:
        table = team_table(self.teams)
        if len(table) <= 1:
            return _markdown(f"{self.title} is not recorded by team: the authority's figures only.")
        return (table.style.format(_number_format(self.indicator), na_rep="-")
                .set_caption(f"{self.title}, by team (the last {table.shape[1]} quarters)"))

    def team_chart(self) -> Chart | object:
        try:
            return team_chart(self.teams, self.indicator, language=self.language)
        except Unavailable as reason:
            return _markdown(f"{reason}.")

    def _spc_chart(self, result: SpcResult | None, title: str) -> Chart | object:
        from kpi.charts import spc_chart

        if result is None:
            return _markdown(f"No values to chart for {self.title}.")
        figure, alt = spc_chart(result, title=title, unit=self.indicator.unit, decimals=self.indicator.decimals,
                                target=result.settings.get("target"), language=self.language)
        return Chart(figure, alt)

    def by_month(self) -> Chart | object:
        """The monthly series on an SPC chart, rebased in the same quarters as the quarterly chart."""
        if self.monthly.empty:
            return _markdown(f"No month has a value for {self.title}.")
        result = indicator_spc(self.monthly, self.indicator, rebase_at=self.rebase_at,
                               preset=self.config.spc.preset)
        return self._spc_chart(result, f"{self.title} by month")

    def by_month_table(self, months: int = MONTH_ROWS) -> Styler | object:
        if self.monthly.empty:
            return _markdown(f"No month has a value for {self.title}.")
        table = self.monthly.tail(months)[["_period", "numerator", "denominator", "value", "reason"]].copy()
        table["_period"] = table["_period"].map(lambda p: fp.label(p, self.language))
        table = table.rename(columns={"_period": "month"})
        return (table.style.format({"value": _number_format(self.indicator), "numerator": "{:,.0f}",
                                    "denominator": "{:,.0f}"}, na_rep="-")
                .hide(axis="index").set_caption(f"{self.title}, the last {len(table)} months"))

    def spc_chart(self, rebased: bool = False) -> Chart | object:
        if rebased:
            if self.rebase_label == "none":
                return _markdown("No rebase falls inside the quarters shown: the chart would be the same as "
                                 "the one above. Set `rebase_at` to the quarter the process changed.")
            return self._spc_chart(self.spc_rebased, f"{self.title}, rebased")
        return self._spc_chart(self.spc_plain, f"{self.title} by quarter")

    def spc_comparison(self) -> pd.DataFrame:
        if self.spc_plain is None:
            return pd.DataFrame()
        return spc_comparison({"without rebase": self.spc_plain, "with rebase": self.spc_rebased})

    @property
    def outlier(self) -> pd.Period | None:
        """The quarter whose records to show: the `quarter` given, else from the rebased SPC chart."""
        if self.quarter is not None:
            return self.quarter
        return outlier_quarter(self.spc_rebased) if self.spc_rebased is not None else None

    def outlier_note(self):
        quarter = self.outlier
        if quarter is None:
            return _markdown("No quarter shows special-cause variation, so none is picked: set the `quarter` "
                             "parameter to look behind one.")
        row = self.quarterly[self.quarterly["_period"].eq(quarter)]
        value = _number_format(self.indicator)(row["value"].iloc[0]) if len(row) else "no value"
        if self.quarter is not None:
            why = "chosen with the `quarter` parameter"
        else:
            point = self.spc_rebased.points[self.spc_rebased.points["period"].eq(quarter)].iloc[0]
            why = (f"the latest quarter the SPC chart (rebased at {self.rebase_label}) marks as "
                   f"{str(point['point_type']).replace('_', ' ')} ({str(point['special_cause_type']).replace('_', ' ')})")
        return _markdown(f"**{fp.label(quarter, self.language)}**: {self.title} {value}; {why}.")

    def records(self, limit: int = RECORD_ROWS) -> Styler | object:
        """The records behind the outlier quarter (restricted use only), the first `limit` of them."""
        quarter = self.outlier
        try:
            if quarter is None:
                return _markdown("No quarter chosen, so no records are shown.")
            records = records_behind(self.data, self.indicator, quarter, self.settings, audience=self.audience)
        except (RestrictedUse, Unavailable) as reason:
            return _markdown(f"**No records shown.** {reason}")
        shown = records.head(limit)
        counted = f", {int(records['in_numerator'].sum()):,} in the numerator" if "in_numerator" in records else ""
        caption = (f"RESTRICTED - {len(records):,} records behind {self.title}, {fp.label(quarter, self.language)}"
                   f"{counted}; showing {len(shown):,}. Ids are pseudonyms.")
        return shown.style.hide(axis="index").format(na_rep="-").set_caption(caption)
