"""How every authority compares, from the national data themselves: a comparators table no one published.

Data holding every authority's records need no published table to rank an authority among the others: one
pass of the SQL engine (kpi.engine, by authority) gives each authority's figure and the nation's for every
financial year the data cover, and they are written in the layout of the `comparators` table (tables.yml).
Each authority's pack then ranks itself among all the authorities as it would against a publication
(kpi.compare.ranking): its rank, the quartiles, and the nation's figure. Every row says in its `provenance`
column that it was computed from the authorities' records (ranking.FROM_RECORDS), so the pack says so too
and never calls these figures published.

What a publisher would do, this does:
- figures about children are shown as a public pack shows them (kpi.indicators.disclosure): one that rests
  on 1 to `threshold` children is withheld, shown as the policy's symbol, and so is the nation's figure of
  that indicator and year, which less the others' would give it (in the Welsh Government style the counts
  are also rounded to 5);
- figures are filed under the indicator's catalogue `comparator` id, else its own id (both are ids
  kpi.compare.ranking.comparator_ids looks for);
- only shares, ratios and averages are compared, each with its numerator and denominator (so the nation's
  figure is worked out from them, as from a publication). Counts are left out: between authorities of
  different sizes they compare sizes, not how the service works, and a year's count less the quarters or
  months an authority's pack shows could give one it withholds. So is the change on last year (a change in
  demand is no one's performance), and so are rates per 10,000 children: kpi.yml's child population is the
  nation's, not each authority's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalogue import Indicator, catalogue_for
from kpi.compare.areas import NATION_CODES, NATION_NAMES
from kpi.compare.ranking import FROM_RECORDS, figures_source
from kpi.config import Config
from kpi.data.processed import ProcessedData
from kpi.data.schemas import DTYPES
from kpi.data.tables import table as canonical_table
from kpi.engine import ALL, compute_values
from kpi.engine.rules import rule_for
from kpi.indicators.disclosure import Policy
from kpi.indicators.table import settings_from
from kpi.time import periods as fp

COMPARED_KINDS = ("share", "ratio")  # the figure is numerator / denominator (x 100 for a share): see above
NOT_AVAILABLE = "x"  # as publications mark a figure that could not be given


def covered_years(data: ProcessedData) -> list[pd.Period]:
    """The financial years that lie wholly inside the record tables' dates (a part year is no year's figure)."""
    spans = [span for name, span in data.spans.items() if name != "comparators"]
    if not spans:
        return []
    first, last = min(start for start, _ in spans), max(end for _, end in spans)
    return [year for year in pd.period_range(first, last, freq=fp.YEAR)
            if first <= fp.bounds(year)[0] and fp.bounds(year)[1] <= last]


def comparable(config: Config) -> dict[str, Indicator]:
    """The indicators compared: every share, ratio and average the engine computes."""
    return {i: indicator for i, indicator in catalogue_for(config).items()
            if rule_for(i) is not None and rule_for(i).kind in COMPARED_KINDS}


def national_comparators(data: ProcessedData, config: Config, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Every authority's figure and the nation's, per indicator and covered financial year, as a comparators
    table (`names`: authority code -> name; the code where none is given)."""
    indicators, years = comparable(config), covered_years(data)
    if not years:
        return _from_records(_typed(pd.DataFrame()))
    figures = compute_values(data, indicators, years, settings_from(config), by="authority")
    nation = figures["authority"].eq(ALL)
    known = figures[nation & figures["status"].eq("ok")][["indicator_id", "period"]]
    figures = figures.merge(known, on=["indicator_id", "period"])  # an indicator and year nobody has: no rows
    figures = _withhold(figures, indicators, Policy.from_config(config))
    nation = figures["authority"].eq(ALL).to_numpy()
    names = names or {}
    area = config.authority.nation
    table = pd.DataFrame({
        "indicator_id": figures["indicator_id"].map({i: ind.comparator or i for i, ind in indicators.items()}),
        "area_code": np.where(nation, NATION_CODES.get(area, ""), figures["authority"]),
        "area_name": np.where(nation, NATION_NAMES.get(area, area.title()),
                              figures["authority"].map(lambda code: names.get(code, code))),
        "area_type": np.where(nation, "nation", "authority"),
        "period": figures["period"],
        "value": figures["value"], "numerator": figures["numerator"], "denominator": figures["denominator"],
        "note": figures["note"],
        "unit": figures["indicator_id"].map({i: ind.unit for i, ind in indicators.items()}),
        "provenance": FROM_RECORDS,  # no one published these: the packs must not say they did
    })
    table = table.assign(_nation=nation).sort_values(["indicator_id", "period", "_nation", "area_code"], kind="stable")
    return _from_records(_typed(table.drop(columns="_nation")))


def _from_records(table: pd.DataFrame) -> pd.DataFrame:
    """The table marked, as a whole, as computed from the records (kept in its parquet file): even with no rows
    (no whole financial year to compare), a pack made from it must not say comparisons were published."""
    table.attrs["provenance"] = FROM_RECORDS
    return table


def computed_from_records(comparators: pd.DataFrame | None) -> bool:
    """Whether a comparators table is one `national_comparators` made (even an empty one), not a publication."""
    if comparators is None:
        return False
    return comparators.attrs.get("provenance") == FROM_RECORDS or figures_source(comparators) == FROM_RECORDS


def _withhold(figures: pd.DataFrame, indicators: dict[str, Indicator], policy: Policy) -> pd.DataFrame:
    """As the policy shows figures in public (withheld, and in the Welsh Government style counts rounded to 5);
    `note`: its symbol on each withheld figure and on the nation's in that indicator and year, `x` on a figure
    the data cannot give."""
    shown = policy.withhold(figures, indicators)
    withheld = shown["suppressed"] & shown["authority"].ne(ALL)
    in_same_year = withheld.groupby([shown["indicator_id"], shown["period"]]).transform("any")
    withheld = shown["suppressed"] | (shown["authority"].eq(ALL) & in_same_year)
    note = pd.Series(pd.NA, index=shown.index, dtype="string")
    note[shown["status"].ne("ok")] = NOT_AVAILABLE
    note[withheld] = policy.symbol
    shown = shown.assign(note=note)
    shown.loc[note.notna(), ["value", "numerator", "denominator"]] = np.nan
    return shown


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """The comparators table's columns with the types `kpi ingest` gives them, so a pack reads it as its own."""
    columns = canonical_table("comparators").columns
    return pd.DataFrame({name: table[name].astype(DTYPES[column.type]) if name in table
                         else pd.Series(index=table.index, dtype=DTYPES[column.type])
                         for name, column in columns.items()}).reset_index(drop=True)
