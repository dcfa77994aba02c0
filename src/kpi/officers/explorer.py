"""One indicator in depth, for officers: by team, by month, SPC with and without a rebase, and the
records behind an outlier quarter.

The numbers come from the same measures as the pack (`compute_values`), so a team's figures add up
to the authority's; the records behind a quarter are the rows the measure counts (kpi.officers.records).
Records are for restricted use only, and show pseudonyms (never the case management system's ids).

In the notebook (notebooks/indicator_explorer.ipynb) each cell is one call:

    explorer = Explorer.build(config, indicator, period, rebase_at=rebase_at, audience=audience)
    explorer.by_team()
    explorer.spc_chart(rebased=True)
    explorer.records()
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi.catalogue import Indicator, catalogue
from kpi.charts.chart import Chart
from kpi.charts.teams import team_chart
from kpi.config import Config, load_config
from kpi.data.processed import ProcessedData, load_processed
from kpi.errors import UnusableInput
from kpi.indicators.measures import Settings, Unavailable
from kpi.indicators.quality import quarters as quarters_for
from kpi.indicators.table import ALL, compute_values, settings_from
from kpi.officers.records import HIDDEN_ID, RestrictedUse, check_audience, records_behind
from kpi.spc.phases import rebase_periods
from kpi.spc.trends import CHART_QUARTERS, IMPROVEMENT, indicator_series
from kpi.spc.xmr import SpcResult, spc
from kpi.time import periods as fp

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["Explorer", "HIDDEN_ID", "RestrictedUse", "Unavailable", "records_behind", "team_chart"]

TEAM_QUARTERS = 8  # quarters in the by-team table
MONTH_ROWS = 12  # months in the by-month table
RECORD_ROWS = 200  # records shown in the notebook (records_behind returns them all)


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


def series(data: ProcessedData, indicator: Indicator, periods: list[pd.Period], settings: Settings
           ) -> pd.DataFrame:
    """period, period_object, numerator, denominator, value, status, reason for each period (quarters or
    months), from the first period with a value: the series the pack charts, for any run of periods."""
    found = indicator_series(data, {indicator.id: indicator}, periods, settings)
    columns = ["period", "period_object", "numerator", "denominator", "value", "status", "reason"]
    return found.get(indicator.id, pd.DataFrame(columns=columns))[columns]


def team_values(data: ProcessedData, indicator: Indicator, periods: list[pd.Period], settings: Settings
                ) -> pd.DataFrame:
    """The indicator for each team and for all teams ("All"), one row per team and period.

    Only indicators whose tables are recorded by team have team rows; the others have "All" only.
    """
    values = compute_values(data, {indicator.id: indicator}, periods, settings, by="team")
    values = values.rename(columns={"_period": "period_object"})
    columns = ["team", "period", "period_object", "numerator", "denominator", "value", "status"]
    return values[columns].astype({"team": "string", "numerator": "float64", "denominator": "float64",
                                   "value": "float64"})


def team_table(values: pd.DataFrame, last: int = TEAM_QUARTERS) -> pd.DataFrame:
    """Teams (rows, all teams first) by the `last` periods (columns, labelled), values only."""
    periods = sorted(values["period_object"].unique())[-last:]
    recent = values[values["period_object"].isin(periods)]
    table = recent.pivot(index="team", columns="period", values="value")
    teams = [ALL, *sorted(t for t in table.index if t != ALL)]
    table = table.reindex(index=teams, columns=[fp.code(p) for p in periods])
    table.columns = [fp.label(p) for p in periods]
    return table.rename(index={ALL: "All teams"}).rename_axis(index="team", columns=None)


def rebase_on_chart(rebase_at: Iterable[pd.Period], periods: list[pd.Period]) -> list[pd.Period]:
    """The rebase quarters as the chart's own periods (quarters or months), by the pack's rule
    (kpi.spc.phases.rebase_positions): the first period starting on or after each."""
    return rebase_periods([rebase.start_time for rebase in rebase_at], periods)


def indicator_spc(values: pd.DataFrame, indicator: Indicator, *, rebase_at: Iterable[pd.Period] = (),
                  preset: str = "mdc") -> SpcResult:
    """The XmR chart of a series from `series`, as the pack draws it (improvement from the polarity,
    target unless neutral); `rebase_at` quarters start new groups. Short groups are marked on the chart
    ("trial limits"), so the warning is not repeated."""
    periods = list(values["period_object"])
    target = indicator.target if indicator.polarity != "neutral" else None
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="some rebase groups have fewer", category=UserWarning)
        return spc(values["value"], periods=periods, improvement=IMPROVEMENT[indicator.polarity], target=target,
                   rebase_at=rebase_on_chart(rebase_at, periods), preset=preset)


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
              history: int = CHART_QUARTERS) -> Explorer:
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
        shown = list(self.quarterly["period_object"]) or self.quarters
        return team_values(self.data, self.indicator, shown, self.settings)

    @cached_property
    def spc_plain(self) -> SpcResult | None:
        return self._spc(rebase_at=())

    @cached_property
    def spc_rebased(self) -> SpcResult | None:
        return self._spc(rebase_at=self.rebase_at)

    def _spc(self, rebase_at: Iterable[pd.Period]) -> SpcResult | None:
        if self.quarterly.empty:
            return None
        return indicator_spc(self.quarterly, self.indicator, rebase_at=rebase_at, preset=self.config.spc.preset)

    @property
    def rebase_label(self) -> str:
        mapped = rebase_on_chart(self.rebase_at, list(self.quarterly["period_object"]))
        return ", ".join(fp.label(p, self.language) for p in mapped) or "none"

    def definition(self):
        i = self.indicator
        shown = self.quarterly["period_object"]
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
        return self._data_behind(self.quarterly, "quarter", f"{self.title}, by quarter",
                                 without_rebase=self.spc_plain.points["point_type"].to_numpy(),
                                 with_rebase=self.spc_rebased.points["point_type"].to_numpy())

    def _data_behind(self, series: pd.DataFrame, period_name: str, caption: str, **more) -> Styler:
        """The data behind a chart: each period (labelled) with its numerator, denominator, value and reason."""
        table = series[["period_object", "numerator", "denominator", "value", "reason"]].assign(**more)
        table["period_object"] = table["period_object"].map(lambda p: fp.label(p, self.language))
        table = table.rename(columns={"period_object": period_name})
        return (table.style.format({"value": _number_format(self.indicator), "numerator": "{:,.0f}",
                                    "denominator": "{:,.0f}"}, na_rep="-")
                .hide(axis="index").set_caption(caption))

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
        shown = self.monthly.tail(months)
        return self._data_behind(shown, "month", f"{self.title}, the last {len(shown)} months")

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
        row = self.quarterly[self.quarterly["period_object"].eq(quarter)]
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
