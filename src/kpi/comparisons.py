"""How this authority compares: Wales (average, quartiles, rank, band) or England (England, region,
statistical neighbours), from the published figures in the `comparators` table.

- Nation value: in Wales, the sum of the authorities' numerators over the sum of their denominators
  when every authority publishes both, otherwise the published Wales figure. In England, the published
  England figure (DfE rounds authorities' counts to the nearest 10, so their sum would not be it), else
  the sum.
- Quartiles of the authorities' values (linear interpolation, as Excel's QUARTILE.INC).
- Rank: 1 is best, with polarity respected; tied values share the better rank.
- Band: A is always the best quarter of authorities and D the worst, whatever the polarity.
- Missing or suppressed values (published as c, x, * ...) are left out and counted, never taken as 0.

Authorities are those of our nation: area codes starting W in Wales; in England, E codes or DfE LA
numbers (370), which the EES, LAIT and statistical neighbours files share. A joint return ('940 / 941')
is one published figure: it is ranked once, and it is the figure of each authority it names.
The region is matched by name (ignoring case) or code; the neighbours' median is of the neighbours that
publish a figure for the period (`neighbours_count` of them), so a neighbour created by a reorganisation
(North Northamptonshire, 940, from 2021-22) counts only from its first year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.catalogue import Indicator
from kpi.periods import code, parse_period

JOINT = r"\s*/\s*"  # a joint return's code: '940 / 941'

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
    aliases: tuple[str, ...] = ()  # other codes it goes by (its DfE LA number when `code` is an ONS code)

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code, *self.aliases)


def area_for(config) -> Area:
    """This authority as comparisons need it. For England, `authority.neighbours_file` (the DfE model)
    gives the neighbours and the region when kpi.yml does not list them, and the authority's DfE LA number
    when its `code` is an ONS code."""
    from kpi.comparators.neighbours import neighbours_of, read_model
    from kpi.errors import ConfigError

    authority = config.authority
    neighbours, region, aliases = tuple(authority.neighbours or ()), authority.region, ()
    if authority.neighbours_file:
        path = config.resolve(authority.neighbours_file)
        entry = neighbours_of(read_model(path), authority.code, authority.name)
        if entry is None:
            raise ConfigError(f"{path}: {authority.name} ({authority.code}) is not in the statistical neighbours "
                              "model; check authority.code (the DfE LA number, e.g. 370) or authority.name")
        neighbours, region = neighbours or entry.neighbours, region or entry.region
        aliases = (entry.code,) if entry.code != authority.code else ()
    return Area(code=authority.code, nation=authority.nation, region=region, neighbours=neighbours, aliases=aliases)


def members(codes: pd.Series) -> pd.Series:
    """Each area code's authorities: '940 / 941' -> ['940', '941'] (as lists, one per code)."""
    return codes.str.split(JOINT, regex=True)


def of_nation(codes: pd.Series, area: Area) -> pd.Series:
    """Area codes of authorities of our nation (W... in Wales; E... or DfE numbers in England)."""
    if area.nation == "england":
        return (codes.str.startswith("E") | codes.str.match(r"^\d{3}\b")).fillna(False).astype(bool)
    if area.nation == "wales":
        return codes.str.startswith("W").fillna(False).astype(bool)
    return codes.str[:1].eq(area.code[:1]).fillna(False).astype(bool)


def own_code(codes: pd.Series, area: Area) -> str | None:
    """The published area code that is ours: our code or an alias, alone or in a joint return."""
    if codes.empty:
        return None
    split = members(codes.astype("string"))
    mine = split.map(lambda parts: any(c in area.codes for c in parts) if isinstance(parts, list) else False)
    found = codes[mine.astype(bool).to_numpy()]
    if found.empty:
        return None
    exact = found[found.isin(area.codes)]
    return str(exact.iloc[0] if len(exact) else found.iloc[0])


def by_authority(authorities: pd.DataFrame) -> pd.Series:
    """Published values by single authority code, a joint return's value under each code it names."""
    if authorities.empty:
        return pd.Series(dtype="float64")
    exploded = authorities.assign(member=members(authorities["area_code"])).explode("member")
    return exploded.drop_duplicates("member").set_index("member")["value"]


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


def comparator_ids(indicator: Indicator) -> list[str]:
    """The published ids of an indicator, most preferred first."""
    return list(dict.fromkeys(i for i in (indicator.comparator, *indicator.comparator_ids) if i))


def comparator_rows(comparators: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The indicator's published rows. When two sources publish the same area and period under different
    ids (EES and LAIT both loaded), the one listed first in the catalogue is kept."""
    ids = comparator_ids(indicator)
    rows = comparators[comparators["indicator_id"].isin(ids)] if ids else comparators.iloc[0:0]
    if rows["indicator_id"].nunique() > 1:
        ranked = rows.assign(_preference=rows["indicator_id"].map({i: n for n, i in enumerate(ids)}),
                             _position=np.arange(len(rows)))
        ranked = ranked.sort_values(["_preference", "_position"]).drop_duplicates(["area_code", "period"])
        rows = ranked.sort_values("_position").drop(columns=["_preference", "_position"])
    return rows



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
    prefix = "W92" if area.nation == "wales" else "E92"
    nation = rows[rows["area_type"].eq("nation") & rows["area_code"].str.startswith(prefix)]
    if nation.empty:
        nation = rows[rows["area_type"].eq("nation")]
    published = not nation.empty and pd.notna(nation["value"].iloc[0])
    if area.nation == "england" and published:
        return float(nation["value"].iloc[0]), "published"
    both = authorities["numerator"].notna() & authorities["denominator"].notna()
    if len(authorities) and both.all() and authorities["denominator"].sum() > 0:
        return authorities["numerator"].sum() / authorities["denominator"].sum() * scale, "sum of authorities"
    if published:
        return float(nation["value"].iloc[0]), "published"
    return np.nan, "not available"


def compare(comparators: pd.DataFrame | None, indicator: Indicator, period: pd.Period, area: Area,
            own_value: float | None) -> dict:
    """Every comparison column for one indicator and period (missing values where not available)."""
    result = dict.fromkeys(COMPARISON_COLUMNS, np.nan)
    result.update(comparator_period=None, nation_method=None, quartile_band=None)
    if comparators is None or comparators.empty:
        return result
    rows = comparator_rows(comparators, indicator)
    chosen = _matching_period(rows, period) if not rows.empty else None
    if chosen is None:
        return result
    rows = rows[rows["period"].eq(chosen)]
    authorities = rows[rows["area_type"].eq("authority") & of_nation(rows["area_code"], area)]
    values = authorities.drop_duplicates("area_code").set_index("area_code")["value"]
    mine = own_code(authorities["area_code"], area) or area.code
    ours = values.get(mine, np.nan)
    if pd.isna(ours) and own_value is not None and pd.notna(own_value):
        values = pd.concat([values.drop(mine, errors="ignore"), pd.Series({mine: own_value})])
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
        result["rank"] = rank_of(float(ours), known.drop(mine, errors="ignore").to_numpy(), indicator.polarity)
        result["quartile_band"] = quartile_band(float(ours), lower, median, upper, indicator.polarity)
    if area.region:
        wanted = str(area.region).strip().casefold()
        region = rows[rows["area_type"].eq("region") & (rows["area_name"].str.strip().str.casefold().eq(wanted) |
                                                        rows["area_code"].eq(area.region))]
        result["region_value"] = region["value"].iloc[0] if len(region) else np.nan
    if area.neighbours:
        neighbour_values = by_authority(authorities).reindex(list(area.neighbours)).dropna()
        result["neighbours_median"] = float(neighbour_values.median()) if len(neighbour_values) else np.nan
        result["neighbours_count"] = len(neighbour_values)
    return result
