"""How we compare on one indicator: the functions behind notebooks/benchmarking.ipynb.

`load` gathers the published figures of one indicator for a range of financial years; the rest turn them
into the notebook's tables and charts: where we stand (rank, quartile band, Wales or England, region,
statistical neighbours), every authority ranked with ours highlighted, and the years against the nation
and the neighbours. Every number comes from `kpi.compare.ranking` (`compare` and `comparison_figures`), so
a table and a chart on one page show the same figure: our figure for the published year (published,
or computed from our data by `own_value_for` where the publication lacks it), its rank (1 is best) and
band (A is always the best quarter, whatever the polarity). Suppressed figures are left out and counted,
never taken as 0. A year published with only the nation's value and quartiles has no rank: our figure
is placed against the published quartiles. Figures kpi computed from every authority's records (a comparators
table kpi.compare.national wrote) are said to be computed, never published.

The charts are drawn by `kpi.charts.ranking` and `kpi.charts.years` (Analysis Function style, in the pack's
language, at the size the pack places them); this authority is marked by colour AND by hatching and a label,
and every chart has alt text and the data behind it as a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.data.cells import from_csv_text
from kpi.catalogue import Indicator, catalogue
from kpi.compare.areas import Area, area_for, members
from kpi.compare.ranking import (COMPUTED, FROM_RECORDS, PUBLISHED, OwnValueFor, compare, comparator_ids,
                                 comparator_rows, comparison_figures, figures_source, position_words)
from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.time.periods import code, kind, parse_period, parse_period_range
from kpi.words.formatting import format_value

NATION_NAME = {"wales": "Wales", "england": "England"}
BAND_WORDS = {"A": "best quarter", "B": "second quarter", "C": "third quarter", "D": "worst quarter"}
NEUTRAL_BAND_WORDS = {"A": "highest quarter", "B": "second highest", "C": "second lowest", "D": "lowest quarter"}
NAME_ENDINGS = re.compile(r"\s+(?:(?:county|metropolitan|city|london)\s+)?(?:borough\s+)?(?:city\s+)?"
                          r"(?:county\s+)?council$", re.IGNORECASE)
MAX_NAMED_BARS = 30


# --- what is benchmarked -------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkMeasure:
    """The indicator as the charts need it, from the catalogue or (for a published measure that is not
    in it) from the LAIT data dictionary."""

    id: str
    title: str
    unit: str
    polarity: str
    decimals: int
    indicator: Indicator

    def show(self, value: float) -> str:
        return format_value(value, self.unit, self.decimals)


@dataclass
class Benchmark:
    """One indicator's published figures for this authority and every other, over a range of years."""

    config: Config
    measure: BenchmarkMeasure
    area: Area
    years: list[str]
    rows: pd.DataFrame  # the measure's comparator rows in those years
    own_value_for: OwnValueFor | None = None  # our figure for a year the publication lacks (see load)
    # Each year's figures, once worked out: a ranked chart, its alt text and its table all rank the same ones.
    worked_out: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    @property
    def latest(self) -> str:
        return self.years[-1]

    def already_worked_out(self, figures: pd.DataFrame | None) -> None:
        """Figures of one year that were worked out from the same rows elsewhere (the pack's, for its workbook):
        that year's charts and tables rank these rather than work them out again."""
        if figures is not None and len(figures) and figures["comparator_period"].nunique() == 1:
            self.worked_out[str(figures["comparator_period"].iloc[0])] = figures

    @cached_property
    def sources(self) -> pd.DataFrame:
        """The ingest report's comparator files (read when first asked for: a pack's ranked charts never ask)."""
        report = self.config.processed_dir / "ingest_report.csv"
        if not report.exists():
            return pd.DataFrame()
        sources = from_csv_text(pd.read_csv(report, dtype=str, keep_default_na=False))
        return sources[sources["table"].eq("comparators")]

    @property
    def nation(self) -> str:
        return NATION_NAME.get(self.area.nation, self.area.nation.title())

    @property
    def name(self) -> str:
        return self.config.authority.name

    @property
    def short_name(self) -> str:
        return short_name(self.config.authority.name)

    @property
    def computed(self) -> bool:
        """The figures were computed by kpi from every authority's records, not published."""
        return figures_source(self.rows) == FROM_RECORDS

    @property
    def no_figure(self) -> str:
        """What a missing figure is called: nothing was published where nothing is."""
        return "no figure" if self.computed else "not published"


def short_name(name: str) -> str:
    """'Demo County Borough Council' -> 'Demo'; 'Barnsley Metropolitan Borough Council' -> 'Barnsley'."""
    shorter = NAME_ENDINGS.sub("", name.strip())
    return shorter or name


def find_config(path: str | Path = "kpi.yml") -> Path:
    """The config as given, else the same name in a folder above (a notebook runs in notebooks/)."""
    path = Path(path)
    if path.is_file() or path.is_absolute():
        return path
    for folder in Path.cwd().parents:
        if (folder / path).is_file():
            return folder / path
    return path


def _dictionaries(config: Config) -> list[pd.DataFrame]:
    """The LAIT data dictionaries of the configured LAIT sources."""
    from kpi.data.published.lait import dictionary_path, read_dictionary

    found = []
    for source in config.sources.present().get("comparators", []):
        if source.format != "lait":
            continue
        for path in config.source_files(source)[:1]:
            dictionary = dictionary_path(path, source.options)
            if dictionary is not None:
                found.append(read_dictionary(dictionary))
    return found


def measure_for(config: Config, indicator_id: str, rows: pd.DataFrame | None = None) -> BenchmarkMeasure:
    """Our catalogue's indicator, or a published measure (a LAIT code or an id mapped in kpi.yml)."""
    indicators = catalogue(config.targets)
    if indicator_id in indicators:
        indicator = indicators[indicator_id]
        return BenchmarkMeasure(indicator.id, indicator.title_in("en"), indicator.unit, indicator.polarity,
                       indicator.decimals, indicator)
    title, unit, polarity, decimals = indicator_id, "ratio", "neutral", None
    for dictionary in _dictionaries(config):
        if indicator_id in dictionary.index:
            entry = dictionary.loc[indicator_id]
            title, polarity = entry["title"] or indicator_id, entry["polarity"]
            unit = "percent" if "%" in str(entry["axis"]) or "percent" in str(entry["axis"]).lower() else "ratio"
            decimals = None if pd.isna(entry["decimals"]) else int(entry["decimals"])
            break
    stated = rows.loc[rows["indicator_id"].eq(indicator_id), "unit"].dropna().unique() if (
        rows is not None and "unit" in rows) else []
    if len(stated) == 1 and stated[0] in ("percent", "count", "ratio", "rate", "days"):
        unit = str(stated[0])  # as the file or published_measures.yml says (kpi.data.published.units)
    if decimals is None:
        from kpi.data.published.checks import decimals_of

        values = rows.loc[rows["indicator_id"].eq(indicator_id), "value"] if rows is not None else pd.Series()
        decimals = int(min(decimals_of(values.dropna()).max(), 3)) if values.notna().any() else 1
    indicator = Indicator(id=indicator_id, title={"en": title}, domain="comparators", unit=unit, polarity=polarity,
                          numerator="", denominator=None, decimals=decimals, tables=(),
                          comparator=indicator_id)
    return BenchmarkMeasure(indicator_id, title, unit, polarity, decimals, indicator)


def years_in(text: str, available: list[str]) -> list[str]:
    """The financial years a range asks for ('2019-20..latest', 'earliest..latest', 'latest', '2024-25')
    that have published figures."""
    if not available:
        return []
    ordered = sorted(available, key=parse_period)
    text = str(text).strip().lower()
    if text in ("", "all"):
        text = "earliest..latest"
    text = text.replace("latest", ordered[-1]).replace("earliest", ordered[0])
    try:
        wanted = parse_period_range(text)
    except UnusableInput as error:
        raise UnusableInput(f"period '{text}': {error} (benchmarking compares financial years, e.g. "
                            "2019-20..2024-25 or earliest..latest)") from None
    if any(kind(p) != "year" for p in wanted):
        raise UnusableInput(f"period '{text}': published comparators are annual; give financial years, "
                            "e.g. 2019-20..2024-25")
    codes = {code(p) for p in wanted}
    return [year for year in ordered if year in codes]


def load(config: str | Path | Config = "kpi.yml", indicator: str = "assessments_within_timescale_pct",
         period: str = "earliest..latest", own_value_for: OwnValueFor | None = None,
         comparators: pd.DataFrame | None = None) -> Benchmark:
    """One indicator's published figures for the years asked for (the notebook's one call).

    `own_value_for(year)` gives our figure for a year whose publication lacks it (missing or
    suppressed), e.g. `kpi.compare.ranking.our_figure_for(data, config, indicator)`; the pack passes the
    same function to `compare`, so its table and its charts rank the same figure. `comparators`: the
    processed comparators table when it has been read already (the pack's), else it is read here."""
    if not isinstance(config, Config):
        config = load_config(find_config(config))
    if comparators is None:
        path = config.processed_dir / "comparators.parquet"
        if not path.exists():
            raise UnusableInput(f"{path}: no comparators loaded; add a comparators source to kpi.yml and run "
                                "`kpi ingest`")
        comparators = pd.read_parquet(path)
    measure = measure_for(config, indicator, comparators)
    rows = comparator_rows(comparators, measure.indicator)
    if rows.empty:
        known = ", ".join(sorted(comparators["indicator_id"].dropna().unique())[:12])
        raise UnusableInput(f"no published figures for '{indicator}' (ids looked for: "
                            f"{', '.join(comparator_ids(measure.indicator))}); the comparators hold: {known}, ...")
    available = sorted({p for p in rows["period"].dropna().unique() if "Q" not in p}, key=parse_period)
    years = years_in(period, available)
    if not years:
        raise UnusableInput(f"no published figures for '{indicator}' in {period} (years with figures: "
                            f"{', '.join(available)})")
    return Benchmark(config, measure, area_for(config), years, rows[rows["period"].isin(years)].copy(),
                     own_value_for)


# --- the numbers ---------------------------------------------------------------------------------


def position(bench: Benchmark, year: str | None = None) -> dict:
    """`kpi.compare.ranking.compare` for one year (the latest by default): our figure, rank, band, nation,
    quartiles, region..."""
    year = year or bench.latest
    return compare(bench.rows, bench.measure.indicator, parse_period(year), bench.area, bench.own_value_for)


def figures(bench: Benchmark, year: str | None = None) -> pd.DataFrame:
    """`kpi.compare.ranking.comparison_figures` for one year: every figure the comparison was worked out from."""
    year = year or bench.latest
    if year not in bench.worked_out:
        bench.worked_out[year] = comparison_figures(bench.rows, bench.measure.indicator, parse_period(year),
                                                    bench.area, bench.own_value_for)
    return bench.worked_out[year].copy()


def league(bench: Benchmark, year: str | None = None) -> pd.DataFrame:
    """Every authority of our nation in one year, best first: rank, band, value (or the published
    symbol), where our figure comes from, and whether it is us or one of our statistical neighbours."""
    table = figures(bench, year)
    table = table[table["area_type"].eq("authority")].reset_index(drop=True)
    neighbours = set(bench.area.neighbours)
    table["neighbour"] = members(table["area_code"].astype("string")).map(
        lambda parts: bool(neighbours & set(parts)) if isinstance(parts, list) else False).astype(bool)
    return table[["area_code", "area_name", "value", "numerator", "denominator", "note", "rank", "band",
                  "this_authority", "neighbour", "value_source", "used"]]


def series(bench: Benchmark) -> pd.DataFrame:
    """Each year: our value, the nation's, the region's, the neighbours' median, the quartiles of the
    authorities, our rank and band."""
    rows = []
    for year in bench.years:  # a handful of years
        result = position(bench, year)
        rows.append({
            "period": year, "value": result["comparator_value"], "value_source": result["comparator_value_source"],
            "nation_value": result["nation_value"], "region_value": result["region_value"],
            "neighbours_median": result["neighbours_median"], "neighbours_count": result["neighbours_count"],
            "lower_quartile": result["lower_quartile"], "median": result["median"],
            "upper_quartile": result["upper_quartile"], "quartiles_source": result["quartiles_source"],
            "rank": result["rank"], "rank_of": result["rank_of"], "quartile_band": result["quartile_band"],
            "position": result["comparator_position"],
        })
    return pd.DataFrame(rows)


# --- tables for the notebook ----------------------------------------------------------------------


def heading(bench: Benchmark):
    """A markdown heading naming the indicator, the authority and the years."""
    from IPython.display import Markdown

    years = bench.years[0] if len(bench.years) == 1 else f"{bench.years[0]} to {bench.latest}"
    return Markdown(f"### {bench.measure.title}\n\n{bench.name} ({bench.area.code}) against "
                    f"{'every English' if bench.area.nation == 'england' else 'every Welsh'} authority, "
                    f"{years}. {_figures_words(bench)}; {_polarity_words(bench.measure.polarity)}.")


def _figures_words(bench: Benchmark) -> str:
    return "Figures computed from every authority's records, not published" if bench.computed else "Published figures"


def _polarity_words(polarity: str) -> str:
    return {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}.get(
        polarity, "neither higher nor lower is better, so there is no rank")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def summary_table(bench: Benchmark, year: str | None = None) -> pd.DataFrame:
    """Where we stand in one year: our value, rank and band; the nation, region and neighbours."""
    year = year or bench.latest
    result = position(bench, year)
    table = league(bench, year)
    ours = table[table["this_authority"]]
    show = bench.measure.show
    note = ours["note"].iloc[0] if len(ours) and pd.notna(ours["note"].iloc[0]) else None
    lines = [("Year", year), (bench.name, _our_figure_words(bench, result, note))]
    in_table = len(ours) and result["comparator_value_source"] in (PUBLISHED, FROM_RECORDS)
    if in_table and pd.notna(ours["numerator"].iloc[0]) and pd.notna(ours["denominator"].iloc[0]):
        lines.append(("Numerator and denominator",
                      f"{ours['numerator'].iloc[0]:,.15g} of {ours['denominator'].iloc[0]:,.15g}"))
    if pd.notna(result["rank"]):
        lines.append(("Rank (1 is best)", f"{int(result['rank'])} of {int(result['rank_of'])}"))
    if result["quartile_band"]:
        lines.append(("Quartile band", f"{result['quartile_band']} ({BAND_WORDS[result['quartile_band']]})"))
    if result["comparator_position"]:
        lines.append(("Position", position_words(result["comparator_position"], bench.measure.polarity)))
    lines.append((bench.nation, f"{show(result['nation_value'])} ({result['nation_method']})"
                  if pd.notna(result["nation_value"]) else bench.no_figure))
    lines.append((_quartiles_label(result), " / ".join(show(result[k]) for k in
                                                       ("lower_quartile", "median", "upper_quartile"))))
    if bench.area.region:
        lines.append((f"Region ({bench.area.region})", show(result["region_value"])
                      if pd.notna(result["region_value"]) else bench.no_figure))
    if bench.area.neighbours:
        lines.append(("Statistical neighbours' median", _neighbours_words(bench, result)))
    excluded = int(result["comparator_excluded"]) if pd.notna(result["comparator_excluded"]) else 0
    if excluded:
        symbols = table.loc[table["value"].isna(), "note"].fillna("none").value_counts()
        lines.append(("Authorities without a figure", f"{excluded} ({'shown' if bench.computed else 'published'} as "
                      + ", ".join(f"{s}: {n}" for s, n in symbols.items()) + ")"))
    return pd.DataFrame(lines, columns=["", "Figure"]).set_index("")


def _neighbours_words(bench: Benchmark, result: dict) -> str:
    """'13.0 (2 of 3 neighbours published)'; 'with a figure' where the figures were computed (none published)."""
    count = int(result["neighbours_count"]) if pd.notna(result["neighbours_count"]) else 0
    if not count:
        return "no neighbour has a figure" if bench.computed else "no neighbour published a figure"
    having = "with a figure" if bench.computed else "published"
    return f"{bench.measure.show(result['neighbours_median'])} ({count} of {len(bench.area.neighbours)} neighbours " \
           f"{having})"


def _our_figure_words(bench: Benchmark, result: dict, note: str | None) -> str:
    """'85.7%', '85.7% (computed from our data: not published)' or 'not published (*)'."""
    value = result["comparator_value"]
    if pd.isna(value):
        return f"{bench.no_figure} ({note or 'no row'})"
    if result["comparator_value_source"] == COMPUTED:
        return f"{bench.measure.show(value)} ({COMPUTED}: {bench.no_figure})"
    return bench.measure.show(value)


def _quartiles_label(result: dict) -> str:
    return "Quartiles (published)" if result["quartiles_source"] == PUBLISHED else "Quartiles of the authorities"


def league_table(bench: Benchmark, year: str | None = None) -> pd.DataFrame:
    """Every authority with its rank and band, best first (the data behind the ranked chart)."""
    table = league(bench, year)
    show = bench.measure.show
    words = BAND_WORDS if bench.measure.polarity != "neutral" else NEUTRAL_BAND_WORDS
    out = pd.DataFrame({
        "Rank": table["rank"].astype("string").fillna(""),
        "Authority": table["area_name"] + np.where(table["this_authority"], " (this authority)", "")
        + np.where(table["neighbour"], " (statistical neighbour)", ""),
        "Code": table["area_code"],
        "Value": [(show(v) + (f" ({COMPUTED})" if source == COMPUTED else "")) if pd.notna(v)
                  else f"{bench.no_figure} ({n})" for v, n, source in zip(table["value"], table["note"],
                                                                      table["value_source"].fillna(""))],
        "Band": [f"{b} ({words[b]})" if isinstance(b, str) else "" for b in table["band"]],
    })
    return out.set_index("Rank")


def series_table(bench: Benchmark) -> pd.DataFrame:
    """The figures behind the time-series chart."""
    frame = series(bench)
    show = bench.measure.show
    ours = [show(v) + (f" ({COMPUTED})" if s == COMPUTED else "")
            for v, s in zip(frame["value"], frame["value_source"].fillna(""))]
    out = pd.DataFrame({"Year": frame["period"], bench.name: ours,
                        bench.nation: frame["nation_value"].map(show)})
    if bench.area.region:
        out[f"Region ({bench.area.region})"] = frame["region_value"].map(show)
    if bench.area.neighbours:
        out["Neighbours' median"] = frame["neighbours_median"].map(show)
    out["Lower quartile"] = frame["lower_quartile"].map(show)
    out["Upper quartile"] = frame["upper_quartile"].map(show)
    if bench.measure.polarity != "neutral":
        out["Rank"] = [f"{int(r)} of {int(n)}" if pd.notna(r) else "" for r, n in zip(frame["rank"], frame["rank_of"])]
        out["Band"] = frame["quartile_band"].fillna("")
    return out.set_index("Year")


def sources_table(bench: Benchmark) -> pd.DataFrame:
    """Where the published figures come from: each comparators file, its checksum and its rows."""
    if bench.sources.empty:
        return pd.DataFrame(columns=["file", "format", "sha256", "rows_in_file", "rows_accepted", "rows_rejected"])
    columns = [c for c in ("file", "format", "sha256", "rows_in_file", "rows_left_out", "rows_read", "rows_accepted",
                           "rows_rejected", "rows_flagged") if c in bench.sources]
    return bench.sources[columns].set_index("file")
