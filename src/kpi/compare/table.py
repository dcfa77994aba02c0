"""The indicator table with its comparisons: what `kpi indicators` prints and the pack shows.

kpi.indicators.table works out each indicator's figures and judgements; this adds, for each, how it
compares with the published figures for the period it is compared for (kpi.compare.ranking): our own
figure for that period (published, or computed from our data where the publication lacks it) is the one
ranked, never the latest quarter.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi.catalogue import Indicator, catalogue_for
from kpi.compare.areas import area_for
from kpi.compare.ranking import COMPARISON_COLUMNS, compare_periods, our_figure_for
from kpi.config import Config
from kpi.data.processed import ProcessedData, load_processed
from kpi.errors import UnusableInput
from kpi.indicators import table as base
from kpi.indicators.disclosure import Policy
from kpi.time import periods as fp

COLUMNS = [*base.COLUMNS[:base.COLUMNS.index("title")], *COMPARISON_COLUMNS, *base.COLUMNS[base.COLUMNS.index("title"):]]


def own_figures(data: ProcessedData, config: Config, indicators: dict[str, Indicator], audience: str) -> dict:
    """Per indicator, our figure for a published period (e.g. '2025-26'), as comparisons rank it: withheld
    in a public pack where it rests on a small number of children."""
    policy = Policy.from_config(config)
    return {i: our_figure_for(data, config, i, withhold=policy.figure_rule(indicator) if audience == "public" else None)
            for i, indicator in indicators.items()}


def add_comparisons(table: pd.DataFrame, data: ProcessedData, config: Config, *, by: str | None = None,
                    audience: str = "restricted") -> pd.DataFrame:
    """The comparison columns, before the title; one comparison per indicator and period (tens of rows)."""
    indicators = catalogue_for(config)
    comparators = data.tables.get("comparators")
    area = area_for(config)
    own = own_figures(data, config, {i: indicators[i] for i in table["indicator_id"].unique()}, audience)
    table = table.reset_index(drop=True)
    whole = table[by].eq(base.ALL).to_numpy(dtype=bool) if by else np.ones(len(table), dtype=bool)
    rows = table[whole]  # only the whole area's figures are compared; a team's or an authority's are not
    results = {}
    for indicator_id, mine in rows.groupby("indicator_id", sort=False):
        periods = [fp.parse_period(period) for period in mine["period"]]
        results.update(zip(mine.index, compare_periods(comparators, indicators[indicator_id], periods, area,
                                                       own[indicator_id])))
    found = pd.DataFrame([results[n] for n in rows.index], columns=COMPARISON_COLUMNS, index=rows.index)
    found = found.reindex(table.index)
    for column in found.columns[found.dtypes.eq(object)]:
        found[column] = found[column].where(whole, None)  # None, as compare gives, not the NaN of reindex
    compared = pd.concat([table, found], axis=1)
    order = [*COLUMNS[:2], *([by] if by else []), *COLUMNS[2:]]
    return compared[order + [c for c in base.WITHHELD if c in compared]]


def full_table(data: ProcessedData, config: Config, periods: list, *, by: str | None = None, language: str = "en",
               indicator_ids: Iterable[str] | None = None, audience: str = "restricted") -> pd.DataFrame:
    """The indicator table for these periods with the comparison columns."""
    table = base.build_table(data, config, periods, by=by, language=language, indicator_ids=indicator_ids,
                             audience=audience)
    return add_comparisons(table, data, config, by=by, audience=audience)


def indicator_table(config: Config, period: str = "latest", *, by: str | None = None, language: str = "en",
                    data: ProcessedData | None = None, authority: str | None = None) -> pd.DataFrame:
    """The Python API behind `kpi indicators`: the same table as a DataFrame. `authority`: only that
    authority's rows of the breakdown by authority, or that authority's teams with by="team" (data holding
    several authorities' records)."""
    if by is not None and by not in base.GROUPABLE:
        raise UnusableInput(f"--by {by}: indicators can be broken down by {' or '.join(base.GROUPABLE)}")
    data = data or load_processed(config)
    periods = fp.resolve(period, data.last_date, config.week_ending).periods
    if by == "team":
        return _by_team(data, config, periods, authority, language)
    if authority is None:
        return full_table(data, config, periods, by=by, language=language)
    table = full_table(data, config, periods, by="authority", language=language)
    _known(authority, sorted(set(table["authority"]) - {base.ALL}))
    return table[table["authority"].eq(authority)].reset_index(drop=True)


def _by_team(data: ProcessedData, config: Config, periods: list, authority: str | None, language: str
             ) -> pd.DataFrame:
    """Each team's figures and the whole's. A team, and a child's id, belong to their authority ("Intake 1"
    is a different team in each), so data holding several authorities' records are broken down one authority
    at a time, as if they were its own."""
    named = data.authorities()
    if authority is None:
        if len(named) > 1:
            raise UnusableInput(f"--by team: the data hold {len(named)} authorities' records, and each has its own "
                                f"teams and ids; add --authority CODE for one authority's teams (e.g. --authority "
                                f"{named[0]})")
        return full_table(data, config, periods, by="team", language=language)
    _known(authority, named)
    table = full_table(data.of_authority(authority), config, periods, by="team", language=language)
    table.insert(int(table.columns.get_loc("team")), "authority", pd.Series(authority, index=table.index,
                                                                             dtype="string"))
    return table


def _known(authority: str, known: list[str]) -> None:
    """Refuse an authority the data do not name, listing those they do."""
    if authority not in known:
        listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        raise UnusableInput(f"--authority {authority}: not in the data"
                            + (f" (the authorities are {listed})" if known else " (the data name no authority)"))
