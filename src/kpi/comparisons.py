"""How this authority compares: Wales (average, quartiles, rank, band) or England (England, region,
statistical neighbours), from the published figures in the `comparators` table.

- Nation value: the sum of the authorities' numerators over the sum of their denominators when
  every authority publishes both; otherwise the published nation figure.
- Quartiles of the authorities' values (linear interpolation, as Excel's QUARTILE.INC).
- Rank: 1 is best, with polarity respected; tied values share the better rank.
- Band: A is always the best quarter of authorities and D the worst, whatever the polarity.
- Missing or suppressed values (published as c, x, * ...) are left out and counted, never taken as 0.

Authorities are those whose area code starts with the same letter as ours (W for Wales, E for
England), so one comparators file can hold both nations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.catalogue import Indicator
from kpi.periods import code, parse_period

COMPARISON_COLUMNS = [
    "comparator_period", "nation_value", "nation_method", "lower_quartile", "median", "upper_quartile",
    "rank", "rank_of", "quartile_band", "comparator_excluded", "region_value", "neighbours_median",
    "neighbours_count",
]


@dataclass(frozen=True)
class Area:
    code: str
    nation: str  # wales | england
    region: str | None = None
    neighbours: tuple[str, ...] = ()


def rank_of(value: float, others: np.ndarray, polarity: str) -> int | None:
    """1 + the number of values strictly better (so ties share the better rank)."""
    if polarity == "higher_is_better":
        return 1 + int((others > value).sum())
    if polarity == "lower_is_better":
        return 1 + int((others < value).sum())
    return None


def quartile_band(value: float, lower: float, median: float, upper: float, polarity: str) -> str | None:
    """A (best quarter) to D (worst quarter); a value on a boundary goes to the better band."""
    if polarity == "higher_is_better":
        return "A" if value >= upper else "B" if value >= median else "C" if value >= lower else "D"
    if polarity == "lower_is_better":
        return "A" if value <= lower else "B" if value <= median else "C" if value <= upper else "D"
    return None


def _comparator_rows(comparators: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    ids = {i for i in (indicator.comparator, *indicator.comparator_ids) if i}
    return comparators[comparators["indicator_id"].isin(ids)] if ids else comparators.iloc[0:0]


def _matching_period(rows: pd.DataFrame, period: pd.Period) -> str | None:
    """The published period to compare with: the period itself, its financial year, else the
    latest earlier financial year that has figures."""
    available = set(rows["period"].dropna())
    if code(period) in available:
        return code(period)
    year = period.asfreq("Y-MAR") if period.freqstr.startswith("Q") else period
    earlier = [p for p in available if "Q" not in p and parse_period(p) <= year]
    return max(earlier, key=parse_period) if earlier else None


def _nation_value(rows: pd.DataFrame, authorities: pd.DataFrame, area: Area, unit: str) -> tuple[float, str]:
    scale = 100 if unit == "percent" else 1
    both = authorities["numerator"].notna() & authorities["denominator"].notna()
    if len(authorities) and both.all() and authorities["denominator"].sum() > 0:
        return authorities["numerator"].sum() / authorities["denominator"].sum() * scale, "sum of authorities"
    prefix = "W92" if area.nation == "wales" else "E92"
    nation = rows[rows["area_type"].eq("nation") & rows["area_code"].str.startswith(prefix)]
    if nation.empty:
        nation = rows[rows["area_type"].eq("nation")]
    if not nation.empty and pd.notna(nation["value"].iloc[0]):
        return float(nation["value"].iloc[0]), "published"
    return np.nan, "not available"


def compare(comparators: pd.DataFrame | None, indicator: Indicator, period: pd.Period, area: Area,
            own_value: float | None) -> dict:
    """Every comparison column for one indicator and period (missing values where not available)."""
    result = dict.fromkeys(COMPARISON_COLUMNS, np.nan)
    result.update(comparator_period=None, nation_method=None, quartile_band=None)
    if comparators is None or comparators.empty:
        return result
    rows = _comparator_rows(comparators, indicator)
    chosen = _matching_period(rows, period) if not rows.empty else None
    if chosen is None:
        return result
    rows = rows[rows["period"].eq(chosen)]
    authorities = rows[rows["area_type"].eq("authority") & rows["area_code"].str[:1].eq(area.code[:1])]
    values = authorities.set_index("area_code")["value"]
    ours = values.get(area.code, np.nan)
    if pd.isna(ours) and own_value is not None and pd.notna(own_value):
        values = pd.concat([values.drop(area.code, errors="ignore"), pd.Series({area.code: own_value})])
        ours = own_value
    known = values.dropna()
    lower, median, upper = (np.percentile(known.to_numpy(), [25, 50, 75]) if len(known) else (np.nan,) * 3)
    nation_value, method = _nation_value(rows, authorities, area, indicator.unit)
    result.update(
        comparator_period=chosen, nation_value=nation_value, nation_method=method,
        lower_quartile=lower, median=median, upper_quartile=upper,
        rank_of=len(known), comparator_excluded=int(values.isna().sum()),
    )
    if pd.notna(ours) and len(known):
        result["rank"] = rank_of(float(ours), known.drop(area.code, errors="ignore").to_numpy(), indicator.polarity)
        result["quartile_band"] = quartile_band(float(ours), lower, median, upper, indicator.polarity)
    if area.region:
        region = rows[rows["area_type"].eq("region") & (rows["area_name"].eq(area.region) |
                                                        rows["area_code"].eq(area.region))]
        result["region_value"] = region["value"].iloc[0] if len(region) else np.nan
    if area.neighbours:
        neighbour_values = values.reindex(list(area.neighbours)).dropna()
        result["neighbours_median"] = float(neighbour_values.median()) if len(neighbour_values) else np.nan
        result["neighbours_count"] = len(neighbour_values)
    return result
