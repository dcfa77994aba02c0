"""How we compare on one indicator: the functions behind notebooks/benchmarking.ipynb.

`load` gathers the published figures of one indicator for a range of financial years; the rest turn them
into the notebook's tables and charts: where we stand (rank, quartile band, Wales or England, region,
statistical neighbours), every authority ranked with ours highlighted, and the years against the nation
and the neighbours. Every number comes from `kpi.comparisons` (`compare` and `comparison_figures`), so
a table and a chart on one page show the same figure: our figure for the published year (published,
or computed from our data by `own_value_for` where the publication lacks it), its rank (1 is best) and
band (A is always the best quarter, whatever the polarity). Suppressed figures are left out and counted,
never taken as 0. A year published with only the nation's value and quartiles has no rank: our figure
is placed against the published quartiles.

Charts follow the Analysis Function style (afcharts palette, light gridlines, active titles of ten
words or fewer); this authority is marked by colour AND by hatching and a label, and every chart has alt
text and the data behind it as a table.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from kpi.cells import from_csv_text
from kpi.catalogue import Indicator, catalogue
from kpi.comparisons import (COMPUTED, FROM_AUTHORITIES, POSITION_WORDS, PUBLISHED, Area, OwnValueFor, area_for,
                             bands, compare, comparator_ids, comparator_rows, comparison_figures, members,
                             position_words, quartiles_of)
from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.periods import code, kind, parse_period, parse_period_range
from kpi.presentation import format_value

STYLE = "afcharts.afcharts"
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, PURPLE = get_af_colours("categorical")
LIGHT_GREY = "#BFBFBF"
BAND_FILL = "#F2F2F2"
NATION_NAME = {"wales": "Wales", "england": "England"}
BAND_WORDS = {"A": "best quarter", "B": "second quarter", "C": "third quarter", "D": "worst quarter"}
NEUTRAL_BAND_WORDS = {"A": "highest quarter", "B": "second highest", "C": "second lowest", "D": "lowest quarter"}
NAME_ENDINGS = re.compile(r"\s+(?:(?:county|metropolitan|city|london)\s+)?(?:borough\s+)?(?:city\s+)?"
                          r"(?:county\s+)?council$", re.IGNORECASE)
MAX_NAMED_BARS = 30


# --- what is benchmarked -------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
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
    measure: Measure
    area: Area
    years: list[str]
    rows: pd.DataFrame  # the measure's comparator rows in those years
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # the ingest report's comparator files
    own_value_for: OwnValueFor | None = None  # our figure for a year the publication lacks (see load)

    @property
    def latest(self) -> str:
        return self.years[-1]

    @property
    def nation(self) -> str:
        return NATION_NAME.get(self.area.nation, self.area.nation.title())

    @property
    def name(self) -> str:
        return self.config.authority.name

    @property
    def short_name(self) -> str:
        return short_name(self.config.authority.name)


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
    from kpi.comparators.lait import dictionary_path, read_dictionary

    found = []
    for source in config.sources.present().get("comparators", []):
        if source.format != "lait":
            continue
        for path in config.source_files(source)[:1]:
            dictionary = dictionary_path(path, source.options)
            if dictionary is not None:
                found.append(read_dictionary(dictionary))
    return found


def measure_for(config: Config, indicator_id: str, rows: pd.DataFrame | None = None) -> Measure:
    """Our catalogue's indicator, or a published measure (a LAIT code or an id mapped in kpi.yml)."""
    indicators = catalogue(config.targets)
    if indicator_id in indicators:
        indicator = indicators[indicator_id]
        return Measure(indicator.id, indicator.title_in("en"), indicator.unit, indicator.polarity,
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
    if len(stated) == 1 and stated[0] in ("percent", "count", "ratio", "days"):
        unit = str(stated[0])  # as the file or published_measures.yml says (kpi.comparators.units)
    if decimals is None:
        from kpi.comparators.checks import decimals_of

        values = rows.loc[rows["indicator_id"].eq(indicator_id), "value"] if rows is not None else pd.Series()
        decimals = int(min(decimals_of(values.dropna()).max(), 3)) if values.notna().any() else 1
    indicator = Indicator(id=indicator_id, title={"en": title}, domain="comparators", unit=unit, polarity=polarity,
                          numerator="", denominator=None, decimals=decimals, frequency="annual", tables=(),
                          comparator=indicator_id)
    return Measure(indicator_id, title, unit, polarity, decimals, indicator)


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
         period: str = "earliest..latest", own_value_for: OwnValueFor | None = None) -> Benchmark:
    """One indicator's published figures for the years asked for (the notebook's one call).

    `own_value_for(year)` gives our figure for a year whose publication lacks it (missing or
    suppressed), e.g. `kpi.comparisons.our_figure_for(data, config, indicator)`; the pack passes the
    same function to `compare`, so its table and its charts rank the same figure."""
    if not isinstance(config, Config):
        config = load_config(find_config(config))
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
    report = config.processed_dir / "ingest_report.csv"
    sources = pd.DataFrame()
    if report.exists():
        sources = from_csv_text(pd.read_csv(report, dtype=str, keep_default_na=False))
        sources = sources[sources["table"].eq("comparators")]
    return Benchmark(config, measure, area_for(config), years, rows[rows["period"].isin(years)].copy(), sources,
                     own_value_for)


# --- the numbers ---------------------------------------------------------------------------------


def position(bench: Benchmark, year: str | None = None) -> dict:
    """`kpi.comparisons.compare` for one year (the latest by default): our figure, rank, band, nation,
    quartiles, region..."""
    year = year or bench.latest
    return compare(bench.rows, bench.measure.indicator, parse_period(year), bench.area, bench.own_value_for)


def figures(bench: Benchmark, year: str | None = None) -> pd.DataFrame:
    """`kpi.comparisons.comparison_figures` for one year: every figure the comparison was worked out from."""
    year = year or bench.latest
    return comparison_figures(bench.rows, bench.measure.indicator, parse_period(year), bench.area,
                              bench.own_value_for)


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
                    f"{years}. Published figures; {_polarity_words(bench.measure.polarity)}.")


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
    published = len(ours) and result["comparator_value_source"] == PUBLISHED
    if published and pd.notna(ours["numerator"].iloc[0]) and pd.notna(ours["denominator"].iloc[0]):
        lines.append(("Numerator and denominator",
                      f"{ours['numerator'].iloc[0]:,.15g} of {ours['denominator'].iloc[0]:,.15g}"))
    if pd.notna(result["rank"]):
        lines.append(("Rank (1 is best)", f"{int(result['rank'])} of {int(result['rank_of'])}"))
    if result["quartile_band"]:
        lines.append(("Quartile band", f"{result['quartile_band']} ({BAND_WORDS[result['quartile_band']]})"))
    if result["comparator_position"]:
        lines.append(("Position", position_words(result["comparator_position"], bench.measure.polarity)))
    lines.append((bench.nation, f"{show(result['nation_value'])} ({result['nation_method']})"
                  if pd.notna(result["nation_value"]) else "not published"))
    lines.append((_quartiles_label(result), " / ".join(show(result[k]) for k in
                                                       ("lower_quartile", "median", "upper_quartile"))))
    if bench.area.region:
        lines.append((f"Region ({bench.area.region})", show(result["region_value"])
                      if pd.notna(result["region_value"]) else "not published"))
    if bench.area.neighbours:
        count = int(result["neighbours_count"]) if pd.notna(result["neighbours_count"]) else 0
        lines.append(("Statistical neighbours' median", f"{show(result['neighbours_median'])} "
                      f"({count} of {len(bench.area.neighbours)} neighbours published)"
                      if count else "no neighbour published a figure"))
    excluded = int(result["comparator_excluded"]) if pd.notna(result["comparator_excluded"]) else 0
    if excluded:
        symbols = table.loc[table["value"].isna(), "note"].fillna("none").value_counts()
        lines.append(("Authorities without a figure", f"{excluded} (published as "
                      + ", ".join(f"{s}: {n}" for s, n in symbols.items()) + ")"))
    return pd.DataFrame(lines, columns=["", "Figure"]).set_index("")


def _our_figure_words(bench: Benchmark, result: dict, note: str | None) -> str:
    """'85.7%', '85.7% (computed from our data: not published)' or 'not published (*)'."""
    value = result["comparator_value"]
    if pd.isna(value):
        return f"not published ({note or 'no row'})"
    if result["comparator_value_source"] == COMPUTED:
        return f"{bench.measure.show(value)} ({COMPUTED}: not published)"
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
                  else f"not published ({n})" for v, n, source in zip(table["value"], table["note"],
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


# --- charts ----------------------------------------------------------------------------------------


@dataclass
class Chart:
    """A chart with its alt text and the data behind it; shows as an image with alt text in a notebook."""

    figure: Figure
    title: str
    alt_text: str
    data: pd.DataFrame

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

    def _repr_html_(self) -> str:
        encoded = base64.b64encode(self.png()).decode("ascii")
        alt = html.escape(self.alt_text, quote=True)
        return (f'<figure><img src="data:image/png;base64,{encoded}" alt="{alt}" style="max-width:100%">'
                f"<figcaption>{html.escape(self.alt_text)}</figcaption></figure>")

    def __repr__(self) -> str:
        return f"Chart: {self.alt_text}"


def _axis_formatter(measure: Measure) -> FuncFormatter:
    return FuncFormatter(lambda v, _: format_value(v, measure.unit, 0 if float(v).is_integer() else 1))


def ranked_chart(bench: Benchmark, year: str | None = None) -> Chart:
    """Every authority's value, best to worst, with quartile bands, the nation's value and this
    authority highlighted (dark blue, hatched and labelled). Up to 30 authorities (Wales) are named on
    horizontal bars; more (England) are drawn as unnamed columns with ours labelled. Our bar is our figure
    as `position` ranks it. A year published with only the nation's value and quartiles is drawn as
    our figure against them, with no rank."""
    year = year or bench.latest
    result = position(bench, year)
    if result["quartiles_source"] == PUBLISHED:
        return _quartiles_chart(bench, result, year)
    if result["quartiles_source"] != FROM_AUTHORITIES:
        raise UnusableInput(f"{bench.measure.id}, {year}: no other authority's figure is published, so there is "
                            "nothing to rank against")
    table = league(bench, year)
    shown = table[table["value"].notna()].reset_index(drop=True)
    measure = bench.measure
    computed = result["comparator_value_source"] == COMPUTED
    named = len(shown) <= MAX_NAMED_BARS
    # Bars along `at`: left to right for columns; top to bottom (best at the top) for named bars.
    at = np.arange(len(shown)) if not named else np.arange(len(shown))[::-1].astype(float)
    values = shown["value"].to_numpy(dtype=float)
    with matplotlib.style.context(STYLE):
        figure = Figure(figsize=(10, 5.4) if not named else (9, 0.3 * len(shown) + 2.4), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_axes([0.08, 0.16, 0.9, 0.7] if not named else [0.3, 0.14, 0.66, 0.74])
        _shade_bands(ax, shown, measure.polarity, at, named)
        colours = np.where(shown["this_authority"], DARK_BLUE, np.where(shown["neighbour"], TURQUOISE, LIGHT_GREY))
        draw = ax.barh if named else ax.bar
        bars = draw(at, values, 0.8 if not named else 0.7, color=colours, edgecolor="white", linewidth=0.3, zorder=3)
        for bar, mine in zip(bars, shown["this_authority"]):
            if mine:
                bar.set_hatch("///")
        handles = [Patch(facecolor=DARK_BLUE, hatch="///", edgecolor="white", label=f"{bench.name} (hatched"
                         + (f"; {COMPUTED}, not published)" if computed else ")"))]
        neighbour = shown["neighbour"].to_numpy(dtype=bool)
        if neighbour.any():
            spot = (values[neighbour], at[neighbour]) if named else (at[neighbour], values[neighbour])
            ax.plot(*spot, linestyle="none", marker="<" if named else "v", markersize=5, color=DARK_GREY, zorder=4)
            handles.append(Line2D([], [], linestyle="none", marker="<" if named else "v", markersize=6,
                                  color=DARK_GREY, label="Statistical neighbour (turquoise, with a marker)"))
        handles.append(Patch(facecolor=LIGHT_GREY, label="Other authorities"))
        nation = result["nation_value"]
        if pd.notna(nation):
            (ax.axvline if named else ax.axhline)(nation, color=DARK_GREY, linewidth=1.5, linestyle=(0, (5, 3)),
                                                  zorder=5)
            handles.append(Line2D([], [], color=DARK_GREY, linewidth=1.5, linestyle=(0, (5, 3)),
                                  label=f"{bench.nation} {measure.show(nation)} ({result['nation_method']})"))
            if named:
                ax.annotate(f"{bench.nation} {measure.show(nation)}", (nation, 0), xycoords=("data", "axes fraction"),
                            xytext=(3, 3), textcoords="offset points", ha="left", va="bottom", fontsize=8,
                            color=DARK_GREY, zorder=6,
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
            else:
                ax.annotate(f"{bench.nation} {measure.show(nation)}", (0, nation), xycoords=("axes fraction", "data"),
                            xytext=(4, 3), textcoords="offset points", ha="left", va="bottom", fontsize=9,
                            color=DARK_GREY, zorder=6,
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        mine = np.flatnonzero(shown["this_authority"].to_numpy())
        if len(mine):
            i = int(mine[0])
            label = f"{short_name(bench.name)} {measure.show(values[i])}" + (" (our data)" if computed else "")
            if named:
                ax.annotate(label, (values[i], at[i]), xytext=(4, 0), textcoords="offset points", ha="left",
                            va="center", fontsize=9, fontweight="bold", color=DARK_BLUE, zorder=6,
                            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
            else:
                ax.annotate(label.replace(" ", "\n", 1) if len(label) > 14 else label, (at[i], values[i]),
                            xytext=(0, 14), textcoords="offset points", ha="center", va="bottom", fontsize=9,
                            fontweight="bold", color=DARK_BLUE, arrowprops={"arrowstyle": "-", "color": DARK_BLUE})
        top = np.nanmax([values.max() if len(values) else 0, nation if pd.notna(nation) else 0])
        limit = (0, top * (1.3 if named else 1.22) if top > 0 else 1)
        value_axis = ax.xaxis if named else ax.yaxis
        value_axis.set_major_formatter(_axis_formatter(measure))
        if named:
            ax.set_xlim(*limit)
            ax.set_yticks(at, [short_name(n) for n in shown["area_name"]], fontsize=8)
            ax.set_ylim(-0.6, len(shown) - 0.4)
            ax.grid(axis="x", color="0.8", linewidth=0.6)
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="x", labelsize=9)
        else:
            ax.set_ylim(*limit)
            ax.set_xticks([])
            ax.set_xlim(-0.7, len(shown) - 0.3)
            ax.set_xlabel(f"{len(shown)} authorities, {_order_words(measure.polarity)}", fontsize=9)
            ax.tick_params(axis="y", labelsize=9)
        title = _ranked_title(bench, result, year)
        ax.set_title(title, loc="left", fontsize=14, pad=22)
        ax.text(0, 1.01, f"{measure.title}, {year}" + (f"; {_order_words(measure.polarity)}" if named else ""),
                transform=ax.transAxes, fontsize=9, color=DARK_GREY, va="bottom")
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5 if not named else 0.3, -0.06),
                  ncol=2, fontsize=8, frameon=False)
    data = league_table(bench, year)
    return Chart(figure, title, _ranked_alt_text(bench, table, result, year, title), data)


def _order_words(polarity: str) -> str:
    return {"higher_is_better": "best (highest) to worst", "lower_is_better": "best (lowest) to worst"}.get(
        polarity, "highest to lowest")


def _shade_bands(ax, shown: pd.DataFrame, polarity: str, at: np.ndarray, named: bool) -> None:
    """Quartile bands behind the bars: alternate light fills, each labelled with its letter (with its
    words only, highest to lowest quarter, where neither direction is better: there is no band then)."""
    neutral = polarity not in ("higher_is_better", "lower_is_better")
    words = BAND_WORDS if not neutral else NEUTRAL_BAND_WORDS
    band = shown["band"]
    if neutral and len(shown):
        band = bands(shown["value"], *quartiles_of(shown["value"]), "higher_is_better")
    for i, letter in enumerate(["A", "B", "C", "D"]):
        where = at[band.eq(letter).fillna(False).to_numpy()]
        if not len(where):
            continue
        low, high = where.min() - 0.5, where.max() + 0.5
        fill = BAND_FILL if i % 2 == 0 else "white"
        if named:
            ax.axhspan(low, high, facecolor=fill, edgecolor="none", zorder=0)
            ax.text(0.995, high - 0.15, words[letter] if neutral else f"{letter}: {words[letter]}",
                    transform=ax.get_yaxis_transform(),
                    ha="right", va="top", fontsize=8, color=DARK_GREY)
        else:
            ax.axvspan(low, high, facecolor=fill, edgecolor="none", zorder=0)
            ax.text((low + high) / 2, 0.98, words[letter] if neutral else f"{letter}: {words[letter]}",
                    transform=ax.get_xaxis_transform(),
                    ha="center", va="top", fontsize=8, color=DARK_GREY)


def _ranked_title(bench: Benchmark, result: dict, year: str) -> str:
    name = short_name(bench.name)
    if result["quartiles_source"] == PUBLISHED:
        if result["comparator_position"]:
            return f"{name} {POSITION_WORDS[result['comparator_position']]} in {year}"
        return f"No {year} figure for {name} against the quartiles"
    if pd.notna(result["rank"]):
        return f"{name} ranks {_ordinal(int(result['rank']))} of {int(result['rank_of'])} authorities in {year}"
    if bench.measure.polarity == "neutral":
        return f"{name} among {int(result['rank_of'] or 0)} authorities in {year}"
    return f"No published {year} figure for {name}"


def _ranked_alt_text(bench: Benchmark, table: pd.DataFrame, result: dict, year: str, title: str) -> str:
    show = bench.measure.show
    known = table[table["value"].notna()]
    parts = [f"Bar chart: {title}. {bench.measure.title} for {len(known)} {bench.nation.replace('England', 'English').replace('Wales', 'Welsh')} "
             f"authorities in {year}, {_order_words(bench.measure.polarity)}"]
    ours = table[table["this_authority"]]
    if len(ours) and pd.notna(ours["value"].iloc[0]):
        band = result["quartile_band"]
        parts.append(f"{bench.name}: {show(ours['value'].iloc[0])}"
                     + (f" ({COMPUTED}, not published)" if result["comparator_value_source"] == COMPUTED else "")
                     + (f", rank {int(result['rank'])} of {int(result['rank_of'])}" if pd.notna(result["rank"]) else "")
                     + (f", band {band} ({BAND_WORDS[band]})" if band else ""))
    if pd.notna(result["nation_value"]):
        parts.append(f"{bench.nation}: {show(result['nation_value'])}")
    parts.append("Quartiles: " + ", ".join(show(result[k]) for k in ("lower_quartile", "median", "upper_quartile")))
    if len(known):
        top, bottom = known.iloc[0], known.iloc[-1]
        parts.append(f"From {show(top['value'])} ({top['area_name']}) to {show(bottom['value'])} "
                     f"({bottom['area_name']})")
    if pd.notna(result["neighbours_median"]):
        parts.append(f"Statistical neighbours' median: {show(result['neighbours_median'])}")
    missing = table["value"].isna().sum()
    if missing:
        parts.append(f"{missing} {'authority has' if missing == 1 else 'authorities have'} no published figure "
                     "(suppressed or not available)")
    return ". ".join(parts) + "."


def _quartiles_chart(bench: Benchmark, result: dict, year: str) -> Chart:
    """A year published with only the nation's value and the quartiles: our figure against them."""
    measure, show = bench.measure, bench.measure.show
    lower, median, upper = (result[k] for k in ("lower_quartile", "median", "upper_quartile"))
    ours, nation = result["comparator_value"], result["nation_value"]
    computed = result["comparator_value_source"] == COMPUTED
    title = _ranked_title(bench, result, year)
    with matplotlib.style.context(STYLE):
        figure = Figure(figsize=(9, 3.4), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_axes([0.05, 0.34, 0.9, 0.36])
        handles = []
        if pd.notna(lower) and pd.notna(upper):
            ax.axvspan(lower, upper, facecolor=BAND_FILL, edgecolor=LIGHT_GREY, zorder=1)
            handles.append(Patch(facecolor=BAND_FILL, edgecolor=LIGHT_GREY, label="Middle half of authorities "
                                 f"(published quartiles {show(lower)} to {show(upper)})"))
        if pd.notna(median):
            ax.axvline(median, color=LIGHT_GREY, linewidth=1.5, zorder=2)
            handles.append(Line2D([], [], color=LIGHT_GREY, linewidth=1.5, label=f"Median {show(median)}"))
        if pd.notna(nation):
            ax.axvline(nation, color=DARK_GREY, linewidth=1.5, linestyle=(0, (5, 3)), zorder=3)
            handles.append(Line2D([], [], color=DARK_GREY, linewidth=1.5, linestyle=(0, (5, 3)),
                                  label=f"{bench.nation} {show(nation)}"))
        if pd.notna(ours):
            ax.plot([ours], [0.5], linestyle="none", marker="D", markersize=12, color=DARK_BLUE, zorder=4)
            ax.annotate(f"{short_name(bench.name)} {show(ours)}" + (" (our data)" if computed else ""), (ours, 0.5),
                        xytext=(0, 12), textcoords="offset points", ha="center", va="bottom", fontsize=9,
                        fontweight="bold", color=DARK_BLUE)
            handles.append(Line2D([], [], linestyle="none", marker="D", markersize=8, color=DARK_BLUE,
                                  label=bench.name + (f" ({COMPUTED}, not published)" if computed else "")))
        shown = [v for v in (lower, median, upper, ours, nation) if pd.notna(v)]
        spread = (max(shown) - min(shown)) or 1.0
        ax.set_xlim(min(shown) - 0.25 * spread, max(shown) + 0.25 * spread)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.xaxis.set_major_formatter(_axis_formatter(measure))
        ax.grid(axis="y", visible=False)
        ax.set_title(title, loc="left", fontsize=14, pad=22)
        ax.text(0, 1.03, f"{measure.title}, {year}; only the {bench.nation} value and quartiles were published",
                transform=ax.transAxes, fontsize=9, color=DARK_GREY, va="bottom")
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=8, frameon=False)
    data = pd.DataFrame({"Figure": [bench.name, bench.nation, "Lower quartile (published)", "Median (published)",
                                    "Upper quartile (published)"],
                         "Value": [show(v) if pd.notna(v) else "not published" for v in (ours, nation, lower, median,
                                                                                         upper)]}).set_index("Figure")
    if computed:
        data.loc[bench.name, "Value"] += f" ({COMPUTED})"
    parts = [f"Chart: {title}. {measure.title} in {year}: no authority's figure was published, only the "
             f"{bench.nation} value and the quartiles, so there is no rank"]
    if pd.notna(ours):
        parts.append(f"{bench.name}: {show(ours)}" + (f" ({COMPUTED}, not published)" if computed else "")
                     + f", {position_words(result['comparator_position'], measure.polarity)}")
    if pd.notna(nation):
        parts.append(f"{bench.nation}: {show(nation)}")
    parts.append("Published quartiles: " + ", ".join(f"{name} {show(v)}" for name, v in (
        ("lower", lower), ("median", median), ("upper", upper)) if pd.notna(v)))
    return Chart(figure, title, ". ".join(parts) + ".", data)


def time_series_chart(bench: Benchmark) -> Chart:
    """Our value each year against the nation, the region, the neighbours' median and the middle half
    of authorities (between the quartiles)."""
    frame = series(bench)
    measure = bench.measure
    x = np.arange(len(frame))
    labels = frame["period"].tolist()
    lines = [("value", bench.name, DARK_BLUE, "o", "-", 2.6),
             ("nation_value", bench.nation, DARK_GREY, "s", (0, (5, 3)), 1.8)]
    if bench.area.region and frame["region_value"].notna().any():
        lines.append(("region_value", f"{bench.area.region} (region)", PURPLE, "D", ":", 1.8))
    if bench.area.neighbours and frame["neighbours_median"].notna().any():
        lines.append(("neighbours_median", "Statistical neighbours' median", TURQUOISE, "^", (0, (3, 1, 1, 1)), 1.8))
    with matplotlib.style.context(STYLE):
        figure = Figure(figsize=(9, 5), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_axes([0.09, 0.22, 0.7, 0.62])
        ax.fill_between(x, frame["lower_quartile"].astype(float), frame["upper_quartile"].astype(float),
                        color=BAND_FILL, edgecolor=LIGHT_GREY, linewidth=0.8, zorder=1)
        handles = [Patch(facecolor=BAND_FILL, edgecolor=LIGHT_GREY, label="Middle half of authorities (quartiles)")]
        ends = []
        for column, label, colour, marker, style, width in lines:
            values = frame[column].astype(float).to_numpy()
            ax.plot(x, values, color=colour, marker=marker, linestyle=style, linewidth=width, markersize=6, zorder=3)
            handles.append(Line2D([], [], color=colour, marker=marker, linestyle=style, linewidth=width, label=label))
            last = np.flatnonzero(~np.isnan(values))
            if len(last):
                ends.append((x[int(last[-1])], values[int(last[-1])], label, colour, column == "value"))
        _label_line_ends(ax, ends, measure)
        ax.set_xticks(x, labels, fontsize=9, rotation=45 if len(x) > 6 else 0, ha="right" if len(x) > 6 else "center")
        ax.set_xlim(-0.4, len(x) - 0.6 if len(x) > 1 else 0.4)
        ax.yaxis.set_major_formatter(_axis_formatter(measure))
        ax.tick_params(axis="y", labelsize=9)
        title = _series_title(bench, frame)
        ax.set_title(title, loc="left", fontsize=14, pad=22)
        ax.text(0, 1.01, f"{measure.title}, {labels[0]} to {labels[-1]}" if len(labels) > 1 else measure.title,
                transform=ax.transAxes, fontsize=9, color=DARK_GREY, va="bottom")
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.55, -0.2 if len(x) > 6 else -0.1),
                  ncol=3, fontsize=8, frameon=False)
    return Chart(figure, title, _series_alt_text(bench, frame, title), series_table(bench))


def _label_line_ends(ax, ends: list[tuple], measure: Measure) -> None:
    """Name each line at its last point, spread apart so that labels of close values do not overlap."""
    if not ends:
        return
    low, high = ax.get_ylim()
    gap = 0.055 * (high - low)
    order = sorted(range(len(ends)), key=lambda i: ends[i][1])
    placed: list[float] = []
    for i in order:  # a few lines
        y = ends[i][1]
        placed.append(max(y, placed[-1] + gap) if placed else y)
    shift = max(0.0, placed[-1] - high + gap / 2) if placed else 0.0
    for i, y in zip(order, placed):
        x, value, label, colour, ours = ends[i]
        ax.annotate(f"{label.replace(' (region)', '')} {measure.show(value)}", (x, value), xytext=(x + 0.15, y - shift),
                    textcoords="data", va="center", fontsize=8, color=colour, annotation_clip=False,
                    fontweight="bold" if ours else "normal")


def _better(values: pd.Series, others: pd.Series, polarity: str) -> pd.Series:
    if polarity == "lower_is_better":
        return values < others
    return values > others


def _series_title(bench: Benchmark, frame: pd.DataFrame) -> str:
    name = short_name(bench.name)
    both = frame["value"].notna() & frame["nation_value"].notna()
    if not both.any():
        return f"{name} against {bench.nation}, {frame['period'].iloc[0]} to {frame['period'].iloc[-1]}"
    n = int(both.sum())
    if bench.measure.polarity == "neutral":
        above = int((frame["value"] > frame["nation_value"])[both].sum())
        if n == 1:
            year = frame.loc[both, "period"].iloc[0]
            return f"{name} {'above' if above else 'not above'} {bench.nation} in {year}"
        return f"{name} above {bench.nation} in {above} of {n} years"
    better = int(_better(frame["value"], frame["nation_value"], bench.measure.polarity)[both].sum())
    if n == 1:
        year = frame.loc[both, "period"].iloc[0]
        return f"{name} {'better' if better else 'no better'} than {bench.nation} in {year}"
    return f"{name} better than {bench.nation} in {better} of {n} years"


def _series_alt_text(bench: Benchmark, frame: pd.DataFrame, title: str) -> str:
    show = bench.measure.show
    first, last = frame.iloc[0], frame.iloc[-1]
    parts = [f"Line chart: {title}. {bench.measure.title} from {first['period']} to {last['period']}"]
    for column, label in (("value", bench.name), ("nation_value", bench.nation),
                          ("region_value", f"{bench.area.region} region"),
                          ("neighbours_median", "statistical neighbours' median")):
        known = frame[column].dropna()
        if known.empty:
            continue
        start, end = frame.loc[known.index[0]], frame.loc[known.index[-1]]
        parts.append(f"{label}: {show(start[column])} in {start['period']}, {show(end[column])} in {end['period']}")
    if frame["lower_quartile"].notna().any():
        parts.append(f"The middle half of authorities was between {show(last['lower_quartile'])} and "
                     f"{show(last['upper_quartile'])} in {last['period']}")
    return ". ".join(parts) + "."
