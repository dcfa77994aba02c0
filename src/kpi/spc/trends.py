"""Each indicator's trend: the series a chart shows, its SPC, its phases, and whether a change has held.

One place for what the pack's charts, `kpi indicators` and the officers' explorer need: the quarters (or months) before and
including a period, computed at once for every indicator; the officer's process changes as rebase points;
the XmR chart; a suggested rebase where a sustained shift has no recorded change; and whether the latest
change is real and sustained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.time import periods as fp
from kpi.catalogue import Indicator
from kpi.config import Config
from kpi.indicators.disclosure import Policy
from kpi.indicators.measures import Settings
from kpi.indicators.table import compute_values, settings_from
from kpi.spc.phases import RebasePoint, RebaseSuggestion, Sustainment, rebase_points, suggest_rebase, sustained
from kpi.data.processed import ProcessedData
from kpi.spc.xmr import SpcResult, spc

CHART_QUARTERS = 20  # five years of quarters on each chart (at least 12, as the brief asks)
CHART_MONTHS = 36
# How SPC names each polarity: the direction that is an improvement.
IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}


@dataclass
class Trend:
    """One indicator's chart data and what SPC says about it."""

    indicator: Indicator
    series: pd.DataFrame  # period_object, value, numerator, denominator (and suppressed), then SPC columns
    spc: SpcResult | None  # None when there is nothing to chart
    changes: list[RebasePoint]
    sustainment: Sustainment | None
    suggestion: RebaseSuggestion | None


def series_periods(period, indicator: Indicator) -> list[pd.Period]:
    """The chart's points: months, or quarters (a half-year or year-to-date pack charts the quarters in
    and before it, so that SPC always judges like with like)."""
    if indicator.chart == "monthly":
        last = pd.Period(period.end_time, freq="M")
        return list(pd.period_range(last - (CHART_MONTHS - 1), last, freq="M"))
    last = fp.last_quarter(period)
    return list(pd.period_range(last - (CHART_QUARTERS - 1), last, freq=last.freq))


def _trim_leading_gaps(series: pd.DataFrame) -> pd.DataFrame:
    """Charts start where the data start (quarters before the first extract are not 'no change')."""
    known = series["value"].notna().to_numpy()
    if not known.any():
        return series.iloc[0:0]
    return series.iloc[int(np.argmax(known)):].reset_index(drop=True)


def indicator_series(data: ProcessedData, indicators: dict[str, Indicator], periods: list[pd.Period],
                     settings: Settings, policy: Policy | None = None) -> dict[str, pd.DataFrame]:
    """Each indicator's points over `periods` (quarters or months), computed at once: period,
    period_object, numerator, denominator, value, status and reason, from the first point with a value.
    With a disclosure `policy` (a public pack), points built on too few children are withheld first."""
    values = compute_values(data, indicators, periods, settings)
    found = {}
    for indicator_id, frame in values.groupby("indicator_id", sort=False):
        frame = frame.rename(columns={"_period": "period_object"}).reset_index(drop=True)
        if policy is not None:  # each point, and months that would reveal a withheld month
            frame = policy.withhold_series(frame, indicators)
        found[indicator_id] = _trim_leading_gaps(frame)
    return found


def chart_series(data: ProcessedData, config: Config, indicators: dict[str, Indicator], period,
                 audience: str = "restricted") -> dict[str, pd.DataFrame]:
    """The chart data of every indicator, computed for all quarters (or months) at once; in a public
    pack, points built on fewer than 5 children are withheld."""
    settings = settings_from(config)
    policy = Policy.from_config(config) if audience == "public" else None
    by_chart: dict[str, dict[str, Indicator]] = {}
    for indicator in indicators.values():
        by_chart.setdefault(indicator.chart, {})[indicator.id] = indicator
    found = {}
    for group in by_chart.values():  # quarterly and monthly charts
        periods = series_periods(period, next(iter(group.values())))
        found.update(indicator_series(data, group, periods, settings, policy))
    return found


def trend(indicator: Indicator, series: pd.DataFrame, config: Config, target: float | None,
          language: str = "en") -> Trend:
    """SPC of one indicator's series, with new limits from each recorded process change."""
    if series.empty:
        return Trend(indicator, series, None, [], None, None)
    periods = list(series["period_object"])
    changes = rebase_points(config, indicator.id, periods, language)
    improvement = IMPROVEMENT[indicator.polarity]
    result = spc(series["value"], periods=periods, improvement=improvement,
                 target=target if indicator.polarity != "neutral" else None,
                 rebase_at=[change.period for change in changes], preset=config.spc.preset)
    points = result.points.drop(columns=["value", "period"], errors="ignore").reset_index(drop=True)
    merged = pd.concat([series.reset_index(drop=True), points], axis=1)
    return Trend(indicator, merged, result, changes, sustained(result, improvement), suggest_rebase(result))


def trends(data: ProcessedData, config: Config, indicators: dict[str, Indicator], period,
           targets: dict[str, float] | None = None, audience: str = "restricted", language: str = "en"
           ) -> dict[str, Trend]:
    """Every indicator's trend up to `period` (targets default to the catalogue's)."""
    series = chart_series(data, config, indicators, period, audience)
    empty = pd.DataFrame(columns=["value", "period_object"])
    targets = targets or {}
    return {i: trend(indicator, series.get(i, empty), config, targets.get(i, indicator.target), language)
            for i, indicator in indicators.items()}
