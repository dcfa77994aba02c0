"""How this authority compares: Wales (average, quartiles, rank, band) or England (England, region,
statistical neighbours), from the published figures in the `comparators` table.

Like for like: a comparison ranks our figure FOR THE PUBLISHED PERIOD it names, never the latest
quarter. That figure is the published one; where the publication lacks it (missing or suppressed), the
caller's `own_value_for(period)` computes it from our own data for that same period, rounded to the
indicator's decimals as the pack prints it; without either there is no rank. `comparator_value` is the
figure ranked and `comparator_value_source` says where it came from; `comparison_figures` lists every
figure a rank or band was computed from, for the workbook.

- Nation value: in Wales, the sum of the authorities' numerators over the sum of their denominators
  when every authority publishes both, otherwise the published Wales figure. In England, the published
  England figure (DfE rounds authorities' counts to the nearest 10, so their sum would not be it), else
  the sum.
- Quartiles of the authorities' figures, ours included (linear interpolation, as Excel's QUARTILE.INC).
  A publication with no other authority's figure (Welsh Government published some years with only the
  Wales value and the quartiles) is compared as exactly that: our figure placed against the published
  quartiles (`comparator_position`), with no rank and no band; `quartiles_source` says which it is.
  Our figure alone is never a distribution.
- Rank: 1 is best, with polarity respected; tied values share the better rank.
- Band: A is always the best quarter of authorities and D the worst, whatever the polarity.
- Missing or suppressed values (published as c, x, * ...) are left out and counted, never taken as 0.
- Provenance: a comparators table kpi computed itself from every authority's records (kpi.compare.national)
  says so in its `provenance` column. Its figures are then FROM_RECORDS wherever a publication's would be
  PUBLISHED (our figure, the nation's, every figure in comparison_figures), and `comparators_source` says
  where the other authorities' figures come from, so that no pack calls computed figures published.

Authorities are those of our nation: area codes starting W in Wales; in England, E codes or DfE LA
numbers (370), which the EES, LAIT and statistical neighbours files share. A joint return ('940 / 941')
is one published figure: it is ranked once, and it is the figure of each authority it names.
The region is matched by name (ignoring case) or code; the neighbours' median is of the neighbours that
publish a figure for the period (`neighbours_count` of them), so a neighbour created by a reorganisation
(North Northamptonshire, 940, from 2021-22) counts only from its first year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.catalogue import Indicator
from kpi.time.periods import code, financial_year, parse_period
from kpi.compare.areas import NATION_CODES, NATION_NAMES, Area, by_authority, of_nation, own_code


COMPARISON_COLUMNS = [
    "comparator_period", "comparators_source", "comparator_value", "comparator_value_source", "nation_value",
    "nation_method", "lower_quartile", "median", "upper_quartile", "quartiles_source", "comparator_position",
    "rank", "rank_of", "quartile_band", "comparator_excluded", "region_value", "neighbours_median",
    "neighbours_count",
]
# comparison_figures: one row per figure a comparison was worked out from.
FIGURE_COLUMNS = ["indicator_id", "comparator_period", "area_code", "area_name", "area_type", "value", "numerator",
                  "denominator", "note", "used", "this_authority", "value_source", "rank", "band"]
PUBLISHED = "published"
COMPUTED = "computed from our data"  # our figure for the published period, where the publication lacks it
# A figure kpi computed from every authority's own records, in a comparators table no one published
# (kpi.compare.national writes it in the table's `provenance` column).
FROM_RECORDS = "computed from every authority's records"
FROM_AUTHORITIES, SUM_OF_AUTHORITIES = "authorities", "sum of authorities"
QUARTILE_CODES = ("lower_quartile", "median", "upper_quartile")  # area codes of published quartile rows
# English words for `comparator_position` (the pack translates them).
POSITION_WORDS = {"above_upper_quartile": "above the upper quartile", "between_quartiles": "between the quartiles",
                  "below_lower_quartile": "below the lower quartile"}
QUARTER_WORDS = {"best": "among the best quarter", "worst": "among the worst quarter", "middle": "the middle half"}

OwnValueFor = Callable[[str], float | None]  # our figure for a published period code ('2024-25'), or None


def _ordered(polarity: str) -> bool | None:
    """Whether a lower figure is better (True), a higher one (False), or neither (None)."""
    return {"lower_is_better": True, "higher_is_better": False}.get(polarity)


def ranks(values: pd.Series, polarity: str) -> pd.Series:
    """Each figure's rank among the known figures: 1 + the number strictly better, so ties share the
    better rank; missing for a missing figure, and for every figure when neither direction is better."""
    values = pd.Series(values, dtype="float64")
    lower_first = _ordered(polarity)
    if lower_first is None:
        return pd.Series(pd.NA, index=values.index, dtype="Int64")
    return values.rank(method="min", ascending=lower_first).astype("Int64")


def bands(values: pd.Series, lower: float, median: float, upper: float, polarity: str) -> pd.Series:
    """A (best quarter) to D (worst quarter) for each figure; a figure on a boundary goes to the better
    band; missing for a missing figure, and for every figure when neither direction is better."""
    values = pd.Series(values, dtype="float64")
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    lower_first = _ordered(polarity)
    if lower_first is None or np.isnan([lower, median, upper]).any():
        return pd.Series(pd.NA, index=values.index, dtype="string")
    if lower_first:
        choice = np.select([v <= lower, v <= median, v <= upper], ["A", "B", "C"], "D")
    else:
        choice = np.select([v >= upper, v >= median, v >= lower], ["A", "B", "C"], "D")
    return pd.Series(choice, index=values.index, dtype="string").mask(np.isnan(v))


def rank_of(value: float, others: np.ndarray, polarity: str) -> int | None:
    """`value`'s rank among itself and `others` (1 + the number strictly better)."""
    rank = ranks(pd.Series([value, *np.asarray(others, dtype="float64")]), polarity).iloc[0]
    return None if pd.isna(rank) else int(rank)


def quartile_band(value: float, lower: float, median: float, upper: float, polarity: str) -> str | None:
    """`value`'s band (A best ... D worst) against the quartiles."""
    band = bands(pd.Series([value]), lower, median, upper, polarity).iloc[0]
    return None if pd.isna(band) else str(band)


def quartiles_of(values: pd.Series) -> tuple[float, float, float]:
    """Lower quartile, median and upper quartile of the known figures (linear, as Excel's QUARTILE.INC)."""
    known = pd.Series(values, dtype="float64").dropna().to_numpy()
    if not len(known):
        return (np.nan, np.nan, np.nan)
    lower, median, upper = np.percentile(known, [25, 50, 75])
    return float(lower), float(median), float(upper)


def quartile_position(value: float, lower: float, upper: float) -> str | None:
    """Where a figure sits against the quartiles: above the upper quartile, between the quartiles (on a
    quartile counts as between) or below the lower quartile."""
    if value is None or pd.isna(value) or pd.isna(lower) or pd.isna(upper):
        return None
    return ("above_upper_quartile" if value > upper else "below_lower_quartile" if value < lower
            else "between_quartiles")


def position_words(position: str | None, polarity: str, translate: Callable[[str], str] = str) -> str:
    """'above the upper quartile (among the best quarter)' - with best and worst only where the
    indicator has a better direction. `translate` gives the words in the pack's language."""
    if position is None:
        return ""
    words = translate(POSITION_WORDS[position])
    lower_first = _ordered(polarity)
    if lower_first is None:
        return words
    if position == "between_quartiles":
        return f"{words} ({translate(QUARTER_WORDS['middle'])})"
    best = (position == "below_lower_quartile") == lower_first
    return f"{words} ({translate(QUARTER_WORDS['best' if best else 'worst'])})"


def comparator_ids(indicator: Indicator) -> list[str]:
    """The published ids of an indicator, most preferred first; its own id last, the id a comparators table
    computed from national data gives an indicator that no publication names (kpi.compare.national)."""
    return list(dict.fromkeys(i for i in (indicator.comparator, *indicator.comparator_ids, indicator.id) if i))


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
    year = financial_year(period)
    earlier = [p for p in available if "Q" not in p and parse_period(p) <= year]
    return max(earlier, key=parse_period) if earlier else None


def _nation_rows(rows: pd.DataFrame, area: Area) -> pd.DataFrame:
    """The published nation rows of the period, ours (W92/E92) first."""
    nations = rows[rows["area_type"].eq("nation")]
    ours = nations["area_code"].str.startswith("W92" if area.nation == "wales" else "E92").fillna(False)
    return pd.concat([nations[ours.to_numpy()], nations[~ours.to_numpy()]])


def figures_source(rows: pd.DataFrame) -> str:
    """PUBLISHED, or FROM_RECORDS where any of the rows is one kpi computed from the authorities' records
    (a pack must never call a computed figure published; a table without the column is a publication)."""
    if "provenance" in rows and rows["provenance"].eq(FROM_RECORDS).fillna(False).any():
        return FROM_RECORDS
    return PUBLISHED


def _nation_value(rows: pd.DataFrame, authorities: pd.DataFrame, area: Area, unit: str) -> tuple[float, str]:
    scale = {"percent": 100, "rate": 10_000}.get(unit, 1)  # a rate is per 10,000 children
    nation = _nation_rows(rows, area)
    given = not nation.empty and pd.notna(nation["value"].iloc[0])
    source = figures_source(nation.head(1))
    if area.nation == "england" and given:
        return float(nation["value"].iloc[0]), source
    both = authorities["numerator"].notna() & authorities["denominator"].notna()
    if len(authorities) and both.all() and authorities["denominator"].sum() > 0:
        return authorities["numerator"].sum() / authorities["denominator"].sum() * scale, SUM_OF_AUTHORITIES
    if given:
        return float(nation["value"].iloc[0]), source
    return np.nan, "not available"


@dataclass
class _Period:
    """One published period as a comparison sees it."""

    code: str
    rows: pd.DataFrame  # every published row of the indicator in the period
    authorities: pd.DataFrame  # our nation's authorities, one row per published area code
    mine: str  # our published area code (ours alone or a joint return), else our own code
    ours: float  # our figure for the period: in the table, else computed from our data, else missing
    source: str | None  # PUBLISHED (or FROM_RECORDS), COMPUTED or None
    figures: str  # where the table's figures come from: PUBLISHED or FROM_RECORDS
    values: pd.Series  # figure by area code: the authorities', ours as `ours`; missing where not known
    quartiles: tuple[float, float, float]
    quartiles_source: str | None  # FROM_AUTHORITIES, PUBLISHED or None

    @property
    def ranked(self) -> bool:
        return self.quartiles_source == FROM_AUTHORITIES


def _round_as_printed(value: float, decimals: int) -> float:
    """As kpi.words.formatting.format_value rounds, so the figure ranked is the figure printed."""
    factor = 10.0 ** int(decimals)
    return float(np.round(float(value) * factor) / factor)


def _our_figure(published: float, period: str, indicator: Indicator, own_value_for: OwnValueFor | None,
                figures: str = PUBLISHED) -> tuple[float, str | None]:
    """Our figure in the table (its source that of the table's figures), else computed from our data."""
    if pd.notna(published):
        return float(published), figures
    if callable(own_value_for):  # a plain number (a quarter's value) is not the period's figure
        computed = own_value_for(period)
        if computed is not None and pd.notna(computed):
            return _round_as_printed(computed, indicator.decimals), COMPUTED
    return np.nan, None


def _published_quartiles(rows: pd.DataFrame) -> tuple[float, float, float]:
    quartiles = rows[rows["area_type"].eq("quartile")].drop_duplicates("area_code").set_index("area_code")["value"]
    return tuple(float(quartiles.get(c, np.nan)) for c in QUARTILE_CODES)


def _published_period(comparators: pd.DataFrame | None, indicator: Indicator, period: pd.Period, area: Area,
                      own_value_for: OwnValueFor | None) -> _Period | None:
    """The published period to compare with, and the figures of the comparison."""
    if comparators is None or comparators.empty:
        return None
    rows = comparator_rows(comparators, indicator)
    chosen = _matching_period(rows, period) if not rows.empty else None
    if chosen is None:
        return None
    rows = rows[rows["period"].eq(chosen)]
    authorities = rows[rows["area_type"].eq("authority") & of_nation(rows["area_code"], area)]
    authorities = authorities.drop_duplicates("area_code")
    published = authorities.set_index("area_code")["value"].astype("float64")
    mine = own_code(authorities["area_code"], area) or area.code
    figures = figures_source(rows)
    ours, source = _our_figure(published.get(mine, np.nan), chosen, indicator, own_value_for, figures)
    values = published.copy()
    if mine in values.index or pd.notna(ours):
        values[mine] = ours
    if values.drop(mine, errors="ignore").notna().any():
        quartiles, quartiles_source = quartiles_of(values), FROM_AUTHORITIES
    else:  # nobody else's figure: the published quartiles, if any, never a distribution of ours alone
        quartiles = _published_quartiles(rows)
        quartiles_source = PUBLISHED if not np.isnan(quartiles).all() else None
    return _Period(chosen, rows, authorities, mine, ours, source, figures, values, quartiles, quartiles_source)


def compare(comparators: pd.DataFrame | None, indicator: Indicator, period: pd.Period, area: Area,
            own_value_for: OwnValueFor | None = None) -> dict:
    """Every comparison column for one indicator and period (missing values where not available).

    `own_value_for(period_code)` gives our figure for a published period when the publication lacks it
    (None where our data cannot); without it, only a published figure of ours is ranked."""
    result = dict.fromkeys(COMPARISON_COLUMNS, np.nan)
    result.update(comparator_period=None, comparators_source=None, comparator_value_source=None, nation_method=None,
                  quartiles_source=None, comparator_position=None, quartile_band=None)
    found = _published_period(comparators, indicator, period, area, own_value_for)
    if found is None:
        return result
    lower, median, upper = found.quartiles
    nation_value, method = _nation_value(found.rows, found.authorities, area, indicator.unit)
    result.update(
        comparator_period=found.code, comparators_source=found.figures, comparator_value=found.ours,
        comparator_value_source=found.source,
        nation_value=nation_value, nation_method=method, lower_quartile=lower, median=median,
        upper_quartile=upper, quartiles_source=found.quartiles_source,
        comparator_position=quartile_position(found.ours, lower, upper),
        comparator_excluded=int(found.values.isna().sum()) if len(found.values) else np.nan,
    )
    if found.ranked:
        known = found.values.dropna()
        result["rank_of"] = len(known)
        if pd.notna(found.ours):
            result["rank"] = rank_of(found.ours, known.drop(found.mine).to_numpy(), indicator.polarity)
            result["quartile_band"] = quartile_band(found.ours, lower, median, upper, indicator.polarity)
    region = _region_rows(found.rows, area)
    if area.region:
        result["region_value"] = region["value"].iloc[0] if len(region) else np.nan
    if area.neighbours:
        neighbour_values = by_authority(found.authorities).reindex(list(area.neighbours)).dropna()
        result["neighbours_median"] = float(neighbour_values.median()) if len(neighbour_values) else np.nan
        result["neighbours_count"] = len(neighbour_values)
    return result


def compare_periods(comparators: pd.DataFrame | None, indicator: Indicator, periods: list[pd.Period], area: Area,
                    own_value_for: OwnValueFor | None = None) -> list[dict]:
    """`compare` for each of several periods of one indicator. The indicator's published rows are picked
    once, and each published period's comparison is worked out once, however many of the periods compare
    with it (every quarter of a year without quarterly figures compares with the year's)."""
    if comparators is not None and not comparators.empty:
        comparators = comparator_rows(comparators, indicator)  # picking them again gives the same rows
    worked_out: dict[str | None, dict] = {}
    results = []
    for period in periods:
        chosen = _matching_period(comparators, period) if comparators is not None and not comparators.empty \
            else None
        if chosen not in worked_out:
            worked_out[chosen] = compare(comparators, indicator, period, area, own_value_for)
        results.append(dict(worked_out[chosen]))
    return results


def _region_rows(rows: pd.DataFrame, area: Area) -> pd.DataFrame:
    if not area.region:
        return rows.iloc[0:0]
    wanted = str(area.region).strip().casefold()
    return rows[rows["area_type"].eq("region") & (rows["area_name"].str.strip().str.casefold().eq(wanted) |
                                                   rows["area_code"].eq(area.region))]


def comparison_figures(comparators: pd.DataFrame | None, indicator: Indicator, period: pd.Period, area: Area,
                       own_value_for: OwnValueFor | None = None) -> pd.DataFrame:
    """Every figure a comparison was worked out from, for the workbook: one row per authority of our
    nation in the published period (best first; `used` where its figure is in the distribution; our own
    figure as compare() ranks it, with its source), then the nation, our region and the published
    quartiles (`used` where our figure is placed against them). Rank and band are those of compare()."""
    found = _published_period(comparators, indicator, period, area, own_value_for)
    if found is None:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    columns = ["area_code", "area_name", "area_type", "value", "numerator", "denominator", "note"]
    authorities = found.authorities[columns].copy()
    if found.mine not in set(authorities["area_code"]) and pd.notna(found.ours):
        authorities = pd.concat([authorities, pd.DataFrame([{
            "area_code": found.mine, "area_name": area.name or found.mine, "area_type": "authority"}])],
            ignore_index=True)
    mine = authorities["area_code"].eq(found.mine)
    published = authorities["value"].astype("float64")
    authorities["value"] = authorities["area_code"].map(found.values).astype("float64")
    authorities["used"] = authorities["value"].notna() & found.ranked
    authorities["this_authority"] = mine
    authorities["value_source"] = pd.Series(np.where(published.notna(), found.figures, None), dtype="string",
                                            index=authorities.index).mask(mine, found.source)
    used = authorities["value"].where(authorities["used"])
    authorities["rank"] = ranks(used, indicator.polarity)
    authorities["band"] = bands(used, *found.quartiles, indicator.polarity)
    lower_first = _ordered(indicator.polarity)
    authorities = authorities.sort_values(["value", "area_name"], ascending=[bool(lower_first), True],
                                          na_position="last", kind="stable")
    return pd.concat([authorities, _nation_figure(found, area, indicator), _region_rows(found.rows, area)[columns]
                      .assign(used=False, this_authority=False, value_source=found.figures),
                      _quartile_figures(found)], ignore_index=True).assign(
        indicator_id=indicator.id, comparator_period=found.code)[FIGURE_COLUMNS].astype(
        {"used": bool, "this_authority": bool, "rank": "Int64", "band": "string", "value_source": "string"})


def _nation_figure(found: _Period, area: Area, indicator: Indicator) -> pd.DataFrame:
    """The nation's figure as compare() gives it (the sum of the authorities' counts, or published)."""
    value, method = _nation_value(found.rows, found.authorities, area, indicator.unit)
    if np.isnan(value):
        return pd.DataFrame()
    published = _nation_rows(found.rows, area).head(1)
    row = {"area_code": NATION_CODES.get(area.nation, ""), "area_name": NATION_NAMES.get(area.nation, area.nation),
           "area_type": "nation", "value": value, "used": False, "this_authority": False, "value_source": method}
    if len(published):
        row.update(area_code=published["area_code"].iloc[0], area_name=published["area_name"].iloc[0],
                   note=published["note"].iloc[0])
    if method == SUM_OF_AUTHORITIES:
        row.update(numerator=found.authorities["numerator"].sum(), denominator=found.authorities["denominator"].sum())
    elif len(published):
        row.update(numerator=published["numerator"].iloc[0], denominator=published["denominator"].iloc[0])
    return pd.DataFrame([row])


def _quartile_figures(found: _Period) -> pd.DataFrame:
    quartiles = found.rows[found.rows["area_type"].eq("quartile")].drop_duplicates("area_code")
    order = quartiles["area_code"].map({c: i for i, c in enumerate(QUARTILE_CODES)})
    quartiles = quartiles.iloc[np.argsort(order.to_numpy(), kind="stable")]
    return quartiles[["area_code", "area_name", "area_type", "value", "numerator", "denominator", "note"]].assign(
        used=found.quartiles_source == PUBLISHED, this_authority=False, value_source=found.figures)


def _or_none(denominator: float) -> float | None:
    """A count's missing denominator as the measures give it (None), for the rule that withholds."""
    return None if pd.isna(denominator) else float(denominator)


def our_figure_for(data, config, indicator_id: str,
                   withhold: Callable[[float, float], bool] | None = None) -> OwnValueFor:
    """`own_value_for` from our processed data: the indicator for a published period ('2024-25'),
    computed as the indicator table computes it; None where our data do not cover the whole period or
    cannot give the figure, or where `withhold(numerator, denominator)` says it must not be shown (a
    public pack's small numbers). (`data` is a kpi.data.processed.ProcessedData, `config` a kpi.config.Config.)"""
    from kpi.catalogue import catalogue_for
    from kpi.indicators.table import compute_values, settings_from

    indicator, settings, known = catalogue_for(config).get(indicator_id), settings_from(config), {}

    def figure(period_code: str) -> float | None:
        if indicator is None:
            return None
        if period_code not in known:
            row = compute_values(data, {indicator_id: indicator}, [parse_period(period_code)], settings).iloc[0]
            value = None
            if row["status"] == "ok" and not (withhold and withhold(row["numerator"], _or_none(row["denominator"]))):
                value = row["value"]
            known[period_code] = None if value is None or pd.isna(value) else float(value)
        return known[period_code]

    return figure
